#include "asio/socket_channel.h"

#include <array>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "asio/early_writes.h"
#include "asio/loop_turn.h"
#include <sys/resource.h>

namespace doppel {

namespace {

/// What an idle connection holds to read the next message into.
constexpr std::size_t kSmallReadBytes = 512;
constexpr std::size_t kReadBufferBytes = 64 * 1024;
/// Reads per wake-up before yielding to other handlers (16 x 64 KiB = 1 MiB).
constexpr int kMaxReadsPerWakeUp = 16;
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

/// How often the calling thread has lost its CPU to another thread so far.
long involuntaryContextSwitches() {
  rusage usage{};
  if (::getrusage(RUSAGE_THREAD, &usage) != 0) return 0;
  return usage.ru_nivcsw;
}

/// A range of buffers that is cheap to copy: Asio copies the buffer sequence into its operation,
/// and copying a std::vector there would allocate on every write.
struct BufferRange {
  const net::const_buffer* first;
  const net::const_buffer* last;
  const net::const_buffer* begin() const { return first; }
  const net::const_buffer* end() const { return last; }
};

template <typename Protocol>
class SocketCore final : public BatchedWriter,
                         public std::enable_shared_from_this<SocketCore<Protocol>> {
public:
  using Socket = typename Protocol::socket;

  SocketCore(Socket socket, std::string peerName, std::size_t maxQueuedBytes)
      : m_socket(std::move(socket)),
        m_turn(LoopTurn::of(m_socket.get_executor())),
        m_peerName(std::move(peerName)),
        m_maxQueued(maxQueuedBytes) {
    // send() may write before start(), and write_some must never block.
    boost::system::error_code ec;
    m_socket.non_blocking(true, ec);
    if (ec) {
      m_closeReason = makeError(ErrorCode::ConnectionFailed, ec.message());
      shutDown();
    }
  }

  void start(Channel::Handler handler) {
    if (m_started) return;
    m_started = true;
    m_handler = std::make_shared<Channel::Handler>(std::move(handler));
    if (m_closed) {
      postClosed();
      return;
    }
    // Asio reads at once what arrived before now, and calls back later either way.
    readSome();
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
    if (m_writing) return;  // onWritten() writes it
    if (m_held) {
      if (m_earlyWrites.due(m_queue.size())) writeEarly();
      return;  // the end of the turn writes it
    }
    if (m_turn.batching()) {
      hold();
      return;
    }
    // Nothing of doppel's is running: write now. Until the loop turns, later sends are batched
    // behind this one, and it still counts in queuedBytes(), as the bytes of an async_write
    // count until its completion has run.
    const std::size_t queued = m_queuedBytes;
    writeQueued();
    if (!m_closed && !m_writing) {
      m_settling = queued - m_queuedBytes;
      m_queuedBytes = queued;
      m_turn.post([] {});
      hold();
    }
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

  void writeBatched() override {
    m_held = false;
    m_earlyWrites.turnEnded();
    m_queuedBytes -= m_settling;
    m_settling = 0;
    if (!m_closed && !m_writing && !m_queue.empty()) writeQueued();
  }

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
    m_socket.close(ignored);  // cancels the pending read and write; they complete as aborted
    m_queue.clear();
    m_queuedBytes = 0;
    m_settling = 0;
  }

  /// Through the turn, so that onClosed keeps its place among posted functions.
  void postClosed() {
    m_turn.post([self = this->shared_from_this()] { self->deliverClosed(); });
  }

  void deliverClosed() {
    // Moved out first: the callback may destroy the handle, which resets m_handler.
    const std::shared_ptr<Channel::Handler> handler = std::move(m_handler);
    if (handler && handler->onClosed && m_closeReason) handler->onClosed(*m_closeReason);
  }

  void hold() {
    m_held = true;
    m_turn.hold(this->shared_from_this());
  }

  // ---- reading --------------------------------------------------------------------------

  /// Asio tries the read at once (the completion is posted even then); if nothing is there the
  /// socket stays registered with the reactor, edge-triggered, so waiting costs no syscall.
  void readSome() {
    m_socket.async_read_some(net::buffer(m_small), [self = this->shared_from_this()](
                                                       const boost::system::error_code& ec,
                                                       std::size_t n) { self->onRead(ec, n); });
  }

  void onRead(const boost::system::error_code& ec, std::size_t n) {
    if (m_closed) return;
    if (!failed(ec)) {
      // What onData posts runs, and what it sends is written, before the socket is read again.
      m_turn.call([&] {
        deliver(std::string_view(m_small.data(), n));
        if (n == m_small.size() && !m_closed) readMore();
      });
    }
    if (!m_closed) readSome();
  }

  /// The small buffer filled, so more is probably waiting: reads into the shared 64 KiB buffer
  /// until a short read, at most kMaxReadsPerWakeUp times (readSome() then queues the rest behind
  /// other handlers).
  void readMore() {
    const ReadBuffer buffer;
    for (int i = 0; i < kMaxReadsPerWakeUp; ++i) {
      boost::system::error_code ec;
      const std::size_t n = m_socket.read_some(net::buffer(buffer.data(), kReadBufferBytes), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) return;
      if (failed(ec)) return;
      deliver(std::string_view(buffer.data(), n));
      if (m_closed || n < kReadBufferBytes) return;
    }
  }

  /// Closes the channel if `ec` is an error (EOF is Disconnected); returns whether it did.
  bool failed(const boost::system::error_code& ec) {
    if (!ec) return false;
    if (ec == net::error::eof) {
      fail(makeError(ErrorCode::Disconnected, "peer closed the connection"));
    } else {
      fail(makeError(ErrorCode::ConnectionFailed, ec.message()));
    }
    return true;
  }

  void deliver(std::string_view bytes) {
    // A copy of the pointer keeps the callbacks alive if onData destroys the handle.
    const std::shared_ptr<Channel::Handler> handler = m_handler;
    if (handler && handler->onData) handler->onData(bytes);
  }

  // ---- writing --------------------------------------------------------------------------

  /// Writes the whole queue as one batch: first with a non-blocking write_some (which usually
  /// takes it all, with no completion to wait for), then what is left with async_write.
  void writeQueued() {
    m_inFlight.swap(m_queue);
    gatherInFlight();
    boost::system::error_code ec;
    const BufferRange all{m_buffers.data(), m_buffers.data() + m_buffers.size()};
    std::size_t written = m_socket.write_some(all, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      written = 0;
    } else if (ec) {
      releaseInFlight();
      fail(makeError(ErrorCode::ConnectionFailed, ec.message()));  // posted, as every close
      return;
    }
    if (written == m_inFlightBytes) {
      m_queuedBytes -= m_inFlightBytes;
      releaseInFlight();
      return;
    }
    // The socket is full: skip what went out and let the reactor send the rest.
    net::const_buffer* first = m_buffers.data();
    while (written >= first->size()) {
      written -= first->size();
      ++first;
    }
    *first += written;
    m_writing = true;
    net::async_write(m_socket, BufferRange{first, m_buffers.data() + m_buffers.size()},
                     [self = this->shared_from_this()](const boost::system::error_code& error,
                                                       std::size_t) { self->onWritten(error); });
  }

  /// Writes what the turn holds so far, before the turn ends (early_writes.h).
  void writeEarly() {
    const long before = involuntaryContextSwitches();
    writeQueued();
    m_earlyWrites.wrote(involuntaryContextSwitches() != before);
  }

  /// Points m_buffers at m_inFlight, copying runs of small frames into m_coalesce.
  void gatherInFlight() {
    m_buffers.clear();
    m_inFlightBytes = 0;
    if (m_inFlight.size() == 1) {
      m_inFlightBytes = m_inFlight.front()->size();
      m_buffers.emplace_back(m_inFlight.front()->data(), m_inFlightBytes);
      return;
    }
    std::size_t small = 0;
    for (const auto& b : m_inFlight) {
      m_inFlightBytes += b->size();
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

  void releaseInFlight() {
    m_inFlight.clear();
    if (m_coalesce.capacity() > kKeepCoalesceCapacity) std::string().swap(m_coalesce);
  }

  void onWritten(const boost::system::error_code& ec) {
    m_writing = false;
    releaseInFlight();
    if (m_closed) return;
    if (ec) {
      fail(makeError(ErrorCode::ConnectionFailed, ec.message()));
      return;
    }
    m_queuedBytes -= m_inFlightBytes;
    if (!m_queue.empty()) writeQueued();
  }

  Socket m_socket;
  LoopTurn& m_turn;
  std::string m_peerName;
  std::size_t m_maxQueued;
  std::shared_ptr<Channel::Handler> m_handler;
  std::optional<Error> m_closeReason;
  bool m_started = false;
  bool m_closed = false;
  bool m_writing = false;               ///< an async_write is outstanding
  bool m_held = false;                  ///< the queue is written at the end of the turn
  std::size_t m_queuedBytes = 0;        ///< queued plus the batch being written
  std::size_t m_inFlightBytes = 0;      ///< the batch being written, all of it
  std::size_t m_settling = 0;           ///< written outside a turn; counted until it ends
  EarlyWrites m_earlyWrites;
  std::vector<SharedBytes> m_queue;     ///< waiting for the turn to end or the write to finish
  std::vector<SharedBytes> m_inFlight;  ///< kept alive while the write uses them
  std::vector<net::const_buffer> m_buffers;
  std::string m_coalesce;
  std::array<char, kSmallReadBytes> m_small{};  ///< the read that waits for the next message
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
