#include <random>

#include <gtest/gtest.h>

#include "imgui/buffer_patch.h"
#include "imgui/byte_io.h"

namespace doppel::imgui {
namespace {

std::string randomBytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() % 7);  // few values: repeats, like vertex data
  return s;
}

std::string roundTrip(const std::string& base, const std::string& next, std::size_t elem, std::size_t block,
                      std::size_t* encodedSize = nullptr) {
  std::string encoded;
  ByteWriter w(encoded);
  encodePatch(base, next, elem, block, w);
  if (encodedSize != nullptr) *encodedSize = encoded.size();
  ByteReader r(encoded);
  auto decoded = decodePatch(r, base, elem, 1u << 24);
  EXPECT_TRUE(decoded.ok()) << decoded.error().toString();
  EXPECT_TRUE(r.atEnd());
  return decoded.ok() ? *decoded : std::string();
}

TEST(PatchTest, RandomEditsRoundTripExactly) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 500; ++round) {
    const std::size_t elem = round % 3 == 0 ? 2 : 20;
    std::string base = randomBytes(rng, (rng() % 200) * elem);
    std::string next = base;
    const int edits = static_cast<int>(rng() % 5);
    for (int e = 0; e < edits; ++e) {
      const std::size_t count = next.size() / elem;
      const std::size_t at = count == 0 ? 0 : rng() % (count + 1);
      switch (rng() % 3) {
        case 0: next.insert(at * elem, randomBytes(rng, (1 + rng() % 10) * elem)); break;
        case 1: if (at < count) next.erase(at * elem, std::min<std::size_t>(1 + rng() % 10, count - at) * elem); break;
        default: if (at < count) next[at * elem + rng() % elem] ^= 0x55; break;
      }
    }
    ASSERT_EQ(roundTrip(base, next, elem, elem == 2 ? 6 : 4), next) << "round " << round;
  }
}

TEST(PatchTest, EmptyAndDisjointBuffers) {
  EXPECT_EQ(roundTrip("", "", 2, 6), "");
  EXPECT_EQ(roundTrip("", std::string(40, 'a'), 20, 4), std::string(40, 'a'));
  EXPECT_EQ(roundTrip(std::string(40, 'a'), "", 20, 4), "");
  EXPECT_EQ(roundTrip(std::string(400, 'a'), std::string(200, 'b'), 20, 4), std::string(200, 'b'));
}

TEST(PatchTest, AnInsertionInTheMiddleCostsOnlyTheInsertedElements) {
  std::mt19937 rng(7);
  std::string base;
  for (int i = 0; i < 2000 * 20; ++i) base.push_back(static_cast<char>(rng()));
  std::string next = base;
  next.insert(1000 * 20, std::string(3 * 20, 'x'));
  std::size_t size = 0;
  EXPECT_EQ(roundTrip(base, next, 20, 4, &size), next);
  EXPECT_LT(size, 3 * 20 + 24u);  // the literal plus a handful of op bytes
}

TEST(PatchTest, IndexDeltasInvert) {
  std::string idx;
  for (std::uint16_t v : {0, 1, 2, 0, 2, 3, 65535, 4, 4}) idx.append(reinterpret_cast<const char*>(&v), 2);
  EXPECT_EQ(undeltaIndices(deltaCodeIndices(idx)), idx);
}

TEST(PatchTest, MalformedPatchesFailWithoutReadingOutside) {
  const std::string base(100, 'z');
  std::string good;
  ByteWriter w(good);
  encodePatch(base, std::string(60, 'q') + base.substr(0, 40), 20, 4, w);
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    ByteReader r(std::string_view(good).substr(0, cut));
    EXPECT_FALSE(decodePatch(r, base, 20, 1000).ok()) << "cut at " << cut;
  }
  // A copy past the base's end.
  std::string bad;
  ByteWriter b(bad);
  b.varint(4);
  b.varint(1);
  b.varint(4 << 1 | 1);
  b.varint(3);
  ByteReader r(bad);
  const auto result = decodePatch(r, base, 20, 1000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::Malformed);
  // More elements than the limit.
  std::string huge;
  ByteWriter h(huge);
  h.varint(1u << 30);
  ByteReader hr(huge);
  EXPECT_EQ(decodePatch(hr, base, 20, 1000).error().code, ErrorCode::LimitExceeded);
}

}  // namespace
}  // namespace doppel::imgui
