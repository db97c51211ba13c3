// JSON -> Value (fromJson): builds exactly the declared Qt type, or says why not and where.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "text_formats.h"
#include "value_json.h"
#include "value_json_detail.h"

namespace doppel::cli {

namespace {

using namespace detail;

// Integers -------------------------------------------------------------------------------------

struct IntRange {
  std::int64_t min;
  std::uint64_t max;
};

std::optional<IntRange> integerRange(TypeId id) {
  switch (id) {
    case TypeId::Int:
      return IntRange{INT32_MIN, INT32_MAX};
    case TypeId::UInt:
      return IntRange{0, UINT32_MAX};
    case TypeId::LongLong:
    case TypeId::Long:
      return IntRange{INT64_MIN, INT64_MAX};
    case TypeId::ULongLong:
    case TypeId::ULong:
      return IntRange{0, UINT64_MAX};
    case TypeId::Short:
      return IntRange{INT16_MIN, INT16_MAX};
    case TypeId::UShort:
      return IntRange{0, UINT16_MAX};
    case TypeId::Char:
    case TypeId::SChar:
      return IntRange{INT8_MIN, INT8_MAX};
    case TypeId::UChar:
      return IntRange{0, UINT8_MAX};
    default:
      return std::nullopt;
  }
}

/// A JSON integer (or a float with no fraction), as a sign and a magnitude.
struct JsonInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;  ///< for negative numbers: the two's complement int64 in it
  std::int64_t asSigned() const { return static_cast<std::int64_t>(magnitude); }
};

std::optional<JsonInteger> jsonInteger(const Json& j) {
  if (j.is_number_unsigned()) return JsonInteger{false, j.get<std::uint64_t>()};
  if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    return JsonInteger{v < 0, static_cast<std::uint64_t>(v)};
  }
  if (j.is_number_float()) {
    const double d = j.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
    if (d < 0) {
      if (d < -9223372036854775808.0)
        return JsonInteger{true, static_cast<std::uint64_t>(INT64_MIN)};
      return JsonInteger{true, static_cast<std::uint64_t>(static_cast<std::int64_t>(d))};
    }
    if (d >= 18446744073709551616.0) return JsonInteger{false, UINT64_MAX};
    return JsonInteger{false, static_cast<std::uint64_t>(d)};
  }
  return std::nullopt;
}

bool inRange(const JsonInteger& v, const IntRange& range) {
  if (v.negative) return v.asSigned() >= range.min;
  return v.magnitude <= range.max;
}

std::string rangeText(const IntRange& range) {
  return std::to_string(range.min) + ".." + std::to_string(range.max);
}

Value makeInteger(TypeId id, const JsonInteger& v) {
  const std::int64_t s = v.asSigned();
  switch (id) {
    case TypeId::Int:
      return Value::int32(static_cast<std::int32_t>(s));
    case TypeId::UInt:
      return Value::uint32(static_cast<std::uint32_t>(v.magnitude));
    case TypeId::LongLong:
      return Value::int64(s);
    case TypeId::ULongLong:
      return Value::uint64(v.magnitude);
    case TypeId::Long:
      return Value::long64(s);
    case TypeId::ULong:
      return Value::ulong64(v.magnitude);
    case TypeId::Short:
      return Value::int16(static_cast<std::int16_t>(s));
    case TypeId::UShort:
      return Value::uint16(static_cast<std::uint16_t>(v.magnitude));
    case TypeId::Char:
      return Value::char8(static_cast<char>(s));
    case TypeId::SChar:
      return Value::int8(static_cast<std::int8_t>(s));
    case TypeId::UChar:
      return Value::uint8(static_cast<std::uint8_t>(v.magnitude));
    default:
      return Value();
  }
}

// JSON -> Value --------------------------------------------------------------------------------

class Reader {
public:
  explicit Reader(const TypeContext& types) : m_types(types) {}

  Result<Value> read(const Json& j, std::string_view declared, int depth = 0) {
    if (depth > kMaxDepth)
      return fail("values are nested deeper than " + std::to_string(kMaxDepth));
    const std::string type = normalizeTypeName(declared);
    if (type.empty()) return makeError(ErrorCode::UnknownType, "no type given");
    if (type == "QVariant") return natural(j, depth);

    const TypeId id = builtinTypeId(type);
    if (id != TypeId::User && id != TypeId::Invalid) return builtin(j, id, type, depth);

    if (const EnumDef* def = m_types.findEnum(type)) return enumeration(j, *def, type);
    if (const GadgetDef* gadget = m_types.findGadget(type)) return gadgetValue(j, *gadget, depth);

    const TemplateName tmpl = splitTemplate(type);
    if (tmpl.base == "QList" && tmpl.args.size() == 1) {
      return list(j, type, tmpl.args[0], depth);
    }
    if ((tmpl.base == "QMap" || tmpl.base == "QHash") && tmpl.args.size() == 2) {
      return mapValue(j, type, tmpl.base == "QMap", tmpl.args[0], tmpl.args[1], depth);
    }
    if (tmpl.base == "QFlags" && tmpl.args.size() == 1) {
      if (const EnumDef* def = m_types.findEnum(tmpl.args[0])) {
        EnumDef flags = *def;
        flags.isFlag = true;
        return enumeration(j, flags, type);
      }
    }
    if (tmpl.base == "std::pair" && tmpl.args.size() == 2) return pair(j, type, tmpl.args, depth);
    if (m_types.isQtEnum(type)) {
      EnumDef plain;
      plain.name = type;
      return enumeration(j, plain, type);
    }
    return makeError(ErrorCode::UnknownType, pathPrefix() + "doppel cannot make a value of type " +
                                                 type +
                                                 " (not a builtin type, and the interface "
                                                 "declares no enum or gadget of that name)");
  }

private:
  // Errors carry where in the JSON they happened: "at [2].name: ...".
  std::string pathPrefix() const {
    if (m_path.empty()) return {};
    std::string out = "at ";
    for (const auto& p : m_path) out += p;
    return out + ": ";
  }
  Error fail(const std::string& message) const {
    return makeError(ErrorCode::WrongType, pathPrefix() + message);
  }
  Error expected(const std::string& what, std::string_view type, const Json& j) const {
    return fail("expected " + what + " for " + std::string(type) + ", got " + describe(j));
  }

  struct PathSegment {
    PathSegment(std::vector<std::string>& path, std::string segment) : m_path(path) {
      m_path.push_back(std::move(segment));
    }
    ~PathSegment() { m_path.pop_back(); }
    PathSegment(const PathSegment&) = delete;
    PathSegment& operator=(const PathSegment&) = delete;

  private:
    std::vector<std::string>& m_path;
  };
  PathSegment at(std::size_t index) { return {m_path, "[" + std::to_string(index) + "]"}; }
  PathSegment at(const std::string& key) {
    const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), isWordChar);
    return {m_path, plain ? "." + key : "[" + dumpJson(Json(key)) + "]"};
  }

  Result<Value> builtin(const Json& j, TypeId id, const std::string& type, int depth) {
    if (auto range = integerRange(id)) {
      auto v = jsonInteger(j);
      if (!v) return expected("an integer", type, j);
      if (!inRange(*v, *range)) {
        return fail(dumpJson(j) + " is out of range for " + type + " (" + rangeText(*range) + ")");
      }
      return makeInteger(id, *v);
    }
    switch (id) {
      case TypeId::Bool:
        if (!j.is_boolean()) return expected("true or false", type, j);
        return Value::boolean(j.get<bool>());
      case TypeId::Double:
      case TypeId::Float: {
        auto d = number(j);
        if (!d) return expected("a number", type, j);
        if (id == TypeId::Double) return Value::float64(*d);
        if (std::isfinite(*d) && std::abs(*d) > std::numeric_limits<float>::max()) {
          return fail(dumpJson(j) + " is out of range for float (about +-3.4e38)");
        }
        return Value::float32(static_cast<float>(*d));
      }
      case TypeId::QChar: {
        if (!j.is_string()) return expected("a one-character string", type, j);
        const auto cps = codePoints(j.get_ref<const std::string&>());
        if (cps.size() != 1 || cps[0] > 0xFFFF) return expected("a one-character string", type, j);
        return Value::qchar(static_cast<char16_t>(cps[0]));
      }
      case TypeId::QString:
        if (j.is_null()) return Value::nullString();
        if (!j.is_string()) return expected("a string", type, j);
        return Value::string(j.get_ref<const std::string&>());
      case TypeId::QByteArray: {
        auto bytes = byteArray(j, type);
        if (!bytes) return bytes.error();
        return std::move(bytes).value();
      }
      case TypeId::QUrl:
        if (j.is_null()) return Value::url("");
        if (!j.is_string()) return expected("a URL string", type, j);
        return Value::url(j.get_ref<const std::string&>());
      case TypeId::QLocale:
        if (!j.is_string()) return expected("a locale name", type, j);
        return Value::locale(j.get_ref<const std::string&>());
      case TypeId::QStringList:
      case TypeId::QByteArrayList: {
        if (!j.is_array()) return expected("an array of strings", type, j);
        // Items keep Qt's null apart from empty, as in a lone QString or QByteArray.
        Value::List items;
        for (std::size_t i = 0; i < j.size(); ++i) {
          auto segment = at(i);
          auto item = id == TypeId::QStringList ? builtin(j[i], TypeId::QString, "QString", depth)
                                                : byteArray(j[i], "QByteArray");
          if (!item) return item.error();
          items.push_back(std::move(item).value());
        }
        return Value::fromPayload(id, std::move(items));
      }
      case TypeId::QVariantList: {
        if (!j.is_array()) return expected("an array", type, j);
        Value::List items;
        for (std::size_t i = 0; i < j.size(); ++i) {
          auto segment = at(i);
          auto item = natural(j[i], depth + 1);
          if (!item) return item.error();
          items.push_back(std::move(item).value());
        }
        return Value::list(std::move(items));
      }
      case TypeId::QVariantMap:
      case TypeId::QVariantHash: {
        if (!j.is_object()) return expected("an object", type, j);
        Value::Pairs entries;
        for (const auto& [key, item] : j.items()) {
          auto segment = at(key);
          auto v = natural(item, depth + 1);
          if (!v) return v.error();
          entries.emplace_back(Value::string(key), std::move(v).value());
        }
        if (id == TypeId::QVariantMap) {
          std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            return a.first.toString() < b.first.toString();
          });
          return Value::map(std::move(entries));
        }
        return Value::hash(std::move(entries));
      }
      case TypeId::QDate: {
        if (j.is_null()) return Value::date(Date{});
        if (!j.is_string()) return expected("a date \"YYYY-MM-DD\"", type, j);
        auto d = parseDate(j.get_ref<const std::string&>());
        if (!d) return expected("a date \"YYYY-MM-DD\"", type, j);
        return Value::date(*d);
      }
      case TypeId::QTime: {
        if (j.is_null()) return Value::time(Time{});
        if (!j.is_string()) return expected("a time \"HH:MM:SS.mmm\"", type, j);
        auto t = parseTime(j.get_ref<const std::string&>());
        if (!t) return expected("a time \"HH:MM:SS.mmm\"", type, j);
        return Value::time(*t);
      }
      case TypeId::QDateTime: {
        if (j.is_null()) return Value::dateTime(DateTime{});
        const std::string what = "an ISO 8601 date and time (\"2023-01-02T01:02:03.004Z\")";
        if (!j.is_string()) return expected(what, type, j);
        auto dt = parseDateTime(j.get_ref<const std::string&>());
        if (!dt) return expected(what, type, j);
        return Value::dateTime(std::move(*dt));
      }
      case TypeId::QUuid: {
        const std::string what = "a UUID \"{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}\"";
        if (!j.is_string()) return expected(what, type, j);
        auto u = parseUuid(j.get_ref<const std::string&>());
        if (!u) return expected(what, type, j);
        return Value::uuid(*u);
      }
      case TypeId::QBitArray: {
        if (!j.is_string()) return expected("a string of 0 and 1", type, j);
        BitArray bits;
        const auto& s = j.get_ref<const std::string&>();
        bits.size = static_cast<std::uint32_t>(s.size());
        bits.bytes.assign((s.size() + 7) / 8, '\0');
        for (std::size_t i = 0; i < s.size(); ++i) {
          if (s[i] != '0' && s[i] != '1') return expected("a string of 0 and 1", type, j);
          if (s[i] == '1') {
            bits.bytes[i / 8] =
                static_cast<char>(static_cast<unsigned char>(bits.bytes[i / 8]) | (1u << (i % 8)));
          }
        }
        return Value::bitArray(std::move(bits));
      }
      case TypeId::QPoint:
      case TypeId::QPointF:
      case TypeId::QSize:
      case TypeId::QSizeF:
      case TypeId::QRect:
      case TypeId::QRectF:
      case TypeId::QLine:
      case TypeId::QLineF:
        return geometry(j, id, type);
      case TypeId::Nullptr:
        if (!j.is_null()) return expected("null", type, j);
        return Value::nullptrValue();
      default:
        break;
    }
    return makeError(ErrorCode::UnknownType,
                     pathPrefix() + "doppel cannot make a value of type " + type + " from JSON");
  }

  std::optional<double> number(const Json& j) const {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (s == "Infinity") return std::numeric_limits<double>::infinity();
      if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    return std::nullopt;
  }

  Result<Value> byteArray(const Json& j, std::string_view type) const {
    if (j.is_null()) return Value::nullBytes();
    if (j.is_string()) return Value::bytes(j.get_ref<const std::string&>());
    if (j.is_object() && j.size() == 1 && j.contains("base64") && j["base64"].is_string()) {
      auto data = base64Decode(j["base64"].get_ref<const std::string&>());
      if (!data) return fail("\"base64\" of " + std::string(type) + " is not valid base64");
      return Value::bytes(*data);
    }
    return expected("a string or {\"base64\": \"...\"}", type, j);
  }

  Result<Value> geometry(const Json& j, TypeId id, const std::string& type) {
    std::array<const char*, 4> names{};
    std::size_t count = 4;
    switch (id) {
      case TypeId::QPoint:
      case TypeId::QPointF:
        names = {"x", "y", nullptr, nullptr};
        count = 2;
        break;
      case TypeId::QSize:
      case TypeId::QSizeF:
        names = {"width", "height", nullptr, nullptr};
        count = 2;
        break;
      case TypeId::QRect:
      case TypeId::QRectF:
        names = {"x", "y", "width", "height"};
        break;
      default:
        names = {"x1", "y1", "x2", "y2"};
        break;
    }
    std::string shape = "{";
    for (std::size_t i = 0; i < count; ++i) {
      shape += std::string(i > 0 ? ", " : "") + "\"" + names[i] + "\": n";
    }
    shape += "}";
    if (!j.is_object()) return expected("an object " + shape, type, j);
    for (const auto& [key, item] : j.items()) {
      bool known = false;
      for (std::size_t i = 0; i < count; ++i) known = known || key == names[i];
      if (!known) return fail(type + " has no field \"" + key + "\" (expected " + shape + ")");
    }
    const bool whole =
        id == TypeId::QPoint || id == TypeId::QSize || id == TypeId::QRect || id == TypeId::QLine;
    std::array<double, 4> v{};
    for (std::size_t i = 0; i < count; ++i) {
      if (!j.contains(names[i])) {
        return fail("missing field \"" + std::string(names[i]) + "\" of " + type + " (expected " +
                    shape + ")");
      }
      const Json& n = j[names[i]];
      auto segment = at(std::string(names[i]));
      if (whole) {
        auto iv = jsonInteger(n);
        const IntRange range{INT32_MIN, INT32_MAX};
        if (!iv) return expected("an integer", "int", n);
        if (!inRange(*iv, range)) {
          return fail(dumpJson(n) + " is out of range for int (" + rangeText(range) + ")");
        }
        v[i] = static_cast<double>(iv->asSigned());
      } else {
        auto d = number(n);
        if (!d) return expected("a number", "qreal", n);
        v[i] = *d;
      }
    }
    auto i32 = [&v](std::size_t i) { return static_cast<int>(v[i]); };
    switch (id) {
      case TypeId::QPoint:
        return Value::point(i32(0), i32(1));
      case TypeId::QPointF:
        return Value::pointF(v[0], v[1]);
      case TypeId::QSize:
        return Value::size(i32(0), i32(1));
      case TypeId::QSizeF:
        return Value::sizeF(v[0], v[1]);
      case TypeId::QRect:
        return Value::rect(i32(0), i32(1), i32(2), i32(3));
      case TypeId::QRectF:
        return Value::rectF(v[0], v[1], v[2], v[3]);
      case TypeId::QLine:
        return Value::line(i32(0), i32(1), i32(2), i32(3));
      default:
        return Value::lineF(v[0], v[1], v[2], v[3]);
    }
  }

  /// QVariant: JSON values by their own kind.
  Result<Value> natural(const Json& j, int depth) {
    if (depth > kMaxDepth)
      return fail("values are nested deeper than " + std::to_string(kMaxDepth));
    if (j.is_null()) return Value();
    if (j.is_boolean()) return Value::boolean(j.get<bool>());
    if (j.is_number_unsigned()) {
      const auto u = j.get<std::uint64_t>();
      if (u <= INT32_MAX) return Value::int32(static_cast<std::int32_t>(u));
      if (u <= INT64_MAX) return Value::int64(static_cast<std::int64_t>(u));
      return Value::uint64(u);
    }
    if (j.is_number_integer()) {
      const auto s = j.get<std::int64_t>();
      if (s >= INT32_MIN && s <= INT32_MAX) return Value::int32(static_cast<std::int32_t>(s));
      return Value::int64(s);
    }
    if (j.is_number_float()) return Value::float64(j.get<double>());
    if (j.is_string()) return Value::string(j.get_ref<const std::string&>());
    if (j.is_array()) return builtin(j, TypeId::QVariantList, "QVariantList", depth);
    return builtin(j, TypeId::QVariantMap, "QVariantMap", depth);
  }

  Result<Value> enumeration(const Json& j, const EnumDef& def, const std::string& type) {
    const int size = enumSize(def);
    const IntRange range{-(std::int64_t{1} << (8 * size - 1)),
                         (std::uint64_t{1} << (8 * size)) - 1};
    const std::string keys = def.keys.empty() ? std::string() : " (keys: " + keyList(def) + ")";
    if (j.is_string()) {
      const auto& text = j.get_ref<const std::string&>();
      std::int64_t v = 0;
      std::size_t start = 0;
      bool any = false;
      while (start <= text.size()) {
        auto end = text.find('|', start);
        if (end == std::string::npos) end = text.size();
        std::string_view name = std::string_view(text).substr(start, end - start);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        name = lastPart(name);  // "Mode::Idle" and "Idle" both name the key
        const auto it = std::find_if(def.keys.begin(), def.keys.end(),
                                     [name](const auto& k) { return k.first == name; });
        if (it == def.keys.end() || (any && !def.isFlag)) {
          return fail(dumpJson(j) + " is not a key of " + type + keys);
        }
        v |= it->second;
        any = true;
        start = end + 1;
      }
      return Value::enumValue(type, v, size);
    }
    auto iv = jsonInteger(j);
    if (!iv) return expected(def.keys.empty() ? "an integer" : "a key name or an integer", type, j);
    if (!inRange(*iv, range)) {
      return fail(dumpJson(j) + " is out of range for " + type + " (" + rangeText(range) + ")");
    }
    return Value::enumValue(type, iv->asSigned(), size);
  }

  Result<Value> gadgetValue(const Json& j, const GadgetDef& gadget, int depth) {
    if (!j.is_object())
      return expected("an object with the fields " + fieldList(gadget), gadget.name, j);
    for (const auto& entry : j.items()) {
      const std::string& key = entry.key();  // clang 14 cannot capture structured bindings
      const bool known = std::any_of(gadget.properties.begin(), gadget.properties.end(),
                                     [&key](const Parameter& p) { return p.name == key; });
      if (!known) {
        return fail(gadget.name + " has no field \"" + key + "\" (fields: " + fieldList(gadget) +
                    ")");
      }
    }
    Value::List items;
    for (const auto& field : gadget.properties) {
      if (!j.contains(field.name)) {
        return fail("missing field \"" + field.name + "\" of " + gadget.name +
                    " (fields: " + fieldList(gadget) + ")");
      }
      auto segment = at(field.name);
      std::string fieldType = field.type;
      for (const auto& e : gadget.enums) {
        if (e.name == fieldType) fieldType = gadget.name + "::" + fieldType;
      }
      auto v = read(j[field.name], fieldType, depth + 1);
      if (!v) return v.error();
      items.push_back(std::move(v).value());
    }
    return Value::userList(gadget.name, std::move(items));
  }

  Result<Value> list(const Json& j,
                     const std::string& type,
                     const std::string& element,
                     int depth) {
    if (!j.is_array()) return expected("an array", type, j);
    Value::List items;
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto segment = at(i);
      auto v = read(j[i], element, depth + 1);
      if (!v) return v.error();
      items.push_back(std::move(v).value());
    }
    return Value::userList(type, std::move(items));
  }

  Result<Value> pair(const Json& j,
                     const std::string& type,
                     const std::vector<std::string>& args,
                     int depth) {
    if (!j.is_array() || j.size() != 2) return expected("a two-element array", type, j);
    Value::List items;
    for (std::size_t i = 0; i < 2; ++i) {
      auto segment = at(i);
      auto v = read(j[i], args[i], depth + 1);
      if (!v) return v.error();
      items.push_back(std::move(v).value());
    }
    return Value::userList(type, std::move(items));
  }

  /// An object key as a value of the key type: the string itself, or what it spells in JSON
  /// ("12" for an int key, "true" for bool).
  Result<Value> mapKey(const std::string& key, const std::string& keyType, int depth) {
    // The key's own errors are reported below with the path; the inner reads get none.
    std::vector<std::string> path;
    std::swap(path, m_path);
    auto direct = read(Json(key), keyType, depth + 1);
    Result<Value> parsedKey = makeError(ErrorCode::WrongType, "");
    Json parsed = Json::parse(key, nullptr, false);
    if (!parsed.is_discarded() && !parsed.is_structured() && !parsed.is_string()) {
      parsedKey = read(parsed, keyType, depth + 1);
    }
    std::swap(path, m_path);
    if (direct || direct.error().code != ErrorCode::WrongType) return direct;
    if (parsedKey) return parsedKey;
    return fail("the key " + dumpJson(Json(key)) + " is not a " + keyType + ": " +
                direct.error().reason);
  }

  Result<Value> mapValue(const Json& j,
                         const std::string& type,
                         bool sorted,
                         const std::string& keyType,
                         const std::string& valueType,
                         int depth) {
    Value::Pairs entries;
    if (j.is_object()) {
      for (const auto& [key, item] : j.items()) {
        auto segment = at(key);
        auto k = mapKey(key, keyType, depth);
        if (!k) return k.error();
        auto v = read(item, valueType, depth + 1);
        if (!v) return v.error();
        entries.emplace_back(std::move(k).value(), std::move(v).value());
      }
    } else if (j.is_array()) {
      // [[key, value], ...] for keys that have no string form.
      for (std::size_t i = 0; i < j.size(); ++i) {
        auto segment = at(i);
        if (!j[i].is_array() || j[i].size() != 2)
          return expected("a [key, value] pair", type, j[i]);
        auto k = read(j[i][0], keyType, depth + 1);
        if (!k) return k.error();
        auto v = read(j[i][1], valueType, depth + 1);
        if (!v) return v.error();
        entries.emplace_back(std::move(k).value(), std::move(v).value());
      }
    } else {
      return expected("an object", type, j);
    }
    for (std::size_t a = 0; a < entries.size(); ++a) {
      for (std::size_t b = a + 1; b < entries.size(); ++b) {
        if (entries[a].first == entries[b].first) {
          return fail("the key " + dumpJson(toJson(entries[a].first, keyType, m_types)) +
                      " appears twice in " + type);
        }
      }
    }
    if (sorted) {
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto& x, const auto& y) { return keyLess(x.first, y.first); });
    }
    return Value::userMap(type, std::move(entries));
  }

  static bool keyLess(const Value& a, const Value& b) {
    if (a.isSigned() && b.isSigned()) return a.toInt() < b.toInt();
    if (a.isUnsigned() && b.isUnsigned()) return a.toUInt() < b.toUInt();
    if (a.isDouble() && b.isDouble()) return a.toDouble() < b.toDouble();
    if (a.isText() && b.isText()) return a.toString() < b.toString();
    if (a.isBool() && b.isBool()) return !a.toBool() && b.toBool();
    if (a.holds<Date>() && b.holds<Date>()) return a.toDate().julianDay < b.toDate().julianDay;
    if (a.holds<Time>() && b.holds<Time>()) return a.toTime().msecs < b.toTime().msecs;
    if (a.holds<char16_t>() && b.holds<char16_t>()) return a.toQChar() < b.toQChar();
    return false;
  }

  const TypeContext& m_types;
  std::vector<std::string> m_path;
};

}  // namespace

Result<Value> fromJson(const Json& json, std::string_view qtTypeName, const TypeContext& types) {
  return Reader(types).read(json, qtTypeName);
}

}  // namespace doppel::cli
