#include "main/migrate_store_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "storage/migrate_store.hpp"
#include "storage/postgres/database.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shakwa::main {
namespace {

namespace migrate = storage::migrate;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kPostgresPrefix = "postgres:";

int Refuse(std::string_view message) {
  std::cerr << "migrate-store: " << message << "\n";
  return 1;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// PostgreSQL numbers identity columns from a sequence that knows nothing of the copied ids: move
// it past the largest, so the next row gets max + 1. (setval is strict: an empty table, or a
// column without a sequence, leaves it as it is.)
domain::Status ResetIdentity(storage::sql::Connection& target, const migrate::Table& table) {
  const std::string name(table.name), column(table.identity);
  auto statement = target.Prepare("SELECT setval(pg_get_serial_sequence('" + name + "', '" +
                                  column + "'), max(" + column + ")) FROM " + name);
  if (!statement) return std::move(statement).error();
  storage::sql::StatementUse use(**statement);
  auto row = use->Step();
  if (!row) return std::move(row).error();
  return domain::Status::Ok();
}

}  // namespace

int MigrateStoreCommand(const SettingsSources& sources, const MigrateStoreArgs& args) {
  if (!args.from.starts_with(kSqlitePrefix) || args.from.size() == kSqlitePrefix.size()) {
    std::cerr << "migrate-store: --from must be sqlite:PATH (the embedded database file)\n";
    return 2;
  }
  if (!args.to.starts_with(kPostgresPrefix)) {
    std::cerr << "migrate-store: --to must be postgres:URL, or postgres: with the URL in "
                 "SHAKWA_STORAGE_URL\n";
    return 2;
  }
  const std::filesystem::path source_path(args.from.substr(kSqlitePrefix.size()));
  std::string url = args.to.substr(kPostgresPrefix.size());
  if (url.empty()) {
    auto it = sources.environment.find("SHAKWA_STORAGE_URL");
    if (it == sources.environment.end() || it->second.empty()) {
      std::cerr << "migrate-store: --to postgres: takes the URL from SHAKWA_STORAGE_URL, which is "
                   "not set\n";
      return 2;
    }
    url = it->second;
  }
  const std::string shown_url = storage::postgres::WithoutPassword(url);

  // Opening a missing file would create an empty database: say what is wrong instead.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source_path, ec)) {
    return Refuse("no SQLite database at " + source_path.string());
  }
  auto source = storage::sqlite::Connection::Open(source_path, /*read_only=*/true);
  if (!source) return Refuse("cannot open " + source_path.string() + ": " + source.error().detail);

  std::cerr << "migrate-store: from sqlite:" << source_path.string() << " to postgres:" << shown_url
            << (args.dry_run ? " (dry run: nothing will be committed)" : "") << "\n"
            << "migrate-store: the copy is a snapshot of the source as it is now; stop the server "
               "first, or later changes stay behind\n";

  // Before anything touches the target: a source at another version is refused with nothing
  // written (CopyStore checks again, inside its snapshot).
  auto source_version = migrate::SchemaVersion(**source);
  if (!source_version) return Refuse("reading the source: " + source_version.error().detail);
  if (*source_version != storage::sqlite::LatestSchemaVersion()) {
    return Refuse("the source is at schema version " + std::to_string(*source_version) +
                  ", this shakwa at " + std::to_string(storage::sqlite::LatestSchemaVersion()) +
                  ": run `shakwa migrate --data DIR` on it first (with the server stopped)");
  }

  auto seeds = migrate::SeedChecksums();
  if (!seeds) return Refuse(seeds.error().detail);

  auto applied = storage::postgres::Migrate(url);
  if (!applied) {
    return Refuse("migrating the target schema: " +
                  storage::postgres::WithoutPassword(applied.error().detail));
  }
  for (int version : *applied)
    std::cerr << "migrate-store: target: applied migration " << version << "\n";

  auto target = storage::postgres::Connection::Open(url);
  if (!target) {
    return Refuse("cannot connect to postgres:" + shown_url + ": " +
                  storage::postgres::WithoutPassword(target.error().detail));
  }

  const auto started = Clock::now();
  Clock::time_point copied_at = started;
  std::int64_t rows_copied = 0;
  migrate::CopyOptions options;
  options.schema_version = storage::sqlite::LatestSchemaVersion();
  options.seeds = std::move(*seeds);
  options.after_copy = ResetIdentity;
  options.dry_run = args.dry_run;
  options.progress = [&](const migrate::CopyProgress& p) {
    std::cerr << p.table << ": " << p.copied << "/" << p.total << (p.finished ? " copied" : "")
              << "\n";
    if (p.finished) {
      rows_copied += p.total;
      copied_at = Clock::now();
    }
  };

  auto report = migrate::CopyStore(**source, **target, options);
  if (!report) {
    return Refuse(storage::postgres::WithoutPassword(report.error().detail));
  }
  const double copy_seconds = Seconds(copied_at - started);
  std::cerr << "migrate-store: copied " << rows_copied << " rows in " << Fixed(copy_seconds, 1)
            << " s ("
            << Fixed(copy_seconds > 0 ? static_cast<double>(rows_copied) / copy_seconds : 0, 0)
            << " rows/s); verified in " << Fixed(Seconds(Clock::now() - copied_at), 1) << " s\n";

  std::size_t width = 5;
  for (const auto& t : report->tables) width = std::max(width, t.table.size());
  std::cout << "table" << std::string(width - 5, ' ') << "  " << std::string(10 - 4, ' ')
            << "rows  sha256 (first 16 hex digits)\n";
  for (const auto& t : report->tables) {
    const std::string rows = std::to_string(t.rows);
    std::cout << t.table << std::string(width - t.table.size(), ' ') << "  "
              << std::string(rows.size() < 10 ? 10 - rows.size() : 0, ' ') << rows << "  "
              << t.sha256_hex.substr(0, 16) << "\n";
  }
  if (report->committed) {
    std::cout << "verified: every table's count and checksum match on both sides; committed to "
                 "postgres:"
              << shown_url << "\n";
  } else {
    std::cout << "verified: every table's count and checksum match on both sides; dry run, "
                 "rolled back\n";
  }
  return 0;
}

}  // namespace shakwa::main
