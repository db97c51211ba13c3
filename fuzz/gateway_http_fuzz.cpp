// doppel-gateway's own reading of a browser's request (apps/gateway/http_request.h) and of
// messages on a handoff socket (web/handoff.h). Invariants: a parsed request's header length is
// where the blank line ends, its path is a prefix of its target and starts with '/'; a handoff
// message is a connection with exactly its bytes, a status, a ping or pong, or an error, and
// never leaks an fd.
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http_request.h"
#include "web/handoff.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  if (const auto end = doppel::gateway::headerEnd(raw)) {
    auto request = doppel::gateway::parseRequest(raw, *end);
    if (request.ok()) {
      DOPPEL_FUZZ_CHECK(request->headerBytes == *end, "request->headerBytes == *end");
      DOPPEL_FUZZ_CHECK(!request->path.empty() && request->path[0] == '/', "!request->path.empty() && request->path[0] == '/'");
      DOPPEL_FUZZ_CHECK(request->target.rfind(request->path, 0) == 0, "request->target.rfind(request->path, 0) == 0");
      (void)doppel::gateway::cookieValue(request->cookie, "doppel_session");
      (void)doppel::gateway::formValue(doppel::gateway::queryOf(request->target), "token");
    } else {
      DOPPEL_FUZZ_CHECK(!request.error().reason.empty(), "!request.error().reason.empty()");
    }
  }
  (void)doppel::gateway::formValue(raw, "password");

  // The same bytes as one message on a handoff socket (no fd attached).
  int pair[2];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (size > 0 && size <= 65536 && ::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) == 0) {
    if (::send(pair[0], data, size, 0) == static_cast<ssize_t>(size)) {
      auto message = doppel::handoff::receive(pair[1]);
      if (message.ok()) {
        DOPPEL_FUZZ_CHECK(message->has_value(), "message->has_value()");
        DOPPEL_FUZZ_CHECK(!(*message)->connection.has_value(), "!(*message)->connection.has_value()");  // no fd came, so no connection
        const int kinds = static_cast<int>((*message)->status.has_value()) +
                          static_cast<int>((*message)->ping.has_value()) +
                          static_cast<int>((*message)->pong.has_value());
        DOPPEL_FUZZ_CHECK(kinds == 1, "exactly one of status, ping, pong");
      }
    }
    ::close(pair[0]);
    ::close(pair[1]);
  }
  return 0;
}
