// Bad input at the web endpoint: each refusal has a clear status and a log line, and the host
// keeps serving a replica that was connected before and new ones after.
#include <gtest/gtest.h>

#include "web_test_support.h"

namespace doppel::webtest {
namespace {

class WebSecurityTest : public WebHostFixture {
protected:
  void start(WebOptions options = {}) {
    options.token = "tok-123";
    startServer(std::move(options));
    good = wsReplica(wsUrl());
    ASSERT_TRUE(good->waitForSource(5s));
  }
  std::string wsUrl() const { return server->url() + "?token=tok-123"; }

  LogCapture logs;
  std::shared_ptr<Replica> good;
};

TEST_F(WebSecurityTest, WrongOriginIs403BeforeTheUpgrade) {
  start();
  RawClient raw(*loop, server->port());
  const auto r = raw.request(upgrade("/?token=tok-123", "Origin: http://evil.example\r\n"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Origin http://evil.example is not allowed"), std::string::npos);
  EXPECT_EQ(r.headers.count("sec-websocket-accept"), 0u);
  EXPECT_TRUE(logs.contains("403")) << logs.all();
  // The server's own address is allowed, under either loopback name.
  const std::string port = std::to_string(server->port());
  RawClient own(*loop, server->port());
  EXPECT_EQ(own.request(upgrade("/?token=tok-123", "Origin: http://localhost:" + port + "\r\n"))
                .status,
            101);
  expectServing(wsUrl(), good);
}

TEST_F(WebSecurityTest, ConfiguredOriginsReplaceTheDefault) {
  WebOptions options;
  options.allowedOrigins = {"https://app.example.org"};
  start(options);
  RawClient a(*loop, server->port());
  EXPECT_EQ(a.request(upgrade("/?token=tok-123", "Origin: https://APP.example.org\r\n")).status,
            101);
  RawClient b(*loop, server->port());
  EXPECT_EQ(b.request(upgrade("/?token=tok-123", "Origin: http://127.0.0.1:" +
                                                     std::to_string(server->port()) + "\r\n"))
                .status,
            403);
}

TEST_F(WebSecurityTest, MissingOrWrongTokenIs401AndEveryCarrierWorks) {
  start();
  RawClient missing(*loop, server->port());
  auto r = missing.request(upgrade("/"));
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("missing token"), std::string::npos);
  EXPECT_TRUE(r.closed || missing.waitClosed(2s));
  RawClient wrong(*loop, server->port());
  r = wrong.request(upgrade("/?token=tok-124"));
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("wrong token"), std::string::npos);
  RawClient prefix(*loop, server->port());
  EXPECT_EQ(prefix.request(upgrade("/?token=tok-12")).status, 401);
  RawClient bearer(*loop, server->port());
  EXPECT_EQ(bearer.request(upgrade("/", "Authorization: Bearer tok-123\r\n")).status, 101);
  RawClient cookie(*loop, server->port());
  EXPECT_EQ(cookie.request(upgrade("/", "Cookie: a=b; doppel_token=tok-123\r\n")).status, 101);
  RawClient badCookie(*loop, server->port());
  EXPECT_EQ(badCookie.request(upgrade("/", "Cookie: doppel_token=nope\r\n")).status, 401);
  EXPECT_TRUE(logs.contains("401 Unauthorized: missing token")) << logs.all();
  EXPECT_TRUE(logs.contains("401 Unauthorized: wrong token")) << logs.all();
  expectServing(wsUrl(), good);
}

TEST_F(WebSecurityTest, OversizedMessageClosesThatConnectionOnly) {
  WebOptions options;
  options.maxMessageBytes = 64 * 1024;
  start(options);
  std::optional<Result<ChannelPtr>> connected;
  connectWebSocket(*loop, wsUrl(), [&](Result<ChannelPtr> c) { connected = std::move(c); });
  loop->runUntil([&] { return connected.has_value(); }, Clock::now() + 5s);
  ASSERT_TRUE(connected && connected->ok());
  ChannelPtr channel = std::move(**connected);
  std::optional<Error> closedWith;
  channel->start({[](std::string_view) {}, [&](const Error& e) { closedWith = e; }});
  channel->send(std::make_shared<const std::string>(100 * 1024, 'z'));
  loop->runUntil([&] { return closedWith.has_value(); }, Clock::now() + 5s);
  ASSERT_TRUE(closedWith.has_value());
  EXPECT_NE(closedWith->reason.find("1009"), std::string::npos) << closedWith->toString();
  EXPECT_TRUE(logs.contains("message over the maximum size")) << logs.all();
  expectServing(wsUrl(), good);
}

TEST_F(WebSecurityTest, TextMessagesAreRefusedWith1003) {
  start();
  RawClient raw(*loop, server->port());
  ASSERT_EQ(raw.request(upgrade("/?token=tok-123")).status, 101);
  // A masked text frame "hi" (FIN, opcode 1, mask 0).
  raw.write(std::string("\x81\x82\0\0\0\0hi", 8));
  // The server's close frame (0x88) comes at once; it then waits for ours, bounded by Beast.
  raw.readUntil([](const std::string& got) { return got.find('\x88') != std::string::npos; }, 5s);
  EXPECT_NE(raw.received().find('\x88'), std::string::npos) << "no close frame";
  EXPECT_TRUE(logs.contains("text message")) << logs.all();
  expectServing(wsUrl(), good);
}

TEST_F(WebSecurityTest, SlowHeaderSenderAndHalfOpenConnectionsTimeOut) {
  WebOptions options;
  options.requestTimeout = 300ms;
  start(options);
  RawClient slow(*loop, server->port());
  slow.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // and never the blank line
  RawClient silent(*loop, server->port());                // connects and sends nothing
  const auto begin = Clock::now();
  // Meanwhile a replica is served as usual.
  expectServing(wsUrl(), good);
  EXPECT_TRUE(slow.waitClosed(3s));
  EXPECT_TRUE(silent.waitClosed(3s));
  EXPECT_LT(Clock::now() - begin, 3s);
  EXPECT_TRUE(logs.contains("no complete request within 300 ms")) << logs.all();
}

TEST_F(WebSecurityTest, AWebSocketPeerThatStopsAnsweringPingsIsClosed) {
  WebOptions options;
  options.idleTimeout = 400ms;
  start(options);
  // A raw WebSocket that completes the handshake and then never reads or answers.
  RawClient raw(*loop, server->port());
  ASSERT_EQ(raw.request(upgrade("/?token=tok-123")).status, 101);
  loop->runUntil([&] { return host->connectionCount() == 2; }, Clock::now() + 2s);
  EXPECT_EQ(host->connectionCount(), 2u);  // the fixture's replica and this one
  EXPECT_TRUE(raw.waitClosed(5s));
  EXPECT_NE(raw.received().find('\x89'), std::string::npos) << "no ping was sent";
  loop->runUntil([&] { return host->connectionCount() == 1; }, Clock::now() + 2s);
  EXPECT_EQ(host->connectionCount(), 1u);
  // The replicas that answer pings (doppel's client does) stay connected past the timeout.
  EXPECT_EQ(good->state(), ReplicaState::Valid);
  expectServing(wsUrl(), good);
}

TEST_F(WebSecurityTest, HeaderOverTheLimitIs431) {
  WebOptions options;
  options.maxHeaderBytes = 2048;
  start(options);
  RawClient raw(*loop, server->port());
  const auto r = raw.request(get("/", "X-Filler: " + std::string(4096, 'a') + "\r\n"));
  EXPECT_EQ(r.status, 431);
  EXPECT_TRUE(r.closed || raw.waitClosed(2s));
  RawClient garbage(*loop, server->port());
  const auto bad = garbage.request("\x16\x03\x01 not http at all\r\n\r\n");
  EXPECT_EQ(bad.status, 400);
  expectServing(wsUrl(), good);
}

TEST_F(WebSecurityTest, ConnectionsOverTheLimitGet503) {
  WebOptions options;
  options.maxConnections = 4;
  start(options);
  // good's connection counts; two idle HTTP connections take two more places.
  RawClient a(*loop, server->port());
  RawClient b(*loop, server->port());
  loop->runUntil([&] { return server->connectionCount() == 3; }, Clock::now() + 2s);
  RawClient c(*loop, server->port());
  loop->runUntil([&] { return server->connectionCount() == 4; }, Clock::now() + 2s);
  RawClient over(*loop, server->port());
  const auto r = over.request(get("/"));
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(r.closed || over.waitClosed(2s));
  EXPECT_TRUE(logs.contains("503")) << logs.all();
}

TEST_F(WebSecurityTest, OnlyGetAndHeadAreServed) {
  start();
  RawClient raw(*loop, server->port());
  const auto r = raw.request("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 405);
  RawClient body(*loop, server->port());
  const auto withBody =
      body.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_TRUE(withBody.status == 413 || withBody.status == 405) << withBody.raw;
}

TEST(WebServerStartTest, LoopbackByDefaultAndBadOptionsAreErrors) {
  auto loop = std::make_unique<AsioEventLoop>();
  Host host(*loop);
  auto server = WebServer::start(host, {});
  ASSERT_TRUE(server.ok());
  EXPECT_EQ((*server)->url().rfind("ws://127.0.0.1:", 0), 0u) << (*server)->url();
  EXPECT_EQ((*server)->httpUrl().rfind("http://127.0.0.1:", 0), 0u);
  server->reset();
  WebOptions noRoot;
  noRoot.webRoot = "/nonexistent/doppel/web/root";
  EXPECT_EQ(WebServer::start(host, noRoot).error().code, ErrorCode::InvalidArgument);
  WebOptions halfTls;
  halfTls.certificateFile = "/nonexistent.pem";
  EXPECT_EQ(WebServer::start(host, halfTls).error().code, ErrorCode::InvalidArgument);
  WebOptions badHost;
  badHost.host = "not an address";
  EXPECT_EQ(WebServer::start(host, badHost).error().code, ErrorCode::ConnectionFailed);
}

}  // namespace
}  // namespace doppel::webtest
