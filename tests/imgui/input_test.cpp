#include <cmath>

#include <gtest/gtest.h>
#include <imgui.h>

#include "imgui/input_apply.h"
#include "imgui/input_codec.h"

namespace doppel::imgui {
namespace {

using Kind = InputEvent::Kind;

InputEvent ev(Kind kind) {
  InputEvent e;
  e.kind = kind;
  return e;
}

TEST(InputCodecTest, EveryKindRoundTripsEvenWhenSplitByteByByte) {
  std::vector<InputEvent> events;
  InputEvent e = ev(Kind::Hello); e.code = 1; e.x = 1280; e.y = 800; e.scale = 2; events.push_back(e);
  e = ev(Kind::Ack); e.code = 77; events.push_back(e);
  e = ev(Kind::MouseMove); e.x = 10.5f; e.y = -3; events.push_back(e);
  e = ev(Kind::MouseButton); e.code = 1; e.flag = 1; events.push_back(e);
  e = ev(Kind::Wheel); e.x = 0; e.y = -1.5f; events.push_back(e);
  e = ev(Kind::Key); e.code = 65; e.flag = 1; e.mods = 3; events.push_back(e);
  e = ev(Kind::Text); e.text = "héllo"; events.push_back(e);
  e = ev(Kind::Composition); e.flag = 1; e.text = "にほ"; events.push_back(e);
  e = ev(Kind::Touch); e.flag = 0; e.code = 9; e.x = 5; e.y = 6; events.push_back(e);
  e = ev(Kind::Clipboard); e.text = "copied"; events.push_back(e);
  e = ev(Kind::Resize); e.x = 800; e.y = 600; e.scale = 1.25f; events.push_back(e);
  e = ev(Kind::Focus); e.flag = 1; events.push_back(e);
  e = ev(Kind::Modifiers); e.mods = 8; events.push_back(e);
  std::string bytes;
  for (const auto& one : events) bytes += encodeInput(one);
  InputDecoder decoder;
  std::vector<InputEvent> got;
  for (char c : bytes) {
    auto part = decoder.feed(std::string_view(&c, 1));
    ASSERT_TRUE(part.ok()) << part.error().toString();
    got.insert(got.end(), part->begin(), part->end());
  }
  EXPECT_EQ(got, events);
}

void expectRejected(const std::string& record, ErrorCode code) {
  InputDecoder decoder;
  auto r = decoder.feed(record);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().toString();
}

std::string raw(std::uint8_t type, const std::string& payload) {
  std::string s;
  s.push_back(static_cast<char>(type));
  s.push_back(static_cast<char>(payload.size() & 0xff));
  s.push_back(static_cast<char>(payload.size() >> 8));
  return s + payload;
}

TEST(InputCodecTest, MalformedAndOversizedRecordsAreRefusedWithAReason) {
  expectRejected(raw(99, ""), ErrorCode::Malformed);                      // unknown type
  expectRejected(raw(4, std::string("\x07\x01", 2)), ErrorCode::Malformed);  // button 7
  expectRejected(raw(4, std::string("\x00\x01\x00", 3)), ErrorCode::Malformed);  // extra byte
  expectRejected(raw(3, "\x01\x02"), ErrorCode::Truncated);               // short move
  InputEvent nan = ev(Kind::MouseMove);
  nan.x = std::nanf("");
  expectRejected(encodeInput(nan), ErrorCode::Malformed);
  InputEvent far = ev(Kind::MouseMove);
  far.x = 1e9f;
  expectRejected(encodeInput(far), ErrorCode::Malformed);
  InputEvent key = ev(Kind::Key);
  key.code = 600;
  expectRejected(encodeInput(key), ErrorCode::Malformed);
  InputEvent text = ev(Kind::Text);
  text.text = std::string(5000, 'a');
  expectRejected(encodeInput(text), ErrorCode::LimitExceeded);
  InputEvent resize = ev(Kind::Resize);
  resize.x = 10, resize.y = 10, resize.scale = 0;
  expectRejected(encodeInput(resize), ErrorCode::Malformed);
  // A flood of records in one message.
  std::string flood;
  for (int i = 0; i < 5000; ++i) flood += encodeInput(ev(Kind::Focus));
  expectRejected(flood, ErrorCode::LimitExceeded);
}

class ImGuiContextTest : public ::testing::Test {
protected:
  ImGuiContextTest() : m_ctx(ImGui::CreateContext()) { InputApplier::setUpKeyMap(ImGui::GetIO()); }
  ~ImGuiContextTest() override { ImGui::DestroyContext(m_ctx); }
  ImGuiContext* m_ctx;
};

TEST_F(ImGuiContextTest, APressAndReleaseInOneFrameAreSplitAcrossTwoFrames) {
  ImGuiIO& io = ImGui::GetIO();
  InputApplier in;
  InputEvent move = ev(Kind::MouseMove);
  move.x = 50, move.y = 60;
  InputEvent down = ev(Kind::MouseButton);
  down.code = 0, down.flag = 1;
  InputEvent up = down;
  up.flag = 0;
  InputEvent moveAway = move;
  moveAway.x = 500;
  for (const auto& e : {move, down, moveAway, up}) in.push(e);
  in.apply(io);
  EXPECT_TRUE(io.MouseDown[0]);
  EXPECT_EQ(io.MousePos.x, 50);  // the press keeps its position
  EXPECT_TRUE(in.pending());
  in.apply(io);
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_EQ(io.MousePos.x, 500);
  EXPECT_FALSE(in.pending());
}

TEST_F(ImGuiContextTest, KeysTextModifiersAndFocusLoss) {
  ImGuiIO& io = ImGui::GetIO();
  InputApplier in;
  InputEvent key = ev(Kind::Key);
  key.code = 65, key.flag = 1, key.mods = 1;
  InputEvent keyUp = key;
  keyUp.flag = 0, keyUp.mods = 0;
  InputEvent text = ev(Kind::Text);
  text.text = "ab";
  for (const auto& e : {key, text, keyUp}) in.push(e);
  in.apply(io);
  EXPECT_TRUE(io.KeysDown[65]);
  EXPECT_TRUE(io.KeyCtrl);
  EXPECT_EQ(io.InputQueueCharacters.Size, 2);
  in.apply(io);
  EXPECT_FALSE(io.KeysDown[65]);
  EXPECT_FALSE(io.KeyCtrl);
  InputEvent down = ev(Kind::MouseButton);
  down.code = 1, down.flag = 1;
  in.push(down);
  in.apply(io);
  ASSERT_TRUE(io.MouseDown[1]);
  InputEvent lost = ev(Kind::Focus);
  in.push(lost);
  in.apply(io);
  EXPECT_FALSE(io.MouseDown[1]);
}

TEST_F(ImGuiContextTest, TheFirstTouchDrivesTheMouseAndOthersAreIgnored) {
  ImGuiIO& io = ImGui::GetIO();
  InputApplier in;
  InputEvent start = ev(Kind::Touch);
  start.flag = 0, start.code = 4, start.x = 10, start.y = 20;
  InputEvent second = start;
  second.code = 5, second.x = 900;
  in.push(start);
  in.push(second);
  in.apply(io);
  EXPECT_TRUE(io.MouseDown[0]);
  EXPECT_EQ(io.MousePos.x, 10);
  InputEvent end = start;
  end.flag = 2;
  in.push(end);
  in.apply(io);
  EXPECT_FALSE(io.MouseDown[0]);
}

TEST_F(ImGuiContextTest, WheelStepsAddUpAndATouchDragMovesThePressedMouse) {
  ImGuiIO& io = ImGui::GetIO();
  InputApplier in;
  InputEvent wheel = ev(Kind::Wheel);
  wheel.x = 0.5f, wheel.y = -1.0f;
  in.push(wheel);
  in.push(wheel);
  in.apply(io);
  EXPECT_FLOAT_EQ(io.MouseWheel, -2.0f);  // two notches in one frame scroll twice as far
  EXPECT_FLOAT_EQ(io.MouseWheelH, 1.0f);

  InputEvent start = ev(Kind::Touch);
  start.code = 7, start.flag = 0, start.x = 10, start.y = 20;
  InputEvent drag = start;
  drag.flag = 1, drag.x = 40, drag.y = 80;
  InputEvent end = drag;
  end.flag = 2;
  in.push(start);
  in.apply(io);
  EXPECT_TRUE(io.MouseDown[0]);
  in.push(drag);
  in.apply(io);
  EXPECT_TRUE(io.MouseDown[0]);  // still pressed while the finger moves: a drag
  EXPECT_EQ(io.MousePos.x, 40);
  EXPECT_EQ(io.MousePos.y, 80);
  in.push(end);
  in.apply(io);
  EXPECT_FALSE(io.MouseDown[0]);
}

}  // namespace
}  // namespace doppel::imgui
