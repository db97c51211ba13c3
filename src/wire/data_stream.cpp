#include "wire/data_stream.h"

#include <bit>
#include <cstring>

namespace doppel::wire {
namespace {

constexpr std::uint32_t kNullLength = 0xFFFFFFFFu;
constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point from UTF-8 at `p` (before `end`); invalid or truncated sequences yield
// U+FFFD and consume one byte, as a lenient decoder should.
char32_t decodeUtf8(const unsigned char*& p, const unsigned char* end) {
  const unsigned char c = *p;
  if (c < 0x80) {
    ++p;
    return c;
  }
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    extra = 1;
    cp = c & 0x1F;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2;
    cp = c & 0x0F;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    ++p;
    return kReplacement;
  }
  if (end - p <= extra) {
    ++p;
    return kReplacement;
  }
  for (int i = 1; i <= extra; ++i) {
    const unsigned char cc = p[i];
    if ((cc & 0xC0) != 0x80) {
      ++p;
      return kReplacement;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++p;
    return kReplacement;
  }
  p += extra + 1;
  return cp;
}


// Writes UTF-16 units in `order` to `dst` (which has room for 2 bytes per UTF-8 byte); returns
// the number of bytes written.
std::size_t writeUtf16(char* dst, std::string_view utf8, ByteOrder order) {
  const bool little = order == ByteOrder::Little;
  char* const start = dst;
  auto put = [&](char16_t u) {
    if (little) {
      dst[0] = static_cast<char>(u & 0xFF);
      dst[1] = static_cast<char>(u >> 8);
    } else {
      dst[0] = static_cast<char>(u >> 8);
      dst[1] = static_cast<char>(u & 0xFF);
    }
    dst += 2;
  };
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p != end) {
    if (*p < 0x80) {
      put(*p++);
      continue;
    }
    const char32_t cp = decodeUtf8(p, end);
    if (cp >= 0x10000) {
      put(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      put(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      put(static_cast<char16_t>(cp));
    }
  }
  return static_cast<std::size_t>(dst - start);
}

// Converts `units` UTF-16 code units stored at `src` in `order` to UTF-8 in `out` (replacing
// what it held; its capacity is reused).
void readUtf16(const char* src, std::size_t units, ByteOrder order, std::string& out) {
  const bool little = order == ByteOrder::Little;
  const auto* b = reinterpret_cast<const unsigned char*>(src);
  auto unit = [&](std::size_t i) -> char16_t {
    const unsigned lo = little ? b[2 * i] : b[2 * i + 1];
    const unsigned hi = little ? b[2 * i + 1] : b[2 * i];
    return static_cast<char16_t>(lo | (hi << 8));
  };
  // Names and most strings are ASCII (each unit a zero high byte and a low byte below 0x80),
  // one byte of the result per unit: copy those directly, then go on unit by unit from the
  // first that is not.
  const std::size_t lowByte = little ? 0 : 1;
  out.resize(units);
  char* dst = out.data();
  std::size_t ascii = 0;
  while (ascii < units && b[2 * ascii + 1 - lowByte] == 0 && b[2 * ascii + lowByte] < 0x80) {
    dst[ascii] = static_cast<char>(b[2 * ascii + lowByte]);
    ++ascii;
  }
  if (ascii == units) return;
  out.resize(ascii);
  for (std::size_t i = ascii; i < units; ++i) {
    const char16_t u = unit(i);
    if (u < 0x80) {
      out.push_back(static_cast<char>(u));
    } else if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units && unit(i + 1) >= 0xDC00 &&
               unit(i + 1) <= 0xDFFF) {
      const char32_t cp = 0x10000 + ((char32_t{u} - 0xD800) << 10) + (unit(i + 1) - 0xDC00);
      appendUtf8(out, cp);
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      appendUtf8(out, kReplacement);
    } else {
      appendUtf8(out, u);
    }
  }
}

}  // namespace

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Writer ------------------------------------------------------------------------------------

void Writer::qstring(std::string_view utf8) {
  std::string& s = out();
  const std::size_t lengthAt = s.size();
  // Room for the length and at most two UTF-16 bytes per UTF-8 byte (a 4-byte sequence becomes
  // a surrogate pair), made once; the resize's zeros are the high bytes of ASCII units.
  s.resize(lengthAt + 4 + 2 * utf8.size());
  char* const dst = s.data() + lengthAt + 4;
  // The common case, ASCII, one unit per byte in a single pass; from the first other byte on,
  // the general conversion.
  const std::size_t lowByte = m_order == ByteOrder::Little ? 0 : 1;
  std::size_t ascii = 0;
  while (ascii < utf8.size() && static_cast<unsigned char>(utf8[ascii]) < 0x80) {
    dst[2 * ascii + lowByte] = utf8[ascii];
    ++ascii;
  }
  std::size_t n = 2 * ascii;
  if (ascii != utf8.size()) {
    n += writeUtf16(dst + n, utf8.substr(ascii), m_order);
    s.resize(lengthAt + 4 + n);
  }
  patchU32(lengthAt, static_cast<std::uint32_t>(n));
}

void Writer::qstring(const Text& text) {
  if (text.null) {
    nullQString();
  } else {
    qstring(std::string_view(text.data));
  }
}

void Writer::bytes(std::string_view data) {
  u32(static_cast<std::uint32_t>(data.size()));
  out().append(data);
}

void Writer::bytes(const Text& data) {
  if (data.null) {
    nullBytes();
  } else {
    bytes(std::string_view(data.data));
  }
}

void Writer::cstring(std::string_view text) {
  u32(static_cast<std::uint32_t>(text.size() + 1));
  out().append(text);
  out().push_back('\0');
}

void Writer::raw(std::string_view data) {
  out().append(data);
}

void Writer::patchU32(std::size_t at, std::uint32_t v) {
  v = streamOrder(v, m_order);
  std::memcpy(out().data() + at, &v, sizeof v);
}

// Reader ------------------------------------------------------------------------------------

Reader::Reader(std::string_view data, ByteOrder order, const Limits& limits, std::size_t baseOffset)
    : m_data(data), m_base(baseOffset), m_order(order), m_limits(limits) {}

bool Reader::needFailed(std::size_t n, const char* what) {
  if (!m_ok) return false;
  fail(ErrorCode::Truncated, std::string(what) + " needs " + std::to_string(n) + " bytes, " +
                                 std::to_string(remaining()) + " left");
  return false;
}

Text Reader::qstring() {
  Text t;
  t.null = !qstringInto(t.data);
  return t;
}

void Reader::qstring(std::string& out) { qstringInto(out); }

bool Reader::qstringInto(std::string& out) {
  out.clear();
  const std::size_t start = m_pos;
  const std::uint32_t n = u32();
  if (!m_ok) return true;
  if (n == kNullLength) return false;
  if (n % 2 != 0) {
    m_pos = start;
    fail(ErrorCode::Malformed, "QString byte length " + std::to_string(n) + " is odd");
    return true;
  }
  if (n > remaining()) {
    m_pos = start;
    fail(ErrorCode::Truncated, "QString length " + std::to_string(n) + " exceeds the " +
                                   std::to_string(remaining() - 4) + " bytes left");
    return true;
  }
  readUtf16(m_data.data() + m_pos, n / 2, m_order, out);
  m_pos += n;
  return true;
}

Text Reader::bytes() {
  const std::size_t start = m_pos;
  const std::uint32_t n = u32();
  if (!m_ok) return {};
  if (n == kNullLength) return Text{{}, true};
  if (n > remaining()) {
    m_pos = start;
    fail(ErrorCode::Truncated, "QByteArray length " + std::to_string(n) + " exceeds the " +
                                   std::to_string(remaining() - 4) + " bytes left");
    return {};
  }
  Text t{std::string(m_data.substr(m_pos, n)), false};
  m_pos += n;
  return t;
}

std::string Reader::cstring() {
  Text t = bytes();
  if (!t.data.empty() && t.data.back() == '\0') t.data.pop_back();
  return std::move(t.data);
}

std::string_view Reader::raw(std::size_t n) {
  if (!need(n, "a byte block")) return {};
  const auto v = m_data.substr(m_pos, n);
  m_pos += n;
  return v;
}

std::uint32_t Reader::count(std::size_t minElementBytes) {
  const std::size_t start = m_pos;
  const std::uint32_t n = u32();
  if (!m_ok) return 0;
  if (n > m_limits.maxElements) {
    m_pos = start;
    fail(ErrorCode::LimitExceeded, "count " + std::to_string(n) + " exceeds the limit of " +
                                       std::to_string(m_limits.maxElements) + " elements");
    return 0;
  }
  const std::size_t min = minElementBytes == 0 ? 1 : minElementBytes;
  if (n > remaining() / min) {
    m_pos = start;
    fail(ErrorCode::Truncated, "count " + std::to_string(n) + " needs at least " +
                                   std::to_string(std::uint64_t{n} * min) + " bytes, " +
                                   std::to_string(remaining() - 4) + " left");
    return 0;
  }
  return n;
}

void Reader::fail(ErrorCode code, std::string reason) {
  if (!m_ok) return;
  m_ok = false;
  m_error = Error{code, offset(), std::move(reason)};
}

void Reader::fail(Error error) {
  if (!m_ok) return;
  m_ok = false;
  m_error = std::move(error);
}

// UTF helpers -------------------------------------------------------------------------------

std::u16string utf8ToUtf16(std::string_view utf8) {
  std::u16string out;
  out.reserve(utf8.size());
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p != end) {
    const char32_t cp = decodeUtf8(p, end);
    if (cp >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

std::string utf16ToUtf8(std::u16string_view utf16) {
  std::string out;
  out.reserve(utf16.size());
  for (std::size_t i = 0; i < utf16.size(); ++i) {
    const char16_t u = utf16[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < utf16.size() && utf16[i + 1] >= 0xDC00 &&
        utf16[i + 1] <= 0xDFFF) {
      appendUtf8(out, 0x10000 + ((char32_t{u} - 0xD800) << 10) + (utf16[i + 1] - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      appendUtf8(out, kReplacement);
    } else {
      appendUtf8(out, u);
    }
  }
  return out;
}

}  // namespace doppel::wire
