#include "text_formats.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "wire/data_stream.h"

namespace doppel::cli {

// UTF-8 and base64 ----------------------------------------------------------------------------

bool isValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr std::array<std::uint32_t, 4> kMin{0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::vector<std::uint32_t> codePoints(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = c;
    if (c >= 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else if (c >= 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    }
    for (std::size_t k = 1; k <= n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    }
    out.push_back(cp);
    i += n + 1;
  }
  return out;
}

std::string utf8FromCodePoint(std::uint32_t cp) {
  std::string out;
  wire::appendUtf8(out, static_cast<char32_t>(cp));
  return out;
}

namespace {

constexpr std::string_view kBase64Chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64Encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out.push_back(kBase64Chars[(n >> 18) & 63]);
    out.push_back(kBase64Chars[(n >> 12) & 63]);
    out.push_back(kBase64Chars[(n >> 6) & 63]);
    out.push_back(kBase64Chars[n & 63]);
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
    out.push_back(kBase64Chars[(n >> 18) & 63]);
    out.push_back(kBase64Chars[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64Chars[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  std::size_t symbols = 0;
  for (const char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const auto pos = kBase64Chars.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    ++symbols;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (padding > 2 || symbols % 4 == 1) return std::nullopt;
  if (padding > 0 && (symbols + padding) % 4 != 0) return std::nullopt;
  return out;
}

// Dates and times ------------------------------------------------------------------------------

namespace {

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// Qt's proleptic Gregorian calendar: no year 0 (year -1 is 1 BC).
std::int64_t julianDayFromYmd(std::int64_t year, int month, int day) {
  if (year < 0) ++year;
  const std::int64_t a = floorDiv(14 - month, 12);
  const std::int64_t y = year + 4800 - a;
  const std::int64_t m = month + 12 * a - 3;
  return day + floorDiv(153 * m + 2, 5) - 32045 + 365 * y + floorDiv(y, 4) - floorDiv(y, 100) +
         floorDiv(y, 400);
}

struct Ymd {
  std::int64_t year;
  int month;
  int day;
};

Ymd ymdFromJulianDay(std::int64_t jd) {
  const std::int64_t a = jd + 32044;
  const std::int64_t b = floorDiv(4 * a + 3, 146097);
  const std::int64_t c = a - floorDiv(146097 * b, 4);
  const std::int64_t d = floorDiv(4 * c + 3, 1461);
  const std::int64_t e = c - floorDiv(1461 * d, 4);
  const std::int64_t m = floorDiv(5 * e + 2, 153);
  Ymd out{};
  out.day = static_cast<int>(e - floorDiv(153 * m + 2, 5) + 1);
  out.month = static_cast<int>(m + 3 - 12 * floorDiv(m, 10));
  out.year = 100 * b + d - 4800 + floorDiv(m, 10);
  if (out.year <= 0) --out.year;
  return out;
}

bool isLeapYear(std::int64_t year) {
  if (year < 0) ++year;
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(std::int64_t year, int month) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && isLeapYear(year)) return 29;
  return kDays[static_cast<std::size_t>(month - 1)];
}

}  // namespace

std::string formatDate(Date date) {
  const Ymd ymd = ymdFromJulianDay(date.julianDay);
  char buf[48];
  if (ymd.year >= 1 && ymd.year <= 9999) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(ymd.year), ymd.month,
                  ymd.day);
  } else {
    std::snprintf(buf, sizeof buf, "%+05lld-%02d-%02d", static_cast<long long>(ymd.year), ymd.month,
                  ymd.day);
  }
  return buf;
}

std::string formatTime(Time time) {
  const std::uint32_t ms = time.msecs;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u:%02u:%02u.%03u", ms / 3600000u, (ms / 60000u) % 60u,
                (ms / 1000u) % 60u, ms % 1000u);
  return buf;
}

namespace {

std::string formatOffset(std::int32_t seconds) {
  const char sign = seconds < 0 ? '-' : '+';
  const std::int64_t abs = std::abs(static_cast<std::int64_t>(seconds));
  char buf[32];
  if (abs % 60 != 0) {
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld:%02lld", sign,
                  static_cast<long long>(abs / 3600), static_cast<long long>((abs / 60) % 60),
                  static_cast<long long>(abs % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, static_cast<long long>(abs / 3600),
                  static_cast<long long>((abs / 60) % 60));
  }
  return buf;
}

}  // namespace

std::string formatDateTime(const DateTime& dt) {
  std::string out = formatDate(dt.date) + "T" + formatTime(dt.time.isNull() ? Time{0} : dt.time);
  switch (dt.spec) {
    case DateTime::Spec::LocalTime:
      break;
    case DateTime::Spec::Utc:
      out += "Z";
      break;
    case DateTime::Spec::OffsetFromUtc:
      out += formatOffset(dt.offsetSeconds);
      break;
    case DateTime::Spec::TimeZone:
      out += "[" + dt.timeZone + "]";
      break;
  }
  return out;
}

namespace {

/// A small cursor for the ISO 8601 parsers.
class Scanner {
public:
  explicit Scanner(std::string_view text) : m_text(text) {}
  bool done() const { return m_pos == m_text.size(); }
  char peek() const { return done() ? '\0' : m_text[m_pos]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++m_pos;
    return true;
  }
  /// Exactly `count` digits.
  std::optional<int> digits(int count) {
    int v = 0;
    for (int i = 0; i < count; ++i) {
      const char c = peek();
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
      ++m_pos;
    }
    return v;
  }
  /// At least `minCount` digits (at most 9).
  std::optional<std::int64_t> digitRun(int minCount) {
    std::int64_t v = 0;
    int n = 0;
    while (peek() >= '0' && peek() <= '9' && n < 10) {
      v = v * 10 + (peek() - '0');
      ++m_pos;
      ++n;
    }
    if (n < minCount || n > 9) return std::nullopt;
    return v;
  }
  std::string_view rest() const { return m_text.substr(m_pos); }
  void skipAll() { m_pos = m_text.size(); }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

std::optional<Date> scanDate(Scanner& s) {
  bool negative = false;
  if (s.take('-')) {
    negative = true;
  } else {
    s.take('+');
  }
  const auto year = s.digitRun(4);
  if (!year || !s.take('-')) return std::nullopt;
  const auto month = s.digits(2);
  if (!month || !s.take('-')) return std::nullopt;
  const auto day = s.digits(2);
  if (!day) return std::nullopt;
  const std::int64_t y = negative ? -*year : *year;
  if (y == 0 || *month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(y, *month))
    return std::nullopt;
  return Date{julianDayFromYmd(y, *month, *day)};
}

std::optional<Time> scanTime(Scanner& s) {
  const auto h = s.digits(2);
  if (!h || !s.take(':')) return std::nullopt;
  const auto m = s.digits(2);
  if (!m) return std::nullopt;
  int sec = 0;
  int ms = 0;
  if (s.take(':')) {
    const auto sv = s.digits(2);
    if (!sv) return std::nullopt;
    sec = *sv;
    if (s.take('.') || s.take(',')) {
      int n = 0;
      while (s.peek() >= '0' && s.peek() <= '9') {
        if (n < 3) ms = ms * 10 + (s.peek() - '0');
        ++n;
        s.take(s.peek());
      }
      if (n == 0 || n > 3) return std::nullopt;
      for (int i = n; i < 3; ++i) ms *= 10;
    }
  }
  if (*h > 23 || *m > 59 || sec > 59) return std::nullopt;
  return Time{static_cast<std::uint32_t>(((*h * 60 + *m) * 60 + sec) * 1000 + ms)};
}

}  // namespace

std::optional<Date> parseDate(std::string_view text) {
  Scanner s(text);
  auto d = scanDate(s);
  if (!d || !s.done()) return std::nullopt;
  return d;
}

std::optional<Time> parseTime(std::string_view text) {
  Scanner s(text);
  auto t = scanTime(s);
  if (!t || !s.done()) return std::nullopt;
  return t;
}

std::optional<DateTime> parseDateTime(std::string_view text) {
  Scanner s(text);
  DateTime out;
  auto d = scanDate(s);
  if (!d || !(s.take('T') || s.take(' '))) return std::nullopt;
  auto t = scanTime(s);
  if (!t) return std::nullopt;
  out.date = *d;
  out.time = *t;
  if (s.done()) return out;  // no suffix: local time
  if (s.take('Z')) {
    out.spec = DateTime::Spec::Utc;
  } else if (s.peek() == '+' || s.peek() == '-') {
    const int sign = s.take('-') ? -1 : (s.take('+'), 1);
    const auto hh = s.digits(2);
    if (!hh) return std::nullopt;
    int mm = 0;
    int ss = 0;
    if (s.take(':')) {
      const auto m = s.digits(2);
      if (!m) return std::nullopt;
      mm = *m;
      if (s.take(':')) {
        const auto sec = s.digits(2);
        if (!sec) return std::nullopt;
        ss = *sec;
      }
    } else if (!s.done()) {
      const auto m = s.digits(2);
      if (!m) return std::nullopt;
      mm = *m;
    }
    if (*hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    out.offsetSeconds = sign * ((*hh * 60 + mm) * 60 + ss);
    // Qt turns an offset of zero into UTC.
    out.spec = out.offsetSeconds == 0 ? DateTime::Spec::Utc : DateTime::Spec::OffsetFromUtc;
    if (out.spec == DateTime::Spec::Utc) out.offsetSeconds = 0;
  } else if (s.take('[')) {
    const auto rest = s.rest();
    if (rest.size() < 2 || rest.back() != ']') return std::nullopt;
    out.spec = DateTime::Spec::TimeZone;
    out.timeZone = std::string(rest.substr(0, rest.size() - 1));
    s.skipAll();
  } else {
    return std::nullopt;
  }
  if (!s.done()) return std::nullopt;
  return out;
}

std::optional<Uuid> parseUuid(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, 36);
  }
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  std::size_t b = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    unsigned v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
    }
    bytes[b++] = static_cast<std::uint8_t>(v);
    i += 2;
  }
  Uuid out;
  out.data1 = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
              (std::uint32_t{bytes[2]} << 8) | bytes[3];
  out.data2 = static_cast<std::uint16_t>((bytes[4] << 8) | bytes[5]);
  out.data3 = static_cast<std::uint16_t>((bytes[6] << 8) | bytes[7]);
  std::copy(bytes.begin() + 8, bytes.end(), out.data4.begin());
  return out;
}

std::string formatUuid(const Uuid& u) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", u.data1,
                u.data2, u.data3, u.data4[0], u.data4[1], u.data4[2], u.data4[3], u.data4[4],
                u.data4[5], u.data4[6], u.data4[7]);
  return buf;
}

}  // namespace doppel::cli
