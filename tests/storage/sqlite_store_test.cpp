// What the SQLite adapter promises beyond the contract: durability across reopen, group commit,
// sealed personal data, migrations, and an orderly close.
#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <latch>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "crypto/sodium.hpp"
#include "storage/audit_chain.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::storage::sqlite {
namespace {

using domain::ErrorCode;
using domain::MessageId;
using Sort = app::CaseQuery::Sort;
using testing::QueueHour;
using testing::ReadResult;
using testing::SampleAuditEntry;
using testing::SampleCase;
using testing::WriteResult;
using testing::WriteSync;

constexpr Sort kSorts[] = {Sort::kReceivedAsc, Sort::kReceivedDesc, Sort::kPriorityDesc,
                           Sort::kUpdatedDesc, Sort::kDueAsc};

// Runs sql on the database file directly, as someone with the file (and no Shakwa) could.
int RawExecute(const std::filesystem::path& path, const std::string& sql,
               std::string* message = nullptr) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return -1;
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (message != nullptr) *message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  return rc;
}

// Each blob of column in cases, in case_id order (NULLs skipped).
std::vector<std::string> RawBlobs(const std::filesystem::path& path, const std::string& column) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return out;
  sqlite3_stmt* stmt = nullptr;
  const std::string sql =
      "SELECT " + column + " FROM cases WHERE " + column + " IS NOT NULL ORDER BY case_id";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, 0));
      out.emplace_back(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open(std::size_t max_batch = 512) {
    auto store = SqliteStore::Open({path(), 2, max_batch}, cipher_);
    EXPECT_TRUE(store.has_value()) << store.error().detail;
    return std::move(store).value();
  }
  std::filesystem::path path() const { return dir_.path() / "shakwa.db"; }

  static domain::Status InsertSample(SqliteStore& store, std::int64_t sequence,
                                     domain::Case c = SampleCase(2026, 0)) {
    c.reference.sequence = sequence;
    return WriteSync(store, [c](app::WriteTransaction& tx) -> domain::Status {
      auto id = tx.InsertCase(c, {});
      if (!id) return std::move(id).error();
      return domain::Status::Ok();
    });
  }

  static domain::Result<app::CasePage> List(SqliteStore& store, const app::CaseQuery& query) {
    return ReadResult(store, [&](app::ReadTransaction& tx) { return tx.ListCases(query); });
  }

  static domain::Result<std::optional<app::StoredCase>> Find(SqliteStore& store,
                                                             std::int64_t sequence) {
    domain::Result<std::optional<app::StoredCase>> out{std::optional<app::StoredCase>{}};
    (void)store.Read([&](app::ReadTransaction& tx) -> domain::Status {
      out = tx.FindCase(domain::Reference{'C', 2026, sequence, 6});
      return domain::Status::Ok();
    });
    return out;
  }

  testing::TempDir dir_;
  crypto::Key key_{1, 2, 3, 4, 5, 6, 7, 8};
  crypto::SodiumFieldCipher cipher_{key_};
};

TEST_F(SqliteStoreTest, AcknowledgedWritesSurviveReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(InsertSample(*store, 1).ok());
  }
  auto store = Open();
  auto found = Find(*store, 1);
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->value.beneficiary.email, "ops@bank.example");
}

TEST_F(SqliteStoreTest, ConcurrentWritesShareOneCommit) {
  auto store = Open();
  constexpr int kOthers = 63;
  std::latch started(1), queued(1);
  std::promise<domain::Status> first_done;
  // The first write holds the writer until every other write is queued behind it; those must
  // then go to disk together, in one transaction and one fsync.
  store->Write(
      [&](app::WriteTransaction&) -> domain::Status {
        started.count_down();
        queued.wait();
        return domain::Status::Ok();
      },
      [&](domain::Status s) { first_done.set_value(std::move(s)); });
  started.wait();
  std::vector<std::promise<domain::Status>> done(kOthers);
  for (int i = 0; i < kOthers; ++i) {
    store->Write(
        [i](app::WriteTransaction& tx) -> domain::Status {
          domain::Case c = SampleCase(2026, i + 1);
          auto id = tx.InsertCase(c, {});
          if (!id) return std::move(id).error();
          return domain::Status::Ok();
        },
        [&done, i](domain::Status s) {
          done[static_cast<std::size_t>(i)].set_value(std::move(s));
        });
  }
  queued.count_down();
  EXPECT_TRUE(first_done.get_future().get().ok());
  for (auto& d : done) EXPECT_TRUE(d.get_future().get().ok());
  const auto counters = store->counters();
  EXPECT_EQ(counters.writes, 64u);
  EXPECT_EQ(counters.commits, 2u);
}

TEST_F(SqliteStoreTest, MaxBatchBoundsAGroup) {
  auto store = Open(/*max_batch=*/10);
  std::latch started(1), queued(1);
  std::promise<void> first_done;
  store->Write(
      [&](app::WriteTransaction&) -> domain::Status {
        started.count_down();
        queued.wait();
        return domain::Status::Ok();
      },
      [&](domain::Status) { first_done.set_value(); });
  started.wait();
  std::vector<std::promise<void>> done(25);
  for (std::size_t i = 0; i < done.size(); ++i) {
    store->Write([](app::WriteTransaction&) { return domain::Status::Ok(); },
                 [&done, i](domain::Status) { done[i].set_value(); });
  }
  queued.count_down();
  first_done.get_future().get();
  for (auto& d : done) d.get_future().get();
  EXPECT_EQ(store->counters().commits, 1u + 3u);  // 1, then 10 + 10 + 5
}

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST_F(SqliteStoreTest, PersonalDataIsNotInClearInTheDatabaseFiles) {
  auto store = Open();
  ASSERT_TRUE(InsertSample(*store, 1).ok());
  ASSERT_TRUE(InsertSample(*store, 2, SampleCase(2026, 2)).ok());
  const domain::Case sample = SampleCase(2026, 1);
  // The blind indexes find the case by national ID and by mobile without storing either.
  for (const bool by_national_id : {true, false}) {
    SCOPED_TRACE(by_national_id ? "national id" : "mobile");
    app::CaseQuery query;
    if (by_national_id) {
      query.national_id = sample.beneficiary.national_id;
    } else {
      query.mobile = sample.beneficiary.mobile;
    }
    query.sort = Sort::kReceivedAsc;
    auto page = List(*store, query);
    ASSERT_TRUE(page.has_value()) << page.error().detail;
    ASSERT_EQ(page->items.size(), 2u);
    EXPECT_EQ(page->items[0].reference, sample.reference);
    EXPECT_EQ(page->items[0].beneficiary.national_id, sample.beneficiary.national_id);
    query.national_id = query.mobile = std::nullopt;
    (by_national_id ? query.national_id : query.mobile) = "+966500000000";
    page = List(*store, query);
    ASSERT_TRUE(page.has_value());
    EXPECT_TRUE(page->items.empty());
  }
  // Before close the data may sit in the WAL; after close it is in the main file. Check both.
  const std::string wal = FileBytes(path().string() + "-wal");
  store->Close();
  const std::string db = FileBytes(path());
  for (const std::string& bytes : {wal, db}) {
    for (const std::string& secret :
         {*sample.beneficiary.email, *sample.beneficiary.mobile, *sample.beneficiary.national_id,
          sample.beneficiary.mobile->substr(4), sample.beneficiary.name,
          sample.beneficiary.representative->name, *sample.beneficiary.representative->mobile}) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
    }
  }
  // The scan does see what is stored in clear, so a miss above is meaningful.
  EXPECT_NE(db.find(sample.subject), std::string::npos);
}

TEST_F(SqliteStoreTest, ASealedValueMovedToAnotherRowDoesNotOpen) {
  auto store = Open();
  ASSERT_TRUE(InsertSample(*store, 1).ok());
  domain::Case other = SampleCase(2026, 2);
  other.beneficiary.email = "someone.else@example.com";
  ASSERT_TRUE(InsertSample(*store, 2, other).ok());
  store->Close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE cases SET beneficiary_email_sealed = (SELECT "
                         "beneficiary_email_sealed FROM cases WHERE reference_sequence = 2) "
                         "WHERE reference_sequence = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto reopened = Open();
  const auto found = Find(*reopened, 1);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, domain::ErrorCode::kInternal);
  EXPECT_TRUE(Find(*reopened, 2).has_value());
}

TEST_F(SqliteStoreTest, CloseCommitsWhatIsQueuedAndRefusesWhatComesAfter) {
  auto store = Open();
  std::vector<std::future<domain::Status>> pending;
  for (int i = 1; i <= 20; ++i) {
    auto promise = std::make_shared<std::promise<domain::Status>>();
    pending.push_back(promise->get_future());
    store->Write(
        [i](app::WriteTransaction& tx) -> domain::Status {
          auto id = tx.InsertCase(SampleCase(2026, i), {});
          if (!id) return std::move(id).error();
          return domain::Status::Ok();
        },
        [promise](domain::Status s) { promise->set_value(std::move(s)); });
  }
  store->Close();
  for (auto& p : pending) EXPECT_TRUE(p.get().ok());
  const domain::Status late = InsertSample(*store, 99);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, domain::ErrorCode::kUnavailable);
  auto reopened = Open();
  for (int i = 1; i <= 20; ++i) EXPECT_TRUE(Find(*reopened, i)->has_value()) << i;
}

TEST_F(SqliteStoreTest, CommitsReachTheDatabaseFileWhileRunning) {
  // The WAL is checkpointed as the server runs, not only at Close(): otherwise it would grow
  // without bound and the database file would keep its empty size.
  auto store = Open();
  const auto empty_size = std::filesystem::file_size(path());
  for (int i = 1; i <= 300; ++i) ASSERT_TRUE(InsertSample(*store, i).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::filesystem::file_size(path()) < empty_size + 200 * 1024 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(std::filesystem::file_size(path()), empty_size + 200 * 1024)
      << "commits stayed in the WAL: nothing checkpointed while running";
}

TEST_F(SqliteStoreTest, MigratingTwiceAppliesNothingTheSecondTime) {
  auto first = Migrate(path());
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  EXPECT_EQ(first->size(), static_cast<std::size_t>(LatestSchemaVersion()));
  auto second = Migrate(path());
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->empty());
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerShakwa) {
  ASSERT_TRUE(Migrate(path()).has_value());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (999, 'future', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto again = Migrate(path());
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().detail.find("newer"), std::string::npos) << again.error().detail;
}

TEST_F(SqliteStoreTest, TheDatabaseFileIsPrivate) {
  auto store = Open();
  struct stat info {};
  ASSERT_EQ(::stat(path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0077, 0u);
}

// ---------------------------------------------------------------------------------------------
// Updating a case

TEST_F(SqliteStoreTest, UpdateCaseRefusesAStaleVersionAndNamesTheCurrentOne) {
  auto store = Open();
  ASSERT_TRUE(InsertSample(*store, 1).ok());
  domain::Case c = (*Find(*store, 1))->value;
  c.status = domain::CaseStatus::kAssessed;
  c.handling.department = "procurement";
  c.handling.updated_at = QueueHour(1);
  c.version = 2;
  ASSERT_TRUE(WriteSync(*store, [&](app::WriteTransaction& tx) { return tx.UpdateCase(c); }).ok());
  for (const std::int64_t version : {std::int64_t{2}, std::int64_t{4}}) {
    SCOPED_TRACE(version);
    domain::Case stale = c;
    stale.status = domain::CaseStatus::kRejected;
    stale.version = version;
    const domain::Status refused =
        WriteSync(*store, [&](app::WriteTransaction& tx) { return tx.UpdateCase(stale); });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_EQ(refused.error().message, MessageId::kStaleVersion);
    EXPECT_EQ(refused.error().message_param, "2");
  }
  const auto read = Find(*store, 1);
  ASSERT_TRUE(read.has_value() && read->has_value());
  EXPECT_EQ((*read)->value.version, 2);
  EXPECT_EQ((*read)->value.status, domain::CaseStatus::kAssessed);
  EXPECT_EQ((*read)->value.handling.updated_at, QueueHour(1));
}

// ---------------------------------------------------------------------------------------------
// Queues

// 240 cases drawn at random, with many ties in every sort key, so that the queue tests below see
// every status, several departments and assignees, and tie-breaks on case_id everywhere.
std::vector<domain::Case> RandomQueue() {
  std::mt19937 rng(2026);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::optional<std::string> departments[] = {"procurement", "finance", "it", std::nullopt};
  const std::optional<std::int64_t> people[] = {21, 22, 23, std::nullopt};
  const std::optional<std::string> national_ids[] = {"1010000001", "1010000002", std::nullopt};
  const std::optional<std::string> mobiles[] = {"+966550000001", "+966550000002", std::nullopt};
  const char* categories[] = {"payments", "technical", "guarantees"};
  const auto statuses = domain::TermsOf<domain::CaseStatus>();
  std::vector<domain::Case> out;
  for (std::int64_t i = 1; i <= 240; ++i) {
    domain::Case c = SampleCase(2026, i);
    c.status = statuses[static_cast<std::size_t>(pick(static_cast<int>(statuses.size())))].value;
    c.category = categories[pick(3)];
    c.received_at = QueueHour(pick(60));
    c.recorded_at = QueueHour(60 + pick(40));  // intake: updated_at = recorded_at
    c.recorded_by = pick(2) ? domain::Actor{domain::Actor::Kind::kStaff, pick(2) ? "21" : "22"}
                            : domain::Actor{domain::Actor::Kind::kBeneficiary, ""};
    c.beneficiary.national_id = national_ids[pick(3)];
    c.beneficiary.mobile = mobiles[pick(3)];
    domain::CaseHandling& h = c.handling;
    h.priority = static_cast<domain::Priority>(pick(4));
    h.department = departments[pick(4)];
    h.assignee_id = people[pick(4)];
    h.assessed_by = people[pick(4)];
    if (pick(3)) c.clock.resolution_due_at = QueueHour(pick(100));
    h.updated_at = c.recorded_at;
    out.push_back(std::move(c));
  }
  return out;
}

bool IsFinished(domain::CaseStatus s) {
  using S = domain::CaseStatus;
  return s == S::kResolved || s == S::kClosed || s == S::kRejected || s == S::kWithdrawn ||
         s == S::kMerged;
}

// What a queue should show, by the port's definition (the filters the queries below use).
bool Keep(const app::CaseQuery& q, const domain::Case& c) {
  const domain::CaseHandling& h = c.handling;
  auto in = [](const auto& wanted, const auto& value) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
  };
  if (!in(q.statuses, c.status) || !in(q.priorities, h.priority) || !in(q.categories, c.category)) {
    return false;
  }
  if (!q.departments.empty() && (!h.department || !in(q.departments, *h.department))) {
    return false;
  }
  if (q.assignee_id && h.assignee_id != q.assignee_id) return false;
  const domain::CaseClock& k = c.clock;
  if (q.overdue_at &&
      (!k.resolution_due_at || *k.resolution_due_at >= *q.overdue_at || IsFinished(c.status))) {
    return false;
  }
  if (q.national_id && c.beneficiary.national_id != q.national_id) return false;
  if (q.mobile && c.beneficiary.mobile != q.mobile) return false;
  if (q.scope.department && h.department != q.scope.department) return false;
  if (q.scope.agent_id && c.status != domain::CaseStatus::kReceived &&
      c.recorded_by.id != std::to_string(*q.scope.agent_id) && h.assessed_by != q.scope.agent_id) {
    return false;
  }
  if (q.scope.closed_only && c.status != domain::CaseStatus::kClosed) return false;
  return true;
}

// The order this adapter promises, case_id tie-break included.
bool Before(Sort sort, const domain::Case& a, const domain::Case& b) {
  auto rank = [](domain::Priority p) { return 3 - static_cast<int>(p); };  // urgent first
  switch (sort) {
    case Sort::kReceivedAsc:
      return std::tie(a.received_at, a.id) < std::tie(b.received_at, b.id);
    case Sort::kReceivedDesc:
      return std::tie(a.received_at, a.id) > std::tie(b.received_at, b.id);
    case Sort::kPriorityDesc:
      return std::make_tuple(rank(a.handling.priority), a.received_at, a.id) <
             std::make_tuple(rank(b.handling.priority), b.received_at, b.id);
    case Sort::kUpdatedDesc:
      return std::tie(a.handling.updated_at, a.id) > std::tie(b.handling.updated_at, b.id);
    case Sort::kDueAsc: {
      const auto never = domain::Instant::max();
      return std::make_tuple(a.clock.resolution_due_at.value_or(never), a.received_at, a.id) <
             std::make_tuple(b.clock.resolution_due_at.value_or(never), b.received_at, b.id);
    }
  }
  return false;
}

std::vector<std::pair<std::string, app::CaseQuery>> QueueQueries() {
  using S = domain::CaseStatus;
  std::vector<std::pair<std::string, app::CaseQuery>> out;
  auto add = [&out](std::string name, auto set) {
    app::CaseQuery q;
    set(q);
    out.emplace_back(std::move(name), std::move(q));
  };
  add("everything", [](app::CaseQuery&) {});
  add("a department's open high-priority cases", [](app::CaseQuery& q) {
    q.scope.department = "procurement";
    q.statuses = {S::kAssessed, S::kInProgress, S::kAwaitingBeneficiary};
    q.priorities = {domain::Priority::kHigh, domain::Priority::kUrgent};
  });
  add("a department's cases in one category", [](app::CaseQuery& q) {
    q.scope.department = "finance";
    q.categories = {"payments"};
  });
  add("someone's open cases", [](app::CaseQuery& q) {
    q.assignee_id = 21;
    q.statuses = {S::kAssessed, S::kInProgress};
  });
  add("someone's cases in their department", [](app::CaseQuery& q) {
    q.scope.department = "it";
    q.assignee_id = 22;
  });
  add("closed only", [](app::CaseQuery& q) { q.scope.closed_only = true; });
  add("closed only, asking for received", [](app::CaseQuery& q) {
    q.scope.closed_only = true;
    q.statuses = {S::kReceived};
  });
  add("overdue", [](app::CaseQuery& q) { q.overdue_at = QueueHour(50); });
  add("overdue and closed", [](app::CaseQuery& q) {
    q.overdue_at = QueueHour(50);
    q.statuses = {S::kClosed};
  });
  add("an agent's", [](app::CaseQuery& q) { q.scope.agent_id = 22; });
  add("by national id", [](app::CaseQuery& q) { q.national_id = "1010000001"; });
  add("by mobile, two statuses", [](app::CaseQuery& q) {
    q.mobile = "+966550000002";
    q.statuses = {S::kReceived, S::kClosed};
  });
  add("two departments, three statuses", [](app::CaseQuery& q) {
    q.departments = {"procurement", "finance"};
    q.statuses = {S::kReceived, S::kAssessed, S::kClosed};
  });
  add("no department", [](app::CaseQuery& q) { q.scope.department = ""; });
  return out;
}

TEST_F(SqliteStoreTest, QueuePagesWalkEveryCaseOnceInOrderForEveryShapeAndSort) {
  auto store = Open();
  std::vector<domain::Case> cases = RandomQueue();
  ASSERT_TRUE(WriteSync(*store, [&](app::WriteTransaction& tx) -> domain::Status {
                for (domain::Case& c : cases) {
                  auto id = tx.InsertCase(c, {});
                  if (!id) return std::move(id).error();
                  c.id = *id;
                }
                return domain::Status::Ok();
              }).ok());
  constexpr int kPageSize = 7;
  for (const auto& [name, base] : QueueQueries()) {
    for (const Sort sort : kSorts) {
      SCOPED_TRACE(name + ", sort " + std::to_string(static_cast<int>(sort)));
      std::vector<std::int64_t> expected;
      std::vector<domain::Case> kept;
      for (const auto& c : cases) {
        if (Keep(base, c)) kept.push_back(c);
      }
      std::sort(kept.begin(), kept.end(),
                [sort](const auto& a, const auto& b) { return Before(sort, a, b); });
      for (const auto& c : kept) expected.push_back(c.id);

      app::CaseQuery query = base;
      query.sort = sort;
      query.limit = kPageSize;
      std::vector<std::int64_t> walked;
      int pages = 0;
      for (;;) {
        auto page = List(*store, query);
        ASSERT_TRUE(page.has_value()) << page.error().detail;
        ++pages;
        ASSERT_LE(page->items.size(), static_cast<std::size_t>(kPageSize));
        for (const auto& c : page->items) walked.push_back(c.id);
        if (!page->next_cursor) break;
        ASSERT_EQ(page->items.size(), static_cast<std::size_t>(kPageSize));
        ASSERT_LT(pages, 100) << "the cursor never ends";
        query.after = page->next_cursor;
      }
      EXPECT_EQ(walked, expected);
      EXPECT_EQ(pages,
                std::max<int>(1, (static_cast<int>(expected.size()) + kPageSize - 1) / kPageSize));
    }
  }
}

TEST_F(SqliteStoreTest, ACursorFromAnotherSortOrAnotherStoreIsRefused) {
  auto store = Open();
  for (std::int64_t i = 1; i <= 5; ++i) ASSERT_TRUE(InsertSample(*store, i).ok());
  for (const Sort made : kSorts) {
    app::CaseQuery query;
    query.scope.department = std::nullopt;
    query.sort = made;
    query.limit = 2;
    auto page = List(*store, query);
    ASSERT_TRUE(page.has_value());
    ASSERT_TRUE(page->next_cursor.has_value());
    for (const Sort used : kSorts) {
      if (used == made) continue;
      query.sort = used;
      query.after = page->next_cursor;
      const auto refused = List(*store, query);
      ASSERT_FALSE(refused.has_value());
      EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
      EXPECT_EQ(refused.error().fields,
                (std::vector<domain::FieldError>{{"cursor", MessageId::kInvalidCursor, ""}}));
    }
  }
  // The memory store's cursors are not this one's.
  app::CaseQuery query;
  query.after = "m1:-received:1773133200123:-1:0";
  EXPECT_FALSE(List(*store, query).has_value());
}

// The plan each kind of queue page gets, on any amount of data (SQLite plans without table
// statistics, so these do not depend on how many cases there are): each status read in the
// order of an index that leads with it, merged, never a scan or a sort of the whole set.
TEST_F(SqliteStoreTest, QueuePagesReadIndexesInOrderWithoutScanningOrSorting) {
  Open();
  using S = domain::CaseStatus;
  struct Shape {
    const char* name;
    std::function<void(app::CaseQuery&)> set;
    const char* index;  // every SEARCH reads an index whose name starts so
    bool sorts;         // a small set, found by equality, may be sorted
  };
  const Shape shapes[] = {
      {"a department page with two filters",
       [](app::CaseQuery& q) {
         q.scope.department = "procurement";
         q.statuses = {S::kAssessed, S::kInProgress, S::kAwaitingBeneficiary};
         q.priorities = {domain::Priority::kHigh, domain::Priority::kUrgent};
       },
       "cases_by_department", false},
      {"a department page, every status",
       [](app::CaseQuery& q) {
         q.scope.department = "procurement";
         q.categories = {"payments"};
       },
       "cases_by_department", false},
      {"everything", [](app::CaseQuery&) {}, "cases_by_status", false},
      {"closed only, with a filter",
       [](app::CaseQuery& q) {
         q.scope.closed_only = true;
         q.kinds = {domain::CaseKind::kComplaint};
       },
       "cases_by_status", false},
      {"someone's open cases in their department",
       [](app::CaseQuery& q) {
         q.scope.department = "it";
         q.assignee_id = 21;
         q.statuses = {S::kAssessed, S::kInProgress};
       },
       "cases_by_", false},
      {"someone's open cases",
       [](app::CaseQuery& q) {
         q.assignee_id = 21;
         q.statuses = {S::kAssessed, S::kInProgress};
       },
       "cases_by_assignee", false},
      {"by national id", [](app::CaseQuery& q) { q.national_id = "1010000001"; },
       "cases_by_national_id", true},
      {"by mobile", [](app::CaseQuery& q) { q.mobile = "+966550000001"; }, "cases_by_mobile", true},
  };
  for (const Shape& shape : shapes) {
    for (const Sort sort : kSorts) {
      app::CaseQuery query;
      shape.set(query);
      query.sort = sort;
      auto plan = ExplainQueuePage(path(), query, cipher_);
      ASSERT_TRUE(plan.has_value()) << plan.error().detail;
      std::string all;
      for (const auto& step : *plan) all += step + "\n";
      SCOPED_TRACE(std::string(shape.name) + ", sort " + std::to_string(static_cast<int>(sort)) +
                   ":\n" + all);
      int searches = 0;
      for (const std::string& step : *plan) {
        EXPECT_EQ(step.find("SCAN"), std::string::npos);
        if (!shape.sorts) {
          EXPECT_EQ(step.find("TEMP B-TREE"), std::string::npos);
        }
        if (step.starts_with("SEARCH")) {
          ++searches;
          EXPECT_NE(step.find(std::string("USING INDEX ") + shape.index), std::string::npos);
        }
      }
      EXPECT_GT(searches, 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The audit trail

class SqliteAuditTest : public SqliteStoreTest {
 protected:
  // Five records through the store, which is then closed.
  void AppendFive() {
    auto store = Open();
    for (int n = 1; n <= 5; ++n) {
      auto appended = WriteResult(
          *store, [n](app::WriteTransaction& tx) { return tx.AppendAudit(SampleAuditEntry(n)); });
      ASSERT_TRUE(appended.has_value()) << appended.error().detail;
      ASSERT_EQ(appended->sequence, n);
    }
    const domain::AuditVerification verified = Verify(*store);
    ASSERT_TRUE(verified.ok()) << verified.problem;
    ASSERT_EQ(verified.records, 5);
  }

  static domain::AuditVerification Verify(SqliteStore& store) {
    auto verified = ReadResult(store, [](app::ReadTransaction& tx) { return tx.VerifyAudit(); });
    EXPECT_TRUE(verified.has_value()) << verified.error().detail;
    return verified ? *verified : domain::AuditVerification{};
  }

  // As an attacker with the file would: drop the triggers that refuse changes, then change it.
  void Tamper(const std::string& sql) {
    std::string message;
    ASSERT_EQ(
        RawExecute(path(),
                   "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql,
                   &message),
        SQLITE_OK)
        << message;
  }

  domain::AuditVerification VerifyReopened() {
    auto store = Open();
    return Verify(*store);
  }
};

TEST_F(SqliteAuditTest, TheTriggersRefuseToChangeOrDeleteARecord) {
  AppendFive();
  for (const std::string sql : {"UPDATE audit_log SET detail = '{}' WHERE sequence = 3",
                                "DELETE FROM audit_log WHERE sequence = 3"}) {
    SCOPED_TRACE(sql);
    std::string message;
    EXPECT_NE(RawExecute(path(), sql, &message), SQLITE_OK);
    EXPECT_NE(message.find("append-only"), std::string::npos) << message;
  }
  const domain::AuditVerification verified = VerifyReopened();
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, 5);
}

TEST_F(SqliteAuditTest, VerifyFindsAnAlteredRecord) {
  AppendFive();
  Tamper("UPDATE audit_log SET detail = '{\"n\":99}' WHERE sequence = 3");
  const domain::AuditVerification verified = VerifyReopened();
  EXPECT_EQ(verified.first_bad, 3);
  EXPECT_EQ(verified.records, 2);
  EXPECT_NE(verified.problem.find("altered"), std::string::npos) << verified.problem;
}

TEST_F(SqliteAuditTest, VerifyFindsADeletedRecord) {
  AppendFive();
  Tamper("DELETE FROM audit_log WHERE sequence = 3");
  const domain::AuditVerification verified = VerifyReopened();
  EXPECT_EQ(verified.first_bad, 3);
  EXPECT_EQ(verified.records, 2);
}

TEST_F(SqliteAuditTest, VerifyFindsTwoRecordsSwapped) {
  AppendFive();
  // Records 2 and 4 trade places, each keeping its own content.
  Tamper(
      "UPDATE audit_log SET sequence = -2 WHERE sequence = 2;"
      "UPDATE audit_log SET sequence = 2 WHERE sequence = 4;"
      "UPDATE audit_log SET sequence = 4 WHERE sequence = -2;");
  const domain::AuditVerification verified = VerifyReopened();
  EXPECT_EQ(verified.first_bad, 2);
  EXPECT_EQ(verified.records, 1);
}

TEST_F(SqliteAuditTest, VerifyFindsTwoRecordsContentsSwapped) {
  AppendFive();
  // Records 2 and 4 trade everything but their sequence numbers.
  const std::string columns[] = {"occurred_at", "actor_kind", "actor_id",      "action",
                                 "subject",     "detail",     "previous_hash", "hash"};
  std::string sql = "CREATE TEMP TABLE two AS SELECT * FROM audit_log WHERE sequence = 2;";
  for (const std::string& c : columns) {
    sql += "UPDATE audit_log SET " + c + " = (SELECT " + c +
           " FROM audit_log WHERE sequence = 4) WHERE sequence = 2;";
    sql += "UPDATE audit_log SET " + c + " = (SELECT " + c + " FROM two) WHERE sequence = 4;";
  }
  Tamper(sql);
  const domain::AuditVerification verified = VerifyReopened();
  EXPECT_EQ(verified.first_bad, 2);
  EXPECT_EQ(verified.records, 1);
}

TEST_F(SqliteAuditTest, VerifyFindsARecordNoStoreCouldHaveWritten) {
  AppendFive();
  Tamper("UPDATE audit_log SET hash = x'00' WHERE sequence = 4");
  const domain::AuditVerification verified = VerifyReopened();
  EXPECT_EQ(verified.first_bad, 4);
  auto store = Open();
  auto entries =
      ReadResult(*store, [](app::ReadTransaction& tx) { return tx.AuditEntries(0, 10); });
  ASSERT_FALSE(entries.has_value());
  EXPECT_EQ(entries.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteAuditTest, AnotherProcessAppendingBetweenTwoAppendsKeepsTheChainWhole) {
  auto store = Open();
  ASSERT_TRUE(WriteResult(*store, [](app::WriteTransaction& tx) {
                return tx.AppendAudit(SampleAuditEntry(1));
              }).has_value());
  // The CLI appends through its own connection while the server runs (re-keying records one).
  auto resealed = RekeyPersonalData(path(), cipher_);
  ASSERT_TRUE(resealed.has_value()) << resealed.error().detail;
  auto third = WriteResult(
      *store, [](app::WriteTransaction& tx) { return tx.AppendAudit(SampleAuditEntry(3)); });
  ASSERT_TRUE(third.has_value()) << third.error().detail;
  EXPECT_EQ(third->sequence, 3);
  auto entries =
      ReadResult(*store, [](app::ReadTransaction& tx) { return tx.AuditEntries(0, 10); });
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[1].action, "keys.rotated");
  EXPECT_EQ((*entries)[2].previous_hash, (*entries)[1].hash);
  const domain::AuditVerification verified = Verify(*store);
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, 3);
}

// ---------------------------------------------------------------------------------------------
// Re-keying

crypto::Keyring Ring(std::initializer_list<std::pair<const int, crypto::Key>> keys) {
  return crypto::Keyring(std::map<int, crypto::Key>(keys));
}

TEST_F(SqliteStoreTest, RekeyingResealsEveryValueUnderTheNewKeyAndEverythingStillReads) {
  const crypto::Key first{1, 2, 3, 4, 5, 6, 7, 8};  // key_, as the fixture's cipher has it
  const crypto::Key second{9, 9, 9};
  constexpr int kCases = 300;  // more than one page of the re-keying
  {
    auto store = Open();
    ASSERT_TRUE(WriteSync(*store, [](app::WriteTransaction& tx) -> domain::Status {
                  for (int i = 1; i <= kCases; ++i) {
                    domain::Case c = SampleCase(2026, i);
                    if (i % 2) c.beneficiary.representative.reset();
                    if (i % 3) c.beneficiary.national_id.reset();
                    if (auto id = tx.InsertCase(c, {}); !id) return std::move(id).error();
                  }
                  return domain::Status::Ok();
                }).ok());
    store->Close();
  }
  const std::vector<std::string> before = RawBlobs(path(), "beneficiary_mobile_index");

  const crypto::SodiumFieldCipher rotated(Ring({{1, first}, {2, second}}));
  auto resealed = RekeyPersonalData(path(), rotated);
  ASSERT_TRUE(resealed.has_value()) << resealed.error().detail;
  EXPECT_EQ(*resealed, kCases);

  for (const char* column : {"beneficiary_name_sealed", "beneficiary_email_sealed",
                             "beneficiary_mobile_sealed", "beneficiary_national_id_sealed",
                             "representative_name_sealed", "representative_mobile_sealed"}) {
    SCOPED_TRACE(column);
    const auto sealed = RawBlobs(path(), column);
    EXPECT_FALSE(sealed.empty());
    for (const std::string& value : sealed) EXPECT_EQ(rotated.KeyVersionOf(value), 2);
  }
  // The blind indexes follow the active key, so every one changed.
  const std::vector<std::string> after = RawBlobs(path(), "beneficiary_mobile_index");
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_NE(after[i], before[i]) << i;

  auto store = SqliteStore::Open({path(), 2, 64}, rotated);
  ASSERT_TRUE(store.has_value()) << store.error().detail;
  const domain::Case sample = SampleCase(2026, 3);
  for (const int i : {1, 3, kCases}) {
    auto found = Find(**store, i);
    ASSERT_TRUE(found.has_value()) << found.error().detail;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->value.beneficiary.name, sample.beneficiary.name);
    EXPECT_EQ((*found)->value.beneficiary.mobile, sample.beneficiary.mobile);
    EXPECT_EQ((*found)->value.beneficiary.representative.has_value(), i % 2 == 0);
    EXPECT_EQ((*found)->value.beneficiary.national_id.has_value(), i % 3 == 0);
  }
  app::CaseQuery by_national_id;
  by_national_id.national_id = sample.beneficiary.national_id;
  by_national_id.limit = 200;
  auto page = List(**store, by_national_id);
  ASSERT_TRUE(page.has_value()) << page.error().detail;
  EXPECT_EQ(page->items.size(), static_cast<std::size_t>(kCases / 3));

  auto entries =
      ReadResult(**store, [](app::ReadTransaction& tx) { return tx.AuditEntries(0, 10); });
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].action, "keys.rotated");
  EXPECT_EQ((*entries)[0].actor.kind, domain::Actor::Kind::kSystem);
  EXPECT_EQ((*entries)[0].detail, "{\"cases\":300,\"key_version\":2}");
}

TEST_F(SqliteStoreTest, RekeyingWithoutTheOldKeyChangesNothing) {
  {
    auto store = Open();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(InsertSample(*store, i, SampleCase(2026, i)).ok());
  }
  const auto before = RawBlobs(path(), "beneficiary_name_sealed");
  const crypto::SodiumFieldCipher stranger(Ring({{1, crypto::Key{7}}, {2, crypto::Key{8}}}));
  auto resealed = RekeyPersonalData(path(), stranger);
  ASSERT_FALSE(resealed.has_value());
  EXPECT_EQ(resealed.error().code, ErrorCode::kInternal);
  EXPECT_EQ(RawBlobs(path(), "beneficiary_name_sealed"), before);
  auto store = Open();
  auto entries =
      ReadResult(*store, [](app::ReadTransaction& tx) { return tx.AuditEntries(0, 10); });
  ASSERT_TRUE(entries.has_value());
  EXPECT_TRUE(entries->empty());
  EXPECT_TRUE(Find(*store, 1)->has_value());
}

}  // namespace
}  // namespace shakwa::storage::sqlite
