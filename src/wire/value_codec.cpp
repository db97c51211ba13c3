#include "wire/value_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "wire/qtro_types.h"

namespace doppel::wire {
namespace {

using Kind = TypeInfo::Kind;

constexpr std::uint32_t kUserTypeId = 65536;

// Helpers -----------------------------------------------------------------------------------

bool isNumeric(const Value& v) {
  return v.holds<bool>() || v.holds<std::int64_t>() || v.holds<std::uint64_t>() ||
         v.holds<double>() || v.holds<char16_t>();
}

/// Byte size of the integer builtins (0 for everything else).
int integerSize(TypeId id) {
  switch (id) {
    case TypeId::Char:
    case TypeId::SChar:
    case TypeId::UChar:
      return 1;
    case TypeId::Short:
    case TypeId::UShort:
      return 2;
    case TypeId::Int:
    case TypeId::UInt:
      return 4;
    case TypeId::LongLong:
    case TypeId::ULongLong:
    case TypeId::Long:
    case TypeId::ULong:
      return 8;
    default:
      return 0;
  }
}

bool isSupportedBuiltin(std::uint32_t id) {
  return id != 0 && id < kUserTypeId && !builtinTypeName(static_cast<TypeId>(id)).empty();
}

/// The fewest bytes a builtin payload can take, to bound element counts before reserving.
std::size_t minBuiltinBytes(TypeId id) {
  switch (id) {
    case TypeId::Bool:
    case TypeId::Char:
    case TypeId::SChar:
    case TypeId::UChar:
      return 1;
    case TypeId::QChar:
    case TypeId::Short:
    case TypeId::UShort:
      return 2;
    case TypeId::Int:
    case TypeId::UInt:
    case TypeId::QTime:
      return 4;
    case TypeId::LongLong:
    case TypeId::ULongLong:
    case TypeId::Long:
    case TypeId::ULong:
    case TypeId::Double:
    case TypeId::Float:
    case TypeId::QDate:
    case TypeId::QPoint:
    case TypeId::QSize:
      return 8;
    case TypeId::QDateTime:
      return 13;
    case TypeId::QRect:
    case TypeId::QLine:
    case TypeId::QPointF:
    case TypeId::QSizeF:
    case TypeId::QUuid:
      return 16;
    case TypeId::QRectF:
    case TypeId::QLineF:
      return 32;
    case TypeId::Nullptr:
    case TypeId::Invalid:
      return 0;
    default:
      return 4;  // every length- or count-prefixed type
  }
}

std::size_t minPayloadBytes(const TypeInfo& info) {
  switch (info.kind) {
    case Kind::Builtin:
      return minBuiltinBytes(info.id);
    case Kind::List:
    case Kind::Map:
    case Kind::Hash:
      return 4;
    case Kind::Gadget:
      return 5 * info.fields.size();
    case Kind::Enum:
      return static_cast<std::size_t>(info.enumSize);
    default:
      return 1;
  }
}

std::int32_t toI32(double d) {
  if (std::isnan(d)) return 0;
  if (d <= -2147483648.0) return std::numeric_limits<std::int32_t>::min();
  if (d >= 2147483647.0) return std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(d);
}

std::string printable(std::string_view s) {
  std::string out;
  constexpr std::size_t kMax = 80;
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (s.size() > kMax) out += "...";
  return out;
}

Value textValue(TypeId id, Text text) {
  return Value::fromPayload(id, std::move(text));
}

// Room for a layout built outside the registry (TypeRegistry::lookup), made only when needed.
class Scratch {
public:
  TypeInfo& get() {
    if (!m_info) m_info.emplace();
    return *m_info;
  }

private:
  std::optional<TypeInfo> m_info;
};

const TypeInfo* lookupType(const TypeRegistry& types, std::string_view name, Scratch& scratch) {
  return types.lookup(name, scratch.get());
}

std::string_view childName(const TypeInfo& parent, std::size_t i) {
  const bool fields = parent.kind == Kind::Struct || parent.kind == Kind::Gadget;
  return fields ? std::string_view(parent.fields[i].type) : std::string_view(parent.args[i]);
}

/// The layout of the i-th element, key, value or field type of `parent`, memoized in
/// parent.resolved when it lives in the registry, so a container resolves it once.
const TypeInfo* childType(const TypeRegistry& types,
                          const TypeInfo& parent,
                          std::size_t i,
                          Scratch& scratch) {
  if (i < parent.resolved.size() && parent.resolved[i] != nullptr) return parent.resolved[i];
  TypeInfo& room = scratch.get();
  const TypeInfo* info = types.lookup(childName(parent, i), room);
  if (info != nullptr && info != &room) {
    const bool fields = parent.kind == Kind::Struct || parent.kind == Kind::Gadget;
    const std::size_t n = fields ? parent.fields.size() : parent.args.size();
    if (parent.resolved.size() < n) parent.resolved.resize(n, nullptr);
    parent.resolved[i] = info;
  }
  return info;
}

/// Whether values of `info` travel wrapped (protocol §4.4): QSQ_ for a list of gadgets, QAS_
/// for a map or hash whose values are gadgets.
enum class Wrapper { None, Sequence, Associative };

Wrapper wrapperFor(const TypeRegistry& types, const TypeInfo& info) {
  Scratch scratch;
  if (info.kind == Kind::List) {
    const TypeInfo* elem = childType(types, info, 0, scratch);
    if (elem != nullptr && elem->kind == Kind::Gadget) return Wrapper::Sequence;
  } else if (info.kind == Kind::Map || info.kind == Kind::Hash) {
    const TypeInfo* value = childType(types, info, 1, scratch);
    if (value != nullptr && value->kind == Kind::Gadget) return Wrapper::Associative;
  }
  return Wrapper::None;
}

// Map key order ------------------------------------------------------------------------------

enum class KeyOrder { None, Utf16, Bytes, Signed, Unsigned, Floating };

KeyOrder keyOrderFor(const TypeInfo* key) {
  if (key == nullptr) return KeyOrder::None;
  if (key->kind == Kind::Enum) return KeyOrder::Signed;
  if (key->kind != Kind::Builtin) return KeyOrder::None;
  switch (key->id) {
    case TypeId::QString:
      return KeyOrder::Utf16;
    case TypeId::QByteArray:
      return KeyOrder::Bytes;
    case TypeId::Double:
    case TypeId::Float:
      return KeyOrder::Floating;
    case TypeId::Bool:
    case TypeId::QChar:
    case TypeId::UInt:
    case TypeId::ULongLong:
    case TypeId::ULong:
    case TypeId::UShort:
    case TypeId::UChar:
      return KeyOrder::Unsigned;
    case TypeId::Int:
    case TypeId::LongLong:
    case TypeId::Long:
    case TypeId::Short:
    case TypeId::Char:
    case TypeId::SChar:
      return KeyOrder::Signed;
    default:
      return KeyOrder::None;
  }
}

/// QString's ordering (by UTF-16 code unit, as the Writer encodes the text) of two UTF-8 strings.
bool lessUtf16(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i] && static_cast<unsigned char>(a[i]) < 0x80) {
    ++i;
  }
  if (i == a.size() || i == b.size()) return i == a.size() && i < b.size();
  const auto x = static_cast<unsigned char>(a[i]);
  const auto y = static_cast<unsigned char>(b[i]);
  if (x < 0x80 && y < 0x80) return x < y;
  // Rare: non-ASCII text, where UTF-8 byte order and UTF-16 unit order differ.
  return utf8ToUtf16(a.substr(i)) < utf8ToUtf16(b.substr(i));
}

/// a < b with NaN after every number, so sorting sees a strict weak order.
bool lessDouble(double a, double b) {
  if (std::isnan(a)) return false;
  return std::isnan(b) || a < b;
}

bool keyLess(const Value& a, const Value& b, KeyOrder order) {
  switch (order) {
    case KeyOrder::Utf16:
      return lessUtf16(a.toString(), b.toString());
    case KeyOrder::Bytes:
      return a.toString() < b.toString();
    case KeyOrder::Signed:
      return a.toInt() < b.toInt();
    case KeyOrder::Unsigned:
      return a.toUInt() < b.toUInt();
    case KeyOrder::Floating:
      return lessDouble(a.toDouble(), b.toDouble());
    case KeyOrder::None:
      return false;
  }
  return false;
}

/// Calls `f` for each entry, in ascending key order when `order` is not None (QMap's order).
template <typename F>
bool forEachEntry(const Value::Pairs& pairs, KeyOrder order, F&& f) {
  bool sorted = true;
  if (order != KeyOrder::None) {
    for (std::size_t i = 1; i < pairs.size() && sorted; ++i) {
      sorted = !keyLess(pairs[i].first, pairs[i - 1].first, order);
    }
  }
  if (sorted) {
    for (const auto& p : pairs) {
      if (!f(p)) return false;
    }
    return true;
  }
  std::vector<const std::pair<Value, Value>*> view;
  view.reserve(pairs.size());
  for (const auto& p : pairs) view.push_back(&p);
  std::stable_sort(view.begin(), view.end(), [order](const auto* x, const auto* y) {
    return keyLess(x->first, y->first, order);
  });
  for (const auto* p : view) {
    if (!f(*p)) return false;
  }
  return true;
}

// Encoding ----------------------------------------------------------------------------------

class Encoder {
public:
  explicit Encoder(const TypeRegistry& types) : m_types(types) {}

  bool variant(Writer& w, const Value& v);
  bool payload(Writer& w, const Value& v, const TypeInfo& info);
  bool builtin(Writer& w, const Value& v, TypeId id);

  Error takeError() { return std::move(m_error); }

private:
  bool fail(ErrorCode code, std::string reason) {
    m_error = Error{code, 0, std::move(reason)};
    return false;
  }
  bool wrongType(std::string_view expected, const Value& v) {
    return fail(ErrorCode::WrongType, std::string(expected) + " cannot be written from a " +
                                          (v.isValid() ? std::string(v.typeName()) : "invalid") +
                                          " value");
  }
  const TypeInfo* resolve(std::string_view name, Scratch& scratch) {
    const TypeInfo* info = lookupType(m_types, name, scratch);
    if (info == nullptr) {
      fail(ErrorCode::UnknownType, "no type named \"" + printable(name) + "\" is registered");
    }
    return info;
  }
  const TypeInfo* child(const TypeInfo& parent, std::size_t i, Scratch& scratch) {
    const TypeInfo* info = childType(m_types, parent, i, scratch);
    if (info == nullptr) {
      fail(ErrorCode::UnknownType,
           "no type named \"" + printable(childName(parent, i)) + "\" is registered");
    }
    return info;
  }
  /// Writes `v` as an integer of `size` bytes; false (and no error yet: the caller names the
  /// type, which costs a lookup only then) if it is not a number.
  bool integer(Writer& w, const Value& v, int size);
  bool enumAsVariant(Writer& w, const Value& v, int size);
  bool textList(Writer& w, const Value& v, bool strings);
  bool wrapSequence(Writer& w, const Value& v, const TypeInfo& info);
  bool wrapAssociative(Writer& w, const Value& v, const TypeInfo& info);
  bool entries(Writer& w, const Value& v, const TypeInfo& info);

  const TypeRegistry& m_types;
  Error m_error;
};

bool Encoder::integer(Writer& w, const Value& v, int size) {
  if (!isNumeric(v)) return false;
  const std::int64_t n = v.toInt();
  switch (size) {
    case 1:
      w.i8(static_cast<std::int8_t>(n));
      break;
    case 2:
      w.i16(static_cast<std::int16_t>(n));
      break;
    case 8:
      w.i64(n);
      break;
    default:
      w.i32(static_cast<std::int32_t>(n));
      break;
  }
  return true;
}

// Enums travel as the signed builtin integer of their size (protocol §4.4).
bool Encoder::enumAsVariant(Writer& w, const Value& v, int size) {
  TypeId id = TypeId::Int;
  if (size == 1) id = TypeId::SChar;
  if (size == 2) id = TypeId::Short;
  if (size == 8) id = TypeId::LongLong;
  w.u32(static_cast<std::uint32_t>(id));
  w.u8(0);
  return integer(w, v, size) || wrongType(v.typeName(), v);
}

bool Encoder::variant(Writer& w, const Value& v) {
  if (!v.isValid()) {
    w.u32(0);
    w.u8(1);
    return true;
  }
  if (v.isEnum()) return enumAsVariant(w, v, v.enumSize());
  if (!v.isUser()) {
    const TypeId id = v.typeId();
    w.u32(static_cast<std::uint32_t>(id));
    w.u8(id == TypeId::Nullptr ? 1 : 0);
    return builtin(w, v, id);
  }
  Scratch scratch;
  const TypeInfo* info = resolve(v.typeName(), scratch);
  if (info == nullptr) return false;
  switch (info->kind) {
    case Kind::Builtin:
      w.u32(static_cast<std::uint32_t>(info->id));
      w.u8(info->id == TypeId::Nullptr ? 1 : 0);
      return builtin(w, v, info->id);
    case Kind::Enum:
      return enumAsVariant(w, v, info->enumSize);
    case Kind::List:
      if (wrapperFor(m_types, *info) == Wrapper::Sequence) return wrapSequence(w, v, *info);
      break;
    case Kind::Map:
    case Kind::Hash:
      if (wrapperFor(m_types, *info) == Wrapper::Associative) return wrapAssociative(w, v, *info);
      break;
    case Kind::Custom:
      if (info->name == detail::kVariantName) {
        return fail(ErrorCode::WrongType, "a value cannot have the type QVariant itself");
      }
      break;
    default:
      break;
  }
  w.u32(kUserTypeId);
  w.u8(0);
  w.cstring(info->name);
  return payload(w, v, *info);
}

// QList<Gadget> as QRemoteObjectPackets::QSQ_ (protocol §4.4); the values blob is big-endian.
bool Encoder::wrapSequence(Writer& w, const Value& v, const TypeInfo& info) {
  const auto* items = v.get<Value::List>();
  if (items == nullptr) return wrongType(info.name, v);
  Scratch elemScratch;
  const TypeInfo* elem = child(info, 0, elemScratch);
  if (elem == nullptr) return false;
  std::string blob;
  Writer nested(blob, ByteOrder::Big);
  nested.bytes(info.args[0]);
  nested.u32(static_cast<std::uint32_t>(items->size()));
  for (const auto& item : *items) {
    if (!payload(nested, item, *elem)) return false;
  }
  w.u32(kUserTypeId);
  w.u8(0);
  w.cstring(detail::kQsqName);
  w.bytes(info.name);
  w.bytes(info.args[0]);
  w.bytes(blob);
  return true;
}

// QMap/QHash<K,Gadget> as QRemoteObjectPackets::QAS_.
bool Encoder::wrapAssociative(Writer& w, const Value& v, const TypeInfo& info) {
  if (!v.holds<Value::Pairs>()) return wrongType(info.name, v);
  std::string blob;
  Writer nested(blob, ByteOrder::Big);
  nested.bytes(info.args[0]);
  nested.bytes(info.args[1]);
  if (!entries(nested, v, info)) return false;
  w.u32(kUserTypeId);
  w.u8(0);
  w.cstring(detail::kQasName);
  w.bytes(info.name);
  w.bytes(info.args[0]);
  w.bytes(info.args[1]);
  w.bytes(blob);
  return true;
}

// u32 count + (key, value) payloads; QMap in ascending key order.
bool Encoder::entries(Writer& w, const Value& v, const TypeInfo& info) {
  const auto* pairs = v.get<Value::Pairs>();
  if (pairs == nullptr) return wrongType(info.name, v);
  Scratch keyScratch;
  Scratch valueScratch;
  const TypeInfo* key = child(info, 0, keyScratch);
  if (key == nullptr) return false;
  const TypeInfo* value = child(info, 1, valueScratch);
  if (value == nullptr) return false;
  w.u32(static_cast<std::uint32_t>(pairs->size()));
  const KeyOrder order = info.kind == Kind::Map ? keyOrderFor(key) : KeyOrder::None;
  return forEachEntry(*pairs, order, [&](const std::pair<Value, Value>& p) {
    return payload(w, p.first, *key) && payload(w, p.second, *value);
  });
}

bool Encoder::payload(Writer& w, const Value& v, const TypeInfo& info) {
  switch (info.kind) {
    case Kind::Builtin:
      return builtin(w, v, info.id);
    case Kind::Enum:
      return integer(w, v, info.enumSize) || wrongType(info.name, v);
    case Kind::List: {
      const auto* items = v.get<Value::List>();
      if (items == nullptr) return wrongType(info.name, v);
      Scratch elemScratch;
      const TypeInfo* elem = child(info, 0, elemScratch);
      if (elem == nullptr) return false;
      w.u32(static_cast<std::uint32_t>(items->size()));
      for (const auto& item : *items) {
        if (!payload(w, item, *elem)) return false;
      }
      return true;
    }
    case Kind::Map:
    case Kind::Hash:
      return entries(w, v, info);
    case Kind::Pair: {
      const auto* items = v.get<Value::List>();
      if (items == nullptr || items->size() != 2) return wrongType(info.name, v);
      Scratch firstScratch;
      Scratch secondScratch;
      const TypeInfo* first = child(info, 0, firstScratch);
      if (first == nullptr) return false;
      const TypeInfo* second = child(info, 1, secondScratch);
      if (second == nullptr) return false;
      return payload(w, (*items)[0], *first) && payload(w, (*items)[1], *second);
    }
    case Kind::Gadget:
    case Kind::Struct: {
      const auto* items = v.get<Value::List>();
      if (items == nullptr) return wrongType(info.name, v);
      if (items->size() != info.fields.size()) {
        return fail(ErrorCode::WrongType, info.name + " has " + std::to_string(info.fields.size()) +
                                              " fields, the value has " +
                                              std::to_string(items->size()));
      }
      for (std::size_t i = 0; i < items->size(); ++i) {
        if (info.kind == Kind::Gadget) {
          if (!variant(w, (*items)[i])) return false;
          continue;
        }
        Scratch fieldScratch;
        const TypeInfo* field = child(info, i, fieldScratch);
        if (field == nullptr || !payload(w, (*items)[i], *field)) return false;
      }
      return true;
    }
    case Kind::Custom: {
      if (!info.encode) return fail(ErrorCode::NotSupported, info.name + " has no encoder");
      auto r = info.encode(w, v, m_types);
      if (!r) {
        m_error = r.error();
        return false;
      }
      return true;
    }
  }
  return fail(ErrorCode::NotSupported, "unhandled type kind");
}

bool Encoder::textList(Writer& w, const Value& v, bool strings) {
  const auto* items = v.get<Value::List>();
  if (items == nullptr) return wrongType(strings ? "QStringList" : "QByteArrayList", v);
  w.u32(static_cast<std::uint32_t>(items->size()));
  for (const auto& item : *items) {
    const auto* t = item.get<Text>();
    if (t == nullptr)
      return wrongType(strings ? "QStringList element" : "QByteArrayList element", item);
    if (strings) {
      w.qstring(*t);
    } else {
      w.bytes(*t);
    }
  }
  return true;
}

bool Encoder::builtin(Writer& w, const Value& v, TypeId id) {
  switch (id) {
    case TypeId::Invalid:
    case TypeId::Nullptr:
      return true;
    case TypeId::Bool:
      if (!isNumeric(v)) return wrongType("bool", v);
      w.boolean(v.toBool());
      return true;
    case TypeId::Int:
    case TypeId::Short:
    case TypeId::Char:
    case TypeId::SChar:
    case TypeId::LongLong:
    case TypeId::Long:
      return integer(w, v, integerSize(id)) || wrongType(builtinTypeName(id), v);
    case TypeId::UInt:
      if (!isNumeric(v)) return wrongType("uint", v);
      w.u32(static_cast<std::uint32_t>(v.toUInt()));
      return true;
    case TypeId::UShort:
      if (!isNumeric(v)) return wrongType("ushort", v);
      w.u16(static_cast<std::uint16_t>(v.toUInt()));
      return true;
    case TypeId::UChar:
      if (!isNumeric(v)) return wrongType("uchar", v);
      w.u8(static_cast<std::uint8_t>(v.toUInt()));
      return true;
    case TypeId::ULongLong:
    case TypeId::ULong:
      if (!isNumeric(v)) return wrongType(builtinTypeName(id), v);
      w.u64(v.toUInt());
      return true;
    case TypeId::Double:
    case TypeId::Float:  // float travels as a double (protocol §2.3)
      if (!isNumeric(v)) return wrongType(builtinTypeName(id), v);
      w.f64(v.toDouble());
      return true;
    case TypeId::QChar:
      if (!isNumeric(v)) return wrongType("QChar", v);
      w.u16(v.toQChar());
      return true;
    case TypeId::QString:
    case TypeId::QLocale: {
      const auto* t = v.get<Text>();
      if (t == nullptr) return wrongType(builtinTypeName(id), v);
      w.qstring(*t);
      return true;
    }
    case TypeId::QByteArray: {
      const auto* t = v.get<Text>();
      if (t == nullptr) return wrongType("QByteArray", v);
      w.bytes(*t);
      return true;
    }
    case TypeId::QUrl: {
      const auto* t = v.get<Text>();
      if (t == nullptr) return wrongType("QUrl", v);
      if (t->data.empty()) {
        w.nullBytes();  // an empty URL is invalid; Qt streams it as a null QByteArray
      } else {
        w.bytes(std::string_view(t->data));
      }
      return true;
    }
    case TypeId::QStringList:
      return textList(w, v, true);
    case TypeId::QByteArrayList:
      return textList(w, v, false);
    case TypeId::QVariantList: {
      const auto* items = v.get<Value::List>();
      if (items == nullptr) return wrongType("QVariantList", v);
      w.u32(static_cast<std::uint32_t>(items->size()));
      for (const auto& item : *items) {
        if (!variant(w, item)) return false;
      }
      return true;
    }
    case TypeId::QVariantMap:
    case TypeId::QVariantHash: {
      const auto* pairs = v.get<Value::Pairs>();
      if (pairs == nullptr) return wrongType(builtinTypeName(id), v);
      w.u32(static_cast<std::uint32_t>(pairs->size()));
      const KeyOrder order = id == TypeId::QVariantMap ? KeyOrder::Utf16 : KeyOrder::None;
      return forEachEntry(*pairs, order, [&](const std::pair<Value, Value>& p) {
        const auto* key = p.first.get<Text>();
        if (key == nullptr) return wrongType("QString key", p.first);
        w.qstring(*key);
        return variant(w, p.second);
      });
    }
    case TypeId::QDate: {
      const auto* d = v.get<Date>();
      if (d == nullptr) return wrongType("QDate", v);
      w.i64(d->julianDay);
      return true;
    }
    case TypeId::QTime: {
      const auto* t = v.get<Time>();
      if (t == nullptr) return wrongType("QTime", v);
      w.u32(t->msecs);
      return true;
    }
    case TypeId::QDateTime: {
      const auto* dt = v.get<DateTime>();
      if (dt == nullptr) return wrongType("QDateTime", v);
      w.i64(dt->date.julianDay);
      w.u32(dt->time.msecs);
      w.u8(static_cast<std::uint8_t>(dt->spec));
      if (dt->spec == DateTime::Spec::OffsetFromUtc) w.i32(dt->offsetSeconds);
      if (dt->spec == DateTime::Spec::TimeZone) w.qstring(std::string_view(dt->timeZone));
      return true;
    }
    case TypeId::QUuid: {
      const auto* u = v.get<Uuid>();
      if (u == nullptr) return wrongType("QUuid", v);
      w.u32(u->data1);
      w.u16(u->data2);
      w.u16(u->data3);
      for (auto b : u->data4) w.u8(b);
      return true;
    }
    case TypeId::QBitArray: {
      const auto* b = v.get<BitArray>();
      if (b == nullptr) return wrongType("QBitArray", v);
      const std::size_t bytes = (std::size_t{b->size} + 7) / 8;
      w.u32(b->size);
      const std::string_view have = std::string_view(b->bytes).substr(0, bytes);
      w.raw(have);
      for (std::size_t i = have.size(); i < bytes; ++i) w.u8(0);
      return true;
    }
    case TypeId::QPoint:
    case TypeId::QSize: {
      const auto* g = v.get<Geometry>();
      if (g == nullptr) return wrongType(builtinTypeName(id), v);
      w.i32(toI32(g->v[0]));
      w.i32(toI32(g->v[1]));
      return true;
    }
    case TypeId::QPointF:
    case TypeId::QSizeF: {
      const auto* g = v.get<Geometry>();
      if (g == nullptr) return wrongType(builtinTypeName(id), v);
      w.f64(g->v[0]);
      w.f64(g->v[1]);
      return true;
    }
    case TypeId::QRect: {  // x,y,w,h in the Value; left,top,right,bottom on the wire
      const auto* g = v.get<Geometry>();
      if (g == nullptr) return wrongType("QRect", v);
      w.i32(toI32(g->v[0]));
      w.i32(toI32(g->v[1]));
      w.i32(toI32(g->v[0] + g->v[2] - 1));
      w.i32(toI32(g->v[1] + g->v[3] - 1));
      return true;
    }
    case TypeId::QLine: {
      const auto* g = v.get<Geometry>();
      if (g == nullptr) return wrongType("QLine", v);
      for (double d : g->v) w.i32(toI32(d));
      return true;
    }
    case TypeId::QRectF:
    case TypeId::QLineF: {
      const auto* g = v.get<Geometry>();
      if (g == nullptr) return wrongType(builtinTypeName(id), v);
      for (double d : g->v) w.f64(d);
      return true;
    }
    default:
      break;
  }
  return fail(ErrorCode::NotSupported,
              "type id " + std::to_string(static_cast<std::uint32_t>(id)) + " cannot be encoded");
}

// Decoding ----------------------------------------------------------------------------------
// The readers report errors through the Reader (sticky) and return an invalid Value then.

Value readVariant(Reader& in, const TypeRegistry& types, int depth);
Value readPayload(Reader& in, const TypeInfo& info, const TypeRegistry& types, int depth);

bool checkDepth(Reader& in, int depth) {
  if (depth <= in.limits().maxValueDepth) return true;
  in.fail(ErrorCode::LimitExceeded,
          "values nested deeper than " + std::to_string(in.limits().maxValueDepth) + " levels");
  return false;
}

const TypeInfo* resolveOrFail(Reader& in,
                              const TypeRegistry& types,
                              std::string_view name,
                              Scratch& scratch) {
  const TypeInfo* info = lookupType(types, name, scratch);
  if (info == nullptr) {
    in.fail(ErrorCode::UnknownType, "unknown type name \"" + printable(name) + "\"");
  }
  return info;
}

const TypeInfo* childOrFail(Reader& in,
                            const TypeRegistry& types,
                            const TypeInfo& parent,
                            std::size_t i,
                            Scratch& scratch) {
  const TypeInfo* info = childType(types, parent, i, scratch);
  if (info == nullptr) {
    in.fail(ErrorCode::UnknownType,
            "unknown type name \"" + printable(childName(parent, i)) + "\"");
  }
  return info;
}

Value readTextList(Reader& in, TypeId listId, TypeId elemId) {
  const std::uint32_t n = in.count(4);
  Value::List items;
  items.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    items.push_back(textValue(elemId, elemId == TypeId::QString ? in.qstring() : in.bytes()));
  }
  if (!in.ok()) return {};
  return Value::fromPayload(listId, std::move(items));
}

Value readBuiltin(Reader& in, TypeId id, const TypeRegistry& types, int depth) {
  switch (id) {
    case TypeId::Invalid:
      return {};
    case TypeId::Nullptr:
      return Value::nullptrValue();
    case TypeId::Bool:
      return Value::boolean(in.u8() != 0);
    case TypeId::Int:
      return Value::fromPayload(id, std::int64_t{in.i32()});
    case TypeId::UInt:
      return Value::fromPayload(id, std::uint64_t{in.u32()});
    case TypeId::LongLong:
    case TypeId::Long:
      return Value::fromPayload(id, in.i64());
    case TypeId::ULongLong:
    case TypeId::ULong:
      return Value::fromPayload(id, in.u64());
    case TypeId::Double:
    case TypeId::Float:
      return Value::fromPayload(id, in.f64());
    case TypeId::QChar:
      return Value::qchar(in.u16());
    case TypeId::Short:
      return Value::fromPayload(id, std::int64_t{in.i16()});
    case TypeId::UShort:
      return Value::fromPayload(id, std::uint64_t{in.u16()});
    case TypeId::Char:
    case TypeId::SChar:
      return Value::fromPayload(id, std::int64_t{in.i8()});
    case TypeId::UChar:
      return Value::fromPayload(id, std::uint64_t{in.u8()});
    case TypeId::QString:
    case TypeId::QLocale:
      return textValue(id, in.qstring());
    case TypeId::QByteArray:
      return textValue(id, in.bytes());
    case TypeId::QUrl:
      return Value::url(in.bytes().data);
    case TypeId::QStringList:
      return readTextList(in, id, TypeId::QString);
    case TypeId::QByteArrayList:
      return readTextList(in, id, TypeId::QByteArray);
    case TypeId::QVariantList: {
      const std::uint32_t n = in.count(5);
      Value::List items;
      items.reserve(n);
      for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
        items.push_back(readVariant(in, types, depth + 1));
      }
      if (!in.ok()) return {};
      return Value::list(std::move(items));
    }
    case TypeId::QVariantMap:
    case TypeId::QVariantHash: {
      const std::uint32_t n = in.count(9);
      Value::Pairs pairs;
      pairs.reserve(n);
      for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
        Value key = textValue(TypeId::QString, in.qstring());
        pairs.emplace_back(std::move(key), readVariant(in, types, depth + 1));
      }
      if (!in.ok()) return {};
      return Value::fromPayload(id, std::move(pairs));
    }
    case TypeId::QDate:
      return Value::date(Date{in.i64()});
    case TypeId::QTime:
      return Value::time(Time{in.u32()});
    case TypeId::QDateTime: {
      DateTime dt;
      dt.date.julianDay = in.i64();
      dt.time.msecs = in.u32();
      const std::uint8_t spec = in.u8();
      if (!in.ok()) return {};
      if (spec > 3) {
        in.fail(ErrorCode::Malformed,
                "QDateTime time spec " + std::to_string(spec) + " is not one of 0-3");
        return {};
      }
      dt.spec = static_cast<DateTime::Spec>(spec);
      if (dt.spec == DateTime::Spec::OffsetFromUtc) dt.offsetSeconds = in.i32();
      if (dt.spec == DateTime::Spec::TimeZone) dt.timeZone = in.qstring().data;
      if (!in.ok()) return {};
      return Value::dateTime(std::move(dt));
    }
    case TypeId::QUuid: {
      Uuid u;
      u.data1 = in.u32();
      u.data2 = in.u16();
      u.data3 = in.u16();
      const auto tail = in.raw(8);
      if (!in.ok()) return {};
      for (std::size_t i = 0; i < 8; ++i) u.data4[i] = static_cast<std::uint8_t>(tail[i]);
      return Value::uuid(u);
    }
    case TypeId::QBitArray: {
      BitArray b;
      b.size = in.u32();
      const auto bytes = in.raw((std::size_t{b.size} + 7) / 8);
      if (!in.ok()) return {};
      b.bytes = std::string(bytes);
      return Value::bitArray(std::move(b));
    }
    case TypeId::QPoint:
    case TypeId::QSize: {
      Geometry g;
      g.v[0] = in.i32();
      g.v[1] = in.i32();
      return Value::fromPayload(id, g);
    }
    case TypeId::QPointF:
    case TypeId::QSizeF: {
      Geometry g;
      g.v[0] = in.f64();
      g.v[1] = in.f64();
      return Value::fromPayload(id, g);
    }
    case TypeId::QRect: {
      const double left = in.i32();
      const double top = in.i32();
      const double right = in.i32();
      const double bottom = in.i32();
      return Value::fromPayload(id, Geometry{{left, top, right - left + 1, bottom - top + 1}});
    }
    case TypeId::QLine: {
      Geometry g;
      for (double& d : g.v) d = in.i32();
      return Value::fromPayload(id, g);
    }
    case TypeId::QRectF:
    case TypeId::QLineF: {
      Geometry g;
      for (double& d : g.v) d = in.f64();
      return Value::fromPayload(id, g);
    }
    default:
      break;
  }
  in.fail(ErrorCode::UnknownType,
          "type id " + std::to_string(static_cast<std::uint32_t>(id)) + " is not supported");
  return {};
}

Value readVariant(Reader& in, const TypeRegistry& types, int depth) {
  if (!checkDepth(in, depth)) return {};
  const std::size_t at = in.offset();
  const std::uint32_t id = in.u32();
  in.u8();  // isNull: the payload follows regardless (protocol §4.1)
  if (!in.ok()) return {};
  if (id == 0) return {};
  if (id == kUserTypeId) {
    const std::string name = in.cstring();
    if (!in.ok()) return {};
    Scratch scratch;
    const TypeInfo* info = lookupType(types, name, scratch);
    if (info == nullptr) {
      in.fail(Error{ErrorCode::UnknownType, at,
                    "unknown type name \"" + printable(name) +
                        "\": the rest of the frame cannot be decoded"});
      return {};
    }
    return readPayload(in, *info, types, depth);
  }
  if (!isSupportedBuiltin(id)) {
    in.fail(Error{ErrorCode::UnknownType, at,
                  "QVariant type id " + std::to_string(id) + " is not supported"});
    return {};
  }
  return readBuiltin(in, static_cast<TypeId>(id), types, depth);
}

Value readPayload(Reader& in, const TypeInfo& info, const TypeRegistry& types, int depth) {
  if (!checkDepth(in, depth)) return {};
  switch (info.kind) {
    case Kind::Builtin:
      return readBuiltin(in, info.id, types, depth);
    case Kind::Enum: {
      std::int64_t v = 0;
      switch (info.enumSize) {
        case 1:
          v = in.i8();
          break;
        case 2:
          v = in.i16();
          break;
        case 8:
          v = in.i64();
          break;
        default:
          v = in.i32();
          break;
      }
      if (!in.ok()) return {};
      return Value::enumValue(info.name, v, info.enumSize);
    }
    case Kind::List: {
      Scratch elemScratch;
      const TypeInfo* elem = childOrFail(in, types, info, 0, elemScratch);
      if (elem == nullptr) return {};
      const std::uint32_t n = in.count(minPayloadBytes(*elem));
      Value::List items;
      items.reserve(n);
      for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
        items.push_back(readPayload(in, *elem, types, depth + 1));
      }
      if (!in.ok()) return {};
      return Value::userList(info.name, std::move(items));
    }
    case Kind::Map:
    case Kind::Hash: {
      Scratch keyScratch;
      Scratch valueScratch;
      const TypeInfo* key = childOrFail(in, types, info, 0, keyScratch);
      if (key == nullptr) return {};
      const TypeInfo* value = childOrFail(in, types, info, 1, valueScratch);
      if (value == nullptr) return {};
      const std::uint32_t n = in.count(minPayloadBytes(*key) + minPayloadBytes(*value));
      Value::Pairs pairs;
      pairs.reserve(n);
      for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
        Value k = readPayload(in, *key, types, depth + 1);
        pairs.emplace_back(std::move(k), readPayload(in, *value, types, depth + 1));
      }
      if (!in.ok()) return {};
      return Value::userMap(info.name, std::move(pairs));
    }
    case Kind::Pair: {
      Scratch firstScratch;
      Scratch secondScratch;
      const TypeInfo* first = childOrFail(in, types, info, 0, firstScratch);
      if (first == nullptr) return {};
      const TypeInfo* second = childOrFail(in, types, info, 1, secondScratch);
      if (second == nullptr) return {};
      Value::List items;
      items.reserve(2);
      items.push_back(readPayload(in, *first, types, depth + 1));
      items.push_back(readPayload(in, *second, types, depth + 1));
      if (!in.ok()) return {};
      return Value::userList(info.name, std::move(items));
    }
    case Kind::Gadget:
    case Kind::Struct: {
      Value::List items;
      items.reserve(info.fields.size());
      for (std::size_t i = 0; i < info.fields.size(); ++i) {
        if (info.kind == Kind::Gadget) {
          items.push_back(readVariant(in, types, depth + 1));
        } else {
          Scratch fieldScratch;
          const TypeInfo* f = childOrFail(in, types, info, i, fieldScratch);
          if (f == nullptr) return {};
          items.push_back(readPayload(in, *f, types, depth + 1));
        }
        if (!in.ok()) return {};
      }
      return Value::userList(info.name, std::move(items));
    }
    case Kind::Custom: {
      if (!info.decode) {
        in.fail(ErrorCode::NotSupported, info.name + " has no decoder");
        return {};
      }
      auto r = info.decode(in, types, depth);
      if (!r) {
        in.fail(r.error());
        return {};
      }
      if (!in.ok()) return {};
      return std::move(r).value();
    }
  }
  in.fail(ErrorCode::NotSupported, "unhandled type kind");
  return {};
}

// Reads a nested big-endian blob (QSQ_/QAS_ values) that must be consumed exactly.
template <typename F>
Result<Value> readBlob(Reader& in, const Text& blob, std::size_t at, const char* what, F&& body) {
  Reader nested(blob.data, ByteOrder::Big, in.limits(), at);
  Value v = body(nested);
  if (nested.ok() && !nested.atEnd()) {
    nested.fail(ErrorCode::Malformed, std::to_string(nested.remaining()) +
                                          " trailing bytes in the " + what + " values blob");
  }
  if (!nested.ok()) return nested.takeError();
  return v;
}

// Matches types against declarations ---------------------------------------------------------

bool sameUserType(const Value& v, const TypeInfo& info, const TypeRegistry& types) {
  if (!v.isUser() || v.isEnum()) return false;
  if (v.typeName() == info.name) return true;
  TypeInfo scratch;
  const TypeInfo* vi = types.lookup(v.typeName(), scratch);
  return vi != nullptr && vi->name == info.name;
}

Value defaultFor(std::string_view typeName, const TypeRegistry& types, int depth);

Value defaultBuiltin(TypeId id) {
  switch (id) {
    case TypeId::Bool:
      return Value::boolean(false);
    case TypeId::Int:
      return Value::int32(0);
    case TypeId::UInt:
      return Value::uint32(0);
    case TypeId::LongLong:
      return Value::int64(0);
    case TypeId::ULongLong:
      return Value::uint64(0);
    case TypeId::Double:
      return Value::float64(0);
    case TypeId::QChar:
      return Value::qchar(0);
    case TypeId::QVariantMap:
      return Value::map({});
    case TypeId::QVariantList:
      return Value::list({});
    case TypeId::QString:
      return Value::string("");
    case TypeId::QStringList:
      return Value::stringList({});
    case TypeId::QByteArray:
      return Value::bytes("");
    case TypeId::QBitArray:
      return Value::bitArray({});
    case TypeId::QDate:
      return Value::date({});
    case TypeId::QTime:
      return Value::time({});
    case TypeId::QDateTime:
      return Value::dateTime({});
    case TypeId::QUrl:
      return Value::url("");
    case TypeId::QLocale:
      return Value::locale("C");
    case TypeId::QRect:
      return Value::rect(0, 0, 0, 0);
    case TypeId::QRectF:
      return Value::rectF(0, 0, 0, 0);
    case TypeId::QSize:
      return Value::size(0, 0);
    case TypeId::QSizeF:
      return Value::sizeF(0, 0);
    case TypeId::QLine:
      return Value::line(0, 0, 0, 0);
    case TypeId::QLineF:
      return Value::lineF(0, 0, 0, 0);
    case TypeId::QPoint:
      return Value::point(0, 0);
    case TypeId::QPointF:
      return Value::pointF(0, 0);
    case TypeId::QVariantHash:
      return Value::hash({});
    case TypeId::QUuid:
      return Value::uuid({});
    case TypeId::Long:
      return Value::long64(0);
    case TypeId::Short:
      return Value::int16(0);
    case TypeId::Char:
      return Value::char8(0);
    case TypeId::ULong:
      return Value::ulong64(0);
    case TypeId::UShort:
      return Value::uint16(0);
    case TypeId::UChar:
      return Value::uint8(0);
    case TypeId::Float:
      return Value::float32(0);
    case TypeId::SChar:
      return Value::int8(0);
    case TypeId::QByteArrayList:
      return Value::byteArrayList({});
    case TypeId::Nullptr:
      return Value::nullptrValue();
    default:
      return {};
  }
}

Value defaultFor(std::string_view typeName, const TypeRegistry& types, int depth) {
  constexpr int kMaxDefaultDepth = 16;  // a gadget may (wrongly) contain itself
  if (depth > kMaxDefaultDepth) return {};
  TypeInfo scratch;
  const TypeInfo* info = types.lookup(typeName, scratch);
  if (info == nullptr) return {};
  switch (info->kind) {
    case Kind::Builtin:
      return defaultBuiltin(info->id);
    case Kind::Enum:
      return Value::enumValue(TypeRegistry::normalize(typeName), 0, info->enumSize);
    case Kind::List:
      return Value::userList(info->name, {});
    case Kind::Map:
    case Kind::Hash:
      return Value::userMap(info->name, {});
    case Kind::Pair: {
      Value::List items;
      items.push_back(defaultFor(info->args[0], types, depth + 1));
      items.push_back(defaultFor(info->args[1], types, depth + 1));
      return Value::userList(info->name, std::move(items));
    }
    case Kind::Gadget:
    case Kind::Struct: {
      Value::List items;
      items.reserve(info->fields.size());
      for (const auto& f : info->fields) items.push_back(defaultFor(f.type, types, depth + 1));
      return Value::userList(info->name, std::move(items));
    }
    case Kind::Custom:
      return {};
  }
  return {};
}

}  // namespace

// Public API --------------------------------------------------------------------------------

Result<void> encodeVariant(Writer& out, const Value& value, const TypeRegistry& types) {
  Encoder enc(types);
  if (!enc.variant(out, value)) return enc.takeError();
  return {};
}

Result<Value> decodeVariant(Reader& in, const TypeRegistry& types, int depth) {
  Value v = readVariant(in, types, depth);
  if (!in.ok()) return in.error();
  return v;
}

Value decodeVariantValue(Reader& in, const TypeRegistry& types) {
  return readVariant(in, types, 0);
}

Result<void> encodePayload(Writer& out,
                           const Value& value,
                           std::string_view typeName,
                           const TypeRegistry& types) {
  TypeInfo scratch;
  const TypeInfo* info = types.lookup(typeName, scratch);
  if (info == nullptr) {
    return makeError(ErrorCode::UnknownType,
                     "no type named \"" + printable(typeName) + "\" is registered");
  }
  Encoder enc(types);
  if (!enc.payload(out, value, *info)) return enc.takeError();
  return {};
}

Result<Value> decodePayload(Reader& in,
                            std::string_view typeName,
                            const TypeRegistry& types,
                            int depth) {
  Scratch scratch;
  const TypeInfo* info = resolveOrFail(in, types, typeName, scratch);
  if (info == nullptr) return in.error();
  Value v = readPayload(in, *info, types, depth);
  if (!in.ok()) return in.error();
  return v;
}

bool matchesType(const Value& value, std::string_view declaredType, const TypeRegistry& types) {
  const std::string_view declared = declaredType;
  // The common case first: a builtin value declared by its own canonical name ("int" for an
  // int). The registry maps these names to exactly that builtin and nothing can replace them,
  // so no lookup is needed; none of them is one of the special names checked below.
  if (value.isValid() && !value.isUser() && declared == builtinTypeName(value.typeId())) {
    return true;
  }
  if (declared == detail::kVariantName) return true;
  if (declared.empty() || declared == "void") return !value.isValid();
  if (declared.starts_with("QtROSequentialContainer")) return value.isList();
  if (declared.starts_with("QtROAssociativeContainer")) return value.isPairs();
  if (declared.back() == '*') {  // QObject* / QAbstractItemModel*: a sub-object (QRO_)
    return !value.isValid() || value.typeName() == detail::kQroName;
  }
  TypeInfo scratch;
  const TypeInfo* info = types.lookup(declared, scratch);
  if (info == nullptr) {
    return value.isUser() && !value.isEnum() &&
           TypeRegistry::normalize(value.typeName()) == TypeRegistry::normalize(declared);
  }
  switch (info->kind) {
    case Kind::Builtin: {
      if (!value.isValid()) return false;
      if (!value.isUser()) return value.typeId() == info->id;
      if (value.isEnum()) {
        // An enum passes where a signed integer of its size is declared (it travels as one).
        const TypeId id = info->id;
        return integerSize(id) == value.enumSize() &&
               (id == TypeId::Int || id == TypeId::Short || id == TypeId::SChar ||
                id == TypeId::LongLong);
      }
      TypeInfo valueScratch;
      const TypeInfo* vi = types.lookup(value.typeName(), valueScratch);
      return vi != nullptr && vi->kind == Kind::Builtin && vi->id == info->id;
    }
    case Kind::Enum:
      if (value.isEnum()) return value.enumSize() == info->enumSize;
      if (!value.isUser()) return integerSize(value.typeId()) == info->enumSize;
      return sameUserType(value, *info, types);
    case Kind::Custom:
      return value.typeName() == info->name || sameUserType(value, *info, types);
    default:
      return sameUserType(value, *info, types);
  }
}

Value defaultValueFor(std::string_view typeName, const TypeRegistry& types) {
  return defaultFor(typeName, types, 0);
}

std::string_view genericContainerName(std::string_view typeName, const TypeRegistry& types) {
  TypeInfo scratch;
  const TypeInfo* info = types.lookup(typeName, scratch);
  if (info == nullptr) return {};
  switch (wrapperFor(types, *info)) {
    case Wrapper::Sequence:
      return detail::kSequentialContainerName;
    case Wrapper::Associative:
      return detail::kAssociativeContainerName;
    case Wrapper::None:
      break;
  }
  return {};
}

// QtRO's own types (qtro_types.h) ------------------------------------------------------------

namespace detail {

Result<void> encodeAnyVariant(Writer& out, const Value& value, const TypeRegistry& types) {
  return encodeVariant(out, value, types);
}

Result<Value> decodeAnyVariant(Reader& in, const TypeRegistry& types, int depth) {
  return decodeVariant(in, types, depth);  // the container already counted this level
}

namespace {
const Text* textItem(const Value::List& items, std::size_t i) {
  return i < items.size() ? items[i].get<Text>() : nullptr;
}
}  // namespace

Result<void> encodeQro(Writer& out, const Value& value, const TypeRegistry&) {
  const auto* items = value.get<Value::List>();
  const Text* name = items ? textItem(*items, 0) : nullptr;
  const Text* typeName = items ? textItem(*items, 1) : nullptr;
  const Text* definition = items ? textItem(*items, 3) : nullptr;
  if (name == nullptr || typeName == nullptr || definition == nullptr || items->size() < 5 ||
      !isNumeric((*items)[2]) || !isNumeric((*items)[4])) {
    return makeError(ErrorCode::WrongType,
                     "a QRO_ value needs [name, typeName, type, classDefinition, isNull, "
                     "parameters]");
  }
  const bool isNull = (*items)[4].toBool();
  const Text* parameters = textItem(*items, 5);
  if (!isNull && parameters == nullptr) {
    return makeError(ErrorCode::WrongType, "a non-null QRO_ value needs its parameters blob");
  }
  out.qstring(*name);
  out.qstring(*typeName);
  out.u8(static_cast<std::uint8_t>((*items)[2].toUInt()));
  out.bytes(*definition);
  out.boolean(isNull);
  if (!isNull) out.bytes(*parameters);
  return {};
}

Result<Value> decodeQro(Reader& in, const TypeRegistry&, int) {
  Value::List items;
  items.reserve(6);
  items.push_back(textValue(TypeId::QString, in.qstring()));
  items.push_back(textValue(TypeId::QString, in.qstring()));
  items.push_back(Value::uint8(in.u8()));
  items.push_back(textValue(TypeId::QByteArray, in.bytes()));
  const bool isNull = in.boolean();
  items.push_back(Value::boolean(isNull));
  // The parameters are part of the payload iff the pointer is not null (protocol §3.3).
  items.push_back(isNull ? Value::nullBytes() : textValue(TypeId::QByteArray, in.bytes()));
  if (!in.ok()) return in.error();
  return Value::userList(std::string(kQroName), std::move(items));
}

Result<void> encodeRawWrapper(Writer& out, const Value& value, const TypeRegistry&) {
  const auto* items = value.get<Value::List>();
  const std::size_t fields = value.typeName() == kQasName ? 4 : 3;
  if (items == nullptr || items->size() != fields) {
    return makeError(ErrorCode::WrongType, std::string(value.typeName()) + " needs " +
                                               std::to_string(fields) + " byte-array fields");
  }
  for (const auto& item : *items) {
    const auto* t = item.get<Text>();
    if (t == nullptr) {
      return makeError(ErrorCode::WrongType,
                       std::string(value.typeName()) + " fields must be byte arrays");
    }
    out.bytes(*t);
  }
  return {};
}

Result<Value> decodeQsq(Reader& in, const TypeRegistry& types, int depth) {
  const Text typeName = in.bytes();
  const Text valueType = in.bytes();
  const std::size_t blobAt = in.offset() + 4;
  const Text blob = in.bytes();
  if (!in.ok()) return in.error();
  Scratch scratch;
  const TypeInfo* elem = resolveOrFail(in, types, valueType.data, scratch);
  if (elem == nullptr) return in.error();
  std::string name = typeName.data.empty() ? "QList<" + valueType.data + ">" : typeName.data;
  return readBlob(in, blob, blobAt, "QSQ_", [&](Reader& r) -> Value {
    r.bytes();  // the value type name again
    const std::uint32_t n = r.count(minPayloadBytes(*elem));
    Value::List items;
    items.reserve(n);
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
      items.push_back(readPayload(r, *elem, types, depth + 1));
    }
    return Value::userList(std::move(name), std::move(items));
  });
}

Result<Value> decodeQas(Reader& in, const TypeRegistry& types, int depth) {
  const Text typeName = in.bytes();
  const Text keyType = in.bytes();
  const Text valueType = in.bytes();
  const std::size_t blobAt = in.offset() + 4;
  const Text blob = in.bytes();
  if (!in.ok()) return in.error();
  Scratch keyScratch;
  Scratch valueScratch;
  const TypeInfo* key = resolveOrFail(in, types, keyType.data, keyScratch);
  if (key == nullptr) return in.error();
  const TypeInfo* value = resolveOrFail(in, types, valueType.data, valueScratch);
  if (value == nullptr) return in.error();
  std::string name =
      typeName.data.empty() ? "QMap<" + keyType.data + "," + valueType.data + ">" : typeName.data;
  return readBlob(in, blob, blobAt, "QAS_", [&](Reader& r) -> Value {
    r.bytes();  // the key and value type names again
    r.bytes();
    const std::uint32_t n = r.count(minPayloadBytes(*key) + minPayloadBytes(*value));
    Value::Pairs pairs;
    pairs.reserve(n);
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
      Value k = readPayload(r, *key, types, depth + 1);
      pairs.emplace_back(std::move(k), readPayload(r, *value, types, depth + 1));
    }
    return Value::userMap(std::move(name), std::move(pairs));
  });
}

}  // namespace detail
}  // namespace doppel::wire
