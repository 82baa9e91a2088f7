// The PostgreSQL driver (storage/postgres/database.hpp): placeholders renumbered, values that come
// back as they went, errors classified as SQLite's are, a lost server noticed, and migrations that
// build the schema SQLite's build. Against the server tools/test.sh starts, one schema per test.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <limits>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "storage/postgres/database.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "support/fakes.hpp"
#include "support/postgres.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::storage {
namespace sqlite {
extern const std::span<const Migration> kMigrations;  // generated from sqlite/migrations/*.sql
}  // namespace sqlite

namespace postgres {
namespace {

using namespace std::string_view_literals;
using domain::ErrorCode;
using domain::MessageId;
using sql::Violation;
using testing::ScratchSchema;

std::string Dollars(std::string_view sql, int* count = nullptr) {
  return ToDollarPlaceholders(sql, count);
}

// A connection to the scratch schema; fails the test (and returns null) if there is none.
std::unique_ptr<Connection> ConnectTo(const ScratchSchema& schema) {
  if (!schema.ready()) return nullptr;
  auto connection = Connect(schema.url());
  if (!connection) {
    ADD_FAILURE() << connection.error().detail;
    return nullptr;
  }
  return std::move(*connection);
}

// The first column of the first row of sql, as text ("" if there is no row).
std::string Scalar(sql::Connection& db, std::string_view sql) {
  auto statement = db.Prepare(sql);
  if (!statement) {
    ADD_FAILURE() << statement.error().detail;
    return {};
  }
  auto row = (*statement)->Step();
  if (!row) {
    ADD_FAILURE() << row.error().detail;
    return {};
  }
  return *row ? (*statement)->Text(0) : std::string();
}

// ---------------------------------------------------------------------------------------------
// Placeholders (no server)

TEST(PostgresPlaceholders, BareMarksAreNumberedInOrder) {
  int count = 0;
  EXPECT_EQ(Dollars("SELECT ?, ?, ?", &count), "SELECT $1, $2, $3");
  EXPECT_EQ(count, 3);
}

TEST(PostgresPlaceholders, NumberedMarksKeepTheirNumber) {
  int count = 0;
  EXPECT_EQ(Dollars("WHERE a = ?2 AND b = ?1 OR c = ?2", &count),
            "WHERE a = $2 AND b = $1 OR c = $2");
  EXPECT_EQ(count, 2);
}

TEST(PostgresPlaceholders, BareMarkFollowsTheLargestNumberSoFarAsSqliteDoes) {
  int count = 0;
  EXPECT_EQ(Dollars("VALUES (?3, ?, ?1, ?)", &count), "VALUES ($3, $4, $1, $5)");
  EXPECT_EQ(count, 5);
  EXPECT_EQ(Dollars("?007"), "$7");
}

TEST(PostgresPlaceholders, QuotedTextIdentifiersAndCommentsAreLeftAlone) {
  int count = 0;
  EXPECT_EQ(Dollars("SELECT '?', 'it''s ?', \"odd?name\" -- why?\nFROM t WHERE x = ?", &count),
            "SELECT '?', 'it''s ?', \"odd?name\" -- why?\nFROM t WHERE x = $1");
  EXPECT_EQ(count, 1);
  EXPECT_EQ(Dollars("SELECT /* ? */ ? -- ?"), "SELECT /* ? */ $1 -- ?");
  EXPECT_EQ(Dollars("SELECT $$ ? $$, $tag$ ?'$tag$, ?"), "SELECT $$ ? $$, $tag$ ?'$tag$, $1");
}

TEST(PostgresPlaceholders, NoMarksMeansNoParameters) {
  int count = -1;
  EXPECT_EQ(Dollars("SELECT 1 WHERE 'a?' <> \"b\"", &count), "SELECT 1 WHERE 'a?' <> \"b\"");
  EXPECT_EQ(count, 0);
  EXPECT_EQ(Dollars("", &count), "");
  EXPECT_EQ(count, 0);
}

// ---------------------------------------------------------------------------------------------
// Connecting (no server needed for the failures)

TEST(PostgresConnect, UnreadableUrlIsUnavailableWithoutThePassword) {
  auto connection = Connect("postgresql://shakwa:hunter%zz2@127.0.0.1:1/db");
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(connection.error().message, MessageId::kStorageUnavailable);
  EXPECT_EQ(connection.error().detail.find("hunter"), std::string::npos)
      << connection.error().detail;
}

TEST(PostgresConnect, UnreachableServerIsUnavailableWithoutThePassword) {
  auto connection = Connect("postgresql://shakwa:hunter2@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(connection.error().detail.find("postgres connect"), std::string::npos);
  EXPECT_EQ(connection.error().detail.find("hunter2"), std::string::npos)
      << connection.error().detail;
}

TEST(PostgresConnect, SetsEncodingNameAndDurableCommits) {
  const std::string url = testing::TestPostgresUrl();
  ASSERT_FALSE(url.empty());
  auto db = Connect(testing::WithSetting(url, "options", "-csynchronous_commit%3Doff",
                                         "-csynchronous_commit=off"));
  ASSERT_TRUE(db) << db.error().detail;
  EXPECT_EQ(Scalar(**db, "SELECT current_setting('client_encoding')"), "UTF8");
  EXPECT_EQ(Scalar(**db, "SELECT current_setting('application_name')"), "shakwa");
  EXPECT_EQ(Scalar(**db, "SELECT current_setting('synchronous_commit')"), "on");
  EXPECT_FALSE((*db)->Broken());
}

TEST(PostgresConnect, TheUrlMayNameTheNode) {
  const std::string url = testing::TestPostgresUrl();
  ASSERT_FALSE(url.empty());
  auto db =
      Connect(testing::WithSetting(url, "application_name", "shakwa-node-2", "shakwa-node-2"));
  ASSERT_TRUE(db) << db.error().detail;
  EXPECT_EQ(Scalar(**db, "SELECT current_setting('application_name')"), "shakwa-node-2");
}

TEST(PostgresConnect, KeepsAStrongerSynchronousCommit) {
  const std::string url = testing::TestPostgresUrl();
  ASSERT_FALSE(url.empty());
  auto db = Connect(testing::WithSetting(url, "options", "-csynchronous_commit%3Dremote_apply",
                                         "-csynchronous_commit=remote_apply"));
  ASSERT_TRUE(db) << db.error().detail;
  EXPECT_EQ(Scalar(**db, "SELECT current_setting('synchronous_commit')"), "remote_apply");
}

TEST(PostgresConnect, TriesEachHostOfAMultiHostUrl) {
  // postgresql://user:pw@host:port/db… → postgresql://user:pw@127.0.0.1:1,host:port/db…
  const std::string url = testing::TestPostgresUrl();
  ASSERT_FALSE(url.empty());
  const std::size_t at = url.find('@');
  if (!url.starts_with("postgresql://") || at == std::string::npos) {
    GTEST_SKIP() << "needs a postgresql://user:password@host:port/db URL to add a host to";
  }
  const std::string multi =
      testing::WithSetting(url.substr(0, at + 1) + "127.0.0.1:1," + url.substr(at + 1),
                           "target_session_attrs", "read-write", "");
  auto db = Connect(multi);
  ASSERT_TRUE(db) << db.error().detail;
  EXPECT_EQ(Scalar(**db, "SELECT 1"), "1");
}

// ---------------------------------------------------------------------------------------------
// Statements

TEST(PostgresDatabase, BindsAndReadsEveryType) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(
      db->Execute("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT, s TEXT, b BYTEA)").ok());
  auto insert = db->Prepare("INSERT INTO t (id, n, s, b) VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert) << insert.error().detail;
  const std::string arabic = "شكوى بشأن الترسية — رقم ١٢٣";
  const std::string bytes("\x00\xff\x01\x80?'\\x\x00", 9);
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();

  ASSERT_TRUE((*insert)
                  ->Bind(1, std::int64_t{1})
                  .Bind(2, kMax)
                  .Bind(3, std::string_view(arabic))
                  .BindBlob(4, bytes)
                  .Run()
                  .ok());
  ASSERT_TRUE((*insert)
                  ->Bind(1, std::int64_t{2})
                  .Bind(2, kMin)
                  .Bind(3, std::string_view())
                  .BindBlob(4, std::string_view())
                  .Run()
                  .ok());
  // Unbound parameters are NULL, as in SQLite; so are explicit NULLs and empty optionals.
  ASSERT_TRUE((*insert)
                  ->Bind(1, std::int64_t{3})
                  .BindNull(2)
                  .Bind(3, std::optional<std::string>())
                  .Run()
                  .ok());

  auto select = db->Prepare("SELECT id, n, s, b FROM t ORDER BY id");
  ASSERT_TRUE(select) << select.error().detail;
  sql::Statement& s = **select;
  auto row = s.Step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(s.Int(0), 1);
  EXPECT_EQ(s.Int(1), kMax);
  EXPECT_EQ(s.Text(2), arabic);
  EXPECT_EQ(s.Blob(3), bytes);
  EXPECT_FALSE(s.IsNull(3));

  row = s.Step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(s.Int(1), kMin);
  EXPECT_EQ(s.OptionalText(2), std::optional<std::string>(""));
  EXPECT_EQ(s.Blob(3), "");
  EXPECT_FALSE(s.IsNull(3));

  row = s.Step();
  ASSERT_TRUE(row && *row);
  EXPECT_TRUE(s.IsNull(1));
  EXPECT_EQ(s.OptionalInt(1), std::nullopt);
  EXPECT_EQ(s.Int(1), 0);
  EXPECT_EQ(s.OptionalText(2), std::nullopt);
  EXPECT_TRUE(s.IsNull(3));

  row = s.Step();
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST(PostgresDatabase, ResetRunsTheStatementAgainWithNewBinds) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  auto statement = db->Prepare("SELECT ?1 + CAST(?2 AS BIGINT), ?1 IS NULL");
  ASSERT_TRUE(statement) << statement.error().detail;
  for (std::int64_t i = 0; i < 3; ++i) {
    sql::StatementUse use(**statement);
    use->Bind(1, i).Bind(2, std::int64_t{5'000'000'000});
    auto row = use->Step();
    ASSERT_TRUE(row && *row) << (row ? "no row" : row.error().detail);
    EXPECT_EQ(use->Int(0), 5'000'000'000 + i);
    EXPECT_EQ(use->Int(1), 0);  // a boolean reads as 0 or 1, as in SQLite
  }
}

TEST(PostgresDatabase, ChangesCountsTheRowsOfTheLastChange) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (1, 0), (2, 0), (3, 1)").ok());
  EXPECT_EQ(db->Changes(), 3);

  auto update = db->Prepare("UPDATE t SET v = v + 1 WHERE v = ?");
  ASSERT_TRUE(update);
  ASSERT_TRUE((*update)->Bind(1, std::int64_t{0}).Run().ok());
  EXPECT_EQ(db->Changes(), 2);
  // A statement that changes nothing does not count; a DELETE of nothing counts 0.
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM t"), "3");
  EXPECT_EQ(db->Changes(), 2);
  ASSERT_TRUE(db->Execute("DELETE FROM t WHERE id > 10").ok());
  EXPECT_EQ(db->Changes(), 0);

  auto returning = db->Prepare("DELETE FROM t WHERE id >= ? RETURNING id");
  ASSERT_TRUE(returning);
  sql::StatementUse use(**returning);
  use->Bind(1, std::int64_t{2});
  int rows = 0;
  for (auto row = use->Step(); row && *row; row = use->Step()) ++rows;
  EXPECT_EQ(rows, 2);
  EXPECT_EQ(db->Changes(), 2);
}

TEST(PostgresDatabase, UniqueViolationIsInternalAndSaysSo) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Execute("CREATE TABLE users (email TEXT NOT NULL UNIQUE)").ok());
  auto insert = db->Prepare("INSERT INTO users (email) VALUES (?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE((*insert)->Bind(1, "a@example.org"sv).Run().ok());
  auto status = (*insert)->Bind(1, "a@example.org"sv).Run();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
  EXPECT_EQ(status.error().message, MessageId::kInternalError);
  EXPECT_NE(status.error().detail.find("(23505) in INSERT INTO users"), std::string::npos)
      << status.error().detail;
  EXPECT_EQ(db->LastViolation(), Violation::kUnique);

  // The next command that succeeds clears it.
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM users"), "1");
  EXPECT_EQ(db->LastViolation(), Violation::kNone);
}

TEST(PostgresDatabase, ForeignKeyAndCheckViolationsAreInternalAndSaySo) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Execute("CREATE TABLE a (id BIGINT PRIMARY KEY);"
                          "CREATE TABLE b (a_id BIGINT REFERENCES a (id),"
                          "  flag BIGINT NOT NULL DEFAULT 0 CHECK (flag IN (0, 1)))")
                  .ok());
  auto status = db->Execute("INSERT INTO b (a_id) VALUES (42)");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
  EXPECT_EQ(db->LastViolation(), Violation::kForeignKey);

  auto insert = db->Prepare("INSERT INTO b (a_id, flag) VALUES (NULL, ?)");
  ASSERT_TRUE(insert);
  auto run = (*insert)->Bind(1, std::int64_t{2}).Run();
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, ErrorCode::kInternal);
  EXPECT_EQ(db->LastViolation(), Violation::kOther);
}

TEST(PostgresDatabase, OtherErrorsAreUnavailableWithoutAViolation) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  auto statement = db->Prepare("SELEC 1");
  ASSERT_FALSE(statement);
  EXPECT_EQ(statement.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(statement.error().message, MessageId::kStorageUnavailable);
  EXPECT_NE(statement.error().detail.find("postgres prepare: "), std::string::npos);
  EXPECT_NE(statement.error().detail.find("(42601) in SELEC 1"), std::string::npos)
      << statement.error().detail;
  EXPECT_EQ(db->LastViolation(), Violation::kNone);

  auto status = db->Execute("SELECT * FROM no_such_table");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(db->Broken());
}

TEST(PostgresDatabase, BindingPastTheLastParameterIsABug) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  auto statement = db->Prepare("SELECT ?");
  ASSERT_TRUE(statement);
  auto row = (*statement)->Bind(1, "x"sv).Bind(2, "y"sv).Step();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().code, ErrorCode::kInternal);
}

TEST(PostgresDatabase, LostServerIsUnavailableAndBroken) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  auto other = ConnectTo(schema);
  ASSERT_TRUE(db && other);
  auto statement = db->Prepare("SELECT 1");
  ASSERT_TRUE(statement);

  auto kill = other->Prepare("SELECT pg_terminate_backend(?, 10000)");
  ASSERT_TRUE(kill);
  (*kill)->Bind(1, std::int64_t{db->BackendPid()});
  auto killed = (*kill)->Step();
  ASSERT_TRUE(killed && *killed) << (killed ? "no row" : killed.error().detail);
  EXPECT_EQ((*kill)->Int(0), 1);

  auto row = (*statement)->Step();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(row.error().message, MessageId::kStorageUnavailable);
  EXPECT_TRUE(db->Broken());
  EXPECT_EQ(db->LastViolation(), Violation::kNone);
  auto again = db->Prepare("SELECT 2");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(other->Broken());
}

TEST(PostgresDatabase, TerminatingItsOwnBackendBreaksTheConnection) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  // Whether the answer or the FATAL comes first, the connection ends up broken and unavailable.
  (void)db->Execute("SELECT pg_terminate_backend(pg_backend_pid())");
  auto status = db->Execute("SELECT 1");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(db->Broken());
}

TEST(PostgresDatabase, DroppedStatementsAreDeallocated) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  const auto prepared = [&] { return Scalar(*db, "SELECT count(*) FROM pg_prepared_statements"); };
  {
    auto a = db->Prepare("SELECT 1");
    auto b = db->Prepare("SELECT 2");
    ASSERT_TRUE(a && b);
  }
  // Scalar's own statement is still alive while it counts: itself.
  EXPECT_EQ(prepared(), "1");

  // Inside a failed transaction DEALLOCATE would be refused: it waits for the ROLLBACK.
  ASSERT_TRUE(db->Execute("BEGIN").ok());
  auto doomed = db->Prepare("SELECT 3");
  ASSERT_TRUE(doomed);
  EXPECT_FALSE(db->Execute("SELECT * FROM no_such_table").ok());
  doomed = db->Prepare("SELECT 4");  // refused too: the transaction is aborted
  EXPECT_FALSE(doomed);
  ASSERT_TRUE(db->Execute("ROLLBACK").ok());
  EXPECT_EQ(prepared(), "1");
}

TEST(PostgresDatabase, StatementOutlivingItsConnectionFailsCleanly) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  auto statement = db->Prepare("SELECT 1");
  ASSERT_TRUE(statement);
  db.reset();
  auto row = (*statement)->Step();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().code, ErrorCode::kUnavailable);
}

// ---------------------------------------------------------------------------------------------
// Migrations

// Table → its columns, as SQLite's migrations leave them.
std::map<std::string, std::set<std::string>> SqliteColumns() {
  std::map<std::string, std::set<std::string>> out;
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return out;
  for (const Migration& migration : sqlite::kMigrations) {
    const std::string sql(migration.sql);
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << "sqlite migration " << migration.version << ": " << error;
      sqlite3_free(error);
    }
  }
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT m.name, c.name FROM sqlite_schema m, pragma_table_xinfo(m.name) c "
                     "WHERE m.type = 'table'",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))].insert(
        reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::set<std::string> SqliteIndexes() {
  std::set<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return out;
  for (const Migration& migration : sqlite::kMigrations) {
    (void)sqlite3_exec(db, std::string(migration.sql).c_str(), nullptr, nullptr, nullptr);
  }
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// Applies every migration in order; false (and the test failed) if one does not apply.
bool Migrate(Connection& db) {
  for (const Migration& migration : kMigrations) {
    if (auto status = db.Execute(migration.sql); !status.ok()) {
      ADD_FAILURE() << "migration " << migration.version << "_" << migration.name << ": "
                    << status.error().detail;
      return false;
    }
  }
  return true;
}

TEST(PostgresMigrations, AreNumberedAlikeWithSqlite) {
  ASSERT_EQ(kMigrations.size(), sqlite::kMigrations.size());
  for (std::size_t i = 0; i < kMigrations.size(); ++i) {
    EXPECT_EQ(kMigrations[i].version, sqlite::kMigrations[i].version);
    EXPECT_EQ(kMigrations[i].name, sqlite::kMigrations[i].name);
  }
}

TEST(PostgresMigrations, BuildTheTablesAndIndexesSqliteBuilds) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db));

  std::map<std::string, std::set<std::string>> columns;
  auto read = db->Prepare(
      "SELECT table_name, column_name FROM information_schema.columns "
      "WHERE table_schema = current_schema()");
  ASSERT_TRUE(read);
  for (auto row = (*read)->Step(); row && *row; row = (*read)->Step()) {
    columns[(*read)->Text(0)].insert((*read)->Text(1));
  }
  const auto expected = SqliteColumns();
  ASSERT_TRUE(expected.contains("cases"));
  EXPECT_EQ(columns, expected);

  // Indexes by name, leaving out those PostgreSQL makes for keys (SQLite's are unnamed).
  std::set<std::string> indexes;
  auto index_names = db->Prepare(
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
      "AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'");
  ASSERT_TRUE(index_names);
  for (auto row = (*index_names)->Step(); row && *row; row = (*index_names)->Step()) {
    indexes.insert((*index_names)->Text(0));
  }
  EXPECT_EQ(indexes, SqliteIndexes());
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM categories WHERE active = 1"), "12");
}

TEST(PostgresMigrations, KeepTheAuditTrailAppendOnly) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db));
  ASSERT_TRUE(db->Execute("INSERT INTO audit_log VALUES "
                          "(1, 0, 'system', NULL, 'a', 's', '{}', '\\x00', '\\x01')")
                  .ok());
  for (const char* sql :
       {"UPDATE audit_log SET action = 'b'", "DELETE FROM audit_log", "TRUNCATE audit_log"}) {
    auto status = db->Execute(sql);
    ASSERT_FALSE(status.ok()) << sql;
    EXPECT_EQ(status.error().code, ErrorCode::kInternal) << sql;
    EXPECT_NE(status.error().detail.find("the audit trail is append-only"), std::string::npos);
    EXPECT_EQ(db->LastViolation(), Violation::kOther);
  }
  EXPECT_EQ(Scalar(*db, "SELECT action FROM audit_log"), "a");
}

// The shapes of SQL the shared store writes, as they must run on PostgreSQL unchanged.
TEST(PostgresMigrations, RunTheSharedStoresSqlShapes) {
  ScratchSchema schema;
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db));

  // The reference sequence: the update must name the table's column (bare last_value is
  // ambiguous with excluded.last_value on PostgreSQL).
  auto next = db->Prepare(
      "INSERT INTO reference_sequences (year, last_value) VALUES (?, 1) ON CONFLICT (year) "
      "DO UPDATE SET last_value = reference_sequences.last_value + 1 RETURNING last_value");
  ASSERT_TRUE(next) << next.error().detail;
  for (std::int64_t expected = 1; expected <= 3; ++expected) {
    sql::StatementUse use(**next);
    use->Bind(1, std::int64_t{2025});
    auto row = use->Step();
    ASSERT_TRUE(row && *row) << (row ? "no row" : row.error().detail);
    EXPECT_EQ(use->Int(0), expected);
  }

  auto insert_case = db->Prepare(
      "INSERT INTO cases (reference, reference_year, reference_sequence, kind, status, channel, "
      "received_at, recorded_at, recorded_by_kind, beneficiary_kind, beneficiary_name_sealed, "
      "category, subject, description, language, consent_notice_shown, vulnerable, "
      "access_code_hash, priority) VALUES (?, 2025, ?, 'complaint', ?, 'portal', ?, ?, "
      "'beneficiary', 'individual', ?, 'other', 'موضوع', 'وصف', 'ar', 1, 0, ?, ?) "
      "RETURNING case_id");
  ASSERT_TRUE(insert_case) << insert_case.error().detail;
  const std::string sealed("\x00\x01\xfe", 3);
  const struct {
    const char* status;
    std::int64_t received_at;
    const char* priority;
  } rows[] = {{"received", 100, "normal"},
              {"in_progress", 200, "urgent"},
              {"received", 300, "high"},
              {"in_progress", 400, "low"}};
  std::int64_t sequence = 0;
  for (const auto& row : rows) {
    sql::StatementUse use(**insert_case);
    ++sequence;
    use->Bind(1, std::string_view("SHK-2025-" + std::to_string(sequence)))
        .Bind(2, sequence)
        .Bind(3, std::string_view(row.status))
        .Bind(4, row.received_at)
        .Bind(5, row.received_at)
        .BindBlob(6, sealed)
        .BindBlob(7, sealed)
        .Bind(8, std::string_view(row.priority));
    auto step = use->Step();
    ASSERT_TRUE(step && *step) << (step ? "no row" : step.error().detail);
    EXPECT_EQ(use->Int(0), sequence);
  }

  // A page: one SELECT per status, UNION ALL, ordered by result-column names, after a cursor
  // given as a row value.
  auto page = db->Prepare(
      "SELECT case_id, received_at, priority_rank FROM cases WHERE status = ? "
      "AND (received_at, case_id) < (?, ?) UNION ALL "
      "SELECT case_id, received_at, priority_rank FROM cases WHERE status = ? "
      "AND (received_at, case_id) < (?, ?) ORDER BY received_at DESC, case_id DESC LIMIT ?");
  ASSERT_TRUE(page) << page.error().detail;
  {
    sql::StatementUse use(**page);
    use->Bind(1, "received"sv).Bind(2, std::int64_t{400}).Bind(3, std::int64_t{4});
    use->Bind(4, "in_progress"sv).Bind(5, std::int64_t{400}).Bind(6, std::int64_t{4});
    use->Bind(7, std::int64_t{2});
    std::vector<std::int64_t> ids;
    for (auto row = use->Step(); row && *row; row = use->Step()) ids.push_back(use->Int(0));
    EXPECT_EQ(ids, (std::vector<std::int64_t>{3, 2}));
  }
  EXPECT_EQ(Scalar(*db, "SELECT priority_rank FROM cases WHERE case_id = 2"), "0");
  EXPECT_EQ(Scalar(*db, "SELECT resolution_due_key FROM cases WHERE case_id = 1"),
            "9223372036854775807");

  // The outbox's no-op on a second queueing, and an upsert through excluded.
  auto queue = db->Prepare(
      "INSERT INTO outbox (case_id, created_at, template, recipient_kind, dedupe_key) "
      "VALUES (?, ?, 'ack', 'beneficiary', ?) ON CONFLICT (dedupe_key) DO NOTHING");
  ASSERT_TRUE(queue) << queue.error().detail;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        (*queue)->Bind(1, std::int64_t{1}).Bind(2, std::int64_t{5}).Bind(3, "ack:1"sv).Run().ok());
    EXPECT_EQ(db->Changes(), 1 - i);
  }
  auto word = db->Prepare(
      "INSERT INTO message_templates (name, language, part, body, updated_by, updated_at) "
      "VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (name, language, part) DO UPDATE SET body = "
      "excluded.body, updated_at = excluded.updated_at");
  ASSERT_TRUE(word) << word.error().detail;
  for (const char* body : {"أولى", "ثانية"}) {
    ASSERT_TRUE((*word)
                    ->Bind(1, "ack"sv)
                    .Bind(2, "ar"sv)
                    .Bind(3, "text"sv)
                    .Bind(4, std::string_view(body))
                    .Bind(5, std::int64_t{1})
                    .Run()
                    .ok());
  }
  EXPECT_EQ(Scalar(*db, "SELECT body FROM message_templates"), "ثانية");
}

// ---------------------------------------------------------------------------------------------
// The store when the server drops its connections (a restart, a failover)

// Terminates every backend of the test server whose application_name is name.
int TerminateBackendsOf(const ScratchSchema& schema, std::string_view name) {
  auto admin = ConnectTo(schema);
  if (!admin) return 0;
  auto kill = admin->Prepare(
      "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
      "WHERE application_name = ?");
  if (!kill) return 0;
  (*kill)->Bind(1, name);
  auto row = (*kill)->Step();
  return row && *row ? static_cast<int>((*kill)->Int(0)) : 0;
}

TEST(PostgresStoreConnections, ReadsAndWritesCarryOnAfterTheServerDropsEveryConnection) {
  ScratchSchema schema;
  ASSERT_TRUE(schema.ready());
  const std::string node = "shakwa-reconnect-" + schema.name();
  testing::PlainCipher cipher;
  auto store = PostgresStore::Open(
      {testing::WithSetting(schema.url(), "application_name", node, node), 2, 64}, cipher);
  ASSERT_TRUE(store) << store.error().detail;
  const domain::Case first = testing::SampleCase(2026, 1);
  ASSERT_TRUE(testing::WriteSync(**store, [&](app::WriteTransaction& tx) -> domain::Status {
                auto id = tx.InsertCase(first, {});
                if (!id) return std::move(id).error();
                return domain::Status::Ok();
              }).ok());

  // The writer and both readers lose their connections while idle.
  ASSERT_EQ(TerminateBackendsOf(schema, node), 3);

  // Nothing had begun on them, so the next read and write reconnect and succeed.
  auto count =
      testing::ReadResult(**store, [](app::ReadTransaction& tx) { return tx.CountCases(); });
  ASSERT_TRUE(count) << count.error().detail;
  EXPECT_EQ(*count, 1);
  const domain::Case second = testing::SampleCase(2026, 2);
  const domain::Status written =
      testing::WriteSync(**store, [&](app::WriteTransaction& tx) -> domain::Status {
        auto id = tx.InsertCase(second, {});
        if (!id) return std::move(id).error();
        return domain::Status::Ok();
      });
  EXPECT_TRUE(written.ok()) << written.error().detail;
  count = testing::ReadResult(**store, [](app::ReadTransaction& tx) { return tx.CountCases(); });
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 2);
  (*store)->Close();
}

// A department's queue page on PostgreSQL reads each status's cases in index order, stopping at
// the page's size, and merges them (Merge Append), however many cases the department has: it
// must not collect and sort every one of them (what a plain UNION ALL made PostgreSQL do).
TEST(PostgresStoreQueues, ADepartmentPageMergesItsStatusesInsteadOfSortingThemAll) {
  ScratchSchema schema;
  ASSERT_TRUE(schema.ready());
  testing::PlainCipher cipher;
  auto store = PostgresStore::Open({schema.url(), 1, 64}, cipher);
  ASSERT_TRUE(store) << store.error().detail;
  const domain::CaseStatus statuses[] = {
      domain::CaseStatus::kClosed, domain::CaseStatus::kInProgress, domain::CaseStatus::kAssessed,
      domain::CaseStatus::kRejected};
  ASSERT_TRUE(testing::WriteSync(**store, [&](app::WriteTransaction& tx) -> domain::Status {
                for (int i = 1; i <= 4000; ++i) {
                  domain::Case c = testing::SampleCase(2026, i);
                  c.status = statuses[i % 4];
                  c.handling.department = i % 2 == 0 ? "payments" : "contracts";
                  c.received_at += std::chrono::minutes{i};
                  if (auto id = tx.InsertCase(c, {}); !id) return std::move(id).error();
                }
                return domain::Status::Ok();
              }).ok());
  (*store)->Close();
  auto db = ConnectTo(schema);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Execute("ANALYZE cases").ok());

  app::CaseQuery query;
  query.scope.department = "payments";
  query.limit = 50;
  auto plan = ExplainQueuePage(schema.url(), query, cipher);
  ASSERT_TRUE(plan) << plan.error().detail;
  std::string all;
  for (const auto& line : *plan) all += line + "\n";
  SCOPED_TRACE(all);
  EXPECT_NE(all.find("Merge Append"), std::string::npos);
  EXPECT_NE(all.find("Index Scan"), std::string::npos);
  EXPECT_EQ(all.find("Seq Scan"), std::string::npos);
  EXPECT_EQ(all.find("Bitmap"), std::string::npos);
}

}  // namespace
}  // namespace postgres
}  // namespace shakwa::storage
