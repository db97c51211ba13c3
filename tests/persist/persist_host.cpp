// A host with PERSISTED properties kept in a SQLite file, for the kill tests (persist_kill_test
// and persist_cli_test.sh). It shares "ControlUnit" (speed and label PERSISTED, counter not),
// prints "READY <url>" and runs until SIGTERM or SIGINT; tests kill it with SIGKILL.
//
//   persist_host STORE_FILE URL
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "doppel/doppel.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void requestStop(int /*signal*/) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using doppel::PropertyMode;
  using doppel::Value;
  if (argc != 3) {
    std::fprintf(stderr, "usage: persist_host STORE_FILE URL\n");
    return 1;
  }
  struct sigaction action {};
  action.sa_handler = requestStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  doppel::HostOptions options;
  auto store = doppel::openSqliteStore(argv[1]);
  if (store) {
    options.store = *store;
  } else {
    // As documented: the host still runs, at defaults.
    std::fprintf(stderr, "persist_host: no store: %s\n", store.error().toString().c_str());
  }
  auto loop = doppel::makeEventLoop();
  doppel::Host host(*loop, options);
  if (auto r = host.listen(argv[2]); !r) {
    std::fprintf(stderr, "persist_host: %s\n", r.error().toString().c_str());
    return 1;
  }
  doppel::GadgetDef reading{"Reading", {{"sensor", "QString"}, {"value", "double"}}, {}};
  doppel::Source unit(doppel::InterfaceBuilder("ControlUnit")
                          .gadget(reading)
                          .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
                          .persisted()
                          .property("label", "QString", PropertyMode::ReadWrite,
                                    Value::string("default"))
                          .persisted()
                          .property("last", "Reading", PropertyMode::ReadWrite)
                          .persisted()
                          .property("counter", "int", PropertyMode::ReadWrite)
                          .build());
  if (auto r = host.enableRemoting(unit); !r) {
    std::fprintf(stderr, "persist_host: %s\n", r.error().toString().c_str());
    return 1;
  }
  std::printf("READY %s\n", host.urls().front().c_str());
  std::fflush(stdout);
  while (!g_stop.load()) {
    loop->runUntil([] { return g_stop.load(); },
                   doppel::Clock::now() + std::chrono::milliseconds(100));
  }
  return 0;
}
