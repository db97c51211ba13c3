// TreeModel: items with children, one value per role; a ModelIndex's id is its node.
#include <algorithm>

#include "doppel/model.h"

namespace doppel {

struct TreeModel::Node {
  Node* parent = nullptr;
  std::vector<Value> values;
  std::vector<std::unique_ptr<Node>> children;

  int rowOf(const Node* child) const {
    for (std::size_t i = 0; i < children.size(); ++i)
      if (children[i].get() == child) return static_cast<int>(i);
    return -1;
  }
};

TreeModel::TreeModel(std::vector<std::pair<int, std::string>> roles)
    : m_roles(std::move(roles)), m_root(std::make_unique<Node>()) {
  for (const auto& r : m_roles) m_roleIds.push_back(r.first);
}

TreeModel::~TreeModel() = default;

TreeModel::Node* TreeModel::nodeOf(const ModelIndex& index) const {
  if (!index.isValid()) return m_root.get();
  return reinterpret_cast<Node*>(index.id);  // NOLINT: the id is the node, by construction
}

int TreeModel::roleColumn(int role) const {
  for (std::size_t i = 0; i < m_roleIds.size(); ++i)
    if (m_roleIds[i] == role) return static_cast<int>(i);
  return -1;
}

int TreeModel::rowCount(const ModelIndex& parent) const {
  if (parent.isValid() && parent.column != 0) return 0;
  return static_cast<int>(nodeOf(parent)->children.size());
}

int TreeModel::columnCount(const ModelIndex& parent) const {
  return parent.isValid() && parent.column != 0 ? 0 : 1;
}

ModelIndex TreeModel::index(int row, int column, const ModelIndex& parent) const {
  const Node* p = nodeOf(parent);
  if (row < 0 || column != 0 || static_cast<std::size_t>(row) >= p->children.size()) return {};
  if (parent.isValid() && parent.column != 0) return {};
  return ModelIndex{row, 0,
                    reinterpret_cast<std::uintptr_t>(p->children[static_cast<std::size_t>(row)].get())};
}

ModelIndex TreeModel::parent(const ModelIndex& child) const {
  if (!child.isValid()) return {};
  const Node* p = nodeOf(child)->parent;
  if (p == nullptr || p == m_root.get()) return {};
  return ModelIndex{p->parent->rowOf(p), 0, reinterpret_cast<std::uintptr_t>(p)};
}

Value TreeModel::data(const ModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const int c = roleColumn(role);
  if (c < 0) return {};
  return nodeOf(index)->values[static_cast<std::size_t>(c)];
}

bool TreeModel::setData(const ModelIndex& index, const Value& value, int role) {
  return setValue(index, role, value);
}

int TreeModel::flags(const ModelIndex& index) const {
  return index.isValid() ? ItemFlag::Selectable | ItemFlag::Enabled | ItemFlag::Editable : 0;
}

std::map<int, std::string> TreeModel::roleNames() const {
  std::map<int, std::string> out;
  for (const auto& r : m_roles) out[r.first] = r.second;
  return out;
}

ModelIndex TreeModel::insertRow(const ModelIndex& parent, int row, std::vector<Value> values) {
  Node* p = nodeOf(parent);
  row = std::clamp(row, 0, static_cast<int>(p->children.size()));
  auto node = std::make_unique<Node>();
  node->parent = p;
  values.resize(m_roleIds.size());
  node->values = std::move(values);
  const auto id = reinterpret_cast<std::uintptr_t>(node.get());
  p->children.insert(p->children.begin() + row, std::move(node));
  rowsInserted.emit(parent, row, row);
  return ModelIndex{row, 0, id};
}

ModelIndex TreeModel::appendRow(const ModelIndex& parent, std::vector<Value> values) {
  return insertRow(parent, rowCount(parent), std::move(values));
}

void TreeModel::removeRows(const ModelIndex& parent, int row, int count) {
  Node* p = nodeOf(parent);
  const int n = static_cast<int>(p->children.size());
  if (row < 0 || count <= 0 || row + count > n) return;
  p->children.erase(p->children.begin() + row, p->children.begin() + row + count);
  rowsRemoved.emit(parent, row, row + count - 1);
}

void TreeModel::moveRows(const ModelIndex& parent, int from, int count, int to) {
  Node* p = nodeOf(parent);
  const int n = static_cast<int>(p->children.size());
  if (from < 0 || count <= 0 || from + count > n || to < 0 || to + count > n || to == from) return;
  auto first = p->children.begin() + from;
  if (to < from) {
    std::rotate(p->children.begin() + to, first, first + count);
  } else {
    std::rotate(first, first + count, p->children.begin() + to + count);
  }
  rowsMoved.emit(parent, from, from + count - 1, parent, to < from ? to : to + count);
}

bool TreeModel::setValue(const ModelIndex& index, int role, Value value) {
  if (!index.isValid()) return false;
  const int c = roleColumn(role);
  if (c < 0) return false;
  auto& slot = nodeOf(index)->values[static_cast<std::size_t>(c)];
  if (slot == value) return true;
  slot = std::move(value);
  dataChanged.emit(index, index, {role});
  return true;
}

void TreeModel::clear() {
  m_root->children.clear();
  modelReset.emit();
}

}  // namespace doppel
