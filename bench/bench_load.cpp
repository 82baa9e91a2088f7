#include "bench_load.hpp"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shakwa::bench {

namespace fs = std::filesystem;

void Check(const domain::Status& status, std::string_view what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + ": " + status.error().detail);
}

void WriteNow(app::Store& store, app::Store::WriteWork work, std::string_view what) {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<domain::Status> result;
  store.Write(std::move(work), [&](domain::Status s) {
    std::lock_guard lock(mutex);
    result = std::move(s);
    cv.notify_one();
  });
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return result.has_value(); });
  Check(*result, what);
}

std::map<std::string, std::string> ReadManifest(const fs::path& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::string SchemaOf(const fs::path& db) {
  using storage::sqlite::Connection;
  auto connection = Connection::Open(db, true);
  if (!connection) {
    throw std::runtime_error("open " + db.string() + ": " + connection.error().detail);
  }
  auto query = (*connection)
                   ->Prepare(
                       "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema "
                       "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  if (!query) throw std::runtime_error("read schema: " + query.error().detail);
  std::string schema;
  for (;;) {
    auto row = (*query)->Step();
    if (!row) throw std::runtime_error("read schema: " + row.error().detail);
    if (!*row) break;
    schema += (*query)->Text(0);
    schema += '\n';
  }
  return schema;
}

std::string Fingerprint(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char ch : text) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string CurrentSchemaFingerprint(int load_format) {
  const fs::path probe =
      fs::temp_directory_path() / ("shakwa-bench-schema-" + std::to_string(::getpid()) + ".db");
  auto migrated = storage::sqlite::Migrate(probe);
  if (!migrated) throw std::runtime_error("migrate a scratch database: " + migrated.error().detail);
  std::string schema = SchemaOf(probe);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(probe.string() + suffix);
  return Fingerprint(std::to_string(load_format) + "\n" + schema);
}

}  // namespace shakwa::bench
