#include "asio/socket_channel.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace doppel {

namespace {

constexpr std::size_t kReadBufferBytes = 64 * 1024;
/// Reads per wake-up before yielding to other handlers (16 x 64 KiB = 1 MiB).
constexpr int kMaxReadsPerTurn = 16;
/// Frames smaller than this are copied into one block when several go out together; bigger
/// ones are referenced where they are. Asio passes at most 64 buffers to one writev().
constexpr std::size_t kCoalesceBelow = 4096;
/// The coalescing block is kept between writes up to this capacity, then released.
constexpr std::size_t kKeepCoalesceCapacity = 256 * 1024;

// The read buffer that every channel on a thread shares: read_some fills it and onData sees it
// for the length of one call. An idle connection therefore costs no buffer. If onData runs
// another loop on this thread that reads into it again, the inner read gets its own buffer.
thread_local std::unique_ptr<char[]> t_readBuffer;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
thread_local bool t_readBufferInUse = false;

class ReadBuffer {
public:
  ReadBuffer() {
    if (!t_readBufferInUse) {
      if (!t_readBuffer) t_readBuffer = std::make_unique<char[]>(kReadBufferBytes);
      t_readBufferInUse = true;
      m_shared = true;
      m_data = t_readBuffer.get();
    } else {
      m_own = std::make_unique<char[]>(kReadBufferBytes);
      m_data = m_own.get();
    }
  }
  ~ReadBuffer() {
    if (m_shared) t_readBufferInUse = false;
  }
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;

  char* data() const { return m_data; }

private:
  std::unique_ptr<char[]> m_own;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  char* m_data = nullptr;
  bool m_shared = false;
};

/// A range of buffers that is cheap to copy: Asio copies the buffer sequence into its operation,
/// and copying a std::vector there would allocate on every write.
struct BufferRange {
  const net::const_buffer* first;
  const net::const_buffer* last;
  const net::const_buffer* begin() const { return first; }
  const net::const_buffer* end() const { return last; }
};

template <typename Protocol>
class SocketCore : public std::enable_shared_from_this<SocketCore<Protocol>> {
public:
  using Socket = typename Protocol::socket;

  SocketCore(Socket socket, std::string peerName, std::size_t maxQueuedBytes)
      : m_socket(std::move(socket)), m_peerName(std::move(peerName)), m_maxQueued(maxQueuedBytes) {}

  void start(Channel::Handler handler) {
    if (m_started) return;
    m_started = true;
    m_handler = std::make_shared<Channel::Handler>(std::move(handler));
    if (m_closed) {
      postClosed();
      return;
    }
    boost::system::error_code ec;
    m_socket.non_blocking(true, ec);
    if (ec) {
      fail(makeError(ErrorCode::ConnectionFailed, ec.message()));
      return;
    }
    // Read before waiting: data that arrived before now raised no readiness event we could see.
    net::post(m_socket.get_executor(),
              [self = this->shared_from_this()] { self->readAvailable(); });
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
    if (!m_writing) writeQueued();
  }

  void close(Error reason) { fail(std::move(reason)); }

  /// The handle is gone: close quietly; no handler is called any more.
  void detach() {
    m_handler.reset();
    if (!m_closed) {
      m_closeReason = makeError(ErrorCode::Disconnected, "channel destroyed");
      shutDown();
    }
  }

  std::size_t queuedBytes() const { return m_queuedBytes; }
  const std::string& peerName() const { return m_peerName; }

private:
  void fail(Error reason) {
    if (m_closed) return;
    m_closeReason = std::move(reason);
    shutDown();
    if (m_started) postClosed();
  }

  void shutDown() {
    m_closed = true;
    boost::system::error_code ignored;
    m_socket.close(ignored);  // cancels the pending wait and write; they complete as aborted
    m_queue.clear();
    m_queuedBytes = 0;
  }

  void postClosed() {
    net::post(m_socket.get_executor(),
              [self = this->shared_from_this()] { self->deliverClosed(); });
  }

  void deliverClosed() {
    // Moved out first: the callback may destroy the handle, which resets m_handler.
    const std::shared_ptr<Channel::Handler> handler = std::move(m_handler);
    if (handler && handler->onClosed && m_closeReason) handler->onClosed(*m_closeReason);
  }

  void waitReadable() {
    m_socket.async_wait(Socket::wait_read,
                        [self = this->shared_from_this()](const boost::system::error_code& ec) {
                          if (self->m_closed) return;
                          if (ec) {
                            self->fail(makeError(ErrorCode::ConnectionFailed, ec.message()));
                            return;
                          }
                          self->readAvailable();
                        });
  }

  // Reads until the socket is drained (a short read or EAGAIN), so that the edge-triggered
  // reactor reports the next arrival; then waits. Yields after kMaxReadsPerTurn full buffers.
  void readAvailable() {
    if (m_closed) return;
    const ReadBuffer buffer;
    for (int i = 0; i < kMaxReadsPerTurn; ++i) {
      boost::system::error_code ec;
      const std::size_t n = m_socket.read_some(net::buffer(buffer.data(), kReadBufferBytes), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) {
        waitReadable();
        return;
      }
      if (ec == net::error::eof) {
        fail(makeError(ErrorCode::Disconnected, "peer closed the connection"));
        return;
      }
      if (ec) {
        fail(makeError(ErrorCode::ConnectionFailed, ec.message()));
        return;
      }
      const bool drained = n < kReadBufferBytes;
      if (drained) waitReadable();  // armed before onData, which may close or destroy us
      deliver(std::string_view(buffer.data(), n));
      if (m_closed || drained) return;
    }
    net::post(m_socket.get_executor(),
              [self = this->shared_from_this()] { self->readAvailable(); });
  }

  void deliver(std::string_view bytes) {
    // A copy of the pointer keeps the callbacks alive if onData destroys the handle.
    const std::shared_ptr<Channel::Handler> handler = m_handler;
    if (handler && handler->onData) handler->onData(bytes);
  }

  void writeQueued() {
    m_writing = true;
    m_inFlight.swap(m_queue);
    m_buffers.clear();
    if (m_inFlight.size() == 1) {
      m_buffers.emplace_back(m_inFlight.front()->data(), m_inFlight.front()->size());
    } else {
      std::size_t small = 0;
      for (const auto& b : m_inFlight) {
        if (b->size() < kCoalesceBelow) small += b->size();
      }
      m_coalesce.clear();
      m_coalesce.reserve(small);  // no reallocation below: the buffers point into it
      bool previousCoalesced = false;
      for (const auto& b : m_inFlight) {
        if (b->size() < kCoalesceBelow) {
          const char* at = m_coalesce.data() + m_coalesce.size();
          m_coalesce.append(*b);
          if (previousCoalesced) {
            m_buffers.back() =
                net::const_buffer(m_buffers.back().data(), m_buffers.back().size() + b->size());
          } else {
            m_buffers.emplace_back(at, b->size());
          }
          previousCoalesced = true;
        } else {
          m_buffers.emplace_back(b->data(), b->size());
          previousCoalesced = false;
        }
      }
    }
    const BufferRange range{m_buffers.data(), m_buffers.data() + m_buffers.size()};
    net::async_write(
        m_socket, range,
        [self = this->shared_from_this()](const boost::system::error_code& ec,
                                          std::size_t written) { self->onWritten(ec, written); });
  }

  void onWritten(const boost::system::error_code& ec, std::size_t written) {
    m_writing = false;
    m_inFlight.clear();
    if (m_coalesce.capacity() > kKeepCoalesceCapacity) std::string().swap(m_coalesce);
    if (m_closed) return;
    if (ec) {
      fail(makeError(ErrorCode::ConnectionFailed, ec.message()));
      return;
    }
    m_queuedBytes -= written;
    if (!m_queue.empty()) writeQueued();
  }

  Socket m_socket;
  std::string m_peerName;
  std::size_t m_maxQueued;
  std::shared_ptr<Channel::Handler> m_handler;
  std::optional<Error> m_closeReason;
  bool m_started = false;
  bool m_closed = false;
  bool m_writing = false;
  std::size_t m_queuedBytes = 0;        ///< queued plus in flight
  std::vector<SharedBytes> m_queue;     ///< waiting for the write in flight to finish
  std::vector<SharedBytes> m_inFlight;  ///< kept alive while the write uses them
  std::vector<net::const_buffer> m_buffers;
  std::string m_coalesce;
};

template <typename Protocol>
class SocketChannel final : public Channel {
public:
  explicit SocketChannel(std::shared_ptr<SocketCore<Protocol>> core) : m_core(std::move(core)) {}
  ~SocketChannel() override { m_core->detach(); }
  SocketChannel(const SocketChannel&) = delete;
  SocketChannel& operator=(const SocketChannel&) = delete;

  void start(Handler handler) override { m_core->start(std::move(handler)); }
  void send(SharedBytes bytes) override { m_core->send(std::move(bytes)); }
  void close(Error reason) override { m_core->close(std::move(reason)); }
  std::size_t queuedBytes() const override { return m_core->queuedBytes(); }
  std::string peerName() const override { return m_core->peerName(); }

private:
  std::shared_ptr<SocketCore<Protocol>> m_core;
};

template <typename Protocol>
ChannelPtr makeChannel(typename Protocol::socket socket,
                       std::string peerName,
                       const Limits& limits) {
  return std::make_unique<SocketChannel<Protocol>>(std::make_shared<SocketCore<Protocol>>(
      std::move(socket), std::move(peerName), limits.maxQueuedBytes));
}

}  // namespace

std::string tcpUrl(const net::ip::tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return "tcp://" + host + ":" + std::to_string(endpoint.port());
}

ChannelPtr makeSocketChannel(net::ip::tcp::socket socket, const Limits& limits) {
  boost::system::error_code ec;
  socket.set_option(net::ip::tcp::no_delay(true), ec);
  const auto remote = socket.remote_endpoint(ec);
  std::string name = ec ? std::string("tcp://(unknown)") : tcpUrl(remote);
  return makeChannel<net::ip::tcp>(std::move(socket), std::move(name), limits);
}

ChannelPtr makeSocketChannel(net::local::stream_protocol::socket socket,
                             std::string peerName,
                             const Limits& limits) {
  return makeChannel<net::local::stream_protocol>(std::move(socket), std::move(peerName), limits);
}

}  // namespace doppel
