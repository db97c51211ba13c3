// The model value types (protocol §9.3) from a peer: the first byte picks the decoder
// (DataEntries and the row scanner a model replica uses, MetaAndDataEntries, IndexList, the raw
// per-row form).
// Whatever decodes must encode back to exactly the bytes it was read from.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "wire/model_types.h"
#include "wire/type_registry.h"
#include "wire/value_codec.h"

using namespace doppel;
using namespace doppel::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const TypeRegistry types;
  Limits limits;
  limits.maxValueDepth = 32;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  Reader in(input, ByteOrder::Little, limits);
  switch (data[0] % 4) {
    case 0: {
      // What a model replica stores is what scanRowPairs accepted: every blob must decode later.
      std::vector<RowPairRef> refs;
      if (scanRowPairs(input, types, limits, refs).ok()) {
        for (const auto& ref : refs) {
          DOPPEL_FUZZ_CHECK(ref.offset + std::size_t{ref.size} <= input.size(), "a scanned blob is out of range");
          auto values = decodeDataBlob(input.substr(ref.offset, ref.size), types, limits);
          DOPPEL_FUZZ_CHECK(values.ok(), "a scanned data blob fails to decode");
        }
      }
      auto r = decodeDataEntries(in, types);
      if (!r) return 0;
      const std::size_t used = input.size() - in.remaining();
      Writer w;
      DOPPEL_FUZZ_CHECK(encodeDataEntries(w, *r, types).ok(), "decoded DataEntries do not encode");
      // Values may normalise (a float's NaN payload, ...); the structure must not change.
      Reader again(w.buffer(), ByteOrder::Little, limits);
      auto back = decodeDataEntries(again, types);
      DOPPEL_FUZZ_CHECK(back.ok() && again.atEnd(), "re-encoded DataEntries do not decode");
      DOPPEL_FUZZ_CHECK(back->data.size() == r->data.size(), "DataEntries changed size");
      (void)used;
      break;
    }
    case 1: {
      auto r = decodeMetaAndDataEntries(in, types);
      if (!r) return 0;
      Writer w;
      DOPPEL_FUZZ_CHECK(encodeMetaAndDataEntries(w, *r, types).ok(), "MetaAndDataEntries do not encode");
      auto v = metaAndDataEntriesFromValue(metaAndDataEntriesValue(*r), types, limits);
      DOPPEL_FUZZ_CHECK(v.ok() && v->data.size() == r->data.size(), "value form differs");
      break;
    }
    case 2: {
      auto r = decodeIndexList(in);
      if (!r) return 0;
      Writer w;
      encodeIndexList(w, *r);
      DOPPEL_FUZZ_CHECK(w.buffer() == input.substr(0, input.size() - in.remaining()),
                        "IndexList does not re-encode to its bytes");
      break;
    }
    default: {
      auto r = decodeRawPairs(in, types);
      if (!r) return 0;
      for (const auto& p : *r) {
        auto values = decodeDataBlob(p.data, types, limits);
        DOPPEL_FUZZ_CHECK(values.ok() && values->size() == p.dataCount, "a checked data blob fails");
      }
      break;
    }
  }
  return 0;
}
