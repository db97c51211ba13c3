// Bytes from a peer: FrameSplitter cuts frames, decodePacket parses each. A packet that decodes
// must encode again, and that encoding must decode and re-encode to the very same bytes.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "wire/frame_splitter.h"
#include "wire/packets.h"

using namespace doppel;
using namespace doppel::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Limits limits;
  limits.maxFrameBytes = 1u << 20;
  limits.maxValueDepth = 32;
  TypeRegistry types;
  FrameSplitter splitter(limits);
  auto onFrame = [&](std::string_view frame) {
    auto packet = decodePacket(frame, types, limits);
    if (!packet) return;
    std::string first;
    if (!encodePacket(first, *packet, types)) return;  // e.g. a QSQ_ typeName nobody knows
    auto again = decodePacket(std::string_view(first).substr(4), types, limits);
    DOPPEL_FUZZ_CHECK(again.ok(), "a re-encoded packet does not decode");
    std::string second;
    DOPPEL_FUZZ_CHECK(encodePacket(second, *again, types).ok(), "re-encoding failed");
    DOPPEL_FUZZ_CHECK(first == second, "encoding is not stable");
  };
  // Two chunks, so the buffering path runs too.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!splitter.feed(input.substr(0, size / 2), onFrame)) return 0;
  (void)splitter.feed(input.substr(size / 2), onFrame);
  return 0;
}
