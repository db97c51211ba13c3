// Bytes as a streamed frame or texture record (src/imgui/frame_codec.h), decoded as the viewer
// does: against a small base frame, then as a key frame. A frame that decodes must encode again
// (against the same base) to a payload that decodes to the same frame.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "imgui/frame_codec.h"

using namespace doppel::imgui;

namespace {
Frame baseFrame() {
  Frame f;
  f.seq = 1;
  f.displaySize[0] = 100;
  f.displaySize[1] = 100;
  DrawList list;
  list.vtx = std::string(8 * kVertexBytes, '\x01');
  list.idx = std::string(12 * kIndexBytes, '\0');
  DrawCmd cmd;
  cmd.elemCount = 12;
  cmd.texture = 1;
  list.cmds.push_back(cmd);
  f.lists.push_back(list);
  f.lists.push_back(list);
  return f;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const Frame base = baseFrame();
  FrameLimits limits;
  limits.maxVertices = 1u << 16;
  limits.maxIndices = 1u << 17;
  limits.maxCmds = 1u << 12;
  for (const Frame* b : {&base, static_cast<const Frame*>(nullptr)}) {
    auto frame = decodeFrame(input, b, limits);
    if (!frame) continue;
    const Frame* used = frameBaseSeq(input).value() != 0 ? b : nullptr;
    auto again = decodeFrame(encodeFrame(*frame, used), used, limits);
    DOPPEL_FUZZ_CHECK(again.ok(), "a re-encoded frame does not decode");
    // Bytes, not ==: a NaN the fuzzer wrote is never equal to itself.
    DOPPEL_FUZZ_CHECK(encodeFrame(*again, used) == encodeFrame(*frame, used), "re-encoding changed the frame");
  }
  auto texture = decodeTexture(input, limits);
  if (texture) {
    auto again = decodeTexture(encodeTexture(*texture), limits);
    DOPPEL_FUZZ_CHECK(again.ok() && *again == *texture, "texture does not round-trip");
  }
  return 0;
}
