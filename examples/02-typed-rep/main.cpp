// Typed source and replica generated from thermostat.rep by doppelc, talking over tcp in one
// process: a SimpleSource with its slots implemented, and node.acquire<ThermostatReplica>().
// Also shows a mismatching interface ending in SignatureMismatch. Exit code 0 = all worked.
#include <cstdio>

#include "doppel/doppel.h"
#include "rep_thermostat_merged.h"

namespace {

class Thermostat : public ThermostatSimpleSource {
public:
  std::int32_t bump(std::int32_t steps) override {
    setTarget(target() + 0.5 * steps);
    alarm("bumped", steps);
    return steps * 2;
  }
  void reset() override { setTarget(20.5); }
};

int fail(const char* what) {
  std::fprintf(stderr, "FAILED: %s\n", what);
  return 1;
}

}  // namespace

int main() {
  using namespace std::chrono_literals;
  auto loop = doppel::makeEventLoop();
  const auto deadline = [] { return doppel::Clock::now() + 5s; };

  Thermostat thermostat;
  thermostat.setLast(Reading{21.25, "kitchen"});
  thermostat.setHistory({1, 2, 3});
  doppel::Host host(*loop);
  if (auto r = host.listen("tcp://127.0.0.1:0"); !r) return fail("listen");
  if (auto r = host.enableRemoting(thermostat); !r) return fail("enableRemoting");

  doppel::Node node(*loop);
  (void)node.connectToNode(host.urls().front());
  if (!node.waitForConnected(5s)) return fail("connect");
  for (const auto& info : node.remoteObjects())
    std::printf("host advertises %s type=%s signature=%s\n", info.name.c_str(), info.typeName.c_str(),
                info.signature.c_str());

  auto replica = node.acquire<ThermostatReplica>("Thermostat");
  std::string lastAlarm;
  replica->alarm.connect([&](const std::string& message, std::int32_t level) {
    lastAlarm = message + ":" + std::to_string(level);
  });
  if (!replica->waitForSource(5s)) return fail("replica not valid");
  std::printf("target=%.2f mode=%s last=%s/%.2f location=%s history=%zu\n", replica->target(),
              std::string(ThermostatEnums::keyName(replica->mode())).c_str(), replica->last().sensor.c_str(),
              replica->last().celsius, replica->location().c_str(), replica->history().size());
  if (replica->mode() != ThermostatReplica::Mode::Heat || replica->location() != "hall" ||
      !(replica->last() == Reading{21.25, "kitchen"}) || replica->history() != std::vector<std::int32_t>{1, 2, 3})
    return fail("initial values");

  auto reply = replica->bump(3);
  if (!reply.waitForFinished(5s) || reply.value() != 6) return fail("bump reply");
  loop->runUntil([&] { return replica->target() == 22.0 && !lastAlarm.empty(); }, deadline());
  if (replica->target() != 22.0 || lastAlarm != "bumped:3") return fail("bump effects");

  (void)replica->setTarget(18.0);  // READWRITE: goes through the source's setter
  (void)replica->pushMode(ThermostatReplica::Mode::Cool);  // READPUSH
  loop->runUntil([&] { return thermostat.target() == 18.0 && replica->mode() == ThermostatReplica::Mode::Cool; },
                 deadline());
  if (thermostat.target() != 18.0 || thermostat.mode() != ThermostatSource::Mode::Cool) return fail("writes");

  // A replica built from a different interface (another signature) never becomes Valid.
  doppel::InterfaceBuilder other("Thermostat");
  other.signature("0000000000000000000000000000000000000000").property("target", "double");
  Thermostat second;
  if (auto r = host.enableRemoting(second, "Thermostat2"); !r) return fail("enableRemoting second");
  auto mismatched = node.acquire("Thermostat2", other.build());
  loop->runUntil([&] { return mismatched->state() == doppel::ReplicaState::SignatureMismatch; }, deadline());
  std::printf("mismatching replica: %s\n", doppel::replicaStateName(mismatched->state()));
  if (mismatched->state() != doppel::ReplicaState::SignatureMismatch) return fail("signature mismatch");
  std::printf("ok\n");
  return 0;
}
