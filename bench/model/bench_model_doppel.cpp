// bench_model_doppel: doppel's side of the model benchmarks (bench/run_model_bench.py).
//
//   bench_model_doppel host URL ROWS          a ListModel "Model" of ROWS rows x 2 roles
//                                             (display "item N", number N) and "Control"
//                                             with slot touch(int row); prints READY
//   bench_model_doppel all URL ROWS           acquire until every row is cached
//   bench_model_doppel window URL             acquire until rows 0..49 are visible
//   bench_model_doppel fanout URL REPLICAS    one data change seen by every replica, 20 times
//
// Clients print one JSON line: ms (the timed part), rx (bytes read by the process meanwhile,
// /proc/self/io rchar), rss_kb (peak resident memory).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "doppel/doppel.h"
#include "doppel/model.h"
#include "doppel/model_replica.h"

#include <signal.h>

using doppel::Value;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kNumberRole = doppel::Role::User + 1;

long long rxBytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = 0;
  while (io >> key >> value)
    if (key == "rchar:") return value;
  return 0;
}

/// CPU time of this process so far (user + system), in ms: what a figure costs when the
/// machine is shared and wall time is not all ours.
double cpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3) +
         (static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3);
}

/// Peak resident memory (VmHWM). Not getrusage's ru_maxrss: that survives exec, so a client
/// started by a bigger process (the Python driver) would report its parent's peak.
long peakKb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      long kb = 0;
      status >> kb;
      return kb;
    }
    std::getline(status, key);
  }
  return 0;
}

double msSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

void report(double ms, long long rx, const std::string& extra = {}) {
  std::printf("{\"ms\": %.3f, \"rx\": %lld, \"rss_kb\": %ld%s}\n", ms, rx, peakKb(), extra.c_str());
  std::fflush(stdout);
}

int host(const char* url, int rows) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto loop = doppel::makeEventLoop();
  doppel::Host h(*loop);
  if (!h.listen(url)) return 1;
  doppel::ListModel model({{doppel::Role::Display, "display"}, {kNumberRole, "number"}});
  std::vector<std::vector<Value>> all;
  all.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i)
    all.push_back({Value::string("item " + std::to_string(i)), Value::int32(i)});
  model.reset(std::move(all));
  (void)h.enableRemoting(model, "Model", {doppel::Role::Display, kNumberRole});
  doppel::Source control(doppel::InterfaceBuilder("Control").slot("touch", {{"row", "int"}}).build());
  int counter = 0;
  (void)control.onCall("touch", [&model, &counter](const std::vector<Value>& a) {
    model.setValue(static_cast<int>(a[0].toInt()), kNumberRole, Value::int32(-(++counter)));
    return Value();
  });
  (void)h.enableRemoting(control, "Control");
  std::thread stopper([&loop, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    loop->stop();
  });
  std::printf("READY\n");
  std::fflush(stdout);
  loop->run();
  stopper.join();
  return 0;
}

int all(const char* url, int rows) {
  auto loop = doppel::makeEventLoop();
  doppel::Node node(*loop);
  (void)node.connectToNode(url);
  const long long rx0 = rxBytes();
  const double cpu0 = cpuMs();
  const auto t0 = Steady::now();
  doppel::ModelReplicaOptions options;
  options.initialAction = doppel::ModelReplicaOptions::InitialAction::FetchAll;
  auto model = node.acquireModel("Model", options);
  loop->runUntil([&model] { return model->isFullyCached(); }, doppel::Clock::now() + 60s);
  const double ms = msSince(t0);
  const double cpu = cpuMs() - cpu0;
  const long long rx = rxBytes() - rx0;
  const bool ok = model->isFullyCached() && model->rowCount() == rows &&
                  model->data(rows - 1, kNumberRole).toInt() == rows - 1;
  char extra[64];
  std::snprintf(extra, sizeof extra, ", \"cpu_ms\": %.1f", cpu);
  report(ms, rx, std::string(extra) + (ok ? "" : ", \"error\": \"incomplete\""));
  return ok ? 0 : 1;
}

int window(const char* url) {
  auto loop = doppel::makeEventLoop();
  doppel::Node node(*loop);
  (void)node.connectToNode(url);
  node.waitForConnected(10s);
  const long long rx0 = rxBytes();
  const auto t0 = Steady::now();
  auto model = node.acquireModel("Model");
  auto visible = [&model] {
    if (!model->isInitialized()) return false;
    bool ok = true;
    for (int r = 0; r < 50; ++r)  // what a view does on every paint: read, placeholder or value
      ok = model->data(r, doppel::Role::Display).isValid() && model->data(r, kNumberRole).isValid() && ok;
    return ok;
  };
  loop->runUntil(visible, doppel::Clock::now() + 30s);
  const double ms = msSince(t0);
  report(ms, rxBytes() - rx0, visible() ? "" : ", \"error\": \"incomplete\"");
  return 0;
}

int fanout(const char* url, int replicas) {
  auto loop = doppel::makeEventLoop();
  std::vector<std::unique_ptr<doppel::Node>> nodes;
  std::vector<std::shared_ptr<doppel::ModelReplica>> models;
  for (int i = 0; i < replicas; ++i) {
    nodes.push_back(std::make_unique<doppel::Node>(*loop));
    (void)nodes.back()->connectToNode(url);
    models.push_back(nodes.back()->acquireModel("Model"));
  }
  auto control = nodes[0]->acquireDynamic("Control");
  control->waitForSource(10s);
  loop->runUntil(
      [&models] {
        bool ok = true;
        for (auto& m : models) ok = m->data(0, kNumberRole).isValid() && ok;
        return ok;
      },
      doppel::Clock::now() + 30s);
  std::vector<double> times;
  for (int round = 1; round <= 20; ++round) {
    const auto t0 = Steady::now();
    (void)control->call("touch", {Value::int32(0)});
    loop->runUntil(
        [&models, round] {
          for (auto& m : models)
            if (m->data(0, kNumberRole).toInt() != -round) return false;
          return true;
        },
        doppel::Clock::now() + 10s);
    times.push_back(msSince(t0));
  }
  std::sort(times.begin(), times.end());
  report(times[times.size() / 2], 0, ", \"max_ms\": " + std::to_string(times.back()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_model_doppel host|all|window|fanout URL [N]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int n = argc > 3 ? std::atoi(argv[3]) : 0;
  if (mode == "host") return host(argv[2], n);
  if (mode == "all") return all(argv[2], n);
  if (mode == "window") return window(argv[2]);
  if (mode == "fanout") return fanout(argv[2], n);
  return 2;
}
