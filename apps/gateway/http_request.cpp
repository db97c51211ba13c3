#include "http_request.h"

#include "web/beast.h"

namespace doppel::gateway {

std::optional<std::size_t> headerEnd(std::string_view raw) {
  const auto at = raw.find("\r\n\r\n");
  if (at == std::string_view::npos) return std::nullopt;
  return at + 4;
}

Result<HttpRequest> parseRequest(std::string_view raw, std::size_t end) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(end + 1));
  parser.eager(false);
  boost::system::error_code ec;
  const std::size_t used = parser.put(net::buffer(raw.data(), end), ec);
  if (ec) return makeError(ErrorCode::Malformed, "malformed request: " + ec.message());
  if (!parser.is_header_done() || used != end)
    return makeError(ErrorCode::Malformed, "malformed request header");
  const auto& req = parser.get();
  HttpRequest r;
  r.method = std::string(toStd(req.method_string()));
  r.target = std::string(toStd(req.target()));
  r.path = r.target.substr(0, r.target.find('?'));
  r.cookie = std::string(toStd(req[http::field::cookie]));
  r.origin = std::string(toStd(req[http::field::origin]));
  r.authorization = std::string(toStd(req[http::field::authorization]));
  r.contentType = std::string(toStd(req[http::field::content_type]));
  r.upgrade = websocket::is_upgrade(req);
  r.headerBytes = end;
  if (parser.content_length()) r.contentLength = static_cast<std::size_t>(*parser.content_length());
  if (parser.chunked()) return makeError(ErrorCode::NotSupported, "chunked request bodies");
  if (r.target.empty() || r.target[0] != '/')
    return makeError(ErrorCode::Malformed, "request target is not a path");
  return r;
}

std::string cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == name)
      return std::string(item.substr(eq + 1));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
  }
  return {};
}

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string formDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() + 0 && hexDigit(s[i + 1]) >= 0 &&
               hexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(hexDigit(s[i + 1]) * 16 + hexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string formValue(std::string_view form, std::string_view name) {
  while (!form.empty()) {
    const auto amp = form.find('&');
    const std::string_view item = form.substr(0, amp);
    const auto eq = item.find('=');
    if (item.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string() : formDecode(item.substr(eq + 1));
    form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
  }
  return {};
}

std::string_view queryOf(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

}  // namespace doppel::gateway
