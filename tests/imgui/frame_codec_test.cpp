#include <random>

#include <gtest/gtest.h>

#include "imgui/deflate.h"
#include "imgui/frame_codec.h"
#include "imgui_frames.h"

namespace doppel::imgui {
namespace {

Frame decodeAgainst(const std::string& payload, const Frame* base) {
  auto decoded = decodeFrame(payload, base);
  EXPECT_TRUE(decoded.ok()) << decoded.error().toString();
  return decoded.ok() ? *decoded : Frame{};
}

TEST(FrameCodecTest, DeltasOfRealImGuiFramesRebuildEachFrameExactly) {
  test::HeadlessImGui gui;
  std::mt19937 rng(99);
  Frame previous;
  Frame older;
  bool havePrevious = false;
  std::size_t deltaBytes = 0;
  std::size_t rawBytes = 0;
  for (std::uint32_t i = 1; i <= 200; ++i) {
    const float x = static_cast<float>(rng() % 700);
    const float y = static_cast<float>(rng() % 700);
    Frame f = gui.frame(x, y, rng() % 4 == 0);
    f.seq = i;
    // Against the previous frame, against an older one (an unacknowledged gap), and as a key frame.
    if (havePrevious) {
      const std::string delta = encodeFrame(f, &previous);
      EXPECT_EQ(decodeAgainst(delta, &previous), f) << "frame " << i;
      deltaBytes += delta.size();
      rawBytes += f.rawBytes();
      if (older.seq != 0) {
        EXPECT_EQ(decodeAgainst(encodeFrame(f, &older), &older), f) << "frame " << i;
      }
    }
    EXPECT_EQ(decodeAgainst(encodeFrame(f, nullptr), nullptr), f) << "frame " << i;
    older = previous;
    previous = f;
    havePrevious = true;
  }
  EXPECT_LT(deltaBytes, rawBytes / 2);  // deltas are worth it even before deflate
}

TEST(FrameCodecTest, AnUnchangedFrameCostsAFewBytesPerList) {
  test::HeadlessImGui gui;
  gui.frame(10, 10, false);
  Frame a = gui.frame(10, 10, false);
  a.seq = 1;
  Frame b = gui.frame(10, 10, false);
  b.seq = 2;
  ASSERT_TRUE(a.sameContent(b));
  const std::string delta = encodeFrame(b, &a);
  EXPECT_LT(delta.size(), 40 + 3 * b.lists.size());
  EXPECT_EQ(decodeAgainst(delta, &a), b);
}

TEST(FrameCodecTest, DecodingTheWrongBaseOrTruncatedBytesFails) {
  test::HeadlessImGui gui;
  Frame a = gui.frame(100, 100, false);
  a.seq = 1;
  Frame b = gui.frame(120, 300, true);
  b.seq = 2;
  const std::string delta = encodeFrame(b, &a);
  EXPECT_FALSE(decodeFrame(delta, nullptr).ok());
  Frame wrong = a;
  wrong.seq = 7;
  EXPECT_FALSE(decodeFrame(delta, &wrong).ok());
  for (std::size_t cut = 0; cut < delta.size(); cut += 1 + cut / 8)
    EXPECT_FALSE(decodeFrame(std::string_view(delta).substr(0, cut), &a).ok()) << cut;
  EXPECT_FALSE(decodeFrame(delta + "x", &a).ok());
}

TEST(FrameCodecTest, TexturesRoundTripAndLiesAboutSizeFail) {
  Texture t;
  t.id = 3;
  t.width = 4;
  t.height = 2;
  t.pixels = std::string(32, '\x7f');
  const std::string payload = encodeTexture(t);
  auto back = decodeTexture(payload);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, t);
  EXPECT_FALSE(decodeTexture(payload.substr(0, payload.size() - 1)).ok());
  t.format = Texture::Format::Alpha8;
  EXPECT_FALSE(decodeTexture(encodeTexture(t)).ok());  // 32 bytes for an 8-byte alpha texture
}

TEST(FrameCodecTest, DeflateStreamSpansMessages) {
  Deflater d;
  Inflater i;
  std::string all;
  for (int k = 0; k < 50; ++k) {
    const std::string chunk = std::string(1000 + k, static_cast<char>('a' + k % 26)) + std::to_string(k);
    auto out = i.decompress(d.compress(chunk));
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(*out, chunk);
  }
  EXPECT_FALSE(Inflater().decompress("\xff\xff\xff\xff garbage").ok());
}

}  // namespace
}  // namespace doppel::imgui
