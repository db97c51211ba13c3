// The SQLite PropertyStore. Schema (version 1, PRAGMA user_version):
//
//   doppel_persisted(object TEXT, property TEXT, type TEXT, value BLOB,
//                    PRIMARY KEY (object, property)) WITHOUT ROWID
//
// PRAGMA application_id marks the file as doppel's, so a store pointed at another application's
// database refuses to open instead of adding a table to it.
#include "doppel/sqlite_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <utility>

#include "persist/sqlite_statement.h"

namespace doppel {
namespace {

constexpr std::int64_t kApplicationId = 0x64706c31;  // "dpl1"
constexpr std::int64_t kSchemaVersion = 1;

class SqliteStore final : public PropertyStore {
public:
  SqliteStore(persist::Database db, std::string path)
      : m_db(std::move(db)), m_path(std::move(path)) {}

  Result<void> prepare() {
    auto select = m_db.prepare(
        "SELECT type, value FROM doppel_persisted WHERE object = ?1 AND property = ?2");
    if (!select) return select.error();
    auto upsert = m_db.prepare(
        "INSERT INTO doppel_persisted (object, property, type, value) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (object, property) DO UPDATE SET type = excluded.type, value = excluded.value");
    if (!upsert) return upsert.error();
    m_select = std::move(select).value();
    m_upsert = std::move(upsert).value();
    return {};
  }

  Result<std::optional<StoredValue>> load(std::string_view object,
                                          std::string_view property) override {
    persist::Statement::Reset reset(m_select);
    m_select.bindText(1, object);
    m_select.bindText(2, property);
    const int rc = m_select.step();
    if (rc == SQLITE_DONE) return std::optional<StoredValue>();
    if (rc != SQLITE_ROW) return m_db.error("cannot read " + m_path, rc);
    return std::optional<StoredValue>(StoredValue{m_select.text(0), m_select.blob(1)});
  }

  Result<void> save(std::string_view object,
                    std::string_view property,
                    const StoredValue& value) override {
    persist::Statement::Reset reset(m_upsert);
    m_upsert.bindText(1, object);
    m_upsert.bindText(2, property);
    m_upsert.bindText(3, value.typeKey);
    m_upsert.bindBlob(4, value.bytes);
    // Autocommit: when step returns DONE the transaction is in the WAL file (and, with
    // synchronous=FULL, on disk).
    const int rc = m_upsert.step();
    if (rc != SQLITE_DONE) return m_db.error("cannot save to " + m_path, rc);
    return {};
  }

private:
  persist::Database m_db;
  std::string m_path;
  persist::Statement m_select;
  persist::Statement m_upsert;
};

/// Refuses a database that belongs to another application or a newer doppel, before anything
/// is written to it. Returns whether the file is still blank (application_id 0).
Result<bool> checkOwner(persist::Database& db, const std::string& path) {
  // The first read of a file that is not a database fails here with "file is not a database".
  auto appId = db.queryInt("PRAGMA application_id");
  if (!appId) return appId.error();
  if (*appId != 0 && *appId != kApplicationId) {
    return makeError(ErrorCode::Malformed,
                     path + " is a SQLite database of another application (application_id " +
                         std::to_string(*appId) + "), not a doppel store");
  }
  auto version = db.queryInt("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > kSchemaVersion) {
    return makeError(ErrorCode::NotSupported, path + " has store schema " +
                                                  std::to_string(*version) +
                                                  ", written by a newer doppel (this one reads " +
                                                  std::to_string(kSchemaVersion) + ")");
  }
  return *appId == 0;
}

Result<void> checkAndCreateSchema(persist::Database& db, const std::string& path, bool blank) {
  auto check = db.queryText("PRAGMA quick_check");
  if (!check) return check.error();
  if (*check != "ok") return makeError(ErrorCode::Malformed, path + " is corrupt: " + *check);
  if (!blank) return {};
  return db.exec("CREATE TABLE IF NOT EXISTS doppel_persisted ("
                 " object TEXT NOT NULL, property TEXT NOT NULL,"
                 " type TEXT NOT NULL, value BLOB NOT NULL,"
                 " PRIMARY KEY (object, property)) WITHOUT ROWID;"
                 "PRAGMA application_id = " + std::to_string(kApplicationId) + ";"
                 "PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";");
}

}  // namespace

Result<std::shared_ptr<PropertyStore>> openSqliteStore(const std::string& path,
                                                       SqliteStoreOptions options) {
  auto db = persist::Database::open(path, options.busyTimeout);
  if (!db) return db.error();
  auto blank = checkOwner(*db, path);
  if (!blank) return blank.error();
  // WAL: a commit appends to the log and needs no rollback journal; readers in other processes
  // (the sqlite3 shell) do not block the host.
  auto mode = db->queryText("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (*mode != "wal") {
    return makeError(ErrorCode::NotSupported,
                     path + ": cannot use WAL mode (journal_mode is " + *mode + ")");
  }
  if (auto r = db->exec(options.syncToDisk ? "PRAGMA synchronous = FULL"
                                           : "PRAGMA synchronous = NORMAL");
      !r)
    return r.error();
  if (auto r = checkAndCreateSchema(*db, path, *blank); !r) return r.error();
  auto store = std::make_shared<SqliteStore>(std::move(db).value(), path);
  if (auto r = store->prepare(); !r) return r.error();
  return std::shared_ptr<PropertyStore>(std::move(store));
}

}  // namespace doppel
