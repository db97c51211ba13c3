// The host of the doppel.js benchmarks: the Bench source (bench/bench.rep) on one doppel::Host
// that listens on tcp, a local socket and ws:// at once, so Node.js measures every transport
// against the same host. Prints one "LISTENING <url>" line per transport, then runs until killed.
//
//   bench_js_host --local NAME
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "doppel/doppel.h"
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

  doppel::Host host(*loop);
  for (const std::string& url : {std::string("tcp://127.0.0.1:0"), "local:" + local}) {
    if (auto r = host.listen(url); !r) bench::fail("cannot listen: " + r.error().toString());
  }
  if (auto r = host.enableRemoting(source, "Bench"); !r)
    bench::fail("enableRemoting: " + r.error().toString());
  auto web = doppel::WebServer::start(host, doppel::WebOptions{});
  if (!web) bench::fail("web: " + web.error().toString());

  for (const auto& url : host.urls()) std::printf("LISTENING %s\n", url.c_str());
  std::printf("LISTENING %s\n", (*web)->url().c_str());
  std::fflush(stdout);
  loop->run();
  return 0;
}
