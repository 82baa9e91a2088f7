#include "domain/messages.hpp"

#include <gtest/gtest.h>

#include <set>

#include "domain/case.hpp"

namespace shakwa::domain {
namespace {

TEST(Messages, EveryMessageHasArabicAndEnglishInItsOwnRow) {
  EXPECT_TRUE(MessageTableIsInOrder());
}

TEST(Messages, CodesAreUnique) {
  std::set<std::string_view> codes;
  for (int i = 0; i < static_cast<int>(MessageId::kCount); ++i) {
    codes.insert(MessageCode(static_cast<MessageId>(i)));
  }
  EXPECT_EQ(codes.size(), static_cast<std::size_t>(MessageId::kCount));
}

TEST(Messages, SubstituteTheirParameter) {
  EXPECT_EQ(Message(MessageId::kTooLong, Language::kEnglish, "200"),
            "Longer than the limit of 200 characters");
  EXPECT_EQ(Message(MessageId::kTooLong, Language::kArabic, "200"),
            "النص أطول من الحد المسموح (200 حرفًا)");
}

TEST(Vocabularies, EveryTermHasANameAndBothLabels) {
  auto check = [](auto terms) {
    std::set<std::string_view> names;
    for (const auto& t : terms) {
      EXPECT_FALSE(t.name.empty());
      EXPECT_FALSE(t.arabic.empty()) << t.name;
      EXPECT_FALSE(t.english.empty()) << t.name;
      names.insert(t.name);
    }
    EXPECT_EQ(names.size(), terms.size());
  };
  check(TermsOf<CaseKind>());
  check(TermsOf<CaseStatus>());
  check(TermsOf<Channel>());
  check(TermsOf<BeneficiaryKind>());
  check(TermsOf<Subject>());
  check(TermsOf<TransactionType>());
  check(TermsOf<ContactChannel>());
  check(TermsOf<Language>());
  for (const auto& t : TermsOf<CaseStatus>()) EXPECT_EQ(FromName<CaseStatus>(t.name), t.value);
  for (const auto& t : TermsOf<CaseKind>()) EXPECT_EQ(FromName<CaseKind>(t.name), t.value);
  for (const auto& t : TermsOf<Channel>()) EXPECT_EQ(FromName<Channel>(t.name), t.value);
  for (const auto& t : TermsOf<BeneficiaryKind>()) {
    EXPECT_EQ(FromName<BeneficiaryKind>(t.name), t.value);
  }
  EXPECT_EQ(TermsOf<CaseStatus>().size(), 9u);
  EXPECT_EQ(TermsOf<Channel>().size(), 7u);
  EXPECT_EQ(LabelOf(CaseStatus::kAwaitingBeneficiary, Language::kArabic), "بانتظار رد المستفيد");
}

}  // namespace
}  // namespace shakwa::domain
