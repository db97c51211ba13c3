// Sockets through AsioEventLoop: echo over tcp, local and localabstract, batching, limits,
// closing, and destroying channels and listeners at awkward moments (run under ASan too).
// Loopback only.
#include "asio/socket_channel.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "asio/asio_event_loop.h"
#include "asio/early_writes.h"
#include "core/url.h"
#include <sys/stat.h>
#include <unistd.h>

namespace doppel {
namespace {

using namespace std::chrono_literals;

/// A socket name no other test process uses at the same time.
std::string uniqueName() {
  static int counter = 0;
  return "doppel-asio-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

SharedBytes bytes(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

using LocalSocket = net::local::stream_protocol::socket;

/// What `socket` has received so far, without waiting.
std::string readNow(LocalSocket& socket) {
  socket.non_blocking(true);
  std::string out;
  char buffer[65536];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = socket.read_some(net::buffer(buffer), ec);
    if (ec) break;
    out.append(buffer, n);
  }
  return out;
}

/// One end of a connection, recording what arrives.
struct End {
  End() = default;
  explicit End(ChannelPtr c) : channel(std::move(c)) {}

  ChannelPtr channel;
  std::string received;
  int reads = 0;
  std::optional<Error> closed;
  int closedCalls = 0;

  void start() {
    channel->start({[this](std::string_view data) {
                      received.append(data);
                      ++reads;
                    },
                    [this](const Error& reason) {
                      closed = reason;
                      ++closedCalls;
                    }});
  }
};

/// Frames ("frame N;") sent on a channel, and what was seen after each send: the bytes sent so
/// far, the channel's queuedBytes() and the bytes waiting on the peer's socket.
struct FrameSends {
  std::string expected;
  std::vector<std::size_t> sentBytes;
  std::vector<std::size_t> queued;
  std::vector<std::size_t> onTheWire;

  void send(End& end, LocalSocket& peer, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      std::string frame = "frame " + std::to_string(i) + ";";
      expected += frame;
      end.channel->send(bytes(std::move(frame)));
      sentBytes.push_back(expected.size());
      queued.push_back(end.channel->queuedBytes());
      onTheWire.push_back(peer.available());
    }
  }
};

class SocketTest : public ::testing::Test {
protected:
  bool runFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 2s) {
    return loop.runUntil(done, Clock::now() + limit);
  }

  /// Listens on `url`, connects to what it reports, and returns (client, server), not started.
  std::pair<ChannelPtr, ChannelPtr> connectPair(const std::string& url) {
    ChannelPtr server;
    auto listened = loop.listen(url, [&](ChannelPtr c) { server = std::move(c); });
    EXPECT_TRUE(listened.ok()) << (listened.ok() ? "" : listened.error().toString());
    if (!listened.ok()) return {};
    listener = std::move(*listened);
    ChannelPtr client;
    loop.connect(listener->url(), [&](Result<ChannelPtr> r) {
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
      if (r.ok()) client = std::move(*r);
    });
    EXPECT_TRUE(runFor([&] { return client && server; }));
    return {std::move(client), std::move(server)};
  }

  /// A channel on one end of a Unix socket pair and the other end as a plain socket, so that a
  /// test sees exactly what the kernel has, and when.
  std::pair<ChannelPtr, LocalSocket> socketPair() {
    LocalSocket mine(loop.context());
    LocalSocket peer(loop.context());
    net::local::connect_pair(mine, peer);
    return {makeSocketChannel(std::move(mine), "local:pair", limits), std::move(peer)};
  }

  /// Runs the next handler (the first function posted, when nothing ran before it).
  std::size_t runOne() {
    loop.context().restart();
    return loop.context().run_one_for(std::chrono::seconds(2));
  }

  Limits limits;
  AsioEventLoop loop{limits};
  std::unique_ptr<Listener> listener;
};

// ---- every transport ----------------------------------------------------------------------

class TransportTest : public SocketTest, public ::testing::WithParamInterface<std::string> {
protected:
  std::string url() const {
    if (GetParam() == "tcp") return "tcp://127.0.0.1:0";
    return GetParam() + ":" + uniqueName();
  }
};

TEST_P(TransportTest, BytesTravelBothWaysInOrder) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  server.start();
  client.channel->send(bytes("hello "));
  client.channel->send(bytes("server"));
  server.channel->send(bytes("hi client"));
  EXPECT_TRUE(runFor([&] { return server.received.size() == 12 && client.received.size() == 9; }));
  EXPECT_EQ(server.received, "hello server");
  EXPECT_EQ(client.received, "hi client");
  EXPECT_FALSE(client.closed);
  EXPECT_FALSE(server.closed);
}

TEST_P(TransportTest, LargePayloadArrivesIntactAcrossSeveralReads) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  server.start();
  const std::string payload = pattern(1 << 20);
  server.received.reserve(payload.size() + 4);
  client.channel->send(bytes(payload));
  client.channel->send(bytes("tail"));
  EXPECT_TRUE(runFor([&] {
    return server.received.size() == payload.size() + 4 && client.channel->queuedBytes() == 0;
  }));
  EXPECT_TRUE(server.received == payload + "tail") << "payload corrupted";
  EXPECT_GE(server.reads, 16) << "at most 64 KiB per read";
}

TEST_P(TransportTest, ManySmallSendsGoOutInFewWrites) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  server.start();
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    std::string frame = "frame " + std::to_string(i) + ";";
    expected += frame;
    client.channel->send(bytes(std::move(frame)));
  }
  EXPECT_GT(client.channel->queuedBytes(), 0u);
  EXPECT_TRUE(runFor([&] {
    return server.received.size() == expected.size() && client.channel->queuedBytes() == 0;
  }));
  EXPECT_EQ(server.received, expected);
  // The first frame goes out at once, the other 1999 in a few writes after it (early_writes.h):
  // a handful of reads.
  EXPECT_LE(server.reads, 10);
}

TEST_P(TransportTest, MixedSizesKeepTheirOrderWhenBatched) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  server.start();
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    std::string frame = pattern(static_cast<std::size_t>((i * 977) % 9000 + 1));
    frame[0] = static_cast<char>(i);
    expected += frame;
    client.channel->send(bytes(std::move(frame)));
  }
  EXPECT_TRUE(runFor([&] { return server.received.size() == expected.size(); }));
  EXPECT_TRUE(server.received == expected);
}

TEST_P(TransportTest, PeerCloseIsReportedAsDisconnected) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  ASSERT_TRUE(client.channel && serverChannel);
  client.start();
  serverChannel->send(bytes("last words"));
  EXPECT_TRUE(runFor([&] { return client.received == "last words"; }));
  serverChannel.reset();
  EXPECT_TRUE(runFor([&] { return client.closed.has_value(); }));
  EXPECT_EQ(client.closed->code, ErrorCode::Disconnected);
  EXPECT_EQ(client.closed->reason, "peer closed the connection");
  EXPECT_FALSE(runFor([&] { return client.closedCalls > 1; }, 20ms));
}

TEST_P(TransportTest, CloseDeliversItsReasonOnceAndLater) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  server.start();
  client.channel->close(makeError(ErrorCode::ProtocolMismatch, "bad handshake"));
  EXPECT_FALSE(client.closed) << "onClosed is never called inline";
  client.channel->close(makeError(ErrorCode::Timeout, "second close is ignored"));
  client.channel->send(bytes("after close: dropped"));
  EXPECT_TRUE(runFor([&] { return client.closed && server.closed; }));
  EXPECT_EQ(client.closed->code, ErrorCode::ProtocolMismatch);
  EXPECT_EQ(client.closed->reason, "bad handshake");
  EXPECT_EQ(server.closed->code, ErrorCode::Disconnected);
  EXPECT_EQ(server.received, "");
  EXPECT_FALSE(runFor([&] { return client.closedCalls > 1 || server.closedCalls > 1; }, 20ms));
}

TEST_P(TransportTest, CloseBeforeStartIsDeliveredAfterStart) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  ASSERT_TRUE(client.channel);
  client.channel->close(makeError(ErrorCode::Timeout, "gave up"));
  client.start();
  EXPECT_FALSE(client.closed);
  EXPECT_TRUE(runFor([&] { return client.closed.has_value(); }));
  EXPECT_EQ(client.closed->reason, "gave up");
}

TEST_P(TransportTest, BytesSentBeforeTheReaderStartsAreKept) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  client.channel->send(bytes("early"));
  EXPECT_TRUE(runFor([&] { return client.channel->queuedBytes() == 0; }));
  EXPECT_FALSE(runFor([] { return false; }, 10ms));  // the bytes sit in the server's socket
  server.start();
  EXPECT_TRUE(runFor([&] { return server.received == "early"; }));
}

TEST_P(TransportTest, WriteQueueOverTheLimitClosesTheChannel) {
  limits.maxQueuedBytes = 1 << 20;
  AsioEventLoop limited(limits);
  ChannelPtr server;
  auto listened = limited.listen(url(), [&](ChannelPtr c) { server = std::move(c); });
  ASSERT_TRUE(listened.ok()) << listened.error().toString();
  End client;
  limited.connect((*listened)->url(),
                  [&](Result<ChannelPtr> r) { client.channel = std::move(*r); });
  ASSERT_TRUE(limited.runUntil([&] { return client.channel && server; }, Clock::now() + 2s));
  client.start();
  // The server never reads. 1 MiB goes into the socket; the next one is over the limit while
  // the first is still being written.
  client.channel->send(bytes(pattern(1 << 19)));
  client.channel->send(bytes(pattern(1 << 19)));
  EXPECT_EQ(client.channel->queuedBytes(), std::size_t{1} << 20);
  EXPECT_FALSE(client.closed);
  client.channel->send(bytes("x"));
  ASSERT_TRUE(limited.runUntil([&] { return client.closed.has_value(); }, Clock::now() + 2s));
  EXPECT_EQ(client.closed->code, ErrorCode::LimitExceeded);
  EXPECT_EQ(client.closed->reason, "write queue over 1048576 bytes: peer too slow");
  EXPECT_EQ(client.closedCalls, 1);
}

TEST_P(TransportTest, SlowReaderEventuallyClosesTheChannelAtTheLimit) {
  limits.maxQueuedBytes = 4 << 20;
  AsioEventLoop limited(limits);
  ChannelPtr server;
  auto listened = limited.listen(url(), [&](ChannelPtr c) { server = std::move(c); });
  ASSERT_TRUE(listened.ok());
  End client;
  limited.connect((*listened)->url(),
                  [&](Result<ChannelPtr> r) { client.channel = std::move(*r); });
  ASSERT_TRUE(limited.runUntil([&] { return client.channel && server; }, Clock::now() + 2s));
  client.start();
  const SharedBytes chunk = bytes(pattern(256 << 10));
  std::size_t sent = 0;
  while (!client.closed && sent < (256u << 20)) {
    client.channel->send(chunk);
    sent += chunk->size();
    (void)limited.runUntil([] { return false; }, Clock::now());  // let writes progress
  }
  ASSERT_TRUE(limited.runUntil([&] { return client.closed.has_value(); }, Clock::now() + 2s));
  EXPECT_EQ(client.closed->code, ErrorCode::LimitExceeded);
  EXPECT_GT(sent, std::size_t{4} << 20) << "the kernel buffers took some before the queue grew";
}

TEST_P(TransportTest, DestroyingAChannelInsideOnDataIsSafe) {
  auto pair = connectPair(url());  // clang 14 cannot capture structured bindings
  auto& clientChannel = pair.first;
  auto& serverChannel = pair.second;
  ASSERT_TRUE(clientChannel && serverChannel);
  int calls = 0;
  bool closedCalled = false;
  clientChannel->start({[&](std::string_view) {
                          ++calls;
                          clientChannel.reset();
                        },
                        [&](const Error&) { closedCalled = true; }});
  serverChannel->send(bytes(pattern(1 << 20)));
  EXPECT_TRUE(runFor([&] { return calls > 0; }));
  EXPECT_FALSE(runFor([&] { return calls > 1 || closedCalled; }, 20ms));
  EXPECT_EQ(calls, 1);
}

TEST_P(TransportTest, DestroyingAChannelInsideOnClosedIsSafe) {
  auto pair = connectPair(url());
  auto& clientChannel = pair.first;
  auto& serverChannel = pair.second;
  ASSERT_TRUE(clientChannel && serverChannel);
  bool closed = false;
  clientChannel->start({[](std::string_view) {},
                        [&](const Error&) {
                          clientChannel.reset();
                          closed = true;
                        }});
  serverChannel.reset();
  EXPECT_TRUE(runFor([&] { return closed; }));
  EXPECT_FALSE(clientChannel);
}

TEST_P(TransportTest, DestroyingAChannelWithPendingReadsAndWritesIsSafe) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End server{std::move(serverChannel)};
  ASSERT_TRUE(clientChannel && server.channel);
  server.start();
  bool clientCalled = false;
  clientChannel->start(
      {[&](std::string_view) { clientCalled = true; }, [&](const Error&) { clientCalled = true; }});
  const SharedBytes chunk = bytes(pattern(1 << 20));
  for (int i = 0; i < 8; ++i) clientChannel->send(chunk);
  server.channel->send(bytes("reply that nobody reads"));
  clientChannel.reset();  // a write and a wait for data are pending
  EXPECT_TRUE(runFor([&] { return server.closed.has_value(); }));
  EXPECT_TRUE(server.closed->code == ErrorCode::Disconnected ||
              server.closed->code == ErrorCode::ConnectionFailed)
      << server.closed->toString();
  EXPECT_FALSE(clientCalled);
}

TEST_P(TransportTest, DestroyingAListenerStopsAcceptingAtOnce) {
  int accepted = 0;
  auto listened = loop.listen(url(), [&](ChannelPtr) { ++accepted; });
  ASSERT_TRUE(listened.ok());
  const std::string bound = (*listened)->url();
  listened->reset();  // with an accept pending
  std::optional<Result<ChannelPtr>> result;
  loop.connect(bound, [&](Result<ChannelPtr> r) { result.emplace(std::move(r)); });
  EXPECT_TRUE(runFor([&] { return result.has_value(); }));
  EXPECT_FALSE(result->ok());
  EXPECT_EQ(result->error().code, ErrorCode::ConnectionFailed);
  EXPECT_EQ(accepted, 0);
}

TEST_P(TransportTest, DestroyingAListenerInsideItsAcceptHandlerIsSafe) {
  std::unique_ptr<Listener> own;
  std::vector<ChannelPtr> accepted;
  auto listened = loop.listen(url(), [&](ChannelPtr c) {
    accepted.push_back(std::move(c));
    own.reset();
  });
  ASSERT_TRUE(listened.ok());
  own = std::move(*listened);
  const std::string bound = own->url();
  int connected = 0;
  int failed = 0;
  for (int i = 0; i < 3; ++i) {
    loop.connect(bound, [&](Result<ChannelPtr> r) { ++(r.ok() ? connected : failed); });
  }
  EXPECT_TRUE(runFor([&] { return connected + failed == 3 && !own; }));
  EXPECT_FALSE(runFor([] { return false; }, 20ms));
  EXPECT_EQ(accepted.size(), 1u);
}

TEST_P(TransportTest, ConnectAndAcceptHandlersRunLaterOnTheLoop) {
  bool accepted = false;
  auto listened = loop.listen(url(), [&](ChannelPtr) { accepted = true; });
  ASSERT_TRUE(listened.ok());
  bool connected = false;
  loop.connect((*listened)->url(), [&](Result<ChannelPtr> r) { connected = r.ok(); });
  EXPECT_FALSE(connected);
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(runFor([&] { return connected && accepted; }));
}

INSTANTIATE_TEST_SUITE_P(AllStreams,
                         TransportTest,
                         ::testing::Values("tcp", "local", "localabstract"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param == "tcp"     ? std::string("Tcp")
                                  : param.param == "local" ? std::string("Local")
                                                           : std::string("LocalAbstract");
                         });

// ---- writing at once, batching per turn, reading in bursts ---------------------------------

TEST_F(SocketTest, ASendFromACallbackIsWrittenWhenItReturnsWithNoCompletionToWaitFor) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  std::size_t queuedInside = 0;
  loop.post([&] {
    end.channel->send(bytes("ping"));
    queuedInside = end.channel->queuedBytes();
  });
  // Only the posted function runs: the socket took the bytes when it returned, with no write
  // completion to wait for.
  EXPECT_EQ(runOne(), 1u);
  EXPECT_EQ(queuedInside, 4u) << "held until the callback returns";
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
  EXPECT_EQ(readNow(peer), "ping");
  EXPECT_FALSE(end.closed);
}

TEST_F(SocketTest, ASendOutsideAnyCallbackIsWrittenAtOnceAndLaterOnesAfterTheLoopTurns) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  end.channel->send(bytes("first;"));
  EXPECT_EQ(readNow(peer), "first;") << "written inside send()";
  end.channel->send(bytes("second;"));
  end.channel->send(bytes("third;"));
  EXPECT_EQ(readNow(peer), "") << "batched until the loop turns";
  EXPECT_TRUE(runFor([&] { return end.channel->queuedBytes() == 0; }));
  EXPECT_EQ(readNow(peer), "second;third;");
}

TEST_F(SocketTest, SendsFromOneCallbackGoOutTogetherWhenItReturns) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  FrameSends sends;
  loop.post([&] { sends.send(end, peer, EarlyWrites::kFirstAfterFrames - 1); });
  EXPECT_EQ(runOne(), 1u);
  EXPECT_EQ(sends.queued.back(), sends.expected.size())
      << "nothing is written before the callback returns";
  EXPECT_EQ(sends.onTheWire.back(), 0u);
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
  EXPECT_EQ(readNow(peer), sends.expected);
}

TEST_F(SocketTest, ACallbackThatSendsManyFramesWritesTheFirstOnesBeforeItReturns) {
  // As when one read brings 64 calls: the peer starts on the first replies while the callback
  // handles the rest.
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  FrameSends sends;
  loop.post([&] { sends.send(end, peer, 100); });
  EXPECT_EQ(runOne(), 1u);
  const std::vector<std::size_t>& sentBytes = sends.sentBytes;
  const std::vector<std::size_t>& onTheWire = sends.onTheWire;
  ASSERT_EQ(onTheWire.size(), 100u);
  const std::size_t first = EarlyWrites::kFirstAfterFrames;
  EXPECT_EQ(onTheWire[first - 2], 0u) << "nothing before the 8th frame";
  EXPECT_EQ(onTheWire[first - 1], sentBytes[first - 1]) << "the first 8 frames at once";
  // Then 16 more, then 32 more (unless this thread was preempted during a write, which pauses
  // early writes), and the rest when the callback returns.
  const std::vector<std::size_t> writtenAfter = {first, 3 * first, 7 * first};
  for (std::size_t i = first; i < onTheWire.size(); ++i) {
    bool atAWriteBoundary = false;
    for (const std::size_t frames : writtenAfter) {
      atAWriteBoundary = atAWriteBoundary || onTheWire[i] == sentBytes[frames - 1];
    }
    EXPECT_TRUE(atAWriteBoundary) << "frame " << i << ": " << onTheWire[i] << " bytes";
  }
  EXPECT_LT(onTheWire.back(), sends.expected.size()) << "the last frames wait for the return";
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
  EXPECT_EQ(readNow(peer), sends.expected);
}

TEST_F(SocketTest, SendsFromABurstOfPostedCallbacksGoOutAfterTheLastOne) {
  // As when one read brings 64 replies and each reply's callback sends the next call.
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  std::vector<std::size_t> queuedBefore;
  std::vector<std::size_t> onTheWireBefore;
  const std::size_t callbacks = EarlyWrites::kFirstAfterFrames - 1;  // no early write
  for (std::size_t i = 0; i < callbacks; ++i) {
    loop.post([&] {
      queuedBefore.push_back(end.channel->queuedBytes());
      onTheWireBefore.push_back(peer.available());
      end.channel->send(bytes("0123456789"));
    });
  }
  EXPECT_TRUE(runFor([&] {
    return queuedBefore.size() == callbacks && peer.available() == 10 * callbacks;
  }));
  for (std::size_t i = 0; i < callbacks; ++i) {
    EXPECT_EQ(queuedBefore[i], 10 * i) << i;
    EXPECT_EQ(onTheWireBefore[i], 0u) << i;
  }
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
}

TEST_F(SocketTest, ACallbackThatPostsItselfForeverStillGetsItsSendsWritten) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  int sent = 0;
  bool stop = false;
  std::function<void()> again = [&] {
    if (stop) return;
    if (sent < 1000) {
      end.channel->send(bytes("x"));
      ++sent;
    }
    loop.post(again);
  };
  loop.post(again);
  bool timerFired = false;
  loop.startTimer(5ms, [&] { timerFired = true; });
  std::string received;
  EXPECT_TRUE(runFor([&] {
    received += readNow(peer);
    return timerFired && received.size() >= 10;
  })) << "the turn must end although something is always posted";
  EXPECT_TRUE(runFor([&] {
    received += readNow(peer);
    return sent == 1000 && received.size() == 1000;
  }));
  stop = true;
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
}

TEST_F(SocketTest, OnClosedKeepsItsPlaceAmongPostedFunctions) {
  auto pair = socketPair();
  std::vector<std::string> order;
  ChannelPtr channel = std::move(pair.first);
  channel->start({[](std::string_view) {}, [&](const Error&) { order.push_back("closed"); }});
  loop.post([&] {
    loop.post([&] { order.push_back("before"); });
    channel->close(makeError(ErrorCode::Timeout, "gave up"));
    loop.post([&] { order.push_back("after"); });
    order.push_back("callback");
  });
  EXPECT_TRUE(runFor([&] { return order.size() == 4; }));
  EXPECT_EQ(order, (std::vector<std::string>{"callback", "before", "closed", "after"}));
}

TEST_F(SocketTest, ABlockingWaitInsideACallbackSeesWhatTheCallbackSent) {
  auto [clientChannel, serverChannel] = connectPair("tcp://127.0.0.1:0");
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  server.start();
  bool answered = false;
  bool done = false;
  loop.post([&] {
    client.channel->send(bytes("request"));
    // As waitForFinished() on the loop thread: the request must not wait for this callback to
    // return. (Functions it posted do: Asio keeps them on this handler's private queue.)
    answered = runFor([&] { return server.received == "request"; }, 1s);
    done = true;
  });
  EXPECT_TRUE(runFor([&] { return done; }));
  EXPECT_TRUE(answered);
}

TEST_P(TransportTest, ALargeSendIsWrittenPartlyAtOnceAndTheRestLater) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  client.start();
  const std::string payload = pattern(32 << 20);  // more than any socket buffer takes
  bool sent = false;
  loop.post([&] {
    client.channel->send(bytes(payload));
    sent = true;
  });
  EXPECT_TRUE(runFor([&] { return sent; }));
  EXPECT_EQ(client.channel->queuedBytes(), payload.size()) << "counted until all is written";
  server.received.reserve(payload.size());
  server.start();
  EXPECT_TRUE(runFor(
      [&] {
        return server.received.size() == payload.size() && client.channel->queuedBytes() == 0;
      },
      10s));
  EXPECT_TRUE(server.received == payload) << "payload corrupted";
  EXPECT_FALSE(client.closed);
}

TEST_F(SocketTest, TheFirstPartOfALargeSendIsInTheSocketBeforeTheLoopRuns) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  const std::string payload = pattern(4 << 20);
  end.channel->send(bytes(payload));
  const std::size_t atOnce = peer.available();
  EXPECT_GT(atOnce, 0u);
  EXPECT_LT(atOnce, payload.size());
  EXPECT_EQ(end.channel->queuedBytes(), payload.size());
  End reader{makeSocketChannel(std::move(peer), "local:peer", limits)};
  reader.received.reserve(payload.size());
  reader.start();
  EXPECT_TRUE(runFor(
      [&] { return reader.received.size() == payload.size() && end.channel->queuedBytes() == 0; }));
  EXPECT_TRUE(reader.received == payload) << "payload corrupted";
}

TEST_F(SocketTest, HeldBytesCountTowardsTheQueueLimit) {
  limits.maxQueuedBytes = 1 << 20;
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  std::size_t queuedAfterFirst = 0;
  int closedCallsInside = -1;
  loop.post([&] {
    end.channel->send(bytes(pattern(600 << 10)));
    queuedAfterFirst = end.channel->queuedBytes();
    end.channel->send(bytes(pattern(600 << 10)));  // nothing written yet: over the limit
    closedCallsInside = end.closedCalls;
    end.channel->send(bytes("dropped"));
  });
  EXPECT_TRUE(runFor([&] { return end.closed.has_value(); }));
  EXPECT_EQ(queuedAfterFirst, std::size_t{600} << 10);
  EXPECT_EQ(closedCallsInside, 0) << "onClosed never runs inside send()";
  EXPECT_EQ(end.closed->code, ErrorCode::LimitExceeded);
  EXPECT_EQ(end.closed->reason, "write queue over 1048576 bytes: peer too slow");
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
  EXPECT_EQ(peer.available(), 0u) << "held data is dropped on close, never written";
}

TEST_F(SocketTest, APeerThatNeverReadsGetsClosedAtTheLimitWhileWritesAreInFlight) {
  limits.maxQueuedBytes = 2 << 20;
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  const SharedBytes chunk = bytes(pattern(64 << 10));
  int sends = 0;
  bool closedInline = false;
  std::function<void()> more = [&] {
    if (end.closed) return;
    end.channel->send(chunk);
    ++sends;
    closedInline = closedInline || end.closed.has_value();
    loop.post(more);
  };
  loop.post(more);
  EXPECT_TRUE(runFor([&] { return end.closed.has_value(); }));
  EXPECT_FALSE(closedInline);
  EXPECT_EQ(end.closed->code, ErrorCode::LimitExceeded);
  EXPECT_EQ(end.closedCalls, 1);
  // The socket buffers took some chunks before the queue grew to the limit.
  EXPECT_GT(std::size_t(sends) * chunk->size(), limits.maxQueuedBytes);
  EXPECT_GT(peer.available(), 0u);
}

TEST_F(SocketTest, AWriteErrorFoundInsideSendIsReportedLater) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  peer.close();
  end.channel->send(bytes("to nobody"));  // write_some fails with EPIPE right here
  EXPECT_FALSE(end.closed) << "onClosed never runs inside send()";
  end.channel->send(bytes("after the error: ignored"));
  EXPECT_EQ(end.channel->queuedBytes(), 0u);
  EXPECT_TRUE(runFor([&] { return end.closed.has_value(); }));
  EXPECT_EQ(end.closed->code, ErrorCode::ConnectionFailed);
  EXPECT_EQ(end.closed->reason, "Broken pipe");
  EXPECT_FALSE(runFor([&] { return end.closedCalls > 1; }, 20ms));
}

TEST_F(SocketTest, AWriteErrorAtTheEndOfACallbackIsReportedLater) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  peer.close();
  loop.post([&] { end.channel->send(bytes("to nobody")); });
  EXPECT_EQ(runOne(), 1u);
  EXPECT_FALSE(end.closed) << "onClosed comes after the callback, never inside it";
  EXPECT_TRUE(runFor([&] { return end.closed.has_value(); }));
  EXPECT_TRUE(end.closed->code == ErrorCode::ConnectionFailed ||
              end.closed->code == ErrorCode::Disconnected)
      << end.closed->toString();
  EXPECT_EQ(end.closedCalls, 1);
}

TEST_F(SocketTest, BurstsBiggerThanTheSmallBufferArriveInOrderOneOnDataPerRead) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  std::string expected;
  auto burst = [&](std::size_t size) {
    std::string data = pattern(size);
    data[0] = static_cast<char>(expected.size() & 0xff);
    expected += data;
    net::write(peer, net::buffer(data));
    const int readsBefore = end.reads;
    EXPECT_TRUE(runFor([&] { return end.received.size() == expected.size(); })) << size;
    return end.reads - readsBefore;
  };
  EXPECT_EQ(burst(100), 1);
  EXPECT_EQ(burst(512), 1) << "fills the small buffer; the next read finds nothing";
  EXPECT_EQ(burst(513), 2) << "512 bytes, then 1";
  EXPECT_EQ(burst(100000), 3) << "512 bytes, 64 KiB, the rest";
  EXPECT_EQ(burst(1), 1);
  EXPECT_TRUE(end.received == expected) << "bytes out of order or corrupted";
  EXPECT_FALSE(end.closed);
}

TEST_F(SocketTest, ABurstOverTheReadsPerTurnIsDeliveredWithOtherWorkInBetween) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  const std::string payload = pattern(3 << 20);
  end.received.reserve(payload.size());
  // A writer thread keeps the socket full while the loop reads.
  std::thread writer([&] { net::write(peer, net::buffer(payload)); });
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    if (end.received.size() < payload.size()) loop.post(tick);
  };
  end.start();
  loop.post(tick);
  EXPECT_TRUE(runFor([&] { return end.received.size() == payload.size(); }, 10s));
  writer.join();
  EXPECT_TRUE(end.received == payload) << "payload corrupted";
  EXPECT_GT(ticks, 1) << "other handlers ran while the burst was read";
}

TEST_F(SocketTest, DataBeforeStartIsReadAfterStartAndNeverInline) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  net::write(peer, net::buffer(std::string(2000, 'z')));
  end.start();
  EXPECT_EQ(end.reads, 0) << "the read may happen inside start(), onData never does";
  EXPECT_TRUE(runFor([&] { return end.received.size() == 2000; }));
  EXPECT_EQ(end.received, std::string(2000, 'z'));
}

// A request-reply exchange, where every read empties the socket: tempting to wait for the next
// arrival without trying a read first (see docs/benchmarks.md, run 8), but with edge-triggered
// epoll a wake-up that brings the last message and the peer's close together comes only once.

TEST_F(SocketTest, ARequestReplyExchangeDeliversEveryMessageOnce) {
  auto pair = socketPair();
  End end{std::move(pair.first)};
  LocalSocket& peer = pair.second;
  end.start();
  std::string sent;
  for (int i = 0; i < 200; ++i) {
    const std::string message = "message " + std::to_string(i) + ";";
    net::write(peer, net::buffer(message));
    sent += message;
    ASSERT_TRUE(runFor([&] { return end.received.size() >= sent.size(); })) << "message " << i;
  }
  EXPECT_EQ(end.received, sent);
  EXPECT_EQ(end.reads, 200);
}

TEST_P(TransportTest, ALastMessageAndTheCloseThatFollowsItAreBothSeen) {
  auto [clientChannel, serverChannel] = connectPair(url());
  End client{std::move(clientChannel)};
  End server{std::move(serverChannel)};
  ASSERT_TRUE(client.channel && server.channel);
  server.start();
  client.start();
  client.channel->send(bytes("ping"));
  ASSERT_TRUE(runFor([&] { return server.received == "ping"; }));
  // Both reach the server before its loop looks again: one wake-up reports data and close.
  client.channel->send(bytes("last words"));
  client.channel.reset();
  ASSERT_TRUE(runFor([&] { return server.closed.has_value(); }));
  EXPECT_EQ(server.received, "pinglast words");
  EXPECT_EQ(server.closed->code, ErrorCode::Disconnected) << server.closed->toString();
}

// ---- tcp ----------------------------------------------------------------------------------

TEST_F(SocketTest, ListeningOnPortZeroReportsTheRealPort) {
  auto listened = loop.listen("tcp://127.0.0.1:0", [](ChannelPtr) {});
  ASSERT_TRUE(listened.ok());
  const auto url = parseUrl((*listened)->url());
  ASSERT_TRUE(url.ok()) << (*listened)->url();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_NE(url->port, 0);
}

TEST_F(SocketTest, PeerNamesAreTcpUrlsOfTheOtherEnd) {
  auto [client, server] = connectPair("tcp://127.0.0.1:0");
  ASSERT_TRUE(client && server);
  EXPECT_EQ(client->peerName(), listener->url());
  const auto serverSide = parseUrl(server->peerName());
  ASSERT_TRUE(serverSide.ok()) << server->peerName();
  EXPECT_EQ(serverSide->host, "127.0.0.1");
  EXPECT_NE(serverSide->port, parseUrl(listener->url())->port);
}

TEST_F(SocketTest, Ipv6LoopbackWorksWhenAvailable) {
  auto listened = loop.listen("tcp://[::1]:0", [](ChannelPtr) {});
  if (!listened.ok()) GTEST_SKIP() << "no IPv6 loopback: " << listened.error().toString();
  EXPECT_EQ((*listened)->url().rfind("tcp://[::1]:", 0), 0u) << (*listened)->url();
  bool connected = false;
  loop.connect((*listened)->url(), [&](Result<ChannelPtr> r) { connected = r.ok(); });
  EXPECT_TRUE(runFor([&] { return connected; }));
}

TEST_F(SocketTest, ConnectToAClosedPortFailsWithConnectionRefused) {
  std::string url;
  {
    auto listened = loop.listen("tcp://127.0.0.1:0", [](ChannelPtr) {});
    ASSERT_TRUE(listened.ok());
    url = (*listened)->url();
  }
  std::optional<Result<ChannelPtr>> result;
  loop.connect(url, [&](Result<ChannelPtr> r) { result.emplace(std::move(r)); });
  EXPECT_FALSE(result.has_value());
  EXPECT_TRUE(runFor([&] { return result.has_value(); }));
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code, ErrorCode::ConnectionFailed);
  EXPECT_EQ(result->error().reason, "connect " + url + ": Connection refused");
}

TEST_F(SocketTest, ConnectResolvesHostNames) {
  auto [client, server] = [&] {
    ChannelPtr accepted;
    auto listened =
        loop.listen("tcp://127.0.0.1:0", [&](ChannelPtr c) { accepted = std::move(c); });
    EXPECT_TRUE(listened.ok());
    listener = std::move(*listened);
    ChannelPtr connected;
    const auto port = parseUrl(listener->url())->port;
    // localhost may resolve to ::1 first, which refuses; the next address is tried.
    loop.connect("tcp://localhost:" + std::to_string(port), [&](Result<ChannelPtr> r) {
      EXPECT_TRUE(r.ok()) << r.error().toString();
      if (r.ok()) connected = std::move(*r);
    });
    EXPECT_TRUE(runFor([&] { return connected && accepted; }));
    return std::make_pair(std::move(connected), std::move(accepted));
  }();
  EXPECT_TRUE(client && server);
}

TEST_F(SocketTest, ConnectWithABadUrlFailsLaterWithInvalidArgument) {
  std::optional<Result<ChannelPtr>> result;
  loop.connect("local://name", [&](Result<ChannelPtr> r) { result.emplace(std::move(r)); });
  EXPECT_FALSE(result.has_value()) << "never inline";
  EXPECT_TRUE(runFor([&] { return result.has_value(); }));
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(result->error().reason.find("write local:name"), std::string::npos);
}

TEST_F(SocketTest, ListeningOnABadUrlFailsWithInvalidArgument) {
  auto listened = loop.listen("tcp://127.0.0.1", [](ChannelPtr) {});
  ASSERT_FALSE(listened.ok());
  EXPECT_EQ(listened.error().code, ErrorCode::InvalidArgument);
}

TEST_F(SocketTest, ListeningTwiceOnOneTcpPortFails) {
  auto first = loop.listen("tcp://127.0.0.1:0", [](ChannelPtr) {});
  ASSERT_TRUE(first.ok());
  auto second = loop.listen((*first)->url(), [](ChannelPtr) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::ConnectionFailed);
  EXPECT_EQ(second.error().reason, "listen " + (*first)->url() + ": Address already in use");
}

TEST_F(SocketTest, WebSocketUrlsAreNotServedBySocketLoop) {
  auto listened = loop.listen("ws://127.0.0.1:0/", [](ChannelPtr) {});
  ASSERT_FALSE(listened.ok());
  EXPECT_EQ(listened.error().code, ErrorCode::NotSupported);
  std::optional<Result<ChannelPtr>> result;
  loop.connect("ws://127.0.0.1:1/", [&](Result<ChannelPtr> r) { result.emplace(std::move(r)); });
  EXPECT_TRUE(runFor([&] { return result.has_value(); }));
  EXPECT_EQ(result->error().code, ErrorCode::NotSupported);
}

// ---- local and localabstract ---------------------------------------------------------------

bool fileExists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

TEST_F(SocketTest, LocalListenerCreatesTheSocketFileAndRemovesItWhenDestroyed) {
  const std::string name = uniqueName();
  const std::string path = parseUrl("local:" + name)->path;
  auto listened = loop.listen("local:" + name, [](ChannelPtr) {});
  ASSERT_TRUE(listened.ok()) << listened.error().toString();
  EXPECT_EQ((*listened)->url(), "local:" + path);
  EXPECT_TRUE(fileExists(path));
  listened->reset();
  EXPECT_FALSE(fileExists(path));
}

TEST_F(SocketTest, LocalListenerReplacesAStaleSocketFile) {
  const std::string path = parseUrl("local:" + uniqueName())->path;
  {
    // A process that died without removing its socket: bound, then closed, file left behind.
    net::local::stream_protocol::acceptor dead(loop.context());
    dead.open(net::local::stream_protocol());
    dead.bind(net::local::stream_protocol::endpoint(path));
    dead.listen();
  }
  ASSERT_TRUE(fileExists(path));
  ChannelPtr server;
  auto listened = loop.listen("local:" + path, [&](ChannelPtr c) { server = std::move(c); });
  ASSERT_TRUE(listened.ok()) << listened.error().toString();
  ChannelPtr client;
  loop.connect("local:" + path, [&](Result<ChannelPtr> r) { client = std::move(*r); });
  EXPECT_TRUE(runFor([&] { return client && server; }));
  EXPECT_EQ(client->peerName(), "local:" + path);
  EXPECT_EQ(server->peerName(), "local:" + path);
}

TEST_F(SocketTest, LocalListenerLeavesALiveSocketAlone) {
  const std::string url = "local:" + uniqueName();
  auto first = loop.listen(url, [](ChannelPtr) {});
  ASSERT_TRUE(first.ok());
  auto second = loop.listen(url, [](ChannelPtr) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::ConnectionFailed);
  EXPECT_EQ(second.error().reason, "listen " + (*first)->url() +
                                       ": Address already in use (another process is listening "
                                       "there)");
  bool connected = false;
  loop.connect(url, [&](Result<ChannelPtr> r) { connected = r.ok(); });
  EXPECT_TRUE(runFor([&] { return connected; })) << "the first listener still works";
}

TEST_F(SocketTest, LocalListenerNeverRemovesAFileThatIsNotASocket) {
  const std::string path = parseUrl("local:" + uniqueName())->path;
  std::ofstream(path) << "precious";
  auto listened = loop.listen("local:" + path, [](ChannelPtr) {});
  ASSERT_FALSE(listened.ok());
  EXPECT_NE(listened.error().reason.find("not a socket; not removed"), std::string::npos);
  EXPECT_TRUE(fileExists(path));
  ::unlink(path.c_str());
}

TEST_F(SocketTest, ConnectToAMissingLocalSocketFails) {
  const std::string url = "local:" + parseUrl("local:" + uniqueName())->path;
  std::optional<Result<ChannelPtr>> result;
  loop.connect(url, [&](Result<ChannelPtr> r) { result.emplace(std::move(r)); });
  EXPECT_TRUE(runFor([&] { return result.has_value(); }));
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().code, ErrorCode::ConnectionFailed);
  EXPECT_EQ(result->error().reason, "connect " + url + ": No such file or directory");
}

TEST_F(SocketTest, AbstractAddressIsTheNameWithExactLength) {
  const std::string name = uniqueName();
  auto listened = loop.listen("localabstract:" + name, [](ChannelPtr) {});
  ASSERT_TRUE(listened.ok()) << listened.error().toString();
  EXPECT_EQ((*listened)->url(), "localabstract:" + name);
  // /proc/net/unix shows abstract names with '@' for each NUL: padding would show as "@name@@@".
  std::ifstream proc("/proc/net/unix");
  std::stringstream table;
  table << proc.rdbuf();
  const std::string text = table.str();
  EXPECT_NE(text.find(" @" + name + "\n"), std::string::npos) << "not found as @" << name;
  EXPECT_EQ(text.find(" @" + name + "@"), std::string::npos) << "padded with NULs";
  EXPECT_FALSE(fileExists(name));
}

TEST_F(SocketTest, AbstractNameInUseFails) {
  const std::string url = "localabstract:" + uniqueName();
  auto first = loop.listen(url, [](ChannelPtr) {});
  ASSERT_TRUE(first.ok());
  auto second = loop.listen(url, [](ChannelPtr) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().reason, "listen " + url + ": Address already in use");
}

}  // namespace
}  // namespace doppel
