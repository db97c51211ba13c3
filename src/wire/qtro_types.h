// QtRO's own wire types (protocol §3.3, §4.4, §4.5) as custom codecs of the TypeRegistry, and
// the names they travel under. Private to src/wire.
#pragma once

#include <string_view>

#include "doppel/result.h"
#include "doppel/value.h"

#include "wire/data_stream.h"

namespace doppel::wire {

class TypeRegistry;

namespace detail {

inline constexpr std::string_view kQroName = "QRemoteObjectPackets::QRO_";
inline constexpr std::string_view kQsqName = "QRemoteObjectPackets::QSQ_";
inline constexpr std::string_view kQasName = "QRemoteObjectPackets::QAS_";
inline constexpr std::string_view kVariantName = "QVariant";
/// What Qt calls a gadget container in definitions and when it does not know its type (§4.4).
inline constexpr std::string_view kSequentialContainerName = "QtROSequentialContainer";
inline constexpr std::string_view kAssociativeContainerName = "QtROAssociativeContainer";

/// "QVariant" as an element type (QHash<int,QVariant>, gadget-free containers): a whole QVariant.
Result<void> encodeAnyVariant(Writer& out, const Value& value, const TypeRegistry& types);
Result<Value> decodeAnyVariant(Reader& in, const TypeRegistry& types, int depth);

/// QRO_: decodes to an opaque userList [name, typeName, type, classDefinition, isNull,
/// parameters] (parameters is a null QByteArray when isNull) and encodes it back byte for byte.
Result<void> encodeQro(Writer& out, const Value& value, const TypeRegistry& types);
Result<Value> decodeQro(Reader& in, const TypeRegistry& types, int depth);

/// QSQ_ / QAS_: decoding unwraps into the userList / userMap named by the wrapper's typeName.
/// Encoding a value of the wrapper's own name writes its byte-array fields as given; the codec
/// wraps gadget containers itself (encodeVariant).
Result<void> encodeRawWrapper(Writer& out, const Value& value, const TypeRegistry& types);
Result<Value> decodeQsq(Reader& in, const TypeRegistry& types, int depth);
Result<Value> decodeQas(Reader& in, const TypeRegistry& types, int depth);

}  // namespace detail
}  // namespace doppel::wire
