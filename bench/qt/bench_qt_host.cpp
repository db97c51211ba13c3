// The Qt 6 bench host: repc's BenchSimpleSource on a QRemoteObjectHost. Prints
// "LISTENING <url>" once it serves, then runs until killed. The environment decides the event
// dispatcher (QT_NO_GLIB=1 selects Qt's own instead of GLib's).
#include <cstdio>

#include <QtCore/QCoreApplication>
#include <QtCore/QUrl>
#include <QtRemoteObjects/QRemoteObjectHost>

#include "common/bench_util.h"
#include "rep_bench_source.h"

namespace {

class BenchHost : public BenchSimpleSource {
public:
  int echo(int x) override { return x; }
  // As fast as the source can: every change is queued by Qt as it happens.
  void burst(int count) override {
    for (int i = 1; i <= count; ++i) setValue(i);
  }
};

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const bench::Args args(argc, argv);
  const std::string url = args.str("url");
  if (url.empty()) bench::fail("usage: bench_qt_host --url URL");

  QRemoteObjectHost host;
  if (!host.setHostUrl(QUrl(QString::fromStdString(url))))
    bench::fail("cannot listen on " + url + " (error " + std::to_string(host.lastError()) + ")");
  BenchHost source;
  if (!host.enableRemoting(&source, QStringLiteral("Bench"))) bench::fail("enableRemoting failed");

  std::printf("LISTENING %s\n", url.c_str());
  std::fflush(stdout);
  return app.exec();
}
