#include "wire/data_stream.h"

#include <gtest/gtest.h>

#include "wire_test_util.h"

namespace doppel::wire {
namespace {

using test::fromHex;
using test::toHex;

TEST(DataStream, IntegersAreLittleEndianOnTheConnection) {
  Writer w;
  w.u8(0x01);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.u64(0x08090a0b0c0d0e0fULL);
  w.i32(-2);
  EXPECT_EQ(toHex(w.buffer()),
            "01"
            "0302"
            "07060504"
            "0f0e0d0c0b0a0908"
            "feffffff");
}

TEST(DataStream, IntegersAreBigEndianInNestedBlobs) {
  Writer w(ByteOrder::Big);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.u64(0x08090a0b0c0d0e0fULL);
  EXPECT_EQ(toHex(w.buffer()),
            "0203"
            "04050607"
            "08090a0b0c0d0e0f");
}

TEST(DataStream, DoubleIsIeeeBinary64InStreamOrder) {
  Writer le;
  le.f64(1.5);
  EXPECT_EQ(toHex(le.buffer()), "000000000000f83f");
  Writer be(ByteOrder::Big);
  be.f64(1.5);
  EXPECT_EQ(toHex(be.buffer()), "3ff8000000000000");
}

TEST(DataStream, StringIsUtf16InStreamOrderWithByteLength) {
  Writer le;
  le.qstring(std::string_view("Hi"));
  EXPECT_EQ(toHex(le.buffer()),
            "04000000"
            "48006900");
  Writer be(ByteOrder::Big);
  be.qstring(std::string_view("Hi"));
  EXPECT_EQ(toHex(be.buffer()),
            "00000004"
            "00480069");
}

TEST(DataStream, NullStringIsDistinctFromEmpty) {
  Writer w;
  w.qstring(Text{{}, true});
  w.qstring(Text{{}, false});
  EXPECT_EQ(toHex(w.buffer()),
            "ffffffff"
            "00000000");
  const Limits limits;
  Reader r(w.buffer(), ByteOrder::Little, limits);
  EXPECT_TRUE(r.qstring().null);
  const Text empty = r.qstring();
  EXPECT_FALSE(empty.null);
  EXPECT_TRUE(empty.data.empty());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
}

TEST(DataStream, NonAsciiTextRoundTripsThroughUtf16) {
  const std::string text = "z\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // z é € 😀
  Writer w;
  w.qstring(std::string_view(text));
  // z=007a é=00e9 €=20ac 😀=d83d de00
  EXPECT_EQ(toHex(w.buffer()),
            "0a000000"
            "7a00"
            "e900"
            "ac20"
            "3dd8"
            "00de");
  const Limits limits;
  Reader r(w.buffer(), ByteOrder::Little, limits);
  EXPECT_EQ(r.qstring().data, text);
}

// The ASCII fast paths: a unit is ASCII only if its high byte is zero too (U+0141 has the low
// byte of 'A'), and text that turns non-ASCII midway keeps its ASCII prefix.
TEST(DataStream, AsciiFastPathChecksBothBytesOfEachUnit) {
  const Limits limits;
  const std::string le = fromHex(
      "06000000"
      "4100"
      "4101"
      "4200");
  Reader little(le, ByteOrder::Little, limits);
  EXPECT_EQ(little.qstring().data,
            "A\xc5\x81"
            "B");  // A Ł B
  const std::string be = fromHex(
      "00000006"
      "0041"
      "0141"
      "0042");
  Reader big(be, ByteOrder::Big, limits);
  EXPECT_EQ(big.qstring().data,
            "A\xc5\x81"
            "B");
  EXPECT_TRUE(big.ok());
  EXPECT_TRUE(big.atEnd());
}

TEST(DataStream, StringReadIntoAnExistingStringReplacesItsText) {
  const Limits limits;
  Writer w;
  w.qstring(std::string_view("ab"));
  w.nullQString();
  w.qstring(std::string_view("z\xc3\xa9"));
  Reader r(w.buffer(), ByteOrder::Little, limits);
  std::string out = "previous text that is longer";
  r.qstring(out);
  EXPECT_EQ(out, "ab");
  r.qstring(out);
  EXPECT_EQ(out, "");  // null reads as empty
  r.qstring(out);
  EXPECT_EQ(out, "z\xc3\xa9");
  EXPECT_TRUE(r.atEnd());
  r.qstring(out);  // past the end: empty, and the error is kept
  EXPECT_EQ(out, "");
  EXPECT_FALSE(r.ok());
}

TEST(DataStream, TextRoundTripsInBothByteOrders) {
  const Limits limits;
  for (const std::string text :
       {"", "Bench", "ascii then \xc3\xa9 and more", "\xf0\x9f\x98\x80x"}) {
    for (ByteOrder order : {ByteOrder::Little, ByteOrder::Big}) {
      Writer w(order);
      w.qstring(std::string_view(text));
      EXPECT_EQ(w.size(), 4 + 2 * utf8ToUtf16(text).size()) << text;
      Reader r(w.buffer(), order, limits);
      EXPECT_EQ(r.qstring().data, text);
      EXPECT_TRUE(r.atEnd());
    }
  }
  Writer w(ByteOrder::Big);
  w.qstring(std::string_view("Bench"));
  EXPECT_EQ(toHex(w.buffer()),
            "0000000a"
            "00420065006e00630068");
}

TEST(DataStream, FixedSizeReadsFailStickyAtTheEnd) {
  const Limits limits;
  const std::string bytes = fromHex("010203");
  Reader r(bytes, ByteOrder::Big, limits);
  EXPECT_EQ(r.u16(), 0x0102u);
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Truncated);
  EXPECT_EQ(r.error().offset, 2u);
  EXPECT_EQ(r.u8(), 0u);  // the byte is there, but the reader stopped at the first error
}

TEST(DataStream, UnpairedSurrogatesBecomeReplacementCharacters) {
  const Limits limits;
  const std::string bytes = fromHex(
      "04000000"
      "00d8"
      "4100");
  Reader r(bytes, ByteOrder::Little, limits);
  EXPECT_EQ(r.qstring().data,
            "\xef\xbf\xbd"
            "A");
  EXPECT_EQ(utf16ToUtf8(u"\xdc00x"), "\xef\xbf\xbdx");
}

TEST(DataStream, InvalidUtf8IsWrittenAsReplacementCharacters) {
  EXPECT_EQ(utf8ToUtf16("a\xff"
                        "b"),
            u"a\xfffd"
            "b");
  EXPECT_EQ(utf8ToUtf16("\xc0\xaf"), u"\xfffd\xfffd");            // overlong
  EXPECT_EQ(utf8ToUtf16("\xed\xa0\x80"), u"\xfffd\xfffd\xfffd");  // encoded surrogate
  EXPECT_EQ(utf16ToUtf8(utf8ToUtf16("\xf0\x9f\x98\x80")), "\xf0\x9f\x98\x80");
}

TEST(DataStream, ByteArrayKeepsNullApartFromEmpty) {
  Writer w;
  w.bytes(Text{{}, true});
  w.bytes(std::string_view(""));
  w.bytes(std::string_view("ab"));
  EXPECT_EQ(toHex(w.buffer()),
            "ffffffff"
            "00000000"
            "02000000"
            "6162");
  const Limits limits;
  Reader r(w.buffer(), ByteOrder::Little, limits);
  EXPECT_TRUE(r.bytes().null);
  EXPECT_FALSE(r.bytes().null);
  EXPECT_EQ(r.bytes().data, "ab");
}

TEST(DataStream, CStringLengthIncludesTheNul) {
  Writer w;
  w.cstring("int");
  EXPECT_EQ(toHex(w.buffer()),
            "04000000"
            "696e7400");
  const Limits limits;
  Reader r(w.buffer(), ByteOrder::Little, limits);
  EXPECT_EQ(r.cstring(), "int");
  EXPECT_TRUE(r.atEnd());
}

TEST(DataStream, TruncatedReadFailsWithOffsetAndStaysFailed) {
  const Limits limits;
  const std::string bytes = fromHex("010203");
  Reader r(bytes, ByteOrder::Little, limits, 10);
  EXPECT_EQ(r.u16(), 0x0201);
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Truncated);
  EXPECT_EQ(r.error().offset, 12u);
  EXPECT_EQ(r.u8(), 0);  // sticky: later reads return zero and keep the first error
  EXPECT_EQ(r.error().offset, 12u);
}

TEST(DataStream, StringLongerThanTheInputIsTruncated) {
  const Limits limits;
  const std::string bytes = fromHex(
      "10000000"
      "4100");
  Reader r(bytes, ByteOrder::Little, limits);
  r.qstring();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Truncated);
  EXPECT_EQ(r.error().offset, 0u);
  EXPECT_NE(r.error().reason.find("QString length 16"), std::string::npos) << r.error().reason;
}

TEST(DataStream, OddStringByteLengthIsMalformed) {
  const Limits limits;
  const std::string bytes = fromHex(
      "03000000"
      "410042");
  Reader r(bytes, ByteOrder::Little, limits);
  r.qstring();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Malformed);
}

TEST(DataStream, CountIsCheckedAgainstTheLimitAndTheBytesLeft) {
  Limits limits;
  limits.maxElements = 100;
  {
    const std::string bytes = fromHex("65000000");  // 101 > maxElements
    Reader r(bytes, ByteOrder::Little, limits);
    EXPECT_EQ(r.count(1), 0u);
    EXPECT_EQ(r.error().code, ErrorCode::LimitExceeded);
  }
  {
    const std::string bytes = fromHex(
        "03000000"
        "0000000000000000");  // 3 x 4 > 8 bytes
    Reader r(bytes, ByteOrder::Little, limits);
    EXPECT_EQ(r.count(4), 0u);
    EXPECT_EQ(r.error().code, ErrorCode::Truncated);
  }
  {
    const std::string bytes = fromHex(
        "02000000"
        "0000000000000000");
    Reader r(bytes, ByteOrder::Little, limits);
    EXPECT_EQ(r.count(4), 2u);
    EXPECT_TRUE(r.ok());
  }
}

TEST(DataStream, WriterAppendsToAnExistingBufferAndPatchesSizes) {
  std::string frame = "xy";
  Writer w(frame, ByteOrder::Little);
  const std::size_t at = w.size();
  w.u32(0);
  w.u16(1);
  w.patchU32(at, 2);
  EXPECT_EQ(toHex(frame),
            "7879"
            "02000000"
            "0100");
}

}  // namespace
}  // namespace doppel::wire
