#include "spawn.h"

#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace doppel::gateway {

Result<pid_t> spawnProcess(const SpawnRequest& request) {
  if (request.argv.empty()) return makeError(ErrorCode::InvalidArgument, "no program to start");
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> envStrings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.rfind("DOPPEL_HANDOFF_FD=", 0) == 0 || entry.rfind("DOPPEL_SESSION_ID=", 0) == 0 ||
        entry.rfind("DOPPEL_TEMPLATE_FD=", 0) == 0)
      continue;
    envStrings.emplace_back(entry);
  }
  if (request.handoffFd >= 0)
    envStrings.push_back((request.asTemplate ? "DOPPEL_TEMPLATE_FD=" : "DOPPEL_HANDOFF_FD=") +
                         std::to_string(kHandoffFd));
  if (!request.sessionId.empty()) envStrings.push_back("DOPPEL_SESSION_ID=" + request.sessionId);
  std::vector<char*> envp;
  for (auto& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argvStrings = request.argv;
  std::vector<char*> argv;
  for (auto& s : argvStrings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t gateway = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return makeError(ErrorCode::ConnectionFailed, std::string("fork: ") + std::strerror(errno));
  if (pid > 0) return pid;

  // Child.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != gateway) ::_exit(126);  // the gateway died before the prctl
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  if (request.memoryBytes > 0) {
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = request.memoryBytes;
    ::setrlimit(RLIMIT_AS, &limit);
  }
  if (request.handoffFd >= 0) {
    if (request.handoffFd == kHandoffFd) {
      ::fcntl(kHandoffFd, F_SETFD, 0);  // keep it across exec
    } else if (::dup2(request.handoffFd, kHandoffFd) < 0) {
      ::_exit(126);
    }
  }
  ::close_range(kHandoffFd + 1, ~0u, 0);
  ::execvpe(argv[0], argv.data(), envp.data());
  const char* why = std::strerror(errno);
  // write(2) is async-signal-safe; this line reaches the gateway's stderr.
  const std::string line = "doppel-gateway: cannot start " + request.argv[0] + ": " + why + "\n";
  (void)!::write(2, line.data(), line.size());
  ::_exit(127);
}

}  // namespace doppel::gateway
