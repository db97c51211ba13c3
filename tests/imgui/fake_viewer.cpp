#include "fake_viewer.h"

#include "imgui/byte_io.h"

namespace doppel::imgui::test {

bool FakeViewer::pump(FakeChannelState& channel) {
  for (; m_read < channel.sent.size(); ++m_read) {
    auto plain = m_inflater.decompress(channel.sent[m_read]);
    if (!plain) {
      error = plain.error().toString();
      return false;
    }
    m_buffer += *plain;
  }
  std::size_t p = 0;
  while (m_buffer.size() - p >= 5) {
    ByteReader r(std::string_view(m_buffer).substr(p, 5));
    const auto type = static_cast<ServerRecord>(*r.u8());
    const std::uint32_t len = *r.u32();
    if (m_buffer.size() - p - 5 < len) break;
    const std::string_view payload = std::string_view(m_buffer).substr(p + 5, len);
    p += 5 + len;
    if (type == ServerRecord::Frame) {
      auto baseSeq = frameBaseSeq(payload);
      if (!baseSeq) return error = baseSeq.error().toString(), false;
      const auto it = held.find(*baseSeq);
      auto frame = decodeFrame(payload, it != held.end() ? &it->second : nullptr);
      if (!frame) return error = frame.error().toString(), false;
      held.erase(held.begin(), held.lower_bound(*baseSeq));
      current = *frame;
      frameSeqs.push_back(frame->seq);
      held[frame->seq] = std::move(*frame);
    } else if (type == ServerRecord::Texture) {
      auto t = decodeTexture(payload);
      if (!t) return error = t.error().toString(), false;
      textures[t->id] = std::move(*t);
    } else if (type == ServerRecord::Cursor) {
      cursor = static_cast<unsigned char>(payload[0]);
    } else if (type == ServerRecord::Clipboard) {
      clipboard = std::string(payload);
    }
  }
  m_buffer.erase(0, p);
  return true;
}

}  // namespace doppel::imgui::test
