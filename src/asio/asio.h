// The one place that includes Boost.Asio (house-style §3 #2). Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so <utility> must come first; every other file in
// doppel includes this header instead of <boost/asio/...>.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

namespace doppel {
/// Short name for Boost.Asio inside doppel's sources.
namespace net = boost::asio;
}  // namespace doppel
