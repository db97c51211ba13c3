// imgui_impl_doppel: the platform and renderer backend pair of include/doppel/imgui.h.
//
// CHANGELOG
//  2026-11-24: first version (ImGui 1.86: io.KeysDown[]/KeyMap[], no input-event API).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <imgui.h>

#include "doppel/event_loop.h"
#include "doppel/imgui.h"
#include "doppel/log.h"
#include "doppel/runtime.h"
#include "doppel/web.h"

#include "imgui/draw_snapshot.h"
#include "imgui/input_apply.h"
#include "imgui/session_template.h"
#include "imgui/stream_server.h"

#ifndef DOPPEL_VIEWER_DIR
#define DOPPEL_VIEWER_DIR ""
#endif

namespace {

using doppel::Clock;
using doppel::imgui::InputApplier;
using doppel::imgui::StreamServer;
using doppel::imgui::Texture;

constexpr std::uint32_t kFontTexture = 1;
/// How long a picture changed by application state alone waits before the frame that checks it
/// has settled (see RenderDrawData).
constexpr std::chrono::milliseconds kStateSettleDelay{100};
constexpr std::string_view kComponent = "imgui";

struct ImGui_ImplDoppel_Data {
  explicit ImGui_ImplDoppel_Data(const ImGui_ImplDoppel_Options& o)
      : options(o), stream(streamOptions(o)) {}

  static doppel::imgui::StreamOptions streamOptions(const ImGui_ImplDoppel_Options& o) {
    doppel::imgui::StreamOptions s;
    s.credits = o.credits;
    s.takeover = o.takeover;
    return s;
  }

  ImGui_ImplDoppel_Options options;
  std::unique_ptr<doppel::EventLoop> ownLoop;
  doppel::EventLoop* loop = nullptr;
  StreamServer stream;
  std::unique_ptr<doppel::WebServer> web;
  InputApplier input;
  bool wake = true;      ///< input or RequestFrame since the last frame
  bool changed = false;  ///< the last frame differed from the one before: draw until it settles
  bool inputFrame = false;  ///< the frame being drawn applies input from the viewer
  Clock::time_point settleDue{};  ///< when to look again whether a changed picture has settled
  bool polled = false;   ///< WaitForEvents just ran the loop: NewFrame need not poll it again
  Clock::time_point nextFrameDue{};  ///< when a still-changing picture may draw again
  Clock::time_point lastTime{};
  std::uint64_t framesRendered = 0;
  const unsigned char* fontPixels = nullptr;
  int fontWidth = 0;
  int fontHeight = 0;
  std::uint32_t nextTexture = kFontTexture + 1;
  bool textInput = false;
  ImVec2 imePos{0, 0};
  ImVec2 sentImePos{-1, -1};
};

ImGui_ImplDoppel_Data* data() {
  return ImGui::GetCurrentContext() != nullptr
             ? static_cast<ImGui_ImplDoppel_Data*>(ImGui::GetIO().BackendPlatformUserData)
             : nullptr;
}

void pollLoop(ImGui_ImplDoppel_Data& d) {
  (void)d.loop->runUntil([] { return false; }, Clock::now());
}

void updateFontTexture(ImGui_ImplDoppel_Data& d) {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0;
  int height = 0;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
  if (io.Fonts->TexID != reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(kFontTexture)))
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(kFontTexture)));
  if (pixels == d.fontPixels && width == d.fontWidth && height == d.fontHeight) return;
  d.fontPixels = pixels;
  d.fontWidth = width;
  d.fontHeight = height;
  Texture t;
  t.id = kFontTexture;
  t.width = static_cast<std::uint16_t>(width);
  t.height = static_cast<std::uint16_t>(height);
  t.format = Texture::Format::Alpha8;
  t.pixels.assign(reinterpret_cast<const char*>(pixels), static_cast<std::size_t>(width) * height);
  d.stream.setTexture(std::move(t));
}

const char* getClipboard(void* user) {
  return static_cast<ImGui_ImplDoppel_Data*>(user)->input.clipboard.c_str();
}

void setClipboard(void* user, const char* text) {
  auto* d = static_cast<ImGui_ImplDoppel_Data*>(user);
  d->input.clipboard = text;  // a paste inside the app works without the browser
  d->stream.setClipboard(text);
}

void setImePos(int x, int y) {
  if (auto* d = data()) d->imePos = ImVec2(static_cast<float>(x), static_cast<float>(y));
}

std::string viewerDir(const ImGui_ImplDoppel_Options& o) {
  if (!o.viewerDir.empty()) return o.viewerDir;
  if (const char* env = std::getenv("DOPPEL_VIEWER_DIR"); env != nullptr && *env != '\0') return env;  // NOLINT(concurrency-mt-unsafe)
  return DOPPEL_VIEWER_DIR;
}

}  // namespace

bool ImGui_ImplDoppel_Init(const ImGui_ImplDoppel_Options& options) {
  IMGUI_CHECKVERSION();
  ImGuiIO& io = ImGui::GetIO();
  IM_ASSERT(io.BackendPlatformUserData == nullptr && "Already initialized a platform backend!");
  // Under doppel-gateway the process is one user's session: a reload replaces the old tab.
  ImGui_ImplDoppel_Options effective = options;
  if (std::getenv("DOPPEL_HANDOFF_FD") != nullptr || std::getenv("DOPPEL_TEMPLATE_FD") != nullptr)  // NOLINT(concurrency-mt-unsafe)
    effective.takeover = true;
  auto d = std::make_unique<ImGui_ImplDoppel_Data>(effective);
  if (options.loop != nullptr) {
    d->loop = options.loop;
  } else {
    d->ownLoop = doppel::makeEventLoop();
    d->loop = d->ownLoop.get();
  }
  // doppel-gateway --warm: this process is the session template; it returns here only in a new
  // session (forked, with DOPPEL_HANDOFF_FD set), its font atlas already built.
  if (const char* t = std::getenv("DOPPEL_TEMPLATE_FD"); t != nullptr && *t != '\0') {  // NOLINT(concurrency-mt-unsafe)
    unsigned char* pixels = nullptr;
    int width = 0;
    int height = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
    if (!doppel::imgui::serveAsTemplate(std::atoi(t), d->loop)) return false;
  }
  doppel::WebOptions web;
  web.host = options.host;
  web.port = options.port;
  web.webRoot = viewerDir(options);
  web.token = options.token;
  web.allowedOrigins = options.allowedOrigins;
  web.certificateFile = options.certificateFile;
  web.privateKeyFile = options.privateKeyFile;
  web.maxMessageBytes = 256u << 10;  // input records are small; 64 KiB clipboard at most
  web.permessageDeflate = false;     // frames are deflated already, once
  // Under doppel-gateway (docs/gateway.md) the connections come over the inherited handoff
  // socket instead of a port; read once, so the app's own children do not take it too.
  if (const char* fd = std::getenv("DOPPEL_HANDOFF_FD"); fd != nullptr && *fd != '\0') {  // NOLINT(concurrency-mt-unsafe)
    web.handoffFd = std::atoi(fd);
    ::unsetenv("DOPPEL_HANDOFF_FD");  // NOLINT(concurrency-mt-unsafe)
  }
  ImGui_ImplDoppel_Data* raw = d.get();
  auto server = doppel::WebServer::start(*d->loop, std::move(web), [raw](doppel::ChannelPtr channel) {
    raw->stream.accept(std::move(channel));
  });
  if (!server) {
    doppel::log(doppel::LogLevel::Error, kComponent, "cannot serve the viewer: " + server.error().toString());
    return false;
  }
  d->web = std::move(*server);
  d->stream.onInput = [raw] {
    for (auto& e : raw->stream.takeInput()) raw->input.push(std::move(e));
    raw->wake = true;
  };
  d->lastTime = Clock::now();

  io.BackendPlatformName = "imgui_impl_doppel";
  io.BackendRendererName = "imgui_impl_doppel";
  io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors | ImGuiBackendFlags_RendererHasVtxOffset;
  io.ConfigInputTextCursorBlink = options.cursorBlink;
  InputApplier::setUpKeyMap(io);
  io.SetClipboardTextFn = setClipboard;
  io.GetClipboardTextFn = getClipboard;
  io.ClipboardUserData = raw;
  io.ImeSetInputScreenPosFn = setImePos;
  io.BackendPlatformUserData = d.release();
  io.BackendRendererUserData = raw;
  updateFontTexture(*raw);
  return true;
}

void ImGui_ImplDoppel_Shutdown() {
  ImGui_ImplDoppel_Data* d = data();
  IM_ASSERT(d != nullptr && "No platform backend to shutdown, or already shutdown?");
  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformUserData = nullptr;
  io.BackendRendererUserData = nullptr;
  io.BackendPlatformName = nullptr;
  io.BackendRendererName = nullptr;
  io.SetClipboardTextFn = nullptr;
  io.GetClipboardTextFn = nullptr;
  io.ClipboardUserData = nullptr;
  io.ImeSetInputScreenPosFn = nullptr;
  const std::unique_ptr<ImGui_ImplDoppel_Data> owned(d);
  owned->web.reset();
  pollLoop(*owned);  // lets the close frames and aborted operations finish on the loop
}

void ImGui_ImplDoppel_NewFrame() {
  ImGui_ImplDoppel_Data* d = data();
  IM_ASSERT(d != nullptr && "Did you call ImGui_ImplDoppel_Init()?");
  ImGuiIO& io = ImGui::GetIO();
  // Each poll is an epoll_wait, and a gateway runs hundreds of sessions: a frame polls once,
  // in WaitForEvents or here.
  if (!d->polled) pollLoop(*d);
  d->polled = false;
  // Input first: a Hello or Resize in this batch sets the size this very frame is drawn at.
  d->inputFrame = d->input.pending();
  d->input.apply(io);
  d->wake = d->input.pending();  // events held back for the next frame
  const bool known = d->input.width > 0 && d->input.height > 0;
  io.DisplaySize = known ? ImVec2(d->input.width, d->input.height) : ImVec2(1280, 800);
  io.DisplayFramebufferScale = ImVec2(d->input.pixelRatio, d->input.pixelRatio);
  const Clock::time_point now = Clock::now();
  io.DeltaTime = std::max(std::chrono::duration<float>(now - d->lastTime).count(), 1e-4f);
  d->lastTime = now;
}

static Clock::duration frameInterval(const ImGui_ImplDoppel_Data& d) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / std::max(d.options.maxFps, 1.0)));
}

void ImGui_ImplDoppel_RenderDrawData(ImDrawData* drawData) {
  ImGui_ImplDoppel_Data* d = data();
  IM_ASSERT(d != nullptr && "Did you call ImGui_ImplDoppel_Init()?");
  if (drawData == nullptr) return;
  ++d->framesRendered;
  // Changing pictures are paced on a fixed grid of 1/maxFps, not an interval after each frame,
  // so a frame's own work and the wake-up delay do not lower the rate. A frame drawn early (for
  // input) keeps the grid; one drawn more than an interval late starts it again.
  const auto now = Clock::now();
  if (now >= d->nextFrameDue)
    d->nextFrameDue = now - d->nextFrameDue > frameInterval(*d) ? now + frameInterval(*d)
                                                                 : d->nextFrameDue + frameInterval(*d);
  updateFontTexture(*d);
  ImGuiIO& io = ImGui::GetIO();
  d->stream.setCursor(io.MouseDrawCursor ? -1 : ImGui::GetMouseCursor());
  const bool wasChanged = d->changed;
  d->changed = d->stream.publish(doppel::imgui::snapshotDrawData(*drawData));
  const bool animating = d->changed && wasChanged;  // two changed frames in a row
  // A picture changed by input or still animating is drawn again on the grid (hover, press and
  // animations look right). One changed by application state alone is checked for settling
  // later: on a gateway, a master change redraws hundreds of sessions at once, and their checks
  // would otherwise compete with the first frames of the sessions not yet drawn.
  d->settleDue = d->inputFrame || animating ? d->nextFrameDue : now + kStateSettleDelay;
  if (io.WantTextInput != d->textInput ||
      (io.WantTextInput && (d->imePos.x != d->sentImePos.x || d->imePos.y != d->sentImePos.y))) {
    d->textInput = io.WantTextInput;
    d->sentImePos = d->imePos;
    d->stream.setTextInput(d->textInput, d->imePos.x, d->imePos.y);
  }
  // The frame's bytes are already written (Asio sends at once when it can); the write's
  // completion runs at the next poll.
}

bool ImGui_ImplDoppel_WaitForEvents(double maxSeconds) {
  ImGui_ImplDoppel_Data* d = data();
  IM_ASSERT(d != nullptr && "Did you call ImGui_ImplDoppel_Init()?");
  if (d->wake || d->input.pending()) return true;
  d->polled = true;
  if (d->changed) {
    // The picture is still changing (an animation, a window settling): one more frame, paced.
    (void)d->loop->runUntil([d] { return d->wake; }, d->settleDue);
    return true;
  }
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(std::max(maxSeconds, 0.0)));
  return d->loop->runUntil([d] { return d->wake; }, until);
}

void ImGui_ImplDoppel_RequestFrame() {
  if (ImGui_ImplDoppel_Data* d = data()) d->wake = true;
}

std::string ImGui_ImplDoppel_Url() {
  ImGui_ImplDoppel_Data* d = data();
  if (d == nullptr || !d->web) return {};
  std::string url = d->web->httpUrl();
  if (!d->options.token.empty()) url += "?token=" + d->options.token;
  return url;
}

doppel::EventLoop* ImGui_ImplDoppel_GetLoop() {
  ImGui_ImplDoppel_Data* d = data();
  return d != nullptr ? d->loop : nullptr;
}

ImGui_ImplDoppel_Stats ImGui_ImplDoppel_GetStats() {
  ImGui_ImplDoppel_Stats s;
  ImGui_ImplDoppel_Data* d = data();
  if (d == nullptr) return s;
  const auto& st = d->stream.stats();
  s.bytesSent = st.bytesSent;
  s.rawBytes = st.rawBytes;
  s.framesRendered = d->framesRendered;
  s.framesSent = st.framesSent;
  s.framesDropped = st.framesDropped;
  s.keyFrames = st.keyFrames;
  s.texturesSent = st.texturesSent;
  s.connections = st.connections;
  s.refused = st.refused;
  s.inputErrors = st.inputErrors;
  s.connected = d->stream.connected();
  return s;
}

bool ImGui_ImplDoppel_ParseArgs(int& argc, char** argv, ImGui_ImplDoppel_Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    int used = 1;
    std::string_view spec;
    if (arg == "--platform" && i + 1 < argc) {
      spec = argv[i + 1];
      used = 2;
    } else if (arg.substr(0, 11) == "--platform=") {
      spec = arg.substr(11);
    } else {
      continue;
    }
    if (spec.substr(0, 3) != "web") continue;
    std::string_view rest = spec.size() > 4 ? spec.substr(4) : std::string_view();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      if (item.substr(0, 5) == "port=") options.port = static_cast<std::uint16_t>(std::atoi(std::string(item.substr(5)).c_str()));
      if (item.substr(0, 5) == "host=") options.host = std::string(item.substr(5));
      if (item == "takeover") options.takeover = true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    for (int j = i; j + used < argc; ++j) argv[j] = argv[j + used];
    argc -= used;
    return true;
  }
  return false;
}

void* ImGui_ImplDoppel_CreateTexture(int width, int height, const void* rgba) {
  ImGui_ImplDoppel_Data* d = data();
  IM_ASSERT(d != nullptr && "Did you call ImGui_ImplDoppel_Init()?");
  void* id = reinterpret_cast<void*>(static_cast<std::uintptr_t>(d->nextTexture++));
  ImGui_ImplDoppel_UpdateTexture(id, width, height, rgba);
  return id;
}

void ImGui_ImplDoppel_UpdateTexture(void* texture, int width, int height, const void* rgba) {
  ImGui_ImplDoppel_Data* d = data();
  IM_ASSERT(d != nullptr && width > 0 && height > 0 && width <= 8192 && height <= 8192);
  Texture t;
  t.id = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(texture));
  t.width = static_cast<std::uint16_t>(width);
  t.height = static_cast<std::uint16_t>(height);
  t.pixels.assign(static_cast<const char*>(rgba), static_cast<std::size_t>(width) * height * 4);
  d->stream.setTexture(std::move(t));
  d->wake = true;
}

void ImGui_ImplDoppel_DestroyTexture(void* texture) {
  if (ImGui_ImplDoppel_Data* d = data())
    d->stream.removeTexture(static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(texture)));
}
