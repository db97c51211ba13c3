// PropertyStore: where a Host keeps the values of PERSISTED properties (docs/persistence.md).
// A host given a store restores each PERSISTED property of a source from it when the source is
// remoted, and saves every change of one before any replica is told about the change.
//
// The store holds bytes, not Values: each value is written by the host in the exact layout it
// has on the wire (QDataStream version 20, little-endian, the payload of the property's declared
// type, protocol §4), so every type the host's type registry knows round-trips, user types too,
// and a store needs no type registry of its own. Next to the bytes it keeps the type key the
// value was written for; the host restores a value only if the key still matches.
//
// Implementations: MemoryPropertyStore (below, for tests and for state that may die with the
// process) and the SQLite store of doppel/sqlite_store.h (the default for applications).
//
// Thread safety: a store is used from the loop thread of the host(s) it is given to; stores are
// not synchronised. Ownership: shared (HostOptions holds a std::shared_ptr).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "doppel/result.h"

namespace doppel {

/// One stored property value.
struct StoredValue {
  /// The property's type and the layout of every user type in it, e.g. "int" or
  /// "Reading|Reading{QString sensor;double value}". Written by the host; opaque to stores.
  std::string typeKey;
  /// The value's payload in its declared type, as on the wire.
  std::string bytes;
  friend bool operator==(const StoredValue&, const StoredValue&) = default;
};

class PropertyStore {
public:
  virtual ~PropertyStore();

  /// The value stored for `property` of the object remoted as `object`; std::nullopt if none.
  /// An Error means the store could not be read (the host then keeps the default and logs it).
  virtual Result<std::optional<StoredValue>> load(std::string_view object,
                                                  std::string_view property) = 0;
  /// Replaces the value. Returns once the value is as durable as the store promises (the SQLite
  /// store: it survives the process being killed right after). The host pushes the change to
  /// replicas only after this returns; on an Error it logs and still applies the change.
  virtual Result<void> save(std::string_view object,
                            std::string_view property,
                            const StoredValue& value) = 0;
};

/// A store in memory: values live as long as the object. For tests, and for hosts that want
/// the restore semantics within one process (a source remoted again after disableRemoting).
class MemoryPropertyStore : public PropertyStore {
public:
  Result<std::optional<StoredValue>> load(std::string_view object,
                                          std::string_view property) override;
  Result<void> save(std::string_view object,
                    std::string_view property,
                    const StoredValue& value) override;

  /// How many saves succeeded since construction.
  std::size_t saveCount() const { return m_saves; }
  std::size_t size() const { return m_values.size(); }

private:
  std::map<std::pair<std::string, std::string>, StoredValue> m_values;
  std::size_t m_saves = 0;
};

class Replica;

/// Qt's replica-side persistence (protocol §11.3), for a typed replica: call it right after
/// Node::acquire(name, iface). Until the source is reached, the PERSISTED properties of the
/// replica hold the values stored for it instead of the interface's defaults; from then on,
/// every value the replica receives for them is saved, so the next run starts from the last
/// value seen. Keys: object "replica:<name>" (one store can serve a host and its replicas).
/// Values of user types are encoded with the interface's own PODs and enums. Returns how many
/// properties were restored; restores nothing into a replica that has had the source's values
/// (but still saves what it receives). Store failures are logged, as on the host.
int persistReplica(Replica& replica, std::shared_ptr<PropertyStore> store);

}  // namespace doppel
