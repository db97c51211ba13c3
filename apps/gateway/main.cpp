// doppel-gateway: one process per browser session (docs/gateway.md).
//
//   doppel-gateway --listen 127.0.0.1:8080 --app example_03_imgui_panel --master tcp://127.0.0.1:9999
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "doppel/log.h"

#include "auth.h"
#include "gateway.h"
#include "options.h"

int main(int argc, char** argv) {
  using namespace doppel::gateway;  // NOLINT(google-build-using-namespace): main only
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = parseCommandLine(args);
  if (!cl) {
    std::fprintf(stderr, "doppel-gateway: %s\n%s", cl.error().reason.c_str(), kUsage);
    return 2;
  }
  if (cl->action == CommandLine::Action::Help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cl->action == CommandLine::Action::HashPassword) {
    std::string password;
    if (isatty(0)) std::fprintf(stderr, "password for %s: ", cl->user.c_str());
    std::getline(std::cin, password);
    std::printf("%s\n", hashPasswordLine(cl->user, password).c_str());
    return 0;
  }
  if (std::getenv("DOPPEL_LOG") == nullptr) doppel::setLogLevel(doppel::LogLevel::Info);  // NOLINT(concurrency-mt-unsafe)
  ::signal(SIGPIPE, SIG_IGN);

  doppel::net::io_context io;
  // Before any child exists, so a signal during start-up still stops everything cleanly.
  doppel::net::signal_set stopSignals(io, SIGINT, SIGTERM);
  auto gateway = Gateway::start(io, cl->options);
  if (!gateway) {
    std::fprintf(stderr, "doppel-gateway: %s\n", gateway.error().reason.c_str());
    return 1;
  }
  std::printf("doppel-gateway: open %s\n", (*gateway)->url().c_str());
  std::fflush(stdout);
  stopSignals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    doppel::log(doppel::LogLevel::Info, "gateway", "event=stop signal=" + std::to_string(signal));
    (*gateway)->stop();  // every session process ended and reaped
    io.stop();
  });
  io.run();
  gateway->reset();
  return 0;
}
