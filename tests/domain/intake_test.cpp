#include "domain/intake.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace shakwa::domain {
namespace {

const CategoryCatalogue& Categories() {
  static const CategoryCatalogue catalogue(
      std::vector<Category>(DefaultCategories().begin(), DefaultCategories().end()));
  return catalogue;
}

IntakeForm ValidForm() {
  IntakeForm f;
  f.kind = "complaint";
  f.channel = "portal";
  f.category = "payments";
  f.subject = "  تأخر صرف المستخلص  ";
  f.description = "تم رفع المستخلص قبل ستين يومًا.\nولم يُصرف.";
  f.remedy_sought = "صرف المستخلص";
  f.language = "ar";
  f.consent_notice_shown = true;
  f.beneficiary = IntakeForm::BeneficiaryForm{
      "individual", "علي", "Ali@Example.COM", "055 123 4567", "1012345678", {}, {}};
  return f;
}

std::vector<std::string> Paths(const Result<Case>& result) {
  std::vector<std::string> paths;
  if (result.has_value()) return paths;
  for (const auto& e : result.error().fields) paths.push_back(e.path);
  return paths;
}

MessageId MessageAt(const Result<Case>& result, const std::string& path) {
  for (const auto& e : result.error().fields) {
    if (e.path == path) return e.message;
  }
  ADD_FAILURE() << "no error at " << path;
  return MessageId::kCount;
}

TEST(ValidateIntake, AcceptsAValidFormAndNormalisesIt) {
  const auto result = ValidateIntake(ValidForm(), Categories(), IntakeRules{});
  ASSERT_TRUE(result.has_value()) << ::testing::PrintToString(Paths(result));
  const Case& c = *result;
  EXPECT_EQ(c.kind, CaseKind::kComplaint);
  EXPECT_EQ(c.channel, Channel::kPortal);
  EXPECT_EQ(c.subject, "تأخر صرف المستخلص");  // trimmed
  EXPECT_EQ(c.beneficiary.email, "ali@example.com");
  EXPECT_EQ(c.beneficiary.mobile, "+966551234567");
  EXPECT_EQ(c.beneficiary.national_id, "1012345678");
  EXPECT_EQ(c.language, Language::kArabic);
  EXPECT_TRUE(c.consent_notice_shown);
}

TEST(ValidateIntake, ReportsEveryMissingRequiredFieldAtOnce) {
  const auto result = ValidateIntake(IntakeForm{}, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
  const auto paths = Paths(result);
  for (const char* path :
       {"kind", "channel", "beneficiary", "category", "subject", "description"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), path), paths.end()) << path;
  }
}

TEST(ValidateIntake, NamesNestedFieldsByPath) {
  IntakeForm f = ValidForm();
  f.beneficiary->kind = "alien";
  f.beneficiary->name = "   ";
  f.beneficiary->email = "not-an-email";
  f.beneficiary->mobile = "12";
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "beneficiary.kind"), MessageId::kNotOneOf);
  EXPECT_EQ(MessageAt(result, "beneficiary.name"), MessageId::kEmpty);
  EXPECT_EQ(MessageAt(result, "beneficiary.email"), MessageId::kInvalidEmail);
  EXPECT_EQ(MessageAt(result, "beneficiary.mobile"), MessageId::kInvalidMobile);
}

TEST(ValidateIntake, CountsCharactersNotBytesForTheDescriptionLimit) {
  IntakeForm f = ValidForm();
  std::string arabic;
  for (int i = 0; i < 20000; ++i) arabic += "ش";  // 2 bytes each
  f.description = arabic;
  EXPECT_TRUE(ValidateIntake(f, Categories(), IntakeRules{}).has_value());
  f.description = arabic + "ش";
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "description"), MessageId::kTooLong);
  EXPECT_EQ(result.error().fields.front().param, "20000");
}

TEST(ValidateIntake, RefusesUnknownKindCategoryAndAbout) {
  IntakeForm f = ValidForm();
  f.kind = "complain";
  f.category = "weather";
  f.about = "mood";
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "kind"), MessageId::kNotOneOf);
  EXPECT_EQ(MessageAt(result, "category"), MessageId::kUnknownCategory);
  EXPECT_EQ(MessageAt(result, "about"), MessageId::kNotOneOf);
}

TEST(ValidateIntake, KeepsStaffChannelsOffPublicIntake) {
  IntakeForm f = ValidForm();
  f.channel = "phone";
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "channel"), MessageId::kChannelNotPublic);
  IntakeRules staff;
  staff.channels = {Channel::kPhone};
  EXPECT_TRUE(ValidateIntake(f, Categories(), staff).has_value());
}

TEST(ValidateIntake, NeedsAnEmailOrAMobile) {
  IntakeForm f = ValidForm();
  f.beneficiary->email.reset();
  f.beneficiary->mobile.reset();
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "beneficiary.email"), MessageId::kEmailOrMobileRequired);
}

TEST(ValidateIntake, NeedsAnOrganisationForNonIndividuals) {
  IntakeForm f = ValidForm();
  f.beneficiary->kind = "government";
  f.beneficiary->national_id = "GOV-0042";
  auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "beneficiary.organization"), MessageId::kOrganizationRequired);
  f.beneficiary->organization = "وزارة المالية";
  result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->beneficiary.national_id, "GOV-0042");  // entity codes are free-form
}

TEST(ValidateIntake, ChecksAnIndividualsNationalId) {
  IntakeForm f = ValidForm();
  for (const char* bad : {"123", "3012345678", "10123456789", "10123A5678"}) {
    f.beneficiary->national_id = bad;
    const auto result = ValidateIntake(f, Categories(), IntakeRules{});
    ASSERT_FALSE(result.has_value()) << bad;
    EXPECT_EQ(MessageAt(result, "beneficiary.national_id"), MessageId::kInvalidNationalId);
  }
  f.beneficiary->national_id = "٢٠١٢٣٤٥٦٧٨";  // an iqama number typed in Arabic-Indic digits
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->beneficiary.national_id, "2012345678");
}

TEST(ValidateIntake, RequiresTheRemedySoughtForComplaintsOnly) {
  IntakeForm f = ValidForm();
  f.remedy_sought.reset();
  auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "remedy_sought"), MessageId::kRemedyRequired);
  f.kind = "suggestion";
  EXPECT_TRUE(ValidateIntake(f, Categories(), IntakeRules{}).has_value());
}

TEST(ValidateIntake, RequiresThePrivacyNoticeOnThePortal) {
  IntakeForm f = ValidForm();
  f.consent_notice_shown = false;
  auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "consent_notice_shown"), MessageId::kConsentRequired);
  f.channel = "api";
  EXPECT_TRUE(ValidateIntake(f, Categories(), IntakeRules{}).has_value());
}

TEST(ValidateIntake, PreferredChannelNeedsTheMatchingContact) {
  IntakeForm f = ValidForm();
  f.beneficiary->mobile.reset();
  f.preferred_channel = "sms";
  auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "preferred_channel"), MessageId::kPreferredChannelNeedsContact);
  f.preferred_channel = "email";
  result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->preferred_channel, ContactChannel::kEmail);
}

TEST(ValidateIntake, RefusesControlCharactersButKeepsLineBreaksInTheDescription) {
  IntakeForm f = ValidForm();
  f.subject = std::string("bad\x01subject");
  f.description = "line one\nline two\ttabbed";
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(Paths(result), std::vector<std::string>{"subject"});
  EXPECT_EQ(MessageAt(result, "subject"), MessageId::kControlCharacters);
}

TEST(ValidateIntake, ValidatesRelatedTransactionsByIndex) {
  IntakeForm f = ValidForm();
  f.related_transactions = {{"tender", "T-1"}, {"cheque", "C-2"}, {"invoice", {}}};
  auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "related_transactions[1].type"), MessageId::kNotOneOf);
  EXPECT_EQ(MessageAt(result, "related_transactions[2].number"), MessageId::kRequired);
  f.related_transactions.assign(21, {"tender", "T-1"});
  result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(MessageAt(result, "related_transactions"), MessageId::kTooMany);
}

TEST(ValidateIntake, ShapeErrorsFromTheTransportCoverTheirChildren) {
  IntakeForm f = ValidForm();
  f.beneficiary = IntakeForm::BeneficiaryForm{};
  f.shape_errors.push_back(FieldError{"beneficiary", MessageId::kMustBeObject, {}});
  const auto result = ValidateIntake(f, Categories(), IntakeRules{});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(Paths(result), std::vector<std::string>{"beneficiary"});
}

TEST(NormalizeMobile, AcceptsSaudiAndInternationalForms) {
  EXPECT_EQ(NormalizeMobile("0551234567"), "+966551234567");
  EXPECT_EQ(NormalizeMobile("551234567"), "+966551234567");
  EXPECT_EQ(NormalizeMobile("966551234567"), "+966551234567");
  EXPECT_EQ(NormalizeMobile("+966 55 123 4567"), "+966551234567");
  EXPECT_EQ(NormalizeMobile("00966551234567"), "+966551234567");
  EXPECT_EQ(NormalizeMobile("٠٥٥١٢٣٤٥٦٧"), "+966551234567");
  EXPECT_EQ(NormalizeMobile("+44 20 7946 0958"), "+442079460958");
  for (const char* bad :
       {"", "12345", "+966112345678", "0112345678", "05512345678", "+0123456789", "055-123-456x"}) {
    EXPECT_FALSE(NormalizeMobile(bad).has_value()) << bad;
  }
}

TEST(NormalizeEmail, LowerCasesAndRefusesTheMalformed) {
  EXPECT_EQ(NormalizeEmail(" Ali@Example.SA "), "ali@example.sa");
  for (const char* bad : {"", "ali", "@example.sa", "ali@", "ali@sa", "ali@@example.sa",
                          "ali@example..sa", "a li@example.sa", "ali@.example.sa"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace shakwa::domain
