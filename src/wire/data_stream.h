// Reader and Writer for QDataStream's binary format (version 20): little-endian on the
// connection, big-endian inside nested blobs (protocol §2.3). Pure functions over bytes.
//
// Reader errors are sticky: the first failure is kept, later reads return zero values, and the
// caller checks ok() where it matters. Every count and length is checked against the bytes that
// remain and the Limits before anything is allocated.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "doppel/limits.h"
#include "doppel/result.h"
#include "doppel/value.h"

namespace doppel::wire {

enum class ByteOrder { Little, Big };

/// `v` converted between host order and `order` (the same swap either way).
template <typename T>
T streamOrder(T v, ByteOrder order) {
  const bool little = order == ByteOrder::Little;
  if constexpr (sizeof(T) == 1) {
    return v;
  } else if (little == (std::endian::native == std::endian::little)) {
    return v;
  } else if constexpr (sizeof(T) == 2) {
    return __builtin_bswap16(v);
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(v);
  } else {
    return __builtin_bswap64(v);
  }
}

class Writer {
public:
  explicit Writer(ByteOrder order = ByteOrder::Little) : m_order(order) {}
  /// Appends to an existing buffer (frames are built in place).
  Writer(std::string& target, ByteOrder order) : m_out(&target), m_order(order) {}

  ByteOrder order() const { return m_order; }

  // Inline, like the Reader's: a packet is mostly fixed-size fields.
  void u8(std::uint8_t v) { out().push_back(static_cast<char>(v)); }
  void i8(std::int8_t v) { u8(static_cast<std::uint8_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u16(std::uint16_t v) { fixed(v); }
  void i16(std::int16_t v) { u16(static_cast<std::uint16_t>(v)); }
  void u32(std::uint32_t v) { fixed(v); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void u64(std::uint64_t v) { fixed(v); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { fixed(std::bit_cast<std::uint64_t>(v)); }
  /// QString from UTF-8 (written as UTF-16 in stream order); null writes 0xFFFFFFFF.
  void qstring(std::string_view utf8);
  void qstring(const Text& text);
  void nullQString() { u32(0xFFFFFFFFu); }
  /// QByteArray; null writes 0xFFFFFFFF.
  void bytes(std::string_view data);
  void bytes(const Text& data);
  void nullBytes() { u32(0xFFFFFFFFu); }
  /// A C string written as a QByteArray whose length includes the trailing NUL.
  void cstring(std::string_view text);
  void raw(std::string_view data);

  std::size_t size() const { return out().size(); }
  /// Overwrites 4 bytes at `at` (used to patch a frame's size after writing it).
  void patchU32(std::size_t at, std::uint32_t v);
  const std::string& buffer() const { return out(); }
  std::string take() { return std::move(out()); }

private:
  template <typename T>
  void fixed(T v) {
    v = streamOrder(v, m_order);
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out().append(bytes, sizeof v);
  }

  std::string& out() { return m_out ? *m_out : m_own; }
  const std::string& out() const { return m_out ? *m_out : m_own; }

  std::string m_own;
  std::string* m_out = nullptr;
  ByteOrder m_order;
};

class Reader {
public:
  /// `baseOffset` is added to offsets in errors (the position of `data` in the frame).
  Reader(std::string_view data, ByteOrder order, const Limits& limits, std::size_t baseOffset = 0);
  /// The Reader keeps a reference to its limits: a temporary would dangle.
  Reader(std::string_view data, ByteOrder order, const Limits&& limits, std::size_t baseOffset = 0) = delete;

  ByteOrder order() const { return m_order; }
  const Limits& limits() const { return m_limits; }

  // The fixed-size reads are inline: they run several times per packet and are a bounds check
  // and a load when the bytes are there.
  std::uint8_t u8() { return fixed<std::uint8_t>("an 8-bit integer"); }
  std::int8_t i8() { return static_cast<std::int8_t>(u8()); }
  bool boolean() { return u8() != 0; }
  std::uint16_t u16() { return fixed<std::uint16_t>("a 16-bit integer"); }
  std::int16_t i16() { return static_cast<std::int16_t>(u16()); }
  std::uint32_t u32() { return fixed<std::uint32_t>("a 32-bit integer"); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::uint64_t u64() { return fixed<std::uint64_t>("a 64-bit integer"); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64() { return std::bit_cast<double>(fixed<std::uint64_t>("a double")); }
  /// QString as UTF-8 (unpaired surrogates become U+FFFD).
  Text qstring();
  /// The same into `out`, whose capacity is reused; a null QString reads as empty.
  void qstring(std::string& out);
  Text bytes();
  /// QByteArray with a trailing NUL, returned without it.
  std::string cstring();
  std::string_view raw(std::size_t n);
  /// Reads a u32 element count and checks it against maxElements and the bytes left, given the
  /// smallest possible encoded size of one element.
  std::uint32_t count(std::size_t minElementBytes);

  bool ok() const { return m_ok; }
  bool atEnd() const { return m_pos == m_data.size(); }
  std::size_t remaining() const { return m_data.size() - m_pos; }
  std::size_t offset() const { return m_base + m_pos; }
  /// Records the first error (later ones are ignored) and stops further reads.
  void fail(ErrorCode code, std::string reason);
  /// Records an error found elsewhere (a nested blob's reader) with its own offset.
  void fail(Error error);
  const Error& error() const { return m_error; }
  Error takeError() { return std::move(m_error); }

private:
  bool need(std::size_t n, const char* what) {
    if (m_ok && remaining() >= n) return true;
    return needFailed(n, what);
  }
  /// Reads a QString into `out` (emptied first); false for a null one. Errors as qstring().
  bool qstringInto(std::string& out);
  /// Records the Truncated error (unless one is already kept); always false.
  bool needFailed(std::size_t n, const char* what);

  /// An unsigned integer of sizeof(T) bytes in stream order; 0 (and an error) past the end.
  template <typename T>
  T fixed(const char* what) {
    if (!need(sizeof(T), what)) return 0;
    T v;
    std::memcpy(&v, m_data.data() + m_pos, sizeof v);
    m_pos += sizeof v;
    return streamOrder(v, m_order);
  }

  std::string_view m_data;
  std::size_t m_pos = 0;
  std::size_t m_base;
  ByteOrder m_order;
  const Limits& m_limits;
  bool m_ok = true;
  Error m_error;
};

/// UTF-8 <-> UTF-16 helpers shared by the codec and the JSON layer.
void appendUtf8(std::string& out, char32_t codePoint);
std::u16string utf8ToUtf16(std::string_view utf8);
std::string utf16ToUtf8(std::u16string_view utf16);

}  // namespace doppel::wire
