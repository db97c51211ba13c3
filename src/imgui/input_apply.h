// InputApplier: the browser's input events, applied to ImGuiIO before each NewFrame (ImGui 1.86
// has no event queue: the backend writes io.MousePos, MouseDown[], KeysDown[] directly).
//
// A press and its release arriving in the same frame would cancel out, so each frame takes
// events only until one would change a button or key that already changed this frame (or move
// the mouse after a button changed); the rest wait for the next frame, which pending() asks for.
// This keeps clicks, short key taps and the exact press position, as imgui_impl_glfw's
// MouseJustPressed latch does for 1.86.
#pragma once

#include <bitset>
#include <deque>
#include <string>

#include "imgui/input_codec.h"

struct ImGuiIO;

namespace doppel::imgui {

/// DOM keyCode numbering; numpad Enter is 256 + 13 (the viewer sends it so).
constexpr int kKeyPadEnter = 269;

class InputApplier {
public:
  /// Fills io.KeyMap[] for the key codes the viewer sends.
  static void setUpKeyMap(ImGuiIO& io);

  void push(InputEvent event) { m_queue.push_back(std::move(event)); }
  /// Applies this frame's share of the queue to `io`.
  void apply(ImGuiIO& io);
  bool pending() const { return !m_queue.empty(); }

  /// The last size the viewer reported (CSS pixels) and its devicePixelRatio.
  float width = 0;
  float height = 0;
  float pixelRatio = 1;
  /// The browser's clipboard as last sent.
  std::string clipboard;

private:
  void releaseAll(ImGuiIO& io);
  std::deque<InputEvent> m_queue;
  int m_touchId = -1;
};

}  // namespace doppel::imgui
