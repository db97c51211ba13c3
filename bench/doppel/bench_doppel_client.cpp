// The doppel bench client: a doppel replica of Bench running one workload against a bench host
// (doppel's or Qt's), printing one RESULT line. Same command line as bench_qt_client:
//
//   bench_doppel_client --url URL --mode rtt     --n N [--warmup W]   one call at a time
//   bench_doppel_client --url URL --mode pipe    --n N [--depth 64]   `depth` calls outstanding
//   bench_doppel_client --url URL --mode push    --n N                burst(N): pushes/s
//   bench_doppel_client --url URL --mode acquire --n N [--dynamic]    new node to Valid
//   bench_doppel_client --url URL --mode idle    --n N --host-pid P   host RSS per connection
//
// Replicas are acquired with the local interface (AddObject isDynamic=0, as a Qt typed replica
// does) unless --dynamic is given. Waits are event-driven: callbacks set a flag that runUntil
// checks.
#include <functional>
#include <memory>
#include <vector>

#include "doppel/doppel.h"

#include "bench_interface.h"
#include "common/bench_util.h"

namespace {

using bench::Clock;
using doppel::PendingReply;
using doppel::Replica;
using doppel::ReplicaState;
using doppel::Value;
using namespace std::chrono_literals;

constexpr auto kTimeout = 120s;
long g_hostPid = 0;  ///< for the host CPU figures (--host-pid)

struct Env {
  doppel::EventLoop& loop;
  std::string url;
  doppel::ClassInterface iface = bench::benchInterface();
  bool dynamic = false;

  std::shared_ptr<Replica> acquire(doppel::Node& node) const {
    return dynamic ? node.acquireDynamic("Bench") : node.acquire("Bench", iface);
  }
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = kTimeout) {
    return loop.runUntil(done, doppel::Clock::now() + timeout);
  }
  void settle(std::chrono::milliseconds d) {
    loop.runUntil([] { return false; }, doppel::Clock::now() + d);
  }
};

bool isValid(const Replica& r) {
  return r.state() == ReplicaState::Valid;
}

void runRtt(Env& env, Replica& rep, int n, int warmup) {
  const bench::CpuMeter cpu(g_hostPid);
  // The callback captures one pointer (and the expected value), so std::function keeps it
  // without a heap allocation: the benchmark's own work stays out of the figure, as in the floor.
  struct Run {
    Replica& rep;
    int n;
    int warmup;
    std::vector<double> lat;
    int i = 0;
    bool done = false;
    Clock::time_point t0;

    void next() {
      if (i == warmup + n) {
        done = true;
        return;
      }
      t0 = Clock::now();
      rep.call("echo", {Value::int32(i)}).then([self = this, expect = i](const PendingReply& r) {
        const auto t1 = Clock::now();
        if (!r.isOk() || r.returnValue().toInt() != expect) bench::fail("echo failed or wrong");
        if (expect >= self->warmup) self->lat.push_back(bench::microsSince(self->t0, t1));
        ++self->i;
        self->next();
      });
    }
  } run{rep, n, warmup, {}, 0, false, {}};
  run.lat.reserve(static_cast<std::size_t>(n));
  run.next();
  if (!env.runUntil([&] { return run.done; })) bench::fail("rtt timed out");
  auto result = bench::latencyResult(std::move(run.lat));
  cpu.add(result, warmup + n);
  result.add("mode", "rtt").print();
}

double pipelined(Env& env, Replica& rep, int n, int depth) {
  int sent = 0;
  int done = 0;
  std::function<void()> send = [&] {
    const int x = sent++;
    rep.call("echo", {Value::int32(x)}).then([&, x](const PendingReply& r) {
      if (!r.isOk() || r.returnValue().toInt() != x) bench::fail("echo failed or wrong");
      ++done;
      if (sent < n) send();
    });
  };
  const auto t0 = Clock::now();
  for (int k = 0; k < depth && sent < n; ++k) send();
  if (!env.runUntil([&] { return done == n; })) bench::fail("pipe timed out");
  return bench::microsSince(t0, Clock::now());
}

void runPipe(Env& env, Replica& rep, int n, int depth) {
  pipelined(env, rep, std::max(1, n / 10), depth);  // warm-up
  const bench::CpuMeter cpu(g_hostPid);
  const double us = pipelined(env, rep, n, depth);
  bench::Result result;
  cpu.add(result, n);
  result.add("mode", "pipe").add("n", n).add("depth", depth).add("calls_per_s", n / (us / 1e6));
  result.print();
}

void runPush(Env& env, Replica& rep, int n) {
  const int valueIndex = rep.interface().propertyIndex("value");
  if (valueIndex < 0) bench::fail("no value property");
  auto value = [&] { return rep.property(valueIndex).toInt(); };
  if (value() != 0) {
    (void)rep.call("pushValue", {Value::int32(0)});
    if (!env.runUntil([&] { return value() == 0; })) bench::fail("reset timed out");
  }
  long notifications = 0;
  bool done = false;
  // A value that arrives by a reconnect and resync is not a push: the run fails then.
  bool dropped = false;
  doppel::ScopedConnection watch = rep.stateChanged.connect([&](ReplicaState now, ReplicaState) {
    if (now != ReplicaState::Valid) dropped = true;
  });
  doppel::ScopedConnection c = rep.propertyChanged.connect([&](int index, const Value& v) {
    if (index != valueIndex) return;
    ++notifications;
    if (v.toInt() == n) done = true;
  });
  const bench::CpuMeter cpu(g_hostPid);
  const auto t0 = Clock::now();
  (void)rep.call("burst", {Value::int32(n)});
  if (!env.runUntil([&] { return done || dropped; })) bench::fail("push timed out");
  const double us = bench::microsSince(t0, Clock::now());
  if (dropped)
    bench::fail("the connection dropped during the burst (replica left Valid after " +
                std::to_string(notifications) + " notifications)");
  if (value() != n) bench::fail("final value wrong");
  bench::Result result;
  cpu.add(result, n);
  result.add("mode", "push")
      .add("n", n)
      .add("pushes_per_s", n / (us / 1e6))
      .add("notifications", static_cast<double>(notifications))
      .add("final", static_cast<double>(value()))
      .print();
}

void runAcquire(Env& env, int n, int warmup) {
  std::vector<double> lat;
  for (int i = 0; i < warmup + n; ++i) {
    const auto t0 = Clock::now();
    auto node = std::make_unique<doppel::Node>(env.loop);
    if (!node->connectToNode(env.url)) bench::fail("bad url");
    auto rep = env.acquire(*node);
    if (!env.runUntil([&] { return isValid(*rep); })) bench::fail("acquire timed out");
    const auto t1 = Clock::now();
    if (i >= warmup) lat.push_back(bench::microsSince(t0, t1) / 1000.0);
    rep.reset();
    node.reset();
    env.settle(0ms);
  }
  bench::Result()
      .add("mode", "acquire")
      .add("n", n)
      .add("p50_ms", bench::percentile(lat, 0.5))
      .add("p99_ms", bench::percentile(lat, 0.99))
      .add("mean_ms", bench::mean(lat))
      .print();
}

struct IdleConnection {
  std::unique_ptr<doppel::Node> node;
  std::shared_ptr<Replica> replica;
};

void openIdle(Env& env, int count, std::vector<IdleConnection>& out) {
  const std::size_t first = out.size();
  for (int i = 0; i < count; ++i) {
    IdleConnection c;
    c.node = std::make_unique<doppel::Node>(env.loop);
    if (!c.node->connectToNode(env.url)) bench::fail("bad url");
    c.replica = env.acquire(*c.node);
    out.push_back(std::move(c));
  }
  auto allValid = [&] {
    for (std::size_t i = first; i < out.size(); ++i)
      if (!isValid(*out[i].replica)) return false;
    return true;
  };
  if (!env.runUntil(allValid)) bench::fail("idle acquire timed out");
}

void runIdle(Env& env, int n, long hostPid) {
  std::vector<IdleConnection> conns;
  openIdle(env, 8, conns);  // warm the host: first-connection allocations are not per connection
  env.settle(300ms);
  const long rss0 = bench::rssKb(hostPid);
  const long pss0 = bench::pssKb(hostPid);
  openIdle(env, n, conns);
  env.settle(300ms);
  const long rss1 = bench::rssKb(hostPid);
  const long pss1 = bench::pssKb(hostPid);
  if (rss0 < 0 || rss1 < 0) bench::fail("cannot read the host's RSS");
  bench::Result()
      .add("mode", "idle")
      .add("n", n)
      .add("rss0_kb", static_cast<double>(rss0))
      .add("rss1_kb", static_cast<double>(rss1))
      .add("kb_per_conn", static_cast<double>(rss1 - rss0) / n)
      .add("pss_kb_per_conn", static_cast<double>(pss1 - pss0) / n)
      .print();
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args args(argc, argv);
  const std::string url = args.str("url");
  const std::string mode = args.str("mode");
  const int n = static_cast<int>(args.num("n", 1000));
  if (url.empty() || mode.empty())
    bench::fail("usage: bench_doppel_client --url URL --mode MODE --n N");

  auto loop = doppel::makeEventLoop();
  Env env{*loop, url};
  env.dynamic = args.num("dynamic", 0) != 0;
  g_hostPid = args.num("host-pid", 0);

  if (mode == "acquire") {
    runAcquire(env, n, static_cast<int>(args.num("warmup", 5)));
  } else if (mode == "idle") {
    runIdle(env, n, args.num("host-pid", 0));
  } else {
    doppel::Node node(*loop);
    if (!node.connectToNode(url)) bench::fail("bad url " + url);
    auto rep = env.acquire(node);
    if (!env.runUntil([&] { return isValid(*rep); }, 30s)) bench::fail("replica not valid");
    if (mode == "rtt")
      runRtt(env, *rep, n, static_cast<int>(args.num("warmup", std::min(n / 10 + 1, 2000))));
    else if (mode == "pipe")
      runPipe(env, *rep, n, static_cast<int>(args.num("depth", 64)));
    else if (mode == "push")
      runPush(env, *rep, n);
    else
      bench::fail("unknown mode " + mode);
  }
  return 0;
}
