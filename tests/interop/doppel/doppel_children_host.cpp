// doppel_children_host URL [--signature]
//
// The doppel twin of qt_children_host: shares "Lab" (../children.rep built with InterfaceBuilder
// in repc's index order) with a Child in `child` holding a Grand in `grand`, a null `spare` and
// a two-row ListModel in the MODEL member `tracks`. Child::bump(by) adds `by` to value, emits
// pinged("bumped <by>") and returns the new value; Grand::poke() raises depth and emits
// poked(count); Lab::replaceChild() puts a new Child (value 10, label "second", grand depth 7) in
// `child`; Lab::clearChild() sets it to null. With --signature the classes carry repc's
// signatures (Qt typed replicas then check them). Prints "READY <url>"; quits on SIGTERM/SIGINT.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "doppel/doppel.h"
#include "doppel/model.h"

#include "interop_doppel.h"

using doppel::InterfaceBuilder;
using doppel::PropertyMode;
using doppel::Value;

namespace {

// repc 6.4's signatures of ../children.rep (rep_children_source.h).
constexpr const char* kLabSignature = "995c052b1687baa1494350cc3c66af296a21a984";
constexpr const char* kChildSignature = "2e8ef8d5b5ad232ba2a5372bba223a656c74b64a";
constexpr const char* kGrandSignature = "136f214ba8347a2a84ac0f94f65b8823b0e6b869";
bool g_signed = false;

doppel::ClassInterface grandInterface() {
  return InterfaceBuilder("Grand")
      .property("depth", "int", PropertyMode::ReadPush, Value::int32(2))
      .signal("poked", {{"count", "int"}})
      .slot("poke")
      .signature(g_signed ? kGrandSignature : "")
      .build();
}

doppel::ClassInterface childInterface() {
  return InterfaceBuilder("Child")
      .property("value", "int", PropertyMode::ReadPush, Value::int32(3))
      .property("label", "QString", PropertyMode::ReadWrite, Value::string("c"))
      .property("grand", "Grand*", PropertyMode::SourceOnlySetter)
      .signal("pinged", {{"what", "QString"}})
      .slot("bump", {{"by", "int"}}, "int")
      .signature(g_signed ? kChildSignature : "")
      .build();
}

doppel::ClassInterface labInterface() {
  return InterfaceBuilder("Lab")
      .property("top", "int", PropertyMode::ReadPush, Value::int32(1))
      .property("child", "Child*", PropertyMode::SourceOnlySetter)
      .property("spare", "Child*", PropertyMode::SourceOnlySetter)
      .property("tracks", "QAbstractItemModel*", PropertyMode::SourceOnlySetter)
      .slot("replaceChild")
      .slot("clearChild")
      .signature(g_signed ? kLabSignature : "")
      .build();
}

void check(const doppel::Result<void>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "doppel_children_host: %s: %s\n", what, r.error().toString().c_str());
    std::exit(1);
  }
}

/// A Child with its Grand, behaving as qt_children_host's.
struct ChildTree {
  ChildTree(int value, const std::string& label, int depth)
      : child(childInterface()), grand(grandInterface()) {
    check(child.setProperty("value", Value::int32(value)), "value");
    check(child.setProperty("label", Value::string(label)), "label");
    check(grand.setProperty("depth", Value::int32(depth)), "depth");
    check(child.setChild("grand", &grand), "grand");
    check(child.onCall("bump",
                       [this](const std::vector<Value>& args) {
                         const auto next = static_cast<std::int32_t>(
                             child.property("value").toInt() + args[0].toInt());
                         (void)child.setProperty("value", Value::int32(next));
                         (void)child.emitSignal(
                             "pinged", {Value::string("bumped " + std::to_string(args[0].toInt()))});
                         return Value::int32(next);
                       }),
          "bump");
    check(grand.onCall("poke",
                       [this](const std::vector<Value>&) {
                         (void)grand.setProperty(
                             "depth", Value::int32(static_cast<std::int32_t>(
                                          grand.property("depth").toInt() + 1)));
                         (void)grand.emitSignal("poked", {Value::int32(++pokes)});
                         return Value();
                       }),
          "poke");
  }
  doppel::Source child;
  doppel::Source grand;
  int pokes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "--signature") != 0)) {
    std::fprintf(stderr, "usage: doppel_children_host URL [--signature]\n");
    return 2;
  }
  g_signed = argc == 3;
  interopd::blockStopSignals();

  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop);
  check(host.listen(argv[1]), "listen");

  doppel::ListModel tracks({{0, "display"}});
  tracks.appendRow({Value::string("t0")});
  tracks.appendRow({Value::string("t1")});
  doppel::ModelAdapter tracksAdapter(tracks);

  doppel::Source lab(labInterface());
  auto first = std::make_unique<ChildTree>(3, "c", 2);
  std::unique_ptr<ChildTree> replaced;
  check(lab.setChild("child", &first->child), "child");
  check(lab.setChild("tracks", &tracksAdapter), "tracks");
  check(lab.onCall("replaceChild",
                   [&](const std::vector<Value>&) {
                     auto next = std::make_unique<ChildTree>(10, "second", 7);
                     (void)lab.setChild("child", &next->child);
                     replaced = std::move(next);  // the previous replacement goes now
                     return Value();
                   }),
        "replaceChild");
  check(lab.onCall("clearChild",
                   [&](const std::vector<Value>&) {
                     (void)lab.setChild("child", nullptr);
                     return Value();
                   }),
        "clearChild");
  check(host.enableRemoting(lab, "Lab"), "enableRemoting(Lab)");

  interopd::serveUntilStopped(*loop, host.urls().front());
  std::fprintf(stderr, "doppel_children_host: exiting\n");
  return 0;
}
