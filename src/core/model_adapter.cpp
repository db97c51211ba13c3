// ModelAdapter: Qt's QAbstractItemModelAdapter (protocol §9.2) over an ItemModel. Row and cache
// replies are encoded straight into bytes (the opaque DataEntries form, wire/model_types.h):
// a reply of 100,000 rows costs one buffer, not a tree of a million Values.
#include <algorithm>

#include "doppel/log.h"
#include "doppel/model.h"
#include "wire/model_types.h"
#include "wire/type_registry.h"
#include "wire/value_codec.h"

namespace doppel {

namespace {
constexpr std::string_view kComponent = "model";

/// Most items one row or cache reply carries; a bigger request is answered with its first
/// kMaxCellsPerReply items (a replica asks again for the rest). Keeps one reply well under
/// Limits::maxFrameBytes for typical rows and bounds the work a single request can cause.
constexpr std::int64_t kMaxCellsPerReply = 250000;
/// Most header sections one request may ask for.
constexpr std::size_t kMaxHeaderSections = 65536;

ClassInterface buildInterface() {
  ClassInterface c;
  c.typeName = "QAbstractItemModelAdapter";
  const std::string idx(wire::kIndexListName);
  c.signalDefs = {
      {"availableRolesChanged", {}},
      {"dataChanged", {{"topLeft", idx}, {"bottomRight", idx}, {"roles", "QList<int>"}}},
      {"rowsInserted", {{"parent", idx}, {"first", "int"}, {"last", "int"}}},
      {"rowsRemoved", {{"parent", idx}, {"first", "int"}, {"last", "int"}}},
      {"rowsMoved",
       {{"sourceParent", idx}, {"sourceRow", "int"}, {"sourceLast", "int"},
        {"destinationParent", idx}, {"destinationRow", "int"}}},
      {"currentChanged", {{"current", idx}, {"previous", idx}}},
      {"modelReset", {}},
      {"headerDataChanged", {{"orientation", "int"}, {"first", "int"}, {"last", "int"}}},
      {"columnsInserted", {{"parent", idx}, {"first", "int"}, {"last", "int"}}},
      {"layoutChanged", {{"parents", idx}, {"hint", "int"}}},
  };
  c.methods = {
      {"replicaSizeRequest", "QSize", {{"parentList", idx}}},
      {"replicaRowRequest", "DataEntries",
       {{"start", idx}, {"end", idx}, {"roles", "QList<int>"}}},
      {"replicaHeaderRequest", "QVariantList",
       {{"orientations", std::string(wire::kOrientationListName)},
        {"sections", "QList<int>"},
        {"roles", "QList<int>"}}},
      {"replicaSetCurrentIndex", "void", {{"index", idx}, {"command", "int"}}},
      {"replicaSetData", "void", {{"index", idx}, {"value", "QVariant"}, {"role", "int"}}},
      {"replicaCacheRequest", "MetaAndDataEntries", {{"size", "ulong"}, {"roles", "QList<int>"}}},
  };
  PropertyDef roles;
  roles.name = "availableRoles";
  roles.type = "QList<int>";
  roles.mode = PropertyMode::ReadOnly;
  roles.notifySignal = 0;
  PropertyDef names;
  names.name = "roleNames";
  names.type = std::string(wire::kRoleNamesName);
  names.mode = PropertyMode::Constant;
  c.properties = {roles, names};
  return c;
}

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

}  // namespace

struct ModelAdapter::Impl {
  explicit Impl(ModelAdapter& a) : adapter(a), model(a.m_model) {}

  ModelAdapter& adapter;
  ItemModel& model;
  wire::TypeRegistry types;
  std::vector<ScopedConnection> connections;
  mutable std::size_t bytesPerItem = 48;  ///< of the last row reply: sizes the next one

  Value pathValue(const ModelIndex& index) const {
    return wire::indexListValue(toList(model.pathOf(index)));
  }

  /// The roles a request asked for: all available ones if none.
  std::vector<int> requestedRoles(const Value& rolesValue) const {
    auto roles = wire::intListFromValue(rolesValue);
    if (!roles || roles->empty()) return adapter.m_roles;
    return std::vector<int>(roles->begin(), roles->end());
  }

  bool isAvailable(int role) const {
    return std::find(adapter.m_roles.begin(), adapter.m_roles.end(), role) != adapter.m_roles.end();
  }

  /// One item's data list; roles not offered to replicas read as invalid values, so positions
  /// still match the request.
  void writeData(wire::Writer& w, const ModelIndex& index, const std::vector<int>& roles) const {
    w.u32(static_cast<std::uint32_t>(roles.size()));
    for (int role : roles) {
      const Value* stored = isAvailable(role) ? model.dataIfStored(index, role) : nullptr;
      Value computed;
      if (stored == nullptr && isAvailable(role)) computed = model.data(index, role);
      const Value& v = stored != nullptr ? *stored : computed;
      if (v.isUser()) {
        // Checked apart first: a value this adapter cannot encode (an unregistered gadget) goes
        // out as invalid rather than as half a value.
        wire::Writer probe;
        if (auto r = wire::encodeVariant(probe, v, types); r) {
          w.raw(probe.buffer());
          continue;
        }
      } else if (auto r = wire::encodeVariant(w, v, types); r) {
        continue;
      }
      {
        (void)wire::encodeVariant(w, Value(), types);
        log(LogLevel::Warning, kComponent,
            "cannot send a value of role " + std::to_string(role) + " (" +
                std::string(v.typeName()) + "): sent as invalid");
      }
    }
  }

  void writeItem(wire::Writer& w, wire::IndexList& path, const ModelIndex& index,
                 const std::vector<int>& roles, bool withSize) const {
    wire::encodeIndexList(w, path);
    writeData(w, index, roles);
    w.boolean(model.hasChildren(index));
    w.i32(model.flags(index));
    w.u32(0);  // children: filled only by cache replies (writeTree)
    if (withSize) {
      w.i32(model.columnCount(index));
      w.i32(model.rowCount(index));
    } else {
      w.i32(-1);
      w.i32(-1);
    }
  }

  Value sizeRequest(const std::vector<Value>& args) const {
    auto list = wire::indexListFromValue(args[0]);
    if (!list) return Value::size(0, 0);
    const IndexPath path = toPath(*list);
    const ModelIndex parent = model.indexAt(path);
    if (!path.empty() && !parent.isValid()) return Value::size(0, 0);
    return Value::size(model.columnCount(parent), model.rowCount(parent));
  }

  Value rowRequest(const std::vector<Value>& args) const {
    std::string buffer;
    wire::Writer w(buffer, wire::ByteOrder::Little);
    w.u32(0);  // count, patched below
    auto start = wire::indexListFromValue(args[0]);
    auto end = wire::indexListFromValue(args[1]);
    if (!start || !end || start->empty() || start->size() != end->size()) {
      log(LogLevel::Warning, kComponent, "row request with malformed indices: empty answer");
      return wire::opaqueDataEntries(w.take());
    }
    // Both ends must share a parent.
    IndexPath parentPath = toPath(*start);
    parentPath.pop_back();
    for (std::size_t i = 0; i + 1 < start->size(); ++i) {
      if (!((*start)[i] == (*end)[i])) return wire::opaqueDataEntries(w.take());
    }
    const ModelIndex parent = model.indexAt(parentPath);
    if (!parentPath.empty() && !parent.isValid()) return wire::opaqueDataEntries(w.take());
    const int rows = model.rowCount(parent);
    const int columns = model.columnCount(parent);
    const auto first = start->back();
    const auto last = end->back();
    const int firstRow = std::max(0, first.row);
    const int lastRow = std::min(rows - 1, last.row);
    const int firstColumn = std::max(0, first.column);
    const int lastColumn = std::min(columns - 1, last.column);
    const std::vector<int> roles = requestedRoles(args[2]);
    std::uint32_t count = 0;
    if (firstRow <= lastRow && firstColumn <= lastColumn) {
      // Sized from the previous reply: one allocation instead of a doubling (and page faults)
      // every few hundred rows.
      const auto items = std::min<std::int64_t>(
          kMaxCellsPerReply, std::int64_t{lastRow - firstRow + 1} * (lastColumn - firstColumn + 1));
      buffer.reserve(static_cast<std::size_t>(items) * bytesPerItem + 64);
      wire::IndexList path = toList(parentPath);
      path.push_back({});
      for (int row = firstRow; row <= lastRow && count < kMaxCellsPerReply; ++row) {
        for (int column = firstColumn; column <= lastColumn && count < kMaxCellsPerReply; ++column) {
          const ModelIndex index = model.index(row, column, parent);
          if (!index.isValid()) continue;
          path.back() = {row, column};
          writeItem(w, path, index, roles, false);
          ++count;
        }
      }
    }
    w.patchU32(0, count);
    if (count > 0) bytesPerItem = std::max<std::size_t>(8, w.size() / count + 1);
    return wire::opaqueDataEntries(w.take());
  }

  /// Depth first, like Qt's fetchTree: every item counts against `budget`.
  std::uint32_t writeTree(wire::Writer& w, wire::IndexList& path, const ModelIndex& parent,
                          std::int64_t& budget, const std::vector<int>& roles, int depth) const {
    const std::size_t countAt = w.size();
    w.u32(0);
    std::uint32_t count = 0;
    const int rows = model.rowCount(parent);
    const int columns = model.columnCount(parent);
    path.push_back({});
    for (int row = 0; row < rows && budget > 0; ++row) {
      for (int column = 0; column < columns && budget > 0; ++column) {
        const ModelIndex index = model.index(row, column, parent);
        if (!index.isValid()) continue;
        path.back() = {row, column};
        wire::encodeIndexList(w, path);
        writeData(w, index, roles);
        const bool children = model.hasChildren(index);
        w.boolean(children);
        w.i32(model.flags(index));
        --budget;
        if (children && depth < 64) {
          writeTree(w, path, index, budget, roles, depth + 1);
        } else {
          w.u32(0);
        }
        w.i32(model.columnCount(index));
        w.i32(model.rowCount(index));
        ++count;
      }
    }
    path.pop_back();
    w.patchU32(countAt, count);
    return count;
  }

  Value cacheRequest(const std::vector<Value>& args) const {
    const std::vector<int> roles = requestedRoles(args[1]);
    std::int64_t budget =
        static_cast<std::int64_t>(std::min<std::uint64_t>(args[0].toUInt(), kMaxCellsPerReply));
    wire::Writer w;
    wire::IndexList path;
    writeTree(w, path, {}, budget, roles, 0);
    w.u32(static_cast<std::uint32_t>(roles.size()));
    for (int role : roles) w.i32(role);
    w.i32(model.columnCount());
    w.i32(model.rowCount());
    return wire::opaqueMetaAndDataEntries(w.take());
  }

  Value headerRequest(const std::vector<Value>& args) const {
    const auto& orientations = args[0].toList();
    auto sections = wire::intListFromValue(args[1]);
    auto roles = wire::intListFromValue(args[2]);
    Value::List out;
    if (!sections || !roles) return Value::list({});
    const std::size_t n = std::min({orientations.size(), sections->size(), roles->size(),
                                    kMaxHeaderSections});
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto o = orientations[i].toInt() == 2 ? Orientation::Vertical : Orientation::Horizontal;
      out.push_back(isAvailable((*roles)[i]) || (*roles)[i] == Role::Display
                        ? model.headerData((*sections)[i], o, (*roles)[i])
                        : Value());
    }
    return Value::list(std::move(out));
  }

  void setData(const std::vector<Value>& args) {
    auto list = wire::indexListFromValue(args[0]);
    const int role = static_cast<int>(args[2].toInt());
    if (!list || list->empty() || !isAvailable(role)) {
      log(LogLevel::Warning, kComponent, "replicaSetData refused (bad index or role)");
      return;
    }
    const ModelIndex index = model.indexAt(toPath(*list));
    if (!index.isValid()) return;
    if (!model.setData(index, args[1], role))
      log(LogLevel::Debug, kComponent, "the model refused a replica's setData");
  }

  void setCurrent(const std::vector<Value>& args) {
    auto list = wire::indexListFromValue(args[0]);
    if (!list) return;
    const IndexPath path = toPath(*list);
    if (!path.empty() && !model.indexAt(path).isValid()) return;
    adapter.setCurrentIndex(path);
  }

  void emit(std::string_view signal, std::vector<Value> args) {
    if (auto r = adapter.emitSignal(signal, std::move(args)); !r)
      log(LogLevel::Error, kComponent, r.error().reason);
  }

  void connectModel() {
    connections.emplace_back(model.dataChanged.connect(
        [this](const ModelIndex& tl, const ModelIndex& br, const std::vector<int>& roles) {
          std::vector<std::int32_t> filtered;
          if (roles.empty()) {
            filtered.assign(adapter.m_roles.begin(), adapter.m_roles.end());
          } else {
            for (int r : roles)
              if (isAvailable(r)) filtered.push_back(r);
          }
          if (filtered.empty()) return;
          emit("dataChanged", {pathValue(tl), pathValue(br), wire::intListValue(filtered)});
        }));
    auto range = [this](const char* signal) {
      return [this, signal](const ModelIndex& parent, int first, int last) {
        emit(signal, {pathValue(parent), Value::int32(first), Value::int32(last)});
      };
    };
    connections.emplace_back(model.rowsInserted.connect(
        [this](const ModelIndex& parent, int first, int last) {
          // An item's first children: Qt's replica gives items it never sized 0 columns, and
          // then cannot index the new rows (its tree turns cyclic); QStandardItemModel sends
          // columnsInserted here, which Qt's replica needs and ignores when it knew the columns.
          const int columns = model.columnCount(parent);
          if (parent.isValid() && columns > 0 && model.rowCount(parent) == last - first + 1)
            emit("columnsInserted", {pathValue(parent), Value::int32(0), Value::int32(columns - 1)});
          emit("rowsInserted", {pathValue(parent), Value::int32(first), Value::int32(last)});
        }));
    connections.emplace_back(model.rowsRemoved.connect(range("rowsRemoved")));
    connections.emplace_back(model.columnsInserted.connect(range("columnsInserted")));
    // Qt never forwards columnsRemoved (protocol §15.10), which leaves replicas with stale
    // columns; a reset is what both Qt's and doppel's replicas handle correctly.
    connections.emplace_back(model.columnsRemoved.connect(
        [this](const ModelIndex&, int, int) { emit("modelReset", {}); }));
    connections.emplace_back(model.rowsMoved.connect(
        [this](const ModelIndex& sp, int first, int last, const ModelIndex& dp, int row) {
          emit("rowsMoved", {pathValue(sp), Value::int32(first), Value::int32(last), pathValue(dp),
                             Value::int32(row)});
        }));
    connections.emplace_back(model.modelReset.connect([this] {
      adapter.m_current.clear();
      emit("modelReset", {});
    }));
    connections.emplace_back(
        model.layoutChanged.connect([this](const std::vector<ModelIndex>& parents, int hint) {
          wire::IndexList all;
          for (const auto& p : parents) {
            const auto path = toList(model.pathOf(p));
            all.insert(all.end(), path.begin(), path.end());
          }
          emit("layoutChanged", {wire::indexListValue(all), Value::int32(hint)});
        }));
    connections.emplace_back(
        model.headerDataChanged.connect([this](Orientation o, int first, int last) {
          emit("headerDataChanged",
               {Value::int32(static_cast<int>(o)), Value::int32(first), Value::int32(last)});
        }));
  }
};

const ClassInterface& ModelAdapter::adapterInterface() {
  static const ClassInterface iface = buildInterface();
  return iface;
}

ModelAdapter::ModelAdapter(ItemModel& model, std::vector<int> roles)
    : Source(adapterInterface()), m_model(model), m_roles(std::move(roles)) {
  m_impl = std::make_unique<Impl>(*this);
  wire::installModelCodecs(m_impl->types, false);
  const auto names = model.roleNames();
  if (m_roles.empty()) {
    for (const auto& entry : names) m_roles.push_back(entry.first);
  }
  (void)setProperty(0, wire::intListValue(std::vector<std::int32_t>(m_roles.begin(), m_roles.end())));
  (void)setProperty(1, wire::roleNamesValue(names));
  Impl* impl = m_impl.get();
  (void)onCall("replicaSizeRequest",
               [impl](const std::vector<Value>& args) { return impl->sizeRequest(args); });
  (void)onCall("replicaRowRequest",
               [impl](const std::vector<Value>& args) { return impl->rowRequest(args); });
  (void)onCall("replicaHeaderRequest",
               [impl](const std::vector<Value>& args) { return impl->headerRequest(args); });
  (void)onCall("replicaSetCurrentIndex", [impl](const std::vector<Value>& args) {
    impl->setCurrent(args);
    return Value();
  });
  (void)onCall("replicaSetData", [impl](const std::vector<Value>& args) {
    impl->setData(args);
    return Value();
  });
  (void)onCall("replicaCacheRequest",
               [impl](const std::vector<Value>& args) { return impl->cacheRequest(args); });
  m_impl->connectModel();
}

ModelAdapter::~ModelAdapter() = default;

void ModelAdapter::setCurrentIndex(const IndexPath& path) {
  if (path == m_current) return;
  IndexPath previous = std::exchange(m_current, path);
  m_impl->emit("currentChanged",
               {wire::indexListValue(toList(m_current)), wire::indexListValue(toList(previous))});
  currentChanged.emit(m_current, previous);
}

}  // namespace doppel
