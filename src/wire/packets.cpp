#include "wire/packets.h"

#include "wire/data_stream.h"
#include "wire/value_codec.h"

namespace doppel::wire {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr std::size_t kSizeFieldBytes = 4;
constexpr std::size_t kMinVariantBytes = 5;

// `r` with `context` put before its reason. By reference and a string_view: the success path
// (every packet) copies nothing.
Result<void> withContext(const Result<void>& r, std::string_view context) {
  if (r) return {};
  Error e = r.error();
  e.reason = std::string(context) + ": " + e.reason;
  return e;
}

Result<void> writeValues(Writer& w,
                         const std::vector<Value>& values,
                         const TypeRegistry& types,
                         const char* what) {
  w.u32(static_cast<std::uint32_t>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto r = encodeVariant(w, values[i], types);
    if (!r) return withContext(r, std::string(what) + " " + std::to_string(i));
  }
  return {};
}

void readValues(Reader& in, const TypeRegistry& types, std::vector<Value>& values) {
  const std::uint32_t n = in.count(kMinVariantBytes);
  values.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) values.push_back(decodeVariantValue(in, types));
}

// Definition block (protocol §6.2) ----------------------------------------------------------

void writeEnum(Writer& w, const EnumDef& e) {
  w.bytes(e.name);
  w.boolean(e.isFlag);
  w.boolean(e.isScoped);
  w.u32(e.size);
  w.i32(static_cast<std::int32_t>(e.keys.size()));
  for (const auto& [key, value] : e.keys) {
    w.bytes(key);
    w.i32(value);
  }
}

void writeNames(Writer& w, const std::vector<Parameter>& params) {
  w.u32(static_cast<std::uint32_t>(params.size()));
  for (const auto& p : params) w.bytes(p.name);
}

EnumDef readEnum(Reader& in) {
  EnumDef e;
  e.name = in.bytes().data;
  e.isFlag = in.boolean();
  e.isScoped = in.boolean();
  e.size = in.u32();
  if (e.size == 0) e.size = 4;  // Qt sends 0 before the enum's metatype exists (protocol §15.2)
  const std::uint32_t keys = in.count(8);
  e.keys.reserve(keys);
  for (std::uint32_t i = 0; i < keys && in.ok(); ++i) {
    std::string key = in.bytes().data;
    e.keys.emplace_back(std::move(key), in.i32());
  }
  return e;
}

std::vector<std::string> readNames(Reader& in) {
  const std::uint32_t n = in.count(4);
  std::vector<std::string> names;
  names.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) names.push_back(in.bytes().data);
  return names;
}

// "name(T1,T2)" into the name and parameter types (commas inside <> belong to the type).
void parseSignature(std::string_view signature,
                    const std::vector<std::string>& names,
                    std::string& name,
                    std::vector<Parameter>& params) {
  const auto open = signature.find('(');
  name = std::string(signature.substr(0, open));
  params.clear();
  if (open == std::string_view::npos) return;
  std::string_view inner = signature.substr(open + 1);
  if (!inner.empty() && inner.back() == ')') inner.remove_suffix(1);
  if (inner.empty()) return;
  int depth = 0;
  std::size_t start = 0;
  auto add = [&](std::string_view type) {
    Parameter p;
    p.type = std::string(type);
    if (params.size() < names.size()) p.name = names[params.size()];
    params.push_back(std::move(p));
  };
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '<') ++depth;
    if (inner[i] == '>') --depth;
    if (inner[i] == ',' && depth == 0) {
      add(inner.substr(start, i - start));
      start = i + 1;
    }
  }
  add(inner.substr(start));
}

int resolveNotify(const ClassInterface& c, const Text& notify) {
  if (notify.null || notify.data.empty()) return -1;
  for (std::size_t i = 0; i < c.signalDefs.size(); ++i) {
    if (c.signalDefs[i].signature() == notify.data) return static_cast<int>(i);
  }
  // Qt does not rename gadget containers in notify signatures (protocol §15.6): match the name.
  const std::string_view name = std::string_view(notify.data).substr(0, notify.data.find('('));
  for (std::size_t i = 0; i < c.signalDefs.size(); ++i) {
    if (c.signalDefs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Packet bodies -----------------------------------------------------------------------------

// Room for a typical frame of `packet`: the header, the object name as UTF-16 and a little for
// the fields and small values. Only a reservation hint: larger values grow the buffer as usual.
constexpr std::size_t kFixed = 64;  // size, type, name length, ints, one value header
constexpr std::size_t kPerValue = 24;

std::size_t estimatedFrameBytes(std::string_view name, std::size_t values) {
  return kFixed + 2 * name.size() + kPerValue * values;
}

std::size_t estimatedFrameBytes(const Packet& packet) {
  return std::visit(
      Overloaded{
          [](const Handshake& p) { return kFixed + 2 * p.version.size(); },
          [](const ObjectList& p) { return kFixed + kFixed * p.objects.size(); },
          [](const InitPacket& p) { return estimatedFrameBytes(p.name, p.values.size()); },
          [](const InitDynamicPacket& p) {
            return 7 * kFixed + estimatedFrameBytes(p.name, p.values.size());
          },
          [](const InvokePacket& p) { return estimatedFrameBytes(p.name, p.args.size()); },
          [](const auto& p) { return estimatedFrameBytes(p.name, 1); },
      },
      packet);
}

// The bodies of the two packets of every call, shared by the Packet and the typed encoders.
Result<void> writeInvokeBody(Writer& w, const InvokePacket& p, const TypeRegistry& types) {
  w.qstring(std::string_view(p.name));
  w.i32(static_cast<std::int32_t>(p.call));
  w.i32(p.index);
  auto r = writeValues(w, p.args, types, "InvokePacket argument");
  if (!r) return r;
  w.i32(p.serialId);
  w.i32(p.propertyIndex);
  return {};
}

Result<void> writeInvokeReplyBody(Writer& w,
                                  std::string_view name,
                                  std::int32_t serialId,
                                  const Value& value,
                                  const TypeRegistry& types) {
  w.qstring(name);
  w.i32(serialId);
  return withContext(encodeVariant(w, value, types), "InvokeReplyPacket value");
}

Result<void> writeBody(Writer& w, const Packet& packet, const TypeRegistry& types) {
  return std::visit(
      Overloaded{
          [&](const Handshake& p) -> Result<void> {
            w.qstring(std::string_view(p.version));
            return {};
          },
          [&](const InitPacket& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            return writeValues(w, p.values, types, "InitPacket property");
          },
          [&](const InitDynamicPacket& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            encodeDefinition(w, p.definition);
            return writeValues(w, p.values, types, "InitDynamicPacket property");
          },
          [&](const AddObject& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            w.boolean(p.isDynamic);
            return {};
          },
          [&](const RemoveObject& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            return {};
          },
          [&](const InvokePacket& p) { return writeInvokeBody(w, p, types); },
          [&](const InvokeReplyPacket& p) {
            return writeInvokeReplyBody(w, p.name, p.serialId, p.value, types);
          },
          [&](const PropertyChangePacket& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            w.i32(p.propertyIndex);
            return withContext(encodeVariant(w, p.value, types), "PropertyChangePacket value");
          },
          [&](const ObjectList& p) -> Result<void> {
            w.u32(static_cast<std::uint32_t>(p.objects.size()));
            for (const auto& o : p.objects) {
              w.qstring(std::string_view(o.name));
              w.qstring(o.typeName);
              w.bytes(o.signature);
            }
            return {};
          },
          [&](const Ping& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            return {};
          },
          [&](const Pong& p) -> Result<void> {
            w.qstring(std::string_view(p.name));
            return {};
          },
      },
      packet);
}

// Appends one frame: the size field, the type and what `writeBody(Writer&)` writes, then patches
// the size. On failure `out` is left as it was.
template <class Body>
Result<void> encodeFrame(std::string& out, PacketType type, std::size_t estimate, Body&& writeBody) {
  const std::size_t start = out.size();
  // One allocation up front instead of regrowing as fields are appended; reserve keeps the
  // geometric growth when many frames go into one buffer.
  out.reserve(start + estimate);
  Writer w(out, ByteOrder::Little);
  w.u32(0);  // size, patched below
  w.u16(static_cast<std::uint16_t>(type));
  auto r = writeBody(w);
  if (!r) {
    out.resize(start);
    return r;
  }
  const std::size_t size = out.size() - start - kSizeFieldBytes;
  if (size > 0xFFFFFFFFu) {
    out.resize(start);
    return makeError(ErrorCode::LimitExceeded, "a frame cannot hold more than 4 GiB");
  }
  w.patchU32(start, static_cast<std::uint32_t>(size));
  return {};
}

// The packet of type T in `out`: the one already there (its strings and vectors keep their
// capacity) or a new one.
template <class T>
T& reuseOrEmplace(Packet& out) {
  if (auto* p = std::get_if<T>(&out)) return *p;
  return out.emplace<T>();
}

// Every field is assigned: a reused packet keeps nothing of the previous frame but capacity.
void readInvoke(Reader& in, const TypeRegistry& types, InvokePacket& p) {
  in.qstring(p.name);
  p.call = static_cast<InvokeCall>(in.i32());
  p.index = in.i32();
  p.args.clear();
  readValues(in, types, p.args);
  p.serialId = in.i32();
  p.propertyIndex = in.i32();
}

void readInvokeReply(Reader& in, const TypeRegistry& types, InvokeReplyPacket& p) {
  in.qstring(p.name);
  p.serialId = in.i32();
  p.value = decodeVariantValue(in, types);
}

// Fills `out` in place (each packet type is built once, not moved through temporaries); errors
// are left in `in`.
void readBody(Reader& in, PacketType type, TypeRegistry& types, Packet& out) {
  // The packets of every call reuse what `out` holds.
  if (type == PacketType::InvokePacket) return readInvoke(in, types, reuseOrEmplace<InvokePacket>(out));
  if (type == PacketType::InvokeReplyPacket) {
    return readInvokeReply(in, types, reuseOrEmplace<InvokeReplyPacket>(out));
  }
  // Every other type but ObjectList carries the object name first.
  std::string name = type == PacketType::ObjectList ? std::string() : in.qstring().data;
  switch (type) {
    case PacketType::Handshake:
      out.emplace<Handshake>().version = std::move(name);
      return;
    case PacketType::InitPacket: {
      auto& p = out.emplace<InitPacket>();
      p.name = std::move(name);
      readValues(in, types, p.values);
      return;
    }
    case PacketType::InitDynamicPacket: {
      auto& p = out.emplace<InitDynamicPacket>();
      p.name = std::move(name);
      auto def = decodeDefinition(in);
      if (!def) return;
      p.definition = std::move(def).value();
      // The values may be gadgets this definition declares.
      types.registerInterface(p.definition);
      readValues(in, types, p.values);
      return;
    }
    case PacketType::AddObject: {
      auto& p = out.emplace<AddObject>();
      p.name = std::move(name);
      p.isDynamic = in.boolean();
      return;
    }
    case PacketType::RemoveObject:
      out.emplace<RemoveObject>().name = std::move(name);
      return;
    case PacketType::InvokePacket:
    case PacketType::InvokeReplyPacket:  // read above, before the name
      return;
    case PacketType::PropertyChangePacket: {
      auto& p = out.emplace<PropertyChangePacket>();
      p.name = std::move(name);
      p.propertyIndex = in.i32();
      p.value = decodeVariantValue(in, types);
      return;
    }
    case PacketType::ObjectList: {
      auto& p = out.emplace<ObjectList>();
      const std::uint32_t n = in.count(12);
      p.objects.reserve(n);
      for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
        ObjectInfo o;
        o.name = in.qstring().data;
        o.typeName = in.qstring();
        o.signature = in.bytes();
        p.objects.push_back(std::move(o));
      }
      return;
    }
    case PacketType::Ping:
      out.emplace<Ping>().name = std::move(name);
      return;
    case PacketType::Pong:
      out.emplace<Pong>().name = std::move(name);
      return;
    case PacketType::Invalid:
      break;
  }
}

}  // namespace

const char* packetTypeName(PacketType type) {
  switch (type) {
    case PacketType::Invalid:
      return "Invalid";
    case PacketType::Handshake:
      return "Handshake";
    case PacketType::InitPacket:
      return "InitPacket";
    case PacketType::InitDynamicPacket:
      return "InitDynamicPacket";
    case PacketType::AddObject:
      return "AddObject";
    case PacketType::RemoveObject:
      return "RemoveObject";
    case PacketType::InvokePacket:
      return "InvokePacket";
    case PacketType::InvokeReplyPacket:
      return "InvokeReplyPacket";
    case PacketType::PropertyChangePacket:
      return "PropertyChangePacket";
    case PacketType::ObjectList:
      return "ObjectList";
    case PacketType::Ping:
      return "Ping";
    case PacketType::Pong:
      return "Pong";
  }
  return "Unknown";
}

PacketType packetType(const Packet& packet) {
  return std::visit(
      Overloaded{
          [](const Handshake&) { return PacketType::Handshake; },
          [](const InitPacket&) { return PacketType::InitPacket; },
          [](const InitDynamicPacket&) { return PacketType::InitDynamicPacket; },
          [](const AddObject&) { return PacketType::AddObject; },
          [](const RemoveObject&) { return PacketType::RemoveObject; },
          [](const InvokePacket&) { return PacketType::InvokePacket; },
          [](const InvokeReplyPacket&) { return PacketType::InvokeReplyPacket; },
          [](const PropertyChangePacket&) { return PacketType::PropertyChangePacket; },
          [](const ObjectList&) { return PacketType::ObjectList; },
          [](const Ping&) { return PacketType::Ping; },
          [](const Pong&) { return PacketType::Pong; },
      },
      packet);
}

Result<void> encodePacket(std::string& out, const Packet& packet, const TypeRegistry& types) {
  return encodeFrame(out, packetType(packet), estimatedFrameBytes(packet),
                     [&](Writer& w) { return writeBody(w, packet, types); });
}

Result<void> encodePacket(std::string& out, const InvokePacket& packet, const TypeRegistry& types) {
  return encodeFrame(out, PacketType::InvokePacket,
                     estimatedFrameBytes(packet.name, packet.args.size()),
                     [&](Writer& w) { return writeInvokeBody(w, packet, types); });
}

Result<void> encodeInvokeReply(std::string& out,
                               std::string_view name,
                               std::int32_t serialId,
                               const Value& value,
                               const TypeRegistry& types) {
  return encodeFrame(out, PacketType::InvokeReplyPacket, estimatedFrameBytes(name, 1),
                     [&](Writer& w) { return writeInvokeReplyBody(w, name, serialId, value, types); });
}

Result<void> decodePacketInto(std::string_view frame,
                              TypeRegistry& types,
                              const Limits& limits,
                              Packet& out) {
  Reader in(frame, ByteOrder::Little, limits, kSizeFieldBytes);
  const std::uint16_t raw = in.u16();
  if (!in.ok()) return in.takeError();
  if (raw == 0 || raw > static_cast<std::uint16_t>(PacketType::Pong)) {
    return makeError(ErrorCode::Malformed, "unknown packet type " + std::to_string(raw),
                     kSizeFieldBytes);
  }
  const auto type = static_cast<PacketType>(raw);
  readBody(in, type, types, out);
  if (!in.ok()) {
    Error e = in.takeError();
    e.reason = std::string(packetTypeName(type)) + ": " + e.reason;
    return e;
  }
  if (!in.atEnd()) {
    return makeError(ErrorCode::Malformed,
                     std::to_string(in.remaining()) + " trailing bytes after the " +
                         packetTypeName(type) + " body",
                     in.offset());
  }
  return {};
}

Result<Packet> decodePacket(std::string_view frame, TypeRegistry& types, const Limits& limits) {
  // The packet is decoded straight into the result, the one object every path returns (so the
  // compiler constructs it in the caller: no moves of the packet on the success path).
  Result<Packet> result{Packet{Ping{}}};  // a cheap placeholder until readBody sets the type
  if (auto r = decodePacketInto(frame, types, limits, result.value()); !r) result = r.error();
  return result;
}

void encodeDefinition(Writer& out, const ClassInterface& iface) {
  if (iface.typeName.empty()) {
    out.nullQString();
  } else {
    out.qstring(std::string_view(iface.typeName));
  }
  out.u32(static_cast<std::uint32_t>(iface.enums.size()));
  for (const auto& e : iface.enums) writeEnum(out, e);

  out.u32(static_cast<std::uint32_t>(iface.qtEnums.size()));
  for (const auto& q : iface.qtEnums) out.bytes(q);
  out.u32(static_cast<std::uint32_t>(iface.gadgets.size()));
  for (const auto& g : iface.gadgets) {
    out.bytes(g.name);
    out.u32(static_cast<std::uint32_t>(g.properties.size()));
    for (const auto& p : g.properties) {
      out.bytes(p.name);
      out.bytes(p.type);
    }
    out.u32(static_cast<std::uint32_t>(g.enums.size()));
    for (const auto& e : g.enums) writeEnum(out, e);
  }

  out.u32(static_cast<std::uint32_t>(iface.signalDefs.size()));
  for (const auto& s : iface.signalDefs) {
    out.bytes(s.signature());
    writeNames(out, s.params);
  }
  out.u32(static_cast<std::uint32_t>(iface.methods.size()));
  for (const auto& m : iface.methods) {
    out.bytes(m.signature());
    out.bytes(m.returnType);
    writeNames(out, m.params);
  }
  out.u32(static_cast<std::uint32_t>(iface.properties.size()));
  for (const auto& p : iface.properties) {
    out.cstring(p.name);  // NUL-terminated, unlike every other string here (protocol §6.2)
    out.cstring(p.type);
    const bool hasNotify =
        p.notifySignal >= 0 && static_cast<std::size_t>(p.notifySignal) < iface.signalDefs.size();
    if (hasNotify) {
      out.bytes(iface.signalDefs[static_cast<std::size_t>(p.notifySignal)].signature());
    } else {
      out.nullBytes();
    }
  }
}

Result<ClassInterface> decodeDefinition(Reader& in) {
  ClassInterface c;
  c.typeName = in.qstring().data;

  std::uint32_t n = in.count(14);
  c.enums.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) c.enums.push_back(readEnum(in));

  n = in.count(4);
  c.qtEnums.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) c.qtEnums.push_back(in.bytes().data);
  n = in.count(12);
  c.gadgets.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    GadgetDef g;
    g.name = in.bytes().data;
    const std::uint32_t props = in.count(8);
    g.properties.reserve(props);
    for (std::uint32_t k = 0; k < props && in.ok(); ++k) {
      Parameter p;
      p.name = in.bytes().data;
      p.type = in.bytes().data;
      g.properties.push_back(std::move(p));
    }
    const std::uint32_t enums = in.count(14);
    g.enums.reserve(enums);
    for (std::uint32_t k = 0; k < enums && in.ok(); ++k) g.enums.push_back(readEnum(in));
    c.gadgets.push_back(std::move(g));
  }

  n = in.count(8);
  c.signalDefs.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    const std::string signature = in.bytes().data;
    const auto names = readNames(in);
    SignalDef s;
    parseSignature(signature, names, s.name, s.params);
    c.signalDefs.push_back(std::move(s));
  }
  n = in.count(12);
  c.methods.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    const std::string signature = in.bytes().data;
    MethodDef m;
    m.returnType = in.bytes().data;
    const auto names = readNames(in);
    parseSignature(signature, names, m.name, m.params);
    c.methods.push_back(std::move(m));
  }
  n = in.count(12);
  c.properties.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    PropertyDef p;
    p.name = in.cstring();
    p.type = in.cstring();
    const Text notify = in.bytes();
    // No access flags travel (protocol §6.2); Qt's dynamic replica treats all as writable.
    p.mode = PropertyMode::ReadWrite;
    p.notifySignal = resolveNotify(c, notify);
    c.properties.push_back(std::move(p));
  }
  if (!in.ok()) return in.error();
  return c;
}

}  // namespace doppel::wire
