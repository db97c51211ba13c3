#include "web/handoff.h"

#include <netinet/in.h>
#include <linux/tcp.h>  // the kernel's tcp_info (glibc's lacks tcpi_bytes_received)
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

namespace doppel::handoff {

namespace {

constexpr char kConnectionTag = 'H';
constexpr char kStatusTag = 'S';
constexpr std::size_t kStatusSize = 1 + 4 + 8;
constexpr char kPingTag = 'P';
constexpr char kPongTag = 'Q';
constexpr std::size_t kBeatSize = 1 + 8;
/// Room for more fds than we accept, so an extra one is seen (and closed), not silently cut off.
constexpr std::size_t kMaxFds = 4;

Error systemError(ErrorCode code, std::string_view what) {
  return makeError(code, std::string(what) + ": " + std::strerror(errno));
}

Result<void> sendMessage(int socket, const std::string& bytes, int fd) {
  iovec iov{};
  iov.iov_base = const_cast<char*>(bytes.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast): sendmsg does not write
  iov.iov_len = bytes.size();
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    const ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return {};
    if (errno == EINTR) continue;
    return systemError(ErrorCode::ConnectionFailed, "handoff send");
  }
}

/// Writes the low `size` bytes of `value` little-endian at `bytes[at]`.
void putLittleEndian(std::string& bytes, std::size_t at, std::size_t size, std::uint64_t value) {
  for (std::size_t i = 0; i < size; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

std::uint64_t getLittleEndian(const std::string& bytes, std::size_t at, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i)
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return value;
}

Result<void> sendBeat(int socket, char tag, std::uint64_t sequence) {
  std::string bytes(kBeatSize, '\0');
  bytes[0] = tag;
  putLittleEndian(bytes, 1, 8, sequence);
  return sendMessage(socket, bytes, -1);
}

void closeAll(const std::vector<int>& fds) {
  for (const int fd : fds) ::close(fd);
}

}  // namespace

Result<void> makeSocketPair(int (&fds)[2]) {  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
    return systemError(ErrorCode::ConnectionFailed, "handoff socketpair");
  return {};
}

Result<void> sendConnection(int socket, int fd, std::string_view preRead) {
  if (fd < 0) return makeError(ErrorCode::InvalidArgument, "handoff: no fd to send");
  if (preRead.size() > kMaxPreRead)
    return makeError(ErrorCode::LimitExceeded,
                     "handoff: " + std::to_string(preRead.size()) + " pre-read bytes, over " +
                         std::to_string(kMaxPreRead));
  std::string bytes(1, kConnectionTag);
  bytes.append(preRead);
  return sendMessage(socket, bytes, fd);
}

Result<void> sendStatus(int socket, const Status& status) {
  std::string bytes(kStatusSize, '\0');
  bytes[0] = kStatusTag;
  putLittleEndian(bytes, 1, 4, status.connections);
  putLittleEndian(bytes, 5, 8, status.bytesReceived);
  return sendMessage(socket, bytes, -1);
}

Result<void> sendPing(int socket, std::uint64_t sequence) {
  return sendBeat(socket, kPingTag, sequence);
}

Result<void> sendPong(int socket, std::uint64_t sequence) {
  return sendBeat(socket, kPongTag, sequence);
}

Result<void> sendForkRequest(int templateSocket, int handoffFd, std::string_view sessionId) {
  if (sessionId.empty() || sessionId.size() > 128)
    return makeError(ErrorCode::InvalidArgument, "fork request: bad session id");
  std::string bytes(1, 'F');
  bytes.append(sessionId);
  return sendMessage(templateSocket, bytes, handoffFd);
}

Result<int> receiveForkReply(int templateSocket, int timeoutMs) {
  pollfd p{templateSocket, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&p, 1, timeoutMs);
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) return makeError(ErrorCode::Timeout, "the session template did not answer");
  char bytes[256];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  const ssize_t n = ::recv(templateSocket, bytes, sizeof bytes, MSG_DONTWAIT);
  if (n <= 0) return makeError(ErrorCode::Disconnected, "the session template is gone");
  if (bytes[0] == 'P' && n == 5) {
    std::uint32_t pid = 0;
    for (int i = 0; i < 4; ++i)
      pid |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[1 + i])) << (8 * i);
    return static_cast<int>(pid);
  }
  if (bytes[0] == 'E') return makeError(ErrorCode::ConnectionFailed, std::string(bytes + 1, static_cast<std::size_t>(n - 1)));
  return makeError(ErrorCode::Malformed, "session template: unknown answer");
}

std::uint64_t bytesReceived(int fd) {
  if (fd < 0) return 0;
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return 0;
  if (length < offsetof(tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received) return 0;
  return info.tcpi_bytes_received;
}

Result<std::optional<Message>> receive(int socket) {
  std::string bytes(kMaxPreRead + 2, '\0');  // one more than the largest valid message
  iovec iov{};
  iov.iov_base = bytes.data();
  iov.iov_len = bytes.size();
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = 0;
  for (;;) {
    n = ::recvmsg(socket, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n >= 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<Message>();
    return systemError(ErrorCode::Disconnected, "handoff receive");
  }
  std::vector<int> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  if (n == 0 && fds.empty()) return makeError(ErrorCode::Disconnected, "handoff socket closed");
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
    closeAll(fds);
    return makeError(ErrorCode::LimitExceeded, "handoff message truncated");
  }
  bytes.resize(static_cast<std::size_t>(n));
  Message out;
  if (!bytes.empty() && bytes[0] == kConnectionTag) {
    if (fds.size() != 1) {
      closeAll(fds);
      return makeError(ErrorCode::Malformed,
                       "handoff connection with " + std::to_string(fds.size()) + " fds");
    }
    out.connection = Connection{fds[0], bytes.substr(1)};
    return std::optional<Message>(std::move(out));
  }
  closeAll(fds);
  if (fds.empty() && bytes.size() == kBeatSize && (bytes[0] == kPingTag || bytes[0] == kPongTag)) {
    (bytes[0] == kPingTag ? out.ping : out.pong) = getLittleEndian(bytes, 1, 8);
    return std::optional<Message>(std::move(out));
  }
  if (!fds.empty() || bytes.size() != kStatusSize || bytes[0] != kStatusTag)
    return makeError(ErrorCode::Malformed, "handoff: unknown message of " +
                                               std::to_string(bytes.size()) + " bytes");
  Status s;
  s.connections = static_cast<std::uint32_t>(getLittleEndian(bytes, 1, 4));
  s.bytesReceived = getLittleEndian(bytes, 5, 8);
  out.status = s;
  return std::optional<Message>(std::move(out));
}

}  // namespace doppel::handoff
