// The store contract: one suite, run unchanged against every Store adapter. A new backend is
// done when it passes this file.
//
// What it leaves to each adapter: a queue cursor's format (the suite only follows cursors the
// store returned), the direction of the final case_id tie-break within a sort (it must be total
// and the same on every page), and the order of Departments() and Users().
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <tuple>

#include "storage/audit_chain.hpp"
#include "storage/memory/memory_store.hpp"
#include "storage/postgres/database.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/fakes.hpp"
#include "support/postgres.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::storage {
namespace {

using domain::ErrorCode;
using domain::MessageId;
using testing::FullClock;
using testing::FullHandling;
using testing::QueueCases;
using testing::QueueHour;
using testing::ReadResult;
using testing::SampleAttachment;
using testing::SampleAuditEntry;
using testing::SampleCase;
using testing::SampleDepartment;
using testing::SampleSession;
using testing::SampleUser;
using testing::WriteResult;
using testing::WriteSync;
using Sort = app::CaseQuery::Sort;

// A store under test, and (for the SQL engines) a way to look at its rows directly.
struct Opened {
  std::shared_ptr<app::Store> store;
  std::function<std::unique_ptr<sql::Connection>()> raw;
};

struct Backend {
  std::string name;
  std::function<Opened(const std::filesystem::path&, const app::FieldCipher&)> open;
};

// Names the backend in test output instead of dumping the struct's bytes.
void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

template <typename Connection>
std::unique_ptr<sql::Connection> Raw(domain::Result<std::unique_ptr<Connection>> connection) {
  EXPECT_TRUE(connection.has_value()) << connection.error().detail;
  if (!connection) return nullptr;
  return std::move(*connection);
}

// The PostgreSQL store and the scratch schema it lives in, dropped after the store has closed.
struct PostgresUnderTest {
  testing::ScratchSchema schema;
  std::unique_ptr<postgres::PostgresStore> store;
};

std::vector<Backend> Backends() {
  return {
      {"memory",
       [](const std::filesystem::path&, const app::FieldCipher&) {
         return Opened{std::make_shared<memory::MemoryStore>(), nullptr};
       }},
      {"sqlite",
       [](const std::filesystem::path& dir, const app::FieldCipher& cipher) {
         const std::filesystem::path path = dir / "shakwa.db";
         auto store = sqlite::SqliteStore::Open({path, 2, 64}, cipher);
         EXPECT_TRUE(store.has_value()) << store.error().detail;
         return Opened{std::shared_ptr<app::Store>(std::move(store).value()),
                       [path] { return Raw(sqlite::Connection::Open(path, true)); }};
       }},
      {"postgres",
       [](const std::filesystem::path&, const app::FieldCipher& cipher) {
         auto under_test = std::make_shared<PostgresUnderTest>();
         if (!under_test->schema.ready()) return Opened{};
         const std::string url = under_test->schema.url();
         auto store = postgres::PostgresStore::Open({url, 2, 64}, cipher);
         EXPECT_TRUE(store.has_value()) << store.error().detail;
         if (!store) return Opened{};
         under_test->store = std::move(*store);
         app::Store* raw_store = under_test->store.get();
         return Opened{std::shared_ptr<app::Store>(under_test, raw_store),
                       [url] { return Raw(postgres::Connect(url)); }};
       }},
  };
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    Opened opened = GetParam().open(dir_.path(), cipher_);
    ASSERT_NE(opened.store, nullptr) << GetParam().name << " store did not open";
    store_ = std::move(opened.store);
    raw_ = std::move(opened.raw);
  }

  std::optional<app::StoredCase> Find(const domain::Reference& reference) {
    std::optional<app::StoredCase> out;
    EXPECT_TRUE(store_
                    ->Read([&](app::ReadTransaction& tx) -> domain::Status {
                      auto found = tx.FindCase(reference);
                      if (!found) return std::move(found).error();
                      out = std::move(*found);
                      return domain::Status::Ok();
                    })
                    .ok());
    return out;
  }

  std::int64_t Insert(const domain::Case& c) {
    std::int64_t id = 0;
    EXPECT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                  auto inserted = tx.InsertCase(c, app::AccessCodeHash{7, 7, 7});
                  if (!inserted) return std::move(inserted).error();
                  id = *inserted;
                  return domain::Status::Ok();
                }).ok());
    return id;
  }

  // Inserts each case as intake does, then records its status and handling as staff do (one
  // UpdateCase each, to version 2), so the queue tests need nothing of InsertCase but intake.
  void Seed(const std::vector<domain::Case>& cases) {
    ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                  for (const auto& c : cases) {
                    if (auto id = tx.InsertCase(c, {}); !id) return std::move(id).error();
                  }
                  return domain::Status::Ok();
                }).ok());
    const domain::Status updated =
        WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
          for (const auto& c : cases) {
            auto found = tx.FindCase(c.reference);
            if (!found) return std::move(found).error();
            if (!found->has_value()) {
              return domain::Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound,
                                       "just inserted, not found: " + c.reference.ToString());
            }
            domain::Case stored = (*found)->value;
            stored.status = c.status;
            stored.kind = c.kind;
            stored.category = c.category;
            stored.handling = c.handling;
            stored.version += 1;
            if (auto s = tx.UpdateCase(stored); !s.ok()) return s;
          }
          return domain::Status::Ok();
        });
    ASSERT_TRUE(updated.ok()) << updated.error().detail;
  }

  domain::Status Update(const domain::Case& c) {
    return WriteSync(*store_, [&](app::WriteTransaction& tx) { return tx.UpdateCase(c); });
  }

  domain::Result<app::CasePage> List(const app::CaseQuery& query) {
    return ReadResult(*store_, [&](app::ReadTransaction& tx) { return tx.ListCases(query); });
  }

  // The references of every case query selects, in order, from one page big enough for all.
  std::vector<std::string> ListAll(app::CaseQuery query) {
    query.limit = 200;
    auto page = List(query);
    EXPECT_TRUE(page.has_value()) << page.error().detail;
    if (!page) return {};
    EXPECT_FALSE(page->next_cursor.has_value());
    std::vector<std::string> out;
    for (const auto& c : page->items) out.push_back(c.reference.ToString());
    return out;
  }

  // Walks query page by page, following only the cursors the store hands out.
  std::vector<domain::Case> Walk(app::CaseQuery query, int page_size, int& pages) {
    query.limit = page_size;
    std::vector<domain::Case> out;
    pages = 0;
    for (;;) {
      auto page = List(query);
      EXPECT_TRUE(page.has_value()) << page.error().detail;
      if (!page) break;
      ++pages;
      EXPECT_LE(static_cast<int>(page->items.size()), page_size);
      out.insert(out.end(), page->items.begin(), page->items.end());
      if (!page->next_cursor) break;
      EXPECT_EQ(static_cast<int>(page->items.size()), page_size) << "a short page before the end";
      if (pages > 100) {
        ADD_FAILURE() << "the cursor never ends";
        break;
      }
      query.after = page->next_cursor;
    }
    return out;
  }

  std::vector<domain::AuditEntry> AuditTrail() {
    auto entries =
        ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.AuditEntries(0, 1000); });
    EXPECT_TRUE(entries.has_value()) << entries.error().detail;
    return entries ? *entries : std::vector<domain::AuditEntry>{};
  }

  domain::AuditVerification VerifyAudit() {
    auto verified = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.VerifyAudit(); });
    EXPECT_TRUE(verified.has_value()) << verified.error().detail;
    return verified ? *verified : domain::AuditVerification{};
  }

  domain::Result<domain::AuditEntry> AppendAudit(const domain::AuditEntry& entry) {
    return WriteResult(*store_, [&](app::WriteTransaction& tx) { return tx.AppendAudit(entry); });
  }

  domain::Result<std::int64_t> InsertUser(const domain::StaffUser& user,
                                          const std::string& password_hash = "$argon2id$x") {
    return WriteResult(
        *store_, [&](app::WriteTransaction& tx) { return tx.InsertUser(user, password_hash); });
  }

  domain::Status InsertDepartment(const domain::Department& department) {
    return WriteSync(*store_,
                     [&](app::WriteTransaction& tx) { return tx.InsertDepartment(department); });
  }

  std::optional<domain::StaffUser> FindUser(std::int64_t id) {
    auto found = ReadResult(*store_, [&](app::ReadTransaction& tx) { return tx.FindUser(id); });
    EXPECT_TRUE(found.has_value()) << found.error().detail;
    return found ? *found : std::nullopt;
  }

  std::optional<domain::Session> FindSession(const std::array<std::uint8_t, 32>& token_hash) {
    auto found =
        ReadResult(*store_, [&](app::ReadTransaction& tx) { return tx.FindSession(token_hash); });
    EXPECT_TRUE(found.has_value()) << found.error().detail;
    return found ? *found : std::nullopt;
  }

  testing::TempDir dir_;
  testing::PlainCipher cipher_;
  std::shared_ptr<app::Store> store_;
  std::function<std::unique_ptr<sql::Connection>()> raw_;  // null for the memory store
};

// ---------------------------------------------------------------------------------------------
// The reference model the queue tests hold a store to.

int Rank(domain::Priority priority) {
  switch (priority) {
    case domain::Priority::kUrgent:
      return 3;
    case domain::Priority::kHigh:
      return 2;
    case domain::Priority::kNormal:
      return 1;
    case domain::Priority::kLow:
      return 0;
  }
  return 0;
}

// Whether sort puts a strictly before b by its keys, leaving aside the case_id tie-break (whose
// direction is the adapter's to choose, as long as it is total and stable across pages).
bool KeysBefore(Sort sort, const domain::Case& a, const domain::Case& b) {
  switch (sort) {
    case Sort::kReceivedAsc:
      return a.received_at < b.received_at;
    case Sort::kReceivedDesc:
      return a.received_at > b.received_at;
    case Sort::kPriorityDesc:
      if (a.handling.priority != b.handling.priority) {
        return Rank(a.handling.priority) > Rank(b.handling.priority);
      }
      return a.received_at < b.received_at;
    case Sort::kUpdatedDesc:
      return a.handling.updated_at > b.handling.updated_at;
    case Sort::kDueAsc: {
      // Without a deadline: last.
      const auto never = domain::Instant::max();
      const auto da = a.clock.resolution_due_at.value_or(never);
      const auto db = b.clock.resolution_due_at.value_or(never);
      if (da != db) return da < db;
      return a.received_at < b.received_at;
    }
  }
  return false;
}

constexpr Sort kSorts[] = {Sort::kReceivedAsc, Sort::kReceivedDesc, Sort::kPriorityDesc,
                           Sort::kUpdatedDesc, Sort::kDueAsc};

std::string SortLabel(Sort sort) {
  switch (sort) {
    case Sort::kReceivedAsc:
      return "received asc";
    case Sort::kReceivedDesc:
      return "received desc";
    case Sort::kPriorityDesc:
      return "priority desc";
    case Sort::kUpdatedDesc:
      return "updated desc";
    case Sort::kDueAsc:
      return "due asc";
  }
  return "?";
}

// The queue cases keep selects, in the order sort puts them (the queue data has no ties).
std::vector<std::string> Expected(Sort sort, const std::function<bool(const domain::Case&)>& keep) {
  std::vector<domain::Case> kept;
  for (const auto& c : QueueCases()) {
    if (keep(c)) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(), [sort](const domain::Case& a, const domain::Case& b) {
    return KeysBefore(sort, a, b);
  });
  std::vector<std::string> out;
  for (const auto& c : kept) out.push_back(c.reference.ToString());
  return out;
}

bool IsOpen(domain::CaseStatus status) {
  using S = domain::CaseStatus;
  return status == S::kReceived || status == S::kAssessed || status == S::kInProgress ||
         status == S::kAwaitingBeneficiary;
}

void ExpectInvalidCursor(const domain::Result<app::CasePage>& page) {
  ASSERT_FALSE(page.has_value()) << "the cursor was accepted";
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidInput);
  ASSERT_EQ(page.error().fields.size(), 1u);
  EXPECT_EQ(page.error().fields[0].path, "cursor");
  EXPECT_EQ(page.error().fields[0].message, MessageId::kInvalidCursor);
}

void ExpectSameHandling(const domain::CaseHandling& got, const domain::CaseHandling& want) {
  EXPECT_EQ(got.severity, want.severity);
  EXPECT_EQ(got.complexity, want.complexity);
  EXPECT_EQ(got.impact, want.impact);
  EXPECT_EQ(got.immediate_action_needed, want.immediate_action_needed);
  EXPECT_EQ(got.immediate_action_taken, want.immediate_action_taken);
  EXPECT_EQ(got.priority, want.priority);
  EXPECT_EQ(got.department, want.department);
  EXPECT_EQ(got.assignee_id, want.assignee_id);
  EXPECT_EQ(got.assessed_by, want.assessed_by);
  EXPECT_EQ(got.concerns_department, want.concerns_department);
  EXPECT_EQ(got.root_cause, want.root_cause);
  EXPECT_EQ(got.outcome, want.outcome);
  EXPECT_EQ(got.decision, want.decision);
  EXPECT_EQ(got.remedies, want.remedies);
  EXPECT_EQ(got.rejection_reason, want.rejection_reason);
  EXPECT_EQ(got.merged_into, want.merged_into);
  EXPECT_EQ(got.escalation_owner_id, want.escalation_owner_id);
  EXPECT_EQ(got.external_referral_to, want.external_referral_to);
  EXPECT_EQ(got.external_reference, want.external_reference);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

void ExpectSameAudit(const domain::AuditEntry& got, const domain::AuditEntry& want) {
  EXPECT_EQ(got.sequence, want.sequence);
  EXPECT_EQ(got.at, want.at);
  EXPECT_EQ(got.actor.kind, want.actor.kind);
  EXPECT_EQ(got.actor.id, want.actor.id);
  EXPECT_EQ(got.action, want.action);
  EXPECT_EQ(got.subject, want.subject);
  EXPECT_EQ(got.detail, want.detail);
  EXPECT_EQ(got.previous_hash, want.previous_hash);
  EXPECT_EQ(got.hash, want.hash);
}

TEST_P(StoreContract, ReferenceSequencesCountUpPerYear) {
  std::vector<std::int64_t> got;
  for (int year : {2026, 2026, 2027, 2026, 2027}) {
    ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                  got.push_back(*tx.NextReferenceSequence(year));
                  return domain::Status::Ok();
                }).ok());
  }
  EXPECT_EQ(got, (std::vector<std::int64_t>{1, 2, 1, 3, 2}));
}

TEST_P(StoreContract, ACaseReadsBackAsItWasWritten) {
  const domain::Case written = SampleCase(2026, 1);
  const std::int64_t id = Insert(written);
  EXPECT_GT(id, 0);
  const auto read = Find(written.reference);
  ASSERT_TRUE(read.has_value());
  const domain::Case& c = read->value;
  EXPECT_EQ(c.id, id);
  EXPECT_EQ(c.reference, written.reference);
  EXPECT_EQ(c.kind, written.kind);
  EXPECT_EQ(c.status, written.status);
  EXPECT_EQ(c.channel, written.channel);
  EXPECT_EQ(c.received_at, written.received_at);
  EXPECT_EQ(c.recorded_at, written.recorded_at);
  EXPECT_EQ(c.recorded_by.kind, written.recorded_by.kind);
  EXPECT_EQ(c.recorded_by.id, written.recorded_by.id);
  EXPECT_EQ(c.beneficiary.kind, written.beneficiary.kind);
  EXPECT_EQ(c.beneficiary.name, written.beneficiary.name);
  EXPECT_EQ(c.beneficiary.email, written.beneficiary.email);
  EXPECT_EQ(c.beneficiary.mobile, written.beneficiary.mobile);
  EXPECT_EQ(c.beneficiary.national_id, written.beneficiary.national_id);
  EXPECT_EQ(c.beneficiary.organization, written.beneficiary.organization);
  ASSERT_TRUE(c.beneficiary.representative.has_value());
  EXPECT_EQ(c.beneficiary.representative->name, "منى");
  EXPECT_EQ(c.beneficiary.representative->capacity, "مفوضة بالتوقيع");
  EXPECT_EQ(c.beneficiary.representative->email, std::nullopt);
  EXPECT_EQ(c.beneficiary.representative->mobile, "+966509998877");
  EXPECT_EQ(c.category, written.category);
  EXPECT_EQ(c.subcategory, written.subcategory);
  EXPECT_EQ(c.about, written.about);
  ASSERT_EQ(c.related_transactions.size(), 2u);
  EXPECT_EQ(c.related_transactions[1].type, domain::TransactionType::kPaymentOrder);
  EXPECT_EQ(c.related_transactions[1].number, "PO-2");
  EXPECT_EQ(c.subject, written.subject);
  EXPECT_EQ(c.description, written.description);
  EXPECT_EQ(c.remedy_sought, written.remedy_sought);
  EXPECT_EQ(c.language, written.language);
  EXPECT_EQ(c.preferred_channel, written.preferred_channel);
  EXPECT_EQ(c.consent_notice_shown, written.consent_notice_shown);
  EXPECT_EQ(c.vulnerable, written.vulnerable);
  EXPECT_EQ(read->access_code_hash, (app::AccessCodeHash{7, 7, 7}));
}

TEST_P(StoreContract, OptionalFieldsStayAbsent) {
  domain::Case c = SampleCase(2026, 2);
  c.beneficiary.email.reset();
  c.beneficiary.national_id.reset();
  c.beneficiary.organization.reset();
  c.beneficiary.representative.reset();
  c.subcategory.reset();
  c.about.reset();
  c.related_transactions.clear();
  c.remedy_sought.reset();
  c.preferred_channel.reset();
  c.recorded_by = domain::Actor{domain::Actor::Kind::kBeneficiary, ""};
  Insert(c);
  const auto read = Find(c.reference);
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->value.beneficiary.email.has_value());
  EXPECT_FALSE(read->value.beneficiary.national_id.has_value());
  EXPECT_FALSE(read->value.beneficiary.organization.has_value());
  EXPECT_FALSE(read->value.beneficiary.representative.has_value());
  EXPECT_FALSE(read->value.subcategory.has_value());
  EXPECT_FALSE(read->value.about.has_value());
  EXPECT_TRUE(read->value.related_transactions.empty());
  EXPECT_FALSE(read->value.remedy_sought.has_value());
  EXPECT_FALSE(read->value.preferred_channel.has_value());
  EXPECT_EQ(read->value.recorded_by.kind, domain::Actor::Kind::kBeneficiary);
}

TEST_P(StoreContract, AnUnknownReferenceIsNotFound) {
  Insert(SampleCase(2026, 1));
  EXPECT_FALSE(Find(domain::Reference{'C', 2026, 2, 6}).has_value());
}

TEST_P(StoreContract, TheTimelineKeepsOrderAndHidesInternalEventsWhenAsked) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                for (auto [type, visibility] :
                     {std::pair{"received", domain::CaseEvent::Visibility::kPublic},
                      std::pair{"note", domain::CaseEvent::Visibility::kInternal},
                      std::pair{"status_changed", domain::CaseEvent::Visibility::kPublic}}) {
                  domain::CaseEvent e;
                  e.type = type;
                  e.visibility = visibility;
                  e.at = domain::Instant{std::chrono::milliseconds{1000}};
                  e.actor = domain::Actor{domain::Actor::Kind::kStaff, "h1"};
                  e.from_status = domain::CaseStatus::kReceived;
                  e.to_status = domain::CaseStatus::kAssessed;
                  if (auto r = tx.AppendEvent(id, e); !r) return std::move(r).error();
                }
                return domain::Status::Ok();
              }).ok());
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) -> domain::Status {
                    auto all = tx.Timeline(id, false);
                    auto public_only = tx.Timeline(id, true);
                    EXPECT_EQ(all->size(), 3u);
                    EXPECT_EQ((*all)[1].type, "note");
                    EXPECT_EQ((*all)[1].actor.id, "h1");
                    EXPECT_EQ((*all)[2].from_status, domain::CaseStatus::kReceived);
                    EXPECT_EQ((*all)[2].to_status, domain::CaseStatus::kAssessed);
                    EXPECT_LT((*all)[0].id, (*all)[1].id);
                    EXPECT_EQ(public_only->size(), 2u);
                    EXPECT_EQ((*public_only)[1].type, "status_changed");
                    return domain::Status::Ok();
                  })
                  .ok());
}

TEST_P(StoreContract, FailedWorkLeavesNoTraceAndDoesNotHarmItsNeighbours) {
  // Many writers at once, every third failing after it has written: the failures must roll back
  // alone, whether or not the store groups them into one commit.
  constexpr int kWriters = 48;
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      const domain::Status s = WriteSync(*store_, [i](app::WriteTransaction& tx) -> domain::Status {
        auto sequence = tx.NextReferenceSequence(2030);
        if (!sequence) return std::move(sequence).error();
        domain::Case c = SampleCase(2030, *sequence);
        c.subject = "writer " + std::to_string(i);
        if (auto id = tx.InsertCase(c, {}); !id) return std::move(id).error();
        if (i % 3 == 0) {
          return domain::Error::Of(domain::ErrorCode::kConflict,
                                   domain::MessageId::kForbiddenTransition, "planned failure");
        }
        return domain::Status::Ok();
      });
      if (s.ok()) {
        ++succeeded;
      } else {
        EXPECT_EQ(s.error().detail, "planned failure");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), kWriters - (kWriters + 2) / 3);
  std::set<std::string> subjects;
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) -> domain::Status {
                    EXPECT_EQ(*tx.CountCases(), succeeded.load());
                    for (std::int64_t s = 1; s <= kWriters; ++s) {
                      auto found = tx.FindCase(domain::Reference{'C', 2030, s, 6});
                      if (found->has_value()) subjects.insert((*found)->value.subject);
                    }
                    return domain::Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(static_cast<int>(subjects.size()), succeeded.load());
  for (const auto& subject : subjects) {
    EXPECT_NE(std::stoi(subject.substr(7)) % 3, 0) << subject;
  }
}

TEST_P(StoreContract, AnswersAPing) {
  EXPECT_TRUE(store_->Read([](app::ReadTransaction& tx) { return tx.Ping(); }).ok());
}

TEST_P(StoreContract, ShipsTheDefaultCategories) {
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) -> domain::Status {
                    auto categories = tx.Categories();
                    EXPECT_EQ(categories->size(), domain::DefaultCategories().size());
                    for (std::size_t i = 0; i < categories->size(); ++i) {
                      EXPECT_EQ((*categories)[i].code, domain::DefaultCategories()[i].code);
                      EXPECT_EQ((*categories)[i].name_ar, domain::DefaultCategories()[i].name_ar);
                      EXPECT_EQ((*categories)[i].name_en, domain::DefaultCategories()[i].name_en);
                    }
                    return domain::Status::Ok();
                  })
                  .ok());
}

// ---------------------------------------------------------------------------------------------
// Updating a case

TEST_P(StoreContract, UpdateCaseStoresEveryHandlingFieldAndTheNewVersion) {
  const domain::Case written = SampleCase(2026, 1);
  const std::int64_t id = Insert(written);
  auto seen =
      WriteResult(*store_, [&](app::WriteTransaction& tx) -> domain::Result<app::StoredCase> {
        auto found = tx.FindCase(written.reference);
        if (!found) return std::move(found).error();
        if (!found->has_value()) {
          return domain::Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound, "not found");
        }
        domain::Case c = (*found)->value;
        EXPECT_EQ(c.version, 1);
        c.status = domain::CaseStatus::kInProgress;
        c.kind = domain::CaseKind::kSuggestion;
        c.category = "payments";
        c.escalation_level = 2;
        c.handling = FullHandling();
        c.clock = FullClock();
        c.version = 2;
        if (auto s = tx.UpdateCase(c); !s.ok()) return std::move(s).error();
        // The transaction reads its own change (read-modify-write within one use case).
        auto again = tx.FindCase(written.reference);
        if (!again) return std::move(again).error();
        return **again;
      });
  ASSERT_TRUE(seen.has_value()) << seen.error().detail;
  EXPECT_EQ(seen->value.version, 2);
  EXPECT_EQ(seen->value.status, domain::CaseStatus::kInProgress);

  const auto read = Find(written.reference);
  ASSERT_TRUE(read.has_value());
  const domain::Case& c = read->value;
  EXPECT_EQ(c.id, id);
  EXPECT_EQ(c.version, 2);
  EXPECT_EQ(c.status, domain::CaseStatus::kInProgress);
  EXPECT_EQ(c.kind, domain::CaseKind::kSuggestion);
  EXPECT_EQ(c.category, "payments");
  EXPECT_EQ(c.escalation_level, 2);
  ExpectSameHandling(c.handling, FullHandling());
  EXPECT_EQ(c.clock, FullClock());
  // What intake recorded stays as it was.
  EXPECT_EQ(c.subject, written.subject);
  EXPECT_EQ(c.received_at, written.received_at);
  EXPECT_EQ(c.beneficiary.name, written.beneficiary.name);
  EXPECT_EQ(c.beneficiary.national_id, written.beneficiary.national_id);
  EXPECT_EQ(read->access_code_hash, (app::AccessCodeHash{7, 7, 7}));
}

TEST_P(StoreContract, OpenCasesWithoutAClockAreFoundUntilTheyHaveOne) {
  domain::Case old = SampleCase(2026, 1);  // as stored before the clocks existed
  Insert(old);
  domain::Case closed = SampleCase(2026, 2);
  closed.status = domain::CaseStatus::kClosed;
  Insert(closed);
  domain::Case scheduled = SampleCase(2026, 3);
  scheduled.clock = FullClock();
  Insert(scheduled);
  auto found =
      ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.CasesWithoutClock(10); });
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].ToString(), old.reference.ToString());

  domain::Case c = Find(old.reference)->value;
  c.clock.first_response_due_at = QueueHour(4);
  c.version = 2;
  ASSERT_TRUE(Update(c).ok());
  found = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.CasesWithoutClock(10); });
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->empty());
}

TEST_P(StoreContract, CasesDueForEscalationAreTheDueOnesSoonestFirst) {
  const domain::Instant now = QueueHour(50);
  const int due_hours[] = {49, -1, 30, 51, 50};
  for (int i = 0; i < 5; ++i) {
    domain::Case c = SampleCase(2026, 10 + i);
    if (due_hours[i] >= 0) c.clock.escalation_due_at = QueueHour(due_hours[i]);
    Insert(c);
  }
  auto due = ReadResult(
      *store_, [&](app::ReadTransaction& tx) { return tx.CasesDueForEscalation(now, 10); });
  ASSERT_TRUE(due.has_value());
  std::vector<std::int64_t> sequences;
  for (const auto& r : *due) sequences.push_back(r.sequence);
  EXPECT_EQ(sequences, (std::vector<std::int64_t>{12, 10, 14}));  // hours 30, 49, 50
  due = ReadResult(*store_,
                   [&](app::ReadTransaction& tx) { return tx.CasesDueForEscalation(now, 2); });
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->size(), 2u);
}

TEST_P(StoreContract, ANotificationIsQueuedOncePerKey) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  app::Notification n;
  n.case_id = id;
  n.created_at = QueueHour(1);
  n.template_name = "escalated";
  n.data = R"({"level":1})";
  n.dedupe_key = "escalated:1:L1:beneficiary";
  auto first =
      WriteResult(*store_, [&](app::WriteTransaction& tx) { return tx.EnqueueNotification(n); });
  auto again =
      WriteResult(*store_, [&](app::WriteTransaction& tx) { return tx.EnqueueNotification(n); });
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*again);
  auto pending =
      ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.PendingNotifications(0, 10); });
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].template_name, "escalated");
  EXPECT_EQ((*pending)[0].recipient, app::Notification::Recipient::kBeneficiary);
  EXPECT_EQ((*pending)[0].data, R"({"level":1})");
}

TEST_P(StoreContract, HolidayAdjustmentsAreReplacedPerHolidayAndYear) {
  const auto d = [](const char* text) { return *domain::ParseIsoDate(text); };
  for (const auto& a :
       {domain::HolidayAdjustment{"eid_al_fitr", 1447, d("2026-03-20"), d("2026-03-23")},
        domain::HolidayAdjustment{"eid_al_fitr", 1447, d("2026-03-21"), d("2026-03-24")},
        domain::HolidayAdjustment{"eid_al_adha", 1447, d("2026-05-26"), d("2026-05-29")}}) {
    ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) {
                  return tx.SaveHolidayAdjustment(a, 7, QueueHour(1));
                }).ok());
  }
  auto stored =
      ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.HolidayAdjustments(); });
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->size(), 2u);
  for (const auto& a : *stored) {
    if (a.key == "eid_al_fitr") {
      EXPECT_EQ(a.first, d("2026-03-21"));
      EXPECT_EQ(a.last, d("2026-03-24"));
    }
  }
}

TEST_P(StoreContract, UpdateCaseClearsWhatIsNoLongerSet) {
  domain::Case c = SampleCase(2026, 1);
  Insert(c);
  c = Find(c.reference)->value;
  c.handling = FullHandling();
  c.clock = FullClock();
  c.version = 2;
  ASSERT_TRUE(Update(c).ok());
  c.handling = domain::CaseHandling{};
  c.handling.updated_at = QueueHour(9);
  c.clock = domain::CaseClock{};
  c.version = 3;
  ASSERT_TRUE(Update(c).ok());
  const auto read = Find(c.reference);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->value.version, 3);
  ExpectSameHandling(read->value.handling, c.handling);
  EXPECT_EQ(read->value.clock, domain::CaseClock{});
}

TEST_P(StoreContract, AStaleVersionIsRefusedAndChangesNothing) {
  Insert(SampleCase(2026, 1));
  const domain::Case original = Find(SampleCase(2026, 1).reference)->value;

  domain::Case first = original;
  first.status = domain::CaseStatus::kAssessed;
  first.handling.priority = domain::Priority::kHigh;
  first.version = 2;
  ASSERT_TRUE(Update(first).ok());

  // A second person acting on the version both of them opened.
  domain::Case second = original;
  second.status = domain::CaseStatus::kRejected;
  second.handling.rejection_reason = "مكرر";
  second.version = 2;
  const domain::Status refused = Update(second);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().message, MessageId::kStaleVersion);
  EXPECT_EQ(refused.error().message_param, "2");

  // Nor may anyone skip a version.
  domain::Case ahead = first;
  ahead.version = 4;
  const domain::Status skipped = Update(ahead);
  ASSERT_FALSE(skipped.ok());
  EXPECT_EQ(skipped.error().code, ErrorCode::kConflict);
  EXPECT_EQ(skipped.error().message, MessageId::kStaleVersion);
  EXPECT_EQ(skipped.error().message_param, "2");

  const auto read = Find(original.reference);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->value.version, 2);
  EXPECT_EQ(read->value.status, domain::CaseStatus::kAssessed);
  EXPECT_EQ(read->value.handling.priority, domain::Priority::kHigh);
  EXPECT_FALSE(read->value.handling.rejection_reason.has_value());
}

TEST_P(StoreContract, FailedWorkRollsBackItsUpdateEventAttachmentAndAudit) {
  const domain::Case original = SampleCase(2026, 1);
  const std::int64_t id = Insert(original);
  const domain::Status failed =
      WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
        auto found = tx.FindCase(original.reference);
        if (!found) return std::move(found).error();
        domain::Case c = (*found)->value;
        c.status = domain::CaseStatus::kAssessed;
        c.handling = FullHandling();
        c.version = 2;
        EXPECT_TRUE(tx.UpdateCase(c).ok());
        domain::CaseEvent event;
        event.type = "assessed";
        event.at = QueueHour(1);
        EXPECT_TRUE(tx.AppendEvent(id, event).has_value());
        EXPECT_TRUE(tx.InsertAttachment(id, SampleAttachment(1)).has_value());
        EXPECT_TRUE(tx.AppendAudit(SampleAuditEntry(1)).has_value());
        return domain::Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                                 "planned failure");
      });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().detail, "planned failure");

  const auto read = Find(original.reference);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->value.version, 1);
  EXPECT_EQ(read->value.status, domain::CaseStatus::kReceived);
  EXPECT_EQ(read->value.handling.priority, domain::Priority::kNormal);
  EXPECT_FALSE(read->value.handling.department.has_value());
  ASSERT_TRUE(store_
                  ->Read([&](app::ReadTransaction& tx) -> domain::Status {
                    EXPECT_TRUE(tx.Timeline(id, false)->empty());
                    EXPECT_TRUE(tx.Attachments(id)->empty());
                    return domain::Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(AuditTrail().empty());
  const domain::AuditVerification verified = VerifyAudit();
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, 0);

  // The version the failed work took was never taken.
  domain::Case next = read->value;
  next.status = domain::CaseStatus::kAssessed;
  next.version = 2;
  EXPECT_TRUE(Update(next).ok());
}

// ---------------------------------------------------------------------------------------------
// Timeline and attachments

TEST_P(StoreContract, EventsKeepTheirActorRoleAndData) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  domain::CaseEvent noted;
  noted.type = "note";
  noted.at = QueueHour(2);
  noted.visibility = domain::CaseEvent::Visibility::kInternal;
  noted.actor = domain::Actor{domain::Actor::Kind::kStaff, "21"};
  noted.actor_role = "handler";
  noted.data = R"({"note":"اتصلنا بالمستفيد","attempt":2})";
  domain::CaseEvent plain;
  plain.type = "received";
  plain.at = QueueHour(1);
  ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                if (auto r = tx.AppendEvent(id, plain); !r) return std::move(r).error();
                if (auto r = tx.AppendEvent(id, noted); !r) return std::move(r).error();
                return domain::Status::Ok();
              }).ok());
  auto timeline =
      ReadResult(*store_, [&](app::ReadTransaction& tx) { return tx.Timeline(id, false); });
  ASSERT_TRUE(timeline.has_value());
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[0].actor_role, "");
  EXPECT_EQ((*timeline)[0].data, "");
  EXPECT_EQ((*timeline)[1].actor_role, "handler");
  EXPECT_EQ((*timeline)[1].data, noted.data);
  EXPECT_EQ((*timeline)[1].at, noted.at);
  EXPECT_EQ((*timeline)[1].visibility, domain::CaseEvent::Visibility::kInternal);
}

TEST_P(StoreContract, AttachmentsReadBackAsWrittenPerCase) {
  const std::int64_t first = Insert(SampleCase(2026, 1));
  const std::int64_t second = Insert(SampleCase(2026, 2));
  std::vector<std::int64_t> ids;
  ASSERT_TRUE(
      WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
        for (auto [case_id, n] : {std::pair{first, 1}, std::pair{second, 2}, std::pair{first, 3}}) {
          auto id = tx.InsertAttachment(case_id, SampleAttachment(n));
          if (!id) return std::move(id).error();
          ids.push_back(*id);
        }
        return domain::Status::Ok();
      }).ok());
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 3u);

  auto attachments =
      ReadResult(*store_, [&](app::ReadTransaction& tx) { return tx.Attachments(first); });
  ASSERT_TRUE(attachments.has_value());
  ASSERT_EQ(attachments->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const app::Attachment want = SampleAttachment(i == 0 ? 1 : 3);
    const app::Attachment& got = (*attachments)[i];
    EXPECT_EQ(got.id, ids[i == 0 ? 0 : 2]);
    EXPECT_EQ(got.sha256, want.sha256);
    EXPECT_EQ(got.size, want.size);
    EXPECT_EQ(got.media_type, want.media_type);
    EXPECT_EQ(got.filename, want.filename);
    EXPECT_EQ(got.uploaded_at, want.uploaded_at);
    EXPECT_EQ(got.uploaded_by.kind, want.uploaded_by.kind);
    EXPECT_EQ(got.uploaded_by.id, want.uploaded_by.id);
    EXPECT_EQ(got.visibility, want.visibility);
  }
  auto others =
      ReadResult(*store_, [&](app::ReadTransaction& tx) { return tx.Attachments(second); });
  ASSERT_TRUE(others.has_value());
  ASSERT_EQ(others->size(), 1u);
  EXPECT_EQ((*others)[0].filename, SampleAttachment(2).filename);
  EXPECT_EQ((*others)[0].uploaded_by.kind, domain::Actor::Kind::kBeneficiary);
  EXPECT_EQ((*others)[0].visibility, domain::CaseEvent::Visibility::kPublic);
}

// ---------------------------------------------------------------------------------------------
// Queues

TEST_P(StoreContract, ListCasesAppliesEachFilterAlone) {
  Seed(QueueCases());
  using S = domain::CaseStatus;
  struct Filter {
    const char* name;
    std::function<void(app::CaseQuery&)> set;
    std::function<bool(const domain::Case&)> keep;
  };
  const std::vector<Filter> filters = {
      {"statuses",
       [](auto& q) {
         q.statuses = {S::kInProgress, S::kClosed};
       },
       [](const domain::Case& c) { return c.status == S::kInProgress || c.status == S::kClosed; }},
      {"kinds", [](auto& q) { q.kinds = {domain::CaseKind::kSuggestion}; },
       [](const domain::Case& c) { return c.kind == domain::CaseKind::kSuggestion; }},
      {"categories", [](auto& q) { q.categories = {"technical"}; },
       [](const domain::Case& c) { return c.category == "technical"; }},
      {"departments", [](auto& q) { q.departments = {"finance"}; },
       [](const domain::Case& c) { return c.handling.department == "finance"; }},
      {"assignee", [](auto& q) { q.assignee_id = 21; },
       [](const domain::Case& c) { return c.handling.assignee_id == 21; }},
      {"unassigned", [](auto& q) { q.unassigned = true; },
       [](const domain::Case& c) { return !c.handling.assignee_id.has_value(); }},
      {"priorities", [](auto& q) { q.priorities = {domain::Priority::kUrgent}; },
       [](const domain::Case& c) { return c.handling.priority == domain::Priority::kUrgent; }},
      {"channels", [](auto& q) { q.channels = {domain::Channel::kApi}; },
       [](const domain::Case& c) { return c.channel == domain::Channel::kApi; }},
      {"beneficiary kinds",
       [](auto& q) { q.beneficiary_kinds = {domain::BeneficiaryKind::kPrivate}; },
       [](const domain::Case& c) {
         return c.beneficiary.kind == domain::BeneficiaryKind::kPrivate;
       }},
      {"received from (inclusive)", [](auto& q) { q.received_from = QueueHour(3); },
       [](const domain::Case& c) { return c.received_at >= QueueHour(3); }},
      {"received to (exclusive)", [](auto& q) { q.received_to = QueueHour(7); },
       [](const domain::Case& c) { return c.received_at < QueueHour(7); }},
      {"overdue (due strictly before, still open)", [](auto& q) { q.overdue_at = QueueHour(28); },
       [](const domain::Case& c) {
         return c.clock.resolution_due_at && *c.clock.resolution_due_at < QueueHour(28) &&
                IsOpen(c.status);
       }},
      {"national id", [](auto& q) { q.national_id = "1010000001"; },
       [](const domain::Case& c) { return c.beneficiary.national_id == "1010000001"; }},
      {"mobile", [](auto& q) { q.mobile = "+966550000001"; },
       [](const domain::Case& c) { return c.beneficiary.mobile == "+966550000001"; }},
  };
  for (const Filter& filter : filters) {
    SCOPED_TRACE(filter.name);
    app::CaseQuery query;
    query.sort = Sort::kReceivedAsc;
    filter.set(query);
    const auto expected = Expected(Sort::kReceivedAsc, filter.keep);
    // The data is laid out so that every filter keeps some cases and drops others.
    ASSERT_FALSE(expected.empty());
    ASSERT_LT(expected.size(), QueueCases().size());
    EXPECT_EQ(ListAll(query), expected);
  }
  app::CaseQuery everything;
  everything.sort = Sort::kReceivedAsc;
  EXPECT_EQ(ListAll(everything).size(), QueueCases().size());
}

TEST_P(StoreContract, ListCasesCombinesFilters) {
  Seed(QueueCases());
  using S = domain::CaseStatus;
  app::CaseQuery open_procurement;
  open_procurement.sort = Sort::kReceivedAsc;
  open_procurement.statuses = {S::kReceived, S::kAssessed, S::kInProgress};
  open_procurement.departments = {"procurement"};
  EXPECT_EQ(ListAll(open_procurement), Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
              return (c.status == S::kReceived || c.status == S::kAssessed ||
                      c.status == S::kInProgress) &&
                     c.handling.department == "procurement";
            }));

  app::CaseQuery pressing_unassigned;
  pressing_unassigned.sort = Sort::kReceivedAsc;
  pressing_unassigned.priorities = {domain::Priority::kUrgent, domain::Priority::kHigh};
  pressing_unassigned.unassigned = true;
  const auto expected = Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
    return (c.handling.priority == domain::Priority::kUrgent ||
            c.handling.priority == domain::Priority::kHigh) &&
           !c.handling.assignee_id;
  });
  EXPECT_EQ(expected.size(), 3u);
  EXPECT_EQ(ListAll(pressing_unassigned), expected);

  app::CaseQuery window;
  window.sort = Sort::kReceivedAsc;
  window.received_from = QueueHour(3);
  window.received_to = QueueHour(7);
  EXPECT_EQ(ListAll(window), Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
              return c.received_at >= QueueHour(3) && c.received_at < QueueHour(7);
            }));
}

TEST_P(StoreContract, ADepartmentScopeShowsOnlyThatDepartmentsCases) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.sort = Sort::kReceivedAsc;
  query.scope.department = "procurement";
  EXPECT_EQ(ListAll(query), Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
              return c.handling.department == "procurement";
            }));
  // A filter cannot widen the scope.
  query.departments = {"finance"};
  EXPECT_TRUE(ListAll(query).empty());
}

TEST_P(StoreContract, AnAgentScopeShowsReceivedCasesAndTheirOwn) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.sort = Sort::kReceivedAsc;
  query.scope.agent_id = 22;
  const auto expected = Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
    return c.status == domain::CaseStatus::kReceived || c.recorded_by.id == "22" ||
           c.handling.assessed_by == 22;
  });
  // Each way in is used: received (101, 108), recorded only (106), assessed only (105, 109).
  EXPECT_EQ(expected.size(), 6u);
  EXPECT_EQ(ListAll(query), expected);
}

TEST_P(StoreContract, AClosedOnlyScopeShowsOnlyClosedCases) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.sort = Sort::kReceivedAsc;
  query.scope.closed_only = true;
  const auto expected = Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
    return c.status == domain::CaseStatus::kClosed;
  });
  EXPECT_EQ(expected.size(), 2u);
  EXPECT_EQ(ListAll(query), expected);
  query.statuses = {domain::CaseStatus::kReceived};
  EXPECT_TRUE(ListAll(query).empty());
}

TEST_P(StoreContract, ListCasesSortsInEachOrder) {
  Seed(QueueCases());
  for (Sort sort : kSorts) {
    SCOPED_TRACE(SortLabel(sort));
    app::CaseQuery query;
    query.sort = sort;
    EXPECT_EQ(ListAll(query), Expected(sort, [](const domain::Case&) { return true; }));
  }
}

TEST_P(StoreContract, TheDefaultSortIsNewestReceivedFirst) {
  Seed(QueueCases());
  EXPECT_EQ(ListAll(app::CaseQuery{}),
            Expected(Sort::kReceivedDesc, [](const domain::Case&) { return true; }));
}

TEST_P(StoreContract, WalkingPagesVisitsEveryCaseOnceInOrder) {
  Seed(QueueCases());
  for (Sort sort : kSorts) {
    SCOPED_TRACE(SortLabel(sort));
    app::CaseQuery query;
    query.sort = sort;
    int pages = 0;
    std::vector<std::string> walked;
    for (const auto& c : Walk(query, 3, pages)) walked.push_back(c.reference.ToString());
    EXPECT_EQ(walked, Expected(sort, [](const domain::Case&) { return true; }));
    EXPECT_EQ(pages, 4);  // 12 cases: the last full page says there is no more

    // The same with a filter that leaves a short last page.
    query.statuses = {domain::CaseStatus::kReceived, domain::CaseStatus::kAssessed,
                      domain::CaseStatus::kInProgress, domain::CaseStatus::kClosed};
    walked.clear();
    for (const auto& c : Walk(query, 3, pages)) walked.push_back(c.reference.ToString());
    const auto expected = Expected(sort, [](const domain::Case& c) {
      using S = domain::CaseStatus;
      return c.status == S::kReceived || c.status == S::kAssessed || c.status == S::kInProgress ||
             c.status == S::kClosed;
    });
    EXPECT_EQ(expected.size(), 8u);
    EXPECT_EQ(walked, expected);
    EXPECT_EQ(pages, 3);
  }
}

TEST_P(StoreContract, WalkingPagesThroughTiedKeysVisitsEveryCaseOnce) {
  const auto tied = testing::TiedQueueCases();
  Seed(tied);
  for (Sort sort : kSorts) {
    SCOPED_TRACE(SortLabel(sort));
    app::CaseQuery query;
    query.sort = sort;
    const std::vector<std::string> all = ListAll(query);
    ASSERT_EQ(all.size(), tied.size());
    int pages = 0;
    const std::vector<domain::Case> walked = Walk(query, 3, pages);
    std::vector<std::string> references;
    std::set<std::int64_t> ids;
    for (const auto& c : walked) {
      references.push_back(c.reference.ToString());
      ids.insert(c.id);
    }
    // Pages follow the one-page order exactly, and no case is seen twice or skipped.
    EXPECT_EQ(references, all);
    EXPECT_EQ(ids.size(), tied.size());
    EXPECT_EQ(pages, 4);
    for (std::size_t i = 1; i < walked.size(); ++i) {
      EXPECT_FALSE(KeysBefore(sort, walked[i], walked[i - 1]))
          << walked[i].reference.ToString() << " after " << walked[i - 1].reference.ToString();
    }
  }
}

TEST_P(StoreContract, ListCasesGivesEachCaseItsOwnRelatedTransactionsInOrder) {
  domain::Case two = SampleCase(2026, 1);
  two.related_transactions = {{domain::TransactionType::kTender, "T-1"},
                              {domain::TransactionType::kInvoice, "INV-9"}};
  domain::Case none = SampleCase(2026, 2);
  none.related_transactions.clear();
  domain::Case one = SampleCase(2026, 3);
  one.related_transactions = {{domain::TransactionType::kContract, "C-7"}};
  for (const auto& c : {two, none, one}) Insert(c);

  auto page = List(app::CaseQuery{});
  ASSERT_TRUE(page) << page.error().detail;
  ASSERT_EQ(page->items.size(), 3u);
  std::map<std::string, std::vector<domain::RelatedTransaction>> by_reference;
  for (const auto& c : page->items) by_reference[c.reference.ToString()] = c.related_transactions;
  auto numbers = [](const std::vector<domain::RelatedTransaction>& related) {
    std::vector<std::string> out;
    for (const auto& t : related) out.push_back(t.number);
    return out;
  };
  EXPECT_EQ(numbers(by_reference[two.reference.ToString()]),
            (std::vector<std::string>{"T-1", "INV-9"}));
  EXPECT_TRUE(by_reference[none.reference.ToString()].empty());
  EXPECT_EQ(numbers(by_reference[one.reference.ToString()]), (std::vector<std::string>{"C-7"}));
  EXPECT_EQ(by_reference[one.reference.ToString()].at(0).type, domain::TransactionType::kContract);
}

TEST_P(StoreContract, ListCasesReturnsAtMostTheLimit) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.limit = 2;
  auto page = List(query);
  ASSERT_TRUE(page.has_value()) << page.error().detail;
  EXPECT_EQ(page->items.size(), 2u);
  EXPECT_TRUE(page->next_cursor.has_value());

  query.limit = 11;
  page = List(query);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->items.size(), 11u);
  EXPECT_TRUE(page->next_cursor.has_value());

  query.limit = 12;  // exactly everything: no further page
  page = List(query);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->items.size(), 12u);
  EXPECT_FALSE(page->next_cursor.has_value());
}

TEST_P(StoreContract, ACursorFromAnotherSortIsRefused) {
  Seed(QueueCases());
  for (Sort made : kSorts) {
    app::CaseQuery query;
    query.sort = made;
    query.limit = 3;
    auto page = List(query);
    ASSERT_TRUE(page.has_value());
    ASSERT_TRUE(page->next_cursor.has_value());
    for (Sort used : kSorts) {
      if (used == made) continue;
      SCOPED_TRACE(SortLabel(made) + " cursor used for " + SortLabel(used));
      app::CaseQuery other;
      other.sort = used;
      other.after = page->next_cursor;
      ExpectInvalidCursor(List(other));
    }
  }
}

TEST_P(StoreContract, AGarbledCursorIsRefused) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.limit = 3;
  auto page = List(query);
  ASSERT_TRUE(page.has_value());
  ASSERT_TRUE(page->next_cursor.has_value());
  for (const std::string& cursor :
       {std::string("not a cursor"), std::string(), *page->next_cursor + "x",
        page->next_cursor->substr(0, page->next_cursor->size() / 2)}) {
    SCOPED_TRACE(cursor);
    query.after = cursor;
    ExpectInvalidCursor(List(query));
  }
}

TEST_P(StoreContract, FindsABeneficiarysCasesByNationalId) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.sort = Sort::kReceivedAsc;
  query.national_id = "1010000001";
  const auto expected = Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
    return c.beneficiary.national_id == "1010000001";
  });
  EXPECT_EQ(expected.size(), 4u);
  EXPECT_EQ(ListAll(query), expected);
  query.national_id = "1010000009";  // nobody's
  EXPECT_TRUE(ListAll(query).empty());
  query.national_id = "+966550000001";  // a mobile is not a national ID
  EXPECT_TRUE(ListAll(query).empty());
}

TEST_P(StoreContract, FindsABeneficiarysCasesByMobile) {
  Seed(QueueCases());
  app::CaseQuery query;
  query.sort = Sort::kReceivedAsc;
  query.mobile = "+966550000001";
  const auto expected = Expected(Sort::kReceivedAsc, [](const domain::Case& c) {
    return c.beneficiary.mobile == "+966550000001";
  });
  EXPECT_EQ(expected.size(), 3u);
  EXPECT_EQ(ListAll(query), expected);
  query.mobile = "+966509998877";  // the representative's, not the beneficiary's
  EXPECT_TRUE(ListAll(query).empty());
  query.mobile = "1010000001";  // a national ID is not a mobile
  EXPECT_TRUE(ListAll(query).empty());
}

// ---------------------------------------------------------------------------------------------
// Staff

TEST_P(StoreContract, DepartmentsReadBackAndTheirCodesAreUnique) {
  domain::Department it = SampleDepartment("it");
  it.active = false;
  ASSERT_TRUE(InsertDepartment(SampleDepartment("procurement")).ok());
  ASSERT_TRUE(InsertDepartment(it).ok());

  domain::Department again = SampleDepartment("procurement");
  again.name_en = "someone else's";
  const domain::Status duplicate = InsertDepartment(again);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  EXPECT_EQ(duplicate.error().message, MessageId::kAlreadyExists);
  EXPECT_EQ(duplicate.error().message_param, "procurement");

  auto departments = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.Departments(); });
  ASSERT_TRUE(departments.has_value());
  ASSERT_EQ(departments->size(), 2u);
  for (const domain::Department& want : {SampleDepartment("procurement"), it}) {
    auto got = std::find_if(departments->begin(), departments->end(),
                            [&](const domain::Department& d) { return d.code == want.code; });
    ASSERT_NE(got, departments->end()) << want.code;
    EXPECT_EQ(got->name_ar, want.name_ar);
    EXPECT_EQ(got->name_en, want.name_en);
    EXPECT_EQ(got->active, want.active);
  }
}

TEST_P(StoreContract, UsersReadBackByIdAndByEmail) {
  ASSERT_TRUE(InsertDepartment(SampleDepartment("procurement")).ok());
  const domain::StaffUser handler =
      SampleUser("handler@centre.example", domain::Role::kHandler, "procurement");
  const domain::StaffUser admin = SampleUser("admin@centre.example", domain::Role::kAdmin, {});
  auto handler_id = InsertUser(handler, "$argon2id$v=19$handler");
  auto admin_id = InsertUser(admin, "$argon2id$v=19$admin");
  ASSERT_TRUE(handler_id.has_value()) << handler_id.error().detail;
  ASSERT_TRUE(admin_id.has_value()) << admin_id.error().detail;
  EXPECT_GT(*handler_id, 0);
  EXPECT_NE(*handler_id, *admin_id);

  const auto found = FindUser(*handler_id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, *handler_id);
  EXPECT_EQ(found->email, handler.email);
  EXPECT_EQ(found->name, handler.name);
  EXPECT_EQ(found->role, domain::Role::kHandler);
  EXPECT_EQ(found->department, "procurement");
  EXPECT_TRUE(found->active);
  EXPECT_EQ(found->failed_logins, 0);
  EXPECT_FALSE(found->locked_until.has_value());
  EXPECT_EQ(found->created_at, handler.created_at);
  EXPECT_FALSE(FindUser(*admin_id)->department.has_value());
  EXPECT_FALSE(FindUser(*handler_id + *admin_id + 100).has_value());

  auto by_email = ReadResult(
      *store_, [](app::ReadTransaction& tx) { return tx.FindUserByEmail("admin@centre.example"); });
  ASSERT_TRUE(by_email.has_value());
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->value.id, *admin_id);
  EXPECT_EQ((*by_email)->value.role, domain::Role::kAdmin);
  EXPECT_EQ((*by_email)->password_hash, "$argon2id$v=19$admin");
  auto nobody = ReadResult(*store_, [](app::ReadTransaction& tx) {
    return tx.FindUserByEmail("nobody@centre.example");
  });
  ASSERT_TRUE(nobody.has_value());
  EXPECT_FALSE(nobody->has_value());

  auto users = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.Users(); });
  ASSERT_TRUE(users.has_value());
  std::set<std::string> emails;
  for (const auto& u : *users) emails.insert(u.email);
  EXPECT_EQ(emails, (std::set<std::string>{"admin@centre.example", "handler@centre.example"}));
}

TEST_P(StoreContract, ATakenEmailIsRefused) {
  ASSERT_TRUE(InsertUser(SampleUser("agent@centre.example", domain::Role::kAgent, {})).has_value());
  const auto duplicate = InsertUser(SampleUser("agent@centre.example", domain::Role::kAdmin, {}));
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  EXPECT_EQ(duplicate.error().message, MessageId::kAlreadyExists);
  EXPECT_EQ(duplicate.error().message_param, "agent@centre.example");
  auto users = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.Users(); });
  ASSERT_TRUE(users.has_value());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].role, domain::Role::kAgent);
}

TEST_P(StoreContract, AUserInAnUnknownDepartmentIsRefused) {
  const auto refused =
      InsertUser(SampleUser("handler@centre.example", domain::Role::kHandler, "nowhere"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(
      refused.error().fields,
      (std::vector<domain::FieldError>{{"department", MessageId::kUnknownDepartment, "nowhere"}}));
  auto users = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.Users(); });
  ASSERT_TRUE(users.has_value());
  EXPECT_TRUE(users->empty());
}

TEST_P(StoreContract, UpdateUserStoresRoleDepartmentAndSignInState) {
  ASSERT_TRUE(InsertDepartment(SampleDepartment("procurement")).ok());
  ASSERT_TRUE(InsertDepartment(SampleDepartment("finance")).ok());
  auto id = InsertUser(SampleUser("h@centre.example", domain::Role::kHandler, "procurement"));
  ASSERT_TRUE(id.has_value());
  domain::StaffUser user = *FindUser(*id);
  user.role = domain::Role::kSupervisor;
  user.department = "finance";
  user.active = false;
  user.failed_logins = 3;
  user.locked_until = QueueHour(5) + std::chrono::milliseconds{250};
  ASSERT_TRUE(
      WriteSync(*store_, [&](app::WriteTransaction& tx) { return tx.UpdateUser(user); }).ok());
  auto read = FindUser(*id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->role, domain::Role::kSupervisor);
  EXPECT_EQ(read->department, "finance");
  EXPECT_FALSE(read->active);
  EXPECT_EQ(read->failed_logins, 3);
  EXPECT_EQ(read->locked_until, user.locked_until);
  EXPECT_EQ(read->email, "h@centre.example");

  user.role = domain::Role::kManager;
  user.department.reset();
  user.active = true;
  user.failed_logins = 0;
  user.locked_until.reset();
  ASSERT_TRUE(
      WriteSync(*store_, [&](app::WriteTransaction& tx) { return tx.UpdateUser(user); }).ok());
  read = FindUser(*id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->role, domain::Role::kManager);
  EXPECT_FALSE(read->department.has_value());
  EXPECT_TRUE(read->active);
  EXPECT_EQ(read->failed_logins, 0);
  EXPECT_FALSE(read->locked_until.has_value());
}

TEST_P(StoreContract, SessionsReadBackAndRevokeOneByOne) {
  auto user = InsertUser(SampleUser("agent@centre.example", domain::Role::kAgent, {}));
  ASSERT_TRUE(user.has_value());
  const domain::Session first = SampleSession(*user, 1);
  const domain::Session second = SampleSession(*user, 2);
  ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                if (auto s = tx.InsertSession(first); !s.ok()) return s;
                return tx.InsertSession(second);
              }).ok());

  auto found = FindSession(first.token_hash);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->token_hash, first.token_hash);
  EXPECT_EQ(found->user_id, *user);
  EXPECT_EQ(found->created_at, first.created_at);
  EXPECT_EQ(found->expires_at, first.expires_at);
  EXPECT_FALSE(found->revoked_at.has_value());
  EXPECT_FALSE(FindSession(SampleSession(*user, 3).token_hash).has_value());

  const domain::Instant revoked_at = QueueHour(2) + std::chrono::milliseconds{17};
  ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) {
                return tx.RevokeSession(first.token_hash, revoked_at);
              }).ok());
  found = FindSession(first.token_hash);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->revoked_at, revoked_at);
  found = FindSession(second.token_hash);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->revoked_at.has_value());
}

// ---------------------------------------------------------------------------------------------
// The audit trail

TEST_P(StoreContract, AuditEntriesChainFromOneToTheNext) {
  // Two in one piece of work, then three one by one: the chain links within a transaction and
  // across them.
  std::vector<domain::AuditEntry> appended;
  ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
                for (int n : {1, 2}) {
                  auto entry = tx.AppendAudit(SampleAuditEntry(n));
                  if (!entry) return std::move(entry).error();
                  appended.push_back(*entry);
                }
                return domain::Status::Ok();
              }).ok());
  for (int n : {3, 4, 5}) {
    auto entry = AppendAudit(SampleAuditEntry(n));
    ASSERT_TRUE(entry.has_value()) << entry.error().detail;
    appended.push_back(*entry);
  }

  ASSERT_EQ(appended.size(), 5u);
  for (std::size_t i = 0; i < appended.size(); ++i) {
    SCOPED_TRACE("entry " + std::to_string(i + 1));
    const domain::AuditEntry& e = appended[i];
    const domain::AuditEntry given = SampleAuditEntry(static_cast<int>(i) + 1);
    EXPECT_EQ(e.sequence, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(e.previous_hash, i == 0 ? domain::Sha256{} : appended[i - 1].hash);
    EXPECT_EQ(e.hash, ChainHash(e.previous_hash, e));
    EXPECT_EQ(e.at, given.at);
    EXPECT_EQ(e.actor.kind, given.actor.kind);
    EXPECT_EQ(e.actor.id, given.actor.id);
    EXPECT_EQ(e.action, given.action);
    EXPECT_EQ(e.subject, given.subject);
    EXPECT_EQ(e.detail, given.detail);
  }

  const auto stored = AuditTrail();
  ASSERT_EQ(stored.size(), 5u);
  for (std::size_t i = 0; i < stored.size(); ++i) ExpectSameAudit(stored[i], appended[i]);
  auto middle = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.AuditEntries(2, 2); });
  ASSERT_TRUE(middle.has_value());
  ASSERT_EQ(middle->size(), 2u);
  EXPECT_EQ((*middle)[0].sequence, 3);
  EXPECT_EQ((*middle)[1].sequence, 4);

  const domain::AuditVerification verified = VerifyAudit();
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, 5);
}

TEST_P(StoreContract, AnAuditAppendInFailedWorkLeavesNoRecord) {
  ASSERT_TRUE(AppendAudit(SampleAuditEntry(1)).has_value());
  ASSERT_TRUE(AppendAudit(SampleAuditEntry(2)).has_value());
  const domain::Status failed =
      WriteSync(*store_, [&](app::WriteTransaction& tx) -> domain::Status {
        auto entry = tx.AppendAudit(SampleAuditEntry(3));
        EXPECT_TRUE(entry.has_value());
        if (entry) {
          EXPECT_EQ(entry->sequence, 3);
        }
        return domain::Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                                 "planned failure");
      });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(AuditTrail().size(), 2u);

  auto next = AppendAudit(SampleAuditEntry(4));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->sequence, 3);
  const auto trail = AuditTrail();
  ASSERT_EQ(trail.size(), 3u);
  EXPECT_EQ(trail[2].previous_hash, trail[1].hash);
  EXPECT_EQ(trail[2].action, SampleAuditEntry(4).action);
  EXPECT_EQ(trail[2].subject, SampleAuditEntry(4).subject);
  const domain::AuditVerification verified = VerifyAudit();
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, 3);
}

TEST_P(StoreContract, ConcurrentAuditAppendsWithFailuresKeepTheChainWhole) {
  // As FailedWorkLeavesNoTrace…, for the chain: work that shares a commit with failing work must
  // link to what really committed before it, not to a record that was rolled back.
  constexpr int kWriters = 30;
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      const domain::Status s = WriteSync(*store_, [i](app::WriteTransaction& tx) -> domain::Status {
        if (auto e = tx.AppendAudit(SampleAuditEntry(i)); !e) return std::move(e).error();
        if (i % 3 == 0) {
          return domain::Error::Of(ErrorCode::kConflict, MessageId::kForbiddenTransition,
                                   "planned failure");
        }
        return domain::Status::Ok();
      });
      if (s.ok()) ++succeeded;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), kWriters - kWriters / 3);
  const auto trail = AuditTrail();
  ASSERT_EQ(static_cast<int>(trail.size()), succeeded.load());
  for (const auto& e : trail) {
    EXPECT_NE(std::stoi(e.detail.substr(5)) % 3, 0) << e.detail;
  }
  const domain::AuditVerification verified = VerifyAudit();
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, succeeded.load());
}

// ---------------------------------------------------------------------------------------------
// The outbox, message templates and progress updates (delivery, issue 5).

// A beneficiary notice on case_id, first due at due_hour.
app::Notification SampleNotification(std::int64_t case_id, std::string key, int due_hour) {
  app::Notification n;
  n.case_id = case_id;
  n.created_at = QueueHour(0);
  n.next_attempt_at = QueueHour(due_hour);
  n.template_name = "progress";
  n.data = R"({"status":"in_progress"})";
  n.dedupe_key = std::move(key);
  return n;
}

// The raw secret_sealed column of the outbox row with dedupe_key, from the database itself.
std::optional<std::string> RawSealedSecret(sql::Connection& db, const std::string& dedupe_key) {
  auto statement = db.Prepare("SELECT secret_sealed FROM outbox WHERE dedupe_key = ?");
  EXPECT_TRUE(statement.has_value());
  if (!statement) return std::nullopt;
  sql::StatementUse use(**statement);
  use->Bind(1, std::string_view(dedupe_key));
  auto row = use->Step();
  EXPECT_TRUE(row.has_value());
  if (!row || !*row || use->IsNull(0)) return std::nullopt;
  return use->Blob(0);
}

domain::Result<bool> Enqueue(app::Store& store, const app::Notification& n) {
  return WriteResult(store, [&](app::WriteTransaction& tx) { return tx.EnqueueNotification(n); });
}

// Whether n was queued now (false when its key was taken, or the write failed).
bool Queued(app::Store& store, const app::Notification& n) {
  auto queued = Enqueue(store, n);
  EXPECT_TRUE(queued.has_value()) << queued.error().detail;
  return queued.has_value() && *queued;
}

domain::Status UpdateNotification(app::Store& store, const app::Notification& n) {
  return WriteSync(store, [&](app::WriteTransaction& tx) { return tx.UpdateNotification(n); });
}

// The due rows as the dispatcher's claim reads them: inside a write.
std::vector<app::Notification> Due(app::Store& store, domain::Instant now, int limit = 100) {
  auto due = WriteResult(
      store, [&](app::WriteTransaction& tx) { return tx.DueNotifications(now, limit); });
  EXPECT_TRUE(due.has_value()) << due.error().detail;
  return due ? *due : std::vector<app::Notification>{};
}

std::vector<app::Notification> OfCase(app::Store& store, std::int64_t case_id) {
  auto rows =
      ReadResult(store, [&](app::ReadTransaction& tx) { return tx.CaseNotifications(case_id); });
  EXPECT_TRUE(rows.has_value()) << rows.error().detail;
  return rows ? *rows : std::vector<app::Notification>{};
}

std::optional<app::Notification> ByKey(app::Store& store, std::int64_t case_id,
                                       std::string_view key) {
  for (app::Notification& n : OfCase(store, case_id)) {
    if (n.dedupe_key == key) return std::move(n);
  }
  return std::nullopt;
}

std::vector<std::string> Keys(const std::vector<app::Notification>& rows) {
  std::vector<std::string> out;
  for (const auto& n : rows) out.push_back(n.dedupe_key);
  return out;
}

TEST_P(StoreContract, AQueuedNotificationIsNeverReplacedByOneWithItsKey) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  app::Notification n = SampleNotification(id, "progress:C-1:v2", 1);
  n.secret = "first";
  ASSERT_TRUE(Queued(*store_, n));
  app::Notification same = n;
  same.template_name = "decision";
  same.data = R"({"status":"resolved"})";
  same.secret = "second";
  auto again = Enqueue(*store_, same);
  ASSERT_TRUE(again.has_value()) << again.error().detail;
  EXPECT_FALSE(*again);
  auto other = Enqueue(*store_, SampleNotification(id, "progress:C-1:v3", 1));
  ASSERT_TRUE(other.has_value()) << other.error().detail;
  EXPECT_TRUE(*other);

  const auto rows = OfCase(*store_, id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].template_name, "progress");
  EXPECT_EQ(rows[0].data, R"({"status":"in_progress"})");
  EXPECT_EQ(rows[0].secret, "first");
  EXPECT_NE(rows[0].id, rows[1].id);
}

TEST_P(StoreContract, EveryFieldOfANotificationReadsBack) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  app::Notification staff = SampleNotification(id, "assigned:C-1:v2:21", 3);
  staff.recipient = app::Notification::Recipient::kStaff;
  staff.recipient_user_id = 21;
  staff.template_name = "assigned";
  app::Notification hook = SampleNotification(id, "webhook:C-1:v2@crm", 3);
  hook.recipient = app::Notification::Recipient::kWebhook;
  hook.endpoint = "crm";
  hook.template_name = "case.assigned";
  app::Notification unscheduled = SampleNotification(id, "acknowledgement:C-1", 0);
  unscheduled.next_attempt_at = domain::Instant{};  // due from created_at
  unscheduled.created_at = QueueHour(2) + std::chrono::milliseconds{345};
  for (const auto& n : {staff, hook, unscheduled}) ASSERT_TRUE(Queued(*store_, n));

  const auto rows = OfCase(*store_, id);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].recipient, app::Notification::Recipient::kStaff);
  EXPECT_EQ(rows[0].recipient_user_id, 21);
  EXPECT_FALSE(rows[0].endpoint.has_value());
  EXPECT_EQ(rows[0].template_name, "assigned");
  EXPECT_EQ(rows[0].created_at, QueueHour(0));
  EXPECT_EQ(rows[0].next_attempt_at, QueueHour(3));
  EXPECT_EQ(rows[0].attempts, 0);
  EXPECT_FALSE(rows[0].delivered_at.has_value());
  EXPECT_FALSE(rows[0].failed_at.has_value());
  EXPECT_FALSE(rows[0].secret.has_value());
  EXPECT_EQ(rows[0].case_id, id);
  EXPECT_EQ(rows[1].recipient, app::Notification::Recipient::kWebhook);
  EXPECT_EQ(rows[1].endpoint, "crm");
  EXPECT_FALSE(rows[1].recipient_user_id.has_value());
  EXPECT_EQ(rows[2].next_attempt_at, unscheduled.created_at);
}

TEST_P(StoreContract, DueNotificationsAreTheDueUnsettledOnesSoonestFirst) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  // Queued out of order; hour 9 is not yet due, one row is delivered and one parked.
  const std::pair<const char*, int> rows[] = {{"h4", 4}, {"h1", 1}, {"h9", 9}, {"h3", 3},
                                              {"h2", 2}, {"h5", 5}, {"d", 0},  {"p", 0}};
  for (const auto& [key, hour] : rows) {
    ASSERT_TRUE(Queued(*store_, SampleNotification(id, key, hour))) << key;
  }
  for (const char* key : {"d", "p"}) {
    app::Notification settled = *ByKey(*store_, id, key);
    settled.attempts = 1;
    (key == std::string("d") ? settled.delivered_at : settled.failed_at) = QueueHour(1);
    ASSERT_TRUE(UpdateNotification(*store_, settled).ok());
  }

  // Due at or before now: hour 5 is due at hour 5.
  EXPECT_EQ(Keys(Due(*store_, QueueHour(5))),
            (std::vector<std::string>{"h1", "h2", "h3", "h4", "h5"}));
  EXPECT_EQ(Keys(Due(*store_, QueueHour(5) - std::chrono::milliseconds{1})),
            (std::vector<std::string>{"h1", "h2", "h3", "h4"}));
  EXPECT_EQ(Keys(Due(*store_, QueueHour(5), 2)), (std::vector<std::string>{"h1", "h2"}));
  EXPECT_TRUE(Due(*store_, QueueHour(0)).empty());
  EXPECT_EQ(Due(*store_, QueueHour(100)).size(), 6u);
}

TEST_P(StoreContract, AClaimMovesTheNextAttemptAndKeepsTheSecret) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  app::Notification n = SampleNotification(id, "acknowledgement:C-1", 1);
  n.secret = "ABCD-EFGH-JKLM";
  ASSERT_TRUE(Queued(*store_, n));
  app::Notification claimed = Due(*store_, QueueHour(1)).at(0);
  claimed.attempts = 1;
  claimed.next_attempt_at = QueueHour(1) + std::chrono::seconds{60};
  claimed.channel = "email";
  ASSERT_TRUE(UpdateNotification(*store_, claimed).ok());

  EXPECT_TRUE(Due(*store_, QueueHour(1)).empty()) << "a claimed row is leased";
  const auto again = Due(*store_, QueueHour(1) + std::chrono::seconds{60});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
  EXPECT_EQ(again[0].channel, "email");
  EXPECT_EQ(again[0].secret, "ABCD-EFGH-JKLM");
  const auto stored = ByKey(*store_, id, n.dedupe_key);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->secret, "ABCD-EFGH-JKLM");
  EXPECT_FALSE(stored->delivered_at.has_value());
  EXPECT_EQ(stored->next_attempt_at, claimed.next_attempt_at);
}

// Whether the row took n's outcome (a failed write fails the test).
bool Settled(app::Store& store, const app::Notification& n) {
  auto settled = WriteResult(store, [&](app::WriteTransaction& tx) { return tx.SettleAttempt(n); });
  EXPECT_TRUE(settled.has_value()) << settled.error().detail;
  return settled.has_value() && *settled;
}

// Node A claims attempt 1 and sends slowly; its lease passes and node B claims attempt 2.
struct TwoClaims {
  app::Notification a, b;
};

TwoClaims ClaimTwice(app::Store& store, std::int64_t case_id, const std::string& key) {
  app::Notification n = SampleNotification(case_id, key, 1);
  EXPECT_TRUE(Queued(store, n));
  TwoClaims claims;
  claims.a = Due(store, QueueHour(1)).at(0);
  claims.a.attempts = 1;
  claims.a.next_attempt_at = QueueHour(1) + std::chrono::seconds{60};
  EXPECT_TRUE(UpdateNotification(store, claims.a).ok());
  claims.b = Due(store, claims.a.next_attempt_at).at(0);
  claims.b.attempts = 2;
  claims.b.next_attempt_at = claims.a.next_attempt_at + std::chrono::seconds{120};
  EXPECT_TRUE(UpdateNotification(store, claims.b).ok());
  return claims;
}

TEST_P(StoreContract, AStaleAttemptsFailureDoesNotUndoALaterDelivery) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  TwoClaims claims = ClaimTwice(*store_, id, "slow");
  claims.b.delivered_at = QueueHour(2);
  claims.b.last_outcome = "250 ok";
  ASSERT_TRUE(Settled(*store_, claims.b));
  // A's send times out afterwards: the row stays delivered, at attempt 2.
  claims.a.last_outcome = "timed out";
  EXPECT_FALSE(Settled(*store_, claims.a));
  const auto stored = ByKey(*store_, id, "slow");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->delivered_at, QueueHour(2));
  EXPECT_EQ(stored->attempts, 2);
  EXPECT_EQ(stored->last_outcome, "250 ok");
  EXPECT_TRUE(Due(*store_, QueueHour(100)).empty());
}

TEST_P(StoreContract, AStaleAttemptsFailureDoesNotOverwriteALaterClaim) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  TwoClaims claims = ClaimTwice(*store_, id, "slow");
  claims.a.last_outcome = "timed out";
  EXPECT_FALSE(Settled(*store_, claims.a));
  const auto stored = ByKey(*store_, id, "slow");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->attempts, 2);
  EXPECT_EQ(stored->next_attempt_at, claims.b.next_attempt_at) << "B's lease stands";
  // B's own outcome is recorded.
  claims.b.last_outcome = "421 try later";
  EXPECT_TRUE(Settled(*store_, claims.b));
  EXPECT_EQ(ByKey(*store_, id, "slow")->last_outcome, "421 try later");
}

TEST_P(StoreContract, AStaleAttemptsDeliveryIsStillRecorded) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  TwoClaims claims = ClaimTwice(*store_, id, "slow");
  // A's slow send did arrive, while B is still sending: the row is delivered, at attempt 2.
  claims.a.delivered_at = QueueHour(2);
  EXPECT_TRUE(Settled(*store_, claims.a));
  const auto stored = ByKey(*store_, id, "slow");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->delivered_at, QueueHour(2));
  EXPECT_EQ(stored->attempts, 2);
  // B's outcome then changes nothing.
  claims.b.last_outcome = "timed out";
  EXPECT_FALSE(Settled(*store_, claims.b));
  EXPECT_EQ(ByKey(*store_, id, "slow")->delivered_at, QueueHour(2));
}

TEST_P(StoreContract, ADeliveredOrParkedRowLosesItsSecret) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  for (const char* key : {"delivered", "parked", "retrying"}) {
    app::Notification n = SampleNotification(id, key, 1);
    n.secret = std::string("code of ") + key;
    ASSERT_TRUE(Queued(*store_, n));
  }
  const std::vector<app::Notification> due = Due(*store_, QueueHour(1));
  ASSERT_EQ(due.size(), 3u);
  for (app::Notification n : due) {
    n.attempts = 2;
    n.channel = n.dedupe_key == "parked" ? "sms" : "email";
    if (n.dedupe_key == "delivered") {
      n.delivered_at = QueueHour(2);
      n.last_outcome = "250 accepted";
    } else if (n.dedupe_key == "parked") {
      n.failed_at = QueueHour(2);
      n.last_outcome = "no configured channel reaches the beneficiary";
    } else {
      n.next_attempt_at = QueueHour(3);
      n.last_outcome = "421 try later";
    }
    ASSERT_TRUE(UpdateNotification(*store_, n).ok()) << n.dedupe_key;
  }

  const auto delivered = ByKey(*store_, id, "delivered");
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(delivered->delivered_at, QueueHour(2));
  EXPECT_FALSE(delivered->failed_at.has_value());
  EXPECT_EQ(delivered->attempts, 2);
  EXPECT_EQ(delivered->channel, "email");
  EXPECT_EQ(delivered->last_outcome, "250 accepted");
  EXPECT_FALSE(delivered->secret.has_value());

  const auto parked = ByKey(*store_, id, "parked");
  ASSERT_TRUE(parked.has_value());
  EXPECT_EQ(parked->failed_at, QueueHour(2));
  EXPECT_FALSE(parked->delivered_at.has_value());
  EXPECT_EQ(parked->channel, "sms");
  EXPECT_EQ(parked->last_outcome, "no configured channel reaches the beneficiary");
  EXPECT_FALSE(parked->secret.has_value());

  const auto retrying = ByKey(*store_, id, "retrying");
  ASSERT_TRUE(retrying.has_value());
  EXPECT_EQ(retrying->secret, "code of retrying");
  EXPECT_EQ(retrying->next_attempt_at, QueueHour(3));
  EXPECT_EQ(retrying->last_outcome, "421 try later");

  // Settled rows are neither due nor pending.
  EXPECT_EQ(Keys(Due(*store_, QueueHour(100))), (std::vector<std::string>{"retrying"}));
  auto pending =
      ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.PendingNotifications(0, 10); });
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(Keys(*pending), (std::vector<std::string>{"retrying"}));
  if (raw_) {
    auto db = raw_();
    ASSERT_NE(db, nullptr);
    EXPECT_FALSE(RawSealedSecret(*db, "delivered").has_value());
    EXPECT_FALSE(RawSealedSecret(*db, "parked").has_value());
    EXPECT_TRUE(RawSealedSecret(*db, "retrying").has_value());
  }
}

TEST_P(StoreContract, ASecretRoundTripsAndIsSealedAtRest) {
  const std::int64_t id = Insert(SampleCase(2026, 1));
  app::Notification n = SampleNotification(id, "acknowledgement:C-2026-000001", 1);
  n.secret = "ABCD-EFGH-JKLM";
  ASSERT_TRUE(Queued(*store_, n));
  EXPECT_EQ(Due(*store_, QueueHour(1)).at(0).secret, "ABCD-EFGH-JKLM");
  EXPECT_EQ(OfCase(*store_, id).at(0).secret, "ABCD-EFGH-JKLM");
  auto pending =
      ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.PendingNotifications(0, 10); });
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->at(0).secret, "ABCD-EFGH-JKLM");
  if (raw_) {
    auto db = raw_();
    ASSERT_NE(db, nullptr);
    const auto raw = RawSealedSecret(*db, n.dedupe_key);
    ASSERT_TRUE(raw.has_value());
    EXPECT_NE(*raw, "ABCD-EFGH-JKLM");
    // Sealed through the cipher, bound to its row.
    EXPECT_EQ(cipher_.Open(*raw, "outbox.secret_sealed/" + n.dedupe_key), "ABCD-EFGH-JKLM");
  }
}

TEST_P(StoreContract, CaseNotificationsAreTheCasesOwnOldestFirst) {
  const std::int64_t first = Insert(SampleCase(2026, 1));
  const std::int64_t second = Insert(SampleCase(2026, 2));
  // Each row queued is due sooner than the one before: the order is the queue's, not the due
  // time's.
  int due_hour = 10;
  for (const auto& [case_id, key] : std::vector<std::pair<std::int64_t, std::string>>{
           {first, "a1"}, {second, "b1"}, {first, "a2"}, {second, "b2"}, {first, "a3"}}) {
    ASSERT_TRUE(Queued(*store_, SampleNotification(case_id, key, due_hour--)));
  }
  const auto a = OfCase(*store_, first);
  EXPECT_EQ(Keys(a), (std::vector<std::string>{"a1", "a2", "a3"}));
  for (const auto& n : a) EXPECT_EQ(n.case_id, first);
  EXPECT_EQ(Keys(OfCase(*store_, second)), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_TRUE(OfCase(*store_, second + 100).empty());
}

TEST_P(StoreContract, FindCaseByIdFindsTheCaseWithThatIdOnly) {
  const domain::Case one = SampleCase(2026, 1);
  const domain::Case two = SampleCase(2026, 2);
  Insert(one);
  const std::int64_t id = Insert(two);
  auto found = WriteResult(*store_, [&](app::WriteTransaction& tx) { return tx.FindCaseById(id); });
  ASSERT_TRUE(found.has_value()) << found.error().detail;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->value.id, id);
  EXPECT_EQ((*found)->value.reference.ToString(), two.reference.ToString());
  EXPECT_EQ((*found)->value.beneficiary.email, two.beneficiary.email);
  EXPECT_EQ((*found)->access_code_hash, (app::AccessCodeHash{7, 7, 7}));
  auto missing =
      WriteResult(*store_, [&](app::WriteTransaction& tx) { return tx.FindCaseById(id + 100); });
  ASSERT_TRUE(missing.has_value()) << missing.error().detail;
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreContract, SavingAMessageTemplateReplacesItsWordingAndTheListShowsEach) {
  auto admin = InsertUser(SampleUser("admin@centre.gov.sa", domain::Role::kAdmin, std::nullopt));
  ASSERT_TRUE(admin.has_value()) << admin.error().detail;
  const auto text = [&](std::string name, domain::Language language, std::string part,
                        std::string body, int hour) {
    return app::MessageTemplateText{std::move(name),       language,
                                    std::move(part),       std::move(body),
                                    std::optional(*admin), QueueHour(hour)};
  };
  for (const auto& t :
       {text("acknowledgement", domain::Language::kArabic, "subject", "استلمنا شكواك", 1),
        text("acknowledgement", domain::Language::kEnglish, "text", "We received it", 2),
        text("decision", domain::Language::kArabic, "sms", "صدر القرار", 3),
        text("acknowledgement", domain::Language::kArabic, "subject", "وصلتنا شكواك", 4)}) {
    ASSERT_TRUE(WriteSync(*store_, [&](app::WriteTransaction& tx) {
                  return tx.SaveMessageTemplate(t);
                }).ok());
  }
  auto listed = ReadResult(*store_, [](app::ReadTransaction& tx) { return tx.MessageTemplates(); });
  ASSERT_TRUE(listed.has_value()) << listed.error().detail;
  ASSERT_EQ(listed->size(), 3u);
  std::map<std::string, app::MessageTemplateText> by_key;
  for (const auto& t : *listed) {
    by_key[t.name + "/" + std::string(domain::NameOf(t.language)) + "/" + t.part] = t;
  }
  ASSERT_EQ(by_key.size(), 3u);
  const auto& replaced = by_key["acknowledgement/ar/subject"];
  EXPECT_EQ(replaced.body, "وصلتنا شكواك");
  EXPECT_EQ(replaced.updated_at, QueueHour(4));
  EXPECT_EQ(replaced.updated_by, *admin);
  EXPECT_EQ(by_key["acknowledgement/en/text"].body, "We received it");
  EXPECT_EQ(by_key["acknowledgement/en/text"].language, domain::Language::kEnglish);
  EXPECT_EQ(by_key["decision/ar/sms"].body, "صدر القرار");
  EXPECT_EQ(by_key["decision/ar/sms"].updated_at, QueueHour(3));
}

TEST_P(StoreContract, CasesDueForUpdateAreTheOpenDueOnesSoonestFirst) {
  const domain::Instant now = QueueHour(50);
  using S = domain::CaseStatus;
  // sequence, status, update due hour (-1: none)
  const std::tuple<int, S, int> cases[] = {
      {10, S::kInProgress, 49},         {11, S::kReceived, -1}, {12, S::kAssessed, 30},
      {13, S::kInProgress, 51},         {14, S::kReceived, 50}, {15, S::kClosed, 20},
      {16, S::kResolved, 21},           {17, S::kRejected, 22}, {18, S::kWithdrawn, 23},
      {19, S::kAwaitingBeneficiary, 24}};
  for (const auto& [sequence, status, hour] : cases) {
    domain::Case c = SampleCase(2026, sequence);
    c.status = status;
    if (hour >= 0) c.clock.next_update_due_at = QueueHour(hour);
    Insert(c);
  }
  const auto due = [&](domain::Instant at, int limit) {
    auto found = ReadResult(
        *store_, [&](app::ReadTransaction& tx) { return tx.CasesDueForUpdate(at, limit); });
    EXPECT_TRUE(found.has_value()) << found.error().detail;
    std::vector<std::int64_t> out;
    if (found) {
      for (const auto& r : *found) out.push_back(r.sequence);
    }
    return out;
  };
  EXPECT_EQ(due(now, 10), (std::vector<std::int64_t>{12, 10, 14}));  // hours 30, 49, 50
  EXPECT_EQ(due(now, 2), (std::vector<std::int64_t>{12, 10}));
  EXPECT_EQ(due(QueueHour(29), 10), (std::vector<std::int64_t>{}));
  EXPECT_EQ(due(QueueHour(60), 10), (std::vector<std::int64_t>{12, 10, 14, 13}));
}

// The lease on job for holder from now for 30 minutes, as a job claims it.
domain::Result<bool> Claim(app::Store& store, std::string_view job, std::string_view holder,
                           domain::Instant now) {
  return WriteResult(store, [&](app::WriteTransaction& tx) {
    return tx.ClaimLease(job, holder, now, now + std::chrono::minutes{30});
  });
}

bool Holds(app::Store& store, std::string_view job, std::string_view holder, domain::Instant now) {
  auto claimed = Claim(store, job, holder, now);
  EXPECT_TRUE(claimed.has_value()) << claimed.error().detail;
  return claimed.has_value() && *claimed;
}

TEST_P(StoreContract, AJobLeaseHasOneHolderUntilItExpires) {
  const domain::Instant t = QueueHour(0);
  EXPECT_TRUE(Holds(*store_, "escalation_sweep", "node-a", t));
  EXPECT_FALSE(Holds(*store_, "escalation_sweep", "node-b", t + std::chrono::minutes{1}));
  // Renewed by its holder: it now runs to 40 minutes.
  EXPECT_TRUE(Holds(*store_, "escalation_sweep", "node-a", t + std::chrono::minutes{10}));
  EXPECT_FALSE(Holds(*store_, "escalation_sweep", "node-b", t + std::chrono::minutes{39}));
  // Another job's lease is its own.
  EXPECT_TRUE(Holds(*store_, "reports", "node-b", t + std::chrono::minutes{39}));
  // Not renewed by 40 minutes (the holder died): another node takes it.
  EXPECT_TRUE(Holds(*store_, "escalation_sweep", "node-b", t + std::chrono::minutes{40}));
  EXPECT_FALSE(Holds(*store_, "escalation_sweep", "node-a", t + std::chrono::minutes{41}));
}

TEST_P(StoreContract, OnlyItsHolderReleasesALease) {
  const domain::Instant t = QueueHour(0);
  ASSERT_TRUE(Holds(*store_, "escalation_sweep", "node-a", t));
  ASSERT_TRUE(WriteSync(*store_, [](app::WriteTransaction& tx) {
                return tx.ReleaseLease("escalation_sweep", "node-b");
              }).ok());
  EXPECT_FALSE(Holds(*store_, "escalation_sweep", "node-b", t + std::chrono::minutes{1}));
  ASSERT_TRUE(WriteSync(*store_, [](app::WriteTransaction& tx) {
                return tx.ReleaseLease("escalation_sweep", "node-a");
              }).ok());
  EXPECT_TRUE(Holds(*store_, "escalation_sweep", "node-b", t + std::chrono::minutes{1}));
}

TEST_P(StoreContract, ALeaseClaimedInFailedWorkIsNotHeld) {
  const domain::Instant t = QueueHour(0);
  const domain::Status failed = WriteSync(*store_, [&](app::WriteTransaction& tx) {
    auto claimed = tx.ClaimLease("escalation_sweep", "node-a", t, t + std::chrono::minutes{30});
    EXPECT_TRUE(claimed.has_value() && *claimed);
    return domain::Status(domain::Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed,
                                            "the work fails after claiming"));
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(Holds(*store_, "escalation_sweep", "node-b", t));
}

TEST_P(StoreContract, OfManyNodesClaimingAtOnceOneHoldsTheLease) {
  const domain::Instant t = QueueHour(0);
  std::atomic<int> held{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < 8; ++i) {
    nodes.emplace_back([&, i] {
      if (Holds(*store_, "escalation_sweep", "node-" + std::to_string(i), t)) held.fetch_add(1);
    });
  }
  for (auto& node : nodes) node.join();
  EXPECT_EQ(held.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace shakwa::storage
