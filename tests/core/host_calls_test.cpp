// The host's call path keeps state between calls (the entry of the last object called, the
// packet each connection decodes into): these tests change what that state refers to between
// calls and check that every call still reaches the right source with the right arguments.
#include <optional>

#include <gtest/gtest.h>

#include "doppel/host.h"
#include "doppel/log.h"
#include "doppel/node.h"
#include "support/log_capture.h"
#include "support/manual_loop.h"
#include "wire/packets.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1001";

ClassInterface counter() {
  return InterfaceBuilder("Counter")
      .slot("add", {{"a", "int"}, {"b", "int"}}, "int")
      .slot("label", {{"text", "QString"}}, "QString")
      .build();
}

/// A source whose slots tag their results with `tag`, so a test sees which source answered.
std::unique_ptr<Source> makeCounter(int tag) {
  auto s = std::make_unique<Source>(counter());
  EXPECT_TRUE(s->onCall("add", [tag](const std::vector<Value>& a) {
    return Value::int32(static_cast<std::int32_t>(tag + a[0].toInt() + a[1].toInt()));
  }));
  EXPECT_TRUE(s->onCall("label", [tag](const std::vector<Value>& a) {
    return Value::string(std::to_string(tag) + ":" + a[0].toString());
  }));
  return s;
}

class HostCallsTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    first = makeCounter(100);
    second = makeCounter(200);
    ASSERT_TRUE(host->enableRemoting(*first, "One"));
    ASSERT_TRUE(host->enableRemoting(*second, "Two"));
    node = std::make_unique<Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
  }

  std::shared_ptr<Replica> acquire(const std::string& name) {
    auto replica = node->acquireDynamic(name);
    EXPECT_TRUE(replica->waitForSource(1s)) << name;
    return replica;
  }

  Value call(Replica& replica, const std::string& method, std::vector<Value> args) {
    auto reply = replica.call(method, std::move(args));
    EXPECT_TRUE(reply.waitForFinished(1s)) << method;
    return reply.returnValue();
  }

  ManualLoop loop;
  std::unique_ptr<Host> host;
  std::unique_ptr<Source> first;
  std::unique_ptr<Source> second;
  std::unique_ptr<Node> node;
};

TEST_F(HostCallsTest, CallsAlternatingBetweenObjectsReachEachItsOwnSource) {
  auto one = acquire("One");
  auto two = acquire("Two");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call(*one, "add", {Value::int32(i), Value::int32(1)}), Value::int32(101 + i));
    EXPECT_EQ(call(*one, "add", {Value::int32(i), Value::int32(2)}), Value::int32(102 + i));
    EXPECT_EQ(call(*two, "label", {Value::string("a string long enough for the heap")}),
              Value::string("200:a string long enough for the heap"));
    EXPECT_EQ(call(*one, "label", {Value::string("x")}), Value::string("100:x"));
  }
}

TEST_F(HostCallsTest, ANameRemotedAgainReachesTheNewSource) {
  auto one = acquire("One");
  EXPECT_EQ(call(*one, "add", {Value::int32(1), Value::int32(2)}), Value::int32(103));
  host->disableRemoting(*first);
  loop.drain();
  auto replacement = makeCounter(300);
  ASSERT_TRUE(host->enableRemoting(*replacement, "One"));
  ASSERT_TRUE(one->waitForSource(1s));
  EXPECT_EQ(call(*one, "add", {Value::int32(1), Value::int32(2)}), Value::int32(303));
  first.reset();  // the old source is gone: nothing may still point at it
  EXPECT_EQ(call(*one, "add", {Value::int32(1), Value::int32(2)}), Value::int32(303));
}

TEST_F(HostCallsTest, ACallToAWithdrawnObjectIsRefusedWithAnInvalidReply) {
  LogCapture logs;
  auto one = acquire("One");
  EXPECT_EQ(call(*one, "add", {Value::int32(1), Value::int32(1)}), Value::int32(102));
  host->disableRemoting(*first);
  first.reset();
  loop.drain();
  // A peer that has not heard of the removal yet still calls it: write the frame directly.
  wire::TypeRegistry types;
  std::string frame;
  ASSERT_TRUE(wire::encodePacket(frame,
                                 wire::InvokePacket{"One", wire::InvokeCall::InvokeMetaMethod, 0,
                                                    {Value::int32(1), Value::int32(1)}, 5, -1},
                                 types));
  ASSERT_FALSE(loop.connectedChannels().empty());
  auto client = loop.connectedChannels().back().lock();
  ASSERT_TRUE(client);
  client->send(std::make_shared<std::string>(frame));
  loop.drain();
  EXPECT_TRUE(logs.contains("refused call on \"One\": no object \"One\"")) << logs.lines.size();
  // The other object on the same connection still answers.
  auto two = acquire("Two");
  EXPECT_EQ(call(*two, "add", {Value::int32(1), Value::int32(1)}), Value::int32(202));
}

TEST_F(HostCallsTest, ArgumentsAreStillCheckedOnEveryCall) {
  LogCapture logs;
  auto one = acquire("One");
  EXPECT_EQ(call(*one, "add", {Value::int32(1), Value::int32(1)}), Value::int32(102));
  wire::TypeRegistry types;
  std::string frame;
  ASSERT_TRUE(wire::encodePacket(frame,
                                 wire::InvokePacket{"One", wire::InvokeCall::InvokeMetaMethod, 0,
                                                    {Value::int32(1), Value::string("1")}, 6, -1},
                                 types));
  auto client = loop.connectedChannels().back().lock();
  ASSERT_TRUE(client);
  client->send(std::make_shared<std::string>(frame));
  loop.drain();
  EXPECT_TRUE(logs.contains("argument 2 of add(int,int) is QString, expected int"))
      << logs.lines.size();
  EXPECT_EQ(call(*one, "add", {Value::int32(2), Value::int32(2)}), Value::int32(104));
}

// A slot that runs the event loop itself (a nested loop) lets the next call arrive and be
// decoded while its own call is still being handled: its arguments must stay its own.
TEST_F(HostCallsTest, ACallDecodedInsideAnotherCallsSlotLeavesThatCallsArgumentsAlone) {
  auto three = makeCounter(300);
  std::shared_ptr<Replica> replica;
  std::optional<PendingReply> inner;
  ASSERT_TRUE(three->onCall("add", [&](const std::vector<Value>& a) {
    const std::int64_t before = a[0].toInt();
    if (before == 1000) {
      inner = replica->call("add", {Value::int32(1), Value::int32(2)});
      loop.drain();  // the nested loop: the inner call is decoded and answered in here
    }
    return Value::int32(static_cast<std::int32_t>(before + a[0].toInt() + a[1].toInt()));
  }));
  ASSERT_TRUE(host->enableRemoting(*three, "Three"));
  replica = acquire("Three");
  auto outer = replica->call("add", {Value::int32(1000), Value::int32(5)});
  ASSERT_TRUE(outer.waitForFinished(1s));
  EXPECT_EQ(outer.returnValue(), Value::int32(2005));
  ASSERT_TRUE(inner && inner->waitForFinished(1s));
  EXPECT_EQ(inner->returnValue(), Value::int32(4));
  // And the connection's own packet is still reused correctly afterwards.
  EXPECT_EQ(call(*replica, "add", {Value::int32(7), Value::int32(1)}), Value::int32(15));
}

}  // namespace
}  // namespace doppel
