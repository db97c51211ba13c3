// doppel_typed_children host URL | client URL
//
// ../children.rep compiled by doppelc (docs/doppelc.md): the generated twins of
// doppel_children_host and doppel_children_client.
//
// host: shares a generated LabSimpleSource with a Child (value 3, label "c") holding a Grand
// (depth 2) in `child`, a null `spare` and a two-row ListModel in the MODEL member `tracks`
// (setTracks), with qt_children_host's slots: Child::bump(by) adds `by` to value, emits
// pinged("bumped <by>") and returns the new value; Grand::poke() raises depth and emits
// poked(count); Lab::replaceChild() puts a Child (10, "second", depth 7) in `child`;
// Lab::clearChild() sets it to null. The classes advertise doppelc's (= repc's) signatures.
// Prints "READY <url>"; quits on SIGTERM/SIGINT.
//
// client: reads "Lab" (qt_children_host) through the generated LabReplica: typed child and
// grandchild replicas (their classes registered by acquire<LabReplica>), the null `spare`, the
// MODEL member as a ModelReplica with its rows, a child slot reply, a child signal, a write to
// a child's READWRITE property, a grandchild slot and signal. Prints "ok <check>" /
// "FAIL <check>: <message>"; exits 0 only if all passed.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "doppel/doppel.h"
#include "doppel/model.h"
#include "doppel/model_replica.h"

#include "interop_doppel.h"
#include "rep_children_merged.h"

using doppel::Value;
using namespace std::chrono_literals;

namespace {

constexpr auto kTimeout = 10s;

class Grand : public GrandSimpleSource {
public:
  void poke() override {
    setDepth(depth() + 1);
    poked(++m_pokes);
  }

private:
  std::int32_t m_pokes = 0;
};

class Child : public ChildSimpleSource {
public:
  Child(std::int32_t value, const std::string& label, std::int32_t depth) {
    setValue(value);
    setLabel(label);
    m_grand.setDepth(depth);
    (void)setGrand(&m_grand);
  }
  std::int32_t bump(std::int32_t by) override {
    setValue(value() + by);
    pinged("bumped " + std::to_string(by));
    return value();
  }

private:
  Grand m_grand;
};

class Lab : public LabSimpleSource {
public:
  Lab() : m_first(std::make_unique<Child>(3, "c", 2)) {
    m_tracks.appendRow({Value::string("t0")});
    m_tracks.appendRow({Value::string("t1")});
    (void)setChild(m_first.get());
    (void)setTracks(&m_tracks);
  }
  void replaceChild() override {
    auto next = std::make_unique<Child>(10, "second", 7);
    (void)setChild(next.get());
    m_replaced = std::move(next);  // the previous replacement goes now
  }
  void clearChild() override { (void)setChild(nullptr); }
  // The model's adapter lives in LabSource, which outlives these members: let go of it first.
  ~Lab() override { (void)setTracks(nullptr); }

private:
  doppel::ListModel m_tracks{{{doppel::Role::Display, "display"}}};
  std::unique_ptr<Child> m_first;
  std::unique_ptr<Child> m_replaced;
};

int host(const char* url) {
  interopd::blockStopSignals();
  auto loop = doppel::makeEventLoop();
  doppel::Host h(*loop);
  if (auto r = h.listen(url); !r) {
    std::fprintf(stderr, "doppel_typed_children: listen: %s\n", r.error().toString().c_str());
    return 1;
  }
  Lab lab;
  if (auto r = h.enableRemoting(lab); !r) {
    std::fprintf(stderr, "doppel_typed_children: enableRemoting: %s\n", r.error().toString().c_str());
    return 1;
  }
  interopd::serveUntilStopped(*loop, h.urls().front());
  return 0;
}

int client(const char* url) {
  interopd::Checker check;
  auto loop = doppel::makeEventLoop();
  auto runUntil = [&](const std::function<bool()>& done) {
    return loop->runUntil(done, doppel::Clock::now() + kTimeout);
  };
  doppel::NodeOptions options;
  options.callTimeout = kTimeout;
  doppel::Node node(*loop, options);
  if (!node.connectToNode(url)) return 1;
  auto lab = node.acquire<LabReplica>("Lab");
  if (!lab->waitForSource(kTimeout)) {
    check.fail("Lab.init", std::string("state ") + doppel::replicaStateName(lab->replicaState()));
    return 1;
  }
  check.ok("Lab.init (signature accepted)");
  check.value("Lab.top", Value::int32(lab->top()), Value::int32(1));

  std::shared_ptr<ChildReplica> child = lab->child();
  if (!child) {
    check.fail("child", "no typed child replica");
    return 1;
  }
  const auto& props = child->replica().interface().properties;
  if (props.size() == 3 && props[1].name == "label")
    check.ok("child.registered-class");
  else
    check.fail("child.registered-class", "placeholder interface");
  check.value("child.value", Value::int32(child->value()), Value::int32(3));
  check.value("child.label", Value::string(child->label()), Value::string("c"));
  std::shared_ptr<GrandReplica> grand = child->grand();
  if (grand)
    check.value("grand.depth", Value::int32(grand->depth()), Value::int32(2));
  else
    check.fail("grand", "no typed grandchild replica");
  if (lab->spare() == nullptr)
    check.ok("spare.null");
  else
    check.fail("spare.null", "spare has a replica");

  std::shared_ptr<doppel::ModelReplica> tracks = lab->tracks();
  if (!tracks || !tracks->waitForInitialized(kTimeout)) {
    check.fail("tracks.model", "no initialized model replica");
  } else {
    check.value("tracks.rows", Value::int32(tracks->rowCount()), Value::int32(2));
    const int display = tracks->roleId("display");
    (void)tracks->data(1, display);
    runUntil([&] { return tracks->data(1, display).isValid(); });
    check.value("tracks.data0", tracks->data(0, display), Value::string("t0"));
    check.value("tracks.data1", tracks->data(1, display), Value::string("t1"));
  }

  std::string pinged;
  child->pinged.connect([&](const std::string& what) { pinged = what; });
  auto bumped = child->bump(5);
  if (bumped.waitForFinished(kTimeout) && bumped.isOk())
    check.value("child.bump", Value::int32(bumped.value()), Value::int32(8));
  else
    check.fail("child.bump", "no reply");
  runUntil([&] { return pinged == "bumped 5" && child->value() == 8; });
  check.value("child.pinged", Value::string(pinged), Value::string("bumped 5"));
  check.value("child.value-after-bump", Value::int32(child->value()), Value::int32(8));
  if (!child->setLabel("w")) check.fail("child.write", "setLabel refused");
  runUntil([&] { return child->label() == "w"; });
  check.value("child.write", Value::string(child->label()), Value::string("w"));

  if (grand) {
    std::int32_t pokes = 0;
    grand->poked.connect([&](std::int32_t count) { pokes = count; });
    (void)grand->poke();
    runUntil([&] { return grand->depth() == 3 && pokes == 1; });
    check.value("grand.depth-after-poke", Value::int32(grand->depth()), Value::int32(3));
    check.value("grand.poked", Value::int32(pokes), Value::int32(1));
  }
  return check.failures() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "host") == 0) return host(argv[2]);
  if (argc == 3 && std::strcmp(argv[1], "client") == 0) return client(argv[2]);
  std::fprintf(stderr, "usage: doppel_typed_children host URL | client URL\n");
  return 2;
}
