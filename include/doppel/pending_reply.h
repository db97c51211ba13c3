// PendingReply: the result of a slot call on a replica, arriving later (QRemoteObjectPendingCall).
// It finishes exactly once: with the reply value, or with an error (Timeout when the node's call
// timeout passes, Disconnected when the connection drops first, LimitExceeded when too many calls
// are outstanding). Qt has no error reply; doppel adds the timeout and the disconnect failure.
//
// Thread safety: a PendingReply is used on its node's loop thread. Copies share one state.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "doppel/result.h"
#include "doppel/value.h"

namespace doppel {

class EventLoop;

namespace detail {
struct ReplyState;
}

class PendingReply {
public:
  /// An already failed reply (for calls that could not be sent).
  static PendingReply failed(EventLoop& loop, Error error);

  bool isFinished() const;
  /// Finished with a value (possibly the invalid Value of a void slot).
  bool isOk() const;
  /// The reply value; the invalid Value until finished or on error.
  const Value& returnValue() const;
  /// The error, if the call failed.
  const std::optional<Error>& error() const;

  /// Calls `fn` once when finished, on the loop thread and never inline (also when already
  /// finished).
  void then(std::function<void(const PendingReply&)> fn) const;

  /// Runs the loop until finished or `timeout`; returns isFinished(). Must not be called on a
  /// loop that another thread is running.
  bool waitForFinished(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) const;

  explicit PendingReply(std::shared_ptr<detail::ReplyState> state) : m_state(std::move(state)) {}

private:
  std::shared_ptr<detail::ReplyState> m_state;
};

}  // namespace doppel
