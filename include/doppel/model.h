// Item models shared with replicas (QAbstractItemModel without Qt, protocol §9).
//
// An application describes its data as an ItemModel: lists, tables and trees of items, each
// item holding one value per role, with Qt's change notifications. ListModel and TreeModel are
// ready-made ones. A Host shares a model with host.enableRemoting(model, name, roles), which
// wraps it in a ModelAdapter: an ordinary Source with exactly the interface of Qt's
// QAbstractItemModelAdapter, so Qt's QAbstractItemModelReplica (and a QML ListView over it)
// reads it unmodified, and so does doppel's ModelReplica (model_replica.h).
//
// Ownership: the application owns its models and keeps them alive while they are remoted.
// Thread safety: none; use on the loop thread of the host that remotes them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doppel/signal.h"
#include "doppel/source.h"
#include "doppel/value.h"

namespace doppel {

/// Qt's roles (Qt::ItemDataRole) and the first role free for applications.
namespace Role {
inline constexpr int Display = 0;
inline constexpr int Decoration = 1;
inline constexpr int Edit = 2;
inline constexpr int ToolTip = 3;
inline constexpr int StatusTip = 4;
inline constexpr int WhatsThis = 5;
inline constexpr int User = 256;
}  // namespace Role

/// Qt::ItemFlags.
namespace ItemFlag {
inline constexpr int Selectable = 1;
inline constexpr int Editable = 2;
inline constexpr int DragEnabled = 4;
inline constexpr int DropEnabled = 8;
inline constexpr int UserCheckable = 16;
inline constexpr int Enabled = 32;
inline constexpr int NeverHasChildren = 128;
}  // namespace ItemFlag

enum class Orientation { Horizontal = 1, Vertical = 2 };

/// An item of a model (QModelIndex): row and column under its parent, and an id the model
/// chooses to find the item again (TreeModel uses its node; flat models leave it 0). The
/// invisible root is the default-constructed, invalid index.
struct ModelIndex {
  int row = -1;
  int column = -1;
  std::uintptr_t id = 0;
  bool isValid() const { return row >= 0 && column >= 0; }
  friend bool operator==(const ModelIndex&, const ModelIndex&) = default;
};

/// One step of a path from the root; a replica addresses items by such paths (IndexList).
struct RowColumn {
  int row = 0;
  int column = 0;
  friend bool operator==(const RowColumn&, const RowColumn&) = default;
};
using IndexPath = std::vector<RowColumn>;

/// The application's model (QAbstractItemModel). Implement the counts, data and, for trees,
/// index() and parent(); emit the signals after each change, as Qt's end*() calls do.
class ItemModel {
public:
  virtual ~ItemModel() = default;

  virtual int rowCount(const ModelIndex& parent = {}) const = 0;
  virtual int columnCount(const ModelIndex& parent = {}) const;
  /// The index of (row, column) under `parent`, invalid when out of range. The default serves
  /// flat models: items only under the root, id 0.
  virtual ModelIndex index(int row, int column, const ModelIndex& parent = {}) const;
  /// The parent of `child`; the root (invalid index) for top-level items and flat models.
  virtual ModelIndex parent(const ModelIndex& child) const;
  virtual bool hasChildren(const ModelIndex& parent = {}) const;
  /// The value of a role; the invalid Value when the item has none.
  virtual Value data(const ModelIndex& index, int role) const = 0;
  /// The value of a role as the model stores it, or null to have data() asked instead: lets a
  /// host encode large replies without copying every value. The default returns null; a class
  /// that derives from ListModel and overrides data() must override this too (returning null).
  /// The pointer is read at once, before the model changes.
  virtual const Value* dataIfStored(const ModelIndex& index, int role) const;
  /// A replica's edit; return false to refuse it. The default refuses.
  virtual bool setData(const ModelIndex& index, const Value& value, int role);
  virtual Value headerData(int section, Orientation orientation, int role) const;
  /// Qt::ItemFlags; the default is Selectable | Enabled, as in Qt.
  virtual int flags(const ModelIndex& index) const;
  /// Role ids and names; the default is Qt's (display, decoration, edit, toolTip, statusTip,
  /// whatsThis).
  virtual std::map<int, std::string> roleNames() const;

  /// The path of an index from the root (what travels on the wire).
  IndexPath pathOf(const ModelIndex& index) const;
  /// The index at a path; invalid if any step is out of range.
  ModelIndex indexAt(const IndexPath& path) const;

  // Change notifications, emitted by the model after the change ---------------------------
  Signal<const ModelIndex&, int, int> rowsInserted;     ///< (parent, first, last)
  Signal<const ModelIndex&, int, int> rowsRemoved;      ///< (parent, first, last)
  /// (source parent, first, last, destination parent, destination row as in beginMoveRows)
  Signal<const ModelIndex&, int, int, const ModelIndex&, int> rowsMoved;
  Signal<const ModelIndex&, int, int> columnsInserted;  ///< (parent, first, last)
  Signal<const ModelIndex&, int, int> columnsRemoved;   ///< (parent, first, last)
  /// (top left, bottom right, roles; empty = all roles)
  Signal<const ModelIndex&, const ModelIndex&, const std::vector<int>&> dataChanged;
  Signal<> modelReset;
  /// (parents whose children were re-laid out, empty = all; hint 0 none, 1 vertical, 2 horizontal)
  Signal<const std::vector<ModelIndex>&, int> layoutChanged;
  Signal<Orientation, int, int> headerDataChanged;  ///< (orientation, first, last)
};

/// A flat list of rows, each row one value per role (the roles given at construction, in that
/// order). One column.
///
///   ListModel todo({{Role::User + 1, "name"}, {Role::User + 2, "done"}});
///   todo.appendRow({Value::string("milk"), Value::boolean(false)});
class ListModel : public ItemModel {
public:
  /// (role id, role name) pairs; the order is the order of the values in each row.
  explicit ListModel(std::vector<std::pair<int, std::string>> roles);

  int rowCount(const ModelIndex& parent = {}) const override;
  Value data(const ModelIndex& index, int role) const override;
  const Value* dataIfStored(const ModelIndex& index, int role) const override;
  bool setData(const ModelIndex& index, const Value& value, int role) override;
  int flags(const ModelIndex& index) const override;
  std::map<int, std::string> roleNames() const override;
  Value headerData(int section, Orientation orientation, int role) const override;

  /// Role ids in row order.
  const std::vector<int>& roles() const { return m_roleIds; }
  int roleId(std::string_view name) const;  ///< -1 if unknown

  /// Rows with fewer values than roles are padded with invalid Values, longer ones cut.
  void appendRow(std::vector<Value> values);
  void insertRow(int row, std::vector<Value> values);
  void insertRows(int row, std::vector<std::vector<Value>> rows);
  /// Ignored when out of range.
  void removeRows(int row, int count);
  /// Moves `count` rows starting at `from` so that they start at `to` in the result.
  void moveRows(int from, int count, int to);
  /// Sets one role of one row and emits dataChanged for that role; false if out of range.
  bool setValue(int row, int role, Value value);
  const Value& value(int row, int role) const;
  void setRow(int row, std::vector<Value> values);
  void reset(std::vector<std::vector<Value>> rows);
  /// Whether replicas may edit (setData); default true.
  void setEditable(bool editable) { m_editable = editable; }
  void setHeader(int section, Value value);

private:
  int roleColumn(int role) const;

  std::vector<std::pair<int, std::string>> m_roles;
  std::vector<int> m_roleIds;
  std::vector<std::vector<Value>> m_rows;
  std::map<int, Value> m_headers;
  bool m_editable = true;
};

/// A tree of items, each one value per role; one column. Items are addressed by ModelIndex
/// (whose id is the node) or by path.
class TreeModel : public ItemModel {
public:
  explicit TreeModel(std::vector<std::pair<int, std::string>> roles);
  ~TreeModel() override;

  int rowCount(const ModelIndex& parent = {}) const override;
  int columnCount(const ModelIndex& parent = {}) const override;
  ModelIndex index(int row, int column, const ModelIndex& parent = {}) const override;
  ModelIndex parent(const ModelIndex& child) const override;
  Value data(const ModelIndex& index, int role) const override;
  bool setData(const ModelIndex& index, const Value& value, int role) override;
  int flags(const ModelIndex& index) const override;
  std::map<int, std::string> roleNames() const override;

  const std::vector<int>& roles() const { return m_roleIds; }

  /// Inserts an item under `parent` (root by default) and returns its index.
  ModelIndex insertRow(const ModelIndex& parent, int row, std::vector<Value> values);
  ModelIndex appendRow(const ModelIndex& parent, std::vector<Value> values);
  void removeRows(const ModelIndex& parent, int row, int count);
  /// Moves rows within one parent (like ListModel::moveRows).
  void moveRows(const ModelIndex& parent, int from, int count, int to);
  bool setValue(const ModelIndex& index, int role, Value value);
  void clear();

  struct Node;

private:
  Node* nodeOf(const ModelIndex& index) const;
  int roleColumn(int role) const;

  std::vector<std::pair<int, std::string>> m_roles;
  std::vector<int> m_roleIds;
  std::unique_ptr<Node> m_root;
};

/// Qt's QAbstractItemModelAdapter as a Source (protocol §9.2): typeName
/// "QAbstractItemModelAdapter", no signature, properties availableRoles and roleNames, the ten
/// model signals and the six replica* slots in Qt's wire order. It answers requests from the
/// model and forwards the model's notifications. Bad requests (out-of-range or malformed
/// indices, absurd ranges, unknown roles) get an empty answer; the host stays up.
///
/// Enable it on a host like any source (Host::enableRemoting(ItemModel&, ...) does that for
/// you); a class with MODEL members shares one per member.
class ModelAdapter : public Source {
public:
  /// `roles` are the role ids replicas may read; empty = every role of roleNames().
  ModelAdapter(ItemModel& model, std::vector<int> roles = {});
  ~ModelAdapter() override;

  ItemModel& model() { return m_model; }
  const std::vector<int>& availableRoles() const { return m_roles; }

  /// The current item, as set by replicas (replicaSetCurrentIndex) or by the application;
  /// setting it sends currentChanged to every replica.
  const IndexPath& currentIndex() const { return m_current; }
  void setCurrentIndex(const IndexPath& path);
  Signal<const IndexPath&, const IndexPath&> currentChanged;  ///< (current, previous)

  /// The interface every adapter has (typeName QAbstractItemModelAdapter).
  static const ClassInterface& adapterInterface();

  struct Impl;

private:
  ItemModel& m_model;
  std::vector<int> m_roles;
  IndexPath m_current;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace doppel
