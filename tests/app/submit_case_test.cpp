#include "app/submit_case.hpp"

#include <gtest/gtest.h>

#include "domain/access_code.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/intake_forms.hpp"

namespace shakwa::app {
namespace {

using testing::At;

class SubmitCaseTest : public ::testing::Test {
 protected:
  domain::Result<Receipt> Submit(const domain::IntakeForm& form) {
    std::optional<domain::Result<Receipt>> out;
    submit_.Submit(form, domain::Actor{}, [&](domain::Result<Receipt> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "done was not called";
    return std::move(*out);
  }

  std::int64_t CountCases() {
    std::int64_t n = -1;
    EXPECT_TRUE(store_
                    .Read([&](ReadTransaction& tx) -> domain::Status {
                      n = *tx.CountCases();
                      return domain::Status::Ok();
                    })
                    .ok());
    return n;
  }

  storage::memory::MemoryStore store_;
  testing::FakeClock clock_{At("2026-03-10T09:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  SubmitCase submit_{SubmitCase::Settings{},     store_, clock_, random_, hasher_,
                     testing::DefaultCatalogue()};
};

TEST_F(SubmitCaseTest, IssuesAReferenceAndAnAccessCode) {
  const auto receipt = Submit(testing::ValidIntakeForm());
  ASSERT_TRUE(receipt.has_value());
  const domain::Case& c = receipt->recorded;
  EXPECT_EQ(c.reference.ToString(), (domain::Reference{'C', 2026, 1, 6}.ToString()));
  EXPECT_EQ(c.status, domain::CaseStatus::kReceived);
  EXPECT_EQ(c.received_at, At("2026-03-10T09:00:00Z"));
  EXPECT_TRUE(domain::NormalizeAccessCode(receipt->access_code).has_value())
      << receipt->access_code;
  EXPECT_EQ(receipt->access_code.size(), domain::kAccessCodeLength + 2);  // two dashes
}

TEST_F(SubmitCaseTest, NumbersCasesInSequenceWithTheKindAsPrefix) {
  auto form = testing::ValidIntakeForm();
  EXPECT_EQ(Submit(form)->recorded.reference.sequence, 1);
  form.kind = "suggestion";
  const auto second = Submit(form);
  EXPECT_EQ(second->recorded.reference.sequence, 2);
  EXPECT_EQ(second->recorded.reference.prefix, 'S');
  form.kind = "compliment";
  EXPECT_EQ(Submit(form)->recorded.reference.prefix, 'T');
}

TEST_F(SubmitCaseTest, StartsANewSequenceInANewRiyadhYear) {
  EXPECT_EQ(Submit(testing::ValidIntakeForm())->recorded.reference.sequence, 1);
  clock_.Set(At("2026-12-31T21:00:00Z"));  // already 1 January 2027 in Riyadh
  const auto receipt = Submit(testing::ValidIntakeForm());
  EXPECT_EQ(receipt->recorded.reference.year, 2027);
  EXPECT_EQ(receipt->recorded.reference.sequence, 1);
}

TEST_F(SubmitCaseTest, StoresTheCaseWithItsReceivedEventAndOnlyAHashOfTheCode) {
  const auto receipt = Submit(testing::ValidIntakeForm());
  ASSERT_TRUE(receipt.has_value());
  const std::string code = *domain::NormalizeAccessCode(receipt->access_code);
  ASSERT_TRUE(store_
                  .Read([&](ReadTransaction& tx) -> domain::Status {
                    auto stored = tx.FindCase(receipt->recorded.reference);
                    EXPECT_TRUE(stored->has_value());
                    const StoredCase& s = **stored;
                    EXPECT_EQ(s.value.beneficiary.email, "finance@example.com");
                    EXPECT_EQ(s.value.related_transactions.size(), 2u);
                    EXPECT_TRUE(hasher_.Matches(code, s.access_code_hash));
                    const std::string raw(s.access_code_hash.begin(), s.access_code_hash.end());
                    EXPECT_EQ(raw.find(code), std::string::npos);
                    auto timeline = tx.Timeline(s.value.id, true);
                    EXPECT_EQ(timeline->size(), 1u);
                    EXPECT_EQ(timeline->front().type, "received");
                    EXPECT_EQ(timeline->front().to_status, domain::CaseStatus::kReceived);
                    return domain::Status::Ok();
                  })
                  .ok());
}

TEST_F(SubmitCaseTest, GivesEachCaseItsOwnAccessCode) {
  std::set<std::string> codes;
  for (int i = 0; i < 50; ++i) codes.insert(Submit(testing::ValidIntakeForm())->access_code);
  EXPECT_EQ(codes.size(), 50u);
}

TEST_F(SubmitCaseTest, InvalidInputStoresNothing) {
  auto form = testing::ValidIntakeForm();
  form.subject.reset();
  const auto receipt = Submit(form);
  ASSERT_FALSE(receipt.has_value());
  EXPECT_EQ(receipt.error().code, domain::ErrorCode::kInvalidInput);
  EXPECT_EQ(CountCases(), 0);
}

TEST_F(SubmitCaseTest, AStoreFailureIsReportedAndNothingIsAcknowledged) {
  store_.FailWrites(true);
  const auto receipt = Submit(testing::ValidIntakeForm());
  ASSERT_FALSE(receipt.has_value());
  EXPECT_EQ(receipt.error().code, domain::ErrorCode::kUnavailable);
  store_.FailWrites(false);
  EXPECT_EQ(CountCases(), 0);
}

}  // namespace
}  // namespace shakwa::app
