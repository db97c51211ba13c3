// wss:// with a certificate (tests/web/certs: a self-signed P-256 certificate for 127.0.0.1 and
// localhost, valid until 2126, checked in for these tests only) and permessage-deflate, each
// checked on the wire: a byte-counting TCP relay sits between client and server and records what
// crosses it in each direction.
#include <array>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "web_test_support.h"

#ifndef DOPPEL_WEB_TEST_CERTS
#error "DOPPEL_WEB_TEST_CERTS must name tests/web/certs"
#endif

namespace doppel::webtest {
namespace {

const std::string kCert = std::string(DOPPEL_WEB_TEST_CERTS) + "/test-cert.pem";
const std::string kKey = std::string(DOPPEL_WEB_TEST_CERTS) + "/test-key.pem";

using Tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;

/// A TCP relay on the loop: every connection to port() is connected to `target` and the bytes
/// are pumped both ways, kept in upstream (client to server) and downstream.
class CountingRelay {
public:
  CountingRelay(AsioEventLoop& loop, std::uint16_t target)
      : m_state(std::make_shared<State>(loop.context(), target)) {
    m_state->acceptor.open(Tcp::v4());
    m_state->acceptor.bind(Tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    m_state->acceptor.listen();
    accept(m_state);
  }
  ~CountingRelay() {
    ErrorCodeT ignored;
    m_state->acceptor.close(ignored);
    for (auto& s : m_state->sockets) s->close(ignored);
  }
  CountingRelay(const CountingRelay&) = delete;
  CountingRelay& operator=(const CountingRelay&) = delete;

  std::uint16_t port() const { return m_state->acceptor.local_endpoint().port(); }
  const std::string& upstream() const { return m_state->up; }
  const std::string& downstream() const { return m_state->down; }

private:
  struct State {
    State(net::io_context& context, std::uint16_t target_) : acceptor(context), target(target_) {}
    Tcp::acceptor acceptor;
    std::uint16_t target;
    std::vector<std::shared_ptr<Tcp::socket>> sockets;
    std::string up;
    std::string down;
  };

  static void accept(const std::shared_ptr<State>& state) {
    state->acceptor.async_accept([state](const ErrorCodeT& ec, Tcp::socket socket) {
      if (ec) return;
      auto client = std::make_shared<Tcp::socket>(std::move(socket));
      auto server = std::make_shared<Tcp::socket>(state->acceptor.get_executor());
      state->sockets.push_back(client);
      state->sockets.push_back(server);
      server->async_connect(
          Tcp::endpoint(net::ip::make_address("127.0.0.1"), state->target),
          [state, client, server](const ErrorCodeT& connectError) {
            if (connectError) return;
            pump(state, client, server, &State::up);
            pump(state, server, client, &State::down);
          });
      accept(state);
    });
  }

  static void pump(const std::shared_ptr<State>& state,
                   const std::shared_ptr<Tcp::socket>& from,
                   const std::shared_ptr<Tcp::socket>& to,
                   std::string State::*record) {
    auto buffer = std::make_shared<std::array<char, 16384>>();
    from->async_read_some(net::buffer(*buffer), [state, from, to, record, buffer](
                                                    const ErrorCodeT& ec, std::size_t n) {
      ErrorCodeT ignored;
      if (ec) {
        to->shutdown(Tcp::socket::shutdown_send, ignored);
        return;
      }
      ((*state).*record).append(buffer->data(), n);
      net::async_write(*to, net::buffer(buffer->data(), n),
                       [state, from, to, record, buffer](const ErrorCodeT& writeError, std::size_t) {
                         if (!writeError) pump(state, from, to, record);
                       });
    });
  }

  std::shared_ptr<State> m_state;
};

/// A replica of Counter through `url` on a node of its own with these client options.
struct Client {
  Client(AsioEventLoop& loop, const std::string& url, WebClientOptions options)
      : eventLoop(makeWebEventLoop(loop, std::move(options))), node(*eventLoop) {
    EXPECT_TRUE(node.connectToNode(url).ok());
    replica = node.acquireDynamic("Counter");
  }
  std::unique_ptr<EventLoop> eventLoop;
  Node node;
  std::shared_ptr<Replica> replica;
};

class WsTlsDeflateTest : public WebHostFixture {};

TEST_F(WsTlsDeflateTest, WssServesAReplicaTheCertificateIsVerifiedAndNothingIsPlainText) {
  WebOptions options;
  options.certificateFile = kCert;
  options.privateKeyFile = kKey;
  startServer(options);
  EXPECT_EQ(server->url().rfind("wss://127.0.0.1:", 0), 0u) << server->url();
  EXPECT_EQ(server->httpUrl().rfind("https://127.0.0.1:", 0), 0u) << server->httpUrl();
  CountingRelay relay(*loop, server->port());
  const std::string url = "wss://127.0.0.1:" + std::to_string(relay.port()) + "/";

  WebClientOptions trusting;
  trusting.caFile = kCert;  // self-signed: the certificate is its own authority
  Client client(*loop, url, trusting);
  ASSERT_TRUE(client.replica->waitForSource(10s));
  const std::string secret = "a secret that must not cross in clear";
  auto reply = client.replica->call("echo", {Value::string(secret)});
  ASSERT_TRUE(reply.waitForFinished(5s));
  EXPECT_EQ(reply.returnValue(), Value::string(secret));
  // TLS records both ways; neither the upgrade nor QtRO's handshake nor the value is readable.
  EXPECT_EQ(relay.upstream().find("Upgrade"), std::string::npos);
  EXPECT_EQ(relay.downstream().find("QtRO"), std::string::npos);
  ASSERT_GT(relay.upstream().size(), 5u);
  EXPECT_EQ(relay.upstream()[0], '\x16') << "the first record is a TLS handshake";
  EXPECT_EQ(relay.downstream()[0], '\x16');

  // Without the certificate among its trusted ones, a verifying client refuses the server.
  std::optional<Result<ChannelPtr>> untrusted;
  connectWebSocket(*loop, server->url(), [&](Result<ChannelPtr> c) { untrusted = std::move(c); });
  loop->runUntil([&] { return untrusted.has_value(); }, Clock::now() + 5s);
  ASSERT_TRUE(untrusted.has_value());
  ASSERT_FALSE(untrusted->ok());
  EXPECT_NE(untrusted->error().reason.find("TLS handshake"), std::string::npos)
      << untrusted->error().reason;

  // The host name is checked against the certificate: localhost is in it.
  std::optional<Result<ChannelPtr>> byName;
  connectWebSocket(*loop, "wss://localhost:" + std::to_string(server->port()) + "/",
                   [&](Result<ChannelPtr> c) { byName = std::move(c); }, trusting);
  loop->runUntil([&] { return byName.has_value(); }, Clock::now() + 5s);
  ASSERT_TRUE(byName.has_value());
  EXPECT_TRUE(byName->ok()) << byName->error().reason;
}

TEST_F(WsTlsDeflateTest, PlainHttpOnATlsPortIsNotServed) {
  WebOptions options;
  options.certificateFile = kCert;
  options.privateKeyFile = kKey;
  options.requestTimeout = 500ms;
  startServer(options);
  RawClient raw(*loop, server->port());
  const HttpReply r = raw.request(upgrade("/"), 3s);
  EXPECT_NE(r.status, 101) << r.raw;
  EXPECT_TRUE(r.closed) << "a plain request on a TLS port must be dropped";
}

TEST_F(WsTlsDeflateTest, TheServerAcceptsPermessageDeflateWhenOffered) {
  startServer({});
  RawClient raw(*loop, server->port());
  const HttpReply r =
      raw.request(upgrade("/", "Sec-WebSocket-Extensions: permessage-deflate; "
                               "client_max_window_bits\r\n"));
  EXPECT_EQ(r.status, 101) << r.raw;
  ASSERT_TRUE(r.headers.count("sec-websocket-extensions")) << r.raw;
  EXPECT_EQ(r.headers.at("sec-websocket-extensions").rfind("permessage-deflate", 0), 0u) << r.raw;

  RawClient plain(*loop, server->port());
  const HttpReply p = plain.request(upgrade("/"));
  EXPECT_EQ(p.status, 101) << p.raw;
  EXPECT_EQ(p.headers.count("sec-websocket-extensions"), 0u) << "not offered, not used";
}

TEST_F(WsTlsDeflateTest, DeflateCompressesBothDirectionsAndOffSendsThemWhole) {
  startServer({});
  CountingRelay relay(*loop, server->port());
  const std::string url = "ws://127.0.0.1:" + std::to_string(relay.port()) + "/";
  // 200,000 characters: 400 KB of UTF-16 each way (the call and its reply), very compressible.
  const std::string big(200000, 'z');
  const std::size_t utf16 = big.size() * 2;

  auto roundTrip = [&](bool deflate) {
    WebClientOptions o;
    o.permessageDeflate = deflate;
    Client client(*loop, url, o);
    EXPECT_TRUE(client.replica->waitForSource(5s));
    const std::size_t up0 = relay.upstream().size();
    const std::size_t down0 = relay.downstream().size();
    auto reply = client.replica->call("echo", {Value::string(big)});
    EXPECT_TRUE(reply.waitForFinished(10s));
    EXPECT_EQ(reply.returnValue(), Value::string(big));
    return std::make_pair(relay.upstream().size() - up0, relay.downstream().size() - down0);
  };

  const auto compressed = roundTrip(true);
  EXPECT_GT(compressed.first, 0u);
  EXPECT_LT(compressed.first, utf16 / 20) << "client to server: not compressed";
  EXPECT_LT(compressed.second, utf16 / 20) << "server to client: not compressed";
  // The handshake shows the negotiation on the wire.
  EXPECT_NE(relay.downstream().find("permessage-deflate"), std::string::npos);

  const auto whole = roundTrip(false);
  EXPECT_GT(whole.first, utf16) << "without deflate the call crosses whole";
  EXPECT_GT(whole.second, utf16);
}

}  // namespace
}  // namespace doppel::webtest
