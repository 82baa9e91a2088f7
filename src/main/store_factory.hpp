// The store the settings name ([storage] kind): SQLite in the data directory (the default), or
// PostgreSQL at [storage] url. Every command that reads or writes cases opens it through here, so
// serve, the staff commands, `audit verify` and `keys rotate` all follow the same settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/ports/secrets.hpp"
#include "domain/result.hpp"
#include "main/settings.hpp"
#include "storage/sql/sql_store.hpp"

namespace shakwa::main {

// Migrates, then opens the store with readers read connections and batches of up to max_batch.
domain::Result<std::unique_ptr<storage::sql::SqlStore>> OpenStore(const Settings& settings,
                                                                  const app::FieldCipher& cipher,
                                                                  int readers,
                                                                  std::size_t max_batch);

// Brings the schema up to date. Returns the versions applied (empty if none).
domain::Result<std::vector<int>> MigrateStore(const Settings& settings);

// The schema version this binary knows for the configured kind.
int LatestSchemaVersion(const Settings& settings);

// Re-seals every case's personal data under the cipher's active key (`keys rotate`).
domain::Result<std::int64_t> RekeyStore(const Settings& settings, const app::FieldCipher& cipher);

// Whether the store has been created yet (a SQLite file exists; a server database always may).
bool StoreMayExist(const Settings& settings);

// "sqlite:<path>" or "postgres:<url without its password>", for logs and messages.
std::string StoreName(const Settings& settings);

}  // namespace shakwa::main
