// The few pages the gateway answers itself: login, "full", "session ended", status. Plain HTML,
// no script; every value that comes from outside is escaped.
#pragma once

#include <string>
#include <string_view>

namespace doppel::gateway {

std::string htmlEscape(std::string_view text);
/// A page with a title and a paragraph (already HTML) and an optional link.
std::string page(std::string_view title, std::string_view bodyHtml);
std::string loginPage(bool failed);
/// A JSON string literal (quotes included) of `text`.
std::string jsonString(std::string_view text);

}  // namespace doppel::gateway
