// The QtRO 2.0 packets (protocol §3) as plain structs, with their frame encoding and decoding.
// A frame is u32 size + u16 type + (objectName unless ObjectList) + body; encodePacket appends a
// whole frame, decodePacket parses the bytes after the size field and must consume them exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "doppel/interface.h"
#include "doppel/limits.h"
#include "doppel/result.h"
#include "doppel/value.h"
#include "wire/type_registry.h"

namespace doppel::wire {

inline constexpr std::string_view kProtocolVersion = "QtRO 2.0";

enum class PacketType : std::uint16_t {
  Invalid = 0,
  Handshake = 1,
  InitPacket = 2,
  InitDynamicPacket = 3,
  AddObject = 4,
  RemoveObject = 5,
  InvokePacket = 6,
  InvokeReplyPacket = 7,
  PropertyChangePacket = 8,
  ObjectList = 9,
  Ping = 10,
  Pong = 11,
};

const char* packetTypeName(PacketType type);

/// QMetaObject::Call values used in InvokePacket.
enum class InvokeCall : std::int32_t { InvokeMetaMethod = 0, WriteProperty = 2 };

struct ObjectInfo {
  std::string name;
  Text typeName;   ///< null for a plain object
  Text signature;  ///< null when the source has none
  friend bool operator==(const ObjectInfo&, const ObjectInfo&) = default;
};

struct Handshake {
  std::string version{kProtocolVersion};
};
struct InitPacket {
  std::string name;
  std::vector<Value> values;
};
struct InitDynamicPacket {
  std::string name;
  ClassInterface definition;
  std::vector<Value> values;
};
struct AddObject {
  std::string name;
  bool isDynamic = false;
};
struct RemoveObject {
  std::string name;
};
struct InvokePacket {
  std::string name;
  InvokeCall call = InvokeCall::InvokeMetaMethod;
  std::int32_t index = 0;
  std::vector<Value> args;
  std::int32_t serialId = -1;
  std::int32_t propertyIndex = -1;
};
struct InvokeReplyPacket {
  std::string name;
  std::int32_t serialId = 0;
  Value value;
};
struct PropertyChangePacket {
  std::string name;
  std::int32_t propertyIndex = 0;
  Value value;
};
struct ObjectList {
  std::vector<ObjectInfo> objects;
};
struct Ping {
  std::string name;
};
struct Pong {
  std::string name;
};

using Packet = std::variant<Handshake, InitPacket, InitDynamicPacket, AddObject, RemoveObject,
                            InvokePacket, InvokeReplyPacket, PropertyChangePacket, ObjectList,
                            Ping, Pong>;

PacketType packetType(const Packet& packet);

/// Appends one complete frame to `out`. On failure (a value of an unknown user type) `out` is
/// left as it was.
Result<void> encodePacket(std::string& out, const Packet& packet, const TypeRegistry& types);
/// The same for the two packets of every call, without building a Packet around them (the
/// bytes are identical to those of the Packet overload).
Result<void> encodePacket(std::string& out, const InvokePacket& packet, const TypeRegistry& types);
/// An InvokeReplyPacket's frame from its fields: a host answers a call without copying the
/// object name into a packet.
Result<void> encodeInvokeReply(std::string& out,
                               std::string_view name,
                               std::int32_t serialId,
                               const Value& value,
                               const TypeRegistry& types);

/// Decodes the bytes of one frame after its size field. The frame must be consumed exactly:
/// trailing bytes, an unknown packet type or a truncated body are errors. Gadgets and enums of an
/// InitDynamicPacket's definition are registered in `types` before its values are read.
Result<Packet> decodePacket(std::string_view frame, TypeRegistry& types, const Limits& limits);
/// decodePacket into an existing packet: when `out` already holds an InvokePacket or
/// InvokeReplyPacket and the frame is one too, its strings and argument vector are reused, so a
/// connection decodes its calls and replies without allocating for them. On failure `out` holds
/// an unspecified packet and the error is returned.
Result<void> decodePacketInto(std::string_view frame,
                              TypeRegistry& types,
                              const Limits& limits,
                              Packet& out);

/// Encodes / decodes the definition block of an InitDynamicPacket (protocol §6.2).
void encodeDefinition(Writer& out, const ClassInterface& iface);
Result<ClassInterface> decodeDefinition(Reader& in);

}  // namespace doppel::wire
