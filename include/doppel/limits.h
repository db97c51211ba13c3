// The one place where every bound on untrusted input is set. Each field says what it prevents.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace doppel {

struct Limits {
  /// Largest frame accepted from a peer (the u32 size field). Qt has no limit; without one a
  /// 4-byte header could make us reserve 4 GiB. Default 64 MiB.
  std::uint32_t maxFrameBytes = 64u << 20;

  /// Deepest nesting of values (lists in lists, gadgets in maps, ...). Prevents stack exhaustion
  /// from a small crafted frame. Default 64.
  int maxValueDepth = 64;

  /// Largest element count of any container, checked before reserving memory. Elements still
  /// have to fit in the frame; this bounds the up-front allocation. Default 16 M.
  std::uint32_t maxElements = 16u << 20;

  /// Bytes queued for one connection before it is considered too slow and closed (OVERLOADED).
  /// Default 64 MiB.
  std::size_t maxQueuedBytes = 64u << 20;

  /// Calls awaiting a reply per replica; further calls fail at once. Default 65536.
  std::size_t maxPendingCalls = 65536;

  /// A peer must complete the handshake within this time. Default 10 s.
  std::chrono::milliseconds handshakeTimeout{10000};
};

}  // namespace doppel
