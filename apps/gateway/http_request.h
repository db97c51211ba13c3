// The gateway's view of one HTTP request: parsed from the raw bytes it read, which are kept
// as they are so they can be handed to a session process unchanged (web/handoff.h).
// Pure functions, no I/O: the tests and a fuzz target drive them directly.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel::gateway {

struct HttpRequest {
  std::string method;  ///< "GET"
  std::string target;  ///< "/viewer.js?x=1"
  std::string path;    ///< "/viewer.js"
  std::string cookie;  ///< the Cookie header, whole
  std::string origin;
  std::string authorization;
  std::string contentType;
  bool upgrade = false;        ///< a WebSocket upgrade
  std::size_t headerBytes = 0; ///< bytes up to and including the blank line
  std::size_t contentLength = 0;
};

/// Where the header ends in `raw` (the index after "\r\n\r\n"), or nullopt if not yet.
std::optional<std::size_t> headerEnd(std::string_view raw);

/// Parses the header in raw[0, end). Malformed requests are an error with the reason.
Result<HttpRequest> parseRequest(std::string_view raw, std::size_t end);

/// The value of cookie `name` in a Cookie header, or empty.
std::string cookieValue(std::string_view cookieHeader, std::string_view name);
/// The percent/plus-decoded value of `name` in "a=1&b=2" (a query or a form body), or empty.
std::string formValue(std::string_view form, std::string_view name);
/// The query part of a target ("" when none).
std::string_view queryOf(std::string_view target);

}  // namespace doppel::gateway
