#include "types.h"

#include <map>

namespace doppelc {

int enumSize(std::string_view u) {
  if (u == "qint8" || u == "quint8" || u == "char" || u == "uchar" || u == "signed char" || u == "unsigned char" ||
      u == "int8_t" || u == "uint8_t" || u == "std::int8_t" || u == "std::uint8_t")
    return 1;
  if (u == "qint16" || u == "quint16" || u == "short" || u == "ushort" || u == "unsigned short" || u == "int16_t" ||
      u == "uint16_t" || u == "std::int16_t" || u == "std::uint16_t")
    return 2;
  return 4;
}

std::string normalizeQtType(std::string_view type) {
  std::string out;
  for (std::size_t i = 0; i < type.size(); ++i) {
    const char c = type[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      // Keep one blank between two word characters ("unsigned int"), drop the others.
      std::size_t j = i;
      while (j < type.size() && (type[j] == ' ' || type[j] == '\t' || type[j] == '\n' || type[j] == '\r')) ++j;
      if (!out.empty() && j < type.size() && out.back() != '<' && out.back() != ',' && type[j] != '<' &&
          type[j] != '>' && type[j] != ',')
        out += ' ';
      i = j - 1;
      continue;
    }
    out += c;
  }
  if (out.compare(0, 8, "QVector<") == 0) out = "QList<" + out.substr(8);
  return out;
}

namespace {
/// Qt value types with a matching doppel value struct (doppel/value.h).
const std::map<std::string, std::string, std::less<>>& structs() {
  static const std::map<std::string, std::string, std::less<>> table = {{"QDateTime", "doppel::DateTime"},
                                                                       {"QDate", "doppel::Date"},
                                                                       {"QTime", "doppel::Time"},
                                                                       {"QUuid", "doppel::Uuid"}};
  return table;
}
}  // namespace

const RepClass* TypeMapper::findClass(std::string_view name) const {
  for (const auto& c : m_file.classes)
    if (c.name == name) return &c;
  return nullptr;
}

CppType TypeMapper::map(std::string_view type, const RepClass* scope, const RepPod* podScope) const {
  CppType t;
  t.qt = normalizeQtType(type);
  const std::string& q = t.qt;
  if (q.empty() || q == "void") {
    t.isVoid = true;
    t.cpp = "void";
    t.qt = "void";
    return t;
  }
  static const std::map<std::string, std::string, std::less<>> scalars = {
      {"bool", "bool"},           {"int", "std::int32_t"},       {"qint32", "std::int32_t"},
      {"uint", "std::uint32_t"},  {"quint32", "std::uint32_t"},  {"qint64", "std::int64_t"},
      {"qlonglong", "std::int64_t"}, {"quint64", "std::uint64_t"}, {"qulonglong", "std::uint64_t"},
      {"double", "double"},       {"qreal", "double"},           {"float", "float"},
      {"qint16", "std::int16_t"}, {"short", "std::int16_t"},     {"quint16", "std::uint16_t"},
      {"ushort", "std::uint16_t"}, {"qint8", "std::int8_t"},     {"quint8", "std::uint8_t"},
      {"uchar", "std::uint8_t"}};
  if (const auto it = scalars.find(q); it != scalars.end()) {
    t.kind = CppType::Kind::Scalar;
    t.cpp = it->second;
    return t;
  }
  if (q == "QString") {
    t.kind = CppType::Kind::String;
    t.cpp = "std::string";
    return t;
  }
  if (q == "QStringList") {
    t.kind = CppType::Kind::Vector;
    t.cpp = "std::vector<std::string>";
    return t;
  }
  if (q.compare(0, 6, "QList<") == 0 && q.back() == '>') {
    const CppType element = map(std::string_view(q).substr(6, q.size() - 7), scope, podScope);
    if (element.kind != CppType::Kind::Value && !element.isVoid) {
      t.kind = CppType::Kind::Vector;
      t.cpp = "std::vector<" + element.cpp + ">";
      t.qt = "QList<" + element.qt + ">";
      return t;
    }
    t.cpp = "doppel::Value";
    return t;
  }
  if (const auto it = structs().find(q); it != structs().end()) {
    t.kind = CppType::Kind::Struct;
    t.cpp = it->second;
    return t;
  }
  const bool isMap = q.compare(0, 5, "QMap<") == 0;
  if ((isMap || q.compare(0, 6, "QHash<") == 0) && q.back() == '>') {
    const std::size_t open = isMap ? 5 : 6;
    const std::string inner = q.substr(open, q.size() - open - 1);
    int depth = 0;
    std::size_t comma = std::string::npos;
    for (std::size_t i = 0; i < inner.size() && comma == std::string::npos; ++i) {
      if (inner[i] == '<') ++depth;
      if (inner[i] == '>') --depth;
      if (inner[i] == ',' && depth == 0) comma = i;
    }
    if (comma != std::string::npos) {
      const CppType key = map(std::string_view(inner).substr(0, comma), scope, podScope);
      const CppType value = map(std::string_view(inner).substr(comma + 1), scope, podScope);
      // std::map needs an ordered key: PODs have only ==.
      const bool keyOk = key.kind != CppType::Kind::Value && key.kind != CppType::Kind::Pod && !key.isVoid;
      if (keyOk && value.kind != CppType::Kind::Value && !value.isVoid) {
        t.kind = CppType::Kind::Map;
        t.cpp = "std::map<" + key.cpp + ", " + value.cpp + ">";
        t.qt = q.substr(0, open) + key.qt + "," + value.qt + ">";
        return t;
      }
    }
    t.cpp = "doppel::Value";
    return t;
  }
  // Enums: the name after the last "::" in the innermost scope that declares it.
  const auto colons = q.rfind("::");
  const std::string last = colons == std::string::npos ? q : q.substr(colons + 2);
  if (podScope != nullptr) {
    for (const auto& e : podScope->enums)
      if (e.name == last) {
        t.kind = CppType::Kind::Enum;
        t.cpp = podScope->name + "::" + e.name;
        t.qt = e.name;
        t.enumDef = &e;
        return t;
      }
  }
  if (scope != nullptr) {
    for (const auto& e : scope->enums)
      if (e.name == last) {
        t.kind = CppType::Kind::Enum;
        t.cpp = scope->name + "Enums::" + e.name;
        t.qt = e.name;
        t.enumDef = &e;
        return t;
      }
  }
  for (const auto& e : m_file.enums)
    if (e.name == last) {
      t.kind = CppType::Kind::Enum;
      t.cpp = e.name + "Enum::" + e.name;
      t.qt = e.name;
      t.enumDef = &e;
      return t;
    }
  // FLAGs: like enums; the flag's type is doppel::typed::Flags<its enum>, aliased by its name.
  auto flagIn = [&](const std::vector<RepFlag>& flags, const std::vector<RepEnum>& enums, const std::string& prefix) {
    for (const auto& f : flags) {
      if (f.name != last) continue;
      for (const auto& e : enums)
        if (e.name == f.enumName) {
          t.kind = CppType::Kind::Flag;
          t.cpp = prefix + f.name;
          t.qt = f.name;
          t.enumDef = &e;
          return true;
        }
    }
    return false;
  };
  if (podScope != nullptr && flagIn(podScope->flags, podScope->enums, podScope->name + "::")) return t;
  if (scope != nullptr && flagIn(scope->flags, scope->enums, scope->name + "Enums::")) return t;
  for (const auto& f : m_file.flags)
    if (f.name == last)
      for (const auto& e : m_file.enums)
        if (e.name == f.enumName && flagIn(m_file.flags, m_file.enums, e.name + "Enum::")) return t;
  for (const auto& p : m_file.pods)
    if (p.name == q) {
      t.kind = CppType::Kind::Pod;
      t.cpp = p.name;
      return t;
    }
  t.cpp = "doppel::Value";
  return t;
}

}  // namespace doppelc
