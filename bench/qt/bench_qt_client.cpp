// The Qt 6 bench client: a repc typed replica (BenchReplica) running one workload against a bench
// host (Qt's or doppel's), printing one RESULT line. Same command line as bench_doppel_client:
//
//   bench_qt_client --url URL --mode rtt     --n N [--warmup W]   one call at a time: p50, p99
//   bench_qt_client --url URL --mode pipe    --n N [--depth 64]   N calls, `depth` outstanding
//   bench_qt_client --url URL --mode push    --n N                burst(N): pushes/s, final value
//   bench_qt_client --url URL --mode acquire --n N                new node to Valid, p50 in ms
//   bench_qt_client --url URL --mode idle    --n N --host-pid P   host RSS growth per connection
//
// Every wait is event-driven (a signal quits a QEventLoop), the way a Qt application would wait.
#include <functional>
#include <memory>
#include <vector>

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtRemoteObjects/QRemoteObjectNode>
#include <QtRemoteObjects/QRemoteObjectPendingCall>

#include "common/bench_util.h"
#include "rep_bench_replica.h"

namespace {

using bench::Clock;

constexpr int kTimeoutMs = 120000;
long g_hostPid = 0;  ///< for the host CPU figures (--host-pid)

/// Runs a nested event loop until `quit` is called through the returned function or the timeout.
class Waiter {
public:
  explicit Waiter(int timeoutMs = kTimeoutMs) {
    m_timer.setSingleShot(true);
    QObject::connect(&m_timer, &QTimer::timeout, &m_loop, [this] {
      m_timedOut = true;
      m_loop.quit();
    });
    m_timer.start(timeoutMs);
  }
  void quit() { m_loop.quit(); }
  /// Returns false on timeout.
  bool exec() {
    m_loop.exec();
    return !m_timedOut;
  }

private:
  QEventLoop m_loop;
  QTimer m_timer;
  bool m_timedOut = false;
};

bool waitValid(BenchReplica* rep) {
  if (rep->state() == QRemoteObjectReplica::Valid) return true;
  Waiter w;
  QObject::connect(rep, &QRemoteObjectReplica::initialized, rep, [&w] { w.quit(); });
  return w.exec() && rep->state() == QRemoteObjectReplica::Valid;
}

/// Sequential calls: each echo(i) is sent when the previous reply arrived.
void runRtt(BenchReplica* rep, int n, int warmup) {
  const bench::CpuMeter cpu(g_hostPid);
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(n));
  Waiter w;
  int i = 0;
  Clock::time_point t0;
  std::function<void()> next = [&] {
    if (i == warmup + n) {
      w.quit();
      return;
    }
    t0 = Clock::now();
    auto* watcher = new QRemoteObjectPendingCallWatcher(rep->echo(i));
    QObject::connect(watcher, &QRemoteObjectPendingCallWatcher::finished, watcher,
                     [&, expect = i](QRemoteObjectPendingCallWatcher* self) {
                       const auto t1 = Clock::now();
                       if (self->returnValue().toInt() != expect)
                         bench::fail("echo returned wrong value");
                       if (expect >= warmup) lat.push_back(bench::microsSince(t0, t1));
                       self->deleteLater();
                       ++i;
                       next();
                     });
  };
  next();
  if (!w.exec()) bench::fail("rtt timed out");
  auto result = bench::latencyResult(std::move(lat));
  cpu.add(result, warmup + n);
  result.add("mode", "rtt").print();
}

/// `depth` calls in flight; each reply sends the next call until `n` have been answered.
double pipelined(BenchReplica* rep, int n, int depth) {
  Waiter w;
  int sent = 0;
  int done = 0;
  std::function<void()> send = [&] {
    const int x = sent++;
    auto* watcher = new QRemoteObjectPendingCallWatcher(rep->echo(x));
    QObject::connect(watcher, &QRemoteObjectPendingCallWatcher::finished, watcher,
                     [&, x](QRemoteObjectPendingCallWatcher* self) {
                       if (self->returnValue().toInt() != x)
                         bench::fail("echo returned wrong value");
                       self->deleteLater();
                       if (++done == n)
                         w.quit();
                       else if (sent < n)
                         send();
                     });
  };
  const auto t0 = Clock::now();
  for (int k = 0; k < depth && sent < n; ++k) send();
  if (!w.exec()) bench::fail("pipe timed out");
  return bench::microsSince(t0, Clock::now());
}

void runPipe(BenchReplica* rep, int n, int depth) {
  pipelined(rep, std::max(1, n / 10), depth);  // warm-up
  const bench::CpuMeter cpu(g_hostPid);
  const double us = pipelined(rep, n, depth);
  bench::Result result;
  cpu.add(result, n);
  result.add("mode", "pipe").add("n", n).add("depth", depth).add("calls_per_s", n / (us / 1e6));
  result.print();
}

/// burst(n): the host sets value = 1..n; done when the replica shows n.
void runPush(BenchReplica* rep, int n) {
  if (rep->value() != 0) {
    Waiter w;
    auto c = QObject::connect(rep, &BenchReplica::valueChanged, rep, [&](int v) {
      if (v == 0) w.quit();
    });
    rep->pushValue(0);
    if (!w.exec()) bench::fail("reset timed out");
    QObject::disconnect(c);
  }
  long notifications = 0;
  bool dropped = false;
  Waiter w;
  QObject::connect(rep, &BenchReplica::valueChanged, rep, [&](int v) {
    ++notifications;
    if (v == n) w.quit();
  });
  // A value that arrives by a reconnect and resync is not a push: the run fails then.
  QObject::connect(rep, &QRemoteObjectReplica::stateChanged, rep,
                   [&](QRemoteObjectReplica::State now, QRemoteObjectReplica::State) {
                     if (now != QRemoteObjectReplica::Valid) {
                       dropped = true;
                       w.quit();
                     }
                   });
  const bench::CpuMeter cpu(g_hostPid);
  const auto t0 = Clock::now();
  rep->burst(n);
  if (!w.exec()) bench::fail("push timed out");
  const double us = bench::microsSince(t0, Clock::now());
  if (dropped)
    bench::fail("the connection dropped during the burst (replica left Valid after " +
                std::to_string(notifications) + " notifications)");
  if (rep->value() != n) bench::fail("final value wrong");
  bench::Result result;
  cpu.add(result, n);
  result.add("mode", "push")
      .add("n", n)
      .add("pushes_per_s", n / (us / 1e6))
      .add("notifications", static_cast<double>(notifications))
      .add("final", rep->value())
      .print();
}

/// A new node and connection each time: connectToNode, acquire, Valid.
void runAcquire(const QUrl& url, int n, int warmup) {
  std::vector<double> lat;
  for (int i = 0; i < warmup + n; ++i) {
    const auto t0 = Clock::now();
    auto node = std::make_unique<QRemoteObjectNode>();
    node->connectToNode(url);
    std::unique_ptr<BenchReplica> rep(node->acquire<BenchReplica>());
    if (!waitValid(rep.get())) bench::fail("acquire timed out");
    const auto t1 = Clock::now();
    if (i >= warmup) lat.push_back(bench::microsSince(t0, t1) / 1000.0);
    rep.reset();
    node.reset();
    QCoreApplication::processEvents();
  }
  const double p50 = bench::percentile(lat, 0.5);
  bench::Result()
      .add("mode", "acquire")
      .add("n", n)
      .add("p50_ms", p50)
      .add("p99_ms", bench::percentile(lat, 0.99))
      .add("mean_ms", bench::mean(lat))
      .print();
}

void settle(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

struct IdleConnection {
  std::unique_ptr<QRemoteObjectNode> node;
  std::unique_ptr<BenchReplica> replica;
};

void openIdle(const QUrl& url, int count, std::vector<IdleConnection>& out) {
  const std::size_t first = out.size();
  for (int i = 0; i < count; ++i) {
    IdleConnection c;
    c.node = std::make_unique<QRemoteObjectNode>();
    c.node->connectToNode(url);
    c.replica.reset(c.node->acquire<BenchReplica>());
    out.push_back(std::move(c));
  }
  for (std::size_t i = first; i < out.size(); ++i)
    if (!waitValid(out[i].replica.get())) bench::fail("idle acquire timed out");
}

/// Host RSS before and after `n` more connections, each with a Valid replica.
void runIdle(const QUrl& url, int n, long hostPid) {
  std::vector<IdleConnection> conns;
  openIdle(url, 8, conns);  // warm the host: first-connection allocations are not per connection
  settle(300);
  const long rss0 = bench::rssKb(hostPid);
  const long pss0 = bench::pssKb(hostPid);
  openIdle(url, n, conns);
  settle(300);
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
  QCoreApplication app(argc, argv);
  const bench::Args args(argc, argv);
  const QUrl url(QString::fromStdString(args.str("url")));
  const std::string mode = args.str("mode");
  const int n = static_cast<int>(args.num("n", 1000));
  g_hostPid = args.num("host-pid", 0);
  if (url.isEmpty() || mode.empty())
    bench::fail("usage: bench_qt_client --url URL --mode MODE --n N");

  QTimer::singleShot(0, &app, [&] {
    if (mode == "acquire") {
      runAcquire(url, n, static_cast<int>(args.num("warmup", 5)));
    } else if (mode == "idle") {
      runIdle(url, n, args.num("host-pid", 0));
    } else {
      QRemoteObjectNode node;
      node.connectToNode(url);
      std::unique_ptr<BenchReplica> rep(node.acquire<BenchReplica>());
      if (!waitValid(rep.get())) bench::fail("replica did not become valid");
      if (mode == "rtt")
        runRtt(rep.get(), n, static_cast<int>(args.num("warmup", std::min(n / 10 + 1, 2000))));
      else if (mode == "pipe")
        runPipe(rep.get(), n, static_cast<int>(args.num("depth", 64)));
      else if (mode == "push")
        runPush(rep.get(), n);
      else
        bench::fail("unknown mode " + mode);
    }
    QCoreApplication::exit(0);
  });
  return app.exec();
}
