#include "imgui/input_apply.h"

#include <imgui.h>

namespace doppel::imgui {

namespace {
void setMods(ImGuiIO& io, std::uint8_t mods) {
  io.KeyCtrl = (mods & 1) != 0;
  io.KeyShift = (mods & 2) != 0;
  io.KeyAlt = (mods & 4) != 0;
  io.KeySuper = (mods & 8) != 0;
}
}  // namespace

void InputApplier::setUpKeyMap(ImGuiIO& io) {
  io.KeyMap[ImGuiKey_Tab] = 9;
  io.KeyMap[ImGuiKey_LeftArrow] = 37;
  io.KeyMap[ImGuiKey_RightArrow] = 39;
  io.KeyMap[ImGuiKey_UpArrow] = 38;
  io.KeyMap[ImGuiKey_DownArrow] = 40;
  io.KeyMap[ImGuiKey_PageUp] = 33;
  io.KeyMap[ImGuiKey_PageDown] = 34;
  io.KeyMap[ImGuiKey_Home] = 36;
  io.KeyMap[ImGuiKey_End] = 35;
  io.KeyMap[ImGuiKey_Insert] = 45;
  io.KeyMap[ImGuiKey_Delete] = 46;
  io.KeyMap[ImGuiKey_Backspace] = 8;
  io.KeyMap[ImGuiKey_Space] = 32;
  io.KeyMap[ImGuiKey_Enter] = 13;
  io.KeyMap[ImGuiKey_Escape] = 27;
  io.KeyMap[ImGuiKey_KeyPadEnter] = kKeyPadEnter;
  io.KeyMap[ImGuiKey_A] = 'A';
  io.KeyMap[ImGuiKey_C] = 'C';
  io.KeyMap[ImGuiKey_V] = 'V';
  io.KeyMap[ImGuiKey_X] = 'X';
  io.KeyMap[ImGuiKey_Y] = 'Y';
  io.KeyMap[ImGuiKey_Z] = 'Z';
}

void InputApplier::releaseAll(ImGuiIO& io) {
  for (bool& down : io.MouseDown) down = false;
  for (bool& down : io.KeysDown) down = false;
  setMods(io, 0);
  m_touchId = -1;
}

void InputApplier::apply(ImGuiIO& io) {
  using Kind = InputEvent::Kind;
  std::bitset<5> buttonsChanged;
  std::bitset<512> keysChanged;
  while (!m_queue.empty()) {
    const InputEvent& e = m_queue.front();
    switch (e.kind) {
      case Kind::MouseMove:
        if (buttonsChanged.any()) return;  // the press keeps its position for this frame
        io.MousePos = ImVec2(e.x, e.y);
        break;
      case Kind::MouseButton:
        if (buttonsChanged.test(e.code)) return;
        buttonsChanged.set(e.code);
        io.MouseDown[e.code] = e.flag != 0;
        break;
      case Kind::Touch: {
        const bool first = m_touchId < 0 && e.flag == 0;
        if (!first && static_cast<int>(e.code) != m_touchId) break;  // other fingers are ignored
        if (e.flag == 1) {
          if (buttonsChanged.any()) return;
          io.MousePos = ImVec2(e.x, e.y);
          break;
        }
        if (buttonsChanged.test(0)) return;
        buttonsChanged.set(0);
        io.MousePos = ImVec2(e.x, e.y);
        io.MouseDown[0] = e.flag == 0;
        m_touchId = e.flag == 0 ? static_cast<int>(e.code) : -1;
        break;
      }
      case Kind::Wheel:
        io.MouseWheelH += e.x;
        io.MouseWheel += e.y;
        break;
      case Kind::Key:
        if (keysChanged.test(e.code)) return;
        keysChanged.set(e.code);
        io.KeysDown[e.code] = e.flag != 0;
        setMods(io, e.mods);
        break;
      case Kind::Modifiers:
        setMods(io, e.mods);
        break;
      case Kind::Text:
        io.AddInputCharactersUTF8(e.text.c_str());
        break;
      case Kind::Composition:
        break;  // ImGui 1.86 cannot show a preedit; the composed text arrives as Text
      case Kind::Clipboard:
        clipboard = e.text;
        break;
      case Kind::Hello:
      case Kind::Resize:
        width = e.x;
        height = e.y;
        pixelRatio = e.scale;
        break;
      case Kind::Focus:
        if (e.flag == 0) releaseAll(io);
        io.AddFocusEvent(e.flag != 0);
        if (e.flag == 0) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        break;
      case Kind::Ack:
        break;
    }
    m_queue.pop_front();
  }
}

}  // namespace doppel::imgui
