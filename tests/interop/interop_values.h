// The expected values of the interop tests: ONE table, read by the Qt programs (qt/) and by the
// doppel programs (doppel/). Hosts set these values at start; clients check them.
//
// Each row is X(name, type, kind, qtValue, doppelValue):
//   name         the property name (in .rep order for INTEROP_PROPERTIES)
//   type         the .rep / Qt type name, as a string
//   kind         Value (compared exactly, type included), Gadget (a POD: the Qt column lists its
//                fields in order), GadgetList (a list of PODs, QSQ_ on the wire: the Qt column is a
//                QVariantList of field lists), GadgetMap (a map to PODs, QAS_ on the wire: the Qt
//                column is a QVariantList of {key, field list} pairs in key order), Enum (the Qt
//                column is the integer)
//   qtValue      a QVariant expression (only expanded in Qt programs)
//   doppelValue  a doppel::Value expression (only expanded in doppel programs; `Value`, `Date`,
//                `Time`, `DateTime` and `Uuid` name the doppel types there)
// Columns that a program does not use are never compiled by it, so this header includes
// neither Qt nor doppel. Expressions are parenthesised so their commas survive the macro.
//
// The .rep defaults (interop.rep) all differ from these values on purpose.
#pragma once

#include <cstdint>

// Text with 1-, 2-, 3- and 4-byte UTF-8 sequences (the last one a UTF-16 surrogate pair).
#define INTEROP_TEXT   \
  "Gr\xC3\xBC\xC3\x9F" \
  "e, \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8C\x8D \"q\""
#define INTEROP_UMLAUT "\xC3\xBCn\xC3\xAF"

// One MyPod(int i, QString s, double d) inside the rows of lists and maps of PODs: its field list
// (Qt column) and its doppel value.
#define INTEROP_QT_POD(i, s, d) \
  QVariant(QVariantList{QVariant::fromValue(int(i)), QVariant::fromValue(s), QVariant::fromValue(double(d))})
#define INTEROP_DOPPEL_POD(i, s, d) Value::userList("MyPod", {Value::int32(i), s, Value::float64(d)})

// clang-format off
#define INTEROP_PROPERTIES(X) \
  X(boolProp, "bool", Value, \
    (QVariant::fromValue(true)), \
    (Value::boolean(true))) \
  X(int8Prop, "qint8", Value, \
    (QVariant::fromValue(qint8(-100))), \
    (Value::int8(-100))) \
  X(uint8Prop, "quint8", Value, \
    (QVariant::fromValue(quint8(200))), \
    (Value::uint8(200))) \
  X(int16Prop, "qint16", Value, \
    (QVariant::fromValue(qint16(-30000))), \
    (Value::int16(-30000))) \
  X(uint16Prop, "quint16", Value, \
    (QVariant::fromValue(quint16(60000))), \
    (Value::uint16(60000))) \
  X(int32Prop, "int", Value, \
    (QVariant::fromValue(int(-123456789))), \
    (Value::int32(-123456789))) \
  X(uint32Prop, "uint", Value, \
    (QVariant::fromValue(uint(4000000000u))), \
    (Value::uint32(4000000000u))) \
  X(int64Prop, "qint64", Value, \
    (QVariant::fromValue(qint64(-9000000000000000000LL))), \
    (Value::int64(-9000000000000000000LL))) \
  X(uint64Prop, "quint64", Value, \
    (QVariant::fromValue(quint64(18000000000000000000ULL))), \
    (Value::uint64(18000000000000000000ULL))) \
  X(doubleProp, "double", Value, \
    (QVariant::fromValue(double(-2.718281828459045))), \
    (Value::float64(-2.718281828459045))) \
  X(floatProp, "float", Value, \
    (QVariant::fromValue(float(-0.1f))), \
    (Value::float32(-0.1f))) \
  X(stringProp, "QString", Value, \
    (QVariant::fromValue(QString::fromUtf8(INTEROP_TEXT))), \
    (Value::string(INTEROP_TEXT))) \
  X(nullStringProp, "QString", Value, \
    (QVariant::fromValue(QString())), \
    (Value::nullString())) \
  X(emptyStringProp, "QString", Value, \
    (QVariant::fromValue(QString(QLatin1String("")))), \
    (Value::string(""))) \
  X(bytesProp, "QByteArray", Value, \
    (QVariant::fromValue(QByteArray("\0\x01\x7f\x80\xfe\xff" "bytes", 11))), \
    (Value::bytes(std::string_view("\0\x01\x7f\x80\xfe\xff" "bytes", 11)))) \
  X(nullBytesProp, "QByteArray", Value, \
    (QVariant::fromValue(QByteArray())), \
    (Value::nullBytes())) \
  X(charProp, "QChar", Value, \
    (QVariant::fromValue(QChar(0x20AC))), \
    (Value::qchar(u'\u20AC'))) \
  X(stringListProp, "QStringList", Value, \
    (QVariant::fromValue(QStringList{QStringLiteral("alpha"), QStringLiteral(""), \
                                     QString::fromUtf8(INTEROP_UMLAUT)})), \
    (Value::stringList({"alpha", "", INTEROP_UMLAUT}))) \
  X(variantListProp, "QVariantList", Value, \
    (QVariant::fromValue(QVariantList{QVariant::fromValue(int(1)), \
                                      QVariant::fromValue(QStringLiteral("two")), \
                                      QVariant::fromValue(double(3.5)), \
                                      QVariant::fromValue(true), \
                                      QVariant::fromValue(QVariantList{QVariant::fromValue(qint64(4))}), \
                                      QVariant()})), \
    (Value::list({Value::int32(1), Value::string("two"), Value::float64(3.5), Value::boolean(true), \
                  Value::list({Value::int64(4)}), Value()}))) \
  X(variantMapProp, "QVariantMap", Value, \
    (QVariant::fromValue(QVariantMap{{QStringLiteral("alpha"), QVariant::fromValue(int(1))}, \
                                     {QStringLiteral("beta"), QVariant::fromValue(QStringLiteral("b"))}, \
                                     {QStringLiteral("gamma"), \
                                      QVariant::fromValue(QStringList{QStringLiteral("x")})}})), \
    (Value::map({{Value::string("alpha"), Value::int32(1)}, \
                 {Value::string("beta"), Value::string("b")}, \
                 {Value::string("gamma"), Value::stringList({"x"})}}))) \
  X(variantHashProp, "QVariantHash", Value, \
    (QVariant::fromValue(QVariantHash{{QStringLiteral("x"), QVariant::fromValue(double(1.25))}, \
                                      {QStringLiteral("y"), QVariant::fromValue(QByteArray("yy"))}, \
                                      {QStringLiteral("z"), QVariant::fromValue(quint16(7))}})), \
    (Value::hash({{Value::string("x"), Value::float64(1.25)}, \
                  {Value::string("y"), Value::bytes("yy")}, \
                  {Value::string("z"), Value::uint16(7)}}))) \
  X(dateProp, "QDate", Value, \
    (QVariant::fromValue(QDate(2024, 2, 29))), \
    (Value::date(Date::fromYmd(2024, 2, 29)))) \
  X(timeProp, "QTime", Value, \
    (QVariant::fromValue(QTime(13, 14, 15, 16))), \
    (Value::time(Time::fromHms(13, 14, 15, 16)))) \
  X(dateTimeProp, "QDateTime", Value, \
    (QVariant::fromValue(QDateTime(QDate(2024, 2, 29), QTime(13, 14, 15, 16), Qt::UTC))), \
    (Value::dateTime(DateTime{Date::fromYmd(2024, 2, 29), Time::fromHms(13, 14, 15, 16), \
                              DateTime::Spec::Utc, 0, {}}))) \
  X(dateTimeOffsetProp, "QDateTime", Value, \
    (QVariant::fromValue(QDateTime(QDate(1999, 12, 31), QTime(23, 59, 59, 999), Qt::OffsetFromUTC, 19800))), \
    (Value::dateTime(DateTime{Date::fromYmd(1999, 12, 31), Time::fromHms(23, 59, 59, 999), \
                              DateTime::Spec::OffsetFromUtc, 19800, {}}))) \
  X(urlProp, "QUrl", Value, \
    (QVariant::fromValue(QUrl(QStringLiteral("https://user@example.org:8443/a%20b/%C3%BC?q=1&r=%2F#frag")))), \
    (Value::url("https://user@example.org:8443/a%20b/%C3%BC?q=1&r=%2F#frag"))) \
  X(uuidProp, "QUuid", Value, \
    (QVariant::fromValue(QUuid(QStringLiteral("{12345678-9abc-def0-1234-56789abcdef0}")))), \
    (Value::uuid(Uuid{0x12345678u, 0x9abc, 0xdef0, {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}}))) \
  X(pointProp, "QPoint", Value, \
    (QVariant::fromValue(QPoint(3, -4))), \
    (Value::point(3, -4))) \
  X(pointFProp, "QPointF", Value, \
    (QVariant::fromValue(QPointF(1.5, -2.25))), \
    (Value::pointF(1.5, -2.25))) \
  X(sizeProp, "QSize", Value, \
    (QVariant::fromValue(QSize(640, 480))), \
    (Value::size(640, 480))) \
  X(sizeFProp, "QSizeF", Value, \
    (QVariant::fromValue(QSizeF(0.5, 1e10))), \
    (Value::sizeF(0.5, 1e10))) \
  X(rectProp, "QRect", Value, \
    (QVariant::fromValue(QRect(10, 20, 30, 40))), \
    (Value::rect(10, 20, 30, 40))) \
  X(rectFProp, "QRectF", Value, \
    (QVariant::fromValue(QRectF(0.5, 1.5, 2.5, 3.5))), \
    (Value::rectF(0.5, 1.5, 2.5, 3.5))) \
  X(lineProp, "QLine", Value, \
    (QVariant::fromValue(QLine(1, 2, 3, 4))), \
    (Value::line(1, 2, 3, 4))) \
  X(lineFProp, "QLineF", Value, \
    (QVariant::fromValue(QLineF(-1.5, 2.5, 3.25, -4.75))), \
    (Value::lineF(-1.5, 2.5, 3.25, -4.75))) \
  X(podProp, "MyPod", Gadget, \
    (QVariantList{QVariant::fromValue(int(42)), QVariant::fromValue(QStringLiteral("pod")), \
                  QVariant::fromValue(double(0.5))}), \
    (Value::userList("MyPod", {Value::int32(42), Value::string("pod"), Value::float64(0.5)}))) \
  X(modeProp, "Mode", Enum, \
    (3), \
    (Value::enumValue("Mode", 3))) \
  X(levelProp, "Level", Enum, \
    (200), \
    (Value::enumValue("Level", 200, 1))) \
  X(intListProp, "QList<int>", Value, \
    (QVariant::fromValue(QList<int>{1, -2, 2147483647, -2147483647 - 1})), \
    (Value::userList("QList<int>", {Value::int32(1), Value::int32(-2), Value::int32(2147483647), \
                                    Value::int32(-2147483647 - 1)}))) \
  X(stringIntMapProp, "QMap<QString,int>", Value, \
    (QVariant::fromValue(QMap<QString, int>{{QStringLiteral("one"), 1}, {QStringLiteral("three"), 3}, \
                                            {QStringLiteral("two"), 2}})), \
    (Value::userMap("QMap<QString,int>", {{Value::string("one"), Value::int32(1)}, \
                                           {Value::string("three"), Value::int32(3)}, \
                                           {Value::string("two"), Value::int32(2)}}))) \
  X(podListProp, "QList<MyPod>", GadgetList, \
    (QVariantList{INTEROP_QT_POD(1, QStringLiteral("one"), 0.5), \
                  INTEROP_QT_POD(-2, QString::fromUtf8(INTEROP_UMLAUT), -1e300), \
                  INTEROP_QT_POD(2147483647, QString(), 3.25)}), \
    (Value::userList("QList<MyPod>", {INTEROP_DOPPEL_POD(1, Value::string("one"), 0.5), \
                                      INTEROP_DOPPEL_POD(-2, Value::string(INTEROP_UMLAUT), -1e300), \
                                      INTEROP_DOPPEL_POD(2147483647, Value::nullString(), 3.25)}))) \
  X(podMapProp, "QMap<QString,MyPod>", GadgetMap, \
    (QVariantList{QVariantList{QStringLiteral("a"), INTEROP_QT_POD(10, QStringLiteral("ten"), 1.0)}, \
                  QVariantList{QString::fromUtf8(INTEROP_UMLAUT), \
                               INTEROP_QT_POD(-20, QString::fromUtf8(INTEROP_TEXT), -2.5)}}), \
    (Value::userMap("QMap<QString,MyPod>", \
                    {{Value::string("a"), INTEROP_DOPPEL_POD(10, Value::string("ten"), 1.0)}, \
                     {Value::string(INTEROP_UMLAUT), \
                      INTEROP_DOPPEL_POD(-20, Value::string(INTEROP_TEXT), -2.5)}}))) \
  X(intBytesHashProp, "QHash<int,QByteArray>", Value, \
    (QVariant::fromValue(QHash<int, QByteArray>{{-1, QByteArray("minus one")}, {0, QByteArray()}, \
                                                {65536, QByteArray("\0\xff", 2)}})), \
    (Value::userMap("QHash<int,QByteArray>", {{Value::int32(-1), Value::bytes("minus one")}, \
                                              {Value::int32(0), Value::nullBytes()}, \
                                              {Value::int32(65536), \
                                               Value::bytes(std::string_view("\0\xff", 2))}}))) \
  X(pairProp, "std::pair<int,QString>", Value, \
    (QVariant::fromValue(std::pair<int, QString>(-5, QString::fromUtf8(INTEROP_UMLAUT)))), \
    (Value::userList("std::pair<int,QString>", {Value::int32(-5), Value::string(INTEROP_UMLAUT)}))) \
  X(variantProp, "QVariant", Value, \
    (QVariant::fromValue(QStringLiteral("inside a QVariant"))), \
    (Value::string("inside a QVariant"))) \
  X(constProp, "int", Value, \
    (QVariant::fromValue(int(77))), \
    (Value::int32(77))) \
  X(text, "QString", Value, \
    (QVariant::fromValue(QStringLiteral("hello from the host"))), \
    (Value::string("hello from the host"))) \
  X(counter, "int", Value, \
    (QVariant::fromValue(int(10))), \
    (Value::int32(10)))

// The plain QObject "Plain" (no .rep): Qt's index rules for plain objects (protocol §6.4).
// Properties with NOTIFY except `big`, which is CONSTANT.
#define INTEROP_PLAIN_PROPERTIES(X) \
  X(counter, "int", Value, \
    (QVariant::fromValue(int(5))), \
    (Value::int32(5))) \
  X(label, "QString", Value, \
    (QVariant::fromValue(QStringLiteral("plain label"))), \
    (Value::string("plain label"))) \
  X(ratio, "double", Value, \
    (QVariant::fromValue(double(0.75))), \
    (Value::float64(0.75))) \
  X(tags, "QStringList", Value, \
    (QVariant::fromValue(QStringList{QStringLiteral("x"), QString::fromUtf8(INTEROP_UMLAUT)})), \
    (Value::stringList({"x", INTEROP_UMLAUT}))) \
  X(meta, "QVariantMap", Value, \
    (QVariant::fromValue(QVariantMap{{QStringLiteral("k"), QVariant::fromValue(int(1))}, \
                                     {QStringLiteral("s"), QVariant::fromValue(QStringLiteral("v"))}})), \
    (Value::map({{Value::string("k"), Value::int32(1)}, {Value::string("s"), Value::string("v")}}))) \
  X(big, "qint64", Value, \
    (QVariant::fromValue(qint64(1099511627776LL))), \
    (Value::int64(1099511627776LL)))
// clang-format on

// Calls, writes and signals: the same data on both sides.
namespace interop {

// repc 6.4.2's class signature of Interop (protocol §6.5; also what
// /work/shared/tools/qtro_wire.py's RepSignatures computes). qt_host stops if its generated
// source disagrees, so update this when interop.rep changes. doppel_interop_host advertises it
// with --signature, otherwise a null signature.
inline constexpr const char* kInteropSignature = "0131adfa4120a43cfc9cb2e1e2923e60924acda5";

// Interop::add(int a, int b) -> int
inline constexpr int kAddA = 1000000;
inline constexpr int kAddB = -7;
inline constexpr int kAddResult = 999993;
// Interop::echo(QString) -> QString: INTEROP_TEXT, then a null string (comes back null).
// Interop::sum(QList<int>) -> qint64 (overflows int on purpose)
inline constexpr int kSumValues[] = {1, 2, 3, 2147483647};
inline constexpr std::int64_t kSumResult = 2147483653LL;
// Interop::reversePods(QList<MyPod>) -> the same PODs in reverse order. Called with the table's
// podListProp value (QList<MyPod> travels as QRemoteObjectPackets::QSQ_ both ways).
// Interop::echoPod(MyPod p) -> MyPod(p.i + 1, p.s + "!", p.d * 2)
inline constexpr int kEchoPodI = 1;
inline constexpr const char* kEchoPodS = "a";
inline constexpr double kEchoPodD = 0.25;
// Interop::nextMode(Mode) -> Mode: Off -> On -> Auto -> Off
inline constexpr int kModeOff = 0;
inline constexpr int kModeOn = 2;
inline constexpr int kModeAuto = 3;
// Interop::fire(msg, n) emits, in this order: pinged(msg, n);
// richSignal(MyPod(n, msg, 1.5), On, QList<int>{n, -n}, QVariantMap{{"msg", msg}, {"n", n}});
// fired() (after a 4-argument signal: a Qt host may send it with stale arguments, §15.1).
inline constexpr const char* kFireMsg = "hello";
inline constexpr int kFireN = 7;
inline constexpr double kRichPodD = 1.5;
// The READWRITE property `text` is written to this; READPUSH `counter` is pushed to this.
inline constexpr const char* kWrittenText = "written by the client";
inline constexpr int kPushedCounter = 11;

// Plain: greet(QString name) -> "Hello, " + name + "!"; twice(int) -> 2x;
// trigger(QString what, double value) emits somethingHappened(what, value);
// `label` is written to kWrittenText.
inline constexpr const char* kGreetName = "Bob";
inline constexpr const char* kGreetResult = "Hello, Bob!";
inline constexpr int kTwiceArg = 21;
inline constexpr int kTwiceResult = 42;
inline constexpr const char* kTriggerWhat = "what";
inline constexpr double kTriggerValue = 2.5;

}  // namespace interop
