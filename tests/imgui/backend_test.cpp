// The backend pair over a real loopback WebSocket: Init serves, a C++ viewer connects, frames
// arrive as deltas, clicks reach ImGui, a second viewer is told "in use", idle sends nothing.
#include <gtest/gtest.h>
#include <imgui.h>

#include "doppel/event_loop.h"
#include "doppel/imgui.h"
#include "doppel/runtime.h"
#include "doppel/web.h"
#include "fake_viewer.h"

namespace doppel::imgui {
namespace {

using namespace std::chrono_literals;

struct WsViewer {
  ChannelPtr channel;
  std::shared_ptr<test::FakeChannelState> received = std::make_shared<test::FakeChannelState>();
  test::FakeViewer viewer;
  bool closed = false;
  Error reason;

  void open(EventLoop& loop, const std::string& url) {
    connectWebSocket(loop, url, [this](Result<ChannelPtr> r) {
      ASSERT_TRUE(r.ok()) << r.error().toString();
      channel = std::move(*r);
      Channel::Handler h;
      h.onData = [this](std::string_view b) { received->sent.emplace_back(b); };
      h.onClosed = [this](const Error& e) { closed = true, reason = e; };
      channel->start(std::move(h));
    });
  }
  void send(const InputEvent& e) { channel->send(std::make_shared<const std::string>(encodeInput(e))); }
};

class BackendTest : public ::testing::Test {
protected:
  BackendTest() {
    m_ctx = ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
  }
  // The viewers (members below) close after the backend and before the loop they run on.
  ~BackendTest() override {
    if (m_initialized) ImGui_ImplDoppel_Shutdown();
    ImGui::DestroyContext(m_ctx);
  }
  bool init() {
    ImGui_ImplDoppel_Options options;
    options.loop = m_loop.get();
    m_initialized = ImGui_ImplDoppel_Init(options);
    return m_initialized;
  }

  /// One application frame: a button that counts clicks.
  void frame() {
    ImGui_ImplDoppel_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::Begin("panel");
    if (ImGui::Button("Click me", ImVec2(200, 60))) ++clicks;
    ImGui::Text("clicks: %d", clicks);
    ImGui::End();
    ImGui::Render();
    ImGui_ImplDoppel_RenderDrawData(ImGui::GetDrawData());
  }
  /// Runs the application loop until `done` or the deadline.
  bool runUntil(const std::function<bool()>& done, Clock::duration limit = 5s) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (ImGui_ImplDoppel_WaitForEvents(0.02)) frame();
      if (done()) return true;
    }
    return false;
  }

  std::unique_ptr<EventLoop> m_loop = makeEventLoop();
  ImGuiContext* m_ctx;
  bool m_initialized = false;
  WsViewer v;
  WsViewer second;
  int clicks = 0;
  std::uint32_t lastAck = 0;
};

// Was disabled as "stalling": the viewers outlived the loop that ImGui_ImplDoppel_Shutdown
// destroyed (a deadlock on freed Asio state at the end); the first frame also went out at the
// default size because the Hello's size was applied a frame late.
TEST_F(BackendTest, ServesFramesAtTheViewersSizeTakesClicksRefusesASecondViewerAndIdlesSilently) {
  ASSERT_TRUE(init());
  EventLoop& loop = *ImGui_ImplDoppel_GetLoop();
  const std::string http = ImGui_ImplDoppel_Url();
  ASSERT_EQ(http.substr(0, 17), "http://127.0.0.1:");
  const std::string ws = "ws://" + http.substr(7) + "stream";

  v.open(loop, ws);
  ASSERT_TRUE(runUntil([&] { return v.channel != nullptr; }));
  InputEvent hello;
  hello.kind = InputEvent::Kind::Hello;
  hello.code = kProtocolVersion;
  hello.x = 640, hello.y = 480, hello.scale = 1;
  v.send(hello);
  ASSERT_TRUE(runUntil([&] { return v.viewer.pump(*v.received) && !v.viewer.frameSeqs.empty(); }))
      << v.viewer.error;
  // The first frame is already drawn at the size the Hello gave, and it is a key frame.
  EXPECT_EQ(v.viewer.frameSeqs.size(), 1u);
  EXPECT_EQ(v.viewer.current.displaySize[0], 640);
  EXPECT_EQ(v.viewer.current.displaySize[1], 480);
  EXPECT_EQ(ImGui_ImplDoppel_GetStats().keyFrames, 1u);
  EXPECT_EQ(v.viewer.textures.count(1), 1u);  // the font atlas
  const Frame beforeClick = v.viewer.current;

  // Click the button: press and release in one message still counts once.
  InputEvent move;
  move.kind = InputEvent::Kind::MouseMove;
  move.x = 60, move.y = 50;
  InputEvent down;
  down.kind = InputEvent::Kind::MouseButton;
  down.code = 0, down.flag = 1;
  InputEvent up = down;
  up.flag = 0;
  v.channel->send(std::make_shared<const std::string>(encodeInput(move) + encodeInput(down) + encodeInput(up)));
  ASSERT_TRUE(runUntil([&] {
    if (!v.viewer.pump(*v.received)) return true;
    if (!v.viewer.frameSeqs.empty()) {
      InputEvent ack;
      ack.kind = InputEvent::Kind::Ack;
      ack.code = v.viewer.frameSeqs.back();
      if (ack.code != lastAck) v.send(ack), lastAck = ack.code;
    }
    // Done when ImGui saw the click and the viewer holds the picture that shows it.
    return clicks == 1 && !v.viewer.current.sameContent(beforeClick) && !ImGui_ImplDoppel_WaitForEvents(0);
  }));
  EXPECT_TRUE(v.viewer.error.empty()) << v.viewer.error;
  EXPECT_EQ(ImGui_ImplDoppel_GetStats().keyFrames, 1u);  // everything after the first is a delta

  // A second browser is refused with a reason it can show.
  second.open(loop, ws);
  ASSERT_TRUE(runUntil([&] { return second.closed; }));
  EXPECT_NE(second.reason.reason.find("in use"), std::string::npos) << second.reason.toString();
  EXPECT_FALSE(v.closed);

  // Idle: once the picture settles, no byte goes out.
  runUntil([] { return false; }, 1s);  // lets the picture settle
  const auto before = ImGui_ImplDoppel_GetStats();
  const auto deadline = Clock::now() + 300ms;
  while (Clock::now() < deadline)
    if (ImGui_ImplDoppel_WaitForEvents(0.05)) frame();
  EXPECT_EQ(ImGui_ImplDoppel_GetStats().bytesSent, before.bytesSent);
  EXPECT_EQ(ImGui_ImplDoppel_GetStats().framesRendered, before.framesRendered);  // it slept
  EXPECT_EQ(clicks, 1);
}

}  // namespace
}  // namespace doppel::imgui
