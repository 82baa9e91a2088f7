// The copy between engines (`shakwa migrate-store`): the table list against the migrated schema,
// the copy and its verification, the refusals, and the checksum's encoding. SQLite to SQLite for
// the logic; SQLite to PostgreSQL on the server tools/test.sh starts (SHAKWA_TEST_POSTGRES_URL).
#include "storage/migrate_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/postgres/database.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/postgres.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::storage::migrate {
namespace {

using domain::ErrorCode;
using testing::TempDir;

std::unique_ptr<sqlite::Connection> OpenSqlite(const std::filesystem::path& path,
                                               bool read_only = false) {
  auto db = sqlite::Connection::Open(path, read_only);
  EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().detail);
  return db ? std::move(*db) : nullptr;
}

std::unique_ptr<sqlite::Connection> MigratedSqlite(const std::filesystem::path& path) {
  auto applied = sqlite::Migrate(path);
  EXPECT_TRUE(applied.has_value()) << (applied ? "" : applied.error().detail);
  return OpenSqlite(path);
}

void Exec(sql::Connection& db, const std::string& sql) {
  domain::Status s = db.Execute(sql);
  ASSERT_TRUE(s.ok()) << s.error().detail << "\n" << sql;
}

std::int64_t Count(sql::Connection& db, const std::string& table) {
  auto s = db.Prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(s.has_value());
  if (!s) return -1;
  sql::StatementUse use(**s);
  auto row = use->Step();
  EXPECT_TRUE(row.has_value() && *row);
  return use->Int(0);
}

// One row of every table, and `cases` cases with their events, transactions and outbox rows:
// Arabic text, sealed-looking blobs with zero bytes, NULLs beside empty strings, the extreme
// integers.
void Fill(sql::Connection& db, int cases) {
  Exec(db,
       "UPDATE categories SET name_en = 'payments (renamed)', active = 0 WHERE code = 'payments';"
       "INSERT INTO categories (code, name_ar, name_en, active, position) "
       "  VALUES ('local', 'محلي', '', 1, 13);"
       "INSERT INTO reference_sequences (year, last_value) VALUES (2025, 7), (2026, " +
           std::to_string(cases) +
           ");"
           "INSERT INTO departments (code, name_ar, name_en, active) VALUES "
           "  ('finance', 'المالية', 'Finance', 1), ('legal', 'الشؤون القانونية', 'Legal', 0);"
           "INSERT INTO users (user_id, email, name, role, department, password_hash, active, "
           "  failed_logins, locked_until, created_at) VALUES "
           "  (3, 'agent@centre.example', 'وكيل', 'agent', NULL, '$argon2id$v=19$x', 1, 0, NULL, "
           "   1700000000000),"
           "  (9, 'handler@centre.example', 'Handler', 'handler', 'finance', '$argon2id$v=19$y', 0,"
           "   4, 9223372036854775807, 1700000000001);"
           "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) VALUES "
           "  (x'00ff00', 3, 1, 2, NULL), (x'', 9, -9223372036854775808, 5, 6);"
           "INSERT INTO holiday_adjustments (holiday_key, hijri_year, first_date, last_date, "
           "  adjusted_by, adjusted_at) VALUES ('eid_al_fitr', 1447, '2026-03-20', '2026-03-23', 3,"
           "  1700000000000), ('Eid_al_adha', 1447, '2026-05-26', '2026-05-29', NULL, 1);"
           "INSERT INTO message_templates (name, language, part, body, updated_by, updated_at) "
           "  VALUES ('received', 'ar', 'text', 'استلمنا {{reference}}', 3, 10),"
           "         ('received', 'en', 'subject', '', NULL, 11),"
           "         ('Received', 'ar', 'sms', 'x', NULL, 12);");
  Exec(db, "BEGIN");
  for (int i = 1; i <= cases; ++i) {
    const std::string id = std::to_string(i);
    const std::string reference = "C-2026-" + std::string(6 - std::min<size_t>(6, id.size()), '0') +
                                  id + "-" + std::to_string(i % 10);
    Exec(
        db,
        "INSERT INTO cases (case_id, reference, reference_year, reference_sequence, kind, status,"
        " channel, received_at, recorded_at, recorded_by_kind, recorded_by_id, beneficiary_kind,"
        " beneficiary_name_sealed, beneficiary_email_sealed, beneficiary_mobile_sealed,"
        " beneficiary_organization, category, subject, description, remedy_sought, language,"
        " consent_notice_shown, vulnerable, access_code_hash, priority, department, assignee_id,"
        " resolution_due_at, updated_at, beneficiary_mobile_index, first_response_due_at,"
        " sla_paused_minutes, external_reference) VALUES (" +
            id + ", '" + reference + "', 2026, " + id + ", 'complaint', '" +
            (i % 3 == 0 ? "in_progress" : "received") + "', 'portal', " +
            std::to_string(1767225600000 + i) + ", " + std::to_string(1767225600000 + i) +
            ", 'beneficiary', NULL, 'individual', x'01" + (i % 2 ? "00" : "") + "deadbeef', " +
            (i % 2 ? "NULL" : "x''") + ", x'0100ff', " + (i % 4 == 0 ? "''" : "NULL") +
            ", 'payments', 'تأخر صرف المستخلص رقم " + id +
            "', 'رُفع المستخلص قبل ستين يومًا ولم يُصرف.\nسطر ثانٍ', NULL, 'ar', 1, 0,"
            " x'c0ffee', '" +
            (i % 5 == 0 ? "urgent" : "normal") + "', " + (i % 3 == 0 ? "'finance'" : "NULL") +
            ", " + (i % 3 == 0 ? "9" : "NULL") + ", " +
            (i % 7 == 0 ? "NULL" : std::to_string(1768000000000 + i)) + ", " +
            std::to_string(1767225600000 + i) + ", x'abcd', " + std::to_string(1767300000000 + i) +
            ", " + std::to_string(i % 11) + ", " + (i % 6 == 0 ? "'EXT-' || " + id : "NULL") +
            ");"
            "INSERT INTO case_events (case_id, occurred_at, type, visibility, actor_kind, actor_id,"
            " to_status, actor_role, data) VALUES (" +
            id + ", " + std::to_string(1767225600000 + i) +
            ", 'received', 'public', 'beneficiary', NULL, 'received', NULL, '{\"a\":\"ب\"}');"
            "INSERT INTO case_transactions (case_id, position, type, number) VALUES (" +
            id + ", 0, 'tender', 'T-" + id + "'), (" + id +
            ", 1, 'invoice', '');"
            "INSERT INTO outbox (case_id, created_at, template, recipient_kind, recipient_user_id,"
            " data, secret_sealed, dedupe_key, next_attempt_at) VALUES (" +
            id + ", 5, 'received', 'beneficiary', NULL, '{}', x'01aa', 'received/" + id + "', 0);");
  }
  Exec(db,
       "INSERT INTO attachments (case_id, sha256, size, media_type, filename, uploaded_at,"
       " uploaded_by_kind, uploaded_by_id, visibility) VALUES (1, '" +
           std::string(64, 'a') +
           "', 12, 'application/pdf', 'مستند.pdf', 3, 'beneficiary', NULL, 'public');"
           "INSERT INTO audit_log (sequence, occurred_at, actor_kind, actor_id, action, subject,"
           " detail, previous_hash, hash) VALUES (1, 1, 'system', NULL, 'case.received', 'case/1',"
           " '{}', x'" +
           std::string(64, '0') + "', x'" + std::string(64, '1') +
           "'), (2, 2, 'staff', '3', 'pii.read', 'case/1', 'قرأ', x'" + std::string(64, '1') +
           "', x'" + std::string(64, '2') + "');");
  Exec(db, "COMMIT");
}

struct Fixture {
  TempDir dir;
  std::filesystem::path source_path = dir.path() / "source.db";
  std::filesystem::path target_path = dir.path() / "target.db";
  std::unique_ptr<sqlite::Connection> source;
  std::unique_ptr<sqlite::Connection> target;

  explicit Fixture(int cases = 30) {
    {
      auto writer = MigratedSqlite(source_path);
      Fill(*writer, cases);
    }
    source = OpenSqlite(source_path, /*read_only=*/true);
    target = MigratedSqlite(target_path);
  }

  CopyOptions Options() const {
    CopyOptions options;
    options.schema_version = sqlite::LatestSchemaVersion();
    auto seeds = SeedChecksums();
    EXPECT_TRUE(seeds.has_value()) << (seeds ? "" : seeds.error().detail);
    if (seeds) options.seeds = std::move(*seeds);
    return options;
  }
};

std::map<std::string, TableChecksum> AllChecksums(sql::Connection& db) {
  std::map<std::string, TableChecksum> out;
  for (const Table& table : CopiedTables()) {
    auto sum = ChecksumTable(db, table);
    EXPECT_TRUE(sum.has_value()) << table.name << ": " << (sum ? "" : sum.error().detail);
    if (sum) out.emplace(std::string(table.name), *sum);
  }
  return out;
}

std::string ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
      return "INTEGER";
    case ColumnType::kText:
      return "TEXT";
    case ColumnType::kBlob:
      return "BLOB";
  }
  return "?";
}

// The list must name every stored column of every table a migrated database has: a migration
// that adds a column or a table, without adding it to CopiedTables, fails here (and the copy
// would otherwise drop its values without a word).
TEST(MigrateStore, TableListMatchesTheMigratedSqliteSchema) {
  TempDir dir;
  auto db = MigratedSqlite(dir.path() / "schema.db");
  std::set<std::string> listed;
  for (const Table& t : CopiedTables()) listed.insert(std::string(t.name));
  for (std::string_view t : SkippedTables()) listed.insert(std::string(t));

  auto tables = db->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  ASSERT_TRUE(tables.has_value());
  std::set<std::string> present;
  while (*(*tables)->Step()) present.insert((*tables)->Text(0));
  EXPECT_EQ(present, listed);

  for (const Table& table : CopiedTables()) {
    // table_info leaves out generated columns, which are never copied.
    auto info = db->Prepare("SELECT name, upper(type), pk FROM pragma_table_info('" +
                            std::string(table.name) + "') ORDER BY cid");
    ASSERT_TRUE(info.has_value());
    std::vector<std::string> want, have;
    std::map<int, std::string> key;
    while (*(*info)->Step()) {
      want.push_back((*info)->Text(0) + " " + (*info)->Text(1));
      if ((*info)->Int(2) > 0) key[static_cast<int>((*info)->Int(2))] = (*info)->Text(0);
    }
    for (const Column& c : table.columns) {
      have.push_back(std::string(c.name) + " " + ColumnTypeName(c.type));
    }
    EXPECT_EQ(have, want) << table.name;
    std::vector<std::string> want_key, have_key(table.key.begin(), table.key.end());
    for (const auto& [position, name] : key) want_key.push_back(name);
    EXPECT_EQ(have_key, want_key) << table.name;
  }
}

TEST(MigrateStore, CopiesEveryTableAndVerifiesIt) {
  Fixture f(600);  // cases: three batches of 250, progress every 2000 rows of case_events…
  CopyOptions options = f.Options();
  options.progress_every = 100;
  std::map<std::string, std::vector<std::int64_t>> progress;
  std::set<std::string> finished;
  options.progress = [&](const CopyProgress& p) {
    progress[std::string(p.table)].push_back(p.copied);
    if (p.finished) finished.insert(std::string(p.table));
  };
  auto report = CopyStore(*f.source, *f.target, options);
  ASSERT_TRUE(report.has_value()) << report.error().detail;
  EXPECT_TRUE(report->committed);
  EXPECT_EQ(report->tables.size(), CopiedTables().size());
  EXPECT_EQ(finished.size(), CopiedTables().size());
  EXPECT_EQ(progress["cases"], (std::vector<std::int64_t>{250, 500, 600}));

  // Read back after the commit, on fresh connections: the same checksums on both sides, and
  // the same as the report's.
  auto source = OpenSqlite(f.source_path, true);
  auto target = OpenSqlite(f.target_path, true);
  const auto want = AllChecksums(*source);
  EXPECT_EQ(AllChecksums(*target), want);
  std::int64_t rows = 0;
  for (const TableChecksum& t : report->tables) {
    EXPECT_EQ(t, want.at(t.table));
    rows += t.rows;
  }
  EXPECT_EQ(report->rows, rows);
  EXPECT_EQ(want.at("cases").rows, 600);
  // The source's categories (one renamed, one added), not the seed.
  EXPECT_EQ(Count(*target, "categories"), 13);
}

TEST(MigrateStore, CopiesValuesExactly) {
  Fixture f;
  auto report = CopyStore(*f.source, *f.target, f.Options());
  ASSERT_TRUE(report.has_value()) << report.error().detail;
  auto s = f.target->Prepare(
      "SELECT beneficiary_name_sealed, beneficiary_email_sealed, beneficiary_organization, "
      "subject, priority_rank, resolution_due_key FROM cases WHERE case_id = 4");
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE(*(*s)->Step());
  EXPECT_EQ((*s)->Blob(0), std::string("\x01\xde\xad\xbe\xef", 5));
  EXPECT_FALSE((*s)->IsNull(1));
  EXPECT_EQ((*s)->Blob(1), "");
  EXPECT_FALSE((*s)->IsNull(2));
  EXPECT_EQ((*s)->Text(2), "");
  EXPECT_EQ((*s)->Text(3), "تأخر صرف المستخلص رقم 4");
  EXPECT_EQ((*s)->Int(4), 2);  // generated again from the copied priority
  EXPECT_EQ((*s)->Int(5), 1768000000004);
  (*s)->Reset();
  auto user = f.target->Prepare("SELECT locked_until FROM users WHERE user_id = 9");
  ASSERT_TRUE(user.has_value());
  ASSERT_TRUE(*(*user)->Step());
  EXPECT_EQ((*user)->Int(0), INT64_MAX);
}

TEST(MigrateStore, RefusesATargetWithRowsAndWritesNothing) {
  Fixture f;
  Exec(*f.target, "INSERT INTO departments (code, name_ar, name_en) VALUES ('x', 'س', 'x')");
  const auto before = AllChecksums(*f.target);
  auto report = CopyStore(*f.source, *f.target, f.Options());
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kConflict);
  EXPECT_NE(report.error().detail.find("departments (1 rows)"), std::string::npos)
      << report.error().detail;
  EXPECT_EQ(AllChecksums(*f.target), before);  // the seeded categories too
}

TEST(MigrateStore, RefusesChangedCategoriesInTheTarget) {
  Fixture f;
  Exec(*f.target, "UPDATE categories SET name_en = 'changed' WHERE code = 'other'");
  auto report = CopyStore(*f.source, *f.target, f.Options());
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kConflict);
  EXPECT_NE(report.error().detail.find("categories (12 rows)"), std::string::npos)
      << report.error().detail;
}

TEST(MigrateStore, RefusesASourceAtAnotherSchemaVersion) {
  Fixture f;
  {
    auto writer = OpenSqlite(f.source_path);
    Exec(*writer,
         "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM "
         "schema_migrations)");
  }
  auto report = CopyStore(*f.source, *f.target, f.Options());
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kConflict);
  EXPECT_NE(report.error().detail.find("shakwa migrate"), std::string::npos)
      << report.error().detail;
  EXPECT_EQ(Count(*f.target, "cases"), 0);
}

TEST(MigrateStore, AMismatchRollsBackAndNamesTheTable) {
  Fixture f;
  CopyOptions options = f.Options();
  // Something between the copy and the verification changes a row (a bug in a driver would).
  options.after_copy = [](sql::Connection& target, const Table& table) -> domain::Status {
    if (table.name != "audit_log") return domain::Status::Ok();
    return target.Execute("UPDATE case_events SET data = NULL WHERE event_id = 3");
  };
  auto report = CopyStore(*f.source, *f.target, options);
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().detail.find("verification failed for table case_events"),
            std::string::npos)
      << report.error().detail;
  EXPECT_EQ(Count(*f.target, "cases"), 0);
  EXPECT_EQ(Count(*f.target, "categories"), 12);  // the seed, as it was
}

TEST(MigrateStore, DryRunVerifiesAndLeavesTheTargetAsItWas) {
  Fixture f;
  CopyOptions options = f.Options();
  options.dry_run = true;
  const auto before = AllChecksums(*f.target);
  auto report = CopyStore(*f.source, *f.target, options);
  ASSERT_TRUE(report.has_value()) << report.error().detail;
  EXPECT_FALSE(report->committed);
  EXPECT_EQ(report->tables.size(), CopiedTables().size());
  EXPECT_EQ(AllChecksums(*f.target), before);
}

TEST(MigrateStore, ChecksumTellsNullFromEmptyAndIntegerFromText) {
  TempDir dir;
  auto db = OpenSqlite(dir.path() / "t.db");
  Exec(*db, "CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT, b TEXT)");
  const Table table{"t",
                    {{"k", ColumnType::kInt}, {"a", ColumnType::kText}, {"b", ColumnType::kText}},
                    {"k"},
                    {}};
  auto sum = [&] {
    auto s = ChecksumTable(*db, table);
    EXPECT_TRUE(s.has_value());
    return s ? s->sha256_hex : "";
  };
  Exec(*db, "INSERT INTO t VALUES (1, NULL, 'x')");
  const std::string null_first = sum();
  Exec(*db, "UPDATE t SET a = '' WHERE k = 1");
  const std::string empty_first = sum();
  Exec(*db, "UPDATE t SET a = 'x', b = NULL WHERE k = 1");
  const std::string moved = sum();  // the same bytes, in the other column
  EXPECT_NE(null_first, empty_first);
  EXPECT_NE(null_first, moved);
  EXPECT_NE(empty_first, moved);
  EXPECT_EQ(null_first.size(), 64u);
}

TEST(MigrateStore, ChecksumOrdersTextKeysByBytesWhateverTheEngineSorts) {
  TempDir dir;
  auto db = OpenSqlite(dir.path() / "t.db");
  const Table table{"t", {{"k", ColumnType::kText}}, {"k"}, {}};
  Exec(*db, "CREATE TABLE t (k TEXT PRIMARY KEY COLLATE NOCASE)");
  Exec(*db, "INSERT INTO t VALUES ('b'), ('A'), ('a2')");
  auto nocase = ChecksumTable(*db, table);
  Exec(*db, "DROP TABLE t; CREATE TABLE t (k TEXT PRIMARY KEY)");
  Exec(*db, "INSERT INTO t VALUES ('a2'), ('b'), ('A')");
  auto binary = ChecksumTable(*db, table);
  ASSERT_TRUE(nocase.has_value() && binary.has_value());
  EXPECT_EQ(nocase->sha256_hex, binary->sha256_hex);
}

TEST(MigrateStore, UrlsAreShownWithoutTheirPassword) {
  EXPECT_EQ(
      postgres::WithoutPassword("postgresql://shakwa:s3cr%40t@db1,db2:5433/shakwa?sslmode=require"),
      "postgresql://shakwa:***@db1,db2:5433/shakwa?sslmode=require");
  EXPECT_EQ(postgres::WithoutPassword("postgresql://shakwa:a/b@c@db/shakwa"),
            "postgresql://shakwa:***@db/shakwa");
  EXPECT_EQ(postgres::WithoutPassword("postgresql://shakwa@db/shakwa?password=x&sslmode=require"),
            "postgresql://shakwa@db/shakwa?password=***&sslmode=require");
  EXPECT_EQ(postgres::WithoutPassword("host=db user=shakwa password='a b\\'c' dbname=shakwa"),
            "host=db user=shakwa password=*** dbname=shakwa");
  EXPECT_EQ(postgres::WithoutPassword("postgresql://db/shakwa?options=-csearch_path%3Dx"),
            "postgresql://db/shakwa?options=-csearch_path%3Dx");
  EXPECT_EQ(postgres::WithoutPassword("postgresql://shakwa@db/shakwa"),
            "postgresql://shakwa@db/shakwa");
}

// --- SQLite to PostgreSQL ---------------------------------------------------------------------

// What `shakwa migrate-store` supplies (main/migrate_store_command.cpp): move each identity past
// the copied ids.
domain::Status ResetIdentity(sql::Connection& target, const Table& table) {
  const std::string name(table.name), column(table.identity);
  auto s = target.Prepare("SELECT setval(pg_get_serial_sequence('" + name + "', '" + column +
                          "'), max(" + column + ")) FROM " + name);
  if (!s) return std::move(s).error();
  sql::StatementUse use(**s);
  auto row = use->Step();
  if (!row) return std::move(row).error();
  return domain::Status::Ok();
}

class MigrateStoreToPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = std::make_unique<testing::ScratchSchema>();
    ASSERT_FALSE(schema_->url().empty());
    auto applied = postgres::Migrate(schema_->url());
    ASSERT_TRUE(applied.has_value()) << applied.error().detail;
    auto db = postgres::Connection::Open(schema_->url());
    ASSERT_TRUE(db.has_value()) << db.error().detail;
    target_ = std::move(*db);
  }

  std::unique_ptr<testing::ScratchSchema> schema_;
  std::unique_ptr<sql::Connection> target_;
};

TEST_F(MigrateStoreToPostgres, TableListMatchesThePostgresSchema) {
  for (const Table& table : CopiedTables()) {
    auto info = target_->Prepare(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position");
    ASSERT_TRUE(info.has_value());
    (*info)->Bind(1, table.name);
    std::vector<std::string> want, have;
    while (*(*info)->Step()) {
      const std::string type = (*info)->Text(1);
      want.push_back((*info)->Text(0) + " " +
                     (type == "bigint"  ? "INTEGER"
                      : type == "bytea" ? "BLOB"
                      : type == "text"  ? "TEXT"
                                        : type));
    }
    for (const Column& c : table.columns) {
      have.push_back(std::string(c.name) + " " + ColumnTypeName(c.type));
    }
    // Column order may differ (SQLite rebuilt outbox, PostgreSQL altered it): the copy names
    // every column, so only the set matters.
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(have, want) << table.name;
  }
}

TEST_F(MigrateStoreToPostgres, CopiesVerifiesAndContinuesTheIds) {
  TempDir dir;
  {
    auto writer = MigratedSqlite(dir.path() / "source.db");
    Fill(*writer, 300);
  }
  auto source = OpenSqlite(dir.path() / "source.db", true);
  CopyOptions options;
  options.schema_version = sqlite::LatestSchemaVersion();
  auto seeds = SeedChecksums();
  ASSERT_TRUE(seeds.has_value());
  options.seeds = std::move(*seeds);  // the PostgreSQL seed must hash as SQLite's does
  options.after_copy = ResetIdentity;
  auto report = CopyStore(*source, *target_, options);
  ASSERT_TRUE(report.has_value()) << report.error().detail;
  EXPECT_TRUE(report->committed);

  // Read back after the commit: the engines agree on every table.
  auto reread = postgres::Connection::Open(schema_->url());
  ASSERT_TRUE(reread.has_value());
  const auto want = AllChecksums(*source);
  EXPECT_EQ(AllChecksums(**reread), want);
  EXPECT_EQ(want.at("cases").rows, 300);

  // New rows continue after the copied ids.
  Exec(**reread,
       "INSERT INTO case_events (case_id, occurred_at, type, visibility, actor_kind) VALUES "
       "(1, 1, 'note', 'internal', 'system')");
  auto last = (*reread)->Prepare("SELECT max(event_id) FROM case_events");
  ASSERT_TRUE(last.has_value());
  ASSERT_TRUE(*(*last)->Step());
  EXPECT_EQ((*last)->Int(0), 301);

  // Again, into the now non-empty target: refused, nothing changes.
  (*last)->Reset();
  auto again = CopyStore(*source, **reread, options);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Count(**reread, "case_events"), 301);
}

}  // namespace
}  // namespace shakwa::storage::migrate
