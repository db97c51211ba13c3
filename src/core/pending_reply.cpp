#include "doppel/pending_reply.h"

#include <utility>

#include "core/replica_core.h"
#include "doppel/event_loop.h"

namespace doppel {

namespace detail {

void ReplyState::finish(Value&& v) {
  if (finished) return;
  value = std::move(v);
  complete();
}

void ReplyState::fail(Error e) {
  if (finished) return;
  error = std::move(e);
  complete();
}

void ReplyState::complete() {
  finished = true;
  if (!firstCallback) return;
  loop.post([self = shared_from_this()]() mutable {
    auto first = std::exchange(self->firstCallback, nullptr);
    auto more = std::move(self->moreCallbacks);
    const PendingReply reply(std::move(self));
    first(reply);
    for (auto& fn : more) fn(reply);
  });
}

}  // namespace detail

PendingReply PendingReply::failed(EventLoop& loop, Error error) {
  auto state = std::make_shared<detail::ReplyState>(loop);
  state->fail(std::move(error));
  return PendingReply(std::move(state));
}

bool PendingReply::isFinished() const { return m_state->finished; }
bool PendingReply::isOk() const { return m_state->finished && !m_state->error; }
const Value& PendingReply::returnValue() const { return m_state->value; }
const std::optional<Error>& PendingReply::error() const { return m_state->error; }

void PendingReply::then(std::function<void(const PendingReply&)> fn) const {
  if (!fn) return;
  if (!m_state->finished) {
    if (!m_state->firstCallback) {
      m_state->firstCallback = std::move(fn);
    } else {
      m_state->moreCallbacks.push_back(std::move(fn));
    }
    return;
  }
  auto state = m_state;
  state->loop.post([state, fn = std::move(fn)] { fn(PendingReply(state)); });
}

bool PendingReply::waitForFinished(std::chrono::milliseconds timeout) const {
  auto state = m_state;
  return state->loop.runUntil([state] { return state->finished; }, Clock::now() + timeout);
}

}  // namespace doppel
