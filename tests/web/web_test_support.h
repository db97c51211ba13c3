// Helpers for the web layer's tests: a host sharing a small "Counter" over a WebServer, and a raw
// TCP client that sends exact bytes and collects what comes back, on the same loop and thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "asio/asio_event_loop.h"
#include "doppel/doppel.h"
#include "doppel/web.h"
#include "support/log_capture.h"

namespace doppel::webtest {

using namespace std::chrono_literals;

/// doppel::testing::LogCapture with the log level lowered to Debug while it lives, so that the
/// web layer's info lines (a refused request, say) reach it.
class LogCapture : public doppel::testing::LogCapture {
public:
  LogCapture() { setLogLevel(LogLevel::Debug); }
  ~LogCapture() { setLogLevel(LogLevel::Warning); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  bool closed = false;  ///< the server closed the connection
  std::string raw;
};

/// Parses the first response in `raw` (enough for these tests: Content-Length bodies only).
inline HttpReply parseReply(std::string raw, bool closed) {
  HttpReply r;
  r.raw = raw;
  r.closed = closed;
  const auto end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t at = raw.find("\r\n") + 2;
  while (at < end) {
    const auto eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[name] = value;
    at = eol + 2;
  }
  std::size_t length = 0;
  if (r.headers.count("content-length")) length = std::stoul(r.headers["content-length"]);
  r.body = raw.substr(end + 4, length);
  return r;
}

/// A TCP connection to the server driven from the test: writes are synchronous (the kernel
/// takes them without the loop), reads run the loop until something arrives or it closes.
class RawClient {
public:
  RawClient(AsioEventLoop& loop, std::uint16_t port) : m_loop(loop), m_socket(loop.context()) {
    m_socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  /// A read still pending holds `this`: close and let it complete before the memory goes.
  ~RawClient() {
    boost::system::error_code ignored;
    m_socket.close(ignored);
    if (m_reading) m_loop.runUntil([&] { return !m_reading; }, Clock::now() + 2s);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void write(const std::string& bytes) { net::write(m_socket, net::buffer(bytes)); }

  /// Runs the loop until `done(received)` or the peer closes or `timeout`; returns whether the
  /// server closed the connection.
  bool readUntil(const std::function<bool(const std::string&)>& done,
                 std::chrono::milliseconds timeout) {
    startRead();
    m_loop.runUntil([&] { return m_closed || done(m_received); }, Clock::now() + timeout);
    return m_closed;
  }
  /// Reads until the server closes (or `timeout`); returns whether it did.
  bool waitClosed(std::chrono::milliseconds timeout) {
    return readUntil([](const std::string&) { return false; }, timeout);
  }
  /// One HTTP exchange: sends `request`, reads a complete response.
  HttpReply request(const std::string& request, std::chrono::milliseconds timeout = 5s) {
    m_received.clear();
    write(request);
    readUntil(
        [](const std::string& got) {
          const auto end = got.find("\r\n\r\n");
          if (end == std::string::npos) return false;
          const HttpReply r = parseReply(got, false);
          const auto it = r.headers.find("content-length");
          const std::size_t length = it == r.headers.end() ? 0 : std::stoul(it->second);
          const bool noBody = r.status == 304 || r.status == 101 ||
                              got.rfind("HEAD", 0) == 0;
          return noBody || got.size() >= end + 4 + length;
        },
        timeout);
    return parseReply(m_received, m_closed);
  }
  /// HEAD responses carry Content-Length without a body: read only the header.
  HttpReply head(const std::string& request, std::chrono::milliseconds timeout = 5s) {
    m_received.clear();
    write(request);
    readUntil([](const std::string& got) { return got.find("\r\n\r\n") != std::string::npos; },
              timeout);
    return parseReply(m_received, m_closed);
  }

  const std::string& received() const { return m_received; }
  bool closed() const { return m_closed; }

private:
  void startRead() {
    if (m_reading || m_closed) return;
    m_reading = true;
    m_socket.async_read_some(net::buffer(m_buffer),
                             [this](const boost::system::error_code& ec, std::size_t n) {
                               m_reading = false;
                               if (ec) {
                                 m_closed = true;
                                 return;
                               }
                               m_received.append(m_buffer.data(), n);
                               startRead();
                             });
  }

  AsioEventLoop& m_loop;
  net::ip::tcp::socket m_socket;
  std::array<char, 4096> m_buffer{};
  std::string m_received;
  bool m_reading = false;
  bool m_closed = false;
};

inline std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

/// A handshake a browser would send (a fixed key: the tests do not check the accept hash).
inline std::string upgrade(const std::string& target, const std::string& extra = "") {
  return "GET " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
         extra + "\r\n";
}

inline ClassInterface counterInterface() {
  return InterfaceBuilder("Counter")
      .property("count", "int", PropertyMode::ReadWrite)
      .property("label", "QString", PropertyMode::ReadPush)
      .signal("bumped", {{"by", "int"}})
      .slot("add", {{"n", "int"}}, "int")
      .slot("echo", {{"s", "QString"}}, "QString")
      .build();
}

/// A host sharing Counter on a WebServer (and on tcp, to compare), all on one loop.
class WebHostFixture : public ::testing::Test {
protected:
  void startServer(WebOptions options) {
    loop = std::make_unique<AsioEventLoop>();
    host = std::make_unique<Host>(*loop);
    counter = std::make_unique<Source>(counterInterface());
    (void)counter->onCall("add", [this](const std::vector<Value>& args) {
      const auto next = static_cast<int>(counter->property("count").toInt() + args[0].toInt());
      (void)counter->setProperty("count", Value::int32(next));
      (void)counter->emitSignal("bumped", {args[0]});
      return Value::int32(next);
    });
    (void)counter->onCall("echo", [](const std::vector<Value>& args) { return args[0]; });
    ASSERT_TRUE(host->enableRemoting(*counter).ok());
    auto started = WebServer::start(*host, std::move(options));
    ASSERT_TRUE(started.ok()) << started.error().toString();
    server = std::move(*started);
    clientLoop = makeWebEventLoop(*loop);
  }

  void TearDown() override {
    replicas.clear();
    nodes.clear();
    server.reset();
    host.reset();
    counter.reset();
    clientLoop.reset();
    loop.reset();
  }

  /// A node on ws with a Valid replica of Counter.
  std::shared_ptr<Replica> wsReplica(const std::string& url) {
    nodes.push_back(std::make_unique<Node>(*clientLoop));
    EXPECT_TRUE(nodes.back()->connectToNode(url).ok());
    auto replica = nodes.back()->acquireDynamic("Counter");
    replicas.push_back(replica);
    return replica;
  }

  /// The host still answers: a slot call over a fresh ws replica and over `existing`.
  void expectServing(const std::string& url, const std::shared_ptr<Replica>& existing = nullptr) {
    auto fresh = wsReplica(url);
    ASSERT_TRUE(fresh->waitForSource(5s)) << "a new ws replica did not become Valid";
    auto reply = fresh->call("echo", {Value::string("still here")});
    ASSERT_TRUE(reply.waitForFinished(5s));
    EXPECT_EQ(reply.returnValue(), Value::string("still here"));
    if (existing) {
      EXPECT_EQ(existing->state(), ReplicaState::Valid);
      auto again = existing->call("echo", {Value::string("me too")});
      ASSERT_TRUE(again.waitForFinished(5s));
      EXPECT_EQ(again.returnValue(), Value::string("me too"));
    }
  }

  std::unique_ptr<AsioEventLoop> loop;
  std::unique_ptr<Host> host;
  std::unique_ptr<Source> counter;
  std::unique_ptr<WebServer> server;
  std::unique_ptr<EventLoop> clientLoop;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<std::shared_ptr<Replica>> replicas;
};

}  // namespace doppel::webtest
