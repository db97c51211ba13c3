// Starting a session process: fork + exec of the configured app (argv, never a shell) with the
// handoff socket as fd 3 (DOPPEL_HANDOFF_FD=3) and DOPPEL_SESSION_ID; its memory limit; and it
// dies with the gateway (PR_SET_PDEATHSIG), so nothing outlives a killed gateway.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "doppel/result.h"

namespace doppel::gateway {

/// The fd number the handoff socket has in the session process.
constexpr int kHandoffFd = 3;

struct SpawnRequest {
  std::vector<std::string> argv;
  std::string sessionId;
  int handoffFd = -1;  ///< the session's end of the socketpair (the gateway closes it after)
  std::uint64_t memoryBytes = 0;
  /// The warm template (--warm): fd 3 is its template socket, DOPPEL_TEMPLATE_FD=3 says so.
  bool asTemplate = false;
};

/// Starts the process; its pid. Exec failures show as exit status 127 (logged by the child).
Result<pid_t> spawnProcess(const SpawnRequest& request);

}  // namespace doppel::gateway
