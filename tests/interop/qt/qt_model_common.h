// Text dumps of Qt models in the format of ../doppel/model_edits.h, and seeded edits of Qt's
// QStandardItemModel / QStringListModel, for the model interop tests.
#pragma once

#include <QAbstractItemModel>
#include <QStandardItemModel>
#include <QStringListModel>
#include <QVariant>

namespace modelqt {

constexpr int kNumberRole = Qt::UserRole + 1;
constexpr int kDoneRole = Qt::UserRole + 2;

inline QString text(const QVariant& v) {
  if (!v.isValid()) return QStringLiteral("~");
  if (v.typeId() == QMetaType::Bool) return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
  return v.toString();
}

/// Appends the dump of `parent`'s subtree; returns false if some data is not there yet
/// (a replica's placeholder), which the caller treats as "not equal yet".
inline void dumpRec(const QAbstractItemModel& m, const QModelIndex& parent, const QString& prefix,
                    const QList<int>& roles, QString& out) {
  for (int i = 0; i < m.rowCount(parent); ++i) {
    const QModelIndex idx = m.index(i, 0, parent);
    const QString path = prefix + QString::number(i);
    out += path + QLatin1Char(':');
    for (int role : roles) out += QLatin1Char(' ') + text(m.data(idx, role));
    out += QLatin1Char('\n');
    if (m.hasChildren(idx)) dumpRec(m, idx, path + QLatin1Char('/'), roles, out);
  }
}

inline QString dump(const QAbstractItemModel& m, const QList<int>& roles) {
  QString out;
  dumpRec(m, QModelIndex(), QString(), roles, out);
  return out;
}

/// The same LCG as modeltest::Random.
struct Random {
  explicit Random(quint32 seed) : state(seed * 2654435761u + 1) {}
  quint32 next() {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  }
  int below(int n) { return n <= 0 ? 0 : int(next() % quint32(n)); }
  quint32 state;
};

inline QList<QStandardItem*> flatRow(int n) {
  auto* item = new QStandardItem(QStringLiteral("item %1").arg(n));
  item->setData(n, kNumberRole);
  item->setData(n % 3 == 0, kDoneRole);
  return {item};
}

inline void fillFlat(QStandardItemModel& m, int rows) {
  m.clear();
  for (int i = 0; i < rows; ++i) m.appendRow(flatRow(i));
}

/// Edits of a flat QStandardItemModel: data changes, inserts, removes, moves (take + insert,
/// which QStandardItemModel reports as remove + insert), whole-row changes and resets.
inline void editFlat(QStandardItemModel& m, quint32 seed, int count) {
  Random r(seed);
  int serial = 100000 + int(seed % 1000) * 10000;
  for (int i = 0; i < count; ++i) {
    const int rows = m.rowCount();
    const int op = r.below(100);
    if (op < 30 && rows > 0) {
      QStandardItem* item = m.item(r.below(rows));
      const int role = r.below(3);
      if (role == 0) item->setData(QStringLiteral("edit %1").arg(++serial), Qt::DisplayRole);
      if (role == 1) item->setData(++serial, kNumberRole);
      if (role == 2) item->setData(r.below(2) == 1, kDoneRole);
    } else if (op < 52 || rows < 20) {
      const int n = 1 + r.below(3);
      const int at = r.below(rows + 1);
      for (int k = 0; k < n; ++k) m.insertRow(at + k, flatRow(++serial));
    } else if (op < 74) {
      const int n = 1 + r.below(3);
      m.removeRows(r.below(rows - n), n);
    } else if (op < 92) {
      const int from = r.below(rows - 1);
      const int to = r.below(rows - 1);
      m.insertRow(to, m.takeRow(from));
    } else if (op < 99) {
      QStandardItem* item = m.item(r.below(rows));
      auto fresh = flatRow(++serial);
      item->setData(fresh[0]->data(Qt::DisplayRole), Qt::DisplayRole);
      item->setData(fresh[0]->data(kNumberRole), kNumberRole);
      delete fresh[0];
    } else {
      fillFlat(m, 50 + r.below(100));
    }
  }
}

inline void fillTree(QStandardItemModel& m, quint32 seed) {
  Random r(seed);
  m.clear();
  int serial = 0;
  for (int i = 0; i < 20; ++i) {
    auto* top = new QStandardItem(QStringLiteral("top %1").arg(i));
    top->setData(++serial, kNumberRole);
    m.appendRow(top);
    const int kids = r.below(5);
    for (int k = 0; k < kids; ++k) {
      auto* kid = new QStandardItem(QStringLiteral("kid %1").arg(serial));
      kid->setData(++serial, kNumberRole);
      top->appendRow(kid);
      if (r.below(3) == 0) {
        auto* leaf = new QStandardItem(QStringLiteral("leaf %1").arg(serial));
        leaf->setData(++serial, kNumberRole);
        kid->appendRow(leaf);
      }
    }
  }
}

inline void collect(const QAbstractItemModel& m, const QModelIndex& parent, QList<QPersistentModelIndex>& out) {
  for (int i = 0; i < m.rowCount(parent); ++i) {
    const QModelIndex idx = m.index(i, 0, parent);
    out << idx;
    collect(m, idx, out);
  }
}

inline void editTree(QStandardItemModel& m, quint32 seed, int count) {
  Random r(seed);
  int serial = 100000 + int(seed % 1000) * 10000;
  for (int i = 0; i < count; ++i) {
    QList<QPersistentModelIndex> all;
    collect(m, QModelIndex(), all);
    const int op = r.below(100);
    if (all.isEmpty() || op < 25) {
      QStandardItem* parent = m.invisibleRootItem();
      if (!all.isEmpty() && r.below(2) == 0) parent = m.itemFromIndex(all[r.below(int(all.size()))]);
      auto* item = new QStandardItem(QStringLiteral("new %1").arg(++serial));
      item->setData(serial, kNumberRole);
      parent->insertRow(r.below(parent->rowCount() + 1), item);
    } else if (op < 60) {
      QStandardItem* item = m.itemFromIndex(all[r.below(int(all.size()))]);
      if (r.below(2) == 0) {
        item->setData(QStringLiteral("edit %1").arg(++serial), Qt::DisplayRole);
      } else {
        item->setData(++serial, kNumberRole);
      }
    } else if (op < 80) {
      if (all.size() < 10) continue;
      const QModelIndex idx = all[r.below(int(all.size()))];
      m.removeRows(idx.row(), 1, idx.parent());
    } else {
      const int rows = m.rowCount();
      if (rows < 2) continue;
      const int from = r.below(rows);
      const int to = r.below(rows);
      if (from == to) continue;
      // take + insert (QStandardItemModel has no moveRows): children travel with the row.
      m.insertRow(to, m.takeRow(from));
    }
  }
}

/// Edits of a QStringListModel (display and edit roles): data changes, inserts, removes, real
/// moves (rowsMoved; with `moves` false a remove + insert), resets (setStringList).
inline void editStrings(QStringListModel& m, quint32 seed, int count, bool moves = true) {
  Random r(seed);
  int serial = 100000 + int(seed % 1000) * 10000;
  for (int i = 0; i < count; ++i) {
    const int rows = m.rowCount();
    const int op = r.below(100);
    if (op < 30 && rows > 0) {
      m.setData(m.index(r.below(rows)), QStringLiteral("edit %1").arg(++serial));
    } else if (op < 52 || rows < 20) {
      const int at = r.below(rows + 1);
      const int n = 1 + r.below(3);
      m.insertRows(at, n);
      for (int k = 0; k < n; ++k) m.setData(m.index(at + k), QStringLiteral("s %1").arg(++serial));
    } else if (op < 74) {
      const int n = 1 + r.below(3);
      m.removeRows(r.below(rows - n), n);
    } else if (op < 99) {
      const int from = r.below(rows - 1);
      int to = r.below(rows + 1);
      if (to == from || to == from + 1) to = (from + 3) % (rows + 1);
      if (moves) {
        m.moveRows(QModelIndex(), from, 1, QModelIndex(), to);
      } else {
        const QString moved = m.index(from).data().toString();
        m.removeRows(from, 1);
        m.insertRows(to > from ? to - 1 : to, 1);
        m.setData(m.index(to > from ? to - 1 : to), moved);
      }
    } else {
      QStringList list;
      const int n = 50 + r.below(100);
      for (int k = 0; k < n; ++k) list << QStringLiteral("r %1").arg(++serial);
      m.setStringList(list);
    }
  }
}

}  // namespace modelqt
