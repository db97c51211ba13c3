// Host: shares Sources with replicas over QtRO 2.0 (QRemoteObjectHost). It listens on any number
// of URLs (tcp://, local:, localabstract:), greets each peer with Handshake and ObjectList,
// answers AddObject with InitDynamicPacket or InitPacket, checks the types of every call before
// it runs, and pushes property changes and signals to the listeners of each source. A host can
// also be the registry of a network, or register its sources with one.
//
// Failure behaviour: a malformed frame is logged and skipped; a frame over the size limit, a
// peer too slow to drain its queue, or a protocol violation closes that connection only.
// Ownership and threads: the application owns the Host and keeps it (and its EventLoop) alive
// while it is used; all calls happen on the loop thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/channel.h"
#include "doppel/event_loop.h"
#include "doppel/interface.h"
#include "doppel/limits.h"
#include "doppel/result.h"
#include "doppel/source.h"
#include "doppel/store.h"

namespace doppel {

class ItemModel;

struct HostOptions {
  Limits limits;
  /// Where PERSISTED properties are kept (docs/persistence.md); none if null. Restored when a
  /// source is remoted, saved on every change before any replica is told of it.
  std::shared_ptr<PropertyStore> store;
};

class Host {
public:
  explicit Host(EventLoop& loop, HostOptions options = {});
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  /// Starts listening; may be called once per URL. Bind to 127.0.0.1 unless peers on other
  /// machines must reach this host.
  Result<void> listen(std::string_view url);
  /// The URLs as bound (real ports), in listen() order.
  std::vector<std::string> urls() const;

  /// Serves a connection the application opened itself (any transport).
  void addHostSideConnection(ChannelPtr channel);

  /// Shares `source` under `name` (default: its interface's typeName). Fails if the name is
  /// taken or empty.
  Result<void> enableRemoting(Source& source, std::string name = {});
  /// Stops sharing; listeners get RemoveObject. Unknown sources are ignored.
  void disableRemoting(Source& source);

  /// Shares an item model under `name` as Qt's model adapter does (doppel/model.h): Qt's
  /// acquireModel() and doppel's Node::acquireModel() read it. `roles` are the role ids replicas
  /// may read; empty = all of model.roleNames() (Qt's own host would expose none). The model
  /// must outlive its remoting (or be disabled first). Implemented in src/core/model_host.cpp.
  Result<void> enableRemoting(ItemModel& model, std::string name, std::vector<int> roles = {});
  void disableRemoting(ItemModel& model);

  /// Makes this host the registry of its network: it shares a "Registry" source that other
  /// hosts register with and nodes look names up in (QRemoteObjectRegistryHost).
  Result<void> enableRegistry();
  /// Registers every source of this host (now and later) with the registry at `url`.
  Result<void> setRegistryUrl(std::string_view url);

  /// Makes an application type known to the codec, by its Qt type name, so values of it can
  /// be sent and received: a POD (one value per field, like a Q_GADGET), an enum (an integer of
  /// its size), or a struct whose fields are streamed bare one after the other (like a type
  /// with hand-written QDataStream operators). Interfaces register their own PODs and enums.
  void registerGadget(const GadgetDef& gadget);
  void registerEnum(std::string_view qualifiedName, const EnumDef& def);
  void registerStruct(std::string name, std::vector<Parameter> fields);

  std::size_t connectionCount() const;
  EventLoop& loop();

  struct Impl;

private:
  std::shared_ptr<Impl> m_impl;
  /// The adapters of enableRemoting(ItemModel&): declared after m_impl so they go first.
  std::vector<std::pair<ItemModel*, std::shared_ptr<Source>>> m_modelAdapters;
};

}  // namespace doppel
