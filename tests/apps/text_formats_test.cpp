#include "text_formats.h"

#include <gtest/gtest.h>

namespace doppel::cli {
namespace {

TEST(TextFormatsTest, DatesAgreeWithTheLibrarysJulianDays) {
  for (int year : {-4713, -1, 1, 2, 1582, 1600, 1900, 1970, 2000, 2024, 9999}) {
    for (int month = 1; month <= 12; ++month) {
      for (int day : {1, 28}) {
        const Date d = Date::fromYmd(year, month, day);
        const std::string text = formatDate(d);
        const auto back = parseDate(text);
        ASSERT_TRUE(back.has_value()) << text;
        EXPECT_EQ(back->julianDay, d.julianDay) << text;
      }
    }
  }
  EXPECT_EQ(formatDate(Date::fromYmd(-1, 12, 31)), "-0001-12-31");
  EXPECT_EQ(formatDate(Date{Date::fromYmd(1, 1, 1).julianDay - 1}), "-0001-12-31");  // no year 0
}

TEST(TextFormatsTest, LeapDaysFollowTheGregorianRules) {
  EXPECT_TRUE(parseDate("2000-02-29").has_value());
  EXPECT_FALSE(parseDate("1900-02-29").has_value());
  EXPECT_TRUE(parseDate("2024-02-29").has_value());
  EXPECT_TRUE(parseDate("-0001-02-29").has_value());  // 1 BC is a leap year
  EXPECT_FALSE(parseDate("0000-01-01").has_value());
  EXPECT_FALSE(parseDate("2023-13-01").has_value());
  EXPECT_FALSE(parseDate("2023-01-01x").has_value());
}

TEST(TextFormatsTest, TimesRejectWhatQTimeCannotHold) {
  EXPECT_FALSE(parseTime("23:60").has_value());
  EXPECT_FALSE(parseTime("23:59:60").has_value());
  EXPECT_FALSE(parseTime("1:02").has_value());
  EXPECT_FALSE(parseTime("01:02:03.").has_value());
  EXPECT_FALSE(parseTime("01:02:03.1234").has_value());
  EXPECT_EQ(parseTime("00:00")->msecs, 0u);
  EXPECT_EQ(formatTime(Time{86399999}), "23:59:59.999");
}

TEST(TextFormatsTest, DateTimeOffsetsInEveryForm) {
  EXPECT_EQ(parseDateTime("2023-01-02T01:02:03+0130")->offsetSeconds, 5400);
  EXPECT_EQ(parseDateTime("2023-01-02T01:02:03-02")->offsetSeconds, -7200);
  EXPECT_EQ(parseDateTime("2023-01-02 01:02:03+01:00:30")->offsetSeconds, 3630);
  EXPECT_EQ(formatDateTime(*parseDateTime("2023-01-02T01:02:03+01:00:30")),
            "2023-01-02T01:02:03.000+01:00:30");
  EXPECT_FALSE(parseDateTime("2023-01-02T01:02:03[]").has_value());
  EXPECT_FALSE(parseDateTime("2023-01-02T01:02:03+25:00").has_value());
}

TEST(TextFormatsTest, Base64RejectsForeignCharactersAndBadPadding) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64Decode("Zm9vYg"), "foob");
  EXPECT_FALSE(base64Decode("Zm9v YQ==").has_value());
  EXPECT_FALSE(base64Decode("Zg=a").has_value());
  EXPECT_FALSE(base64Decode("Z").has_value());
  EXPECT_FALSE(base64Decode("Zg===").has_value());
}

TEST(TextFormatsTest, Utf8ValidationRejectsOverlongsAndSurrogates) {
  EXPECT_TRUE(isValidUtf8("h\xc3\xa9llo \xf0\x9f\x98\x80"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong "/"
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe2\x82"));          // cut short
  EXPECT_EQ(codePoints("a\xc3\xa9\xf0\x9f\x98\x80"),
            (std::vector<std::uint32_t>{'a', 0xE9, 0x1F600}));
  EXPECT_EQ(utf8FromCodePoint(0x1F600), "\xf0\x9f\x98\x80");
}

TEST(TextFormatsTest, UuidTextRoundTrips) {
  const auto u = parseUuid("{00112233-4455-6677-8899-aabbccddeeff}");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(formatUuid(*u), "{00112233-4455-6677-8899-aabbccddeeff}");
  EXPECT_FALSE(parseUuid("{00112233-4455-6677-8899-aabbccddeefg}").has_value());
  EXPECT_FALSE(parseUuid("00112233445566778899aabbccddeeff").has_value());
}

}  // namespace
}  // namespace doppel::cli
