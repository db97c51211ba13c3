// One QtRO connection seen from either end: a Channel, the frame splitter, packet decoding and
// encoding. A frame that does not decode is logged and skipped (the size field resynchronises
// us, unlike Qt); a size over the limit closes the connection, since nothing after it can be
// trusted.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "doppel/channel.h"
#include "doppel/limits.h"
#include "wire/frame_splitter.h"
#include "wire/packets.h"
#include "wire/type_registry.h"

namespace doppel::detail {

class PeerConnection : public std::enable_shared_from_this<PeerConnection> {
public:
  struct Handler {
    std::function<void(wire::Packet&&)> onPacket;
    std::function<void(const Error&)> onClosed;
  };

  /// `types` must outlive the connection (it belongs to the host or node).
  PeerConnection(ChannelPtr channel,
                 wire::TypeRegistry& types,
                 const Limits& limits,
                 std::string component);
  ~PeerConnection();

  void start(Handler handler);
  /// Encodes and queues one packet. Encoding failures are logged and the packet dropped.
  void send(const wire::Packet& packet);
  /// The same for a call, without building a Packet around it.
  void send(const wire::InvokePacket& packet);
  /// Queues an InvokeReplyPacket built from its fields (no copy of `name`).
  void sendInvokeReply(std::string_view name, std::int32_t serialId, const Value& value);
  /// Queues several packets in one write (PropertyChange + notify Invoke go together).
  void sendAll(std::initializer_list<const wire::Packet*> packets);
  /// Queues already encoded frames (shared by every listener of a broadcast).
  void sendEncoded(const SharedBytes& frames);
  void close(Error reason);

  bool isOpen() const { return !m_closed; }
  const std::string& peerName() const { return m_peer; }
  std::size_t queuedBytes() const { return m_channel ? m_channel->queuedBytes() : 0; }

private:
  void onData(std::string_view bytes);
  /// An empty buffer (m_sendBuffer) to encode into: the one of the previous send if the
  /// channel has let go of it, so that a call or a reply is encoded without allocating.
  std::string& takeSendBuffer();
  /// Queues m_sendBuffer if it was `encoded`, else logs why a `type` packet was dropped.
  void finishSend(const Result<void>& encoded, wire::PacketType type);
  /// Hands m_sendBuffer to the channel (and lets go of it if it grew large).
  void queueSendBuffer();

  ChannelPtr m_channel;
  wire::TypeRegistry& m_types;
  const Limits& m_limits;
  std::string m_component;
  std::string m_peer;
  wire::FrameSplitter m_splitter;
  Handler m_handler;
  /// The bytes of the last send; the channel holds a reference while it queues them. Nothing
  /// writes to them again until that reference is gone (use_count() == 1): to the channel,
  /// sent bytes are immutable.
  std::shared_ptr<std::string> m_sendBuffer;
  /// The packet being handed to the handler. Reused from frame to frame: a call or a reply
  /// decodes into the strings and argument vector of the previous one instead of new ones.
  wire::Packet m_packet;
  /// Set while a frame's handler runs: a frame decoded meanwhile (a nested event loop) gets a
  /// packet of its own instead of overwriting the one the handler holds.
  bool m_handling = false;
  bool m_closed = false;
};

/// Appends the frames of all `packets` to `out`, or none of them (the failure is logged).
bool appendFrames(std::string& out,
                  std::initializer_list<const wire::Packet*> packets,
                  const wire::TypeRegistry& types,
                  std::string_view component);

/// Encodes packets into one shared buffer; empty on encoding failure (logged).
SharedBytes encodeFrames(std::initializer_list<const wire::Packet*> packets,
                         const wire::TypeRegistry& types,
                         std::string_view component);

}  // namespace doppel::detail
