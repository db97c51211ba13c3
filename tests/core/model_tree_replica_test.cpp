// ModelReplica on trees, in virtual time: columnsInserted applied in place (no re-read of the
// root), requests in flight across changes above them asked again by their new paths, and no
// request below the root sent between the signals of a burst (the paths a host has already
// left; Qt's host aborts on them). Also prints what a first child under a leaf costs.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "doppel/host.h"
#include "doppel/model.h"
#include "doppel/model_replica.h"
#include "doppel/node.h"
#include "interop/doppel/model_edits.h"
#include "support/manual_loop.h"
#include "wire/frame_splitter.h"
#include "wire/model_types.h"
#include "wire/packets.h"
#include "wire/type_registry.h"

namespace doppel {
namespace {

using namespace std::chrono_literals;
using testing::ManualLoop;

constexpr const char* kUrl = "tcp://127.0.0.1:1102";

std::string dumpReplica(ModelReplica& m, const IndexPath& parent, const std::string& prefix) {
  std::string out;
  for (int i = 0; i < m.rowCount(parent); ++i) {
    IndexPath index = parent;
    index.push_back({i, 0});
    const std::string path = prefix + std::to_string(i);
    out += path + ": " + modeltest::text(m.data(index, Role::Display)) + " " +
           modeltest::text(m.data(index, modeltest::kNumberRole)) + "\n";
    if (m.hasChildren(index)) out += dumpReplica(m, index, path + "/");
  }
  return out;
}

std::string text(const IndexPath& path) {
  std::string out = "[";
  for (const auto& step : path) out += "(" + std::to_string(step.row) + "," + std::to_string(step.column) + ")";
  return out + "]";
}

/// A request as the host reads it: the parent path it names and whether it asks for a size.
struct Request {
  IndexPath parent;
  bool size = false;
};

class ModelTreeReplicaTest : public ::testing::Test {
protected:
  void SetUp() override {
    host = std::make_unique<Host>(loop);
    ASSERT_TRUE(host->listen(kUrl));
    modeltest::fillTree(tree, 3);
    ASSERT_TRUE(host->enableRemoting(tree, "Tree", roles));
    node = std::make_unique<Node>(loop);
    ASSERT_TRUE(node->connectToNode(kUrl));
    wire::installModelCodecs(types, false);
  }

  std::shared_ptr<ModelReplica> acquire() {
    auto m = node->acquireModel("Tree");
    EXPECT_TRUE(m->waitForInitialized(1s));
    return m;
  }

  bool converges(ModelReplica& m) {
    const std::string expected = modeltest::dumpModel(tree, roles);
    for (int i = 0; i < 50; ++i) {
      if (dumpReplica(m, {}, "") == expected) return true;
      loop.drain();
      loop.advance(1ms);
    }
    EXPECT_EQ(dumpReplica(m, {}, ""), expected);
    return false;
  }

  /// What the node has sent to the host so far.
  const std::string& sent() {
    auto channel = loop.connectedChannels().back().lock();
    static const std::string none;
    return channel ? channel->sentBytes() : none;
  }

  /// The model requests (size and row requests) in the node's bytes from `offset` on.
  std::vector<Request> requestsSince(std::size_t offset) {
    std::vector<Request> out;
    wire::FrameSplitter splitter(limits);
    std::vector<std::string> frames;
    // Whole frames only: `offset` is always a frame boundary (the node sends whole frames).
    EXPECT_TRUE(splitter.feed(std::string_view(sent()).substr(offset), [&frames](std::string_view f) {
      frames.emplace_back(f);
    }));
    for (const auto& frame : frames) {
      auto packet = wire::decodePacket(frame, types, limits);
      if (!packet) continue;
      const auto* invoke = std::get_if<wire::InvokePacket>(&*packet);
      if (invoke == nullptr || invoke->name != "Tree" || invoke->args.empty()) continue;
      auto list = wire::indexListFromValue(invoke->args[0]);
      if (!list) continue;
      Request r;
      for (const auto& e : *list) r.parent.push_back({e.row, e.column});
      r.size = invoke->args.size() == 1;
      if (!r.size && !r.parent.empty()) r.parent.pop_back();  // a row request names its first row
      out.push_back(std::move(r));
    }
    return out;
  }

  /// True if `path` names an item of the host's tree now.
  bool exists(const IndexPath& path) const {
    ModelIndex at;
    for (const auto& step : path) {
      if (step.row < 0 || step.row >= tree.rowCount(at) || step.column != 0) return false;
      at = tree.index(step.row, 0, at);
    }
    return true;
  }

  ManualLoop loop;
  Limits limits;
  wire::TypeRegistry types;
  std::unique_ptr<Host> host;
  std::unique_ptr<Node> node;
  TreeModel tree{modeltest::treeRoles()};
  std::vector<int> roles{Role::Display, modeltest::kNumberRole};
};

TEST_F(ModelTreeReplicaTest, FirstChildUnderALeafIsAppliedInPlace) {
  tree.clear();
  for (int i = 0; i < 5; ++i) tree.appendRow({}, {Value::string("top " + std::to_string(i)), Value::int32(i)});
  auto m = acquire();
  ASSERT_TRUE(converges(*m));
  int resets = 0;
  std::vector<std::string> seen;
  ScopedConnection a = m->modelReset.connect([&resets] { ++resets; });
  ScopedConnection b = m->columnsInserted.connect([&seen](const IndexPath& parent, int first, int last) {
    seen.push_back("columns " + text(parent) + " " + std::to_string(first) + "-" + std::to_string(last));
  });
  ScopedConnection c = m->rowsInserted.connect([&seen](const IndexPath& parent, int first, int last) {
    seen.push_back("rows " + text(parent) + " " + std::to_string(first) + "-" + std::to_string(last));
  });
  ScopedConnection d = m->rowsRemoved.connect([&seen](const IndexPath& parent, int first, int last) {
    seen.push_back("removed " + text(parent) + " " + std::to_string(first) + "-" + std::to_string(last));
  });
  const ModelIndex kid = tree.appendRow(tree.index(2, 0), {Value::string("kid"), Value::int32(20)});
  loop.drain();
  // Known at once, with no size request: the leaf's level was made empty by columnsInserted.
  EXPECT_TRUE(m->hasChildren({{2, 0}}));
  EXPECT_EQ(m->rowCount({{2, 0}}), 1);
  EXPECT_EQ(m->columnCount({{2, 0}}), 1);
  ASSERT_TRUE(converges(*m));
  tree.appendRow(kid, {Value::string("grandchild"), Value::int32(21)});
  loop.drain();
  EXPECT_EQ(m->rowCount({{2, 0}, {0, 0}}), 1);
  ASSERT_TRUE(converges(*m));
  // Emptied and filled again: the adapter says columnsInserted again, which changes nothing.
  tree.removeRows(kid, 0, 1);
  tree.appendRow(kid, {Value::string("again"), Value::int32(22)});
  loop.drain();
  ASSERT_TRUE(converges(*m));
  EXPECT_EQ(resets, 0);
  EXPECT_EQ(seen, (std::vector<std::string>{"columns [(2,0)] 0-0", "rows [(2,0)] 0-0", "columns [(2,0)(0,0)] 0-0",
                                            "rows [(2,0)(0,0)] 0-0", "removed [(2,0)(0,0)] 0-0",
                                            "rows [(2,0)(0,0)] 0-0"}));
}

// A size and a row request in flight under root row k while a row is inserted above it: the
// replies (by the old path) must not land on the item now at that path, and the level, now at
// k + 1, must ask again by its new path on its own (no read needed). Before this was handled,
// both stayed "in flight" for good: the size never came and the row never refreshed.
TEST_F(ModelTreeReplicaTest, RequestsInFlightAreAskedAgainByTheirNewPath) {
  auto m = acquire();
  ASSERT_TRUE(converges(*m));
  int k = 1;
  while (k < tree.rowCount() && tree.rowCount(tree.index(k, 0)) == 0) ++k;
  ASSERT_LT(k, tree.rowCount());
  const ModelIndex item = tree.index(k, 0);
  // A row request under k in flight: the host changes a child's value, the replica re-asks.
  std::size_t before = sent().size();
  tree.setValue(tree.index(0, 0, item), modeltest::kNumberRole, Value::int32(4242));
  ASSERT_TRUE(loop.runUntil([&] { return sent().size() > before; }, Clock::now() + 1s));
  tree.insertRow({}, 0, {Value::string("above"), Value::int32(-1)});
  loop.drain();
  EXPECT_EQ(m->data({{k + 1, 0}, {0, 0}}, modeltest::kNumberRole).toInt(), 4242);
  ASSERT_TRUE(converges(*m));

  // A size request in flight: a replica that never read the children of k + 1 yet.
  auto fresh = acquire();
  for (int r = 0; r < tree.rowCount(); ++r) (void)fresh->data(r, Role::Display);
  loop.drain();
  ASSERT_TRUE(fresh->hasChildren({{k + 1, 0}}));
  EXPECT_EQ(fresh->rowCount({{k + 1, 0}}), 0);  // asked for on the next turn
  before = sent().size();
  ASSERT_TRUE(loop.runUntil([&] { return sent().size() > before; }, Clock::now() + 1s));
  tree.insertRow({}, 0, {Value::string("above 2"), Value::int32(-2)});
  loop.drain();
  EXPECT_EQ(fresh->rowCount({{k + 2, 0}}), tree.rowCount(tree.index(k + 2, 0)));
  ASSERT_TRUE(converges(*fresh));
}

// The host edits in a burst: between two of its signals the replica applies the first and would
// ask (by paths of that moment) for what a read wants; the host reads that request only after
// the burst, where the path names another item or none (Qt's host aborts then). Requests below
// the root wait for a barrier instead; every one sent is valid where the host reads it.
TEST_F(ModelTreeReplicaTest, NoRequestBelowTheRootByAPathTheHostHasLeft) {
  auto m = acquire();
  ASSERT_TRUE(converges(*m));
  int signals = 0;
  ScopedConnection counter = m->rowsInserted.connect([&signals](const IndexPath&, int, int) { ++signals; });
  int requests = 0;
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    modeltest::Random r(seed);
    const std::size_t offset = sent().size();
    // The burst's first edit: a row under the last top-level item. The replica applies it and
    // the application reads the new row...
    const int last = tree.rowCount() - 1;
    const ModelIndex parent = tree.index(last, 0);
    tree.insertRow(parent, r.below(tree.rowCount(parent) + 1), {Value::string("burst " + std::to_string(seed)), Value::int32(static_cast<int>(seed))});
    const int before = signals;
    ASSERT_TRUE(loop.runUntil([&] { return signals > before; }, Clock::now() + 1s));
    for (int row = 0; row < m->rowCount({{last, 0}}); ++row) (void)m->data({{last, 0}, {row, 0}}, Role::Display);
    const std::size_t mark = sent().size();
    ASSERT_TRUE(loop.runUntil([&] { return sent().size() > mark; }, Clock::now() + 1s));
    // ... which the host reads only after the burst's next edit: a top-level row goes.
    tree.removeRows({}, r.below(tree.rowCount()), 1);
    loop.drain();
    // No edit since: the host read every request in the state it has now.
    for (const auto& q : requestsSince(offset)) {
      ++requests;
      EXPECT_TRUE(exists(q.parent)) << "seed " << seed << ": " << (q.size ? "size" : "row") << " request under "
                                    << text(q.parent) << ", which the host has left";
    }
    ASSERT_TRUE(converges(*m)) << "seed " << seed;
    tree.appendRow({}, {Value::string("top again " + std::to_string(seed)), Value::int32(-static_cast<int>(seed))});
    loop.drain();
    ASSERT_TRUE(converges(*m)) << "seed " << seed;
  }
  EXPECT_GE(requests, 30);
}

/// A table whose columns can be inserted (ListModel and TreeModel have one column).
class Table : public ItemModel {
public:
  int rowCount(const ModelIndex& parent) const override { return parent.isValid() ? 0 : 100; }
  int columnCount(const ModelIndex& parent) const override {
    return parent.isValid() ? 0 : static_cast<int>(ids.size());
  }
  Value data(const ModelIndex& index, int role) const override {
    if (role != Role::Display || index.column < 0 || index.column >= columnCount({})) return {};
    return Value::string(std::to_string(index.row) + "/" + std::to_string(ids[static_cast<std::size_t>(index.column)]));
  }
  void insertColumn(int at, int id) {
    ids.insert(ids.begin() + at, id);
    columnsInserted.emit({}, at, at);
  }
  std::vector<int> ids{0, 1};
};

// columnsInserted at a level with rows: the cached cells move right with their columns (no
// reset, nothing fetched again); the new column's cells are read on demand.
TEST_F(ModelTreeReplicaTest, ColumnsInsertedAtTheRootKeepTheCachedCells) {
  Table table;
  ASSERT_TRUE(host->enableRemoting(table, "Table", {Role::Display}));
  auto m = node->acquireModel("Table");
  ASSERT_TRUE(m->waitForInitialized(1s));
  auto readAll = [&m, &table, this] {
    for (int i = 0; i < 10; ++i) {
      bool all = true;
      for (int r = 0; r < table.rowCount({}); ++r)
        for (int c = 0; c < table.columnCount({}); ++c)
          all = m->data({{r, c}}, Role::Display) == table.data(table.index(r, c), Role::Display) && all;
      if (all) return true;
      loop.drain();
    }
    return false;
  };
  ASSERT_EQ(m->columnCount(), 2);
  ASSERT_TRUE(readAll());
  int resets = 0;
  std::vector<std::string> seen;
  ScopedConnection a = m->modelReset.connect([&resets] { ++resets; });
  ScopedConnection b = m->columnsInserted.connect([&seen](const IndexPath& parent, int first, int last) {
    seen.push_back("columns " + text(parent) + " " + std::to_string(first) + "-" + std::to_string(last));
  });
  table.insertColumn(1, 7);
  loop.drain();
  EXPECT_EQ(m->columnCount(), 3);
  EXPECT_EQ(seen, std::vector<std::string>{"columns [] 1-1"});
  EXPECT_TRUE(m->isCached({{42, 0}}));
  EXPECT_TRUE(m->isCached({{42, 2}}));
  EXPECT_FALSE(m->isCached({{42, 1}}));
  EXPECT_EQ(m->data({{42, 2}}, Role::Display).toString(), "42/1");
  EXPECT_TRUE(readAll());
  EXPECT_EQ(m->data({{42, 1}}, Role::Display).toString(), "42/7");
  EXPECT_EQ(resets, 0);
}

// Figures for docs/models.md: N leaves of a doppel host each get a first child, one at a time;
// the replica reads the tree after each. Counts what the replica sends and receives.
TEST_F(ModelTreeReplicaTest, FirstChildrenUnderLeavesCostAFewSmallRequests) {
  constexpr int kLeaves = 100;
  tree.clear();
  for (int i = 0; i < kLeaves; ++i) tree.appendRow({}, {Value::string("leaf " + std::to_string(i)), Value::int32(i)});
  auto m = acquire();
  ASSERT_TRUE(converges(*m));
  int resets = 0;
  ScopedConnection a = m->modelReset.connect([&resets] { ++resets; });
  auto hostChannel = loop.acceptedChannels().back().lock();
  ASSERT_TRUE(hostChannel);
  const std::size_t sentBefore = sent().size();
  const std::size_t receivedBefore = hostChannel->sentBytes().size();
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kLeaves; ++i) {
    tree.appendRow(tree.index(i, 0), {Value::string("child " + std::to_string(i)), Value::int32(1000 + i)});
    loop.drain();
    ASSERT_TRUE(converges(*m)) << i;  // reads the whole tree, as a view showing it all would
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const auto requests = requestsSince(sentBefore).size();
  const std::size_t up = sent().size() - sentBefore;
  const std::size_t down = hostChannel->sentBytes().size() - receivedBefore;
  std::printf("first child under %d leaves, one at a time: %zu requests, %zu bytes up, %zu bytes down, %.1f ms\n",
              kLeaves, requests, up, down, ms);
  EXPECT_EQ(resets, 0);
  // One row request per new child, and a barrier before it (the insert was structural).
  EXPECT_LE(requests, static_cast<std::size_t>(2 * kLeaves));
}

}  // namespace
}  // namespace doppel
