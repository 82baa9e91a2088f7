// SqliteStore: the embedded store, one database file in the data directory: the shared SQL store
// (storage/sql/sql_store.hpp) on SQLite.
//
// One writer connection (WAL, synchronous=FULL: every commit is on disk before it returns) and a
// pool of read connections (WAL lets them read beside the writer). The single writer is also the
// lease for background jobs and the order of the audit trail within one server; other processes
// (the CLI) wait on SQLite's own write lock (BEGIN IMMEDIATE, up to the busy timeout).
//
// Thread safety: as SqlStore.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/ports/secrets.hpp"
#include "storage/sql/sql_store.hpp"

namespace shakwa::storage::sqlite {

struct SqliteSettings {
  std::filesystem::path path;   // the database file
  int readers = 4;              // read connections in the pool
  std::size_t max_batch = 512;  // most use-case transactions sharing one commit
};

// Brings the schema at path up to date. Returns the versions applied (empty if none).
domain::Result<std::vector<int>> Migrate(const std::filesystem::path& path);

// The schema version this binary knows.
int LatestSchemaVersion();

// The SQLite migrations, in order (for tools that copy between engines).
std::span<const Migration> Migrations();

// sql::RekeyPersonalData on the database at path (migrated first), for `shakwa keys rotate`.
// Holds the write lock throughout: a running server's writes wait (up to the busy timeout, then
// fail as kUnavailable) until it commits.
domain::Result<std::int64_t> RekeyPersonalData(const std::filesystem::path& db,
                                               const app::FieldCipher& cipher);

// How SQLite would read the page of query (EXPLAIN QUERY PLAN, one detail line per step, in
// order), for the tests that hold staff queues to their indexes and for diagnosing a slow queue.
domain::Result<std::vector<std::string>> ExplainQueuePage(const std::filesystem::path& db,
                                                          const app::CaseQuery& query,
                                                          const app::FieldCipher& cipher);

class SqliteStore final : public sql::SqlStore {
 public:
  // Migrates, then opens the writer and the read pool.
  static domain::Result<std::unique_ptr<SqliteStore>> Open(const SqliteSettings& settings,
                                                           const app::FieldCipher& cipher);

 private:
  using SqlStore::SqlStore;
};

}  // namespace shakwa::storage::sqlite
