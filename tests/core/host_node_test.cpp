// Host and Node over in-memory channels in virtual time: the whole protocol conversation,
// reconnects and timeouts, with no sockets and no waiting.
#include <algorithm>

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

constexpr const char* kUrl = "tcp://127.0.0.1:1000";

ClassInterface controlUnit() {
  return InterfaceBuilder("ControlUnit")
      .enumeration(EnumDef{"Mode", false, false, 4, {{"Off", 0}, {"On", 2}, {"Auto", 3}}})
      .property("status", "QString", PropertyMode::ReadPush, Value::string("idle"))
      .property("temperature", "double", PropertyMode::ReadOnly, Value::float64(20.5))
      .property("running", "bool", PropertyMode::ReadWrite)
      .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
      .property("serial", "QString", PropertyMode::Constant, Value::string("CU-1"))
      .property("mode", "Mode", PropertyMode::ReadPush)
      .signal("alarm", {{"message", "QString"}})
      .slot("start")
      .slot("reset", {{"toValue", "int"}}, "int")
      .slot("describe", {{"prefix", "QString"}, {"count", "qlonglong"}}, "QString")
      .build();
}

class HostNodeTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    source = std::make_unique<Source>(controlUnit());
    ASSERT_TRUE(source->onCall("reset", [this](const std::vector<Value>& args) {
      ++resets;
      (void)source->setProperty("speed", args[0]);
      return Value::int32(static_cast<std::int32_t>(args[0].toInt() * 2));
    }));
    ASSERT_TRUE(source->onCall("start", [this](const std::vector<Value>&) {
      (void)source->setProperty("running", Value::boolean(true));
      return Value();
    }));
    ASSERT_TRUE(source->onCall("describe", [](const std::vector<Value>& args) {
      return Value::string(args[0].toString() + std::to_string(args[1].toInt()));
    }));
    ASSERT_TRUE(host->enableRemoting(*source));
    node = std::make_unique<Node>(loop, options);
    ASSERT_TRUE(node->connectToNode(kUrl));
  }

  std::shared_ptr<Replica> acquireValid() {
    auto replica = node->acquireDynamic("ControlUnit");
    EXPECT_TRUE(replica->waitForSource(1s)) << replicaStateName(replica->state());
    return replica;
  }

  /// Restarts the host at the same URL, as if the process had been killed and started again.
  void restartHost() {
    host.reset();
    loop.drain();
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    ASSERT_TRUE(host->enableRemoting(*source));
  }

  ManualLoop loop;
  NodeOptions options;
  std::unique_ptr<Host> host;
  std::unique_ptr<Source> source;
  std::unique_ptr<Node> node;
  int resets = 0;
};

TEST_F(HostNodeTest, DynamicReplicaReadsTheInterfaceAndValuesFromTheWire) {
  auto replica = acquireValid();
  ASSERT_EQ(replica->state(), ReplicaState::Valid);
  const auto& iface = replica->interface();
  EXPECT_EQ(iface.typeName, "ControlUnit");
  ASSERT_EQ(iface.properties.size(), 6u);
  EXPECT_EQ(iface.properties[0].name, "status");
  EXPECT_EQ(iface.properties[5].type, "ControlUnit::Mode");
  EXPECT_EQ(replica->property("status"), Value::string("idle"));
  EXPECT_EQ(replica->property("temperature"), Value::float64(20.5));
  EXPECT_EQ(replica->property("speed"), Value::int32(10));
  EXPECT_EQ(replica->property("serial"), Value::string("CU-1"));
  // repc's index spaces: notify signals first, then declared signals; push slots first.
  EXPECT_EQ(iface.signalDefs[0].signature(), "statusChanged(QString)");
  EXPECT_EQ(iface.signalIndex("alarm"), 5);
  EXPECT_EQ(iface.methods[0].name, "pushStatus");
  EXPECT_EQ(iface.methodIndex("reset"), 3);
  EXPECT_EQ(node->remoteObjects().size(), 1u);
}

TEST_F(HostNodeTest, PropertyChangesArePushedWithTheirNotifySignal) {
  auto replica = acquireValid();
  std::vector<std::pair<int, Value>> changes;
  std::vector<int> signalIndexes;
  replica->propertyChanged.connect([&](int i, const Value& v) { changes.emplace_back(i, v); });
  replica->signalEmitted.connect([&](int i, const std::vector<Value>&) { signalIndexes.push_back(i); });
  ASSERT_TRUE(source->setProperty("temperature", Value::float64(31.25)));
  ASSERT_TRUE(source->setProperty("temperature", Value::float64(31.25)));  // unchanged: not sent
  loop.drain();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].first, 1);
  EXPECT_EQ(changes[0].second, Value::float64(31.25));
  EXPECT_EQ(signalIndexes, std::vector<int>{1});
  EXPECT_EQ(replica->property("temperature"), Value::float64(31.25));
}

TEST_F(HostNodeTest, ABurstOfChangesIsCoalescedToTheLatestValue) {
  auto replica = acquireValid();
  int changes = 0;
  replica->propertyChanged.connect([&](int, const Value&) { ++changes; });
  for (int i = 1; i <= 100000; ++i) ASSERT_TRUE(source->setProperty("speed", Value::int32(i)));
  loop.drain();
  EXPECT_EQ(replica->property("speed"), Value::int32(100000));
  EXPECT_EQ(changes, 1);
}

TEST_F(HostNodeTest, ChangesArriveBeforeTheSignalsAndRepliesThatFollowThem) {
  auto replica = acquireValid();
  std::vector<std::string> events;
  replica->propertyChanged.connect([&](int i, const Value& v) {
    events.push_back("change " + std::to_string(i) + "=" + std::to_string(v.toInt()));
  });
  replica->signalEmitted.connect([&](int i, const std::vector<Value>&) {
    if (i == 5) events.push_back("alarm");
  });
  ASSERT_TRUE(source->setProperty("speed", Value::int32(1)));
  ASSERT_TRUE(source->emitSignal("alarm", {Value::string("x")}));
  ASSERT_TRUE(source->setProperty("speed", Value::int32(2)));
  auto reply = replica->call("reset", {Value::int32(3)});  // sets speed to 3, returns 6
  reply.then([&](const PendingReply&) { events.push_back("reply"); });
  ASSERT_TRUE(reply.waitForFinished(1s));
  loop.drain();
  EXPECT_EQ(events, (std::vector<std::string>{"change 3=1", "alarm", "change 3=2", "change 3=3",
                                              "reply"}));
}

TEST_F(HostNodeTest, SourceRefusesAValueOfTheWrongType) {
  auto r = source->setProperty("speed", Value::string("fast"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::WrongType);
  EXPECT_EQ(source->property("speed"), Value::int32(10));
}

TEST_F(HostNodeTest, SlotCallReturnsTheReply) {
  auto replica = acquireValid();
  auto reply = replica->call("reset", {Value::int32(21)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  ASSERT_TRUE(reply.isOk());
  EXPECT_EQ(reply.returnValue(), Value::int32(42));
  EXPECT_EQ(resets, 1);
  loop.drain();
  EXPECT_EQ(replica->property("speed"), Value::int32(21));

  auto text = replica->call("describe(QString,qlonglong)", {Value::string("n="), Value::int64(7)});
  ASSERT_TRUE(text.waitForFinished(1s));
  EXPECT_EQ(text.returnValue(), Value::string("n=7"));
}

TEST_F(HostNodeTest, ThenRunsAfterTheReplyAndNeverInline) {
  auto replica = acquireValid();
  auto reply = replica->call("reset", {Value::int32(1)});
  int calls = 0;
  reply.then([&](const PendingReply& r) {
    ++calls;
    EXPECT_EQ(r.returnValue(), Value::int32(2));
  });
  ASSERT_TRUE(reply.waitForFinished(1s));
  loop.drain();
  EXPECT_EQ(calls, 1);
  reply.then([&](const PendingReply&) { ++calls; });
  EXPECT_EQ(calls, 1);  // posted, not inline
  loop.drain();
  EXPECT_EQ(calls, 2);
}

TEST_F(HostNodeTest, VoidSlotRunsOnTheHost) {
  auto replica = acquireValid();
  auto reply = replica->call("start");
  EXPECT_TRUE(reply.isFinished());
  loop.drain();
  EXPECT_EQ(source->property("running"), Value::boolean(true));
  EXPECT_EQ(replica->property("running"), Value::boolean(true));
}

TEST_F(HostNodeTest, ReplicaRefusesArgumentsOfTheWrongTypeBeforeSending) {
  auto replica = acquireValid();
  auto reply = replica->call("reset", {Value::string("21")});
  ASSERT_TRUE(reply.isFinished());
  ASSERT_TRUE(reply.error());
  EXPECT_EQ(reply.error()->code, ErrorCode::WrongType);
  EXPECT_NE(reply.error()->reason.find("must be int"), std::string::npos);
  auto unknown = replica->call("explode");
  ASSERT_TRUE(unknown.error());
  EXPECT_EQ(unknown.error()->code, ErrorCode::UnknownName);
  EXPECT_EQ(resets, 0);
}

TEST_F(HostNodeTest, HostRefusesACallWithWrongArgumentTypesAndStaysUp) {
  LogCapture logs;
  auto replica = acquireValid();
  // Bypass the replica's own check: send what a buggy peer would.
  wire::TypeRegistry types;
  std::string frame;
  ASSERT_TRUE(wire::encodePacket(
      frame,
      wire::InvokePacket{"ControlUnit", wire::InvokeCall::InvokeMetaMethod, 3,
                         {Value::string("21")}, 99, -1},
      types));
  ASSERT_FALSE(loop.connectedChannels().empty());
  auto client = loop.connectedChannels().back().lock();
  ASSERT_TRUE(client);
  client->send(std::make_shared<std::string>(frame));
  loop.drain();
  EXPECT_EQ(resets, 0);
  EXPECT_TRUE(logs.contains("argument 1 of reset(int) is QString, expected int")) << logs.lines.size();
  // The same connection still works.
  auto reply = replica->call("reset", {Value::int32(2)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(4));
}

TEST_F(HostNodeTest, WriteOfAReadWritePropertyComesBackAsAChange) {
  auto replica = acquireValid();
  ASSERT_TRUE(replica->setProperty("speed", Value::int32(77)));
  EXPECT_EQ(replica->property("speed"), Value::int32(10));  // unchanged until the host confirms
  loop.drain();
  EXPECT_EQ(source->property("speed"), Value::int32(77));
  EXPECT_EQ(replica->property("speed"), Value::int32(77));
  auto wrong = replica->setProperty("speed", Value::string("x"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::WrongType);
}

TEST_F(HostNodeTest, HostRefusesWritesOfReadOnlyProperties) {
  LogCapture logs;
  auto replica = acquireValid();
  ASSERT_TRUE(replica->setProperty("temperature", Value::float64(99)));  // dynamic: sent anyway
  loop.drain();
  EXPECT_EQ(source->property("temperature"), Value::float64(20.5));
  EXPECT_TRUE(logs.contains("property temperature is not writable"));
}

TEST(EnumTest, ReplicaGivesEnumValuesBackTheirTypeAndUnsignedRange) {
  ManualLoop loop;
  Host host(loop);
  ASSERT_TRUE(host.listen(kUrl));
  Source source(InterfaceBuilder("Lab")
                    .enumeration(EnumDef{"Level", false, true, 1, {{"Low", 0}, {"High", 200}}})
                    .property("level", "Level", PropertyMode::ReadWrite)
                    .slot("bump", {{"l", "Level"}}, "Level")
                    .build());
  ASSERT_TRUE(source.onCall("bump", [](const std::vector<Value>& args) { return args[0]; }));
  ASSERT_TRUE(source.setProperty("level", Value::enumValue("Level", 200, 1)));
  ASSERT_TRUE(host.enableRemoting(source));
  Node node(loop);
  ASSERT_TRUE(node.connectToNode(kUrl));
  auto replica = node.acquireDynamic("Lab");
  ASSERT_TRUE(replica->waitForSource(1s));
  const Value& level = replica->property("level");
  EXPECT_TRUE(level.isEnum());
  EXPECT_EQ(level.typeName(), "Lab::Level");
  EXPECT_EQ(level.toInt(), 200);  // sent as signed char -56
  // An integer is accepted where the enum is declared, and travels as the enum's size.
  ASSERT_TRUE(replica->setProperty("level", Value::int32(0)));
  loop.drain();
  EXPECT_EQ(source.property("level").toInt(), 0);
  auto reply = replica->call("bump", {Value::int32(200)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_TRUE(reply.returnValue().isEnum());
  EXPECT_EQ(reply.returnValue().toInt(), 200);
}

TEST(GadgetContainerTest, DefinitionNamesListsAndMapsOfGadgetsAsQtHostsDo) {
  // A Qt dynamic replica has no type "QList<MyPod>": Qt hosts call gadget containers
  // QtROSequentialContainer / QtROAssociativeContainer in property and parameter types (but not
  // in return types), and so must a doppel host, or the property stays invalid on Qt (§6.2).
  ManualLoop loop;
  Host host(loop);
  ASSERT_TRUE(host.listen(kUrl));
  Source source(InterfaceBuilder("Lab")
                    .gadget(GadgetDef{"MyPod", {{"i", "int"}, {"s", "QString"}}, {}})
                    .property("pods", "QList<MyPod>", PropertyMode::ReadPush)
                    .property("byName", "QMap<QString,MyPod>", PropertyMode::ReadPush)
                    .property("ints", "QList<int>", PropertyMode::ReadPush)
                    .signal("podsSeen", {{"pods", "QList<MyPod>"}, {"n", "int"}})
                    .slot("reversePods", {{"pods", "QList<MyPod>"}}, "QList<MyPod>")
                    .build());
  const auto pod = [](int i, const char* s) {
    return Value::userList("MyPod", {Value::int32(i), Value::string(s)});
  };
  const Value pods = Value::userList("QList<MyPod>", {pod(1, "one"), pod(2, "two")});
  const Value byName = Value::userMap("QMap<QString,MyPod>", {{Value::string("a"), pod(3, "a")}});
  ASSERT_TRUE(source.setProperty("pods", pods));
  ASSERT_TRUE(source.setProperty("byName", byName));
  ASSERT_TRUE(source.onCall("reversePods", [](const std::vector<Value>& args) {
    Value::List items = args[0].toList();
    std::reverse(items.begin(), items.end());
    return Value::userList("QList<MyPod>", std::move(items));
  }));
  ASSERT_TRUE(host.enableRemoting(source));
  Node node(loop);
  ASSERT_TRUE(node.connectToNode(kUrl));
  auto replica = node.acquireDynamic("Lab");
  ASSERT_TRUE(replica->waitForSource(1s));

  const auto& iface = replica->interface();
  EXPECT_EQ(iface.properties[0].type, "QtROSequentialContainer");
  EXPECT_EQ(iface.properties[1].type, "QtROAssociativeContainer");
  EXPECT_EQ(iface.properties[2].type, "QList<int>");
  EXPECT_EQ(iface.signalDefs[0].signature(), "podsChanged(QtROSequentialContainer)");
  EXPECT_EQ(iface.properties[0].notifySignal, 0);
  EXPECT_EQ(iface.signalDefs[iface.signalIndex("podsSeen")].signature(),
            "podsSeen(QtROSequentialContainer,int)");
  const MethodDef& reverse =
      iface.methods[static_cast<std::size_t>(iface.methodIndex("reversePods"))];
  EXPECT_EQ(reverse.signature(), "reversePods(QtROSequentialContainer)");
  EXPECT_EQ(reverse.returnType, "QList<MyPod>");
  // The source keeps its own names; the values keep theirs on the wire (QSQ_ / QAS_).
  EXPECT_EQ(source.interface().properties[0].type, "QList<MyPod>");
  EXPECT_EQ(replica->property("pods"), pods);
  EXPECT_EQ(replica->property("byName"), byName);
  auto reply = replica->call("reversePods", {pods});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::userList("QList<MyPod>", {pod(2, "two"), pod(1, "one")}));
}

TEST_F(HostNodeTest, SignalsArriveWithTheirArguments) {
  auto replica = acquireValid();
  std::vector<Value> got;
  int index = -1;
  replica->signalEmitted.connect([&](int i, const std::vector<Value>& args) {
    index = i;
    got = args;
  });
  ASSERT_TRUE(source->emitSignal("alarm", {Value::string("overheat")}));
  loop.drain();
  EXPECT_EQ(index, 5);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Value::string("overheat"));
  EXPECT_FALSE(source->emitSignal("alarm", {Value::int32(1)}));
  EXPECT_FALSE(source->emitSignal("nope", {}));
}

TEST_F(HostNodeTest, ReplicaTurnsSuspectWhenTheHostGoesAndResyncsWhenItReturns) {
  auto replica = acquireValid();
  std::vector<std::pair<ReplicaState, ReplicaState>> states;
  std::vector<int> moved;
  int resyncs = 0;
  replica->stateChanged.connect([&](ReplicaState now, ReplicaState old) { states.emplace_back(now, old); });
  replica->resynced.connect([&](const std::vector<int>& changed) {
    ++resyncs;
    moved = changed;
  });
  host.reset();
  loop.drain();
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);
  EXPECT_EQ(replica->property("speed"), Value::int32(10));  // stale values stay readable

  // While the host is away its state moves on.
  ASSERT_TRUE(source->setProperty("speed", Value::int32(55)));
  ASSERT_TRUE(source->setProperty("status", Value::string("busy")));
  loop.advance(2000ms);  // several failed redials, with backoff
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);

  host = std::make_unique<Host>(loop);
  ASSERT_TRUE(host->listen(kUrl));
  ASSERT_TRUE(host->enableRemoting(*source));
  ASSERT_TRUE(replica->waitForSource(10s));
  EXPECT_EQ(replica->property("speed"), Value::int32(55));
  EXPECT_EQ(resyncs, 1);
  EXPECT_EQ(moved, (std::vector<int>{0, 3}));
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states.front(), std::make_pair(ReplicaState::Suspect, ReplicaState::Valid));
  EXPECT_EQ(states.back(), std::make_pair(ReplicaState::Valid, ReplicaState::Suspect));
}

TEST_F(HostNodeTest, OutstandingCallsFailWhenTheConnectionDrops) {
  auto replica = acquireValid();
  ASSERT_FALSE(loop.acceptedChannels().empty());
  loop.acceptedChannels().back().lock()->blackhole();  // the host stops answering
  auto reply = replica->call("reset", {Value::int32(1)});
  loop.drain();
  EXPECT_FALSE(reply.isFinished());
  host.reset();
  loop.drain();
  ASSERT_TRUE(reply.isFinished());
  ASSERT_TRUE(reply.error());
  EXPECT_EQ(reply.error()->code, ErrorCode::Disconnected);
}

TEST_F(HostNodeTest, CallsWithoutAReplyTimeOut) {
  options.callTimeout = 500ms;
  node = std::make_unique<Node>(loop, options);
  ASSERT_TRUE(node->connectToNode(kUrl));
  auto replica = acquireValid();
  loop.acceptedChannels().back().lock()->blackhole();
  auto reply = replica->call("reset", {Value::int32(1)});
  loop.advance(400ms);
  EXPECT_FALSE(reply.isFinished());
  loop.advance(200ms);
  ASSERT_TRUE(reply.isFinished());
  ASSERT_TRUE(reply.error());
  EXPECT_EQ(reply.error()->code, ErrorCode::Timeout);
}

TEST_F(HostNodeTest, HeartbeatDropsASilentConnectionAndReconnects) {
  options.heartbeatInterval = 300ms;
  node = std::make_unique<Node>(loop, options);
  ASSERT_TRUE(node->connectToNode(kUrl));
  auto replica = acquireValid();
  loop.advance(1000ms);  // pings are answered
  EXPECT_EQ(replica->state(), ReplicaState::Valid);
  loop.acceptedChannels().back().lock()->blackhole();
  loop.advance(700ms);  // one ping unanswered for a whole interval
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);
  EXPECT_EQ(node->lastError().code, ErrorCode::Timeout);
  ASSERT_TRUE(replica->waitForSource(5s));  // redialled; the new connection answers
}

TEST_F(HostNodeTest, DisableRemotingMakesReplicasSuspectAndEnablingBringsThemBack) {
  auto replica = acquireValid();
  host->disableRemoting(*source);
  loop.drain();
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);
  ASSERT_TRUE(host->enableRemoting(*source));
  ASSERT_TRUE(replica->waitForSource(1s));
}

TEST_F(HostNodeTest, DestroyingTheSourceWithdrawsIt) {
  auto replica = acquireValid();
  source.reset();
  loop.drain();
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);
}

TEST_F(HostNodeTest, ReplicaCanBeDestroyedInsideItsOwnSignal) {
  auto replica = acquireValid();
  replica->propertyChanged.connect([&](int, const Value&) { replica.reset(); });
  ASSERT_TRUE(source->setProperty("speed", Value::int32(3)));
  loop.drain();
  EXPECT_EQ(replica, nullptr);
  ASSERT_TRUE(source->setProperty("speed", Value::int32(4)));  // the host no longer sends to it
  loop.drain();
}

TEST_F(HostNodeTest, AcquiringTheSameNameTwiceGivesTheSameReplica) {
  auto a = node->acquireDynamic("ControlUnit");
  auto b = node->acquireDynamic("ControlUnit");
  EXPECT_EQ(a, b);
}

TEST_F(HostNodeTest, ReplicaOfAnObjectThatAppearsLaterInitializesWhenItIsRemoted) {
  Source late(InterfaceBuilder("Late").property("x", "int").build());
  auto replica = node->acquireDynamic("Late");
  loop.advance(100ms);
  EXPECT_EQ(replica->state(), ReplicaState::Uninitialized);
  ASSERT_TRUE(host->enableRemoting(late));
  ASSERT_TRUE(replica->waitForSource(1s));
}

TEST_F(HostNodeTest, TypedReplicaWithAnotherSignatureIsAMismatch) {
  auto iface = controlUnit();
  iface.signature = "1111111111111111111111111111111111111111";
  Source signedSource(iface);
  ASSERT_TRUE(host->enableRemoting(signedSource, "Signed"));
  auto other = iface;
  other.signature = "2222222222222222222222222222222222222222";
  auto mismatched = node->acquire("Signed", other);
  loop.advance(100ms);
  EXPECT_EQ(mismatched->state(), ReplicaState::SignatureMismatch);

  auto typed = node->acquire("ControlUnit", controlUnit());
  EXPECT_EQ(typed->state(), ReplicaState::Default);
  EXPECT_EQ(typed->property("speed"), Value::int32(10));  // the interface's default
  ASSERT_TRUE(typed->waitForSource(1s));
  auto reply = typed->call("reset", {Value::int32(5)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(10));
}

TEST_F(HostNodeTest, AMalformedFrameIsSkippedAndTheConnectionGoesOn) {
  LogCapture logs;
  auto replica = acquireValid();
  auto server = loop.acceptedChannels().back().lock();
  // A frame of unknown packet type 99, then a valid change.
  server->send(std::make_shared<std::string>(std::string("\x06\x00\x00\x00\x63\x00\x00\x00\x00\x00", 10)));
  loop.drain();
  ASSERT_TRUE(source->setProperty("speed", Value::int32(8)));
  loop.drain();
  EXPECT_EQ(replica->property("speed"), Value::int32(8));
  EXPECT_EQ(replica->state(), ReplicaState::Valid);
  EXPECT_TRUE(logs.contains("skipped a frame of 10 bytes"));
}

TEST_F(HostNodeTest, AnOversizedFrameClosesOnlyThatConnection) {
  LogCapture logs;
  auto replica = acquireValid();
  Node other(loop);
  ASSERT_TRUE(other.connectToNode(kUrl));
  auto second = other.acquireDynamic("ControlUnit");
  ASSERT_TRUE(second->waitForSource(1s));
  auto client = loop.connectedChannels().front().lock();  // the first node's connection
  client->send(std::make_shared<std::string>(std::string("\xff\xff\xff\x7f\x06\x00", 6)));
  loop.drain();
  EXPECT_TRUE(logs.contains("closing connection"));
  ASSERT_TRUE(source->setProperty("speed", Value::int32(9)));
  loop.drain();
  EXPECT_EQ(second->property("speed"), Value::int32(9));
  EXPECT_EQ(second->state(), ReplicaState::Valid);
}

TEST_F(HostNodeTest, APeerThatVanishesMidFrameCostsOnlyItsOwnConnection) {
  auto replica = acquireValid();
  Node other(loop);
  ASSERT_TRUE(other.connectToNode(kUrl));
  auto second = other.acquireDynamic("ControlUnit");
  ASSERT_TRUE(second->waitForSource(1s));
  // The first node's connection sends half of a frame and disappears.
  auto client = loop.connectedChannels().front().lock();
  client->send(std::make_shared<std::string>(std::string("\x40\x00\x00\x00\x06\x00\x16", 7)));
  client->close(makeError(ErrorCode::Disconnected, "gone"));
  loop.drain();
  EXPECT_EQ(host->connectionCount(), 1u);
  ASSERT_TRUE(source->setProperty("speed", Value::int32(12)));
  loop.drain();
  EXPECT_EQ(second->property("speed"), Value::int32(12));
  auto reply = second->call("reset", {Value::int32(1)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(2));
}

TEST(ProtocolTest, AHostThatSpeaksAnotherVersionIsAProtocolMismatch) {
  LogCapture logs;
  ManualLoop loop;
  ChannelPtr fakeHost;
  auto listener = loop.listen("tcp://127.0.0.1:2000", [&](ChannelPtr channel) {
    fakeHost = std::move(channel);
    fakeHost->start({});
    wire::TypeRegistry types;
    auto frame = std::make_shared<std::string>();
    ASSERT_TRUE(wire::encodePacket(*frame, wire::Handshake{"QtRO 1.3"}, types));
    fakeHost->send(frame);
  });
  ASSERT_TRUE(listener);
  Node node(loop);
  ASSERT_TRUE(node.connectToNode("tcp://127.0.0.1:2000"));
  loop.drain();
  EXPECT_EQ(node.lastError().code, ErrorCode::ProtocolMismatch);
  EXPECT_TRUE(logs.contains("offered \"QtRO 1.3\""));
}

TEST(ProtocolTest, AHostThatNeverGreetsIsDroppedAfterTheHandshakeTimeout) {
  ManualLoop loop;
  ChannelPtr silent;
  auto listener = loop.listen("tcp://127.0.0.1:2001", [&](ChannelPtr channel) {
    silent = std::move(channel);
    silent->start({});
  });
  ASSERT_TRUE(listener);
  NodeOptions options;
  options.limits.handshakeTimeout = 1000ms;
  options.reconnectDelay = 60000ms;
  Node node(loop, options);
  ASSERT_TRUE(node.connectToNode("tcp://127.0.0.1:2001"));
  loop.advance(900ms);
  EXPECT_NE(node.lastError().code, ErrorCode::Timeout);
  loop.advance(200ms);
  EXPECT_EQ(node.lastError().code, ErrorCode::Timeout);
  EXPECT_NE(node.lastError().reason.find("sent no handshake"), std::string::npos);
}

TEST(TypesTest, AnApplicationStructTravelsOnceBothEndsRegisterIt) {
  ManualLoop loop;
  Host host(loop);
  ASSERT_TRUE(host.listen(kUrl));
  // A type with hand-written stream operators: three ints, streamed bare.
  const std::vector<Parameter> fields{{"x", "int"}, {"y", "int"}, {"z", "int"}};
  host.registerStruct("Vec3", fields);
  Source source(InterfaceBuilder("Space").property("where", "Vec3").build());
  const Value where =
      Value::userList("Vec3", {Value::int32(1), Value::int32(-2), Value::int32(3)});
  ASSERT_TRUE(source.setProperty("where", where));
  ASSERT_TRUE(host.enableRemoting(source));

  Node node(loop);
  node.registerStruct("Vec3", fields);
  ASSERT_TRUE(node.connectToNode(kUrl));
  auto replica = node.acquireDynamic("Space");
  ASSERT_TRUE(replica->waitForSource(1s));
  EXPECT_EQ(replica->property("where"), where);

  // A node that does not know the type cannot decode the values, says so, and stays up.
  LogCapture logs;
  Node stranger(loop);
  ASSERT_TRUE(stranger.connectToNode(kUrl));
  auto blind = stranger.acquireDynamic("Space");
  EXPECT_FALSE(blind->waitForSource(200ms));
  EXPECT_TRUE(logs.contains("Vec3"));
}

TEST(RegistryTest, NodeFindsASourceThroughTheRegistry) {
  ManualLoop loop;
  Host registry(loop);
  ASSERT_TRUE(registry.listen("tcp://127.0.0.1:3000"));
  ASSERT_TRUE(registry.enableRegistry());

  Host host(loop);
  ASSERT_TRUE(host.listen("tcp://127.0.0.1:3001"));
  ASSERT_TRUE(host.setRegistryUrl("tcp://127.0.0.1:3000"));
  Source unit(controlUnit());
  ASSERT_TRUE(host.enableRemoting(unit));

  Node node(loop);
  ASSERT_TRUE(node.setRegistryUrl("tcp://127.0.0.1:3000"));
  auto replica = node.acquireDynamic("ControlUnit");
  ASSERT_TRUE(replica->waitForSource(5s));
  EXPECT_EQ(replica->property("speed"), Value::int32(10));
  auto objects = node.remoteObjects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].url, "tcp://127.0.0.1:3001");

  // A source enabled later is announced to nodes already watching.
  Source second(InterfaceBuilder("Second").property("v", "int").build());
  ASSERT_TRUE(host.enableRemoting(second));
  auto r2 = node.acquireDynamic("Second");
  ASSERT_TRUE(r2->waitForSource(5s));
}

TEST(RegistryTest, TheRegistryForgetsTheSourcesOfAHostThatLeaves) {
  ManualLoop loop;
  Host registry(loop);
  ASSERT_TRUE(registry.listen("tcp://127.0.0.1:3000"));
  ASSERT_TRUE(registry.enableRegistry());
  Node watcher(loop);
  ASSERT_TRUE(watcher.setRegistryUrl("tcp://127.0.0.1:3000"));
  {
    Host host(loop);
    ASSERT_TRUE(host.listen("tcp://127.0.0.1:3001"));
    ASSERT_TRUE(host.setRegistryUrl("tcp://127.0.0.1:3000"));
    Source unit(controlUnit());
    ASSERT_TRUE(host.enableRemoting(unit));
    ASSERT_TRUE(loop.runUntil([&] { return watcher.remoteObjects().size() == 1; }, Clock::now() + 5s));
  }
  ASSERT_TRUE(loop.runUntil([&] { return watcher.remoteObjects().empty(); }, Clock::now() + 5s));
}

}  // namespace
}  // namespace doppel
