#include "storage/postgres/postgres_store.hpp"

#include <regex>

#include "storage/postgres/database.hpp"

namespace shakwa::storage::postgres {

namespace {

// Advisory locks are per database; naming the schema in the key keeps installations that share a
// database (one schema each) from waiting on one another.
std::string AdvisoryKey(std::string_view purpose) {
  return "hashtext('shakwa." + std::string(purpose) + "/' || current_schema())";
}

sql::Dialect DialectFor(const std::string& url) {
  sql::Dialect d;
  d.connect = [url](bool) -> domain::Result<std::unique_ptr<sql::Connection>> {
    auto db = Connect(url);
    if (!db) return std::move(db).error();
    return std::unique_ptr<sql::Connection>(std::move(*db));
  };
  // Held to the commit: one node's writer at a time, so the audit chain's appends never race
  // (each reads the last link), and no two writers can deadlock on each other's rows.
  d.begin_write = {"BEGIN", "SELECT pg_advisory_xact_lock(" + AdvisoryKey("writer") + ")"};
  d.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  // The outbox claim stays exclusive even without the writer's lock: rows another transaction
  // holds are skipped, not waited for.
  d.claim_rows = " FOR UPDATE SKIP LOCKED";
  d.create_schema_migrations =
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY,"
      " name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
  d.migrations_lock = "SELECT pg_advisory_lock(" + AdvisoryKey("migrations") + ")";
  d.migrations_unlock = "SELECT pg_advisory_unlock(" + AdvisoryKey("migrations") + ")";
  d.begin_migration = "BEGIN";
  return d;
}

}  // namespace

std::string WithoutPassword(std::string_view url) {
  std::string out(url);
  // URI form: scheme://user:password@host…
  static const std::regex kUriPassword(R"(^([a-z]+://[^:/@?]*):[^@/?]*@)");
  out = std::regex_replace(out, kUriPassword, "$1:***@");
  // Key-value form and URI parameters: password=…
  static const std::regex kPasswordParameter(R"((password\s*=\s*)('[^']*'|[^\s&]*))");
  return std::regex_replace(out, kPasswordParameter, "$1***");
}

int LatestSchemaVersion() {
  return kMigrations.empty() ? 0 : kMigrations.back().version;
}

domain::Result<std::vector<int>> Migrate(const std::string& url) {
  auto db = Connect(url);
  if (!db) return std::move(db).error();
  return sql::Migrate(**db, kMigrations, DialectFor(url), WithoutPassword(url));
}

domain::Result<std::int64_t> RekeyPersonalData(const std::string& url,
                                               const app::FieldCipher& cipher) {
  auto migrated = Migrate(url);
  if (!migrated) return std::move(migrated).error();
  auto db = Connect(url);
  if (!db) return std::move(db).error();
  return sql::RekeyPersonalData(**db, DialectFor(url), cipher);
}

domain::Result<std::vector<std::string>> ExplainQueuePage(const std::string& url,
                                                          const app::CaseQuery& query,
                                                          const app::FieldCipher& cipher) {
  auto db = Connect(url);
  if (!db) return std::move(db).error();
  return sql::ExplainQueuePage(**db, "EXPLAIN ", 0, query, cipher);
}

domain::Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresSettings& settings,
                                                                   const app::FieldCipher& cipher) {
  auto migrated = Migrate(settings.url);
  if (!migrated) return std::move(migrated).error();
  auto store = std::unique_ptr<PostgresStore>(
      new PostgresStore(DialectFor(settings.url), {settings.readers, settings.max_batch}, cipher));
  if (auto s = store->Start(); !s.ok()) return std::move(s).error();
  return store;
}

}  // namespace shakwa::storage::postgres
