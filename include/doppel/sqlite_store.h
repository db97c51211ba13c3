// The default PropertyStore: one SQLite file (docs/persistence.md). Values are kept in one table
// keyed by (object, property), next to the type key they were written for; each save is one
// prepared upsert committed in WAL mode, so a save that returned survives the process being
// killed right after (SIGKILL, a crash). Opening checks that the file is a SQLite database that
// belongs to doppel (or is empty) and is not corrupt.
//
//   auto store = doppel::openSqliteStore("state.sqlite");
//   if (!store) log(LogLevel::Error, "app", store.error().toString());  // run at defaults
//   doppel::Host host(loop, {.store = store ? *store : nullptr});
//
// Failure behaviour: open fails with a clear Error for a path that cannot be opened, a file that
// is not a database or not ours, a corrupt database, or a lock held longer than busyTimeout. Later
// saves and loads return Errors (the host logs them and carries on in memory).
// Thread safety: one thread at a time (the host's loop thread). Several processes may share a
// file; each write waits up to busyTimeout for the others.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "doppel/result.h"
#include "doppel/store.h"

namespace doppel {

struct SqliteStoreOptions {
  /// How long an open or a save waits for a lock another connection holds. The host's loop is
  /// blocked meanwhile, so keep it short.
  std::chrono::milliseconds busyTimeout{200};
  /// false (default): SQLite's synchronous=NORMAL in WAL mode: a save survives the process being
  /// killed, and costs tens of microseconds. true: synchronous=FULL, an fsync per save: it also
  /// survives a power loss or an OS crash, at the cost of a disk flush per change.
  bool syncToDisk = false;
};

/// Opens the store at `path`, creating the file and its table if needed.
Result<std::shared_ptr<PropertyStore>> openSqliteStore(const std::string& path,
                                                       SqliteStoreOptions options = {});

}  // namespace doppel
