// What the viewer sends: small records, u8 type, u16 payload length (little-endian), payload,
// in binary WebSocket messages (a record may span messages; a message may hold several).
//
// Every field is checked: coordinates must be finite and within ±1e6, buttons < 5, key codes
// < 512, text valid length; an unknown type, a wrong payload size or a record over the limits is
// an error, and the session closes that connection with the reason (the application goes on).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/result.h"

namespace doppel::imgui {

struct InputEvent {
  enum class Kind : std::uint8_t {
    Hello = 1,        ///< u16 version, f32 width, f32 height, f32 devicePixelRatio
    Ack = 2,          ///< u32 frame seq the viewer has drawn and holds
    MouseMove = 3,    ///< f32 x, f32 y (CSS pixels)
    MouseButton = 4,  ///< u8 button, u8 down
    Wheel = 5,        ///< f32 dx, f32 dy (ImGui units: 1 = 5 lines)
    Key = 6,          ///< u16 key code (docs: DOM keyCode numbering), u8 down, u8 mods
    Text = 7,         ///< UTF-8 characters typed
    Composition = 8,  ///< u8 phase (0 start, 1 update, 2 end), UTF-8 text so far
    Touch = 9,        ///< u8 phase (0 start, 1 move, 2 end, 3 cancel), u32 id, f32 x, f32 y
    Clipboard = 10,   ///< UTF-8: the browser's clipboard, sent before a paste shortcut
    Resize = 11,      ///< f32 width, f32 height, f32 devicePixelRatio
    Focus = 12,       ///< u8 focused
    Modifiers = 13,   ///< u8 mods (bit 0 ctrl, 1 shift, 2 alt, 3 super)
  };
  Kind kind = Kind::MouseMove;
  float x = 0;         ///< move, touch: x; wheel: dx; hello, resize: width
  float y = 0;         ///< move, touch: y; wheel: dy; hello, resize: height
  float scale = 1;     ///< hello, resize: devicePixelRatio
  std::uint32_t code = 0;  ///< ack: seq; button; key code; touch id; hello: version
  std::uint8_t flag = 0;   ///< down; focused; phase
  std::uint8_t mods = 0;
  std::string text;

  bool operator==(const InputEvent&) const = default;
};

struct InputLimits {
  std::size_t maxTextBytes = 4096;        ///< one Text or Composition record
  std::size_t maxClipboardBytes = 60000;  ///< one Clipboard record
  std::size_t maxEventsPerMessage = 4096; ///< a flood in one message closes the connection
};

std::string encodeInput(const InputEvent& event);

/// Reassembles records across messages and decodes them.
class InputDecoder {
public:
  explicit InputDecoder(InputLimits limits = {}) : m_limits(limits) {}
  /// Decodes every complete record in the bytes received so far; keeps a partial one.
  Result<std::vector<InputEvent>> feed(std::string_view bytes);

private:
  InputLimits m_limits;
  std::string m_pending;
  std::size_t m_consumed = 0;  ///< bytes of input before m_pending, for error offsets
};

/// Decodes one record's payload (for tests and the fuzz target).
Result<InputEvent> decodeInputRecord(std::uint8_t type, std::string_view payload,
                                     const InputLimits& limits, std::size_t offset = 0);

}  // namespace doppel::imgui
