// Channel: one reliable, ordered byte stream to a peer (a socket, a WebSocket, an in-memory
// pipe). The protocol state machines of Host and Node talk only to this interface, so any
// transport an application provides works (Qt's addClientSideConnection/addHostSideConnection).
//
// Thread safety: a channel belongs to the thread of its EventLoop. Handlers are called on that
// thread, never from inside send() or close().
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "doppel/result.h"

namespace doppel {

/// Immutable bytes shared between the write queues of several connections (one broadcast buffer).
using SharedBytes = std::shared_ptr<const std::string>;

class Channel {
public:
  struct Handler {
    /// Bytes arrived; the view is valid only during the call.
    std::function<void(std::string_view bytes)> onData;
    /// The stream ended (peer closed, error, or close() was called). Called once.
    std::function<void(const Error& reason)> onClosed;
  };

  virtual ~Channel() = default;

  /// Installs the handler and starts reading.
  virtual void start(Handler handler) = 0;
  /// Queues bytes; writes happen in order. Over Limits::maxQueuedBytes the channel closes.
  virtual void send(SharedBytes bytes) = 0;
  /// Closes the stream; onClosed follows (asynchronously) with `reason`.
  virtual void close(Error reason) = 0;
  /// Bytes queued and not yet written.
  virtual std::size_t queuedBytes() const = 0;
  /// "tcp://127.0.0.1:50123", "local:/tmp/name", ... for logs.
  virtual std::string peerName() const = 0;
};

using ChannelPtr = std::unique_ptr<Channel>;

/// A listening endpoint; closing it (destroying it) stops accepting.
class Listener {
public:
  virtual ~Listener() = default;
  /// The URL as bound: "tcp://127.0.0.1:9999" with the real port when 0 was asked for.
  virtual std::string url() const = 0;
};

using AcceptHandler = std::function<void(ChannelPtr)>;
using ConnectHandler = std::function<void(Result<ChannelPtr>)>;

}  // namespace doppel
