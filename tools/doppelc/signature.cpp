#include "signature.h"

#include <algorithm>
#include <cstdint>

#include "sha1.h"

namespace doppelc {

namespace {

/// An int32 in the byte order of the machine running repc: little-endian in practice.
std::string int32le(std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  std::string out;
  for (int i = 0; i < 4; ++i) out += static_cast<char>((u >> (8 * i)) & 0xFF);
  return out;
}

std::int32_t hashedMode(RepMode mode) {
  return mode == RepMode::SourceOnlySetter ? 1 : static_cast<std::int32_t>(mode);
}

bool isTypeTokenChar(char c) {
  return c != '<' && c != '>' && c != ',' && c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
         c != '\f' && c != '\v';
}

}  // namespace

Signatures::Signatures(const RepFile& file) {
  for (const RepDecl& d : file.order) {
    switch (d.kind) {
      case RepDecl::Kind::Enum:
        addEnum(file.enums[d.index], file.enums[d.index].name);
        break;
      case RepDecl::Kind::Flag:
        addFlag(file.flags[d.index], {});
        break;
      case RepDecl::Kind::Pod:
        addPod(file.pods[d.index]);
        break;
      case RepDecl::Kind::Class:
        addClass(file.classes[d.index]);
        break;
    }
  }
}

std::string Signatures::classSignature(std::string_view className) const {
  for (const auto& entry : m_classes)
    if (entry.first == className) return entry.second;
  return {};
}

std::string Signatures::typeData(std::string_view type, std::string_view scope) const {
  if (type.find('<') != std::string_view::npos) {
    std::string out;
    std::size_t i = 0;
    while (i < type.size()) {
      if (!isTypeTokenChar(type[i])) {
        ++i;
        continue;
      }
      std::size_t e = i;
      while (e < type.size() && isTypeTokenChar(type[e])) ++e;
      out += typeData(type.substr(i, e - i), scope);
      i = e;
    }
    return out;
  }
  if (!scope.empty()) {
    const auto it = m_table.find(std::string(scope) + "::" + std::string(type));
    if (it != m_table.end()) return it->second;
  }
  if (const auto it = m_table.find(type); it != m_table.end()) return it->second;
  const std::size_t colons = type.rfind("::");
  if (colons != std::string_view::npos && colons > 0) return typeData(type.substr(colons + 2), scope);
  return std::string(type);
}

void Signatures::addEnum(const RepEnum& e, const std::string& key) {
  std::string data = e.name + (e.scoped ? "class" : "") + e.underlying;
  for (const auto& k : e.keys) data += k.first + std::to_string(k.second);
  m_table[key] = sha1Hex(data);
}

void Signatures::addFlag(const RepFlag& f, const std::string& scope) {
  m_table[scope.empty() ? f.name : scope + "::" + f.name] = sha1Hex(f.name + typeData(f.enumName, scope));
}

void Signatures::addPod(const RepPod& pod) {
  for (const auto& e : pod.enums) addEnum(e, e.name);  // unscoped: repc's quirk
  for (const auto& f : pod.flags) addFlag(f, pod.name);
  std::string data = pod.name;
  for (const auto& m : pod.members) data += m.name + typeData(m.type, pod.name);
  m_table[pod.name] = sha1Hex(data);
}

std::string Signatures::functions(const std::vector<RepFunction>& fns, const std::string& scope) const {
  std::string out;
  for (const auto& f : fns) {
    out += f.name;
    for (const auto& p : f.params)
      out += p.name + typeData(p.type, scope) + int32le((p.isConst ? 1 : 0) | (p.isRef ? 2 : 0));
    out += typeData(f.returnType, scope);
  }
  return out;
}

void Signatures::addClass(const RepClass& cls) {
  for (const auto& e : cls.enums) addEnum(e, cls.name + "::" + e.name);
  for (const auto& f : cls.flags) addFlag(f, cls.name);
  for (const auto& p : cls.properties) {
    if (p.kind != RepProperty::Kind::Model) continue;
    std::vector<std::string> roles = p.roles;
    std::sort(roles.begin(), roles.end());
    std::string joined;
    for (std::size_t i = 0; i < roles.size(); ++i) joined += (i ? "_" : "") + roles[i];
    m_table[cls.name + "::" + p.name] = sha1Hex(joined);
  }
  std::string data = cls.name;
  for (const auto& p : cls.properties) {
    data += p.name;
    if (p.kind == RepProperty::Kind::Model) {
      data += m_table[cls.name + "::" + p.name];
    } else if (p.kind == RepProperty::Kind::Class) {
      if (const auto it = m_table.find(p.type); it != m_table.end()) data += it->second;
    } else {
      data += typeData(p.type, cls.name);
    }
    data += int32le(hashedMode(p.mode));
  }
  data += functions(cls.signalDefs, cls.name);
  data += functions(cls.slots, cls.name);
  const std::string sig = sha1Hex(data);
  m_table[cls.name] = sig;
  m_classes.emplace_back(cls.name, sig);
}

}  // namespace doppelc
