#include "web/ws_channel.h"

#include <optional>
#include <utility>
#include <vector>

#include "doppel/log.h"

#include "asio/loop_turn.h"

namespace doppel::web {

namespace {

constexpr std::string_view kComponent = "web";
/// A read buffer grown by a big message is released after it, down to nothing: an idle
/// connection should not keep the largest message it ever saw.
constexpr std::size_t kKeepReadCapacity = 64 * 1024;
/// RFC 6455: a close reason fits in a 125-byte control frame with its 2-byte code.
constexpr std::size_t kMaxCloseReason = 123;

using ErrorCodeT = boost::system::error_code;

template <typename NextLayer>
class WsCore final : public BatchedWriter, public std::enable_shared_from_this<WsCore<NextLayer>> {
public:
  using Stream = websocket::stream<NextLayer>;

  WsCore(std::unique_ptr<Stream> ws,
         std::string peerName,
         std::size_t maxQueuedBytes,
         std::shared_ptr<void> keepAlive)
      : m_ws(std::move(ws)),
        m_turn(LoopTurn::of(m_ws->get_executor())),
        m_peerName(std::move(peerName)),
        m_maxQueued(maxQueuedBytes),
        m_keepAlive(std::move(keepAlive)) {
    m_ws->binary(true);
  }

  void start(Channel::Handler handler) {
    if (m_started) return;
    m_started = true;
    m_handler = std::make_shared<Channel::Handler>(std::move(handler));
    if (m_closed) {
      postClosed();
      return;
    }
    readNext();
  }

  void send(SharedBytes bytes) {
    if (m_closed || !bytes || bytes->empty()) return;
    m_queuedBytes += bytes->size();
    m_queue.push_back(std::move(bytes));
    if (m_queuedBytes > m_maxQueued) {
      fail(makeError(ErrorCode::LimitExceeded,
                     "write queue over " + std::to_string(m_maxQueued) + " bytes: peer too slow"));
      return;
    }
    if (m_writing || m_held) return;
    if (m_turn.batching()) {
      m_held = true;
      m_turn.hold(this->shared_from_this());
      return;
    }
    writeQueued();
  }

  void close(Error reason) { fail(std::move(reason)); }

  void detach() {
    m_handler.reset();
    if (!m_closed) {
      m_closeReason = makeError(ErrorCode::Disconnected, "channel destroyed");
      shutDown(websocket::close_code::going_away, "");
    }
  }

  std::size_t queuedBytes() const { return m_queuedBytes; }
  const std::string& peerName() const { return m_peerName; }

  void writeBatched() override {
    m_held = false;
    if (!m_closed && !m_writing && !m_queue.empty()) writeQueued();
  }

private:
  void fail(Error reason) {
    if (m_closed) return;
    if (reason.code != ErrorCode::Disconnected)
      log(LogLevel::Warning, kComponent, m_peerName + ": closing: " + reason.toString());
    const websocket::close_code code = closeCodeFor(reason.code);
    std::string text = reason.reason.substr(0, kMaxCloseReason);
    m_closeReason = std::move(reason);
    shutDown(code, std::move(text));
    if (m_started) postClosed();
  }

  /// Sends a close frame if the WebSocket is still open (Beast's timeout bounds the closing
  /// handshake and then tears the connection down), else closes the socket.
  void shutDown(websocket::close_code code, std::string text) {
    m_closed = true;
    m_queue.clear();
    m_queuedBytes = 0;
    if (m_ws->is_open() && !m_closing) {
      m_closing = true;
      m_ws->async_close(websocket::close_reason(code, text),
                        [self = this->shared_from_this()](const ErrorCodeT&) { self->closed(); });
    } else {
      closed();
    }
  }

  void closed() {
    ErrorCodeT ignored;
    beast::get_lowest_layer(*m_ws).socket().close(ignored);
  }

  void postClosed() {
    m_turn.post([self = this->shared_from_this()] { self->deliverClosed(); });
  }

  void deliverClosed() {
    const std::shared_ptr<Channel::Handler> handler = std::move(m_handler);
    if (handler && handler->onClosed && m_closeReason) handler->onClosed(*m_closeReason);
  }

  void readNext() {
    m_ws->async_read(m_read, [self = this->shared_from_this()](const ErrorCodeT& ec, std::size_t) {
      self->onRead(ec);
    });
  }

  void onRead(const ErrorCodeT& ec) {
    if (m_closed) return;
    if (ec) {
      readFailed(ec);
      return;
    }
    if (!m_ws->got_binary()) {
      m_turn.call([&] {
        fail(makeError(ErrorCode::NotSupported, "text message: QtRO travels in binary messages"));
      });
      return;
    }
    const auto data = m_read.data();
    m_turn.call([&] {
      const std::shared_ptr<Channel::Handler> handler = m_handler;  // onData may destroy us
      if (handler && handler->onData)
        handler->onData(std::string_view(static_cast<const char*>(data.data()), data.size()));
    });
    m_read.consume(m_read.size());
    if (m_read.capacity() > kKeepReadCapacity) m_read.shrink_to_fit();
    if (!m_closed) readNext();
  }

  void readFailed(const ErrorCodeT& ec) {
    Error reason;
    if (ec == websocket::error::closed) {
      const auto& why = m_ws->reason();
      reason = makeError(ErrorCode::Disconnected,
                         "peer closed the WebSocket (" + std::to_string(why.code) +
                             (why.reason.empty() ? "" : " " + std::string(why.reason.c_str())) +
                             ")");
    } else if (ec == websocket::error::message_too_big) {
      reason = makeError(ErrorCode::LimitExceeded, "message over the maximum size (closed 1009)");
    } else if (ec == beast::error::timeout) {
      reason = makeError(ErrorCode::Timeout, "no traffic and no answer to ping");
    } else if (ec == net::error::eof || ec == net::error::connection_reset ||
               ec == net::error::operation_aborted || ec == net::error::not_connected ||
               ec == net::error::broken_pipe) {
      reason = makeError(ErrorCode::Disconnected, "peer closed the connection");
    } else {
      reason = makeError(ErrorCode::ConnectionFailed, ec.message());
    }
    // Beast has already answered (1009) or torn down where the protocol says so.
    m_closing = true;
    m_turn.call([&] { fail(std::move(reason)); });
  }

  void writeQueued() {
    if (m_queue.size() == 1) {
      m_inFlight = std::move(m_queue.front());
    } else {
      // One message for the whole batch: what Qt would write in several write() calls.
      auto joined = std::make_shared<std::string>();
      std::size_t total = 0;
      for (const auto& b : m_queue) total += b->size();
      joined->reserve(total);
      for (const auto& b : m_queue) joined->append(*b);
      m_inFlight = std::move(joined);
    }
    m_queue.clear();
    m_writing = true;
    m_ws->async_write(net::buffer(*m_inFlight),
                      [self = this->shared_from_this()](const ErrorCodeT& ec, std::size_t) {
                        self->onWritten(ec);
                      });
  }

  void onWritten(const ErrorCodeT& ec) {
    m_writing = false;
    const std::size_t written = m_inFlight ? m_inFlight->size() : 0;
    m_inFlight.reset();
    if (m_closed) return;
    if (ec) {
      // A peer that closed while a write was under way (a client closing right after its last
      // call) is a goodbye, not a failure worth a warning.
      const bool peerGone = ec == websocket::error::closed || ec == net::error::not_connected ||
                            ec == net::error::broken_pipe || ec == net::error::connection_reset ||
                            ec == net::error::eof || ec == net::error::operation_aborted;
      m_turn.call([&] {
        fail(peerGone ? makeError(ErrorCode::Disconnected, "peer closed the connection")
                      : makeError(ErrorCode::ConnectionFailed, ec.message()));
      });
      return;
    }
    m_queuedBytes -= written;
    if (!m_queue.empty() && !m_held) writeQueued();
  }

  std::unique_ptr<Stream> m_ws;
  LoopTurn& m_turn;
  std::string m_peerName;
  std::size_t m_maxQueued;
  std::shared_ptr<void> m_keepAlive;
  std::shared_ptr<Channel::Handler> m_handler;
  std::optional<Error> m_closeReason;
  bool m_started = false;
  bool m_closed = false;
  bool m_closing = false;  ///< a close frame was sent or the stream is already down
  bool m_writing = false;
  bool m_held = false;
  std::size_t m_queuedBytes = 0;  ///< queued plus the message being written
  std::vector<SharedBytes> m_queue;
  SharedBytes m_inFlight;
  beast::flat_buffer m_read;
};

template <typename NextLayer>
class WebSocketChannel final : public Channel {
public:
  explicit WebSocketChannel(std::shared_ptr<WsCore<NextLayer>> core) : m_core(std::move(core)) {}
  ~WebSocketChannel() override { m_core->detach(); }
  WebSocketChannel(const WebSocketChannel&) = delete;
  WebSocketChannel& operator=(const WebSocketChannel&) = delete;

  void start(Handler handler) override { m_core->start(std::move(handler)); }
  void send(SharedBytes bytes) override { m_core->send(std::move(bytes)); }
  void close(Error reason) override { m_core->close(std::move(reason)); }
  std::size_t queuedBytes() const override { return m_core->queuedBytes(); }
  std::string peerName() const override { return m_core->peerName(); }

private:
  std::shared_ptr<WsCore<NextLayer>> m_core;
};

}  // namespace

websocket::close_code closeCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::Truncated:
    case ErrorCode::Malformed:
    case ErrorCode::UnknownType:
    case ErrorCode::UnknownName:
    case ErrorCode::WrongType:
    case ErrorCode::ProtocolMismatch:
    case ErrorCode::SignatureMismatch:
      return websocket::close_code::protocol_error;
    case ErrorCode::LimitExceeded:
      return websocket::close_code::too_big;
    case ErrorCode::NotSupported:
      return websocket::close_code::unknown_data;
    case ErrorCode::Timeout:
      return websocket::close_code::policy_error;
    case ErrorCode::Disconnected:
      return websocket::close_code::going_away;
    case ErrorCode::InvalidArgument:
    case ErrorCode::ConnectionFailed:
      break;
  }
  return websocket::close_code::internal_error;
}

template <typename NextLayer>
ChannelPtr makeWebSocketChannel(std::unique_ptr<websocket::stream<NextLayer>> ws,
                                std::string peerName,
                                const Limits& limits,
                                std::shared_ptr<void> keepAlive) {
  return std::make_unique<WebSocketChannel<NextLayer>>(std::make_shared<WsCore<NextLayer>>(
      std::move(ws), std::move(peerName), limits.maxQueuedBytes, std::move(keepAlive)));
}

template ChannelPtr makeWebSocketChannel<TcpStream>(std::unique_ptr<websocket::stream<TcpStream>>,
                                                    std::string,
                                                    const Limits&,
                                                    std::shared_ptr<void>);
template ChannelPtr makeWebSocketChannel<TlsStream>(std::unique_ptr<websocket::stream<TlsStream>>,
                                                    std::string,
                                                    const Limits&,
                                                    std::shared_ptr<void>);

}  // namespace doppel::web
