#include "doppel/runtime.h"

#include "asio/asio_event_loop.h"

namespace doppel {

std::unique_ptr<EventLoop> makeEventLoop(const Limits& limits) {
  return std::make_unique<AsioEventLoop>(limits);
}

ThreadedRuntime::ThreadedRuntime(const Limits& limits) : m_loop(makeEventLoop(limits)) {
  // run() holds a work guard, so the thread stays until the destructor's stop().
  m_thread = std::thread([loop = m_loop.get()] { loop->run(); });
}

ThreadedRuntime::~ThreadedRuntime() {
  m_loop->stop();
  m_thread.join();
}

}  // namespace doppel
