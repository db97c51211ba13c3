// Dear ImGui streaming backend (link doppel_imgui): a platform and renderer backend pair in the
// style of ImGui's imgui_impl_* files, which serves the application to a browser. The browser
// opens the printed URL and gets the viewer (web/viewer, WebGL2); the draw lists go to it as
// compressed deltas, and its mouse, keyboard, text, touch, clipboard, size and focus come back.
//
// Implemented features:
//  [X] Renderer: draw lists sent only when they change, as deltas against the frame the browser
//      acknowledged, deflate-compressed; font atlas and user textures sent once, by content hash.
//  [X] Renderer: large meshes (ImGuiBackendFlags_RendererHasVtxOffset).
//  [X] Platform: mouse (move, 5 buttons, wheel), keyboard (io.KeysDown[] indexed by DOM keyCode,
//      io.KeyMap[] filled), modifiers, text input, IME (the composed text), touch (first finger
//      as the mouse), clipboard both ways, resize and devicePixelRatio, focus, mouse cursors.
//  [X] Flow control by credits: the application never blocks on the browser; a slow browser gets
//      fewer, newer frames.
//  [X] One user per process: a second browser gets "in use" unless `takeover` is set.
//  [ ] ImGui's own IME preedit display (ImGui 1.86 has none): the composed text arrives at the end.
//  [ ] User callbacks in draw lists (ImDrawCmd::UserCallback) are skipped.
//
// Use (ImGui 1.86 loop; see examples/03-imgui-panel):
//   ImGui::CreateContext();
//   ImGui_ImplDoppel_Init(options);              // prints nothing; ImGui_ImplDoppel_Url() says where
//   while (running) {
//     ImGui_ImplDoppel_WaitForEvents(1.0);       // sleeps while nothing happens: idle costs 0 B/s
//     ImGui_ImplDoppel_NewFrame();
//     ImGui::NewFrame(); ...your UI...; ImGui::Render();
//     ImGui_ImplDoppel_RenderDrawData(ImGui::GetDrawData());
//   }
//   ImGui_ImplDoppel_Shutdown(); ImGui::DestroyContext();
//
// Threads: every function on the thread that owns the ImGui context; the backend runs doppel's
// event loop (options.loop, or its own) on that thread inside WaitForEvents and RenderDrawData,
// so replicas on the same loop are served there too. Ownership: a loop the backend made itself
// dies in Shutdown, so whatever was made on ImGui_ImplDoppel_GetLoop() must go first (or pass
// options.loop). Failure: Init returns false and logs why
// (port taken, viewer directory missing); a bad browser closes only its own connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

struct ImDrawData;

namespace doppel {
class EventLoop;
}

struct ImGui_ImplDoppel_Options {
  /// doppel's Asio event loop to run on (doppel::makeEventLoop()), shared with the application's
  /// nodes and replicas; null: the backend makes its own.
  doppel::EventLoop* loop = nullptr;
  /// Where the viewer is served: loopback by default; "0.0.0.0" must be asked for. Port 0 picks
  /// a free one.
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  /// The viewer's files (index.html, viewer.js); empty: $DOPPEL_VIEWER_DIR, else the web/viewer
  /// directory of the source tree doppel was built from.
  std::string viewerDir;
  /// When set, the browser must open the URL with ?token=TOKEN (ImGui_ImplDoppel_Url includes it).
  std::string token;
  /// Browser origins allowed besides the server's own address (WebOptions::allowedOrigins).
  std::vector<std::string> allowedOrigins;
  /// PEM certificate and key: https:// and wss:// only.
  std::string certificateFile;
  std::string privateKeyFile;
  /// A second browser replaces the first instead of getting the "in use" page.
  bool takeover = false;
  /// Frames in flight before waiting for the browser's acknowledgement (4: 60 fps at 50 ms RTT).
  unsigned credits = 4;
  /// Frames per second at most while the picture keeps changing.
  double maxFps = 60.0;
  /// ImGui's blinking text cursor redraws twice a second forever; off keeps idle at 0 B/s.
  bool cursorBlink = false;
};

struct ImGui_ImplDoppel_Stats {
  std::uint64_t bytesSent = 0;        ///< compressed bytes sent to browsers, all connections
  std::uint64_t rawBytes = 0;         ///< the same records before compression
  std::uint64_t framesRendered = 0;   ///< RenderDrawData calls
  std::uint64_t framesSent = 0;
  std::uint64_t framesDropped = 0;    ///< replaced by a newer frame while out of credits
  std::uint64_t keyFrames = 0;
  std::uint64_t texturesSent = 0;
  std::uint64_t connections = 0;
  std::uint64_t refused = 0;          ///< browsers shown "in use"
  std::uint64_t inputErrors = 0;      ///< connections closed for malformed input
  bool connected = false;
};

/// Starts serving; false (logged) if the port cannot be opened or the viewer is missing.
bool ImGui_ImplDoppel_Init(const ImGui_ImplDoppel_Options& options = {});
void ImGui_ImplDoppel_Shutdown();
/// Applies the browser's input to ImGuiIO (presses shorter than a frame are kept for the next
/// one) and sets DisplaySize, DeltaTime and the framebuffer scale. Call before ImGui::NewFrame().
void ImGui_ImplDoppel_NewFrame();
/// Sends the frame if it differs from the last one, then writes what is ready on the socket.
void ImGui_ImplDoppel_RenderDrawData(ImDrawData* drawData);
/// Runs the event loop until there is a reason to draw (input, a changing picture, a
/// RequestFrame) or `maxSeconds` pass; returns true if a frame should be drawn now.
bool ImGui_ImplDoppel_WaitForEvents(double maxSeconds);
/// Asks for a frame: call it when application state shown in the UI changed (e.g. from a
/// replica's propertyChanged). Safe only on the ImGui thread.
void ImGui_ImplDoppel_RequestFrame();
/// "http://127.0.0.1:PORT/" (with ?token= when set): what to open in the browser.
std::string ImGui_ImplDoppel_Url();
doppel::EventLoop* ImGui_ImplDoppel_GetLoop();
ImGui_ImplDoppel_Stats ImGui_ImplDoppel_GetStats();
/// "--platform web[:port=N][,host=H][,takeover]" in argv fills `options` and is removed from
/// argv; returns true if it was given (an application may then pick this backend).
bool ImGui_ImplDoppel_ParseArgs(int& argc, char** argv, ImGui_ImplDoppel_Options& options);

/// User textures (RGBA8, width*height*4 bytes): the returned id goes to ImGui::Image(). Sent to
/// the browser once, and again after UpdateTexture changes its content.
void* ImGui_ImplDoppel_CreateTexture(int width, int height, const void* rgba);
void ImGui_ImplDoppel_UpdateTexture(void* texture, int width, int height, const void* rgba);
void ImGui_ImplDoppel_DestroyTexture(void* texture);
