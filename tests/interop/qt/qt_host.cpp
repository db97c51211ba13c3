// qt_host URL [--registry REGURL] [--plain]
//
// Built as qt_ws_host (QT_INTEROP_WEBSOCKET), URL may also be ws://HOST:PORT/: the same host
// served over WebSockets through a QIODevice adapter (qt_ws_device.h), as Qt's example does.
//
// A Qt 6 host for the interop tests: shares "Interop" (repc's InteropSimpleSource, values from
// ../interop_values.h) and, with --plain, the plain QObject "Plain" on URL (tcp://... or
// local:NAME). With --registry it also registers them with the registry at REGURL. Prints
// "READY <url>" once listening; quits on SIGTERM/SIGINT. Every Qt warning goes to stderr as
// "qt_host: qt warning [...]" (the driver fails a scenario whose host warned).
#include <QCoreApplication>
#include <QMetaProperty>
#include <QRemoteObjectHost>
#include <QUrl>
#include <algorithm>
#include <cstdio>

#include "../interop_values.h"
#include "plain_object.h"
#include "qt_values.h"
#include "rep_interop_source.h"
#ifdef QT_INTEROP_WEBSOCKET
#include "qt_ws_device.h"  // qt_ws_host: ws:// through a QWebSocketServer
#else
static QUrl listenHost(QRemoteObjectHost& host, const QUrl& url) {
  return host.setHostUrl(url) ? host.hostUrl() : QUrl();
}
#endif

using interopqt::Kind;

namespace {

class InteropHost : public InteropSimpleSource {
  Q_OBJECT

public:
  explicit InteropHost(int constProp) : InteropSimpleSource(constProp) {}

  int add(int a, int b) override { return a + b; }
  QString echo(QString s) override { return s; }
  void fire(QString msg, int n) override {
    emit pinged(msg, n);
    emit richSignal(MyPod(n, msg, interop::kRichPodD), On, QList<int>{n, -n},
                    QVariantMap{{QStringLiteral("msg"), msg}, {QStringLiteral("n"), n}});
    emit fired();
  }
  MyPod echoPod(MyPod p) override {
    return MyPod(p.i() + 1, p.s() + QStringLiteral("!"), p.d() * 2);
  }
  Mode nextMode(Mode m) override {
    switch (m) {
      case Off:
        return On;
      case On:
        return Auto;
      case Auto:
        return Off;
    }
    return Off;
  }
  qint64 sum(QList<int> values) override {
    qint64 total = 0;
    for (int v : values) total += v;
    return total;
  }
  QList<MyPod> reversePods(QList<MyPod> pods) override {
    std::reverse(pods.begin(), pods.end());
    return pods;
  }
};

// Sets every property from the table, checking that the .rep declares them in table order.
void setTableValues(InteropHost& source) {
  const QMetaObject* mo = source.metaObject();
  const int offset = InteropSource::staticMetaObject.propertyOffset();
  const auto table = interopqt::interopProperties();
  if (InteropSource::staticMetaObject.propertyCount() - offset != table.size())
    qFatal("interop.rep has %d properties, the table %d",
           InteropSource::staticMetaObject.propertyCount() - offset, int(table.size()));
  for (int i = 0; i < table.size(); ++i) {
    const auto& e = table[i];
    const QMetaProperty mp = mo->property(offset + i);
    if (e.name != mp.name())
      qFatal("interop.rep property %d is %s, the table says %s", i, mp.name(), e.name.constData());
    if (!mp.isWritable()) continue;  // constProp: passed to the constructor
    const QVariant v = interopqt::build(mp.metaType(), e.kind, e.value);
    if (!mp.write(&source, v)) qFatal("cannot set %s", e.name.constData());
  }
}

int tableInt(const char* name) {
  for (const auto& e : interopqt::interopProperties())
    if (e.name == name) return e.value.toInt();
  qFatal("no %s in the table", name);
}

}  // namespace

int main(int argc, char** argv) {
  interopqt::installMessageHandler("qt_host");
  QCoreApplication app(argc, argv);
  interopqt::quitOnSignals();

  const QStringList args = app.arguments().mid(1);
  QString url, registry;
  bool withPlain = false;
  for (qsizetype i = 0; i < args.size(); ++i) {
    if (args[i] == QLatin1String("--registry") && i + 1 < args.size()) {
      registry = args[++i];
    } else if (args[i] == QLatin1String("--plain")) {
      withPlain = true;
    } else if (url.isEmpty() && !args[i].startsWith(QLatin1String("--"))) {
      url = args[i];
    } else {
      url.clear();
      break;
    }
  }
  if (url.isEmpty()) {
    std::fprintf(stderr, "usage: qt_host URL [--registry REGURL] [--plain]\n");
    return 2;
  }

  QRemoteObjectHost host;
  const QUrl bound = listenHost(host, QUrl(url));
  if (bound.isEmpty()) {
    std::fprintf(stderr, "qt_host: cannot listen on %s (error %d)\n", qPrintable(url),
                 int(host.lastError()));
    return 1;
  }
  if (!registry.isEmpty() && !host.setRegistryUrl(QUrl(registry))) {
    // setRegistryUrl waits briefly for the registry; it keeps retrying afterwards.
    std::fprintf(stderr, "qt_host: registry %s not reachable yet\n", qPrintable(registry));
  }

  const QMetaObject& api = InteropSource::staticMetaObject;
  const QByteArray signature =
      api.classInfo(api.indexOfClassInfo("RemoteObject Signature")).value();
  if (signature != interop::kInteropSignature)
    qFatal("repc's signature of interop.rep is %s; update kInteropSignature in interop_values.h",
           signature.constData());

  InteropHost interopSource(tableInt("constProp"));
  setTableValues(interopSource);
  if (!host.enableRemoting(&interopSource, QStringLiteral("Interop"))) {
    std::fprintf(stderr, "qt_host: enableRemoting(Interop) failed\n");
    return 1;
  }
  Plain plain;
  if (withPlain && !host.enableRemoting(&plain, QStringLiteral("Plain"))) {
    std::fprintf(stderr, "qt_host: enableRemoting(Plain) failed\n");
    return 1;
  }

  interopqt::say(QStringLiteral("READY ") + bound.toString());
  const int rc = app.exec();
  std::fprintf(stderr, "qt_host: exiting\n");
  return rc;
}

#include "qt_host.moc"
