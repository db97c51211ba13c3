// The C++ generator (docs/doppelc.md "Generated API"). It reads only the parsed file and its
// signatures and emits, per class, <C>Interface (the ClassInterface with repc's index spaces),
// <C>Source, <C>SimpleSource, <C>SourceAdapter<T> and <C>Replica, built on doppel::Source and
// doppel::Replica; PODs become structs and ENUMs enum classes, with conversions in
// doppel::typed::Convert.
#include <map>
#include <set>
#include <sstream>

#include "generate.h"
#include "types.h"

namespace doppelc {

namespace {

std::string upperFirst(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* modeName(RepMode m) {
  switch (m) {
    case RepMode::Constant: return "doppel::PropertyMode::Constant";
    case RepMode::ReadOnly: return "doppel::PropertyMode::ReadOnly";
    case RepMode::ReadPush: return "doppel::PropertyMode::ReadPush";
    case RepMode::ReadWrite: return "doppel::PropertyMode::ReadWrite";
    case RepMode::SourceOnlySetter: return "doppel::PropertyMode::SourceOnlySetter";
  }
  return "";
}

/// `const T&` for class types, `T` for scalars and enums.
std::string paramType(const CppType& t) {
  const bool byValue = t.kind == CppType::Kind::Scalar || t.kind == CppType::Kind::Enum || t.kind == CppType::Kind::Flag;
  return byValue ? t.cpp : "const " + t.cpp + "&";
}

class CppGenerator {
public:
  CppGenerator(const RepFile& file, const Signatures& sigs, Side side)
      : m_file(file), m_sigs(sigs), m_side(side), m_types(file) {}

  std::string run();

private:
  void header();
  void enumDecl(const RepEnum& e, const std::string& indent, const std::string& wireName);
  void enumConvert(const RepEnum& e, const std::string& qualified, const std::string& wireName);
  /// A FLAG over `e`: the alias, E | E, and <Flag>Def() (isFlag); `inPod` for one nested in a POD.
  /// Every FLAG over one enum aliases the same Flags<E> (as Q_DECLARE_FLAGS typedefs one
  /// QFlags<E>), so E | E and the Convert specialisation come once, with the first FLAG.
  void flagDecl(const RepFlag& f, const RepEnum& e, const std::string& indent, bool inPod,
                const std::vector<RepFlag>& scopeFlags);
  void flagConvert(const RepFlag& f, const RepEnum& e, const std::string& qualified,
                   const std::vector<RepFlag>& scopeFlags);
  static std::size_t flagsOver(const std::string& enumName, const std::vector<RepFlag>& flags) {
    std::size_t n = 0;
    for (const auto& f : flags) n += f.enumName == enumName ? 1 : 0;
    return n;
  }
  static bool firstFlagOver(const RepFlag& f, const std::vector<RepFlag>& flags) {
    for (const auto& other : flags)
      if (other.enumName == f.enumName) return &other == &f;
    return false;
  }
  static const RepEnum* flagEnum(const RepFlag& f, const std::vector<RepEnum>& enums) {
    for (const auto& e : enums)
      if (e.name == f.enumName) return &e;
    return nullptr;
  }
  void pod(const RepPod& p);
  void classEnums(const RepClass& c);
  void interface(const RepClass& c);
  void source(const RepClass& c);
  void simpleSource(const RepClass& c);
  void adapter(const RepClass& c);
  void replica(const RepClass& c);
  void childAccessors(const RepClass& c);
  static bool anyPlain(const RepClass& c) {
    for (const auto& p : c.properties)
      if (p.kind == RepProperty::Kind::Plain) return true;
    return false;
  }
  void classAliases(const RepClass& c) {
    for (const auto& e : c.enums) o << "  using " << e.name << " = " << c.name << "Enums::" << e.name << ";\n";
    for (const auto& f : c.flags)
      if (flagEnum(f, c.enums)) o << "  using " << f.name << " = " << c.name << "Enums::" << f.name << ";\n";
  }

  std::string propertyQtType(const RepClass& c, const RepProperty& p) const;
  std::string defaultExpr(const CppType& t, const std::string& text) const;
  std::string params(const RepClass& c, const RepFunction& f, bool withTypes) const;
  std::string toValues(const RepClass& c, const RepFunction& f) const;
  std::string qtSignature(const RepClass& c, const RepFunction& f) const;
  bool hasChildClass(const RepProperty& p) const {
    return p.kind == RepProperty::Kind::Class && m_types.findClass(p.type) != nullptr;
  }
  bool hasModels() const {
    for (const auto& c : m_file.classes)
      for (const auto& p : c.properties)
        if (p.kind == RepProperty::Kind::Model) return true;
    return false;
  }
  /// Every class reachable through CLASS members (children, grandchildren, ...), each once.
  std::vector<const RepClass*> childClosure(const RepClass& c) const {
    std::vector<const RepClass*> out;
    std::vector<const RepClass*> todo{&c};
    while (!todo.empty()) {
      const RepClass* k = todo.back();
      todo.pop_back();
      for (const auto& p : k->properties) {
        if (!hasChildClass(p)) continue;
        const RepClass* child = m_types.findClass(p.type);
        bool seen = child == &c;
        for (const RepClass* known : out) seen = seen || known == child;
        if (seen) continue;
        out.push_back(child);
        todo.push_back(child);
      }
    }
    return out;
  }
  std::vector<int> notifyIndexes(const RepClass& c) const;
  /// The C++ name of a SIGNAL: its own, or with "Signal" appended when a property's
  /// <prop>Changed already has that name.
  static std::string signalName(const RepClass& c, const RepFunction& s) {
    for (const auto& p : c.properties)
      if (p.name + "Changed" == s.name) return s.name + "Signal";
    return s.name;
  }

  const RepFile& m_file;
  const Signatures& m_sigs;
  Side m_side;
  TypeMapper m_types;
  std::ostringstream o;
};

std::string CppGenerator::run() {
  header();
  for (const RepDecl& d : m_file.order) {
    if (d.kind == RepDecl::Kind::Enum) {
      const RepEnum& e = m_file.enums[d.index];
      o << "namespace " << e.name << "Enum {\n";
      enumDecl(e, "", e.name);
      o << "}  // namespace " << e.name << "Enum\n";
      enumConvert(e, e.name + "Enum::" + e.name, e.name);
    } else if (d.kind == RepDecl::Kind::Pod) {
      pod(m_file.pods[d.index]);
    } else if (d.kind == RepDecl::Kind::Flag) {
      const RepFlag& f = m_file.flags[d.index];
      if (const RepEnum* e = flagEnum(f, m_file.enums)) {
        o << "namespace " << e->name << "Enum {\n";
        flagDecl(f, *e, "", false, m_file.flags);
        o << "}  // namespace " << e->name << "Enum\n";
        flagConvert(f, *e, e->name + "Enum::" + f.name, m_file.flags);
      }
    }
  }
  for (const auto& c : m_file.classes) o << "class " << c.name << "Source;\nclass " << c.name << "Replica;\n";
  o << "\n";
  for (const auto& c : m_file.classes) {
    classEnums(c);
    interface(c);
    if (m_side != Side::Replica) {
      source(c);
      simpleSource(c);
      adapter(c);
    }
    if (m_side != Side::Source) replica(c);
  }
  for (const auto& c : m_file.classes) childAccessors(c);
  return o.str();
}

void CppGenerator::header() {
  o << "// Generated by doppelc from " << m_file.path << ". Do not edit.\n"
    << "// Signatures (repc's SHA-1):";
  for (const auto& c : m_sigs.classes()) o << " " << c.first << "=" << c.second;
  o << "\n#pragma once\n\n#include <chrono>\n#include <cstdint>\n#include <map>\n#include <memory>\n#include <optional>\n#include <string>\n"
    << "#include <string_view>\n#include <utility>\n#include <vector>\n\n"
    << "#include \"doppel/interface.h\"\n#include \"doppel/signal.h\"\n#include \"doppel/typed.h\"\n"
    << "#include \"doppel/value.h\"\n";
  if (m_side != Side::Replica) o << "#include \"doppel/source.h\"\n";
  if (m_side != Side::Source) o << "#include \"doppel/replica.h\"\n";
  if (hasModels() && m_side != Side::Replica) o << "#include \"doppel/model.h\"\n";
  if (hasModels() && m_side != Side::Source) o << "#include \"doppel/model_replica.h\"\n";
  o << "\n";
  // Qt headers and repc's generated headers mean nothing to doppel: kept as comments.
  for (const auto& line : m_file.preprocessor) {
    const bool qtInclude = line.find("include") != std::string::npos &&
                           (line.find("<Q") != std::string::npos || line.find("\"Q") != std::string::npos ||
                            line.find("rep_") != std::string::npos);
    o << (qtInclude ? "// (from the .rep, not needed by doppel) " : "") << line << "\n";
  }
  for (const auto& u : m_file.useEnums) o << "// USE_ENUM(" << u << ") is recorded only; its values travel as int\n";
  o << "\n";
}

void CppGenerator::enumDecl(const RepEnum& e, const std::string& indent, const std::string& wireName) {
  o << indent << "enum class " << e.name << " : std::int32_t {";
  for (std::size_t i = 0; i < e.keys.size(); ++i)
    o << (i ? ", " : " ") << e.keys[i].first << " = " << e.keys[i].second;
  o << " };\n";
  const std::string fn = indent.empty() ? "inline " : "static ";
  o << indent << fn << "std::string_view keyName(" << e.name << " v) {\n";
  for (const auto& k : e.keys)
    o << indent << "  if (v == " << e.name << "::" << k.first << ") return " << quote(k.first) << ";\n";
  o << indent << "  return {};\n" << indent << "}\n";
  o << indent << fn << "std::optional<" << e.name << "> " << e.name << "FromKey(std::string_view key) {\n";
  for (const auto& k : e.keys)
    o << indent << "  if (key == " << quote(k.first) << ") return " << e.name << "::" << k.first << ";\n";
  o << indent << "  return std::nullopt;\n" << indent << "}\n";
  o << indent << fn << "doppel::EnumDef " << e.name << "Def() {\n"
    << indent << "  return doppel::EnumDef{" << quote(wireName) << ", false, " << (e.scoped ? "true" : "false")
    << ", " << enumSize(e.underlying) << ", {";
  for (std::size_t i = 0; i < e.keys.size(); ++i)
    o << (i ? ", " : "") << "{" << quote(e.keys[i].first) << ", " << e.keys[i].second << "}";
  o << "}};\n" << indent << "}\n";
}

void CppGenerator::enumConvert(const RepEnum& e, const std::string& qualified, const std::string& wireName) {
  o << "template <>\nstruct doppel::typed::Convert<" << qualified << "> {\n"
    << "  static doppel::Value to(" << qualified << " v, std::string_view = {}) {\n"
    << "    return doppel::Value::enumValue(" << quote(wireName) << ", static_cast<std::int64_t>(v), "
    << enumSize(e.underlying) << ");\n  }\n"
    << "  static " << qualified << " from(const doppel::Value& v) { return static_cast<" << qualified
    << ">(v.toInt()); }\n};\n\n";
}

void CppGenerator::flagDecl(const RepFlag& f, const RepEnum& e, const std::string& indent, bool inPod,
                            const std::vector<RepFlag>& scopeFlags) {
  o << indent << "/// FLAG(" << f.name << " " << e.name << "): a set of " << e.name << " bits.\n"
    << indent << "using " << f.name << " = doppel::typed::Flags<" << e.name << ">;\n";
  if (firstFlagOver(f, scopeFlags))
    o << indent << (inPod ? "friend " : "") << "constexpr " << f.name << " operator|(" << e.name << " a, "
      << e.name << " b) { return " << f.name << "(a) | b; }\n";
  o << indent << (inPod ? "static " : "inline ") << "doppel::EnumDef " << f.name << "Def() {\n"
    << indent << "  return doppel::EnumDef{" << quote(f.name) << ", true, " << (e.scoped ? "true" : "false") << ", "
    << enumSize(e.underlying) << ", {";
  for (std::size_t i = 0; i < e.keys.size(); ++i)
    o << (i ? ", " : "") << "{" << quote(e.keys[i].first) << ", " << e.keys[i].second << "}";
  o << "}};\n" << indent << "}\n";
}

void CppGenerator::flagConvert(const RepFlag& f, const RepEnum& e, const std::string& qualified,
                               const std::vector<RepFlag>& scopeFlags) {
  if (!firstFlagOver(f, scopeFlags)) return;
  o << "template <>\nstruct doppel::typed::Convert<" << qualified << "> {\n";
  if (flagsOver(e.name, scopeFlags) == 1) {
    o << "  static doppel::Value to(" << qualified << " v, std::string_view = {}) {\n"
      << "    return doppel::Value::enumValue(" << quote(f.name) << ", v.toInt(), " << enumSize(e.underlying)
      << ");\n  }\n";
  } else {
    // One C++ type for several FLAGs: the value is named by the .rep type the caller passes
    // (every generated call site does), the first FLAG's name when it passes none.
    o << "  static doppel::Value to(" << qualified << " v, std::string_view qtType = {}) {\n"
      << "    return doppel::Value::enumValue(std::string(qtType.empty() ? " << quote(f.name)
      << " : qtType), v.toInt(), " << enumSize(e.underlying) << ");\n  }\n";
  }
  o << "  static " << qualified << " from(const doppel::Value& v) { return " << qualified
    << "::fromInt(v.toInt()); }\n};\n\n";
}

void CppGenerator::pod(const RepPod& p) {
  o << "/// POD " << p.name << ": travels as a gadget (one value per member, in order).\n"
    << "struct " << p.name << " {\n";
  // repc's empty member (`ENUM E {A}, E e` in the brace form) has a type of nothing: it counts in
  // the signature only (repc's own C++ for it does not compile, so no Qt peer ever carries it).
  std::vector<RepParam> fields;
  for (const auto& m : p.members)
    if (!m.type.empty()) fields.push_back(m);
  for (const auto& e : p.enums) enumDecl(e, "  ", e.name);
  for (const auto& f : p.flags)
    if (const RepEnum* e = flagEnum(f, p.enums)) flagDecl(f, *e, "  ", true, p.flags);
  for (const auto& m : fields) {
    const CppType t = m_types.map(m.type, nullptr, &p);
    o << "  " << t.cpp << " " << m.cppName() << "{};\n";
  }
  o << "  friend bool operator==(const " << p.name << "&, const " << p.name << "&) = default;\n"
    << "  static doppel::GadgetDef gadgetDef() {\n    return doppel::GadgetDef{" << quote(p.name) << ", {";
  for (std::size_t i = 0; i < fields.size(); ++i)
    o << (i ? ", " : "") << "{" << quote(fields[i].cppName()) << ", "
      << quote(m_types.map(fields[i].type, nullptr, &p).qt) << "}";
  o << "}, {";
  for (std::size_t i = 0; i < p.enums.size(); ++i) o << (i ? ", " : "") << p.enums[i].name << "Def()";
  for (const auto& f : p.flags)
    if (flagEnum(f, p.enums)) o << (p.enums.empty() ? "" : ", ") << f.name << "Def()";
  o << "}};\n  }\n};\n";
  for (const auto& e : p.enums) enumConvert(e, p.name + "::" + e.name, e.name);
  for (const auto& f : p.flags)
    if (const RepEnum* e = flagEnum(f, p.enums)) flagConvert(f, *e, p.name + "::" + f.name, p.flags);
  o << "template <>\nstruct doppel::typed::Convert<" << p.name << "> {\n"
    << "  static doppel::Value to(const " << p.name << "& v, std::string_view = {}) {\n"
    << "    return doppel::Value::userList(" << quote(p.name) << ", {";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const CppType t = m_types.map(fields[i].type, nullptr, &p);
    o << (i ? ", " : "") << "doppel::typed::toValue(v." << fields[i].cppName() << ", " << quote(t.qt) << ")";
  }
  o << "});\n  }\n  static " << p.name << " from(const doppel::Value& v) {\n    " << p.name
    << " out;\n    const auto& items = v.toList();\n";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const CppType t = m_types.map(fields[i].type, nullptr, &p);
    o << "    if (items.size() > " << i << ") out." << fields[i].cppName() << " = doppel::typed::fromValue<"
      << t.cpp << ">(items[" << i << "]);\n";
  }
  o << "    return out;\n  }\n};\n\n";
}

void CppGenerator::classEnums(const RepClass& c) {
  if (c.enums.empty()) return;
  o << "namespace " << c.name << "Enums {\n";
  for (const auto& e : c.enums) enumDecl(e, "", e.name);
  for (const auto& f : c.flags)
    if (const RepEnum* e = flagEnum(f, c.enums)) flagDecl(f, *e, "", false, c.flags);
  o << "}  // namespace " << c.name << "Enums\n";
  for (const auto& e : c.enums) enumConvert(e, c.name + "Enums::" + e.name, e.name);
  for (const auto& f : c.flags)
    if (const RepEnum* e = flagEnum(f, c.enums)) flagConvert(f, *e, c.name + "Enums::" + f.name, c.flags);
}

std::string CppGenerator::propertyQtType(const RepClass& c, const RepProperty& p) const {
  if (p.kind == RepProperty::Kind::Model) return "QAbstractItemModel*";
  if (p.kind == RepProperty::Kind::Class) return p.type + "*";
  return m_types.map(p.type, &c, nullptr).qt;
}

std::string CppGenerator::defaultExpr(const CppType& t, const std::string& text) const {
  if (text.empty()) return {};
  if (t.kind == CppType::Kind::String && text.size() >= 2 && text.front() == '"') return "std::string(" + text + ")";
  if (t.kind == CppType::Kind::Scalar) {
    const char c0 = text[0];
    const bool literal = text == "true" || text == "false" || (c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '.';
    if (literal) return "static_cast<" + t.cpp + ">(" + text + ")";
  }
  if ((t.kind == CppType::Kind::Enum || t.kind == CppType::Kind::Flag) && t.enumDef != nullptr) {
    const auto colons = text.rfind("::");
    const std::string key = colons == std::string::npos ? text : text.substr(colons + 2);
    // A flag's default is one key of its enum, declared next to the flag's alias.
    const std::string enumCpp =
        t.kind == CppType::Kind::Enum ? t.cpp : t.cpp.substr(0, t.cpp.rfind("::") + 2) + t.enumDef->name;
    for (const auto& k : t.enumDef->keys)
      if (k.first == key) return t.kind == CppType::Kind::Enum ? t.cpp + "::" + key : t.cpp + "(" + enumCpp + "::" + key + ")";
  }
  return {};
}

std::string CppGenerator::params(const RepClass& c, const RepFunction& f, bool withTypes) const {
  std::string out;
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    const std::string name = f.params[i].unnamed ? "arg" + std::to_string(i) : f.params[i].cppName();
    if (i) out += ", ";
    if (withTypes) out += paramType(m_types.map(f.params[i].type, &c, nullptr)) + " ";
    out += name;
  }
  return out;
}

std::string CppGenerator::toValues(const RepClass& c, const RepFunction& f) const {
  std::string out = "{";
  for (std::size_t i = 0; i < f.params.size(); ++i) {
    const CppType t = m_types.map(f.params[i].type, &c, nullptr);
    const std::string name = f.params[i].unnamed ? "arg" + std::to_string(i) : f.params[i].cppName();
    out += std::string(i ? ", " : "") + "doppel::typed::toValue(" + name + ", " + quote(t.qt) + ")";
  }
  return out + "}";
}

std::string CppGenerator::qtSignature(const RepClass& c, const RepFunction& f) const {
  std::string out = f.name + "(";
  for (std::size_t i = 0; i < f.params.size(); ++i) out += (i ? "," : "") + m_types.map(f.params[i].type, &c, nullptr).qt;
  return out + ")";
}

std::vector<int> CppGenerator::notifyIndexes(const RepClass& c) const {
  std::vector<int> out;
  int next = 0;
  for (const auto& p : c.properties) out.push_back(p.mode == RepMode::Constant ? -1 : next++);
  return out;
}

void CppGenerator::interface(const RepClass& c) {
  o << "/// The interface of " << c.name << " with repc's index spaces and signature.\n"
    << "struct " << c.name << "Interface {\n  static constexpr const char* typeName = " << quote(c.name)
    << ";\n  static constexpr const char* signature = " << quote(m_sigs.classSignature(c.name)) << ";\n"
    << "  static const doppel::ClassInterface& get() {\n"
    << "    static const doppel::ClassInterface iface = [] {\n"
    << "      doppel::InterfaceBuilder b(" << quote(c.name) << ");\n      b.signature(signature);\n";
  for (const auto& e : c.enums) o << "      b.enumeration(" << c.name << "Enums::" << e.name << "Def());\n";
  for (const auto& f : c.flags)
    if (flagEnum(f, c.enums)) o << "      b.enumeration(" << c.name << "Enums::" << f.name << "Def());\n";
  for (const auto& e : m_file.enums) o << "      b.enumeration(" << e.name << "Enum::" << e.name << "Def());\n";
  for (const auto& f : m_file.flags)
    if (const RepEnum* e = flagEnum(f, m_file.enums))
      o << "      b.enumeration(" << e->name << "Enum::" << f.name << "Def());\n";
  for (const auto& p : m_file.pods) o << "      b.gadget(" << p.name << "::gadgetDef());\n";
  for (const auto& p : c.properties) {
    const std::string qt = propertyQtType(c, p);
    std::string def;
    if (p.kind == RepProperty::Kind::Plain) {
      const CppType t = m_types.map(p.type, &c, nullptr);
      const std::string expr = defaultExpr(t, p.defaultValue);
      if (!expr.empty()) def = ", doppel::typed::toValue(" + t.cpp + "(" + expr + "), " + quote(t.qt) + ")";
    }
    o << "      b.property(" << quote(p.name) << ", " << quote(qt) << ", " << modeName(p.mode)
      << (def.empty() ? "" : def) << ");\n";
    if (p.persisted) o << "      b.persisted();\n";
  }
  auto paramList = [&](const RepFunction& f) {
    std::string out = "{";
    for (std::size_t i = 0; i < f.params.size(); ++i)
      out += std::string(i ? ", " : "") + "{" + quote(f.params[i].cppName()) + ", " +
             quote(m_types.map(f.params[i].type, &c, nullptr).qt) + "}";
    return out + "}";
  };
  for (const auto& s : c.signalDefs) o << "      b.signal(" << quote(s.name) << ", " << paramList(s) << ");\n";
  for (const auto& s : c.slots)
    o << "      b.slot(" << quote(s.name) << ", " << paramList(s) << ", "
      << quote(m_types.map(s.returnType, &c, nullptr).qt) << ");\n";
  o << "      return b.build();\n    }();\n    return iface;\n  }\n};\n\n";
}

void CppGenerator::source(const RepClass& c) {
  const auto notify = notifyIndexes(c);
  o << "/// The source side of " << c.name << ": getters, setters and slots to implement; "
    << "publish<Prop>(v) publishes a value, the SIGNAL methods emit,\n"
    << "/// <prop>Changed fires after every change (setters, replica writes and pushes).\n"
    << "class " << c.name << "Source : public doppel::Source {\npublic:\n";
  classAliases(c);
  o << "  explicit " << c.name << "Source(doppel::ClassInterface iface = " << c.name
    << "Interface::get())\n      : doppel::Source(std::move(iface)) {\n    installHandlers();\n    installChangeSignals();\n  }\n\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "  virtual " << t.cpp << " " << p.name << "() const = 0;\n"
      << "  virtual void set" << upperFirst(p.name) << "(" << paramType(t) << " doppelValue) = 0;\n";
  }
  for (const auto& s : c.slots) {
    const CppType r = m_types.map(s.returnType, &c, nullptr);
    o << "  virtual " << (r.isVoid ? "void" : r.cpp) << " " << s.name << "(" << params(c, s, true) << ") = 0;\n";
  }
  o << "\n  /// Publishes a property's value to the replicas (its NOTIFY when it changed).\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "  void publish" << upperFirst(p.name) << "(" << paramType(t) << " doppelValue) {\n    (void)setProperty(" << i
      << ", doppel::typed::toValue(doppelValue, " << quote(t.qt) << "));\n  }\n";
  }
  for (const auto& s : c.signalDefs)
    o << "  void " << signalName(c, s) << "(" << params(c, s, true) << ") {\n    (void)emitSignal("
      << quote(qtSignature(c, s)) << ", " << toValues(c, s) << ");\n  }\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (!hasChildClass(p)) continue;
    o << "  /// CLASS " << p.name << ": the child source (not owned), or null.\n"
      << "  " << p.type << "Source* " << p.name << "() const;\n"
      << "  doppel::Result<void> set" << upperFirst(p.name) << "(" << p.type << "Source* child);\n";
  }
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind != RepProperty::Kind::Model) continue;
    std::string roles;
    for (std::size_t r = 0; r < p.roles.size(); ++r) roles += (r ? ", " : "") + quote(p.roles[r]);
    o << "  /// MODEL " << p.name << ": the model remoted as this child (not owned), or null.\n"
      << "  doppel::ItemModel* " << p.name << "() const { return m_" << p.name
      << "Model ? &m_" << p.name << "Model->model() : nullptr; }\n"
      << "  /// Remotes `model` (kept alive by the caller) with the roles the .rep names, looked up in\n"
      << "  /// its roleNames() as Qt's source does; null removes it.\n"
      << "  doppel::Result<void> set" << upperFirst(p.name) << "(doppel::ItemModel* model) {\n"
      << "    std::unique_ptr<doppel::ModelAdapter> adapter;\n"
      << "    if (model != nullptr)\n      adapter = std::make_unique<doppel::ModelAdapter>(*model, doppel::typed::roleIds(model->roleNames(), {"
      << roles << "}));\n"
      << "    if (auto r = doppel::Source::setChild(" << i << ", adapter.get()); !r) return r;\n"
      << "    m_" << p.name << "Model = std::move(adapter);\n    return {};\n  }\n";
  }
  o << "  /// Re-reads every getter and publishes the values (for sources with their own storage).\n"
    << "  void publishAll() {\n";
  for (const auto& p : c.properties)
    if (p.kind == RepProperty::Kind::Plain) o << "    publish" << upperFirst(p.name) << "(" << p.name << "());\n";
  o << "  }\n\n";
  for (const auto& p : c.properties) {
    if (p.kind != RepProperty::Kind::Plain) continue;
    o << "  doppel::Signal<" << m_types.map(p.type, &c, nullptr).cpp << "> " << p.name << "Changed;\n";
  }
  o << "\nprivate:\n  void installChangeSignals() {\n";
  if (anyPlain(c)) {
    o << "    m_changeSignals = propertyChanged.connect([this](int index, const doppel::Value& v) {\n      switch (index) {\n";
    for (std::size_t i = 0; i < c.properties.size(); ++i) {
      const auto& p = c.properties[i];
      if (p.kind != RepProperty::Kind::Plain) continue;
      o << "        case " << i << ":\n          " << p.name << "Changed.emit(doppel::typed::fromValue<"
        << m_types.map(p.type, &c, nullptr).cpp << ">(v));\n          break;\n";
    }
    o << "        default:\n          (void)v;\n          break;\n      }\n    });\n";
  }
  o << "  }\n  void installHandlers() {\n";
  int method = 0;
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.mode != RepMode::ReadPush) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "    (void)onCall(" << quote("push" + upperFirst(p.name) + "(" + t.qt + ")")
      << ", [this](const std::vector<doppel::Value>& a) {\n      set" << upperFirst(p.name)
      << "(doppel::typed::fromValue<" << t.cpp << ">(a.at(0)));\n      return doppel::Value();\n    });\n";
    ++method;
  }
  for (const auto& s : c.slots) {
    const CppType r = m_types.map(s.returnType, &c, nullptr);
    o << "    (void)onCall(" << quote(qtSignature(c, s)) << ", [this](const std::vector<doppel::Value>& a) {\n";
    std::string args;
    for (std::size_t i = 0; i < s.params.size(); ++i)
      args += std::string(i ? ", " : "") + "doppel::typed::fromValue<" + m_types.map(s.params[i].type, &c, nullptr).cpp +
              ">(a.at(" + std::to_string(i) + "))";
    if (s.params.empty()) o << "      (void)a;\n";
    if (r.isVoid)
      o << "      " << s.name << "(" << args << ");\n      return doppel::Value();\n";
    else
      o << "      return doppel::typed::toValue(" << s.name << "(" << args << "), " << quote(r.qt) << ");\n";
    o << "    });\n";
    ++method;
  }
  // Clang rejects an unused `this` capture: only capture it when some case uses it.
  bool anyWritable = false;
  for (const auto& p : c.properties) anyWritable = anyWritable || (p.mode == RepMode::ReadWrite && p.kind == RepProperty::Kind::Plain);
  o << "    onWrite([" << (anyWritable ? "this" : "") << "](int index, const doppel::Value& v) {\n      switch (index) {\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.mode != RepMode::ReadWrite || p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "        case " << i << ":\n          set" << upperFirst(p.name) << "(doppel::typed::fromValue<" << t.cpp
      << ">(v));\n          return true;\n";
  }
  o << "        default:\n          (void)v;\n          return false;\n      }\n    });\n  }\n\n"
    << "  doppel::ScopedConnection m_changeSignals;\n";
  // Declared last: destroyed first, while the signals they may trigger still exist.
  for (const auto& p : c.properties)
    if (p.kind == RepProperty::Kind::Model) o << "  std::unique_ptr<doppel::ModelAdapter> m_" << p.name << "Model;\n";
  o << "};\n\n";
  (void)notify;
}

void CppGenerator::simpleSource(const RepClass& c) {
  o << "/// " << c.name << "Source with storage: starts at the .rep defaults, setters notify on change.\n"
    << "/// Slots stay to be implemented.\n"
    << "class " << c.name << "SimpleSource : public " << c.name << "Source {\npublic:\n"
    << "  using " << c.name << "Source::" << c.name << "Source;\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "  " << t.cpp << " " << p.name << "() const override { return doppel::typed::fromValue<" << t.cpp
      << ">(property(" << i << ")); }\n"
      << "  void set" << upperFirst(p.name) << "(" << paramType(t) << " doppelValue) override { publish"
      << upperFirst(p.name) << "(doppelValue); }\n";
  }
  o << "};\n\n";
}

void CppGenerator::adapter(const RepClass& c) {
  o << "/// Remotes an existing object through its own getters, setters and slots (repc's SourceAPI):\n"
    << "/// Object needs the getters and slots of " << c.name
    << " (setters where it has them). Call publish<Prop>(v) or publishAll() when it changes.\n"
    << "template <class Object>\nclass " << c.name << "SourceAdapter : public " << c.name << "Source {\npublic:\n"
    << "  explicit " << c.name << "SourceAdapter(Object& object) : m_object(object) { this->publishAll(); }\n"
    << "  Object& object() { return m_object; }\n";
  for (const auto& p : c.properties) {
    if (p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    const std::string setter = "set" + upperFirst(p.name);
    o << "  " << t.cpp << " " << p.name << "() const override { return static_cast<" << t.cpp << ">(m_object."
      << p.name << "()); }\n"
      << "  void " << setter << "(" << paramType(t) << " doppelValue) override {\n"
      << "    if constexpr (requires { m_object." << setter << "(doppelValue); }) m_object." << setter << "(doppelValue);\n"
      << "    this->publish" << upperFirst(p.name) << "(" << p.name << "());\n  }\n";
  }
  for (const auto& s : c.slots) {
    const CppType r = m_types.map(s.returnType, &c, nullptr);
    o << "  " << (r.isVoid ? "void" : r.cpp) << " " << s.name << "(" << params(c, s, true) << ") override {\n    "
      << (r.isVoid ? "" : "return ") << "m_object." << s.name << "(" << params(c, s, false) << ");\n  }\n";
  }
  o << "\nprivate:\n  Object& m_object;\n};\n\n";
}

void CppGenerator::replica(const RepClass& c) {
  const auto notify = notifyIndexes(c);
  int notifyCount = 0;
  for (int n : notify) notifyCount += n >= 0 ? 1 : 0;
  o << "/// The replica side of " << c.name << ": cached getters, setters for READWRITE, push and\n"
    << "/// slot calls, typed signals. Acquire with node.acquire<" << c.name << "Replica>(name).\n"
    << "class " << c.name << "Replica {\npublic:\n";
  classAliases(c);
  o << "  static const doppel::ClassInterface& interfaceDefinition() { return " << c.name << "Interface::get(); }\n";
  if (!childClosure(c).empty())
    o << "  /// The classes of the CLASS members, all levels down: Node::acquire<" << c.name
      << "Replica> registers them\n  /// (hosts describe a child's class only to dynamic replicas).\n"
      << "  static std::vector<doppel::ClassInterface> childInterfaces();\n";
  o
    << "  explicit " << c.name << "Replica(std::shared_ptr<doppel::Replica> replica) : m_replica(std::move(replica)) {\n"
    << "    m_connections.emplace_back(m_replica->propertyChanged.connect([" << (anyPlain(c) ? "this" : "")
    << "](int index, const doppel::Value& v) {\n"
    << "      switch (index) {\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "        case " << i << ":\n          " << p.name << "Changed.emit(doppel::typed::fromValue<" << t.cpp
      << ">(v));\n          break;\n";
  }
  o << "        default:\n          (void)v;\n          break;\n      }\n    }));\n"
    << "    m_connections.emplace_back(m_replica->signalEmitted.connect([" << (c.signalDefs.empty() ? "" : "this")
    << "](int index, const std::vector<doppel::Value>& a) {\n"
    << "      switch (index) {\n";
  for (std::size_t s = 0; s < c.signalDefs.size(); ++s) {
    const auto& sig = c.signalDefs[s];
    o << "        case " << notifyCount + static_cast<int>(s) << ":\n";
    if (!sig.params.empty()) o << "          if (a.size() < " << sig.params.size() << ") break;\n";
    o << "          " << signalName(c, sig) << ".emit(";
    for (std::size_t i = 0; i < sig.params.size(); ++i)
      o << (i ? ", " : "") << "doppel::typed::fromValue<" << m_types.map(sig.params[i].type, &c, nullptr).cpp << ">(a[" << i
        << "])";
    o << ");\n          break;\n";
  }
  o << "        default:\n          (void)a;\n          break;\n      }\n    }));\n  }\n"
    << "  " << c.name << "Replica(const " << c.name << "Replica&) = delete;\n  " << c.name << "Replica& operator=(const "
    << c.name << "Replica&) = delete;\n\n"
    << "  doppel::Replica& replica() const { return *m_replica; }\n"
    << "  doppel::ReplicaState replicaState() const { return m_replica->state(); }\n"
    << "  bool isInitialized() const { return m_replica->isInitialized(); }\n"
    << "  bool waitForSource(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {\n"
    << "    return m_replica->waitForSource(timeout);\n  }\n\n";
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind != RepProperty::Kind::Plain) continue;
    const CppType t = m_types.map(p.type, &c, nullptr);
    o << "  " << t.cpp << " " << p.name << "() const { return doppel::typed::fromValue<" << t.cpp << ">(m_replica->property("
      << i << ")); }\n";
    if (p.mode == RepMode::ReadWrite)
      o << "  doppel::Result<void> set" << upperFirst(p.name) << "(" << paramType(t)
        << " doppelValue) { return m_replica->setProperty(" << quote(p.name) << ", doppel::typed::toValue(doppelValue, " << quote(t.qt)
        << ")); }\n";
    if (p.mode == RepMode::ReadPush)
      o << "  doppel::PendingReply push" << upperFirst(p.name) << "(" << paramType(t) << " doppelValue) {\n"
        << "    return m_replica->call(" << quote("push" + upperFirst(p.name) + "(" + t.qt + ")")
        << ", {doppel::typed::toValue(doppelValue, " << quote(t.qt) << ")});\n  }\n";
  }
  for (const auto& s : c.slots) {
    const CppType r = m_types.map(s.returnType, &c, nullptr);
    const std::string call = "m_replica->call(" + quote(qtSignature(c, s)) + ", " + toValues(c, s) + ")";
    if (r.isVoid)
      o << "  doppel::PendingReply " << s.name << "(" << params(c, s, true) << ") { return " << call << "; }\n";
    else
      o << "  doppel::typed::Reply<" << r.cpp << "> " << s.name << "(" << params(c, s, true) << ") {\n    return doppel::typed::Reply<"
        << r.cpp << ">(" << call << ");\n  }\n";
  }
  for (const auto& p : c.properties)
    if (hasChildClass(p))
      o << "  /// CLASS " << p.name << ": the child replica, or null while the source has none.\n"
        << "  std::shared_ptr<" << p.type << "Replica> " << p.name << "() const;\n";
  for (const auto& p : c.properties)
    if (p.kind == RepProperty::Kind::Model)
      o << "  /// MODEL " << p.name << ": the model replica, or null while the source has none.\n"
        << "  std::shared_ptr<doppel::ModelReplica> " << p.name << "() const;\n";
  o << "\n";
  for (const auto& p : c.properties) {
    if (p.kind != RepProperty::Kind::Plain) continue;
    o << "  doppel::Signal<" << m_types.map(p.type, &c, nullptr).cpp << "> " << p.name << "Changed;\n";
  }
  for (const auto& s : c.signalDefs) {
    o << "  doppel::Signal<";
    for (std::size_t i = 0; i < s.params.size(); ++i) o << (i ? ", " : "") << m_types.map(s.params[i].type, &c, nullptr).cpp;
    o << "> " << signalName(c, s) << ";\n";
  }
  o << "\nprivate:\n  std::shared_ptr<doppel::Replica> m_replica;\n  std::vector<doppel::ScopedConnection> m_connections;\n";
  for (const auto& p : c.properties)
    if (hasChildClass(p)) o << "  mutable std::shared_ptr<" << p.type << "Replica> m_" << p.name << ";\n";
  for (const auto& p : c.properties)
    if (p.kind == RepProperty::Kind::Model) o << "  mutable std::shared_ptr<doppel::ModelReplica> m_" << p.name << ";\n";
  o << "};\n\n";
}

void CppGenerator::childAccessors(const RepClass& c) {
  const auto closure = childClosure(c);
  if (m_side != Side::Source && !closure.empty()) {
    o << "inline std::vector<doppel::ClassInterface> " << c.name << "Replica::childInterfaces() {\n  return {";
    for (std::size_t i = 0; i < closure.size(); ++i) o << (i ? ", " : "") << closure[i]->name << "Interface::get()";
    o << "};\n}\n";
  }
  for (std::size_t i = 0; i < c.properties.size(); ++i) {
    const auto& p = c.properties[i];
    if (p.kind == RepProperty::Kind::Model && m_side != Side::Source)
      o << "inline std::shared_ptr<doppel::ModelReplica> " << c.name << "Replica::" << p.name << "() const {\n"
        << "  auto raw = m_replica->child(" << i << ");\n  if (!raw) return nullptr;\n"
        << "  if (!m_" << p.name << " || &m_" << p.name << "->replica() != raw.get())\n    m_" << p.name
        << " = std::make_shared<doppel::ModelReplica>(raw, doppel::ModelReplicaOptions{});\n  return m_" << p.name
        << ";\n}\n";
    if (!hasChildClass(p)) continue;
    if (m_side != Side::Replica)
      o << "inline " << p.type << "Source* " << c.name << "Source::" << p.name << "() const {\n  return dynamic_cast<" << p.type
        << "Source*>(doppel::Source::child(" << i << "));\n}\n"
        << "inline doppel::Result<void> " << c.name << "Source::set" << upperFirst(p.name) << "(" << p.type
        << "Source* value) { return doppel::Source::setChild(" << i << ", value); }\n";
    if (m_side != Side::Source)
      o << "inline std::shared_ptr<" << p.type << "Replica> " << c.name << "Replica::" << p.name << "() const {\n"
        << "  auto raw = m_replica->child(" << i << ");\n  if (!raw) return nullptr;\n"
        << "  if (!m_" << p.name << " || &m_" << p.name << "->replica() != raw.get())\n    m_" << p.name
        << " = std::make_shared<" << p.type << "Replica>(raw);\n  return m_" << p.name << ";\n}\n";
  }
}

}  // namespace

std::string generateCpp(const RepFile& file, const Signatures& sigs, Side side) {
  return CppGenerator(file, sigs, side).run();
}

}  // namespace doppelc
