// EventLoop: the single thread that owns a Node's or Host's objects, its timers, and the
// transports it opens. doppel::makeEventLoop() (doppel/runtime.h) gives one on Asio; tests use a
// manual loop with virtual time. Every callback runs on the loop's thread, and never inline from
// the call that scheduled it.
//
// Thread safety: post() may be called from any thread; everything else only on the loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "doppel/channel.h"
#include "doppel/result.h"

namespace doppel {

using Clock = std::chrono::steady_clock;

class EventLoop {
public:
  using TimerId = std::uint64_t;

  virtual ~EventLoop() = default;

  /// Runs `fn` on the loop thread soon. Safe from any thread.
  virtual void post(std::function<void()> fn) = 0;
  /// Runs `fn` once after `delay`; returns an id for cancelTimer. Ids are never 0.
  virtual TimerId startTimer(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  /// Cancels a timer that has not fired yet; unknown ids are ignored.
  virtual void cancelTimer(TimerId id) = 0;
  virtual Clock::time_point now() const = 0;

  /// Opens a byte stream to `url` (tcp://host:port, local:NAME, localabstract:NAME).
  virtual void connect(std::string_view url, ConnectHandler handler) = 0;
  /// Listens on `url`; each accepted connection goes to `onAccept`.
  virtual Result<std::unique_ptr<Listener>> listen(std::string_view url, AcceptHandler onAccept) = 0;

  /// Runs handlers on the calling thread until `done()` is true or `deadline` passes; returns
  /// done(). For blocking helpers (waitForSource, waitForFinished) in tools and tests; it must not
  /// be called while another thread runs the loop.
  virtual bool runUntil(const std::function<bool()>& done, Clock::time_point deadline) = 0;
  /// Runs until stop() is called.
  virtual void run() = 0;
  /// Makes run() return. Safe from any thread.
  virtual void stop() = 0;

  enum class ForkEvent { Prepare, Parent, Child };
  /// For a process that forks and goes on using this loop in the child (a warm session
  /// template under doppel-gateway): Prepare before fork(), then Parent or Child after it. The
  /// child's loop then has OS resources of its own (Asio's epoll and wake-up fds). Default: none.
  virtual void notifyFork(ForkEvent event) { (void)event; }
};

}  // namespace doppel
