#include "pages.h"

namespace doppel::gateway {

std::string htmlEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string page(std::string_view title, std::string_view bodyHtml) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
         "</title><style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:40em;"
         "color:#222}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid "
         "#ddd;text-align:left}</style></head><body><h1>" +
         htmlEscape(title) + "</h1>" + std::string(bodyHtml) + "</body></html>\n";
}

std::string loginPage(bool failed) {
  return page("Sign in",
              std::string(failed ? "<p><b>Wrong user name or password.</b></p>" : "") +
                  "<form method=\"post\" action=\"/login\"><p><label>User <input name=\"user\" "
                  "autofocus></label></p><p><label>Password <input name=\"password\" "
                  "type=\"password\"></label></p><p><button>Sign in</button></p></form>");
}

std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";  // NOLINT(cppcoreguidelines-avoid-c-arrays)
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace doppel::gateway
