// A Host with a PropertyStore, over in-memory channels in virtual time: PERSISTED properties are
// restored before any replica sees the source, every change is saved before it is pushed
// (whether the application or a replica made it), and store failures cost durability only.
#include <gtest/gtest.h>

#include "core/persisted_properties.h"
#include "doppel/host.h"
#include "doppel/log.h"
#include "doppel/node.h"
#include "support/log_capture.h"
#include "support/manual_loop.h"
#include "wire/type_registry.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1000";

ClassInterface controlUnit() {
  return InterfaceBuilder("ControlUnit")
      .gadget(GadgetDef{"Reading", {{"sensor", "QString"}, {"value", "double"}}, {}})
      .property("status", "QString", PropertyMode::ReadPush, Value::string("idle"))
      .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
      .persisted()
      .property("label", "QString", PropertyMode::ReadPush, Value::string("default"))
      .persisted()
      .property("last", "Reading", PropertyMode::ReadWrite)
      .persisted()
      .property("running", "bool", PropertyMode::ReadWrite)
      .build();
}

/// A memory store that runs a probe at each save (to look at what replicas had seen by then) and
/// can be told to fail.
class ProbeStore : public MemoryPropertyStore {
public:
  Result<void> save(std::string_view object,
                    std::string_view property,
                    const StoredValue& value) override {
    if (probe) probe(property);
    if (failSaves) return makeError(ErrorCode::ConnectionFailed, "disk full (simulated)");
    return MemoryPropertyStore::save(object, property, value);
  }
  std::function<void(std::string_view)> probe;
  bool failSaves = false;
};

class PersistedHostTest : public ::testing::Test {
protected:
  void startHost() {
    HostOptions options;
    options.store = store;
    host = std::make_unique<Host>(loop, options);
    ASSERT_TRUE(host->listen(kUrl));
    source = std::make_unique<Source>(controlUnit());
    ASSERT_TRUE(host->enableRemoting(*source));
  }

  void stopHost() {
    node.reset();
    host.reset();
    source.reset();
    loop.drain();
  }

  std::shared_ptr<Replica> connectReplica() {
    node = std::make_unique<Node>(loop);
    EXPECT_TRUE(node->connectToNode(kUrl));
    auto replica = node->acquireDynamic("ControlUnit");
    EXPECT_TRUE(replica->waitForSource(1s));
    return replica;
  }

  std::string hostSent() {
    auto channel = loop.acceptedChannels().back().lock();
    return channel ? channel->sentBytes() : std::string();
  }

  ManualLoop loop;
  std::shared_ptr<ProbeStore> store = std::make_shared<ProbeStore>();
  std::unique_ptr<Host> host;
  std::unique_ptr<Source> source;
  std::unique_ptr<Node> node;
};

TEST_F(PersistedHostTest, BuilderMarksTheLastPropertyPersisted) {
  const auto iface = controlUnit();
  EXPECT_FALSE(iface.properties[0].persisted);
  EXPECT_TRUE(iface.properties[1].persisted);
  EXPECT_TRUE(iface.properties[2].persisted);
  EXPECT_TRUE(iface.properties[3].persisted);
  EXPECT_FALSE(iface.properties[4].persisted);
}

TEST_F(PersistedHostTest, ValuesSurviveARestartAndOverrideDefaults) {
  startHost();
  const Value reading = Value::userList("Reading", {Value::string("t9"), Value::float64(-2.5)});
  ASSERT_TRUE(source->setProperty("speed", Value::int32(77)));
  ASSERT_TRUE(source->setProperty("label", Value::string("kept")));
  ASSERT_TRUE(source->setProperty("last", reading));
  ASSERT_TRUE(source->setProperty("status", Value::string("not persisted")));
  ASSERT_TRUE(source->setProperty("running", Value::boolean(true)));
  EXPECT_EQ(store->size(), 3u);  // only the PERSISTED ones
  stopHost();

  startHost();
  // Restored inside enableRemoting, before any replica could connect.
  EXPECT_EQ(source->property("speed"), Value::int32(77));
  EXPECT_EQ(source->property("label"), Value::string("kept"));
  EXPECT_EQ(source->property("last"), reading);
  EXPECT_EQ(source->property("status"), Value::string("idle"));
  EXPECT_EQ(source->property("running"), Value::boolean(false));
  auto replica = connectReplica();
  ASSERT_EQ(replica->state(), ReplicaState::Valid);
  EXPECT_EQ(replica->property("speed"), Value::int32(77));
  EXPECT_EQ(replica->property("label"), Value::string("kept"));
  EXPECT_EQ(replica->property("last"), reading);
}

TEST_F(PersistedHostTest, AnApplicationChangeIsSavedBeforeAnyReplicaHearsOfIt) {
  startHost();
  auto replica = connectReplica();
  loop.drain();
  const std::size_t sentBefore = hostSent().size();
  std::size_t sentAtSave = 0;
  Value replicaAtSave;
  int saves = 0;
  store->probe = [&](std::string_view property) {
    if (property != "speed") return;
    ++saves;
    sentAtSave = hostSent().size();
    replicaAtSave = replica->property("speed");
  };
  ASSERT_TRUE(source->setProperty("speed", Value::int32(55)));
  loop.drain();
  EXPECT_EQ(saves, 1);
  EXPECT_EQ(sentAtSave, sentBefore);  // not one byte had left the host when it saved
  EXPECT_EQ(replicaAtSave, Value::int32(10));
  EXPECT_GT(hostSent().size(), sentBefore);
  EXPECT_EQ(replica->property("speed"), Value::int32(55));
  EXPECT_EQ(store->load("ControlUnit", "speed")->value().typeKey, "int");
}

TEST_F(PersistedHostTest, AReplicaWriteIsSavedBeforeTheChangeComesBack) {
  startHost();
  auto replica = connectReplica();
  loop.drain();
  std::vector<std::string> events;
  store->probe = [&](std::string_view property) {
    if (property == "speed")
      events.push_back("saved, replica has " + std::to_string(replica->property("speed").toInt()));
  };
  const ScopedConnection watch = replica->propertyChanged.connect([&](int, const Value& v) {
    events.push_back("replica got " + std::to_string(v.toInt()));
  });
  ASSERT_TRUE(replica->setProperty("speed", Value::int32(31)));
  loop.drain();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "saved, replica has 10");
  EXPECT_EQ(events[1], "replica got 31");

  stopHost();
  startHost();
  EXPECT_EQ(source->property("speed"), Value::int32(31));
}

TEST_F(PersistedHostTest, EveryChangeIsSavedEvenWhenPushesCoalesce) {
  startHost();
  auto replica = connectReplica();
  std::vector<int> saved;
  store->probe = [&](std::string_view property) {
    if (property == "speed") saved.push_back(source->property("speed").toInt());
  };
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(source->setProperty("speed", Value::int32(i)));
  EXPECT_EQ(saved, (std::vector<int>{1, 2, 3, 4, 5}));
  loop.drain();
  EXPECT_EQ(replica->property("speed"), Value::int32(5));
}

TEST_F(PersistedHostTest, ASaveFailureIsLoggedAndTheChangeStillApplies) {
  startHost();
  auto replica = connectReplica();
  LogCapture logs(LogLevel::Warning);
  store->failSaves = true;
  ASSERT_TRUE(source->setProperty("speed", Value::int32(99)));
  loop.drain();
  EXPECT_EQ(replica->property("speed"), Value::int32(99));
  EXPECT_TRUE(logs.contains("persist: cannot save ControlUnit.speed")) << logs.lines.size();
  EXPECT_TRUE(logs.contains("disk full (simulated)"));
  EXPECT_FALSE(store->load("ControlUnit", "speed")->has_value());
}

TEST_F(PersistedHostTest, AValueStoredForAnotherTypeIsNotRestored) {
  wire::TypeRegistry types;
  ASSERT_TRUE(store->save("ControlUnit", "speed",
                          *detail::encodePersisted(Value::float64(1.5), "double", types)));
  ASSERT_TRUE(store->save("ControlUnit", "label", StoredValue{"QString", "\x01\x02"}));  // cut
  LogCapture logs(LogLevel::Warning);
  startHost();
  EXPECT_EQ(source->property("speed"), Value::int32(10));
  EXPECT_EQ(source->property("label"), Value::string("default"));
  EXPECT_TRUE(logs.contains("stored value of ControlUnit.speed not restored")) << logs.lines.size();
  EXPECT_TRUE(logs.contains("stored for type \"double\", the property is \"int\""));
  EXPECT_TRUE(logs.contains("stored value of ControlUnit.label not restored"));
}

TEST_F(PersistedHostTest, AStoreThatCannotBeReadLeavesDefaults) {
  class BrokenStore : public PropertyStore {
  public:
    Result<std::optional<StoredValue>> load(std::string_view, std::string_view) override {
      return makeError(ErrorCode::Malformed, "database disk image is malformed");
    }
    Result<void> save(std::string_view, std::string_view, const StoredValue&) override {
      return makeError(ErrorCode::Malformed, "database disk image is malformed");
    }
  };
  LogCapture logs(LogLevel::Warning);
  HostOptions options;
  options.store = std::make_shared<BrokenStore>();
  host = std::make_unique<Host>(loop, options);
  ASSERT_TRUE(host->listen(kUrl));
  source = std::make_unique<Source>(controlUnit());
  ASSERT_TRUE(host->enableRemoting(*source));
  EXPECT_EQ(source->property("speed"), Value::int32(10));
  EXPECT_TRUE(logs.contains("cannot read ControlUnit.speed from the store"));
  auto replica = connectReplica();
  ASSERT_TRUE(replica->setProperty("speed", Value::int32(12)));
  loop.drain();
  EXPECT_EQ(replica->property("speed"), Value::int32(12));
}

TEST_F(PersistedHostTest, TheRemotingNameKeysTheValues) {
  HostOptions options;
  options.store = store;
  host = std::make_unique<Host>(loop, options);
  ASSERT_TRUE(host->listen(kUrl));
  Source a(controlUnit());
  Source b(controlUnit());
  ASSERT_TRUE(host->enableRemoting(a, "UnitA"));
  ASSERT_TRUE(host->enableRemoting(b, "UnitB"));
  ASSERT_TRUE(a.setProperty("speed", Value::int32(1)));
  ASSERT_TRUE(b.setProperty("speed", Value::int32(2)));
  host.reset();
  Source a2(controlUnit());
  Source b2(controlUnit());
  host = std::make_unique<Host>(loop, options);
  ASSERT_TRUE(host->enableRemoting(b2, "UnitB"));
  ASSERT_TRUE(host->enableRemoting(a2, "UnitA"));
  EXPECT_EQ(a2.property("speed"), Value::int32(1));
  EXPECT_EQ(b2.property("speed"), Value::int32(2));
  host.reset();
}

}  // namespace
}  // namespace doppel
