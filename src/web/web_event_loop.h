// WebEventLoop: an EventLoop that forwards everything to doppel's Asio loop except connect() to
// ws:// and wss:// URLs, which it dials itself (makeWebEventLoop in doppel/web.h). Also how the
// web layer finds the io_context and Limits behind any loop it is given.
#pragma once

#include "doppel/event_loop.h"
#include "doppel/limits.h"
#include "doppel/web.h"

#include "web/beast.h"

namespace doppel::web {

class WebEventLoop final : public EventLoop {
public:
  WebEventLoop(EventLoop& inner, WebClientOptions options)
      : m_inner(inner), m_options(std::move(options)) {}

  EventLoop& inner() { return m_inner; }

  void post(std::function<void()> fn) override { m_inner.post(std::move(fn)); }
  TimerId startTimer(std::chrono::milliseconds delay, std::function<void()> fn) override {
    return m_inner.startTimer(delay, std::move(fn));
  }
  void cancelTimer(TimerId id) override { m_inner.cancelTimer(id); }
  Clock::time_point now() const override { return m_inner.now(); }
  void connect(std::string_view url, ConnectHandler handler) override;
  Result<std::unique_ptr<Listener>> listen(std::string_view url, AcceptHandler onAccept) override {
    return m_inner.listen(url, std::move(onAccept));
  }
  bool runUntil(const std::function<bool()>& done, Clock::time_point deadline) override {
    return m_inner.runUntil(done, deadline);
  }
  void run() override { m_inner.run(); }
  void stop() override { m_inner.stop(); }
  void notifyFork(ForkEvent event) override { m_inner.notifyFork(event); }

private:
  EventLoop& m_inner;
  WebClientOptions m_options;
};

/// The io_context behind `loop` (an AsioEventLoop, possibly inside WebEventLoops), or null.
net::io_context* ioContextOf(EventLoop& loop);
/// The Limits that loop was made with (defaults for loops that are not doppel's).
Limits limitsOf(EventLoop& loop);

}  // namespace doppel::web
