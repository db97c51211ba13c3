// WebServer: the acceptor, one HttpSession per connection (TLS handshake, requests, static files,
// refusals), and the upgrade that turns a session into a WebSocketChannel.
//
// Implemented features:
//  - plain http/ws, or https/wss only when a certificate and key are given.
//  - per connection: the request header within requestTimeout (slow and half-open peers are
//    closed), at most maxHeaderBytes of it (431), no request body (400); keep-alive between
//    requests; refusals close the connection after the answer.
//  - the upgrade: Origin (403) and token (401) are checked before any WebSocket byte, then
//    Beast's handshake with permessage-deflate when offered, maxMessageBytes, pings after
//    idleTimeout/2 of silence and a close at idleTimeout.
//  - at most maxConnections open at once (HTTP and WebSocket): the next ones get 503 and close.
//  - under doppel-gateway (WebOptions::handoffFd): connections come over the handoff socket with
//    their pre-read request bytes (web/handoff.h) instead of from a TCP port; HTTP answers close
//    the connection; the connection count and bytes received go back to the gateway.
// Each refusal and timeout is logged once (component "web") with the peer and the reason.
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <list>
#include <optional>
#include <utility>

#include "doppel/log.h"
#include "doppel/web.h"

#include "asio/asio_event_loop.h"
#include "asio/loop_turn.h"
#include "asio/socket_channel.h"
#include "web/beast.h"
#include "web/handoff.h"
#include "web/http_policy.h"
#include "web/server_tls.h"
#include "web/web_event_loop.h"
#include "web/ws_channel.h"

namespace doppel {

namespace {

constexpr std::string_view kComponent = "web";
constexpr std::string_view kServerName = "doppel";

using Tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using web::TcpStream;
using web::TlsStream;

/// Something the server can abort when it is destroyed.
class Abortable {
public:
  virtual ~Abortable() = default;
  virtual void abort() = 0;
  /// The connection's socket (for the handoff status report), or -1 once closed.
  virtual int nativeHandle() = 0;
};

struct ServerState {
  ServerState(net::io_context& context_, WebOptions options_, AcceptHandler onAccept_)
      : context(context_),
        turn(LoopTurn::of(context_)),
        options(std::move(options_)),
        onAccept(std::move(onAccept_)),
        acceptor(context_) {}

  net::io_context& context;
  LoopTurn& turn;
  WebOptions options;
  web::Policy policy;
  Limits limits;
  AcceptHandler onAccept;
  Tcp::acceptor acceptor;
  std::optional<ssl::context> tls;
  std::size_t connections = 0;
  bool closed = false;
  std::list<std::weak_ptr<Abortable>> sessions;
  /// Under doppel-gateway: the handoff socket, its status timer and the last status sent.
  std::optional<net::posix::stream_descriptor> handoff;
  std::optional<net::steady_timer> statusTimer;
  handoff::Status reported;
};

void postStatus(const std::shared_ptr<ServerState>& state);

/// One open connection counted against maxConnections, released with the last owner (the HTTP
/// session, then the WebSocket channel it became).
class ConnectionSlot {
public:
  explicit ConnectionSlot(std::shared_ptr<ServerState> state) : m_state(std::move(state)) {
    ++m_state->connections;
    postStatus(m_state);
  }
  ~ConnectionSlot() {
    --m_state->connections;
    postStatus(m_state);
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

private:
  std::shared_ptr<ServerState> m_state;
};

std::string httpDate(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[64];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(text, n);
}

std::string toHex(unsigned long long v) {
  char text[32];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  const int n = std::snprintf(text, sizeof text, "%llx", v);
  return std::string(text, static_cast<std::size_t>(n));
}

template <typename Stream>
Tcp::socket& socketOf(Stream& stream) {
  return beast::get_lowest_layer(stream).socket();
}

template <typename Stream>
class HttpSession final : public Abortable,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
public:
  HttpSession(Stream stream, std::shared_ptr<ServerState> state, std::string peer)
      : m_stream(std::move(stream)),
        m_state(std::move(state)),
        m_slot(std::make_shared<ConnectionSlot>(m_state)),
        m_peer(std::move(peer)) {}

  void run() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(m_stream).expires_after(m_state->options.requestTimeout);
      m_stream.async_handshake(ssl::stream_base::server,
                               [self = this->shared_from_this()](const ErrorCodeT& ec) {
                                 if (ec) {
                                   self->dropped("TLS handshake: " + ec.message());
                                   return;
                                 }
                                 self->readRequest();
                               });
    } else {
      readRequest();
    }
  }

  void abort() override {
    ErrorCodeT ignored;
    if (m_ws) {
      beast::get_lowest_layer(*m_ws).socket().close(ignored);
    } else {
      socketOf(m_stream).close(ignored);
    }
  }

  int nativeHandle() override {
    auto& socket = m_ws ? beast::get_lowest_layer(*m_ws).socket() : socketOf(m_stream);
    return socket.is_open() ? socket.native_handle() : -1;
  }

  /// A connection handed over by the gateway: `preRead` is what it read of the request, parsed
  /// before anything from the socket; answers close the connection afterwards.
  void preload(std::string_view preRead) {
    m_handedOff = true;
    const auto n = net::buffer_copy(m_buffer.prepare(preRead.size()),
                                    net::buffer(preRead.data(), preRead.size()));
    m_buffer.commit(n);
  }

private:
  void readRequest() {
    m_parser.emplace();
    m_parser->header_limit(static_cast<std::uint32_t>(m_state->options.maxHeaderBytes));
    m_parser->body_limit(0);
    beast::get_lowest_layer(m_stream).expires_after(m_state->options.requestTimeout);
    http::async_read(m_stream, m_buffer, *m_parser,
                     [self = this->shared_from_this()](const ErrorCodeT& ec, std::size_t) {
                       self->onRequest(ec);
                     });
  }

  void onRequest(const ErrorCodeT& ec) {
    if (m_state->closed) return;
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      closeSocket();
      return;
    }
    if (ec == beast::error::timeout) {
      dropped("no complete request within " +
              std::to_string(m_state->options.requestTimeout.count()) + " ms");
      return;
    }
    if (ec == http::error::header_limit) {
      refuse(http::status::request_header_fields_too_large,
             "request header over " + std::to_string(m_state->options.maxHeaderBytes) + " bytes");
      return;
    }
    if (ec == http::error::body_limit || ec == http::error::unexpected_body) {
      refuse(http::status::payload_too_large, "requests with a body are not served");
      return;
    }
    if (ec) {
      refuse(http::status::bad_request, "malformed request: " + ec.message());
      return;
    }
    m_request = m_parser->release();
    const web::Route route = web::routeRequest(m_request, m_state->policy);
    switch (route.kind) {
      case web::Route::Kind::Upgrade:
        upgrade();
        return;
      case web::Route::Kind::File:
        serveFile(route.file);
        return;
      case web::Route::Kind::Refuse:
        refuse(route.status, route.reason);
        return;
    }
  }

  /// Answers with `status` and `reason` as text and closes (404 keeps the connection).
  void refuse(http::status status, const std::string& reason) {
    const bool keep = status == http::status::not_found && m_request.keep_alive() && !m_handedOff;
    const auto level = status == http::status::not_found ? LogLevel::Debug : LogLevel::Warning;
    log(level, kComponent,
        m_peer + ": " + std::to_string(static_cast<unsigned>(status)) + " " +
            std::string(http::obsolete_reason(status)) + ": " + reason);
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::server, toBeast(kServerName));
    res->set(http::field::content_type, "text/plain; charset=utf-8");
    res->set(http::field::cache_control, "no-store");
    if (status == http::status::unauthorized) res->set(http::field::www_authenticate, "Bearer");
    res->body() = reason + "\n";
    res->keep_alive(keep);
    res->prepare_payload();
    write(std::move(res), !keep);
  }

  void serveFile(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      refuse(http::status::not_found, "not found");
      return;
    }
    const auto mtimeNs = static_cast<unsigned long long>(info.st_mtim.tv_sec) * 1000000000ull +
                         static_cast<unsigned long long>(info.st_mtim.tv_nsec);
    const std::string etag =
        "\"" + toHex(static_cast<unsigned long long>(info.st_size)) + "-" + toHex(mtimeNs) + "\"";
    const std::string modified = httpDate(info.st_mtim.tv_sec);
    const bool keep = m_request.keep_alive() && !m_handedOff;
    const auto setCommon = [&](auto& res) {
      res.set(http::field::server, toBeast(kServerName));
      res.set(http::field::etag, etag);
      res.set(http::field::last_modified, modified);
      // Cached, but revalidated every time: a rebuilt page is seen at once, an unchanged one
      // costs a 304.
      res.set(http::field::cache_control, "no-cache");
      res.set("X-Content-Type-Options", "nosniff");
      res.keep_alive(keep);
    };
    const std::string_view ifNoneMatch = toStd(m_request[http::field::if_none_match]);
    const std::string_view ifModifiedSince = toStd(m_request[http::field::if_modified_since]);
    const bool notModified = !ifNoneMatch.empty()
                                 ? (ifNoneMatch.find(etag) != std::string_view::npos ||
                                    ifNoneMatch == "*")
                                 : (!ifModifiedSince.empty() && ifModifiedSince == modified);
    if (notModified) {
      auto res = std::make_shared<http::response<http::empty_body>>(http::status::not_modified, 11);
      setCommon(*res);
      write(std::move(res), !keep);
      return;
    }
    if (m_request.method() == http::verb::head) {
      auto res = std::make_shared<http::response<http::empty_body>>(http::status::ok, 11);
      setCommon(*res);
      res->set(http::field::content_type, toBeast(web::mimeType(path)));
      res->content_length(static_cast<std::uint64_t>(info.st_size));
      write(std::move(res), !keep);
      return;
    }
    http::file_body::value_type body;
    ErrorCodeT ec;
    body.open(path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      refuse(http::status::not_found, "cannot open: " + ec.message());
      return;
    }
    auto res = std::make_shared<http::response<http::file_body>>(
        std::piecewise_construct, std::make_tuple(std::move(body)),
        std::make_tuple(http::status::ok, 11));
    setCommon(*res);
    res->set(http::field::content_type, toBeast(web::mimeType(path)));
    res->prepare_payload();
    write(std::move(res), !keep);
  }

  template <typename Body>
  void write(std::shared_ptr<http::response<Body>> res, bool close) {
    // The whole answer must go out within the request timeout too (a peer that never reads).
    beast::get_lowest_layer(m_stream).expires_after(m_state->options.requestTimeout);
    auto& ref = *res;
    http::async_write(m_stream, ref,
                      [self = this->shared_from_this(), res = std::move(res), close](
                          const ErrorCodeT& ec, std::size_t) {
                        if (ec || close || self->m_state->closed) {
                          self->closeSocket();
                          return;
                        }
                        self->readRequest();
                      });
  }

  void upgrade() {
    const WebOptions& o = m_state->options;
    m_ws = std::make_unique<websocket::stream<Stream>>(std::move(m_stream));
    beast::get_lowest_layer(*m_ws).expires_never();  // the WebSocket's own timeouts from here
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = o.requestTimeout;
    timeout.idle_timeout = o.idleTimeout.count() > 0
                               ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     o.idleTimeout)
                               : websocket::stream_base::none();
    timeout.keep_alive_pings = o.idleTimeout.count() > 0;
    m_ws->set_option(timeout);
    m_ws->read_message_max(o.maxMessageBytes);
    if (o.permessageDeflate) {
      websocket::permessage_deflate pmd;
      pmd.server_enable = true;
      pmd.client_enable = true;
      m_ws->set_option(pmd);
    }
    m_ws->set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, toBeast(kServerName));
    }));
    m_ws->async_accept(m_request, [self = this->shared_from_this()](const ErrorCodeT& ec) {
      self->accepted(ec);
    });
  }

  void accepted(const ErrorCodeT& ec) {
    if (m_state->closed) return;
    if (ec) {
      log(LogLevel::Warning, kComponent, m_peer + ": WebSocket handshake failed: " + ec.message());
      abort();
      return;
    }
    std::string name = tcpUrl(m_remote);
    name.replace(0, 3, m_state->tls ? "wss" : "ws");
    ChannelPtr channel =
        web::makeWebSocketChannel(std::move(m_ws), std::move(name), m_state->limits, m_slot);
    if (m_state->onAccept) m_state->turn.call([&] { m_state->onAccept(std::move(channel)); });
  }

  void dropped(const std::string& why) {
    log(LogLevel::Warning, kComponent, m_peer + ": closed: " + why);
    closeSocket();
  }

  void closeSocket() {
    if (m_ws) return;
    ErrorCodeT ignored;
    socketOf(m_stream).shutdown(Tcp::socket::shutdown_both, ignored);
    socketOf(m_stream).close(ignored);
  }

public:
  Tcp::endpoint m_remote;

private:
  Stream m_stream;
  std::shared_ptr<ServerState> m_state;
  std::shared_ptr<ConnectionSlot> m_slot;
  std::string m_peer;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::empty_body>> m_parser;
  web::Request m_request;
  std::unique_ptr<websocket::stream<Stream>> m_ws;
  bool m_handedOff = false;
};

void acceptNext(const std::shared_ptr<ServerState>& state);

void accepted(const std::shared_ptr<ServerState>& state,
              Tcp::socket socket,
              std::string_view preRead = {}) {
  ErrorCodeT ec;
  const Tcp::endpoint remote = socket.remote_endpoint(ec);
  const std::string peer = ec ? std::string("(unknown peer)") : tcpUrl(remote).substr(6);
  if (state->connections >= state->options.maxConnections) {
    log(LogLevel::Warning, kComponent,
        peer + ": 503: over " + std::to_string(state->options.maxConnections) + " connections");
    if (!state->tls) {
      // Best effort and non-blocking: a fresh socket's send buffer takes these few bytes.
      constexpr std::string_view kBusy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.non_blocking(true, ec);
      socket.write_some(net::buffer(kBusy.data(), kBusy.size()), ec);
    }
    socket.close(ec);
    return;
  }
  socket.set_option(Tcp::no_delay(true), ec);
  state->sessions.remove_if([](const std::weak_ptr<Abortable>& w) { return w.expired(); });
  if (state->tls) {
    auto session = std::make_shared<HttpSession<TlsStream>>(
        TlsStream(TcpStream(std::move(socket)), *state->tls), state, peer);
    session->m_remote = remote;
    state->sessions.push_back(session);
    session->run();
  } else {
    auto session =
        std::make_shared<HttpSession<TcpStream>>(TcpStream(std::move(socket)), state, peer);
    session->m_remote = remote;
    if (state->handoff) session->preload(preRead);
    state->sessions.push_back(session);
    session->run();
  }
}

void acceptNext(const std::shared_ptr<ServerState>& state) {
  state->acceptor.async_accept([state](const ErrorCodeT& ec, Tcp::socket socket) {
    if (state->closed) return;
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      log(LogLevel::Warning, kComponent, "accept: " + ec.message());
    } else {
      accepted(state, std::move(socket));
    }
    acceptNext(state);
  });
}

// ---- connections handed over by doppel-gateway (web/handoff.h) ------------------------------

/// Interval of the bytes-received report; the connection count is reported at once.
constexpr std::chrono::seconds kStatusInterval{2};

void reportStatus(const std::shared_ptr<ServerState>& state) {
  if (!state->handoff || !state->handoff->is_open() || state->closed) return;
  handoff::Status status;
  status.connections = static_cast<std::uint32_t>(state->connections);
  for (const auto& weak : state->sessions)
    if (const auto session = weak.lock()) status.bytesReceived += handoff::bytesReceived(session->nativeHandle());
  if (status.connections == state->reported.connections &&
      status.bytesReceived == state->reported.bytesReceived)
    return;
  state->reported = status;
  (void)handoff::sendStatus(state->handoff->native_handle(), status);  // the gateway may be gone
}

void postStatus(const std::shared_ptr<ServerState>& state) {
  if (!state->handoff || state->closed) return;
  net::post(state->context, [weak = std::weak_ptr<ServerState>(state)] {
    if (const auto s = weak.lock()) reportStatus(s);
  });
}

void statusTick(const std::shared_ptr<ServerState>& state) {
  state->statusTimer->expires_after(kStatusInterval);
  state->statusTimer->async_wait([weak = std::weak_ptr<ServerState>(state)](const ErrorCodeT& ec) {
    const auto s = weak.lock();
    if (ec || !s || s->closed) return;
    reportStatus(s);
    statusTick(s);
  });
}

void handOver(const std::shared_ptr<ServerState>& state, handoff::Connection connection) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ErrorCodeT ec;
  Tcp::socket socket(state->context);
  int type = 0;
  socklen_t typeLength = sizeof type;
  // AF_UNIX: an https connection the gateway keeps (it terminates TLS) and relays in plaintext
  // over a stream socketpair; the byte stream serves the same through a TCP socket object.
  const bool relayed = ::getsockname(connection.fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
                       address.ss_family == AF_UNIX &&
                       ::getsockopt(connection.fd, SOL_SOCKET, SO_TYPE, &type, &typeLength) == 0 &&
                       type == SOCK_STREAM;
  if (!relayed && address.ss_family != AF_INET && address.ss_family != AF_INET6) {
    log(LogLevel::Warning, kComponent, "handoff: not a TCP or relayed stream connection; closed");
    ::close(connection.fd);
    return;
  }
  socket.assign(address.ss_family == AF_INET6 ? Tcp::v6() : Tcp::v4(), connection.fd, ec);
  if (ec) {
    log(LogLevel::Warning, kComponent, "handoff: " + ec.message());
    ::close(connection.fd);
    return;
  }
  accepted(state, std::move(socket), connection.preRead);
}

void readHandoff(const std::shared_ptr<ServerState>& state) {
  state->handoff->async_wait(net::posix::descriptor_base::wait_read, [state](const ErrorCodeT& ec) {
    if (ec || state->closed) return;
    for (;;) {
      auto message = handoff::receive(state->handoff->native_handle());
      if (!message) {
        if (message.error().code == ErrorCode::Disconnected) {
          log(LogLevel::Warning, kComponent, "the gateway closed the handoff socket");
          ErrorCodeT ignored;
          state->handoff->close(ignored);
          return;
        }
        log(LogLevel::Warning, kComponent, message.error().toString());
        continue;  // that message is dropped; the next one may be fine
      }
      if (!*message) break;
      if ((*message)->connection) handOver(state, std::move(*(*message)->connection));
      // The gateway's heartbeat: answered from this loop, so a stopped loop shows as hung.
      if ((*message)->ping) (void)handoff::sendPong(state->handoff->native_handle(), *(*message)->ping);
    }
    readHandoff(state);
  });
}

class WebServerImpl final : public WebServer {
public:
  explicit WebServerImpl(std::shared_ptr<ServerState> state) : m_state(std::move(state)) {}
  ~WebServerImpl() override {
    m_state->closed = true;
    ErrorCodeT ignored;
    m_state->acceptor.close(ignored);
    if (m_state->handoff) m_state->handoff->close(ignored);
    if (m_state->statusTimer) m_state->statusTimer->cancel();
    for (const auto& weak : m_state->sessions)
      if (const auto session = weak.lock()) session->abort();
    m_state->sessions.clear();
  }
  WebServerImpl(const WebServerImpl&) = delete;
  WebServerImpl& operator=(const WebServerImpl&) = delete;

  std::string url() const override { return base(m_state->tls ? "wss://" : "ws://"); }
  std::string httpUrl() const override { return base(m_state->tls ? "https://" : "http://"); }
  std::uint16_t port() const override { return m_port; }
  std::size_t connectionCount() const override { return m_state->connections; }

  std::uint16_t m_port = 0;
  std::string m_host;

private:
  std::string base(const std::string& scheme) const {
    const bool v6 = m_host.find(':') != std::string::npos;
    return scheme + (v6 ? "[" + m_host + "]" : m_host) + ":" + std::to_string(m_port) + "/";
  }

  std::shared_ptr<ServerState> m_state;
};

Error listenError(const WebOptions& o, const std::string& why) {
  return makeError(ErrorCode::ConnectionFailed,
                   "listen http://" + o.host + ":" + std::to_string(o.port) + ": " + why);
}

}  // namespace

Result<std::unique_ptr<WebServer>> WebServer::start(Host& host, WebOptions options) {
  return start(host.loop(), std::move(options),
               [&host](ChannelPtr channel) { host.addHostSideConnection(std::move(channel)); });
}

Result<std::unique_ptr<WebServer>> WebServer::start(EventLoop& loop,
                                                    WebOptions options,
                                                    AcceptHandler onAccept) {
  net::io_context* context = web::ioContextOf(loop);
  if (context == nullptr)
    return makeError(ErrorCode::NotSupported, "WebServer needs doppel's Asio event loop");
  auto state = std::make_shared<ServerState>(*context, options, std::move(onAccept));
  state->limits = web::limitsOf(loop);

  if (!options.webRoot.empty()) {
    char* resolved = ::realpath(options.webRoot.c_str(), nullptr);
    if (resolved == nullptr)
      return makeError(ErrorCode::InvalidArgument, "web root " + options.webRoot + " not found");
    state->policy.webRoot = resolved;
    std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath's contract
    struct stat info {};
    if (::stat(state->policy.webRoot.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
      return makeError(ErrorCode::InvalidArgument,
                       "web root " + options.webRoot + " is not a directory");
  }
  const bool secure = !options.certificateFile.empty() || !options.privateKeyFile.empty();
  if (secure) {
    if (options.certificateFile.empty() || options.privateKeyFile.empty())
      return makeError(ErrorCode::InvalidArgument, "TLS needs both a certificate and a key file");
    state->tls.emplace(ssl::context::tls_server);
    if (auto loaded = web::loadServerTls(*state->tls, options.certificateFile, options.privateKeyFile); !loaded)
      return loaded.error();
  }
  state->policy.token = options.token;
  for (const auto& origin : options.allowedOrigins)
    state->policy.allowedOrigins.push_back(web::normalizeOrigin(origin));

  if (options.handoffFd >= 0) {
    // Under doppel-gateway: no port of our own, so nothing reaches this session around the
    // gateway's checks (which include Origin: any is accepted here unless configured).
    ErrorCodeT ec;
    state->handoff.emplace(*context);
    state->handoff->assign(options.handoffFd, ec);
    if (ec) return makeError(ErrorCode::InvalidArgument, "handoff fd: " + ec.message());
    if (state->policy.allowedOrigins.empty()) state->policy.allowedOrigins.push_back("*");
    state->statusTimer.emplace(*context);
    auto server = std::make_unique<WebServerImpl>(state);
    server->m_host = options.host;
    readHandoff(state);
    statusTick(state);
    return std::unique_ptr<WebServer>(std::move(server));
  }

  ErrorCodeT ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) return listenError(options, "not an IP address (" + ec.message() + ")");
  const Tcp::endpoint endpoint(address, options.port);
  auto& acceptor = state->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  const auto bound = ec ? Tcp::endpoint() : acceptor.local_endpoint(ec);
  if (ec) return listenError(options, ec.message());

  if (options.allowedOrigins.empty())
    state->policy.allowedOrigins = web::defaultOrigins(options.host, bound.port(), secure);
  state->options.port = bound.port();

  auto server = std::make_unique<WebServerImpl>(state);
  server->m_port = bound.port();
  server->m_host = options.host;
  acceptNext(state);
  return std::unique_ptr<WebServer>(std::move(server));
}

}  // namespace doppel
