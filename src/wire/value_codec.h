// Encoding and decoding of values: the QVariant form (protocol §4.1: type id, isNull, optional
// type name, payload) and the bare payload of a known type (inside containers and structs).
// QtRO's wrappers are applied and removed here: lists and maps of gadgets travel as
// QRemoteObjectPackets::QSQ_ / QAS_ (§4.4); QRO_ sub-object values decode to an opaque user
// value of that name.
#pragma once

#include <string_view>

#include "doppel/result.h"
#include "doppel/value.h"
#include "wire/data_stream.h"
#include "wire/type_registry.h"

namespace doppel::wire {

/// Writes `value` as a QVariant. Enum values travel as the integer of their size (§4.4). Fails
/// (writing nothing usable) for a user type the registry does not know.
Result<void> encodeVariant(Writer& out, const Value& value, const TypeRegistry& types);
/// Reads one QVariant. Unknown user type names fail with ErrorCode::UnknownType, nesting deeper
/// than Limits::maxValueDepth with LimitExceeded.
Result<Value> decodeVariant(Reader& in, const TypeRegistry& types, int depth = 0);

/// decodeVariant for the packet decoder: a failure is recorded only in `in` (sticky; check
/// in.ok()) and yields an invalid Value, so the value is built in place instead of moved
/// through a Result.
Value decodeVariantValue(Reader& in, const TypeRegistry& types);

/// Writes only the payload of `value` in the layout of `typeName`.
Result<void> encodePayload(Writer& out, const Value& value, std::string_view typeName,
                           const TypeRegistry& types);
/// Reads only a payload of type `typeName`.
Result<Value> decodePayload(Reader& in, std::string_view typeName, const TypeRegistry& types,
                            int depth = 0);

/// Whether `value` may be passed where `declaredType` is expected: same type, or an integer for
/// an enum of that size, or anything for "QVariant". Used to check arguments before a call.
bool matchesType(const Value& value, std::string_view declaredType, const TypeRegistry& types);

/// The zero value of a type ("int" -> 0, "QString" -> empty string, a gadget -> zero fields).
Value defaultValueFor(std::string_view typeName, const TypeRegistry& types);

/// The name Qt gives a gadget container in a definition (protocol §4.4, §6.2):
/// "QtROSequentialContainer" for a list of gadgets, "QtROAssociativeContainer" for a map or hash
/// to gadgets, empty for every other type. These are exactly the values encodeVariant wraps in
/// QSQ_ / QAS_. A Qt dynamic replica cannot resolve a gadget container by its own name.
std::string_view genericContainerName(std::string_view typeName, const TypeRegistry& types);

}  // namespace doppel::wire
