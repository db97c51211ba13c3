// The web layer (opt-in, link doppel_web): a browser endpoint on a Host, and ws:// for C++ nodes.
//
// WebServer listens on one HTTP port. A request with "Upgrade: websocket" becomes a Channel that
// carries the QtRO byte stream in binary WebSocket messages, as Qt's WebSocket example does
// (every write is one message; message boundaries mean nothing), and goes to the Host like any
// accepted socket. Every other GET or HEAD is served from the static web root, so one URL gives a
// page and its live data (docs/web.md).
//
// Security defaults: listen on 127.0.0.1; browsers' Origin must be the server's own address
// (http://127.0.0.1:PORT, http://localhost:PORT) unless allowedOrigins says otherwise; when a
// token is set, an upgrade without it (Authorization: Bearer, ?token=, or the doppel_token
// cookie) is refused with 401 before any WebSocket byte is sent. Every limit and timeout below is
// enforced per connection; one bad peer never stops the others.
//
// Ownership and threads: the application owns the WebServer and destroys it before the Host and
// the EventLoop (which must be doppel's Asio loop). All calls happen on the loop thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/channel.h"
#include "doppel/event_loop.h"
#include "doppel/host.h"
#include "doppel/result.h"

namespace doppel {

struct WebOptions {
  /// Address and port to listen on: "127.0.0.1" (the default) serves this machine only;
  /// "0.0.0.0" or "::" serve every interface and must be asked for. Port 0 picks a free one.
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;

  /// Directory served for GET/HEAD; empty: no static files (404). Symlinks that lead out of it
  /// are refused like "..".
  std::string webRoot;

  /// Origins a browser may open a WebSocket from, e.g. "https://app.example.org". Empty: the
  /// server's own address (http(s)://HOST:PORT, and localhost/127.0.0.1/[::1] when HOST is a
  /// loopback address). "*" allows any Origin. A request without Origin (not a browser) passes.
  std::vector<std::string> allowedOrigins;

  /// Required for the WebSocket upgrade when not empty: "Authorization: Bearer TOKEN",
  /// "?token=TOKEN" or "Cookie: doppel_token=TOKEN". Static files need no token.
  std::string token;

  /// PEM certificate chain and private key: both set means https:// and wss:// only.
  std::string certificateFile;
  std::string privateKeyFile;

  /// Largest WebSocket message accepted; a bigger one closes that connection with 1009. 16 MiB.
  std::size_t maxMessageBytes = 16u << 20;
  /// Largest HTTP request header (request line and fields); bigger gets 431. 8 KiB.
  std::size_t maxHeaderBytes = 8u << 10;
  /// Connections open at once (HTTP and WebSocket); more get 503 and are closed. 256.
  std::size_t maxConnections = 256;
  /// A request header must be complete this long after the connection (or the previous
  /// response), or the connection closes: slow senders and half-open peers cost nothing for
  /// long. Also bounds the TLS and WebSocket handshakes. 10 s.
  std::chrono::milliseconds requestTimeout{10000};
  /// A WebSocket that has received nothing for half of this gets a ping; with no answer by the
  /// full interval it is closed. 0 disables pings. 30 s.
  std::chrono::milliseconds idleTimeout{30000};
  /// Compress messages (permessage-deflate) when the client offers it.
  bool permessageDeflate = true;
  /// A session process under doppel-gateway (docs/gateway.md): the inherited handoff socket
  /// (DOPPEL_HANDOFF_FD), or -1. When set, connections arrive only through it, each with the
  /// request bytes the gateway already read and checked (token, Origin: allowedOrigins defaults
  /// to any), no TCP port is opened, HTTP answers close their connection so every new request
  /// passes the gateway again, and the open connections and bytes received are reported back.
  /// The server owns the fd from start() on.
  int handoffFd = -1;
};

/// Serves WebSocket channels (to a Host or any accept handler) and static files on one port.
class WebServer {
public:
  /// Listens for `host` on its loop; every WebSocket goes to host.addHostSideConnection().
  static Result<std::unique_ptr<WebServer>> start(Host& host, WebOptions options = {});
  /// Listens on `loop` (doppel's Asio loop); each WebSocket channel goes to `onAccept`.
  static Result<std::unique_ptr<WebServer>> start(EventLoop& loop,
                                                  WebOptions options,
                                                  AcceptHandler onAccept);

  virtual ~WebServer() = default;

  /// "ws://127.0.0.1:PORT/" (wss:// with TLS), with the real port.
  virtual std::string url() const = 0;
  /// "http://127.0.0.1:PORT/" (https:// with TLS): where a browser opens the page.
  virtual std::string httpUrl() const = 0;
  virtual std::uint16_t port() const = 0;
  /// HTTP and WebSocket connections open now.
  virtual std::size_t connectionCount() const = 0;
};

struct WebClientOptions {
  /// Sent as the Origin header when not empty (a browser-like client).
  std::string origin;
  /// Sent as "Authorization: Bearer TOKEN" when not empty (a token in the URL's query works too).
  std::string token;
  /// wss://: PEM file of certificates to trust; empty uses the system's. verifyPeer=false accepts
  /// any certificate (tests with a self-signed one only).
  std::string caFile;
  bool verifyPeer = true;
  std::size_t maxMessageBytes = 16u << 20;
  /// Bounds the TCP connect, TLS and WebSocket handshakes. 10 s.
  std::chrono::milliseconds handshakeTimeout{10000};
  /// Ping after half of this without traffic; close with no answer. 0 disables. 30 s.
  std::chrono::milliseconds idleTimeout{30000};
  bool permessageDeflate = true;
};

/// Opens a WebSocket to `url` (ws://HOST:PORT/PATH?QUERY or wss://) on `loop` (doppel's Asio
/// loop) and hands the Channel to `handler`, always later on the loop thread. Failures are
/// ErrorCode::ConnectionFailed with the HTTP status or system message in the reason.
void connectWebSocket(EventLoop& loop,
                      std::string_view url,
                      ConnectHandler handler,
                      WebClientOptions options = {});

/// An EventLoop that is `inner` except that connect() also dials ws:// and wss:// URLs, so a
/// Node made on it reaches WebSocket hosts with connectToNode("ws://...") and reconnects to them
/// like to any host. `inner` must be doppel's Asio loop and outlive the returned one.
std::unique_ptr<EventLoop> makeWebEventLoop(EventLoop& inner, WebClientOptions options = {});

}  // namespace doppel
