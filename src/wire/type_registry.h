// TypeRegistry: how each Qt type name is laid out on the wire. It knows the builtin types, the
// template families QList<T>, QVector<T>, QMap<K,V>, QHash<K,V>, std::pair<A,B> and QPair<A,B>
// (parsed from the name on first use, nested to any depth within Limits), QtRO's own types
// (protocol §4.5), and what an application or a received interface definition registers:
// gadgets (PODs), enums and structs.
//
// Thread safety: not synchronised; one registry per node, used on the node's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doppel/interface.h"
#include "doppel/result.h"
#include "doppel/value.h"
#include "wire/data_stream.h"

namespace doppel::wire {

class TypeRegistry;

/// How a type's payload is encoded (after the QVariant header, or bare inside a container).
struct TypeInfo {
  enum class Kind {
    Builtin,  ///< id is a builtin TypeId
    List,     ///< u32 count + elements of `args[0]`
    Map,      ///< u32 count + (key, value) pairs of `args[0]`, `args[1]`; sorted by key
    Hash,     ///< same as Map, any order
    Pair,     ///< `args[0]`, `args[1]`
    Gadget,   ///< one QVariant per field, in order (POD / Q_GADGET)
    Struct,   ///< each field bare in its own type's format (e.g. QRemoteObjectSourceLocationInfo)
    Enum,     ///< a signed integer of `enumSize` bytes
    Custom,   ///< application-provided encode/decode functions
  };

  using EncodeFn = std::function<Result<void>(Writer&, const Value&, const TypeRegistry&)>;
  using DecodeFn = std::function<Result<Value>(Reader&, const TypeRegistry&, int depth)>;

  Kind kind = Kind::Builtin;
  std::string name;               ///< the Qt normalized name
  TypeId id = TypeId::User;       ///< for Builtin
  std::vector<std::string> args;  ///< element/key/value type names for List, Map, Hash, Pair
  std::vector<Parameter> fields;  ///< for Gadget and Struct
  int enumSize = 4;               ///< for Enum
  EncodeFn encode;                ///< for Custom
  DecodeFn decode;                ///< for Custom

  /// The codec's memo of the layouts of `args` (or `fields`) by position, filled on first use so
  /// containers do not look their element type up per element. Cleared by every registration.
  mutable std::vector<const TypeInfo*> resolved;
};

class TypeRegistry {
public:
  TypeRegistry();

  /// The layout for a type name, or nullptr if unknown. Template names are parsed and cached;
  /// spaces after commas are tolerated ("QMap<QString, int>").
  const TypeInfo* find(std::string_view name) const;
  /// Like find, for names read from the wire: template layouts are cached only while the cache
  /// is small, so a peer sending endless distinct names cannot grow it; past that they are built
  /// in `scratch`. The result points into the registry or at `scratch` (valid while it lives).
  const TypeInfo* lookup(std::string_view name, TypeInfo& scratch) const;

  void registerGadget(const GadgetDef& gadget);
  /// An enum by its qualified name ("Lab::Mode"); its unqualified name is registered too unless
  /// already taken.
  void registerEnum(std::string_view qualifiedName, const EnumDef& def);
  void registerStruct(std::string name, std::vector<Parameter> fields);
  void registerCustom(std::string name, TypeInfo::EncodeFn encode, TypeInfo::DecodeFn decode);
  /// Registers every gadget and enum an interface declares (enums as "<typeName>::<Enum>").
  void registerInterface(const ClassInterface& iface);

  /// Qt's normalized spelling: no spaces except inside "unsigned int"-like words, "QVector" as
  /// "QList", "QPair" as "std::pair". Used for every name put on the wire.
  static std::string normalize(std::string_view name);

private:
  void forgetResolved();

  /// Hashes std::string and string_view alike, so lookups by a view build no string.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };

  // A hash table, not a sorted map: every value encoded or checked looks its type up by name,
  // and hashing a short name is cheaper than a dozen string comparisons down a tree.
  using Map =
      std::unordered_map<std::string, std::shared_ptr<const TypeInfo>, NameHash, std::equal_to<>>;
  mutable Map m_types;
};

}  // namespace doppel::wire
