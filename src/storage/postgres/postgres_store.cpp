#include "storage/postgres/postgres_store.hpp"

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
  d.limit_each_status = true;
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
  // postgresql://user:secret@host…: the userinfo ends at the last '@' before the query (not
  // before the path: a password may hold an unescaped '/').
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t query = out.find('?', start);
    const std::size_t at = out.rfind('@', query == std::string::npos ? std::string::npos : query);
    if (at != std::string::npos && at >= start) {
      const std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=secret, in a query string (ends at '&') or a key=value string (ends at a space;
  // quoted values may hold spaces).
  for (std::size_t from = 0;;) {
    const std::size_t key = out.find("password=", from);
    if (key == std::string::npos) break;
    const bool starts_word = key == 0 || out[key - 1] == '?' || out[key - 1] == '&' ||
                             out[key - 1] == ' ' || out[key - 1] == '\t';
    const std::size_t value = key + 9;
    if (!starts_word) {
      from = value;
      continue;
    }
    std::size_t end = value;
    if (end < out.size() && out[end] == '\'') {
      for (++end; end < out.size() && out[end] != '\''; ++end) {
        if (out[end] == '\\') ++end;
      }
      if (end < out.size()) ++end;
    } else {
      end = out.find_first_of("& \t", value);
      if (end == std::string::npos) end = out.size();
    }
    out.replace(value, end - value, "***");
    from = value + 3;
  }
  return out;
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
  return sql::ExplainQueuePage(**db, DialectFor(url), "EXPLAIN ", 0, query, cipher);
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
