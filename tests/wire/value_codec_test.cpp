#include "wire/value_codec.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace doppel::wire {
namespace {

using test::asciiHex;
using test::decodeHex;
using test::fromHex;
using test::toHex;
using test::utf16Hex;
using test::variantHex;

std::string le32(std::uint32_t v) {
  Writer w;
  w.u32(v);
  return toHex(w.buffer());
}
std::string be32(std::uint32_t v) {
  Writer w(ByteOrder::Big);
  w.u32(v);
  return toHex(w.buffer());
}
/// QVariant header of a user type: 65536, isNull 0, the name as a NUL-terminated QByteArray.
std::string userHeader(std::string_view name) {
  return "00000100"
         "00" +
         le32(static_cast<std::uint32_t>(name.size() + 1)) + asciiHex(name) + "00";
}
std::string leBytes(std::string_view ascii) {
  return le32(static_cast<std::uint32_t>(ascii.size())) + asciiHex(ascii);
}
std::string beBytes(std::string_view ascii) {
  return be32(static_cast<std::uint32_t>(ascii.size())) + asciiHex(ascii);
}
std::string leString(std::string_view ascii) {
  return le32(static_cast<std::uint32_t>(ascii.size() * 2)) + utf16Hex(ascii);
}

class ValueCodec : public ::testing::Test {
protected:
  ValueCodec() { types.registerGadget(GadgetDef{"MyPod", {{"a", "int"}, {"b", "QString"}}, {}}); }

  /// Encodes `value` to exactly `hex` and decodes `hex` back to `decoded` (default: `value`).
  void expectWire(const Value& value, const std::string& hex, const Value* decoded = nullptr) {
    EXPECT_EQ(variantHex(value, types), toHex(fromHex(hex))) << value.debugString();
    auto back = decodeHex(hex, types, limits);
    ASSERT_TRUE(back.ok()) << back.error().toString();
    EXPECT_EQ(*back, decoded ? *decoded : value) << back->debugString();
  }

  Error decodeError(const std::string& hex) {
    auto r = decodeHex(hex, types, limits);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  }

  Error encodeError(const Value& value) {
    Writer w;
    auto r = encodeVariant(w, value, types);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  }

  TypeRegistry types;
  Limits limits;
};

// §4.3, one test per row ------------------------------------------------------------------------

TEST_F(ValueCodec, InvalidVariantIsFiveBytes) {
  expectWire(Value(), "00000000 01");
}

TEST_F(ValueCodec, BoolIsOneByte) {
  expectWire(Value::boolean(true), "01000000 00 01");
  expectWire(Value::boolean(false), "01000000 00 00");
}

TEST_F(ValueCodec, IntAndUintAreFourBytes) {
  expectWire(Value::int32(-2), "02000000 00 feffffff");
  expectWire(Value::uint32(0xdeadbeef), "03000000 00 efbeadde");
}

TEST_F(ValueCodec, LongLongAndLongAreAlwaysEightBytes) {
  expectWire(Value::int64(-3), "04000000 00 fdffffffffffffff");
  expectWire(Value::uint64(5), "05000000 00 0500000000000000");
  expectWire(Value::long64(-3), "20000000 00 fdffffffffffffff");
  expectWire(Value::ulong64(5), "23000000 00 0500000000000000");
}

TEST_F(ValueCodec, ShortUshortAndQCharAreTwoBytes) {
  expectWire(Value::int16(-2), "21000000 00 feff");
  expectWire(Value::uint16(0x1234), "24000000 00 3412");
  expectWire(Value::qchar(u'A'), "07000000 00 4100");
}

TEST_F(ValueCodec, CharTypesAreOneByte) {
  expectWire(Value::char8('a'), "22000000 00 61");
  expectWire(Value::int8(-56), "28000000 00 c8");
  expectWire(Value::uint8(200), "25000000 00 c8");
}

TEST_F(ValueCodec, DoubleIsBinary64) {
  expectWire(Value::float64(1.5), "06000000 00 000000000000f83f");
}

TEST_F(ValueCodec, FloatIsWrittenAsAnEightByteDouble) {
  expectWire(Value::float32(1.5f), "26000000 00 000000000000f83f");
}

TEST_F(ValueCodec, StringIsUtf16WithByteLength) {
  expectWire(Value::string("Hi"), "0a000000 00 04000000 48006900");
}

TEST_F(ValueCodec, NullStringIsDistinctFromEmpty) {
  expectWire(Value::nullString(), "0a000000 00 ffffffff");
  expectWire(Value::string(""), "0a000000 00 00000000");
}

TEST_F(ValueCodec, ByteArrayKeepsNullApartFromEmpty) {
  expectWire(Value::bytes("ab"), "0c000000 00 02000000 6162");
  expectWire(Value::nullBytes(), "0c000000 00 ffffffff");
  expectWire(Value::bytes(""), "0c000000 00 00000000");
}

TEST_F(ValueCodec, StringListAndByteArrayListAreCountedLists) {
  const Value strings =
      Value::fromPayload(TypeId::QStringList, Value::List{Value::string("a"), Value::nullString()});
  expectWire(strings, "0b000000 00 02000000 02000000 6100 ffffffff");
  expectWire(Value::stringList({"a"}), "0b000000 00 01000000 02000000 6100");
  expectWire(Value::byteArrayList({"x"}), "31000000 00 01000000 01000000 78");
}

TEST_F(ValueCodec, VariantListHoldsVariants) {
  expectWire(Value::list({Value::int32(1), Value::string("s")}),
             "09000000 00 02000000 02000000 00 01000000 0a000000 00 02000000 7300");
}

TEST_F(ValueCodec, VariantMapIsWrittenInAscendingKeyOrder) {
  const Value unsorted =
      Value::map({{Value::string("b"), Value::int32(2)}, {Value::string("a"), Value::int32(1)}});
  const Value sorted =
      Value::map({{Value::string("a"), Value::int32(1)}, {Value::string("b"), Value::int32(2)}});
  expectWire(unsorted,
             "08000000 00 02000000 02000000 6100 02000000 00 01000000"
             " 02000000 6200 02000000 00 02000000",
             &sorted);
}

TEST_F(ValueCodec, VariantMapSortsKeysByUtf16CodeUnits) {
  // U+FF21 (fullwidth A) sorts after U+1F600 in UTF-16 (0xD83D < 0xFF21), unlike in UTF-8.
  const Value map = Value::map({{Value::string("\xef\xbc\xa1"), Value::int32(1)},
                                {Value::string("\xf0\x9f\x98\x80"), Value::int32(2)}});
  const std::string hex = variantHex(map, types);
  EXPECT_EQ(hex.substr(18, 8 + 8),
            "04000000"
            "3dd800de")
      << hex;
}

TEST_F(ValueCodec, MapKeysWithNanOrBrokenUtf8StillSort) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Value::Pairs pairs;
  for (double k : {nan, 2.0, nan, 1.0}) pairs.emplace_back(Value::float64(k), Value::int32(0));
  const std::string hex = variantHex(Value::userMap("QMap<double,int>", pairs), types);
  // 1.0 and 2.0 first, then the NaNs.
  auto back = decodeHex(hex, types, limits);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->toPairs()[0].first.toDouble(), 1.0);
  EXPECT_EQ(back->toPairs()[1].first.toDouble(), 2.0);
  EXPECT_TRUE(std::isnan(back->toPairs()[3].first.toDouble()));
  Value::Pairs broken;
  for (const char* k : {"\xed\xa0\x80", "\xf0\x90\x80\x80", "\xee\x80\x80", "b", "\xff"}) {
    broken.emplace_back(Value::string(k), Value::int32(1));
  }
  EXPECT_FALSE(variantHex(Value::map(broken), types).empty());
}

TEST_F(ValueCodec, VariantHashKeepsItsOrder) {
  expectWire(
      Value::hash({{Value::string("b"), Value::int32(2)}, {Value::string("a"), Value::int32(1)}}),
      "1c000000 00 02000000 02000000 6200 02000000 00 02000000"
      " 02000000 6100 02000000 00 01000000");
}

TEST_F(ValueCodec, DateIsTheJulianDay) {
  expectWire(Value::date(Date::fromYmd(2023, 1, 2)), "0e000000 00 2b89250000000000");
  expectWire(Value::date(Date{}), "0e000000 00 0000000000000080");
}

TEST_F(ValueCodec, TimeIsMillisecondsSinceMidnight) {
  expectWire(Value::time(Time::fromHms(1, 2, 3, 4)), "0f000000 00 fcce3800");
  expectWire(Value::time(Time{}), "0f000000 00 ffffffff");
}

TEST_F(ValueCodec, DateTimeCarriesItsSpec) {
  DateTime dt;
  dt.date = Date::fromYmd(2023, 1, 2);
  dt.time = Time::fromHms(1, 2, 3, 4);
  dt.spec = DateTime::Spec::LocalTime;
  expectWire(Value::dateTime(dt), "10000000 00 2b89250000000000 fcce3800 00");
  dt.spec = DateTime::Spec::Utc;
  expectWire(Value::dateTime(dt), "10000000 00 2b89250000000000 fcce3800 01");
  dt.spec = DateTime::Spec::OffsetFromUtc;
  dt.offsetSeconds = 3600;
  expectWire(Value::dateTime(dt), "10000000 00 2b89250000000000 fcce3800 02 100e0000");
  dt.spec = DateTime::Spec::TimeZone;
  dt.offsetSeconds = 0;
  dt.timeZone = "Europe/Berlin";
  expectWire(Value::dateTime(dt),
             "10000000 00 2b89250000000000 fcce3800 03" + leString("Europe/Berlin"));
}

TEST_F(ValueCodec, UrlIsTheEncodedByteArrayAndEmptyIsNull) {
  expectWire(Value::url("tcp://127.0.0.1:65213"),
             "11000000 00 15000000" + asciiHex("tcp://127.0.0.1:65213"));
  expectWire(Value::url(""), "11000000 00 ffffffff");
  // An empty (not null) QByteArray for a URL decodes as the empty URL too.
  auto v = decodeHex("11000000 00 00000000", types, limits);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::url(""));
}

TEST_F(ValueCodec, LocaleIsItsName) {
  expectWire(Value::locale("de_DE"), "12000000 00" + leString("de_DE"));
}

TEST_F(ValueCodec, PointAndSizeAreTwoInts) {
  expectWire(Value::point(-1, 2), "19000000 00 ffffffff 02000000");
  expectWire(Value::size(3, 4), "15000000 00 03000000 04000000");
}

TEST_F(ValueCodec, PointFAndSizeFAreTwoDoubles) {
  expectWire(Value::pointF(0.5, 1), "1a000000 00 000000000000e03f 000000000000f03f");
  expectWire(Value::sizeF(2, 3), "16000000 00 0000000000000040 0000000000000840");
}

TEST_F(ValueCodec, RectTravelsAsLeftTopRightBottom) {
  expectWire(Value::rect(1, 2, 3, 4), "13000000 00 01000000 02000000 03000000 05000000");
  expectWire(Value::rect(0, 0, 0, 0), "13000000 00 00000000 00000000 ffffffff ffffffff");
}

TEST_F(ValueCodec, RectFIsPositionAndSize) {
  expectWire(Value::rectF(0.5, 1, 2, 3),
             "14000000 00 000000000000e03f 000000000000f03f 0000000000000040 0000000000000840");
}

TEST_F(ValueCodec, LinesAreFourCoordinates) {
  expectWire(Value::line(1, 2, 3, 4), "17000000 00 01000000 02000000 03000000 04000000");
  expectWire(Value::lineF(0.5, 1, 2, 3),
             "18000000 00 000000000000e03f 000000000000f03f 0000000000000040 0000000000000840");
}

TEST_F(ValueCodec, UuidFieldsFollowTheStreamOrder) {
  const Uuid u{0x67c8770b, 0x44f1, 0x410a, {0xab, 0x9a, 0xf9, 0xb5, 0x44, 0x6f, 0x13, 0xee}};
  expectWire(Value::uuid(u), "1e000000 00 0b77c867 f144 0a41 ab9af9b5446f13ee");
  EXPECT_EQ(variantHex(Value::uuid(u), types, ByteOrder::Big),
            "0000001e0067c8770b44f1410aab9af9b5446f13ee");
}

TEST_F(ValueCodec, BitArrayIsBitCountAndPackedBytes) {
  expectWire(Value::bitArray(BitArray{10, std::string("\x05\x02", 2)}),
             "0d000000 00 0a000000 0502");
  // Missing bytes are padded so the payload always has ceil(n/8) bytes.
  EXPECT_EQ(variantHex(Value::bitArray(BitArray{9, ""}), types), "0d00000000090000000000");
}

TEST_F(ValueCodec, NullptrHasNoPayload) {
  expectWire(Value::nullptrValue(), "33000000 01");
}

TEST_F(ValueCodec, NestedBlobsAreBigEndian) {
  // §2.3: the QRO_ parameter blob for one int property 3.
  EXPECT_EQ(variantHex(Value::int32(3), types, ByteOrder::Big), "000000020000000003");
  auto v = decodeHex("00000002 00 00000003", types, limits, ByteOrder::Big);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::int32(3));
}

// §4.4 ------------------------------------------------------------------------------------------

TEST_F(ValueCodec, EnumsTravelAsTheSignedIntegerOfTheirSize) {
  EXPECT_EQ(variantHex(Value::enumValue("Level", 200, 1), types), "2800000000c8");
  EXPECT_EQ(variantHex(Value::enumValue("Dir", -2, 2), types), "2100000000feff");
  EXPECT_EQ(variantHex(Value::enumValue("Lab::Mode", 2), types), "020000000002000000");
  // A receiver sees the plain integer.
  auto v = decodeHex("2800000000c8", types, limits);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::int8(-56));
}

TEST_F(ValueCodec, RegisteredEnumTypeNameEncodesAsItsInteger) {
  types.registerEnum("Lab::Level", EnumDef{"Level", false, true, 1, {{"Low", 0}, {"High", 200}}});
  EXPECT_EQ(variantHex(Value::user("Lab::Level", std::int64_t{200}), types), "2800000000c8");
}

TEST_F(ValueCodec, GadgetIsOneVariantPerProperty) {
  // The example of §4.4: MyPod(5, "five").
  expectWire(Value::userList("MyPod", {Value::int32(5), Value::string("five")}),
             "00000100 00 06000000 4d79506f6400 02000000 00 05000000"
             " 0a000000 00 08000000 66006900760065 00");
}

TEST_F(ValueCodec, GadgetFieldsMayHoldEnumsAndNestedGadgets) {
  types.registerGadget(GadgetDef{"Outer", {{"pod", "MyPod"}, {"mode", "Lab::Mode"}}, {}});
  const Value outer =
      Value::userList("Outer", {Value::userList("MyPod", {Value::int32(1), Value::string("")}),
                                Value::enumValue("Lab::Mode", 2)});
  const std::string hex = userHeader("Outer") + userHeader("MyPod") +
                          "02000000 00 01000000 0a000000 00 00000000" + "02000000 00 02000000";
  const Value decoded = Value::userList(
      "Outer", {Value::userList("MyPod", {Value::int32(1), Value::string("")}), Value::int32(2)});
  expectWire(outer, hex, &decoded);
}

TEST_F(ValueCodec, ListOfIntIsAUserTypeByName) {
  expectWire(Value::userList("QList<int>", {Value::int32(1), Value::int32(2)}),
             userHeader("QList<int>") + "02000000 01000000 02000000");
}

TEST_F(ValueCodec, VectorNamesAreWrittenAsList) {
  const Value canonical = Value::userList("QList<int>", {Value::int32(7)});
  expectWire(Value::userList("QVector<int>", {Value::int32(7)}),
             userHeader("QList<int>") + "01000000 07000000", &canonical);
}

TEST_F(ValueCodec, ListOfStringIsTheBuiltinStringList) {
  EXPECT_EQ(variantHex(Value::userList("QList<QString>", {Value::string("a")}), types),
            "0b00000000"
            "01000000"
            "02000000"
            "6100");
}

TEST_F(ValueCodec, MapIsSortedByKeyAndHashKeepsItsOrder) {
  const Value unsorted = Value::userMap(
      "QMap<QString, int>",
      {{Value::string("b"), Value::int32(2)}, {Value::string("a"), Value::int32(1)}});
  const Value sorted = Value::userMap("QMap<QString,int>", {{Value::string("a"), Value::int32(1)},
                                                            {Value::string("b"), Value::int32(2)}});
  expectWire(unsorted,
             userHeader("QMap<QString,int>") + "02000000" + leString("a") + "01000000" +
                 leString("b") + "02000000",
             &sorted);
  const Value intKeys = Value::userMap(
      "QMap<int,QString>",
      {{Value::int32(10), Value::string("x")}, {Value::int32(-1), Value::string("y")}});
  EXPECT_EQ(variantHex(intKeys, types),
            toHex(fromHex(userHeader("QMap<int,QString>") + "02000000" + "ffffffff" +
                          leString("y") + "0a000000" + leString("x"))));
  expectWire(Value::userMap("QHash<int,QByteArray>", {{Value::int32(3), Value::bytes("x")},
                                                      {Value::int32(1), Value::nullBytes()}}),
             userHeader("QHash<int,QByteArray>") + "02000000 03000000" + leBytes("x") +
                 "01000000 ffffffff");
}

TEST_F(ValueCodec, PairIsItsTwoMembers) {
  expectWire(Value::userList("std::pair<QString,int>", {Value::string("k"), Value::int32(7)}),
             userHeader("std::pair<QString,int>") + leString("k") + "07000000");
  const Value canonical = Value::userList("std::pair<int,int>", {Value::int32(1), Value::int32(2)});
  expectWire(Value::userList("QPair<int, int>", {Value::int32(1), Value::int32(2)}),
             userHeader("std::pair<int,int>") + "01000000 02000000", &canonical);
}

TEST_F(ValueCodec, ListOfVariantIsTheBuiltinVariantListAndHashOfVariantUsesVariants) {
  expectWire(
      Value::userMap("QHash<int,QVariant>", {{Value::int32(1), Value::string("v")}}),
      userHeader("QHash<int,QVariant>") + "01000000 01000000" + "0a000000 00" + leString("v"));
}

TEST_F(ValueCodec, ListOfGadgetsIsWrappedInQsqWithABigEndianBlob) {
  const Value pods = Value::userList(
      "QList<MyPod>", {Value::userList("MyPod", {Value::int32(5), Value::string("five")})});
  const std::string blob =
      beBytes("MyPod") + be32(1) + "00000002 00 00000005" + "0000000a 00 00000008 0066006900760065";
  const std::string hex = userHeader("QRemoteObjectPackets::QSQ_") + leBytes("QList<MyPod>") +
                          leBytes("MyPod") +
                          le32(static_cast<std::uint32_t>(fromHex(blob).size())) + blob;
  expectWire(pods, hex);
  // QVector spelling is written with Qt's name.
  const Value vector = Value::userList("QVector<MyPod>", pods.toList());
  EXPECT_EQ(variantHex(vector, types), toHex(fromHex(hex)));
}

TEST_F(ValueCodec, MapOfGadgetsIsWrappedInQas) {
  const Value map = Value::userMap(
      "QMap<int,MyPod>",
      {{Value::int32(2), Value::userList("MyPod", {Value::int32(2), Value::string("")})},
       {Value::int32(1), Value::userList("MyPod", {Value::int32(1), Value::nullString()})}});
  const std::string blob = beBytes("int") + beBytes("MyPod") + be32(2) + be32(1) +
                           "00000002 00 00000001 0000000a 00 ffffffff" + be32(2) +
                           "00000002 00 00000002 0000000a 00 00000000";
  const std::string hex = userHeader("QRemoteObjectPackets::QAS_") + leBytes("QMap<int,MyPod>") +
                          leBytes("int") + leBytes("MyPod") +
                          le32(static_cast<std::uint32_t>(fromHex(blob).size())) + blob;
  const Value sorted = Value::userMap("QMap<int,MyPod>", {map.toPairs()[1], map.toPairs()[0]});
  expectWire(map, hex, &sorted);
}

TEST_F(ValueCodec, QasWithEnumKeysUsesTheEnumSize) {
  types.registerEnum("Foo::E", EnumDef{"E", false, true, 1, {{"A", 0}, {"B", 1}}});
  const Value map = Value::userMap(
      "QHash<Foo::E,MyPod>", {{Value::enumValue("Foo::E", 1, 1),
                               Value::userList("MyPod", {Value::int32(0), Value::string("")})}});
  const std::string blob = beBytes("Foo::E") + beBytes("MyPod") + be32(1) + "01" +
                           "00000002 00 00000000 0000000a 00 00000000";
  const std::string hex = userHeader("QRemoteObjectPackets::QAS_") +
                          leBytes("QHash<Foo::E,MyPod>") + leBytes("Foo::E") + leBytes("MyPod") +
                          le32(static_cast<std::uint32_t>(fromHex(blob).size())) + blob;
  expectWire(map, hex);
}

TEST_F(ValueCodec, GadgetContainersHaveQtsGenericNamesExactlyWhenTheyAreWrapped) {
  // What a definition must call them for a Qt dynamic replica (protocol §6.2).
  EXPECT_EQ(genericContainerName("QList<MyPod>", types), "QtROSequentialContainer");
  EXPECT_EQ(genericContainerName("QVector<MyPod>", types), "QtROSequentialContainer");
  EXPECT_EQ(genericContainerName("QMap<QString, MyPod>", types), "QtROAssociativeContainer");
  EXPECT_EQ(genericContainerName("QHash<int,MyPod>", types), "QtROAssociativeContainer");
  for (const char* plain :
       {"MyPod", "QList<int>", "QMap<QString,int>", "QHash<int,QByteArray>", "QList<QList<MyPod>>",
        "QMap<MyPod,int>", "std::pair<int,MyPod>", "QVariantList", "QList<Nope>", "Nope"}) {
    EXPECT_EQ(genericContainerName(plain, types), "") << plain;
  }
  // The same rule as the encoder's: a generic name iff the value travels as QSQ_ / QAS_.
  const Value pod = Value::userList("MyPod", {Value::int32(1), Value::string("x")});
  const std::vector<Value> values = {Value::userList("QList<MyPod>", {pod}),
                                     Value::userMap("QHash<int,MyPod>", {{Value::int32(1), pod}}),
                                     Value::userList("QList<int>", {Value::int32(1)}),
                                     Value::userMap("QMap<MyPod,int>", {{pod, Value::int32(1)}})};
  for (const Value& v : values) {
    const bool wrapped =
        variantHex(v, types).find(asciiHex("QRemoteObjectPackets::")) != std::string::npos;
    EXPECT_EQ(wrapped, !genericContainerName(v.typeName(), types).empty()) << v.typeName();
  }
}

TEST_F(ValueCodec, QsqFromAnotherSenderKeepsItsTypeName) {
  // A receiver that does not know "QList<MyPod>" still gets a list named by the wrapper.
  const std::string blob = beBytes("MyPod") + be32(0);
  const std::string hex = userHeader("QRemoteObjectPackets::QSQ_") + leBytes("QVector<MyPod>") +
                          leBytes("MyPod") +
                          le32(static_cast<std::uint32_t>(fromHex(blob).size())) + blob;
  auto v = decodeHex(hex, types, limits);
  ASSERT_TRUE(v.ok()) << v.error().toString();
  EXPECT_EQ(*v, Value::userList("QVector<MyPod>", {}));
}

// §4.5 and §3.3: QtRO's own types ------------------------------------------------------------

TEST_F(ValueCodec, QroValueRoundTripsByteExactly) {
  // Appendix A.9.
  const std::string hex = userHeader("QRemoteObjectPackets::QRO_") + leString("Class::Lab::child") +
                          leString("Child") + "00 ffffffff 00 0d000000" +
                          "00000001 00000002 00 00000003";
  const Value expected = Value::userList(
      "QRemoteObjectPackets::QRO_", {Value::string("Class::Lab::child"), Value::string("Child"),
                                     Value::uint8(0), Value::nullBytes(), Value::boolean(false),
                                     Value::bytes(fromHex("00000001 0000000200 00000003"))});
  expectWire(expected, hex);
}

TEST_F(ValueCodec, NullQroHasNoParameters) {
  const std::string hex = userHeader("QRemoteObjectPackets::QRO_") + leString("Class::Lab::child") +
                          leString("Child") + "00 ffffffff 01";
  const Value expected =
      Value::userList("QRemoteObjectPackets::QRO_",
                      {Value::string("Class::Lab::child"), Value::string("Child"), Value::uint8(0),
                       Value::nullBytes(), Value::boolean(true), Value::nullBytes()});
  expectWire(expected, hex);
}

TEST_F(ValueCodec, ModelIndexListIsPairsOfInts) {
  const Value path = Value::userList(
      "QList<ModelIndex>", {Value::userList("ModelIndex", {Value::int32(0), Value::int32(1)}),
                            Value::userList("ModelIndex", {Value::int32(2), Value::int32(3)})});
  expectWire(path,
             userHeader("QList<ModelIndex>") + "02000000 00000000 01000000 02000000 03000000");
}

TEST_F(ValueCodec, DataEntriesDecodeAsNestedStructs) {
  // Appendix A.10, the row reply value.
  const std::string hex = userHeader("DataEntries") + "01000000" + "01000000 00000000 00000000" +
                          "01000000 0a000000 00 04000000 6d003000" + "00" + "2f000000" +
                          "00000000" + "ffffffff ffffffff";
  const Value pair = Value::userList(
      "IndexValuePair",
      {Value::userList("QList<ModelIndex>",
                       {Value::userList("ModelIndex", {Value::int32(0), Value::int32(0)})}),
       Value::list({Value::string("m0")}), Value::boolean(false), Value::int32(47),
       Value::userList("QList<IndexValuePair>", {}), Value::size(-1, -1)});
  const Value entries =
      Value::userList("DataEntries", {Value::userList("QList<IndexValuePair>", {pair})});
  expectWire(entries, hex);
}

TEST_F(ValueCodec, MetaAndDataEntriesCarryRolesAndSize) {
  const Value value = Value::userList(
      "MetaAndDataEntries",
      {Value::userList("QList<IndexValuePair>", {}),
       Value::userList("QList<int>", {Value::int32(0), Value::int32(257)}), Value::size(1, 100)});
  expectWire(value, userHeader("MetaAndDataEntries") + "00000000" + "02000000 00000000 01010000" +
                        "01000000 64000000");
}

TEST_F(ValueCodec, OrientationListHoldsIntegers) {
  const Value decoded = Value::userList(
      "QList<Qt::Orientation>",
      {Value::enumValue("Qt::Orientation", 1), Value::enumValue("Qt::Orientation", 2)});
  expectWire(Value::userList("QList<Qt::Orientation>", {Value::int32(1), Value::int32(2)}),
             userHeader("QList<Qt::Orientation>") + "02000000 01000000 02000000", &decoded);
}

TEST_F(ValueCodec, RegistryLocationsRoundTrip) {
  const Value info = Value::userList("QRemoteObjectSourceLocationInfo",
                                     {Value::string("Lab"), Value::url("tcp://127.0.0.1:65410")});
  const std::string infoHex = leString("Lab") + leBytes("tcp://127.0.0.1:65410");
  expectWire(Value::userMap("QHash<QString,QRemoteObjectSourceLocationInfo>",
                            {{Value::string("Lab"), info}}),
             userHeader("QHash<QString,QRemoteObjectSourceLocationInfo>") + "01000000" +
                 leString("Lab") + infoHex);
  expectWire(
      Value::userList("std::pair<QString,QRemoteObjectSourceLocationInfo>",
                      {Value::string("Lab"), info}),
      userHeader("std::pair<QString,QRemoteObjectSourceLocationInfo>") + leString("Lab") + infoHex);
}

TEST_F(ValueCodec, CustomCodecsAreUsedByName) {
  types.registerCustom(
      "Rgb",
      [](Writer& w, const Value& v, const TypeRegistry&) -> Result<void> {
        w.u32(static_cast<std::uint32_t>(v.toList().at(0).toUInt()));
        return {};
      },
      [](Reader& r, const TypeRegistry&, int) -> Result<Value> {
        const auto rgb = r.u32();
        if (!r.ok()) return r.error();
        return Value::userList("Rgb", {Value::uint32(rgb)});
      });
  expectWire(Value::userList("Rgb", {Value::uint32(0x102030)}), userHeader("Rgb") + "30201000");
}

TEST_F(ValueCodec, ReRegisteringATypeChangesHowContainersOfItAreCoded) {
  types.registerStruct("Cell", {{"x", "int"}});
  const Value ints = Value::userList("QList<Cell>", {Value::userList("Cell", {Value::int32(1)})});
  expectWire(ints, userHeader("QList<Cell>") + "01000000 01000000");
  // A later definition replaces the layout the container had already resolved.
  types.registerStruct("Cell", {{"x", "QString"}});
  const Value strings =
      Value::userList("QList<Cell>", {Value::userList("Cell", {Value::string("a")})});
  expectWire(strings, userHeader("QList<Cell>") + "01000000" + leString("a"));
  Writer w;
  EXPECT_FALSE(encodeVariant(w, ints, types).ok());
}

TEST_F(ValueCodec, PayloadsCanBeEncodedWithoutTheHeader) {
  Writer w;
  ASSERT_TRUE(encodePayload(w, Value::int32(5), "int", types).ok());
  ASSERT_TRUE(
      encodePayload(w, Value::userList("QList<int>", {Value::int32(1)}), "QVector<int>", types)
          .ok());
  EXPECT_EQ(toHex(w.buffer()),
            "05000000"
            "01000000"
            "01000000");
  Reader r(w.buffer(), ByteOrder::Little, limits);
  EXPECT_EQ(*decodePayload(r, "int", types), Value::int32(5));
  EXPECT_EQ(*decodePayload(r, "QList<int>", types),
            Value::userList("QList<int>", {Value::int32(1)}));
  EXPECT_TRUE(r.atEnd());
  EXPECT_FALSE(encodePayload(w, Value::int32(1), "Nope", types).ok());
}

// Malformed input -------------------------------------------------------------------------------

TEST_F(ValueCodec, UnknownUserTypeNameIsAnError) {
  const Error e = decodeError(userHeader("NotRegistered") + "00");
  EXPECT_EQ(e.code, ErrorCode::UnknownType);
  EXPECT_NE(e.reason.find("NotRegistered"), std::string::npos) << e.reason;
  EXPECT_EQ(e.offset, 0u);
}

TEST_F(ValueCodec, UnsupportedBuiltinIdIsAnError) {
  EXPECT_EQ(decodeError("03100000 00 01ffff0a0a14141e1e0000").code,
            ErrorCode::UnknownType);                                   // QColor
  EXPECT_EQ(decodeError("1b000000 00").code, ErrorCode::UnknownType);  // 27 is not a type
  EXPECT_EQ(decodeError("01000100 00").code, ErrorCode::UnknownType);  // > User
}

TEST_F(ValueCodec, NestingDeeperThanTheLimitIsRefused) {
  limits.maxValueDepth = 3;
  auto nested = [](int levels) {
    std::string hex;
    for (int i = 0; i < levels; ++i) hex += "09000000 00 01000000";
    return hex + "02000000 00 07000000";
  };
  EXPECT_TRUE(decodeHex(nested(3), types, limits).ok());
  EXPECT_EQ(decodeError(nested(4)).code, ErrorCode::LimitExceeded);
}

TEST_F(ValueCodec, DeepNestingWithDefaultLimitsDoesNotExhaustTheStack) {
  std::string hex;
  for (int i = 0; i < 5000; ++i) hex += "09000000 00 01000000";
  hex += "00000000 01";
  EXPECT_EQ(decodeError(hex).code, ErrorCode::LimitExceeded);
}

TEST_F(ValueCodec, DepthIsCountedThroughUserTypesToo) {
  limits.maxValueDepth = 2;
  EXPECT_TRUE(
      decodeHex(userHeader("QList<QList<int>>") + "01000000 01000000 05000000", types, limits)
          .ok());
  EXPECT_EQ(
      decodeError(userHeader("QList<QList<QList<int>>>") + "01000000 01000000 01000000 05000000")
          .code,
      ErrorCode::LimitExceeded);
}

TEST_F(ValueCodec, OversizedCountsAreRefusedBeforeAllocating) {
  EXPECT_EQ(decodeError("09000000 00 00ffffff").code, ErrorCode::LimitExceeded);
  EXPECT_EQ(decodeError("09000000 00 e8030000 00000000 01").code, ErrorCode::Truncated);
  EXPECT_EQ(decodeError(userHeader("QList<int>") + "10000000 01000000").code, ErrorCode::Truncated);
  EXPECT_EQ(decodeError("0d000000 00 ffffffff 00").code, ErrorCode::Truncated);  // QBitArray
  EXPECT_EQ(decodeError("0a000000 00 feffffff").code, ErrorCode::Truncated);     // QString
}

TEST_F(ValueCodec, BadDateTimeSpecIsMalformed) {
  EXPECT_EQ(decodeError("10000000 00 2b89250000000000 fcce3800 07").code, ErrorCode::Malformed);
}

TEST_F(ValueCodec, QsqWithUnknownElementTypeIsAnError) {
  const std::string blob = beBytes("Nope") + be32(0);
  const Error e = decodeError(userHeader("QRemoteObjectPackets::QSQ_") + leBytes("QList<Nope>") +
                              leBytes("Nope") + le32(8) + blob);
  EXPECT_EQ(e.code, ErrorCode::UnknownType);
  EXPECT_NE(e.reason.find("Nope"), std::string::npos);
}

TEST_F(ValueCodec, QsqBlobWithTrailingBytesIsMalformed) {
  const std::string blob = beBytes("MyPod") + be32(0) + "ff";
  const Error e =
      decodeError(userHeader("QRemoteObjectPackets::QSQ_") + leBytes("QList<MyPod>") +
                  leBytes("MyPod") + le32(static_cast<std::uint32_t>(fromHex(blob).size())) + blob);
  EXPECT_EQ(e.code, ErrorCode::Malformed);
}

TEST_F(ValueCodec, TruncationAtAnyByteIsAnErrorNotACrash) {
  const Value samples[] = {
      Value::list({Value::int32(1), Value::string("s"), Value::rect(1, 2, 3, 4)}),
      Value::userList("MyPod", {Value::int32(5), Value::string("five")}),
      Value::userList("QList<MyPod>",
                      {Value::userList("MyPod", {Value::int32(5), Value::string("x")})}),
      Value::userMap(
          "QMap<int,MyPod>",
          {{Value::int32(1), Value::userList("MyPod", {Value::int32(1), Value::string("")})}}),
      Value::map({{Value::string("k"), Value::dateTime(DateTime{})}}),
  };
  for (const auto& sample : samples) {
    const std::string bytes = fromHex(variantHex(sample, types));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      Reader r(std::string_view(bytes).substr(0, n), ByteOrder::Little, limits);
      auto v = decodeVariant(r, types);
      EXPECT_FALSE(v.ok()) << sample.debugString() << " cut at " << n;
      if (!v.ok()) {
        EXPECT_EQ(v.error().code, ErrorCode::Truncated) << v.error().toString();
      }
    }
  }
}

TEST_F(ValueCodec, UnknownTypesCannotBeEncoded) {
  const Error e = encodeError(Value::userList("Unregistered", {}));
  EXPECT_EQ(e.code, ErrorCode::UnknownType);
  EXPECT_NE(e.reason.find("Unregistered"), std::string::npos);
  EXPECT_EQ(encodeError(Value::userList("QList<Unregistered>", {})).code, ErrorCode::UnknownType);
}

TEST_F(ValueCodec, ValuesOfTheWrongShapeCannotBeEncoded) {
  EXPECT_EQ(encodeError(Value::userList("MyPod", {Value::int32(5)})).code, ErrorCode::WrongType);
  EXPECT_EQ(encodeError(Value::userList("QList<int>", {Value::string("x")})).code,
            ErrorCode::WrongType);
  EXPECT_EQ(encodeError(Value::fromPayload(TypeId::QString, std::int64_t{1})).code,
            ErrorCode::WrongType);
  EXPECT_EQ(encodeError(Value::user("QVariant", std::int64_t{1})).code, ErrorCode::WrongType);
  EXPECT_EQ(encodeError(Value::user("QRemoteObjectPackets::QRO_", std::int64_t{1})).code,
            ErrorCode::WrongType);
}

// matchesType / defaultValueFor -----------------------------------------------------------------

TEST_F(ValueCodec, MatchesTypeKeepsIntegerWidthsApart) {
  EXPECT_TRUE(matchesType(Value::int32(1), "int", types));
  EXPECT_TRUE(matchesType(Value::int32(1), "qint32", types));
  EXPECT_FALSE(matchesType(Value::int32(1), "qlonglong", types));
  EXPECT_TRUE(matchesType(Value::int64(1), "qint64", types));
  EXPECT_FALSE(matchesType(Value::float64(1), "float", types));
  EXPECT_TRUE(matchesType(Value::string("x"), "QString", types));
  EXPECT_TRUE(matchesType(Value::string("x"), "const QString &", types));
  EXPECT_FALSE(matchesType(Value(), "int", types));
}

TEST_F(ValueCodec, MatchesTypeAcceptsAnythingForQVariant) {
  EXPECT_TRUE(matchesType(Value(), "QVariant", types));
  EXPECT_TRUE(matchesType(Value::userList("MyPod", {}), "QVariant", types));
  EXPECT_TRUE(matchesType(Value(), "void", types));
  EXPECT_FALSE(matchesType(Value::int32(1), "void", types));
}

TEST_F(ValueCodec, MatchesTypeAcceptsIntegersOfTheEnumsSize) {
  types.registerEnum("Lab::Mode", EnumDef{"Mode", false, false, 4, {}});
  types.registerEnum("Lab::Level", EnumDef{"Level", false, true, 1, {}});
  EXPECT_TRUE(matchesType(Value::int32(2), "Lab::Mode", types));
  EXPECT_TRUE(matchesType(Value::int32(2), "Mode", types));
  EXPECT_TRUE(matchesType(Value::int32(2), "LabSource::Mode", types));
  EXPECT_TRUE(matchesType(Value::enumValue("Lab::Mode", 2), "Lab::Mode", types));
  EXPECT_FALSE(matchesType(Value::int8(2), "Lab::Mode", types));
  EXPECT_TRUE(matchesType(Value::int8(2), "Lab::Level", types));
  EXPECT_FALSE(matchesType(Value::string("On"), "Lab::Mode", types));
  EXPECT_TRUE(matchesType(Value::enumValue("Lab::Mode", 2), "int", types));
}

TEST_F(ValueCodec, MatchesTypeComparesUserTypesByNormalizedName) {
  const Value ints = Value::userList("QList<int>", {});
  EXPECT_TRUE(matchesType(ints, "QList<int>", types));
  EXPECT_TRUE(matchesType(ints, "QVector<int>", types));
  EXPECT_FALSE(matchesType(ints, "QList<uint>", types));
  EXPECT_TRUE(matchesType(Value::stringList({}), "QList<QString>", types));
  EXPECT_TRUE(matchesType(Value::userList("MyPod", {}), "MyPod", types));
  EXPECT_FALSE(matchesType(Value::int32(1), "MyPod", types));
  EXPECT_TRUE(matchesType(Value::userList("QList<MyPod>", {}), "QtROSequentialContainer", types));
  EXPECT_TRUE(matchesType(Value::userList("Unknown", {}), "Unknown", types));
  const Value qro = Value::userList("QRemoteObjectPackets::QRO_", {});
  EXPECT_TRUE(matchesType(qro, "QObject*", types));
}

TEST_F(ValueCodec, DefaultValuesAreTheTypesZero) {
  EXPECT_EQ(defaultValueFor("int", types), Value::int32(0));
  EXPECT_EQ(defaultValueFor("qint64", types), Value::int64(0));
  EXPECT_EQ(defaultValueFor("QString", types), Value::string(""));
  EXPECT_EQ(defaultValueFor("double", types), Value::float64(0));
  EXPECT_EQ(defaultValueFor("QStringList", types), Value::stringList({}));
  EXPECT_EQ(defaultValueFor("QVector<int>", types), Value::userList("QList<int>", {}));
  EXPECT_EQ(defaultValueFor("QMap<QString,int>", types), Value::userMap("QMap<QString,int>", {}));
  EXPECT_EQ(defaultValueFor("MyPod", types),
            Value::userList("MyPod", {Value::int32(0), Value::string("")}));
  EXPECT_FALSE(defaultValueFor("QVariant", types).isValid());
  EXPECT_FALSE(defaultValueFor("Unknown", types).isValid());
  types.registerEnum("Lab::Mode", EnumDef{"Mode", false, false, 4, {}});
  const Value mode = defaultValueFor("Lab::Mode", types);
  EXPECT_TRUE(mode.isEnum());
  EXPECT_EQ(mode.toInt(), 0);
  EXPECT_TRUE(matchesType(mode, "Lab::Mode", types));
}

TEST_F(ValueCodec, DefaultValueOfASelfContainingGadgetTerminates) {
  types.registerGadget(GadgetDef{"Loop", {{"next", "Loop"}}, {}});
  EXPECT_TRUE(defaultValueFor("Loop", types).isUser());
}

TEST_F(ValueCodec, DefaultValuesEncode) {
  for (const char* name : {"bool",
                           "int",
                           "uint",
                           "qlonglong",
                           "double",
                           "float",
                           "QChar",
                           "QString",
                           "QByteArray",
                           "QStringList",
                           "QVariantList",
                           "QVariantMap",
                           "QDate",
                           "QTime",
                           "QDateTime",
                           "QUrl",
                           "QLocale",
                           "QRect",
                           "QRectF",
                           "QSize",
                           "QPoint",
                           "QLine",
                           "QLineF",
                           "QUuid",
                           "QBitArray",
                           "MyPod",
                           "QList<MyPod>",
                           "QHash<int,QByteArray>",
                           "std::pair<int,QString>",
                           "DataEntries",
                           "std::nullptr_t"}) {
    const Value v = defaultValueFor(name, types);
    Writer w;
    auto r = encodeVariant(w, v, types);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().toString());
    EXPECT_TRUE(matchesType(v, name, types)) << name;
  }
}

}  // namespace
}  // namespace doppel::wire
