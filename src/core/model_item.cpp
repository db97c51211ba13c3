// ItemModel's defaults and ListModel: a flat list of rows of role values.
#include <algorithm>

#include "doppel/model.h"

namespace doppel {

// ItemModel ------------------------------------------------------------------------------------

int ItemModel::columnCount(const ModelIndex& parent) const {
  return parent.isValid() ? 0 : 1;
}

ModelIndex ItemModel::index(int row, int column, const ModelIndex& parent) const {
  if (parent.isValid() || row < 0 || column < 0 || row >= rowCount(parent) ||
      column >= columnCount(parent))
    return {};
  return ModelIndex{row, column, 0};
}

ModelIndex ItemModel::parent(const ModelIndex&) const { return {}; }

bool ItemModel::hasChildren(const ModelIndex& parent) const {
  return rowCount(parent) > 0 && columnCount(parent) > 0;
}

bool ItemModel::setData(const ModelIndex&, const Value&, int) { return false; }

const Value* ItemModel::dataIfStored(const ModelIndex&, int) const { return nullptr; }

Value ItemModel::headerData(int section, Orientation, int role) const {
  // Qt's default: the section number, counted from 1, for the display role.
  if (role == Role::Display) return Value::int32(section + 1);
  return {};
}

int ItemModel::flags(const ModelIndex& index) const {
  return index.isValid() ? ItemFlag::Selectable | ItemFlag::Enabled : 0;
}

std::map<int, std::string> ItemModel::roleNames() const {
  return {{Role::Display, "display"},     {Role::Decoration, "decoration"},
          {Role::Edit, "edit"},           {Role::ToolTip, "toolTip"},
          {Role::StatusTip, "statusTip"}, {Role::WhatsThis, "whatsThis"}};
}

IndexPath ItemModel::pathOf(const ModelIndex& index) const {
  IndexPath path;
  // Bounded: a model whose parent() cycles must not hang the host.
  ModelIndex i = index;
  for (int depth = 0; i.isValid() && depth < 4096; ++depth) {
    path.push_back({i.row, i.column});
    i = parent(i);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

ModelIndex ItemModel::indexAt(const IndexPath& path) const {
  ModelIndex i;
  for (const auto& step : path) {
    i = index(step.row, step.column, i);
    if (!i.isValid()) return {};
  }
  return i;
}

// ListModel ------------------------------------------------------------------------------------

ListModel::ListModel(std::vector<std::pair<int, std::string>> roles) : m_roles(std::move(roles)) {
  for (const auto& r : m_roles) m_roleIds.push_back(r.first);
}

int ListModel::rowCount(const ModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ListModel::roleColumn(int role) const {
  for (std::size_t i = 0; i < m_roleIds.size(); ++i)
    if (m_roleIds[i] == role) return static_cast<int>(i);
  return -1;
}

int ListModel::roleId(std::string_view name) const {
  for (const auto& r : m_roles)
    if (r.second == name) return r.first;
  return -1;
}

Value ListModel::data(const ModelIndex& index, int role) const {
  const Value* v = ListModel::dataIfStored(index, role);
  return v != nullptr ? *v : Value();
}

const Value* ListModel::dataIfStored(const ModelIndex& index, int role) const {
  if (!index.isValid() || index.column != 0 || index.row >= rowCount()) return nullptr;
  const int c = roleColumn(role);
  if (c < 0) return nullptr;
  return &m_rows[static_cast<std::size_t>(index.row)][static_cast<std::size_t>(c)];
}

bool ListModel::setData(const ModelIndex& index, const Value& value, int role) {
  if (!m_editable || !index.isValid() || index.column != 0) return false;
  return setValue(index.row, role, value);
}

int ListModel::flags(const ModelIndex& index) const {
  if (!index.isValid()) return 0;
  return ItemFlag::Selectable | ItemFlag::Enabled | ItemFlag::NeverHasChildren |
         (m_editable ? ItemFlag::Editable : 0);
}

std::map<int, std::string> ListModel::roleNames() const {
  std::map<int, std::string> out;
  for (const auto& r : m_roles) out[r.first] = r.second;
  return out;
}

Value ListModel::headerData(int section, Orientation orientation, int role) const {
  if (orientation == Orientation::Horizontal && role == Role::Display) {
    if (auto it = m_headers.find(section); it != m_headers.end()) return it->second;
  }
  return ItemModel::headerData(section, orientation, role);
}

void ListModel::setHeader(int section, Value value) {
  m_headers[section] = std::move(value);
  headerDataChanged.emit(Orientation::Horizontal, section, section);
}

void ListModel::appendRow(std::vector<Value> values) {
  insertRow(rowCount(), std::move(values));
}

void ListModel::insertRow(int row, std::vector<Value> values) {
  std::vector<std::vector<Value>> rows;
  rows.push_back(std::move(values));
  insertRows(row, std::move(rows));
}

void ListModel::insertRows(int row, std::vector<std::vector<Value>> rows) {
  if (rows.empty()) return;
  row = std::clamp(row, 0, rowCount());
  for (auto& r : rows) r.resize(m_roleIds.size());
  m_rows.insert(m_rows.begin() + row, std::make_move_iterator(rows.begin()),
                std::make_move_iterator(rows.end()));
  rowsInserted.emit({}, row, row + static_cast<int>(rows.size()) - 1);
}

void ListModel::removeRows(int row, int count) {
  if (row < 0 || count <= 0 || row + count > rowCount()) return;
  m_rows.erase(m_rows.begin() + row, m_rows.begin() + row + count);
  rowsRemoved.emit({}, row, row + count - 1);
}

void ListModel::moveRows(int from, int count, int to) {
  const int n = rowCount();
  if (from < 0 || count <= 0 || from + count > n || to < 0 || to + count > n || to == from) return;
  auto first = m_rows.begin() + from;
  if (to < from) {
    std::rotate(m_rows.begin() + to, first, first + count);
  } else {
    std::rotate(first, first + count, m_rows.begin() + to + count);
  }
  // Qt's beginMoveRows names the destination row before the move.
  const int destination = to < from ? to : to + count;
  rowsMoved.emit({}, from, from + count - 1, {}, destination);
}

bool ListModel::setValue(int row, int role, Value value) {
  const int c = roleColumn(role);
  if (row < 0 || row >= rowCount() || c < 0) return false;
  auto& slot = m_rows[static_cast<std::size_t>(row)][static_cast<std::size_t>(c)];
  if (slot == value) return true;
  slot = std::move(value);
  const ModelIndex i{row, 0, 0};
  dataChanged.emit(i, i, {role});
  return true;
}

const Value& ListModel::value(int row, int role) const {
  static const Value kInvalid;
  const int c = roleColumn(role);
  if (row < 0 || row >= rowCount() || c < 0) return kInvalid;
  return m_rows[static_cast<std::size_t>(row)][static_cast<std::size_t>(c)];
}

void ListModel::setRow(int row, std::vector<Value> values) {
  if (row < 0 || row >= rowCount()) return;
  values.resize(m_roleIds.size());
  m_rows[static_cast<std::size_t>(row)] = std::move(values);
  const ModelIndex i{row, 0, 0};
  dataChanged.emit(i, i, {});
}

void ListModel::reset(std::vector<std::vector<Value>> rows) {
  for (auto& r : rows) r.resize(m_roleIds.size());
  m_rows = std::move(rows);
  modelReset.emit();
}

}  // namespace doppel
