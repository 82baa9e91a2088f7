#include "storage/sqlite/sqlite_store.hpp"

#include <sys/stat.h>

#include "storage/sqlite/database.hpp"

namespace shakwa::storage::sqlite {

extern const std::span<const Migration> kMigrations;  // generated from migrations/*.sql

namespace {

sql::Dialect DialectFor(const std::filesystem::path& path) {
  sql::Dialect d;
  d.connect = [path](bool read_only) -> domain::Result<std::unique_ptr<sql::Connection>> {
    auto db = Connection::Open(path, read_only);
    if (!db) return std::move(db).error();
    return std::unique_ptr<sql::Connection>(std::move(*db));
  };
  // IMMEDIATE: take the write lock at once, so a transaction never fails halfway for want of it.
  d.begin_write = {"BEGIN IMMEDIATE"};
  d.begin_read = "BEGIN";
  d.create_schema_migrations =
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT";
  d.begin_migration = "BEGIN IMMEDIATE";
  // Fold the WAL back into the database so the file stands alone after a clean stop.
  d.on_close = "PRAGMA wal_checkpoint(TRUNCATE)";
  return d;
}

}  // namespace

int LatestSchemaVersion() {
  return kMigrations.empty() ? 0 : kMigrations.back().version;
}

std::span<const Migration> Migrations() {
  return kMigrations;
}

domain::Result<std::vector<int>> Migrate(const std::filesystem::path& path) {
  auto db = Connection::Open(path, false);
  if (!db) return std::move(db).error();
  // The database holds personal data (sealed, but still): keep it from other users, whichever
  // command created it.
  ::chmod(path.c_str(), 0600);
  return sql::Migrate(**db, kMigrations, DialectFor(path), path.string());
}

domain::Result<std::int64_t> RekeyPersonalData(const std::filesystem::path& path,
                                               const app::FieldCipher& cipher) {
  auto migrated = Migrate(path);
  if (!migrated) return std::move(migrated).error();
  auto db = Connection::Open(path, false);
  if (!db) return std::move(db).error();
  return sql::RekeyPersonalData(**db, DialectFor(path), cipher);
}

domain::Result<std::vector<std::string>> ExplainQueuePage(const std::filesystem::path& path,
                                                          const app::CaseQuery& query,
                                                          const app::FieldCipher& cipher) {
  auto db = Connection::Open(path, true);
  if (!db) return std::move(db).error();
  return sql::ExplainQueuePage(**db, DialectFor(path), "EXPLAIN QUERY PLAN ", 3, query, cipher);
}

domain::Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteSettings& settings,
                                                               const app::FieldCipher& cipher) {
  auto migrated = Migrate(settings.path);
  if (!migrated) return std::move(migrated).error();
  // Checkpoints stay on the writer (SQLite's automatic one, every 1000 WAL pages). A separate
  // checkpointer thread was tried: no faster, and its fsync of the database file queued in front
  // of the writer's WAL fsync, tripling p99 at 64 connections (bench/README.md).
  auto store = std::unique_ptr<SqliteStore>(
      new SqliteStore(DialectFor(settings.path), {settings.readers, settings.max_batch}, cipher));
  if (auto s = store->Start(); !s.ok()) return std::move(s).error();
  return store;
}

}  // namespace shakwa::storage::sqlite
