// Moving a store from one SQL backend to another (`shakwa migrate-store`, SQLite to PostgreSQL):
// the list of tables copied, the copy itself, and the checksums that verify it.
//
// Backend-neutral: everything here speaks storage/sql/sql.hpp, so the same code reads both sides.
// What is particular to one engine (resetting PostgreSQL's identity sequences) is a hook the
// caller supplies.
//
// The copy (CopyStore):
//  * reads the source in one transaction (a consistent snapshot) and writes the target in one
//    transaction: it all commits, or the target is left as it was;
//  * refuses a target that holds any row in a table it would fill, except a table holding exactly
//    the rows a fresh schema is seeded with (the categories), whose rows are replaced;
//  * copies the tables in foreign-key order, in multi-row INSERTs of a few hundred rows, with
//    explicit column lists (never the generated columns), every value as its declared type;
//  * then verifies before committing: for every table, the count and a SHA-256 over every row in
//    primary-key order (TableChecksum), read back on both sides through the same code. A
//    difference rolls the target back and names the table.
//
// Why verify before committing rather than after: a mismatch then leaves the target empty, as
// any other failure does, and the operator can simply run the command again; the target's
// transaction reads its own writes, so what is checked is exactly what COMMIT makes durable.
//
// Thread safety: none needed; one call uses its two connections from the calling thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "storage/sql/sql.hpp"

namespace shakwa::storage::migrate {

// How a column's values are read and written: the declared type (INTEGER/BIGINT, TEXT,
// BLOB/BYTEA). Booleans and instants are integers.
enum class ColumnType { kInt, kText, kBlob };

struct Column {
  std::string_view name;
  ColumnType type;
};

struct Table {
  std::string_view name;
  // Every stored column, in the order of the schema; never a generated one.
  std::vector<Column> columns;
  // The primary key's columns, in order: the order rows are copied and checksummed in.
  std::vector<std::string_view> key;
  // An integer key the engine numbers itself (SQLite's INTEGER PRIMARY KEY, PostgreSQL's
  // identity column), whose sequence must continue after the copied ids; empty when none.
  std::string_view identity;
};

// The tables CopyStore copies, in foreign-key order (a table comes after those it refers to).
// When a migration adds a table or a column, add it here: migrate_store_test compares this list
// with the migrated schema and fails until it is.
std::span<const Table> CopiedTables();

// Tables deliberately not copied: the schema's own bookkeeping (each backend migrates itself)
// and the scheduled jobs' leases (taken afresh by the first node that runs a job).
std::span<const std::string_view> SkippedTables();

// A table's row count and the SHA-256 over its rows.
struct TableChecksum {
  std::string table;
  std::int64_t rows = 0;
  std::string sha256_hex;  // 64 lower-case hex digits

  bool operator==(const TableChecksum&) const = default;
};

// Reads every row of table in primary-key order and hashes it. Each value is encoded
// canonically, whatever the engine: a type tag ('I' integer, 'T' text, 'B' blob, 'N' null), and
// for integers 8 bytes big-endian, for text and blobs an 8-byte big-endian length and the bytes;
// so NULL differs from an empty string, and 1 from "1". The hash starts with the table's name and
// column list. Rows are ordered by the engine when the key has no text column (integer and blob
// orders are the same on every engine), else sorted here by the encoded key (collations differ).
domain::Result<TableChecksum> ChecksumTable(sql::Connection& db, const Table& table);

// The schema version recorded in db's schema_migrations (0 when it has none).
domain::Result<int> SchemaVersion(sql::Connection& db);

// How far the copy is, for the operator: a table's rows copied so far out of its total.
struct CopyProgress {
  std::string_view table;
  std::int64_t copied = 0;
  std::int64_t total = 0;
  bool finished = false;  // the table is copied (copied == total)
};

struct CopyOptions {
  // The schema version both sides must be at (this binary's latest).
  int schema_version = 0;
  // Rows per INSERT (fewer for wide tables, to stay under the engines' parameter limits).
  int batch_rows = 250;
  // Report progress at least this often (in rows), and when each table is done.
  std::int64_t progress_every = 2000;
  std::function<void(const CopyProgress&)> progress;
  // Checksums of the tables a fresh schema is seeded with (SeedChecksums): a target table whose
  // checksum is one of these counts as empty and is emptied before the copy.
  std::map<std::string, TableChecksum, std::less<>> seeds;
  // Run in the target's transaction after every table is copied and before the verification,
  // once per table with an identity column: e.g. moving PostgreSQL's sequence past the ids.
  std::function<domain::Status(sql::Connection& target, const Table& table)> after_copy;
  // Copy and verify, then roll back instead of committing.
  bool dry_run = false;
};

struct CopyReport {
  std::vector<TableChecksum> tables;  // verified: the same on both sides
  std::int64_t rows = 0;              // rows copied, all tables
  std::chrono::milliseconds elapsed{0};
  bool committed = false;  // false after a dry run
};

// Copies every table of CopiedTables() from source into target, verifies, and commits (see the
// top of this file). On failure the target's transaction is rolled back and the error's detail
// names the step and table; a non-empty target is kConflict, a schema version that differs
// from options.schema_version is kConflict too. Leaves both connections outside any transaction.
// REQUIRES: neither connection is inside a transaction; the target's schema is migrated.
domain::Result<CopyReport> CopyStore(sql::Connection& source, sql::Connection& target,
                                     const CopyOptions& options);

// The checksums of the tables a freshly migrated SQLite store holds rows in (the seeded
// categories), for CopyOptions::seeds. Migrates a scratch database under a temporary directory,
// and removes it.
domain::Result<std::map<std::string, TableChecksum, std::less<>>> SeedChecksums();

}  // namespace shakwa::storage::migrate
