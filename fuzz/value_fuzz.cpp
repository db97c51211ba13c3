// One QVariant from a peer, read in both byte orders (the connection is little-endian, nested
// blobs are big-endian). A value that decodes must encode, decode and encode to the same bytes.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "wire/child_value.h"
#include "wire/value_codec.h"

using namespace doppel;
using namespace doppel::wire;

namespace {

void registerSeedTypes(TypeRegistry& types) {
  types.registerGadget(GadgetDef{"MyPod", {{"a", "int"}, {"b", "QString"}}, {}});
  types.registerGadget(GadgetDef{
      "Po", {{"d", "Po::Dir"}, {"x", "int"}}, {EnumDef{"Dir", false, true, 1, {{"Up", 0}}}}});
  types.registerEnum("Lab::Mode", EnumDef{"Mode", false, false, 4, {{"Off", 0}}});
  types.registerEnum("Foo::E", EnumDef{"E", false, true, 2, {{"A", 0}}});
}

/// A QRO_ (child object) is opened as a node does: its definition and values blobs, then the
/// children nested in those values.
void openChildren(const Value& value, const TypeRegistry& types, const Limits& limits, int depth) {
  if (!isChildValue(value) || depth > 8) return;
  TypeRegistry scratch = types;  // definitions register their gadgets
  auto child = unpackChild(value, scratch, limits);
  if (!child) return;
  if (!child->isNull && child->kind != ChildKind::Gadget) {
    auto again = packChild(*child, scratch);
    DOPPEL_FUZZ_CHECK(again.ok(), "an opened child object does not pack");
  }
  for (const auto& v : child->values) openChildren(v, scratch, limits, depth + 1);
}

void roundTrip(std::string_view input,
               ByteOrder order,
               const TypeRegistry& types,
               const Limits& limits) {
  Reader in(input, order, limits);
  auto value = decodeVariant(in, types);
  if (!value) return;
  (void)value->debugString();
  openChildren(*value, types, limits, 0);
  Writer first(order);
  if (!encodeVariant(first, *value, types)) return;
  Reader again(first.buffer(), order, limits);
  auto second = decodeVariant(again, types);
  DOPPEL_FUZZ_CHECK(second.ok(), "a re-encoded value does not decode");
  DOPPEL_FUZZ_CHECK(again.atEnd(), "a re-encoded value leaves bytes over");
  Writer third(order);
  DOPPEL_FUZZ_CHECK(encodeVariant(third, *second, types).ok(), "re-encoding failed");
  DOPPEL_FUZZ_CHECK(first.buffer() == third.buffer(), "encoding is not stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Limits limits;
  limits.maxValueDepth = 32;
  TypeRegistry types;
  registerSeedTypes(types);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  roundTrip(input, ByteOrder::Little, types, limits);
  roundTrip(input, ByteOrder::Big, types, limits);
  return 0;
}
