#include "domain/access.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shakwa::domain {
namespace {

StaffUser User(Role role, std::int64_t id, std::optional<std::string> department = std::nullopt) {
  StaffUser u;
  u.id = id;
  u.email = "user" + std::to_string(id) + "@centre.gov.sa";
  u.name = "موظف";
  u.role = role;
  u.department = std::move(department);
  return u;
}

Case CaseIn(CaseStatus status, std::optional<std::string> department = std::nullopt) {
  Case c;
  c.id = 1;
  c.reference = Reference{'C', 2026, 1, 6};
  c.status = status;
  c.recorded_by = Actor{Actor::Kind::kBeneficiary, {}};
  c.handling.department = std::move(department);
  return c;
}

std::vector<CaseStatus> AllStatuses() {
  std::vector<CaseStatus> out;
  for (const auto& term : TermsOf<CaseStatus>()) out.push_back(term.value);
  return out;
}

// --- MaySeeCase --------------------------------------------------------------------------------

TEST(MaySeeCase, AnAgentSeesEveryReceivedCase) {
  const StaffUser agent = User(Role::kAgent, 7);
  EXPECT_TRUE(MaySeeCase(agent, CaseIn(CaseStatus::kReceived)));
  EXPECT_TRUE(MaySeeCase(agent, CaseIn(CaseStatus::kReceived, "finance")));
}

TEST(MaySeeCase, AnAgentSeesLaterOnlyWhatTheyRecordedOrAssessed) {
  const StaffUser agent = User(Role::kAgent, 7);
  for (CaseStatus status : AllStatuses()) {
    if (status == CaseStatus::kReceived) continue;
    Case others = CaseIn(status, "finance");
    others.recorded_by = Actor{Actor::Kind::kStaff, "8"};
    others.handling.assessed_by = 8;
    EXPECT_FALSE(MaySeeCase(agent, others)) << NameOf(status);

    Case recorded = others;
    recorded.recorded_by = Actor{Actor::Kind::kStaff, "7"};
    EXPECT_TRUE(MaySeeCase(agent, recorded)) << NameOf(status);

    Case assessed = others;
    assessed.handling.assessed_by = 7;
    EXPECT_TRUE(MaySeeCase(agent, assessed)) << NameOf(status);
  }
}

TEST(MaySeeCase, AnAgentIsNotTheBeneficiaryWhoseIdLooksAlike) {
  Case c = CaseIn(CaseStatus::kInProgress, "finance");
  c.recorded_by = Actor{Actor::Kind::kBeneficiary, "7"};
  EXPECT_FALSE(MaySeeCase(User(Role::kAgent, 7), c));
}

TEST(MaySeeCase, HandlersAndSupervisorsSeeTheirOwnDepartmentOnly) {
  for (Role role : {Role::kHandler, Role::kSupervisor}) {
    const StaffUser user = User(role, 3, "procurement");
    for (CaseStatus status : AllStatuses()) {
      EXPECT_TRUE(MaySeeCase(user, CaseIn(status, "procurement"))) << NameOf(status);
      EXPECT_FALSE(MaySeeCase(user, CaseIn(status, "finance"))) << NameOf(status);
      EXPECT_FALSE(MaySeeCase(user, CaseIn(status))) << NameOf(status);
    }
  }
}

TEST(MaySeeCase, AHandlerWithoutADepartmentSeesNothingNotEvenUnroutedCases) {
  const StaffUser handler = User(Role::kHandler, 3);
  EXPECT_FALSE(MaySeeCase(handler, CaseIn(CaseStatus::kReceived)));
  EXPECT_FALSE(MaySeeCase(handler, CaseIn(CaseStatus::kInProgress, "procurement")));
}

TEST(MaySeeCase, AHandlerDoesNotSeeCasesTheyRecordedOrAreAssignedInAnotherDepartment) {
  Case c = CaseIn(CaseStatus::kInProgress, "finance");
  c.recorded_by = Actor{Actor::Kind::kStaff, "3"};
  c.handling.assignee_id = 3;
  c.handling.assessed_by = 3;
  EXPECT_FALSE(MaySeeCase(User(Role::kHandler, 3, "procurement"), c));
}

TEST(MaySeeCase, AQualityReviewerSeesClosedCasesOnly) {
  const StaffUser qa = User(Role::kQaReviewer, 4, "procurement");
  for (CaseStatus status : AllStatuses()) {
    EXPECT_EQ(MaySeeCase(qa, CaseIn(status, "finance")), status == CaseStatus::kClosed)
        << NameOf(status);
  }
}

TEST(MaySeeCase, AManagerSeesEveryCase) {
  const StaffUser manager = User(Role::kManager, 5);
  for (CaseStatus status : AllStatuses()) {
    EXPECT_TRUE(MaySeeCase(manager, CaseIn(status))) << NameOf(status);
    EXPECT_TRUE(MaySeeCase(manager, CaseIn(status, "finance"))) << NameOf(status);
  }
}

TEST(MaySeeCase, AdminsAndAuditorsSeeNoCase) {
  for (Role role : {Role::kAdmin, Role::kAuditor}) {
    const StaffUser user = User(role, 6, "procurement");
    for (CaseStatus status : AllStatuses()) {
      Case c = CaseIn(status, "procurement");
      c.recorded_by = Actor{Actor::Kind::kStaff, "6"};
      c.handling.assessed_by = 6;
      EXPECT_FALSE(MaySeeCase(user, c)) << NameOf(role) << " " << NameOf(status);
    }
  }
}

TEST(MaySeeCase, AnInactiveUserSeesNothing) {
  for (const auto& term : TermsOf<Role>()) {
    StaffUser user = User(term.value, 7, "procurement");
    user.active = false;
    for (CaseStatus status : AllStatuses()) {
      Case c = CaseIn(status, "procurement");
      c.recorded_by = Actor{Actor::Kind::kStaff, "7"};
      c.handling.assessed_by = 7;
      EXPECT_FALSE(MaySeeCase(user, c)) << term.name << " " << NameOf(status);
    }
  }
}

// --- IdentityViewFor ---------------------------------------------------------------------------

TEST(IdentityViewFor, ThoseWhoHandleTheCaseSeeTheBeneficiaryInFull) {
  const Case c = CaseIn(CaseStatus::kInProgress, "procurement");
  EXPECT_EQ(IdentityViewFor(User(Role::kAgent, 1), c), IdentityView::kFull);
  EXPECT_EQ(IdentityViewFor(User(Role::kHandler, 2, "procurement"), c), IdentityView::kFull);
  EXPECT_EQ(IdentityViewFor(User(Role::kSupervisor, 3, "procurement"), c), IdentityView::kFull);
}

TEST(IdentityViewFor, OthersSeeItMasked) {
  const Case c = CaseIn(CaseStatus::kClosed, "procurement");
  for (Role role : {Role::kQaReviewer, Role::kManager, Role::kAdmin, Role::kAuditor}) {
    EXPECT_EQ(IdentityViewFor(User(role, 4), c), IdentityView::kMasked) << NameOf(role);
    EXPECT_EQ(IdentityViewFor(User(role, 4, "procurement"), c), IdentityView::kMasked)
        << NameOf(role);
  }
}

TEST(IdentityViewFor, TheDepartmentAComplaintIsAboutNeverLearnsWhoMadeIt) {
  Case c = CaseIn(CaseStatus::kInProgress, "procurement");
  c.category = "staff_conduct";
  c.handling.concerns_department = "finance";
  for (const auto& term : TermsOf<Role>()) {
    EXPECT_EQ(IdentityViewFor(User(term.value, 9, "finance"), c), IdentityView::kWithheld)
        << term.name;
  }
  // The department handling it still sees the beneficiary.
  EXPECT_EQ(IdentityViewFor(User(Role::kHandler, 2, "procurement"), c), IdentityView::kFull);
  EXPECT_EQ(IdentityViewFor(User(Role::kAgent, 1), c), IdentityView::kFull);
  EXPECT_EQ(IdentityViewFor(User(Role::kManager, 5), c), IdentityView::kMasked);
}

TEST(IdentityViewFor, WithholdsEvenFromTheHandlingDepartmentWhenItIsTheOneComplainedAbout) {
  Case c = CaseIn(CaseStatus::kInProgress, "procurement");
  c.handling.concerns_department = "procurement";
  EXPECT_EQ(IdentityViewFor(User(Role::kHandler, 2, "procurement"), c), IdentityView::kWithheld);
  EXPECT_EQ(IdentityViewFor(User(Role::kSupervisor, 3, "procurement"), c), IdentityView::kWithheld);
}

// --- Masks -------------------------------------------------------------------------------------

TEST(MaskEmail, KeepsTheFirstCharacterAndTheDomain) {
  EXPECT_EQ(MaskEmail("ali.hassan@example.sa"), "a***@example.sa");
  EXPECT_EQ(MaskEmail("a@example.sa"), "a***@example.sa");
}

TEST(MaskEmail, KeepsAWholeArabicFirstLetter) {
  EXPECT_EQ(MaskEmail("علي@مثال.السعودية"), "ع***@مثال.السعودية");
}

TEST(MaskEmail, HidesWhatIsNoAddress) {
  EXPECT_EQ(MaskEmail(""), "***");
  EXPECT_EQ(MaskEmail("no-at-sign"), "***");
  EXPECT_EQ(MaskEmail("@example.sa"), "***");
}

TEST(MaskMobile, KeepsTheCountryAndNetworkCodeAndTheLastThreeDigits) {
  EXPECT_EQ(MaskMobile("+966551234567"), "+9665*****567");
  const std::string masked = MaskMobile("+966551234567");
  EXPECT_EQ(masked.find("1234"), std::string::npos);
  EXPECT_EQ(masked.size(), std::string("+966551234567").size());
}

TEST(MaskMobile, HidesNumbersTooShortToMask) {
  EXPECT_EQ(MaskMobile(""), "***");
  EXPECT_EQ(MaskMobile("12345678"), "***");
}

TEST(MaskName, KeepsTheFirstLetterOfEachWord) {
  EXPECT_EQ(MaskName("محمد عبدالله"), "م. ع.");
  EXPECT_EQ(MaskName("سعاد الحربي"), "س. ا.");
  EXPECT_EQ(MaskName("نورة بنت سعد القحطاني"), "ن. ب. س. ا.");
  EXPECT_EQ(MaskName("Ali Hassan"), "A. H.");
  EXPECT_EQ(MaskName("علي"), "ع.");
}

TEST(MaskName, IgnoresExtraSpaces) {
  EXPECT_EQ(MaskName("  سعاد   الحربي  "), "س. ا.");
  EXPECT_EQ(MaskName(""), "");
  EXPECT_EQ(MaskName("   "), "");
}

TEST(MaskName, ShowsNothingBeyondTheInitials) {
  const std::string masked = MaskName("مؤسسة البناء الحديث");
  EXPECT_EQ(masked.find("سسة"), std::string::npos);
  EXPECT_EQ(masked.find("البناء"), std::string::npos);
  EXPECT_EQ(masked, "م. ا. ا.");
}

}  // namespace
}  // namespace shakwa::domain
