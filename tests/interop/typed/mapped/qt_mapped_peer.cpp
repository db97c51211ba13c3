// The Qt side of the mapped-types interop: mapped.rep compiled by repc (merged header).
//   qt_mapped_peer host URL          serves a MappedSimpleSource, prints READY
//   qt_mapped_peer client URL valid  checks the values, the slot and a write
// Same values and checks as doppel_mapped_peer.cpp.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRemoteObjectHost>
#include <QRemoteObjectNode>
#include <cstdio>
#include <functional>

#include "rep_mapped_merged.h"

namespace {

class Mapped : public MappedSimpleSource {
public:
  int toggle(Genres g) override {
    setGenres(genres() ^ g);
    return int(genres());
  }
};

int fail(const char* what) {
  std::fprintf(stderr, "qt_mapped_peer: FAILED: %s\n", what);
  return 1;
}

bool waitFor(const std::function<bool()>& done, int ms = 10000) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

const QDateTime kOpened(QDate(2024, 2, 29), QTime(12, 30, 5, 250), Qt::UTC);

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const QStringList args = app.arguments();
  if (args.size() >= 3 && args[1] == QLatin1String("host")) {
    Mapped mapped;
    mapped.setGenres(Mapped::Jazz | Mapped::Folk);
    mapped.setStock({{QStringLiteral("atlas"), 2}, {QStringLiteral("bible"), 7}});
    mapped.setNames({{1, QStringLiteral("one")}, {2, QStringLiteral("two")}});
    mapped.setOpened(kOpened);
    mapped.setDay(QDate(1999, 12, 31));
    mapped.setTime(QTime(23, 59, 58));
    QRemoteObjectHost host{QUrl(args[2])};
    if (!host.enableRemoting(&mapped)) return fail("enableRemoting");
    std::printf("READY\n");
    std::fflush(stdout);
    return app.exec();
  }
  if (args.size() < 4 || args[1] != QLatin1String("client")) {
    std::fprintf(stderr, "usage: qt_mapped_peer host URL | client URL valid\n");
    return 2;
  }
  QRemoteObjectNode node;
  node.connectToNode(QUrl(args[2]));
  QScopedPointer<MappedReplica> rep(node.acquire<MappedReplica>());
  if (!waitFor([&] { return rep->state() == QRemoteObjectReplica::Valid; })) return fail("not Valid");
  if (rep->genres() != (MappedReplica::Jazz | MappedReplica::Folk)) return fail("genres");
  const QMap<QString, int> stock{{QStringLiteral("atlas"), 2}, {QStringLiteral("bible"), 7}};
  if (rep->stock() != stock) return fail("stock");
  const QHash<int, QString> names{{1, QStringLiteral("one")}, {2, QStringLiteral("two")}};
  if (rep->names() != names) return fail("names");
  if (rep->opened() != kOpened || rep->opened().timeSpec() != Qt::UTC) return fail("opened");
  if (rep->day() != QDate(1999, 12, 31)) return fail("day");
  if (rep->time() != QTime(23, 59, 58)) return fail("time");
  auto reply = rep->toggle(MappedReplica::Rock);
  if (!reply.waitForFinished(10000) || reply.returnValue() != 7)
    return fail("toggle reply");
  rep->setGenres(MappedReplica::Rock);
  if (!waitFor([&] { return rep->genres() == MappedReplica::Genres(MappedReplica::Rock); })) return fail("READWRITE write");
  std::printf("mapped client ok\n");
  return 0;
}
