// What a slot call works out before sending, and how its reply finds its replica, now that
// both are cached: argument types checked from a per-interface table (builtin names without the
// type registry), the slot index remembered by name, the call packet kept between calls, and
// the replica of the last reply tried first.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "doppel/host.h"
#include "doppel/node.h"
#include "support/manual_loop.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1000";

ClassInterface checked() {
  return InterfaceBuilder("Checked")
      .enumeration(EnumDef{"Level", false, true, 1, {{"Low", 0}, {"High", 200}}})
      .slot("twice", {{"x", "int"}}, "int")
      .slot("alias", {{"x", "qint32"}}, "int")  // not the canonical name: the registry decides
      .slot("anything", {{"v", "QVariant"}}, "QVariant")
      .slot("level", {{"l", "Level"}}, "Level")
      .slot("note", {{"text", "QString"}}, "void")
      .build();
}

class CallChecksTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    ASSERT_TRUE(source.onCall("twice", [](const std::vector<Value>& args) {
      return Value::int32(static_cast<std::int32_t>(args[0].toInt() * 2));
    }));
    ASSERT_TRUE(source.onCall("alias", [](const std::vector<Value>& args) { return args[0]; }));
    ASSERT_TRUE(source.onCall("anything", [](const std::vector<Value>& args) { return args[0]; }));
    ASSERT_TRUE(source.onCall("level", [](const std::vector<Value>& args) { return args[0]; }));
    ASSERT_TRUE(source.onCall("note", [this](const std::vector<Value>& args) {
      notes.push_back(args[0].toString());
      return Value();
    }));
    ASSERT_TRUE(host->enableRemoting(source));
    node = std::make_unique<Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
    replica = node->acquireDynamic("Checked");
    ASSERT_TRUE(replica->waitForSource(1s));
  }

  /// The call's error code, or nullopt when it finished with a value.
  static std::optional<ErrorCode> outcome(const PendingReply& reply) {
    if (!reply.waitForFinished(1s)) return ErrorCode::Timeout;
    if (reply.error()) return reply.error()->code;
    return std::nullopt;
  }

  ManualLoop loop;
  Source source{checked()};
  std::unique_ptr<Host> host;
  std::unique_ptr<Node> node;
  std::shared_ptr<Replica> replica;
  std::vector<std::string> notes;
};

TEST_F(CallChecksTest, ArgumentsAreCheckedAgainstTheirDeclaredTypes) {
  auto ok = replica->call("twice", {Value::int32(21)});
  EXPECT_EQ(outcome(ok), std::nullopt);
  EXPECT_EQ(ok.returnValue(), Value::int32(42));
  // Not the declared builtin: neither the quick check nor the registry lets these through.
  EXPECT_EQ(outcome(replica->call("twice", {Value::string("21")})), ErrorCode::WrongType);
  EXPECT_EQ(outcome(replica->call("twice", {Value::int64(21)})), ErrorCode::WrongType);
  EXPECT_EQ(outcome(replica->call("twice", {})), ErrorCode::WrongType);
  // An alias name goes through the registry, which maps qint32 to int.
  auto alias = replica->call("alias", {Value::int32(7)});
  EXPECT_EQ(outcome(alias), std::nullopt);
  EXPECT_EQ(alias.returnValue(), Value::int32(7));
  EXPECT_EQ(outcome(replica->call("alias", {Value::string("7")})), ErrorCode::WrongType);
  // QVariant takes anything.
  auto text = replica->call("anything", {Value::string("x")});
  EXPECT_EQ(outcome(text), std::nullopt);
  EXPECT_EQ(text.returnValue(), Value::string("x"));
  // An enum parameter takes an integer of its size and sends it as the enum.
  auto level = replica->call("level", {Value::int32(200)});
  EXPECT_EQ(outcome(level), std::nullopt);
  EXPECT_TRUE(level.returnValue().isEnum());
  EXPECT_EQ(level.returnValue().toInt(), 200);
  EXPECT_EQ(outcome(replica->call("level", {Value::string("High")})), ErrorCode::WrongType);
  // Once the node is gone no argument passes, as before the checks were cached.
  node.reset();
  EXPECT_EQ(outcome(replica->call("twice", {Value::int32(1)})), ErrorCode::WrongType);
}

TEST_F(CallChecksTest, SlotsAreFoundByNameOrSignatureWhateverWasCalledBefore) {
  EXPECT_EQ(outcome(replica->call("twice", {Value::int32(1)})), std::nullopt);
  auto bySignature = replica->call("twice(int)", {Value::int32(2)});
  EXPECT_EQ(outcome(bySignature), std::nullopt);
  EXPECT_EQ(bySignature.returnValue(), Value::int32(4));
  EXPECT_EQ(outcome(replica->call("thrice", {Value::int32(1)})), ErrorCode::UnknownName);
  EXPECT_EQ(outcome(replica->call("twice(QString)", {Value::int32(1)})), ErrorCode::UnknownName);
  auto byName = replica->call("twice", {Value::int32(3)});
  EXPECT_EQ(outcome(byName), std::nullopt);
  EXPECT_EQ(byName.returnValue(), Value::int32(6));
  auto other = replica->call("alias", {Value::int32(5)});
  EXPECT_EQ(outcome(other), std::nullopt);
  EXPECT_EQ(other.returnValue(), Value::int32(5));
}

TEST_F(CallChecksTest, VoidAndValueCallsInTurnEachSendTheirOwnArguments) {
  auto first = replica->call("note", {Value::string("one")});
  auto value = replica->call("twice", {Value::int32(5)});
  auto second = replica->call("note", {Value::string("two")});
  EXPECT_TRUE(first.isFinished());  // void slots finish at once
  EXPECT_EQ(outcome(value), std::nullopt);
  EXPECT_EQ(value.returnValue(), Value::int32(10));
  loop.drain();
  EXPECT_EQ(notes, (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(second.isOk());
}

TEST_F(CallChecksTest, TheSlotIndexFollowsTheInterfaceWhenTheHostChangesIt) {
  auto before = replica->call("twice", {Value::int32(1)});
  EXPECT_EQ(outcome(before), std::nullopt);
  EXPECT_EQ(before.returnValue(), Value::int32(2));
  // The host comes back with "twice" at another index: the remembered index must go.
  host.reset();
  loop.drain();
  Source moved(InterfaceBuilder("Checked")
                   .slot("first", {{"x", "int"}}, "int")
                   .slot("other", {{"x", "int"}}, "int")
                   .slot("twice", {{"x", "int"}}, "int")
                   .build());
  ASSERT_TRUE(moved.onCall("first", [](const std::vector<Value>&) { return Value::int32(-1); }));
  ASSERT_TRUE(moved.onCall("other", [](const std::vector<Value>&) { return Value::int32(-2); }));
  ASSERT_TRUE(moved.onCall("twice", [](const std::vector<Value>& args) {
    return Value::int32(static_cast<std::int32_t>(args[0].toInt() * 2));
  }));
  host = std::make_unique<Host>(loop);
  ASSERT_TRUE(host->listen(kUrl));
  ASSERT_TRUE(host->enableRemoting(moved));
  ASSERT_TRUE(replica->waitForSource(10s));  // the node redials
  ASSERT_EQ(replica->interface().methodIndex("twice"), 2);
  auto after = replica->call("twice", {Value::int32(4)});
  EXPECT_EQ(outcome(after), std::nullopt);
  EXPECT_EQ(after.returnValue(), Value::int32(8));
  EXPECT_EQ(outcome(replica->call("level", {Value::int32(1)})), ErrorCode::UnknownName);
  host.reset();  // before `moved` goes
}

TEST_F(CallChecksTest, RepliesReachTheirReplicaWhenSeveralShareAConnection) {
  Source second{checked()};
  ASSERT_TRUE(second.onCall("twice", [](const std::vector<Value>& args) {
    return Value::int32(static_cast<std::int32_t>(args[0].toInt() * 20));
  }));
  ASSERT_TRUE(host->enableRemoting(second, "Second"));
  auto other = node->acquireDynamic("Second");
  ASSERT_TRUE(other->waitForSource(1s));
  // Calls to both in flight at once: replies alternate between the two objects.
  std::vector<PendingReply> mine;
  std::vector<PendingReply> theirs;
  for (int i = 1; i <= 3; ++i) {
    mine.push_back(replica->call("twice", {Value::int32(i)}));
    theirs.push_back(other->call("twice", {Value::int32(i)}));
  }
  loop.drain();
  for (int i = 1; i <= 3; ++i) {
    const auto k = static_cast<std::size_t>(i - 1);
    EXPECT_EQ(mine[k].returnValue(), Value::int32(2 * i));
    EXPECT_EQ(theirs[k].returnValue(), Value::int32(20 * i));
  }
  // A replica dropped and acquired again under the same name gets the replies, not the old one.
  other.reset();
  loop.drain();
  auto again = node->acquireDynamic("Second");
  ASSERT_TRUE(again->waitForSource(1s));
  auto reply = again->call("twice", {Value::int32(5)});
  EXPECT_EQ(outcome(reply), std::nullopt);
  EXPECT_EQ(reply.returnValue(), Value::int32(100));
  again.reset();
  loop.drain();
  host.reset();  // before `second` goes
}

}  // namespace
}  // namespace doppel
