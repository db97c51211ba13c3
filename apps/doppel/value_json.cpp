// Value -> JSON (toJson), the TypeContext, and the helpers both directions share. JSON -> Value
// (fromJson) is in value_json_read.cpp.
#include "value_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "text_formats.h"
#include "value_json_detail.h"

namespace doppel::cli {

namespace detail {

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

TemplateName splitTemplate(std::string_view name) {
  TemplateName out;
  const auto open = name.find('<');
  if (open == std::string_view::npos || name.back() != '>') {
    out.base = std::string(name);
    return out;
  }
  out.base = std::string(name.substr(0, open));
  int depth = 0;
  std::size_t start = open + 1;
  for (std::size_t i = open + 1; i + 1 < name.size(); ++i) {
    const char c = name[i];
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == ',' && depth == 0) {
      out.args.emplace_back(name.substr(start, i - start));
      start = i + 1;
    }
  }
  out.args.emplace_back(name.substr(start, name.size() - 1 - start));
  return out;
}

std::string_view lastPart(std::string_view name) {
  const auto pos = name.rfind("::");
  return pos == std::string_view::npos ? name : name.substr(pos + 2);
}

std::string describe(const Json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  std::string text = dumpJson(j);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string keyList(const EnumDef& def) {
  std::string out;
  for (const auto& [key, value] : def.keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

std::string fieldList(const GadgetDef& def) {
  std::string out;
  for (const auto& field : def.properties) {
    if (!out.empty()) out += ", ";
    out += field.name;
  }
  return out;
}

std::uint64_t enumMask(int sizeBytes) {
  return sizeBytes >= 8 || sizeBytes <= 0 ? UINT64_MAX : (std::uint64_t{1} << (8 * sizeBytes)) - 1;
}

int enumSize(const EnumDef& def) {
  return def.size == 0 ? 4 : static_cast<int>(def.size);
}

}  // namespace detail

namespace {

using namespace detail;

/// A float printed in its shortest form, as a double with that decimal value (so 0.1f is 0.1).
double floatAsShortestDouble(double v) {
  const auto f = static_cast<float>(v);
  if (!std::isfinite(f)) return v;
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, f);
  double out = v;
  std::from_chars(buf, res.ptr, out);
  return out;
}

Json doubleToJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  return v;
}

// Value -> JSON --------------------------------------------------------------------------------

class Writer {
public:
  explicit Writer(const TypeContext& types) : m_types(types) {}

  Json write(const Value& value, std::string_view declared, int depth = 0) {
    if (!value.isValid()) return nullptr;
    if (depth > kMaxDepth) return "...";
    std::string type = normalizeTypeName(declared);
    // QVariant, or a name the interface does not explain (Qt calls gadget containers
    // "QtROSequentialContainer"): the value's own type says more.
    if (type.empty() || type == "QVariant" || !isKnownType(type)) {
      type = std::string(value.typeName());
    }

    if (const EnumDef* def = m_types.findEnum(type)) {
      if (value.isSigned() || value.isUnsigned()) return enumToJson(value, *def);
    }
    if (type.rfind("QFlags<", 0) == 0 && (value.isSigned() || value.isUnsigned())) {
      const TemplateName flags = splitTemplate(type);
      if (flags.args.size() == 1) {
        if (const EnumDef* def = m_types.findEnum(flags.args[0])) {
          EnumDef asFlags = *def;
          asFlags.isFlag = true;
          return enumToJson(value, asFlags);
        }
      }
    }
    if (value.isEnum() && (value.isSigned() || value.isUnsigned())) return value.toInt();
    if (const GadgetDef* gadget = m_types.findGadget(type)) {
      if (value.isList() && value.toList().size() == gadget->properties.size())
        return gadgetToJson(value, *gadget, depth);
    }
    const TemplateName tmpl = splitTemplate(type);
    if (value.isUser() || builtinTypeId(type) == TypeId::User) {
      if (tmpl.base == "QList" && tmpl.args.size() == 1 && value.isList())
        return listToJson(value.toList(), tmpl.args[0], depth);
      if (tmpl.base == "std::pair" && tmpl.args.size() == 2 && value.isList() &&
          value.toList().size() == 2) {
        return Json::array({write(value.toList()[0], tmpl.args[0], depth + 1),
                            write(value.toList()[1], tmpl.args[1], depth + 1)});
      }
      if ((tmpl.base == "QMap" || tmpl.base == "QHash") && tmpl.args.size() == 2 &&
          value.isPairs()) {
        return pairsToJson(value.toPairs(), tmpl.args[0], tmpl.args[1], depth);
      }
    }
    return byKind(value, depth);
  }

  /// A map key as an object key, if it has a string form.
  std::optional<std::string> keyString(const Value& key, std::string_view keyType, int depth) {
    const Json j = write(key, keyType, depth + 1);
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number() || j.is_boolean()) return dumpJson(j);
    return std::nullopt;
  }

private:
  bool isKnownType(const std::string& type) const {
    if (builtinTypeId(type) != TypeId::User) return true;
    if (m_types.findEnum(type) || m_types.findGadget(type) || m_types.isQtEnum(type)) return true;
    static constexpr std::string_view kTemplates[] = {"QList", "QMap", "QHash", "QFlags",
                                                      "std::pair"};
    const std::string base = splitTemplate(type).base;
    return std::find(std::begin(kTemplates), std::end(kTemplates), base) != std::end(kTemplates);
  }

  Json enumToJson(const Value& value, const EnumDef& def) {
    const std::int64_t v = value.toInt();
    const std::uint64_t mask = enumMask(enumSize(def));
    const auto bits = static_cast<std::uint64_t>(v) & mask;
    for (const auto& [key, keyValue] : def.keys) {
      if ((static_cast<std::uint64_t>(static_cast<std::int64_t>(keyValue)) & mask) == bits)
        return key;
    }
    if (def.isFlag && bits != 0) {
      std::string names;
      std::uint64_t covered = 0;
      for (const auto& [key, keyValue] : def.keys) {
        const auto k = static_cast<std::uint64_t>(static_cast<std::int64_t>(keyValue)) & mask;
        if (k == 0 || (k & bits) != k || (k & ~covered) == 0) continue;
        covered |= k;
        if (!names.empty()) names += "|";
        names += key;
      }
      if (covered == bits) return names;
    }
    return v;
  }

  Json gadgetToJson(const Value& value, const GadgetDef& gadget, int depth) {
    Json out = Json::object();
    const auto& items = value.toList();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& field = gadget.properties[i];
      out[field.name] = write(items[i], gadgetFieldType(gadget, field.type), depth + 1);
    }
    return out;
  }

  /// Gadget field enums are named "<Gadget>::<Enum>"; a field may name them unqualified.
  std::string gadgetFieldType(const GadgetDef& gadget, const std::string& type) {
    for (const auto& e : gadget.enums) {
      if (e.name == type) return gadget.name + "::" + type;
    }
    return type;
  }

  Json listToJson(const Value::List& items, std::string_view elementType, int depth) {
    Json out = Json::array();
    for (const auto& item : items) out.push_back(write(item, elementType, depth + 1));
    return out;
  }

  Json pairsToJson(const Value::Pairs& pairs,
                   std::string_view keyType,
                   std::string_view valueType,
                   int depth) {
    Json out = Json::object();
    bool asObject = true;
    for (const auto& [key, value] : pairs) {
      auto name = keyString(key, keyType, depth);
      if (!name || out.contains(*name)) {
        asObject = false;
        break;
      }
      out[*name] = write(value, valueType, depth + 1);
    }
    if (asObject) return out;
    // Keys without a string form (or two keys with the same one): a list of [key, value].
    Json list = Json::array();
    for (const auto& [key, value] : pairs) {
      list.push_back(
          Json::array({write(key, keyType, depth + 1), write(value, valueType, depth + 1)}));
    }
    return list;
  }

  Json textToJson(const Value& value) {
    // QUrl has no null apart from empty: the empty URL is "".
    if (value.isNullText()) return value.typeId() == TypeId::QUrl ? Json("") : Json(nullptr);
    const std::string& s = value.toString();
    if (value.typeId() == TypeId::QByteArray && !isValidUtf8(s)) {
      return Json{{"base64", base64Encode(s)}};
    }
    return s;
  }

  Json byKind(const Value& value, int depth) {
    switch (value.typeId()) {
      case TypeId::Invalid:
      case TypeId::Nullptr:
        return nullptr;
      case TypeId::Bool:
        return value.toBool();
      case TypeId::Float:
        return doubleToJson(floatAsShortestDouble(value.toDouble()));
      case TypeId::Double:
        return doubleToJson(value.toDouble());
      case TypeId::QChar: {
        const char16_t c = value.toQChar();
        return utf8FromCodePoint(c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c);
      }
      case TypeId::QString:
      case TypeId::QByteArray:
      case TypeId::QUrl:
      case TypeId::QLocale:
        return textToJson(value);
      case TypeId::QStringList:
      case TypeId::QByteArrayList: {
        Json out = Json::array();
        for (const auto& item : value.toList()) out.push_back(textToJson(item));
        return out;
      }
      case TypeId::QVariantList:
        return listToJson(value.toList(), "QVariant", depth);
      case TypeId::QVariantMap:
      case TypeId::QVariantHash:
        return pairsToJson(value.toPairs(), "QString", "QVariant", depth);
      case TypeId::QDate: {
        const Date d = value.toDate();
        if (d.isNull()) return nullptr;
        return formatDate(d);
      }
      case TypeId::QTime: {
        const Time t = value.toTime();
        if (t.isNull()) return nullptr;
        return formatTime(t);
      }
      case TypeId::QDateTime: {
        const DateTime dt = value.toDateTime();
        if (dt.date.isNull()) return nullptr;
        return formatDateTime(dt);
      }
      case TypeId::QUuid:
        return formatUuid(value.toUuid());
      case TypeId::QBitArray: {
        const BitArray bits = value.toBitArray();
        std::string out;
        for (std::uint32_t i = 0; i < bits.size; ++i) {
          const auto byte =
              i / 8 < bits.bytes.size() ? static_cast<unsigned char>(bits.bytes[i / 8]) : 0u;
          out.push_back(((byte >> (i % 8)) & 1u) != 0 ? '1' : '0');
        }
        return out;
      }
      case TypeId::QPoint:
      case TypeId::QPointF:
      case TypeId::QSize:
      case TypeId::QSizeF:
      case TypeId::QRect:
      case TypeId::QRectF:
      case TypeId::QLine:
      case TypeId::QLineF:
        return geometryToJson(value);
      default:
        break;
    }
    // Integers and anything else by the payload it holds.
    if (value.isBool()) return value.toBool();
    if (value.isSigned()) return value.toInt();
    if (value.isUnsigned()) return value.toUInt();
    if (value.isDouble()) return doubleToJson(value.toDouble());
    if (value.isText()) return textToJson(value);
    if (value.isList()) return listToJson(value.toList(), "QVariant", depth);
    if (value.isPairs()) return pairsToJson(value.toPairs(), "QVariant", "QVariant", depth);
    return nullptr;
  }

  Json geometryToJson(const Value& value) {
    const Geometry g = value.toGeometry();
    const TypeId id = value.typeId();
    const bool whole =
        id == TypeId::QPoint || id == TypeId::QSize || id == TypeId::QRect || id == TypeId::QLine;
    auto num = [whole](double v) -> Json {
      if (whole) return static_cast<std::int64_t>(v);
      return doubleToJson(v);
    };
    Json out = Json::object();
    switch (id) {
      case TypeId::QPoint:
      case TypeId::QPointF:
        out["x"] = num(g.v[0]);
        out["y"] = num(g.v[1]);
        break;
      case TypeId::QSize:
      case TypeId::QSizeF:
        out["width"] = num(g.v[0]);
        out["height"] = num(g.v[1]);
        break;
      case TypeId::QRect:
      case TypeId::QRectF:
        out["x"] = num(g.v[0]);
        out["y"] = num(g.v[1]);
        out["width"] = num(g.v[2]);
        out["height"] = num(g.v[3]);
        break;
      default:
        out["x1"] = num(g.v[0]);
        out["y1"] = num(g.v[1]);
        out["x2"] = num(g.v[2]);
        out["y2"] = num(g.v[3]);
        break;
    }
    return out;
  }

  const TypeContext& m_types;
};

}  // namespace

// Public functions -------------------------------------------------------------------------------

std::string normalizeTypeName(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      // Keep one space between two words ("unsigned int"), none elsewhere.
      std::size_t next = i;
      while (next < name.size() && (name[next] == ' ' || name[next] == '\t' || name[next] == '\n'))
        ++next;
      if (!out.empty() && next < name.size() && isWordChar(out.back()) && isWordChar(name[next]))
        out.push_back(' ');
      i = next - 1;
      continue;
    }
    out.push_back(c);
  }
  // Qt 6 spells QVector as QList and QPair as std::pair.
  for (const auto& [from, to] :
       {std::pair<std::string_view, std::string_view>{"QVector<", "QList<"},
        {"QPair<", "std::pair<"}}) {
    std::size_t pos = 0;
    while ((pos = out.find(from, pos)) != std::string::npos) {
      if (pos == 0 || !isWordChar(out[pos - 1])) {
        out.replace(pos, from.size(), to);
        pos += to.size();
      } else {
        pos += from.size();
      }
    }
  }
  return out;
}

TypeContext::TypeContext(const ClassInterface& iface)
    : m_className(iface.typeName),
      m_enums(iface.enums),
      m_qtEnums(iface.qtEnums),
      m_gadgets(iface.gadgets) {}

const EnumDef* TypeContext::findEnum(std::string_view typeName) const {
  const std::string name = normalizeTypeName(typeName);
  const std::string_view last = lastPart(name);
  const bool qualified = last.size() != name.size();
  const std::string_view scope =
      qualified ? std::string_view(name).substr(0, name.size() - last.size() - 2)
                : std::string_view();
  // A gadget's own enum: "Gadget::Enum".
  if (qualified) {
    for (const auto& gadget : m_gadgets) {
      if (gadget.name != scope) continue;
      for (const auto& e : gadget.enums) {
        if (e.name == last) return &e;
      }
    }
  }
  // A class enum, however the host qualified it ("Lab::Mode", "LabSource::Mode", "Mode").
  for (const auto& e : m_enums) {
    if (e.name == last) return &e;
  }
  // A gadget enum named without its gadget, or an enum holder gadget (repc's "ModeEnum::Mode").
  for (const auto& gadget : m_gadgets) {
    for (const auto& e : gadget.enums) {
      if (e.name == last && (!qualified || gadget.name == scope || lastPart(scope) == gadget.name))
        return &e;
    }
  }
  return nullptr;
}

const GadgetDef* TypeContext::findGadget(std::string_view typeName) const {
  const std::string name = normalizeTypeName(typeName);
  for (const auto& gadget : m_gadgets) {
    if (gadget.name == name && !gadget.properties.empty()) return &gadget;
  }
  return nullptr;
}

bool TypeContext::isQtEnum(std::string_view typeName) const {
  const std::string name = normalizeTypeName(typeName);
  if (std::find(m_qtEnums.begin(), m_qtEnums.end(), name) != m_qtEnums.end()) return true;
  return name.rfind("Qt::", 0) == 0 && name.find('<') == std::string::npos;
}

Json toJson(const Value& value) {
  const TypeContext none;
  return Writer(none).write(value, {});
}

Json toJson(const Value& value, std::string_view qtTypeName, const TypeContext& types) {
  return Writer(types).write(value, qtTypeName);
}

Result<Json> parseJson(std::string_view text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
    // Keep "line 1, column 2: <reason>".
    std::string what = e.what();
    if (const auto pos = what.find("] parse error at "); pos != std::string::npos)
      what = what.substr(pos + 17);
    if (const auto syntax = what.find("syntax error while parsing "); syntax != std::string::npos) {
      if (const auto dash = what.find(" - ", syntax); dash != std::string::npos)
        what.erase(syntax, dash + 3 - syntax);
    }
    return makeError(ErrorCode::Malformed, what, e.byte);
  }
}

std::string dumpJson(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace doppel::cli
