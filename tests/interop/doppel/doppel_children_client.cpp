// doppel_children_client URL [--no-model]
//
// A doppel dynamic replica of "Lab" (../children.rep) read from a host with child objects
// (protocol §11.1): qt_children_host or doppel_children_host. Checks the children's names,
// classes and values (nested Class::child::grand included), the null `spare`, the MODEL member
// `tracks` (unless --no-model), child slot calls with replies, child signals, a write to a
// child's READWRITE property, child property changes, the pointer replaced (replaceChild) and
// set to null (clearChild).
//
// Prints "ok <check>" or "FAIL <check>: <message>" per check; exits 0 only if all passed.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "doppel/doppel.h"

#include "interop_doppel.h"

using doppel::Clock;
using doppel::ReplicaState;
using doppel::Value;
using namespace std::chrono_literals;

namespace {

constexpr auto kTimeout = 10s;

interopd::Checker g_check;

bool runUntil(doppel::EventLoop& loop, const std::function<bool()>& done) {
  return loop.runUntil(done, Clock::now() + kTimeout);
}

/// The last arguments of each signal of a replica.
struct Signals {
  std::vector<std::pair<int, std::vector<Value>>> seen;
  doppel::ScopedConnection connection;
  explicit Signals(doppel::Replica& rep)
      : connection(rep.signalEmitted.connect(
            [this](int index, const std::vector<Value>& args) { seen.emplace_back(index, args); })) {}
  const std::vector<Value>* find(int index) const {
    for (auto it = seen.rbegin(); it != seen.rend(); ++it)
      if (it->first == index) return &it->second;
    return nullptr;
  }
};

std::shared_ptr<doppel::Replica> checkChild(doppel::Replica& parent,
                                            const std::string& property,
                                            const std::string& name,
                                            const std::string& typeName) {
  auto child = parent.child(property);
  const std::string check = "child." + name;
  if (!child) {
    g_check.fail(check, "no child replica in " + property);
    return nullptr;
  }
  if (child->name() != name || child->interface().typeName != typeName ||
      child->state() != ReplicaState::Valid) {
    g_check.fail(check, "name \"" + child->name() + "\" type \"" + child->interface().typeName +
                            "\" state " + doppel::replicaStateName(child->state()));
    return child;
  }
  g_check.ok(check);
  g_check.value(check + ".parent-value", parent.property(property), Value::string(name));
  return child;
}

void call(doppel::EventLoop& loop, doppel::Replica& rep, const std::string& check,
          const std::string& slot, std::vector<Value> args, const Value& expected) {
  auto reply = rep.call(slot, std::move(args));
  if (!reply.waitForFinished(kTimeout)) {
    g_check.fail(check, "no reply");
    return;
  }
  if (reply.error()) {
    g_check.fail(check, reply.error()->toString());
    return;
  }
  g_check.value(check, reply.returnValue(), expected);
  (void)loop;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || (argc == 3 && std::strcmp(argv[2], "--no-model") != 0) || argc > 3) {
    std::fprintf(stderr, "usage: doppel_children_client URL [--no-model]\n");
    return 2;
  }
  const bool withModel = argc == 2;
  auto loop = doppel::makeEventLoop();
  doppel::NodeOptions options;
  options.callTimeout = kTimeout;
  doppel::Node node(*loop, options);
  node.error.connect([](const doppel::Error& e) {
    std::fprintf(stderr, "doppel_children_client: node error: %s\n", e.toString().c_str());
  });
  if (!node.connectToNode(argv[1])) return 1;
  auto lab = node.acquireDynamic("Lab");
  if (!lab->waitForSource(kTimeout)) {
    g_check.fail("Lab.init", std::string("state ") + doppel::replicaStateName(lab->state()));
    return 1;
  }
  g_check.ok("Lab.init");
  g_check.value("Lab.top", lab->property("top"), Value::int32(1));
  const auto& props = lab->interface().properties;
  if (props.size() == 4 && props[1].type == "QObject*" && props[3].type == "QAbstractItemModel*")
    g_check.ok("Lab.pointer-types");
  else
    g_check.fail("Lab.pointer-types", "child/tracks not QObject*/QAbstractItemModel*");

  auto child = checkChild(*lab, "child", "Class::Lab::child", "Child");
  if (!child) return 1;
  g_check.value("child.value", child->property("value"), Value::int32(3));
  g_check.value("child.label", child->property("label"), Value::string("c"));
  auto grand = checkChild(*child, "grand", "Class::child::grand", "Grand");
  if (grand) g_check.value("grand.depth", grand->property("depth"), Value::int32(2));
  if (lab->child("spare") == nullptr && !lab->property("spare").isValid())
    g_check.ok("spare.null");
  else
    g_check.fail("spare.null", "spare is " + lab->property("spare").debugString());
  if (withModel) {
    auto tracks = lab->child("tracks");
    if (tracks && tracks->name() == "Model::Lab::tracks" &&
        tracks->interface().typeName == "QAbstractItemModelAdapter")
      g_check.ok("tracks.model-child");
    else
      g_check.fail("tracks.model-child", tracks ? tracks->name() : "no child replica");
  }

  // Calls, signals and writes on a child go by its own name.
  Signals childSignals(*child);
  call(*loop, *child, "child.bump", "bump", {Value::int32(5)}, Value::int32(8));
  const int pinged = child->interface().signalIndex("pinged");
  if (runUntil(*loop, [&] { return childSignals.find(pinged) != nullptr; }))
    g_check.value("child.pinged", (*childSignals.find(pinged))[0], Value::string("bumped 5"));
  else
    g_check.fail("child.pinged", "no signal");
  g_check.value("child.value-after-bump", child->property("value"), Value::int32(8));
  if (auto r = child->setProperty("label", Value::string("w")); !r)
    g_check.fail("child.write", r.error().toString());
  if (runUntil(*loop, [&] { return child->property("label") == Value::string("w"); }))
    g_check.ok("child.write");
  else
    g_check.fail("child.write", "label is " + child->property("label").debugString());
  if (grand) {
    Signals grandSignals(*grand);
    call(*loop, *grand, "grand.poke", "poke", {}, Value());
    const int poked = grand->interface().signalIndex("poked");
    if (runUntil(*loop, [&] { return grandSignals.find(poked) != nullptr; }))
      g_check.value("grand.poked", (*grandSignals.find(poked))[0], Value::int32(1));
    else
      g_check.fail("grand.poked", "no signal");
    if (runUntil(*loop, [&] { return grand->property("depth") == Value::int32(3); }))
      g_check.ok("grand.depth-after-poke");
    else
      g_check.fail("grand.depth-after-poke", grand->property("depth").debugString());
  }

  // The pointer replaced: the child replica (same name, same class) is re-initialized.
  int childChanges = 0;
  doppel::ScopedConnection watch = lab->childChanged.connect([&](int) { ++childChanges; });
  call(*loop, *lab, "Lab.replaceChild", "replaceChild", {}, Value());
  if (runUntil(*loop, [&] {
        auto c = lab->child("child");
        return c && c->property("label") == Value::string("second");
      })) {
    auto now = lab->child("child");
    g_check.value("replaced.value", now->property("value"), Value::int32(10));
    auto newGrand = now->child("grand");
    if (newGrand)
      g_check.value("replaced.grand.depth", newGrand->property("depth"), Value::int32(7));
    else
      g_check.fail("replaced.grand.depth", "no grand child");
    call(*loop, *now, "replaced.bump", "bump", {Value::int32(1)}, Value::int32(11));
  } else {
    g_check.fail("replaced", "the child did not change");
  }

  // Null: the child replica goes.
  call(*loop, *lab, "Lab.clearChild", "clearChild", {}, Value());
  if (runUntil(*loop, [&] { return lab->child("child") == nullptr; }) &&
      !lab->property("child").isValid() && childChanges >= 1)
    g_check.ok("cleared");
  else
    g_check.fail("cleared", "child still there");
  if (child->state() == ReplicaState::Suspect)
    g_check.ok("cleared.suspect");
  else
    g_check.fail("cleared.suspect", doppel::replicaStateName(child->state()));

  std::fprintf(stderr, "doppel_children_client: %d failures\n", g_check.failures());
  return g_check.failures() == 0 ? 0 : 1;
}
