// Thin RAII owners of a sqlite3 connection and a prepared statement, with SQLite's error codes
// turned into doppel Errors that name the file and SQLite's own message.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "doppel/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace doppel::persist {

class Statement {
public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Resets and clears the bindings of a statement when the scope ends, so a reused prepared
  /// statement holds no read lock between uses.
  class Reset {
  public:
    explicit Reset(Statement& s) : m_s(s) {}
    ~Reset();
    Reset(const Reset&) = delete;
    Reset& operator=(const Reset&) = delete;

  private:
    Statement& m_s;
  };

  void bindText(int index, std::string_view text);
  void bindBlob(int index, std::string_view bytes);
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  std::string text(int column) const;
  std::string blob(int column) const;
  std::int64_t integer(int column) const;

private:
  sqlite3_stmt* m_stmt = nullptr;
};

class Database {
public:
  /// Opens (creating) the file read-write; `busyTimeout` bounds every wait for a lock.
  static Result<Database> open(const std::string& path, std::chrono::milliseconds busyTimeout);

  Database(Database&& other) noexcept
      : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<Statement> prepare(std::string_view sql);
  /// Runs statements that return no rows.
  Result<void> exec(const std::string& sql);
  /// The first column of the first row of a query.
  Result<std::int64_t> queryInt(std::string_view sql);
  Result<std::string> queryText(std::string_view sql);

  /// "<what>: <SQLite's message> (SQLite error N)", with an ErrorCode that says what kind.
  Error error(const std::string& what, int rc) const;

private:
  Database(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}
  sqlite3* m_db = nullptr;
  std::string m_path;
};

}  // namespace doppel::persist
