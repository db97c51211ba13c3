// ModelReplica: a lazily filled, bounded copy of a remote item model (Node::acquireModel), the
// counterpart of Qt's QAbstractItemModelReplica. It reads any host that shares a model the way
// Qt's adapter does (a Qt host's enableRemoting(model, ...), or doppel's).
//
// The row count is known as soon as the replica is initialized; data() returns the cached value
// or the invalid Value and asks for the block of rows around it. Requests are coalesced per
// loop turn and read ahead in the direction the application moves; the cache keeps at most
// `cacheRows` rows per parent (least recently used blocks go first). Source changes update the
// cache and reach the application as the same notifications an ItemModel emits.
//
// Ownership: shared (acquireModel returns a shared_ptr); it keeps its underlying Replica.
// Thread safety: the node's loop thread only. Failure: a malformed or missing reply leaves the
// affected rows uncached (data() keeps returning the placeholder and asks again later).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doppel/model.h"
#include "doppel/replica.h"
#include "doppel/signal.h"
#include "doppel/value.h"

namespace doppel {

struct ModelReplicaOptions {
  enum class InitialAction {
    FetchRootSize,  ///< ask only for the root's size (Qt's default); rows come when read
    PrefetchData,   ///< one cache request for the first `prefetchItems` items (Qt's PrefetchData)
    FetchAll,       ///< fetch every root row as fast as the wire allows (pipelined big blocks)
  };
  InitialAction initialAction = InitialAction::FetchRootSize;
  /// Roles to read; empty = every role the source makes available.
  std::vector<int> roles;
  /// Rows kept per parent; older blocks are dropped past it. 0 = unbounded.
  std::size_t cacheRows = 100000;
  /// Rows fetched by one request when the application reads an uncached row.
  int blockRows = 64;
  /// Blocks fetched ahead in the direction of reading.
  int readAheadBlocks = 2;
  /// Rows per request in FetchAll mode, and requests in flight at once. Many mid-sized replies
  /// (~75 KB for two short roles) beat a few big ones: their buffers are reused from the heap
  /// instead of being fresh pages each time, and decoding overlaps the host's encoding.
  int bulkRows = 1024;
  int bulkRequestsInFlight = 8;
  /// Items asked for by PrefetchData.
  std::size_t prefetchItems = 1000;
};

class ModelReplica : public std::enable_shared_from_this<ModelReplica> {
public:
  ~ModelReplica();
  ModelReplica(const ModelReplica&) = delete;
  ModelReplica& operator=(const ModelReplica&) = delete;

  /// The underlying replica of the adapter (state, waitForSource, the raw signals).
  Replica& replica() { return *m_replica; }
  /// Valid once the root size (or prefetch) has arrived after the replica initialized.
  bool isInitialized() const;
  /// Runs the loop until initialized or `timeout`.
  bool waitForInitialized(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

  const std::map<int, std::string>& roleNames() const;
  const std::vector<int>& availableRoles() const;
  /// The roles this replica reads (options.roles or the available roles), in request order.
  const std::vector<int>& roles() const;
  int roleId(std::string_view name) const;  ///< -1 if unknown

  /// Counts under `parent` (root = empty path). For an item whose children were not asked
  /// about yet: 0, and the size is requested (rowsInserted follows when it arrives).
  int rowCount(const IndexPath& parent = {});
  int columnCount(const IndexPath& parent = {});
  bool hasChildren(const IndexPath& index);
  int flags(const IndexPath& index);

  /// The cached value, or the invalid Value while it is being fetched (dataChanged follows).
  Value data(const IndexPath& index, int role);
  Value data(int row, int role) { return data(IndexPath{{row, 0}}, role); }
  bool isCached(const IndexPath& index);
  /// Rows of the root cached now; fetchAll progress.
  std::size_t cachedRows() const;
  bool isFullyCached() const;
  /// Starts fetching every root row (FetchAll); `fullyCached` fires when done.
  void fetchAll();

  /// Asks the source to change a value (replicaSetData); the cache changes when the source's
  /// dataChanged comes back. Ignored for roles the source does not make available.
  void setData(const IndexPath& index, const Value& value, int role);
  /// Header data (cached; fetched on first use, headerDataChanged when it arrives).
  Value headerData(int section, Orientation orientation, int role);

  const IndexPath& currentIndex() const;
  void setCurrentIndex(const IndexPath& index);

  // Notifications (paths instead of ModelIndex) ---------------------------------------------
  Signal<> initialized;
  Signal<const IndexPath&, int, int> rowsInserted;
  Signal<const IndexPath&, int, int> rowsRemoved;
  Signal<const IndexPath&, int, int, const IndexPath&, int> rowsMoved;
  Signal<const IndexPath&, int, int> columnsInserted;
  /// Also emitted when fetched data arrives (like Qt's replica).
  Signal<const IndexPath&, const IndexPath&, const std::vector<int>&> dataChanged;
  Signal<> modelReset;
  Signal<const std::vector<IndexPath>&, int> layoutChanged;
  Signal<Orientation, int, int> headerDataChanged;
  Signal<const IndexPath&, const IndexPath&> currentChanged;
  Signal<> fullyCached;

  struct Impl;
  ModelReplica(std::shared_ptr<Replica> replica, ModelReplicaOptions options);

private:
  std::shared_ptr<Replica> m_replica;
  std::shared_ptr<Impl> m_impl;
};

}  // namespace doppel
