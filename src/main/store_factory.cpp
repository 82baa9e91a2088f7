#include "main/store_factory.hpp"

#include <filesystem>

#include "main/admin_commands.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shakwa::main {

namespace {

bool IsPostgres(const Settings& settings) {
  return settings.storage.kind == "postgres";
}

}  // namespace

domain::Result<std::unique_ptr<storage::sql::SqlStore>> OpenStore(const Settings& settings,
                                                                  const app::FieldCipher& cipher,
                                                                  int readers,
                                                                  std::size_t max_batch) {
  if (IsPostgres(settings)) {
    auto store =
        storage::postgres::PostgresStore::Open({settings.storage.url, readers, max_batch}, cipher);
    if (!store) return std::move(store).error();
    return std::unique_ptr<storage::sql::SqlStore>(std::move(*store));
  }
  auto store =
      storage::sqlite::SqliteStore::Open({DatabasePath(settings), readers, max_batch}, cipher);
  if (!store) return std::move(store).error();
  return std::unique_ptr<storage::sql::SqlStore>(std::move(*store));
}

domain::Result<std::vector<int>> MigrateStore(const Settings& settings) {
  if (IsPostgres(settings)) {
    return storage::postgres::Migrate(settings.storage.url);
  }
  return storage::sqlite::Migrate(DatabasePath(settings));
}

int LatestSchemaVersion(const Settings& settings) {
  return IsPostgres(settings) ? storage::postgres::LatestSchemaVersion()
                              : storage::sqlite::LatestSchemaVersion();
}

domain::Result<std::int64_t> RekeyStore(const Settings& settings, const app::FieldCipher& cipher) {
  if (IsPostgres(settings)) {
    return storage::postgres::RekeyPersonalData(settings.storage.url, cipher);
  }
  return storage::sqlite::RekeyPersonalData(DatabasePath(settings), cipher);
}

bool StoreMayExist(const Settings& settings) {
  return IsPostgres(settings) || std::filesystem::exists(DatabasePath(settings));
}

std::string StoreName(const Settings& settings) {
  if (IsPostgres(settings)) {
    return "postgres:" + storage::postgres::WithoutPassword(settings.storage.url);
  }
  return "sqlite:" + DatabasePath(settings).string();
}

}  // namespace shakwa::main
