#include "doppel/node.h"

#include <algorithm>
#include <map>

#include "core/child_replicas.h"
#include "core/node_internals.h"
#include "core/peer_connection.h"
#include "core/registry.h"
#include "core/replica_core.h"
#include "core/url.h"
#include "doppel/log.h"
#include "wire/value_codec.h"

namespace doppel {

namespace {
constexpr std::string_view kComponent = "node";
}

struct Node::Impl : detail::NodeLink, std::enable_shared_from_this<Node::Impl> {
  struct Endpoint {
    std::string url;
    detail::PeerConnection* connection = nullptr;
    EventLoop::TimerId retryTimer = 0;
    std::chrono::milliseconds delay{0};
    bool connecting = false;
    bool gotObjectList = false;  ///< at least once: waitForConnected is satisfied
    bool requested = false;      ///< given to connectToNode (not found through the registry)
  };
  struct Conn {
    std::shared_ptr<detail::PeerConnection> peer;
    Endpoint* endpoint = nullptr;  ///< null for connections the application added
    bool greeted = false;          ///< a valid Handshake arrived
    std::map<std::string, wire::ObjectInfo> objects;
    std::map<std::string, ClassInterface> childClasses;  ///< child classes described here
  };

  Impl(EventLoop& l, NodeOptions o) : loop(l), options(std::move(o)) {}

  ~Impl() override {
    for (auto& e : endpoints)
      if (e->retryTimer != 0) loop.cancelTimer(e->retryTimer);
  }

  EventLoop& loop;
  NodeOptions options;
  wire::TypeRegistry types;
  std::vector<std::unique_ptr<Endpoint>> endpoints;
  std::map<detail::PeerConnection*, Conn> conns;
  std::map<std::string, std::weak_ptr<detail::ReplicaCore>> replicas;
  /// The replica the last packet was for, as `replicas` named it then: reset wherever
  /// `replicas` changes, so that it never answers differently from a search.
  std::weak_ptr<detail::ReplicaCore> lastTarget;
  std::map<std::string, RemoteObjectInfo> directory;
  std::map<std::string, ClassInterface> childInterfaces;  ///< registerChildInterface
  Error lastError{ErrorCode::Disconnected, 0, "not connected"};
  Node* facade = nullptr;

  std::string registryUrl;
  std::shared_ptr<Replica> registry;
  std::vector<ScopedConnection> registryConnections;

  // NodeLink ---------------------------------------------------------------------------------

  void replicaReleased(detail::ReplicaCore& replica) override {
    auto it = replicas.find(replica.name);
    if (it != replicas.end() && it->second.lock().get() == &replica) {
      replicas.erase(it);
      lastTarget.reset();
    }
    if (replica.isChild) return;  // children are never added or removed by name (§6.1)
    if (replica.connection && replica.connection->isOpen())
      replica.connection->send(wire::RemoveObject{replica.name});
  }

  void dropConnection(detail::PeerConnection* connection, Error reason) override {
    reportError(reason);
    if (conns.count(connection)) connection->close(std::move(reason));
  }

  bool valueMatches(const Value& value, const std::string& type) const override {
    return wire::matchesType(value, type, types);
  }

  void reportError(const Error& e) {
    lastError = e;
    if (facade) facade->error.emit(e);
  }

  // Connecting ------------------------------------------------------------------------------

  Endpoint& endpointFor(const std::string& url) {
    for (auto& e : endpoints)
      if (e->url == url) return *e;
    endpoints.push_back(std::make_unique<Endpoint>());
    endpoints.back()->url = url;
    endpoints.back()->delay = options.reconnectDelay;
    return *endpoints.back();
  }

  void dial(Endpoint& endpoint) {
    if (endpoint.connecting || endpoint.connection) return;
    endpoint.connecting = true;
    std::weak_ptr<Impl> weak = weak_from_this();
    Endpoint* target = &endpoint;
    loop.connect(endpoint.url, [weak, target](Result<ChannelPtr> channel) {
      auto self = weak.lock();
      if (!self) return;
      target->connecting = false;
      if (!channel) {
        log(LogLevel::Debug, kComponent, channel.error().toString());
        self->reportError(channel.error());
        self->scheduleRedial(*target);
        return;
      }
      self->addConnection(std::move(*channel), target);
    });
  }

  void scheduleRedial(Endpoint& endpoint) {
    if (endpoint.retryTimer != 0) return;
    std::weak_ptr<Impl> weak = weak_from_this();
    Endpoint* target = &endpoint;
    endpoint.retryTimer = loop.startTimer(endpoint.delay, [weak, target] {
      if (auto self = weak.lock()) {
        target->retryTimer = 0;
        self->dial(*target);
      }
    });
    endpoint.delay = std::min(endpoint.delay * 2, options.reconnectMaxDelay);
  }

  void addConnection(ChannelPtr channel, Endpoint* endpoint) {
    auto peer = std::make_shared<detail::PeerConnection>(std::move(channel), types, options.limits,
                                                         std::string(kComponent));
    auto* key = peer.get();
    conns[key] = Conn{peer, endpoint, false, {}, {}};
    if (endpoint) endpoint->connection = key;
    std::weak_ptr<Impl> weak = weak_from_this();
    peer->start({[weak, key](wire::Packet&& packet) {
                   if (auto self = weak.lock()) self->onPacket(key, std::move(packet));
                 },
                 [weak, key](const Error& reason) {
                   if (auto self = weak.lock()) self->onClosed(key, reason);
                 }});
    // A peer that accepts but never greets would hold the replicas Uninitialized forever.
    std::weak_ptr<detail::PeerConnection> weakPeer = peer;
    loop.startTimer(options.limits.handshakeTimeout, [weak, weakPeer, key] {
      auto self = weak.lock();
      auto p = weakPeer.lock();
      if (!self || !p) return;
      auto it = self->conns.find(key);
      if (it == self->conns.end() || it->second.greeted) return;
      self->dropConnection(key, makeError(ErrorCode::Timeout,
                                          key->peerName() + " sent no handshake within " +
                                              std::to_string(self->options.limits.handshakeTimeout.count()) +
                                              " ms"));
    });
  }

  void onClosed(detail::PeerConnection* key, const Error& reason) {
    auto it = conns.find(key);
    if (it == conns.end()) return;
    auto keep = shared_from_this();
    Conn conn = std::move(it->second);
    conns.erase(it);
    loop.post([peer = conn.peer] {});  // destroyed after the channel's callback returns
    log(LogLevel::Info, kComponent, key->peerName() + " lost: " + reason.toString());
    // Detaching runs application callbacks, which may acquire or drop replicas: collect first.
    std::vector<std::shared_ptr<detail::ReplicaCore>> lost;
    for (auto& [name, weak] : replicas) {
      auto core = weak.lock();
      if (core && core->connection == key) lost.push_back(std::move(core));
    }
    for (auto& core : lost) core->detach(reason);
    // The directory keeps the lost host's entries: it is redialled at the same URL.
    if (conn.endpoint) {
      conn.endpoint->connection = nullptr;
      scheduleRedial(*conn.endpoint);
    }
  }

  // Packets from hosts -----------------------------------------------------------------------

  /// Called only through the handler addConnection() gives the connection, which holds a
  /// reference to this Impl while it runs: callbacks may drop the Node meanwhile.
  void onPacket(detail::PeerConnection* key, wire::Packet&& packet) {
    auto it = conns.find(key);
    if (it == conns.end()) return;
    Conn& conn = it->second;
    if (!conn.greeted) {
      const auto* hello = std::get_if<wire::Handshake>(&packet);
      if (!hello || hello->version != wire::kProtocolVersion) {
        const Error e = makeError(
            ErrorCode::ProtocolMismatch,
            key->peerName() + " does not speak " + std::string(wire::kProtocolVersion) +
                (hello ? " (it offered \"" + hello->version + "\")" : " (no handshake)"));
        log(LogLevel::Error, kComponent, e.reason);
        reportError(e);
        key->close(e);
        return;
      }
      conn.greeted = true;
      if (conn.endpoint) conn.endpoint->delay = options.reconnectDelay;
      return;
    }
    std::visit(
        [&](auto&& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<T, wire::ObjectList>) {
            onObjectList(conn, p);
          } else if constexpr (std::is_same_v<T, wire::InitDynamicPacket>) {
            if (auto core = attachedReplica(key, p.name)) {
              core->iface = std::move(p.definition);
              core->iface.typeName = conn.objects.count(p.name)
                                         ? conn.objects[p.name].typeName.data
                                         : core->iface.typeName;
              core->interfaceChanged();
              std::vector<int> changed;
              if (!openChildren(key, conn, *core, p.values, changed)) return;
              core->applyInit(std::move(p.values));
              announceChildren(*core, changed);
            }
          } else if constexpr (std::is_same_v<T, wire::InitPacket>) {
            if (auto core = attachedReplica(key, p.name)) {
              std::vector<int> changed;
              if (!openChildren(key, conn, *core, p.values, changed)) return;
              core->applyInit(std::move(p.values));
              announceChildren(*core, changed);
            }
          } else if constexpr (std::is_same_v<T, wire::PropertyChangePacket>) {
            if (auto core = attachedReplica(key, p.name)) {
              std::vector<int> changed;
              detail::ChildContext context = childContext(conn);
              auto opened = detail::openChild(context, *core, p.propertyIndex, p.value, changed);
              if (!childrenOpened(key, *core, opened)) return;
              core->applyPropertyChange(p.propertyIndex, std::move(p.value));
              announceChildren(*core, changed);
            }
          } else if constexpr (std::is_same_v<T, wire::InvokePacket>) {
            if (auto core = attachedReplica(key, p.name))
              core->applySignal(p.index, std::move(p.args), p.propertyIndex);
          } else if constexpr (std::is_same_v<T, wire::InvokeReplyPacket>) {
            if (auto core = attachedReplica(key, p.name))
              core->applyReply(p.serialId, std::move(p.value));
          } else if constexpr (std::is_same_v<T, wire::RemoveObject>) {
            conn.objects.erase(p.name);
            if (auto core = attachedReplica(key, p.name))
              core->detach(makeError(ErrorCode::Disconnected,
                                     "the host removed \"" + p.name + "\""));
          } else if constexpr (std::is_same_v<T, wire::Pong>) {
            if (auto core = attachedReplica(key, p.name)) {
              core->pingOutstanding = false;
              core->restartHeartbeat();
            }
          } else if constexpr (std::is_same_v<T, wire::Handshake>) {
            // A second handshake is harmless.
          } else {
            log(LogLevel::Warning, kComponent,
                key->peerName() + ": ignored " + wire::packetTypeName(wire::packetType(packet)) +
                    ", which only a client sends");
          }
        },
        packet);
  }

  // Child objects (child_replicas.h) --------------------------------------------------------

  detail::ChildContext childContext(Conn& conn) {
    std::weak_ptr<Impl> weak = weak_from_this();
    return {types, options.limits, conn.childClasses, childInterfaces,
            [weak](const std::shared_ptr<detail::ReplicaCore>& core) {
              if (auto self = weak.lock()) {
                self->replicas[core->name] = core;
                self->lastTarget.reset();
              }
            }};
  }

  bool openChildren(detail::PeerConnection* key, Conn& conn, detail::ReplicaCore& core,
                    std::vector<Value>& values, std::vector<int>& changed) {
    detail::ChildContext context = childContext(conn);
    return childrenOpened(key, core, detail::openChildren(context, core, values, changed));
  }

  /// A malformed QRO_ costs its connection, like any malformed frame.
  bool childrenOpened(detail::PeerConnection* key, const detail::ReplicaCore& core,
                      const Result<void>& opened) {
    if (opened) return true;
    Error e = opened.error();
    e.reason = "\"" + core.name + "\": bad child object: " + e.reason;
    log(LogLevel::Error, kComponent, key->peerName() + ": " + e.reason);
    dropConnection(key, std::move(e));
    return false;
  }

  void announceChildren(detail::ReplicaCore& core, const std::vector<int>& changed) {
    for (int i : changed)
      if (core.facade) core.facade->childChanged.emit(i);
  }

  std::shared_ptr<detail::ReplicaCore> attachedReplica(detail::PeerConnection* key,
                                                       const std::string& name) {
    // Packets come in runs for one object (a call's replies, a stream of changes), and one
    // name compare is cheaper than a search of `replicas`.
    if (auto last = lastTarget.lock(); last && last->connection == key && last->name == name)
      return last;
    auto it = replicas.find(name);
    if (it == replicas.end()) return nullptr;
    auto core = it->second.lock();
    if (!core || core->connection != key) return nullptr;
    lastTarget = core;
    return core;
  }

  void onObjectList(Conn& conn, const wire::ObjectList& list) {
    const std::string url = conn.endpoint ? conn.endpoint->url : conn.peer->peerName();
    for (const auto& object : list.objects) {
      conn.objects[object.name] = object;
      RemoteObjectInfo info{object.name, object.typeName.data, object.signature.data, url};
      const bool isNew = !directory.count(object.name);
      directory[object.name] = info;
      if (isNew && facade) facade->remoteObjectAdded.emit(info);
    }
    if (conn.endpoint) conn.endpoint->gotObjectList = true;
    for (const auto& object : list.objects) {
      auto it = replicas.find(object.name);
      if (it == replicas.end()) continue;
      if (auto core = it->second.lock()) attach(*core, conn);
    }
  }

  // Replicas ---------------------------------------------------------------------------------

  /// Finds a connected host with the object and sends AddObject; or dials the host the registry
  /// names for it.
  void tryAttach(detail::ReplicaCore& core) {
    if (core.connection) return;
    for (auto& [key, conn] : conns) {
      if (conn.greeted && conn.objects.count(core.name)) {
        attach(core, conn);
        return;
      }
    }
    auto d = directory.find(core.name);
    if (d != directory.end() && !d->second.url.empty() && parseUrl(d->second.url))
      dial(endpointFor(d->second.url));
  }

  void attach(detail::ReplicaCore& core, Conn& conn) {
    if (core.connection) return;
    const auto& remote = conn.objects[core.name];
    if (!core.dynamic && !core.iface.signature.empty() && !remote.signature.data.empty() &&
        remote.signature.data != core.iface.signature) {
      log(LogLevel::Error, kComponent,
          "\"" + core.name + "\": the host's signature " + remote.signature.data +
              " differs from the replica's " + core.iface.signature);
      core.setState(ReplicaState::SignatureMismatch);
      return;
    }
    if (core.state == ReplicaState::SignatureMismatch) return;
    core.connection = conn.peer.get();
    core.heartbeat = options.heartbeatInterval;
    conn.peer->send(wire::AddObject{core.name, core.dynamic});
  }

  std::shared_ptr<Replica> acquire(const std::string& name, const ClassInterface* iface) {
    if (auto it = replicas.find(name); it != replicas.end()) {
      if (auto core = it->second.lock(); core && core->facade)
        return core->facade->shared_from_this();
    }
    auto core = std::make_shared<detail::ReplicaCore>(loop, name, iface == nullptr);
    core->node = weak_from_this();
    core->callTimeout = options.callTimeout;
    core->maxPendingCalls = options.limits.maxPendingCalls;
    if (iface) {
      core->iface = *iface;
      core->interfaceChanged();
      types.registerInterface(*iface);
      core->state = ReplicaState::Default;
      for (const auto& p : iface->properties) {
        core->values.push_back(p.defaultValue.isValid() ? p.defaultValue
                                                        : wire::defaultValueFor(p.type, types));
      }
    }
    auto replica = std::make_shared<Replica>(core);
    const bool persisted = iface && std::any_of(iface->properties.begin(), iface->properties.end(),
                                                [](const PropertyDef& p) { return p.persisted; });
    if (persisted && options.store) (void)persistReplica(*replica, options.store);
    replicas[name] = core;
    lastTarget.reset();
    tryAttach(*core);
    return replica;
  }

  // Registry ---------------------------------------------------------------------------------

  void onRegistryUpdate() {
    for (const auto& info :
         detail::parseLocations(registry->property(detail::kSourceLocationsProperty)))
      learn(info);
  }

  void learn(const RemoteObjectInfo& info) {
    auto it = directory.find(info.name);
    if (it == directory.end() || it->second.url != info.url) {
      directory[info.name] = info;
      if (facade) facade->remoteObjectAdded.emit(info);
    }
    auto r = replicas.find(info.name);
    if (r == replicas.end()) return;
    if (auto core = r->second.lock()) tryAttach(*core);
  }
};

Node::Node(EventLoop& loop, NodeOptions options)
    : m_impl(std::make_shared<Impl>(loop, std::move(options))) {
  m_impl->facade = this;
}

Node::~Node() {
  m_impl->facade = nullptr;
  m_impl->registryConnections.clear();
  m_impl->registry.reset();
  const Error gone = makeError(ErrorCode::Disconnected, "node destroyed");
  std::vector<std::shared_ptr<detail::ReplicaCore>> cores;
  for (auto& [name, weak] : m_impl->replicas)
    if (auto core = weak.lock()) cores.push_back(std::move(core));
  m_impl->replicas.clear();
  m_impl->lastTarget.reset();
  for (auto& core : cores) core->detach(gone);
  for (auto& [key, conn] : m_impl->conns) conn.peer->close(gone);
  for (auto& e : m_impl->endpoints) {
    if (e->retryTimer != 0) m_impl->loop.cancelTimer(std::exchange(e->retryTimer, 0));
  }
  m_impl->endpoints.clear();
}

Result<void> Node::connectToNode(std::string_view url) {
  auto parsed = parseUrl(url);
  if (!parsed) return parsed.error();
  auto& endpoint = m_impl->endpointFor(std::string(url));
  endpoint.requested = true;
  m_impl->dial(endpoint);
  return {};
}

Result<void> Node::setRegistryUrl(std::string_view url) {
  if (auto r = connectToNode(url); !r) return r;
  m_impl->registryUrl = std::string(url);
  m_impl->registry = acquire(detail::kRegistryName, detail::registryInterface());
  std::weak_ptr<Impl> weak = m_impl;
  auto& reg = *m_impl->registry;
  m_impl->registryConnections.emplace_back(reg.initialized.connect([weak] {
    if (auto self = weak.lock()) self->onRegistryUpdate();
  }));
  m_impl->registryConnections.emplace_back(
      reg.signalEmitted.connect([weak](int index, const std::vector<Value>& args) {
        auto self = weak.lock();
        if (!self || args.empty()) return;
        auto info = detail::parseLocationEntry(args[0]);
        if (!info) return;
        if (index == detail::kRemoteObjectAddedSignal) {
          self->learn(*info);
        } else if (index == detail::kRemoteObjectRemovedSignal) {
          self->directory.erase(info->name);
        }
      }));
  return {};
}

void Node::addClientSideConnection(ChannelPtr channel) {
  m_impl->addConnection(std::move(channel), nullptr);
}

std::shared_ptr<Replica> Node::acquireDynamic(const std::string& name) {
  return m_impl->acquire(name, nullptr);
}

std::shared_ptr<Replica> Node::acquire(const std::string& name, const ClassInterface& iface) {
  return m_impl->acquire(name, &iface);
}

std::vector<RemoteObjectInfo> Node::remoteObjects() const {
  std::vector<RemoteObjectInfo> out;
  for (const auto& [name, info] : m_impl->directory) {
    if (!m_impl->registryUrl.empty() && name == detail::kRegistryName) continue;
    out.push_back(info);
  }
  return out;
}

bool Node::waitForConnected(std::chrono::milliseconds timeout) {
  auto impl = m_impl;
  return impl->loop.runUntil(
      [impl] {
        for (const auto& e : impl->endpoints)
          if (e->requested && !e->gotObjectList) return false;
        return !impl->registry || impl->registry->state() == ReplicaState::Valid;
      },
      Clock::now() + timeout);
}

void Node::registerChildInterface(const ClassInterface& iface) {
  m_impl->types.registerInterface(iface);
  m_impl->childInterfaces[iface.typeName] = iface;
}

void Node::setHeartbeatInterval(std::chrono::milliseconds interval) {
  m_impl->options.heartbeatInterval = interval;
  for (auto& [name, weak] : m_impl->replicas) {
    if (auto core = weak.lock()) {
      core->heartbeat = interval;
      core->restartHeartbeat();
    }
  }
}

void Node::registerGadget(const GadgetDef& gadget) { m_impl->types.registerGadget(gadget); }
void Node::registerEnum(std::string_view qualifiedName, const EnumDef& def) {
  m_impl->types.registerEnum(qualifiedName, def);
}
void Node::registerStruct(std::string name, std::vector<Parameter> fields) {
  m_impl->types.registerStruct(std::move(name), std::move(fields));
}

const Error& Node::lastError() const { return m_impl->lastError; }

EventLoop& Node::loop() { return m_impl->loop; }

wire::TypeRegistry& detail::NodeInternals::types(Node& node) { return node.m_impl->types; }

}  // namespace doppel
