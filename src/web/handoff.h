// Connection handoff between doppel-gateway and a session process (docs/gateway.md).
//
// The gateway accepts a browser's TCP connection, reads (and authenticates) the HTTP request,
// then passes the socket to the session process over an AF_UNIX SOCK_SEQPACKET socketpair,
// together with the request bytes it has already read: one message per connection, the fd in
// SCM_RIGHTS. The session's WebServer (WebOptions::handoffFd) feeds those bytes to its HTTP
// parser first and serves the connection as if it had accepted it. The other direction carries
// the session's status (open connections, bytes received) so the gateway knows when its user
// has left or gone idle.
//
// Messages (SEQPACKET keeps their boundaries; one tag byte first):
//   'H' + pre-read bytes, with exactly one fd attached     gateway -> session
//   'S' + u32 connections + u64 bytes received (LE)         session -> gateway
//   'P' + u64 sequence (LE): heartbeat                       gateway -> session
//   'Q' + u64 sequence (LE): its answer, from the loop       session -> gateway
// A session whose loop stops (hung, stopped) answers no heartbeat: the gateway ends it.
// Anything else, a truncated message, or a missing or extra fd is Malformed (and any fd that
// came with it is closed). All calls are non-blocking: "would block" is an empty optional.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel::handoff {

/// Largest pre-read part: a request header (WebOptions::maxHeaderBytes is 8 KiB) with room.
constexpr std::size_t kMaxPreRead = 64u << 10;

/// A connection received: `fd` belongs to the caller now.
struct Connection {
  int fd = -1;
  std::string preRead;
};

struct Status {
  std::uint32_t connections = 0;
  std::uint64_t bytesReceived = 0;
};

/// A message from the other side: one of these, according to its tag.
struct Message {
  std::optional<Connection> connection;
  std::optional<Status> status;
  std::optional<std::uint64_t> ping;
  std::optional<std::uint64_t> pong;
};

/// Makes the SOCK_SEQPACKET socketpair (both ends close-on-exec; clear it on the child's end).
Result<void> makeSocketPair(int (&fds)[2]);  // NOLINT(cppcoreguidelines-avoid-c-arrays)

/// Sends `fd` (which the caller still owns and should close afterwards) and `preRead`.
/// Fails with ConnectionFailed when the peer is gone or its queue is full.
Result<void> sendConnection(int socket, int fd, std::string_view preRead);
Result<void> sendStatus(int socket, const Status& status);
Result<void> sendPing(int socket, std::uint64_t sequence);
Result<void> sendPong(int socket, std::uint64_t sequence);

/// Warm start (src/imgui/session_template.h has the template's side): asks the template to
/// fork a session for `sessionId` that serves `handoffFd` (which the caller still owns).
Result<void> sendForkRequest(int templateSocket, int handoffFd, std::string_view sessionId);
/// The template's answer within `timeoutMs`: the new session's pid; Timeout, Disconnected
/// (the template is gone) or the template's reason.
Result<int> receiveForkReply(int templateSocket, int timeoutMs);

/// Payload bytes the kernel has received on TCP socket `fd` (TCP_INFO), 0 if unknown. The
/// session reports their sum, so the gateway sees a user's activity without seeing the bytes.
std::uint64_t bytesReceived(int fd);

/// Receives one message without blocking: nullopt when nothing is waiting; Disconnected when
/// the other side closed; Malformed for garbage (that message is dropped, its fds closed).
Result<std::optional<Message>> receive(int socket);

}  // namespace doppel::handoff
