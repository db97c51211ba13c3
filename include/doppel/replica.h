// Replica: the live copy of a remote Source held by a Node (QRemoteObjectDynamicReplica). Its
// interface is read from the wire; properties are cached and kept current by the host's pushes.
//
// States (ReplicaState) change only in Qt's order: Uninitialized -> Valid on the first init,
// Valid -> Suspect when the connection or the source goes away, Suspect -> Valid when it is
// back and the values are synced again; then `resynced` names the properties that moved while
// the replica was away.
//
// Ownership: shared by the application (acquire* returns a shared_ptr); the Node may be
// destroyed first, the replica then stays Suspect. Thread safety: the node's loop thread only.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/interface.h"
#include "doppel/pending_reply.h"
#include "doppel/result.h"
#include "doppel/signal.h"
#include "doppel/value.h"

namespace doppel {

enum class ReplicaState { Uninitialized = 0, Default = 1, Valid = 2, Suspect = 3, SignatureMismatch = 4 };

const char* replicaStateName(ReplicaState state);

namespace detail {
struct ReplicaCore;
}

class Replica : public std::enable_shared_from_this<Replica> {
public:
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  const std::string& name() const;
  ReplicaState state() const;
  /// Valid or Suspect: the interface and values have arrived at least once.
  bool isInitialized() const;
  /// The source's interface; empty until initialized.
  const ClassInterface& interface() const;

  const Value& property(int index) const;
  /// The cached value, or the invalid Value for an unknown name.
  const Value& property(std::string_view name) const;

  /// Asks the source to change a property (WriteProperty). The cached value changes only when
  /// the source confirms with a change notification. Fails at once for an unknown name, a value
  /// of the wrong type, or when not connected.
  Result<void> setProperty(std::string_view name, Value value);

  /// Calls a slot by name or signature. Slots that return void finish at once (Qt sends no
  /// reply for them); others finish with the reply, a timeout or a disconnect.
  PendingReply call(std::string_view nameOrSignature, std::vector<Value> args = {});

  /// Runs the loop until the replica is Valid or `timeout` passes; returns whether it is Valid.
  bool waitForSource(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

  /// The replica of the child object in a CLASS or MODEL property (protocol §11.1), or null
  /// while the source's pointer is null. Children are created, initialized and replaced by
  /// their parent (never acquired by name); they share its connection and state changes, and
  /// their property changes, signals and calls work as on any replica. The parent's property
  /// itself holds the child's object name ("Class::Lab::child"), or the invalid Value for null.
  std::shared_ptr<Replica> child(int propertyIndex) const;
  std::shared_ptr<Replica> child(std::string_view propertyName) const;

  Signal<ReplicaState, ReplicaState> stateChanged;  ///< (new, old)
  Signal<> initialized;                             ///< on every entry into Valid
  Signal<int, const Value&> propertyChanged;        ///< (property index, new value)
  Signal<int, const std::vector<Value>&> signalEmitted;  ///< (signal index, arguments)
  /// After a reconnect and resync: the properties whose values differ from before.
  Signal<const std::vector<int>&> resynced;
  /// A child replica appeared, was replaced by another object, or went (property index); a
  /// child re-initialized in place (same name and type) reports through its own signals.
  Signal<int> childChanged;

  explicit Replica(std::shared_ptr<detail::ReplicaCore> core);
  detail::ReplicaCore& core() { return *m_core; }

private:
  std::shared_ptr<detail::ReplicaCore> m_core;
};

}  // namespace doppel
