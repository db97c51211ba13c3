#include "warm_template.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "doppel/log.h"

#include "spawn.h"
#include "web/handoff.h"

namespace doppel::gateway {

namespace {
constexpr std::string_view kComponent = "gateway";
/// A template still starting up answers its first request when it reaches ImGui_ImplDoppel_Init.
constexpr int kReplyTimeoutMs = 5000;
}  // namespace

WarmTemplate::~WarmTemplate() {
  stop();
}

Result<void> WarmTemplate::start() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
    return makeError(ErrorCode::NotSupported, std::string("PR_SET_CHILD_SUBREAPER: ") + std::strerror(errno));
  int fds[2] = {-1, -1};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (auto made = handoff::makeSocketPair(fds); !made) return made.error();
  SpawnRequest request;
  request.argv = m_options.app;
  request.handoffFd = fds[1];
  request.asTemplate = true;
  request.memoryBytes = m_options.sessionMemoryBytes;
  auto pid = spawnProcess(request);
  ::close(fds[1]);
  if (!pid) {
    ::close(fds[0]);
    return pid.error();
  }
  m_socket = fds[0];
  m_pid = *pid;
  log(LogLevel::Info, kComponent, "event=template_start pid=" + std::to_string(m_pid));
  return {};
}

Result<pid_t> WarmTemplate::fork(const std::string& id, int handoffFd) {
  int status = 0;
  if (m_pid > 0 && ::waitpid(m_pid, &status, WNOHANG) == m_pid) {
    log(LogLevel::Warning, kComponent, "event=template_exit pid=" + std::to_string(m_pid) + " (restarting it)");
    m_pid = -1;
    stop();
  }
  if (m_pid < 0) {
    if (auto started = start(); !started) return started.error();
  }
  if (auto sent = handoff::sendForkRequest(m_socket, handoffFd, id); !sent) {
    stop();
    return sent.error();
  }
  auto pid = handoff::receiveForkReply(m_socket, kReplyTimeoutMs);
  if (!pid) {
    log(LogLevel::Warning, kComponent, "event=template_failed reason=\"" + pid.error().reason + "\"");
    if (pid.error().code != ErrorCode::ConnectionFailed) stop();  // gone or hung: start anew next time
    return pid.error();
  }
  return static_cast<pid_t>(*pid);
}

void WarmTemplate::stop() {
  if (m_socket >= 0) ::close(m_socket);  // the template exits when it sees the socket close
  m_socket = -1;
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    (void)::waitpid(m_pid, &status, 0);
  }
  m_pid = -1;
}

}  // namespace doppel::gateway
