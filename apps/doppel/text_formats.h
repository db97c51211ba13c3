// The text forms of values that JSON has no type for: UTF-8 checks, base64, ISO 8601 dates and
// times, and UUIDs. Dates follow QDate's proleptic Gregorian calendar (no year 0; year -1 is
// 1 BC), so Julian day numbers agree with Qt's.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/value.h"

namespace doppel::cli {

bool isValidUtf8(std::string_view s);
/// The code points of UTF-8 text (expects valid UTF-8, as nlohmann's parser guarantees).
std::vector<std::uint32_t> codePoints(std::string_view s);
std::string utf8FromCodePoint(std::uint32_t cp);

std::string base64Encode(std::string_view data);
/// Standard alphabet, padding optional; nullopt for anything else.
std::optional<std::string> base64Decode(std::string_view text);

/// "2023-01-02"; years outside 1..9999 with a sign ("-0044-03-15", "+12345-01-01").
std::string formatDate(Date date);
/// "01:02:03.004"
std::string formatTime(Time time);
/// "2023-01-02T01:02:03.004" plus "Z", "+01:00" or "[Europe/Berlin]" by the time spec.
std::string formatDateTime(const DateTime& dt);
/// "YYYY-MM-DD" (a valid date).
std::optional<Date> parseDate(std::string_view text);
/// "HH:MM", "HH:MM:SS", "HH:MM:SS.m" to ".mmm".
std::optional<Time> parseTime(std::string_view text);
/// A date, "T" (or a space), a time, then nothing (local time), "Z", "+HH:MM", "+HHMM", "+HH",
/// "+HH:MM:SS" or "[Zone/Name]". A zero offset is UTC, as in Qt.
std::optional<DateTime> parseDateTime(std::string_view text);

/// "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", braces optional, hex digits in either case.
std::optional<Uuid> parseUuid(std::string_view text);
std::string formatUuid(const Uuid& u);

}  // namespace doppel::cli
