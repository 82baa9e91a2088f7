// The store contract: one suite, run unchanged against every Store adapter. A new backend is
// done when it passes this file.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "storage/memory/memory_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/fakes.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::storage {
namespace {

using testing::SampleCase;
using testing::WriteSync;

struct Backend {
  std::string name;
  std::function<std::shared_ptr<app::Store>(const std::filesystem::path&, const app::FieldCipher&)>
      open;
};

// Names the backend in test output instead of dumping the struct's bytes.
void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

std::vector<Backend> Backends() {
  return {
      {"memory", [](const std::filesystem::path&,
                    const app::FieldCipher&) { return std::make_shared<memory::MemoryStore>(); }},
      {"sqlite",
       [](const std::filesystem::path& dir, const app::FieldCipher& cipher) {
         auto store = sqlite::SqliteStore::Open({dir / "shakwa.db", 2, 64}, cipher);
         EXPECT_TRUE(store.has_value()) << store.error().detail;
         return std::shared_ptr<app::Store>(std::move(store).value());
       }},
  };
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(dir_.path(), cipher_); }

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

  testing::TempDir dir_;
  testing::PlainCipher cipher_;
  std::shared_ptr<app::Store> store_;
};

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

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace shakwa::storage
