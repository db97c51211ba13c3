// The doppel side of the typed interop tests: thermostat.rep compiled by doppelc.
//   doppel_typed_peer host URL               serves a ThermostatSimpleSource, prints READY
//   doppel_typed_peer client URL valid|mismatch
// The client checks every property kind, a slot with a reply, a signal, a READWRITE write and a
// READPUSH push; or, with "mismatch", that the replica ends in SignatureMismatch.
#include <cstdio>
#include <cstring>
#include <string>

#include "doppel/doppel.h"
#include "rep_thermostat_merged.h"

namespace {

using namespace std::chrono_literals;

class Thermostat : public ThermostatSimpleSource {
public:
  std::int32_t bump(std::int32_t steps) override {
    setTarget(target() + 0.5 * steps);
    alarm("bumped", steps);
    return steps * 2;
  }
  void reset() override { setTarget(20.5); }
};

int fail(const std::string& what) {
  std::fprintf(stderr, "doppel_typed_peer: FAILED: %s\n", what.c_str());
  return 1;
}

int host(const char* url) {
  auto loop = doppel::makeEventLoop();
  Thermostat thermostat;
  thermostat.setLast(Reading{21.25, "kitchen"});
  thermostat.setHistory({1, 2, 3});
  doppel::Host h(*loop);
  if (auto r = h.listen(url); !r) return fail("listen: " + r.error().toString());
  if (auto r = h.enableRemoting(thermostat); !r) return fail("enableRemoting");
  std::printf("READY\n");
  std::fflush(stdout);
  loop->run();
  return 0;
}

int client(const char* url, bool expectValid) {
  auto loop = doppel::makeEventLoop();
  const auto deadline = [&] { return doppel::Clock::now() + 10s; };
  doppel::Node node(*loop);
  (void)node.connectToNode(url);
  auto rep = node.acquire<ThermostatReplica>("Thermostat");
  if (!expectValid) {
    loop->runUntil([&] { return rep->replicaState() == doppel::ReplicaState::SignatureMismatch; }, deadline());
    std::printf("state %s\n", doppel::replicaStateName(rep->replicaState()));
    return rep->replicaState() == doppel::ReplicaState::SignatureMismatch ? 0 : fail("no SignatureMismatch");
  }
  std::string alarm;
  rep->alarm.connect([&](const std::string& m, std::int32_t level) { alarm = m + ":" + std::to_string(level); });
  if (!rep->waitForSource(10s)) return fail(std::string("not Valid: ") + doppel::replicaStateName(rep->replicaState()));
  if (rep->target() != 20.5) return fail("target");
  if (rep->mode() != ThermostatReplica::Mode::Heat) return fail("mode");
  if (!(rep->last() == Reading{21.25, "kitchen"})) return fail("POD last");
  if (rep->history() != std::vector<std::int32_t>{1, 2, 3}) return fail("history");
  if (rep->location() != "hall") return fail("CONSTANT location");
  auto reply = rep->bump(3);
  if (!reply.waitForFinished(10s) || !reply.isOk() || reply.value() != 6) return fail("bump reply");
  loop->runUntil([&] { return rep->target() == 22.0 && alarm == "bumped:3"; }, deadline());
  if (rep->target() != 22.0 || alarm != "bumped:3") return fail("bump effects: alarm=" + alarm);
  if (!rep->setTarget(18.0)) return fail("setTarget");
  loop->runUntil([&] { return rep->target() == 18.0; }, deadline());
  if (rep->target() != 18.0) return fail("READWRITE write");
  (void)rep->pushMode(ThermostatReplica::Mode::Cool);
  loop->runUntil([&] { return rep->mode() == ThermostatReplica::Mode::Cool; }, deadline());
  if (rep->mode() != ThermostatReplica::Mode::Cool) return fail("READPUSH push");
  std::printf("typed client ok\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "host") == 0) return host(argv[2]);
  if (argc >= 4 && std::strcmp(argv[1], "client") == 0) return client(argv[2], std::strcmp(argv[3], "valid") == 0);
  std::fprintf(stderr, "usage: doppel_typed_peer host URL | client URL valid|mismatch\n");
  return 2;
}
