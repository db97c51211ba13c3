#include "core/child_objects.h"

namespace doppel::detail {

bool isChildProperty(const PropertyDef& property) {
  return !property.type.empty() && property.type.back() == '*';
}

wire::ChildKind childKind(const PropertyDef& property) {
  return property.type == kModelPointerType ? wire::ChildKind::Model : wire::ChildKind::Class;
}

std::string childName(const PropertyDef& property, std::string_view parentApiName) {
  std::string out = childKind(property) == wire::ChildKind::Model ? "Model::" : "Class::";
  out += parentApiName;
  out += "::";
  out += property.name;
  return out;
}

void useQtPointerTypes(ClassInterface& definition) {
  for (auto& p : definition.properties) {
    if (isChildProperty(p) && p.type != kModelPointerType) p.type = "QObject*";
  }
}

namespace {
/// The type name a null child is announced with: the declared class ("Child*" -> "Child").
std::string declaredTypeName(const PropertyDef& property) {
  if (childKind(property) == wire::ChildKind::Model) return std::string(kModelAdapterTypeName);
  std::string type = property.type.substr(0, property.type.size() - 1);
  return type == "QObject" ? std::string() : type;
}
}  // namespace

Result<Value> childValue(const Source& parent,
                         std::string_view parentApiName,
                         int index,
                         const wire::TypeRegistry& types,
                         DescribeState& describe,
                         const std::function<ClassInterface(const Source&)>& definitionOf) {
  const auto& property = parent.interface().properties[static_cast<std::size_t>(index)];
  wire::ChildValue out;
  out.name = childName(property, parentApiName);
  out.kind = childKind(property);
  const Source* child = parent.child(index);
  if (child == nullptr) {
    out.typeName = declaredTypeName(property);
    out.isNull = true;
    return wire::packChild(out, types);
  }
  const ClassInterface& iface = child->interface();
  out.typeName = iface.typeName.empty() && out.kind == wire::ChildKind::Model
                     ? std::string(kModelAdapterTypeName)
                     : iface.typeName;
  out.isNull = false;
  // Qt never describes the model adapter: every Qt node knows it.
  if (describe.dynamicMode && out.kind == wire::ChildKind::Class &&
      describe.described.insert(out.typeName).second) {
    out.definition = definitionOf(*child);
  }
  out.values.reserve(iface.properties.size());
  for (std::size_t i = 0; i < iface.properties.size(); ++i) {
    if (isChildProperty(iface.properties[i])) {
      // Deeper children are named after their parent's property (§6.1).
      auto nested = childValue(*child, property.name, static_cast<int>(i), types, describe,
                               definitionOf);
      if (!nested) return nested.error();
      out.values.push_back(std::move(nested).value());
    } else {
      out.values.push_back(child->property(static_cast<int>(i)));
    }
  }
  return wire::packChild(out, types);
}

}  // namespace doppel::detail
