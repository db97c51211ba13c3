// PERSISTED properties on the host side (docs/persistence.md): the encoding of a value for a
// PropertyStore, the type key that guards against restoring a value into a changed type, and
// the two operations a Host performs, restore at enableRemoting and save on every change.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "doppel/result.h"
#include "doppel/source.h"
#include "doppel/store.h"
#include "doppel/value.h"
#include "wire/type_registry.h"

namespace doppel::detail {

/// The type name followed by the layout of every user type it involves, so that a gadget whose
/// fields changed, or an enum whose size changed, gets a different key:
/// "QList<Reading>|Reading{QString sensor;double value}". Builtins are just their name.
std::string persistedTypeKey(std::string_view type, const wire::TypeRegistry& types);

/// `value` as the payload of `type` (the wire layout), with its type key.
Result<StoredValue> encodePersisted(const Value& value,
                                    std::string_view type,
                                    const wire::TypeRegistry& types);
/// The value back; fails with WrongType if the stored key is not `type`'s key now, or with the
/// codec's error if the bytes are not one complete payload of `type`.
Result<Value> decodePersisted(const StoredValue& stored,
                              std::string_view type,
                              const wire::TypeRegistry& types);

/// The stored value of `prop`, decoded; std::nullopt if there is none or it cannot be used
/// (logged: a store error, another type key, bad bytes).
std::optional<Value> loadPersisted(const PropertyDef& prop,
                                   std::string_view objectName,
                                   PropertyStore& store,
                                   const wire::TypeRegistry& types);
/// Saves `value` as the value of `prop`; a failure is logged as an error.
void savePersistedValue(const PropertyDef& prop,
                        const Value& value,
                        std::string_view objectName,
                        PropertyStore& store,
                        const wire::TypeRegistry& types);

/// Sets every PERSISTED property of `source` to its stored value, if the store has one of the
/// right type. Failures are logged and leave the property as it was. Returns how many were set.
int restorePersisted(Source& source,
                     std::string_view objectName,
                     PropertyStore& store,
                     const wire::TypeRegistry& types);

/// Saves property `index` of `source` if it is PERSISTED. A failure is logged as an error; the
/// caller goes on (the change still applies in memory).
void savePersisted(const Source& source,
                   std::string_view objectName,
                   int index,
                   PropertyStore& store,
                   const wire::TypeRegistry& types);

}  // namespace doppel::detail
