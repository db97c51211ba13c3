// The slot call path's bookkeeping, which the round trip's speed depends on: reused send
// buffers, the queue of waiting calls (replies out of order, serials wrapping), then()
// callbacks, and the enum types worked out once per interface.
#include <climits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/replica_core.h"
#include "doppel/host.h"
#include "doppel/node.h"
#include "support/manual_loop.h"
#include "wire/packets.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1000";

ClassInterface calculator() {
  return InterfaceBuilder("Calc")
      .enumeration(EnumDef{"Level", false, true, 1, {{"Low", 0}, {"High", 200}}})
      .property("total", "int", PropertyMode::ReadPush)
      .slot("twice", {{"x", "int"}}, "int")
      .slot("level", {{"l", "Level"}}, "Level")
      .slot("echo", {{"text", "QString"}}, "QString")
      .build();
}

class CallPathTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    ASSERT_TRUE(source.onCall("twice", [this](const std::vector<Value>& args) {
      (void)source.setProperty("total", args[0]);
      return Value::int32(static_cast<std::int32_t>(args[0].toInt() * 2));
    }));
    ASSERT_TRUE(source.onCall("level", [](const std::vector<Value>& args) { return args[0]; }));
    ASSERT_TRUE(source.onCall("echo", [](const std::vector<Value>& args) { return args[0]; }));
    ASSERT_TRUE(host->enableRemoting(source));
    node = std::make_unique<Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
    replica = node->acquireDynamic("Calc");
    ASSERT_TRUE(replica->waitForSource(1s));
  }

  /// Makes the host stop answering, so that the test plays the host's replies itself.
  std::shared_ptr<testing::MemoryChannel> silenceHost() {
    loop.acceptedChannels().back().lock()->blackhole();
    return loop.connectedChannels().back().lock();
  }

  static std::string replyFrame(std::int32_t serial, Value value) {
    wire::TypeRegistry types;
    std::string frame;
    EXPECT_TRUE(wire::encodePacket(frame, wire::InvokeReplyPacket{"Calc", serial, std::move(value)},
                                   types));
    return frame;
  }

  ManualLoop loop;
  Source source{calculator()};
  std::unique_ptr<Host> host;
  std::unique_ptr<Node> node;
  std::shared_ptr<Replica> replica;
};

TEST_F(CallPathTest, CallsSentBeforeTheEarlierOnesAreWrittenKeepTheirOwnBytes) {
  // The memory channel holds each send until the loop runs, so every call here needs a buffer
  // of its own; the replies then prove no call's bytes were overwritten by the next.
  std::vector<PendingReply> replies;
  for (int i = 1; i <= 5; ++i) replies.push_back(replica->call("twice", {Value::int32(i)}));
  loop.drain();
  for (int i = 1; i <= 5; ++i) {
    const auto& reply = replies[static_cast<std::size_t>(i - 1)];
    ASSERT_TRUE(reply.isOk()) << i;
    EXPECT_EQ(reply.returnValue(), Value::int32(2 * i));
  }
  // One at a time, the buffer of the previous call is free again and reused.
  for (int i = 10; i < 13; ++i) {
    auto reply = replica->call("twice", {Value::int32(i)});
    ASSERT_TRUE(reply.waitForFinished(1s));
    EXPECT_EQ(reply.returnValue(), Value::int32(2 * i));
  }
  loop.drain();
  EXPECT_EQ(replica->property("total"), Value::int32(12));
  // A big call and its reply get buffers that are not kept; small calls go on after them.
  const std::string big(5000, 'x');
  auto large = replica->call("echo", {Value::string(big)});
  ASSERT_TRUE(large.waitForFinished(1s));
  EXPECT_EQ(large.returnValue(), Value::string(big));
  auto small = replica->call("echo", {Value::string("y")});
  ASSERT_TRUE(small.waitForFinished(1s));
  EXPECT_EQ(small.returnValue(), Value::string("y"));
}

TEST_F(CallPathTest, RepliesOutOfOrderReachTheirOwnCalls) {
  auto client = silenceHost();
  auto first = replica->call("twice", {Value::int32(1)});   // serial 1
  auto second = replica->call("twice", {Value::int32(2)});  // serial 2
  auto third = replica->call("twice", {Value::int32(3)});   // serial 3
  loop.drain();
  client->inject(replyFrame(2, Value::int32(20)));
  client->inject(replyFrame(99, Value::int32(990)));  // not a call of ours: ignored
  client->inject(replyFrame(3, Value::int32(30)));
  loop.drain();
  EXPECT_FALSE(first.isFinished());
  EXPECT_EQ(second.returnValue(), Value::int32(20));
  EXPECT_EQ(third.returnValue(), Value::int32(30));
  client->inject(replyFrame(1, Value::int32(10)));
  client->inject(replyFrame(1, Value::int32(11)));  // a second reply changes nothing
  loop.drain();
  EXPECT_EQ(first.returnValue(), Value::int32(10));
}

TEST_F(CallPathTest, SerialsWrapAfterIntMaxAndStillFindTheirCalls) {
  auto client = silenceHost();
  replica->core().nextSerial = INT_MAX - 1;
  auto a = replica->call("twice", {Value::int32(1)});  // INT_MAX - 1
  auto b = replica->call("twice", {Value::int32(2)});  // INT_MAX
  auto c = replica->call("twice", {Value::int32(3)});  // wrapped to 1, as Qt does
  loop.drain();
  client->inject(replyFrame(1, Value::int32(3)));
  client->inject(replyFrame(INT_MAX, Value::int32(2)));
  client->inject(replyFrame(INT_MAX - 1, Value::int32(1)));
  loop.drain();
  EXPECT_EQ(a.returnValue(), Value::int32(1));
  EXPECT_EQ(b.returnValue(), Value::int32(2));
  EXPECT_EQ(c.returnValue(), Value::int32(3));
}

TEST_F(CallPathTest, CallsTimeOutOldestFirstAndLaterRepliesAreIgnored) {
  auto client = silenceHost();
  auto early = replica->call("twice", {Value::int32(1)});
  loop.advance(20s);
  auto late = replica->call("twice", {Value::int32(2)});
  loop.advance(15s);  // the default call timeout is 30 s: only the early call is due
  ASSERT_TRUE(early.isFinished());
  ASSERT_TRUE(early.error());
  EXPECT_EQ(early.error()->code, ErrorCode::Timeout);
  EXPECT_FALSE(late.isFinished());
  client->inject(replyFrame(1, Value::int32(2)));  // too late for the early call
  client->inject(replyFrame(2, Value::int32(4)));
  loop.drain();
  EXPECT_EQ(early.error()->code, ErrorCode::Timeout);
  EXPECT_EQ(late.returnValue(), Value::int32(4));
}

TEST_F(CallPathTest, EveryThenCallbackRunsOnceInTheOrderItWasGiven) {
  auto reply = replica->call("twice", {Value::int32(4)});
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) reply.then([&order, i](const PendingReply&) { order.push_back(i); });
  ASSERT_TRUE(reply.waitForFinished(1s));
  loop.drain();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  reply.then([&order](const PendingReply& r) { order.push_back(r.returnValue().toInt()); });
  loop.drain();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 8}));
}

TEST_F(CallPathTest, EnumTypesFollowTheInterfaceWhenTheHostChangesIt) {
  auto reply = replica->call("level", {Value::int32(200)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_TRUE(reply.returnValue().isEnum());
  EXPECT_EQ(reply.returnValue().typeName(), "Calc::Level");
  EXPECT_EQ(reply.returnValue().toInt(), 200);  // unsigned keys: -56 on the wire

  // The host comes back with another interface under the same name: "level" now takes and
  // returns a plain int, so what the replica worked out for the old one must not be used.
  host.reset();
  loop.drain();
  Source plain(InterfaceBuilder("Calc")
                   .property("total", "int", PropertyMode::ReadPush)
                   .slot("twice", {{"x", "int"}}, "int")
                   .slot("level", {{"l", "int"}}, "int")
                   .build());
  ASSERT_TRUE(plain.onCall("level", [](const std::vector<Value>& args) { return args[0]; }));
  host = std::make_unique<Host>(loop);
  ASSERT_TRUE(host->listen(kUrl));
  ASSERT_TRUE(host->enableRemoting(plain));
  ASSERT_TRUE(replica->waitForSource(10s));  // the node redials
  ASSERT_TRUE(replica->interface().enums.empty());
  auto again = replica->call("level", {Value::int32(-56)});
  ASSERT_TRUE(again.waitForFinished(1s));
  ASSERT_TRUE(again.isOk());
  EXPECT_FALSE(again.returnValue().isEnum());
  EXPECT_EQ(again.returnValue(), Value::int32(-56));
  host.reset();  // before `plain` goes
}

}  // namespace
}  // namespace doppel
