#include "imgui/stream_server.h"

#include <algorithm>
#include <deque>

#include "doppel/log.h"

#include "imgui/byte_io.h"

namespace doppel::imgui {

namespace {
constexpr std::string_view kComponent = "imgui";

/// What the application sees when its viewer goes: every button and key released.
InputEvent focusLost() {
  InputEvent e;
  e.kind = InputEvent::Kind::Focus;
  e.flag = 0;
  return e;
}
}  // namespace

struct StreamServer::Session {
  ChannelPtr channel;
  Deflater deflater;
  InputDecoder decoder;
  bool hello = false;
  bool closed = false;
  std::uint32_t acked = 0;                 ///< last frame the viewer acknowledged (0: none)
  std::deque<std::uint32_t> unacked;       ///< frames sent after it, oldest first
  // The last frame sent: the base of the next delta. The stream is ordered and reliable, so the
  // viewer has decoded it by the time the next one arrives, acknowledged or not; diffing against
  // the previous frame keeps deltas small when the round trip spans several frames.
  Frame last;
  bool haveLast = false;
  std::map<std::uint32_t, std::uint64_t> textures;  ///< what the viewer holds, by content hash
  int cursor = -2;

  Session(ChannelPtr c, const StreamOptions& o)
      : channel(std::move(c)), deflater(o.deflateLevel), decoder(o.inputLimits) {}

  unsigned inFlight() const { return static_cast<unsigned>(unacked.size()); }
};

StreamServer::StreamServer(StreamOptions options) : m_options(options) {
  if (m_options.credits == 0) m_options.credits = 1;
}

StreamServer::~StreamServer() {
  if (m_session && !m_session->closed) m_session->channel->close(makeError(ErrorCode::Disconnected, "application exiting"));
}

void StreamServer::accept(ChannelPtr channel) {
  if (m_session && !m_session->closed) {
    if (!m_options.takeover) {
      ++m_stats.refused;
      log(LogLevel::Info, kComponent, channel->peerName() + ": refused: in use by another browser");
      channel->close(makeError(ErrorCode::Disconnected, "in use by another browser"));
      return;
    }
    log(LogLevel::Info, kComponent, m_session->channel->peerName() + ": taken over by " + channel->peerName());
    m_session->closed = true;
    m_session->channel->close(makeError(ErrorCode::Disconnected, "taken over by another browser"));
    queue(focusLost());
  }
  ++m_stats.connections;
  auto session = std::make_shared<Session>(std::move(channel), m_options);
  m_session = session;
  m_latestSent = false;  // a new viewer starts from a key frame of the newest picture
  const std::weak_ptr<Session> weak = session;
  Channel::Handler handler;
  handler.onData = [this, weak](std::string_view bytes) {
    if (const auto s = weak.lock()) onData(*s, bytes);
  };
  handler.onClosed = [this, weak](const Error& reason) {
    if (const auto s = weak.lock()) onClosed(*s, reason);
  };
  session->channel->start(std::move(handler));
  std::string hello;
  ByteWriter w(hello);
  w.u16(kProtocolVersion);
  w.u16(static_cast<std::uint16_t>(m_options.credits));
  std::string records;
  appendRecord(records, ServerRecord::Hello, hello);
  sendRecords(records);
}

void StreamServer::onData(Session& session, std::string_view bytes) {
  if (session.closed) return;
  auto events = session.decoder.feed(bytes);
  if (!events) {
    ++m_stats.inputErrors;
    session.closed = true;
    // The channel logs the reason once with the peer's name and sends it in the close frame.
    session.channel->close(events.error());
    if (m_session.get() == &session) queue(focusLost());
    return;
  }
  bool queued = false;
  bool acked = false;
  for (InputEvent& e : *events) {
    if (e.kind == InputEvent::Kind::Ack) {
      const auto& sent = session.unacked;
      if (e.code <= session.acked || std::find(sent.begin(), sent.end(), e.code) == sent.end()) {
        ++m_stats.inputErrors;
        session.closed = true;
        session.channel->close(makeError(ErrorCode::Malformed, "ack of frame " + std::to_string(e.code) + ", which was not sent"));
        queue(focusLost());
        return;
      }
      session.acked = e.code;
      while (!session.unacked.empty() && session.unacked.front() <= e.code) session.unacked.pop_front();
      acked = true;
      continue;
    }
    if (e.kind == InputEvent::Kind::Hello) {
      if (e.code != kProtocolVersion) {
        session.closed = true;
        session.channel->close(makeError(ErrorCode::ProtocolMismatch, "viewer speaks version " + std::to_string(e.code)));
        return;
      }
      session.hello = true;
    }
    m_input.push_back(std::move(e));
    queued = true;
  }
  // An ack frees a credit. A Hello sends nothing by itself: the newest frame was drawn before
  // this viewer's size was known, so the first frame is the one the application draws next
  // (onInput wakes it), or the newest one if that comes out the same (publish()).
  if (acked) trySend();
  if (queued && onInput) onInput();
}

void StreamServer::onClosed(Session& session, const Error& reason) {
  if (m_session.get() != &session) return;
  if (!session.closed)
    log(LogLevel::Info, kComponent, session.channel->peerName() + ": viewer left: " + reason.toString());
  session.closed = true;
  m_session.reset();
  queue(focusLost());
}

void StreamServer::queue(InputEvent event) {
  m_input.push_back(std::move(event));
  if (onInput) onInput();
}

bool StreamServer::publish(Frame frame) {
  ++m_stats.framesPublished;
  if (m_haveLatest && frame.sameContent(m_latest)) {
    trySend();  // a viewer that joined since still needs it
    return false;
  }
  if (m_haveLatest && !m_latestSent && connected()) ++m_stats.framesDropped;
  frame.seq = ++m_seq;
  m_latest = std::move(frame);
  m_haveLatest = true;
  m_latestSent = false;
  trySend();
  return true;
}

void StreamServer::setTexture(Texture texture) {
  m_textureHashes[texture.id] = contentHash(texture.pixels.data(), texture.pixels.size(),
                                            (std::uint64_t{texture.width} << 32) | texture.height);
  m_textures[texture.id] = std::move(texture);
  // A new picture in the same place leaves the frame unchanged: the texture goes on its own.
  if (ready() && m_latestSent) {
    std::string records;
    appendTextures(records);
    if (!records.empty()) sendRecords(records);
  }
}

void StreamServer::appendTextures(std::string& records) {
  Session& s = *m_session;
  for (const auto& [id, hash] : m_textureHashes) {
    const auto held = s.textures.find(id);
    if (held != s.textures.end() && held->second == hash) continue;
    appendRecord(records, ServerRecord::Texture, encodeTexture(m_textures[id]));
    s.textures[id] = hash;
    ++m_stats.texturesSent;
  }
}

void StreamServer::removeTexture(std::uint32_t id) {
  m_textures.erase(id);
  m_textureHashes.erase(id);
}

void StreamServer::setCursor(int cursor) {
  m_cursor = cursor;
  if (!ready() || m_session->cursor == cursor) return;
  m_session->cursor = cursor;
  std::string records;
  appendRecord(records, ServerRecord::Cursor, std::string(1, static_cast<char>(cursor < 0 ? 255 : cursor)));
  sendRecords(records);
}

void StreamServer::setClipboard(const std::string& text) {
  if (!ready()) return;
  std::string records;
  appendRecord(records, ServerRecord::Clipboard, text);
  sendRecords(records);
}

void StreamServer::setTextInput(bool wanted, float x, float y) {
  if (!ready()) return;
  std::string payload;
  ByteWriter w(payload);
  w.u8(wanted ? 1 : 0);
  w.f32(x);
  w.f32(y);
  std::string records;
  appendRecord(records, ServerRecord::TextInput, payload);
  sendRecords(records);
}

std::vector<InputEvent> StreamServer::takeInput() {
  std::vector<InputEvent> out;
  out.swap(m_input);
  return out;
}

bool StreamServer::connected() const { return m_session && !m_session->closed; }
bool StreamServer::ready() const { return connected() && m_session->hello; }
unsigned StreamServer::inFlight() const { return connected() ? m_session->inFlight() : 0; }

void StreamServer::trySend() {
  if (!ready() || !m_haveLatest || m_latestSent) return;
  Session& s = *m_session;
  if (s.inFlight() >= m_options.credits) return;  // the next Ack sends the newest frame
  std::string records;
  appendTextures(records);
  if (!s.haveLast) ++m_stats.keyFrames;
  appendRecord(records, ServerRecord::Frame, encodeFrame(m_latest, s.haveLast ? &s.last : nullptr));
  s.unacked.push_back(m_latest.seq);
  s.last = m_latest;
  s.haveLast = true;
  m_latestSent = true;
  ++m_stats.framesSent;
  if (m_cursor != s.cursor) {
    s.cursor = m_cursor;
    appendRecord(records, ServerRecord::Cursor, std::string(1, static_cast<char>(m_cursor < 0 ? 255 : m_cursor)));
  }
  sendRecords(records);
}

void StreamServer::sendRecords(const std::string& records) {
  if (!connected()) return;
  m_stats.rawBytes += records.size();
  auto bytes = std::make_shared<const std::string>(m_session->deflater.compress(records));
  m_stats.bytesSent += bytes->size();
  m_session->channel->send(std::move(bytes));
}

}  // namespace doppel::imgui
