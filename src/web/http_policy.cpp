#include "web/http_policy.h"

#include <array>
#include <cstdlib>
#include <utility>

#include <sys/stat.h>

namespace doppel::web {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = lower(c);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Route refuse(http::status status, std::string reason) {
  Route route;
  route.kind = Route::Kind::Refuse;
  route.status = status;
  route.reason = std::move(reason);
  return route;
}

/// The tokens the request carries, from the Authorization header, the query and the cookie.
std::vector<std::string> presentedTokens(const Request& request) {
  std::vector<std::string> tokens;
  const std::string_view auth = trim(toStd(request[http::field::authorization]));
  constexpr std::string_view kBearer = "bearer ";
  if (auth.size() > kBearer.size() && equalsNoCase(auth.substr(0, kBearer.size()), kBearer))
    tokens.emplace_back(trim(auth.substr(kBearer.size())));
  std::string fromQuery = queryParameter(toStd(request.target()), "token");
  if (!fromQuery.empty()) tokens.push_back(std::move(fromQuery));
  // Cookie: a=b; doppel_token=...; c=d (every Cookie field, as browsers may split them).
  for (auto it = request.find(http::field::cookie);
       it != request.end() && it->name() == http::field::cookie; ++it) {
    std::string_view rest = toStd(it->value());
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == "doppel_token")
        tokens.emplace_back(trim(pair.substr(eq + 1)));
    }
  }
  return tokens;
}

Route checkUpgrade(const Request& request, const Policy& policy) {
  const auto origin = request.find(http::field::origin);
  if (origin != request.end()) {
    const std::string normalized = normalizeOrigin(toStd(origin->value()));
    bool allowed = false;
    for (const auto& entry : policy.allowedOrigins)
      if (entry == "*" || entry == normalized) allowed = true;
    if (!allowed)
      return refuse(http::status::forbidden, "Origin " + normalized + " is not allowed");
  }
  if (!policy.token.empty()) {
    const auto tokens = presentedTokens(request);
    if (tokens.empty()) return refuse(http::status::unauthorized, "missing token");
    bool match = false;
    for (const auto& t : tokens) match = constantTimeEquals(t, policy.token) || match;
    if (!match) return refuse(http::status::unauthorized, "wrong token");
  }
  Route route;
  route.kind = Route::Kind::Upgrade;
  route.status = http::status::switching_protocols;
  return route;
}

}  // namespace

Result<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size())
      return makeError(ErrorCode::Malformed, "truncated %-escape", i);
    const int hi = hexValue(text[i + 1]);
    const int lo = hexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return makeError(ErrorCode::Malformed, "%-escape is not hex", i);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string queryParameter(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    auto decoded = percentDecode(pair.substr(eq + 1));
    return decoded ? std::move(*decoded) : std::string();
  }
  return {};
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^
                                              static_cast<unsigned char>(b[i])));
  return diff == 0;
}

std::string normalizeOrigin(std::string_view origin) {
  std::string out;
  out.reserve(origin.size());
  for (char c : trim(origin)) out += lower(c);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::vector<std::string> defaultOrigins(std::string_view host, unsigned port, bool secure) {
  const std::string scheme = secure ? "https://" : "http://";
  const std::string suffix = ":" + std::to_string(port);
  std::vector<std::string> names;
  const bool loopback = host == "127.0.0.1" || host == "::1" || host == "localhost";
  const bool any = host == "0.0.0.0" || host == "::" || host.empty();
  if (loopback || any) {
    names = {"127.0.0.1", "localhost", "[::1]"};
  } else if (host.find(':') != std::string_view::npos) {
    names = {"[" + std::string(host) + "]"};
  } else {
    names = {std::string(host)};
  }
  std::vector<std::string> origins;
  for (const auto& n : names) origins.push_back(normalizeOrigin(scheme + n + suffix));
  return origins;
}

std::string_view mimeType(std::string_view path) {
  struct Entry {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr std::array<Entry, 14> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".wasm", "application/wasm"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/vnd.microsoft.icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".ts", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  }};
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
    return "application/octet-stream";
  const std::string_view ext = path.substr(dot);
  for (const auto& e : kTypes)
    if (equalsNoCase(ext, e.ext)) return e.type;
  return "application/octet-stream";
}

Route resolveStaticFile(std::string_view target, const std::string& webRoot) {
  if (webRoot.empty()) return refuse(http::status::not_found, "no web root");
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/')
    return refuse(http::status::bad_request, "the request target is not an absolute path");
  if (path.find('\\') != std::string_view::npos)
    return refuse(http::status::forbidden, "backslash in path");
  auto decoded = percentDecode(path);
  if (!decoded) return refuse(http::status::bad_request, "bad %-escape in path");
  for (char c : *decoded) {
    if (c == '%') return refuse(http::status::forbidden, "doubly encoded path");
    if (c == '\\') return refuse(http::status::forbidden, "backslash in path");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return refuse(http::status::bad_request, "control character in path");
  }
  // Every segment is a plain name: no "." or "..", so the path cannot climb out by itself.
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment == "." || segment == "..")
      return refuse(http::status::forbidden, "path leaves the web root");
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  std::string joined = webRoot + *decoded;
  struct stat info {};
  if (::stat(joined.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    if (joined.back() != '/') joined += '/';
    joined += "index.html";
  }
  // A symlink inside the root may point anywhere: judge the resolved path.
  char* resolved = ::realpath(joined.c_str(), nullptr);
  if (resolved == nullptr) return refuse(http::status::not_found, "not found");
  std::string canonical(resolved);
  std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath's contract
  if (canonical.compare(0, webRoot.size(), webRoot) != 0 || canonical.size() <= webRoot.size() ||
      canonical[webRoot.size()] != '/')
    return refuse(http::status::forbidden, "path leaves the web root");
  if (::stat(canonical.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return refuse(http::status::not_found, "not found");
  Route route;
  route.kind = Route::Kind::File;
  route.status = http::status::ok;
  route.file = std::move(canonical);
  return route;
}

Route routeRequest(const Request& request, const Policy& policy) {
  if (websocket::is_upgrade(request)) return checkUpgrade(request, policy);
  if (request.method() != http::verb::get && request.method() != http::verb::head)
    return refuse(http::status::method_not_allowed, "only GET and HEAD are served");
  return resolveStaticFile(toStd(request.target()), policy.webRoot);
}

}  // namespace doppel::web
