// Cuts a byte stream into frames by their u32 size field. Unlike Qt's reader it never trusts a
// size over Limits::maxFrameBytes: that is a protocol error and the connection must close.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "doppel/limits.h"
#include "doppel/result.h"

namespace doppel::wire {

class FrameSplitter {
public:
  explicit FrameSplitter(const Limits& limits) : m_limits(limits) {}

  /// Appends `bytes` and calls `onFrame` with the bytes after the size field of each complete
  /// frame, in order. Returns an error (and stops) when a size is over the limit or under the 2
  /// bytes of the packet type; the stream cannot be resynchronised after that.
  Result<void> feed(std::string_view bytes,
                    const std::function<void(std::string_view frame)>& onFrame);

  /// Bytes held for an incomplete frame.
  std::size_t buffered() const { return m_buffer.size() - m_consumed; }

private:
  const Limits& m_limits;
  std::string m_buffer;
  std::size_t m_consumed = 0;
};

}  // namespace doppel::wire
