// qt_children_host URL
//
// A Qt 6 host for the child-object interop tests (protocol §11.1): shares "Lab" from
// ../children.rep with a Child in `child` (which holds a Grand in `grand`), a null `spare` and a
// QStringListModel in `tracks`. Child::bump(by) adds `by` to value, emits pinged("bumped <by>")
// and returns the new value; Grand::poke() raises depth and emits poked(count);
// Lab::replaceChild() puts a new Child (value 10, label "second", grand depth 7) in `child`;
// Lab::clearChild() sets `child` to null. Prints "READY <url>"; quits on SIGTERM/SIGINT.
#include <QCoreApplication>
#include <QRemoteObjectHost>
#include <QStringListModel>
#include <QUrl>
#include <cstdio>

#include "qt_values.h"
#include "rep_children_source.h"

namespace {

class GrandHost : public GrandSimpleSource {
  Q_OBJECT

public:
  explicit GrandHost(int depth, QObject* parent) : GrandSimpleSource(parent) { setDepth(depth); }
  void poke() override {
    setDepth(depth() + 1);
    emit poked(++m_count);
  }

private:
  int m_count = 0;
};

class ChildHost : public ChildSimpleSource {
  Q_OBJECT

public:
  ChildHost(int value, const QString& label, int grandDepth, QObject* parent)
      : ChildSimpleSource(parent) {
    setValue(value);
    setLabel(label);
    setGrand(new GrandHost(grandDepth, this));
  }
  int bump(int by) override {
    setValue(value() + by);
    emit pinged(QStringLiteral("bumped %1").arg(by));
    return value();
  }
};

class LabHost : public LabSimpleSource {
  Q_OBJECT

public:
  LabHost() {
    setChild(new ChildHost(3, QStringLiteral("c"), 2, this));
    m_model.setStringList({QStringLiteral("t0"), QStringLiteral("t1")});
    setTracks(&m_model);
  }
  void replaceChild() override {
    ChildSource* old = child();
    setChild(new ChildHost(10, QStringLiteral("second"), 7, this));
    if (old) old->deleteLater();
  }
  void clearChild() override {
    ChildSource* old = child();
    setChild(nullptr);
    if (old) old->deleteLater();
  }

private:
  QStringListModel m_model;
};

}  // namespace

int main(int argc, char** argv) {
  interopqt::installMessageHandler("qt_children_host");
  QCoreApplication app(argc, argv);
  interopqt::quitOnSignals();
  const QStringList args = app.arguments().mid(1);
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: qt_children_host URL\n");
    return 2;
  }
  QRemoteObjectHost host;
  if (!host.setHostUrl(QUrl(args[0]))) {
    std::fprintf(stderr, "qt_children_host: cannot listen on %s\n", qPrintable(args[0]));
    return 1;
  }
  LabHost lab;
  // The QObject* overload (Qt's DynamicApiMap), as qt_host does: the repc-API overload
  // (enableRemoting<LabSourceAPI>) dereferences the null `spare` to describe its Grand and crashes.
  if (!host.enableRemoting(&lab, QStringLiteral("Lab"))) {
    std::fprintf(stderr, "qt_children_host: enableRemoting(Lab) failed\n");
    return 1;
  }
  interopqt::say(QStringLiteral("READY ") + host.hostUrl().toString());
  return app.exec();
}

#include "qt_children_host.moc"
