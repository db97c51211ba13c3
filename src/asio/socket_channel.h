// SocketChannel: a Channel over a connected TCP or Unix stream socket.
//
// Implemented features:
//  - reading: one async_read_some into a 512-byte buffer of the channel's own. Asio tries the
//    read at once and otherwise leaves the socket registered, edge-triggered (async_wait would
//    cost an epoll_ctl per message). When a read fills the small buffer, non-blocking read_some
//    calls continue into a 64 KiB buffer that all channels on a thread share, until a short
//    read; at most 16 of those per wake-up, so one busy peer cannot starve the others. So an
//    idle connection holds 512 bytes of read buffer. Bytes arrive in order, one onData call per
//    read. The socket is read again only after onData has returned and the turn has ended (see
//    writing): a blocking wait inside onData cannot receive on that same channel.
//  - writing: sends made while doppel code runs on the loop (onData, onClosed, a timer, a
//    posted function: a LoopTurn, loop_turn.h) are queued, and when the turn ends the queue is
//    written with one non-blocking write_some, which usually takes all of it: no completion
//    handler, no extra wake-up. Small frames are copied into one contiguous block, so a burst
//    of small frames costs one syscall, not one each. A turn that queues many frames for one
//    channel writes the first 8 at once, then 16, 32, ... more, so the peer starts on them
//    while the turn goes on, unless those writes have been costing this thread its CPU
//    (early_writes.h). Only what the socket did not take goes to an async_write; while it is
//    outstanding (one at most) new sends queue behind it and go out together when it completes.
//    A send made outside any doppel callback is written at once, inside send(); sends after it
//    are batched until the loop has turned.
//    The queue is bounded by Limits::maxQueuedBytes: over it the channel closes with
//    ErrorCode::LimitExceeded. queuedBytes() counts the bytes queued and the batch being
//    written, all of it, until that write has completed (for a send written at once, until the
//    loop has turned, as it counted until its completion handler ran before).
//  - closing: onClosed runs exactly once, posted, with the reason given to close(), or
//    Disconnected ("peer closed the connection") on EOF, or ConnectionFailed with the system's
//    message. Data still queued when close() is called is dropped. A write error found inside
//    send() or at the end of a turn is reported the same way: onClosed never runs inside
//    send() or close().
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
