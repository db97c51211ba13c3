// qt_client (URL | --registry REGURL) NAMES MODE [--reconnect]
//
// A Qt 6 client for the interop tests. NAMES is a comma-separated list of "Interop" and
// "Plain"; MODE is "dynamic" (acquireDynamic, the interface comes from the host) or "typed"
// (repc's InteropReplica for "Interop"; "Plain" has no .rep and is always read dynamically).
// For each object it waits for the init, checks every property against ../interop_values.h
// (type and value), calls every slot and checks the replies, writes a property and waits for
// the change to come back, and calls a slot that emits signals and checks their arguments and
// order. With --reconnect (the driver restarts the host) it then prints WAITING_RESTART, waits
// for every replica to go Suspect and Valid again and checks the values again.
// Prints "ok <check>" or "FAIL <check>: got X expected Y" per check; exits 0 only if all passed
// and Qt printed no warning, 1 otherwise, 2 on bad usage.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QMetaMethod>
#include <QMetaProperty>
#include <QRemoteObjectDynamicReplica>
#include <QRemoteObjectNode>
#include <QRemoteObjectPendingCall>
#include <QScopedPointer>
#include <QSignalSpy>
#include <QUrl>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "../interop_values.h"
#ifdef QT_INTEROP_WEBSOCKET
#include "qt_ws_device.h"  // qt_ws_client: ws:// through a QWebSocket
#else
static bool connectNode(QRemoteObjectNode& node, const QUrl& url) {
  return node.connectToNode(url);
}
#endif
#include "qt_values.h"
#include "rep_interop_replica.h"

using interopqt::Expected;
using interopqt::Kind;

namespace {

constexpr int kInitTimeoutMs = 10000;
constexpr int kCallTimeoutMs = 5000;

int g_failures = 0;
int g_passes = 0;

void ok(const QString& check) {
  ++g_passes;
  interopqt::say(QStringLiteral("ok ") + check);
}

void fail(const QString& check, const QString& message) {
  ++g_failures;
  interopqt::say(QStringLiteral("FAIL ") + check + QStringLiteral(": ") + message);
}

// Runs the event loop until `done` or the timeout.
bool waitFor(const std::function<bool()>& done, int timeoutMs) {
  QDeadlineTimer deadline(timeoutMs);
  while (!done()) {
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
  }
  return true;
}

// `allowGeneric`: a dynamic replica may hold gadget containers as QtROSequentialContainer /
// QtROAssociativeContainer (it has no QList<MyPod> type of its own).
void checkValue(const QString& check,
                const QVariant& actual,
                const Expected& expected,
                bool allowGeneric = false) {
  QString why;
  if (interopqt::matches(actual, expected, &why, allowGeneric)) {
    ok(check);
  } else {
    const QString want =
        expected.kind == Kind::Value ? interopqt::describe(expected.value)
        : expected.kind == Kind::Enum
            ? QStringLiteral("%1(%2)")
                  .arg(QString::fromLatin1(expected.type))
                  .arg(expected.value.toLongLong())
            : QString::fromLatin1(expected.type) + interopqt::describe(expected.value);
    fail(check,
         QStringLiteral("got %1 expected %2 (%3)").arg(interopqt::describe(actual), want, why));
  }
}

Expected value(const char* type, const QVariant& v) {
  return Expected{"", type, Kind::Value, v};
}

// Records the order in which signals arrive (connected through QMetaMethod, so it works for
// dynamic and typed replicas alike).
class OrderRecorder : public QObject {
  Q_OBJECT

public:
  QStringList order;

public slots:
  void first() { order << QStringLiteral("pinged"); }
  void second() { order << QStringLiteral("richSignal"); }
  void third() { order << QStringLiteral("fired"); }
  void plainSignal() { order << QStringLiteral("somethingHappened"); }
};

QMetaMethod findMethod(const QMetaObject* mo, const char* name, QMetaMethod::MethodType type) {
  for (int i = mo->methodOffset(); i < mo->methodCount(); ++i) {
    const QMetaMethod m = mo->method(i);
    if (m.methodType() == type && m.name() == name) return m;
  }
  return {};
}

bool connectRecorder(QObject* obj, const char* signal, OrderRecorder* rec, const char* slot) {
  const QMetaMethod s = findMethod(obj->metaObject(), signal, QMetaMethod::Signal);
  const QMetaMethod r = rec->metaObject()->method(rec->metaObject()->indexOfSlot(slot));
  return s.isValid() && r.isValid() && QObject::connect(obj, s, rec, r);
}

// A QSignalSpy on the signal named `name` (by name: works whatever the host calls the types).
QSignalSpy* spyOn(QObject* obj, const char* name) {
  const QMetaMethod s = findMethod(obj->metaObject(), name, QMetaMethod::Signal);
  if (!s.isValid()) return nullptr;
  auto* spy = new QSignalSpy(obj, s);
  if (!spy->isValid()) {
    delete spy;
    return nullptr;
  }
  return spy;
}

// Calls a method of a dynamic replica by name; arguments are converted to the parameter types
// the host declared (gadgets and enums built from the table's neutral form).
struct CallArg {
  Kind kind;
  QVariant value;
};

QVariant callDynamic(QObject* obj, const char* name, const QList<CallArg>& args, QString* error) {
  QMetaMethod m;
  for (int i = obj->metaObject()->methodOffset(); i < obj->metaObject()->methodCount(); ++i) {
    const QMetaMethod c = obj->metaObject()->method(i);
    if (c.methodType() != QMetaMethod::Signal && c.name() == name &&
        c.parameterCount() == args.size())
      m = c;
  }
  if (!m.isValid()) {
    *error = QStringLiteral("no method %1 with %2 parameters")
                 .arg(QString::fromLatin1(name))
                 .arg(args.size());
    return {};
  }
  QList<QVariant> storage;
  QList<QByteArray> typeNames;
  for (int i = 0; i < args.size(); ++i) {
    storage << interopqt::build(m.parameterMetaType(i), args[i].kind, args[i].value);
    typeNames << m.parameterTypeName(i);
  }
  QGenericArgument g[10];
  for (int i = 0; i < args.size(); ++i)
    g[i] = QGenericArgument(typeNames[i].constData(), storage[i].constData());
  // Compared by name: the dynamic meta-object may not carry resolved metatypes for returns.
  const QByteArray returnType = m.typeName();
  const bool isVoid = returnType.isEmpty() || returnType == "void";
  if (!isVoid && returnType != "QRemoteObjectPendingCall") {
    *error = QStringLiteral("%1 returns %2, not QRemoteObjectPendingCall")
                 .arg(QString::fromLatin1(m.methodSignature()), QString::fromLatin1(m.typeName()));
    return {};
  }
  QRemoteObjectPendingCall call;
  const bool invoked =
      isVoid ? m.invoke(obj, Qt::DirectConnection, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7],
                        g[8], g[9])
             : m.invoke(obj, Qt::DirectConnection, QGenericReturnArgument(m.typeName(), &call),
                        g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9]);
  if (!invoked) {
    *error = QStringLiteral("invoke of %1 failed").arg(QString::fromLatin1(m.methodSignature()));
    return {};
  }
  if (isVoid) return {};
  if (!call.waitForFinished(kCallTimeoutMs)) {
    *error = QStringLiteral("no reply within %1 ms").arg(kCallTimeoutMs);
    return {};
  }
  if (call.error() != QRemoteObjectPendingCall::NoError) {
    *error = QStringLiteral("reply error %1").arg(int(call.error()));
    return {};
  }
  return call.returnValue();
}

void checkCall(const QString& check,
               QObject* obj,
               const char* name,
               const QList<CallArg>& args,
               const Expected& expected) {
  QString error;
  const QVariant reply = callDynamic(obj, name, args, &error);
  if (!error.isEmpty()) {
    fail(check, error);
    return;
  }
  checkValue(check, reply, expected, true);
}

template <typename T>
void checkReply(const QString& check,
                QRemoteObjectPendingReply<T> reply,
                const Expected& expected) {
  if (!reply.waitForFinished(kCallTimeoutMs)) {
    fail(check, QStringLiteral("no reply within %1 ms").arg(kCallTimeoutMs));
    return;
  }
  if (reply.error() != QRemoteObjectPendingCall::NoError) {
    fail(check, QStringLiteral("reply error %1").arg(int(reply.error())));
    return;
  }
  checkValue(check, QVariant::fromValue(reply.returnValue()), expected);
}

// Checks the properties of a replica (dynamic or typed) through its meta-object.
void checkProperties(const QString& object,
                     QObject* rep,
                     const QList<Expected>& table,
                     bool dynamic) {
  const QMetaObject* mo = rep->metaObject();
  const int offset = mo->propertyOffset();
  for (int i = 0; i < table.size(); ++i) {
    const Expected& e = table[i];
    const QString check = object + QLatin1Char('.') + QString::fromLatin1(e.name);
    const int index = mo->indexOfProperty(e.name.constData());
    if (index < 0) {
      fail(check, QStringLiteral("no such property"));
      continue;
    }
    if (index - offset != i) {
      fail(check + QStringLiteral(".index"),
           QStringLiteral("got %1 expected %2").arg(index - offset).arg(i));
    }
    if (dynamic) {
      // The declared type, resolved in this process from the host's definition.
      const QMetaType declared = mo->property(index).metaType();
      bool typeOk = false;
      switch (e.kind) {
        case Kind::Value:
          typeOk = declared == QMetaType::fromName(e.type);
          break;
        case Kind::Gadget:
          typeOk =
              QByteArray(declared.name()) == e.type && (declared.flags() & QMetaType::IsGadget);
          break;
        case Kind::GadgetList:
          typeOk = QByteArray(declared.name()) == e.type ||
                   QByteArray(declared.name()) == interopqt::kSequentialContainer;
          break;
        case Kind::GadgetMap:
          typeOk = QByteArray(declared.name()) == e.type ||
                   QByteArray(declared.name()) == interopqt::kAssociativeContainer;
          break;
        case Kind::Enum:
          typeOk = bool(declared.flags() & QMetaType::IsEnumeration) &&
                   (QByteArray(declared.name()) == e.type ||
                    QByteArray(declared.name()).endsWith("::" + e.type));
          break;
      }
      if (!typeOk) {
        fail(check + QStringLiteral(".type"),
             QStringLiteral("declared as %1 (%2) expected %3")
                 .arg(QString::fromLatin1(mo->property(index).typeName()),
                      QString::fromLatin1(declared.name()), QString::fromLatin1(e.type)));
      }
    }
    checkValue(check, rep->property(e.name.constData()), e, dynamic);
  }
}

QVariant tableValue(const char* name,
                    const QList<Expected>& table = interopqt::interopProperties()) {
  for (const auto& e : table)
    if (e.name == name) return e.value;
  return {};
}

QString interopText() {
  return QString::fromUtf8(INTEROP_TEXT);
}

// The table's podListProp (reversePods' argument) and its reverse (the reply).
Expected podListExpected(bool reversed) {
  QVariantList pods = tableValue("podListProp").toList();
  if (reversed) std::reverse(pods.begin(), pods.end());
  return Expected{"", "QList<MyPod>", Kind::GadgetList, pods};
}

Expected podExpected(int i, const QString& s, double d) {
  return Expected{
      "", "MyPod", Kind::Gadget,
      QVariantList{QVariant::fromValue(i), QVariant::fromValue(s), QVariant::fromValue(d)}};
}

// pinged(msg, n), richSignal(pod, mode, list, map), fired(), in that order, after fire(msg, n).
void checkFireSignals(const QString& object, QObject* rep, const std::function<void()>& fire) {
  QScopedPointer<QSignalSpy> pinged(spyOn(rep, "pinged"));
  QScopedPointer<QSignalSpy> rich(spyOn(rep, "richSignal"));
  QScopedPointer<QSignalSpy> fired(spyOn(rep, "fired"));
  OrderRecorder rec;
  if (!pinged || !rich || !fired || !connectRecorder(rep, "pinged", &rec, "first()") ||
      !connectRecorder(rep, "richSignal", &rec, "second()") ||
      !connectRecorder(rep, "fired", &rec, "third()")) {
    fail(object + QStringLiteral(".signals"),
         QStringLiteral("cannot watch pinged/richSignal/fired"));
    return;
  }
  fire();
  const QString msg = QString::fromLatin1(interop::kFireMsg);
  const int n = interop::kFireN;
  if (!waitFor([&] { return !pinged->isEmpty() && !rich->isEmpty() && !fired->isEmpty(); },
               kCallTimeoutMs)) {
    fail(object + QStringLiteral(".fire"),
         QStringLiteral("signals seen: pinged %1, richSignal %2, fired %3")
             .arg(pinged->size())
             .arg(rich->size())
             .arg(fired->size()));
    return;
  }
  ok(object + QStringLiteral(".fire"));
  const QList<QVariant> p = pinged->takeFirst();
  if (p.size() != 2) {
    fail(object + QStringLiteral(".pinged"), QStringLiteral("%1 arguments").arg(p.size()));
  } else {
    checkValue(object + QStringLiteral(".pinged.msg"), p[0], value("QString", msg));
    checkValue(object + QStringLiteral(".pinged.n"), p[1], value("int", n));
  }
  const QList<QVariant> r = rich->takeFirst();
  if (r.size() != 4) {
    fail(object + QStringLiteral(".richSignal"), QStringLiteral("%1 arguments").arg(r.size()));
  } else {
    checkValue(object + QStringLiteral(".richSignal.pod"), r[0],
               podExpected(n, msg, interop::kRichPodD));
    checkValue(object + QStringLiteral(".richSignal.mode"), r[1],
               Expected{"", "Mode", Kind::Enum, interop::kModeOn});
    checkValue(object + QStringLiteral(".richSignal.list"), r[2],
               value("QList<int>", QVariant::fromValue(QList<int>{n, -n})));
    checkValue(
        object + QStringLiteral(".richSignal.map"), r[3],
        value("QVariantMap", QVariantMap{{QStringLiteral("msg"), msg}, {QStringLiteral("n"), n}}));
  }
  const QList<QVariant> f = fired->takeFirst();
  if (!f.isEmpty())
    fail(object + QStringLiteral(".fired"), QStringLiteral("%1 arguments").arg(f.size()));
  else
    ok(object + QStringLiteral(".fired"));
  const QStringList want{QStringLiteral("pinged"), QStringLiteral("richSignal"),
                         QStringLiteral("fired")};
  if (rec.order != want)
    fail(object + QStringLiteral(".signal-order"),
         QStringLiteral("got ") + rec.order.join(QLatin1Char(',')));
  else
    ok(object + QStringLiteral(".signal-order"));
}

// Waits until property `name` of `rep` equals `expected` and its NOTIFY signal fired.
void checkRoundTrip(const QString& check,
                    QObject* rep,
                    const char* name,
                    const Expected& expected,
                    const std::function<void()>& change) {
  const QMetaObject* mo = rep->metaObject();
  const QMetaProperty mp = mo->property(mo->indexOfProperty(name));
  QScopedPointer<QSignalSpy> notify(mp.hasNotifySignal() ? new QSignalSpy(rep, mp.notifySignal())
                                                         : nullptr);
  change();
  const bool arrived = waitFor(
      [&] {
        return interopqt::matches(rep->property(name), expected, nullptr) &&
               (!notify || !notify->isEmpty());
      },
      kCallTimeoutMs);
  if (!arrived) {
    fail(check, QStringLiteral("got %1 (notify %2) expected %3")
                    .arg(interopqt::describe(rep->property(name)))
                    .arg(notify ? notify->size() : -1)
                    .arg(interopqt::describe(expected.value)));
    return;
  }
  ok(check);
}

// ---------------------------------------------------------------------------------- Interop

// Puts `text` and `counter` back to the table values, so the host can serve the next client.
void restoreInterop(const QString& object, QObject* rep, const std::function<void()>& restore) {
  restore();
  const bool back = waitFor(
      [&] {
        return rep->property("text") == tableValue("text") &&
               rep->property("counter") == tableValue("counter");
      },
      kCallTimeoutMs);
  if (back)
    ok(object + QStringLiteral(".restore"));
  else
    fail(object + QStringLiteral(".restore"),
         QStringLiteral("text/counter did not come back to the table values"));
}

QRemoteObjectReplica* checkInteropDynamic(QRemoteObjectNode& node, bool restore) {
  const QString object = QStringLiteral("Interop");
  if (QMetaType::fromName("MyPod").isValid())
    fail(QStringLiteral("setup"),
         QStringLiteral("MyPod is registered before the dynamic replica exists"));
  QRemoteObjectDynamicReplica* rep = node.acquireDynamic(object);
  if (!waitFor([&] { return rep->isInitialized(); }, kInitTimeoutMs)) {
    fail(object + QStringLiteral(".init"), QStringLiteral("not initialized within %1 ms (state %2)")
                                               .arg(kInitTimeoutMs)
                                               .arg(int(rep->state())));
    return rep;
  }
  ok(object + QStringLiteral(".init"));
  const auto table = interopqt::interopProperties();
  checkProperties(object, rep, table, true);

  QObject* r = rep;
  checkCall(object + QStringLiteral(".add"), r, "add",
            {{Kind::Value, interop::kAddA}, {Kind::Value, interop::kAddB}},
            value("int", interop::kAddResult));
  checkCall(object + QStringLiteral(".echo"), r, "echo", {{Kind::Value, interopText()}},
            value("QString", interopText()));
  checkCall(object + QStringLiteral(".echo-null"), r, "echo", {{Kind::Value, QString()}},
            value("QString", QString()));
  checkCall(
      object + QStringLiteral(".echoPod"), r, "echoPod",
      {{Kind::Gadget, QVariantList{interop::kEchoPodI, QString::fromLatin1(interop::kEchoPodS),
                                   interop::kEchoPodD}}},
      podExpected(interop::kEchoPodI + 1,
                  QString::fromLatin1(interop::kEchoPodS) + QStringLiteral("!"),
                  interop::kEchoPodD * 2));
  checkCall(object + QStringLiteral(".nextMode"), r, "nextMode", {{Kind::Enum, interop::kModeOn}},
            Expected{"", "Mode", Kind::Enum, interop::kModeAuto});
  QList<int> values(std::begin(interop::kSumValues), std::end(interop::kSumValues));
  checkCall(object + QStringLiteral(".sum"), r, "sum", {{Kind::Value, QVariant::fromValue(values)}},
            value("qint64", QVariant::fromValue(qint64(interop::kSumResult))));
  // The parameter is a QtROSequentialContainer here, which only Qt can fill with a valid element
  // type: pass the one received in podListProp (checked against the table above). The reply is
  // the QSQ_ as it came (Qt 6.4 does not unwrap it).
  checkCall(object + QStringLiteral(".reversePods"), r, "reversePods",
            {{Kind::Value, r->property("podListProp")}}, podListExpected(true));

  checkRoundTrip(object + QStringLiteral(".write-text"), r, "text",
                 value("QString", QString::fromLatin1(interop::kWrittenText)),
                 [&] { r->setProperty("text", QString::fromLatin1(interop::kWrittenText)); });
  checkRoundTrip(object + QStringLiteral(".pushCounter"), r, "counter",
                 value("int", interop::kPushedCounter), [&] {
                   QString error;
                   callDynamic(r, "pushCounter", {{Kind::Value, interop::kPushedCounter}}, &error);
                   if (!error.isEmpty()) fail(object + QStringLiteral(".pushCounter.call"), error);
                 });
  if (restore) {
    restoreInterop(object, r, [&] {
      r->setProperty("text", tableValue("text"));
      QString error;
      callDynamic(r, "pushCounter", {{Kind::Value, tableValue("counter")}}, &error);
    });
  }
  checkFireSignals(object, r, [&] {
    QString error;
    callDynamic(
        r, "fire",
        {{Kind::Value, QString::fromLatin1(interop::kFireMsg)}, {Kind::Value, interop::kFireN}},
        &error);
    if (!error.isEmpty()) fail(object + QStringLiteral(".fire.call"), error);
  });
  return rep;
}

// repc's replica, with access to the raw cached values (what came off the wire).
class InspectableInterop : public InteropReplica {
public:
  using QRemoteObjectReplica::propAsVariant;
};

QRemoteObjectReplica* checkInteropTyped(QRemoteObjectNode& node, bool restore) {
  const QString object = QStringLiteral("Interop");
  auto* held = new InspectableInterop;
  InspectableInterop& rep = *held;
  rep.setNode(&node);
  // Before the init a typed replica shows the .rep defaults (which differ from the table).
  if (rep.state() == QRemoteObjectReplica::Default) {
    if (rep.text() == QLatin1String("initial") && rep.counter() == 0)
      ok(object + QStringLiteral(".defaults"));
    else
      fail(object + QStringLiteral(".defaults"),
           QStringLiteral("text %1 counter %2").arg(rep.text()).arg(rep.counter()));
  }
  if (!waitFor([&] { return rep.state() == QRemoteObjectReplica::Valid; }, kInitTimeoutMs)) {
    fail(object + QStringLiteral(".init"), QStringLiteral("not Valid within %1 ms (state %2)")
                                               .arg(kInitTimeoutMs)
                                               .arg(int(rep.state())));
    return held;
  }
  ok(object + QStringLiteral(".init"));
  const auto table = interopqt::interopProperties();
  checkProperties(object, &rep, table, false);
  // The raw values the replica cached must already have the declared type (nothing converted;
  // gadget containers unwrapped from QSQ_/QAS_ into repc's QList<MyPod> / QMap<QString,MyPod>).
  for (int i = 0; i < table.size(); ++i) {
    const Expected& e = table[i];
    if (e.kind == Kind::Gadget || e.kind == Kind::Enum || e.type == "QVariant") continue;
    const QVariant raw = rep.propAsVariant(i);
    if (raw.metaType() != QMetaType::fromName(e.type)) {
      fail(object + QLatin1Char('.') + QString::fromLatin1(e.name) + QStringLiteral(".wire-type"),
           QStringLiteral("got %1 expected %2")
               .arg(QString::fromLatin1(raw.metaType().name()), QString::fromLatin1(e.type)));
    }
  }

  checkReply(object + QStringLiteral(".add"), rep.add(interop::kAddA, interop::kAddB),
             value("int", interop::kAddResult));
  checkReply(object + QStringLiteral(".echo"), rep.echo(interopText()),
             value("QString", interopText()));
  checkReply(object + QStringLiteral(".echo-null"), rep.echo(QString()),
             value("QString", QString()));
  checkReply(object + QStringLiteral(".echoPod"),
             rep.echoPod(MyPod(interop::kEchoPodI, QString::fromLatin1(interop::kEchoPodS),
                               interop::kEchoPodD)),
             podExpected(interop::kEchoPodI + 1,
                         QString::fromLatin1(interop::kEchoPodS) + QStringLiteral("!"),
                         interop::kEchoPodD * 2));
  checkReply(object + QStringLiteral(".nextMode"), rep.nextMode(InteropReplica::On),
             Expected{"", "Mode", Kind::Enum, interop::kModeAuto});
  checkReply(object + QStringLiteral(".sum"),
             rep.sum(QList<int>(std::begin(interop::kSumValues), std::end(interop::kSumValues))),
             value("qint64", QVariant::fromValue(qint64(interop::kSumResult))));
  {
    // Qt 6.4 does not unwrap a QSQ_ in a reply: returnValue() of the typed reply is an empty
    // QList<MyPod>, so the raw value (the QSQ_ as it came) is checked.
    QRemoteObjectPendingCall call =
        rep.reversePods(interopqt::build(QMetaType::fromType<QList<MyPod>>(), Kind::GadgetList,
                                         podListExpected(false).value)
                            .value<QList<MyPod>>());
    const QString check = object + QStringLiteral(".reversePods");
    if (!call.waitForFinished(kCallTimeoutMs))
      fail(check, QStringLiteral("no reply within %1 ms").arg(kCallTimeoutMs));
    else if (call.error() != QRemoteObjectPendingCall::NoError)
      fail(check, QStringLiteral("reply error %1").arg(int(call.error())));
    else
      checkValue(check, call.returnValue(), podListExpected(true), true);
  }

  checkRoundTrip(object + QStringLiteral(".write-text"), &rep, "text",
                 value("QString", QString::fromLatin1(interop::kWrittenText)),
                 [&] { rep.setText(QString::fromLatin1(interop::kWrittenText)); });
  checkRoundTrip(object + QStringLiteral(".pushCounter"), &rep, "counter",
                 value("int", interop::kPushedCounter),
                 [&] { rep.pushCounter(interop::kPushedCounter); });
  if (restore) {
    restoreInterop(object, &rep, [&] {
      rep.setText(tableValue("text").toString());
      rep.pushCounter(tableValue("counter").toInt());
    });
  }
  checkFireSignals(object, &rep,
                   [&] { rep.fire(QString::fromLatin1(interop::kFireMsg), interop::kFireN); });
  return held;
}

// ------------------------------------------------------------------------------------ Plain
QRemoteObjectReplica* checkPlain(QRemoteObjectNode& node, bool restore) {
  const QString object = QStringLiteral("Plain");
  QRemoteObjectDynamicReplica* rep = node.acquireDynamic(object);
  if (!waitFor([&] { return rep->isInitialized(); }, kInitTimeoutMs)) {
    fail(object + QStringLiteral(".init"), QStringLiteral("not initialized within %1 ms (state %2)")
                                               .arg(kInitTimeoutMs)
                                               .arg(int(rep->state())));
    return rep;
  }
  ok(object + QStringLiteral(".init"));
  checkProperties(object, rep, interopqt::plainProperties(), true);
  QObject* r = rep;
  checkCall(object + QStringLiteral(".twice"), r, "twice", {{Kind::Value, interop::kTwiceArg}},
            value("int", interop::kTwiceResult));
  checkCall(object + QStringLiteral(".greet"), r, "greet",
            {{Kind::Value, QString::fromLatin1(interop::kGreetName)}},
            value("QString", QString::fromLatin1(interop::kGreetResult)));
  checkRoundTrip(object + QStringLiteral(".write-label"), r, "label",
                 value("QString", QString::fromLatin1(interop::kWrittenText)),
                 [&] { r->setProperty("label", QString::fromLatin1(interop::kWrittenText)); });

  if (restore) {
    const QVariant label = tableValue("label", interopqt::plainProperties());
    checkRoundTrip(object + QStringLiteral(".restore-label"), r, "label", value("QString", label),
                   [&] { r->setProperty("label", label); });
  }

  QScopedPointer<QSignalSpy> spy(spyOn(r, "somethingHappened"));
  if (!spy) {
    fail(object + QStringLiteral(".somethingHappened"), QStringLiteral("no such signal"));
    return rep;
  }
  QString error;
  callDynamic(r, "trigger",
              {{Kind::Value, QString::fromLatin1(interop::kTriggerWhat)},
               {Kind::Value, interop::kTriggerValue}},
              &error);
  if (!error.isEmpty()) fail(object + QStringLiteral(".trigger"), error);
  if (!waitFor([&] { return !spy->isEmpty(); }, kCallTimeoutMs)) {
    fail(object + QStringLiteral(".somethingHappened"), QStringLiteral("not received"));
    return rep;
  }
  const QList<QVariant> args = spy->takeFirst();
  if (args.size() != 2) {
    fail(object + QStringLiteral(".somethingHappened"),
         QStringLiteral("%1 arguments").arg(args.size()));
    return rep;
  }
  checkValue(object + QStringLiteral(".somethingHappened.what"), args[0],
             value("QString", QString::fromLatin1(interop::kTriggerWhat)));
  checkValue(object + QStringLiteral(".somethingHappened.value"), args[1],
             value("double", interop::kTriggerValue));
  return rep;
}

}  // namespace

int main(int argc, char** argv) {
  interopqt::installMessageHandler("qt_client");
  QCoreApplication app(argc, argv);

  QStringList args = app.arguments().mid(1);
  const bool reconnect = args.removeAll(QStringLiteral("--reconnect")) > 0;
  bool viaRegistry = false;
  if (!args.isEmpty() && args[0] == QLatin1String("--registry")) {
    viaRegistry = true;
    args.removeFirst();
  }
  if (args.size() != 3 ||
      (args[2] != QLatin1String("dynamic") && args[2] != QLatin1String("typed"))) {
    std::fprintf(
        stderr,
        "usage: qt_client (URL | --registry REGURL) Interop[,Plain] dynamic|typed [--reconnect]\n");
    return 2;
  }
  const QUrl url(args[0]);
  const QStringList names = args[1].split(QLatin1Char(','), Qt::SkipEmptyParts);
  const bool typed = args[2] == QLatin1String("typed");
  for (const QString& name : names) {
    if (name != QLatin1String("Interop") && name != QLatin1String("Plain")) {
      std::fprintf(stderr, "qt_client: unknown object %s\n", qPrintable(name));
      return 2;
    }
  }

  // A dynamic Qt client must know the container types it will meet (Qt resolves every user type
  // on the wire by name); the .rep's MyPod, Mode and Level must come from the definition.
  qRegisterMetaType<QList<int>>();
  qRegisterMetaType<QMap<QString, int>>();
  qRegisterMetaType<QHash<int, QByteArray>>();
  qRegisterMetaType<std::pair<int, QString>>();

  QRemoteObjectNode node;
  const bool connected = viaRegistry ? node.setRegistryUrl(url) : connectNode(node, url);
  if (!connected) {
    fail(QStringLiteral("connect"), QStringLiteral("cannot reach %1 (error %2)")
                                        .arg(url.toString())
                                        .arg(int(node.lastError())));
  }

  // With --reconnect the written values stay (the restarted host must bring the table back).
  struct Held {
    QString name;
    std::unique_ptr<QRemoteObjectReplica> replica;
    QList<QRemoteObjectReplica::State> states;
  };
  std::vector<std::unique_ptr<Held>> held;
  for (const QString& name : names) {
    QRemoteObjectReplica* rep = name == QLatin1String("Plain") ? checkPlain(node, !reconnect)
                                : typed                        ? checkInteropTyped(node, !reconnect)
                                        : checkInteropDynamic(node, !reconnect);
    auto h = std::make_unique<Held>(Held{name, std::unique_ptr<QRemoteObjectReplica>(rep), {}});
    QObject::connect(rep, &QRemoteObjectReplica::stateChanged, rep,
                     [states = &h->states](QRemoteObjectReplica::State now,
                                           QRemoteObjectReplica::State) { states->append(now); });
    held.push_back(std::move(h));
  }

  if (reconnect) {
    interopqt::say(QStringLiteral("WAITING_RESTART"));
    const auto all = [&](const std::function<bool(const Held&)>& pred) {
      for (const auto& h : held)
        if (!pred(*h)) return false;
      return true;
    };
    if (waitFor(
            [&] {
              return all(
                  [](const Held& h) { return h.states.contains(QRemoteObjectReplica::Suspect); });
            },
            15000))
      ok(QStringLiteral("restart.suspect"));
    else
      fail(QStringLiteral("restart.suspect"),
           QStringLiteral("not every replica went Suspect within 15 s"));
    if (waitFor(
            [&] {
              return all(
                  [](const Held& h) { return h.replica->state() == QRemoteObjectReplica::Valid; });
            },
            15000))
      ok(QStringLiteral("restart.valid"));
    else
      fail(QStringLiteral("restart.valid"),
           QStringLiteral("not every replica Valid again within 15 s"));
    for (const auto& h : held) {
      checkProperties(h->name + QStringLiteral(".after-restart"), h->replica.get(),
                      h->name == QLatin1String("Plain") ? interopqt::plainProperties()
                                                        : interopqt::interopProperties(),
                      !(typed && h->name == QLatin1String("Interop")));
    }
  }

  const QStringList warnings = interopqt::warnings();
  if (!warnings.isEmpty()) {
    fail(QStringLiteral("qt-warnings"),
         QStringLiteral("%1 Qt warning(s), first: %2").arg(warnings.size()).arg(warnings.first()));
  }
  interopqt::say(QStringLiteral("%1 passed, %2 failed").arg(g_passes).arg(g_failures));
  return g_failures == 0 ? 0 : 1;
}

#include "qt_client.moc"
