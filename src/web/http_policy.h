// The decisions the web server takes for one HTTP request, as pure functions of the request and
// the configured policy: WebSocket upgrade or static file or refusal, with the status and the
// reason that goes to the client and the log. No I/O except looking files up under the web root,
// so tests and the fuzz target (fuzz/http_fuzz.cpp) drive it directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doppel/result.h"

#include "web/beast.h"

namespace doppel::web {

using Request = http::request<http::empty_body>;

struct Policy {
  /// Lower-case origins ("http://127.0.0.1:8080"); "*" allows any.
  std::vector<std::string> allowedOrigins;
  /// Required for upgrades when not empty.
  std::string token;
  /// Canonical absolute directory, or empty for no static files.
  std::string webRoot;
};

struct Route {
  enum class Kind { Upgrade, File, Refuse };
  Kind kind = Kind::Refuse;
  http::status status = http::status::bad_request;
  /// Why it was refused ("wrong token", "path leaves the web root"); empty otherwise.
  std::string reason;
  /// Kind::File: the canonical path of a regular file inside the web root.
  std::string file;
};

/// Decides what to do with `request`.
Route routeRequest(const Request& request, const Policy& policy);

/// The file under `webRoot` that `target` ("/a/b.js?x=1") names: percent-decoded once; ".",
/// "..", backslashes, NUL, a '%' left after decoding (double encoding) are refused (403), as is a
/// symlink that resolves outside the root; a directory means its index.html; missing is 404.
Route resolveStaticFile(std::string_view target, const std::string& webRoot);

/// "text/javascript; charset=utf-8" for "app.mjs"; application/octet-stream when unknown.
std::string_view mimeType(std::string_view path);

/// Decodes %XX escapes; fails on a truncated or non-hex escape.
Result<std::string> percentDecode(std::string_view text);

/// The value of `name` in a query string ("a=1&token=x"), percent-decoded; empty if absent.
std::string queryParameter(std::string_view target, std::string_view name);

/// Whether a and b are equal, in time that depends only on their lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

/// The Origins a server on host:port accepts by default (its own address; the loopback names
/// too when it listens on loopback); `secure` for https.
std::vector<std::string> defaultOrigins(std::string_view host, unsigned port, bool secure);

/// Lower-cases and strips a trailing '/' ("HTTP://Host:80/" -> "http://host:80").
std::string normalizeOrigin(std::string_view origin);

}  // namespace doppel::web
