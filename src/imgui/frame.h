// Frame: one ImGui frame's draw data as plain bytes, independent of ImGui's own structures (which
// are valid only until the next NewFrame). The encoder snapshots ImDrawData into it, the decoder
// rebuilds it, and tests compare two of them byte for byte.
//
// Vertices stay in ImDrawVert's layout (pos f32x2, uv f32x2, col u32: 20 bytes, little-endian) and
// indices are 16-bit, as Debian's libimgui 1.86 is built (house-style §3 #7); that is also what
// the viewer uploads to WebGL without conversion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace doppel::imgui {

constexpr std::size_t kVertexBytes = 20;
constexpr std::size_t kIndexBytes = 2;

struct DrawCmd {
  float clip[4] = {0, 0, 0, 0};  ///< x1, y1, x2, y2 in display coordinates
  std::uint32_t texture = 0;     ///< wire texture id (TextureCache)
  std::uint32_t vtxOffset = 0;
  std::uint32_t idxOffset = 0;
  std::uint32_t elemCount = 0;

  bool operator==(const DrawCmd&) const = default;
};

struct DrawList {
  std::vector<DrawCmd> cmds;
  std::string vtx;  ///< kVertexBytes per vertex
  std::string idx;  ///< kIndexBytes per index
  /// Server side only (not sent, not compared): a hash of the owner window's name, so the
  /// encoder diffs a list against the same window's list when a popup shifts the order.
  std::uint32_t key = 0;

  bool operator==(const DrawList& o) const { return cmds == o.cmds && vtx == o.vtx && idx == o.idx; }
};

struct Frame {
  std::uint32_t seq = 0;
  float displayPos[2] = {0, 0};
  float displaySize[2] = {0, 0};
  float fbScale[2] = {1, 1};
  std::vector<DrawList> lists;

  /// Same picture: everything but seq.
  bool sameContent(const Frame& other) const {
    return displayPos[0] == other.displayPos[0] && displayPos[1] == other.displayPos[1] &&
           displaySize[0] == other.displaySize[0] && displaySize[1] == other.displaySize[1] &&
           fbScale[0] == other.fbScale[0] && fbScale[1] == other.fbScale[1] &&
           lists == other.lists;
  }
  bool operator==(const Frame& other) const { return seq == other.seq && sameContent(other); }

  std::size_t rawBytes() const {
    std::size_t n = 0;
    for (const auto& l : lists) n += l.vtx.size() + l.idx.size() + l.cmds.size() * 32;
    return n;
  }
};

/// An RGBA8 or alpha-only texture as the application gave it.
struct Texture {
  enum class Format : std::uint8_t { Rgba8 = 0, Alpha8 = 1 };
  std::uint32_t id = 0;
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  Format format = Format::Rgba8;
  std::string pixels;

  std::size_t bytesPerPixel() const { return format == Format::Rgba8 ? 4 : 1; }
  bool operator==(const Texture&) const = default;
};

/// 64-bit FNV-1a: content hashes for textures and draw lists (not a security boundary).
std::uint64_t contentHash(const void* data, std::size_t size, std::uint64_t seed = 0xcbf29ce484222325ull);

}  // namespace doppel::imgui
