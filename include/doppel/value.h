// doppel::Value: one value of the Qt type system as it travels in QtRO 2.0 (a QVariant), without
// Qt. Every value keeps its exact Qt type (int is not qint64, float is not double, a null QString
// is not an empty one), so a value decoded and encoded again gives the same bytes.
//
// Builtin types have a TypeId (Qt 6 QMetaType ids, protocol §4.2). Every other type is a user
// type known by its Qt type name ("QList<int>", "MyPod", "std::pair<QString,int>"); how such a
// value is laid out on the wire comes from the TypeRegistry (src/wire), not from the Value.
//
// Thread safety: a Value is a plain value type; distinct objects are safe, shared const access is
// safe.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace doppel {

/// Qt 6 QMetaType ids of the builtin types that appear on the wire.
enum class TypeId : std::uint32_t {
  Invalid = 0,
  Bool = 1,
  Int = 2,
  UInt = 3,
  LongLong = 4,
  ULongLong = 5,
  Double = 6,
  QChar = 7,
  QVariantMap = 8,
  QVariantList = 9,
  QString = 10,
  QStringList = 11,
  QByteArray = 12,
  QBitArray = 13,
  QDate = 14,
  QTime = 15,
  QDateTime = 16,
  QUrl = 17,
  QLocale = 18,
  QRect = 19,
  QRectF = 20,
  QSize = 21,
  QSizeF = 22,
  QLine = 23,
  QLineF = 24,
  QPoint = 25,
  QPointF = 26,
  QVariantHash = 28,
  QUuid = 30,
  Long = 32,
  Short = 33,
  Char = 34,
  ULong = 35,
  UShort = 36,
  UChar = 37,
  Float = 38,
  SChar = 40,
  QByteArrayList = 49,
  Nullptr = 51,
  User = 65536,  ///< any other type: the type name follows on the wire
};

/// Qt's name of a builtin type ("int", "QString", "qlonglong"...); empty for User and unknown ids.
std::string_view builtinTypeName(TypeId id);
/// The builtin id for a Qt type name, including Qt 6 aliases ("QList<QString>" is QStringList,
/// "qint64" is qlonglong); TypeId::User if the name is not builtin.
TypeId builtinTypeId(std::string_view name);

/// QDate: a Julian day number; INT64_MIN is the null date.
struct Date {
  std::int64_t julianDay = std::numeric_limits<std::int64_t>::min();
  bool isNull() const { return julianDay == std::numeric_limits<std::int64_t>::min(); }
  static Date fromYmd(int year, int month, int day);
  friend bool operator==(const Date&, const Date&) = default;
};

/// QTime: milliseconds since midnight; 0xFFFFFFFF is the null time.
struct Time {
  std::uint32_t msecs = 0xFFFFFFFFu;
  bool isNull() const { return msecs == 0xFFFFFFFFu; }
  static Time fromHms(int hour, int minute, int second, int msec = 0);
  friend bool operator==(const Time&, const Time&) = default;
};

/// QDateTime: the wall time in its own time spec, as Qt streams it.
struct DateTime {
  enum class Spec : std::uint8_t { LocalTime = 0, Utc = 1, OffsetFromUtc = 2, TimeZone = 3 };
  Date date;
  Time time;
  Spec spec = Spec::LocalTime;
  std::int32_t offsetSeconds = 0;  ///< only for OffsetFromUtc
  std::string timeZone;            ///< IANA id, only for TimeZone
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

/// QUuid in its streamed field order.
struct Uuid {
  std::uint32_t data1 = 0;
  std::uint16_t data2 = 0;
  std::uint16_t data3 = 0;
  std::array<std::uint8_t, 8> data4{};
  /// "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" as QUuid::toString() writes it.
  std::string toString() const;
  friend bool operator==(const Uuid&, const Uuid&) = default;
};

/// QBitArray: bit count plus the packed bytes (bit i in byte i/8, least significant first).
struct BitArray {
  std::uint32_t size = 0;
  std::string bytes;
  friend bool operator==(const BitArray&, const BitArray&) = default;
};

/// The coordinates of QPoint(F), QSize(F), QRect(F), QLine(F). Integer types hold whole numbers.
/// QPoint: x,y. QSize: width,height. QRect/QRectF: x,y,width,height (the wire form of QRect is
/// left,top,right,bottom; the codec converts). QLine(F): x1,y1,x2,y2.
struct Geometry {
  std::array<double, 4> v{};
  friend bool operator==(const Geometry&, const Geometry&) = default;
};

/// Text of a QString (as UTF-8), QByteArray (raw bytes), QUrl (the encoded URL) or QLocale
/// (its name); `null` keeps Qt's null apart from empty.
struct Text {
  std::string data;
  bool null = false;
  friend bool operator==(const Text&, const Text&) = default;
};

class Value {
public:
  using List = std::vector<Value>;
  /// Map entries in wire order: QVariantMap/QMap ascending by key, QHash as received.
  using Pairs = std::vector<std::pair<Value, Value>>;

  /// The invalid QVariant (what a void slot returns).
  Value() = default;

  // Builtin types ---------------------------------------------------------------------------
  static Value boolean(bool v);
  static Value int32(std::int32_t v);
  static Value uint32(std::uint32_t v);
  static Value int64(std::int64_t v);    ///< qlonglong
  static Value uint64(std::uint64_t v);  ///< qulonglong
  static Value long64(std::int64_t v);   ///< long (8 bytes on the wire)
  static Value ulong64(std::uint64_t v); ///< ulong
  static Value int16(std::int16_t v);
  static Value uint16(std::uint16_t v);
  static Value int8(std::int8_t v);      ///< signed char
  static Value uint8(std::uint8_t v);    ///< uchar
  static Value char8(char v);            ///< char
  static Value float64(double v);
  static Value float32(float v);
  static Value qchar(char16_t v);
  static Value string(std::string_view utf8);
  static Value nullString();
  static Value bytes(std::string_view data);
  static Value nullBytes();
  static Value url(std::string_view encoded);
  static Value locale(std::string_view name);
  static Value stringList(const std::vector<std::string>& utf8);
  static Value byteArrayList(const std::vector<std::string>& data);
  static Value list(List items);    ///< QVariantList
  static Value map(Pairs entries);  ///< QVariantMap: QString keys, sorted by the codec
  static Value hash(Pairs entries); ///< QVariantHash
  static Value date(Date v);
  static Value time(Time v);
  static Value dateTime(DateTime v);
  static Value uuid(Uuid v);
  static Value bitArray(BitArray v);
  static Value point(int x, int y);
  static Value pointF(double x, double y);
  static Value size(int width, int height);
  static Value sizeF(double width, double height);
  static Value rect(int x, int y, int width, int height);
  static Value rectF(double x, double y, double width, double height);
  static Value line(int x1, int y1, int x2, int y2);
  static Value lineF(double x1, double y1, double x2, double y2);
  static Value nullptrValue();
  /// A builtin value from its payload, for decoders that must keep every detail (a null string
  /// inside a QStringList, a float's exact double). The payload must be the kind the type uses:
  /// bool, int64 (signed integers, char), uint64 (unsigned), double (double, float), char16_t
  /// (QChar), Text (QString, QByteArray, QUrl, QLocale), List (lists), Pairs (maps), Date, Time,
  /// DateTime, Uuid, BitArray, Geometry; std::monostate for std::nullptr_t.
  template <typename Payload>
  static Value fromPayload(TypeId id, Payload payload) {
    return builtin(id, std::move(payload));
  }

  // User types, by Qt type name --------------------------------------------------------------
  /// QList<T>, std::pair<A,B> (two items) and gadgets/PODs (one item per property).
  static Value userList(std::string typeName, List items);
  /// QMap<K,V> and QHash<K,V>.
  static Value userMap(std::string typeName, Pairs entries);
  /// Enums and flags: an integer of the enum's size with the enum's name kept for the API; on
  /// the wire it travels as the plain integer type of that size (protocol §4.4).
  static Value enumValue(std::string typeName, std::int64_t v, int sizeBytes = 4);
  /// Any user type whose payload is one of the payload kinds below (for registered types).
  template <typename Payload>
  static Value user(std::string typeName, Payload payload) {
    Value out;
    out.m_type = TypeId::User;
    out.m_typeName = std::move(typeName);
    out.m_data = std::move(payload);
    return out;
  }

  // Inspection -------------------------------------------------------------------------------
  TypeId typeId() const { return m_type; }
  /// Qt's type name: "int", "QString", "QList<int>", "MyPod"; empty for the invalid value.
  std::string_view typeName() const;
  bool isValid() const { return m_type != TypeId::Invalid; }
  bool isUser() const { return m_type == TypeId::User; }
  /// For enum values: the byte size the integer travels as.
  int enumSize() const { return m_enumSize; }
  bool isEnum() const { return m_enumSize != 0; }

  bool isBool() const { return holds<bool>(); }
  bool isSigned() const { return holds<std::int64_t>(); }
  bool isUnsigned() const { return holds<std::uint64_t>(); }
  bool isDouble() const { return holds<double>(); }
  bool isText() const { return holds<Text>(); }
  bool isList() const { return holds<List>(); }
  bool isPairs() const { return holds<Pairs>(); }

  /// Numeric reads convert between the numeric kinds (bool, integers, floating point, QChar).
  bool toBool() const;
  std::int64_t toInt() const;
  std::uint64_t toUInt() const;
  double toDouble() const;
  char16_t toQChar() const;
  /// QString/QUrl/QLocale as UTF-8, QByteArray as raw bytes; empty for other kinds.
  const std::string& toString() const;
  /// True for a null QString, QByteArray or QUrl.
  bool isNullText() const;
  const List& toList() const;    ///< list kinds; empty for other kinds
  const Pairs& toPairs() const;  ///< map kinds; empty for other kinds
  Date toDate() const;
  Time toTime() const;
  DateTime toDateTime() const;
  Uuid toUuid() const;
  BitArray toBitArray() const;
  Geometry toGeometry() const;

  /// Direct payload access for codecs: nullptr when the payload is another kind.
  template <typename T>
  const T* get() const {
    return std::get_if<T>(&m_data);
  }
  template <typename T>
  bool holds() const {
    return std::holds_alternative<T>(m_data);
  }

  /// Same type and same payload (doubles compared bitwise-equal by value, NaN != NaN).
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

  /// A short human-readable rendering for logs and test failure messages.
  std::string debugString() const;

private:
  template <typename T>
  static Value builtin(TypeId id, T payload) {
    Value out;
    out.m_type = id;
    out.m_data = std::move(payload);
    return out;
  }

  using Payload = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double,
                               char16_t, Text, List, Pairs, Date, Time, DateTime, Uuid, Geometry,
                               BitArray>;

  TypeId m_type = TypeId::Invalid;
  std::string m_typeName;  ///< only for User
  int m_enumSize = 0;      ///< non-zero only for enum values
  Payload m_data;
};

}  // namespace doppel
