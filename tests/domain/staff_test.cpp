#include "domain/staff.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace shakwa::domain {
namespace {

// The one field error a rejected input carries, or a failure naming what came back instead.
::testing::AssertionResult FailsOn(const Status& status, std::string_view path, MessageId message) {
  if (status.ok()) return ::testing::AssertionFailure() << "accepted";
  const Error& e = status.error();
  if (e.code != ErrorCode::kInvalidInput) {
    return ::testing::AssertionFailure() << "code " << static_cast<int>(e.code);
  }
  for (const FieldError& f : e.fields) {
    if (f.path == path && f.message == message) return ::testing::AssertionSuccess();
  }
  auto failure = ::testing::AssertionFailure() << "fields:";
  for (const FieldError& f : e.fields) failure << " " << f.path << "/" << MessageCode(f.message);
  return failure;
}

constexpr std::string_view kEmail = "noura.q@centre.gov.sa";

// --- ValidatePassword --------------------------------------------------------------------------

TEST(ValidatePassword, AcceptsALongPasswordOfTwoClasses) {
  EXPECT_TRUE(ValidatePassword("correct horse battery", kEmail).ok());
  EXPECT_TRUE(ValidatePassword("1234567890ab", kEmail).ok());
  EXPECT_TRUE(ValidatePassword("!!!!????2026", kEmail).ok());
}

TEST(ValidatePassword, RefusesFewerThanTwelveCharactersWithTheLimit) {
  const Status s = ValidatePassword("abc123!xyz9", kEmail);  // 11
  ASSERT_TRUE(FailsOn(s, "password", MessageId::kPasswordTooShort));
  EXPECT_EQ(s.error().fields[0].param, "12");
  EXPECT_TRUE(ValidatePassword("abc123!xyz90", kEmail).ok());  // 12
}

TEST(ValidatePassword, CountsCharactersNotBytes) {
  // Eleven Arabic letters and a digit: 12 characters (23 bytes) is long enough ...
  EXPECT_TRUE(ValidatePassword("كلمةمرورقوي1", kEmail).ok());
  // ... ten Arabic letters and a digit (21 bytes) is not.
  EXPECT_TRUE(
      FailsOn(ValidatePassword("كلمةمرورقو1", kEmail), "password", MessageId::kPasswordTooShort));
}

TEST(ValidatePassword, RefusesMoreThan256Bytes) {
  const std::string at_limit = std::string(255, 'a') + "1";
  EXPECT_TRUE(ValidatePassword(at_limit, kEmail).ok());
  const Status s = ValidatePassword(at_limit + "x", kEmail);
  ASSERT_TRUE(FailsOn(s, "password", MessageId::kTooLong));
  EXPECT_EQ(s.error().fields[0].param, "256");
  // 130 Arabic letters are 130 characters but 260 bytes.
  std::string arabic;
  for (int i = 0; i < 129; ++i) arabic += "ب";
  EXPECT_TRUE(FailsOn(ValidatePassword(arabic + "1", kEmail), "password", MessageId::kTooLong));
}

TEST(ValidatePassword, RefusesASingleCharacterClass) {
  for (std::string_view one_class : {"abcdefghijklmnop", "ABCDEFGHIJKLMNOP", "AbCdEfGhIjKlMn",
                                     "1234567890123", "!@#$%^&*()_+-=", "كلمةمروركلمةمرور"}) {
    EXPECT_TRUE(
        FailsOn(ValidatePassword(one_class, kEmail), "password", MessageId::kPasswordTooSimple))
        << one_class;
  }
}

TEST(ValidatePassword, RefusesTheEmailLocalPartInAnyCase) {
  EXPECT_TRUE(FailsOn(ValidatePassword("noura.q2026!!", kEmail), "password",
                      MessageId::kPasswordContainsEmail));
  EXPECT_TRUE(FailsOn(ValidatePassword("My-NOURA.Q-pass1", kEmail), "password",
                      MessageId::kPasswordContainsEmail));
  EXPECT_TRUE(FailsOn(ValidatePassword("xx Noura.Q xx", "Noura.Q@centre.gov.sa"), "password",
                      MessageId::kPasswordContainsEmail));
  // Part of the local part is not the local part.
  EXPECT_TRUE(ValidatePassword("noura 2026 spring", kEmail).ok());
}

TEST(ValidatePassword, IgnoresALocalPartTooShortToMatter) {
  EXPECT_TRUE(ValidatePassword("ab-cd-ef-1234", "ab@centre.gov.sa").ok());
}

TEST(ValidatePassword, RefusesBytesThatAreNotUtf8) {
  const Status s = ValidatePassword("abcdefgh1234\xff\xfe", kEmail);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
  ASSERT_EQ(s.error().fields.size(), 1u);
  EXPECT_EQ(s.error().fields[0].path, "password");
}

// --- ValidateDepartment ------------------------------------------------------------------------

Department Dept(std::string code) {
  return Department{std::move(code), "إدارة المشتريات", "procurement", true};
}

TEST(ValidateDepartment, AcceptsLowerCaseCodesOfTwoToThirtyTwo) {
  for (const std::string& code :
       std::vector<std::string>{"it", "procurement", "a1", "customer_care", "x2_y3",
                                std::string("a") + std::string(31, 'b')}) {
    EXPECT_TRUE(ValidateDepartment(Dept(code)).ok()) << code;
  }
}

TEST(ValidateDepartment, RefusesOtherCodes) {
  for (const std::string& code : std::vector<std::string>{
           "", "a", "IT", "Procurement", "1st", "_it", "cust-care", "cust care", "مشتريات", "it.",
           std::string("a") + std::string(32, 'b')}) {
    EXPECT_TRUE(FailsOn(ValidateDepartment(Dept(code)), "code", MessageId::kInvalidDepartmentCode))
        << code;
  }
}

TEST(ValidateDepartment, RequiresBothNames) {
  Department d = Dept("it");
  d.name_ar = "  ";
  d.name_en = "";
  const Status s = ValidateDepartment(d);
  EXPECT_TRUE(FailsOn(s, "name_ar", MessageId::kRequired));
  EXPECT_TRUE(FailsOn(s, "name_en", MessageId::kRequired));
}

TEST(ValidateDepartment, RefusesControlCharactersAndOverlongNames) {
  Department d = Dept("it");
  d.name_en = "tech\nnical";
  EXPECT_TRUE(FailsOn(ValidateDepartment(d), "name_en", MessageId::kControlCharacters));
  std::string name;
  for (int i = 0; i < 200; ++i) name += "ت";
  d = Dept("it");
  d.name_ar = name;  // 200 characters, 400 bytes
  EXPECT_TRUE(ValidateDepartment(d).ok());
  d.name_ar = name + "ت";
  const Status s = ValidateDepartment(d);
  ASSERT_TRUE(FailsOn(s, "name_ar", MessageId::kTooLong));
  EXPECT_EQ(s.error().fields[0].param, "200");
}

TEST(ValidateDepartment, ReportsEveryFailingFieldAtOnce) {
  const Status s = ValidateDepartment(Department{"X", "", "", true});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().fields.size(), 3u);
}

// --- ValidateNewUser ---------------------------------------------------------------------------

StaffUser NewUser(Role role, std::optional<std::string> department) {
  StaffUser u;
  u.email = "noura@centre.gov.sa";
  u.name = "نورة القحطاني";
  u.role = role;
  u.department = std::move(department);
  return u;
}

TEST(ValidateNewUser, RequiresADepartmentForHandlersAndSupervisorsOnly) {
  for (const auto& term : TermsOf<Role>()) {
    const Status without = ValidateNewUser(NewUser(term.value, std::nullopt));
    if (term.value == Role::kHandler || term.value == Role::kSupervisor) {
      EXPECT_TRUE(FailsOn(without, "department", MessageId::kDepartmentRequired)) << term.name;
      EXPECT_TRUE(RoleNeedsDepartment(term.value));
    } else {
      EXPECT_TRUE(without.ok()) << term.name;
      EXPECT_FALSE(RoleNeedsDepartment(term.value));
    }
    EXPECT_TRUE(ValidateNewUser(NewUser(term.value, "procurement")).ok()) << term.name;
  }
}

TEST(ValidateNewUser, RequiresAnEmailAndAName) {
  StaffUser u = NewUser(Role::kAgent, std::nullopt);
  u.email = "not an email";
  u.name = " ";
  const Status s = ValidateNewUser(u);
  EXPECT_TRUE(FailsOn(s, "email", MessageId::kInvalidEmail));
  EXPECT_TRUE(FailsOn(s, "name", MessageId::kRequired));
}

TEST(ValidateNewUser, RefusesControlCharactersAndOverlongNames) {
  StaffUser u = NewUser(Role::kAgent, std::nullopt);
  u.name = "نورة\tالقحطاني";
  EXPECT_TRUE(FailsOn(ValidateNewUser(u), "name", MessageId::kControlCharacters));
  u.name = std::string(201, 'n');
  EXPECT_TRUE(FailsOn(ValidateNewUser(u), "name", MessageId::kTooLong));
}

// --- Roles -------------------------------------------------------------------------------------

TEST(Role, EveryRoleHasAUniqueNameAndBothLabels) {
  const std::set<std::string_view> expected = {"agent",   "handler", "supervisor", "qa_reviewer",
                                               "manager", "admin",   "auditor"};
  std::set<std::string_view> names;
  for (const auto& term : TermsOf<Role>()) {
    EXPECT_FALSE(term.name.empty());
    EXPECT_FALSE(term.arabic.empty()) << term.name;
    EXPECT_FALSE(term.english.empty()) << term.name;
    EXPECT_NE(term.arabic, term.english) << term.name;
    EXPECT_TRUE(names.insert(term.name).second) << "duplicate " << term.name;
    EXPECT_EQ(FromName<Role>(term.name), term.value);
    EXPECT_EQ(NameOf(term.value), term.name);
    EXPECT_EQ(LabelOf(term.value, Language::kArabic), term.arabic);
    EXPECT_EQ(LabelOf(term.value, Language::kEnglish), term.english);
  }
  EXPECT_EQ(names, expected);
  EXPECT_FALSE(FromName<Role>("root").has_value());
}

TEST(Role, EachEnumeratorHasItsOwnRow) {
  for (Role role : {Role::kAgent, Role::kHandler, Role::kSupervisor, Role::kQaReviewer,
                    Role::kManager, Role::kAdmin, Role::kAuditor}) {
    EXPECT_EQ(TermOf(role).value, role);
  }
}

// --- Principal ---------------------------------------------------------------------------------

TEST(Principal, ActsAsTheStaffMemberTheBeneficiaryOrTheSystem) {
  Principal staff{Principal::Kind::kStaff, NewUser(Role::kHandler, "it"), false};
  staff.staff->id = 42;
  EXPECT_EQ(staff.AsActor().kind, Actor::Kind::kStaff);
  EXPECT_EQ(staff.AsActor().id, "42");

  const Principal beneficiary{Principal::Kind::kBeneficiary, std::nullopt, false};
  EXPECT_EQ(beneficiary.AsActor().kind, Actor::Kind::kBeneficiary);
  EXPECT_EQ(beneficiary.AsActor().id, "");

  EXPECT_EQ(Principal{}.AsActor().kind, Actor::Kind::kSystem);
}

}  // namespace
}  // namespace shakwa::domain
