// WebSocketChannel: a Channel over an open WebSocket (server or client side, plain or TLS),
// carrying the QtRO byte stream as Qt's WebSocket example does (protocol §2.1).
//
// Implemented features:
//  - reading: one async_read of a whole message at a time; each binary message is one onData
//    call, inside a LoopTurn (asio/loop_turn.h), so what the Host or Node sends in reply goes out
//    when the turn ends. Message boundaries mean nothing: a frame may span messages and a
//    message may hold several frames (the FrameSplitter above reassembles). A text message is a
//    protocol violation: the channel closes with 1003.
//  - writing: sends made during a turn are joined into ONE binary message written when the
//    turn ends (Qt writes one message per QIODevice::write; both are the same byte stream). At
//    most one async_write is outstanding; sends made meanwhile go out together after it. The
//    queue is bounded by Limits::maxQueuedBytes (over it: LimitExceeded, close code 1009).
//  - closing: onClosed runs once, posted, with the reason given to close(), or Disconnected when
//    the peer closed (its close code and reason in the text), LimitExceeded for a message over
//    the maximum (Beast answers 1009), Timeout when a ping went unanswered. A close of ours
//    sends a WebSocket close frame whose code follows the error (1002 malformed input, 1008
//    policy, 1009 too big, 1011 internal) and reason; Beast's timeouts bound the closing
//    handshake. Each close that is not a plain goodbye is logged once with the peer and reason.
//
// Lifetime: like SocketChannel, the handle may be destroyed at any time, including inside its
// own handlers; pending operations keep the implementation alive. `keepAlive` (the server's
// connection slot) is released when the implementation goes.
#pragma once

#include <memory>
#include <string>

#include "doppel/channel.h"
#include "doppel/limits.h"

#include "web/beast.h"

namespace doppel::web {

using TcpStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// `ws` has completed its handshake; its timeouts and limits are already set.
template <typename NextLayer>
ChannelPtr makeWebSocketChannel(std::unique_ptr<websocket::stream<NextLayer>> ws,
                                std::string peerName,
                                const Limits& limits,
                                std::shared_ptr<void> keepAlive);

extern template ChannelPtr makeWebSocketChannel<TcpStream>(
    std::unique_ptr<websocket::stream<TcpStream>>, std::string, const Limits&, std::shared_ptr<void>);
extern template ChannelPtr makeWebSocketChannel<TlsStream>(
    std::unique_ptr<websocket::stream<TlsStream>>, std::string, const Limits&, std::shared_ptr<void>);

/// The close code a channel sends when it closes with `code`.
websocket::close_code closeCodeFor(ErrorCode code);

}  // namespace doppel::web
