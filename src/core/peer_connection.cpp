#include "core/peer_connection.h"

#include <optional>

#include "doppel/log.h"

namespace doppel::detail {

namespace {
/// A send buffer that grew past this (an Init of a big object) is not kept for the next send:
/// idle connections stay small. Calls and replies of plain values fit.
constexpr std::size_t kKeepSendBufferBytes = 1024;

/// After its handler: the values of a handled call or reply are released now (not when the
/// next frame comes) while its name and argument vector keep their capacity for the next one;
/// any other packet is dropped whole.
void releaseValues(wire::Packet& packet) {
  if (auto* call = std::get_if<wire::InvokePacket>(&packet)) {
    call->args.clear();
  } else if (auto* reply = std::get_if<wire::InvokeReplyPacket>(&packet)) {
    reply->value = Value();
  } else if (!std::holds_alternative<wire::Ping>(packet)) {
    packet.emplace<wire::Ping>();
  }
}

void logEncodeFailure(std::string_view component, wire::PacketType type, const Error& error) {
  log(LogLevel::Error, component,
      std::string("cannot encode ") + wire::packetTypeName(type) + ": " + error.toString());
}
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
  // A packet handler may drop the last outside reference: the channel handler that calls this
  // holds one until it returns (start()), so no extra reference is taken per read.
  auto fed = m_splitter.feed(bytes, [&](std::string_view frame) {
    if (m_closed) return;
    std::optional<wire::Packet> nested;
    wire::Packet& packet = m_handling ? nested.emplace() : m_packet;
    if (auto r = wire::decodePacketInto(frame, m_types, m_limits, packet); !r) {
      log(LogLevel::Warning, m_component,
          m_peer + ": skipped a frame of " + std::to_string(frame.size() + 4) +
              " bytes: " + r.error().toString());
      releaseValues(packet);  // what the failed decode left is of no use
      return;
    }
    if (!m_handler.onPacket) return;
    const bool outer = !m_handling;
    m_handling = true;
    m_handler.onPacket(std::move(packet));
    if (outer) {
      m_handling = false;
      releaseValues(m_packet);
    }
  });
  if (!fed && !m_closed) {
    log(LogLevel::Warning, m_component,
        m_peer + ": closing connection: " + fed.error().toString());
    close(fed.error());
  }
}

void PeerConnection::send(const wire::Packet& packet) { sendAll({&packet}); }

void PeerConnection::send(const wire::InvokePacket& packet) {
  if (m_closed) return;
  std::string& out = takeSendBuffer();
  finishSend(wire::encodePacket(out, packet, m_types), wire::PacketType::InvokePacket);
}

void PeerConnection::sendInvokeReply(std::string_view name,
                                     std::int32_t serialId,
                                     const Value& value) {
  if (m_closed) return;
  std::string& out = takeSendBuffer();
  finishSend(wire::encodeInvokeReply(out, name, serialId, value, m_types),
             wire::PacketType::InvokeReplyPacket);
}

void PeerConnection::finishSend(const Result<void>& encoded, wire::PacketType type) {
  if (!encoded) {
    logEncodeFailure(m_component, type, encoded.error());
    return;
  }
  queueSendBuffer();
}

void PeerConnection::queueSendBuffer() {
  m_channel->send(m_sendBuffer);
  // Null only if the channel's send re-entered a send on this connection that let go of it.
  if (m_sendBuffer && m_sendBuffer->capacity() > kKeepSendBufferBytes) m_sendBuffer.reset();
}

void PeerConnection::sendAll(std::initializer_list<const wire::Packet*> packets) {
  if (m_closed) return;
  std::string& out = takeSendBuffer();
  if (!appendFrames(out, packets, m_types, m_component)) return;
  queueSendBuffer();
}

std::string& PeerConnection::takeSendBuffer() {
  // One thread owns the connection and its channel, so the count cannot change under us.
  if (m_sendBuffer && m_sendBuffer.use_count() == 1) {
    m_sendBuffer->clear();  // keeps the capacity
  } else {
    m_sendBuffer = std::make_shared<std::string>();
  }
  return *m_sendBuffer;
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
      logEncodeFailure(component, wire::packetType(*p), r.error());
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
