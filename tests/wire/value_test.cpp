#include "doppel/value.h"

#include <cmath>

#include <gtest/gtest.h>

namespace doppel {
namespace {

TEST(Value, DefaultIsTheInvalidVariant) {
  const Value v;
  EXPECT_FALSE(v.isValid());
  EXPECT_EQ(v.typeId(), TypeId::Invalid);
  EXPECT_EQ(v.typeName(), "");
  EXPECT_EQ(v.debugString(), "invalid");
}

TEST(Value, BuiltinTypeNamesAreQtsNames) {
  EXPECT_EQ(builtinTypeName(TypeId::LongLong), "qlonglong");
  EXPECT_EQ(builtinTypeName(TypeId::ULongLong), "qulonglong");
  EXPECT_EQ(builtinTypeName(TypeId::SChar), "signed char");
  EXPECT_EQ(builtinTypeName(TypeId::UChar), "uchar");
  EXPECT_EQ(builtinTypeName(TypeId::UShort), "ushort");
  EXPECT_EQ(builtinTypeName(TypeId::UInt), "uint");
  EXPECT_EQ(builtinTypeName(TypeId::ULong), "ulong");
  EXPECT_EQ(builtinTypeName(TypeId::Long), "long");
  EXPECT_EQ(builtinTypeName(TypeId::Short), "short");
  EXPECT_EQ(builtinTypeName(TypeId::Char), "char");
  EXPECT_EQ(builtinTypeName(TypeId::Nullptr), "std::nullptr_t");
  EXPECT_EQ(builtinTypeName(TypeId::User), "");
  EXPECT_EQ(builtinTypeName(static_cast<TypeId>(27)), "");
}

TEST(Value, EveryBuiltinIdHasTheNameThatMapsBackToIt) {
  int named = 0;
  for (std::uint32_t i = 0; i < 100; ++i) {
    const auto id = static_cast<TypeId>(i);
    const std::string_view name = builtinTypeName(id);
    if (name.empty()) continue;
    ++named;
    EXPECT_EQ(builtinTypeId(name), id) << name;
  }
  EXPECT_EQ(named, 38);
  EXPECT_EQ(builtinTypeName(TypeId::Invalid), "");
  EXPECT_EQ(builtinTypeName(static_cast<TypeId>(1000)), "");
}

TEST(Value, BuiltinTypeIdKnowsQtAliases) {
  EXPECT_EQ(builtinTypeId("qint64"), TypeId::LongLong);
  EXPECT_EQ(builtinTypeId("quint64"), TypeId::ULongLong);
  EXPECT_EQ(builtinTypeId("qint32"), TypeId::Int);
  EXPECT_EQ(builtinTypeId("quint32"), TypeId::UInt);
  EXPECT_EQ(builtinTypeId("qint16"), TypeId::Short);
  EXPECT_EQ(builtinTypeId("quint16"), TypeId::UShort);
  EXPECT_EQ(builtinTypeId("qint8"), TypeId::SChar);
  EXPECT_EQ(builtinTypeId("quint8"), TypeId::UChar);
  EXPECT_EQ(builtinTypeId("qreal"), TypeId::Double);
  EXPECT_EQ(builtinTypeId("QList<QVariant>"), TypeId::QVariantList);
  EXPECT_EQ(builtinTypeId("QMap<QString,QVariant>"), TypeId::QVariantMap);
  EXPECT_EQ(builtinTypeId("QMap<QString, QVariant>"), TypeId::QVariantMap);
  EXPECT_EQ(builtinTypeId("QHash<QString,QVariant>"), TypeId::QVariantHash);
  EXPECT_EQ(builtinTypeId("QList<QString>"), TypeId::QStringList);
  EXPECT_EQ(builtinTypeId("QVector<QString>"), TypeId::QStringList);
  EXPECT_EQ(builtinTypeId("QList<QByteArray>"), TypeId::QByteArrayList);
  EXPECT_EQ(builtinTypeId("unsigned int"), TypeId::UInt);
  EXPECT_EQ(builtinTypeId("long long"), TypeId::LongLong);
  EXPECT_EQ(builtinTypeId("QString"), TypeId::QString);
  EXPECT_EQ(builtinTypeId("MyPod"), TypeId::User);
  EXPECT_EQ(builtinTypeId("QList<int>"), TypeId::User);
}

TEST(Value, DateFromYmdIsTheJulianDay) {
  EXPECT_EQ(Date::fromYmd(2023, 1, 2).julianDay, 0x25892b);
  EXPECT_EQ(Date::fromYmd(1970, 1, 1).julianDay, 2440588);
  EXPECT_EQ(Date::fromYmd(2000, 2, 29).julianDay, 2451604);
  EXPECT_EQ(Date::fromYmd(-4714, 11, 24).julianDay, 0);  // 4714 BC: Qt has no year 0
  EXPECT_TRUE(Date::fromYmd(2023, 2, 29).isNull());
  EXPECT_TRUE(Date::fromYmd(2023, 13, 1).isNull());
  EXPECT_TRUE(Date::fromYmd(0, 1, 1).isNull());
  EXPECT_TRUE(Date{}.isNull());
}

TEST(Value, TimeFromHmsIsMillisecondsSinceMidnight) {
  EXPECT_EQ(Time::fromHms(1, 2, 3, 4).msecs, 0x38cefcu);
  EXPECT_TRUE(Time::fromHms(24, 0, 0).isNull());
  EXPECT_TRUE(Time{}.isNull());
}

TEST(Value, UuidPrintsLikeQUuid) {
  Uuid u{0x67c8770b, 0x44f1, 0x410a, {0xab, 0x9a, 0xf9, 0xb5, 0x44, 0x6f, 0x13, 0xee}};
  EXPECT_EQ(u.toString(), "{67c8770b-44f1-410a-ab9a-f9b5446f13ee}");
}

TEST(Value, IntegerTypesStayDistinct) {
  EXPECT_NE(Value::int32(1), Value::int64(1));
  EXPECT_NE(Value::int64(1), Value::long64(1));
  EXPECT_NE(Value::float32(1.5f), Value::float64(1.5));
  EXPECT_EQ(Value::int32(7), Value::int32(7));
  EXPECT_EQ(Value::int8(-56).toInt(), -56);
  EXPECT_EQ(Value::uint8(200).toUInt(), 200u);
  EXPECT_EQ(Value::float32(1.5f).toDouble(), 1.5);
}

TEST(Value, NullStringIsNotEqualToEmptyString) {
  EXPECT_NE(Value::nullString(), Value::string(""));
  EXPECT_TRUE(Value::nullString().isNullText());
  EXPECT_FALSE(Value::string("").isNullText());
  EXPECT_NE(Value::nullBytes(), Value::bytes(""));
  EXPECT_TRUE(Value::url("").isNullText());
}

TEST(Value, NumericReadsConvertBetweenKinds) {
  EXPECT_EQ(Value::boolean(true).toInt(), 1);
  EXPECT_EQ(Value::float64(2.9).toInt(), 2);
  EXPECT_EQ(Value::float64(1e300).toInt(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Value::float64(std::nan("")).toInt(), 0);
  EXPECT_EQ(Value::float64(-5).toUInt(), 0u);
  EXPECT_EQ(Value::qchar(u'A').toInt(), 65);
  EXPECT_EQ(Value::int32(66).toQChar(), u'B');
  EXPECT_TRUE(Value::uint64(3).toBool());
  EXPECT_EQ(Value::string("x").toInt(), 0);
}

TEST(Value, NanIsNotEqualToItself) {
  const Value nan = Value::float64(std::nan(""));
  EXPECT_NE(nan, nan);
}

TEST(Value, AccessorsOfTheWrongKindReturnEmptyValues) {
  const Value v = Value::int32(1);
  EXPECT_EQ(v.toString(), "");
  EXPECT_TRUE(v.toList().empty());
  EXPECT_TRUE(v.toPairs().empty());
  EXPECT_TRUE(v.toDate().isNull());
  EXPECT_EQ(v.get<Text>(), nullptr);
}

TEST(Value, StringListHoldsStringValues) {
  const Value v = Value::stringList({"a", "b"});
  EXPECT_EQ(v.typeId(), TypeId::QStringList);
  ASSERT_EQ(v.toList().size(), 2u);
  EXPECT_EQ(v.toList()[1], Value::string("b"));
}

TEST(Value, UserValuesKeepTheirTypeName) {
  const Value pod = Value::userList("MyPod", {Value::int32(5), Value::string("five")});
  EXPECT_TRUE(pod.isUser());
  EXPECT_EQ(pod.typeName(), "MyPod");
  EXPECT_EQ(pod.debugString(), "MyPod[int(5), QString(\"five\")]");
  EXPECT_NE(pod, Value::userList("OtherPod", {Value::int32(5), Value::string("five")}));
}

TEST(Value, EnumValuesRememberTheirSize) {
  const Value e = Value::enumValue("Lab::Mode", 2);
  EXPECT_TRUE(e.isEnum());
  EXPECT_EQ(e.enumSize(), 4);
  EXPECT_EQ(e.toInt(), 2);
  EXPECT_EQ(Value::enumValue("Level", 200, 1).enumSize(), 1);
  EXPECT_EQ(Value::enumValue("Odd", 1, 3).enumSize(), 4);
  EXPECT_FALSE(Value::int32(2).isEnum());
}

TEST(Value, RectHoldsPositionAndSize) {
  const Geometry g = Value::rect(1, 2, 3, 4).toGeometry();
  EXPECT_EQ(g.v[0], 1);
  EXPECT_EQ(g.v[2], 3);
  EXPECT_EQ(g.v[3], 4);
}

TEST(Value, FromPayloadBuildsTheSameValueAsTheFactory) {
  EXPECT_EQ(Value::fromPayload(TypeId::Int, std::int64_t{5}), Value::int32(5));
  EXPECT_EQ(Value::fromPayload(TypeId::QString, Text{"x", false}), Value::string("x"));
}

}  // namespace
}  // namespace doppel
