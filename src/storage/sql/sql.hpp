// The SQL a store speaks, whichever engine runs it: a connection, and prepared statements with
// typed binds. SQLite (storage/sqlite/database.hpp) and PostgreSQL (storage/postgres/database.hpp)
// implement it, so the store's own logic (storage/sql/sql_store.cpp) is written once.
//
// Statements are written in SQLite's placeholder style, `?` and `?N` (1-based; a bare `?` takes
// the number after the largest used so far); PostgreSQL's driver renumbers them as `$N`. Instants
// are BIGINT milliseconds, booleans 0/1 integers, sealed values and hashes BLOB/BYTEA, so the same
// statement reads and writes the same values on both.
//
// Errors become domain Errors here, at the boundary: kUnavailable when the database cannot answer
// (gone, busy, read-only), kInternal for a broken constraint (a bug, unless the caller expected
// it: LastViolation says which).
//
// Thread safety: a Connection and its Statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "domain/result.hpp"

namespace shakwa::storage::sql {

// What kind of constraint the last failed statement broke, so that adapters can turn an expected
// violation (a duplicate e-mail) into a domain error instead of a bug report.
enum class Violation { kNone, kUnique, kForeignKey, kOther };

class Statement {
 public:
  virtual ~Statement() = default;

  // Binds are 1-based, as in SQL. A bound value stays until Reset.
  virtual Statement& Bind(int index, std::int64_t value) = 0;
  virtual Statement& Bind(int index, std::string_view text) = 0;
  virtual Statement& BindBlob(int index, std::string_view bytes) = 0;
  virtual Statement& BindNull(int index) = 0;
  // Literals and strings bind as text (without these, the optional overload makes them ambiguous).
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& Bind(int index, const std::optional<std::string>& text) {
    return text ? Bind(index, std::string_view(*text)) : BindNull(index);
  }
  Statement& Bind(int index, const std::optional<std::int64_t>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  Statement& BindBlob(int index, std::span<const std::uint8_t> bytes) {
    return BindBlob(index,
                    std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }

  // Advances; true while a row is available (the first call runs the statement).
  virtual domain::Result<bool> Step() = 0;
  // Steps to completion, for statements that return no rows (resets afterwards).
  domain::Status Run() {
    domain::Result<bool> row{false};
    do {
      row = Step();
    } while (row && *row);
    Reset();
    if (!row) return std::move(row).error();
    return domain::Status::Ok();
  }
  // Clears bindings and rewinds, ready for reuse.
  virtual void Reset() = 0;

  // Columns of the current row, 0-based.
  virtual std::int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  std::optional<std::string> OptionalText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
  }
  std::optional<std::int64_t> OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }

 protected:
  Statement() = default;
  Statement(const Statement&) = default;
  Statement& operator=(const Statement&) = default;
};

class Connection {
 public:
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows (a migration file, BEGIN, COMMIT).
  virtual domain::Status Execute(std::string_view sql) = 0;
  virtual domain::Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE run on this connection.
  virtual std::int64_t Changes() const = 0;
  // The constraint the last failed statement broke, if any. Ask before running another.
  virtual Violation LastViolation() const = 0;
  // True once the connection can no longer be used (the server went away): open a new one.
  virtual bool Broken() const = 0;

 protected:
  Connection() = default;
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

}  // namespace shakwa::storage::sql
