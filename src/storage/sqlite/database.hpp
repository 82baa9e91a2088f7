// SQLite behind the backend-neutral SQL interface (storage/sql/sql.hpp): a connection, and prepared
// statements with typed binds. Errors become domain Errors here, at the boundary; nothing from
// sqlite3.h leaks upward.
//
// Thread safety: a Connection and its Statements belong to one thread at a time (SQLite is built
// serialised, but Shakwa never shares a connection: the writer owns one, each reader its own).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "storage/sql/sql.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace shakwa::storage::sqlite {

class Statement;
using sql::Violation;

class Connection final : public sql::Connection {
 public:
  // Opens (creating if need be) the database at path, in WAL mode with synchronous=FULL: every
  // COMMIT is on disk before it returns.
  static domain::Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& path,
                                                          bool read_only);
  ~Connection() override;

  domain::Status Execute(std::string_view sql) override;
  domain::Result<std::unique_ptr<sql::Statement>> Prepare(std::string_view sql) override;
  std::int64_t Changes() const override;
  Violation LastViolation() const override;
  bool Broken() const override { return db_ == nullptr; }
  std::int64_t LastInsertId() const;

  // The error of the last failed call, as a domain Error (kUnavailable, or kInternal for
  // constraint violations, which mean a bug).
  domain::Error LastError(std::string_view context) const;

  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

class Statement final : public sql::Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() override;

  using sql::Statement::Bind;
  using sql::Statement::BindBlob;
  Statement& Bind(int index, std::int64_t value) override;
  Statement& Bind(int index, std::string_view text) override;
  Statement& BindBlob(int index, std::string_view bytes) override;
  Statement& BindNull(int index) override;

  domain::Result<bool> Step() override;
  void Reset() override;

  std::int64_t Int(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;
  bool IsNull(int column) const override;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

using sql::StatementUse;

}  // namespace shakwa::storage::sqlite
