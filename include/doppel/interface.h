// The interface model: what a remote object offers (properties, signals, methods, enums, the
// gadget types it uses), as plain data. It is built at run time by an application describing a
// source, read from an InitDynamicPacket by a dynamic replica, and (later) produced from a .rep
// file by doppelc. Positions in the vectors are the wire's index spaces (protocol §6.4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doppel/value.h"

namespace doppel {

/// repc's property modes (protocol §10.3). SourceOnlySetter hashes like ReadOnly.
enum class PropertyMode { Constant = 0, ReadOnly = 1, ReadPush = 2, ReadWrite = 3, SourceOnlySetter = 4 };

struct EnumDef {
  std::string name;  ///< unqualified ("Mode")
  bool isFlag = false;
  bool isScoped = false;
  std::uint32_t size = 4;  ///< bytes of the underlying type: 1, 2 or 4 (0 on the wire means 4)
  std::vector<std::pair<std::string, std::int32_t>> keys;
  friend bool operator==(const EnumDef&, const EnumDef&) = default;
};

struct Parameter {
  std::string name;
  std::string type;  ///< Qt normalized type name
  friend bool operator==(const Parameter&, const Parameter&) = default;
};

/// A POD / Q_GADGET type: its values travel as one QVariant per property, in this order.
struct GadgetDef {
  std::string name;
  std::vector<Parameter> properties;
  std::vector<EnumDef> enums;
  friend bool operator==(const GadgetDef&, const GadgetDef&) = default;
};

struct SignalDef {
  std::string name;
  std::vector<Parameter> params;
  /// "name(T1,T2)", Qt's normalized signature.
  std::string signature() const;
  friend bool operator==(const SignalDef&, const SignalDef&) = default;
};

struct MethodDef {
  std::string name;
  std::string returnType = "void";
  std::vector<Parameter> params;
  std::string signature() const;
  bool returnsValue() const { return !returnType.empty() && returnType != "void"; }
  friend bool operator==(const MethodDef&, const MethodDef&) = default;
};

struct PropertyDef {
  std::string name;
  std::string type;
  PropertyMode mode = PropertyMode::ReadPush;
  int notifySignal = -1;  ///< index into ClassInterface::signalDefs, -1 if none (CONSTANT)
  bool persisted = false;
  Value defaultValue;     ///< the value before anything is set; invalid = the type's zero value
  friend bool operator==(const PropertyDef&, const PropertyDef&) = default;
};

struct ClassInterface {
  std::string typeName;   ///< ObjectList typeName; empty = a plain object (null on the wire)
  std::string signature;  ///< 40 hex chars of repc's SHA-1, or empty (null on the wire)
  std::vector<EnumDef> enums;
  std::vector<std::string> qtEnums;  ///< "Qt::AlignmentFlag"-style enums used by the API
  std::vector<GadgetDef> gadgets;
  std::vector<SignalDef> signalDefs;
  std::vector<MethodDef> methods;
  std::vector<PropertyDef> properties;

  int propertyIndex(std::string_view name) const;
  int signalIndex(std::string_view nameOrSignature) const;
  int methodIndex(std::string_view nameOrSignature) const;
  const EnumDef* findEnum(std::string_view name) const;  ///< "Mode" or "Lab::Mode"
  friend bool operator==(const ClassInterface&, const ClassInterface&) = default;
};

/// Builds a ClassInterface with repc's index spaces (protocol §6.4): a `<prop>Changed` signal for
/// every non-CONSTANT property first, then the declared signals; a `push<Prop>` method for every
/// READPUSH property first, then the declared slots. Qt typed replicas generated from a .rep with
/// the same members read such a source unchanged.
///
///   auto unit = InterfaceBuilder("ControlUnit")
///                   .property("status", "QString", PropertyMode::ReadPush)
///                   .property("speed", "int", PropertyMode::ReadWrite, Value::int32(10))
///                   .persisted()
///                   .signal("alarm", {{"message", "QString"}})
///                   .slot("reset", {{"toValue", "int"}}, "int")
///                   .build();
class InterfaceBuilder {
public:
  explicit InterfaceBuilder(std::string typeName);

  InterfaceBuilder& property(std::string name,
                             std::string type,
                             PropertyMode mode = PropertyMode::ReadPush,
                             Value defaultValue = {});
  /// Marks the property added last as PERSISTED: a Host given a PropertyStore restores it when
  /// the source is remoted and saves every change before replicas see it (docs/persistence.md).
  InterfaceBuilder& persisted();
  InterfaceBuilder& signal(std::string name, std::vector<Parameter> params = {});
  InterfaceBuilder& slot(std::string name,
                         std::vector<Parameter> params = {},
                         std::string returnType = "void");
  InterfaceBuilder& enumeration(EnumDef def);
  InterfaceBuilder& gadget(GadgetDef def);
  InterfaceBuilder& signature(std::string sha1Hex);

  ClassInterface build() const;

private:
  ClassInterface m_class;  ///< properties, enums and gadgets; signals and slots kept apart:
  std::vector<SignalDef> m_signals;
  std::vector<MethodDef> m_slots;
};

}  // namespace doppel
