// What the model replica needs from a Node beyond its public API (internal; implemented in
// node.cpp): the node's type registry, to read row replies as encoded bytes.
#pragma once

namespace doppel {
class Node;
namespace wire {
class TypeRegistry;
}
namespace detail {
struct NodeInternals {
  static wire::TypeRegistry& types(Node& node);
};
}  // namespace detail
}  // namespace doppel
