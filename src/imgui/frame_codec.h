// The stream's records (docs/imgui-streaming.md): what the server sends to the viewer, before
// compression, and the frame and texture encoders and decoders.
//
// Record envelope: u8 type, u32 payload length (little-endian), payload. The server's records
// form one deflate stream per connection (deflate.h); the viewer's records are sent plain.
//
// Frame payload: u32 seq, u32 base seq (0: key frame), f32 display pos x y, size w h,
// framebuffer scale x y, varint list count, then per list: varint base list + 1 (0: none, diff
// against empty), u8 flags (1: identical to the base list, nothing follows), then three patches
// (buffer_patch.h): commands as 32-byte records, vertices, indices as 16-bit deltas.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "doppel/result.h"

#include "imgui/frame.h"

namespace doppel::imgui {

constexpr std::uint16_t kProtocolVersion = 1;

/// Server to viewer.
enum class ServerRecord : std::uint8_t {
  Hello = 1,         ///< u16 version, u16 credits
  Texture = 2,       ///< texture payload (below)
  Frame = 3,         ///< frame payload (above)
  Cursor = 4,        ///< u8 ImGuiMouseCursor (-1 as 255: hidden)
  Clipboard = 5,     ///< UTF-8 text the application copied
  TextInput = 6,     ///< u8 wanted, f32 x, f32 y: show the keyboard / place the IME there
};

/// Bounds on what a frame or texture may claim before anything is allocated (DESIGN.md §5).
struct FrameLimits {
  std::uint32_t maxLists = 4096;
  std::uint32_t maxCmds = 1u << 16;         ///< per list
  std::uint32_t maxVertices = 1u << 20;     ///< per list (20 MiB)
  std::uint32_t maxIndices = 3u << 20;      ///< per list
  std::uint32_t maxTextureSide = 8192;
};

/// Record envelope.
void appendRecord(std::string& out, ServerRecord type, std::string_view payload);
/// Payload of a frame record: `frame` as a delta against `base` (nullptr: key frame). `baseList`
/// lists are matched by DrawList::key, else by position.
std::string encodeFrame(const Frame& frame, const Frame* base);
/// The base seq a frame payload names (0 for a key frame), to look the base up.
Result<std::uint32_t> frameBaseSeq(std::string_view payload);
/// Rebuilds the frame from its payload and its base (which must be the frame frameBaseSeq named,
/// or nullptr for a key frame). Commands are checked against their buffers.
Result<Frame> decodeFrame(std::string_view payload, const Frame* base, const FrameLimits& limits = {});

std::string encodeTexture(const Texture& texture);
Result<Texture> decodeTexture(std::string_view payload, const FrameLimits& limits = {});

}  // namespace doppel::imgui
