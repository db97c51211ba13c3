// `doppel watch`: one JSON line per property change, signal and replica state change, until
// SIGINT or SIGTERM. The node redials a host that went away, so the watch outlives restarts:
// {"state":"Suspect"} when the host goes, {"state":"Valid"} and the properties that moved when
// it is back.
#include <atomic>
#include <csignal>

#include "commands.h"

namespace doppel::cli {

namespace {

// Set by the signal handler; the loop polls it. (EventLoop::stop() is not async-signal-safe.)
std::atomic<bool> g_stopRequested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void requestStop(int /*signal*/) {
  g_stopRequested.store(true);
}

void installStopHandlers() {
  struct sigaction action {};
  action.sa_handler = requestStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

Result<void> runWatch(Session& session) {
  installStopHandlers();
  session.setCancelled([] { return g_stopRequested.load(); });
  if (auto r = session.connect(/*retryUntilDeadline=*/true); !r)
    return g_stopRequested ? Result<void>() : r;
  if (auto r = session.acquire(); !r) return g_stopRequested ? Result<void>() : r;
  Replica& replica = session.replica();
  // The interface may change when the host comes back with another version of the object.
  auto types = std::make_shared<TypeContext>(replica.interface());

  const ScopedConnection onInit =
      replica.initialized.connect([&replica, types] { *types = TypeContext(replica.interface()); });

  const ScopedConnection onProperty =
      replica.propertyChanged.connect([&replica, types](int index, const Value& value) {
        const auto& props = replica.interface().properties;
        if (index < 0 || static_cast<std::size_t>(index) >= props.size()) return;
        const PropertyDef& p = props[static_cast<std::size_t>(index)];
        Json line = Json::object();
        line["property"] = p.name;
        line["value"] = toJson(value, p.type, *types);
        printLine(dumpJson(line));
      });

  const ScopedConnection onSignal =
      replica.signalEmitted.connect([&replica, types](int index, const std::vector<Value>& args) {
        const ClassInterface& iface = replica.interface();
        if (index < 0 || static_cast<std::size_t>(index) >= iface.signalDefs.size()) return;
        // A property's change signal is already reported as the property's new value.
        for (const auto& p : iface.properties) {
          if (p.notifySignal == index) return;
        }
        const SignalDef& s = iface.signalDefs[static_cast<std::size_t>(index)];
        Json line = Json::object();
        line["signal"] = s.name;
        Json list = Json::array();
        for (std::size_t i = 0; i < args.size(); ++i) {
          const std::string type = i < s.params.size() ? s.params[i].type : std::string();
          list.push_back(toJson(args[i], type, *types));
        }
        line["args"] = std::move(list);
        printLine(dumpJson(line));
      });

  const ScopedConnection onState =
      replica.stateChanged.connect([](ReplicaState next, ReplicaState /*previous*/) {
        Json line = Json::object();
        line["state"] = replicaStateName(next);
        printLine(dumpJson(line));
      });

  while (!g_stopRequested.load()) {
    session.loop().runUntil([] { return g_stopRequested.load(); },
                            Clock::now() + std::chrono::milliseconds(100));
  }
  return {};
}

}  // namespace doppel::cli
