// ManualLoop: an EventLoop in virtual time with in-memory transports, so protocol scenarios run
// deterministically and timeouts cost nothing. connect() reaches whatever listen()ed on the same
// URL string; each connection is a pair of MemoryChannels. Faults can be injected per channel.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "doppel/event_loop.h"

namespace doppel::testing {

class MemoryChannel;

class ManualLoop : public EventLoop {
public:
  ManualLoop();
  ~ManualLoop() override;

  void post(std::function<void()> fn) override;
  TimerId startTimer(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancelTimer(TimerId id) override;
  Clock::time_point now() const override { return m_now; }
  void connect(std::string_view url, ConnectHandler handler) override;
  Result<std::unique_ptr<Listener>> listen(std::string_view url, AcceptHandler onAccept) override;
  /// `deadline` is read relative to the real clock and applied to virtual time.
  bool runUntil(const std::function<bool()>& done, Clock::time_point deadline) override;
  void run() override;
  void stop() override { m_stopped = true; }

  /// Runs every handler that is ready now, without advancing time.
  void drain();
  /// Advances virtual time by `d`, running what becomes due.
  void advance(std::chrono::milliseconds d);

  /// The server-side channels accepted so far, newest last (for fault injection).
  std::vector<std::weak_ptr<MemoryChannel>>& acceptedChannels() { return m_accepted; }
  std::vector<std::weak_ptr<MemoryChannel>>& connectedChannels() { return m_connected; }
  std::size_t pendingTimers() const { return m_timers.size(); }

private:
  friend class MemoryListener;
  bool runOne();

  std::mutex m_mutex;
  std::deque<std::function<void()>> m_posted;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> m_timers;
  TimerId m_nextTimer = 1;
  Clock::time_point m_now;
  bool m_stopped = false;
  std::map<std::string, AcceptHandler, std::less<>> m_listeners;
  std::vector<std::weak_ptr<MemoryChannel>> m_accepted;
  std::vector<std::weak_ptr<MemoryChannel>> m_connected;
};

/// One end of an in-memory byte stream.
class MemoryChannel : public Channel, public std::enable_shared_from_this<MemoryChannel> {
public:
  MemoryChannel(ManualLoop& loop, std::string peerName);
  static std::pair<std::shared_ptr<MemoryChannel>, std::shared_ptr<MemoryChannel>> makePair(
      ManualLoop& loop, const std::string& nameA, const std::string& nameB);

  void start(Handler handler) override;
  void send(SharedBytes bytes) override;
  void close(Error reason) override;
  std::size_t queuedBytes() const override { return 0; }
  std::string peerName() const override { return m_peerName; }

  /// Bytes this end sends are dropped from now on (a peer that stopped answering).
  void blackhole() { m_blackhole = true; }
  /// Injects raw bytes as if the peer had sent them.
  void inject(std::string bytes);
  /// Everything this end has sent, for inspection.
  const std::string& sentBytes() const { return m_sent; }
  bool closed() const { return m_closed; }

private:
  void deliver(std::string bytes);
  void peerClosed();

  ManualLoop& m_loop;
  std::string m_peerName;
  std::weak_ptr<MemoryChannel> m_peer;
  Handler m_handler;
  bool m_started = false;
  std::string m_early;  ///< bytes that arrived before start()
  bool m_closed = false;
  bool m_blackhole = false;
  std::string m_sent;
};

/// Wraps a shared MemoryChannel as the unique ChannelPtr the library takes.
ChannelPtr adopt(std::shared_ptr<MemoryChannel> channel);

}  // namespace doppel::testing
