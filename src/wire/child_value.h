// The contents of a QRO_ value (protocol §3.3): how a CLASS or MODEL property carries its child
// object. The codec reads a QRO_ as an opaque value; these functions open it (its definition and
// its values are big-endian blobs inside) and build one. Nested children stay opaque QRO_ values
// in `values`: the caller opens them one level at a time and bounds the depth.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "doppel/interface.h"
#include "doppel/limits.h"
#include "doppel/result.h"
#include "doppel/value.h"
#include "wire/type_registry.h"

namespace doppel::wire {

/// The QRO_ `type` byte.
enum class ChildKind : std::uint8_t { Class = 0, Model = 1, Gadget = 2 };

struct ChildValue {
  std::string name;      ///< "Class::Lab::child", "Model::Lab::tracks"; empty for Gadget
  std::string typeName;  ///< the child's class ("Child", "QAbstractItemModelAdapter")
  ChildKind kind = ChildKind::Class;
  /// Sent the first time a type is described to a dynamic listener (Class and Model only).
  std::optional<ClassInterface> definition;
  bool isNull = true;
  /// The child's property values in its API order (nested children as opaque QRO_ values); for
  /// Gadget the one gadget value.
  std::vector<Value> values;
};

/// Whether `value` is a QRO_ (as the codec decodes it).
bool isChildValue(const Value& value);

/// Opens a QRO_ value. Gadgets and enums of its definition are registered in `types` before the
/// values are read (the values may use them). Malformed definitions, truncated or oversized
/// blobs, absurd counts and trailing bytes are errors.
Result<ChildValue> unpackChild(const Value& qro, TypeRegistry& types, const Limits& limits);

/// Builds the QRO_ value (definition and values in big-endian blobs). Fails for a value of a
/// type `types` does not know.
Result<Value> packChild(const ChildValue& child, const TypeRegistry& types);

}  // namespace doppel::wire
