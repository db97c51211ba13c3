// qml_listview_client URL [--png FILE] [--fail-fast]
//
// A QML ListView over Qt's QAbstractItemModelReplica of a doppel-served model (qml_model_host's
// "List"), as an application would write it: acquireModel, the replica set as the ListView's
// model, a delegate showing two roles (display, number). Checks what the delegates on screen
// show against the source's truth (ListControl.dump()):
//   1. the first screen of rows,
//   2. after inserts, removes and data changes at the source within the screen,
//   3. after scrolling far down (positionViewAtIndex: rows fetched lazily) and an edit there,
//   4. after scrolling back to the top.
// Runs with QT_QPA_PLATFORM=offscreen and QT_QUICK_BACKEND=software; --png saves the window at
// the end (QQuickWindow::grabWindow) for a human to look at. Prints "ok ..." / "FAIL ..." lines;
// exits 0 only if every check passed, 1 on a mismatch (at the first with --fail-fast), 2 on a setup
// error.
#include <QAbstractItemModelReplica>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRemoteObjectDynamicReplica>
#include <QRemoteObjectNode>
#include <QRemoteObjectPendingCall>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include "qt_values.h"

namespace {

constexpr int kNumberRole = Qt::UserRole + 1;
constexpr int kRowHeight = 20;

// The view a user would write; `row` and `label` are what the test reads back.
const char* const kQml = R"QML(
import QtQuick
Window {
    width: 320; height: 400; visible: true; color: "white"
    ListView {
        objectName: "list"
        anchors.fill: parent
        cacheBuffer: 0
        clip: true
        model: listModel
        delegate: Rectangle {
            objectName: "delegate"
            property int row: index
            property string label: String(display) + " | " + String(number)
            width: ListView.view.width; height: 20
            color: index % 2 ? "#eef2f8" : "white"
            Text {
                anchors.verticalCenter: parent.verticalCenter
                x: 6
                text: parent.label
                font.pixelSize: 14
                color: "#202020"
            }
        }
    }
}
)QML";

int g_failures = 0;
bool g_failFast = false;

void say(const QString& line) {
  std::printf("%s\n", qPrintable(line));
  std::fflush(stdout);
}

void pump(int ms) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

/// Calls a ListControl slot (ints, or a QString second argument) and waits for its reply.
QVariant call(QRemoteObjectDynamicReplica* control, const char* slot, QVariantList args = {}) {
  QRemoteObjectPendingCall pending;
  bool ok = false;
  if (args.isEmpty()) {
    ok = QMetaObject::invokeMethod(control, slot, Qt::DirectConnection,
                                   Q_RETURN_ARG(QRemoteObjectPendingCall, pending));
  } else if (args[1].typeId() == QMetaType::QString) {
    ok = QMetaObject::invokeMethod(control, slot, Qt::DirectConnection,
                                   Q_RETURN_ARG(QRemoteObjectPendingCall, pending),
                                   Q_ARG(int, args[0].toInt()), Q_ARG(QString, args[1].toString()));
  } else {
    ok = QMetaObject::invokeMethod(control, slot, Qt::DirectConnection,
                                   Q_RETURN_ARG(QRemoteObjectPendingCall, pending),
                                   Q_ARG(int, args[0].toInt()), Q_ARG(int, args[1].toInt()));
  }
  if (!ok || !pending.waitForFinished(20000)) {
    say(QStringLiteral("FAIL ListControl.%1 did not answer").arg(QLatin1String(slot)));
    ++g_failures;
    return {};
  }
  return pending.returnValue();
}

/// The source's rows as the delegate shows them: "display | number".
QStringList truth(QRemoteObjectDynamicReplica* control) {
  QStringList rows;
  for (const QString& line : call(control, "dump").toString().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
    const auto bar = line.lastIndexOf(QLatin1Char('|'));
    rows << line.left(bar) + QStringLiteral(" | ") + line.mid(bar + 1);
  }
  return rows;
}

/// The delegates inside the ListView's viewport, by row.
std::map<int, QString> onScreen(QQuickItem* list) {
  std::map<int, QString> shown;
  auto* content = qvariant_cast<QQuickItem*>(list->property("contentItem"));
  const qreal top = list->property("contentY").toReal();
  const qreal bottom = top + list->height();
  for (QQuickItem* item : content->childItems()) {
    if (item->objectName() != QLatin1String("delegate") || !item->isVisible()) continue;
    if (item->y() + item->height() <= top || item->y() >= bottom) continue;
    shown[item->property("row").toInt()] = item->property("label").toString();
  }
  return shown;
}

/// Waits until the screen shows `firstRow` onwards exactly as the source has them (a full
/// screen, or up to the last row); reports the first difference otherwise.
void expectScreen(const QString& name, QQuickItem* list, const QStringList& rows, int firstRow) {
  const int wanted = std::min(int(list->height()) / kRowHeight, int(rows.size()) - firstRow);
  QString problem;
  QElapsedTimer t;
  t.start();
  while (true) {
    const auto shown = onScreen(list);
    problem.clear();
    if (int(shown.size()) < wanted) {
      problem = QStringLiteral("%1 delegates on screen, expected %2").arg(shown.size()).arg(wanted);
    } else if (shown.begin()->first != firstRow) {
      problem = QStringLiteral("first row on screen %1, expected %2").arg(shown.begin()->first).arg(firstRow);
    } else {
      for (const auto& [row, label] : shown) {
        if (row >= rows.size()) {
          problem = QStringLiteral("row %1 shown but the source has %2 rows").arg(row).arg(rows.size());
          break;
        }
        if (label != rows[row]) {
          problem = QStringLiteral("row %1 shows '%2', source has '%3'").arg(row).arg(label, rows[row]);
          break;
        }
      }
    }
    if (problem.isEmpty() || t.elapsed() > 10000) break;
    pump(20);
  }
  if (problem.isEmpty()) {
    say(QStringLiteral("ok %1 (rows %2..%3 on screen)").arg(name).arg(firstRow).arg(firstRow + wanted - 1));
  } else {
    ++g_failures;
    say(QStringLiteral("FAIL %1: %2").arg(name, problem));
  }
}

void scrollTo(QQuickItem* list, int row) {
  QMetaObject::invokeMethod(list, "positionViewAtIndex", Q_ARG(int, row), Q_ARG(int, 0 /* ListView.Beginning */));
  pump(50);
}

}  // namespace

int main(int argc, char** argv) {
  QGuiApplication app(argc, argv);
  interopqt::installMessageHandler("qml_listview_client");  // Qt and QML warnings fail the test
  const QStringList args = app.arguments();
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: qml_listview_client URL [--png FILE] [--fail-fast]\n");
    return 2;
  }
  QString png;
  for (int i = 2; i + 1 < args.size(); ++i)
    if (args[i] == QLatin1String("--png")) png = args[i + 1];
  g_failFast = args.contains(QStringLiteral("--fail-fast"));

  QRemoteObjectNode node;
  node.connectToNode(QUrl(args[1]));
  std::unique_ptr<QRemoteObjectDynamicReplica> control(node.acquireDynamic(QStringLiteral("ListControl")));
  if (!control->waitForSource(10000)) {
    say(QStringLiteral("FAIL ListControl did not initialize"));
    return 2;
  }
  std::unique_ptr<QAbstractItemModelReplica> model(
      node.acquireModel(QStringLiteral("List"), QtRemoteObjects::FetchRootSize, {Qt::DisplayRole, kNumberRole}));

  QQmlApplicationEngine engine;
  engine.rootContext()->setContextProperty(QStringLiteral("listModel"), model.get());
  engine.loadData(kQml);
  if (engine.rootObjects().isEmpty()) {
    say(QStringLiteral("FAIL the QML did not load"));
    return 2;
  }
  auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
  auto* list = window ? window->findChild<QQuickItem*>(QStringLiteral("list")) : nullptr;
  if (list == nullptr) {
    say(QStringLiteral("FAIL no ListView in the window"));
    return 2;
  }

  // With --fail-fast, main returns at the first failure (objects destroyed: no leak reports).
  auto screen = [list](const QString& name, const QStringList& source, int firstRow) {
    expectScreen(name, list, source, firstRow);
    return !(g_failFast && g_failures > 0);
  };

  // 1. The first screen.
  QStringList rows = truth(control.get());
  if (!screen(QStringLiteral("first screen"), rows, 0)) return 1;

  // 2. Edits at the source inside the screen: inserts, removes, data changes of both roles,
  // each checked on screen before the next. (Qt's replica asks for changed rows by the row
  // numbers they had when dataChanged arrived: a structural change before its reply lands
  // shows the wrong row's values, docs/models.md. A user's edits are that far apart.)
  const QList<std::pair<const char*, QVariantList>> edits = {
      {"insertRows", {2, 3}},  {"removeRows", {10, 2}}, {"setText", {0, QStringLiteral("changed zero")}},
      {"setNumber", {7, 777}}, {"insertRows", {0, 1}},  {"removeRows", {0, 2}},
      {"insertRows", {19, 2}}, {"setText", {5, QStringLiteral("changed five")}}};
  for (const auto& edit : edits) {
    call(control.get(), edit.first, edit.second);
    rows = truth(control.get());
    const QString name = QStringLiteral("after %1(%2, %3)")
                             .arg(QLatin1String(edit.first), edit.second[0].toString(), edit.second[1].toString());
    if (!screen(name, rows, 0)) return 1;
  }

  // 3. Far down: the replica fetches those rows only now.
  const int far = int(rows.size()) - 300;
  scrollTo(list, far);
  if (!screen(QStringLiteral("scrolled to row %1").arg(far), rows, far)) return 1;
  call(control.get(), "setText", {far + 3, QStringLiteral("changed far")});
  rows = truth(control.get());
  if (!screen(QStringLiteral("after setText(%1) there").arg(far + 3), rows, far)) return 1;
  call(control.get(), "removeRows", {far + 5, 1});
  rows = truth(control.get());
  if (!screen(QStringLiteral("after removeRows(%1, 1) there").arg(far + 5), rows, far)) return 1;
  const int last = int(rows.size()) - int(list->height()) / kRowHeight;
  scrollTo(list, last);
  if (!screen(QStringLiteral("scrolled to the end"), rows, last)) return 1;

  // 4. Back to the top.
  scrollTo(list, 0);
  if (!screen(QStringLiteral("back at the top"), rows, 0)) return 1;

  if (!png.isEmpty()) {
    const QImage image = window->grabWindow();
    if (image.isNull() || !image.save(png)) {
      ++g_failures;
      say(QStringLiteral("FAIL could not save the window to %1").arg(png));
    } else {
      say(QStringLiteral("ok window saved to %1 (%2x%3)").arg(png).arg(image.width()).arg(image.height()));
    }
  }
  for (const QString& warning : interopqt::warnings()) {
    ++g_failures;
    say(QStringLiteral("FAIL Qt warned: ") + warning);
  }
  say(g_failures == 0 ? QStringLiteral("PASS") : QStringLiteral("FAILURES %1").arg(g_failures));
  return g_failures == 0 ? 0 : 1;
}
