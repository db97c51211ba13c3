// Child objects (repc CLASS and MODEL members, protocol §3.3, §6.1, §11.1), the parts shared by
// the host and the node (internal): which properties hold children, what the children are
// called, and how a host describes a source tree as QRO_ values.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "doppel/interface.h"
#include "doppel/result.h"
#include "doppel/source.h"
#include "doppel/value.h"
#include "wire/child_value.h"
#include "wire/type_registry.h"

namespace doppel::detail {

/// The type Qt gives a MODEL member; every other pointer type is a CLASS member.
inline constexpr std::string_view kModelPointerType = "QAbstractItemModel*";
inline constexpr std::string_view kModelAdapterTypeName = "QAbstractItemModelAdapter";

/// Whether a property holds a child object: its type is a pointer ("QObject*", "Child*", ...).
bool isChildProperty(const PropertyDef& property);
wire::ChildKind childKind(const PropertyDef& property);
/// "Class::<parentApiName>::<property>" or "Model::<parentApiName>::<property>" (§6.1).
std::string childName(const PropertyDef& property, std::string_view parentApiName);

/// Pointer property types as Qt writes them in definitions: "QObject*" for CLASS members,
/// "QAbstractItemModel*" for MODEL members (the notify signatures keep the declared type, as on Qt).
void useQtPointerTypes(ClassInterface& definition);

/// What a host remembers per root about class definitions sent inside QRO_ values. Like Qt, it
/// is kept per root, reset by every dynamic AddObject, and once a dynamic replica asked, every
/// later QRO_ of a type not yet described carries its definition (typed receivers ignore it).
struct DescribeState {
  bool dynamicMode = false;
  std::set<std::string> described;
};

/// Builds the QRO_ value of `parent`'s pointer property `index`, with the child's values (its own
/// children nested). `definitionOf` gives the definition of a child source as the host sends it.
Result<Value> childValue(const Source& parent,
                         std::string_view parentApiName,
                         int index,
                         const wire::TypeRegistry& types,
                         DescribeState& describe,
                         const std::function<ClassInterface(const Source&)>& definitionOf);

}  // namespace doppel::detail
