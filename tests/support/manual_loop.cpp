#include "support/manual_loop.h"

namespace doppel::testing {

namespace {
/// Forwards to a shared channel so tests can keep a handle on it.
class ChannelHandle : public Channel {
public:
  explicit ChannelHandle(std::shared_ptr<MemoryChannel> c) : m_channel(std::move(c)) {}
  void start(Handler handler) override { m_channel->start(std::move(handler)); }
  void send(SharedBytes bytes) override { m_channel->send(std::move(bytes)); }
  void close(Error reason) override { m_channel->close(std::move(reason)); }
  std::size_t queuedBytes() const override { return m_channel->queuedBytes(); }
  std::string peerName() const override { return m_channel->peerName(); }
  ~ChannelHandle() override { m_channel->close(makeError(ErrorCode::Disconnected, "channel destroyed")); }

private:
  std::shared_ptr<MemoryChannel> m_channel;
};
}  // namespace

class MemoryListener : public Listener {
public:
  MemoryListener(ManualLoop& loop, std::string url) : m_loop(loop), m_url(std::move(url)) {}
  ~MemoryListener() override { m_loop.m_listeners.erase(m_url); }
  std::string url() const override { return m_url; }

private:
  ManualLoop& m_loop;
  std::string m_url;
};

ChannelPtr adopt(std::shared_ptr<MemoryChannel> channel) {
  return std::make_unique<ChannelHandle>(std::move(channel));
}

ManualLoop::ManualLoop() : m_now(Clock::time_point{} + std::chrono::hours(1)) {}
ManualLoop::~ManualLoop() = default;

void ManualLoop::post(std::function<void()> fn) {
  const std::lock_guard lock(m_mutex);
  m_posted.push_back(std::move(fn));
}

EventLoop::TimerId ManualLoop::startTimer(std::chrono::milliseconds delay, std::function<void()> fn) {
  const TimerId id = m_nextTimer++;
  m_timers.emplace(m_now + delay, std::make_pair(id, std::move(fn)));
  return id;
}

void ManualLoop::cancelTimer(TimerId id) {
  for (auto it = m_timers.begin(); it != m_timers.end(); ++it) {
    if (it->second.first == id) {
      m_timers.erase(it);
      return;
    }
  }
}

void ManualLoop::connect(std::string_view url, ConnectHandler handler) {
  auto it = m_listeners.find(url);
  if (it == m_listeners.end()) {
    post([handler = std::move(handler), u = std::string(url)] {
      handler(makeError(ErrorCode::ConnectionFailed, "connect " + u + ": Connection refused"));
    });
    return;
  }
  auto [client, server] = MemoryChannel::makePair(*this, std::string(url), "memory-client");
  m_accepted.push_back(server);
  m_connected.push_back(client);
  AcceptHandler accept = it->second;
  post([accept, server = server] { accept(adopt(server)); });
  post([handler = std::move(handler), client = client] { handler(adopt(client)); });
}

Result<std::unique_ptr<Listener>> ManualLoop::listen(std::string_view url, AcceptHandler onAccept) {
  if (m_listeners.count(url))
    return makeError(ErrorCode::ConnectionFailed, "listen " + std::string(url) + ": address in use");
  m_listeners.emplace(std::string(url), std::move(onAccept));
  return std::unique_ptr<Listener>(std::make_unique<MemoryListener>(*this, std::string(url)));
}

bool ManualLoop::runOne() {
  std::function<void()> fn;
  {
    const std::lock_guard lock(m_mutex);
    if (!m_posted.empty()) {
      fn = std::move(m_posted.front());
      m_posted.pop_front();
    }
  }
  if (fn) {
    fn();
    return true;
  }
  return false;
}

void ManualLoop::drain() {
  while (runOne()) {
  }
}

void ManualLoop::advance(std::chrono::milliseconds d) {
  const auto target = m_now + d;
  drain();
  while (!m_timers.empty() && m_timers.begin()->first <= target) {
    auto node = m_timers.extract(m_timers.begin());
    m_now = std::max(m_now, node.key());
    node.mapped().second();
    drain();
  }
  m_now = target;
}

bool ManualLoop::runUntil(const std::function<bool()>& done, Clock::time_point deadline) {
  const auto virtualDeadline = m_now + (deadline - Clock::now());
  while (!done()) {
    if (runOne()) continue;
    if (m_timers.empty() || m_timers.begin()->first > virtualDeadline) {
      m_now = std::max(m_now, virtualDeadline);
      return done();
    }
    auto node = m_timers.extract(m_timers.begin());
    m_now = std::max(m_now, node.key());
    node.mapped().second();
  }
  return true;
}

void ManualLoop::run() {
  m_stopped = false;
  while (!m_stopped && runUntil([this] { return m_stopped; }, Clock::now() + std::chrono::hours(1))) {
  }
}

MemoryChannel::MemoryChannel(ManualLoop& loop, std::string peerName)
    : m_loop(loop), m_peerName(std::move(peerName)) {}

std::pair<std::shared_ptr<MemoryChannel>, std::shared_ptr<MemoryChannel>> MemoryChannel::makePair(
    ManualLoop& loop, const std::string& nameA, const std::string& nameB) {
  auto a = std::make_shared<MemoryChannel>(loop, nameA);
  auto b = std::make_shared<MemoryChannel>(loop, nameB);
  a->m_peer = b;
  b->m_peer = a;
  return {a, b};
}

void MemoryChannel::start(Handler handler) {
  m_handler = std::move(handler);
  m_started = true;
  if (!m_early.empty()) {
    std::weak_ptr<MemoryChannel> weak = weak_from_this();
    m_loop.post([weak, bytes = std::exchange(m_early, {})] {
      if (auto self = weak.lock()) self->deliver(bytes);
    });
  }
}

void MemoryChannel::send(SharedBytes bytes) {
  if (m_closed || m_blackhole || !bytes) return;
  m_sent += *bytes;
  std::weak_ptr<MemoryChannel> peer = m_peer;
  m_loop.post([peer, bytes] {
    if (auto p = peer.lock()) p->deliver(*bytes);
  });
}

void MemoryChannel::inject(std::string bytes) {
  std::weak_ptr<MemoryChannel> weak = weak_from_this();
  m_loop.post([weak, bytes = std::move(bytes)] {
    if (auto self = weak.lock()) self->deliver(bytes);
  });
}

void MemoryChannel::deliver(std::string bytes) {
  if (m_closed) return;
  if (!m_started) {
    m_early += bytes;
    return;
  }
  if (m_handler.onData) m_handler.onData(bytes);
}

void MemoryChannel::close(Error reason) {
  if (m_closed) return;
  m_closed = true;
  std::weak_ptr<MemoryChannel> weak = weak_from_this();
  auto onClosed = m_handler.onClosed;
  m_loop.post([onClosed, reason = std::move(reason)] {
    if (onClosed) onClosed(reason);
  });
  std::weak_ptr<MemoryChannel> peer = m_peer;
  m_loop.post([peer] {
    if (auto p = peer.lock()) p->peerClosed();
  });
}

void MemoryChannel::peerClosed() {
  if (m_closed) return;
  m_closed = true;
  if (m_handler.onClosed) m_handler.onClosed(makeError(ErrorCode::Disconnected, "peer closed the connection"));
}

}  // namespace doppel::testing
