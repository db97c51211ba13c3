// doppel_interop_client (URL | --registry REGURL) [NAMES] [--reconnect]
//
// A doppel node reading a Qt host through dynamic replicas. NAMES is a comma-separated list of
// "Interop" and "Plain" (default: both). For each object it checks the ObjectList entry, every
// property against ../interop_values.h (type and value), every slot reply, a property write
// and a push coming back, and the signals fire() emits (arguments, order, and no stale
// arguments on fired(), protocol §15.1). Heartbeats are on, so the Qt host answers Pings.
//
// With --reconnect (the host is killed and restarted by the driver): after the checks it prints
// WAITING_RESTART, waits up to 15 s for every replica to go Suspect and then Valid again, checks
// that `resynced` named the properties the client had changed, checks the values against the
// table again, and calls a slot over the new connection.
//
// Prints "ok <check>" or "FAIL <check>: <message>" per check; exits 0 only if all passed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "doppel/doppel.h"

#include "../interop_values.h"
#include "doppel/web.h"
#include "interop_doppel.h"

using doppel::Clock;
using doppel::ReplicaState;
using doppel::Value;
using namespace std::chrono_literals;

namespace {

constexpr auto kInitTimeout = 10s;
constexpr auto kCallTimeout = 5s;
constexpr auto kRestartTimeout = 15s;

interopd::Checker g_check;

int usage() {
  std::fprintf(
      stderr,
      "usage: doppel_interop_client (URL | --registry REGURL) [Interop,Plain] [--reconnect]\n");
  return 2;
}

bool runUntil(doppel::EventLoop& loop,
              const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
  return loop.runUntil(done, Clock::now() + timeout);
}

// Signals of one replica in arrival order, with their arguments.
struct SignalLog {
  struct Entry {
    int index;
    std::vector<Value> args;
  };
  std::vector<Entry> entries;
  doppel::ScopedConnection connection;

  explicit SignalLog(doppel::Replica& rep)
      : connection(rep.signalEmitted.connect([this](int index, const std::vector<Value>& args) {
          entries.push_back({index, args});
        })) {}

  const Entry* find(int index) const {
    for (const auto& e : entries)
      if (e.index == index) return &e;
    return nullptr;
  }
};

// State changes and resync reports of one replica.
struct StateLog {
  std::vector<ReplicaState> states;
  std::vector<std::vector<int>> resyncs;
  doppel::ScopedConnection stateConnection;
  doppel::ScopedConnection resyncConnection;

  StateLog(doppel::Replica& rep, const std::string& name)
      : stateConnection(
            rep.stateChanged.connect([this, name](ReplicaState now, ReplicaState before) {
              std::fprintf(stderr, "doppel_interop_client: %s %s -> %s\n", name.c_str(),
                           doppel::replicaStateName(before), doppel::replicaStateName(now));
              states.push_back(now);
            })),
        resyncConnection(rep.resynced.connect(
            [this](const std::vector<int>& changed) { resyncs.push_back(changed); })) {}

  bool saw(ReplicaState s) const {
    for (auto x : states)
      if (x == s) return true;
    return false;
  }
};

void checkObjectList(doppel::Node& node, const std::string& name) {
  for (const auto& info : node.remoteObjects()) {
    if (info.name != name) continue;
    if (name == "Interop") {
      // A repc source: its type name and repc's signature.
      if (info.typeName == "Interop" && info.signature == interop::kInteropSignature)
        g_check.ok(name + ".object-list");
      else
        g_check.fail(name + ".object-list",
                     "typeName \"" + info.typeName + "\" signature \"" + info.signature + "\"");
    } else {
      // A plain QObject: null type name and signature.
      if (info.typeName.empty() && info.signature.empty())
        g_check.ok(name + ".object-list");
      else
        g_check.fail(name + ".object-list",
                     "typeName \"" + info.typeName + "\" signature \"" + info.signature + "\"");
    }
    return;
  }
  g_check.fail(name + ".object-list", "not announced");
}

// Properties: same names in the same order as the table, values exactly as the table says.
void checkProperties(const std::string& object,
                     doppel::Replica& rep,
                     const std::vector<interopd::Expected>& table) {
  const auto& props = rep.interface().properties;
  if (props.size() != table.size())
    g_check.fail(object + ".property-count", "got " + std::to_string(props.size()) + " expected " +
                                                 std::to_string(table.size()));
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& e = table[i];
    const std::string check = object + "." + e.name;
    const int index = rep.interface().propertyIndex(e.name);
    if (index < 0) {
      g_check.fail(check, "no such property");
      continue;
    }
    if (static_cast<std::size_t>(index) != i)
      g_check.fail(check + ".index",
                   "got " + std::to_string(index) + " expected " + std::to_string(i));
    g_check.value(check, rep.property(e.name), e.value);
  }
}

// A call that expects a reply.
void checkCall(const std::string& check,
               doppel::Replica& rep,
               std::string_view method,
               std::vector<Value> args,
               const Value& expected) {
  auto reply = rep.call(method, std::move(args));
  if (!reply.waitForFinished(kCallTimeout)) {
    g_check.fail(check, "no reply within 5 s");
    return;
  }
  if (!reply.isOk()) {
    g_check.fail(check,
                 "call failed: " + (reply.error() ? reply.error()->toString() : std::string("?")));
    return;
  }
  g_check.value(check, reply.returnValue(), expected);
}

// A void call: Qt sends no reply; the PendingReply finishes at once.
void callVoid(const std::string& check,
              doppel::Replica& rep,
              std::string_view method,
              std::vector<Value> args) {
  auto reply = rep.call(method, std::move(args));
  if (!reply.waitForFinished(kCallTimeout) || !reply.isOk())
    g_check.fail(check, "void call failed" +
                            (reply.error() ? ": " + reply.error()->toString() : std::string()));
}

// Runs `change`, then waits until property `name` has `expected` and a change was reported.
void checkRoundTrip(const std::string& check,
                    doppel::EventLoop& loop,
                    doppel::Replica& rep,
                    const std::string& name,
                    const Value& expected,
                    const std::function<void()>& change) {
  const int index = rep.interface().propertyIndex(name);
  int notified = 0;
  doppel::ScopedConnection c =
      rep.propertyChanged.connect([&](int i, const Value&) { notified += i == index; });
  change();
  const bool arrived = runUntil(
      loop,
      [&] { return notified > 0 && interopd::matches(rep.property(name), expected, nullptr); },
      kCallTimeout);
  if (arrived)
    g_check.ok(check);
  else
    g_check.fail(check, "got " + rep.property(name).debugString() + " (" +
                            std::to_string(notified) + " change notifications) expected " +
                            expected.debugString());
}

void checkInteropCalls(const std::string& object, doppel::Replica& rep) {
  checkCall(object + ".add", rep, "add",
            {Value::int32(interop::kAddA), Value::int32(interop::kAddB)},
            Value::int32(interop::kAddResult));
  checkCall(object + ".echo", rep, "echo", {Value::string(INTEROP_TEXT)},
            Value::string(INTEROP_TEXT));
  checkCall(object + ".echo-null", rep, "echo", {Value::nullString()}, Value::nullString());
  checkCall(object + ".echoPod", rep, "echoPod",
            {interopd::myPod(interop::kEchoPodI, interop::kEchoPodS, interop::kEchoPodD)},
            interopd::myPod(interop::kEchoPodI + 1, std::string(interop::kEchoPodS) + "!",
                            interop::kEchoPodD * 2));
  checkCall(object + ".nextMode", rep, "nextMode", {Value::enumValue("Mode", interop::kModeOn)},
            Value::enumValue("Mode", interop::kModeAuto));
  Value::List values;
  for (int v : interop::kSumValues) values.push_back(Value::int32(v));
  checkCall(object + ".sum", rep, "sum", {Value::userList("QList<int>", values)},
            Value::int64(interop::kSumResult));
  const Value pods = interopd::tableValue(interopd::interopProperties(), "podListProp");
  Value::List reversed = pods.toList();
  std::reverse(reversed.begin(), reversed.end());
  checkCall(object + ".reversePods", rep, "reversePods", {pods},
            Value::userList("QList<MyPod>", std::move(reversed)));
}

void checkFireSignals(const std::string& object, doppel::EventLoop& loop, doppel::Replica& rep) {
  const auto& iface = rep.interface();
  const int pinged = iface.signalIndex("pinged");
  const int rich = iface.signalIndex("richSignal");
  const int fired = iface.signalIndex("fired");
  if (pinged < 0 || rich < 0 || fired < 0) {
    g_check.fail(object + ".signals", "pinged/richSignal/fired not in the interface");
    return;
  }
  SignalLog log(rep);
  callVoid(object + ".fire", rep, "fire",
           {Value::string(interop::kFireMsg), Value::int32(interop::kFireN)});
  if (!runUntil(
          loop, [&] { return log.find(fired) != nullptr; }, kCallTimeout)) {
    g_check.fail(object + ".fire",
                 "fired() not received; " + std::to_string(log.entries.size()) + " signals seen");
    return;
  }
  g_check.ok(object + ".fire");
  const std::string msg = interop::kFireMsg;
  const int n = interop::kFireN;
  if (const auto* p = log.find(pinged); !p || p->args.size() != 2) {
    g_check.fail(object + ".pinged",
                 p ? std::to_string(p->args.size()) + " arguments" : "not received");
  } else {
    g_check.value(object + ".pinged.msg", p->args[0], Value::string(msg));
    g_check.value(object + ".pinged.n", p->args[1], Value::int32(n));
  }
  if (const auto* r = log.find(rich); !r || r->args.size() != 4) {
    g_check.fail(object + ".richSignal",
                 r ? std::to_string(r->args.size()) + " arguments" : "not received");
  } else {
    g_check.value(object + ".richSignal.pod", r->args[0],
                  interopd::myPod(n, msg, interop::kRichPodD));
    g_check.value(object + ".richSignal.mode", r->args[1],
                  Value::enumValue("Mode", interop::kModeOn));
    g_check.value(object + ".richSignal.list", r->args[2],
                  Value::userList("QList<int>", {Value::int32(n), Value::int32(-n)}));
    g_check.value(object + ".richSignal.map", r->args[3],
                  Value::map({{Value::string("msg"), Value::string(msg)},
                              {Value::string("n"), Value::int32(n)}}));
  }
  // A Qt host may send fired() with the four stale arguments of richSignal (§15.1).
  if (const auto* f = log.find(fired); f->args.empty())
    g_check.ok(object + ".fired.no-stale-args");
  else
    g_check.fail(object + ".fired.no-stale-args",
                 std::to_string(f->args.size()) + " arguments passed on");
  std::vector<int> order;
  for (const auto& e : log.entries)
    if (e.index == pinged || e.index == rich || e.index == fired) order.push_back(e.index);
  if (order == std::vector<int>{pinged, rich, fired})
    g_check.ok(object + ".signal-order");
  else
    g_check.fail(object + ".signal-order",
                 std::to_string(order.size()) + " signals in another order");
}

void checkInterop(doppel::EventLoop& loop, doppel::Replica& rep, bool restoreAfter) {
  const std::string object = "Interop";
  const auto table = interopd::interopProperties();
  checkProperties(object, rep, table);
  checkInteropCalls(object, rep);
  checkRoundTrip(object + ".write-text", loop, rep, "text", Value::string(interop::kWrittenText),
                 [&] {
                   if (auto r = rep.setProperty("text", Value::string(interop::kWrittenText)); !r)
                     g_check.fail(object + ".write-text.call", r.error().toString());
                 });
  checkRoundTrip(object + ".pushCounter", loop, rep, "counter",
                 Value::int32(interop::kPushedCounter), [&] {
                   callVoid(object + ".pushCounter.call", rep, "pushCounter",
                            {Value::int32(interop::kPushedCounter)});
                 });
  checkFireSignals(object, loop, rep);
  if (restoreAfter) {
    // Leave the host as we found it, for the next client.
    checkRoundTrip(object + ".restore-text", loop, rep, "text", interopd::tableValue(table, "text"),
                   [&] { (void)rep.setProperty("text", interopd::tableValue(table, "text")); });
    checkRoundTrip(object + ".restore-counter", loop, rep, "counter",
                   interopd::tableValue(table, "counter"), [&] {
                     callVoid(object + ".restore-counter.call", rep, "pushCounter",
                              {interopd::tableValue(table, "counter")});
                   });
  }
}

void checkPlain(doppel::EventLoop& loop, doppel::Replica& rep, bool restoreAfter) {
  const std::string object = "Plain";
  const auto table = interopd::plainProperties();
  checkProperties(object, rep, table);
  checkCall(object + ".twice", rep, "twice", {Value::int32(interop::kTwiceArg)},
            Value::int32(interop::kTwiceResult));
  checkCall(object + ".greet", rep, "greet", {Value::string(interop::kGreetName)},
            Value::string(interop::kGreetResult));
  checkRoundTrip(object + ".write-label", loop, rep, "label", Value::string(interop::kWrittenText),
                 [&] {
                   if (auto r = rep.setProperty("label", Value::string(interop::kWrittenText)); !r)
                     g_check.fail(object + ".write-label.call", r.error().toString());
                 });
  const int happened = rep.interface().signalIndex("somethingHappened");
  SignalLog log(rep);
  callVoid(object + ".trigger", rep, "trigger",
           {Value::string(interop::kTriggerWhat), Value::float64(interop::kTriggerValue)});
  if (!runUntil(
          loop, [&] { return log.find(happened) != nullptr; }, kCallTimeout)) {
    g_check.fail(object + ".somethingHappened", "not received");
  } else if (const auto* s = log.find(happened); s->args.size() != 2) {
    g_check.fail(object + ".somethingHappened", std::to_string(s->args.size()) + " arguments");
  } else {
    g_check.value(object + ".somethingHappened.what", s->args[0],
                  Value::string(interop::kTriggerWhat));
    g_check.value(object + ".somethingHappened.value", s->args[1],
                  Value::float64(interop::kTriggerValue));
  }
  if (restoreAfter) {
    checkRoundTrip(object + ".restore-label", loop, rep, "label",
                   interopd::tableValue(table, "label"),
                   [&] { (void)rep.setProperty("label", interopd::tableValue(table, "label")); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  bool viaRegistry = false;
  bool reconnect = false;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--registry") == 0 && i + 1 < argc && url.empty()) {
      viaRegistry = true;
      url = argv[++i];
    } else if (std::strcmp(argv[i], "--reconnect") == 0) {
      reconnect = true;
    } else if (url.empty() && argv[i][0] != '-') {
      url = argv[i];
    } else if (names.empty() && argv[i][0] != '-') {
      std::string list = argv[i];
      for (std::size_t start = 0; start <= list.size();) {
        const auto comma = std::min(list.find(',', start), list.size());
        if (comma > start) names.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
    } else {
      return usage();
    }
  }
  if (url.empty()) return usage();
  if (names.empty()) names = {"Interop", "Plain"};
  for (const auto& n : names)
    if (n != "Interop" && n != "Plain") return usage();

  // The web loop dials ws:// itself and hands every other URL to the socket loop.
  auto socketLoop = doppel::makeEventLoop();
  auto loop = doppel::makeWebEventLoop(*socketLoop);
  doppel::NodeOptions options;
  options.heartbeatInterval = 500ms;  // Qt hosts answer Pings for any name (§7.3)
  options.callTimeout = kCallTimeout;
  options.reconnectDelay = 100ms;
  options.reconnectMaxDelay = 500ms;
  doppel::Node node(*loop, options);
  node.error.connect([](const doppel::Error& e) {
    std::fprintf(stderr, "doppel_interop_client: node error: %s\n", e.toString().c_str());
  });
  const auto connected = viaRegistry ? node.setRegistryUrl(url) : node.connectToNode(url);
  if (!connected) {
    g_check.fail("connect", connected.error().toString());
    return 1;
  }

  struct Watched {
    std::string name;
    std::shared_ptr<doppel::Replica> replica;
    std::unique_ptr<StateLog> states;
  };
  std::vector<Watched> replicas;
  for (const auto& name : names) {
    auto rep = node.acquireDynamic(name);
    auto states = std::make_unique<StateLog>(*rep, name);
    if (!rep->waitForSource(kInitTimeout)) {
      g_check.fail(name + ".init", std::string("not Valid within 10 s (state ") +
                                       doppel::replicaStateName(rep->state()) + ")");
      continue;
    }
    g_check.ok(name + ".init");
    checkObjectList(node, name);
    if (name == "Interop")
      checkInterop(*loop, *rep, !reconnect);
    else
      checkPlain(*loop, *rep, !reconnect);
    replicas.push_back({name, std::move(rep), std::move(states)});
  }

  if (reconnect && !replicas.empty()) {
    interopd::say("WAITING_RESTART");
    const bool suspect = runUntil(
        *loop,
        [&] {
          for (const auto& w : replicas)
            if (!w.states->saw(ReplicaState::Suspect)) return false;
          return true;
        },
        kRestartTimeout);
    if (suspect)
      g_check.ok("restart.suspect");
    else
      g_check.fail("restart.suspect", "not every replica went Suspect within 15 s");
    const bool valid = runUntil(
        *loop,
        [&] {
          for (const auto& w : replicas)
            if (w.replica->state() != ReplicaState::Valid || w.states->resyncs.empty())
              return false;
          return true;
        },
        kRestartTimeout);
    if (valid)
      g_check.ok("restart.valid");
    else
      g_check.fail("restart.valid", "not every replica Valid and resynced within 15 s");
    for (auto& w : replicas) {
      const auto& iface = w.replica->interface();
      // The client changed these before the restart; the new host starts from the table.
      const std::vector<std::string> changed = w.name == "Interop"
                                                   ? std::vector<std::string>{"text", "counter"}
                                                   : std::vector<std::string>{"label"};
      if (w.states->resyncs.empty()) {
        g_check.fail(w.name + ".resynced", "no resynced signal");
      } else {
        const auto& got = w.states->resyncs.back();
        for (const auto& prop : changed) {
          const int index = iface.propertyIndex(prop);
          if (std::find(got.begin(), got.end(), index) != got.end())
            g_check.ok(w.name + ".resynced." + prop);
          else
            g_check.fail(w.name + ".resynced." + prop,
                         "not among the " + std::to_string(got.size()) + " properties reported");
        }
      }
      const auto table =
          w.name == "Interop" ? interopd::interopProperties() : interopd::plainProperties();
      checkProperties(w.name + ".after-restart", *w.replica, table);
      if (w.name == "Interop") {
        checkCall("Interop.after-restart.add", *w.replica, "add",
                  {Value::int32(interop::kAddA), Value::int32(interop::kAddB)},
                  Value::int32(interop::kAddResult));
        checkFireSignals("Interop.after-restart", *loop, *w.replica);
      }
    }
  }

  interopd::say(std::to_string(g_check.passes()) + " passed, " +
                std::to_string(g_check.failures()) + " failed");
  return g_check.failures() == 0 ? 0 : 1;
}
