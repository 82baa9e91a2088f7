#include "app/view_case.hpp"

#include <gtest/gtest.h>

#include "app/submit_case.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/intake_forms.hpp"

namespace shakwa::app {
namespace {

// A store whose reads count themselves, to show what is refused before any lookup.
class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}
  void Write(WriteWork work, WriteDone done) override {
    inner_.Write(std::move(work), std::move(done));
  }
  domain::Status Read(const ReadWork& work) override {
    ++reads;
    return inner_.Read(work);
  }
  int reads = 0;

 private:
  Store& inner_;
};

class ViewCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    submit_.Submit(testing::ValidIntakeForm(), domain::Actor{},
                   [&](domain::Result<Receipt> r) { receipt_ = std::move(r).value(); });
    counting_.reads = 0;
  }

  storage::memory::MemoryStore memory_;
  CountingStore counting_{memory_};
  testing::FakeClock clock_{testing::At("2026-03-10T09:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  SubmitCase submit_{SubmitCase::Settings{},     counting_, clock_, random_, hasher_,
                     testing::DefaultCatalogue()};
  ViewCaseAsBeneficiary view_{counting_, hasher_};
  Receipt receipt_;
};

TEST_F(ViewCaseTest, ShowsTheCaseWithItsPublicTimelineForTheRightCode) {
  const auto view = view_.View(receipt_.recorded.reference.ToString(), receipt_.access_code);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->value.reference, receipt_.recorded.reference);
  EXPECT_EQ(view->value.status, domain::CaseStatus::kReceived);
  ASSERT_EQ(view->timeline.size(), 1u);
  EXPECT_EQ(view->timeline[0].type, "received");
}

TEST_F(ViewCaseTest, AcceptsTheCodeAsPeopleTypeIt) {
  std::string typed = receipt_.access_code;
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(view_.View(receipt_.recorded.reference.ToString(), typed).has_value());
}

TEST_F(ViewCaseTest, AWrongCodeAndAnUnknownReferenceLookTheSame) {
  const auto wrong = view_.View(receipt_.recorded.reference.ToString(), "2222-2222-2222");
  domain::Reference unknown = receipt_.recorded.reference;
  unknown.sequence += 100;
  const auto missing = view_.View(unknown.ToString(), receipt_.access_code);
  const auto garbage = view_.View(receipt_.recorded.reference.ToString(), "not a code");
  const auto empty = view_.View(receipt_.recorded.reference.ToString(), "");
  for (const auto* result : {&wrong, &missing, &garbage, &empty}) {
    ASSERT_FALSE(result->has_value());
    EXPECT_EQ(result->error().code, domain::ErrorCode::kNotFound);
    EXPECT_EQ(result->error().message, domain::MessageId::kCaseNotFound);
  }
}

TEST_F(ViewCaseTest, RefusesAMalformedReferenceBeforeAnyLookup) {
  std::string mistyped = receipt_.recorded.reference.ToString();
  mistyped[8] = mistyped[8] == '9' ? '8' : static_cast<char>(mistyped[8] + 1);  // one wrong digit
  const auto view = view_.View(mistyped, receipt_.access_code);
  ASSERT_FALSE(view.has_value());
  EXPECT_EQ(view.error().code, domain::ErrorCode::kMalformedReference);
  EXPECT_EQ(counting_.reads, 0);
}

}  // namespace
}  // namespace shakwa::app
