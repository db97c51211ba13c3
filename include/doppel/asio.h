// Opt-in: run doppel inside the application's own Boost.Asio io_context (DESIGN.md §2 #6). This is
// the one public header besides web.h that includes Boost; everything else stays Boost-free.
//
//   boost::asio::io_context io;
//   auto loop = doppel::makeEventLoop(io);
//   doppel::Host host(*loop);   // ... then io.run() as the application already does
//
// The io_context must outlive the loop, and must be run by one thread only: doppel's objects
// are owned by the thread that runs it.
#pragma once

// clang-format off
#include <utility>  // before Boost: Boost 1.74's Asio uses std::exchange without including it
#include <boost/asio/io_context.hpp>
// clang-format on

#include <memory>

#include "doppel/event_loop.h"
#include "doppel/limits.h"

namespace doppel {

/// A loop on `context`, which the application runs (run(), poll() from a frame loop, ...).
std::unique_ptr<EventLoop> makeEventLoop(boost::asio::io_context& context,
                                         const Limits& limits = {});

}  // namespace doppel
