#include "app/staff_cases.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/submit_case.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/intake_forms.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::app {
namespace {

using domain::CaseStatus;
using domain::ErrorCode;
using domain::IdentityView;
using domain::MessageId;
using domain::Role;
using domain::StaffUser;
using testing::At;

struct Submitted {
  std::string reference;
  std::string code;
};

class StaffCasesTest : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(testing::WriteSync(store_, [](WriteTransaction& tx) -> domain::Status {
                  for (const char* code : {"procurement", "finance"}) {
                    if (auto s = tx.InsertDepartment(testing::SampleDepartment(code)); !s.ok()) {
                      return s;
                    }
                  }
                  return domain::Status::Ok();
                }).ok());
    agent_ = AddStaff("agent@centre.gov.sa", Role::kAgent, std::nullopt);
    agent2_ = AddStaff("agent2@centre.gov.sa", Role::kAgent, std::nullopt);
    handler_ = AddStaff("handler@centre.gov.sa", Role::kHandler, "procurement");
    finance_ = AddStaff("finance@centre.gov.sa", Role::kHandler, "finance");
    supervisor_ = AddStaff("supervisor@centre.gov.sa", Role::kSupervisor, "procurement");
    homeless_ = AddStaff("homeless@centre.gov.sa", Role::kHandler, std::nullopt);
    manager_ = AddStaff("manager@centre.gov.sa", Role::kManager, std::nullopt);
    qa_ = AddStaff("qa@centre.gov.sa", Role::kQaReviewer, std::nullopt);
    admin_ = AddStaff("admin@centre.gov.sa", Role::kAdmin, std::nullopt);
    auditor_ = AddStaff("auditor@centre.gov.sa", Role::kAuditor, std::nullopt);
    retired_ = AddStaff("retired@centre.gov.sa", Role::kHandler, "procurement", false);
  }

  StaffUser AddStaff(std::string email, Role role, std::optional<std::string> department,
                     bool active = true) {
    StaffUser u = testing::SampleUser(std::move(email), role, std::move(department));
    u.active = active;
    auto id = testing::WriteResult(
        store_, [&](WriteTransaction& tx) { return tx.InsertUser(u, "not used"); });
    EXPECT_TRUE(id.has_value());
    u.id = id.has_value() ? *id : 0;
    return u;
  }
  std::vector<StaffUser> Everyone() const {
    return {agent_,    agent2_,  handler_, finance_, supervisor_,
            homeless_, manager_, qa_,      admin_,   auditor_};
  }

  // A case as the beneficiary submits it, or as an agent records it for them.
  Submitted Submit(const StaffUser* recorded_by = nullptr, std::string national_id = "1010123456") {
    auto form = testing::ValidIntakeForm();
    form.beneficiary->national_id = std::move(national_id);
    Submitted out;
    auto done = [&](domain::Result<Receipt> r) {
      ASSERT_TRUE(r.has_value()) << domain::MessageCode(r.error().message);
      out.reference = r->recorded.reference.ToString();
      out.code = r->access_code;
    };
    if (recorded_by) {
      submit_.SubmitForBeneficiary(form, *recorded_by, std::nullopt, done);
    } else {
      submit_.Submit(form, domain::Actor{}, done);
    }
    references_.push_back(out.reference);
    return out;
  }

  // Sets what handling would have set, directly in the store (handling itself is tested in
  // handle_case_test.cpp).
  void Handle(const std::string& reference, CaseStatus status,
              std::optional<std::string> department,
              const std::function<void(domain::Case&)>& more = {}) {
    ASSERT_TRUE(testing::WriteSync(store_, [&](WriteTransaction& tx) -> domain::Status {
                  auto found = tx.FindCase(*domain::ParseReference(reference));
                  if (!found) return std::move(found).error();
                  domain::Case c = (*found)->value;
                  c.status = status;
                  c.handling.department = department;
                  if (more) more(c);
                  c.version += 1;
                  return tx.UpdateCase(c);
                }).ok());
  }

  domain::Result<StaffCaseView> View(const std::string& reference, const StaffUser& user) {
    std::optional<domain::Result<StaffCaseView>> out;
    cases_.View(reference, user, [&](domain::Result<StaffCaseView> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    if (!out) return domain::Error::Of(ErrorCode::kInternal, MessageId::kInternalError);
    return std::move(*out);
  }
  domain::Result<CasePage> List(CaseQuery query, const StaffUser& user) {
    std::optional<domain::Result<CasePage>> out;
    cases_.List(std::move(query), user, [&](domain::Result<CasePage> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    if (!out) return domain::Error::Of(ErrorCode::kInternal, MessageId::kInternalError);
    return std::move(*out);
  }
  std::set<std::string> Listed(const StaffUser& user, CaseQuery query = {}) {
    query.limit = 200;
    const auto page = List(std::move(query), user);
    EXPECT_TRUE(page.has_value());
    std::set<std::string> out;
    if (page.has_value()) {
      for (const auto& c : page->items) out.insert(c.reference.ToString());
    }
    return out;
  }
  domain::Result<std::vector<Attachment>> Attach(const std::string& reference,
                                                 const std::optional<StaffUser>& staff,
                                                 std::string code, std::vector<Attachment> files) {
    std::optional<domain::Result<std::vector<Attachment>>> out;
    cases_.Attach(reference, staff, std::move(code), std::move(files),
                  [&](domain::Result<std::vector<Attachment>> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    if (!out) return domain::Error::Of(ErrorCode::kInternal, MessageId::kInternalError);
    return std::move(*out);
  }

  domain::Case Stored(const std::string& reference) {
    auto found = testing::ReadResult(store_, [&](ReadTransaction& tx) {
      return tx.FindCase(*domain::ParseReference(reference));
    });
    EXPECT_TRUE(found.has_value() && found->has_value());
    return (*found)->value;
  }
  std::vector<domain::AuditEntry> AuditLog() {
    auto entries =
        testing::ReadResult(store_, [](ReadTransaction& tx) { return tx.AuditEntries(0, 100000); });
    EXPECT_TRUE(entries.has_value());
    return *entries;
  }
  bool ChainVerifies() {
    auto verified =
        testing::ReadResult(store_, [](ReadTransaction& tx) { return tx.VerifyAudit(); });
    return verified.has_value() && verified->ok();
  }

  static Attachment File(int n, domain::CaseEvent::Visibility visibility) {
    Attachment a = testing::SampleAttachment(n);
    a.id = 0;
    a.visibility = visibility;
    return a;
  }

  storage::memory::MemoryStore store_;
  testing::FakeClock clock_{At("2026-03-10T09:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  SubmitCase submit_{SubmitCase::Settings{},     store_, clock_, random_, hasher_,
                     testing::DefaultCatalogue()};
  StaffCases cases_{store_, clock_, hasher_};
  std::vector<std::string> references_;
  StaffUser agent_, agent2_, handler_, finance_, supervisor_, homeless_, manager_, qa_, admin_,
      auditor_, retired_;
};

// --- View --------------------------------------------------------------------------------------

TEST_F(StaffCasesTest, AHandlerSeesTheWholeCaseAndTheReadIsRecorded) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement");
  clock_.Set(At("2026-03-10T11:00:00Z"));
  const std::size_t before = AuditLog().size();
  const auto view = View(s.reference, handler_);
  ASSERT_TRUE(view.has_value()) << domain::MessageCode(view.error().message);
  EXPECT_EQ(view->identity, IdentityView::kFull);
  EXPECT_EQ(view->value.reference.ToString(), s.reference);
  EXPECT_EQ(view->value.version, 2);
  EXPECT_EQ(view->value.beneficiary.national_id, "1010123456");
  ASSERT_EQ(view->timeline.size(), 1u);
  EXPECT_EQ(view->timeline[0].type, "received");

  const auto audit = AuditLog();
  ASSERT_EQ(audit.size(), before + 1);
  const domain::AuditEntry& read = audit.back();
  EXPECT_EQ(read.action, "pii.read");
  EXPECT_EQ(read.subject, s.reference);
  EXPECT_EQ(read.actor.kind, domain::Actor::Kind::kStaff);
  EXPECT_EQ(read.actor.id, std::to_string(handler_.id));
  EXPECT_EQ(read.at, At("2026-03-10T11:00:00Z"));
  EXPECT_EQ(read.detail, R"({"role":"handler","version":2})");
  EXPECT_EQ(read.detail.find("1010123456"), std::string::npos);
  EXPECT_TRUE(ChainVerifies());
}

TEST_F(StaffCasesTest, EveryFullReadIsRecordedAgain) {
  const Submitted s = Submit();
  const std::size_t before = AuditLog().size();
  ASSERT_TRUE(View(s.reference, agent_).has_value());
  ASSERT_TRUE(View(s.reference, agent2_).has_value());
  ASSERT_TRUE(View(s.reference, agent_).has_value());
  const auto audit = AuditLog();
  ASSERT_EQ(audit.size(), before + 3);
  EXPECT_EQ(audit[before].actor.id, std::to_string(agent_.id));
  EXPECT_EQ(audit[before + 1].actor.id, std::to_string(agent2_.id));
  EXPECT_EQ(audit[before].detail, R"({"role":"agent","version":1})");
}

TEST_F(StaffCasesTest, AManagerSeesTheCaseMaskedAndNothingIsRecorded) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement");
  const std::size_t before = AuditLog().size();
  const auto view = View(s.reference, manager_);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->identity, IdentityView::kMasked);
  EXPECT_EQ(AuditLog().size(), before);
}

TEST_F(StaffCasesTest, AQualityReviewerSeesAClosedCaseMaskedAndNothingIsRecorded) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kClosed, "procurement");
  const std::size_t before = AuditLog().size();
  const auto view = View(s.reference, qa_);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->identity, IdentityView::kMasked);
  EXPECT_EQ(AuditLog().size(), before);
}

TEST_F(StaffCasesTest, TheDepartmentAComplaintIsAboutSeesNoIdentityAndNothingIsRecorded) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement",
         [](domain::Case& c) { c.handling.concerns_department = "procurement"; });
  const std::size_t before = AuditLog().size();
  for (const StaffUser* user : {&handler_, &supervisor_}) {
    const auto view = View(s.reference, *user);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->identity, IdentityView::kWithheld);
  }
  EXPECT_EQ(AuditLog().size(), before);
}

TEST_F(StaffCasesTest, WhoMayNotSeeTheCaseFindsNothingAndNothingIsRecorded) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement");
  const std::size_t before = AuditLog().size();
  for (const StaffUser* user :
       {&finance_, &homeless_, &qa_, &admin_, &auditor_, &agent_, &retired_}) {
    SCOPED_TRACE(user->email);
    const auto view = View(s.reference, *user);
    ASSERT_FALSE(view.has_value());
    EXPECT_EQ(view.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(view.error().message, MessageId::kCaseNotFound);
  }
  EXPECT_EQ(AuditLog().size(), before);
}

TEST_F(StaffCasesTest, ViewRefusesUnknownAndMalformedReferences) {
  const Submitted s = Submit();
  domain::Reference unknown = *domain::ParseReference(s.reference);
  unknown.sequence = 999;
  const auto missing = View(unknown.ToString(), manager_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  const auto malformed = View("C-2026-1", manager_);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code, ErrorCode::kMalformedReference);
}

TEST_F(StaffCasesTest, NothingIsShownThatWasNotRecorded) {
  const Submitted s = Submit();
  store_.FailWrites(true);
  const auto view = View(s.reference, agent_);
  store_.FailWrites(false);
  ASSERT_FALSE(view.has_value());
  EXPECT_EQ(view.error().code, ErrorCode::kUnavailable);
}

TEST_F(StaffCasesTest, ViewShowsInternalEventsAndEveryAttachment) {
  const Submitted s = Submit();
  ASSERT_TRUE(Attach(s.reference, agent_, {},
                     {File(1, domain::CaseEvent::Visibility::kInternal),
                      File(2, domain::CaseEvent::Visibility::kPublic)})
                  .has_value());
  const auto view = View(s.reference, agent_);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->attachments.size(), 2u);
  ASSERT_EQ(view->timeline.size(), 3u);
  EXPECT_EQ(view->timeline[1].visibility, domain::CaseEvent::Visibility::kInternal);
}

// --- List --------------------------------------------------------------------------------------

class StaffCasesQueueTest : public StaffCasesTest {
 public:
  void SetUp() override {
    StaffCasesTest::SetUp();
    received_ = Submit().reference;
    recorded_ = Submit(&agent_, "2020000001").reference;
    Handle(recorded_, CaseStatus::kInProgress, "finance");
    assessed_ = Submit().reference;
    Handle(assessed_, CaseStatus::kAssessed, "procurement",
           [&](domain::Case& c) { c.handling.assessed_by = agent_.id; });
    procurement_ = Submit(nullptr, "2020000002").reference;
    Handle(procurement_, CaseStatus::kInProgress, "procurement",
           [&](domain::Case& c) { c.handling.assessed_by = agent2_.id; });
    finance_case_ = Submit().reference;
    Handle(finance_case_, CaseStatus::kAwaitingBeneficiary, "finance");
    closed_ = Submit().reference;
    Handle(closed_, CaseStatus::kClosed, "procurement");
    closed_finance_ = Submit().reference;
    Handle(closed_finance_, CaseStatus::kClosed, "finance");
  }

  std::string received_, recorded_, assessed_, procurement_, finance_case_, closed_,
      closed_finance_;
};

TEST_F(StaffCasesQueueTest, HandlersAndSupervisorsListTheirDepartmentOnly) {
  const std::set<std::string> procurement = {assessed_, procurement_, closed_};
  EXPECT_EQ(Listed(handler_), procurement);
  EXPECT_EQ(Listed(supervisor_), procurement);
  EXPECT_EQ(Listed(finance_), (std::set<std::string>{recorded_, finance_case_, closed_finance_}));
  EXPECT_TRUE(Listed(homeless_).empty());
}

TEST_F(StaffCasesQueueTest, AgentsListWhatArrivedAndWhatTheyRecordedOrAssessed) {
  EXPECT_EQ(Listed(agent_), (std::set<std::string>{received_, recorded_, assessed_}));
  EXPECT_EQ(Listed(agent2_), (std::set<std::string>{received_, procurement_}));
}

TEST_F(StaffCasesQueueTest, QualityReviewersListClosedCasesManagersAll) {
  EXPECT_EQ(Listed(qa_), (std::set<std::string>{closed_, closed_finance_}));
  EXPECT_EQ(Listed(manager_), std::set<std::string>(references_.begin(), references_.end()));
}

TEST_F(StaffCasesQueueTest, AdminsAndAuditorsListNothing) {
  EXPECT_TRUE(Listed(admin_).empty());
  EXPECT_TRUE(Listed(auditor_).empty());
}

TEST_F(StaffCasesQueueTest, ListAndViewAgreeForEveryRoleAndCase) {
  for (const StaffUser& user : Everyone()) {
    SCOPED_TRACE(user.email);
    const std::set<std::string> listed = Listed(user);
    for (const std::string& reference : references_) {
      SCOPED_TRACE(reference);
      EXPECT_EQ(listed.contains(reference), domain::MaySeeCase(user, Stored(reference)));
      EXPECT_EQ(listed.contains(reference), View(reference, user).has_value());
    }
  }
}

// ScopeFor ignores StaffUser::active while MaySeeCase refuses an inactive user everything.
// Harmless while Authenticate refuses deactivated users, but the two rules are meant to agree.
// Disabled until ScopeFor honours active (see the report).
TEST_F(StaffCasesQueueTest, AnInactiveUserListsNothing) {
  EXPECT_TRUE(Listed(retired_).empty());
}

TEST_F(StaffCasesQueueTest, TheCallerCannotWidenTheScope) {
  CaseQuery query;
  query.scope.department.reset();  // as if a caller tried to lift it
  query.scope.closed_only = false;
  query.departments = {"finance"};
  EXPECT_TRUE(Listed(handler_, query).empty());
  CaseQuery qa_query;
  qa_query.statuses = {CaseStatus::kInProgress};
  EXPECT_TRUE(Listed(qa_, qa_query).empty());
}

TEST_F(StaffCasesQueueTest, FiltersNarrowWithinTheScope) {
  CaseQuery query;
  query.statuses = {CaseStatus::kInProgress};
  EXPECT_EQ(Listed(handler_, query), (std::set<std::string>{procurement_}));
  EXPECT_EQ(Listed(manager_, query), (std::set<std::string>{recorded_, procurement_}));
}

TEST_F(StaffCasesQueueTest, AListIsNotARecordedRead) {
  const std::size_t before = AuditLog().size();
  (void)Listed(handler_);
  (void)Listed(manager_);
  EXPECT_EQ(AuditLog().size(), before);
}

TEST_F(StaffCasesQueueTest, ASearchByNationalIdIsRecordedWithoutTheNumber) {
  const std::size_t before = AuditLog().size();
  CaseQuery query;
  query.national_id = "2020000002";
  EXPECT_EQ(Listed(handler_, query), (std::set<std::string>{procurement_}));
  const auto audit = AuditLog();
  ASSERT_EQ(audit.size(), before + 1);
  EXPECT_EQ(audit.back().action, "pii.search");
  EXPECT_EQ(audit.back().actor.id, std::to_string(handler_.id));
  EXPECT_EQ(audit.back().detail, R"({"by":"national_id","results":1})");
  EXPECT_EQ(audit.back().detail.find("2020000002"), std::string::npos);
  EXPECT_EQ(audit.back().subject.find("2020000002"), std::string::npos);
  EXPECT_TRUE(ChainVerifies());
}

TEST_F(StaffCasesQueueTest, ASearchThatFindsNothingIsRecordedToo) {
  const std::size_t before = AuditLog().size();
  CaseQuery query;
  query.national_id = "2020000002";
  EXPECT_TRUE(Listed(finance_, query).empty());  // not their department
  const auto audit = AuditLog();
  ASSERT_EQ(audit.size(), before + 1);
  EXPECT_EQ(audit.back().detail, R"({"by":"national_id","results":0})");
}

TEST_F(StaffCasesQueueTest, ASearchByMobileIsRecorded) {
  const std::size_t before = AuditLog().size();
  CaseQuery query;
  query.mobile = Stored(received_).beneficiary.mobile;
  ASSERT_TRUE(query.mobile.has_value());
  const auto found = Listed(manager_, query);
  EXPECT_TRUE(found.contains(received_));
  const auto audit = AuditLog();
  ASSERT_EQ(audit.size(), before + 1);
  EXPECT_EQ(audit.back().action, "pii.search");
  EXPECT_NE(audit.back().detail.find(R"("by":"mobile")"), std::string::npos);
  EXPECT_EQ(audit.back().detail.find(*query.mobile), std::string::npos);
}

TEST_F(StaffCasesQueueTest, AnUnrecordedSearchShowsNothing) {
  CaseQuery query;
  query.national_id = "2020000002";
  store_.FailWrites(true);
  const auto page = List(query, manager_);
  store_.FailWrites(false);
  ASSERT_FALSE(page.has_value());
  EXPECT_EQ(page.error().code, ErrorCode::kUnavailable);
}

// --- Files and Attach --------------------------------------------------------------------------

TEST_F(StaffCasesTest, StaffAttachFilesOnTheRecord) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement");
  clock_.Set(At("2026-03-11T08:00:00Z"));
  const std::size_t before = AuditLog().size();
  const auto attached = Attach(s.reference, handler_, {},
                               {File(1, domain::CaseEvent::Visibility::kInternal),
                                File(2, domain::CaseEvent::Visibility::kPublic)});
  ASSERT_TRUE(attached.has_value()) << domain::MessageCode(attached.error().message);
  ASSERT_EQ(attached->size(), 2u);
  EXPECT_NE((*attached)[0].id, 0);
  EXPECT_NE((*attached)[0].id, (*attached)[1].id);
  EXPECT_EQ((*attached)[0].uploaded_by.id, std::to_string(handler_.id));
  EXPECT_EQ((*attached)[0].uploaded_at, At("2026-03-11T08:00:00Z"));
  EXPECT_EQ(Stored(s.reference).version, 3);

  const auto audit = AuditLog();
  ASSERT_EQ(audit.size(), before + 2);
  EXPECT_EQ(audit.back().action, "case.attachment_added");
  EXPECT_EQ(audit.back().subject, s.reference);
  EXPECT_TRUE(ChainVerifies());

  const auto files = cases_.Files(s.reference, handler_, {});
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->attachments.size(), 2u);
}

TEST_F(StaffCasesTest, TheBeneficiaryAttachesAndSeesOnlyPublicFiles) {
  const Submitted s = Submit();
  ASSERT_TRUE(Attach(s.reference, agent_, {}, {File(1, domain::CaseEvent::Visibility::kInternal)})
                  .has_value());
  const auto mine =
      Attach(s.reference, std::nullopt, s.code, {File(2, domain::CaseEvent::Visibility::kPublic)});
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ((*mine)[0].uploaded_by.kind, domain::Actor::Kind::kBeneficiary);

  const auto files = cases_.Files(s.reference, std::nullopt, s.code);
  ASSERT_TRUE(files.has_value());
  ASSERT_EQ(files->attachments.size(), 1u);
  EXPECT_EQ(files->attachments[0].id, (*mine)[0].id);
  EXPECT_EQ(cases_.Files(s.reference, agent_, {})->attachments.size(), 2u);
}

TEST_F(StaffCasesTest, FilesAreNotFoundForWhoMayNotSeeTheCase) {
  const Submitted s = Submit();
  const Submitted other = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement");
  for (const auto& [staff, code] : std::vector<std::pair<std::optional<StaffUser>, std::string>>{
           {finance_, ""},
           {admin_, ""},
           {agent_, ""},
           {std::nullopt, other.code},
           {std::nullopt, "2222-2222-2222"},
           {std::nullopt, ""},
           {std::nullopt, "not a code"}}) {
    SCOPED_TRACE(staff ? staff->email : code);
    const auto files = cases_.Files(s.reference, staff, code);
    ASSERT_FALSE(files.has_value());
    EXPECT_EQ(files.error().code, ErrorCode::kNotFound);
  }
  // A member of staff is judged by need-to-know, never by a code they hold.
  EXPECT_FALSE(cases_.Files(s.reference, finance_, s.code).has_value());
  const auto malformed = cases_.Files("C-2026-1", manager_, {});
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code, ErrorCode::kMalformedReference);
}

TEST_F(StaffCasesTest, AttachIsRefusedToWhoMayNotSeeTheCaseAndStoresNothing) {
  const Submitted s = Submit();
  const Submitted other = Submit();
  Handle(s.reference, CaseStatus::kInProgress, "procurement");
  const std::size_t before = AuditLog().size();
  for (const auto& [staff, code] : std::vector<std::pair<std::optional<StaffUser>, std::string>>{
           {finance_, ""}, {auditor_, ""}, {std::nullopt, other.code}, {std::nullopt, ""}}) {
    const auto attached =
        Attach(s.reference, staff, code, {File(1, domain::CaseEvent::Visibility::kPublic)});
    ASSERT_FALSE(attached.has_value());
    EXPECT_EQ(attached.error().code, ErrorCode::kNotFound);
  }
  EXPECT_EQ(AuditLog().size(), before);
  EXPECT_TRUE(cases_.Files(s.reference, manager_, {})->attachments.empty());
  EXPECT_EQ(Stored(s.reference).version, 2);
}

TEST_F(StaffCasesTest, AFinishedCaseTakesNoMoreFiles) {
  const Submitted s = Submit();
  Handle(s.reference, CaseStatus::kClosed, "procurement");
  const auto attached =
      Attach(s.reference, std::nullopt, s.code, {File(1, domain::CaseEvent::Visibility::kPublic)});
  ASSERT_FALSE(attached.has_value());
  EXPECT_EQ(attached.error().code, ErrorCode::kConflict);
  EXPECT_EQ(attached.error().message, MessageId::kForbiddenTransition);
  EXPECT_EQ(attached.error().message_param, "closed");
}

}  // namespace
}  // namespace shakwa::app
