// An interface definition from a peer (InitDynamicPacket, or a QRO_ classDefinition blob), in
// both byte orders. A definition that decodes is registered and its property types are resolved,
// as a dynamic replica does; its encoding must be stable.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "wire/packets.h"
#include "wire/value_codec.h"

using namespace doppel;
using namespace doppel::wire;

namespace {

void check(std::string_view input, ByteOrder order, const Limits& limits) {
  Reader in(input, order, limits);
  auto def = decodeDefinition(in);
  if (!def) return;
  TypeRegistry types;
  types.registerInterface(*def);
  for (const auto& p : def->properties) {
    const Value v = defaultValueFor(p.type, types);
    (void)matchesType(v, p.type, types);
    Writer w;
    (void)encodeVariant(w, v, types);
  }
  for (const auto& s : def->signalDefs) (void)def->signalIndex(s.signature());
  Writer first(order);
  encodeDefinition(first, *def);
  Reader again(first.buffer(), order, limits);
  auto second = decodeDefinition(again);
  DOPPEL_FUZZ_CHECK(second.ok(), "a re-encoded definition does not decode");
  DOPPEL_FUZZ_CHECK(again.atEnd(), "a re-encoded definition leaves bytes over");
  Writer third(order);
  encodeDefinition(third, *second);
  DOPPEL_FUZZ_CHECK(first.buffer() == third.buffer(), "definition encoding is not stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Limits limits;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, ByteOrder::Little, limits);
  check(input, ByteOrder::Big, limits);
  return 0;
}
