#include "doppel/interface.h"

#include "wire/type_registry.h"

namespace doppel {
namespace {

std::string makeSignature(const std::string& name, const std::vector<Parameter>& params) {
  std::string out = name;
  out += '(';
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) out += ',';
    out += params[i].type;
  }
  out += ')';
  return out;
}

// Splits "name(T1,T2)" into its name and parameter types (commas inside <> stay in a type).
std::vector<std::string_view> splitSignature(std::string_view signature, std::string_view& name) {
  std::vector<std::string_view> types;
  const auto open = signature.find('(');
  name = signature.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (open == std::string_view::npos) return types;
  std::string_view inner = signature.substr(open + 1);
  const auto close = inner.rfind(')');
  if (close != std::string_view::npos) inner = inner.substr(0, close);
  if (inner.find_first_not_of(' ') == std::string_view::npos) return types;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '<') ++depth;
    if (inner[i] == '>') --depth;
    if (inner[i] == ',' && depth == 0) {
      types.push_back(inner.substr(start, i - start));
      start = i + 1;
    }
  }
  types.push_back(inner.substr(start));
  return types;
}

// Index of the member matching "name" (the first with that name) or a signature "name(T1,T2)";
// parameter types compare in Qt's normalized form ("const QString &" is "QString").
template <typename Defs>
int findMember(const Defs& defs, std::string_view nameOrSignature) {
  if (nameOrSignature.find('(') == std::string_view::npos) {
    for (std::size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].name == nameOrSignature) return static_cast<int>(i);
    }
    return -1;
  }
  std::string_view name;
  const auto wanted = splitSignature(nameOrSignature, name);
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const auto& params = defs[i].params;
    if (defs[i].name != name || params.size() != wanted.size()) continue;
    bool same = true;
    for (std::size_t k = 0; k < params.size() && same; ++k) {
      same = params[k].type == wanted[k] || wire::TypeRegistry::normalize(params[k].type) ==
                                                wire::TypeRegistry::normalize(wanted[k]);
    }
    if (same) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::string SignalDef::signature() const {
  return makeSignature(name, params);
}
std::string MethodDef::signature() const {
  return makeSignature(name, params);
}

int ClassInterface::propertyIndex(std::string_view name) const {
  for (std::size_t i = 0; i < properties.size(); ++i) {
    if (properties[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int ClassInterface::signalIndex(std::string_view nameOrSignature) const {
  return findMember(signalDefs, nameOrSignature);
}

int ClassInterface::methodIndex(std::string_view nameOrSignature) const {
  return findMember(methods, nameOrSignature);
}

const EnumDef* ClassInterface::findEnum(std::string_view name) const {
  // "Mode", "Lab::Mode" or the source's "LabSource::Mode" (protocol §6.2) all mean class enum Mode.
  const auto pos = name.rfind("::");
  const std::string_view shortName = pos == std::string_view::npos ? name : name.substr(pos + 2);
  for (const auto& e : enums) {
    if (e.name == shortName) return &e;
  }
  return nullptr;
}

InterfaceBuilder::InterfaceBuilder(std::string typeName) {
  m_class.typeName = std::move(typeName);
}

InterfaceBuilder& InterfaceBuilder::property(std::string name,
                                             std::string type,
                                             PropertyMode mode,
                                             Value defaultValue) {
  PropertyDef p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.mode = mode;
  p.defaultValue = std::move(defaultValue);
  m_class.properties.push_back(std::move(p));
  return *this;
}

InterfaceBuilder& InterfaceBuilder::persisted() {
  // Called before any property: nothing to mark (a builder misuse, not worth a Result).
  if (!m_class.properties.empty()) m_class.properties.back().persisted = true;
  return *this;
}

InterfaceBuilder& InterfaceBuilder::signal(std::string name, std::vector<Parameter> params) {
  m_signals.push_back(SignalDef{std::move(name), std::move(params)});
  return *this;
}

InterfaceBuilder& InterfaceBuilder::slot(std::string name,
                                         std::vector<Parameter> params,
                                         std::string returnType) {
  MethodDef m;
  m.name = std::move(name);
  m.returnType = std::move(returnType);
  m.params = std::move(params);
  m_slots.push_back(std::move(m));
  return *this;
}

InterfaceBuilder& InterfaceBuilder::enumeration(EnumDef def) {
  if (def.size == 0) def.size = 4;
  m_class.enums.push_back(std::move(def));
  return *this;
}

InterfaceBuilder& InterfaceBuilder::gadget(GadgetDef def) {
  m_class.gadgets.push_back(std::move(def));
  return *this;
}

InterfaceBuilder& InterfaceBuilder::signature(std::string sha1Hex) {
  m_class.signature = std::move(sha1Hex);
  return *this;
}

ClassInterface InterfaceBuilder::build() const {
  ClassInterface c = m_class;
  c.signalDefs.clear();
  c.methods.clear();
  // repc's index spaces (protocol §6.4): <prop>Changed for every non-CONSTANT property, then the
  // declared signals; push<Prop> for every READPUSH property, then the declared slots.
  for (auto& p : c.properties) {
    if (p.mode == PropertyMode::Constant) {
      p.notifySignal = -1;
      continue;
    }
    p.notifySignal = static_cast<int>(c.signalDefs.size());
    c.signalDefs.push_back(SignalDef{p.name + "Changed", {{p.name, p.type}}});
  }
  for (const auto& s : m_signals) c.signalDefs.push_back(s);
  for (const auto& p : c.properties) {
    if (p.mode != PropertyMode::ReadPush) continue;
    MethodDef m;
    m.name = "push" + p.name;
    if (!p.name.empty() && m.name[4] >= 'a' && m.name[4] <= 'z') {
      m.name[4] = static_cast<char>(m.name[4] - 'a' + 'A');
    }
    m.returnType = "void";
    m.params = {{p.name, p.type}};
    c.methods.push_back(std::move(m));
  }
  for (const auto& m : m_slots) c.methods.push_back(m);
  return c;
}

}  // namespace doppel
