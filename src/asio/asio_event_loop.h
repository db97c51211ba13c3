// AsioEventLoop: the EventLoop on a Boost.Asio io_context, either one it owns (makeEventLoop())
// or one the application runs (makeEventLoop(io_context&) in doppel/asio.h).
//
// Implemented features:
//  - post() from any thread; timers (one steady_timer each; cancelling is safe at any time,
//    including for a timer whose expiry is already queued); callbacks never run inline. Every
//    callback runs as part of a LoopTurn (loop_turn.h): what it sends is written when it returns,
//    and a burst of posted functions is one turn.
//  - connect() to tcp://HOST:PORT (names resolved asynchronously, every address tried),
//    local:NAME and localabstract:NAME. Failures are ErrorCode::ConnectionFailed, reason
//    "connect tcp://127.0.0.1:1: Connection refused"; bad URLs are InvalidArgument. The handler
//    always runs later on the loop thread.
//  - listen() on the same schemes. TCP sets SO_REUSEADDR and TCP_NODELAY on accepted sockets;
//    the Listener's url() is the address actually bound (port 0 becomes the real port). For
//    local: a stale socket file (nobody accepts on it) is removed and the bind retried once, as
//    Qt does; unlike Qt, a live one is left alone and listen fails with "Address already in use".
//    The listener removes its socket file when destroyed (if it is still the one it created).
//  - runUntil()/run()/stop(); the io_context is restarted as needed, so they can be repeated.
//    They may be called from inside a callback (a blocking wait): what that callback has sent
//    is written first.
//
// Lifetime: Listeners and Channels made by this loop must be destroyed before it (they hold
// sockets of its io_context). Destroying a Listener stops accepting at once, even with an accept
// pending. Destroying the loop cancels its timers; their callbacks are never called.
//
// Thread safety: post() and stop() from any thread; everything else on the thread that runs the
// io_context. The io_context must be run by one thread only (doppel's objects are not locked).
#pragma once

#include <atomic>
#include <memory>

#include "doppel/event_loop.h"
#include "doppel/limits.h"

#include "asio/asio.h"

namespace doppel {

class LoopTurn;

class AsioEventLoop final : public EventLoop {
public:
  /// A loop with an io_context of its own.
  explicit AsioEventLoop(const Limits& limits = {});
  /// A loop on the application's io_context, which must outlive it.
  explicit AsioEventLoop(net::io_context& context, const Limits& limits = {});
  ~AsioEventLoop() override;
  AsioEventLoop(const AsioEventLoop&) = delete;
  AsioEventLoop& operator=(const AsioEventLoop&) = delete;

  net::io_context& context() { return *m_context; }
  const Limits& limits() const { return m_limits; }

  void post(std::function<void()> fn) override;
  TimerId startTimer(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancelTimer(TimerId id) override;
  Clock::time_point now() const override { return Clock::now(); }

  void connect(std::string_view url, ConnectHandler handler) override;
  Result<std::unique_ptr<Listener>> listen(std::string_view url, AcceptHandler onAccept) override;

  bool runUntil(const std::function<bool()>& done, Clock::time_point deadline) override;
  void run() override;
  void stop() override;
  void notifyFork(ForkEvent event) override;

private:
  struct Timers;

  std::unique_ptr<net::io_context> m_ownedContext;  // destroyed last: sockets and timers use it
  net::io_context* m_context;
  LoopTurn* m_turn;  ///< the io_context's; sends made in callbacks are batched per turn
  Limits m_limits;
  std::shared_ptr<Timers> m_timers;  // timer callbacks hold it weakly
  std::atomic<bool> m_stopRequested{false};
};

}  // namespace doppel
