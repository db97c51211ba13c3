// A Host behind WebServer: dynamic replicas over ws reach Valid, call slots, write properties and
// see pushes and signals; bytes cross message boundaries either way; ws and tcp peers share one
// host; the client side reports refusals with the server's status.
#include <gtest/gtest.h>

#include "web/ws_channel.h"
#include "web_test_support.h"

namespace doppel::webtest {
namespace {

class WsTransportTest : public WebHostFixture {};

TEST_F(WsTransportTest, DynamicReplicaOverWsReachesValidCallsSlotsAndSeesPushes) {
  startServer({});
  auto replica = wsReplica(server->url());
  ASSERT_TRUE(replica->waitForSource(5s));
  EXPECT_EQ(replica->interface().typeName, "Counter");

  std::vector<std::int64_t> counts;
  std::vector<std::int64_t> bumps;
  replica->propertyChanged.connect([&](int index, const Value& v) {
    if (replica->interface().properties[static_cast<std::size_t>(index)].name == "count")
      counts.push_back(v.toInt());
  });
  replica->signalEmitted.connect(
      [&](int index, const std::vector<Value>& args) {
        // countChanged (the property's notify signal) arrives here too; only bumped counts.
        if (replica->interface().signalDefs[static_cast<std::size_t>(index)].name == "bumped")
          bumps.push_back(args.at(0).toInt());
      });

  auto reply = replica->call("add", {Value::int32(5)});
  ASSERT_TRUE(reply.waitForFinished(5s));
  EXPECT_EQ(reply.returnValue(), Value::int32(5));
  loop->runUntil([&] { return !counts.empty() && !bumps.empty(); }, Clock::now() + 5s);
  EXPECT_EQ(counts, std::vector<std::int64_t>{5});
  EXPECT_EQ(bumps, std::vector<std::int64_t>{5});

  // A push from the source, and a READWRITE write from the replica.
  ASSERT_TRUE(counter->setProperty("label", Value::string("hello ws")).ok());
  loop->runUntil([&] { return replica->property("label") == Value::string("hello ws"); },
                 Clock::now() + 5s);
  EXPECT_EQ(replica->property("label"), Value::string("hello ws"));
  ASSERT_TRUE(replica->setProperty("count", Value::int32(42)).ok());
  loop->runUntil([&] { return counter->property("count") == Value::int32(42); },
                 Clock::now() + 5s);
  EXPECT_EQ(counter->property("count"), Value::int32(42));
  EXPECT_EQ(host->connectionCount(), 1u);
  EXPECT_EQ(server->connectionCount(), 1u);
}

TEST_F(WsTransportTest, WsAndTcpReplicasShareOneHostAndSeeEachOthersChanges) {
  startServer({});
  ASSERT_TRUE(host->listen("tcp://127.0.0.1:0").ok());
  auto overWs = wsReplica(server->url());
  nodes.push_back(std::make_unique<Node>(*loop));
  ASSERT_TRUE(nodes.back()->connectToNode(host->urls().front()).ok());
  auto overTcp = nodes.back()->acquireDynamic("Counter");
  ASSERT_TRUE(overWs->waitForSource(5s));
  ASSERT_TRUE(overTcp->waitForSource(5s));
  auto reply = overTcp->call("add", {Value::int32(7)});
  ASSERT_TRUE(reply.waitForFinished(5s));
  loop->runUntil([&] { return overWs->property("count") == Value::int32(7); }, Clock::now() + 5s);
  EXPECT_EQ(overWs->property("count"), Value::int32(7));
}

TEST_F(WsTransportTest, LargeValuesSpanManyMessagesAndManyFramesShareOne) {
  WebOptions options;
  options.maxMessageBytes = 1u << 20;
  startServer(options);
  auto replica = wsReplica(server->url());
  ASSERT_TRUE(replica->waitForSource(5s));
  // 600 KB of UTF-16 in one frame: one message each way (well under 1 MiB).
  const std::string big(300000, 'x');
  auto reply = replica->call("echo", {Value::string(big)});
  ASSERT_TRUE(reply.waitForFinished(5s));
  EXPECT_EQ(reply.returnValue(), Value::string(big));
  // 200 calls made in one turn go out as one message holding 200 frames; replies likewise.
  std::vector<PendingReply> replies;
  for (int i = 0; i < 200; ++i) replies.push_back(replica->call("add", {Value::int32(1)}));
  loop->runUntil(
      [&] {
        for (const auto& r : replies)
          if (!r.isFinished()) return false;
        return true;
      },
      Clock::now() + 5s);
  EXPECT_EQ(replies.back().returnValue(), Value::int32(200));
}

TEST_F(WsTransportTest, AFrameSplitAcrossMessagesIsReassembled) {
  startServer({});
  // A raw channel: the Handshake and ObjectList arrive; then AddObject is sent one byte per
  // message and the host still answers with the object's definition.
  std::optional<Result<ChannelPtr>> connected;
  connectWebSocket(*loop, server->url(), [&](Result<ChannelPtr> c) { connected = std::move(c); });
  loop->runUntil([&] { return connected.has_value(); }, Clock::now() + 5s);
  ASSERT_TRUE(connected && connected->ok());
  ChannelPtr channel = std::move(**connected);
  std::string received;
  channel->start({[&](std::string_view bytes) { received.append(bytes); }, [](const Error&) {}});
  // Handshake (26 bytes) and the ObjectList naming Counter.
  loop->runUntil([&] { return received.size() > 60; }, Clock::now() + 5s);
  ASSERT_GT(received.size(), 60u);
  // AddObject("Counter", isDynamic=true): size, type 4, QString name, bool.
  std::string frame;
  const std::u16string name = u"Counter";
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) frame += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  u32(0);
  frame += '\x04';
  frame += '\x00';
  u32(static_cast<std::uint32_t>(name.size() * 2));
  for (char16_t c : name) {
    frame += static_cast<char>(c & 0xff);
    frame += static_cast<char>(c >> 8);
  }
  frame += '\x01';
  const auto size = static_cast<std::uint32_t>(frame.size() - 4);
  for (int i = 0; i < 4; ++i) frame[static_cast<std::size_t>(i)] = static_cast<char>((size >> (8 * i)) & 0xff);
  received.clear();
  for (char c : frame) {
    channel->send(std::make_shared<const std::string>(1, c));  // written at once: one message
    loop->runUntil([&] { return channel->queuedBytes() == 0; }, Clock::now() + 5s);
    EXPECT_TRUE(received.empty()) << "answered before the frame was complete";
  }
  // InitDynamicPacket (type 5) describes Counter.
  loop->runUntil([&] { return received.size() > 40; }, Clock::now() + 5s);
  ASSERT_GT(received.size(), 40u);
  EXPECT_EQ(received[4], '\x03');  // packet type InitDynamicPacket
  EXPECT_EQ(host->connectionCount(), 1u);
}

TEST_F(WsTransportTest, ClientReportsRefusalsWithTheServersStatus) {
  WebOptions options;
  options.token = "s3cret";
  startServer(options);
  auto dial = [&](const std::string& url, WebClientOptions o) {
    std::optional<Result<ChannelPtr>> result;
    connectWebSocket(*loop, url, [&](Result<ChannelPtr> c) { result = std::move(c); }, o);
    loop->runUntil([&] { return result.has_value(); }, Clock::now() + 5s);
    return std::move(*result);
  };
  auto missing = dial(server->url(), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().reason.find("HTTP 401"), std::string::npos) << missing.error().reason;
  WebClientOptions bearer;
  bearer.token = "s3cret";
  EXPECT_TRUE(dial(server->url(), bearer).ok());
  EXPECT_TRUE(dial(server->url() + "?token=s3cret", {}).ok());
  WebClientOptions evil;
  evil.origin = "http://evil.example";
  evil.token = "s3cret";
  auto forbidden = dial(server->url(), evil);
  ASSERT_FALSE(forbidden.ok());
  EXPECT_NE(forbidden.error().reason.find("HTTP 403"), std::string::npos)
      << forbidden.error().reason;
  auto refused = dial("ws://127.0.0.1:1/", {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::ConnectionFailed);
}

TEST_F(WsTransportTest, NodeRedialsAWsHostThatRestarts) {
  startServer({});
  const std::uint16_t port = server->port();
  auto replica = wsReplica(server->url());
  ASSERT_TRUE(replica->waitForSource(5s));
  const std::string url = server->url();
  // The host goes away (server and host), comes back on the same port.
  server.reset();
  host.reset();
  loop->runUntil([&] { return replica->state() == ReplicaState::Suspect; }, Clock::now() + 5s);
  EXPECT_EQ(replica->state(), ReplicaState::Suspect);
  host = std::make_unique<Host>(*loop);
  ASSERT_TRUE(host->enableRemoting(*counter).ok());
  WebOptions again;
  again.port = port;
  auto restarted = WebServer::start(*host, again);
  ASSERT_TRUE(restarted.ok()) << restarted.error().toString();
  server = std::move(*restarted);
  EXPECT_TRUE(replica->waitForSource(10s));
}

TEST(CloseCodeTest, ErrorsMapToTheCloseCodesOfTheHouseStyle) {
  EXPECT_EQ(web::closeCodeFor(ErrorCode::Malformed), websocket::close_code::protocol_error);
  EXPECT_EQ(web::closeCodeFor(ErrorCode::LimitExceeded), websocket::close_code::too_big);
  EXPECT_EQ(web::closeCodeFor(ErrorCode::ConnectionFailed), websocket::close_code::internal_error);
}

}  // namespace
}  // namespace doppel::webtest
