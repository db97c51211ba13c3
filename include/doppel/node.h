// Node: the client side of QtRO 2.0 (QRemoteObjectNode). It connects to hosts (directly, or
// through a registry that tells it where each source lives) and hands out replicas. When a
// connection drops, its replicas turn Suspect and the node redials with backoff until the host
// is back, then adds the objects again and resyncs their values.
//
// Ownership and threads: the application owns the Node and its EventLoop; all calls happen on
// the loop thread. Replicas may outlive the node.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/channel.h"
#include "doppel/event_loop.h"
#include "doppel/interface.h"
#include "doppel/limits.h"
#include "doppel/replica.h"
#include "doppel/result.h"
#include "doppel/signal.h"

namespace doppel {

struct NodeOptions {
  Limits limits;
  /// Ping every replica's source after this much silence; 0 = off (Qt's default). A missing
  /// Pong after another interval drops the connection.
  std::chrono::milliseconds heartbeatInterval{0};
  /// A call without a reply after this long fails with ErrorCode::Timeout.
  std::chrono::milliseconds callTimeout{30000};
  /// Redial delay after a connection is lost, doubled up to reconnectMaxDelay.
  std::chrono::milliseconds reconnectDelay{250};
  std::chrono::milliseconds reconnectMaxDelay{5000};
};

/// An entry of a host's ObjectList (or the registry's directory).
struct RemoteObjectInfo {
  std::string name;
  std::string typeName;   ///< empty for plain objects
  std::string signature;  ///< empty when the source has none
  std::string url;        ///< the host it lives on
};

class Node {
public:
  explicit Node(EventLoop& loop, NodeOptions options = {});
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Connects to a host and keeps reconnecting while the node lives. Fails only for a URL that
  /// cannot be parsed.
  Result<void> connectToNode(std::string_view url);
  /// Uses the registry at `url` to find sources by name (and connects to their hosts).
  Result<void> setRegistryUrl(std::string_view url);
  /// Serves a connection to a host that the application opened itself.
  void addClientSideConnection(ChannelPtr channel);

  /// A replica of `name` whose interface comes from the wire (AddObject isDynamic=1). Returns
  /// the same replica while one is alive. It initializes once a connected host has the source.
  std::shared_ptr<Replica> acquireDynamic(const std::string& name);
  /// A replica whose interface is known locally (AddObject isDynamic=0, InitPacket): the host
  /// sends values only. A non-empty interface signature is checked against the host's.
  std::shared_ptr<Replica> acquire(const std::string& name, const ClassInterface& iface);

  /// Every object the connected hosts (and the registry) announced.
  std::vector<RemoteObjectInfo> remoteObjects() const;
  /// Runs the loop until every URL given to connectToNode has sent its ObjectList (and the
  /// registry, if set, its directory), or `timeout`; returns whether that happened.
  bool waitForConnected(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

  /// Makes an application type known to the codec, by its Qt type name, so values of it can
  /// be sent and received: a POD (one value per field, like a Q_GADGET), an enum (an integer of
  /// its size), or a struct whose fields are streamed bare one after the other (like a type
  /// with hand-written QDataStream operators). Interfaces register their own PODs and enums.
  void registerGadget(const GadgetDef& gadget);
  void registerEnum(std::string_view qualifiedName, const EnumDef& def);
  void registerStruct(std::string name, std::vector<Parameter> fields);

  void setHeartbeatInterval(std::chrono::milliseconds interval);

  Signal<const RemoteObjectInfo&> remoteObjectAdded;
  Signal<const Error&> error;  ///< connection failures and protocol errors, for logs and UIs
  const Error& lastError() const;

  EventLoop& loop();

  struct Impl;

private:
  std::shared_ptr<Impl> m_impl;
};

}  // namespace doppel
