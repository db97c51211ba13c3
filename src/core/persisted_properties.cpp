#include "core/persisted_properties.h"

#include <set>

#include "doppel/limits.h"
#include "doppel/log.h"
#include "wire/data_stream.h"
#include "wire/value_codec.h"

namespace doppel::detail {
namespace {

constexpr std::string_view kComponent = "persist";
constexpr int kMaxTypeDepth = 32;  ///< user types nest this deep at most in a key

using Kind = wire::TypeInfo::Kind;

/// Appends "|Name{...}" for each user type reachable from `name`, each once, depth first.
void describeUserTypes(std::string_view name,
                       const wire::TypeRegistry& types,
                       std::set<std::string, std::less<>>& seen,
                       std::string& out,
                       int depth) {
  if (depth > kMaxTypeDepth) return;
  const wire::TypeInfo* info = types.find(name);
  if (info == nullptr) {
    out += "|" + std::string(name) + "{?}";  // unknown now: encoding will fail anyway
    return;
  }
  switch (info->kind) {
    case Kind::Builtin:
      return;
    case Kind::List:
    case Kind::Map:
    case Kind::Hash:
    case Kind::Pair:
      for (const auto& arg : info->args) describeUserTypes(arg, types, seen, out, depth + 1);
      return;
    default:
      break;
  }
  if (seen.count(info->name)) return;
  seen.insert(info->name);
  out += "|" + info->name;
  switch (info->kind) {
    case Kind::Enum:
      out += "{enum" + std::to_string(info->enumSize) + "}";
      return;
    case Kind::Custom:
      out += "{custom}";
      return;
    default:
      break;
  }
  out += info->kind == Kind::Struct ? "{struct " : "{";
  for (std::size_t i = 0; i < info->fields.size(); ++i) {
    if (i) out += ';';
    out += wire::TypeRegistry::normalize(info->fields[i].type) + " " + info->fields[i].name;
  }
  out += "}";
  for (const auto& field : info->fields)
    describeUserTypes(field.type, types, seen, out, depth + 1);
}

std::string where(std::string_view objectName, const PropertyDef& prop) {
  return std::string(objectName) + "." + prop.name;
}

}  // namespace

std::string persistedTypeKey(std::string_view type, const wire::TypeRegistry& types) {
  std::string key = wire::TypeRegistry::normalize(type);
  std::set<std::string, std::less<>> seen;
  describeUserTypes(type, types, seen, key, 0);
  return key;
}

Result<StoredValue> encodePersisted(const Value& value,
                                    std::string_view type,
                                    const wire::TypeRegistry& types) {
  wire::Writer out(wire::ByteOrder::Little);
  if (auto r = wire::encodePayload(out, value, type, types); !r) return r.error();
  return StoredValue{persistedTypeKey(type, types), out.take()};
}

Result<Value> decodePersisted(const StoredValue& stored,
                              std::string_view type,
                              const wire::TypeRegistry& types) {
  const std::string key = persistedTypeKey(type, types);
  if (stored.typeKey != key) {
    return makeError(ErrorCode::WrongType,
                     "stored for type \"" + stored.typeKey + "\", the property is \"" + key + "\"");
  }
  static const Limits limits;
  wire::Reader in(stored.bytes, wire::ByteOrder::Little, limits);
  auto value = wire::decodePayload(in, type, types);
  if (!value) return value.error();
  if (!in.ok()) return in.error();
  if (!in.atEnd()) {
    return Error{ErrorCode::Malformed, in.offset(),
                 std::to_string(in.remaining()) + " bytes left after the value"};
  }
  return value;
}

std::optional<Value> loadPersisted(const PropertyDef& prop,
                                   std::string_view objectName,
                                   PropertyStore& store,
                                   const wire::TypeRegistry& types) {
  auto loaded = store.load(objectName, prop.name);
  if (!loaded) {
    log(LogLevel::Error, kComponent,
        "cannot read " + where(objectName, prop) + " from the store, it keeps its default: " +
            loaded.error().toString());
    return std::nullopt;
  }
  if (!loaded->has_value()) return std::nullopt;
  auto value = decodePersisted(**loaded, prop.type, types);
  if (!value) {
    log(LogLevel::Warning, kComponent,
        "stored value of " + where(objectName, prop) + " not restored, it keeps its default: " +
            value.error().toString());
    return std::nullopt;
  }
  return std::move(value).value();
}

void savePersistedValue(const PropertyDef& prop,
                        const Value& value,
                        std::string_view objectName,
                        PropertyStore& store,
                        const wire::TypeRegistry& types) {
  auto stored = encodePersisted(value, prop.type, types);
  Result<void> saved =
      stored ? store.save(objectName, prop.name, *stored) : Result<void>(stored.error());
  if (!saved) {
    log(LogLevel::Error, kComponent,
        "cannot save " + where(objectName, prop) +
            "; the change applies but will not survive a restart: " + saved.error().toString());
  }
}

int restorePersisted(Source& source,
                     std::string_view objectName,
                     PropertyStore& store,
                     const wire::TypeRegistry& types) {
  int restored = 0;
  const auto& props = source.interface().properties;
  for (std::size_t i = 0; i < props.size(); ++i) {
    const PropertyDef& prop = props[i];
    if (!prop.persisted) continue;
    auto value = loadPersisted(prop, objectName, store, types);
    if (!value) continue;
    if (auto set = source.setProperty(static_cast<int>(i), std::move(*value)); !set) {
      log(LogLevel::Warning, kComponent,
          "stored value of " + where(objectName, prop) + " refused: " + set.error().reason);
      continue;
    }
    ++restored;
  }
  return restored;
}

void savePersisted(const Source& source,
                   std::string_view objectName,
                   int index,
                   PropertyStore& store,
                   const wire::TypeRegistry& types) {
  const auto& props = source.interface().properties;
  if (index < 0 || static_cast<std::size_t>(index) >= props.size()) return;
  const PropertyDef& prop = props[static_cast<std::size_t>(index)];
  if (prop.persisted) savePersistedValue(prop, source.property(index), objectName, store, types);
}

}  // namespace doppel::detail
