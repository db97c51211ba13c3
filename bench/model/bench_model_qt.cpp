// bench_model_qt: Qt 6's side of the model benchmarks (bench/run_model_bench.py), with the same
// command line and output as bench_model_doppel, so the driver runs either peer against either
// host:
//
//   bench_model_qt host URL ROWS     a model "Model" of ROWS rows x 2 roles (display "item N",
//                                    number N at Qt::UserRole + 1) shared with
//                                    QRemoteObjectHost::enableRemoting; a QStandardItemModel up
//                                    to 200,000 rows, above that a QAbstractListModel computing
//                                    its rows (a million QStandardItems would not fit beside the
//                                    other benchmarks); prints READY
//   bench_model_qt all URL ROWS      QAbstractItemModelReplica until every row is cached
//   bench_model_qt window URL        QAbstractItemModelReplica until rows 0..49 are readable
//
// Qt's replica caches 1,000 rows by default and silently drops the rest. To cache a whole
// model (DESIGN.md §4 notes): wait for initialized(), setRootCacheSize(rows), read every row
// with multiData() (both roles: the replica asks only for the roles read) and wait until
// dataChanged has covered all of them.
// Clients print one JSON line: ms, rx (0: the driver counts loopback bytes), rss_kb (peak),
// cpu_ms (CPU time of the timed part).
#include <sys/resource.h>

#include <QAbstractItemModelReplica>
#include <QAbstractListModel>
#include <QBitArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QModelRoleData>
#include <QRemoteObjectHost>
#include <QRemoteObjectNode>
#include <QStandardItemModel>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <memory>

namespace {

constexpr int kNumberRole = Qt::UserRole + 1;
constexpr int kStandardItemRowsMax = 200000;

double cpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
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

void report(double ms, double cpu, bool ok) {
  std::printf("{\"ms\": %.3f, \"rx\": 0, \"rss_kb\": %ld, \"cpu_ms\": %.1f%s}\n", ms, peakKb(), cpu,
              ok ? "" : ", \"error\": \"incomplete\"");
  std::fflush(stdout);
}

/// Rows computed on demand: the same content as the QStandardItemModel, without a million items.
class GeneratedModel : public QAbstractListModel {
public:
  explicit GeneratedModel(int rows) : m_rows(rows) {}
  int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_rows; }
  QVariant data(const QModelIndex& index, int role) const override {
    if (!index.isValid() || index.row() >= m_rows) return {};
    if (role == Qt::DisplayRole) return QStringLiteral("item %1").arg(index.row());
    if (role == kNumberRole) return index.row();
    return {};
  }
  QHash<int, QByteArray> roleNames() const override {
    return {{Qt::DisplayRole, "display"}, {kNumberRole, "number"}};
  }

private:
  int m_rows;
};

int host(QCoreApplication& app, const QUrl& url, int rows) {
  std::unique_ptr<QAbstractItemModel> model;
  if (rows <= kStandardItemRowsMax) {
    auto standard = std::make_unique<QStandardItemModel>(rows, 1);
    standard->setItemRoleNames({{Qt::DisplayRole, "display"}, {kNumberRole, "number"}});
    for (int i = 0; i < rows; ++i) {
      auto* item = new QStandardItem(QStringLiteral("item %1").arg(i));
      item->setData(i, kNumberRole);
      standard->setItem(i, 0, item);
    }
    model = std::move(standard);
  } else {
    model = std::make_unique<GeneratedModel>(rows);
  }
  QRemoteObjectHost node{url};
  node.enableRemoting(model.get(), QStringLiteral("Model"), {Qt::DisplayRole, kNumberRole});
  // The driver ends it with SIGTERM (the default action is enough: nothing to save).
  std::printf("READY\n");
  std::fflush(stdout);
  return app.exec();
}

/// Runs the event loop until `done()` or `timeoutMs`.
template <typename Done>
bool runUntil(const Done& done, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < timeoutMs) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
  return done();
}

int all(const QUrl& url, int rows) {
  QRemoteObjectNode node;
  node.connectToNode(url);
  const double cpu0 = cpuMs();
  QElapsedTimer t;
  t.start();
  std::unique_ptr<QAbstractItemModelReplica> rep(
      node.acquireModel(QStringLiteral("Model"), QtRemoteObjects::FetchRootSize, {Qt::DisplayRole, kNumberRole}));
  bool initialized = false;
  QObject::connect(rep.get(), &QAbstractItemModelReplica::initialized, [&initialized] { initialized = true; });
  QBitArray seen;
  int covered = 0;
  QObject::connect(rep.get(), &QAbstractItemModelReplica::dataChanged,
                   [&seen, &covered](const QModelIndex& tl, const QModelIndex& br) {
                     for (int r = qMax(0, tl.row()); r <= br.row() && r < seen.size(); ++r) {
                       if (!seen.testBit(r)) {
                         seen.setBit(r);
                         ++covered;
                       }
                     }
                   });
  bool ok = runUntil([&initialized] { return initialized; }, 30000);
  if (ok) {
    const int n = rep->rowCount();
    seen.resize(n);
    rep->setRootCacheSize(size_t(n));
    // Both roles in one call: the replica asks only for the roles read.
    for (int r = 0; r < n; ++r) {
      QModelRoleData both[] = {QModelRoleData(Qt::DisplayRole), QModelRoleData(kNumberRole)};
      rep->multiData(rep->index(r, 0), both);
    }
    const bool all = runUntil([&covered, n] { return covered >= n; }, 120000);
    const QVariant last = rep->data(rep->index(n - 1, 0), kNumberRole);
    ok = all && n == rows && last.toInt() == n - 1;
    if (!ok)
      std::fprintf(stderr, "bench_model_qt: %d of %d rows (expected %d), last number %s\n", covered, n,
                   rows, qPrintable(last.toString()));
  }
  report(double(t.nsecsElapsed()) / 1e6, cpuMs() - cpu0, ok);
  return ok ? 0 : 1;
}

int window(const QUrl& url) {
  QRemoteObjectNode node;
  node.connectToNode(url);
  QElapsedTimer t;
  t.start();
  const double cpu0 = cpuMs();
  std::unique_ptr<QAbstractItemModelReplica> rep(
      node.acquireModel(QStringLiteral("Model"), QtRemoteObjects::FetchRootSize, {Qt::DisplayRole, kNumberRole}));
  bool initialized = false;
  QObject::connect(rep.get(), &QAbstractItemModelReplica::initialized, [&initialized] { initialized = true; });
  auto visible = [&rep, &initialized] {
    if (!initialized) return false;
    bool all = true;
    for (int r = 0; r < 50; ++r)  // what a view does on every paint
      all = rep->data(rep->index(r, 0), Qt::DisplayRole).isValid() &&
            rep->data(rep->index(r, 0), kNumberRole).isValid() && all;
    return all;
  };
  const bool ok = runUntil(visible, 30000);
  report(double(t.nsecsElapsed()) / 1e6, cpuMs() - cpu0, ok);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_model_qt host|all|window URL [ROWS]\n");
    return 2;
  }
  const QByteArray mode = argv[1];
  const QUrl url(QString::fromLocal8Bit(argv[2]));
  const int n = argc > 3 ? std::atoi(argv[3]) : 0;
  if (mode == "host") return host(app, url, n);
  if (mode == "all") return all(url, n);
  if (mode == "window") return window(url);
  return 2;
}
