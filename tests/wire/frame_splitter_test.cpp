#include "wire/frame_splitter.h"

#include <vector>

#include <gtest/gtest.h>

#include "appendix_a_vectors.h"
#include "wire_test_util.h"

namespace doppel::wire {
namespace {

using test::fromHex;

/// Every Appendix A frame back to back, and the frames (without size fields) it holds.
struct Stream {
  std::string bytes;
  std::vector<std::string> frames;
};

Stream appendixStream() {
  Stream s;
  for (const auto& v : test::kAppendixA) {
    const std::string frame = fromHex(v.hex);
    s.bytes += frame;
    s.frames.push_back(frame.substr(4));
  }
  return s;
}

std::vector<std::string> feedAll(FrameSplitter& splitter,
                                 const std::vector<std::string_view>& chunks) {
  std::vector<std::string> out;
  for (auto chunk : chunks) {
    auto r = splitter.feed(chunk, [&](std::string_view f) { out.emplace_back(f); });
    EXPECT_TRUE(r.ok()) << r.error().toString();
  }
  return out;
}

TEST(FrameSplitter, SeveralFramesInOneChunk) {
  const Limits limits;
  FrameSplitter splitter(limits);
  const Stream s = appendixStream();
  EXPECT_EQ(feedAll(splitter, {s.bytes}), s.frames);
  EXPECT_EQ(splitter.buffered(), 0u);
}

TEST(FrameSplitter, SplitAtEveryByteBoundary) {
  const Limits limits;
  const Stream s = appendixStream();
  const std::string_view all = s.bytes;
  for (std::size_t cut = 0; cut <= all.size(); ++cut) {
    FrameSplitter splitter(limits);
    EXPECT_EQ(feedAll(splitter, {all.substr(0, cut), all.substr(cut)}), s.frames) << cut;
    EXPECT_EQ(splitter.buffered(), 0u);
  }
}

TEST(FrameSplitter, OneByteAtATime) {
  const Limits limits;
  const Stream s = appendixStream();
  FrameSplitter splitter(limits);
  std::vector<std::string_view> chunks;
  for (std::size_t i = 0; i < s.bytes.size(); ++i)
    chunks.push_back(std::string_view(s.bytes).substr(i, 1));
  EXPECT_EQ(feedAll(splitter, chunks), s.frames);
}

TEST(FrameSplitter, HoldsAnIncompleteFrame) {
  const Limits limits;
  FrameSplitter splitter(limits);
  const std::string ping = fromHex(test::kAppendixA[11].hex);
  EXPECT_EQ(feedAll(splitter, {std::string_view(ping).substr(0, 7)}).size(), 0u);
  EXPECT_EQ(splitter.buffered(), 7u);
  EXPECT_EQ(
      feedAll(splitter, {std::string_view(ping).substr(7), std::string_view(ping).substr(0, 2)})
          .size(),
      1u);
  EXPECT_EQ(splitter.buffered(), 2u);
}

TEST(FrameSplitter, SizeOverTheLimitIsAnErrorThatStays) {
  Limits limits;
  limits.maxFrameBytes = 16;
  FrameSplitter splitter(limits);
  const std::string bytes = fromHex(
      "0c000000 0a00 06000000 4c0061006200"
      "11000000");
  int frames = 0;
  auto r = splitter.feed(bytes, [&](std::string_view) { ++frames; });
  EXPECT_EQ(frames, 1);  // the frame before the bad size still arrives
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::LimitExceeded);
  EXPECT_NE(r.error().reason.find("17"), std::string::npos);
  auto again = splitter.feed("x", [&](std::string_view) { ++frames; });
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(frames, 1);
}

TEST(FrameSplitter, HugeSizeIsRefusedBeforeBuffering) {
  const Limits limits;
  FrameSplitter splitter(limits);
  auto r = splitter.feed(fromHex("ffffffff"), [](std::string_view) {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::LimitExceeded);
}

TEST(FrameSplitter, SizeSmallerThanThePacketTypeIsAnError) {
  const Limits limits;
  for (const char* hex : {"00000000", "01000000 00"}) {
    FrameSplitter splitter(limits);
    auto r = splitter.feed(fromHex(hex), [](std::string_view) { ADD_FAILURE(); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Malformed);
  }
}

TEST(FrameSplitter, SmallestFrameIsJustAPacketType) {
  const Limits limits;
  FrameSplitter splitter(limits);
  EXPECT_EQ(feedAll(splitter, {fromHex("02000000 0a00")}),
            std::vector<std::string>{fromHex("0a00")});
}

}  // namespace
}  // namespace doppel::wire
