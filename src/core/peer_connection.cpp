#include "core/peer_connection.h"

#include "doppel/log.h"

namespace doppel::detail {

namespace {
/// A send buffer that grew past this (an Init of a big object) is not kept for the next send:
/// idle connections stay small. Calls and replies of plain values fit.
constexpr std::size_t kKeepSendBufferBytes = 1024;
}  // namespace

PeerConnection::PeerConnection(ChannelPtr channel,
                               wire::TypeRegistry& types,
                               const Limits& limits,
                               std::string component)
    : m_channel(std::move(channel)),
      m_types(types),
      m_limits(limits),
      m_component(std::move(component)),
      m_peer(m_channel->peerName()),
      m_splitter(limits) {}

PeerConnection::~PeerConnection() = default;

void PeerConnection::start(Handler handler) {
  m_handler = std::move(handler);
  std::weak_ptr<PeerConnection> weak = weak_from_this();
  m_channel->start(Channel::Handler{
      [weak](std::string_view bytes) {
        if (auto self = weak.lock()) self->onData(bytes);
      },
      [weak](const Error& reason) {
        auto self = weak.lock();
        if (!self) return;
        self->m_closed = true;
        if (self->m_handler.onClosed) self->m_handler.onClosed(reason);
      }});
}

void PeerConnection::onData(std::string_view bytes) {
  auto keep = shared_from_this();  // a packet handler may drop the last outside reference
  auto fed = m_splitter.feed(bytes, [&](std::string_view frame) {
    if (m_closed) return;
    auto packet = wire::decodePacket(frame, m_types, m_limits);
    if (!packet) {
      log(LogLevel::Warning, m_component,
          m_peer + ": skipped a frame of " + std::to_string(frame.size() + 4) +
              " bytes: " + packet.error().toString());
      return;
    }
    if (m_handler.onPacket) m_handler.onPacket(std::move(*packet));
  });
  if (!fed && !m_closed) {
    log(LogLevel::Warning, m_component,
        m_peer + ": closing connection: " + fed.error().toString());
    close(fed.error());
  }
}

void PeerConnection::send(const wire::Packet& packet) { sendAll({&packet}); }

void PeerConnection::sendAll(std::initializer_list<const wire::Packet*> packets) {
  if (m_closed) return;
  std::shared_ptr<std::string> out = takeSendBuffer();
  if (!appendFrames(*out, packets, m_types, m_component)) return;
  m_channel->send(out);
  if (out->capacity() > kKeepSendBufferBytes) m_sendBuffer.reset();
}

std::shared_ptr<std::string> PeerConnection::takeSendBuffer() {
  // One thread owns the connection and its channel, so the count cannot change under us.
  if (m_sendBuffer && m_sendBuffer.use_count() == 1) {
    m_sendBuffer->clear();  // keeps the capacity
  } else {
    m_sendBuffer = std::make_shared<std::string>();
  }
  return m_sendBuffer;
}

void PeerConnection::sendEncoded(const SharedBytes& frames) {
  if (!m_closed && frames) m_channel->send(frames);
}

void PeerConnection::close(Error reason) {
  if (m_closed) return;
  m_closed = true;
  m_channel->close(std::move(reason));
}

bool appendFrames(std::string& out,
                  std::initializer_list<const wire::Packet*> packets,
                  const wire::TypeRegistry& types,
                  std::string_view component) {
  const std::size_t start = out.size();
  for (const auto* p : packets) {
    if (auto r = wire::encodePacket(out, *p, types); !r) {
      log(LogLevel::Error, component,
          std::string("cannot encode ") + wire::packetTypeName(wire::packetType(*p)) + ": " +
              r.error().toString());
      out.resize(start);  // all or nothing: a change never goes without its notify signal
      return false;
    }
  }
  return true;
}

SharedBytes encodeFrames(std::initializer_list<const wire::Packet*> packets,
                         const wire::TypeRegistry& types,
                         std::string_view component) {
  auto out = std::make_shared<std::string>();
  if (!appendFrames(*out, packets, types, component)) return nullptr;
  return out;
}

}  // namespace doppel::detail
