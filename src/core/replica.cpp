#include "doppel/replica.h"

#include <algorithm>
#include <deque>

#include "core/peer_connection.h"
#include "core/replica_core.h"
#include "doppel/log.h"

namespace doppel {

namespace {
constexpr std::string_view kComponent = "replica";
}

const char* replicaStateName(ReplicaState state) {
  switch (state) {
    case ReplicaState::Uninitialized: return "Uninitialized";
    case ReplicaState::Default: return "Default";
    case ReplicaState::Valid: return "Valid";
    case ReplicaState::Suspect: return "Suspect";
    case ReplicaState::SignatureMismatch: return "SignatureMismatch";
  }
  return "?";
}

namespace detail {

namespace {
/// Enums travel as plain integers of their size (protocol §4.4); a replica gives them back their
/// enum type. A 1-byte enum with keys above 127 is unsigned: Qt sends 200 as signed char -56.
Value toEnum(const Value& raw, const EnumType& e) {
  if (!raw.isSigned() && !raw.isUnsigned()) return raw;
  std::int64_t v = raw.toInt();
  if (e.unsignedKeys && v < 0 && e.size < 8) v += std::int64_t{1} << (8 * e.size);
  return Value::enumValue(e.typeName, v, e.size);
}

/// `raw` with the enum type of `declaredType`, if that names an enum of the replica's interface.
Value asEnum(const Value& raw, ReplicaCore& core, std::string_view declaredType) {
  const EnumType* e = core.enumType(declaredType);
  return e == nullptr ? raw : toEnum(raw, *e);
}

/// Enum types are resolved through the interface: Qt names them "LabSource::Mode" in property
/// types but "Lab::Mode" in signatures (protocol §15.6). `e` is the enum `type` names, or null.
bool declaredTypeMatches(const NodeLink& link, const EnumType* e, const Value& value,
                         const std::string& type) {
  if (e != nullptr) return value.isEnum() && value.enumSize() == e->size;
  return link.valueMatches(value, type);
}

/// The builtin type `declared` is the canonical name of ("int", not "qint32"), or Invalid. For
/// these names wire::matchesType accepts exactly a value of that builtin type, whatever the
/// registry holds; the names it treats specially are not builtin names.
TypeId canonicalBuiltin(const std::string& declared) {
  const TypeId id = builtinTypeId(declared);
  if (id == TypeId::Invalid || id == TypeId::User || builtinTypeName(id) != declared)
    return TypeId::Invalid;
  return id;
}

/// Whether `value` may be passed as parameter `i` of `method`, whose type is `type`.
bool argumentMatches(const ReplicaCore& core, const ParamType& type, const Value& value,
                     const MethodDef& method, std::size_t i) {
  if (core.node.expired()) return false;  // no node, no type registry: nothing is sent anyway
  if (type.builtin != TypeId::Invalid && value.typeId() == type.builtin) return true;
  auto link = core.node.lock();
  return link && declaredTypeMatches(*link, type.enumType, value, method.params[i].type);
}

EnumType makeEnumType(const ClassInterface& iface, const EnumDef& e) {
  EnumType out;
  out.typeName = iface.typeName.empty() ? e.name : iface.typeName + "::" + e.name;
  out.size = e.size == 0 ? 4 : static_cast<int>(e.size);
  const std::int64_t signedMax = (std::int64_t{1} << (8 * out.size - 1)) - 1;
  out.unsignedKeys = std::any_of(e.keys.begin(), e.keys.end(),
                                 [&](const auto& key) { return key.second > signedMax; });
  return out;
}
}  // namespace

void ReplicaCore::interfaceChanged() {
  enumTypes.clear();
  methodTypeCache.clear();
  lastMethodName.clear();
  lastMethod = -1;
}

void ReplicaCore::makeEnumTypes() {
  if (enumTypes.size() == iface.enums.size()) return;
  methodTypeCache.clear();  // it points into enumTypes
  enumTypes.clear();
  for (const auto& def : iface.enums) enumTypes.push_back(makeEnumType(iface, def));
}

const EnumType* ReplicaCore::enumType(std::string_view declaredType) {
  const EnumDef* e = iface.findEnum(declaredType);
  if (e == nullptr) return nullptr;
  makeEnumTypes();
  return &enumTypes[static_cast<std::size_t>(e - iface.enums.data())];
}

void ReplicaCore::makeMethodTypes() {
  makeEnumTypes();  // first: making them drops methodTypeCache
  methodTypeCache.clear();
  methodTypeCache.reserve(iface.methods.size());
  for (const auto& method : iface.methods) {
    MethodTypes types;
    for (const auto& param : method.params) {
      ParamType type;
      type.enumType = enumType(param.type);
      if (type.enumType == nullptr) type.builtin = canonicalBuiltin(param.type);
      types.params.push_back(type);
    }
    types.result = enumType(method.returnType);
    types.returnsValue = method.returnsValue();
    methodTypeCache.push_back(std::move(types));
  }
}

int ReplicaCore::methodIndex(std::string_view nameOrSignature) {
  if (lastMethod >= 0 && nameOrSignature == lastMethodName) return lastMethod;
  const int index = iface.methodIndex(nameOrSignature);
  if (index >= 0) {
    lastMethodName = nameOrSignature;
    lastMethod = index;
  }
  return index;
}

ReplicaCore::~ReplicaCore() { stopTimers(); }

void ReplicaCore::setState(ReplicaState next) {
  if (next == state) return;
  // Qt's rule: states only grow, except that Suspect may go anywhere; nothing leaves a mismatch.
  if (state == ReplicaState::SignatureMismatch) return;
  if (next < state && state != ReplicaState::Suspect) return;
  const ReplicaState old = state;
  state = next;
  if (facade) facade->stateChanged.emit(next, old);
}

void ReplicaCore::applyInit(std::vector<Value> newValues) {
  auto keep = shared_from_this();
  if (newValues.size() != iface.properties.size()) {
    log(LogLevel::Error, kComponent,
        name + ": init carries " + std::to_string(newValues.size()) + " values for " +
            std::to_string(iface.properties.size()) + " properties; ignored");
    return;
  }
  const bool resync = everInitialized;
  for (std::size_t i = 0; i < newValues.size(); ++i)
    newValues[i] = asEnum(newValues[i], *this, iface.properties[i].type);
  std::vector<int> changed;
  for (std::size_t i = 0; i < newValues.size(); ++i) {
    if (!everInitialized || i >= values.size() || values[i] != newValues[i])
      changed.push_back(static_cast<int>(i));
  }
  values = std::move(newValues);
  everInitialized = true;
  pingOutstanding = false;
  setState(ReplicaState::Valid);
  restartHeartbeat();
  if (!facade) return;
  facade->initialized.emit();
  for (int i : changed) {
    if (!facade) return;
    facade->propertyChanged.emit(i, values[static_cast<std::size_t>(i)]);
  }
  if (resync && facade) facade->resynced.emit(changed);
}

void ReplicaCore::applyPropertyChange(int index, Value value) {
  if (index < 0 || static_cast<std::size_t>(index) >= values.size()) {
    log(LogLevel::Warning, kComponent,
        name + ": property change for index " + std::to_string(index) + " out of range");
    return;
  }
  auto keep = shared_from_this();
  values[static_cast<std::size_t>(index)] =
      asEnum(value, *this, iface.properties[static_cast<std::size_t>(index)].type);
  if (facade) facade->propertyChanged.emit(index, values[static_cast<std::size_t>(index)]);
}

void ReplicaCore::applySignal(int index, std::vector<Value> args, int propertyIndex) {
  if (index < 0 || static_cast<std::size_t>(index) >= iface.signalDefs.size()) {
    log(LogLevel::Warning, kComponent,
        name + ": signal index " + std::to_string(index) + " out of range");
    return;
  }
  const auto& def = iface.signalDefs[static_cast<std::size_t>(index)];
  // Qt may send stale extra arguments (protocol §15.1); a notify signal may come without its value.
  if (args.size() > def.params.size()) args.resize(def.params.size());
  if (args.size() < def.params.size() && propertyIndex >= 0 &&
      static_cast<std::size_t>(propertyIndex) < values.size() && def.params.size() == 1) {
    args.push_back(values[static_cast<std::size_t>(propertyIndex)]);
  }
  for (std::size_t i = 0; i < args.size(); ++i) args[i] = asEnum(args[i], *this, def.params[i].type);
  auto keep = shared_from_this();
  if (facade) facade->signalEmitted.emit(index, args);
}

std::deque<ReplicaCore::Pending>::iterator ReplicaCore::findPending(std::int32_t serial) {
  if (pending.empty() || pending.front().serial == serial) return pending.begin();
  const auto bySerial = [](const Pending& call, std::int32_t s) { return call.serial < s; };
  if (pending.front().serial < pending.back().serial) {  // sorted: no wrap in between
    auto it = std::lower_bound(pending.begin(), pending.end(), serial, bySerial);
    return it != pending.end() && it->serial == serial ? it : pending.end();
  }
  return std::find_if(pending.begin(), pending.end(),
                      [serial](const Pending& call) { return call.serial == serial; });
}

void ReplicaCore::applyReply(std::int32_t serial, Value&& value) {
  auto it = findPending(serial);
  if (it == pending.end()) return;  // timed out already, or not ours
  auto reply = std::move(it->reply);
  const int method = it->method;
  if (it == pending.begin()) {
    pending.pop_front();  // the usual case, and cheaper than erase()
  } else {
    pending.erase(it);
  }
  // Only integers can become enums; anything else is not copied (a model's row reply is MBs).
  if (method >= 0 && static_cast<std::size_t>(method) < iface.methods.size() &&
      (value.isSigned() || value.isUnsigned())) {
    if (const EnumType* e = methodTypes(method).result) value = toEnum(value, *e);
  }
  reply->finish(std::move(value));
}

void ReplicaCore::detach(const Error& reason) {
  auto keep = shared_from_this();
  connection = nullptr;
  stopTimers();
  auto failed = std::move(pending);
  pending.clear();
  for (auto& call : failed) call.reply->fail(reason);
  if (everInitialized) setState(ReplicaState::Suspect);
  const auto kids = children;  // callbacks may change the map
  for (const auto& [index, kid] : kids) kid->core().detach(reason);
}

bool ReplicaCore::send(const wire::Packet& packet) {
  if (!connection || !connection->isOpen()) return false;
  connection->send(packet);
  return true;
}

void ReplicaCore::sendCall(int method, std::vector<Value> args, std::int32_t serial) {
  callPacket.index = method;
  callPacket.args = std::move(args);
  callPacket.serialId = serial;
  if (connection && connection->isOpen()) connection->send(callPacket);
  // The packet lives as long as the replica, the arguments (maybe large) only as long as the call.
  callPacket.args = std::vector<Value>();
}

std::int32_t ReplicaCore::takeSerial() {
  // 0 is the heartbeat's; after INT_MAX Qt wraps to 1, and so do we.
  const std::int32_t serial = nextSerial;
  nextSerial = nextSerial == std::numeric_limits<std::int32_t>::max() ? 1 : nextSerial + 1;
  return serial;
}

void ReplicaCore::armCallTimer() {
  if (callTimer != 0 || pending.empty()) return;
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
      pending.front().deadline - loop.now());
  std::weak_ptr<ReplicaCore> weak = weak_from_this();
  callTimer = loop.startTimer(std::max(delay, std::chrono::milliseconds(0)) + std::chrono::milliseconds(1), [weak] {
    if (auto self = weak.lock()) {
      self->callTimer = 0;
      self->expireCalls();
    }
  });
}

void ReplicaCore::expireCalls() {
  const auto now = loop.now();
  std::vector<std::shared_ptr<ReplyState>> expired;
  while (!pending.empty() && pending.front().deadline <= now) {  // the earliest come first
    expired.push_back(std::move(pending.front().reply));
    pending.pop_front();
  }
  for (auto& reply : expired) {
    reply->fail(makeError(ErrorCode::Timeout, "no reply from \"" + name + "\" within " +
                                                  std::to_string(callTimeout.count()) + " ms"));
  }
  armCallTimer();
}

void ReplicaCore::restartHeartbeat() {
  if (heartbeatTimer != 0) loop.cancelTimer(std::exchange(heartbeatTimer, 0));
  if (heartbeat.count() <= 0 || !connection) return;
  std::weak_ptr<ReplicaCore> weak = weak_from_this();
  heartbeatTimer = loop.startTimer(heartbeat, [weak] {
    auto self = weak.lock();
    if (!self) return;
    self->heartbeatTimer = 0;
    if (!self->connection) return;
    if (self->pingOutstanding) {
      if (auto link = self->node.lock()) {
        link->dropConnection(self->connection,
                             makeError(ErrorCode::Timeout, "no Pong for \"" + self->name +
                                                               "\" within the heartbeat interval"));
      }
      return;
    }
    self->pingOutstanding = true;
    self->send(wire::Ping{self->name});
    self->restartHeartbeat();
  });
}

void ReplicaCore::stopTimers() {
  if (callTimer != 0) loop.cancelTimer(std::exchange(callTimer, 0));
  if (heartbeatTimer != 0) loop.cancelTimer(std::exchange(heartbeatTimer, 0));
}

}  // namespace detail

Replica::Replica(std::shared_ptr<detail::ReplicaCore> core) : m_core(std::move(core)) {
  m_core->facade = this;
}

Replica::~Replica() {
  m_core->facade = nullptr;
  if (auto link = m_core->node.lock()) link->replicaReleased(*m_core);
  m_core->detach(makeError(ErrorCode::Disconnected, "replica destroyed"));
}

const std::string& Replica::name() const { return m_core->name; }
ReplicaState Replica::state() const { return m_core->state; }
bool Replica::isInitialized() const {
  return m_core->state == ReplicaState::Valid || m_core->state == ReplicaState::Suspect;
}
const ClassInterface& Replica::interface() const { return m_core->iface; }

const Value& Replica::property(int index) const {
  static const Value kInvalid;
  if (index < 0 || static_cast<std::size_t>(index) >= m_core->values.size()) return kInvalid;
  return m_core->values[static_cast<std::size_t>(index)];
}

const Value& Replica::property(std::string_view name) const {
  return property(m_core->iface.propertyIndex(name));
}

Result<void> Replica::setProperty(std::string_view name, Value value) {
  auto& core = *m_core;
  const int index = core.iface.propertyIndex(name);
  if (index < 0) {
    return makeError(ErrorCode::UnknownName,
                     "no property \"" + std::string(name) + "\" in \"" + core.name + "\"");
  }
  const auto& prop = core.iface.properties[static_cast<std::size_t>(index)];
  if (!prop.type.empty() && prop.type.back() == '*') {
    return makeError(ErrorCode::InvalidArgument,
                     "property " + prop.name + " holds a child object; only the source sets it");
  }
  if (!core.dynamic && prop.mode != PropertyMode::ReadWrite) {
    return makeError(ErrorCode::InvalidArgument, "property " + prop.name + " is not READWRITE");
  }
  auto link = core.node.lock();
  const detail::EnumType* enumType = core.enumType(prop.type);
  if (enumType != nullptr) value = detail::toEnum(value, *enumType);
  if (!link || !detail::declaredTypeMatches(*link, enumType, value, prop.type)) {
    return makeError(ErrorCode::WrongType, "property " + prop.name + " is " + prop.type +
                                               ", not " + std::string(value.typeName()));
  }
  std::vector<Value> args;
  args.push_back(std::move(value));
  if (!core.send(wire::InvokePacket{core.name, wire::InvokeCall::WriteProperty, index,
                                    std::move(args), -1, -1})) {
    return makeError(ErrorCode::Disconnected, "\"" + core.name + "\" is not connected");
  }
  return {};
}

PendingReply Replica::call(std::string_view nameOrSignature, std::vector<Value> args) {
  auto& core = *m_core;
  const int index = core.methodIndex(nameOrSignature);
  if (index < 0) {
    return PendingReply::failed(
        core.loop, makeError(ErrorCode::UnknownName, "no slot \"" + std::string(nameOrSignature) +
                                                         "\" in \"" + core.name + "\""));
  }
  // The method's own definition is read only to report an error: `types` has the rest.
  const auto& method = core.iface.methods[static_cast<std::size_t>(index)];
  const detail::MethodTypes& types = core.methodTypes(index);
  if (args.size() != types.params.size()) {
    return PendingReply::failed(
        core.loop, makeError(ErrorCode::WrongType, method.signature() + " takes " +
                                                       std::to_string(method.params.size()) +
                                                       " arguments, got " +
                                                       std::to_string(args.size())));
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const detail::ParamType& type = types.params[i];
    if (type.enumType != nullptr) args[i] = detail::toEnum(args[i], *type.enumType);
    if (!detail::argumentMatches(core, type, args[i], method, i)) {
      return PendingReply::failed(
          core.loop, makeError(ErrorCode::WrongType,
                               "argument " + std::to_string(i + 1) + " of " + method.signature() +
                                   " must be " + method.params[i].type + ", not " +
                                   std::string(args[i].typeName())));
    }
  }
  if (!core.connection || !core.connection->isOpen()) {
    return PendingReply::failed(
        core.loop, makeError(ErrorCode::Disconnected, "\"" + core.name + "\" is not connected"));
  }
  auto state = std::make_shared<detail::ReplyState>(core.loop);
  PendingReply reply(state);
  if (!types.returnsValue) {
    // Qt answers void slots only when asked; like Qt's replicas we do not ask.
    core.sendCall(index, std::move(args), -1);
    state->finish(Value());
    return reply;
  }
  if (core.pending.size() >= core.maxPendingCalls) {
    state->fail(makeError(ErrorCode::LimitExceeded,
                          std::to_string(core.pending.size()) + " calls to \"" + core.name +
                              "\" are already waiting for replies"));
    return reply;
  }
  const std::int32_t serial = core.takeSerial();
  core.pending.push_back({serial, std::move(state), core.loop.now() + core.callTimeout, index});
  core.sendCall(index, std::move(args), serial);
  core.armCallTimer();
  return reply;
}

std::shared_ptr<Replica> Replica::child(int propertyIndex) const {
  auto it = m_core->children.find(propertyIndex);
  return it == m_core->children.end() ? nullptr : it->second;
}

std::shared_ptr<Replica> Replica::child(std::string_view propertyName) const {
  return child(m_core->iface.propertyIndex(propertyName));
}

bool Replica::waitForSource(std::chrono::milliseconds timeout) {
  auto core = m_core;
  return core->loop.runUntil([core] { return core->state == ReplicaState::Valid; },
                             Clock::now() + timeout);
}

}  // namespace doppel
