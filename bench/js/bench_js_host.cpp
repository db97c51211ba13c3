// The host of the doppel.js benchmarks: the Bench source (bench/bench.rep) on one doppel::Host
// that listens on tcp, a local socket and ws:// at once, so Node.js measures every transport
// against the same host. Also shares "Big", a ListModel of ROWS rows (display "item N", number N)
// for the browser's first-window time, and serves --web-root on the ws port. Prints one
// "LISTENING <url>" line per transport and "HTTP <url>", then runs until killed.
//
//   bench_js_host --local NAME [--rows 100000] [--web-root DIR]
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "doppel/doppel.h"
#include "doppel/model.h"
#include "doppel/web.h"

#include "doppel/bench_interface.h"
#include "common/bench_util.h"

int main(int argc, char** argv) {
  using doppel::Value;
  const bench::Args args(argc, argv);
  const std::string local = args.str("local");
  if (local.empty()) bench::fail("usage: bench_js_host --local NAME");

  auto loop = doppel::makeEventLoop();
  doppel::Source source(bench::benchInterface());
  const int valueIndex = source.interface().propertyIndex("value");
  if (!source.onCall("echo", [](const std::vector<Value>& a) { return a.at(0); }))
    bench::fail("no echo slot");
  // As fast as the source can: one setProperty per value, like the other bench hosts.
  auto burst = [&](const std::vector<Value>& a) {
    const auto count = static_cast<int>(a.at(0).toInt());
    for (int i = 1; i <= count; ++i) (void)source.setProperty(valueIndex, Value::int32(i));
    return Value();
  };
  if (!source.onCall("burst", burst)) bench::fail("no burst slot");

  constexpr int kNumberRole = doppel::Role::User + 1;
  doppel::ListModel big({{doppel::Role::Display, "display"}, {kNumberRole, "number"}});
  const auto rows = static_cast<int>(args.num("rows", 100000));
  std::vector<std::vector<Value>> all;
  all.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i)
    all.push_back({Value::string("item " + std::to_string(i)), Value::int32(i)});
  big.reset(std::move(all));

  doppel::Host host(*loop);
  for (const std::string& url : {std::string("tcp://127.0.0.1:0"), "local:" + local}) {
    if (auto r = host.listen(url); !r) bench::fail("cannot listen: " + r.error().toString());
  }
  if (auto r = host.enableRemoting(source, "Bench"); !r)
    bench::fail("enableRemoting: " + r.error().toString());
  if (auto r = host.enableRemoting(big, "Big", {doppel::Role::Display, kNumberRole}); !r)
    bench::fail("enableRemoting(Big): " + r.error().toString());
  doppel::WebOptions webOptions;
  webOptions.webRoot = args.str("web-root");
  auto web = doppel::WebServer::start(host, webOptions);
  if (!web) bench::fail("web: " + web.error().toString());

  for (const auto& url : host.urls()) std::printf("LISTENING %s\n", url.c_str());
  std::printf("LISTENING %s\n", (*web)->url().c_str());
  std::printf("HTTP %s\n", (*web)->httpUrl().c_str());
  std::fflush(stdout);
  loop->run();
  return 0;
}
