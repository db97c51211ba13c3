// web/handoff.h: connections and status over a SOCK_SEQPACKET pair, and a WebServer that takes
// its connections from one (WebOptions::handoffFd), pre-read bytes first.
#include "web/handoff.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <fstream>

#include <gtest/gtest.h>

#include "doppel/runtime.h"
#include "doppel/web.h"

#include "gateway/socket_helpers.h"

namespace doppel {
namespace {

using test::LoopbackPair;

TEST(HandoffTest, ConnectionArrivesWithItsPreReadBytes) {
  int pair[2];
  ASSERT_TRUE(handoff::makeSocketPair(pair).ok());
  LoopbackPair tcp;
  ASSERT_TRUE(handoff::sendConnection(pair[0], tcp.server, "GET / HTTP/1.1\r\n\r\n").ok());
  auto message = handoff::receive(pair[1]);
  ASSERT_TRUE(message.ok());
  ASSERT_TRUE(message->has_value());
  ASSERT_TRUE((*message)->connection.has_value());
  const handoff::Connection& c = *(*message)->connection;
  EXPECT_EQ(c.preRead, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_NE(c.fd, tcp.server);
  // The received fd is the same connection: what is written on it reaches the client.
  ASSERT_EQ(::write(c.fd, "hello", 5), 5);
  char buffer[8] = {};
  ASSERT_EQ(::read(tcp.client, buffer, sizeof buffer), 5);
  EXPECT_EQ(std::string(buffer, 5), "hello");
  ::close(c.fd);
  ::close(pair[0]);
  ::close(pair[1]);
}

TEST(HandoffTest, StatusRoundTripsAndNothingWaitingIsEmpty) {
  int pair[2];
  ASSERT_TRUE(handoff::makeSocketPair(pair).ok());
  auto none = handoff::receive(pair[0]);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(handoff::sendStatus(pair[1], {3, 0x1122334455ull}).ok());
  auto message = handoff::receive(pair[0]);
  ASSERT_TRUE(message.ok() && message->has_value() && (*message)->status.has_value());
  EXPECT_EQ((*message)->status->connections, 3u);
  EXPECT_EQ((*message)->status->bytesReceived, 0x1122334455ull);
  ::close(pair[1]);
  auto closed = handoff::receive(pair[0]);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code, ErrorCode::Disconnected);
  ::close(pair[0]);
}

TEST(HandoffTest, PingAndPongRoundTripWithTheirSequence) {
  int pair[2];
  ASSERT_TRUE(handoff::makeSocketPair(pair).ok());
  ASSERT_TRUE(handoff::sendPing(pair[0], 0x0102030405060708ull).ok());
  ASSERT_TRUE(handoff::sendPong(pair[1], 7).ok());
  auto ping = handoff::receive(pair[1]);
  ASSERT_TRUE(ping.ok() && ping->has_value());
  EXPECT_EQ((*ping)->ping, std::optional<std::uint64_t>(0x0102030405060708ull));
  EXPECT_FALSE((*ping)->pong.has_value() || (*ping)->status.has_value());
  auto pong = handoff::receive(pair[0]);
  ASSERT_TRUE(pong.ok() && pong->has_value());
  EXPECT_EQ((*pong)->pong, std::optional<std::uint64_t>(7));
  EXPECT_FALSE((*pong)->ping.has_value());
  ASSERT_EQ(::send(pair[0], "P1234", 5, 0), 5);  // too short for a sequence
  EXPECT_FALSE(handoff::receive(pair[1]).ok());
  ::close(pair[0]);
  ::close(pair[1]);
}

TEST(HandoffTest, GarbageAndOversizedMessagesAreRefused) {
  int pair[2];
  ASSERT_TRUE(handoff::makeSocketPair(pair).ok());
  ASSERT_EQ(::send(pair[0], "Hgarbage without an fd", 22, 0), 22);
  auto garbage = handoff::receive(pair[1]);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::Malformed);
  ASSERT_EQ(::send(pair[0], "X", 1, 0), 1);
  EXPECT_EQ(handoff::receive(pair[1]).error().code, ErrorCode::Malformed);
  LoopbackPair tcp;
  const std::string big(handoff::kMaxPreRead + 1, 'x');
  EXPECT_EQ(handoff::sendConnection(pair[0], tcp.server, big).error().code, ErrorCode::LimitExceeded);
  EXPECT_EQ(handoff::sendConnection(pair[0], -1, "x").error().code, ErrorCode::InvalidArgument);
  ::close(pair[0]);
  ::close(pair[1]);
}

TEST(HandoffTest, WebServerServesAHandedOverConnectionAndReportsIt) {
  const auto root = std::filesystem::temp_directory_path() / ("doppel-handoff-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::ofstream(root / "a.txt") << "file content";
  int pair[2];
  ASSERT_TRUE(handoff::makeSocketPair(pair).ok());
  auto loop = makeEventLoop();
  WebOptions options;
  options.webRoot = root.string();
  options.handoffFd = pair[1];
  auto server = WebServer::start(*loop, options, [](ChannelPtr) {});
  ASSERT_TRUE(server.ok()) << server.error().toString();
  EXPECT_EQ((*server)->port(), 0);  // no port of its own

  // Garbage on the handoff socket is dropped; the server goes on.
  ASSERT_EQ(::send(pair[0], "junk", 4, 0), 4);
  LoopbackPair tcp;
  // The "gateway" read the first part of the request; the rest is still in the socket.
  ASSERT_TRUE(handoff::sendConnection(pair[0], tcp.server, "GET /a.txt HTTP/1.1\r\nHo").ok());
  ::close(tcp.server);
  tcp.server = -1;
  ASSERT_EQ(::write(tcp.client, "st: x\r\n\r\n", 9), 9);
  const std::string response = test::readUntilClosed(tcp.client, *loop, std::chrono::seconds(5));
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos) << response;
  EXPECT_NE(response.find("file content"), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << "every new request passes the gateway";

  // The server reported the connection (1) and its end (0).
  bool sawOne = false;
  bool sawZero = false;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!(sawOne && sawZero) && Clock::now() < deadline) {
    (void)loop->runUntil([] { return false; }, Clock::now() + std::chrono::milliseconds(5));
    for (;;) {
      auto m = handoff::receive(pair[0]);
      if (!m.ok() || !m->has_value()) break;
      if ((*m)->status) {
        sawOne = sawOne || (*m)->status->connections == 1;
        sawZero = sawZero || (sawOne && (*m)->status->connections == 0);
      }
    }
  }
  EXPECT_TRUE(sawOne);
  EXPECT_TRUE(sawZero);
  server->reset();
  ::close(pair[0]);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace doppel
