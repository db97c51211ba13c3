// ModelReplica: the cache and request logic over a typed Replica of QAbstractItemModelAdapter.
//
// Each parent (the root, or an item whose children were asked about) is a Level; its rows live in
// blocks of blockRows rows, allocated only when a row of the block is stored (a 1,000,000-row
// model costs one pointer per block until rows are read). A block keeps the items' data lists
// exactly as they came off the wire (decoded only when read), back to back in one buffer with a
// small fixed record per item: no allocation per row, so 100,000 rows cost a few MB and arrive
// at memcpy speed. Replies are matched to the state
// they were asked in by a generation, unique over all levels: any structural change (insert,
// remove, move, reset) gives the level a new one and drops the replies still in flight, whose
// row numbers no longer hold. Levels below rows that moved get a new one too (their path
// changed) and ask again, by their new path, for what they had in flight: a reply looked up by
// its old path never lands on another level, and a request never goes out by a path that a
// change already applied here made stale (Qt's host aborts on one).
#include "doppel/model_replica.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include "core/node_internals.h"
#include "core/replica_core.h"
#include "doppel/log.h"
#include "doppel/node.h"
#include "wire/model_types.h"
#include "wire/type_registry.h"
#include "wire/value_codec.h"

namespace doppel {

namespace {
constexpr std::string_view kComponent = "model-replica";

// Signal and method indices of the adapter (protocol §9.2).
enum Sig {
  kAvailableRolesChanged = 0,
  kDataChanged,
  kRowsInserted,
  kRowsRemoved,
  kRowsMoved,
  kCurrentChanged,
  kModelReset,
  kHeaderDataChanged,
  kColumnsInserted,
  kLayoutChanged
};

IndexPath toPath(const wire::IndexList& list) {
  IndexPath out;
  out.reserve(list.size());
  for (const auto& e : list) out.push_back({e.row, e.column});
  return out;
}

wire::IndexList toList(const IndexPath& path) {
  wire::IndexList out;
  out.reserve(path.size());
  for (const auto& e : path) out.push_back({e.row, e.column});
  return out;
}

IndexPath pathArg(const std::vector<Value>& args, std::size_t i) {
  if (i >= args.size()) return {};
  auto list = wire::indexListFromValue(args[i]);
  return list ? toPath(*list) : IndexPath{};
}

int intArg(const std::vector<Value>& args, std::size_t i) {
  return i < args.size() ? static_cast<int>(args[i].toInt()) : 0;
}

}  // namespace

struct ModelReplica::Impl : std::enable_shared_from_this<ModelReplica::Impl> {
  /// One item: where its encoded QVariantList (one value per role) sits in its block's bytes.
  struct Cell {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;  ///< 0 = not cached (a data list has at least its count)
    std::int32_t flags = 0;
    bool hasChildren = false;
  };
  /// What reads see of a cached item (valid until the next store into its block).
  struct CellView {
    std::string_view data;
    std::int32_t flags = 0;
    bool hasChildren = false;
  };
  struct Level;
  struct Block {
    std::string bytes;               ///< the cached items' data lists, back to back
    std::vector<Cell> cells;         ///< blockRows x columns, row major
    std::vector<std::uint8_t> held;  ///< per row: 1 = cached (some column stored)
    std::vector<std::unique_ptr<Level>> children;  ///< per row, or empty while none has any
    std::size_t columns = 1;
    std::size_t cached = 0;   ///< rows held
    std::size_t garbage = 0;  ///< bytes no cell refers to any more (compacted past half)
    std::uint32_t tick = 0;   ///< newest read or store of any row (eviction order)
  };
  struct Level {
    int rows = -1;  ///< -1: not known yet (signals about it are ignored until the size comes)
    int columns = 0;
    bool sizeRequested = false;
    bool sizeWanted = false;  ///< ask for the size on the next flush (by the path then current)
    std::uint64_t generation = 0;
    std::vector<std::unique_ptr<Block>> blocks;  ///< one slot per blockRows rows; null = none held
    std::set<int> wanted;    ///< blocks to request on the next turn
    std::set<int> inFlight;  ///< blocks requested, reply pending
    std::size_t cached = 0;  ///< rows with cells
    int lastRead = 0;
  };

  Impl(std::shared_ptr<Replica> r, ModelReplicaOptions o) : replica(std::move(r)), options(std::move(o)) {
    wire::installModelCodecs(types, true);
    if (options.blockRows < 1) options.blockRows = 1;
    if (options.bulkRows < 1) options.bulkRows = 1;
  }

  ModelReplica* facade = nullptr;
  std::shared_ptr<Replica> replica;
  ModelReplicaOptions options;
  wire::TypeRegistry types;
  Limits limits;
  std::vector<ScopedConnection> connections;
  std::vector<wire::RowPairRef> scratch;  ///< the reply being read (kept: most replies are alike)

  bool initialized = false;
  bool fetchingAll = false;
  bool flushPosted = false;
  /// Child levels ever made: while 0 (a flat model) a flush looks at the root only.
  std::size_t childLevels = 0;
  std::uint32_t clock = 0;
  std::uint64_t generations = 0;  ///< the last generation handed out (Level::generation)
  bool structuralSeen = false;    ///< a structural signal came since the last barrier was sent
  bool barrierInFlight = false;
  std::map<int, std::string> roleNames;
  std::vector<int> availableRoles;
  std::vector<int> roles;
  Level root;
  IndexPath current;
  std::map<std::tuple<int, int, int>, Value> headers;  ///< (orientation, section, role)
  std::set<std::tuple<int, int, int>> headersRequested;
  /// What to tell the application when the root's size arrives after a reset.
  enum class Pending { Initialize, Reset, Layout } pendingRoot = Pending::Initialize;
  int pendingLayoutHint = 0;

  // Levels ---------------------------------------------------------------------------------

  /// The level under `parent`; null if some step is unknown. With `create`, missing child
  /// levels of cached items are made (rows unknown).
  Level* level(const IndexPath& parent, bool create) {
    Level* l = &root;
    for (const auto& step : parent) {
      if (l->rows < 0 || step.row < 0 || step.row >= l->rows || step.column != 0) return nullptr;
      Block* b = create ? &blockAt(*l, step.row) : l->blocks[blockIndex(step.row)].get();
      if (b == nullptr || (!create && b->children.empty())) return nullptr;
      auto& kid = childSlot(*b, step.row);
      if (!kid) {
        if (!create) return nullptr;
        kid = newLevel();
      }
      l = kid.get();
    }
    return l;
  }

  std::unique_ptr<Level> newLevel() {
    auto l = std::make_unique<Level>();
    l->generation = ++generations;
    ++childLevels;
    return l;
  }

  void setRows(Level& l, int rows, int columns) {
    l.rows = std::max(0, rows);
    l.columns = std::max(0, columns);
    clearRows(l);
    l.wanted.clear();
    l.inFlight.clear();
    l.sizeWanted = false;
    l.generation = ++generations;
  }

  // Sparse rows ------------------------------------------------------------------------------

  std::size_t blockIndex(int row) const { return static_cast<std::size_t>(row / options.blockRows); }
  std::size_t slot(int row) const { return static_cast<std::size_t>(row % options.blockRows); }

  /// Empties `l` down to one null block slot per blockRows of its l.rows rows.
  void clearRows(Level& l) {
    l.blocks.clear();
    const auto n = (static_cast<std::int64_t>(std::max(0, l.rows)) + options.blockRows - 1) / options.blockRows;
    l.blocks.resize(static_cast<std::size_t>(n));
    l.cached = 0;
  }

  Block& blockAt(Level& l, int row) {
    auto& b = l.blocks[blockIndex(row)];
    if (!b) {
      b = std::make_unique<Block>();
      b->columns = static_cast<std::size_t>(std::max(1, l.columns));
      b->cells.resize(static_cast<std::size_t>(options.blockRows) * b->columns);
      b->held.resize(static_cast<std::size_t>(options.blockRows));
    }
    return *b;
  }
  std::unique_ptr<Level>& childSlot(Block& b, int row) {
    if (b.children.empty()) b.children.resize(static_cast<std::size_t>(options.blockRows));
    return b.children[slot(row)];
  }
  bool hasChildLevel(const Block& b, std::size_t s) const { return !b.children.empty() && b.children[s]; }
  bool rowCached(Level& l, int row) {
    const Block* b = l.blocks[blockIndex(row)].get();
    return b != nullptr && b->held[slot(row)] != 0;
  }

  /// Forgets the cells of row slot `s` of `b` (their bytes become garbage).
  void dropRow(Level& l, Block& b, std::size_t s) {
    if (!b.held[s]) return;
    for (std::size_t c = 0; c < b.columns; ++c) {
      Cell& cell = b.cells[s * b.columns + c];
      b.garbage += cell.size;
      cell = Cell{};
    }
    b.held[s] = 0;
    --b.cached;
    --l.cached;
    compact(b);
  }

  /// Rewrites a block's bytes without the garbage once it is more than half of them (a block
  /// whose rows change again and again stays bounded).
  void compact(Block& b) {
    if (b.cached == 0) {
      std::string().swap(b.bytes);
      b.garbage = 0;
      return;
    }
    if (b.garbage < 1024 || b.garbage * 2 < b.bytes.size()) return;
    std::string packed;
    packed.reserve(b.bytes.size() - b.garbage);
    for (Cell& cell : b.cells) {
      if (cell.size == 0) continue;
      const auto offset = static_cast<std::uint32_t>(packed.size());
      packed.append(b.bytes, cell.offset, cell.size);
      cell.offset = offset;
    }
    b.bytes = std::move(packed);
    b.garbage = 0;
  }

  /// Renumbers the held rows of `l` after an insert, remove or move: `to(row)` is the row's new
  /// number, or -1 to drop it. Costs the held rows and the block slots, not every row.
  template <typename To>
  void remap(Level& l, int newRows, const To& to) {
    auto old = std::move(l.blocks);
    l.rows = newRows;
    clearRows(l);
    for (std::size_t b = 0; b < old.size(); ++b) {
      if (!old[b]) continue;
      Block& from = *old[b];
      for (std::size_t s = 0; s < from.held.size(); ++s) {
        const bool child = hasChildLevel(from, s);
        if (!from.held[s] && !child) continue;
        const int target = to(static_cast<int>(b * static_cast<std::size_t>(options.blockRows) + s));
        if (target < 0 || target >= newRows) continue;
        for (std::size_t c = 0; c < from.columns && from.held[s]; ++c) {
          const Cell& cell = from.cells[s * from.columns + c];
          if (cell.size > 0)
            store(l, target, static_cast<int>(c), std::string_view(from.bytes).substr(cell.offset, cell.size),
                  cell.flags, cell.hasChildren);
        }
        if (child) {
          auto& kid = childSlot(blockAt(l, target), target);
          kid = std::move(from.children[s]);
          if (target != static_cast<int>(b * static_cast<std::size_t>(options.blockRows) + s)) retarget(*kid);
        }
        blockAt(l, target).tick = ++clock;
      }
    }
  }

  void structural(Level& l) {
    l.generation = ++generations;
    l.inFlight.clear();  // their replies will be dropped; ask again when read
  }

  /// `l` (and everything under it) is now reached by another path: replies to what it asked by
  /// the old one are dropped (new generation), and it asks again by the new one on the next
  /// flush. Cost: the levels under the rows that moved, not the rows.
  void retarget(Level& l) {
    l.generation = ++generations;
    l.wanted.insert(l.inFlight.begin(), l.inFlight.end());
    l.inFlight.clear();
    if (l.sizeRequested) {
      l.sizeRequested = false;
      l.sizeWanted = true;
    }
    if (!l.wanted.empty() || l.sizeWanted) postFlush();
    for (auto& block : l.blocks) {
      if (!block) continue;
      for (auto& kid : block->children)
        if (kid) retarget(*kid);
    }
  }

  // Requests -------------------------------------------------------------------------------

  void want(Level& l, int block) {
    if (block < 0 || static_cast<std::int64_t>(block) * options.blockRows >= l.rows) return;
    if (l.inFlight.count(block)) return;
    l.wanted.insert(block);
    postFlush();
  }

  void postFlush() {
    if (flushPosted) return;
    flushPosted = true;
    std::weak_ptr<Impl> weak = weak_from_this();
    replica->core().loop.post([weak] {
      if (auto self = weak.lock()) self->flush();
    });
  }

  // Requests below the root wait for a barrier after structural changes. A host applies a
  // burst of edits before it reads what came in meanwhile, so a request this replica makes
  // between two of the burst's signals names paths the host has already left; Qt's host aborts
  // on such a path (qFatal "invalid index"; root rows out of range it clamps). The barrier is a
  // replicaSizeRequest of the root (valid at any host): its reply comes after every signal the
  // host sent before reading it, so from then on paths here are the host's again.

  void flush() {
    flushPosted = false;
    IndexPath path;
    const bool hold = structuralSeen || barrierInFlight;
    bool held = false;
    flushLevel(root, path, hold, held);
    if (held && !barrierInFlight) sendBarrier();
  }

  void sendBarrier() {
    barrierInFlight = true;
    structuralSeen = false;
    auto reply = replica->call("replicaSizeRequest", {wire::indexListValue({})});
    std::weak_ptr<Impl> weak = weak_from_this();
    reply.then([weak](const PendingReply&) {
      if (auto self = weak.lock()) {
        // Signals that came before this reply were sent before the host read the request.
        self->barrierInFlight = false;
        self->structuralSeen = false;
        self->postFlush();
      }
    });
  }

  /// Sends what `l` and the levels under it want; with `hold`, levels below the root keep
  /// theirs (`held` then says whether any had something).
  void flushLevel(Level& l, IndexPath& path, bool hold, bool& held) {
    if (hold && !path.empty()) {
      if (l.sizeWanted || (!l.wanted.empty() && l.rows > 0)) held = true;
    } else {
      flushOwn(l, path);
    }
    for (std::size_t b = 0; childLevels > 0 && b < l.blocks.size(); ++b) {
      if (!l.blocks[b]) continue;
      for (std::size_t s = 0; s < l.blocks[b]->children.size(); ++s) {
        Level* kid = l.blocks[b]->children[s].get();
        if (kid == nullptr) continue;
        path.push_back({static_cast<int>(b * static_cast<std::size_t>(options.blockRows) + s), 0});
        flushLevel(*kid, path, hold, held);
        path.pop_back();
      }
    }
  }

  void flushOwn(Level& l, const IndexPath& path) {
    if (l.sizeWanted) sendSize(l, path);
    if (!l.wanted.empty() && l.rows > 0) {
      // Adjacent blocks go out as one request.
      std::vector<int> blocks(l.wanted.begin(), l.wanted.end());
      l.wanted.clear();
      std::size_t i = 0;
      while (i < blocks.size()) {
        std::size_t j = i;
        while (j + 1 < blocks.size() && blocks[j + 1] == blocks[j] + 1 &&
               (blocks[j + 1] - blocks[i] + 1) * options.blockRows <= std::max(options.bulkRows, options.blockRows))
          ++j;
        requestRows(l, path, blocks[i], blocks[j]);
        i = j + 1;
      }
    }
  }

  void requestRows(Level& l, const IndexPath& parent, int firstBlock, int lastBlock) {
    const int first = firstBlock * options.blockRows;
    const int last = std::min(l.rows - 1, (lastBlock + 1) * options.blockRows - 1);
    if (first > last) return;
    for (int b = firstBlock; b <= lastBlock; ++b) l.inFlight.insert(b);
    IndexPath start = parent;
    start.push_back({first, 0});
    IndexPath end = parent;
    end.push_back({last, std::max(0, l.columns - 1)});
    std::vector<std::int32_t> r(roles.begin(), roles.end());
    auto reply = replica->call("replicaRowRequest",
                               {wire::indexListValue(toList(start)), wire::indexListValue(toList(end)),
                                wire::intListValue(r)});
    std::weak_ptr<Impl> weak = weak_from_this();
    const std::uint64_t generation = l.generation;
    IndexPath parentCopy = parent;
    reply.then([weak, parentCopy, generation, firstBlock, lastBlock](const PendingReply& done) {
      if (auto self = weak.lock()) self->onRows(parentCopy, generation, firstBlock, lastBlock, done);
    });
  }

  void onRows(const IndexPath& parent, std::uint64_t generation, int firstBlock, int lastBlock,
              const PendingReply& done) {
    Level* l = level(parent, false);
    if (l == nullptr || l->generation != generation) return;  // the rows moved meanwhile
    for (int b = firstBlock; b <= lastBlock; ++b) l->inFlight.erase(b);
    if (!done.isOk()) {
      log(LogLevel::Warning, kComponent, replica->name() + ": row request failed");
      return;
    }
    const Value& v = done.returnValue();
    const Text* raw = v.typeName() == wire::kDataEntriesName ? v.get<Text>() : nullptr;
    int minRow = -1;
    int maxRow = -1;
    const auto depth = static_cast<std::uint32_t>(parent.size() + 1);
    auto keep = [this, l, depth, &minRow, &maxRow](std::uint32_t steps, wire::IndexEntry at,
                                                   std::string_view data, std::int32_t flags,
                                                   bool hasChildren) {
      if (steps != depth) return;
      if (at.row < 0 || at.row >= l->rows || at.column < 0 || at.column >= std::max(1, l->columns)) return;
      store(*l, at.row, at.column, data, flags, hasChildren);
      minRow = minRow < 0 ? at.row : std::min(minRow, at.row);
      maxRow = std::max(maxRow, at.row);
    };
    if (raw != nullptr) {
      // Read whole before the first row is stored: a malformed reply changes nothing.
      auto read = wire::scanRowPairs(raw->data, types, limits, scratch);
      if (!read) {
        log(LogLevel::Warning, kComponent, "bad row reply: " + read.error().toString());
        return;
      }
      const std::string_view payload(raw->data);
      for (const auto& p : scratch)
        keep(p.depth, p.last, payload.substr(p.offset, p.size), p.flags, p.hasChildren);
      if (scratch.capacity() > 65536) std::vector<wire::RowPairRef>().swap(scratch);
    } else {
      auto entries = wire::dataEntriesFromValue(v, types, limits);
      if (!entries) return;
      for (auto& p : entries->data) {
        if (p.index.empty()) continue;
        keep(static_cast<std::uint32_t>(p.index.size()), p.index.back(), encodeData(p), p.flags, p.hasChildren);
      }
    }
    evict(*l);
    if (minRow >= 0 && facade) {
      IndexPath tl = parent;
      tl.push_back({minRow, 0});
      IndexPath br = parent;
      br.push_back({maxRow, std::max(0, l->columns - 1)});
      facade->dataChanged.emit(tl, br, roles);
    }
    if (fetchingAll && l == &root) continueFetchAll();
  }

  /// An item's data list as the bytes a row reply carries it in.
  std::string encodeData(const wire::IndexValuePair& p) const {
    wire::Writer w;
    w.u32(static_cast<std::uint32_t>(p.data.size()));
    for (const auto& value : p.data) (void)wire::encodeVariant(w, value, types);
    return w.take();
  }

  void store(Level& l, int row, int column, std::string_view data, std::int32_t flags, bool hasChildren) {
    Block& b = blockAt(l, row);
    const std::size_t s = slot(row);
    if (!b.held[s]) {
      b.held[s] = 1;
      ++l.cached;
      ++b.cached;
    }
    Cell& c = b.cells[s * b.columns + static_cast<std::size_t>(column)];
    b.garbage += c.size;
    // A block usually fills whole: room for all of it at once, not a doubling per few rows
    // (bounded: a wide table's first item says little about the rest).
    if (b.bytes.capacity() == 0) b.bytes.reserve(std::min<std::size_t>(data.size() * b.cells.size(), 64 * 1024));
    c.offset = static_cast<std::uint32_t>(b.bytes.size());
    c.size = static_cast<std::uint32_t>(data.size());
    c.flags = flags;
    c.hasChildren = hasChildren;
    b.bytes.append(data);
    b.tick = ++clock;
    compact(b);
  }

  /// Drops the least recently used blocks once a level holds more than cacheRows rows
  /// (down to 3/4 of it, so eviction runs rarely). Rows with cached children stay.
  void evict(Level& l) {
    if (options.cacheRows == 0 || fetchingAll || l.cached <= options.cacheRows) return;
    std::vector<std::pair<std::uint32_t, std::size_t>> byAge;
    for (std::size_t b = 0; b < l.blocks.size(); ++b)
      if (l.blocks[b] && l.blocks[b]->cached > 0) byAge.emplace_back(l.blocks[b]->tick, b);
    std::sort(byAge.begin(), byAge.end());
    const std::size_t target = options.cacheRows * 3 / 4;
    for (const auto& entry : byAge) {
      if (l.cached <= target) break;
      auto& block = l.blocks[entry.second];
      bool keep = false;  // a row with a child level keeps its block
      for (std::size_t s = 0; s < block->held.size(); ++s) {
        if (hasChildLevel(*block, s)) {
          keep = true;
          continue;
        }
        dropRow(l, *block, s);
      }
      if (!keep) block.reset();
    }
  }

  /// The root's size goes out at once; a child level's on the next flush (after a barrier).
  void requestSize(const IndexPath& parent) {
    Level* l = level(parent, true);
    if (l == nullptr || l->sizeRequested) return;
    if (parent.empty()) {
      sendSize(*l, parent);
    } else {
      l->sizeWanted = true;
      postFlush();
    }
  }

  void sendSize(Level& l, const IndexPath& parent) {
    if (l.sizeRequested) return;
    l.sizeRequested = true;
    l.sizeWanted = false;
    auto reply = replica->call("replicaSizeRequest", {wire::indexListValue(toList(parent))});
    std::weak_ptr<Impl> weak = weak_from_this();
    IndexPath parentCopy = parent;
    const std::uint64_t generation = l.generation;
    reply.then([weak, parentCopy, generation](const PendingReply& done) {
      if (auto self = weak.lock()) self->onSize(parentCopy, generation, done);
    });
  }

  void onSize(const IndexPath& parent, std::uint64_t generation, const PendingReply& done) {
    Level* l = level(parent, false);
    // Another level by now (the one asking moved and asks again by its new path), or asked
    // before a change of its own.
    if (l == nullptr || l->generation != generation) return;
    l->sizeRequested = false;
    if (l->rows >= 0) return;  // already known (a later request answered first)
    if (!done.isOk()) return;
    const Geometry g = done.returnValue().toGeometry();
    setRows(*l, static_cast<int>(g.v[1]), static_cast<int>(g.v[0]));
    if (l == &root) {
      rootKnown();
    } else if (l->rows > 0 && facade) {
      facade->rowsInserted.emit(parent, 0, l->rows - 1);
    }
  }

  /// The root's size arrived: tell the application what happened.
  void rootKnown() {
    const Pending what = pendingRoot;
    if (options.initialAction == ModelReplicaOptions::InitialAction::FetchAll || fetchingAll) startFetchAll();
    if (!facade) return;
    if (what == Pending::Initialize && !initialized) {
      initialized = true;
      facade->initialized.emit();
    } else if (what == Pending::Layout) {
      facade->layoutChanged.emit({}, pendingLayoutHint);
    } else {
      initialized = true;
      facade->modelReset.emit();
    }
  }

  // Fetch everything -------------------------------------------------------------------------

  void startFetchAll() {
    fetchingAll = true;
    continueFetchAll();
  }

  void continueFetchAll() {
    if (root.rows < 0) return;
    if (root.cached >= static_cast<std::size_t>(root.rows)) {
      if (fetchingAll) {
        fetchingAll = options.initialAction == ModelReplicaOptions::InitialAction::FetchAll;
        if (facade) facade->fullyCached.emit();
        if (!fetchingAll) return;
      }
      return;
    }
    // Bulk requests of bulkRows rows each, a few in flight at once: the host encodes one while
    // the previous one is on the wire and this side decodes another.
    const int blocksPerRequest = std::max(1, options.bulkRows / options.blockRows);
    const int blocks = (root.rows + options.blockRows - 1) / options.blockRows;
    int inFlightRequests = static_cast<int>(root.inFlight.size()) / blocksPerRequest;
    IndexPath none;
    for (int b = 0; b < blocks && inFlightRequests < options.bulkRequestsInFlight;) {
      // Skip whole cached or pending blocks.
      const Block* held = root.blocks[static_cast<std::size_t>(b)].get();
      const int inBlock = std::min(options.blockRows, root.rows - b * options.blockRows);
      if (root.inFlight.count(b) || (held != nullptr && held->cached >= static_cast<std::size_t>(inBlock))) {
        ++b;
        continue;
      }
      int last = b;
      while (last + 1 < blocks && last + 1 - b + 1 <= blocksPerRequest && !root.inFlight.count(last + 1))
        ++last;
      requestRows(root, none, b, last);
      ++inFlightRequests;
      b = last + 1;
    }
  }

  // Prefetch (replicaCacheRequest) -------------------------------------------------------------

  void requestCache() {
    std::vector<std::int32_t> r(roles.begin(), roles.end());
    auto reply = replica->call("replicaCacheRequest",
                               {Value::ulong64(options.prefetchItems), wire::intListValue(r)});
    std::weak_ptr<Impl> weak = weak_from_this();
    reply.then([weak](const PendingReply& done) {
      if (auto self = weak.lock()) self->onCache(done);
    });
  }

  void fillTree(Level& l, std::vector<wire::IndexValuePair>& pairs, std::size_t depth) {
    for (auto& p : pairs) {
      if (p.index.size() != depth + 1) continue;
      const int row = p.index.back().row;
      const int column = p.index.back().column;
      if (row < 0 || row >= l.rows || column < 0 || column >= std::max(1, l.columns)) continue;
      store(l, row, column, encodeData(p), p.flags, p.hasChildren);
      if (column == 0 && p.hasChildren && p.rows >= 0) {
        auto& kid = childSlot(blockAt(l, row), row);
        kid = newLevel();
        setRows(*kid, p.rows, p.columns);
        fillTree(*kid, p.children, depth + 1);
      }
    }
  }

  void onCache(const PendingReply& done) {
    if (!done.isOk()) return;
    auto entries = wire::metaAndDataEntriesFromValue(done.returnValue(), types, limits);
    if (!entries) {
      log(LogLevel::Warning, kComponent, "bad cache reply: " + entries.error().toString());
      requestSize({});
      return;
    }
    root.sizeRequested = false;
    setRows(root, entries->rows, entries->columns);
    if (entries->roles == std::vector<std::int32_t>(roles.begin(), roles.end()))
      fillTree(root, entries->data, 0);
    rootKnown();
  }

  // Source signals -----------------------------------------------------------------------------

  void resetRoot(Pending what, int hint = 0) {
    pendingRoot = what;
    pendingLayoutHint = hint;
    root.rows = -1;
    root.blocks.clear();
    root.cached = 0;
    root.wanted.clear();
    root.inFlight.clear();
    root.generation = ++generations;
    root.sizeRequested = false;
    root.sizeWanted = false;
    // A barrier of a connection that dropped may never be answered: the next one is sent anew.
    barrierInFlight = false;
    structuralSeen = true;
    headers.clear();
    headersRequested.clear();
    if (options.initialAction == ModelReplicaOptions::InitialAction::PrefetchData && what == Pending::Initialize) {
      requestCache();
    } else {
      requestSize({});
    }
  }

  void onInitialized() {
    auto available = wire::intListFromValue(replica->property(0));
    availableRoles = available ? std::vector<int>(available->begin(), available->end()) : std::vector<int>{};
    auto names = wire::roleNamesFromValue(replica->property(1));
    roleNames = names ? std::move(names).value() : std::map<int, std::string>{};
    roles = options.roles.empty() ? availableRoles : options.roles;
    resetRoot(initialized ? Pending::Reset : Pending::Initialize);
  }

  void onSignal(int index, const std::vector<Value>& args) {
    if (index == kRowsInserted || index == kRowsRemoved || index == kRowsMoved || index == kModelReset ||
        index == kColumnsInserted || index == kLayoutChanged)
      structuralSeen = true;
    switch (index) {
      case kAvailableRolesChanged: {
        auto available = wire::intListFromValue(replica->property(0));
        if (available) availableRoles.assign(available->begin(), available->end());
        break;
      }
      case kDataChanged: onDataChanged(pathArg(args, 0), pathArg(args, 1)); break;
      case kRowsInserted: onInserted(pathArg(args, 0), intArg(args, 1), intArg(args, 2)); break;
      case kRowsRemoved: onRemoved(pathArg(args, 0), intArg(args, 1), intArg(args, 2)); break;
      case kRowsMoved:
        onMoved(pathArg(args, 0), intArg(args, 1), intArg(args, 2), pathArg(args, 3), intArg(args, 4));
        break;
      case kCurrentChanged: {
        IndexPath previous = std::exchange(current, pathArg(args, 0));
        if (facade) facade->currentChanged.emit(current, previous);
        break;
      }
      case kModelReset: resetRoot(Pending::Reset); break;
      case kHeaderDataChanged: {
        headers.clear();
        headersRequested.clear();
        if (facade)
          facade->headerDataChanged.emit(intArg(args, 0) == 2 ? Orientation::Vertical : Orientation::Horizontal,
                                         intArg(args, 1), intArg(args, 2));
        break;
      }
      case kColumnsInserted: onColumnsInserted(pathArg(args, 0), intArg(args, 1), intArg(args, 2)); break;
      case kLayoutChanged: resetRoot(Pending::Layout, intArg(args, 1)); break;
      default: break;
    }
  }

  void onDataChanged(const IndexPath& tl, const IndexPath& br) {
    if (tl.empty() || tl.size() != br.size()) return;
    IndexPath parent(tl.begin(), tl.end() - 1);
    Level* l = level(parent, false);
    if (l == nullptr || l->rows < 0) return;
    const int first = std::max(0, tl.back().row);
    const int last = std::min(l->rows - 1, br.back().row);
    for (int r = first; r <= last; ++r) {
      Block* b = l->blocks[blockIndex(r)].get();
      if (b == nullptr || !b->held[slot(r)]) continue;
      // Stale now: fetch again (dataChanged reaches the application when the values arrive).
      dropRow(*l, *b, slot(r));
      const int block = r / options.blockRows;
      l->inFlight.erase(block);
      want(*l, block);
    }
  }

  void onInserted(const IndexPath& parent, int first, int last) {
    Level* l = level(parent, false);
    // Children of an item whose children were never asked about: its rowCount asks for them.
    if (l == nullptr && first >= 0 && last >= first) noteChildren(parent, true);
    if (l == nullptr || l->rows < 0 || first < 0 || last < first || first > l->rows) return;
    const int n = last - first + 1;
    if (n > static_cast<int>(limits.maxElements)) {
      resetRoot(Pending::Reset);
      return;
    }
    remap(*l, l->rows + n, [first, n](int r) { return r < first ? r : r + n; });
    structural(*l);
    noteChildren(parent, true);
    if (facade) facade->rowsInserted.emit(parent, first, last);
    if (fetchingAll && l == &root) continueFetchAll();
  }

  /// Columns [first, last] inserted under `parent`, in place (Qt's replica does the same). An
  /// item's first children come right after columnsInserted(item, 0, columns - 1) (Qt's
  /// QStandardItem gains its columns with them, doppel's adapter sends it likewise): a leaf this
  /// replica holds gets an empty level of that many columns, so the rowsInserted that follows
  /// applies without a size request. A level that has no rows and already that many columns
  /// is taken as told again, as Qt's replica takes it (doppel's adapter sends it before every
  /// first child, also of an item that had children before).
  void onColumnsInserted(const IndexPath& parent, int first, int last) {
    if (first < 0 || last < first || last - first >= static_cast<int>(limits.maxElements)) {
      resetRoot(Pending::Reset);
      return;
    }
    const int n = last - first + 1;
    Level* l = level(parent, false);
    if (l == nullptr) {
      // A leaf (its cached item says it has no children): its children's level, empty.
      if (parent.empty() || !knownLeaf(parent)) return;
      l = level(parent, true);
      if (l == nullptr) return;
      setRows(*l, 0, 0);
    }
    if (l->rows < 0) return;  // its size, asked for, will say
    if (first > l->columns) {
      resetRoot(Pending::Reset);  // columns this replica never heard of: resync
      return;
    }
    if (l->rows == 0 && first == 0 && l->columns == n) return;
    insertColumns(*l, first, n);
    if (facade) facade->columnsInserted.emit(parent, first, last);
  }

  /// True if `index` is cached and has no children (then its level is empty for sure).
  bool knownLeaf(const IndexPath& index) {
    IndexPath up(index.begin(), index.end() - 1);
    Level* l = level(up, false);
    const int row = index.back().row;
    if (l == nullptr || l->rows < 0 || row < 0 || row >= l->rows || index.back().column != 0) return false;
    const Block* b = l->blocks[blockIndex(row)].get();
    return b != nullptr && b->held[slot(row)] && b->cells[slot(row) * b->columns].size > 0 &&
           !b->cells[slot(row) * b->columns].hasChildren;
  }

  /// Widens every block of `l` by `n` columns at `first`; the cached cells keep their values and
  /// the new ones are empty (read on demand).
  void insertColumns(Level& l, int first, int n) {
    l.columns += n;
    for (auto& block : l.blocks) {
      if (!block) continue;
      Block& b = *block;
      const std::size_t width = static_cast<std::size_t>(std::max(1, l.columns));
      if (width <= b.columns) continue;
      std::vector<Cell> cells(static_cast<std::size_t>(options.blockRows) * width);
      for (std::size_t s = 0; s < b.held.size(); ++s)
        for (std::size_t c = 0; c < b.columns; ++c) {
          const std::size_t to = c < static_cast<std::size_t>(first) ? c : c + static_cast<std::size_t>(n);
          if (to < width) cells[s * width + to] = b.cells[s * b.columns + c];
        }
      b.cells = std::move(cells);
      b.columns = width;
    }
  }

  /// The cached item `parent` has children iff its level has rows (a row count reached 0 or
  /// left it here, not through the item's data).
  void noteChildren(const IndexPath& parent, bool has) {
    if (parent.empty()) return;
    IndexPath up(parent.begin(), parent.end() - 1);
    Level* l = level(up, false);
    const int row = parent.back().row;
    if (l == nullptr || l->rows < 0 || row < 0 || row >= l->rows) return;
    Block* b = l->blocks[blockIndex(row)].get();
    if (b == nullptr || !b->held[slot(row)]) return;
    b->cells[slot(row) * b->columns].hasChildren = has;
  }

  void onRemoved(const IndexPath& parent, int first, int last) {
    Level* l = level(parent, false);
    if (l == nullptr || l->rows < 0 || first < 0 || last < first || last >= l->rows) return;
    const int n = last - first + 1;
    remap(*l, l->rows - n, [first, last, n](int r) { return r < first ? r : r > last ? r - n : -1; });
    structural(*l);
    if (l->rows == 0) noteChildren(parent, false);
    if (facade) facade->rowsRemoved.emit(parent, first, last);
  }

  void onMoved(const IndexPath& srcParent, int first, int last, const IndexPath& dstParent, int dst) {
    Level* l = level(srcParent, false);
    if (srcParent != dstParent) {
      // Between parents: rare (Qt's own replica supports moves only at the root); resync.
      resetRoot(Pending::Reset);
      return;
    }
    if (l == nullptr || l->rows < 0) return;
    if (first < 0 || last < first || last >= l->rows || dst < 0 || dst > l->rows ||
        (dst >= first && dst <= last + 1)) {
      if (dst >= first && dst <= last + 1) return;  // a move onto itself changes nothing
      resetRoot(Pending::Reset);
      return;
    }
    // As std::rotate of the rows would move them: [first, last] lands before `dst`.
    const int n = last - first + 1;
    remap(*l, l->rows, [first, last, dst, n](int r) {
      if (r >= first && r <= last) return dst < first ? dst + (r - first) : dst - n + (r - first);
      if (dst < first && r >= dst && r < first) return r + n;
      if (dst > last && r > last && r < dst) return r - n;
      return r;
    });
    structural(*l);
    if (facade) facade->rowsMoved.emit(srcParent, first, last, dstParent, dst);
  }

  // Reads ------------------------------------------------------------------------------------

  std::optional<CellView> cell(const IndexPath& index, bool fetch) {
    if (index.empty()) return std::nullopt;
    IndexPath parent(index.begin(), index.end() - 1);
    Level* l = level(parent, false);
    if (l == nullptr || l->rows < 0) return std::nullopt;
    const int row = index.back().row;
    const int column = index.back().column;
    if (row < 0 || row >= l->rows || column < 0 || column >= std::max(1, l->columns)) return std::nullopt;
    if (Block* b = l->blocks[blockIndex(row)].get();
        b != nullptr && b->held[slot(row)] && static_cast<std::size_t>(column) < b->columns) {
      const Cell& c = b->cells[slot(row) * b->columns + static_cast<std::size_t>(column)];
      if (c.size > 0) {
        b->tick = ++clock;
        l->lastRead = row;
        return CellView{std::string_view(b->bytes).substr(c.offset, c.size), c.flags, c.hasChildren};
      }
    }
    if (fetch) {
      const int block = row / options.blockRows;
      const bool forward = row >= l->lastRead;
      l->lastRead = row;
      want(*l, block);
      for (int k = 1; k <= options.readAheadBlocks; ++k) {
        const int ahead = forward ? block + k : block - k;
        if (ahead < 0) break;
        const int r0 = ahead * options.blockRows;
        if (r0 < l->rows && !rowCached(*l, r0)) want(*l, ahead);
      }
    }
    return std::nullopt;
  }

  Value data(const IndexPath& index, int role) {
    const auto c = cell(index, true);
    if (!c) return {};
    const auto it = std::find(roles.begin(), roles.end(), role);
    if (it == roles.end()) return {};
    auto values = wire::decodeDataBlob(c->data, types, limits);
    if (!values) return {};
    const auto pos = static_cast<std::size_t>(it - roles.begin());
    return pos < values->size() ? (*values)[pos] : Value();
  }
};

// ModelReplica ---------------------------------------------------------------------------------

ModelReplica::ModelReplica(std::shared_ptr<Replica> replica, ModelReplicaOptions options)
    : m_replica(std::move(replica)), m_impl(std::make_shared<Impl>(m_replica, std::move(options))) {
  m_impl->facade = this;
  std::weak_ptr<Impl> weak = m_impl;
  m_impl->connections.emplace_back(m_replica->initialized.connect([weak] {
    if (auto impl = weak.lock()) impl->onInitialized();
  }));
  m_impl->connections.emplace_back(
      m_replica->signalEmitted.connect([weak](int index, const std::vector<Value>& args) {
        if (auto impl = weak.lock()) impl->onSignal(index, args);
      }));
  if (m_replica->isInitialized()) {
    std::weak_ptr<Impl> later = m_impl;
    m_replica->core().loop.post([later] {
      if (auto impl = later.lock()) impl->onInitialized();
    });
  }
}

ModelReplica::~ModelReplica() { m_impl->facade = nullptr; }

bool ModelReplica::isInitialized() const { return m_impl->initialized; }

bool ModelReplica::waitForInitialized(std::chrono::milliseconds timeout) {
  auto impl = m_impl;
  return m_replica->core().loop.runUntil([impl] { return impl->initialized; },
                                         Clock::now() + timeout);
}

const std::map<int, std::string>& ModelReplica::roleNames() const { return m_impl->roleNames; }
const std::vector<int>& ModelReplica::availableRoles() const { return m_impl->availableRoles; }
const std::vector<int>& ModelReplica::roles() const { return m_impl->roles; }

int ModelReplica::roleId(std::string_view name) const {
  for (const auto& entry : m_impl->roleNames)
    if (entry.second == name) return entry.first;
  return -1;
}

int ModelReplica::rowCount(const IndexPath& parent) {
  auto* l = m_impl->level(parent, false);
  if (l != nullptr && l->rows >= 0) return l->rows;
  if (parent.empty()) return 0;
  // A child level: ask for its size if the item has children.
  if (hasChildren(parent)) m_impl->requestSize(parent);
  return 0;
}

int ModelReplica::columnCount(const IndexPath& parent) {
  auto* l = m_impl->level(parent, false);
  return l != nullptr && l->rows >= 0 ? l->columns : 0;
}

bool ModelReplica::hasChildren(const IndexPath& index) {
  if (index.empty()) return m_impl->root.rows > 0;
  const auto c = m_impl->cell(index, true);
  return c && c->hasChildren;
}

int ModelReplica::flags(const IndexPath& index) {
  const auto c = m_impl->cell(index, true);
  return c ? c->flags : 0;
}

Value ModelReplica::data(const IndexPath& index, int role) { return m_impl->data(index, role); }

bool ModelReplica::isCached(const IndexPath& index) { return m_impl->cell(index, false).has_value(); }

std::size_t ModelReplica::cachedRows() const { return m_impl->root.cached; }

bool ModelReplica::isFullyCached() const {
  return m_impl->root.rows >= 0 && m_impl->root.cached >= static_cast<std::size_t>(m_impl->root.rows);
}

void ModelReplica::fetchAll() {
  m_impl->fetchingAll = true;
  m_impl->continueFetchAll();
}

void ModelReplica::setData(const IndexPath& index, const Value& value, int role) {
  const auto& available = m_impl->availableRoles;
  if (index.empty() || std::find(available.begin(), available.end(), role) == available.end()) return;
  (void)m_replica->call("replicaSetData",
                        {wire::indexListValue(toList(index)), value, Value::int32(role)});
}

Value ModelReplica::headerData(int section, Orientation orientation, int role) {
  const auto key = std::make_tuple(static_cast<int>(orientation), section, role);
  if (auto it = m_impl->headers.find(key); it != m_impl->headers.end()) return it->second;
  if (m_impl->headersRequested.insert(key).second) {
    auto reply = m_replica->call(
        "replicaHeaderRequest",
        {wire::orientationListValue({static_cast<std::int32_t>(orientation)}),
         wire::intListValue({section}), wire::intListValue({role})});
    std::weak_ptr<Impl> weak = m_impl;
    reply.then([weak, key, section, orientation](const PendingReply& done) {
      auto impl = weak.lock();
      if (!impl || !done.isOk() || !impl->headersRequested.count(key)) return;
      const auto& list = done.returnValue().toList();
      impl->headers[key] = list.empty() ? Value() : list.front();
      if (impl->facade) impl->facade->headerDataChanged.emit(orientation, section, section);
    });
  }
  return {};
}

const IndexPath& ModelReplica::currentIndex() const { return m_impl->current; }

void ModelReplica::setCurrentIndex(const IndexPath& index) {
  // Clear | Select | Current (19), as Qt's replica sends; the source's currentChanged confirms.
  (void)m_replica->call("replicaSetCurrentIndex", {wire::indexListValue(toList(index)), Value::int32(19)});
}

// Node::acquireModel ---------------------------------------------------------------------------

std::shared_ptr<ModelReplica> Node::acquireModel(const std::string& name) {
  return acquireModel(name, ModelReplicaOptions{});
}

std::shared_ptr<ModelReplica> Node::acquireModel(const std::string& name,
                                                 const ModelReplicaOptions& options) {
  // Row replies are kept as the bytes they arrived in (wire/model_types.h).
  wire::installModelCodecs(detail::NodeInternals::types(*this), true);
  auto replica = acquire(name, ModelAdapter::adapterInterface());
  return std::make_shared<ModelReplica>(std::move(replica), options);
}

}  // namespace doppel
