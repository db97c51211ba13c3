#include "imgui/session_template.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "doppel/event_loop.h"
#include "doppel/log.h"

namespace doppel::imgui {

namespace {

constexpr std::string_view kComponent = "imgui";
constexpr std::size_t kMaxId = 128;

void reply(int fd, const std::string& message) {
  (void)::send(fd, message.data(), message.size(), MSG_NOSIGNAL);
}

std::string pidReply(pid_t pid) {
  std::string m(5, 'P');
  const auto v = static_cast<std::uint32_t>(pid);
  for (int i = 0; i < 4; ++i) m[static_cast<std::size_t>(1 + i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return m;
}

/// One request: the session id and its handoff fd, or false (and the template answers 'E').
bool receiveRequest(int fd, std::string& id, int& handoff, bool& closed) {
  char bytes[kMaxId + 2];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  iovec iov{bytes, sizeof bytes};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = -1;
  do {
    n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  handoff = -1;
  int fds = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i, ++fds) {
      int received = -1;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
      if (handoff < 0) {
        handoff = received;
      } else {
        ::close(received);
      }
    }
  }
  closed = n <= 0 && fds == 0;
  const bool ok = n >= 2 && bytes[0] == 'F' && fds == 1 && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0;
  if (!ok && handoff >= 0) ::close(handoff);
  if (ok) id.assign(bytes + 1, static_cast<std::size_t>(n - 1));
  return ok;
}

}  // namespace

bool serveAsTemplate(int templateFd, EventLoop* loop) {
  const pid_t gateway = ::getppid();
  log(LogLevel::Info, kComponent, "session template ready: forking sessions on request");
  for (;;) {
    std::string id;
    int handoff = -1;
    bool closed = false;
    if (!receiveRequest(templateFd, id, handoff, closed)) {
      if (closed) ::_exit(0);  // the gateway is gone: so is the template
      reply(templateFd, "Ebad fork request");
      continue;
    }
    if (loop != nullptr) loop->notifyFork(EventLoop::ForkEvent::Prepare);
    const pid_t middle = ::fork();
    if (middle < 0) {
      if (loop != nullptr) loop->notifyFork(EventLoop::ForkEvent::Parent);
      reply(templateFd, std::string("Efork: ") + std::strerror(errno));
      ::close(handoff);
      continue;
    }
    if (middle > 0) {
      if (loop != nullptr) loop->notifyFork(EventLoop::ForkEvent::Parent);
      ::close(handoff);
      int status = 0;
      while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
      }
      continue;
    }
    // The middle process: fork the session, say its pid, and leave so the gateway adopts it.
    const pid_t session = ::fork();
    if (session != 0) {
      reply(templateFd, session > 0 ? pidReply(session) : std::string("Efork: ") + std::strerror(errno));
      ::_exit(0);
    }
    // The session.
    for (int i = 0; i < 10000 && ::getppid() != gateway; ++i) ::usleep(100);  // until adopted
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != gateway) ::_exit(1);  // not adopted by the gateway: it is gone
    ::close(templateFd);
    if (loop != nullptr) loop->notifyFork(EventLoop::ForkEvent::Child);
    ::setenv("DOPPEL_HANDOFF_FD", std::to_string(handoff).c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
    ::setenv("DOPPEL_SESSION_ID", id.c_str(), 1);                       // NOLINT(concurrency-mt-unsafe)
    ::unsetenv("DOPPEL_TEMPLATE_FD");                                   // NOLINT(concurrency-mt-unsafe)
    return true;
  }
}

}  // namespace doppel::imgui
