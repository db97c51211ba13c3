#include "doppel/value.h"

#include <array>
#include <cmath>
#include <cstdio>

#include "wire/type_registry.h"

namespace doppel {
namespace {

struct NamedType {
  std::string_view name;
  TypeId id;
};

// Qt's own names (QMetaType::name) of the builtin types.
constexpr NamedType kCanonicalNames[] = {
    {"bool", TypeId::Bool},
    {"int", TypeId::Int},
    {"uint", TypeId::UInt},
    {"qlonglong", TypeId::LongLong},
    {"qulonglong", TypeId::ULongLong},
    {"double", TypeId::Double},
    {"QChar", TypeId::QChar},
    {"QVariantMap", TypeId::QVariantMap},
    {"QVariantList", TypeId::QVariantList},
    {"QString", TypeId::QString},
    {"QStringList", TypeId::QStringList},
    {"QByteArray", TypeId::QByteArray},
    {"QBitArray", TypeId::QBitArray},
    {"QDate", TypeId::QDate},
    {"QTime", TypeId::QTime},
    {"QDateTime", TypeId::QDateTime},
    {"QUrl", TypeId::QUrl},
    {"QLocale", TypeId::QLocale},
    {"QRect", TypeId::QRect},
    {"QRectF", TypeId::QRectF},
    {"QSize", TypeId::QSize},
    {"QSizeF", TypeId::QSizeF},
    {"QLine", TypeId::QLine},
    {"QLineF", TypeId::QLineF},
    {"QPoint", TypeId::QPoint},
    {"QPointF", TypeId::QPointF},
    {"QVariantHash", TypeId::QVariantHash},
    {"QUuid", TypeId::QUuid},
    {"long", TypeId::Long},
    {"short", TypeId::Short},
    {"char", TypeId::Char},
    {"ulong", TypeId::ULong},
    {"ushort", TypeId::UShort},
    {"uchar", TypeId::UChar},
    {"float", TypeId::Float},
    {"signed char", TypeId::SChar},
    {"QByteArrayList", TypeId::QByteArrayList},
    {"std::nullptr_t", TypeId::Nullptr},
};

// One past the largest builtin id.
constexpr std::size_t kBuiltinIdLimit = static_cast<std::size_t>(TypeId::Nullptr) + 1;

// Other spellings Qt 6 resolves to the same builtin type.
constexpr NamedType kAliasNames[] = {
    {"qint8", TypeId::SChar},
    {"quint8", TypeId::UChar},
    {"qint16", TypeId::Short},
    {"quint16", TypeId::UShort},
    {"qint32", TypeId::Int},
    {"quint32", TypeId::UInt},
    {"qint64", TypeId::LongLong},
    {"quint64", TypeId::ULongLong},
    {"qreal", TypeId::Double},
    {"unsigned", TypeId::UInt},
    {"unsigned int", TypeId::UInt},
    {"signed int", TypeId::Int},
    {"unsigned short", TypeId::UShort},
    {"short int", TypeId::Short},
    {"unsigned char", TypeId::UChar},
    {"unsigned long", TypeId::ULong},
    {"long int", TypeId::Long},
    {"long long", TypeId::LongLong},
    {"unsigned long long", TypeId::ULongLong},
    {"nullptr_t", TypeId::Nullptr},
    {"QList<QString>", TypeId::QStringList},
    {"QList<QByteArray>", TypeId::QByteArrayList},
    {"QList<QVariant>", TypeId::QVariantList},
    {"QMap<QString,QVariant>", TypeId::QVariantMap},
    {"QHash<QString,QVariant>", TypeId::QVariantHash},
};

TypeId lookupName(std::string_view name) {
  for (const auto& t : kCanonicalNames) {
    if (t.name == name) return t.id;
  }
  for (const auto& t : kAliasNames) {
    if (t.name == name) return t.id;
  }
  return TypeId::User;
}

const std::string& emptyString() {
  static const std::string s;
  return s;
}

std::int64_t doubleToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d <= -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
  if (d >= 9223372036854775808.0) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(d);
}

std::uint64_t doubleToUInt(double d) {
  if (std::isnan(d) || d <= 0) return 0;
  if (d >= 18446744073709551616.0) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(d);
}

void appendQuoted(std::string& out, const Text& t) {
  if (t.null) {
    out += "null";
    return;
  }
  out += '"';
  constexpr std::size_t kMax = 64;
  for (std::size_t i = 0; i < t.data.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(t.data[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (t.data.size() > kMax) out += "...";
  out += '"';
}

std::string formatDouble(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

}  // namespace

std::string_view builtinTypeName(TypeId id) {
  // Indexed by id (all builtin ids are small): this runs for every value encoded or checked.
  static constexpr auto kByIndex = [] {
    std::array<std::string_view, kBuiltinIdLimit> names{};
    for (const auto& t : kCanonicalNames) names[static_cast<std::size_t>(t.id)] = t.name;
    return names;
  }();
  const auto i = static_cast<std::size_t>(id);
  return i < kByIndex.size() ? kByIndex[i] : std::string_view();
}

TypeId builtinTypeId(std::string_view name) {
  const TypeId id = lookupName(name);
  if (id != TypeId::User) return id;
  // Unusual spellings ("QMap<QString, QVariant>", "QVector<QString>", "unsigned  int").
  const std::string normalized = wire::TypeRegistry::normalize(name);
  if (normalized != name) return lookupName(normalized);
  return TypeId::User;
}

// Date / Time / Uuid ------------------------------------------------------------------------

namespace {
std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
bool isLeapYear(std::int64_t year) {
  if (year < 1) ++year;  // no year 0: 1 BC is a leap year like 4 AD
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}
}  // namespace

Date Date::fromYmd(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year == 0 || month < 1 || month > 12 || day < 1) return Date{};
  const int maxDay = (month == 2 && isLeapYear(year)) ? 29 : kDays[month - 1];
  if (day > maxDay) return Date{};
  // Proleptic Gregorian calendar without a year 0, as QDate counts.
  const std::int64_t y0 = year < 0 ? year + 1 : year;
  const std::int64_t a = floorDiv(14 - month, 12);
  const std::int64_t y = y0 + 4800 - a;
  const std::int64_t m = month + 12 * a - 3;
  Date d;
  d.julianDay = day + floorDiv(153 * m + 2, 5) + 365 * y + floorDiv(y, 4) - floorDiv(y, 100) +
                floorDiv(y, 400) - 32045;
  return d;
}

Time Time::fromHms(int hour, int minute, int second, int msec) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || msec < 0 ||
      msec > 999) {
    return Time{};
  }
  Time t;
  t.msecs = static_cast<std::uint32_t>(((hour * 60 + minute) * 60 + second) * 1000 + msec);
  return t;
}

std::string Uuid::toString() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                static_cast<unsigned>(data1), static_cast<unsigned>(data2),
                static_cast<unsigned>(data3), data4[0], data4[1], data4[2], data4[3], data4[4],
                data4[5], data4[6], data4[7]);
  return buf;
}

// Factories ---------------------------------------------------------------------------------

Value Value::boolean(bool v) {
  return builtin(TypeId::Bool, v);
}
Value Value::int32(std::int32_t v) {
  return builtin(TypeId::Int, std::int64_t{v});
}
Value Value::uint32(std::uint32_t v) {
  return builtin(TypeId::UInt, std::uint64_t{v});
}
Value Value::int64(std::int64_t v) {
  return builtin(TypeId::LongLong, v);
}
Value Value::uint64(std::uint64_t v) {
  return builtin(TypeId::ULongLong, v);
}
Value Value::long64(std::int64_t v) {
  return builtin(TypeId::Long, v);
}
Value Value::ulong64(std::uint64_t v) {
  return builtin(TypeId::ULong, v);
}
Value Value::int16(std::int16_t v) {
  return builtin(TypeId::Short, std::int64_t{v});
}
Value Value::uint16(std::uint16_t v) {
  return builtin(TypeId::UShort, std::uint64_t{v});
}
Value Value::int8(std::int8_t v) {
  return builtin(TypeId::SChar, std::int64_t{v});
}
Value Value::uint8(std::uint8_t v) {
  return builtin(TypeId::UChar, std::uint64_t{v});
}
Value Value::char8(char v) {
  return builtin(TypeId::Char, std::int64_t{static_cast<signed char>(v)});
}
Value Value::float64(double v) {
  return builtin(TypeId::Double, v);
}
Value Value::float32(float v) {
  return builtin(TypeId::Float, static_cast<double>(v));
}
Value Value::qchar(char16_t v) {
  return builtin(TypeId::QChar, v);
}
Value Value::string(std::string_view utf8) {
  return builtin(TypeId::QString, Text{std::string(utf8), false});
}
Value Value::nullString() {
  return builtin(TypeId::QString, Text{{}, true});
}
Value Value::bytes(std::string_view data) {
  return builtin(TypeId::QByteArray, Text{std::string(data), false});
}
Value Value::nullBytes() {
  return builtin(TypeId::QByteArray, Text{{}, true});
}
Value Value::url(std::string_view encoded) {
  // Qt streams an empty (invalid) URL as a null QByteArray; keep that one representation.
  return builtin(TypeId::QUrl, Text{std::string(encoded), encoded.empty()});
}
Value Value::locale(std::string_view name) {
  return builtin(TypeId::QLocale, Text{std::string(name), false});
}
Value Value::stringList(const std::vector<std::string>& utf8) {
  List items;
  items.reserve(utf8.size());
  for (const auto& s : utf8) items.push_back(string(s));
  return builtin(TypeId::QStringList, std::move(items));
}
Value Value::byteArrayList(const std::vector<std::string>& data) {
  List items;
  items.reserve(data.size());
  for (const auto& s : data) items.push_back(bytes(s));
  return builtin(TypeId::QByteArrayList, std::move(items));
}
Value Value::list(List items) {
  return builtin(TypeId::QVariantList, std::move(items));
}
Value Value::map(Pairs entries) {
  return builtin(TypeId::QVariantMap, std::move(entries));
}
Value Value::hash(Pairs entries) {
  return builtin(TypeId::QVariantHash, std::move(entries));
}
Value Value::date(Date v) {
  return builtin(TypeId::QDate, v);
}
Value Value::time(Time v) {
  return builtin(TypeId::QTime, v);
}
Value Value::dateTime(DateTime v) {
  return builtin(TypeId::QDateTime, std::move(v));
}
Value Value::uuid(Uuid v) {
  return builtin(TypeId::QUuid, v);
}
Value Value::bitArray(BitArray v) {
  return builtin(TypeId::QBitArray, std::move(v));
}
Value Value::point(int x, int y) {
  return builtin(TypeId::QPoint, Geometry{{x * 1.0, y * 1.0}});
}
Value Value::pointF(double x, double y) {
  return builtin(TypeId::QPointF, Geometry{{x, y}});
}
Value Value::size(int width, int height) {
  return builtin(TypeId::QSize, Geometry{{width * 1.0, height * 1.0}});
}
Value Value::sizeF(double width, double height) {
  return builtin(TypeId::QSizeF, Geometry{{width, height}});
}
Value Value::rect(int x, int y, int width, int height) {
  return builtin(TypeId::QRect, Geometry{{x * 1.0, y * 1.0, width * 1.0, height * 1.0}});
}
Value Value::rectF(double x, double y, double width, double height) {
  return builtin(TypeId::QRectF, Geometry{{x, y, width, height}});
}
Value Value::line(int x1, int y1, int x2, int y2) {
  return builtin(TypeId::QLine, Geometry{{x1 * 1.0, y1 * 1.0, x2 * 1.0, y2 * 1.0}});
}
Value Value::lineF(double x1, double y1, double x2, double y2) {
  return builtin(TypeId::QLineF, Geometry{{x1, y1, x2, y2}});
}
Value Value::nullptrValue() {
  return builtin(TypeId::Nullptr, std::monostate{});
}

Value Value::userList(std::string typeName, List items) {
  return user(std::move(typeName), std::move(items));
}
Value Value::userMap(std::string typeName, Pairs entries) {
  return user(std::move(typeName), std::move(entries));
}
Value Value::enumValue(std::string typeName, std::int64_t v, int sizeBytes) {
  Value out = user(std::move(typeName), v);
  out.m_enumSize = (sizeBytes == 1 || sizeBytes == 2 || sizeBytes == 8) ? sizeBytes : 4;
  return out;
}

// Inspection --------------------------------------------------------------------------------

std::string_view Value::typeName() const {
  if (m_type == TypeId::User) return m_typeName;
  return builtinTypeName(m_type);
}

bool Value::toBool() const {
  if (const auto* b = get<bool>()) return *b;
  if (const auto* i = get<std::int64_t>()) return *i != 0;
  if (const auto* u = get<std::uint64_t>()) return *u != 0;
  if (const auto* d = get<double>()) return *d != 0;
  if (const auto* c = get<char16_t>()) return *c != 0;
  return false;
}

std::int64_t Value::toInt() const {
  if (const auto* i = get<std::int64_t>()) return *i;
  if (const auto* u = get<std::uint64_t>()) return static_cast<std::int64_t>(*u);
  if (const auto* b = get<bool>()) return *b ? 1 : 0;
  if (const auto* d = get<double>()) return doubleToInt(*d);
  if (const auto* c = get<char16_t>()) return *c;
  return 0;
}

std::uint64_t Value::toUInt() const {
  if (const auto* u = get<std::uint64_t>()) return *u;
  if (const auto* i = get<std::int64_t>()) return static_cast<std::uint64_t>(*i);
  if (const auto* b = get<bool>()) return *b ? 1 : 0;
  if (const auto* d = get<double>()) return doubleToUInt(*d);
  if (const auto* c = get<char16_t>()) return *c;
  return 0;
}

double Value::toDouble() const {
  if (const auto* d = get<double>()) return *d;
  if (const auto* i = get<std::int64_t>()) return static_cast<double>(*i);
  if (const auto* u = get<std::uint64_t>()) return static_cast<double>(*u);
  if (const auto* b = get<bool>()) return *b ? 1.0 : 0.0;
  if (const auto* c = get<char16_t>()) return *c;
  return 0.0;
}

char16_t Value::toQChar() const {
  if (const auto* c = get<char16_t>()) return *c;
  return static_cast<char16_t>(toUInt() & 0xFFFFu);
}

const std::string& Value::toString() const {
  if (const auto* t = get<Text>()) return t->data;
  return emptyString();
}

bool Value::isNullText() const {
  const auto* t = get<Text>();
  return t != nullptr && t->null;
}

const Value::List& Value::toList() const {
  static const List kEmpty;
  if (const auto* l = get<List>()) return *l;
  return kEmpty;
}

const Value::Pairs& Value::toPairs() const {
  static const Pairs kEmpty;
  if (const auto* p = get<Pairs>()) return *p;
  return kEmpty;
}

Date Value::toDate() const {
  if (const auto* d = get<Date>()) return *d;
  if (const auto* dt = get<DateTime>()) return dt->date;
  return Date{};
}

Time Value::toTime() const {
  if (const auto* t = get<Time>()) return *t;
  if (const auto* dt = get<DateTime>()) return dt->time;
  return Time{};
}

DateTime Value::toDateTime() const {
  if (const auto* dt = get<DateTime>()) return *dt;
  return DateTime{};
}

Uuid Value::toUuid() const {
  if (const auto* u = get<Uuid>()) return *u;
  return Uuid{};
}

BitArray Value::toBitArray() const {
  if (const auto* b = get<BitArray>()) return *b;
  return BitArray{};
}

Geometry Value::toGeometry() const {
  if (const auto* g = get<Geometry>()) return *g;
  return Geometry{};
}

bool operator==(const Value& a, const Value& b) {
  return a.m_type == b.m_type && a.m_enumSize == b.m_enumSize && a.m_typeName == b.m_typeName &&
         a.m_data == b.m_data;
}

std::string Value::debugString() const {
  if (!isValid()) return "invalid";
  std::string out(typeName());
  // Appends piece by piece: GCC 12 reports a false -Wrestrict at -O3 for "(" + s + ")".
  struct Render {
    std::string& out;
    void wrap(const std::string& inner) const {
      out += '(';
      out += inner;
      out += ')';
    }
    void operator()(std::monostate) const {}
    void operator()(bool v) const { out += v ? "(true)" : "(false)"; }
    void operator()(std::int64_t v) const { wrap(std::to_string(v)); }
    void operator()(std::uint64_t v) const { wrap(std::to_string(v)); }
    void operator()(double v) const { wrap(formatDouble(v)); }
    void operator()(char16_t v) const {
      out += "(U+";
      out += std::to_string(unsigned{v});
      out += ')';
    }
    void operator()(const Text& v) const {
      out += '(';
      appendQuoted(out, v);
      out += ')';
    }
    void operator()(const List& v) const {
      out += '[';
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ", ";
        out += v[i].debugString();
      }
      out += ']';
    }
    void operator()(const Pairs& v) const {
      out += '{';
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ", ";
        out += v[i].first.debugString();
        out += ": ";
        out += v[i].second.debugString();
      }
      out += '}';
    }
    void operator()(const Date& v) const {
      if (v.isNull()) {
        out += "(null)";
      } else {
        out += "(jd ";
        out += std::to_string(v.julianDay);
        out += ')';
      }
    }
    void operator()(const Time& v) const {
      if (v.isNull()) {
        out += "(null)";
      } else {
        out += '(';
        out += std::to_string(v.msecs);
        out += " ms)";
      }
    }
    void operator()(const DateTime& v) const {
      out += "(jd ";
      out += std::to_string(v.date.julianDay);
      out += ", ";
      out += std::to_string(v.time.msecs);
      out += " ms, spec ";
      out += std::to_string(static_cast<int>(v.spec));
      if (v.spec == DateTime::Spec::OffsetFromUtc) {
        out += ' ';
        out += std::to_string(v.offsetSeconds);
      }
      if (v.spec == DateTime::Spec::TimeZone) {
        out += ' ';
        out += v.timeZone;
      }
      out += ')';
    }
    void operator()(const Uuid& v) const { wrap(v.toString()); }
    void operator()(const Geometry& v) const {
      out += '(';
      for (std::size_t i = 0; i < v.v.size(); ++i) {
        if (i) out += ", ";
        out += formatDouble(v.v[i]);
      }
      out += ')';
    }
    void operator()(const BitArray& v) const {
      out += '(';
      out += std::to_string(v.size);
      out += " bits)";
    }
  };
  std::visit(Render{out}, m_data);
  return out;
}

}  // namespace doppel
