#include "imgui/frame_codec.h"

#include <cstring>
#include <unordered_map>

#include "imgui/buffer_patch.h"
#include "imgui/byte_io.h"

namespace doppel::imgui {

namespace {

constexpr std::size_t kCmdBytes = 32;
constexpr std::size_t kVertexBlock = 4;  // one quad
constexpr std::size_t kIndexBlock = 6;   // one quad's two triangles
constexpr std::uint8_t kSameAsBase = 1;

std::string packCmds(const std::vector<DrawCmd>& cmds) {
  std::string out(cmds.size() * kCmdBytes, '\0');
  char* p = out.data();
  for (const DrawCmd& c : cmds) {
    std::memcpy(p, c.clip, 16);
    std::memcpy(p + 16, &c.texture, 4);
    std::memcpy(p + 20, &c.vtxOffset, 4);
    std::memcpy(p + 24, &c.idxOffset, 4);
    std::memcpy(p + 28, &c.elemCount, 4);
    p += kCmdBytes;
  }
  return out;
}

std::vector<DrawCmd> unpackCmds(std::string_view bytes) {
  std::vector<DrawCmd> cmds(bytes.size() / kCmdBytes);
  const char* p = bytes.data();
  for (DrawCmd& c : cmds) {
    std::memcpy(c.clip, p, 16);
    std::memcpy(&c.texture, p + 16, 4);
    std::memcpy(&c.vtxOffset, p + 20, 4);
    std::memcpy(&c.idxOffset, p + 24, 4);
    std::memcpy(&c.elemCount, p + 28, 4);
    p += kCmdBytes;
  }
  return cmds;
}

/// For each list of `frame`, the index of the base list to diff against (-1: none).
std::vector<int> matchLists(const Frame& frame, const Frame* base) {
  std::vector<int> match(frame.lists.size(), -1);
  if (base == nullptr) return match;
  std::unordered_map<std::uint32_t, int> byKey;
  for (std::size_t j = 0; j < base->lists.size(); ++j)
    if (base->lists[j].key != 0) byKey.emplace(base->lists[j].key, static_cast<int>(j));
  for (std::size_t i = 0; i < frame.lists.size(); ++i) {
    const std::uint32_t key = frame.lists[i].key;
    if (key != 0) {
      const auto it = byKey.find(key);
      if (it != byKey.end()) {
        match[i] = it->second;
        continue;
      }
    }
    if (i < base->lists.size() && (key == 0 || base->lists[i].key == 0)) match[i] = static_cast<int>(i);
  }
  return match;
}

}  // namespace

void appendRecord(std::string& out, ServerRecord type, std::string_view payload) {
  ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(type));
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.bytes(payload);
}

std::string encodeFrame(const Frame& frame, const Frame* base) {
  std::string out;
  ByteWriter w(out);
  w.u32(frame.seq);
  w.u32(base != nullptr ? base->seq : 0);
  for (float v : {frame.displayPos[0], frame.displayPos[1], frame.displaySize[0],
                  frame.displaySize[1], frame.fbScale[0], frame.fbScale[1]})
    w.f32(v);
  w.varint(static_cast<std::uint32_t>(frame.lists.size()));
  const std::vector<int> match = matchLists(frame, base);
  static const DrawList kEmpty;
  for (std::size_t i = 0; i < frame.lists.size(); ++i) {
    const DrawList& list = frame.lists[i];
    const DrawList& from = match[i] >= 0 ? base->lists[static_cast<std::size_t>(match[i])] : kEmpty;
    w.varint(static_cast<std::uint32_t>(match[i] + 1));
    if (match[i] >= 0 && list == from) {
      w.u8(kSameAsBase);
      continue;
    }
    w.u8(0);
    encodePatch(packCmds(from.cmds), packCmds(list.cmds), kCmdBytes, 1, w);
    encodePatch(from.vtx, list.vtx, kVertexBytes, kVertexBlock, w);
    encodePatch(deltaCodeIndices(from.idx), deltaCodeIndices(list.idx), kIndexBytes, kIndexBlock, w);
  }
  return out;
}

Result<std::uint32_t> frameBaseSeq(std::string_view payload) {
  ByteReader r(payload);
  DOPPEL_IMGUI_TRY(seq, r.u32());
  (void)seq;
  return r.u32();
}

Result<Frame> decodeFrame(std::string_view payload, const Frame* base, const FrameLimits& limits) {
  ByteReader r(payload);
  Frame frame;
  DOPPEL_IMGUI_TRY(seq, r.u32());
  DOPPEL_IMGUI_TRY(baseSeq, r.u32());
  frame.seq = seq;
  if (baseSeq != 0 && (base == nullptr || base->seq != baseSeq))
    return makeError(ErrorCode::Malformed, "frame " + std::to_string(seq) + " needs base " +
                                               std::to_string(baseSeq) + ", which is not held", 4);
  if (baseSeq == 0) base = nullptr;
  for (float* v : {&frame.displayPos[0], &frame.displayPos[1], &frame.displaySize[0],
                   &frame.displaySize[1], &frame.fbScale[0], &frame.fbScale[1]}) {
    DOPPEL_IMGUI_TRY(f, r.f32());
    *v = f;
  }
  const std::size_t countAt = r.offset();
  DOPPEL_IMGUI_TRY(count, r.varint());
  if (count > limits.maxLists)
    return makeError(ErrorCode::LimitExceeded, std::to_string(count) + " draw lists", countAt);
  // Each list costs at least two bytes, so a count larger than the input is a lie.
  if (count > r.left()) return makeError(ErrorCode::Truncated, "list count past the end", countAt);
  frame.lists.resize(count);
  static const DrawList kEmpty;
  for (DrawList& list : frame.lists) {
    const std::size_t at = r.offset();
    DOPPEL_IMGUI_TRY(baseIndex, r.varint());
    if (baseIndex != 0 && (base == nullptr || baseIndex > base->lists.size()))
      return makeError(ErrorCode::Malformed, "base list " + std::to_string(baseIndex - 1) + " does not exist", at);
    const DrawList& from = baseIndex != 0 ? base->lists[baseIndex - 1] : kEmpty;
    DOPPEL_IMGUI_TRY(flags, r.u8());
    if (flags == kSameAsBase) {
      if (baseIndex == 0) return makeError(ErrorCode::Malformed, "identical to no list", at);
      list = from;
      continue;
    }
    if (flags != 0) return makeError(ErrorCode::Malformed, "unknown list flags", at);
    DOPPEL_IMGUI_TRY(cmdBytes, decodePatch(r, packCmds(from.cmds), kCmdBytes, limits.maxCmds));
    list.cmds = unpackCmds(cmdBytes);
    DOPPEL_IMGUI_TRY(vtx, decodePatch(r, from.vtx, kVertexBytes, limits.maxVertices));
    list.vtx = std::move(vtx);
    DOPPEL_IMGUI_TRY(idxDeltas, decodePatch(r, deltaCodeIndices(from.idx), kIndexBytes, limits.maxIndices));
    list.idx = undeltaIndices(idxDeltas);
    const std::size_t vtxCount = list.vtx.size() / kVertexBytes;
    const std::size_t idxCount = list.idx.size() / kIndexBytes;
    for (const DrawCmd& c : list.cmds) {
      if (c.elemCount == 0) continue;
      if (c.idxOffset > idxCount || c.elemCount > idxCount - c.idxOffset || c.vtxOffset >= vtxCount)
        return makeError(ErrorCode::Malformed, "draw command outside its buffers", at);
    }
  }
  if (!r.atEnd()) return makeError(ErrorCode::Malformed, "bytes after the last list", r.offset());
  return frame;
}

std::string encodeTexture(const Texture& texture) {
  std::string out;
  ByteWriter w(out);
  w.varint(texture.id);
  w.u16(texture.width);
  w.u16(texture.height);
  w.u8(static_cast<std::uint8_t>(texture.format));
  w.bytes(texture.pixels);
  return out;
}

Result<Texture> decodeTexture(std::string_view payload, const FrameLimits& limits) {
  ByteReader r(payload);
  Texture t;
  DOPPEL_IMGUI_TRY(id, r.varint());
  DOPPEL_IMGUI_TRY(width, r.u16());
  DOPPEL_IMGUI_TRY(height, r.u16());
  DOPPEL_IMGUI_TRY(format, r.u8());
  if (format > 1) return makeError(ErrorCode::Malformed, "unknown texture format", 0);
  if (width > limits.maxTextureSide || height > limits.maxTextureSide)
    return makeError(ErrorCode::LimitExceeded, "texture over the side limit", 0);
  t.id = id;
  t.width = width;
  t.height = height;
  t.format = static_cast<Texture::Format>(format);
  const std::size_t size = std::size_t{width} * height * t.bytesPerPixel();
  if (r.left() != size)
    return makeError(ErrorCode::Malformed, "texture holds " + std::to_string(r.left()) +
                                               " bytes, its size says " + std::to_string(size), r.offset());
  DOPPEL_IMGUI_TRY(pixels, r.bytes(size));
  t.pixels = std::string(pixels);
  return t;
}

std::uint64_t contentHash(const void* data, std::size_t size, std::uint64_t seed) {
  // FNV-1a over 8-byte words then the tail: fast enough to hash a font atlas every frame.
  std::uint64_t h = seed;
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

}  // namespace doppel::imgui
