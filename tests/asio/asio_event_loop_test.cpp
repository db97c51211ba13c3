// AsioEventLoop and ThreadedRuntime: posting, timers, runUntil/run/stop, a borrowed io_context.
#include "asio/asio_event_loop.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "doppel/asio.h"
#include "doppel/runtime.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;

bool runFor(EventLoop& loop,
            const std::function<bool()>& done,
            std::chrono::milliseconds limit = 2s) {
  return loop.runUntil(done, Clock::now() + limit);
}

TEST(AsioEventLoopTest, PostedFunctionsRunInOrderAndNeverInline) {
  AsioEventLoop loop;
  std::vector<int> order;
  loop.post([&] { order.push_back(1); });
  loop.post([&] {
    order.push_back(2);
    loop.post([&] { order.push_back(4); });  // queued behind 3
  });
  loop.post([&] { order.push_back(3); });
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(runFor(loop, [&] { return order.size() == 4; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(AsioEventLoopTest, FunctionsPostedFromACallbackRunAfterItReturnsInOrder) {
  AsioEventLoop loop;
  std::vector<std::string> order;
  loop.post([&] {
    order.push_back("a");
    loop.post([&] {
      order.push_back("c");
      loop.post([&] { order.push_back("e"); });
    });
    loop.post([&] { order.push_back("d"); });
    order.push_back("b");  // nothing posted ran inside post()
  });
  EXPECT_TRUE(runFor(loop, [&] { return order.size() == 5; }));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(AsioEventLoopTest, FunctionsPostedFromTimersAndOtherFunctionsKeepTheirOrder) {
  AsioEventLoop loop;
  std::vector<int> order;
  loop.startTimer(0ms, [&] {
    loop.post([&] { order.push_back(1); });
    loop.post([&] {
      order.push_back(2);
      loop.post([&] { order.push_back(4); });
    });
    loop.post([&] { order.push_back(3); });
  });
  EXPECT_TRUE(runFor(loop, [&] { return order.size() == 4; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(AsioEventLoopTest, AFunctionThatPostsItselfForeverDoesNotStarveTimers) {
  AsioEventLoop loop;
  long spins = 0;
  bool stop = false;
  std::function<void()> spin = [&] {
    ++spins;
    if (!stop) loop.post(spin);
  };
  loop.post(spin);
  bool fired = false;
  loop.startTimer(5ms, [&] {
    fired = true;
    stop = true;
  });
  EXPECT_TRUE(runFor(loop, [&] { return fired; }));
  EXPECT_GT(spins, 1);
}

TEST(AsioEventLoopTest, PostFromAnotherThreadRunsOnTheLoopThread) {
  AsioEventLoop loop;
  std::atomic<bool> ran{false};
  std::thread::id ranOn;
  std::thread other([&] {
    loop.post([&] {
      ranOn = std::this_thread::get_id();
      ran = true;
    });
  });
  EXPECT_TRUE(runFor(loop, [&] { return ran.load(); }));
  other.join();
  EXPECT_EQ(ranOn, std::this_thread::get_id());
}

TEST(AsioEventLoopTest, TimersFireInTheOrderOfTheirDeadlines) {
  AsioEventLoop loop;
  std::vector<int> order;
  const auto start = Clock::now();
  loop.startTimer(30ms, [&] { order.push_back(30); });
  loop.startTimer(10ms, [&] { order.push_back(10); });
  loop.startTimer(20ms, [&] { order.push_back(20); });
  loop.startTimer(0ms, [&] { order.push_back(0); });
  EXPECT_TRUE(order.empty()) << "a zero delay still runs later, not inline";
  EXPECT_TRUE(runFor(loop, [&] { return order.size() == 4; }));
  EXPECT_EQ(order, (std::vector<int>{0, 10, 20, 30}));
  EXPECT_GE(Clock::now() - start, 30ms);
}

TEST(AsioEventLoopTest, TimerIdsAreNeverZeroAndNeverRepeat) {
  AsioEventLoop loop;
  std::vector<EventLoop::TimerId> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(loop.startTimer(1h, [] {}));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_NE(ids[i], 0u);
    if (i > 0) {
      EXPECT_GT(ids[i], ids[i - 1]);
    }
  }
  for (auto id : ids) loop.cancelTimer(id);
}

TEST(AsioEventLoopTest, CancelledTimerNeverFires) {
  AsioEventLoop loop;
  bool cancelledFired = false;
  bool laterFired = false;
  const auto id = loop.startTimer(5ms, [&] { cancelledFired = true; });
  loop.startTimer(20ms, [&] { laterFired = true; });
  loop.cancelTimer(id);
  EXPECT_TRUE(runFor(loop, [&] { return laterFired; }));
  EXPECT_FALSE(cancelledFired);
}

TEST(AsioEventLoopTest, TimerCancelledAfterItsDeadlinePassedStillNeverFires) {
  AsioEventLoop loop;
  bool fired = false;
  bool cancelled = false;
  // Both expire together; whichever callback runs first cancels the other, whose completion may
  // already be queued.
  EventLoop::TimerId a = 0;
  EventLoop::TimerId b = 0;
  a = loop.startTimer(1ms, [&] {
    if (!cancelled) {
      loop.cancelTimer(b);
      cancelled = true;
    } else {
      fired = true;
    }
  });
  b = loop.startTimer(1ms, [&] {
    if (!cancelled) {
      loop.cancelTimer(a);
      cancelled = true;
    } else {
      fired = true;
    }
  });
  std::this_thread::sleep_for(5ms);  // both deadlines have passed before the loop runs
  EXPECT_FALSE(runFor(
      loop, [&] { return fired; }, 50ms));
  EXPECT_TRUE(cancelled);
}

TEST(AsioEventLoopTest, CancellingAnUnknownOrFiredTimerIsIgnored) {
  AsioEventLoop loop;
  int fired = 0;
  const auto id = loop.startTimer(0ms, [&] { ++fired; });
  EXPECT_TRUE(runFor(loop, [&] { return fired == 1; }));
  loop.cancelTimer(id);
  loop.cancelTimer(0);
  loop.cancelTimer(12345);
  EXPECT_EQ(fired, 1);
}

TEST(AsioEventLoopTest, TimerCallbackMayStartAndCancelTimers) {
  AsioEventLoop loop;
  std::vector<int> order;
  EventLoop::TimerId doomed = loop.startTimer(30ms, [&] { order.push_back(-1); });
  loop.startTimer(1ms, [&] {
    order.push_back(1);
    loop.cancelTimer(doomed);
    loop.startTimer(1ms, [&] { order.push_back(2); });
  });
  EXPECT_TRUE(runFor(loop, [&] { return order.size() == 2; }));
  EXPECT_FALSE(runFor(
      loop, [&] { return order.size() > 2; }, 50ms));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(AsioEventLoopTest, RunUntilReturnsFalseAtTheDeadline) {
  AsioEventLoop loop;
  const auto start = Clock::now();
  EXPECT_FALSE(loop.runUntil([] { return false; }, start + 50ms));
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 500ms);
}

TEST(AsioEventLoopTest, RunUntilReturnsTrueAsSoonAsDone) {
  AsioEventLoop loop;
  bool done = false;
  loop.startTimer(10ms, [&] { done = true; });
  const auto start = Clock::now();
  EXPECT_TRUE(loop.runUntil([&] { return done; }, start + 5s));
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(loop.runUntil([] { return true; }, start)) << "done before the deadline check";
}

TEST(AsioEventLoopTest, RunUntilWithAPastDeadlineStillRunsWhatIsReady) {
  AsioEventLoop loop;
  bool ran = false;
  loop.post([&] { ran = true; });
  EXPECT_TRUE(loop.runUntil([&] { return ran; }, Clock::now() - 1s));
}

TEST(AsioEventLoopTest, RunUntilWorksRepeatedlyAndAfterStop) {
  AsioEventLoop loop;
  for (int i = 0; i < 5; ++i) {
    bool ran = false;
    loop.post([&] { ran = true; });
    EXPECT_TRUE(runFor(loop, [&] { return ran; })) << "round " << i;
    EXPECT_FALSE(runFor(
        loop, [] { return false; }, 1ms));
  }
  loop.stop();
  bool ran = false;
  loop.post([&] { ran = true; });
  EXPECT_TRUE(runFor(loop, [&] { return ran; }));
}

TEST(AsioEventLoopTest, RunReturnsWhenStoppedAndCanRunAgain) {
  AsioEventLoop loop;
  for (int round = 0; round < 3; ++round) {
    int ran = 0;
    loop.post([&] { ++ran; });
    loop.startTimer(5ms, [&] {
      ++ran;
      loop.stop();
    });
    loop.run();
    EXPECT_EQ(ran, 2) << "round " << round;
  }
}

TEST(AsioEventLoopTest, StopBeforeRunMakesRunReturnAtOnce) {
  AsioEventLoop loop;
  loop.stop();
  const auto start = Clock::now();
  loop.run();
  EXPECT_LT(Clock::now() - start, 500ms);
}

TEST(AsioEventLoopTest, StopFromAnotherThreadEndsRun) {
  AsioEventLoop loop;
  const auto start = Clock::now();  // before the stopper starts sleeping
  std::thread stopper([&] {
    std::this_thread::sleep_for(10ms);
    loop.stop();
  });
  loop.run();  // nothing to do: run() waits for stop(), it does not return for lack of work
  EXPECT_GE(Clock::now() - start, 10ms);
  stopper.join();
}

TEST(AsioEventLoopTest, LoopOnABorrowedContextRunsWhenTheApplicationRunsIt) {
  boost::asio::io_context io;
  auto loop = makeEventLoop(io);
  std::vector<int> order;
  loop->post([&] { order.push_back(1); });
  loop->startTimer(5ms, [&] { order.push_back(2); });
  io.run();  // returns once the posted work and the timer are done
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(AsioEventLoopTest, DestroyingTheLoopDropsItsTimersUncalled) {
  boost::asio::io_context io;
  bool fired = false;
  {
    AsioEventLoop loop(io);
    loop.startTimer(0ms, [&] { fired = true; });
    loop.startTimer(1h, [&] { fired = true; });
  }
  io.run();  // the cancelled completions run here, after the loop is gone
  EXPECT_FALSE(fired);
}

TEST(AsioEventLoopTest, DestroyingAnOwnedLoopWithPendingWorkIsSafe) {
  bool fired = false;
  {
    AsioEventLoop loop;
    loop.startTimer(0ms, [&] { fired = true; });
    loop.post([&] { fired = true; });
  }
  EXPECT_FALSE(fired);
}

TEST(ThreadedRuntimeTest, RunsPostedWorkOnItsOwnThread) {
  ThreadedRuntime runtime;
  std::atomic<int> ran{0};
  std::atomic<bool> otherThread{false};
  const auto self = std::this_thread::get_id();
  for (int i = 0; i < 100; ++i) {
    runtime.loop().post([&] {
      otherThread = std::this_thread::get_id() != self;
      ++ran;
    });
  }
  const auto deadline = Clock::now() + 2s;
  while (ran < 100 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ran.load(), 100);
  EXPECT_TRUE(otherThread.load());
}

TEST(ThreadedRuntimeTest, TimersFireOnTheRuntimeThread) {
  ThreadedRuntime runtime;
  std::atomic<bool> fired{false};
  runtime.loop().post([&] { runtime.loop().startTimer(5ms, [&] { fired = true; }); });
  const auto deadline = Clock::now() + 2s;
  while (!fired && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(fired.load());
}

TEST(ThreadedRuntimeTest, StartsAndStopsAtOnceEvenWithNothingToDo) {
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    const ThreadedRuntime runtime;
  }
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace doppel
