// qt_registry URL
//
// A Qt 6 registry (QRemoteObjectRegistryHost) on URL for the registry scenarios. Prints
// "READY <url>" once listening; quits on SIGTERM/SIGINT.
#include <QCoreApplication>
#include <QRemoteObjectRegistryHost>
#include <QUrl>
#include <cstdio>

#include "qt_values.h"

int main(int argc, char** argv) {
  interopqt::installMessageHandler("qt_registry");
  QCoreApplication app(argc, argv);
  interopqt::quitOnSignals();

  const QStringList args = app.arguments().mid(1);
  if (args.size() != 1 || args[0].startsWith(QLatin1String("--"))) {
    std::fprintf(stderr, "usage: qt_registry URL\n");
    return 2;
  }
  QRemoteObjectRegistryHost registry;
  if (!registry.setRegistryUrl(QUrl(args[0]))) {
    std::fprintf(stderr, "qt_registry: cannot listen on %s (error %d)\n", qPrintable(args[0]),
                 int(registry.lastError()));
    return 1;
  }
  interopqt::say(QStringLiteral("READY ") + registry.registryUrl().toString());
  return app.exec();
}
