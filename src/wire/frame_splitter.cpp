#include "wire/frame_splitter.h"

#include <cstdint>

namespace doppel::wire {
namespace {

constexpr std::size_t kSizeFieldBytes = 4;
constexpr std::uint32_t kPacketTypeBytes = 2;

std::uint32_t loadLe32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
         (std::uint32_t{b[3]} << 24);
}

}  // namespace

Result<void> FrameSplitter::feed(std::string_view bytes,
                                 const std::function<void(std::string_view frame)>& onFrame) {
  // With nothing buffered, frames are handed out straight from `bytes` (no copy); only an
  // incomplete tail is kept.
  const bool direct = m_consumed == m_buffer.size();
  if (direct) {
    m_buffer.clear();
    m_consumed = 0;
  } else {
    m_buffer.append(bytes);
  }
  const std::string_view data = direct ? bytes : std::string_view(m_buffer).substr(m_consumed);

  std::size_t pos = 0;
  Result<void> result;
  while (data.size() - pos >= kSizeFieldBytes) {
    const std::uint32_t size = loadLe32(data.data() + pos);
    if (size > m_limits.maxFrameBytes) {
      result = makeError(ErrorCode::LimitExceeded,
                         "frame size " + std::to_string(size) + " exceeds the limit of " +
                             std::to_string(m_limits.maxFrameBytes) + " bytes");
      break;
    }
    if (size < kPacketTypeBytes) {
      result = makeError(ErrorCode::Malformed, "frame size " + std::to_string(size) +
                                                   " is smaller than the 2-byte packet type");
      break;
    }
    if (data.size() - pos - kSizeFieldBytes < size) break;
    onFrame(data.substr(pos + kSizeFieldBytes, size));
    pos += kSizeFieldBytes + size;
  }

  // Keep what was not consumed. After an error the offending size stays at the front, so a
  // later feed reports the same error: the stream cannot be resynchronised.
  if (direct) {
    if (pos != data.size()) m_buffer.assign(data.substr(pos));  // it was cleared above
  } else {
    m_consumed += pos;
    if (m_consumed == m_buffer.size()) {
      m_buffer.clear();
      m_consumed = 0;
    } else if (m_consumed > m_buffer.size() / 2) {
      m_buffer.erase(0, m_consumed);
      m_consumed = 0;
    }
  }
  return result;
}

}  // namespace doppel::wire
