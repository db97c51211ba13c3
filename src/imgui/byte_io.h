// Little-endian writer and bounds-checked reader for the stream's records (docs/imgui-streaming.md).
// Varints are LEB128 (7 bits a byte, at most 5 bytes for a u32), as the viewer's reader expects.
//
// The reader never reads past its view: every read checks what is left first and fails with
// Truncated (or Malformed for an over-long varint) at the byte offset where it happened.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel::imgui {

class ByteWriter {
public:
  explicit ByteWriter(std::string& out) : m_out(out) {}

  void u8(std::uint8_t v) { m_out.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { raw(&v, sizeof v); }
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void f32(float v) { raw(&v, sizeof v); }
  void varint(std::uint32_t v) {
    while (v >= 0x80) {
      u8(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    u8(static_cast<std::uint8_t>(v));
  }
  void bytes(std::string_view b) { m_out.append(b); }
  void raw(const void* p, std::size_t n) { m_out.append(static_cast<const char*>(p), n); }
  std::size_t size() const { return m_out.size(); }
  std::string& out() { return m_out; }

private:
  std::string& m_out;
};

class ByteReader {
public:
  explicit ByteReader(std::string_view in, std::size_t baseOffset = 0)
      : m_in(in), m_base(baseOffset) {}

  std::size_t left() const { return m_in.size() - m_pos; }
  std::size_t offset() const { return m_base + m_pos; }
  bool atEnd() const { return m_pos == m_in.size(); }

  Result<std::uint8_t> u8() {
    std::uint8_t v = 0;
    if (!fixed(&v, 1)) return truncated("u8");
    return v;
  }
  Result<std::uint16_t> u16() {
    std::uint16_t v = 0;
    if (!fixed(&v, 2)) return truncated("u16");
    return v;
  }
  Result<std::uint32_t> u32() {
    std::uint32_t v = 0;
    if (!fixed(&v, 4)) return truncated("u32");
    return v;
  }
  Result<std::uint64_t> u64() {
    std::uint64_t v = 0;
    if (!fixed(&v, 8)) return truncated("u64");
    return v;
  }
  Result<float> f32() {
    float v = 0;
    if (!fixed(&v, 4)) return truncated("f32");
    return v;
  }
  Result<std::uint32_t> varint() {
    std::uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (m_pos >= m_in.size()) return truncated("varint");
      const auto b = static_cast<std::uint8_t>(m_in[m_pos++]);
      if (shift == 28 && (b & 0xF0) != 0)
        return makeError(ErrorCode::Malformed, "varint over 32 bits", offset() - 1);
      v |= static_cast<std::uint32_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return makeError(ErrorCode::Malformed, "varint over 5 bytes", offset());
  }
  /// The next `n` bytes; the view points into the input.
  Result<std::string_view> bytes(std::size_t n) {
    if (n > left())
      return makeError(ErrorCode::Truncated,
                       std::to_string(n) + " bytes wanted, " + std::to_string(left()) + " left",
                       offset());
    const std::string_view v = m_in.substr(m_pos, n);
    m_pos += n;
    return v;
  }

private:
  bool fixed(void* p, std::size_t n) {
    if (n > left()) return false;
    std::memcpy(p, m_in.data() + m_pos, n);
    m_pos += n;
    return true;
  }
  Error truncated(const char* what) const {
    return makeError(ErrorCode::Truncated, std::string(what) + " past the end", offset());
  }

  std::string_view m_in;
  std::size_t m_pos = 0;
  std::size_t m_base;
};

}  // namespace doppel::imgui

// Unwraps a Result into `var` or returns its error from the enclosing function.
#define DOPPEL_IMGUI_TRY(var, expr)     \
  auto var##_result = (expr);           \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(*var##_result)
