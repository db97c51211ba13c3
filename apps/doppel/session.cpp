#include "session.h"

#include <algorithm>
#include <optional>

namespace doppel::cli {

ExitCode exitCodeFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::InvalidArgument:
      return ExitCode::Usage;
    case ErrorCode::ConnectionFailed:
    case ErrorCode::Timeout:
    case ErrorCode::Disconnected:
    case ErrorCode::ProtocolMismatch:
    case ErrorCode::SignatureMismatch:
      return ExitCode::Connection;
    case ErrorCode::UnknownName:
      return ExitCode::Unknown;
    case ErrorCode::Truncated:
    case ErrorCode::LimitExceeded:
    case ErrorCode::Malformed:
    case ErrorCode::UnknownType:
    case ErrorCode::WrongType:
    case ErrorCode::NotSupported:
      return ExitCode::BadValue;
  }
  return ExitCode::BadValue;
}

Session::Session(const Options& options)
    : m_options(options), m_deadline(Clock::now() + options.timeout), m_loop(makeEventLoop()) {
  NodeOptions nodeOptions;
  nodeOptions.callTimeout = options.timeout;
  // Redial quickly: a tool waits seconds, not minutes, and `watch` should see a restarted host
  // soon after it is back.
  nodeOptions.reconnectDelay = std::chrono::milliseconds(100);
  nodeOptions.reconnectMaxDelay = std::chrono::milliseconds(1000);
  m_node = std::make_unique<Node>(*m_loop, nodeOptions);
}

Session::~Session() {
  // The replica first: it unregisters from the node.
  m_replica.reset();
  m_node.reset();
}

std::chrono::milliseconds Session::remaining() const {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::chrono::milliseconds Session::slice() const {
  // Waits run in short slices so that a failure or a cancellation is noticed at once.
  return std::min(remaining(), std::chrono::milliseconds(20));
}

bool Session::isCancelled() const {
  return m_cancelled && m_cancelled();
}

std::string Session::where() const {
  return m_options.registry ? "the registry at " + m_options.url : m_options.url;
}

Result<void> Session::connect(bool retryUntilDeadline) {
  // The first failure ends a one-shot command at once ("connection refused" should not take the
  // whole timeout); the node would go on redialling.
  std::optional<Error> failure;
  const ScopedConnection onError = m_node->error.connect([&failure](const Error& e) {
    if (!failure) failure = e;
  });
  auto started = m_options.registry ? m_node->setRegistryUrl(m_options.url)
                                    : m_node->connectToNode(m_options.url);
  if (!started) {
    std::string reason = started.error().reason;
    if (reason.rfind("invalid URL", 0) != 0)
      reason = "bad URL \"" + m_options.url + "\": " + reason;
    return makeError(ErrorCode::InvalidArgument, reason);
  }
  for (;;) {
    if (m_node->waitForConnected(slice())) return {};
    if (isCancelled()) return makeError(ErrorCode::Disconnected, "interrupted");
    if ((failure && !retryUntilDeadline) || remaining().count() == 0) break;
  }
  std::string reason = failure ? failure->reason : m_node->lastError().reason;
  // "connect tcp://127.0.0.1:1: Connection refused" -> "Connection refused" when it is our URL.
  const std::string prefix = "connect " + m_options.url + ": ";
  if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
  if (failure && !retryUntilDeadline) {
    return makeError(ErrorCode::ConnectionFailed, "cannot reach " + where() + ": " + reason);
  }
  return makeError(ErrorCode::ConnectionFailed,
                   "cannot reach " + where() + " within " +
                       std::to_string(m_options.timeout.count()) + " ms" +
                       (reason.empty() ? std::string() : " (" + reason + ")"));
}

Result<void> Session::acquireChild() {
  for (const auto& o : m_node->remoteObjects()) {
    if (o.typeName == "Registry") continue;
    auto root = m_node->acquireDynamic(o.name);
    while (!root->waitForSource(slice())) {
      if (isCancelled()) return makeError(ErrorCode::Disconnected, "interrupted");
      if (remaining().count() == 0) break;
    }
    m_roots.push_back(root);
    std::vector<std::shared_ptr<Replica>> todo{root};
    while (!todo.empty()) {
      auto r = todo.back();
      todo.pop_back();
      if (r->name() == m_options.object && r->isInitialized()) {
        m_replica = r;
        m_types = TypeContext(m_replica->interface());
        return {};
      }
      for (std::size_t i = 0; i < r->interface().properties.size(); ++i)
        if (auto c = r->child(static_cast<int>(i))) todo.push_back(c);
    }
  }
  return makeError(ErrorCode::UnknownName,
                   "no child object \"" + m_options.object + "\" at " + where());
}

Result<void> Session::acquire() {
  if (m_options.object.rfind("Class::", 0) == 0 || m_options.object.rfind("Model::", 0) == 0)
    return acquireChild();
  const auto objects = m_node->remoteObjects();
  const bool known = std::any_of(objects.begin(), objects.end(), [this](const RemoteObjectInfo& o) {
    return o.name == m_options.object;
  });
  if (!known) {
    std::vector<std::string> names;
    for (const auto& o : objects) names.push_back(o.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return makeError(ErrorCode::UnknownName,
                     "no object \"" + m_options.object + "\" at " + where() +
                         (list.empty() ? " (it has no objects)" : " (objects: " + list + ")"));
  }
  m_replica = m_node->acquireDynamic(m_options.object);
  while (!m_replica->waitForSource(slice())) {
    if (isCancelled()) return makeError(ErrorCode::Disconnected, "interrupted");
    if (remaining().count() == 0) {
      return makeError(ErrorCode::Timeout, "\"" + m_options.object + "\" at " + where() +
                                               " did not initialize within " +
                                               std::to_string(m_options.timeout.count()) + " ms");
    }
  }
  m_types = TypeContext(m_replica->interface());
  return {};
}

void Session::flush() {
  // The node queues writes on the loop; a few iterations hand them to the socket. There is no
  // "all written" signal in the API (see the report), so give it a short, bounded moment.
  m_loop->runUntil([] { return false; }, Clock::now() + std::chrono::milliseconds(50));
}

}  // namespace doppel::cli
