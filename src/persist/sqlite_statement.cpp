#include "persist/sqlite_statement.h"

#include <sqlite3.h>

namespace doppel::persist {

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(m_stmt);
    m_stmt = std::exchange(other.m_stmt, nullptr);
  }
  return *this;
}

Statement::Reset::~Reset() {
  sqlite3_reset(m_s.m_stmt);
  sqlite3_clear_bindings(m_s.m_stmt);
}

void Statement::bindText(int index, std::string_view text) {
  sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::bindBlob(int index, std::string_view bytes) {
  // A zero-length blob is still a blob, not NULL (the column is NOT NULL).
  sqlite3_bind_blob(m_stmt, index, bytes.empty() ? "" : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

int Statement::step() { return sqlite3_step(m_stmt); }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(m_stmt, column);
  const int n = sqlite3_column_bytes(m_stmt, column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}

std::string Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(m_stmt, column);
  const int n = sqlite3_column_bytes(m_stmt, column);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

Result<Database> Database::open(const std::string& path, std::chrono::milliseconds busyTimeout) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Database out(db, path);  // closes a half-opened handle too
  if (rc != SQLITE_OK) return out.error("cannot open " + path, rc);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busyTimeout.count()));
  return out;
}

Database::~Database() { sqlite3_close_v2(m_db); }

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  Statement out(stmt);
  if (rc != SQLITE_OK) return error(m_path, rc);
  return out;
}

Result<void> Database::exec(const std::string& sql) {
  const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(m_path, rc);
  return {};
}

Result<std::int64_t> Database::queryInt(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc == SQLITE_ROW) return stmt->integer(0);
  if (rc == SQLITE_DONE) return std::int64_t{0};
  return error(m_path, rc);
}

Result<std::string> Database::queryText(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc == SQLITE_ROW) return stmt->text(0);
  if (rc == SQLITE_DONE) return std::string();
  return error(m_path, rc);
}

Error Database::error(const std::string& what, int rc) const {
  ErrorCode code = ErrorCode::ConnectionFailed;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::Timeout;  // another connection held the lock past busyTimeout
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      code = ErrorCode::Malformed;
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      code = ErrorCode::InvalidArgument;
      break;
    default:
      break;
  }
  const char* message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
  return makeError(code, what + ": " + message + " (SQLite error " + std::to_string(rc) + ")");
}

}  // namespace doppel::persist
