#include "imgui/deflate.h"

#include <zlib.h>

namespace doppel::imgui {

namespace {
// Raw deflate (negative window bits): no zlib header, what DecompressionStream("deflate-raw")
// reads; 15 bits is the largest window and lets a frame reuse the previous frame's bytes.
constexpr int kWindowBits = -15;
constexpr std::size_t kChunk = 16384;

Bytef* bytesOf(std::string_view s) {
  // zlib's next_in is not const in older headers; it never writes through it.
  return reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));  // NOLINT
}
}  // namespace

struct Deflater::State {
  z_stream z{};
};

Deflater::Deflater(int level) : m_state(std::make_unique<State>()) {
  deflateInit2(&m_state->z, level, Z_DEFLATED, kWindowBits, 8, Z_DEFAULT_STRATEGY);
}

Deflater::~Deflater() { deflateEnd(&m_state->z); }

std::string Deflater::compress(std::string_view in) {
  std::string out;
  z_stream& z = m_state->z;
  z.next_in = bytesOf(in);
  z.avail_in = static_cast<uInt>(in.size());
  do {
    const std::size_t at = out.size();
    out.resize(at + kChunk + in.size() / 2);
    const std::size_t room = out.size() - at;
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(room);
    deflate(&z, Z_SYNC_FLUSH);
    out.resize(at + room - z.avail_out);
  } while (z.avail_out == 0 || z.avail_in != 0);
  return out;
}

struct Inflater::State {
  z_stream z{};
};

Inflater::Inflater(std::size_t maxOutput) : m_state(std::make_unique<State>()), m_maxOutput(maxOutput) {
  inflateInit2(&m_state->z, kWindowBits);
}

Inflater::~Inflater() { inflateEnd(&m_state->z); }

Result<std::string> Inflater::decompress(std::string_view in) {
  std::string out;
  z_stream& z = m_state->z;
  z.next_in = bytesOf(in);
  z.avail_in = static_cast<uInt>(in.size());
  while (z.avail_in != 0) {
    const std::size_t at = out.size();
    out.resize(at + kChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(kChunk);
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.resize(at + kChunk - z.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      return makeError(ErrorCode::Malformed, std::string("inflate: ") + (z.msg ? z.msg : "error"));
    if (rc == Z_BUF_ERROR && z.avail_out != 0) break;
    if (out.size() > m_maxOutput) return makeError(ErrorCode::LimitExceeded, "inflated output over the limit");
  }
  // Output may still be pending in zlib with no input left (a full output buffer).
  while (z.avail_out == 0) {
    const std::size_t at = out.size();
    out.resize(at + kChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(kChunk);
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.resize(at + kChunk - z.avail_out);
    if (rc != Z_OK) break;
    if (out.size() > m_maxOutput) return makeError(ErrorCode::LimitExceeded, "inflated output over the limit");
  }
  return out;
}

}  // namespace doppel::imgui
