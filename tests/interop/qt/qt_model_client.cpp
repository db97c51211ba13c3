// qt_model_client URL MODEL[,MODEL...] [--edits N] [--seeds K]
//
// Qt's QAbstractItemModelReplica reading models a host shares (doppel_model_host or
// qt_model_host), through "ModelControl" (slots edit(model, seed, count) and dump(model)):
// for each model, every row and role must match the source's dump; then after each of K
// seeded sequences of N random edits at the source, the replica must converge to the source's
// final state. Prints "ok ..." / "FAIL ..." lines; exits 0 only if all passed.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRemoteObjectDynamicReplica>
#include <QRemoteObjectNode>
#include <QRemoteObjectPendingCall>
#include <QAbstractItemModelReplica>
#include <QTimer>
#include <cstdio>

#include "qt_model_common.h"
#include "qt_values.h"

namespace {

int g_failures = 0;

void say(const QString& line) {
  std::printf("%s\n", qPrintable(line));
  std::fflush(stdout);
}

QVariant call(QRemoteObjectDynamicReplica* control, const char* slot, const QString& model,
              int seed = 0, int count = 0) {
  QRemoteObjectPendingCall pending;
  const bool isEdit = qstrcmp(slot, "edit") == 0;
  const bool ok = isEdit ? QMetaObject::invokeMethod(control, slot, Qt::DirectConnection,
                                                     Q_RETURN_ARG(QRemoteObjectPendingCall, pending),
                                                     Q_ARG(QString, model), Q_ARG(int, seed),
                                                     Q_ARG(int, count))
                         : QMetaObject::invokeMethod(control, slot, Qt::DirectConnection,
                                                     Q_RETURN_ARG(QRemoteObjectPendingCall, pending),
                                                     Q_ARG(QString, model));
  if (!ok || !pending.waitForFinished(20000)) return {};
  return pending.returnValue();
}

void pump(int ms) {
  QElapsedTimer slice;
  slice.start();
  while (slice.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

/// Reads the whole replica repeatedly (each read asks for what is missing) until it equals
/// `expected` and still does 150 ms later, or the time is up. The wait matters: every read of a
/// missing value queues one more request for it in Qt's replica, and the duplicates' replies land
/// by row number; one landing after the next edits shifted the rows writes a neighbour's values
/// (docs/models.md). Before the next edits, they must have arrived.
bool converge(QAbstractItemModelReplica* rep, const QList<int>& roles, const QString& expected,
              QString* last) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < 30000) {
    *last = modelqt::dump(*rep, roles);
    if (*last == expected) {
      pump(150);
      *last = modelqt::dump(*rep, roles);
      if (*last == expected) return true;
    }
    pump(30);
  }
  return false;
}

void check(const QString& name, bool ok, const QString& expected, const QString& got) {
  if (ok) {
    say(QStringLiteral("ok ") + name);
    return;
  }
  ++g_failures;
  // The first differing line, to make the report readable.
  const auto e = expected.split(QLatin1Char('\n'));
  const auto g = got.split(QLatin1Char('\n'));
  int i = 0;
  while (i < e.size() && i < g.size() && e[i] == g[i]) ++i;
  say(QStringLiteral("FAIL %1: line %2: expected '%3' got '%4' (%5 vs %6 lines)")
          .arg(name).arg(i).arg(i < e.size() ? e[i] : QString(), i < g.size() ? g[i] : QString())
          .arg(e.size()).arg(g.size()));
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  interopqt::installMessageHandler("qt_model_client");
  const QStringList args = app.arguments();
  if (args.size() < 3) {
    std::fprintf(stderr, "usage: qt_model_client URL MODEL[,MODEL...] [--edits N] [--seeds K]\n");
    return 2;
  }
  int edits = 1000;
  int seeds = 3;
  // --no-moves: edits without rowsMoved (negative seeds, which doppel_model_host understands).
  const bool noMoves = args.contains(QStringLiteral("--no-moves"));
  // --one-by-one: each seed's edits are sent one at a time (seeds seed*100000+k, one edit each)
  // and the replica must converge after each: Qt's replica sends requests queued before a
  // burst of structural changes with stale paths (docs/models.md), which edits spaced like a
  // user's avoid.
  const bool oneByOne = args.contains(QStringLiteral("--one-by-one"));
  for (int i = 3; i + 1 < args.size(); ++i) {
    if (args[i] == QLatin1String("--edits")) edits = args[i + 1].toInt();
    if (args[i] == QLatin1String("--seeds")) seeds = args[i + 1].toInt();
  }
  QRemoteObjectNode node;
  node.connectToNode(QUrl(args[1]));
  std::unique_ptr<QRemoteObjectDynamicReplica> control(node.acquireDynamic(QStringLiteral("ModelControl")));
  if (!control->waitForSource(10000)) {
    say(QStringLiteral("FAIL ModelControl did not initialize"));
    return 1;
  }
  for (const QString& name : args[2].split(QLatin1Char(','))) {
    const QList<int> roles = name == QLatin1String("Strings")
                                 ? QList<int>{Qt::DisplayRole, Qt::EditRole}
                             : name == QLatin1String("Tree")
                                 ? QList<int>{Qt::DisplayRole, modelqt::kNumberRole}
                                 : QList<int>{Qt::DisplayRole, modelqt::kNumberRole, modelqt::kDoneRole};
    std::unique_ptr<QAbstractItemModelReplica> rep(
        node.acquireModel(name, QtRemoteObjects::FetchRootSize, roles));
    bool initialized = false;
    QObject::connect(rep.get(), &QAbstractItemModelReplica::initialized, [&initialized] { initialized = true; });
    QElapsedTimer t;
    t.start();
    while (!initialized && t.elapsed() < 10000) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!initialized) {
      ++g_failures;
      say(QStringLiteral("FAIL %1: no initialized()").arg(name));
      continue;
    }
    // Qt's replica drops rows beyond its cache size; the test reads every row.
    rep->setRootCacheSize(1000000);
    const auto names = rep->roleNames();
    if (!names.contains(Qt::DisplayRole)) {
      ++g_failures;
      say(QStringLiteral("FAIL %1: roleNames lacks display").arg(name));
    }
    QString got;
    QString expected = call(control.get(), "dump", name).toString();
    check(name + QStringLiteral(" initial content"), converge(rep.get(), roles, expected, &got),
          expected, got);
    for (int seed = 1; seed <= seeds; ++seed) {
      bool ok = true;
      for (int k = 0; oneByOne && ok && k < edits; ++k) {
        const int step = seed * 100000 + k;
        call(control.get(), "edit", name, noMoves ? -step : step, 1);
        expected = call(control.get(), "dump", name).toString();
        ok = converge(rep.get(), roles, expected, &got);
        if (!ok) say(QStringLiteral("%1: no convergence after edit %2 of seed %3").arg(name).arg(k).arg(seed));
      }
      if (!oneByOne) {
        call(control.get(), "edit", name, noMoves ? -seed : seed, edits);
        expected = call(control.get(), "dump", name).toString();
        ok = converge(rep.get(), roles, expected, &got);
      }
      check(QStringLiteral("%1 after %2 edits (seed %3)%4").arg(name).arg(edits).arg(seed)
                .arg(oneByOne ? QStringLiteral(", one by one") : QString()),
            ok, expected, got);
    }
  }
  say(g_failures == 0 ? QStringLiteral("PASS") : QStringLiteral("FAILURES %1").arg(g_failures));
  return g_failures == 0 ? 0 : 1;
}
