// The SQL connection (storage/sql/sql.hpp) over PostgreSQL's libpq: statements written in SQLite's
// placeholder style are renumbered as $N and prepared server-side; values travel in text format,
// blobs in binary. Errors become domain Errors here, at the boundary; nothing from libpq-fe.h
// leaks upward.
//
// A Connection owns one libpq connection. Its Statements may outlive it safely (they then fail
// with kUnavailable), but are meant to be dropped first: each DEALLOCATEs its server-side twin.
//
// Differences from SQLite that the shared SQL must mind:
//  * After any error inside a transaction, PostgreSQL refuses every statement until ROLLBACK
//    (SQLite only undoes the failed statement). A caller that expects a violation and carries
//    on must either ROLLBACK or wrap the statement in a SAVEPOINT.
//  * A parameter's type is inferred from where it stands: `? IS NULL` alone cannot be typed, and
//    `? + 1` is typed integer (32-bit). Write CAST(? AS BIGINT) there; both engines accept it.
//  * Text must be valid UTF-8 (the server rejects anything else); blobs go only where BYTEA is.
//
// Thread safety: a Connection and its Statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "storage/migration.hpp"
#include "storage/sql/sql.hpp"

struct pg_conn;

namespace shakwa::storage::postgres {

// The schema's migrations, numbered alike with SQLite's (migrations/NNNN_name.sql, embedded at
// build time). Each runs in one Execute: libpq sends a file as one implicit transaction.
extern const std::span<const Migration> kMigrations;

// Rewrites SQLite-style placeholders as PostgreSQL's: `?N` becomes `$N`, and a bare `?` becomes
// `$M` where M is one more than the largest number used before it (as SQLite numbers them).
// Question marks inside '…' literals, "…" identifiers, -- and /* */ comments are left alone.
// Stores in *count the number of parameters (the largest N), when count is not null.
std::string ToDollarPlaceholders(std::string_view sql, int* count);

class Connection final : public sql::Connection {
 public:
  // The libpq connection and what its statements share with it (defined in database.cpp).
  struct Session;

  // Connects to url (any libpq connection string or URI), with UTF-8 client encoding, and with
  // synchronous_commit at least on: a COMMIT that returns is durable. kUnavailable if the server
  // cannot be reached or refuses; the detail never holds the password.
  static domain::Result<std::unique_ptr<Connection>> Open(std::string_view url);

  ~Connection() override;

  domain::Status Execute(std::string_view sql) override;
  domain::Result<std::unique_ptr<sql::Statement>> Prepare(std::string_view sql) override;
  std::int64_t Changes() const override;
  sql::Violation LastViolation() const override;
  bool Broken() const override;

  // The server's process id for this connection (pg_backend_pid()), for logs and tests.
  int BackendPid() const;

 private:
  explicit Connection(std::shared_ptr<Session> session);
  std::shared_ptr<Session> session_;
};

// Connection::Open, by the name the rest of Shakwa uses.
domain::Result<std::unique_ptr<Connection>> Connect(std::string_view url);

}  // namespace shakwa::storage::postgres
