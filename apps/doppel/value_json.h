// JSON <-> doppel::Value for the command-line tool. Reading JSON is type-directed: the interface
// says which Qt type a property or parameter has, and fromJson builds exactly that type (an "int"
// property gets a 32-bit int, never a qlonglong), with range checks and an error that names the
// type. Writing JSON uses the declared type where known (enum key names, gadget field names) and
// the value's own type otherwise. docs/cli.md documents the mapping for users; keep it accurate.
//
// Json is nlohmann::ordered_json so that objects keep their field order (a gadget's fields, x
// before y, width before height).
//
// Thread safety: pure functions; a TypeContext is immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "doppel/interface.h"
#include "doppel/result.h"
#include "doppel/value.h"

namespace doppel::cli {

using Json = nlohmann::ordered_json;

/// The user types an interface declares (its enums, Qt enums and gadgets with their enums), so
/// that enum and gadget types named in properties, parameters and gadget fields can be resolved.
class TypeContext {
public:
  TypeContext() = default;
  explicit TypeContext(const ClassInterface& iface);

  /// An enum by its type name: "Mode", "ControlUnit::Mode", or any "X::Mode" whose last part is
  /// a class enum (hosts qualify enums by their own C++ class name), or "Gadget::Mode" for an
  /// enum declared in a gadget. nullptr if none.
  const EnumDef* findEnum(std::string_view typeName) const;
  /// A gadget (POD) by name; nullptr if none.
  const GadgetDef* findGadget(std::string_view typeName) const;
  /// A Qt namespace enum ("Qt::AlignmentFlag"): a 4-byte integer whose keys are not sent.
  bool isQtEnum(std::string_view typeName) const;

private:
  std::string m_className;
  std::vector<EnumDef> m_enums;
  std::vector<std::string> m_qtEnums;
  std::vector<GadgetDef> m_gadgets;
};

/// The value as JSON by its own type (no enum key names, gadgets as arrays).
Json toJson(const Value& value);
/// The value as JSON, read as the declared type `qtTypeName` (empty or "QVariant": the value's
/// own type): enums become key names, gadgets objects keyed by field name.
Json toJson(const Value& value, std::string_view qtTypeName, const TypeContext& types);

/// Builds a Value of exactly `qtTypeName` from JSON. Errors: WrongType for JSON of the wrong
/// shape or a number out of the type's range (the reason names the type, the range and, for
/// nested values, where: "at [2].name: ..."); UnknownType for a type it cannot build.
Result<Value> fromJson(const Json& json,
                       std::string_view qtTypeName,
                       const TypeContext& types = TypeContext());

/// Parses one JSON text; the error (Malformed) says where and why.
Result<Json> parseJson(std::string_view text);
/// One line of compact JSON; invalid UTF-8 inside strings is replaced, never thrown about.
std::string dumpJson(const Json& json);

/// Qt's normalized spelling of a type name: spaces only between words ("unsigned int"),
/// "QVector" as "QList", "QPair" as "std::pair".
std::string normalizeTypeName(std::string_view name);

}  // namespace doppel::cli
