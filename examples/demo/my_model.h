// The demo's item list (DESIGN.md §8): MyModel, a list of items with roles name, done and
// createdBy, shared as the model "MyModel", and ModelAPI, a second source carrying its
// operations (as in the Qt article, the model and its API are two exported objects):
//   SLOT(void addItem(const QString &name)), SLOT(void toggleDone(int row)),
//   SLOT(void removeItem(int row))
// The items survive a killed master: ModelAPI's PERSISTED property `items` (a QVariant holding
// one list [name, done, createdBy] per row; invalid until first saved) is stored before each
// slot returns, so an acknowledged addItem is on disk, and the model is rebuilt from it when the
// master starts again.
#pragma once

#include <string>
#include <vector>

#include "doppel/host.h"
#include "doppel/model.h"

namespace demo {

inline constexpr int kNameRole = doppel::Role::User + 1;
inline constexpr int kDoneRole = doppel::Role::User + 2;
inline constexpr int kCreatedByRole = doppel::Role::User + 3;

class MyModel {
public:
  MyModel()
      : m_model({{kNameRole, "name"}, {kDoneRole, "done"}, {kCreatedByRole, "createdBy"}}),
        m_api(doppel::InterfaceBuilder("ModelAPI")
                  .property("items", "QVariant", doppel::PropertyMode::ReadOnly)
                  .persisted()
                  .slot("addItem", {{"name", "QString"}})
                  .slot("toggleDone", {{"row", "int"}})
                  .slot("removeItem", {{"row", "int"}})
                  .build()) {
    add("Build the control panel", "design");
    add("Stream it to the browser", "dev");
    (void)m_api.onCall("addItem", [this](const std::vector<doppel::Value>& a) {
      add(a[0].toString(), "remote");
      save();
      return doppel::Value();
    });
    (void)m_api.onCall("toggleDone", [this](const std::vector<doppel::Value>& a) {
      const int row = static_cast<int>(a[0].toInt());
      m_model.setValue(row, kDoneRole, doppel::Value::boolean(!m_model.value(row, kDoneRole).toBool()));
      save();
      return doppel::Value();
    });
    (void)m_api.onCall("removeItem", [this](const std::vector<doppel::Value>& a) {
      m_model.removeRows(static_cast<int>(a[0].toInt()), 1);
      save();
      return doppel::Value();
    });
  }

  /// Shares ModelAPI first: remoting restores its stored `items`, which replace the seed rows.
  doppel::Result<void> share(doppel::Host& host) {
    if (auto r = host.enableRemoting(m_api, "ModelAPI"); !r) return r;
    if (const doppel::Value stored = m_api.property("items"); stored.isValid()) {
      m_model.removeRows(0, m_model.rowCount());
      for (const auto& row : stored.toList()) {
        const auto& cells = row.toList();
        if (cells.size() == 3) m_model.appendRow({cells[0], cells[1], cells[2]});
      }
    } else {
      save();
    }
    return host.enableRemoting(m_model, "MyModel", {kNameRole, kDoneRole, kCreatedByRole});
  }

  void add(const std::string& name, const std::string& createdBy) {
    m_model.appendRow({doppel::Value::string(name), doppel::Value::boolean(false),
                       doppel::Value::string(createdBy)});
  }

  doppel::ListModel& model() { return m_model; }

private:
  /// Publishes the rows as `items`; the host stores it before it returns.
  void save() {
    doppel::Value::List rows;
    for (int row = 0; row < m_model.rowCount(); ++row)
      rows.push_back(doppel::Value::list({m_model.value(row, kNameRole), m_model.value(row, kDoneRole),
                                          m_model.value(row, kCreatedByRole)}));
    (void)m_api.setProperty("items", doppel::Value::list(std::move(rows)));
  }

  doppel::ListModel m_model;
  doppel::Source m_api;
};

}  // namespace demo
