// Blocking-socket helpers for the gateway tests: a connected loopback TCP pair, and reading a
// response while an event loop (or an io_context) keeps running.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "doppel/event_loop.h"

namespace doppel::test {

/// A TCP connection on 127.0.0.1: `client` and the accepted `server` end.
struct LoopbackPair {
  LoopbackPair() {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener, 1);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    (void)::connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a);
    server = ::accept(listener, nullptr, nullptr);
    ::close(listener);
  }
  ~LoopbackPair() {
    if (client >= 0) ::close(client);
    if (server >= 0) ::close(server);
  }
  LoopbackPair(const LoopbackPair&) = delete;
  LoopbackPair& operator=(const LoopbackPair&) = delete;
  int client = -1;
  int server = -1;
};

/// Connects to 127.0.0.1:port (blocking; the listen backlog takes it before anyone accepts).
inline int connectLoopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Reads until the peer closes or `timeout`, calling `pump` between reads (runs the loop).
inline std::string readUntilClosedWith(int fd, const std::function<void()>& pump, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pump();
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) break;
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) break;
  }
  return out;
}

inline std::string readUntilClosed(int fd, EventLoop& loop, std::chrono::milliseconds timeout) {
  return readUntilClosedWith(
      fd, [&loop] { (void)loop.runUntil([] { return false; }, Clock::now() + std::chrono::milliseconds(2)); },
      timeout);
}

}  // namespace doppel::test
