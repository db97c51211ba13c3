// A C++ node against bench_js_host over each URL given (tcp://, local:, ws://), one after the
// other: the slot round trip (echo(i), one call at a time, every reply checked) and property
// pushes per second (burst(N)), so the ws transport is measured against tcp with the same host
// and the same client code. Prints one line per URL and one RESULT line per URL.
//
//   bench_ws_client [--n 2000] [--pushes 20000] [--deflate 0|1] URL...
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "doppel/doppel.h"
#include "doppel/web.h"

#include "common/bench_util.h"

namespace {

using bench::Clock;
using doppel::PendingReply;
using doppel::Value;
using namespace std::chrono_literals;

struct Figures {
  double p50 = 0;
  double p99 = 0;
  double mean = 0;
  double pushesPerSecond = 0;
  int notifications = 0;
};

Figures measure(const std::string& url, int n, int pushes, bool deflate) {
  auto socketLoop = doppel::makeEventLoop();
  doppel::WebClientOptions options;
  options.permessageDeflate = deflate;
  auto loop = doppel::makeWebEventLoop(*socketLoop, options);
  const auto runUntil = [&](const std::function<bool()>& done) {
    return loop->runUntil(done, doppel::Clock::now() + 60s);
  };
  doppel::Node node(*loop);
  if (!node.connectToNode(url)) bench::fail("bad url " + url);
  auto rep = node.acquireDynamic("Bench");
  if (!runUntil([&] { return rep->state() == doppel::ReplicaState::Valid; }))
    bench::fail(url + ": replica not valid");

  const int warmup = n / 10 + 1;
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(n));
  int i = 0;
  bool done = false;
  Clock::time_point t0;
  std::function<void()> next = [&] {
    if (i == warmup + n) {
      done = true;
      return;
    }
    t0 = Clock::now();
    rep->call("echo", {Value::int32(i)}).then([&, expect = i](const PendingReply& r) {
      const auto t1 = Clock::now();
      if (!r.isOk() || r.returnValue().toInt() != expect) bench::fail("echo failed or wrong");
      if (expect >= warmup) lat.push_back(bench::microsSince(t0, t1));
      ++i;
      next();
    });
  };
  next();
  if (!runUntil([&] { return done; })) bench::fail(url + ": rtt timed out");
  Figures f;
  f.mean = bench::mean(lat);
  f.p50 = bench::percentile(lat, 0.5);
  f.p99 = bench::percentile(lat, 0.99);

  bool reset = false;
  rep->call("pushValue", {Value::int32(0)}).then([&](const PendingReply&) { reset = true; });
  if (!runUntil([&] { return reset && rep->property("value").toInt() == 0; }))
    bench::fail(url + ": pushValue(0) not seen");
  const int valueIndex = rep->interface().propertyIndex("value");
  int seen = 0;
  bool last = false;
  const doppel::ScopedConnection subscription = rep->propertyChanged.connect([&](int index, const Value& v) {
    if (index != valueIndex) return;
    ++seen;
    if (v.toInt() == pushes) last = true;
  });
  const auto p0 = Clock::now();
  rep->call("burst", {Value::int32(pushes)});
  if (!runUntil([&] { return last; })) bench::fail(url + ": burst not seen to the end");
  // Like bench_doppel_client: the values set per second until the last one is seen (a replica
  // may report only the newest of several changes that arrive together).
  f.pushesPerSecond = pushes / (bench::microsSince(p0, Clock::now()) / 1e6);
  f.notifications = seen;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args args(argc, argv);
  const int n = static_cast<int>(args.num("n", 2000));
  const int pushes = static_cast<int>(args.num("pushes", 20000));
  const bool deflate = args.num("deflate", 1) != 0;
  if (args.positional().empty())
    bench::fail("usage: bench_ws_client [--n N] [--pushes N] [--deflate 0|1] URL...");
  std::printf("%-34s %10s %10s %10s %14s\n", "url", "rtt p50", "rtt p99", "mean", "pushes/s");
  for (const std::string& url : args.positional()) {
    const Figures f = measure(url, n, pushes, deflate);
    std::printf("%-34s %7.1f us %7.1f us %7.1f us %14.0f\n", url.c_str(), f.p50, f.p99, f.mean,
                f.pushesPerSecond);
    bench::Result()
        .add("url", url)
        .add("p50_us", f.p50)
        .add("p99_us", f.p99)
        .add("mean_us", f.mean)
        .add("pushes_per_s", f.pushesPerSecond)
        .add("notifications", f.notifications)
        .print();
  }
  return 0;
}
