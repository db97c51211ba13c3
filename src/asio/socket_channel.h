// SocketChannel: a Channel over a connected TCP or Unix stream socket.
//
// Implemented features:
//  - reading: waits for readability, then reads with non-blocking read_some into a 64 KiB buffer
//    that all channels on a thread share (an idle connection holds no read buffer), until the
//    socket is drained; at most 16 reads per turn, so one busy peer cannot starve the others.
//  - writing: one write outstanding at a time; whatever was queued meanwhile goes out together
//    in one gathered write, with small frames copied into one contiguous block (a burst of small
//    frames costs one syscall, not one each). The queue is bounded by Limits::maxQueuedBytes:
//    over it the channel closes with ErrorCode::LimitExceeded.
//  - closing: onClosed runs exactly once, posted, with the reason given to close(), or
//    Disconnected ("peer closed the connection") on EOF, or ConnectionFailed with the system's
//    message. Data still queued when close() is called is dropped.
//
// Lifetime: the Channel returned is a handle on a shared implementation that pending operations
// keep alive, so the handle may be destroyed at any time, including inside its own onData or
// onClosed; after that no handler is called. Handles must be destroyed before the io_context.
//
// Thread safety: like every Channel, only on the thread that runs the socket's io_context.
#pragma once

#include <string>

#include "doppel/channel.h"
#include "doppel/limits.h"

#include "asio/asio.h"

namespace doppel {

/// A connected TCP socket; sets TCP_NODELAY. peerName() is "tcp://ADDRESS:PORT".
ChannelPtr makeSocketChannel(net::ip::tcp::socket socket, const Limits& limits);

/// A connected Unix stream socket; `peerName` is what peerName() reports ("local:/tmp/name").
ChannelPtr makeSocketChannel(net::local::stream_protocol::socket socket,
                             std::string peerName,
                             const Limits& limits);

/// "tcp://127.0.0.1:80", "tcp://[::1]:80".
std::string tcpUrl(const net::ip::tcp::endpoint& endpoint);

}  // namespace doppel
