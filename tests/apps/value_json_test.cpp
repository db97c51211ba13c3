#include "value_json.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace doppel::cli {
namespace {

Json parse(std::string_view text) {
  auto j = parseJson(text);
  EXPECT_TRUE(j.ok()) << text;
  return j.ok() ? j.value() : Json();
}

/// fromJson of a JSON text, which must succeed.
Value in(std::string_view json, std::string_view type, const TypeContext& types = TypeContext()) {
  auto v = fromJson(parse(json), type, types);
  EXPECT_TRUE(v.ok()) << json << " as " << type << ": " << (v.ok() ? "" : v.error().reason);
  return v.ok() ? v.value() : Value();
}

/// The error reason of a fromJson that must fail.
std::string inError(std::string_view json,
                    std::string_view type,
                    const TypeContext& types = TypeContext()) {
  auto v = fromJson(parse(json), type, types);
  EXPECT_FALSE(v.ok()) << json << " as " << type << " gave " << (v.ok() ? v->debugString() : "");
  return v.ok() ? std::string() : v.error().reason;
}

std::string out(const Value& v) {
  return dumpJson(toJson(v));
}
std::string out(const Value& v, std::string_view type, const TypeContext& types) {
  return dumpJson(toJson(v, type, types));
}

/// JSON -> Value -> JSON gives the same text.
void expectRoundTrip(std::string_view json,
                     std::string_view type,
                     const TypeContext& types = TypeContext()) {
  const Value v = in(json, type, types);
  EXPECT_EQ(out(v, type, types), json) << type;
}

TypeContext labTypes() {
  ClassInterface iface;
  iface.typeName = "Lab";
  iface.enums.push_back(
      EnumDef{"Mode", false, true, 4, {{"Idle", 0}, {"Running", 1}, {"Broken", 7}}});
  iface.enums.push_back(
      EnumDef{"Options", true, false, 4, {{"None", 0}, {"Fast", 1}, {"Safe", 2}, {"Loud", 4}}});
  iface.enums.push_back(EnumDef{"Small", false, false, 1, {{"Low", 1}, {"High", 200}}});
  iface.qtEnums.push_back("Qt::AlignmentFlag");
  GadgetDef pod;
  pod.name = "MyPod";
  pod.properties = {{"count", "int"}, {"name", "QString"}, {"shade", "Shade"}};
  pod.enums.push_back(EnumDef{"Shade", false, false, 4, {{"Dark", 0}, {"Light", 1}}});
  iface.gadgets.push_back(pod);
  GadgetDef holder;  // repc's holder of a global ENUM
  holder.name = "ColorEnum";
  holder.enums.push_back(EnumDef{"Color", false, false, 4, {{"Red", 1}, {"Green", 2}}});
  iface.gadgets.push_back(holder);
  return TypeContext(iface);
}

// Booleans and integers ---------------------------------------------------------------------

TEST(ValueJsonTest, BoolAcceptsOnlyTrueAndFalse) {
  EXPECT_EQ(in("true", "bool"), Value::boolean(true));
  EXPECT_EQ(in("false", "bool"), Value::boolean(false));
  EXPECT_EQ(inError("1", "bool"), "expected true or false for bool, got 1");
  EXPECT_EQ(out(Value::boolean(true)), "true");
}

TEST(ValueJsonTest, IntegersGetTheirExactType) {
  EXPECT_EQ(in("12", "int"), Value::int32(12));
  EXPECT_EQ(in("12", "uint"), Value::uint32(12));
  EXPECT_EQ(in("-12", "qlonglong"), Value::int64(-12));
  EXPECT_EQ(in("12", "qulonglong"), Value::uint64(12));
  EXPECT_EQ(in("-3", "short"), Value::int16(-3));
  EXPECT_EQ(in("65535", "ushort"), Value::uint16(65535));
  EXPECT_EQ(in("-128", "signed char"), Value::int8(-128));
  EXPECT_EQ(in("255", "uchar"), Value::uint8(255));
  EXPECT_EQ(in("-5", "char"), Value::char8(-5));
  EXPECT_EQ(in("7", "long"), Value::long64(7));
  EXPECT_EQ(in("7", "ulong"), Value::ulong64(7));
}

TEST(ValueJsonTest, QtIntegerAliasesAreUnderstood) {
  EXPECT_EQ(in("1", "qint64"), Value::int64(1));
  EXPECT_EQ(in("1", "quint64"), Value::uint64(1));
  EXPECT_EQ(in("1", "qint32"), Value::int32(1));
  EXPECT_EQ(in("1", "unsigned int"), Value::uint32(1));
  EXPECT_EQ(in("1", "quint8"), Value::uint8(1));
  EXPECT_EQ(in("1", "qint16"), Value::int16(1));
}

TEST(ValueJsonTest, IntegerOutOfRangeNamesTheTypeAndRange) {
  EXPECT_EQ(inError("3000000000", "int"),
            "3000000000 is out of range for int (-2147483648..2147483647)");
  EXPECT_EQ(inError("-1", "uint"), "-1 is out of range for uint (0..4294967295)");
  EXPECT_EQ(inError("256", "uchar"), "256 is out of range for uchar (0..255)");
  EXPECT_EQ(inError("-32769", "short"), "-32769 is out of range for short (-32768..32767)");
  EXPECT_EQ(inError("18446744073709551615", "qlonglong"),
            "18446744073709551615 is out of range for qlonglong "
            "(-9223372036854775808..9223372036854775807)");
  EXPECT_EQ(inError("-1", "qulonglong"),
            "-1 is out of range for qulonglong (0..18446744073709551615)");
}

TEST(ValueJsonTest, IntegerLimitsAreAccepted) {
  EXPECT_EQ(in("-2147483648", "int"), Value::int32(INT32_MIN));
  EXPECT_EQ(in("2147483647", "int"), Value::int32(INT32_MAX));
  EXPECT_EQ(in("18446744073709551615", "qulonglong"), Value::uint64(UINT64_MAX));
  EXPECT_EQ(in("-9223372036854775808", "qlonglong"), Value::int64(INT64_MIN));
}

TEST(ValueJsonTest, WholeFloatsAreIntegersButFractionsAreNot) {
  EXPECT_EQ(in("3.0", "int"), Value::int32(3));
  EXPECT_EQ(inError("1.5", "int"), "expected an integer for int, got 1.5");
  EXPECT_EQ(inError("\"12\"", "int"), "expected an integer for int, got \"12\"");
  EXPECT_EQ(inError("null", "int"), "expected an integer for int, got null");
}

TEST(ValueJsonTest, IntegersAreWrittenAsNumbers) {
  EXPECT_EQ(out(Value::int32(-5)), "-5");
  EXPECT_EQ(out(Value::uint64(UINT64_MAX)), "18446744073709551615");
  EXPECT_EQ(out(Value::int64(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(out(Value::uint8(200)), "200");
}

// Floating point --------------------------------------------------------------------------------

TEST(ValueJsonTest, DoubleAndFloatTakeAnyNumber) {
  EXPECT_EQ(in("2.5", "double"), Value::float64(2.5));
  EXPECT_EQ(in("2", "double"), Value::float64(2.0));
  EXPECT_EQ(in("2.5", "qreal"), Value::float64(2.5));
  EXPECT_EQ(in("0.5", "float"), Value::float32(0.5f));
  EXPECT_EQ(inError("1e300", "float"), "1e+300 is out of range for float (about +-3.4e38)");
  EXPECT_EQ(inError("\"x\"", "double"), "expected a number for double, got \"x\"");
}

TEST(ValueJsonTest, FloatIsWrittenInItsShortestForm) {
  EXPECT_EQ(out(Value::float32(0.1f)), "0.1");
  EXPECT_EQ(out(Value::float64(0.1)), "0.1");
}

TEST(ValueJsonTest, NonFiniteNumbersTravelAsStrings) {
  EXPECT_EQ(out(Value::float64(std::nan(""))), "\"NaN\"");
  EXPECT_EQ(out(Value::float64(-INFINITY)), "\"-Infinity\"");
  EXPECT_TRUE(std::isinf(in("\"Infinity\"", "double").toDouble()));
  EXPECT_TRUE(std::isnan(in("\"NaN\"", "float").toDouble()));
}

// Text ----------------------------------------------------------------------------------------

TEST(ValueJsonTest, QStringKeepsNullApartFromEmpty) {
  EXPECT_EQ(in("\"héllo\"", "QString"), Value::string("héllo"));
  EXPECT_EQ(in("\"\"", "QString"), Value::string(""));
  EXPECT_EQ(in("null", "QString"), Value::nullString());
  EXPECT_EQ(out(Value::nullString()), "null");
  EXPECT_EQ(out(Value::string("")), "\"\"");
  EXPECT_EQ(inError("5", "QString"), "expected a string for QString, got 5");
}

TEST(ValueJsonTest, QByteArrayIsTextWhenUtf8AndBase64Otherwise) {
  EXPECT_EQ(in("\"abc\"", "QByteArray"), Value::bytes("abc"));
  EXPECT_EQ(in("{\"base64\":\"AP8=\"}", "QByteArray"), Value::bytes(std::string("\0\xff", 2)));
  EXPECT_EQ(out(Value::bytes("abc")), "\"abc\"");
  EXPECT_EQ(out(Value::bytes(std::string("\0\xff", 2))), "{\"base64\":\"AP8=\"}");
  EXPECT_EQ(out(Value::bytes("\xc3\x28")), "{\"base64\":\"wyg=\"}");  // invalid UTF-8
  EXPECT_EQ(out(Value::nullBytes()), "null");
  EXPECT_EQ(inError("{\"base64\":\"!!\"}", "QByteArray"),
            "\"base64\" of QByteArray is not valid base64");
}

TEST(ValueJsonTest, Base64RoundTripsEveryLength) {
  std::string data;
  for (int n = 0; n < 8; ++n) {
    const Value v = Value::bytes(data + "\xff");
    const Json j = toJson(v);
    ASSERT_TRUE(j.is_object()) << n;
    EXPECT_EQ(in(dumpJson(j), "QByteArray"), v) << n;
    data.push_back(static_cast<char>(n));
  }
}

TEST(ValueJsonTest, QCharIsAOneCharacterString) {
  EXPECT_EQ(in("\"é\"", "QChar"), Value::qchar(u'é'));
  EXPECT_EQ(out(Value::qchar(u'é')), "\"é\"");
  EXPECT_EQ(inError("\"ab\"", "QChar"), "expected a one-character string for QChar, got \"ab\"");
  EXPECT_EQ(inError("\"😀\"", "QChar"), "expected a one-character string for QChar, got \"😀\"");
}

TEST(ValueJsonTest, QStringListAndQByteArrayListAreArrays) {
  EXPECT_EQ(in("[\"a\",\"b\"]", "QStringList"), Value::stringList({"a", "b"}));
  EXPECT_EQ(in("[\"a\"]", "QList<QString>"), Value::stringList({"a"}));
  EXPECT_EQ(out(Value::stringList({"a", "b"})), "[\"a\",\"b\"]");
  EXPECT_EQ(inError("[\"a\",1]", "QStringList"), "at [1]: expected a string for QString, got 1");
  EXPECT_EQ(
      in("[null,\"\"]", "QStringList"),
      Value::fromPayload(TypeId::QStringList, Value::List{Value::nullString(), Value::string("")}));
  EXPECT_EQ(out(in("[null,\"\"]", "QStringList")), "[null,\"\"]");
  EXPECT_EQ(in("[\"a\",{\"base64\":\"AA==\"}]", "QByteArrayList"),
            Value::byteArrayList({"a", std::string(1, '\0')}));
}

TEST(ValueJsonTest, UrlAndLocaleAreStrings) {
  EXPECT_EQ(in("\"https://example.org/a%20b\"", "QUrl"), Value::url("https://example.org/a%20b"));
  EXPECT_EQ(out(Value::url("tcp://127.0.0.1:1")), "\"tcp://127.0.0.1:1\"");
  EXPECT_EQ(in("\"de_DE\"", "QLocale"), Value::locale("de_DE"));
  EXPECT_EQ(out(Value::url("")), "\"\"");
  EXPECT_EQ(in("null", "QUrl"), Value::url(""));
  expectRoundTrip("\"\"", "QUrl");
}

// QVariant and its containers ------------------------------------------------------------------

TEST(ValueJsonTest, QVariantMapsJsonValuesNaturally) {
  EXPECT_EQ(in("null", "QVariant"), Value());
  EXPECT_EQ(in("true", "QVariant"), Value::boolean(true));
  EXPECT_EQ(in("5", "QVariant"), Value::int32(5));
  EXPECT_EQ(in("-5", "QVariant"), Value::int32(-5));
  EXPECT_EQ(in("5000000000", "QVariant"), Value::int64(5000000000));
  EXPECT_EQ(in("-5000000000", "QVariant"), Value::int64(-5000000000));
  EXPECT_EQ(in("18446744073709551615", "QVariant"), Value::uint64(UINT64_MAX));
  EXPECT_EQ(in("1.5", "QVariant"), Value::float64(1.5));
  EXPECT_EQ(in("\"s\"", "QVariant"), Value::string("s"));
  EXPECT_EQ(in("[1,\"a\",[]]", "QVariant"),
            Value::list({Value::int32(1), Value::string("a"), Value::list({})}));
  EXPECT_EQ(in("{\"b\":1,\"a\":null}", "QVariant"),
            Value::map({{Value::string("a"), Value()}, {Value::string("b"), Value::int32(1)}}));
}

TEST(ValueJsonTest, QVariantListAndMapRoundTrip) {
  expectRoundTrip("[1,2.5,\"x\",true,null,[1],{\"k\":\"v\"}]", "QVariantList");
  expectRoundTrip("{\"a\":1,\"b\":[true]}", "QVariantMap");
  expectRoundTrip("{\"z\":1,\"a\":2}", "QVariantHash");
  EXPECT_EQ(inError("[1]", "QVariantMap"), "expected an object for QVariantMap, got an array");
}

TEST(ValueJsonTest, ANestedErrorSaysWhere) {
  EXPECT_EQ(inError("[[1,2],[3,\"x\"]]", "QList<QList<int>>"),
            "at [1][1]: expected an integer for int, got \"x\"");
  EXPECT_EQ(inError("{\"a b\":[1,true]}", "QMap<QString,QList<int>>"),
            "at [\"a b\"][1]: expected an integer for int, got true");
}

// Dates and times --------------------------------------------------------------------------------

TEST(ValueJsonTest, QDateIsIsoDate) {
  const Value d = in("\"2000-01-01\"", "QDate");
  EXPECT_EQ(d.toDate().julianDay, 2451545);  // Qt: QDate(2000, 1, 1).toJulianDay()
  EXPECT_EQ(d, Value::date(Date::fromYmd(2000, 1, 1)));
  EXPECT_EQ(out(d), "\"2000-01-01\"");
  expectRoundTrip("\"2024-02-29\"", "QDate");
  expectRoundTrip("\"1582-10-04\"", "QDate");  // proleptic Gregorian, as Qt
  EXPECT_EQ(out(Value::date(Date{})), "null");
  EXPECT_EQ(in("null", "QDate"), Value::date(Date{}));
  EXPECT_EQ(inError("\"2023-02-29\"", "QDate"),
            "expected a date \"YYYY-MM-DD\" for QDate, got \"2023-02-29\"");
  EXPECT_EQ(inError("\"2023-1-2\"", "QDate"),
            "expected a date \"YYYY-MM-DD\" for QDate, got \"2023-1-2\"");
}

TEST(ValueJsonTest, QDateOutsideFourDigitYearsHasASign) {
  expectRoundTrip("\"-0044-03-15\"", "QDate");
  expectRoundTrip("\"+12345-01-01\"", "QDate");
}

TEST(ValueJsonTest, QTimeIsHoursMinutesSecondsMilliseconds) {
  EXPECT_EQ(in("\"01:02:03.004\"", "QTime"), Value::time(Time::fromHms(1, 2, 3, 4)));
  EXPECT_EQ(in("\"01:02:03\"", "QTime"), Value::time(Time::fromHms(1, 2, 3)));
  EXPECT_EQ(in("\"01:02\"", "QTime"), Value::time(Time::fromHms(1, 2, 0)));
  EXPECT_EQ(in("\"01:02:03.5\"", "QTime"), Value::time(Time::fromHms(1, 2, 3, 500)));
  EXPECT_EQ(out(Value::time(Time::fromHms(23, 59, 59, 999))), "\"23:59:59.999\"");
  EXPECT_EQ(out(Value::time(Time{})), "null");
  EXPECT_EQ(inError("\"24:00:00\"", "QTime"),
            "expected a time \"HH:MM:SS.mmm\" for QTime, got \"24:00:00\"");
}

TEST(ValueJsonTest, QDateTimeKeepsItsTimeSpec) {
  const Value utc = in("\"2023-01-02T01:02:03.004Z\"", "QDateTime");
  DateTime expected;
  expected.date = Date::fromYmd(2023, 1, 2);
  expected.time = Time::fromHms(1, 2, 3, 4);
  expected.spec = DateTime::Spec::Utc;
  EXPECT_EQ(utc, Value::dateTime(expected));
  expectRoundTrip("\"2023-01-02T01:02:03.004Z\"", "QDateTime");

  const Value offset = in("\"2023-01-02T01:02:03.004+01:00\"", "QDateTime");
  EXPECT_EQ(offset.toDateTime().spec, DateTime::Spec::OffsetFromUtc);
  EXPECT_EQ(offset.toDateTime().offsetSeconds, 3600);
  expectRoundTrip("\"2023-01-02T01:02:03.004+01:00\"", "QDateTime");
  expectRoundTrip("\"2023-01-02T01:02:03.004-05:30\"", "QDateTime");

  const Value local = in("\"2023-01-02T01:02:03\"", "QDateTime");
  EXPECT_EQ(local.toDateTime().spec, DateTime::Spec::LocalTime);
  EXPECT_EQ(out(local), "\"2023-01-02T01:02:03.000\"");

  const Value zone = in("\"2023-01-02T01:02:03.000[Europe/Berlin]\"", "QDateTime");
  EXPECT_EQ(zone.toDateTime().spec, DateTime::Spec::TimeZone);
  EXPECT_EQ(zone.toDateTime().timeZone, "Europe/Berlin");
  expectRoundTrip("\"2023-01-02T01:02:03.000[Europe/Berlin]\"", "QDateTime");
}

TEST(ValueJsonTest, QDateTimeWithAZeroOffsetIsUtcAsInQt) {
  EXPECT_EQ(in("\"2023-01-02T01:02:03+00:00\"", "QDateTime").toDateTime().spec,
            DateTime::Spec::Utc);
  EXPECT_EQ(out(in("\"2023-01-02T01:02:03+0000\"", "QDateTime")), "\"2023-01-02T01:02:03.000Z\"");
}

TEST(ValueJsonTest, QDateTimeNullAndMalformed) {
  EXPECT_EQ(out(Value::dateTime(DateTime{})), "null");
  EXPECT_EQ(in("null", "QDateTime"), Value::dateTime(DateTime{}));
  EXPECT_FALSE(fromJson(parse("\"2023-01-02\""), "QDateTime").ok());
  EXPECT_FALSE(fromJson(parse("\"2023-01-02T01:02:03+1\""), "QDateTime").ok());
  EXPECT_FALSE(fromJson(parse("\"2023-01-02T01:02:03Zx\""), "QDateTime").ok());
}

// Other builtins ---------------------------------------------------------------------------------

TEST(ValueJsonTest, QUuidIsTheBracedString) {
  const std::string text = "{12345678-9abc-def0-1234-56789abcdef0}";
  const Value u = in("\"" + text + "\"", "QUuid");
  EXPECT_EQ(u.toUuid().data1, 0x12345678u);
  EXPECT_EQ(u.toUuid().data2, 0x9abcu);
  EXPECT_EQ(u.toUuid().data4[7], 0xf0u);
  EXPECT_EQ(out(u), "\"" + text + "\"");
  EXPECT_EQ(u.toUuid().toString(), text);
  EXPECT_EQ(in("\"12345678-9ABC-DEF0-1234-56789ABCDEF0\"", "QUuid"), u);
  EXPECT_FALSE(fromJson(parse("\"{1234}\""), "QUuid").ok());
}

TEST(ValueJsonTest, GeometryTypesAreObjects) {
  EXPECT_EQ(in("{\"x\":1,\"y\":-2}", "QPoint"), Value::point(1, -2));
  EXPECT_EQ(in("{\"y\":2,\"x\":1}", "QPoint"), Value::point(1, 2));
  EXPECT_EQ(in("{\"x\":1.5,\"y\":2}", "QPointF"), Value::pointF(1.5, 2));
  EXPECT_EQ(in("{\"width\":3,\"height\":4}", "QSize"), Value::size(3, 4));
  EXPECT_EQ(in("{\"x\":1,\"y\":2,\"width\":3,\"height\":4}", "QRect"), Value::rect(1, 2, 3, 4));
  EXPECT_EQ(in("{\"x1\":1,\"y1\":2,\"x2\":3,\"y2\":4}", "QLineF"), Value::lineF(1, 2, 3, 4));
  expectRoundTrip("{\"x\":1,\"y\":-2}", "QPoint");
  expectRoundTrip("{\"width\":3.5,\"height\":4.25}", "QSizeF");
  expectRoundTrip("{\"x\":1,\"y\":2,\"width\":3,\"height\":4}", "QRect");
  expectRoundTrip("{\"x\":0.5,\"y\":2.0,\"width\":3.0,\"height\":4.0}", "QRectF");
  expectRoundTrip("{\"x1\":1,\"y1\":2,\"x2\":3,\"y2\":4}", "QLine");
}

TEST(ValueJsonTest, GeometryRejectsMissingExtraAndFractionalFields) {
  EXPECT_EQ(inError("{\"x\":1}", "QPoint"),
            "missing field \"y\" of QPoint (expected {\"x\": n, \"y\": n})");
  EXPECT_EQ(inError("{\"x\":1,\"y\":2,\"z\":3}", "QPoint"),
            "QPoint has no field \"z\" (expected {\"x\": n, \"y\": n})");
  EXPECT_EQ(inError("{\"x\":1.5,\"y\":2}", "QPoint"),
            "at .x: expected an integer for int, got 1.5");
  EXPECT_EQ(inError("[1,2]", "QSize"),
            "expected an object {\"width\": n, \"height\": n} for QSize, got an array");
}

TEST(ValueJsonTest, QBitArrayIsAStringOfBits) {
  const Value bits = in("\"1011\"", "QBitArray");
  EXPECT_EQ(bits.toBitArray().size, 4u);
  EXPECT_EQ(bits.toBitArray().bytes, std::string(1, '\x0d'));
  EXPECT_EQ(out(bits), "\"1011\"");
  EXPECT_FALSE(fromJson(parse("\"102\""), "QBitArray").ok());
}

TEST(ValueJsonTest, InvalidValueIsNull) {
  EXPECT_EQ(out(Value()), "null");
}

// Enums ----------------------------------------------------------------------------------------

TEST(ValueJsonTest, EnumsTakeAKeyNameOrAnInteger) {
  const TypeContext types = labTypes();
  EXPECT_EQ(in("\"Running\"", "Lab::Mode", types), Value::enumValue("Lab::Mode", 1));
  EXPECT_EQ(in("1", "Lab::Mode", types), Value::enumValue("Lab::Mode", 1));
  EXPECT_EQ(in("\"Mode::Broken\"", "Lab::Mode", types), Value::enumValue("Lab::Mode", 7));
  EXPECT_EQ(inError("\"Flying\"", "Lab::Mode", types),
            "\"Flying\" is not a key of Lab::Mode (keys: Idle, Running, Broken)");
  EXPECT_EQ(inError("true", "Lab::Mode", types),
            "expected a key name or an integer for Lab::Mode, got true");
}

TEST(ValueJsonTest, EnumsAreFoundHoweverTheHostQualifiesThem) {
  const TypeContext types = labTypes();
  EXPECT_NE(types.findEnum("Mode"), nullptr);
  EXPECT_NE(types.findEnum("Lab::Mode"), nullptr);
  EXPECT_NE(types.findEnum("LabSource::Mode"), nullptr);
  EXPECT_NE(types.findEnum("MyPod::Shade"), nullptr);
  EXPECT_NE(types.findEnum("ColorEnum::Color"), nullptr);
  EXPECT_EQ(types.findEnum("Other::Shade"), nullptr);
  EXPECT_EQ(types.findEnum("Nope"), nullptr);
}

TEST(ValueJsonTest, EnumsAreWrittenAsKeyNames) {
  const TypeContext types = labTypes();
  EXPECT_EQ(out(Value::int32(1), "LabSource::Mode", types), "\"Running\"");
  EXPECT_EQ(out(Value::enumValue("Lab::Mode", 7), "", types), "\"Broken\"");
  EXPECT_EQ(out(Value::int32(5), "Lab::Mode", types), "5");  // no such key
  EXPECT_EQ(out(Value::int32(1), "ColorEnum::Color", types), "\"Red\"");
  EXPECT_EQ(out(Value::enumValue("Lab::Mode", 1)), "1");  // without the interface
}

TEST(ValueJsonTest, OneByteEnumsCompareAsBytes) {
  const TypeContext types = labTypes();
  // A 1-byte enum value 200 arrives as signed char -56 (protocol §4.4).
  EXPECT_EQ(out(Value::int8(-56), "Lab::Small", types), "\"High\"");
  EXPECT_EQ(in("\"High\"", "Lab::Small", types), Value::enumValue("Lab::Small", 200, 1));
  EXPECT_EQ(inError("300", "Lab::Small", types), "300 is out of range for Lab::Small (-128..255)");
}

TEST(ValueJsonTest, FlagsCombineKeysWithBars) {
  const TypeContext types = labTypes();
  EXPECT_EQ(in("\"Fast|Loud\"", "Lab::Options", types), Value::enumValue("Lab::Options", 5));
  EXPECT_EQ(in("\"Fast | Safe\"", "Lab::Options", types), Value::enumValue("Lab::Options", 3));
  EXPECT_EQ(out(Value::int32(5), "Lab::Options", types), "\"Fast|Loud\"");
  EXPECT_EQ(out(Value::int32(0), "Lab::Options", types), "\"None\"");
  EXPECT_EQ(out(Value::int32(8), "Lab::Options", types), "8");
  EXPECT_EQ(in("\"Fast|Loud\"", "QFlags<Lab::Options>", types),
            Value::enumValue("QFlags<Lab::Options>", 5));
  EXPECT_EQ(out(Value::int32(6), "QFlags<Lab::Options>", types), "\"Safe|Loud\"");
  EXPECT_EQ(inError("\"Running|Idle\"", "Lab::Mode", types),
            "\"Running|Idle\" is not a key of Lab::Mode (keys: Idle, Running, Broken)");
}

TEST(ValueJsonTest, QtEnumsAreIntegers) {
  const TypeContext types = labTypes();
  EXPECT_EQ(in("132", "Qt::AlignmentFlag", types), Value::enumValue("Qt::AlignmentFlag", 132));
  EXPECT_EQ(inError("\"AlignLeft\"", "Qt::AlignmentFlag", types),
            "\"AlignLeft\" is not a key of Qt::AlignmentFlag");
}

// Gadgets ----------------------------------------------------------------------------------------

TEST(ValueJsonTest, GadgetsAreObjectsKeyedByFieldName) {
  const TypeContext types = labTypes();
  const Value pod = in("{\"count\":5,\"name\":\"five\",\"shade\":\"Light\"}", "MyPod", types);
  EXPECT_EQ(pod, Value::userList("MyPod", {Value::int32(5), Value::string("five"),
                                           Value::enumValue("MyPod::Shade", 1)}));
  EXPECT_EQ(out(pod, "MyPod", types), "{\"count\":5,\"name\":\"five\",\"shade\":\"Light\"}");
  // Hosts send the enum field as a plain int.
  const Value wire =
      Value::userList("MyPod", {Value::int32(5), Value::string("five"), Value::int32(0)});
  EXPECT_EQ(out(wire, "", types), "{\"count\":5,\"name\":\"five\",\"shade\":\"Dark\"}");
}

TEST(ValueJsonTest, GadgetFieldsMustAllBeThereAndKnown) {
  const TypeContext types = labTypes();
  EXPECT_EQ(inError("{\"count\":5,\"name\":\"x\"}", "MyPod", types),
            "missing field \"shade\" of MyPod (fields: count, name, shade)");
  EXPECT_EQ(inError("{\"count\":5,\"name\":\"x\",\"shade\":0,\"extra\":1}", "MyPod", types),
            "MyPod has no field \"extra\" (fields: count, name, shade)");
  EXPECT_EQ(inError("{\"count\":\"5\",\"name\":\"x\",\"shade\":0}", "MyPod", types),
            "at .count: expected an integer for int, got \"5\"");
}

TEST(ValueJsonTest, AnUnexplainedDeclaredTypeDefersToTheValuesOwnType) {
  const TypeContext types = labTypes();
  // Qt names gadget containers "QtROSequentialContainer" in interfaces.
  const Value list = Value::userList(
      "QList<MyPod>",
      {Value::userList("MyPod", {Value::int32(1), Value::string("a"), Value::int32(1)})});
  EXPECT_EQ(out(list, "QtROSequentialContainer", types),
            "[{\"count\":1,\"name\":\"a\",\"shade\":\"Light\"}]");
}

TEST(ValueJsonTest, GadgetsWithoutTheInterfaceAreArrays) {
  const Value pod = Value::userList("MyPod", {Value::int32(5), Value::string("five")});
  EXPECT_EQ(out(pod), "[5,\"five\"]");
}

// Templates --------------------------------------------------------------------------------------

TEST(ValueJsonTest, QListOfAnyTypeIsAnArray) {
  const TypeContext types = labTypes();
  EXPECT_EQ(in("[1,2]", "QList<int>"),
            Value::userList("QList<int>", {Value::int32(1), Value::int32(2)}));
  EXPECT_EQ(in("[1]", "QVector<int>"), Value::userList("QList<int>", {Value::int32(1)}));
  EXPECT_EQ(in("[1]", "QList< int >"), Value::userList("QList<int>", {Value::int32(1)}));
  expectRoundTrip("[1,2,3]", "QList<int>");
  expectRoundTrip("[[1.5],[]]", "QList<QList<double>>");
  expectRoundTrip("[\"Idle\",\"Running\"]", "QList<Lab::Mode>", types);
  expectRoundTrip("[{\"count\":1,\"name\":\"a\",\"shade\":\"Dark\"}]", "QList<MyPod>", types);
  EXPECT_EQ(inError("[1,300]", "QList<uchar>"), "at [1]: 300 is out of range for uchar (0..255)");
  EXPECT_EQ(inError("{}", "QList<int>"), "expected an array for QList<int>, got an object");
}

TEST(ValueJsonTest, QMapAndQHashAreObjectsWithConvertedKeys) {
  const TypeContext types = labTypes();
  EXPECT_EQ(in("{\"10\":\"a\",\"9\":\"b\"}", "QMap<int,QString>"),
            Value::userMap("QMap<int,QString>", {{Value::int32(9), Value::string("b")},
                                                 {Value::int32(10), Value::string("a")}}));
  EXPECT_EQ(out(in("{\"10\":\"a\",\"9\":\"b\"}", "QMap<int,QString>"), "QMap<int,QString>", types),
            "{\"9\":\"b\",\"10\":\"a\"}");
  expectRoundTrip("{\"b\":1,\"a\":2}", "QHash<QString,int>");
  expectRoundTrip("{\"Running\":[1]}", "QMap<Lab::Mode,QList<int>>", types);
  EXPECT_EQ(in("{\"1\":true}", "QHash<Lab::Mode,bool>", types),
            Value::userMap("QHash<Lab::Mode,bool>",
                           {{Value::enumValue("Lab::Mode", 1), Value::boolean(true)}}));
  EXPECT_EQ(inError("{\"x\":1}", "QMap<int,int>"),
            "at .x: the key \"x\" is not a int: expected an integer for int, got \"x\"");
  EXPECT_EQ(inError("{\"1\":1,\"1.0\":2}", "QMap<int,int>"),
            "the key 1 appears twice in QMap<int,int>");
}

TEST(ValueJsonTest, MapsWhoseKeysHaveNoStringFormAreListsOfPairs) {
  const Value map = Value::userMap("QMap<QPoint,int>", {{Value::point(1, 2), Value::int32(3)}});
  EXPECT_EQ(out(map), "[[{\"x\":1,\"y\":2},3]]");
  EXPECT_EQ(in("[[{\"x\":1,\"y\":2},3]]", "QMap<QPoint,int>"), map);
}

TEST(ValueJsonTest, StdPairIsATwoElementArray) {
  EXPECT_EQ(in("[\"a\",1]", "std::pair<QString,int>"),
            Value::userList("std::pair<QString,int>", {Value::string("a"), Value::int32(1)}));
  EXPECT_EQ(in("[\"a\",1]", "QPair<QString, int>"),
            Value::userList("std::pair<QString,int>", {Value::string("a"), Value::int32(1)}));
  expectRoundTrip("[\"a\",1]", "std::pair<QString,int>");
  EXPECT_EQ(inError("[1]", "std::pair<int,int>"),
            "expected a two-element array for std::pair<int,int>, got an array");
}

TEST(ValueJsonTest, UnknownTypesAreRefusedWithUnknownType) {
  auto v = fromJson(parse("1"), "Mystery");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::UnknownType);
  EXPECT_EQ(v.error().reason,
            "doppel cannot make a value of type Mystery (not a builtin type, and the interface "
            "declares no enum or gadget of that name)");
}

TEST(ValueJsonTest, WrongShapesAreWrongType) {
  auto v = fromJson(parse("\"x\""), "int");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::WrongType);
}

TEST(ValueJsonTest, DeepNestingIsRefused) {
  std::string json;
  std::string type = "int";
  for (int i = 0; i < 70; ++i) {
    json += "[";
    type = "QList<" + type + ">";
  }
  json += "1";
  json += std::string(70, ']');
  EXPECT_FALSE(fromJson(parse(json), type).ok());
  EXPECT_FALSE(fromJson(parse(json), "QVariant").ok());
}

// Helpers ----------------------------------------------------------------------------------------

TEST(ValueJsonTest, ParseJsonReportsWhereTheTextIsBad) {
  auto j = parseJson("{\"a\":");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, ErrorCode::Malformed);
  EXPECT_NE(j.error().reason.find("line 1, column 6: unexpected end of input"), std::string::npos)
      << j.error().reason;
  EXPECT_FALSE(parseJson("hello").ok());
  EXPECT_FALSE(parseJson("1 2").ok());
}

TEST(ValueJsonTest, DumpJsonNeverThrowsOnBadUtf8) {
  EXPECT_EQ(dumpJson(Json(std::string("a\xff"))), "\"a\xef\xbf\xbd\"");
}

TEST(ValueJsonTest, NormalizeTypeNameFollowsQt) {
  EXPECT_EQ(normalizeTypeName("QMap<QString, QList<int> >"), "QMap<QString,QList<int>>");
  EXPECT_EQ(normalizeTypeName("unsigned   int"), "unsigned int");
  EXPECT_EQ(normalizeTypeName("QVector<QPair<int,int>>"), "QList<std::pair<int,int>>");
  EXPECT_EQ(normalizeTypeName("MyQVector<int>"), "MyQVector<int>");
}

}  // namespace
}  // namespace doppel::cli
