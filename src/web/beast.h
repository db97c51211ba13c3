// The one place the web layer includes Boost.Beast and Asio's SSL support (house-style §3 #2):
// every file in src/web includes this header instead of <boost/...>.
#pragma once

#include <string_view>

#include "asio/asio.h"

// clang-format off
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
// clang-format on

namespace doppel {
/// Short names for Beast inside doppel's sources.
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;

/// Beast 1.74 hands out boost::string_view; doppel's code takes std::string_view.
inline std::string_view toStd(beast::string_view s) {
  return {s.data(), s.size()};
}
inline beast::string_view toBeast(std::string_view s) {
  return {s.data(), s.size()};
}
}  // namespace doppel
