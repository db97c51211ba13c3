#include <gtest/gtest.h>

#include "fake_viewer.h"
#include "imgui/stream_server.h"
#include "imgui_frames.h"

namespace doppel::imgui {
namespace {

using test::FakeChannel;
using test::FakeChannelState;
using test::FakeViewer;

struct Connected {
  std::shared_ptr<FakeChannelState> channel = std::make_shared<FakeChannelState>();
  FakeViewer viewer;
  std::uint32_t acked = 0;

  void connect(StreamServer& server) {
    server.accept(std::make_unique<FakeChannel>(channel));
    if (!channel->started) return;  // refused
    InputEvent hello;
    hello.kind = InputEvent::Kind::Hello;
    hello.code = kProtocolVersion;
    hello.x = 1280, hello.y = 800;
    viewer.sendInput(*channel, hello);
  }
  void ack(std::uint32_t seq) {
    if (seq == acked) return;  // the viewer acknowledges each frame once
    acked = seq;
    InputEvent a;
    a.kind = InputEvent::Kind::Ack;
    a.code = seq;
    viewer.sendInput(*channel, a);
  }
};

Texture font() {
  Texture t;
  t.id = 1;
  t.width = 8;
  t.height = 8;
  t.format = Texture::Format::Alpha8;
  t.pixels = std::string(64, '\x40');
  return t;
}

TEST(StreamServerTest, ASlowViewerGetsFewerNewerFramesAndEveryOneDecodes) {
  test::HeadlessImGui gui;
  StreamOptions two;
  two.credits = 2;
  StreamServer server(two);
  server.setTexture(font());
  Connected c;
  c.connect(server);
  ASSERT_TRUE(server.ready());
  std::uint32_t lastPublished = 0;
  Frame base = gui.frame(10, 10, false);
  for (int i = 0; i < 100; ++i) {
    Frame f = base;  // a different picture every time: one vertex's colour changes
    f.lists[0].vtx[16] = static_cast<char>(i);
    f.lists[0].vtx[17] = static_cast<char>(i + 1);
    ASSERT_TRUE(server.publish(f));
    lastPublished = i + 1;
    EXPECT_LE(server.inFlight(), 2u);  // never more than the credits
    ASSERT_TRUE(c.viewer.pump(*c.channel)) << c.viewer.error;
    if (i % 5 == 4 && !c.viewer.frameSeqs.empty()) c.ack(c.viewer.frameSeqs.back());  // slow acks
  }
  ASSERT_TRUE(c.viewer.pump(*c.channel)) << c.viewer.error;
  const auto& st = server.stats();
  EXPECT_GT(st.framesDropped, 0u);
  EXPECT_LT(st.framesSent, 100u);
  EXPECT_EQ(st.keyFrames, 1u);  // every later frame is a delta, acknowledged or not
  EXPECT_EQ(st.texturesSent, 1u);
  EXPECT_EQ(c.viewer.textures.count(1), 1u);
  // The viewer acks what it has: the newest frame goes out, and it is the newest picture.
  c.ack(c.viewer.frameSeqs.back());
  ASSERT_TRUE(c.viewer.pump(*c.channel)) << c.viewer.error;
  EXPECT_EQ(c.viewer.frameSeqs.back(), lastPublished);
  EXPECT_FALSE(c.viewer.current.lists.empty());
}

TEST(StreamServerTest, AnUnchangedFrameSendsNothing) {
  test::HeadlessImGui gui;
  StreamServer server;
  Connected c;
  c.connect(server);
  gui.frame(5, 5, false);
  EXPECT_TRUE(server.publish(gui.frame(5, 5, false)));
  const std::size_t messages = c.channel->sent.size();
  const auto bytes = server.stats().bytesSent;
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(server.publish(gui.frame(5, 5, false)));
  EXPECT_EQ(c.channel->sent.size(), messages);
  EXPECT_EQ(server.stats().bytesSent, bytes);
}

TEST(StreamServerTest, ASecondViewerIsToldInUseUnlessTakeoverIsSet) {
  StreamServer server;
  Connected first;
  first.connect(server);
  Connected second;
  second.connect(server);
  EXPECT_TRUE(second.channel->closed);
  EXPECT_EQ(second.channel->closeReason.reason, "in use by another browser");
  EXPECT_FALSE(first.channel->closed);
  EXPECT_EQ(server.stats().refused, 1u);

  StreamOptions takeover;
  takeover.takeover = true;
  StreamServer taking(takeover);
  Connected a;
  a.connect(taking);
  Connected b;
  b.connect(taking);
  EXPECT_TRUE(a.channel->closed);
  EXPECT_FALSE(b.channel->closed);
  EXPECT_TRUE(taking.ready());
}

TEST(StreamServerTest, MalformedInputClosesThatConnectionAndTheNextViewerGetsAKeyFrame) {
  test::HeadlessImGui gui;
  StreamServer server;
  Connected bad;
  bad.connect(server);
  server.publish(gui.frame(1, 1, false));
  bad.channel->handler.onData(std::string("\x63\x00\x00", 3));  // unknown record type
  EXPECT_TRUE(bad.channel->closed);
  EXPECT_EQ(bad.channel->closeReason.code, ErrorCode::Malformed);
  EXPECT_EQ(server.stats().inputErrors, 1u);
  bad.channel->handler.onClosed(bad.channel->closeReason);
  for (int i = 0; i < 4; ++i) (void)server.publish(gui.frame(1, 1, false));  // the window settles
  Connected good;
  good.connect(server);
  ASSERT_TRUE(good.viewer.pump(*good.channel)) << good.viewer.error;
  EXPECT_TRUE(good.viewer.frameSeqs.empty());  // the Hello's size is not drawn yet
  EXPECT_FALSE(server.publish(gui.frame(1, 1, false)));  // the application's next frame: unchanged
  ASSERT_TRUE(good.viewer.pump(*good.channel)) << good.viewer.error;
  ASSERT_EQ(good.viewer.frameSeqs.size(), 1u);
  EXPECT_EQ(server.stats().keyFrames, 2u);
  // An ack of a frame never sent is malformed too.
  good.ack(999);
  EXPECT_TRUE(good.channel->closed);
}

TEST(StreamServerTest, ATextureIsResentOnlyWhenItsContentChanges) {
  test::HeadlessImGui gui;
  StreamServer server;
  server.setTexture(font());
  Connected c;
  c.connect(server);
  server.publish(gui.frame(1, 1, false));
  c.ack(1);
  server.setTexture(font());
  server.publish(gui.frame(300, 300, false));
  EXPECT_EQ(server.stats().texturesSent, 1u);
  Texture changed = font();
  changed.pixels[3] = 'x';
  server.setTexture(changed);
  ASSERT_TRUE(c.viewer.pump(*c.channel)) << c.viewer.error;
  EXPECT_EQ(server.stats().texturesSent, 2u);
  EXPECT_EQ(c.viewer.textures[1], changed);
}

}  // namespace
}  // namespace doppel::imgui
