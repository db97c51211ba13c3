// One raw-deflate stream per connection (zlib), flushed with Z_SYNC_FLUSH after each batch of
// records so the viewer can decode at once. The stream's window spans frames, so a frame
// compresses against the ones before it too. Browsers read it natively with
// DecompressionStream("deflate-raw").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel::imgui {

class Deflater {
public:
  explicit Deflater(int level = 6);
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  /// Compresses `in` and flushes: the returned bytes decode to exactly `in`.
  std::string compress(std::string_view in);

private:
  struct State;
  std::unique_ptr<State> m_state;
};

class Inflater {
public:
  /// Output beyond maxOutput for one call fails with LimitExceeded (a zip bomb closes the peer).
  explicit Inflater(std::size_t maxOutput = 64u << 20);
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  Result<std::string> decompress(std::string_view in);

private:
  struct State;
  std::unique_ptr<State> m_state;
  std::size_t m_maxOutput;
};

}  // namespace doppel::imgui
