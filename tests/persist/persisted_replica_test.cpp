// persistReplica: a typed replica starts from the values stored for it until the source is
// reached, and saves every value it receives for its PERSISTED properties (Qt's replica-side
// semantics, protocol §11.3).
#include <gtest/gtest.h>

#include "core/persisted_properties.h"
#include "doppel/host.h"
#include "doppel/node.h"
#include "doppel/store.h"
#include "support/manual_loop.h"
#include "wire/type_registry.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1001";

ClassInterface unitInterface() {
  return InterfaceBuilder("ControlUnit")
      .gadget(GadgetDef{"Reading", {{"sensor", "QString"}, {"value", "double"}}, {}})
      .property("status", "QString", PropertyMode::ReadPush, Value::string("idle"))
      .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
      .persisted()
      .property("last", "Reading", PropertyMode::ReadWrite)
      .persisted()
      .build();
}

class PersistedReplicaTest : public ::testing::Test {
protected:
  void startHost(int speed) {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    source = std::make_unique<Source>(unitInterface());
    ASSERT_TRUE(source->setProperty("speed", Value::int32(speed)));
    ASSERT_TRUE(host->enableRemoting(*source));
  }

  std::shared_ptr<Replica> acquire() {
    node = std::make_unique<Node>(loop);
    EXPECT_TRUE(node->connectToNode(kUrl));
    return node->acquire("ControlUnit", unitInterface());
  }

  Value stored(const std::string& property) {
    auto loaded = store->load("replica:ControlUnit", property);
    if (!loaded || !loaded->has_value()) return {};
    wire::TypeRegistry types;
    types.registerInterface(unitInterface());
    auto value = detail::decodePersisted(**loaded, unitInterface().properties[1].type, types);
    return value ? *value : Value();
  }

  ManualLoop loop;
  std::shared_ptr<MemoryPropertyStore> store = std::make_shared<MemoryPropertyStore>();
  std::unique_ptr<Host> host;
  std::unique_ptr<Source> source;
  std::unique_ptr<Node> node;
};

TEST_F(PersistedReplicaTest, AReplicaStartsFromTheLastValueItSaw) {
  startHost(44);
  const Value reading = Value::userList("Reading", {Value::string("r"), Value::float64(2.5)});
  ASSERT_TRUE(source->setProperty("last", reading));
  {
    auto replica = acquire();
    EXPECT_EQ(persistReplica(*replica, store), 0);  // nothing stored yet
    EXPECT_EQ(replica->property("speed"), Value::int32(10));
    ASSERT_TRUE(replica->waitForSource(1s));
    EXPECT_EQ(replica->property("speed"), Value::int32(44));
    EXPECT_EQ(stored("speed"), Value::int32(44));
    ASSERT_TRUE(source->setProperty("speed", Value::int32(45)));
    loop.drain();
    EXPECT_EQ(stored("speed"), Value::int32(45));
    EXPECT_FALSE(store->load("replica:ControlUnit", "status")->has_value());  // not PERSISTED
    node.reset();
  }
  host.reset();
  source.reset();
  loop.drain();

  // The host is gone: the new replica shows the stored values, in state Default.
  auto replica = acquire();
  EXPECT_EQ(persistReplica(*replica, store), 2);
  EXPECT_EQ(replica->state(), ReplicaState::Default);
  EXPECT_EQ(replica->property("speed"), Value::int32(45));
  EXPECT_EQ(replica->property("last"), reading);
  EXPECT_EQ(replica->property("status"), Value::string("idle"));

  // The source comes back with another value: it wins, and is saved.
  startHost(12);
  ASSERT_TRUE(replica->waitForSource(5s));
  EXPECT_EQ(replica->property("speed"), Value::int32(12));
  EXPECT_EQ(stored("speed"), Value::int32(12));
}

TEST_F(PersistedReplicaTest, AValidReplicaKeepsTheSourcesValues) {
  startHost(30);
  ASSERT_TRUE(store->save("replica:ControlUnit", "speed",
                          *detail::encodePersisted(Value::int32(99), "int", wire::TypeRegistry())));
  auto replica = acquire();
  ASSERT_TRUE(replica->waitForSource(1s));
  EXPECT_EQ(persistReplica(*replica, store), 0);
  EXPECT_EQ(replica->property("speed"), Value::int32(30));
  ASSERT_TRUE(source->setProperty("speed", Value::int32(31)));
  loop.drain();
  EXPECT_EQ(stored("speed"), Value::int32(31));
}

}  // namespace
}  // namespace doppel
