// `doppel show`: the interface of one object as Qt-like declarations, with current values.
#include "commands.h"

namespace doppel::cli {

namespace {

std::string enumLine(const EnumDef& e) {
  std::string line =
      std::string(e.isFlag ? "flags " : "enum ") + (e.isScoped ? "class " : "") + e.name + " {";
  for (std::size_t i = 0; i < e.keys.size(); ++i) {
    line += (i == 0 ? " " : ", ") + e.keys[i].first + " = " + std::to_string(e.keys[i].second);
  }
  return line + (e.keys.empty() ? "}" : " }");
}

std::string params(const std::vector<Parameter>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out += ", ";
    out += p.type;
    if (!p.name.empty()) out += " " + p.name;
  }
  return out;
}

}  // namespace

Result<void> runShow(Session& session) {
  if (auto r = session.connect(); !r) return r;
  if (auto r = session.acquire(); !r) return r;
  Replica& replica = session.replica();
  const ClassInterface& iface = replica.interface();

  std::string title = session.options().object;
  title += " (type " + (iface.typeName.empty() ? std::string("-") : iface.typeName);
  title += ", signature " + (iface.signature.empty() ? std::string("-") : iface.signature) + ")";
  printLine(title);

  if (!iface.enums.empty() || !iface.qtEnums.empty()) {
    printLine("enums:");
    for (const auto& e : iface.enums) printLine("  " + enumLine(e));
    for (const auto& e : iface.qtEnums) printLine("  " + e);
  }
  if (!iface.gadgets.empty()) {
    printLine("gadgets:");
    for (const auto& g : iface.gadgets) {
      std::string line = "  " + g.name + " {";
      for (std::size_t i = 0; i < g.properties.size(); ++i) {
        line += (i == 0 ? " " : "; ") + g.properties[i].type + " " + g.properties[i].name;
      }
      printLine(line + (g.properties.empty() ? "}" : " }"));
      for (const auto& e : g.enums) printLine("    " + enumLine(e));
    }
  }
  if (!iface.properties.empty()) {
    printLine("properties:");
    for (std::size_t i = 0; i < iface.properties.size(); ++i) {
      const PropertyDef& p = iface.properties[i];
      const Value& value = replica.property(static_cast<int>(i));
      // A child object (CLASS / MODEL member): its name, which show, get and call accept.
      const bool isChild = !p.type.empty() && p.type.back() == '*';
      std::string line = "  " + p.type + " " + p.name + " = " +
                         (isChild ? (value.isValid() ? "child " + value.toString() : "null")
                                  : dumpJson(toJson(value, p.type, session.types())));
      if (p.notifySignal < 0) line += "  [no change signal]";
      printLine(line);
    }
  }
  if (!iface.signalDefs.empty()) {
    printLine("signals:");
    for (const auto& s : iface.signalDefs) printLine("  " + s.name + "(" + params(s.params) + ")");
  }
  if (!iface.methods.empty()) {
    printLine("slots:");
    for (const auto& m : iface.methods) {
      const std::string ret = m.returnType.empty() ? std::string("void") : m.returnType;
      printLine("  " + ret + " " + m.name + "(" + params(m.params) + ")");
    }
  }
  return {};
}

}  // namespace doppel::cli
