// doppel-gateway with --cert/--key: it terminates TLS and relays the plaintext to the session
// over a socketpair (apps/gateway/relay.h). The certificate is tests/web/certs (self-signed for
// 127.0.0.1, checked in for tests); the clients verify it. The gateway's io_context runs on the
// test thread; each blocking TLS client runs on a std::async thread that the test waits for.
#include <signal.h>

#include <future>
#include <string>

#include <gtest/gtest.h>

#include "gateway.h"
#include "gateway/socket_helpers.h"
#include "session_table.h"
#include "web/beast.h"

#ifndef DOPPEL_GATEWAY_TEST_CERTS
#error "DOPPEL_GATEWAY_TEST_CERTS must name tests/web/certs"
#endif

namespace doppel::gateway {
namespace {

using namespace std::chrono_literals;
using Tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using Ssl = ssl::stream<Tcp::socket>;

const std::string kCert = std::string(DOPPEL_GATEWAY_TEST_CERTS) + "/test-cert.pem";
const std::string kKey = std::string(DOPPEL_GATEWAY_TEST_CERTS) + "/test-key.pem";

/// A verifying TLS client on its own io_context (used from one thread at a time).
struct TlsClient {
  explicit TlsClient(std::uint16_t port) {
    context.load_verify_file(kCert);  // self-signed: its own authority
    ws.next_layer().set_verify_mode(ssl::verify_peer);
    ws.next_layer().next_layer().connect(Tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.next_layer().handshake(ssl::stream_base::client);
  }
  Ssl& tls() { return ws.next_layer(); }

  /// One HTTP request; the whole answer up to the server's close.
  std::string exchange(const std::string& request) {
    net::write(tls(), net::buffer(request));
    std::string out;
    std::array<char, 4096> chunk{};
    for (;;) {
      ErrorCodeT ec;
      const std::size_t n = tls().read_some(net::buffer(chunk), ec);
      out.append(chunk.data(), n);
      if (ec) break;  // eof after close_notify, or truncated
    }
    return out;
  }

  net::io_context io;
  ssl::context context{ssl::context::tls_client};
  websocket::stream<Ssl> ws{io, context};
};

std::string cookieOf(const std::string& response) {
  const auto at = response.find("Set-Cookie: doppel_session=");
  if (at == std::string::npos) return {};
  const auto start = at + 27;
  return response.substr(start, response.find(';', start) - start);
}

class GatewayTlsTest : public ::testing::Test {
protected:
  void SetUp() override {
    GatewayOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.app = {DOPPEL_GATEWAY_TEST_APP};
    o.token = "secret-token";
    o.certificateFile = kCert;
    o.privateKeyFile = kKey;
    auto g = Gateway::start(m_io, o);
    ASSERT_TRUE(g.ok()) << g.error().reason;
    m_gateway = std::move(*g);
  }
  void TearDown() override {
    if (m_gateway) m_gateway->stop();
  }

  void pump(std::chrono::milliseconds d = 2ms) {
    m_io.restart();
    m_io.run_for(d);
  }

  bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pump(5ms);
    }
    return true;
  }

  /// Runs `work` on another thread while the gateway runs here; its result.
  template <class F>
  auto offThread(F work) {
    auto future = std::async(std::launch::async, std::move(work));
    EXPECT_TRUE(waitFor([&future] { return future.wait_for(0s) == std::future_status::ready; }, 10s));
    return future.get();
  }

  std::string https(const std::string& target, const std::string& headers = {}) {
    const std::uint16_t port = m_gateway->port();
    return offThread([port, target, headers] {
      TlsClient c(port);
      return c.exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
    });
  }

  /// A wss connection to the session of `cookie`; the first message (the app's pid).
  std::string openWss(TlsClient& c, const std::string& cookie) {
    const std::string origin = "https://127.0.0.1:" + std::to_string(m_gateway->port());
    return offThread([&c, &cookie, origin] {
      c.ws.set_option(websocket::stream_base::decorator([&cookie, origin](websocket::request_type& r) {
        r.set(http::field::cookie, "doppel_session=" + cookie);
        r.set(http::field::origin, origin);
      }));
      c.ws.handshake("127.0.0.1", "/stream");
      beast::flat_buffer buffer;
      c.ws.read(buffer);
      return beast::buffers_to_string(buffer.data());
    });
  }

  std::string newSession() {
    const std::string r = https("/?token=secret-token");
    EXPECT_EQ(r.rfind("HTTP/1.1 303", 0), 0u) << r;
    EXPECT_NE(r.find("; Secure"), std::string::npos) << r;  // the cookie never goes over http
    return cookieOf(r);
  }

  std::shared_ptr<Session> session(const std::string& cookie) { return m_gateway->sessions().find(cookie); }

  /// Connected and past the TLS handshake (which needs the gateway running).
  std::unique_ptr<TlsClient> client() {
    const std::uint16_t port = m_gateway->port();
    return offThread([port] { return std::make_unique<TlsClient>(port); });
  }

  net::io_context m_io;
  std::unique_ptr<Gateway> m_gateway;
};

TEST_F(GatewayTlsTest, HttpsLoginAndAWssSessionGoThroughTheRelay) {
  EXPECT_EQ(m_gateway->url().rfind("https://127.0.0.1:", 0), 0u) << m_gateway->url();
  const std::string cookie = newSession();
  ASSERT_EQ(cookie.size(), 32u);
  const std::string page = https("/pid.txt", "Cookie: doppel_session=" + cookie + "\r\n");
  ASSERT_EQ(page.rfind("HTTP/1.1 200", 0), 0u) << page;
  const pid_t pid = static_cast<pid_t>(std::atoi(page.substr(page.find("\r\n\r\n") + 4).c_str()));
  EXPECT_EQ(pid, session(cookie)->pid);  // served by the session's process, not the gateway

  auto owned = client();
  TlsClient& c = *owned;
  EXPECT_EQ(openWss(c, cookie), std::to_string(pid));
  ASSERT_TRUE(waitFor([&] { return session(cookie)->connections == 1; }));
  // Browser traffic through the relay counts as the user's activity (the session cannot see it).
  const std::uint64_t before = session(cookie)->relayed;
  offThread([&c] {
    c.ws.binary(true);
    c.ws.write(net::buffer(std::string(100, 'x')));
    return 0;
  });
  ASSERT_TRUE(waitFor([&] { return session(cookie)->relayed >= before + 100; }));
  const std::string metrics = https("/metrics?token=secret-token");
  EXPECT_NE(metrics.find("doppel_gateway_relays_total 2\n"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("doppel_gateway_relay_bytes_total{direction=\"down\"} 0\n"), std::string::npos);
  offThread([&c] {
    c.ws.close(websocket::close_code::normal);
    return 0;
  });
  ASSERT_TRUE(waitFor([&] { return session(cookie)->connections == 0; }));
}

TEST_F(GatewayTlsTest, PlainHttpToTheTlsPortIsRefusedInPlainText) {
  const int fd = test::connectLoopback(m_gateway->port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /?token=secret-token HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  const std::string r = test::readUntilClosedWith(fd, [this] { pump(); }, 5s);
  ::close(fd);
  EXPECT_EQ(r.rfind("HTTP/1.1 400", 0), 0u) << r;
  EXPECT_NE(r.find("https://"), std::string::npos) << r;
  EXPECT_EQ(r.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(m_gateway->sessions().live(), 0u);  // the token in it started nothing
}

TEST_F(GatewayTlsTest, TheRelayClosesWhenEitherSideGoes) {
  const std::string cookie = newSession();
  // The browser goes (its TCP connection drops without close_notify): the session sees EOF.
  {
    auto owned = client();
    TlsClient& c = *owned;
    ASSERT_FALSE(openWss(c, cookie).empty());
    ASSERT_TRUE(waitFor([&] { return session(cookie)->connections == 1; }));
    ErrorCodeT ignored;
    c.tls().next_layer().close(ignored);
    ASSERT_TRUE(waitFor([&] { return session(cookie)->connections == 0; }));
  }
  // The session goes (killed): the browser's connection ends, with close_notify or a drop.
  auto owned = client();
  TlsClient& c = *owned;
  ASSERT_FALSE(openWss(c, cookie).empty());
  ASSERT_TRUE(waitFor([&] { return session(cookie)->connections == 1; }));
  const pid_t pid = session(cookie)->pid;
  auto reader = std::async(std::launch::async, [&c] {
    beast::flat_buffer buffer;
    ErrorCodeT ec;
    c.ws.read(buffer, ec);
    return ec;
  });
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&reader] { return reader.wait_for(0s) == std::future_status::ready; }));
  EXPECT_TRUE(reader.get());  // an error (eof / truncated), not a message
  ASSERT_TRUE(waitFor([&] { return session(cookie)->state == Session::State::Ended; }));
}

}  // namespace
}  // namespace doppel::gateway
