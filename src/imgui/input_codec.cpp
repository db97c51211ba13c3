#include "imgui/input_codec.h"

#include <cmath>

#include "imgui/byte_io.h"

namespace doppel::imgui {

namespace {

constexpr std::size_t kHeader = 3;
constexpr float kMaxCoordinate = 1e6f;

using Kind = InputEvent::Kind;

Result<float> coordinate(ByteReader& r, const char* what) {
  const std::size_t at = r.offset();
  DOPPEL_IMGUI_TRY(v, r.f32());
  if (!std::isfinite(v) || std::fabs(v) > kMaxCoordinate)
    return makeError(ErrorCode::Malformed, std::string(what) + " is not a finite value within 1e6", at);
  return v;
}

Result<void> expectEnd(const ByteReader& r, std::uint8_t type) {
  if (!r.atEnd())
    return makeError(ErrorCode::Malformed,
                     "record type " + std::to_string(type) + " has " + std::to_string(r.left()) + " extra bytes",
                     r.offset());
  return {};
}

}  // namespace

std::string encodeInput(const InputEvent& e) {
  std::string payload;
  ByteWriter w(payload);
  switch (e.kind) {
    case Kind::Hello:
      w.u16(static_cast<std::uint16_t>(e.code));
      w.f32(e.x);
      w.f32(e.y);
      w.f32(e.scale);
      break;
    case Kind::Ack: w.u32(e.code); break;
    case Kind::MouseMove: w.f32(e.x); w.f32(e.y); break;
    case Kind::MouseButton: w.u8(static_cast<std::uint8_t>(e.code)); w.u8(e.flag); break;
    case Kind::Wheel: w.f32(e.x); w.f32(e.y); break;
    case Kind::Key: w.u16(static_cast<std::uint16_t>(e.code)); w.u8(e.flag); w.u8(e.mods); break;
    case Kind::Text:
    case Kind::Clipboard: w.bytes(e.text); break;
    case Kind::Composition: w.u8(e.flag); w.bytes(e.text); break;
    case Kind::Touch: w.u8(e.flag); w.u32(e.code); w.f32(e.x); w.f32(e.y); break;
    case Kind::Resize: w.f32(e.x); w.f32(e.y); w.f32(e.scale); break;
    case Kind::Focus: w.u8(e.flag); break;
    case Kind::Modifiers: w.u8(e.mods); break;
  }
  std::string out;
  ByteWriter o(out);
  o.u8(static_cast<std::uint8_t>(e.kind));
  o.u16(static_cast<std::uint16_t>(payload.size()));
  o.bytes(payload);
  return out;
}

Result<InputEvent> decodeInputRecord(std::uint8_t type, std::string_view payload,
                                     const InputLimits& limits, std::size_t offset) {
  ByteReader r(payload, offset);
  InputEvent e;
  e.kind = static_cast<Kind>(type);
  switch (e.kind) {
    case Kind::Hello: {
      DOPPEL_IMGUI_TRY(version, r.u16());
      e.code = version;
      DOPPEL_IMGUI_TRY(w, coordinate(r, "width"));
      DOPPEL_IMGUI_TRY(h, coordinate(r, "height"));
      DOPPEL_IMGUI_TRY(s, coordinate(r, "devicePixelRatio"));
      e.x = w, e.y = h, e.scale = s;
      break;
    }
    case Kind::Resize: {
      DOPPEL_IMGUI_TRY(w, coordinate(r, "width"));
      DOPPEL_IMGUI_TRY(h, coordinate(r, "height"));
      DOPPEL_IMGUI_TRY(s, coordinate(r, "devicePixelRatio"));
      if (w < 0 || h < 0 || s <= 0 || s > 16)
        return makeError(ErrorCode::Malformed, "negative size or devicePixelRatio outside (0, 16]", offset);
      e.x = w, e.y = h, e.scale = s;
      break;
    }
    case Kind::Ack: {
      DOPPEL_IMGUI_TRY(seq, r.u32());
      e.code = seq;
      break;
    }
    case Kind::MouseMove:
    case Kind::Wheel: {
      DOPPEL_IMGUI_TRY(x, coordinate(r, "x"));
      DOPPEL_IMGUI_TRY(y, coordinate(r, "y"));
      e.x = x, e.y = y;
      break;
    }
    case Kind::MouseButton: {
      DOPPEL_IMGUI_TRY(button, r.u8());
      DOPPEL_IMGUI_TRY(down, r.u8());
      if (button >= 5 || down > 1) return makeError(ErrorCode::Malformed, "button over 4 or down not 0/1", offset);
      e.code = button, e.flag = down;
      break;
    }
    case Kind::Key: {
      DOPPEL_IMGUI_TRY(key, r.u16());
      DOPPEL_IMGUI_TRY(down, r.u8());
      DOPPEL_IMGUI_TRY(mods, r.u8());
      if (key >= 512 || down > 1 || mods > 15)
        return makeError(ErrorCode::Malformed, "key code over 511, down not 0/1 or unknown modifier bits", offset);
      e.code = key, e.flag = down, e.mods = mods;
      break;
    }
    case Kind::Text:
    case Kind::Clipboard: {
      const std::size_t max = e.kind == Kind::Text ? limits.maxTextBytes : limits.maxClipboardBytes;
      if (payload.size() > max)
        return makeError(ErrorCode::LimitExceeded, std::to_string(payload.size()) + " bytes of text, over " + std::to_string(max), offset);
      e.text = std::string(payload);
      return e;
    }
    case Kind::Composition: {
      DOPPEL_IMGUI_TRY(phase, r.u8());
      if (phase > 2) return makeError(ErrorCode::Malformed, "composition phase over 2", offset);
      if (r.left() > limits.maxTextBytes) return makeError(ErrorCode::LimitExceeded, "composition text over the limit", offset);
      DOPPEL_IMGUI_TRY(text, r.bytes(r.left()));
      e.flag = phase;
      e.text = std::string(text);
      break;
    }
    case Kind::Touch: {
      DOPPEL_IMGUI_TRY(phase, r.u8());
      DOPPEL_IMGUI_TRY(id, r.u32());
      DOPPEL_IMGUI_TRY(x, coordinate(r, "x"));
      DOPPEL_IMGUI_TRY(y, coordinate(r, "y"));
      if (phase > 3) return makeError(ErrorCode::Malformed, "touch phase over 3", offset);
      e.flag = phase, e.code = id, e.x = x, e.y = y;
      break;
    }
    case Kind::Focus: {
      DOPPEL_IMGUI_TRY(focused, r.u8());
      if (focused > 1) return makeError(ErrorCode::Malformed, "focus not 0/1", offset);
      e.flag = focused;
      break;
    }
    case Kind::Modifiers: {
      DOPPEL_IMGUI_TRY(mods, r.u8());
      if (mods > 15) return makeError(ErrorCode::Malformed, "unknown modifier bits", offset);
      e.mods = mods;
      break;
    }
    default:
      return makeError(ErrorCode::Malformed, "unknown input record type " + std::to_string(type), offset);
  }
  if (auto end = expectEnd(r, type); !end) return end.error();
  return e;
}

Result<std::vector<InputEvent>> InputDecoder::feed(std::string_view bytes) {
  m_pending.append(bytes);
  std::vector<InputEvent> events;
  std::size_t pos = 0;
  while (m_pending.size() - pos >= kHeader) {
    ByteReader header(std::string_view(m_pending).substr(pos, kHeader), m_consumed + pos);
    const std::uint8_t type = *header.u8();
    const std::uint16_t length = *header.u16();
    if (m_pending.size() - pos - kHeader < length) break;
    if (events.size() >= m_limits.maxEventsPerMessage)
      return makeError(ErrorCode::LimitExceeded, "over " + std::to_string(m_limits.maxEventsPerMessage) + " input records at once", m_consumed + pos);
    auto event = decodeInputRecord(type, std::string_view(m_pending).substr(pos + kHeader, length), m_limits,
                                   m_consumed + pos + kHeader);
    if (!event) return event.error();
    events.push_back(std::move(*event));
    pos += kHeader + length;
  }
  m_pending.erase(0, pos);
  m_consumed += pos;
  return events;
}

}  // namespace doppel::imgui
