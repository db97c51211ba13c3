// The Qt side of the typed interop tests: thermostat.rep compiled by repc (merged header).
//   qt_typed_peer host URL               serves a ThermostatSimpleSource, prints READY
//   qt_typed_peer client URL valid|mismatch
// Same checks as doppel_typed_peer.cpp, with Qt's typed replica.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRemoteObjectHost>
#include <QRemoteObjectNode>
#include <QTimer>
#include <cstdio>
#include <functional>

#include "rep_thermostat_merged.h"

namespace {

class Thermostat : public ThermostatSimpleSource {
public:
  int bump(int steps) override {
    setTarget(target() + 0.5 * steps);
    Q_EMIT alarm(QStringLiteral("bumped"), steps);
    return steps * 2;
  }
  void reset() override { setTarget(20.5); }
};

int fail(const char* what) {
  std::fprintf(stderr, "qt_typed_peer: FAILED: %s\n", what);
  return 1;
}

bool waitFor(const std::function<bool()>& done, int ms = 10000) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const QStringList args = app.arguments();
  if (args.size() >= 3 && args[1] == QLatin1String("host")) {
    Thermostat thermostat;
    thermostat.setLast(Reading(21.25, QStringLiteral("kitchen")));
    thermostat.setHistory({1, 2, 3});
    QRemoteObjectHost host{QUrl(args[2])};
    if (!host.enableRemoting(&thermostat)) return fail("enableRemoting");
    std::printf("READY\n");
    std::fflush(stdout);
    return app.exec();
  }
  if (args.size() < 4 || args[1] != QLatin1String("client")) {
    std::fprintf(stderr, "usage: qt_typed_peer host URL | client URL valid|mismatch\n");
    return 2;
  }
  QRemoteObjectNode node;
  node.connectToNode(QUrl(args[2]));
  QScopedPointer<ThermostatReplica> rep(node.acquire<ThermostatReplica>());
  if (args[3] != QLatin1String("valid")) {
    waitFor([&] { return rep->state() == QRemoteObjectReplica::SignatureMismatch; });
    std::printf("state %d\n", int(rep->state()));
    return rep->state() == QRemoteObjectReplica::SignatureMismatch ? 0 : fail("no SignatureMismatch");
  }
  QString alarm;
  QObject::connect(rep.data(), &ThermostatReplica::alarm,
                   [&](const QString& m, int level) { alarm = m + QLatin1Char(':') + QString::number(level); });
  if (!waitFor([&] { return rep->state() == QRemoteObjectReplica::Valid; })) return fail("not Valid");
  if (rep->target() != 20.5) return fail("target");
  if (rep->mode() != ThermostatReplica::Heat) return fail("mode");
  if (!(rep->last() == Reading(21.25, QStringLiteral("kitchen")))) return fail("POD last");
  if (rep->history() != QList<int>({1, 2, 3})) return fail("history");
  if (rep->location() != QLatin1String("hall")) return fail("CONSTANT location");
  auto reply = rep->bump(3);
  if (!reply.waitForFinished(10000) || reply.returnValue() != 6) return fail("bump reply");
  if (!waitFor([&] { return rep->target() == 22.0 && alarm == QLatin1String("bumped:3"); })) return fail("bump effects");
  rep->setTarget(18.0);
  if (!waitFor([&] { return rep->target() == 18.0; })) return fail("READWRITE write");
  rep->pushMode(ThermostatReplica::Cool);
  if (!waitFor([&] { return rep->mode() == ThermostatReplica::Cool; })) return fail("READPUSH push");
  std::printf("typed client ok\n");
  return 0;
}
