// qml_model_host URL [--rows N] [--wrong-row R]
//
// The doppel side of the QML ListView interop test (run_qml_listview.py): shares a ListModel
// "List" (roles display = "row N", number = N) and "ListControl" with slots
//   int insertRows(int row, int count)   new rows "new K" / K before `row`
//   int removeRows(int row, int count)
//   int setText(int row, QString text)   changes one row's display role
//   int setNumber(int row, int number)   changes one row's number role
//   QString dump()                       "display|number" per row, the truth the client checks
// Each slot returns the row count after the change. --wrong-row R makes the model serve a wrong
// display value for row R ("row R (wrong)") while dump() tells the truth: the test must then
// fail, which run_qml_listview.py --expect-mismatch checks. Prints "READY <url>"; quits on SIGTERM/SIGINT.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "doppel/doppel.h"
#include "doppel/model.h"
#include "../doppel/interop_doppel.h"

using doppel::Value;

namespace {

constexpr int kNumberRole = doppel::Role::User + 1;

std::vector<Value> row(const std::string& text, int number) {
  return {Value::string(text), Value::int32(number)};
}

/// A ListModel that serves a wrong display value for one row (the negative test).
class WrongRowList : public doppel::ListModel {
public:
  WrongRowList(std::vector<std::pair<int, std::string>> roles, int wrongRow)
      : ListModel(std::move(roles)), m_wrongRow(wrongRow) {}
  Value data(const doppel::ModelIndex& index, int role) const override {
    if (isWrong(index, role)) return Value::string(ListModel::data(index, role).toString() + " (wrong)");
    return ListModel::data(index, role);
  }
  const Value* dataIfStored(const doppel::ModelIndex& index, int role) const override {
    return isWrong(index, role) ? nullptr : ListModel::dataIfStored(index, role);
  }

private:
  bool isWrong(const doppel::ModelIndex& index, int role) const {
    return index.row == m_wrongRow && role == doppel::Role::Display;
  }
  int m_wrongRow;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: qml_model_host URL [--rows N] [--wrong-row R]\n");
    return 2;
  }
  int rows = 5000;
  int wrongRow = -1;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--wrong-row") == 0) wrongRow = std::atoi(argv[i + 1]);
  }
  interopd::blockStopSignals();

  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop);
  if (auto r = host.listen(argv[1]); !r) {
    std::fprintf(stderr, "listen: %s\n", r.error().toString().c_str());
    return 1;
  }
  WrongRowList list({{doppel::Role::Display, "display"}, {kNumberRole, "number"}}, wrongRow);
  std::vector<std::vector<Value>> all;
  for (int i = 0; i < rows; ++i) all.push_back(row("row " + std::to_string(i), i));
  list.reset(std::move(all));
  if (!host.enableRemoting(list, "List", {doppel::Role::Display, kNumberRole})) {
    std::fprintf(stderr, "enableRemoting failed\n");
    return 1;
  }

  doppel::Source control(doppel::InterfaceBuilder("ListControl")
                             .slot("insertRows", {{"row", "int"}, {"count", "int"}}, "int")
                             .slot("removeRows", {{"row", "int"}, {"count", "int"}}, "int")
                             .slot("setText", {{"row", "int"}, {"text", "QString"}}, "int")
                             .slot("setNumber", {{"row", "int"}, {"number", "int"}}, "int")
                             .slot("dump", {}, "QString")
                             .build());
  int serial = 100000;
  (void)control.onCall("insertRows", [&list, &serial](const std::vector<Value>& a) {
    std::vector<std::vector<Value>> add;
    for (int k = 0; k < a[1].toInt(); ++k) {
      ++serial;
      add.push_back(row("new " + std::to_string(serial), serial));
    }
    list.insertRows(static_cast<int>(a[0].toInt()), std::move(add));
    return Value::int32(list.rowCount());
  });
  (void)control.onCall("removeRows", [&list](const std::vector<Value>& a) {
    list.removeRows(static_cast<int>(a[0].toInt()), static_cast<int>(a[1].toInt()));
    return Value::int32(list.rowCount());
  });
  (void)control.onCall("setText", [&list](const std::vector<Value>& a) {
    list.setValue(static_cast<int>(a[0].toInt()), doppel::Role::Display, Value::string(a[1].toString()));
    return Value::int32(list.rowCount());
  });
  (void)control.onCall("setNumber", [&list](const std::vector<Value>& a) {
    list.setValue(static_cast<int>(a[0].toInt()), kNumberRole, Value::int32(static_cast<std::int32_t>(a[1].toInt())));
    return Value::int32(list.rowCount());
  });
  (void)control.onCall("dump", [&list](const std::vector<Value>&) {
    std::string out;
    for (int i = 0; i < list.rowCount(); ++i) {
      out += list.value(i, doppel::Role::Display).toString() + "|" + std::to_string(list.value(i, kNumberRole).toInt()) + "\n";
    }
    return Value::string(out);
  });
  (void)host.enableRemoting(control, "ListControl");

  const auto urls = host.urls();
  interopd::serveUntilStopped(*loop, urls.empty() ? argv[1] : urls.front());
  return 0;
}
