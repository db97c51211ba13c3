// Buffer patches: a new array of fixed-size elements (vertices, delta-coded indices) written as
// copies from the base array the viewer already holds and literal runs (docs/imgui-streaming.md
// §Frames).
//
// Encoding: varint element count, varint op count, then ops. An op is varint (len << 1 | copy):
//  - copy: varint source element in the base; `len` elements are copied from there.
//  - literal: len * elemSize bytes, XORed with the base elements at the predicted position (the
//    one after the previous op's source; zero past the base's end), stored byte plane by byte
//    plane (byte 0 of every element, then byte 1, ...). A vertex whose colour changed then
//    becomes zeros except in its colour plane, which deflate turns into almost nothing.
// The encoder finds copies with a hash of `block` elements at every position of the base
// (greedy, like LZ77 with the base as dictionary), so insertions and removals in the middle of a
// list cost only the elements that changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel::imgui {

class ByteReader;
class ByteWriter;

/// Appends the patch that turns `base` into `next` (both whole elements of elemSize bytes).
void encodePatch(std::string_view base, std::string_view next, std::size_t elemSize,
                 std::size_t block, ByteWriter& out);

/// Reads a patch and applies it to `base`; fails (Truncated, Malformed, LimitExceeded) without
/// reading outside the input or the base, before allocating more than maxElements elements.
Result<std::string> decodePatch(ByteReader& in, std::string_view base, std::size_t elemSize,
                                std::uint32_t maxElements);

/// Index buffers are diffed as wrapping 16-bit deltas between neighbours, so a run of quads keeps
/// its bytes when the vertices before it shift.
std::string deltaCodeIndices(std::string_view idx);
std::string undeltaIndices(std::string_view deltas);

}  // namespace doppel::imgui
