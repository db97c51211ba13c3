// The session processes: one per browser session, started, watched, ended and reaped here.
//
// A session lives from its spawn until its process exits. It is ended (SIGTERM, SIGKILL after
// killTimeout) when it has had no connection for `grace`, when its browser sent nothing but
// keep-alives for `idleTimeout`, when it stops taking connections (its handoff queue is full),
// or when the gateway stops. A session that answers no heartbeat on its handoff socket for
// `hangTimeout` is hung and killed at once (SIGKILL: a stopped process takes nothing else). Its process is reaped on SIGCHLD (an Asio signal_set; only the
// pids of sessions are waited for), so no zombie stays. An ended session is kept as a tombstone
// (its reason, for the page its user sees) for an hour.
//
// Threads: everything on the gateway's io_context thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "doppel/result.h"

#include "asio/asio.h"
#include "cpu_limit.h"
#include "metrics.h"
#include "options.h"

namespace doppel::gateway {

using Clock = std::chrono::steady_clock;

struct Session {
  enum class State { Running, Ending, Ended };
  std::string id;
  pid_t pid = -1;
  State state = State::Running;
  /// The gateway's end of the handoff socketpair.
  std::optional<net::posix::stream_descriptor> handoff;
  unsigned connections = 0;     ///< as last reported by the session
  std::uint64_t bytes = 0;      ///< bytes received, as last reported
  bool served = false;          ///< it reported a first connection (spawn time recorded)
  /// https (relay.h): bytes from the browser through the gateway's TLS relay; the session
  /// cannot report them (no TCP_INFO on its end of the socketpair), so the gateway counts.
  std::uint64_t relayed = 0;
  std::uint64_t relayedSeen = 0;  ///< `relayed` at the last activity check
  Clock::time_point relayCheckedAt;
  /// Heartbeat (--hang-timeout): the last ping sent, and the last message from the session
  /// (any message: each is written by its loop).
  std::uint64_t pings = 0;
  Clock::time_point lastPing;
  Clock::time_point lastHeard;
  bool heard = false;  ///< a first message came (until then it may still be starting)
  Clock::time_point created;
  Clock::time_point lastActivity;
  Clock::time_point lastConnection;  ///< last handoff, or when connections dropped to 0
  Clock::time_point endedAt;
  std::string endKind;    ///< metric label: grace, idle, crash, exit, hung, gateway, logout
  std::string endReason;  ///< for the user's page
  std::optional<net::steady_timer> killTimer;
};

/// Starts a process for a session; `handoffFd` is the session's end of the socketpair.
using Starter = std::function<Result<pid_t>(const std::string& id, int handoffFd)>;

class SessionTable {
public:
  SessionTable(net::io_context& io, const GatewayOptions& options, Metrics& metrics, Starter start);
  ~SessionTable();
  SessionTable(const SessionTable&) = delete;
  SessionTable& operator=(const SessionTable&) = delete;

  /// A new session with a fresh random id and its process started.
  Result<std::shared_ptr<Session>> create();
  /// The session (running or a tombstone) with this id, or null.
  std::shared_ptr<Session> find(const std::string& id) const;
  /// Passes the connection `fd` with its request bytes to the session; the caller closes fd.
  Result<void> handOff(Session& session, int fd, std::string_view preRead);
  /// Asks the process to stop (SIGTERM, SIGKILL after killTimeout); `reason` is for its user.
  void end(Session& session, const std::string& kind, const std::string& reason);
  /// Sessions whose process runs (Running or Ending).
  std::size_t live() const;
  std::vector<std::shared_ptr<Session>> all() const;
  /// --session-cpu: how it is enforced (null without a limit).
  CpuLimit* cpuLimit() { return m_cpu.get(); }
  /// Ends every process and waits for it (blocking, at most killTimeout then SIGKILL).
  void killAll();
  /// Reaps exited pids now (also done on SIGCHLD); for callers that cannot wait for the signal.
  void reap();

private:
  void watchSignals();
  void readStatus(const std::shared_ptr<Session>& session);
  void tick();
  void ended(Session& session, int waitStatus);
  void heartbeat(Session& session, Clock::time_point now);
  /// Reads every message waiting from the session; false once its socket closed.
  bool drain(Session& session);

  net::io_context& m_io;
  const GatewayOptions& m_options;
  Metrics& m_metrics;
  Starter m_start;
  net::signal_set m_sigchld;
  net::steady_timer m_timer;
  std::unique_ptr<CpuLimit> m_cpu;  ///< --session-cpu
  std::map<std::string, std::shared_ptr<Session>> m_sessions;
  bool m_closed = false;
};

}  // namespace doppel::gateway
