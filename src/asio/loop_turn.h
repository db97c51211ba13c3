// LoopTurn: what doppel does between two waits of an io_context's reactor, so that a message and
// its reply cost as few syscalls as possible.
//
// A *turn* is doppel code running on the loop: a callback (a socket read, onClosed, a timer, a
// function given to EventLoop::post(), connect and accept handlers), the functions it posted,
// and the posted functions that were already waiting when its first send was made (the 64 reply
// callbacks that one read brought, say). Within a turn:
//  - sends are queued, and each channel that was sent to writes its queue with one syscall when
//    the turn ends (BatchedWriter; a socket channel with many frames queued writes the first
//    ones before, early_writes.h);
//  - a function posted from the loop thread, while none posted earlier is still waiting in the
//    io_context, runs when the callback that posted it has returned, before the turn ends,
//    instead of going round the io_context's queue (which would cost a zero-timeout epoll_wait
//    and put the reply after it). It never runs inline, and posted functions keep their order.
//    Only one round is run that way: what those functions post goes to the io_context, so a
//    function that posts itself again and again cannot keep the loop from its sockets.
// A turn never waits for functions posted after its first send, so a function that posts itself
// forever still gets its sends written one callback later.
//
// Running the loop from inside a callback must go through EventLoop::runUntil()/run() (Run
// below): it hands the deferred functions to the io_context and writes what the turn holds
// first. An io_context run directly from inside a callback would hold those until the callback
// returns.
//
// Thread safety: post() from any thread; everything else on the thread that runs the
// io_context (one thread, as for all of doppel's objects).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "asio/asio.h"

namespace doppel {

/// What LoopTurn writes at the end of a turn (a socket channel's queue).
class BatchedWriter {
public:
  virtual ~BatchedWriter() = default;
  /// Writes what was queued during the turn; never calls a callback (errors are posted).
  virtual void writeBatched() = 0;
};

/// The turns of one io_context: an Asio service, one per io_context, made on first use.
class LoopTurn final : public net::execution_context::service {
public:
  /// The service id Asio looks LoopTurn up by.
  static inline net::execution_context::id id;  // NOLINT(readability-identifier-naming)

  explicit LoopTurn(net::io_context& context)
      : net::execution_context::service(context), m_context(context) {}
  LoopTurn(const LoopTurn&) = delete;
  LoopTurn& operator=(const LoopTurn&) = delete;
  ~LoopTurn() override = default;

  static LoopTurn& of(net::io_context& context) { return net::use_service<LoopTurn>(context); }
  /// The turns of the io_context that `executor` (a socket's) belongs to.
  template <typename Executor>
  static LoopTurn& of(const Executor& executor) {
    // doppel makes its sockets on io_contexts only (AsioEventLoop), never on another kind of
    // execution_context.
    return of(static_cast<net::io_context&>(net::query(executor, net::execution::context)));
  }

  /// Runs `fn` (a callback of doppel's, called by the io_context) as part of the turn. When the
  /// outermost call returns, the functions it posted run, then held writers write (unless a
  /// function posted before the first send is still waiting in the io_context).
  template <typename Fn>
  void call(Fn&& fn) {
    Scope scope(*this);
    std::forward<Fn>(fn)();
    scope.end();
  }

  /// Posts `fn` to the io_context, to run as a call() that a turn already open waits for; from
  /// inside a call() on the loop thread, `fn` may run at the end of the turn instead (see the
  /// file comment). Safe from any thread.
  void post(std::function<void()> fn) {
    if (t_active == this && !m_later.empty()) {
      m_later.push_back(std::move(fn));  // behind the ones deferred already
      return;
    }
    if (t_active == this && m_posted.load(std::memory_order_relaxed) == m_ran) {
      m_later.push_back(std::move(fn));  // nothing posted earlier is waiting: keeps the order
      return;
    }
    postToContext(std::move(fn));
  }

  /// For channels: true if a send now is written at the end of the turn (hold()), false if
  /// nothing of doppel's is running and it should be written at once.
  bool batching() const { return m_depth > 0 || !m_held.empty(); }
  /// Calls writer->writeBatched() at the end of the turn; once per turn and writer.
  void hold(std::shared_ptr<BatchedWriter> writer) {
    if (m_held.empty()) m_endAfter = m_posted.load(std::memory_order_relaxed);
    m_held.push_back(std::move(writer));
  }

  /// Around running the io_context (runUntil, run), which may happen inside a callback: the
  /// functions deferred to the end of the turn go to the io_context and what the turn holds is
  /// written, so that a blocking wait never waits for its own request; the run has turns of its
  /// own, and what they hold when it returns is written too.
  class Run {
  public:
    explicit Run(LoopTurn& turn)
        : m_turn(turn), m_depth(turn.m_depth), m_draining(turn.m_draining), m_active(t_active) {
      turn.handLaterToContext();
      turn.flush();
      turn.m_depth = 0;
      turn.m_draining = false;
      t_active = nullptr;
    }
    ~Run() {
      m_turn.flush();
      m_turn.m_depth = m_depth;
      m_turn.m_draining = m_draining;
      t_active = m_active;
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

  private:
    LoopTurn& m_turn;
    int m_depth;
    bool m_draining;
    LoopTurn* m_active;
  };

private:
  /// One call(): end() runs the end of the turn; if an exception leaves first, the destructor
  /// only hands the deferred functions to the io_context (no user code runs in a destructor).
  class Scope {
  public:
    explicit Scope(LoopTurn& turn) : m_turn(turn), m_active(t_active) {
      ++turn.m_depth;
      t_active = &turn;
    }
    ~Scope() {
      t_active = m_active;
      if (!m_ended && --m_turn.m_depth == 0 && !m_turn.m_draining) m_turn.handLaterToContext();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

    void end() {
      m_ended = true;
      if (--m_turn.m_depth == 0 && !m_turn.m_draining) m_turn.endTurn();
    }

  private:
    LoopTurn& m_turn;
    LoopTurn* m_active;
    bool m_ended = false;
  };

  /// Hands later functions to the io_context if an exception stops runLater().
  class DrainGuard {
  public:
    explicit DrainGuard(LoopTurn& turn) : m_turn(turn) { turn.m_draining = true; }
    ~DrainGuard() {
      m_turn.m_draining = false;
      m_turn.handLaterToContext();
    }
    DrainGuard(const DrainGuard&) = delete;
    DrainGuard& operator=(const DrainGuard&) = delete;

  private:
    LoopTurn& m_turn;
  };

  void endTurn() {
    if (!m_later.empty()) runLater();
    if (!m_held.empty() && m_ran >= m_endAfter) flush();
  }

  /// Runs the functions deferred so far, once each, in order; what they post meanwhile goes to
  /// the io_context after them (DrainGuard).
  void runLater() {
    const DrainGuard guard(*this);
    m_laterEnd = m_later.size();
    for (m_laterNext = 0; m_laterNext < m_laterEnd;) {
      std::function<void()> fn = std::move(m_later[m_laterNext++]);
      call(fn);
    }
  }

  /// Posts the deferred functions not run yet to the io_context, in order.
  void handLaterToContext() {
    for (std::size_t i = m_laterNext; i < m_later.size(); ++i) postToContext(std::move(m_later[i]));
    m_later.clear();
    m_laterNext = m_laterEnd = 0;
  }

  void postToContext(std::function<void()> fn) {
    m_posted.fetch_add(1, std::memory_order_relaxed);
    net::post(m_context, [this, fn = std::move(fn)] {
      ++m_ran;
      call(fn);
    });
  }

  /// Writes every held writer now.
  void flush() {
    // Writers never run callbacks, so nothing is held while this runs; swapping keeps both
    // vectors' capacity for the next turns.
    m_flushing.swap(m_held);
    for (const auto& writer : m_flushing) writer->writeBatched();
    m_flushing.clear();
  }

  void shutdown() override {
    m_held.clear();
    m_later.clear();
  }

  /// The LoopTurn whose call() runs on this thread, innermost first.
  static inline thread_local LoopTurn* t_active = nullptr;

  net::io_context& m_context;
  int m_depth = 0;                         ///< call()s running
  bool m_draining = false;                 ///< runLater() is running
  std::atomic<std::uint64_t> m_posted{0};  ///< functions posted to the io_context (any thread)
  std::uint64_t m_ran = 0;                 ///< of those, the ones started
  std::uint64_t m_endAfter = 0;            ///< the turn ends once m_ran reaches this
  std::vector<std::shared_ptr<BatchedWriter>> m_held;
  std::vector<std::shared_ptr<BatchedWriter>> m_flushing;
  std::vector<std::function<void()>> m_later;  ///< posted, to run at the end of the turn
  std::size_t m_laterNext = 0;
  std::size_t m_laterEnd = 0;
};

}  // namespace doppel
