// The demo's item list (DESIGN.md §8): MyModel, a list of items with roles name, done and
// createdBy, shared as the model "MyModel", and ModelAPI, a second source carrying its
// operations (as in the Qt article, the model and its API are two exported objects):
//   SLOT(void addItem(const QString &name)), SLOT(void toggleDone(int row)),
//   SLOT(void removeItem(int row))
#pragma once

#include <string>

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
                  .slot("addItem", {{"name", "QString"}})
                  .slot("toggleDone", {{"row", "int"}})
                  .slot("removeItem", {{"row", "int"}})
                  .build()) {
    add("Build the control panel", "design");
    add("Stream it to the browser", "dev");
    (void)m_api.onCall("addItem", [this](const std::vector<doppel::Value>& a) {
      add(a[0].toString(), "remote");
      return doppel::Value();
    });
    (void)m_api.onCall("toggleDone", [this](const std::vector<doppel::Value>& a) {
      const int row = static_cast<int>(a[0].toInt());
      m_model.setValue(row, kDoneRole, doppel::Value::boolean(!m_model.value(row, kDoneRole).toBool()));
      return doppel::Value();
    });
    (void)m_api.onCall("removeItem", [this](const std::vector<doppel::Value>& a) {
      m_model.removeRows(static_cast<int>(a[0].toInt()), 1);
      return doppel::Value();
    });
  }

  doppel::Result<void> share(doppel::Host& host) {
    if (auto r = host.enableRemoting(m_model, "MyModel", {kNameRole, kDoneRole, kCreatedByRole}); !r) return r;
    return host.enableRemoting(m_api, "ModelAPI");
  }

  void add(const std::string& name, const std::string& createdBy) {
    m_model.appendRow({doppel::Value::string(name), doppel::Value::boolean(false),
                       doppel::Value::string(createdBy)});
  }

  doppel::ListModel& model() { return m_model; }

private:
  doppel::ListModel m_model;
  doppel::Source m_api;
};

}  // namespace demo
