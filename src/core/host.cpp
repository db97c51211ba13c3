#include "doppel/host.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/child_objects.h"
#include "core/peer_connection.h"
#include "core/persisted_properties.h"
#include "core/registry.h"
#include "core/url.h"
#include "doppel/log.h"
#include "doppel/node.h"
#include "wire/model_types.h"
#include "wire/value_codec.h"

namespace doppel {

namespace {
constexpr std::string_view kComponent = "host";

Text nullableText(const std::string& s) { return Text{s, s.empty()}; }

/// A type name as Qt's receivers expect it in a definition: a class enum written "Mode" becomes
/// "Lab::Mode" so that a Qt dynamic replica resolves it to the enum it registered.
std::string qualifyEnum(const ClassInterface& iface, const std::string& type) {
  if (type.find("::") != std::string::npos || iface.typeName.empty()) return type;
  for (const auto& e : iface.enums)
    if (e.name == type) return iface.typeName + "::" + type;
  return type;
}

/// A property or parameter type as Qt's hosts write it: lists and maps of gadgets become
/// QtROSequentialContainer / QtROAssociativeContainer (protocol §6.2), which a Qt dynamic
/// replica resolves (it has no QList<MyPod> type); return types keep their names, as on Qt.
std::string wireType(const ClassInterface& iface,
                     const wire::TypeRegistry& types,
                     const std::string& type) {
  const std::string_view generic = wire::genericContainerName(type, types);
  return generic.empty() ? qualifyEnum(iface, type) : std::string(generic);
}

ClassInterface wireDefinition(const ClassInterface& iface, const wire::TypeRegistry& types) {
  ClassInterface out = iface;
  for (auto& p : out.properties) p.type = wireType(iface, types, p.type);
  for (auto& s : out.signalDefs)
    for (auto& p : s.params) p.type = wireType(iface, types, p.type);
  for (auto& m : out.methods) {
    m.returnType = qualifyEnum(iface, m.returnType);
    for (auto& p : m.params) p.type = wireType(iface, types, p.type);
  }
  detail::useQtPointerTypes(out);
  return out;
}
}  // namespace

struct Host::Impl : detail::SourceObserver, std::enable_shared_from_this<Host::Impl> {
  struct Conn {
    std::shared_ptr<detail::PeerConnection> peer;
    std::string registeredUrl;  ///< the hostUrl of the first registry call on this connection
  };
  struct Entry {
    Source* source = nullptr;
    std::string name;
    ClassInterface definition;  ///< the interface as sent in InitDynamicPacket
    std::vector<detail::PeerConnection*> listeners;
    std::vector<char> dirty;       ///< per property: a change waits in dirtyList
    std::vector<int> dirtyList;    ///< changed properties, in the order they first changed
    // Child objects (child_objects.h): children live in `children`, heard by their root's
    // listeners, named after `apiName` of their parent.
    Entry* root = nullptr;    ///< null for a root
    Entry* parent = nullptr;  ///< the entry whose property holds this child
    std::string apiName;      ///< a root's name, or the property name of a child
    detail::DescribeState describe;  ///< roots: child definitions sent (QRO_)
  };

  Impl(EventLoop& l, HostOptions o) : loop(l), options(std::move(o)) {
    wire::installModelCodecs(types, false);  // model adapters reply with pre-encoded rows
  }
  ~Impl() override {
    for (auto& [name, entry] : entries) unobserve(*entry.source);
    for (auto& [name, entry] : children) unobserve(*entry.source);
  }

  EventLoop& loop;
  HostOptions options;
  wire::TypeRegistry types;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::map<detail::PeerConnection*, Conn> conns;
  std::map<std::string, Entry, std::less<>> entries;
  std::map<std::string, Entry, std::less<>> children;  ///< child objects by name (not listed)
  std::map<const Source*, Entry*> bySource;             ///< roots and children
  /// The entry findByName found last, under its name: calls mostly go to the object of the call
  /// before, and this skips the lookups by name. Forgotten whenever an entry comes or goes.
  std::string lastCalledName;
  Entry* lastCalled = nullptr;
  /// Entries with property changes not yet sent. Changes are coalesced until the loop comes
  /// round (latest value wins), and always sent before anything else goes to a replica, so
  /// replicas see changes, signals and replies in the order the source made them.
  std::vector<Entry*> dirtyEntries;
  bool flushPosted = false;

  // Registry role.
  std::unique_ptr<Source> registrySource;
  std::map<std::string, RemoteObjectInfo> locations;

  // Registered with a remote registry.
  std::unique_ptr<Node> registryNode;
  std::shared_ptr<Replica> registryReplica;
  std::vector<ScopedConnection> registryConnections;

  Entry* findEntry(const Source& source) {
    auto it = bySource.find(&source);
    return it == bySource.end() ? nullptr : it->second;
  }

  std::string advertisedUrl() const { return listeners.empty() ? std::string() : listeners.front()->url(); }

  // Connections ---------------------------------------------------------------------------------

  void addConnection(ChannelPtr channel) {
    auto peer = std::make_shared<detail::PeerConnection>(std::move(channel), types, options.limits,
                                                         std::string(kComponent));
    auto* key = peer.get();
    conns[key] = Conn{peer, {}};
    std::weak_ptr<Impl> weak = weak_from_this();
    peer->start({[weak, key](wire::Packet&& packet) {
                   if (auto self = weak.lock()) self->onPacket(*key, std::move(packet));
                 },
                 [weak, key](const Error& reason) {
                   if (auto self = weak.lock()) self->onClosed(key, reason);
                 }});
    wire::ObjectList list;
    for (const auto& [name, e] : entries) list.objects.push_back(objectInfo(e));
    const wire::Packet hello = wire::Handshake{};
    const wire::Packet objects = std::move(list);
    peer->sendAll({&hello, &objects});
    log(LogLevel::Debug, kComponent, "accepted " + peer->peerName());
  }

  void onClosed(detail::PeerConnection* key, const Error& reason) {
    auto it = conns.find(key);
    if (it == conns.end()) return;
    log(reason.code == ErrorCode::Disconnected ? LogLevel::Debug : LogLevel::Warning, kComponent,
        key->peerName() + " closed: " + reason.toString());
    for (auto& [name, e] : entries) std::erase(e.listeners, key);
    const std::string registered = it->second.registeredUrl;
    auto keep = it->second.peer;  // destroyed after this handler returns
    conns.erase(it);
    loop.post([keep] {});
    if (!registered.empty()) dropRegistrations(registered);
  }

  wire::ObjectInfo objectInfo(const Entry& e) const {
    return {e.name, nullableText(e.source->interface().typeName),
            nullableText(e.source->interface().signature)};
  }

  // Packets from replicas ---------------------------------------------------------------------

  void onPacket(detail::PeerConnection& conn, wire::Packet&& packet) {
    std::visit(
        [&](auto&& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<T, wire::AddObject>) {
            onAddObject(conn, p);
          } else if constexpr (std::is_same_v<T, wire::RemoveObject>) {
            if (auto it = entries.find(p.name); it != entries.end())
              std::erase(it->second.listeners, &conn);
          } else if constexpr (std::is_same_v<T, wire::InvokePacket>) {
            onInvoke(conn, p);
          } else if constexpr (std::is_same_v<T, wire::Ping>) {
            conn.send(wire::Pong{p.name});
          } else if constexpr (std::is_same_v<T, wire::Handshake>) {
            // Qt hosts ignore a client's handshake; so do we.
          } else {
            log(LogLevel::Warning, kComponent,
                conn.peerName() + ": ignored " + wire::packetTypeName(wire::packetType(packet)) +
                    ", which only a host sends");
          }
        },
        packet);
  }

  void onAddObject(detail::PeerConnection& conn, const wire::AddObject& add) {
    auto it = entries.find(add.name);
    if (it == entries.end()) {
      log(LogLevel::Warning, kComponent,
          conn.peerName() + ": AddObject for unknown object \"" + add.name + "\"");
      return;
    }
    Entry& e = it->second;
    flushChanges();
    if (std::find(e.listeners.begin(), e.listeners.end(), &conn) == e.listeners.end())
      e.listeners.push_back(&conn);
    if (add.isDynamic) e.describe = {true, {}};  // Qt describes every child type again
    std::vector<Value> values;
    values.reserve(e.source->interface().properties.size());
    for (std::size_t i = 0; i < e.source->interface().properties.size(); ++i)
      values.push_back(propertyValue(e, static_cast<int>(i)));
    if (add.isDynamic) {
      conn.send(wire::InitDynamicPacket{e.name, e.definition, std::move(values)});
    } else {
      conn.send(wire::InitPacket{e.name, std::move(values)});
    }
  }

  void onInvoke(detail::PeerConnection& conn, const wire::InvokePacket& call) {
    Entry* found = findByName(call.name);  // children are called by name too (§5.5)
    if (found == nullptr) {
      refuse(conn, call, "no object \"" + call.name + "\"");
      return;
    }
    Entry& e = *found;
    const ClassInterface& iface = e.source->interface();
    if (call.call == wire::InvokeCall::WriteProperty) {
      onWrite(conn, e, call);
      return;
    }
    if (call.call != wire::InvokeCall::InvokeMetaMethod) {
      refuse(conn, call, "unsupported call type " + std::to_string(static_cast<int>(call.call)));
      return;
    }
    if (call.index < 0 || static_cast<std::size_t>(call.index) >= iface.methods.size()) {
      refuse(conn, call, "method index " + std::to_string(call.index) + " out of range");
      return;
    }
    const MethodDef& method = iface.methods[static_cast<std::size_t>(call.index)];
    if (call.args.size() != method.params.size()) {
      refuse(conn, call, method.signature() + " takes " + std::to_string(method.params.size()) +
                             " arguments, got " + std::to_string(call.args.size()));
      return;
    }
    for (std::size_t i = 0; i < call.args.size(); ++i) {
      if (!wire::matchesType(call.args[i], method.params[i].type, types)) {
        refuse(conn, call, "argument " + std::to_string(i + 1) + " of " + method.signature() +
                               " is " + std::string(call.args[i].typeName()) + ", expected " +
                               method.params[i].type);
        return;
      }
    }
    if (registrySource && e.source == registrySource.get()) {
      onRegistryCall(conn, call);
      return;
    }
    // The slot may destroy the host: the packet handler holds this Impl until it returns
    // (addConnection's weak.lock()), so nothing here needs a reference of its own.
    Value result = e.source->invoke(call.index, call.args);
    flushChanges();  // what the slot changed arrives before its reply
    if (call.serialId >= 0 && conn.isOpen())
      conn.sendInvokeReply(call.name, call.serialId, result);
  }

  void onWrite(detail::PeerConnection& conn, Entry& e, const wire::InvokePacket& call) {
    const ClassInterface& iface = e.source->interface();
    if (call.index < 0 || static_cast<std::size_t>(call.index) >= iface.properties.size() ||
        call.args.size() != 1) {
      refuse(conn, call, "bad property write (index " + std::to_string(call.index) + ", " +
                             std::to_string(call.args.size()) + " values)");
      return;
    }
    const PropertyDef& prop = iface.properties[static_cast<std::size_t>(call.index)];
    if (prop.mode != PropertyMode::ReadWrite && prop.mode != PropertyMode::ReadPush) {
      refuse(conn, call, "property " + prop.name + " is not writable");
      return;
    }
    if (!wire::matchesType(call.args[0], prop.type, types)) {
      refuse(conn, call, "property " + prop.name + " is " + prop.type + ", not " +
                             std::string(call.args[0].typeName()));
      return;
    }
    e.source->write(call.index, call.args[0]);  // held by the packet handler, as in onInvoke
  }

  /// Logs why a call was not run. Qt sends no error reply; a caller that asked for a reply gets
  /// an invalid value, so that it does not wait for its timeout.
  void refuse(detail::PeerConnection& conn, const wire::InvokePacket& call, const std::string& why) {
    log(LogLevel::Warning, kComponent,
        conn.peerName() + ": refused call on \"" + call.name + "\": " + why);
    if (call.serialId >= 0) conn.sendInvokeReply(call.name, call.serialId, Value());
  }

  // Pushing changes -----------------------------------------------------------------------------

  void sourcePropertyChanged(Source& source, int index) override {
    Entry* e = findEntry(source);
    // Saved now, synchronously: replicas hear of the change only at the next flush.
    if (e && options.store) detail::savePersisted(source, e->name, index, *options.store, types);
    if (e && detail::isChildProperty(source.interface().properties[static_cast<std::size_t>(index)]))
      syncChild(*e, index);
    if (!e || !hasListeners(*e)) return;
    if (source.interface().properties[static_cast<std::size_t>(index)].notifySignal < 0)
      return;  // like Qt: only properties with a NOTIFY are pushed
    auto& flag = e->dirty[static_cast<std::size_t>(index)];
    if (flag) return;
    flag = 1;
    if (e->dirtyList.empty()) dirtyEntries.push_back(e);
    e->dirtyList.push_back(index);
    if (!flushPosted) {
      flushPosted = true;
      std::weak_ptr<Impl> weak = weak_from_this();
      loop.post([weak] {
        if (auto self = weak.lock()) self->flushChanges();
      });
    }
  }

  /// Sends every coalesced change: per property its latest value and its notify signal, all
  /// changes of one source in one buffer shared by its listeners.
  void flushChanges() {
    flushPosted = false;
    if (dirtyEntries.empty()) return;
    auto pendingEntries = std::move(dirtyEntries);
    dirtyEntries.clear();
    for (Entry* e : pendingEntries) {
      auto frames = std::make_shared<std::string>();
      const ClassInterface& iface = e->source->interface();
      for (int index : e->dirtyList) {
        e->dirty[static_cast<std::size_t>(index)] = 0;
        const PropertyDef& prop = iface.properties[static_cast<std::size_t>(index)];
        const bool isChild = detail::isChildProperty(prop);
        Value childQro;
        if (isChild) childQro = propertyValue(*e, index);
        const Value& value = isChild ? childQro : e->source->property(index);
        const auto& signal = iface.signalDefs[static_cast<std::size_t>(prop.notifySignal)];
        std::vector<Value> args;
        if (!signal.params.empty() && !isChild) args.push_back(value);  // pointers never travel
        const wire::Packet change = wire::PropertyChangePacket{e->name, index, value};
        const wire::Packet notify =
            wire::InvokePacket{e->name, wire::InvokeCall::InvokeMetaMethod, prop.notifySignal,
                               std::move(args), -1, index};
        detail::appendFrames(*frames, {&change, &notify}, types, kComponent);
      }
      e->dirtyList.clear();
      broadcast(*e, frames);
    }
  }

  void sourceSignal(Source& source, int signalIndex, const std::vector<Value>& args) override {
    Entry* e = findEntry(source);
    if (!e || !hasListeners(*e)) return;
    flushChanges();
    int propertyIndex = -1;
    const auto& props = source.interface().properties;
    for (std::size_t i = 0; i < props.size(); ++i)
      if (props[i].notifySignal == signalIndex) propertyIndex = static_cast<int>(i);
    const wire::Packet packet = wire::InvokePacket{e->name, wire::InvokeCall::InvokeMetaMethod,
                                                   signalIndex, args, -1, propertyIndex};
    broadcast(*e, detail::encodeFrames({&packet}, types, kComponent));
  }

  void sourceDestroyed(Source& source) override { disable(source); }

  void broadcast(const Entry& e, const SharedBytes& frames) {
    if (!frames) return;
    for (auto* listener : (e.root ? e.root : &e)->listeners) listener->sendEncoded(frames);
  }

  void broadcastAll(const wire::Packet& packet) {
    const auto frames = detail::encodeFrames({&packet}, types, kComponent);
    for (auto& [key, conn] : conns) conn.peer->sendEncoded(frames);
  }

  // Remoting ---------------------------------------------------------------------------------

  Result<void> enable(Source& source, std::string name) {
    if (name.empty()) name = source.interface().typeName;
    if (name.empty())
      return makeError(ErrorCode::InvalidArgument, "a source needs a name or a typeName");
    if (entries.count(name))
      return makeError(ErrorCode::InvalidArgument, "an object named \"" + name + "\" is already remoted");
    if (findEntry(source))
      return makeError(ErrorCode::InvalidArgument, "this source is already remoted on this host");
    types.registerInterface(source.interface());
    if (options.store) detail::restorePersisted(source, name, *options.store, types);
    forgetLastCalled();
    Entry& e = entries[name];
    e.source = &source;
    e.name = name;
    e.dirty.assign(source.interface().properties.size(), 0);
    bySource[&source] = &e;
    e.definition = wireDefinition(source.interface(), types);
    e.apiName = name;
    observe(source);
    syncChildren(e);
    broadcastAll(wire::ObjectList{{objectInfo(e)}});
    announce(e);
    return {};
  }

  void disable(Source& source) {
    Entry* e = findEntry(source);
    if (!e) return;
    if (e->root) {  // a child: gone from its parent's view too
      removeChild(*e);
      return;
    }
    unobserve(source);
    flushChanges();
    removeChildrenOf(*e);
    const std::string name = e->name;
    for (auto* listener : e->listeners) listener->send(wire::RemoveObject{name});
    withdraw(*e);
    bySource.erase(&source);
    forgetLastCalled();
    entries.erase(name);
  }

  // Child objects (protocol §11.1) ----------------------------------------------------------

  Entry* findByName(std::string_view name) {
    if (lastCalled != nullptr && name == lastCalledName) return lastCalled;
    Entry* found = nullptr;
    if (auto it = entries.find(name); it != entries.end()) {
      found = &it->second;
    } else if (auto child = children.find(name); child != children.end()) {
      found = &child->second;
    }
    if (found != nullptr) {
      lastCalledName = name;
      lastCalled = found;
    }
    return found;
  }

  /// Called before an entry is added or removed: the cached lookup may no longer be the answer.
  void forgetLastCalled() {
    lastCalled = nullptr;
    lastCalledName.clear();
  }

  bool hasListeners(const Entry& e) const { return !(e.root ? e.root : &e)->listeners.empty(); }

  /// A property as replicas get it: a child is sent as a QRO_ value.
  Value propertyValue(Entry& e, int index) {
    const auto& prop = e.source->interface().properties[static_cast<std::size_t>(index)];
    if (!detail::isChildProperty(prop)) return e.source->property(index);
    auto v = detail::childValue(*e.source, e.apiName, index, types,
                                (e.root ? e.root : &e)->describe, [this](const Source& child) {
                                  const Entry* c = findEntry(child);
                                  return c ? c->definition : wireDefinition(child.interface(), types);
                                });
    if (!v) {
      log(LogLevel::Error, kComponent, e.name + "." + prop.name + ": " + v.error().toString());
      return Value();
    }
    return std::move(v).value();
  }

  void syncChildren(Entry& e) {
    const auto& props = e.source->interface().properties;
    for (std::size_t i = 0; i < props.size(); ++i)
      if (detail::isChildProperty(props[i])) syncChild(e, static_cast<int>(i));
  }

  /// Makes the children registered under `parent`'s property match what the source holds.
  void syncChild(Entry& parent, int index) {
    const auto& prop = parent.source->interface().properties[static_cast<std::size_t>(index)];
    const std::string name = detail::childName(prop, parent.apiName);
    Source* want = parent.source->child(index);
    if (auto it = children.find(name); it != children.end()) {
      if (it->second.source == want) return;
      if (it->second.parent != &parent) {  // Qt's naming lets deep children collide (§6.1)
        log(LogLevel::Warning, kComponent, "two children are named \"" + name + "\"; keeping the first");
        return;
      }
      removeChild(it->second);
    }
    if (want == nullptr) return;
    if (findEntry(*want)) {
      log(LogLevel::Warning, kComponent,
          name + ": this source is already remoted on this host; replicas see null");
      return;
    }
    types.registerInterface(want->interface());
    forgetLastCalled();
    Entry& c = children[name];
    c.source = want;
    c.name = name;
    c.root = parent.root ? parent.root : &parent;
    c.parent = &parent;
    c.apiName = prop.name;
    c.dirty.assign(want->interface().properties.size(), 0);
    c.definition = wireDefinition(want->interface(), types);
    bySource[want] = &c;
    observe(*want);
    syncChildren(c);
  }

  void removeChildrenOf(Entry& e) {
    const auto& props = e.source->interface().properties;
    for (const auto& prop : props) {
      if (!detail::isChildProperty(prop)) continue;
      auto it = children.find(detail::childName(prop, e.apiName));
      if (it != children.end() && it->second.parent == &e) removeChild(it->second);
    }
  }

  void removeChild(Entry& c) {
    removeChildrenOf(c);
    unobserve(*c.source);
    std::erase(dirtyEntries, &c);
    bySource.erase(c.source);
    const std::string name = c.name;
    forgetLastCalled();
    children.erase(name);
  }

  // Registry role ----------------------------------------------------------------------------

  RemoteObjectInfo infoFor(const Entry& e) const {
    return {e.name, e.source->interface().typeName, {}, advertisedUrl()};
  }

  /// A source of ours became available: put it in our own registry, or tell the remote one.
  void announce(const Entry& e) {
    if (advertisedUrl().empty()) return;  // announced by listen() once there is a URL
    if (registrySource && e.source != registrySource.get()) addLocation(infoFor(e));
    if (registryReplica && registryReplica->state() == ReplicaState::Valid)
      registryReplica->call("addSource", {detail::makeLocationEntry(infoFor(e))});
  }

  void withdraw(const Entry& e) {
    if (registrySource && e.source != registrySource.get()) removeLocation(e.name);
    if (registryReplica && registryReplica->state() == ReplicaState::Valid)
      registryReplica->call("removeSource", {detail::makeLocationEntry(infoFor(e))});
  }

  void addLocation(const RemoteObjectInfo& info) {
    if (locations.count(info.name)) {
      log(LogLevel::Warning, kComponent,
          "registry: \"" + info.name + "\" is already registered; keeping the first");
      return;
    }
    locations[info.name] = info;
    syncLocations();
    (void)registrySource->emitSignal("remoteObjectAdded", {detail::makeLocationEntry(info)});
  }

  void removeLocation(const std::string& name) {
    auto it = locations.find(name);
    if (it == locations.end()) return;
    const RemoteObjectInfo info = it->second;
    locations.erase(it);
    syncLocations();
    (void)registrySource->emitSignal("remoteObjectRemoved", {detail::makeLocationEntry(info)});
  }

  void syncLocations() {
    std::vector<RemoteObjectInfo> all;
    for (const auto& [name, info] : locations) all.push_back(info);
    (void)registrySource->setProperty(detail::kSourceLocationsProperty, detail::makeLocations(all));
  }

  void onRegistryCall(detail::PeerConnection& conn, const wire::InvokePacket& call) {
    if (call.index == detail::kAddSourceMethod || call.index == detail::kRemoveSourceMethod) {
      auto info = detail::parseLocationEntry(call.args[0]);
      if (!info) {
        log(LogLevel::Warning, kComponent, conn.peerName() + ": malformed registry entry");
        return;
      }
      auto& registered = conns[&conn].registeredUrl;
      if (registered.empty()) registered = info->url;
      if (call.index == detail::kAddSourceMethod) {
        addLocation(*info);
      } else {
        removeLocation(info->name);
      }
    }
    if (call.serialId >= 0) conn.sendInvokeReply(call.name, call.serialId, Value());
  }

  /// A host that registered with us went away: its sources are gone too.
  void dropRegistrations(const std::string& url) {
    if (!registrySource) return;
    std::vector<std::string> gone;
    for (const auto& [name, info] : locations)
      if (info.url == url) gone.push_back(name);
    for (const auto& name : gone) removeLocation(name);
  }

  void onRegistryReplicaValid() {
    if (advertisedUrl().empty()) return;
    std::set<std::string> known;
    for (const auto& info :
         detail::parseLocations(registryReplica->property(detail::kSourceLocationsProperty)))
      known.insert(info.name);
    for (const auto& [name, e] : entries) {
      if (!known.count(name) && !(registrySource && e.source == registrySource.get()))
        registryReplica->call("addSource", {detail::makeLocationEntry(infoFor(e))});
    }
  }
};

Host::Host(EventLoop& loop, HostOptions options)
    : m_impl(std::make_shared<Impl>(loop, std::move(options))) {}

Host::~Host() {
  // Replicas of the registry and the node go first, then connections close.
  m_impl->registryConnections.clear();
  m_impl->registryReplica.reset();
  m_impl->registryNode.reset();
  for (auto& [key, conn] : m_impl->conns) conn.peer->close(makeError(ErrorCode::Disconnected, "host destroyed"));
}

Result<void> Host::listen(std::string_view url) {
  std::weak_ptr<Impl> weak = m_impl;
  auto listener = m_impl->loop.listen(url, [weak](ChannelPtr channel) {
    if (auto self = weak.lock()) self->addConnection(std::move(channel));
  });
  if (!listener) return listener.error();
  log(LogLevel::Info, kComponent, "listening on " + (*listener)->url());
  m_impl->listeners.push_back(std::move(*listener));
  // Sources enabled before the first listen() are advertised with this URL now.
  if (m_impl->listeners.size() == 1) {
    for (auto& [name, e] : m_impl->entries) {
      if (m_impl->registrySource && e.source == m_impl->registrySource.get()) continue;
      if (m_impl->registrySource) {
        m_impl->locations.erase(name);
        m_impl->addLocation(m_impl->infoFor(e));
      }
    }
    if (m_impl->registryReplica && m_impl->registryReplica->state() == ReplicaState::Valid)
      m_impl->onRegistryReplicaValid();
  }
  return {};
}

std::vector<std::string> Host::urls() const {
  std::vector<std::string> out;
  for (const auto& l : m_impl->listeners) out.push_back(l->url());
  return out;
}

void Host::addHostSideConnection(ChannelPtr channel) { m_impl->addConnection(std::move(channel)); }

Result<void> Host::enableRemoting(Source& source, std::string name) {
  return m_impl->enable(source, std::move(name));
}

void Host::disableRemoting(Source& source) { m_impl->disable(source); }

Result<void> Host::enableRegistry() {
  if (m_impl->registrySource) return {};
  m_impl->registrySource = std::make_unique<Source>(detail::registryInterface());
  m_impl->syncLocations();
  if (auto r = m_impl->enable(*m_impl->registrySource, detail::kRegistryName); !r) {
    m_impl->registrySource.reset();
    return r;
  }
  for (auto& [name, e] : m_impl->entries)
    if (e.source != m_impl->registrySource.get()) m_impl->addLocation(m_impl->infoFor(e));
  return {};
}

Result<void> Host::setRegistryUrl(std::string_view url) {
  if (auto parsed = parseUrl(url); !parsed) return parsed.error();
  m_impl->registryNode = std::make_unique<Node>(m_impl->loop, NodeOptions{m_impl->options.limits});
  if (auto r = m_impl->registryNode->connectToNode(url); !r) return r;
  m_impl->registryReplica =
      m_impl->registryNode->acquire(detail::kRegistryName, detail::registryInterface());
  std::weak_ptr<Impl> weak = m_impl;
  m_impl->registryConnections.emplace_back(m_impl->registryReplica->initialized.connect([weak] {
    if (auto self = weak.lock()) self->onRegistryReplicaValid();
  }));
  return {};
}

void Host::registerGadget(const GadgetDef& gadget) { m_impl->types.registerGadget(gadget); }
void Host::registerEnum(std::string_view qualifiedName, const EnumDef& def) {
  m_impl->types.registerEnum(qualifiedName, def);
}
void Host::registerStruct(std::string name, std::vector<Parameter> fields) {
  m_impl->types.registerStruct(std::move(name), std::move(fields));
}

std::size_t Host::connectionCount() const { return m_impl->conns.size(); }

EventLoop& Host::loop() { return m_impl->loop; }

}  // namespace doppel
