#include "wire/type_registry.h"

#include <array>

#include "wire/qtro_types.h"

namespace doppel::wire {
namespace {

// Deepest template nesting accepted in a type name ("QList<QList<...>>"); deeper names are
// unknown types. Keeps the recursive name parsing bounded for names read from the wire.
constexpr int kMaxNameDepth = 32;
// Parsed template layouts are cached while the registry holds fewer entries than this.
constexpr std::size_t kMaxCachedTypes = 4096;

constexpr std::array<TypeId, 38> kBuiltinIds = {
    TypeId::Bool,           TypeId::Int,     TypeId::UInt,         TypeId::LongLong,
    TypeId::ULongLong,      TypeId::Double,  TypeId::QChar,        TypeId::QVariantMap,
    TypeId::QVariantList,   TypeId::QString, TypeId::QStringList,  TypeId::QByteArray,
    TypeId::QBitArray,      TypeId::QDate,   TypeId::QTime,        TypeId::QDateTime,
    TypeId::QUrl,           TypeId::QLocale, TypeId::QRect,        TypeId::QRectF,
    TypeId::QSize,          TypeId::QSizeF,  TypeId::QLine,        TypeId::QLineF,
    TypeId::QPoint,         TypeId::QPointF, TypeId::QVariantHash, TypeId::QUuid,
    TypeId::Long,           TypeId::Short,   TypeId::Char,         TypeId::ULong,
    TypeId::UShort,         TypeId::UChar,   TypeId::Float,        TypeId::SChar,
    TypeId::QByteArrayList, TypeId::Nullptr,
};

struct Alias {
  std::string_view from;
  std::string_view to;
};

// Spellings of a single (non-template) type that Qt names differently in QMetaType.
constexpr Alias kLeafAliases[] = {
    {"qint8", "signed char"},
    {"quint8", "uchar"},
    {"qint16", "short"},
    {"quint16", "ushort"},
    {"qint32", "int"},
    {"quint32", "uint"},
    {"qint64", "qlonglong"},
    {"quint64", "qulonglong"},
    {"qreal", "double"},
    {"unsigned", "uint"},
    {"unsigned int", "uint"},
    {"signed", "int"},
    {"signed int", "int"},
    {"unsigned short", "ushort"},
    {"unsigned short int", "ushort"},
    {"short int", "short"},
    {"signed short", "short"},
    {"unsigned char", "uchar"},
    {"unsigned long", "ulong"},
    {"unsigned long int", "ulong"},
    {"long int", "long"},
    {"signed long", "long"},
    {"long long", "qlonglong"},
    {"long long int", "qlonglong"},
    {"unsigned long long", "qulonglong"},
    {"nullptr_t", "std::nullptr_t"},
};

// Qt 6 gives these containers builtin ids (protocol §4.2).
constexpr Alias kTemplateAliases[] = {
    {"QList<QString>", "QStringList"},           {"QList<QByteArray>", "QByteArrayList"},
    {"QList<QVariant>", "QVariantList"},         {"QMap<QString,QVariant>", "QVariantMap"},
    {"QHash<QString,QVariant>", "QVariantHash"},
};

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Drops whitespace except one space between two identifier characters ("unsigned int").
std::string squeeze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pendingSpace = false;
  for (char c : s) {
    if (isSpace(c)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && !out.empty() && isIdentChar(out.back()) && isIdentChar(c)) out += ' ';
    pendingSpace = false;
    out += c;
  }
  return out;
}

int nestingDepth(std::string_view s) {
  int depth = 0;
  int max = 0;
  for (char c : s) {
    if (c == '<') max = std::max(max, ++depth);
    if (c == '>') --depth;
  }
  return max;
}

// Splits "head<a,b<c,d>>" into head and top-level arguments. False if `s` is not one template.
bool splitTemplate(std::string_view s,
                   std::string_view& head,
                   std::vector<std::string_view>& args) {
  const auto lt = s.find('<');
  if (lt == std::string_view::npos || lt == 0 || s.back() != '>') return false;
  head = s.substr(0, lt);
  const std::string_view inner = s.substr(lt + 1, s.size() - lt - 2);
  args.clear();
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (c == '<') {
      ++depth;
    } else if (c == '>') {
      if (--depth < 0) return false;
    } else if (c == ',' && depth == 0) {
      args.push_back(inner.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return false;
  args.push_back(inner.substr(start));
  for (const auto& a : args) {
    if (trim(a).empty()) return false;
  }
  return true;
}

std::string normalizeRec(std::string_view name, int depth) {
  std::string s = squeeze(trim(name));
  // "const T&" is how a parameter of type T is spelled; Qt normalizes it to T.
  if (s.size() > 7 && s.starts_with("const ") && s.back() == '&' && s[s.size() - 2] != '&') {
    s = std::string(trim(std::string_view(s).substr(6, s.size() - 7)));
  }
  std::string_view head;
  std::vector<std::string_view> args;
  if (depth < kMaxNameDepth && splitTemplate(s, head, args)) {
    std::string out;
    out.reserve(s.size());
    if (head == "QVector") {
      out = "QList";
    } else if (head == "QPair") {
      out = "std::pair";
    } else {
      out = head;
    }
    out += '<';
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i) out += ',';
      out += normalizeRec(args[i], depth + 1);
    }
    out += '>';
    for (const auto& a : kTemplateAliases) {
      if (out == a.from) return std::string(a.to);
    }
    return out;
  }
  for (const auto& a : kLeafAliases) {
    if (s == a.from) return std::string(a.to);
  }
  return s;
}

bool isQualifiedIdentifier(std::string_view s) {
  if (s.empty()) return false;
  bool expectStart = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') {
      if (expectStart || i + 1 >= s.size() || s[i + 1] != ':') return false;
      ++i;
      expectStart = true;
      continue;
    }
    if (!isIdentChar(c)) return false;
    if (expectStart && c >= '0' && c <= '9') return false;
    expectStart = false;
  }
  return !expectStart;
}

// Names the registry defines itself; what a peer's definition declares may not replace them.
bool isReserved(std::string_view name) {
  static constexpr std::string_view kInternal[] = {
      detail::kVariantName, detail::kQroName,     detail::kQsqName,
      detail::kQasName,     "ModelIndex",         "IndexValuePair",
      "DataEntries",        "MetaAndDataEntries", "QRemoteObjectSourceLocationInfo",
      "Qt::Orientation",
  };
  for (auto n : kInternal) {
    if (n == name) return true;
  }
  return builtinTypeId(name) != TypeId::User;
}

std::string_view lastComponent(std::string_view name) {
  const auto pos = name.rfind("::");
  return pos == std::string_view::npos ? name : name.substr(pos + 2);
}

}  // namespace

TypeRegistry::TypeRegistry() {
  for (TypeId id : kBuiltinIds) {
    auto info = std::make_shared<TypeInfo>();
    info->kind = TypeInfo::Kind::Builtin;
    info->name = std::string(builtinTypeName(id));
    info->id = id;
    m_types.emplace(info->name, std::move(info));
  }
  auto addCustom = [this](std::string_view name, TypeInfo::EncodeFn enc, TypeInfo::DecodeFn dec) {
    auto info = std::make_shared<TypeInfo>();
    info->kind = TypeInfo::Kind::Custom;
    info->name = std::string(name);
    info->encode = std::move(enc);
    info->decode = std::move(dec);
    m_types[info->name] = std::move(info);
  };
  addCustom(detail::kVariantName, detail::encodeAnyVariant, detail::decodeAnyVariant);
  addCustom(detail::kQroName, detail::encodeQro, detail::decodeQro);
  addCustom(detail::kQsqName, detail::encodeRawWrapper, detail::decodeQsq);
  addCustom(detail::kQasName, detail::encodeRawWrapper, detail::decodeQas);

  auto addStruct = [this](std::string name, std::vector<Parameter> fields) {
    auto info = std::make_shared<TypeInfo>();
    info->kind = TypeInfo::Kind::Struct;
    info->name = name;
    info->fields = std::move(fields);
    m_types[std::move(name)] = std::move(info);
  };
  // Model types (protocol §9.3) and the registry's location info (§8.2).
  addStruct("ModelIndex", {{"row", "int"}, {"column", "int"}});
  addStruct("IndexValuePair", {{"index", "QList<ModelIndex>"},
                               {"data", "QVariantList"},
                               {"hasChildren", "bool"},
                               {"flags", "int"},
                               {"children", "QList<IndexValuePair>"},
                               {"size", "QSize"}});
  addStruct("DataEntries", {{"data", "QList<IndexValuePair>"}});
  addStruct("MetaAndDataEntries",
            {{"data", "QList<IndexValuePair>"}, {"roles", "QList<int>"}, {"size", "QSize"}});
  addStruct("QRemoteObjectSourceLocationInfo", {{"typeName", "QString"}, {"hostUrl", "QUrl"}});
  {
    auto info = std::make_shared<TypeInfo>();
    info->kind = TypeInfo::Kind::Enum;
    info->name = "Qt::Orientation";
    info->enumSize = 4;
    m_types[info->name] = std::move(info);
  }
  // The container names QtRO itself sends (§4.5), parsed once up front.
  for (std::string_view name :
       {"QList<int>", "QHash<int,QByteArray>", "QList<ModelIndex>", "QList<IndexValuePair>",
        "QList<Qt::Orientation>", "QHash<QString,QRemoteObjectSourceLocationInfo>",
        "std::pair<QString,QRemoteObjectSourceLocationInfo>"}) {
    find(name);
  }
}

const TypeInfo* TypeRegistry::find(std::string_view name) const {
  TypeInfo scratch;
  const TypeInfo* info = lookup(name, scratch);
  if (info != &scratch) return info;
  // Past the cache bound: find() promises a stable pointer, so keep this one anyway.
  auto owned = std::make_shared<const TypeInfo>(std::move(scratch));
  const std::string key = owned->name;
  return m_types.insert_or_assign(key, std::move(owned)).first->second.get();
}

const TypeInfo* TypeRegistry::lookup(std::string_view name, TypeInfo& scratch) const {
  if (auto it = m_types.find(name); it != m_types.end()) return it->second.get();
  if (name.empty() || nestingDepth(name) > kMaxNameDepth) return nullptr;

  const std::string normalized = normalize(name);
  if (normalized != name) {
    if (auto it = m_types.find(normalized); it != m_types.end()) {
      const TypeInfo* info = it->second.get();  // the emplace below may rehash: keep no iterator
      if (m_types.size() < kMaxCachedTypes) m_types.emplace(std::string(name), it->second);
      return info;
    }
  }

  std::string_view head;
  std::vector<std::string_view> args;
  if (splitTemplate(normalized, head, args)) {
    TypeInfo::Kind kind;
    std::size_t arity = 2;
    if (head == "QList") {
      kind = TypeInfo::Kind::List;
      arity = 1;
    } else if (head == "QMap") {
      kind = TypeInfo::Kind::Map;
    } else if (head == "QHash") {
      kind = TypeInfo::Kind::Hash;
    } else if (head == "std::pair") {
      kind = TypeInfo::Kind::Pair;
    } else {
      return nullptr;
    }
    if (args.size() != arity) return nullptr;
    TypeInfo argScratch;
    for (auto arg : args) {
      if (lookup(arg, argScratch) == nullptr) return nullptr;
    }
    TypeInfo info;
    info.kind = kind;
    info.name = normalized;
    info.args.reserve(args.size());
    for (auto arg : args) info.args.emplace_back(arg);
    if (m_types.size() + 1 < kMaxCachedTypes) {
      auto owned = std::make_shared<const TypeInfo>(std::move(info));
      if (normalized != name) m_types.emplace(std::string(name), owned);
      return m_types.emplace(normalized, std::move(owned)).first->second.get();
    }
    scratch = std::move(info);
    return &scratch;
  }

  // A property type keeps the source's class name ("LabSource::Mode", protocol §6.2); the
  // receiver maps it to its own class enum of that name.
  if (normalized.find("::") != std::string::npos && normalized.find('<') == std::string::npos) {
    if (auto it = m_types.find(lastComponent(normalized));
        it != m_types.end() && it->second->kind == TypeInfo::Kind::Enum) {
      return it->second.get();
    }
  }
  return nullptr;
}

void TypeRegistry::registerGadget(const GadgetDef& gadget) {
  if (!isQualifiedIdentifier(gadget.name) || isReserved(gadget.name)) return;
  auto info = std::make_shared<TypeInfo>();
  info->kind = TypeInfo::Kind::Gadget;
  info->name = gadget.name;
  info->fields = gadget.properties;
  m_types.insert_or_assign(gadget.name, std::move(info));
  forgetResolved();
  for (const auto& e : gadget.enums) registerEnum(gadget.name + "::" + e.name, e);
}

void TypeRegistry::registerEnum(std::string_view qualifiedName, const EnumDef& def) {
  if (!isQualifiedIdentifier(qualifiedName) || isReserved(qualifiedName)) return;
  auto info = std::make_shared<TypeInfo>();
  info->kind = TypeInfo::Kind::Enum;
  info->name = std::string(qualifiedName);
  const auto size = def.size;
  info->enumSize = (size == 1 || size == 2 || size == 8) ? static_cast<int>(size) : 4;
  std::shared_ptr<const TypeInfo> shared = std::move(info);
  const std::string_view shortName = lastComponent(qualifiedName);
  if (shortName != qualifiedName && !isReserved(shortName) && !m_types.contains(shortName)) {
    m_types.emplace(std::string(shortName), shared);
  }
  m_types.insert_or_assign(std::string(qualifiedName), std::move(shared));
  forgetResolved();
}

void TypeRegistry::registerStruct(std::string name, std::vector<Parameter> fields) {
  if (name.empty() || name == detail::kVariantName || builtinTypeId(name) != TypeId::User) return;
  auto info = std::make_shared<TypeInfo>();
  info->kind = TypeInfo::Kind::Struct;
  info->name = name;
  info->fields = std::move(fields);
  m_types.insert_or_assign(std::move(name), std::move(info));
  forgetResolved();
}

void TypeRegistry::registerCustom(std::string name,
                                  TypeInfo::EncodeFn encode,
                                  TypeInfo::DecodeFn decode) {
  if (name.empty() || name == detail::kVariantName || builtinTypeId(name) != TypeId::User) return;
  auto info = std::make_shared<TypeInfo>();
  info->kind = TypeInfo::Kind::Custom;
  info->name = name;
  info->encode = std::move(encode);
  info->decode = std::move(decode);
  m_types.insert_or_assign(std::move(name), std::move(info));
  forgetResolved();
}

void TypeRegistry::registerInterface(const ClassInterface& iface) {
  for (const auto& e : iface.enums) {
    registerEnum(iface.typeName.empty() ? e.name : iface.typeName + "::" + e.name, e);
  }
  for (const auto& q : iface.qtEnums) {
    if (!m_types.contains(q)) registerEnum(q, EnumDef{});
  }
  for (const auto& g : iface.gadgets) registerGadget(g);
}

std::string TypeRegistry::normalize(std::string_view name) {
  return normalizeRec(name, 0);
}

// A registration may replace a layout others have memoized (TypeInfo::resolved).
void TypeRegistry::forgetResolved() {
  for (auto& entry : m_types) entry.second->resolved.clear();
}

}  // namespace doppel::wire
