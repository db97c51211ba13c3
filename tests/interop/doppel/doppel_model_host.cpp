// doppel_model_host URL
//
// The doppel side of the model interop tests (run_model_interop.py): shares a flat ListModel
// "Flat" (roles display, number, done) and a TreeModel "Tree" (roles display, number) as Qt's
// model adapter does, plus "ModelControl" with slots
//   int edit(QString model, int seed, int count)  applies `count` seeded random edits
//   QString dump(QString model)                    the model's content, one item per line
// so that a client can compare its replica with the source. Prints "READY <url>"; quits on
// SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "doppel/doppel.h"
#include "doppel/model.h"
#include "interop_doppel.h"

#include "model_edits.h"
#include <signal.h>

using doppel::Value;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: doppel_model_host URL\n");
    return 2;
  }
  interopd::blockStopSignals();

  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop);
  if (auto r = host.listen(argv[1]); !r) {
    std::fprintf(stderr, "listen: %s\n", r.error().toString().c_str());
    return 1;
  }
  doppel::ListModel flat(modeltest::flatRoles());
  modeltest::fillFlat(flat, 200);
  doppel::TreeModel tree(modeltest::treeRoles());
  modeltest::fillTree(tree, 7);
  const std::vector<int> flatRoles{0, modeltest::kNumberRole, modeltest::kDoneRole};
  const std::vector<int> treeRoles{0, modeltest::kNumberRole};
  if (!host.enableRemoting(flat, "Flat", flatRoles) || !host.enableRemoting(tree, "Tree", treeRoles)) {
    std::fprintf(stderr, "enableRemoting failed\n");
    return 1;
  }
  doppel::Source control(doppel::InterfaceBuilder("ModelControl")
                             .slot("edit", {{"model", "QString"}, {"seed", "int"}, {"count", "int"}}, "int")
                             .slot("dump", {{"model", "QString"}}, "QString")
                             .build());
  (void)control.onCall("edit", [&flat, &tree](const std::vector<Value>& a) {
    // A negative seed asks for edits without rowsMoved (Qt 6.4's replica crashes on some).
    const bool moves = a[1].toInt() >= 0;
    const auto seed = static_cast<std::uint32_t>(moves ? a[1].toInt() : -a[1].toInt());
    const int count = static_cast<int>(a[2].toInt());
    if (a[0].toString() == "Tree") {
      modeltest::editTree(tree, seed, count, moves);
    } else {
      modeltest::editFlat(flat, seed, count, moves);
    }
    return Value::int32(count);
  });
  (void)control.onCall("dump", [&flat, &tree, &flatRoles, &treeRoles](const std::vector<Value>& a) {
    return Value::string(a[0].toString() == "Tree" ? modeltest::dumpModel(tree, treeRoles)
                                                   : modeltest::dumpModel(flat, flatRoles));
  });
  (void)host.enableRemoting(control, "ModelControl");

  const auto urls = host.urls();
  interopd::serveUntilStopped(*loop, urls.empty() ? argv[1] : urls.front());
  return 0;
}
