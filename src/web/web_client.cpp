// The client side: connectWebSocket() dials ws:// and wss:// (resolve, TCP connect, TLS with SNI
// and host-name verification, WebSocket handshake) within one deadline, and WebEventLoop gives a
// Node that dialler behind EventLoop::connect().
#include <utility>

#include "doppel/web.h"

#include "asio/asio_event_loop.h"
#include "asio/loop_turn.h"
#include "core/url.h"
#include "web/beast.h"
#include "web/web_event_loop.h"
#include "web/ws_channel.h"

namespace doppel {

namespace {

using Tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using web::TcpStream;
using web::TlsStream;

template <typename NextLayer>
class Dialer final : public std::enable_shared_from_this<Dialer<NextLayer>> {
public:
  Dialer(net::io_context& context,
         Url url,
         WebClientOptions options,
         Limits limits,
         ConnectHandler handler,
         std::shared_ptr<ssl::context> tls)
      : m_turn(LoopTurn::of(context)),
        m_url(std::move(url)),
        m_options(std::move(options)),
        m_limits(limits),
        m_handler(std::move(handler)),
        m_tls(std::move(tls)),
        m_resolver(context) {
    if constexpr (std::is_same_v<NextLayer, TlsStream>) {
      m_ws = std::make_unique<websocket::stream<TlsStream>>(context, *m_tls);
    } else {
      m_ws = std::make_unique<websocket::stream<TcpStream>>(context);
    }
  }

  void run() {
    beast::get_lowest_layer(*m_ws).expires_after(m_options.handshakeTimeout);
    m_resolver.async_resolve(
        m_url.host, std::to_string(m_url.port), Tcp::resolver::numeric_service,
        [self = this->shared_from_this()](const ErrorCodeT& ec,
                                          const Tcp::resolver::results_type& results) {
          if (ec) {
            self->fail("resolve: " + ec.message());
            return;
          }
          self->connect(results);
        });
  }

private:
  void connect(const Tcp::resolver::results_type& results) {
    beast::get_lowest_layer(*m_ws).async_connect(
        results, [self = this->shared_from_this()](const ErrorCodeT& ec, const Tcp::endpoint&) {
          if (ec) {
            self->fail(ec.message());
            return;
          }
          ErrorCodeT ignored;
          beast::get_lowest_layer(*self->m_ws).socket().set_option(Tcp::no_delay(true), ignored);
          self->secure();
        });
  }

  void secure() {
    if constexpr (std::is_same_v<NextLayer, TlsStream>) {
      auto& tls = m_ws->next_layer();
      // SNI, and the certificate must name the host we dialled.
      // (SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.)
      if (SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   static_cast<void*>(const_cast<char*>(m_url.host.c_str()))) != 1) {
        fail("cannot set the TLS server name");
        return;
      }
      if (m_options.verifyPeer) {
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_verify_callback(ssl::host_name_verification(m_url.host));
      } else {
        tls.set_verify_mode(ssl::verify_none);
      }
      tls.async_handshake(ssl::stream_base::client,
                          [self = this->shared_from_this()](const ErrorCodeT& ec) {
                            if (ec) {
                              self->fail("TLS handshake: " + ec.message());
                              return;
                            }
                            self->handshake();
                          });
    } else {
      handshake();
    }
  }

  void handshake() {
    beast::get_lowest_layer(*m_ws).expires_never();
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = m_options.handshakeTimeout;
    timeout.idle_timeout = m_options.idleTimeout.count() > 0
                               ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     m_options.idleTimeout)
                               : websocket::stream_base::none();
    timeout.keep_alive_pings = m_options.idleTimeout.count() > 0;
    m_ws->set_option(timeout);
    m_ws->read_message_max(m_options.maxMessageBytes);
    if (m_options.permessageDeflate) {
      websocket::permessage_deflate pmd;
      pmd.client_enable = true;
      m_ws->set_option(pmd);
    }
    m_ws->set_option(websocket::stream_base::decorator(
        [origin = m_options.origin, token = m_options.token](websocket::request_type& req) {
          req.set(http::field::user_agent, "doppel");
          if (!origin.empty()) req.set(http::field::origin, origin);
          if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        }));
    const bool defaultPort = m_url.port == (m_url.scheme == Url::Scheme::Wss ? 443 : 80);
    const bool v6 = m_url.host.find(':') != std::string::npos;
    std::string hostField = v6 ? "[" + m_url.host + "]" : m_url.host;
    if (!defaultPort) hostField += ":" + std::to_string(m_url.port);
    m_ws->async_handshake(m_response, hostField, m_url.path,
                          [self = this->shared_from_this()](const ErrorCodeT& ec) {
                            self->handshaken(ec);
                          });
  }

  void handshaken(const ErrorCodeT& ec) {
    if (ec) {
      if (ec == websocket::error::upgrade_declined) {
        std::string why = "HTTP " + std::to_string(m_response.result_int()) + " " +
                          std::string(toStd(m_response.reason()));
        std::string body = m_response.body();
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
        if (!body.empty()) why += ": " + body;
        fail(why);
      } else {
        fail(ec.message());
      }
      return;
    }
    ChannelPtr channel =
        web::makeWebSocketChannel(std::move(m_ws), m_url.toString(), m_limits, m_tls);
    m_turn.call([&] { m_handler(std::move(channel)); });
  }

  void fail(const std::string& why) {
    Error error = makeError(ErrorCode::ConnectionFailed, "connect " + m_url.toString() + ": " + why);
    m_turn.call([&] { m_handler(std::move(error)); });
  }

  LoopTurn& m_turn;
  Url m_url;
  WebClientOptions m_options;
  Limits m_limits;
  ConnectHandler m_handler;
  std::shared_ptr<ssl::context> m_tls;
  Tcp::resolver m_resolver;
  std::unique_ptr<websocket::stream<NextLayer>> m_ws;
  websocket::response_type m_response;
};

Result<std::shared_ptr<ssl::context>> clientTls(const WebClientOptions& options) {
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  ErrorCodeT ec;
  if (options.caFile.empty()) {
    tls->set_default_verify_paths(ec);
  } else {
    tls->load_verify_file(options.caFile, ec);
  }
  if (ec)
    return makeError(ErrorCode::InvalidArgument,
                     "TLS trust store " + options.caFile + ": " + ec.message());
  return tls;
}

}  // namespace

namespace web {

net::io_context* ioContextOf(EventLoop& loop) {
  if (auto* asio = dynamic_cast<AsioEventLoop*>(&loop)) return &asio->context();
  if (auto* webLoop = dynamic_cast<WebEventLoop*>(&loop)) return ioContextOf(webLoop->inner());
  return nullptr;
}

Limits limitsOf(EventLoop& loop) {
  if (auto* asio = dynamic_cast<AsioEventLoop*>(&loop)) return asio->limits();
  if (auto* webLoop = dynamic_cast<WebEventLoop*>(&loop)) return limitsOf(webLoop->inner());
  return {};
}

void WebEventLoop::connect(std::string_view url, ConnectHandler handler) {
  auto parsed = parseUrl(url);
  if (parsed && (parsed->scheme == Url::Scheme::Ws || parsed->scheme == Url::Scheme::Wss)) {
    connectWebSocket(m_inner, url, std::move(handler), m_options);
    return;
  }
  m_inner.connect(url, std::move(handler));
}

}  // namespace web

void connectWebSocket(EventLoop& loop,
                      std::string_view text,
                      ConnectHandler handler,
                      WebClientOptions options) {
  auto url = parseUrl(text);
  Error error;
  net::io_context* context = web::ioContextOf(loop);
  if (!url) {
    error = url.error();
  } else if (url->scheme != Url::Scheme::Ws && url->scheme != Url::Scheme::Wss) {
    error = makeError(ErrorCode::InvalidArgument,
                      "connectWebSocket needs a ws:// or wss:// URL, not " + std::string(text));
  } else if (context == nullptr) {
    error = makeError(ErrorCode::NotSupported, "connectWebSocket needs doppel's Asio event loop");
  } else if (url->scheme == Url::Scheme::Wss) {
    auto tls = clientTls(options);
    if (tls) {
      std::make_shared<Dialer<TlsStream>>(*context, std::move(*url), std::move(options),
                                          web::limitsOf(loop), std::move(handler), *tls)
          ->run();
      return;
    }
    error = tls.error();
  } else {
    std::make_shared<Dialer<TcpStream>>(*context, std::move(*url), std::move(options),
                                        web::limitsOf(loop), std::move(handler), nullptr)
        ->run();
    return;
  }
  loop.post([handler = std::move(handler), error = std::move(error)] { handler(error); });
}

std::unique_ptr<EventLoop> makeWebEventLoop(EventLoop& inner, WebClientOptions options) {
  return std::make_unique<web::WebEventLoop>(inner, std::move(options));
}

}  // namespace doppel
