#include "core/url.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace doppel {

namespace {

/// sockaddr_un::sun_path holds 108 bytes on Linux; a path needs one for its terminating NUL, an
/// abstract name one for its leading NUL.
constexpr std::size_t kMaxSocketPath = 107;

constexpr std::string_view kExpected =
    "expected tcp://HOST:PORT, local:NAME, localabstract:NAME, ws://HOST:PORT/PATH or "
    "wss://HOST:PORT/PATH";

Error invalid(std::string_view text, std::string_view why) {
  std::string reason = "invalid URL \"";
  reason += text;
  reason += "\": ";
  reason += why;
  return makeError(ErrorCode::InvalidArgument, std::move(reason));
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAlnum(char c) {
  return isDigit(c) || (lower(c) >= 'a' && lower(c) <= 'z');
}
bool isHex(char c) {
  return isDigit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == y; });
}

/// Like QDir::tempPath() on Unix: $TMPDIR without trailing slashes, else /tmp.
std::string tempPath() {
  const char* env = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read-only use
  std::string dir = env ? env : "";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir.empty() ? std::string("/tmp") : dir;
}

std::optional<std::uint16_t> parsePort(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : digits) {
    if (!isDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

/// Splits "HOST:PORT" / "[V6]:PORT" / "HOST" into `url.host` and `url.port`. Returns the reason
/// on failure.
std::optional<std::string> parseAuthority(std::string_view authority, bool portRequired, Url& url) {
  if (authority.find('@') != std::string_view::npos)
    return std::string("user names are not supported in the host part");
  std::string_view host;
  std::string_view rest;  // ":PORT" or empty
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string("missing ']' after the IPv6 address");
    host = authority.substr(1, close - 1);
    rest = authority.substr(close + 1);
    if (host.empty()) return std::string("empty IPv6 address");
    const auto zone = host.find('%');
    const std::string_view address = host.substr(0, zone);
    const bool addressOk = address.find(':') != std::string_view::npos &&
                           std::all_of(address.begin(), address.end(),
                                       [](char c) { return isHex(c) || c == ':' || c == '.'; });
    const bool zoneOk =
        zone == std::string_view::npos ||
        (zone + 1 < host.size() &&
         std::all_of(host.begin() + static_cast<std::ptrdiff_t>(zone) + 1, host.end(),
                     [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; }));
    if (!addressOk || !zoneOk) return "\"" + std::string(host) + "\" is not an IPv6 address";
    if (!rest.empty() && rest.front() != ':')
      return std::string("expected ':PORT' after the IPv6 address");
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    if (host.find(':') != std::string_view::npos)
      return std::string("IPv6 addresses go in brackets, e.g. tcp://[::1]:9999");
    if (host.empty()) return std::string("the host is missing (use 0.0.0.0 for every address)");
    for (char c : host) {
      if (!isAlnum(c) && c != '-' && c != '.' && c != '_')
        return "the host \"" + std::string(host) + "\" contains '" + std::string(1, c) + "'";
    }
  }
  if (rest.empty()) {
    if (portRequired) return std::string("the port is missing");
  } else {
    const auto port = parsePort(rest.substr(1));
    if (!port) return "the port \"" + std::string(rest.substr(1)) + "\" is not a number 0-65535";
    url.port = *port;
  }
  url.host = std::string(host);
  return std::nullopt;
}

Result<Url> parseTcp(std::string_view text, std::string_view afterScheme) {
  if (afterScheme.substr(0, 2) != "//") return invalid(text, "write tcp://HOST:PORT");
  std::string_view authority = afterScheme.substr(2);
  const auto end = authority.find_first_of("/?#");
  std::string_view tail;
  if (end != std::string_view::npos) {
    tail = authority.substr(end);
    authority = authority.substr(0, end);
  }
  if (!tail.empty() && tail != "/") return invalid(text, "a tcp URL has no path or query");
  Url url;
  url.scheme = Url::Scheme::Tcp;
  if (auto why = parseAuthority(authority, true, url))
    return invalid(text, *why + " (write tcp://HOST:PORT)");
  return url;
}

Result<Url> parseWs(std::string_view text, std::string_view afterScheme, bool secure) {
  const char* form = secure ? " (write wss://HOST:PORT/PATH)" : " (write ws://HOST:PORT/PATH)";
  if (afterScheme.substr(0, 2) != "//") return invalid(text, std::string("missing \"//\"") + form);
  std::string_view authority = afterScheme.substr(2);
  std::string_view target;
  const auto end = authority.find_first_of("/?#");
  if (end != std::string_view::npos) {
    target = authority.substr(end);
    authority = authority.substr(0, end);
  }
  target = target.substr(0, target.find('#'));  // fragments are never sent
  Url url;
  url.scheme = secure ? Url::Scheme::Wss : Url::Scheme::Ws;
  url.port = secure ? 443 : 80;
  if (auto why = parseAuthority(authority, false, url)) return invalid(text, *why + form);
  if (target.empty() || target.front() != '/') url.path = "/";
  url.path += target;
  for (char c : url.path) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return invalid(text, "the path contains a space or control character");
  }
  return url;
}

Result<Url> parseLocal(std::string_view text, std::string_view name, bool abstract) {
  const std::string_view scheme = abstract ? "localabstract" : "local";
  if (name.substr(0, 2) == "//") {
    return invalid(text, "write " + std::string(scheme) + ":" + std::string(name.substr(2)) +
                             " (or " + std::string(scheme) +
                             ":/absolute/path); with \"//\" the name would be a host part");
  }
  if (name.empty()) return invalid(text, "the socket name is missing");
  if (name.find('\0') != std::string_view::npos)
    return invalid(text, "the name contains a NUL byte");
  Url url;
  if (abstract) {
    url.scheme = Url::Scheme::LocalAbstract;
    url.path = std::string(name);
    if (url.path.size() + 1 > kMaxSocketPath)
      return invalid(text, "the abstract socket name is longer than " +
                               std::to_string(kMaxSocketPath - 1) + " bytes");
  } else {
    url.scheme = Url::Scheme::Local;
    url.path = name.front() == '/' ? std::string(name) : tempPath() + "/" + std::string(name);
    if (url.path.size() > kMaxSocketPath)
      return invalid(text, "the socket path \"" + url.path + "\" is longer than " +
                               std::to_string(kMaxSocketPath) + " bytes");
  }
  return url;
}

std::string hostPart(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::string Url::toString() const {
  switch (scheme) {
    case Scheme::Tcp:
      return "tcp://" + hostPart(host) + ":" + std::to_string(port);
    case Scheme::Local:
      return "local:" + path;
    case Scheme::LocalAbstract:
      return "localabstract:" + path;
    case Scheme::Ws:
    case Scheme::Wss: {
      const bool secure = scheme == Scheme::Wss;
      std::string out = secure ? "wss://" : "ws://";
      out += hostPart(host);
      if (port != (secure ? 443 : 80)) out += ":" + std::to_string(port);
      out += path.empty() ? std::string("/") : path;
      return out;
    }
  }
  return {};
}

Result<Url> parseUrl(std::string_view text) {
  if (text.empty()) return invalid(text, std::string("empty; ") + std::string(kExpected));
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return invalid(text, std::string("no scheme; ") + std::string(kExpected));
  const std::string_view scheme = text.substr(0, colon);
  const std::string_view rest = text.substr(colon + 1);
  if (equalsNoCase(scheme, "tcp")) return parseTcp(text, rest);
  if (equalsNoCase(scheme, "local")) return parseLocal(text, rest, false);
  if (equalsNoCase(scheme, "localabstract")) return parseLocal(text, rest, true);
  if (equalsNoCase(scheme, "ws")) return parseWs(text, rest, false);
  if (equalsNoCase(scheme, "wss")) return parseWs(text, rest, true);
  return invalid(text, "unknown scheme \"" + std::string(scheme) + "\"; " + std::string(kExpected));
}

}  // namespace doppel
