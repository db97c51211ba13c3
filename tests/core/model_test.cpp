// Item models over in-memory channels in virtual time: the adapter's interface and answers,
// ModelReplica's lazy fetching, bounded cache, change propagation and bad-input handling.
#include <gtest/gtest.h>

#include "doppel/host.h"
#include "doppel/model.h"
#include "doppel/model_replica.h"
#include "doppel/node.h"
#include "interop/doppel/model_edits.h"
#include "support/manual_loop.h"
#include "wire/model_types.h"
#include "wire/type_registry.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1100";

std::string dumpReplica(ModelReplica& m, const IndexPath& parent, const std::string& prefix,
                        const std::vector<int>& roles) {
  std::string out;
  for (int i = 0; i < m.rowCount(parent); ++i) {
    IndexPath index = parent;
    index.push_back({i, 0});
    const std::string path = prefix + std::to_string(i);
    out += path + ":";
    for (int role : roles) out += " " + modeltest::text(m.data(index, role));
    out += "\n";
    if (m.hasChildren(index)) out += dumpReplica(m, index, path + "/", roles);
  }
  return out;
}

class ModelTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    modeltest::fillFlat(flat, 1000);
    modeltest::fillTree(tree, 3);
    ASSERT_TRUE(host->enableRemoting(flat, "Flat", flatRoles));
    ASSERT_TRUE(host->enableRemoting(tree, "Tree", treeRoles));
    node = std::make_unique<Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
  }

  std::shared_ptr<ModelReplica> acquire(const std::string& name, ModelReplicaOptions options = {}) {
    auto m = node->acquireModel(name, options);
    EXPECT_TRUE(m->waitForInitialized(1s));
    return m;
  }

  /// Reads the replica until it equals the source (each read asks for what is missing).
  bool converges(ModelReplica& m, const ItemModel& source, const std::vector<int>& roles) {
    const std::string expected = modeltest::dumpModel(source, roles);
    for (int i = 0; i < 50; ++i) {
      if (dumpReplica(m, {}, "", roles) == expected) return true;
      loop.drain();
      loop.advance(1ms);
    }
    EXPECT_EQ(dumpReplica(m, {}, "", roles), expected);
    return false;
  }

  ManualLoop loop;
  std::unique_ptr<Host> host;
  std::unique_ptr<Node> node;
  ListModel flat{modeltest::flatRoles()};
  TreeModel tree{modeltest::treeRoles()};
  std::vector<int> flatRoles{Role::Display, modeltest::kNumberRole, modeltest::kDoneRole};
  std::vector<int> treeRoles{Role::Display, modeltest::kNumberRole};
};

TEST(ModelAdapterInterface, IsQtsAdapterInWireOrder) {
  const ClassInterface& c = ModelAdapter::adapterInterface();
  EXPECT_EQ(c.typeName, "QAbstractItemModelAdapter");
  EXPECT_TRUE(c.signature.empty());
  ASSERT_EQ(c.properties.size(), 2u);
  EXPECT_EQ(c.properties[0].name, "availableRoles");
  EXPECT_EQ(c.properties[0].notifySignal, 0);
  EXPECT_EQ(c.properties[1].name, "roleNames");
  const std::vector<std::string> signalNames{"availableRolesChanged", "dataChanged", "rowsInserted",
                                             "rowsRemoved", "rowsMoved", "currentChanged",
                                             "modelReset", "headerDataChanged", "columnsInserted",
                                             "layoutChanged"};
  ASSERT_EQ(c.signalDefs.size(), signalNames.size());
  for (std::size_t i = 0; i < signalNames.size(); ++i) EXPECT_EQ(c.signalDefs[i].name, signalNames[i]);
  const std::vector<std::string> methodNames{"replicaSizeRequest", "replicaRowRequest",
                                             "replicaHeaderRequest", "replicaSetCurrentIndex",
                                             "replicaSetData", "replicaCacheRequest"};
  ASSERT_EQ(c.methods.size(), methodNames.size());
  for (std::size_t i = 0; i < methodNames.size(); ++i) EXPECT_EQ(c.methods[i].name, methodNames[i]);
  EXPECT_EQ(c.methods[5].params[0].type, "ulong");
}

TEST_F(ModelTest, RowCountIsKnownAtOnceAndDataIsFetchedOnDemand) {
  ModelReplicaOptions options;
  options.blockRows = 50;
  options.readAheadBlocks = 1;
  auto m = acquire("Flat", options);
  EXPECT_EQ(m->rowCount(), 1000);
  EXPECT_EQ(m->roleId("number"), modeltest::kNumberRole);
  EXPECT_EQ(m->cachedRows(), 0u);
  int changes = 0;
  ScopedConnection c = m->dataChanged.connect(
      [&changes](const IndexPath&, const IndexPath&, const std::vector<int>&) { ++changes; });
  EXPECT_FALSE(m->data(500, Role::Display).isValid());  // placeholder, block requested
  loop.drain();
  EXPECT_EQ(m->data(500, Role::Display).toString(), "item 500");
  EXPECT_EQ(m->data(500, modeltest::kNumberRole).toInt(), 500);
  EXPECT_TRUE(m->data(501, modeltest::kDoneRole).isBool());
  EXPECT_GE(changes, 1);
  // The block and one block ahead, nothing else.
  EXPECT_EQ(m->cachedRows(), 100u);
  EXPECT_TRUE(m->isCached({{549, 0}}));
  EXPECT_FALSE(m->isCached({{600, 0}}));
}

TEST_F(ModelTest, FetchAllCachesEveryRowInFewRequests) {
  ModelReplicaOptions options;
  options.initialAction = ModelReplicaOptions::InitialAction::FetchAll;
  options.bulkRows = 300;
  bool full = false;
  auto m = node->acquireModel("Flat", options);
  ScopedConnection c = m->fullyCached.connect([&full] { full = true; });
  ASSERT_TRUE(m->waitForInitialized(1s));
  loop.drain();
  EXPECT_TRUE(full);
  EXPECT_TRUE(m->isFullyCached());
  EXPECT_EQ(m->cachedRows(), 1000u);
  for (int r = 0; r < 1000; r += 97) EXPECT_EQ(m->data(r, modeltest::kNumberRole).toInt(), r);
}

TEST_F(ModelTest, CacheStaysWithinItsBound) {
  ModelReplicaOptions options;
  options.cacheRows = 200;
  options.blockRows = 50;
  auto m = acquire("Flat", options);
  for (int r = 0; r < 1000; ++r) {
    (void)m->data(r, Role::Display);
    loop.drain();
    EXPECT_EQ(m->data(r, Role::Display).toString(), "item " + std::to_string(r));
    EXPECT_LE(m->cachedRows(), 250u);
  }
}

TEST_F(ModelTest, SourceEditsReachTheReplicaAsTheSameNotifications) {
  auto m = acquire("Flat");
  ASSERT_TRUE(converges(*m, flat, flatRoles));
  std::vector<std::string> seen;
  ScopedConnection a = m->rowsInserted.connect(
      [&seen](const IndexPath&, int first, int last) { seen.push_back("ins " + std::to_string(first) + "-" + std::to_string(last)); });
  ScopedConnection b = m->rowsRemoved.connect(
      [&seen](const IndexPath&, int first, int last) { seen.push_back("rem " + std::to_string(first) + "-" + std::to_string(last)); });
  ScopedConnection d = m->rowsMoved.connect([&seen](const IndexPath&, int first, int last, const IndexPath&, int to) {
    seen.push_back("mov " + std::to_string(first) + "-" + std::to_string(last) + ">" + std::to_string(to));
  });
  flat.insertRow(3, modeltest::flatRow(7777));
  flat.removeRows(10, 2);
  flat.moveRows(0, 1, 5);
  loop.drain();
  EXPECT_EQ(seen, (std::vector<std::string>{"ins 3-3", "rem 10-11", "mov 0-0>6"}));
  EXPECT_EQ(m->rowCount(), 999);
  ASSERT_TRUE(converges(*m, flat, flatRoles));
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    modeltest::editFlat(flat, seed, 1500);
    ASSERT_TRUE(converges(*m, flat, flatRoles)) << "seed " << seed;
  }
}

TEST_F(ModelTest, TreesAreReadByPathAndFollowEdits) {
  auto m = acquire("Tree");
  ASSERT_TRUE(converges(*m, tree, treeRoles));
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    modeltest::editTree(tree, seed, 1000);
    ASSERT_TRUE(converges(*m, tree, treeRoles)) << "seed " << seed;
  }
}

TEST_F(ModelTest, PrefetchFillsTheCacheFromOneRequest) {
  ModelReplicaOptions options;
  options.initialAction = ModelReplicaOptions::InitialAction::PrefetchData;
  options.prefetchItems = 100;
  auto m = acquire("Flat", options);
  EXPECT_EQ(m->rowCount(), 1000);
  EXPECT_EQ(m->cachedRows(), 100u);
  EXPECT_TRUE(m->isCached({{99, 0}}));
  EXPECT_EQ(m->data(42, Role::Display).toString(), "item 42");
}

TEST_F(ModelTest, ResetAndSetDataAndCurrentIndexRoundTrip) {
  auto m = acquire("Flat");
  int resets = 0;
  ScopedConnection a = m->modelReset.connect([&resets] { ++resets; });
  modeltest::fillFlat(flat, 10);
  loop.drain();
  EXPECT_EQ(resets, 1);
  EXPECT_EQ(m->rowCount(), 10);
  m->setData({{2, 0}}, Value::string("edited"), Role::Display);
  loop.drain();
  EXPECT_EQ(flat.value(2, Role::Display).toString(), "edited");
  m->setData({{2, 0}}, Value::string("refused"), 4242);  // not an available role
  loop.drain();
  EXPECT_EQ(flat.value(2, Role::Display).toString(), "edited");
  IndexPath current;
  ScopedConnection b = m->currentChanged.connect([&current](const IndexPath& now, const IndexPath&) { current = now; });
  m->setCurrentIndex({{4, 0}});
  loop.drain();
  EXPECT_EQ(current, (IndexPath{{4, 0}}));
  EXPECT_EQ(m->currentIndex(), (IndexPath{{4, 0}}));
}

TEST_F(ModelTest, BadRequestsGetEmptyAnswersAndOtherReplicasGoOn) {
  auto raw = node->acquire("Flat", ModelAdapter::adapterInterface());
  ASSERT_TRUE(raw->waitForSource(1s));
  auto path = [](std::vector<wire::IndexEntry> steps) { return wire::indexListValue(steps); };
  auto rows = [&](Value start, Value end, std::vector<std::int32_t> roles) {
    auto reply = raw->call("replicaRowRequest", {std::move(start), std::move(end), wire::intListValue(roles)});
    EXPECT_TRUE(reply.waitForFinished(1s));
    wire::TypeRegistry types;
    wire::installModelCodecs(types, true);
    auto entries = wire::dataEntriesFromValue(reply.returnValue(), types, Limits{});
    EXPECT_TRUE(entries.ok());
    return entries ? entries->data : std::vector<wire::IndexValuePair>{};
  };
  // Out of range, empty, mismatched depths, a parent that does not exist.
  EXPECT_TRUE(rows(path({{5000, 0}}), path({{6000, 0}}), {}).empty());
  EXPECT_TRUE(rows(path({}), path({}), {}).empty());
  EXPECT_TRUE(rows(path({{1, 0}}), path({{0, 0}, {3, 0}}), {}).empty());
  EXPECT_TRUE(rows(path({{9999, 0}, {0, 0}}), path({{9999, 0}, {5, 0}}), {}).empty());
  // An absurd range is clamped to the model.
  auto all = rows(path({{-5, 0}}), path({{2147483647, 2147483647}}), {Role::Display});
  EXPECT_EQ(all.size(), 1000u);
  // Unknown roles read as invalid values, positions kept.
  auto odd = rows(path({{7, 0}}), path({{7, 0}}), {12345, Role::Display});
  ASSERT_EQ(odd.size(), 1u);
  ASSERT_EQ(odd[0].data.size(), 2u);
  EXPECT_FALSE(odd[0].data[0].isValid());
  EXPECT_EQ(odd[0].data[1].toString(), "item 7");
  // Sizes of items that do not exist; arguments of the wrong type are refused by the host.
  auto size = raw->call("replicaSizeRequest", {path({{4000, 0}})});
  ASSERT_TRUE(size.waitForFinished(1s));
  EXPECT_EQ(size.returnValue().toGeometry().v[1], 0);
  auto wrong = raw->call("replicaSizeRequest", {Value::int32(3)});
  EXPECT_TRUE(wrong.waitForFinished(1s));
  auto header = raw->call("replicaHeaderRequest", {wire::orientationListValue({1, 2}),
                                                   wire::intListValue({0}), wire::intListValue({})});
  ASSERT_TRUE(header.waitForFinished(1s));
  EXPECT_TRUE(header.returnValue().toList().empty());
  (void)raw->call("replicaSetData", {path({{99999, 0}}), Value::int32(1), Value::int32(0)});
  (void)raw->call("replicaSetCurrentIndex", {path({{-1, -1}, {2, 2}}), Value::int32(19)});
  loop.drain();
  // The host is still up and a model replica reads normally.
  auto m = acquire("Flat");
  ASSERT_TRUE(converges(*m, flat, flatRoles));
  EXPECT_EQ(host->connectionCount(), 1u);
}

// Qt's replica gives items it never sized 0 columns and cannot index rows inserted under them
// unless columnsInserted comes first (what QStandardItemModel sends): the adapter sends it
// before an item's first children, and only then.
TEST_F(ModelTest, FirstChildrenOfAnItemComeAfterColumnsInserted) {
  auto raw = node->acquire("Tree", ModelAdapter::adapterInterface());
  ASSERT_TRUE(raw->waitForSource(1s));
  std::vector<std::string> seen;
  auto connection = raw->signalEmitted.connect([&seen](int index, const std::vector<Value>& args) {
    auto path = wire::indexListFromValue(args.at(0));
    std::string line = std::to_string(index) + " [";
    for (const auto& step : path ? *path : wire::IndexList{})
      line += "(" + std::to_string(step.row) + "," + std::to_string(step.column) + ")";
    seen.push_back(line + "] " + std::to_string(args.at(1).toInt()) + "-" + std::to_string(args.at(2).toInt()));
  });
  const ModelIndex top = tree.appendRow({}, {Value::string("top"), Value::int32(1)});
  const ModelIndex kid = tree.appendRow(top, {Value::string("kid"), Value::int32(2)});
  tree.appendRow(kid, {Value::string("leaf"), Value::int32(3)});
  tree.insertRow(kid, 0, {Value::string("leaf 2"), Value::int32(4)});
  loop.drain();
  const std::string t = std::to_string(tree.rowCount() - 1);
  // signal 8 = columnsInserted, 2 = rowsInserted (§9.2)
  const std::vector<std::string> expected{"2 [] " + t + "-" + t,
                                          "8 [(" + t + ",0)] 0-0",
                                          "2 [(" + t + ",0)] 0-0",
                                          "8 [(" + t + ",0)(0,0)] 0-0",
                                          "2 [(" + t + ",0)(0,0)] 0-0",
                                          "2 [(" + t + ",0)(0,0)] 0-0"};
  EXPECT_EQ(seen, expected);
}

TEST(ListModelTest, MovesRotateAndReportQtsDestinationRow) {
  ListModel m({{Role::Display, "display"}});
  for (int i = 0; i < 5; ++i) m.appendRow({Value::int32(i)});
  int dest = -1;
  ScopedConnection c = m.rowsMoved.connect(
      [&dest](const ModelIndex&, int, int, const ModelIndex&, int d) { dest = d; });
  m.moveRows(0, 2, 3);  // [2,3,4,0,1]
  EXPECT_EQ(dest, 5);
  EXPECT_EQ(m.value(3, Role::Display).toInt(), 0);
  m.moveRows(3, 1, 0);  // [0,2,3,4,1]
  EXPECT_EQ(dest, 0);
  EXPECT_EQ(m.value(0, Role::Display).toInt(), 0);
  EXPECT_EQ(m.value(4, Role::Display).toInt(), 1);
}

}  // namespace
}  // namespace doppel
