// A Session is what every command starts with: an event loop, a Node connected to the URL (or to
// the registry at the URL), and, for commands about one object, its dynamic replica. All waits
// share one deadline, set by --timeout.
//
// Errors are returned as doppel::Error whose code decides the exit code (exitCodeFor) and whose
// reason is the one line the tool prints.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "doppel/doppel.h"

#include "options.h"
#include "value_json.h"

namespace doppel::cli {

/// ConnectionFailed, Timeout, Disconnected -> 2; UnknownName -> 3; InvalidArgument -> 1; the
/// value errors (WrongType, UnknownType, Malformed, ...) -> 4.
ExitCode exitCodeFor(const Error& error);

class Session {
public:
  explicit Session(const Options& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Connects and waits for the host's (or registry's) object list. The first connection error
  /// fails at once, unless `retryUntilDeadline` (then the node redials until the deadline).
  Result<void> connect(bool retryUntilDeadline = false);
  /// Acquires `options.object` and waits until it is Valid. Unknown names fail with UnknownName
  /// and the list of the names there are.
  Result<void> acquire();

  /// Makes connect() and acquire() give up (with ErrorCode::Disconnected) as soon as
  /// `cancelled` returns true; watch uses it for SIGINT during the first connection.
  void setCancelled(std::function<bool()> cancelled) { m_cancelled = std::move(cancelled); }

  EventLoop& loop() { return *m_loop; }
  Node& node() { return *m_node; }
  Replica& replica() { return *m_replica; }
  const TypeContext& types() const { return m_types; }
  const Options& options() const { return m_options; }

  /// Time left until the command's deadline (zero once it has passed).
  std::chrono::milliseconds remaining() const;
  Clock::time_point deadline() const { return m_deadline; }
  /// "tcp://127.0.0.1:9999" or "the registry at tcp://..." for messages.
  std::string where() const;
  /// Runs the loop a moment so that bytes already queued (a void call) reach the socket.
  void flush();

private:
  std::chrono::milliseconds slice() const;
  bool isCancelled() const;
  /// A child object ("Class::Lab::child"): found by acquiring the roots and walking their
  /// children, which are never listed nor acquired by name (protocol §6.1).
  Result<void> acquireChild();

  Options m_options;
  Clock::time_point m_deadline;
  std::unique_ptr<EventLoop> m_loop;
  std::unique_ptr<Node> m_node;
  std::shared_ptr<Replica> m_replica;
  std::vector<std::shared_ptr<Replica>> m_roots;  ///< keep a child's parents alive
  TypeContext m_types;
  std::function<bool()> m_cancelled;
};

}  // namespace doppel::cli
