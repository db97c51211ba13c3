// Event loops that doppel provides. makeEventLoop() runs on Asio; ThreadedRuntime runs such a
// loop on a thread of its own, for applications that do not want to drive it.
#pragma once

#include <memory>
#include <thread>

#include "doppel/event_loop.h"
#include "doppel/limits.h"

namespace doppel {

/// A loop on a private Asio io_context; drive it with run() or runUntil() on one thread.
std::unique_ptr<EventLoop> makeEventLoop(const Limits& limits = {});

/// Owns a loop and the one thread that runs it. Other threads talk to objects on it only through
/// loop().post(). The destructor stops the loop and joins the thread.
class ThreadedRuntime {
public:
  explicit ThreadedRuntime(const Limits& limits = {});
  ~ThreadedRuntime();
  ThreadedRuntime(const ThreadedRuntime&) = delete;
  ThreadedRuntime& operator=(const ThreadedRuntime&) = delete;

  EventLoop& loop() { return *m_loop; }

private:
  std::unique_ptr<EventLoop> m_loop;
  std::thread m_thread;
};

}  // namespace doppel
