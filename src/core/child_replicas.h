// The replica side of child objects (protocol §3.3, §11.1), used by the Node (internal): opens
// the QRO_ values of an init or a property change and creates, re-initializes, replaces or drops
// the child replicas they describe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/replica_core.h"
#include "doppel/interface.h"
#include "doppel/limits.h"
#include "doppel/result.h"
#include "doppel/value.h"
#include "wire/type_registry.h"

namespace doppel::detail {

struct ChildContext {
  wire::TypeRegistry& types;
  const Limits& limits;
  /// Interfaces by typeName: learnt from definitions on this connection, and given by the
  /// application for typed children (Node::registerChildInterface).
  std::map<std::string, ClassInterface>& learnt;
  const std::map<std::string, ClassInterface>& registered;
  /// Makes a new child core reachable by name for the packets that follow.
  std::function<void(const std::shared_ptr<ReplicaCore>&)> adopt;
};

/// Opens every QRO_ among `values` (an init of `parent`, in property order). Each is replaced by
/// the child's name, or the invalid Value for null; `changed` receives the property indexes
/// whose child object appeared, went or was replaced. Fails on a malformed QRO_: the caller
/// closes the connection.
Result<void> openChildren(ChildContext& context,
                          ReplicaCore& parent,
                          std::vector<Value>& values,
                          std::vector<int>& changed);

/// The same for one property change.
Result<void> openChild(ChildContext& context,
                       ReplicaCore& parent,
                       int index,
                       Value& value,
                       std::vector<int>& changed);

}  // namespace doppel::detail
