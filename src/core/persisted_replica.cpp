// persistReplica (doppel/store.h): Qt's replica-side PERSISTED semantics on top of the replica's
// public signals; the stored values become the replica's values before the source's arrive.
#include <memory>
#include <string>

#include "core/persisted_properties.h"
#include "core/replica_core.h"
#include "doppel/replica.h"
#include "doppel/store.h"
#include "wire/type_registry.h"

namespace doppel {
namespace {

/// What the saver needs, shared by the connection that lives as long as the replica's signal.
struct ReplicaPersistence {
  std::shared_ptr<PropertyStore> store;
  wire::TypeRegistry types;
  std::string object;
  std::vector<PropertyDef> properties;
};

}  // namespace

int persistReplica(Replica& replica, std::shared_ptr<PropertyStore> store) {
  if (!store) return 0;
  detail::ReplicaCore& core = replica.core();
  auto state = std::make_shared<ReplicaPersistence>();
  state->store = std::move(store);
  state->types.registerInterface(core.iface);
  state->object = "replica:" + core.name;
  state->properties = core.iface.properties;

  int restored = 0;
  if (!core.everInitialized && core.values.size() == core.iface.properties.size()) {
    for (std::size_t i = 0; i < core.iface.properties.size(); ++i) {
      const PropertyDef& prop = core.iface.properties[i];
      if (!prop.persisted) continue;
      auto value = detail::loadPersisted(prop, state->object, *state->store, state->types);
      if (!value) continue;
      core.values[i] = std::move(*value);
      ++restored;
    }
  }
  // The connection is not kept: it lasts as long as the replica's signal does.
  (void)replica.propertyChanged.connect([state](int index, const Value& value) {
    if (index < 0 || static_cast<std::size_t>(index) >= state->properties.size()) return;
    const PropertyDef& prop = state->properties[static_cast<std::size_t>(index)];
    if (prop.persisted)
      detail::savePersistedValue(prop, value, state->object, *state->store, state->types);
  });
  return restored;
}

}  // namespace doppel
