// A thin RAII layer over the SQLite C API: a connection, and prepared statements with typed binds.
// Errors become domain Errors here, at the boundary; nothing from sqlite3.h leaks upward.
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

struct sqlite3;
struct sqlite3_stmt;

namespace shakwa::storage::sqlite {

class Statement;

// What kind of constraint the last failed statement broke, so that adapters can turn an expected
// violation (a duplicate e-mail) into a domain error instead of a bug report.
enum class Violation { kNone, kUnique, kForeignKey, kOther };

class Connection {
 public:
  // Opens (creating if need be) the database at path, in WAL mode with synchronous=FULL: every
  // COMMIT is on disk before it returns.
  static domain::Result<Connection> Open(const std::filesystem::path& path, bool read_only);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return no rows.
  domain::Status Execute(std::string_view sql);
  domain::Result<Statement> Prepare(std::string_view sql);
  std::int64_t LastInsertId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;
  // The constraint the last failed statement broke, if any. Ask before running another.
  Violation LastViolation() const;

  // The error of the last failed call, as a domain Error (kUnavailable, or kInternal for
  // constraint violations, which mean a bug).
  domain::Error LastError(std::string_view context) const;

  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, as in SQL.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const std::optional<std::string>& text);
  Statement& Bind(int index, const std::optional<std::int64_t>& value);
  Statement& BindBlob(int index, std::span<const std::uint8_t> bytes);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Advances; true while a row is available. On failure returns the error.
  domain::Result<bool> Step();
  // Steps to completion, for statements that return no rows (resets afterwards).
  domain::Status Run();
  // Clears bindings and rewinds, ready for reuse.
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// A statement that resets itself when the scope ends, whatever path leaves it.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_(statement) {}
  ~StatementUse() { statement_.Reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  Statement* operator->() { return &statement_; }
  Statement& operator*() { return statement_; }

 private:
  Statement& statement_;
};

}  // namespace shakwa::storage::sqlite
