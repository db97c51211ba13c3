#include "imgui/buffer_patch.h"

#include <cstring>
#include <unordered_map>
#include <vector>

#include "imgui/byte_io.h"
#include "imgui/frame.h"

namespace doppel::imgui {

namespace {

struct Op {
  bool copy = false;
  std::size_t start = 0;  ///< copy: source element in base; literal: first element in next
  std::size_t len = 0;
};

bool sameElements(std::string_view a, std::size_t ia, std::string_view b, std::size_t ib,
                  std::size_t elemSize) {
  return std::memcmp(a.data() + ia * elemSize, b.data() + ib * elemSize, elemSize) == 0;
}

void writeLiteral(std::string_view base, std::string_view next, std::size_t elemSize,
                  std::size_t first, std::size_t len, std::size_t pred, ByteWriter& out) {
  const std::size_t baseCount = base.size() / elemSize;
  std::string& o = out.out();
  const std::size_t at = o.size();
  o.resize(at + len * elemSize);
  char* dst = o.data() + at;
  for (std::size_t b = 0; b < elemSize; ++b) {
    for (std::size_t e = 0; e < len; ++e) {
      char v = next[(first + e) * elemSize + b];
      if (pred + e < baseCount) v = static_cast<char>(v ^ base[(pred + e) * elemSize + b]);
      *dst++ = v;
    }
  }
}

}  // namespace

void encodePatch(std::string_view base, std::string_view next, std::size_t elemSize,
                 std::size_t block, ByteWriter& out) {
  const std::size_t n = next.size() / elemSize;
  const std::size_t m = base.size() / elemSize;

  // Common prefix and suffix first: most of a changed list is untouched, and only the middle
  // needs the hash search.
  std::size_t prefix = 0;
  while (prefix < n && prefix < m && sameElements(next, prefix, base, prefix, elemSize)) ++prefix;
  std::size_t suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix &&
         sameElements(next, n - 1 - suffix, base, m - 1 - suffix, elemSize))
    ++suffix;

  std::vector<Op> ops;
  if (prefix > 0) ops.push_back({true, 0, prefix});

  const std::size_t midEnd = n - suffix;
  const std::size_t baseMidEnd = m - suffix;
  std::unordered_map<std::uint64_t, std::size_t> index;
  const std::size_t blockBytes = block * elemSize;
  if (baseMidEnd >= prefix + block && midEnd >= prefix + block) {
    index.reserve(baseMidEnd - prefix);
    // Later positions overwrite earlier ones, so the table keeps the first occurrence by
    // walking backwards: earlier copies keep the predicted position moving forward.
    for (std::size_t p = baseMidEnd - block + 1; p-- > prefix;)
      index[contentHash(base.data() + p * elemSize, blockBytes)] = p;
  }

  std::size_t pred = prefix;
  std::size_t i = prefix;
  std::size_t litStart = prefix;
  const auto flushLiteral = [&](std::size_t end) {
    if (end > litStart) {
      ops.push_back({false, litStart, end - litStart});
      pred += end - litStart;
    }
  };
  while (i < midEnd) {
    std::size_t src = 0;
    std::size_t len = 0;
    if (pred < m && sameElements(next, i, base, pred, elemSize)) {
      src = pred;
      while (i + len < midEnd && src + len < m && sameElements(next, i + len, base, src + len, elemSize))
        ++len;
      if (len < 2) len = 0;  // a single element is as cheap as an all-zero literal
    }
    if (len == 0 && !index.empty() && i + block <= midEnd) {
      const auto it = index.find(contentHash(next.data() + i * elemSize, blockBytes));
      if (it != index.end() &&
          std::memcmp(base.data() + it->second * elemSize, next.data() + i * elemSize, blockBytes) == 0) {
        src = it->second;
        len = block;
        while (i + len < midEnd && src + len < m && sameElements(next, i + len, base, src + len, elemSize))
          ++len;
      }
    }
    if (len == 0) {
      ++i;
      continue;
    }
    flushLiteral(i);
    ops.push_back({true, src, len});
    pred = src + len;
    i += len;
    litStart = i;
  }
  flushLiteral(midEnd);
  if (suffix > 0) ops.push_back({true, m - suffix, suffix});

  out.varint(static_cast<std::uint32_t>(n));
  out.varint(static_cast<std::uint32_t>(ops.size()));
  std::size_t p = 0;
  for (const Op& op : ops) {
    out.varint(static_cast<std::uint32_t>(op.len << 1 | (op.copy ? 1u : 0u)));
    if (op.copy) {
      out.varint(static_cast<std::uint32_t>(op.start));
      p = op.start + op.len;
    } else {
      writeLiteral(base, next, elemSize, op.start, op.len, p, out);
      p += op.len;
    }
  }
}

Result<std::string> decodePatch(ByteReader& in, std::string_view base, std::size_t elemSize,
                                std::uint32_t maxElements) {
  const std::size_t m = base.size() / elemSize;
  const std::size_t at = in.offset();
  DOPPEL_IMGUI_TRY(n, in.varint());
  if (n > maxElements)
    return makeError(ErrorCode::LimitExceeded,
                     std::to_string(n) + " elements, over the limit of " + std::to_string(maxElements), at);
  DOPPEL_IMGUI_TRY(opCount, in.varint());
  if (opCount > n) return makeError(ErrorCode::Malformed, "more ops than elements", at);
  // Every literal element needs elemSize input bytes, so a huge count with a short input fails
  // at the first literal, before anything of that size is allocated.
  std::string out;
  out.resize(static_cast<std::size_t>(n) * elemSize);
  std::size_t produced = 0;
  std::size_t pred = 0;
  for (std::uint32_t k = 0; k < opCount; ++k) {
    const std::size_t opAt = in.offset();
    DOPPEL_IMGUI_TRY(tag, in.varint());
    const std::size_t len = tag >> 1;
    if (len == 0 || len > n - produced)
      return makeError(ErrorCode::Malformed, "op length " + std::to_string(len) + " does not fit", opAt);
    char* dst = out.data() + produced * elemSize;
    if ((tag & 1u) != 0) {
      DOPPEL_IMGUI_TRY(src, in.varint());
      if (src > m || len > m - src)
        return makeError(ErrorCode::Malformed, "copy past the end of the base", opAt);
      std::memcpy(dst, base.data() + static_cast<std::size_t>(src) * elemSize, len * elemSize);
      pred = src + len;
    } else {
      DOPPEL_IMGUI_TRY(planes, in.bytes(len * elemSize));
      for (std::size_t b = 0; b < elemSize; ++b) {
        for (std::size_t e = 0; e < len; ++e) {
          char v = planes[b * len + e];
          if (pred + e < m) v = static_cast<char>(v ^ base[(pred + e) * elemSize + b]);
          dst[e * elemSize + b] = v;
        }
      }
      pred += len;
    }
    produced += len;
  }
  if (produced != n)
    return makeError(ErrorCode::Malformed,
                     "ops cover " + std::to_string(produced) + " of " + std::to_string(n) + " elements",
                     in.offset());
  return out;
}

std::string deltaCodeIndices(std::string_view idx) {
  std::string out(idx.size(), '\0');
  std::uint16_t prev = 0;
  for (std::size_t i = 0; i + 1 < idx.size(); i += 2) {
    std::uint16_t v = 0;
    std::memcpy(&v, idx.data() + i, 2);
    const auto d = static_cast<std::uint16_t>(v - prev);
    std::memcpy(out.data() + i, &d, 2);
    prev = v;
  }
  return out;
}

std::string undeltaIndices(std::string_view deltas) {
  std::string out(deltas.size(), '\0');
  std::uint16_t prev = 0;
  for (std::size_t i = 0; i + 1 < deltas.size(); i += 2) {
    std::uint16_t d = 0;
    std::memcpy(&d, deltas.data() + i, 2);
    prev = static_cast<std::uint16_t>(prev + d);
    std::memcpy(out.data() + i, &prev, 2);
  }
  return out;
}

}  // namespace doppel::imgui
