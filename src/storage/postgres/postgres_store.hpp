// PostgresStore: the shared SQL store (storage/sql/sql_store.hpp) on PostgreSQL, for agencies that
// run several Shakwa nodes on one database (docs/operations.md, ADR 0013).
//
// Each node has one writer connection, group-committing as on SQLite (one synchronous commit per
// batch), and a pool of read connections, each read in a REPEATABLE READ, READ ONLY snapshot.
// Across nodes, every writer's transaction begins by taking one advisory lock (per schema), held
// to its commit: the audit trail is one hash chain, and each append reads the last link, so the
// nodes' write transactions must follow one another. Reads, pages and deliveries run on every
// node at once.
//
// Nodes starting together migrate once (an advisory lock around the migrations).
//
// Thread safety: as SqlStore.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "app/ports/secrets.hpp"
#include "storage/sql/sql_store.hpp"

namespace shakwa::storage::postgres {

struct PostgresSettings {
  std::string url;              // any libpq connection string or URI
  int readers = 4;              // read connections in the pool
  std::size_t max_batch = 512;  // most use-case transactions sharing one commit
};

// Brings the schema at url up to date. Returns the versions applied (empty if none).
domain::Result<std::vector<int>> Migrate(const std::string& url);

// The schema version this binary knows.
int LatestSchemaVersion();

// sql::RekeyPersonalData on the database at url (migrated first), for `shakwa keys rotate`.
domain::Result<std::int64_t> RekeyPersonalData(const std::string& url,
                                               const app::FieldCipher& cipher);

// How PostgreSQL would read the page of query (EXPLAIN, one line per row of the plan).
domain::Result<std::vector<std::string>> ExplainQueuePage(const std::string& url,
                                                          const app::CaseQuery& query,
                                                          const app::FieldCipher& cipher);

// url with its password, if any, replaced by "***", for messages and logs: the userinfo of a URI
// (postgresql://user:secret@host) and a password= parameter (in a URI's query or a key=value
// string) alike.
std::string WithoutPassword(std::string_view url);

class PostgresStore final : public sql::SqlStore {
 public:
  // Migrates, then opens the writer and the read pool.
  static domain::Result<std::unique_ptr<PostgresStore>> Open(const PostgresSettings& settings,
                                                             const app::FieldCipher& cipher);

 private:
  using SqlStore::SqlStore;
};

}  // namespace shakwa::storage::postgres
