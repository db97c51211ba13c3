// The doppel bench host: the Bench source (bench.rep) on a doppel::Host. Prints
// "LISTENING <url>" once it serves, then runs until killed.
#include <cstdio>

#include "doppel/doppel.h"

#include "bench_interface.h"
#include "common/bench_util.h"

int main(int argc, char** argv) {
  using doppel::Value;
  const bench::Args args(argc, argv);
  const std::string url = args.str("url");
  if (url.empty()) bench::fail("usage: bench_doppel_host --url URL");

  auto loop = doppel::makeEventLoop();
  doppel::Source source(bench::benchInterface());
  const int valueIndex = source.interface().propertyIndex("value");
  if (!source.onCall("echo", [](const std::vector<Value>& a) { return a.at(0); }))
    bench::fail("no echo slot");
  // As fast as the source can: one setProperty per value, as the Qt host does.
  auto burst = [&](const std::vector<Value>& a) {
    const auto count = static_cast<int>(a.at(0).toInt());
    for (int i = 1; i <= count; ++i) (void)source.setProperty(valueIndex, Value::int32(i));
    return Value();
  };
  if (!source.onCall("burst", burst)) bench::fail("no burst slot");

  doppel::Host host(*loop);
  if (auto r = host.listen(url); !r) bench::fail("cannot listen: " + r.error().toString());
  if (auto r = host.enableRemoting(source, "Bench"); !r)
    bench::fail("enableRemoting: " + r.error().toString());

  std::printf("LISTENING %s\n", host.urls().front().c_str());
  std::fflush(stdout);
  loop->run();
  return 0;
}
