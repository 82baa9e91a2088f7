// What the SQLite adapter promises beyond the contract: durability across reopen, group commit,
// sealed personal data, migrations, and an orderly close.
#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <latch>
#include <sstream>
#include <thread>

#include "crypto/sodium.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::storage::sqlite {
namespace {

using testing::SampleCase;
using testing::WriteSync;

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
  // Before close the data may sit in the WAL; after close it is in the main file. Check both.
  const std::string wal = FileBytes(path().string() + "-wal");
  store->Close();
  const std::string db = FileBytes(path());
  const domain::Case sample = SampleCase(2026, 1);
  for (const std::string& bytes : {wal, db}) {
    for (const std::string& secret :
         {*sample.beneficiary.email, *sample.beneficiary.mobile, *sample.beneficiary.national_id,
          sample.beneficiary.name, sample.beneficiary.representative->name,
          *sample.beneficiary.representative->mobile}) {
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

}  // namespace
}  // namespace shakwa::storage::sqlite
