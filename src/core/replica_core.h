// The state behind a Replica and a PendingReply, shared between the public facades and the Node
// that feeds them (internal).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "doppel/event_loop.h"
#include "doppel/interface.h"
#include "doppel/pending_reply.h"
#include "doppel/replica.h"
#include "doppel/value.h"
#include "wire/packets.h"

namespace doppel::detail {

class PeerConnection;

struct ReplyState : std::enable_shared_from_this<ReplyState> {
  explicit ReplyState(EventLoop& l) : loop(l) {}

  /// By rvalue reference: a reply's value is moved once, from the packet into the state, not
  /// once more for every function it passes on the way.
  void finish(Value&& v);
  void fail(Error e);

  EventLoop& loop;
  bool finished = false;
  Value value;
  std::optional<Error> error;
  /// then() callbacks in order. The first has a field of its own: most replies get exactly
  /// one, and a vector would allocate for it.
  std::function<void(const PendingReply&)> firstCallback;
  std::vector<std::function<void(const PendingReply&)>> moreCallbacks;

private:
  void complete();
};

/// An enum of a replica's interface, with what giving an integer its enum type needs. Worked
/// out once per interface: finding an enum by name and scanning its keys for every value would
/// cost more than the rest of a call.
struct EnumType {
  std::string typeName;       ///< "Lab::Mode"
  int size = 4;               ///< bytes on the wire
  bool unsignedKeys = false;  ///< a key exceeds the signed maximum of `size` bytes
};

/// A method parameter's declared type, as checking an argument needs it.
struct ParamType {
  const EnumType* enumType = nullptr;  ///< the enum it names, or null
  /// The builtin type it names by its canonical name ("int", "QString"), else Invalid. A value
  /// of exactly that builtin type passes without asking the type registry.
  TypeId builtin = TypeId::Invalid;
};

/// What a call of one method needs to know of it, worked out once per interface.
struct MethodTypes {
  std::vector<ParamType> params;  ///< one per parameter
  const EnumType* result = nullptr;  ///< the enum the result is, or null
  bool returnsValue = false;         ///< MethodDef::returnsValue()
};

/// What a replica needs from its node (implemented by Node::Impl).
struct NodeLink {
  virtual ~NodeLink() = default;
  /// The public replica is gone: stop listening to the source.
  virtual void replicaReleased(ReplicaCore& replica) = 0;
  /// A heartbeat went unanswered: drop the connection so that it is redialled.
  virtual void dropConnection(PeerConnection* connection, Error reason) = 0;
  /// Checks a value against a declared type with the node's type registry.
  virtual bool valueMatches(const Value& value, const std::string& type) const = 0;
};

struct ReplicaCore : std::enable_shared_from_this<ReplicaCore> {
  ReplicaCore(EventLoop& l, std::string n, bool isDynamic) : loop(l), name(std::move(n)), dynamic(isDynamic) {
    callPacket.name = name;
  }
  ~ReplicaCore();

  struct Pending {
    std::int32_t serial = 0;
    std::shared_ptr<ReplyState> reply;
    Clock::time_point deadline;
    int method = -1;  ///< to type the reply
  };

  EventLoop& loop;
  std::string name;
  bool dynamic;
  Replica* facade = nullptr;      ///< null once the public object is gone
  std::weak_ptr<NodeLink> node;   ///< the node that feeds this replica
  PeerConnection* connection = nullptr;  ///< set while attached to a host
  ClassInterface iface;           ///< local for typed replicas, from the wire for dynamic ones;
                                  ///< call interfaceChanged() after changing it
  std::vector<Value> values;
  ReplicaState state = ReplicaState::Uninitialized;
  bool everInitialized = false;

  std::int32_t nextSerial = 1;
  /// Calls waiting for a reply, in the order they were made. Deadlines only grow along it
  /// (callTimeout is fixed), and so do serials except where they wrap after INT_MAX. Hosts
  /// answer in order, so the reply is nearly always the front one: no tree node per call.
  std::deque<Pending> pending;
  EventLoop::TimerId callTimer = 0;
  std::chrono::milliseconds callTimeout{30000};
  std::size_t maxPendingCalls = 65536;

  std::chrono::milliseconds heartbeat{0};
  EventLoop::TimerId heartbeatTimer = 0;
  bool pingOutstanding = false;

  // Worked out from `iface` when first needed (EnumType), dropped by interfaceChanged().
  void makeEnumTypes();
  std::vector<EnumType> enumTypes;             ///< parallel to iface.enums
  std::vector<MethodTypes> methodTypeCache;    ///< parallel to iface.methods
  /// The last name or signature call() looked up, and its index: an application calls the
  /// same few slots again and again, and one string compare is cheaper than searching them.
  std::string lastMethodName;
  int lastMethod = -1;
  /// The InvokePacket sendCall() sends, kept between calls so that a call does not copy the
  /// object name into a new packet; its arguments are dropped once it is sent.
  wire::InvokePacket callPacket;

  /// Child objects (protocol §11.1, child_replicas.h): a child replica is fed by its parent's
  /// QRO_ values and shares its connection; it never sends AddObject or RemoveObject.
  bool isChild = false;
  std::map<int, std::shared_ptr<Replica>> children;  ///< property index -> child replica

  /// Forgets what enumType() and methodTypes() worked out from the previous `iface`.
  void interfaceChanged();
  /// The enum `declaredType` names in `iface` ("Mode", "Lab::Mode"), or null.
  const EnumType* enumType(std::string_view declaredType);
  /// What a call of method `index` (a valid index into iface.methods) needs. Inline: every
  /// call and every reply asks, and the cache is nearly always there.
  const MethodTypes& methodTypes(int index) {
    if (methodTypeCache.size() != iface.methods.size()) makeMethodTypes();
    return methodTypeCache[static_cast<std::size_t>(index)];
  }
  void makeMethodTypes();
  /// iface.methodIndex(nameOrSignature), remembering the last answer.
  int methodIndex(std::string_view nameOrSignature);

  void setState(ReplicaState next);
  /// Init or InitDynamic arrived: take the values, become Valid, report what moved.
  void applyInit(std::vector<Value> newValues);
  void applyPropertyChange(int index, Value value);
  void applySignal(int index, std::vector<Value> args, int propertyIndex);
  void applyReply(std::int32_t serial, Value&& value);
  /// The waiting call with `serial`, or pending.end().
  std::deque<Pending>::iterator findPending(std::int32_t serial);
  /// The connection went away or the host removed the object.
  void detach(const Error& reason);

  /// Sends a packet on the attached connection; false when not attached.
  bool send(const wire::Packet& packet);
  /// Sends an InvokeMetaMethod of `method` (serial -1: no reply wanted) if attached.
  void sendCall(int method, std::vector<Value> args, std::int32_t serial);
  std::int32_t takeSerial();
  void armCallTimer();
  void expireCalls();
  void restartHeartbeat();
  void stopTimers();
};

}  // namespace doppel::detail
