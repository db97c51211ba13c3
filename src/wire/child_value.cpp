#include "wire/child_value.h"

#include "wire/packets.h"
#include "wire/qtro_types.h"
#include "wire/value_codec.h"

namespace doppel::wire {

namespace {

// QRO_ fields as the codec's opaque value holds them (decodeQro in value_codec.cpp).
enum Field : std::size_t { kName, kTypeName, kType, kDefinition, kIsNull, kParameters, kFields };

const Text* textAt(const Value::List& items, std::size_t i) { return items[i].get<Text>(); }

constexpr std::size_t kMinVariantBytes = 5;  // an invalid QVariant

/// The GADGET form's definition (protocol §3.3): u32 0, u32 1, one gadget record whose property
/// count is an i32. Enums inside such a gadget are not supported (Qt sends none for PODs).
Result<GadgetDef> readGadgetDefinition(Reader& in) {
  const std::uint32_t qtEnums = in.u32();
  const std::uint32_t gadgets = in.u32();
  if (in.ok() && (qtEnums != 0 || gadgets != 1)) {
    in.fail(ErrorCode::Malformed, "a gadget QRO_ must describe exactly one gadget");
  }
  GadgetDef g;
  g.name = in.bytes().data;
  const std::uint32_t props = in.count(8);
  for (std::uint32_t i = 0; i < props && in.ok(); ++i) {
    Parameter p;
    p.name = in.bytes().data;
    p.type = in.bytes().data;
    g.properties.push_back(std::move(p));
  }
  if (in.ok() && in.u32() != 0) in.fail(ErrorCode::NotSupported, "enums inside a gadget QRO_");
  if (in.ok() && !in.atEnd()) in.fail(ErrorCode::Malformed, "trailing bytes after a gadget QRO_ definition");
  if (!in.ok()) return in.error();
  return g;
}

}  // namespace

bool isChildValue(const Value& value) { return value.typeName() == detail::kQroName; }

Result<ChildValue> unpackChild(const Value& qro, TypeRegistry& types, const Limits& limits) {
  const auto* items = qro.get<Value::List>();
  if (!isChildValue(qro) || items == nullptr || items->size() != kFields ||
      textAt(*items, kName) == nullptr || textAt(*items, kTypeName) == nullptr ||
      textAt(*items, kDefinition) == nullptr || textAt(*items, kParameters) == nullptr) {
    return makeError(ErrorCode::WrongType, "not a QRO_ value");
  }
  ChildValue out;
  out.name = textAt(*items, kName)->data;
  out.typeName = textAt(*items, kTypeName)->data;
  const auto kind = (*items)[kType].toUInt();
  if (kind > static_cast<std::uint64_t>(ChildKind::Gadget)) {
    return makeError(ErrorCode::Malformed, "QRO_ \"" + out.name + "\" has unknown type " +
                                               std::to_string(kind));
  }
  out.kind = static_cast<ChildKind>(kind);
  out.isNull = (*items)[kIsNull].toBool();
  const Text& definition = *textAt(*items, kDefinition);
  const Text& parameters = *textAt(*items, kParameters);

  if (out.kind == ChildKind::Gadget) {
    Reader def(definition.data, ByteOrder::Big, limits);
    auto gadget = readGadgetDefinition(def);
    if (!gadget) return gadget.error();
    types.registerGadget(*gadget);
    Reader in(parameters.data, ByteOrder::Big, limits);
    auto v = decodeVariant(in, types);
    if (!v) return v.error();
    if (!in.atEnd()) return makeError(ErrorCode::Malformed, "trailing bytes in a gadget QRO_");
    out.isNull = false;
    out.values.push_back(std::move(v).value());
    return out;
  }

  if (!definition.null && !definition.data.empty()) {
    Reader def(definition.data, ByteOrder::Big, limits);
    auto iface = decodeDefinition(def);
    if (!iface) return iface.error();
    if (!def.atEnd()) {
      return makeError(ErrorCode::Malformed, std::to_string(def.remaining()) +
                                                 " trailing bytes in the definition of \"" +
                                                 out.name + "\"");
    }
    types.registerInterface(*iface);
    out.definition = std::move(iface).value();
  }
  if (out.isNull) return out;
  Reader in(parameters.data, ByteOrder::Big, limits);
  const std::uint32_t n = in.count(kMinVariantBytes);  // an i32 on the wire; negative is absurd
  out.values.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    auto v = decodeVariant(in, types);
    if (!v) return v.error();
    out.values.push_back(std::move(v).value());
  }
  if (!in.ok()) return in.error();
  if (!in.atEnd()) {
    return makeError(ErrorCode::Malformed, std::to_string(in.remaining()) +
                                               " trailing bytes in the values of \"" + out.name +
                                               "\"");
  }
  return out;
}

Result<Value> packChild(const ChildValue& child, const TypeRegistry& types) {
  Value::List items;
  items.reserve(kFields);
  items.push_back(Value::string(child.name));
  items.push_back(Value::string(child.typeName));
  items.push_back(Value::uint8(static_cast<std::uint8_t>(child.kind)));
  if (child.definition) {
    Writer def(ByteOrder::Big);
    encodeDefinition(def, *child.definition);
    items.push_back(Value::bytes(def.buffer()));
  } else {
    items.push_back(Value::nullBytes());
  }
  items.push_back(Value::boolean(child.isNull));
  if (child.isNull) {
    items.push_back(Value::nullBytes());
  } else {
    Writer params(ByteOrder::Big);
    params.i32(static_cast<std::int32_t>(child.values.size()));
    for (const auto& v : child.values) {
      if (auto r = encodeVariant(params, v, types); !r) return r.error();
    }
    items.push_back(Value::bytes(params.buffer()));
  }
  return Value::userList(std::string(detail::kQroName), std::move(items));
}

}  // namespace doppel::wire
