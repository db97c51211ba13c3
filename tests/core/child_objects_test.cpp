// Child objects (repc CLASS and MODEL members, protocol §3.3, §6.1, §11.1): a Source holding
// other Sources, shared by a Host as QRO_ values and opened by a Node into child replicas.
#include <gtest/gtest.h>

#include "doppel/host.h"
#include "doppel/log.h"
#include "doppel/node.h"
#include "support/log_capture.h"
#include "support/manual_loop.h"
#include "wire/child_value.h"
#include "wire/packets.h"
#include "wire/qtro_types.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:3000";

ClassInterface grandInterface() {
  return InterfaceBuilder("Grand")
      .property("depth", "int", PropertyMode::ReadPush, Value::int32(2))
      .signal("poked", {{"count", "int"}})
      .slot("poke")
      .build();
}

ClassInterface childInterface() {
  return InterfaceBuilder("Child")
      .property("value", "int", PropertyMode::ReadPush, Value::int32(3))
      .property("label", "QString", PropertyMode::ReadWrite, Value::string("c"))
      .property("grand", "Grand*", PropertyMode::SourceOnlySetter)
      .signal("pinged", {{"what", "QString"}})
      .slot("bump", {{"by", "int"}}, "int")
      .build();
}

ClassInterface labInterface() {
  return InterfaceBuilder("Lab")
      .property("top", "int", PropertyMode::ReadPush, Value::int32(1))
      .property("child", "Child*", PropertyMode::SourceOnlySetter)
      .property("spare", "Child*", PropertyMode::SourceOnlySetter)
      .slot("replaceChild")
      .build();
}

/// A Child source with its Grand, and slots that behave like the interop host's.
struct ChildTree {
  explicit ChildTree(int value, std::string label, int depth)
      : child(childInterface()), grand(grandInterface()) {
    (void)child.setProperty("value", Value::int32(value));
    (void)child.setProperty("label", Value::string(label));
    (void)grand.setProperty("depth", Value::int32(depth));
    (void)child.setChild("grand", &grand);
    (void)child.onCall("bump", [this](const std::vector<Value>& args) {
      const auto next = static_cast<std::int32_t>(child.property("value").toInt() + args[0].toInt());
      (void)child.setProperty("value", Value::int32(next));
      (void)child.emitSignal("pinged", {Value::string("bumped " + std::to_string(args[0].toInt()))});
      return Value::int32(next);
    });
    (void)grand.onCall("poke", [this](const std::vector<Value>&) {
      (void)grand.setProperty("depth", Value::int32(static_cast<std::int32_t>(grand.property("depth").toInt() + 1)));
      (void)grand.emitSignal("poked", {Value::int32(++pokes)});
      return Value();
    });
  }
  Source child;
  Source grand;
  int pokes = 0;
};

class ChildObjectsTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    lab = std::make_unique<Source>(labInterface());
    first = std::make_unique<ChildTree>(3, "c", 2);
    ASSERT_TRUE(lab->setChild("child", &first->child));
    ASSERT_TRUE(lab->onCall("replaceChild", [this](const std::vector<Value>&) {
      secondTree = std::make_unique<ChildTree>(10, "second", 7);
      (void)lab->setChild("child", &secondTree->child);
      return Value();
    }));
    ASSERT_TRUE(host->enableRemoting(*lab));
    node = std::make_unique<Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
  }

  std::shared_ptr<Replica> acquireValid() {
    auto replica = node->acquireDynamic("Lab");
    EXPECT_TRUE(replica->waitForSource(1s)) << replicaStateName(replica->state());
    return replica;
  }

  ManualLoop loop;
  std::unique_ptr<Host> host;
  std::unique_ptr<Source> lab;
  std::unique_ptr<ChildTree> first;
  std::unique_ptr<ChildTree> secondTree;
  std::unique_ptr<Node> node;
};

TEST_F(ChildObjectsTest, DynamicReplicaGetsNestedChildrenWithTheirInterfacesAndValues) {
  LogCapture logs;
  auto replica = acquireValid();
  EXPECT_EQ(replica->interface().properties[1].type, "QObject*");  // as Qt writes CLASS members
  EXPECT_EQ(replica->property("child"), Value::string("Class::Lab::child"));
  EXPECT_FALSE(replica->property("spare").isValid());
  EXPECT_EQ(replica->child("spare"), nullptr);
  auto child = replica->child("child");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->name(), "Class::Lab::child");
  EXPECT_EQ(child->state(), ReplicaState::Valid);
  EXPECT_EQ(child->interface().typeName, "Child");
  EXPECT_EQ(child->interface().methodIndex("bump"), 1);
  EXPECT_EQ(child->property("value"), Value::int32(3));
  EXPECT_EQ(child->property("label"), Value::string("c"));
  auto grand = child->child("grand");
  ASSERT_NE(grand, nullptr);
  EXPECT_EQ(grand->name(), "Class::child::grand");  // deeper levels: the parent's property name
  EXPECT_EQ(grand->property("depth"), Value::int32(2));
  EXPECT_FALSE(logs.contains("AddObject for unknown object"));  // none sent for children
}

TEST_F(ChildObjectsTest, ChildChangesSignalsCallsAndWritesUseTheChildsName) {
  auto replica = acquireValid();
  auto child = replica->child("child");
  ASSERT_NE(child, nullptr);
  std::vector<std::vector<Value>> pings;
  child->signalEmitted.connect([&](int index, const std::vector<Value>& args) {
    if (index == child->interface().signalIndex("pinged")) pings.push_back(args);
  });
  auto reply = child->call("bump", {Value::int32(5)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(8));
  EXPECT_EQ(child->property("value"), Value::int32(8));
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(pings[0], std::vector<Value>{Value::string("bumped 5")});

  ASSERT_TRUE(child->setProperty("label", Value::string("w")));
  loop.drain();
  EXPECT_EQ(first->child.property("label"), Value::string("w"));
  EXPECT_EQ(child->property("label"), Value::string("w"));

  ASSERT_TRUE(first->child.setProperty("value", Value::int32(42)));
  loop.drain();
  EXPECT_EQ(child->property("value"), Value::int32(42));

  auto grand = child->child("grand");
  ASSERT_NE(grand, nullptr);
  int poked = -1;
  grand->signalEmitted.connect([&](int index, const std::vector<Value>& args) {
    if (index == grand->interface().signalIndex("poked")) poked = static_cast<int>(args[0].toInt());
  });
  ASSERT_TRUE(grand->call("poke").waitForFinished(1s));
  loop.drain();
  EXPECT_EQ(poked, 1);
  EXPECT_EQ(grand->property("depth"), Value::int32(3));
  EXPECT_FALSE(replica->setProperty("child", Value()));  // only the source sets children
}

TEST_F(ChildObjectsTest, ReplacingAChildCreatesANewReplicaAndNullDropsIt) {
  auto replica = acquireValid();
  auto old = replica->child("child");
  ASSERT_NE(old, nullptr);
  std::vector<int> childChanges;
  replica->childChanged.connect([&](int index) { childChanges.push_back(index); });
  // Same name and type, another object: the replica is re-initialized in place.
  ASSERT_TRUE(replica->call("replaceChild").waitForFinished(1s));
  loop.drain();
  auto now = replica->child("child");
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now, old);
  EXPECT_EQ(now->property("value"), Value::int32(10));
  EXPECT_EQ(now->property("label"), Value::string("second"));
  EXPECT_EQ(now->child("grand")->property("depth"), Value::int32(7));
  auto reply = now->call("bump", {Value::int32(1)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(11));
  EXPECT_EQ(secondTree->child.property("value"), Value::int32(11));
  EXPECT_EQ(first->child.property("value"), Value::int32(3));

  ASSERT_TRUE(lab->setChild("child", nullptr));
  loop.drain();
  EXPECT_EQ(replica->child("child"), nullptr);
  EXPECT_FALSE(replica->property("child").isValid());
  EXPECT_EQ(now->state(), ReplicaState::Suspect);
  EXPECT_EQ(childChanges, std::vector<int>{1});

  // A child of another class in the same property: a new replica.
  Source other(InterfaceBuilder("Other").property("x", "int", PropertyMode::ReadOnly, Value::int32(9)).build());
  ASSERT_TRUE(lab->setChild("spare", &other));
  loop.drain();
  auto spare = replica->child("spare");
  ASSERT_NE(spare, nullptr);
  EXPECT_EQ(spare->interface().typeName, "Other");
  EXPECT_EQ(spare->property("x"), Value::int32(9));
  EXPECT_EQ(childChanges, (std::vector<int>{1, 2}));
}

TEST_F(ChildObjectsTest, DestroyingAChildSourceSetsItsParentToNull) {
  auto replica = acquireValid();
  ASSERT_NE(replica->child("child"), nullptr);
  first.reset();
  EXPECT_EQ(lab->child("child"), nullptr);
  loop.drain();
  EXPECT_EQ(replica->child("child"), nullptr);
}

TEST_F(ChildObjectsTest, SourceRefusesChildrenInPlainPropertiesAndCycles) {
  Source loose(childInterface());
  EXPECT_FALSE(lab->setChild("top", &loose));
  EXPECT_FALSE(first->grand.setChild(0, &first->child));  // depth is not a pointer
  Source a(childInterface());
  Source b(childInterface());
  ASSERT_TRUE(a.setChild("grand", &b));
  EXPECT_FALSE(b.setChild("grand", &a));
  EXPECT_FALSE(a.setChild("grand", &a));
}

TEST_F(ChildObjectsTest, TypedReplicaTakesChildInterfacesFromTheApplication) {
  node->registerChildInterface(childInterface());
  node->registerChildInterface(grandInterface());
  auto typed = node->acquire("Lab", labInterface());
  ASSERT_TRUE(typed->waitForSource(1s));
  auto child = typed->child("child");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->property("label"), Value::string("c"));
  EXPECT_EQ(child->child("grand")->property("depth"), Value::int32(2));
  auto reply = child->call("bump", {Value::int32(2)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(5));
}

TEST_F(ChildObjectsTest, EveryDynamicReplicaLearnsTheChildClasses) {
  auto replica = acquireValid();
  Node other(loop);
  ASSERT_TRUE(other.connectToNode(kUrl));
  auto second = other.acquireDynamic("Lab");
  ASSERT_TRUE(second->waitForSource(1s));
  ASSERT_NE(second->child("child"), nullptr);
  EXPECT_EQ(second->child("child")->interface().typeName, "Child");
  EXPECT_EQ(second->child("child")->child("grand")->property("depth"), Value::int32(2));
  // A class first seen after both joined is described in the change that brings it.
  Source other1(InterfaceBuilder("Late").property("y", "int", PropertyMode::ReadOnly, Value::int32(4)).build());
  ASSERT_TRUE(lab->setChild("spare", &other1));
  loop.drain();
  ASSERT_NE(replica->child("spare"), nullptr);
  ASSERT_NE(second->child("spare"), nullptr);
  EXPECT_EQ(replica->child("spare")->property("y"), Value::int32(4));
  EXPECT_EQ(second->child("spare")->property("y"), Value::int32(4));
}

TEST_F(ChildObjectsTest, ChildrenTurnSuspectWithTheirParentAndResyncAfterARestart) {
  auto replica = acquireValid();
  auto child = replica->child("child");
  ASSERT_NE(child, nullptr);
  std::vector<int> resynced;
  child->resynced.connect([&](const std::vector<int>& changed) { resynced = changed; });
  host.reset();
  loop.drain();
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);
  EXPECT_EQ(child->state(), ReplicaState::Suspect);
  EXPECT_EQ(child->child("grand")->state(), ReplicaState::Suspect);
  ASSERT_TRUE(first->child.setProperty("value", Value::int32(77)));
  host = std::make_unique<Host>(loop);
  ASSERT_TRUE(host->listen(kUrl));
  ASSERT_TRUE(host->enableRemoting(*lab));
  loop.advance(10s);
  ASSERT_TRUE(replica->waitForSource(1s));
  EXPECT_EQ(replica->child("child"), child);
  EXPECT_EQ(child->state(), ReplicaState::Valid);
  EXPECT_EQ(child->property("value"), Value::int32(77));
  EXPECT_EQ(resynced, std::vector<int>{0});
  auto reply = child->call("bump", {Value::int32(1)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(78));
}

TEST(ChildModelTest, AModelMemberTravelsAsAModelChildUnderItsModelName) {
  ManualLoop loop;
  Host host(loop);
  ASSERT_TRUE(host.listen(kUrl));
  const ClassInterface adapter = InterfaceBuilder("QAbstractItemModelAdapter")
                                     .property("availableRoles", "QList<int>", PropertyMode::ReadOnly)
                                     .build();
  Source model(adapter);
  ASSERT_TRUE(model.setProperty("availableRoles", Value::userList("QList<int>", {Value::int32(0)})));
  Source lab(InterfaceBuilder("Lab").property("tracks", "QAbstractItemModel*", PropertyMode::SourceOnlySetter).build());
  ASSERT_TRUE(lab.setChild("tracks", &model));
  ASSERT_TRUE(host.enableRemoting(lab));
  Node node(loop);
  node.registerChildInterface(adapter);  // Qt never describes the adapter
  ASSERT_TRUE(node.connectToNode(kUrl));
  auto replica = node.acquireDynamic("Lab");
  ASSERT_TRUE(replica->waitForSource(1s));
  EXPECT_EQ(replica->interface().properties[0].type, "QAbstractItemModel*");
  auto tracks = replica->child("tracks");
  ASSERT_NE(tracks, nullptr);
  EXPECT_EQ(tracks->name(), "Model::Lab::tracks");
  EXPECT_EQ(tracks->interface().typeName, "QAbstractItemModelAdapter");
  EXPECT_EQ(tracks->property("availableRoles"), Value::userList("QList<int>", {Value::int32(0)}));
}

// The QRO_ codec ----------------------------------------------------------------------------

TEST(ChildValueTest, PackAndUnpackRoundTripWithDefinitionAndNestedValues) {
  wire::TypeRegistry types;
  wire::ChildValue grand{"Class::child::grand", "Grand", wire::ChildKind::Class, grandInterface(), false,
                         {Value::int32(2)}};
  auto grandQro = wire::packChild(grand, types);
  ASSERT_TRUE(grandQro);
  wire::ChildValue child{"Class::Lab::child", "Child", wire::ChildKind::Class, std::nullopt, false,
                         {Value::int32(3), Value::string("c"), *grandQro}};
  auto qro = wire::packChild(child, types);
  ASSERT_TRUE(qro);
  // Through the frame codec and back, as it travels.
  std::string frame;
  ASSERT_TRUE(wire::encodePacket(frame, wire::PropertyChangePacket{"Lab", 1, *qro}, types));
  auto packet = wire::decodePacket(std::string_view(frame).substr(4), types, Limits{});
  ASSERT_TRUE(packet);
  const auto& change = std::get<wire::PropertyChangePacket>(*packet);
  auto opened = wire::unpackChild(change.value, types, Limits{});
  ASSERT_TRUE(opened) << opened.error().toString();
  EXPECT_EQ(opened->name, "Class::Lab::child");
  EXPECT_EQ(opened->typeName, "Child");
  EXPECT_FALSE(opened->definition.has_value());
  ASSERT_EQ(opened->values.size(), 3u);
  EXPECT_EQ(opened->values[1], Value::string("c"));
  auto inner = wire::unpackChild(opened->values[2], types, Limits{});
  ASSERT_TRUE(inner);
  ASSERT_TRUE(inner->definition.has_value());
  EXPECT_EQ(inner->definition->methods[1].name, "poke");
  EXPECT_EQ(inner->values, std::vector<Value>{Value::int32(2)});
}

TEST(ChildValueTest, TheBlobsAreBigEndianAsQtWritesThem) {
  // protocol Appendix A.9: one property, QVariant int 3.
  wire::TypeRegistry types;
  auto qro = wire::packChild({"Class::Lab::child", "Child", wire::ChildKind::Class, std::nullopt, false,
                              {Value::int32(3)}},
                             types);
  ASSERT_TRUE(qro);
  const auto& items = qro->toList();
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[5].toString(), std::string("\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x00\x03", 13));
  EXPECT_TRUE(items[3].isNullText());
}

Value rawQro(std::string definition, bool isNull, std::string parameters, bool nullDefinition = false) {
  return Value::userList(std::string(wire::detail::kQroName),
                         {Value::string("Class::Lab::child"), Value::string("Child"), Value::uint8(0),
                          nullDefinition ? Value::nullBytes() : Value::bytes(definition),
                          Value::boolean(isNull), isNull ? Value::nullBytes() : Value::bytes(parameters)});
}

TEST(ChildValueTest, MalformedContentsAreErrors) {
  wire::TypeRegistry types;
  const Limits limits;
  // Truncated values blob: a count of 1 and nothing after it.
  EXPECT_EQ(wire::unpackChild(rawQro("", false, std::string("\x00\x00\x00\x01", 4), true), types, limits).error().code,
            ErrorCode::Truncated);
  // Absurd count.
  EXPECT_FALSE(wire::unpackChild(rawQro("", false, std::string("\x7f\xff\xff\xff", 4), true), types, limits));
  // Trailing bytes after the values.
  EXPECT_FALSE(wire::unpackChild(rawQro("", false, std::string("\x00\x00\x00\x00\x01", 5), true), types, limits));
  // A definition cut short.
  EXPECT_FALSE(wire::unpackChild(rawQro(std::string("\x00\x00\x00\x02\x00", 5), false, std::string(4, '\0')), types, limits));
  // An unknown QRO_ type byte.
  Value bad = rawQro("", true, "", true);
  auto items = bad.toList();
  items[2] = Value::uint8(7);
  EXPECT_FALSE(wire::unpackChild(Value::userList(std::string(wire::detail::kQroName), items), types, limits));
}

/// A host that greets, lists "Lab" and answers AddObject with `init`.
struct FakeHost {
  FakeHost(ManualLoop& loop, const char* url, wire::InitDynamicPacket packet) : init(std::move(packet)) {
    listener = std::move(loop.listen(url, [this](ChannelPtr channel) {
                 channels.push_back(std::move(channel));
                 auto* ch = channels.back().get();
                 ch->start({[this, ch](std::string_view bytes) { onBytes(*ch, bytes); }, {}});
                 send(*ch, wire::Handshake{});
                 send(*ch, wire::ObjectList{{{"Lab", Text{"Lab", false}, Text{"", true}}}});
               }).value());
  }
  void send(Channel& ch, const wire::Packet& p) {
    auto frame = std::make_shared<std::string>();
    ASSERT_TRUE(wire::encodePacket(*frame, p, types));
    ch.send(frame);
  }
  void onBytes(Channel& ch, std::string_view bytes) {
    if (bytes.find('\x04') != std::string_view::npos) send(ch, init);  // AddObject arrived
  }
  wire::TypeRegistry types;
  wire::InitDynamicPacket init;
  std::unique_ptr<Listener> listener;
  std::vector<ChannelPtr> channels;
};

TEST(ChildMalformedTest, ABadChildObjectClosesThatConnectionOnly) {
  LogCapture logs;
  ManualLoop loop;
  wire::InitDynamicPacket init;
  init.name = "Lab";
  init.definition = InterfaceBuilder("Lab").property("child", "QObject*", PropertyMode::ReadOnly).build();
  init.values = {rawQro("", false, std::string("\x00\x00\x10\x00", 4), true)};  // 4096 values, none there
  FakeHost bad(loop, "tcp://127.0.0.1:3001", init);
  // A good host next to it, on the same node.
  Host good(loop);
  ASSERT_TRUE(good.listen(kUrl));
  Source lab(labInterface());
  ChildTree tree(3, "c", 2);
  ASSERT_TRUE(lab.setChild("child", &tree.child));
  ASSERT_TRUE(good.enableRemoting(lab, "Good"));

  NodeOptions options;
  options.reconnectDelay = 60000ms;
  Node node(loop, options);
  ASSERT_TRUE(node.connectToNode("tcp://127.0.0.1:3001"));
  ASSERT_TRUE(node.connectToNode(kUrl));
  auto broken = node.acquireDynamic("Lab");
  auto fine = node.acquireDynamic("Good");
  loop.drain();
  EXPECT_NE(broken->state(), ReplicaState::Valid);
  EXPECT_TRUE(logs.contains("bad child object")) << (logs.lines.empty() ? "" : logs.lines.back());
  EXPECT_NE(node.lastError().reason.find("bad child object"), std::string::npos);
  ASSERT_TRUE(fine->waitForSource(1s));
  ASSERT_NE(fine->child("child"), nullptr);
  EXPECT_EQ(fine->child("child")->property("value"), Value::int32(3));
}

TEST_F(ChildObjectsTest, AMalformedChildValueFromAReplicaLeavesTheHostUp) {
  auto replica = acquireValid();
  // An InvokePacket to the child whose one argument is a QRO_ cut short in its values blob.
  auto client = loop.connectedChannels().front().lock();
  std::string frame;
  wire::TypeRegistry types;
  ASSERT_TRUE(wire::encodePacket(
      frame,
      wire::InvokePacket{"Class::Lab::child", wire::InvokeCall::InvokeMetaMethod, 1,
                         {rawQro("", false, std::string("\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x00\x03", 13), true)},
                         5, -1},
      types));
  std::string bogus = frame.substr(0, frame.size() - 20);
  const auto size = static_cast<std::uint32_t>(bogus.size() - 4);
  for (int i = 0; i < 4; ++i) bogus[static_cast<std::size_t>(i)] = static_cast<char>((size >> (8 * i)) & 0xff);
  client->send(std::make_shared<std::string>(bogus));
  loop.drain();
  Node other(loop);
  ASSERT_TRUE(other.connectToNode(kUrl));
  auto second = other.acquireDynamic("Lab");
  ASSERT_TRUE(second->waitForSource(1s));
  auto reply = second->child("child")->call("bump", {Value::int32(1)});
  ASSERT_TRUE(reply.waitForFinished(1s));
  EXPECT_EQ(reply.returnValue(), Value::int32(4));
}

}  // namespace
}  // namespace doppel
