// Helpers shared by the wire tests: hex in and out, and one-call encode/decode of values.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "doppel/limits.h"
#include "doppel/value.h"

#include "wire/data_stream.h"
#include "wire/type_registry.h"
#include "wire/value_codec.h"

namespace doppel::test {

/// Bytes from hex text; spaces, newlines and '|' separators are ignored.
inline std::string fromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  int high = -1;
  for (char c : hex) {
    const int n = nibble(c);
    if (n < 0) continue;
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<char>(high * 16 + n));
      high = -1;
    }
  }
  return out;
}

inline std::string toHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

/// Hex of ASCII text as UTF-16LE ("Hi" -> "48006900").
inline std::string utf16Hex(std::string_view ascii) {
  std::string bytes;
  for (char c : ascii) {
    bytes.push_back(c);
    bytes.push_back('\0');
  }
  return toHex(bytes);
}

/// Hex of ASCII text.
inline std::string asciiHex(std::string_view ascii) {
  return toHex(ascii);
}

/// The QVariant encoding of `value` (little-endian), as hex; fails the test on an error.
inline std::string variantHex(const Value& value,
                              const wire::TypeRegistry& types,
                              wire::ByteOrder order = wire::ByteOrder::Little) {
  wire::Writer w(order);
  auto r = wire::encodeVariant(w, value, types);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
  return toHex(w.buffer());
}

/// Decodes one QVariant from hex; the bytes must be consumed exactly.
inline Result<Value> decodeHex(std::string_view hex,
                               const wire::TypeRegistry& types,
                               const Limits& limits,
                               wire::ByteOrder order = wire::ByteOrder::Little) {
  const std::string bytes = fromHex(hex);
  wire::Reader r(bytes, order, limits);
  auto v = wire::decodeVariant(r, types);
  if (v.ok() && !r.atEnd()) {
    return makeError(ErrorCode::Malformed, std::to_string(r.remaining()) + " bytes left over");
  }
  return v;
}

}  // namespace doppel::test
