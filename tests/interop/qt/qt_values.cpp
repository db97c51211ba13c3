#include "qt_values.h"

#include <QAssociativeIterable>
#include <QCoreApplication>
#include <QDataStream>
#include <QDate>
#include <QDateTime>
#include <QDebug>
#include <QIODevice>
#include <QLine>
#include <QLineF>
#include <QMap>
#include <QMetaProperty>
#include <QMutex>
#include <QPoint>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QRemoteObjectNode>
#include <QSequentialIterable>
#include <QSize>
#include <QSizeF>
#include <QSocketNotifier>
#include <QTime>
#include <QUrl>
#include <QUuid>
#include <cstdio>
#include <cstring>

#include "../interop_values.h"
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

// Qt 6.4's qtremoteobjectglobal.h declares QHash<int,QByteArray> (QIntHash) an extern metatype
// but libQt6RemoteObjects does not export its registration function: any program registering
// the type (repc code for a QHash<int,QByteArray> PROP, qRegisterMetaType) fails to link. Each
// Qt test program links this library, so it provides the function itself.
QT_IMPL_METATYPE_EXTERN(QIntHash)

namespace interopqt {

QList<Expected> interopProperties() {
#define INTEROP_QT_ROW(name, type, kind, qt, doppel) \
  Expected{QByteArrayLiteral(#name), QByteArrayLiteral(type), Kind::kind, QVariant(qt)},
  return {INTEROP_PROPERTIES(INTEROP_QT_ROW)};
}

QList<Expected> plainProperties() {
  return {INTEROP_PLAIN_PROPERTIES(INTEROP_QT_ROW)};
}
#undef INTEROP_QT_ROW

namespace {

bool isIntegral(QMetaType t) {
  switch (t.id()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Char:
    case QMetaType::SChar:
    case QMetaType::UChar:
      return true;
    default:
      return false;
  }
}

QString quote(const QString& s) {
  if (s.isNull()) return QStringLiteral("null");
  return QLatin1Char('"') + s + QLatin1Char('"');
}

QString describeLeaf(const QVariant& v) {
  QString out;
  QDebug dbg(&out);
  dbg.nospace().noquote();
  switch (v.metaType().id()) {
    case QMetaType::Double:
      dbg << QString::number(v.toDouble(), 'g', 17);
      break;
    case QMetaType::Float:
      dbg << QString::number(double(v.value<float>()), 'g', 9);
      break;
    case QMetaType::QDateTime: {
      const QDateTime dt = v.toDateTime();
      dbg << dt.date().toString(Qt::ISODate) << ' '
          << dt.time().toString(QStringLiteral("HH:mm:ss.zzz")) << " spec " << int(dt.timeSpec())
          << " offset " << dt.offsetFromUtc();
      break;
    }
    case QMetaType::QChar:
      dbg << "U+" << QString::number(v.toChar().unicode(), 16);
      break;
    default:
      if (v.metaType().flags() & QMetaType::IsEnumeration) {
        dbg << enumToInt(v);
      } else {
        dbg.quote() << v;
      }
  }
  return out;
}

bool deepEqual(const QVariant& a, const QVariant& b, QString* why);

bool fail(QString* why, const QString& text) {
  if (why) *why = text;
  return false;
}

// The elements of a sequential container (QList<MyPod>, ...) and the entries of an associative
// one, read through Qt's iterable views; false if `v` is not one. Qt's generic
// QtROSequentialContainer / QtROAssociativeContainer (private types, no iterable views) derive
// from QVariantList / QVariantMap and are read as such.
bool elementsOf(const QVariant& v, QVariantList* out) {
  if (QByteArray(v.metaType().name()) == kSequentialContainer) {
    *out = *static_cast<const QVariantList*>(v.constData());
    return true;
  }
  if (v.metaType().id() < QMetaType::User ||
      !QMetaType::canConvert(v.metaType(), QMetaType::fromType<QSequentialIterable>()))
    return false;
  for (const QVariant& e : v.value<QSequentialIterable>()) out->append(e);
  return true;
}

// A QRemoteObjectPackets::QSQ_ (private to Qt) read back through its own stream operator:
// QByteArray typeName, valueTypeName, values; `values` holds valueTypeName again, a count and
// the elements in the value type's format (protocol §4.4).
bool unwrapSequence(const QVariant& v, QByteArray* typeName, QVariantList* out) {
  QByteArray wire;
  {
    QDataStream ds(&wire, QIODevice::WriteOnly);
    if (!v.metaType().save(ds, v.constData())) return false;
  }
  QDataStream ds(wire);
  QByteArray valueTypeName, values;
  ds >> *typeName >> valueTypeName >> values;
  const QMetaType valueType = QMetaType::fromName(valueTypeName);
  if (ds.status() != QDataStream::Ok || !valueType.isValid()) return false;
  QDataStream vs(values);
  QByteArray again;
  quint32 count = 0;
  vs >> again >> count;
  for (quint32 i = 0; i < count && vs.status() == QDataStream::Ok; ++i) {
    QVariant e(valueType);
    if (!valueType.load(vs, e.data())) return false;
    out->append(e);
  }
  return vs.status() == QDataStream::Ok && vs.atEnd() && again == valueTypeName;
}

bool entriesOf(const QVariant& v, QList<QPair<QVariant, QVariant>>* out) {
  if (QByteArray(v.metaType().name()) == kAssociativeContainer) {
    const QVariantMap& m = *static_cast<const QVariantMap*>(v.constData());
    for (auto it = m.begin(); it != m.end(); ++it) out->append({it.key(), it.value()});
    return true;
  }
  if (v.metaType().id() < QMetaType::User ||
      !QMetaType::canConvert(v.metaType(), QMetaType::fromType<QAssociativeIterable>()))
    return false;
  const QAssociativeIterable it = v.value<QAssociativeIterable>();
  for (auto i = it.begin(); i != it.end(); ++i) out->append({i.key(), i.value()});
  return true;
}

bool stringEqual(const QString& a, const QString& b) {
  return a.isNull() == b.isNull() && a == b;
}

bool deepEqual(const QVariant& a, const QVariant& b, QString* why) {
  if (a.metaType() != b.metaType()) {
    return fail(why, QStringLiteral("type %1, expected %2")
                         .arg(QString::fromLatin1(a.metaType().name()),
                              QString::fromLatin1(b.metaType().name())));
  }
  if (!a.isValid()) return true;  // both invalid
  switch (a.metaType().id()) {
    case QMetaType::QString:
      if (!stringEqual(a.toString(), b.toString()))
        return fail(why, QStringLiteral("string differs"));
      return true;
    case QMetaType::QByteArray: {
      const QByteArray x = a.toByteArray(), y = b.toByteArray();
      if (x.isNull() != y.isNull() || x != y) return fail(why, QStringLiteral("bytes differ"));
      return true;
    }
    case QMetaType::QStringList: {
      const QStringList x = a.toStringList(), y = b.toStringList();
      if (x.size() != y.size()) return fail(why, QStringLiteral("list size differs"));
      for (qsizetype i = 0; i < x.size(); ++i) {
        if (!stringEqual(x[i], y[i])) return fail(why, QStringLiteral("element %1 differs").arg(i));
      }
      return true;
    }
    case QMetaType::QVariantList: {
      const QVariantList x = a.toList(), y = b.toList();
      if (x.size() != y.size()) return fail(why, QStringLiteral("list size differs"));
      for (qsizetype i = 0; i < x.size(); ++i) {
        QString inner;
        if (!deepEqual(x[i], y[i], &inner))
          return fail(why, QStringLiteral("element %1: %2").arg(i).arg(inner));
      }
      return true;
    }
    case QMetaType::QVariantMap:
    case QMetaType::QVariantHash: {
      const QVariantMap x = a.toMap(), y = b.toMap();  // a hash converts to a map: order-free
      if (x.keys() != y.keys()) return fail(why, QStringLiteral("keys differ"));
      for (auto it = x.begin(); it != x.end(); ++it) {
        QString inner;
        if (!deepEqual(it.value(), y.value(it.key()), &inner))
          return fail(why, QStringLiteral("key %1: %2").arg(it.key(), inner));
      }
      return true;
    }
    case QMetaType::QDateTime: {
      const QDateTime x = a.toDateTime(), y = b.toDateTime();
      if (x != y || x.timeSpec() != y.timeSpec() || x.offsetFromUtc() != y.offsetFromUtc() ||
          x.date() != y.date() || x.time() != y.time())
        return fail(why, QStringLiteral("date-time differs"));
      return true;
    }
    case QMetaType::Double:
      if (a.toDouble() != b.toDouble()) return fail(why, QStringLiteral("double differs"));
      return true;
    case QMetaType::Float:
      if (a.value<float>() != b.value<float>()) return fail(why, QStringLiteral("float differs"));
      return true;
    default:
      if (a != b) return fail(why, QStringLiteral("value differs"));
      return true;
  }
}

}  // namespace

qint64 enumToInt(const QVariant& v, bool* ok) {
  if (ok) *ok = true;
  const QMetaType t = v.metaType();
  if (t.flags() & QMetaType::IsEnumeration) {
    const bool isUnsigned = t.flags() & QMetaType::IsUnsignedEnumeration;
    const void* p = v.constData();
    switch (t.sizeOf()) {
      case 1:
        return isUnsigned ? qint64(*static_cast<const quint8*>(p))
                          : qint64(*static_cast<const qint8*>(p));
      case 2:
        return isUnsigned ? qint64(*static_cast<const quint16*>(p))
                          : qint64(*static_cast<const qint16*>(p));
      case 4:
        return isUnsigned ? qint64(*static_cast<const quint32*>(p))
                          : qint64(*static_cast<const qint32*>(p));
      case 8:
        return *static_cast<const qint64*>(p);
      default:
        break;
    }
  } else if (isIntegral(t)) {
    return v.toLongLong();
  }
  if (ok) *ok = false;
  return 0;
}

QString describe(const QVariant& v) {
  if (!v.isValid()) return QStringLiteral("<invalid>");
  const QMetaType t = v.metaType();
  const QString typeName = QString::fromLatin1(t.name());
  QString body;
  switch (t.id()) {
    case QMetaType::QString:
      body = quote(v.toString());
      break;
    case QMetaType::QByteArray: {
      const QByteArray b = v.toByteArray();
      body = b.isNull() ? QStringLiteral("null") : QString::fromLatin1(b.toHex(' '));
      break;
    }
    case QMetaType::QStringList: {
      QStringList parts;
      for (const QString& s : v.toStringList()) parts << quote(s);
      body = QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
      break;
    }
    case QMetaType::QVariantList: {
      QStringList parts;
      for (const QVariant& e : v.toList()) parts << describe(e);
      body = QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
      break;
    }
    case QMetaType::QVariantMap:
    case QMetaType::QVariantHash: {
      const QVariantMap m = v.toMap();
      QStringList parts;
      for (auto it = m.begin(); it != m.end(); ++it)
        parts << quote(it.key()) + QStringLiteral(": ") + describe(it.value());
      body = QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
      break;
    }
    default: {
      QVariantList elements;
      QList<QPair<QVariant, QVariant>> entries;
      if (entriesOf(v, &entries)) {
        QStringList parts;
        for (const auto& e : entries)
          parts << describe(e.first) + QStringLiteral(": ") + describe(e.second);
        body = QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
        break;
      }
      if (elementsOf(v, &elements)) {
        QStringList parts;
        for (const QVariant& e : elements) parts << describe(e);
        body = QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
        break;
      }
      if ((t.flags() & QMetaType::IsGadget) && t.metaObject()) {
        const QMetaObject* mo = t.metaObject();
        QStringList parts;
        for (int i = 0; i < mo->propertyCount(); ++i) {
          parts << QString::fromLatin1(mo->property(i).name()) + QLatin1Char('=') +
                       describe(mo->property(i).readOnGadget(v.constData()));
        }
        body = QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
      } else {
        body = describeLeaf(v);
      }
    }
  }
  return typeName + QLatin1Char('(') + body + QLatin1Char(')');
}

bool matches(const QVariant& actual, const Expected& expected, QString* why, bool allowGeneric) {
  const QMetaType t = actual.metaType();
  switch (expected.kind) {
    case Kind::Value:
      return deepEqual(actual, expected.value, why);
    case Kind::GadgetList: {
      const QByteArray name = t.name();
      const bool wrapped = name == kSequenceWrapper;
      if (name != expected.type && !(allowGeneric && (name == kSequentialContainer || wrapped)))
        return fail(why, QStringLiteral("type %1").arg(QString::fromLatin1(name)));
      QVariantList elements;
      QByteArray wrappedType;
      if (wrapped ? !unwrapSequence(actual, &wrappedType, &elements)
                  : !elementsOf(actual, &elements))
        return fail(why, QStringLiteral("not a sequence"));
      if (wrapped && wrappedType != expected.type)
        return fail(why, QStringLiteral("QSQ_ of %1").arg(QString::fromLatin1(wrappedType)));
      const QVariantList want = expected.value.toList();
      if (elements.size() != want.size())
        return fail(why, QStringLiteral("%1 elements").arg(elements.size()));
      const QByteArray elementType = expected.type.mid(expected.type.indexOf('<') + 1).chopped(1);
      for (qsizetype i = 0; i < want.size(); ++i) {
        QString inner;
        if (!matches(elements[i], Expected{"", elementType, Kind::Gadget, want[i]}, &inner))
          return fail(why, QStringLiteral("element %1: %2").arg(i).arg(inner));
      }
      return true;
    }
    case Kind::GadgetMap: {
      const QByteArray name = t.name();
      if (name != expected.type && !(allowGeneric && name == kAssociativeContainer))
        return fail(why, QStringLiteral("type %1").arg(QString::fromLatin1(name)));
      QList<QPair<QVariant, QVariant>> entries;
      if (!entriesOf(actual, &entries)) return fail(why, QStringLiteral("not a map"));
      const QVariantList want = expected.value.toList();
      if (entries.size() != want.size())
        return fail(why, QStringLiteral("%1 entries").arg(entries.size()));
      const QByteArray valueType = expected.type.mid(expected.type.indexOf(',') + 1).chopped(1);
      for (qsizetype i = 0; i < want.size(); ++i) {
        const QVariantList kv = want[i].toList();
        QString inner;
        if (!deepEqual(entries[i].first, kv.value(0), &inner))
          return fail(why, QStringLiteral("key %1: %2").arg(i).arg(inner));
        if (!matches(entries[i].second, Expected{"", valueType, Kind::Gadget, kv.value(1)}, &inner))
          return fail(why, QStringLiteral("value of %1: %2").arg(kv.value(0).toString(), inner));
      }
      return true;
    }
    case Kind::Gadget: {
      if (!(t.flags() & QMetaType::IsGadget) || !t.metaObject())
        return fail(why, QStringLiteral("not a gadget"));
      if (QByteArray(t.name()) != expected.type)
        return fail(why, QStringLiteral("gadget type %1").arg(QString::fromLatin1(t.name())));
      const QMetaObject* mo = t.metaObject();
      const QVariantList fields = expected.value.toList();
      if (mo->propertyCount() != fields.size())
        return fail(why, QStringLiteral("%1 fields").arg(mo->propertyCount()));
      for (int i = 0; i < mo->propertyCount(); ++i) {
        QString inner;
        if (!deepEqual(mo->property(i).readOnGadget(actual.constData()), fields[i], &inner))
          return fail(why, QStringLiteral("field %1: %2")
                               .arg(QString::fromLatin1(mo->property(i).name()), inner));
      }
      return true;
    }
    case Kind::Enum: {
      bool ok = false;
      const qint64 got = enumToInt(actual, &ok);
      if (!ok) return fail(why, QStringLiteral("not an enum"));
      const int bits = (t.flags() & QMetaType::IsEnumeration) ? t.sizeOf() * 8 : 64;
      const quint64 mask = bits >= 64 ? ~quint64(0) : ((quint64(1) << bits) - 1);
      if ((quint64(got) & mask) != (quint64(expected.value.toLongLong()) & mask))
        return fail(why, QStringLiteral("enum value differs"));
      return true;
    }
  }
  return false;
}

QVariant build(QMetaType type, Kind kind, const QVariant& value) {
  switch (kind) {
    case Kind::GadgetList: {
      QVariant out(type);
      QSequentialIterable it;
      if (!QMetaType::view(type, out.data(), QMetaType::fromType<QSequentialIterable>(), &it)) {
        qWarning("build: %s has no mutable sequential view", type.name());
        return {};
      }
      const QMetaType elementType = it.metaContainer().valueMetaType();
      for (const QVariant& fields : value.toList())
        it.addValue(build(elementType, Kind::Gadget, fields));
      return out;
    }
    case Kind::GadgetMap: {
      QVariant out(type);
      QAssociativeIterable it;
      if (!QMetaType::view(type, out.data(), QMetaType::fromType<QAssociativeIterable>(), &it)) {
        qWarning("build: %s has no mutable associative view", type.name());
        return {};
      }
      const QMetaType keyType = it.metaContainer().keyMetaType();
      const QMetaType mappedType = it.metaContainer().mappedMetaType();
      for (const QVariant& entry : value.toList()) {
        const QVariantList kv = entry.toList();
        it.setValue(build(keyType, Kind::Value, kv.value(0)),
                    build(mappedType, Kind::Gadget, kv.value(1)));
      }
      return out;
    }
    case Kind::Gadget: {
      QVariant out(type);
      const QMetaObject* mo = type.metaObject();
      const QVariantList fields = value.toList();
      for (int i = 0; mo && i < mo->propertyCount() && i < fields.size(); ++i)
        mo->property(i).writeOnGadget(out.data(), fields[i]);
      return out;
    }
    case Kind::Enum: {
      QVariant out(type);
      const qint64 v = value.toLongLong();
      void* p = out.data();
      switch (type.sizeOf()) {
        case 1:
          *static_cast<qint8*>(p) = qint8(v);
          break;
        case 2:
          *static_cast<qint16*>(p) = qint16(v);
          break;
        case 4:
          *static_cast<qint32*>(p) = qint32(v);
          break;
        case 8:
          *static_cast<qint64*>(p) = v;
          break;
        default:
          break;
      }
      return out;
    }
    case Kind::Value:
      break;
  }
  QVariant out = value;
  if (type.isValid() && type != QMetaType::fromType<QVariant>() && out.metaType() != type)
    out.convert(type);
  return out;
}

namespace {
QMutex g_messageMutex;
QStringList g_warnings;
const char* g_tag = "qt";
int g_signalPipe[2] = {-1, -1};

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& msg) {
  const char* level = "debug";
  switch (type) {
    case QtDebugMsg:
      level = "debug";
      break;
    case QtInfoMsg:
      level = "info";
      break;
    case QtWarningMsg:
      level = "warning";
      break;
    case QtCriticalMsg:
      level = "critical";
      break;
    case QtFatalMsg:
      level = "fatal";
      break;
  }
  const QByteArray line =
      QStringLiteral("%1: qt %2 [%3]: %4\n")
          .arg(QString::fromLatin1(g_tag), QString::fromLatin1(level),
               QString::fromLatin1(context.category ? context.category : "default"), msg)
          .toUtf8();
  std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
  std::fflush(stderr);
  if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) {
    QMutexLocker lock(&g_messageMutex);
    g_warnings << msg;
  }
  if (type == QtFatalMsg) std::abort();
}

void onSignal(int) {
  const char c = 1;
  [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}
}  // namespace

void installMessageHandler(const char* tag) {
  g_tag = tag;
  qInstallMessageHandler(messageHandler);
}

QStringList warnings() {
  QMutexLocker lock(&g_messageMutex);
  return g_warnings;
}

void quitOnSignals() {
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) {
    std::perror("socketpair");
    return;
  }
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  auto* notifier =
      new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
  QObject::connect(notifier, &QSocketNotifier::activated, [] {
    char c;
    [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &c, 1);
    QCoreApplication::quit();
  });
}

void say(const QString& line) {
  const QByteArray bytes = line.toUtf8() + '\n';
  std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
  std::fflush(stdout);
}

}  // namespace interopqt
