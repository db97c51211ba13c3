// doppel-gateway's configuration and command line (docs/gateway.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "doppel/result.h"

namespace doppel::gateway {

struct GatewayOptions {
  /// --listen HOST:PORT; loopback unless asked. Port 0 picks a free one (tests).
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  /// --app PATH [ARGS...]: the program started per session (argv, never a shell string).
  std::vector<std::string> app;
  /// --token: what a browser needs (?token= or Bearer) to start a session; empty with neither
  /// --users nor --no-auth: a random one, printed at start. Also guards /metrics and /status.
  std::string token;
  /// --users FILE: "name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX" lines; a login page then.
  std::string usersFile;
  /// --max-pending-logins N: password checks (~50 ms each, on their own thread) waiting at
  /// once; more sign-ins get 503.
  std::size_t maxPendingLogins = 8;
  /// --login-delay SECONDS: after N failed sign-ins in a row an address waits N times this
  /// (at most 30 s) before it may try again (429 meanwhile).
  std::chrono::milliseconds loginFailureDelay{1000};
  /// --no-auth: anyone who reaches the port gets a session (loopback demos only).
  bool noAuth = false;
  /// --allow-origin ORIGIN (repeatable): Origins besides the gateway's own address; "*" any.
  std::vector<std::string> allowedOrigins;
  /// --cert FILE --key FILE: https only (the gateway terminates TLS and relays the bytes).
  std::string certificateFile;
  std::string privateKeyFile;
  /// --redirect PATH=URL (repeatable): GET PATH answers 302 to URL, e.g. /page to the master's
  /// doppel.js page, so it is reachable from the gateway's address.
  std::vector<std::pair<std::string, std::string>> redirects;
  /// --max-sessions N: more users get the "full" page (503).
  std::size_t maxSessions = 64;
  /// --idle-timeout SECONDS: a session whose browser sent nothing but keep-alives this long is
  /// ended. 0: never. 30 min.
  std::chrono::milliseconds idleTimeout{30 * 60 * 1000};
  /// --grace SECONDS: a session with no connection (tab closed, network lost) is kept this long
  /// for a reload or reconnect, then ended. 30 s.
  std::chrono::milliseconds grace{30000};
  /// --session-memory MB: address-space limit of each session process (RLIMIT_AS). 0: none.
  std::uint64_t sessionMemoryBytes = 0;
  /// --session-cpu PERCENT: CPU per session, in percent of one CPU (cpu_limit.h). 0: none.
  unsigned sessionCpuPercent = 0;
  /// Where the cgroup v1 cpu controller is mounted; not writable or absent: the watchdog.
  std::string cpuCgroupRoot = "/sys/fs/cgroup/cpu";
  /// --session-cpu-window SECONDS: the watchdog ends a session over its limit for this long.
  std::chrono::milliseconds cpuWindow{10000};
  /// --warm: start the app once as a template and fork sessions from it (first frame sooner).
  bool warm = false;
  /// Limits of the gateway's own HTTP front.
  std::chrono::milliseconds requestTimeout{10000};
  std::size_t maxHeaderBytes = 8u << 10;
  std::size_t maxConnections = 1024;
  /// --hang-timeout SECONDS: a session whose loop answers no heartbeat this long is killed
  /// (SIGKILL) and its user told it stopped responding. 0: no heartbeat. 10 s.
  std::chrono::milliseconds hangTimeout{10000};
  /// SIGTERM first; SIGKILL after this if a session process does not exit.
  std::chrono::milliseconds killTimeout{2000};
};

/// What the command line asked for: run, print a password hash line, or help.
struct CommandLine {
  enum class Action { Run, HashPassword, Help };
  Action action = Action::Run;
  GatewayOptions options;
  std::string user;  ///< --hash-password USER
};

/// Parses argv (without argv[0]); everything after --app belongs to the app.
Result<CommandLine> parseCommandLine(const std::vector<std::string>& args);

extern const char* const kUsage;

}  // namespace doppel::gateway
