// Seeded random edits and a canonical text dump of doppel models, for the model interop tests
// and the core tests. The Qt peers implement the same dump format (qt/qt_model_common.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doppel/model.h"

namespace modeltest {

inline constexpr int kNumberRole = doppel::Role::User + 1;
inline constexpr int kDoneRole = doppel::Role::User + 2;

inline std::vector<std::pair<int, std::string>> flatRoles() {
  return {{doppel::Role::Display, "display"}, {kNumberRole, "number"}, {kDoneRole, "done"}};
}
inline std::vector<std::pair<int, std::string>> treeRoles() {
  return {{doppel::Role::Display, "display"}, {kNumberRole, "number"}};
}

/// A small LCG, identical everywhere it is used.
struct Random {
  explicit Random(std::uint32_t seed) : state(seed * 2654435761u + 1) {}
  std::uint32_t next() {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<std::uint32_t>(n)); }
  std::uint32_t state;
};

/// "~" for invalid, true/false, decimal integers, strings as they are.
inline std::string text(const doppel::Value& v) {
  if (!v.isValid()) return "~";
  if (v.isBool()) return v.toBool() ? "true" : "false";
  if (v.isSigned()) return std::to_string(v.toInt());
  if (v.isUnsigned()) return std::to_string(v.toUInt());
  return v.toString();
}

inline std::vector<doppel::Value> flatRow(int n) {
  return {doppel::Value::string("item " + std::to_string(n)), doppel::Value::int32(n),
          doppel::Value::boolean(n % 3 == 0)};
}

inline void fillFlat(doppel::ListModel& m, int rows) {
  std::vector<std::vector<doppel::Value>> all;
  for (int i = 0; i < rows; ++i) all.push_back(flatRow(i));
  m.reset(std::move(all));
}

/// With `moves` false a move is a remove and an insert (what QStandardItemModel reports).
inline void editFlat(doppel::ListModel& m, std::uint32_t seed, int count, bool moves = true) {
  Random r(seed);
  int serial = 100000 + static_cast<int>(seed % 1000) * 10000;
  for (int i = 0; i < count; ++i) {
    const int rows = m.rowCount();
    const int op = r.below(100);
    if (op < 30 && rows > 0) {
      const int row = r.below(rows);
      const int role = r.below(3);
      if (role == 0) m.setValue(row, 0, doppel::Value::string("edit " + std::to_string(++serial)));
      if (role == 1) m.setValue(row, kNumberRole, doppel::Value::int32(++serial));
      if (role == 2) m.setValue(row, kDoneRole, doppel::Value::boolean(r.below(2) == 1));
    } else if (op < 52 || rows < 20) {
      const int n = 1 + r.below(3);
      std::vector<std::vector<doppel::Value>> add;
      for (int k = 0; k < n; ++k) add.push_back(flatRow(++serial));
      m.insertRows(r.below(rows + 1), std::move(add));
    } else if (op < 74) {
      const int n = 1 + r.below(3);
      m.removeRows(r.below(rows - n), n);
    } else if (op < 92) {
      const int n = 1 + r.below(2);
      const int from = r.below(rows - n);
      const int to = r.below(rows - n);
      if (moves) {
        m.moveRows(from, n, to);
      } else {
        std::vector<std::vector<doppel::Value>> taken;
        for (int k = 0; k < n; ++k) {
          std::vector<doppel::Value> row;
          for (int role : m.roles()) row.push_back(m.value(from + k, role));
          taken.push_back(std::move(row));
        }
        m.removeRows(from, n);
        m.insertRows(to, std::move(taken));
      }
    } else if (op < 99) {
      m.setRow(r.below(rows), flatRow(++serial));
    } else if (moves) {
      fillFlat(m, 50 + r.below(100));
    } else {
      // Qt-compatible mode: a reset as removes and inserts (see doppel_model_host.cpp).
      m.removeRows(0, m.rowCount());
      std::vector<std::vector<doppel::Value>> add;
      for (int k = 50 + r.below(100); k > 0; --k) add.push_back(flatRow(++serial));
      m.insertRows(0, std::move(add));
    }
  }
}

inline void fillTree(doppel::TreeModel& m, std::uint32_t seed) {
  Random r(seed);
  m.clear();
  int serial = 0;
  for (int i = 0; i < 20; ++i) {
    auto top = m.appendRow({}, {doppel::Value::string("top " + std::to_string(i)),
                                doppel::Value::int32(++serial)});
    const int kids = r.below(5);
    for (int k = 0; k < kids; ++k) {
      auto kid = m.appendRow(top, {doppel::Value::string("kid " + std::to_string(serial)),
                                   doppel::Value::int32(++serial)});
      if (r.below(3) == 0)
        m.appendRow(kid, {doppel::Value::string("leaf " + std::to_string(serial)),
                          doppel::Value::int32(++serial)});
    }
  }
}

inline void collect(const doppel::ItemModel& m, const doppel::ModelIndex& parent,
                    std::vector<doppel::ModelIndex>& out) {
  for (int i = 0; i < m.rowCount(parent); ++i) {
    const auto idx = m.index(i, 0, parent);
    out.push_back(idx);
    collect(m, idx, out);
  }
}

/// A subtree's values, to re-insert it elsewhere (a move as remove + insert).
struct TreeCopy {
  std::vector<doppel::Value> values;
  std::vector<TreeCopy> children;
};

inline TreeCopy copyTree(const doppel::TreeModel& m, const doppel::ModelIndex& index) {
  TreeCopy copy;
  for (int role : m.roles()) copy.values.push_back(m.data(index, role));
  for (int i = 0; i < m.rowCount(index); ++i) copy.children.push_back(copyTree(m, m.index(i, 0, index)));
  return copy;
}

inline void pasteTree(doppel::TreeModel& m, const doppel::ModelIndex& parent, int row, const TreeCopy& copy) {
  const auto index = m.insertRow(parent, row, copy.values);
  for (std::size_t i = 0; i < copy.children.size(); ++i)
    pasteTree(m, index, static_cast<int>(i), copy.children[i]);
}

/// With `moves` false a move is a remove and an insert of the subtree (what QStandardItemModel
/// reports for takeRow + insertRow).
inline void editTree(doppel::TreeModel& m, std::uint32_t seed, int count, bool moves = true) {
  Random r(seed);
  int serial = 100000 + static_cast<int>(seed % 1000) * 10000;
  for (int i = 0; i < count; ++i) {
    std::vector<doppel::ModelIndex> all;
    collect(m, {}, all);
    const int op = r.below(100);
    if (all.empty() || op < 25) {
      doppel::ModelIndex parent;
      if (!all.empty() && r.below(2) == 0) parent = all[static_cast<std::size_t>(r.below(static_cast<int>(all.size())))];
      m.insertRow(parent, r.below(m.rowCount(parent) + 1),
                  {doppel::Value::string("new " + std::to_string(++serial)), doppel::Value::int32(serial)});
    } else if (op < 60) {
      const auto idx = all[static_cast<std::size_t>(r.below(static_cast<int>(all.size())))];
      if (r.below(2) == 0) {
        m.setValue(idx, doppel::Role::Display, doppel::Value::string("edit " + std::to_string(++serial)));
      } else {
        m.setValue(idx, kNumberRole, doppel::Value::int32(++serial));
      }
    } else if (op < 80) {
      if (all.size() < 10) continue;
      const auto idx = all[static_cast<std::size_t>(r.below(static_cast<int>(all.size())))];
      m.removeRows(m.parent(idx), idx.row, 1);
    } else {
      // Moves only among top-level rows: Qt's replica handles rowsMoved only at the root.
      const int rows = m.rowCount();
      if (rows < 2) continue;
      const int from = r.below(rows);
      const int to = r.below(rows);
      if (moves) {
        m.moveRows({}, from, 1, to);
      } else {
        const TreeCopy copy = copyTree(m, m.index(from, 0));
        m.removeRows({}, from, 1);
        pasteTree(m, {}, to, copy);
      }
    }
  }
}

inline void dumpRec(const doppel::ItemModel& m, const doppel::ModelIndex& parent,
                    const std::string& prefix, const std::vector<int>& roles, std::string& out) {
  for (int i = 0; i < m.rowCount(parent); ++i) {
    const auto idx = m.index(i, 0, parent);
    const std::string path = prefix + std::to_string(i);
    out += path + ":";
    for (int role : roles) out += " " + text(m.data(idx, role));
    out += "\n";
    dumpRec(m, idx, path + "/", roles, out);
  }
}

inline std::string dumpModel(const doppel::ItemModel& m, const std::vector<int>& roles) {
  std::string out;
  dumpRec(m, {}, "", roles, out);
  return out;
}

}  // namespace modeltest
