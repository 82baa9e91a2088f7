#include "app/handle_case.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/submit_case.hpp"
#include "domain/access_code.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/intake_forms.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::app {
namespace {

using domain::CaseEvent;
using domain::CaseStatus;
using domain::ErrorCode;
using domain::MessageId;
using domain::Role;
using domain::StaffUser;
using testing::At;
using Visibility = domain::CaseEvent::Visibility;
using CaseResult = domain::Result<domain::Case>;

// A case as the beneficiary holds it.
struct Submitted {
  std::string reference;
  std::string code;  // as printed
};

// What an action may change; two snapshots are equal when it changed nothing.
struct Snapshot {
  std::int64_t version = 0;
  CaseStatus status = CaseStatus::kReceived;
  domain::CaseKind kind = domain::CaseKind::kComplaint;
  int escalation_level = 0;
  std::optional<std::string> department;
  std::optional<std::int64_t> assignee;
  std::optional<domain::Outcome> outcome;
  std::optional<std::string> decision;
  std::size_t events = 0;  // of every case
  std::size_t audit = 0;
  bool operator==(const Snapshot&) const = default;
};

class HandleCaseTest : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(testing::WriteSync(store_, [](WriteTransaction& tx) -> domain::Status {
                  for (const char* code : {"procurement", "finance"}) {
                    if (auto s = tx.InsertDepartment(testing::SampleDepartment(code)); !s.ok()) {
                      return s;
                    }
                  }
                  domain::Department closed = testing::SampleDepartment("archive");
                  closed.active = false;
                  return tx.InsertDepartment(closed);
                }).ok());
    agent_ = AddStaff("agent@centre.gov.sa", Role::kAgent, std::nullopt);
    agent2_ = AddStaff("agent2@centre.gov.sa", Role::kAgent, std::nullopt);
    handler_ = AddStaff("handler@centre.gov.sa", Role::kHandler, "procurement");
    handler2_ = AddStaff("handler2@centre.gov.sa", Role::kHandler, "procurement");
    finance_ = AddStaff("finance@centre.gov.sa", Role::kHandler, "finance");
    supervisor_ = AddStaff("supervisor@centre.gov.sa", Role::kSupervisor, "procurement");
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

  Submitted Submit(std::string kind = "complaint") {
    auto form = testing::ValidIntakeForm();
    form.kind = std::move(kind);
    Submitted out;
    submit_.Submit(form, domain::Actor{}, [&](domain::Result<Receipt> r) {
      ASSERT_TRUE(r.has_value());
      out.reference = r->recorded.reference.ToString();
      out.code = r->access_code;
    });
    references_.push_back(out.reference);
    return out;
  }

  static CaseResult Run(const std::function<void(HandleCase::Done)>& action) {
    std::optional<CaseResult> out;
    action([&](CaseResult r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "done was not called";
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
  std::vector<CaseEvent> Timeline(const std::string& reference) {
    const std::int64_t id = Stored(reference).id;
    auto events = testing::ReadResult(
        store_, [&](ReadTransaction& tx) { return tx.Timeline(id, /*public_only=*/false); });
    EXPECT_TRUE(events.has_value());
    return *events;
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
    return verified.has_value() && verified->ok() &&
           verified->records == static_cast<std::int64_t>(AuditLog().size());
  }
  std::size_t AllEvents() {
    std::size_t n = 0;
    for (const auto& reference : references_) n += Timeline(reference).size();
    return n;
  }
  Snapshot Snap(const std::string& reference) {
    const domain::Case c = Stored(reference);
    return Snapshot{c.version,
                    c.status,
                    c.kind,
                    c.escalation_level,
                    c.handling.department,
                    c.handling.assignee_id,
                    c.handling.outcome,
                    c.handling.decision,
                    AllEvents(),
                    AuditLog().size()};
  }

  // Every event of every case, in the order written, is mirrored by one "case.<type>" audit
  // record about its case, in the same order; and the chain verifies.
  void ExpectAuditMirrorsTimelines() {
    std::vector<std::pair<std::int64_t, std::pair<std::string, std::string>>> events;
    for (const auto& reference : references_) {
      for (const CaseEvent& e : Timeline(reference)) {
        events.push_back({e.id, {"case." + e.type, reference}});
      }
    }
    std::sort(events.begin(), events.end());
    std::vector<std::pair<std::string, std::string>> expected, actual;
    for (const auto& e : events) expected.push_back(e.second);
    for (const auto& a : AuditLog()) {
      if (a.action.starts_with("case.")) actual.emplace_back(a.action, a.subject);
    }
    EXPECT_EQ(actual, expected);
    EXPECT_TRUE(ChainVerifies());
  }

  // Staff actions, synchronously.
  CaseResult Assess(const std::string& ref, std::int64_t v, const StaffUser& u, Assessment a) {
    return Run([&](auto done) { handle_.Assess(ref, v, u, std::move(a), done); });
  }
  CaseResult Assign(const std::string& ref, std::int64_t v, const StaffUser& u, Assignment a) {
    return Run([&](auto done) { handle_.Assign(ref, v, u, std::move(a), done); });
  }
  CaseResult Note(const std::string& ref, std::int64_t v, const StaffUser& u, std::string text) {
    return Run([&](auto done) { handle_.AddNote(ref, v, u, std::move(text), done); });
  }
  CaseResult Reply(const std::string& ref, std::int64_t v, const StaffUser& u, std::string text) {
    return Run([&](auto done) { handle_.Reply(ref, v, u, std::move(text), done); });
  }
  CaseResult RequestInfo(const std::string& ref, std::int64_t v, const StaffUser& u,
                         std::string text = "أرفق صورة أمر الدفع") {
    return Run([&](auto done) { handle_.RequestInformation(ref, v, u, std::move(text), done); });
  }
  CaseResult Findings(const std::string& ref, std::int64_t v, const StaffUser& u,
                      FindingsRecord f = {"تأخر اعتماد أمر الدفع", domain::Outcome::kUpheld}) {
    return Run([&](auto done) { handle_.RecordFindings(ref, v, u, std::move(f), done); });
  }
  CaseResult Resolve(const std::string& ref, std::int64_t v, const StaffUser& u,
                     DecisionRecord d = {"يُصرف المستخلص خلال خمسة أيام",
                                         {domain::Remedy::kApology, domain::Remedy::kRefund}}) {
    return Run([&](auto done) { handle_.Resolve(ref, v, u, std::move(d), done); });
  }
  CaseResult Close(const std::string& ref, std::int64_t v, const StaffUser& u,
                   std::optional<std::string> note = std::nullopt) {
    return Run([&](auto done) { handle_.Close(ref, v, u, std::move(note), done); });
  }
  CaseResult Merge(const std::string& ref, std::int64_t v, const StaffUser& u,
                   const std::string& into) {
    return Run([&](auto done) { handle_.Merge(ref, v, u, into, done); });
  }
  // The beneficiary's actions.
  CaseResult Answer(const Submitted& s, std::optional<std::int64_t> v = std::nullopt,
                    std::string text = "أرفقت الصورة") {
    return Run([&](auto done) {
      handle_.AnswerInformationRequest(s.reference, s.code, v, std::move(text), done);
    });
  }
  CaseResult Accept(const Submitted& s, std::optional<std::int64_t> v = std::nullopt) {
    return Run([&](auto done) { handle_.Accept(s.reference, s.code, v, done); });
  }
  CaseResult Appeal(const Submitted& s, std::optional<std::int64_t> v = std::nullopt,
                    std::string reason = "القرار لا يعالج التأخير") {
    return Run([&](auto done) { handle_.Appeal(s.reference, s.code, v, std::move(reason), done); });
  }
  CaseResult Withdraw(const Submitted& s, std::optional<std::int64_t> v = std::nullopt,
                      std::optional<std::string> reason = std::nullopt) {
    return Run(
        [&](auto done) { handle_.Withdraw(s.reference, s.code, v, std::move(reason), done); });
  }

  static Assessment Routine(std::string department = "procurement") {
    Assessment a;
    a.severity = domain::Severity::kMedium;
    a.complexity = domain::Complexity::kModerate;
    a.impact = domain::Impact::kIndividual;
    a.priority = domain::Priority::kHigh;
    a.department = std::move(department);
    return a;
  }

  // A case brought to a status through the use cases themselves; returns its version.
  std::int64_t ToAssessed(const Submitted& s) {
    auto r = Assess(s.reference, 1, agent_, Routine());
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToInProgress(const Submitted& s) {
    auto r = Assign(s.reference, ToAssessed(s), handler_, Assignment{std::nullopt, handler_.id});
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r.has_value() ? r->status : CaseStatus::kReceived, CaseStatus::kInProgress);
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToAwaiting(const Submitted& s) {
    auto r = RequestInfo(s.reference, ToInProgress(s), handler_);
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToFindings(const Submitted& s) {
    auto r = Findings(s.reference, ToInProgress(s), handler_);
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToResolved(const Submitted& s) {
    auto r = Resolve(s.reference, ToFindings(s), handler_);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r.has_value() ? r->status : CaseStatus::kReceived, CaseStatus::kResolved);
    return r.has_value() ? r->version : 0;
  }
  std::int64_t ToClosed(const Submitted& s) {
    auto r = Close(s.reference, ToResolved(s), handler_);
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->version : 0;
  }

  static void ExpectError(const CaseResult& r, ErrorCode code, MessageId message) {
    ASSERT_FALSE(r.has_value()) << "succeeded";
    EXPECT_EQ(r.error().code, code) << domain::MessageCode(r.error().message);
    EXPECT_EQ(r.error().message, message) << domain::MessageCode(r.error().message);
  }
  static void ExpectInvalid(const CaseResult& r, std::string_view path, MessageId message) {
    ASSERT_FALSE(r.has_value()) << "succeeded";
    ASSERT_EQ(r.error().code, ErrorCode::kInvalidInput) << domain::MessageCode(r.error().message);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].path, path);
    EXPECT_EQ(r.error().fields[0].message, message)
        << domain::MessageCode(r.error().fields[0].message);
  }
  static void ExpectForbidden(const CaseResult& r, std::string_view status) {
    ExpectError(r, ErrorCode::kConflict, MessageId::kForbiddenTransition);
    if (!r.has_value()) {
      EXPECT_EQ(r.error().message_param, status);
    }
  }

  storage::memory::MemoryStore store_;
  testing::FakeClock clock_{At("2026-03-10T09:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  SubmitCase submit_{SubmitCase::Settings{},     store_, clock_, random_, hasher_,
                     testing::DefaultCatalogue()};
  HandleCase handle_{store_, clock_, hasher_, testing::DefaultCatalogue()};
  std::vector<std::string> references_;
  std::map<std::string, std::string> merge_targets_;  // by the reference of the case merged
  StaffUser agent_, agent2_, handler_, handler2_, finance_, supervisor_, manager_, qa_, admin_,
      auditor_, retired_;
};

// --- assessment --------------------------------------------------------------------------------

TEST_F(HandleCaseTest, AssessMovesAReceivedCaseToAssessedWithWhatWasAssessed) {
  const Submitted s = Submit();
  clock_.Set(At("2026-03-10T10:00:00Z"));
  Assessment a = Routine();
  a.immediate_action_needed = true;
  a.immediate_action_taken = "  أوقف الإجراء مؤقتًا ";
  a.category = "guarantees";
  a.subcategory = "final guarantee";
  const auto r = Assess(s.reference, 1, agent_, a);
  ASSERT_TRUE(r.has_value()) << domain::MessageCode(r.error().message);
  EXPECT_EQ(r->status, CaseStatus::kAssessed);
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->category, "guarantees");
  EXPECT_EQ(r->subcategory, "final guarantee");
  const domain::CaseHandling& h = r->handling;
  EXPECT_EQ(h.severity, domain::Severity::kMedium);
  EXPECT_EQ(h.complexity, domain::Complexity::kModerate);
  EXPECT_EQ(h.impact, domain::Impact::kIndividual);
  EXPECT_TRUE(h.immediate_action_needed);
  EXPECT_EQ(h.immediate_action_taken, "أوقف الإجراء مؤقتًا");  // trimmed
  EXPECT_EQ(h.priority, domain::Priority::kHigh);
  EXPECT_EQ(h.department, "procurement");
  EXPECT_EQ(h.assessed_by, agent_.id);
  EXPECT_EQ(h.updated_at, At("2026-03-10T10:00:00Z"));
  // High priority: 960 business minutes from receipt (Tuesday 12:00 Riyadh, in Ramadan's
  // 10:00-15:00 hours): 180 on Tuesday, 300 each on Wednesday and Thursday, the weekend, then
  // 180 on Sunday, which ends at 13:00 Riyadh.
  EXPECT_EQ(r->clock.resolution_due_at, At("2026-03-15T10:00:00Z"));

  const domain::Case stored = Stored(s.reference);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.status, CaseStatus::kAssessed);
  EXPECT_EQ(stored.handling.department, "procurement");

  const auto timeline = Timeline(s.reference);
  ASSERT_EQ(timeline.size(), 2u);
  const CaseEvent& e = timeline[1];
  EXPECT_EQ(e.type, "assessed");
  EXPECT_EQ(e.visibility, Visibility::kInternal);
  EXPECT_EQ(e.from_status, CaseStatus::kReceived);
  EXPECT_EQ(e.to_status, CaseStatus::kAssessed);
  EXPECT_EQ(e.actor.kind, domain::Actor::Kind::kStaff);
  EXPECT_EQ(e.actor.id, std::to_string(agent_.id));
  EXPECT_EQ(e.actor_role, "agent");
  EXPECT_EQ(e.at, At("2026-03-10T10:00:00Z"));
  for (std::string_view field : {R"("department":"procurement")", R"("priority":"high")",
                                 R"("severity":"medium")", R"("category":"guarantees")"}) {
    EXPECT_NE(e.data.find(field), std::string::npos) << field << " in " << e.data;
  }
  ExpectAuditMirrorsTimelines();
  const auto audit = AuditLog();
  EXPECT_EQ(audit.back().action, "case.assessed");
  EXPECT_EQ(audit.back().subject, s.reference);
  EXPECT_NE(audit.back().detail.find(R"("version":2)"), std::string::npos);
  EXPECT_NE(audit.back().detail.find(R"("to_status":"assessed")"), std::string::npos);
}

TEST_F(HandleCaseTest, AssessCanReclassifyTheKindWithAPublicEvent) {
  const Submitted s = Submit();
  Assessment a = Routine();
  a.kind = domain::CaseKind::kSuggestion;
  const auto r = Assess(s.reference, 1, agent_, a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, domain::CaseKind::kSuggestion);
  EXPECT_EQ(r->reference.ToString(), s.reference);  // the reference keeps its prefix
  // Fifteen business days for a suggestion: Ramadan's short days, Eid al-Fitr (20-23 March),
  // then full days from 24 March (2280 business minutes in Ramadan, then ten full days and two
  // hours).
  EXPECT_EQ(r->clock.resolution_due_at, At("2026-04-07T07:00:00Z"));
  const auto timeline = Timeline(s.reference);
  ASSERT_EQ(timeline.size(), 3u);
  EXPECT_EQ(timeline[1].type, "reclassified");
  EXPECT_EQ(timeline[1].visibility, Visibility::kPublic);
  EXPECT_EQ(timeline[1].data, R"({"from":"complaint","to":"suggestion"})");
  EXPECT_EQ(timeline[2].type, "assessed");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, AssessToTheSameKindIsNoReclassification) {
  const Submitted s = Submit();
  Assessment a = Routine();
  a.kind = domain::CaseKind::kComplaint;
  ASSERT_TRUE(Assess(s.reference, 1, agent_, a).has_value());
  EXPECT_EQ(Timeline(s.reference).size(), 2u);
}

TEST_F(HandleCaseTest, AssessCanBeRevisedWhileAssessed) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  Assessment a;
  a.priority = domain::Priority::kUrgent;  // the department stays as assessed
  const auto r = Assess(s.reference, v, handler_, a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kAssessed);
  EXPECT_EQ(r->handling.priority, domain::Priority::kUrgent);
  EXPECT_EQ(r->handling.department, "procurement");
  EXPECT_EQ(r->handling.assessed_by, handler_.id);
  // Urgent: one business day (480 minutes): 180 on Tuesday and 300 on Wednesday, in Ramadan.
  EXPECT_EQ(r->clock.resolution_due_at, At("2026-03-11T12:00:00Z"));
}

TEST_F(HandleCaseTest, AssessRequiresADepartment) {
  const Submitted s = Submit();
  const Snapshot before = Snap(s.reference);
  Assessment a = Routine();
  a.department.reset();
  ExpectInvalid(Assess(s.reference, 1, agent_, a), "department", MessageId::kRequired);
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, AssessRefusesUnknownDepartmentsAndCategories) {
  const Submitted s = Submit();
  const Snapshot before = Snap(s.reference);
  ExpectInvalid(Assess(s.reference, 1, agent_, Routine("nowhere")), "department",
                MessageId::kUnknownDepartment);
  ExpectInvalid(Assess(s.reference, 1, agent_, Routine("archive")), "department",
                MessageId::kUnknownDepartment);  // inactive
  Assessment concerns = Routine();
  concerns.concerns_department = "nowhere";
  ExpectInvalid(Assess(s.reference, 1, agent_, concerns), "concerns_department",
                MessageId::kUnknownDepartment);
  Assessment category = Routine();
  category.category = "no_such_category";
  ExpectInvalid(Assess(s.reference, 1, agent_, category), "category", MessageId::kUnknownCategory);
  Assessment action = Routine();
  action.immediate_action_taken = "   ";
  ExpectInvalid(Assess(s.reference, 1, agent_, action), "immediate_action_taken",
                MessageId::kEmpty);
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, AssessRecordsTheDepartmentAComplaintConcerns) {
  const Submitted s = Submit();
  Assessment a = Routine();
  a.category = "staff_conduct";
  a.concerns_department = "finance";
  const auto r = Assess(s.reference, 1, agent_, a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->handling.concerns_department, "finance");
  EXPECT_EQ(Stored(s.reference).handling.concerns_department, "finance");
}

TEST_F(HandleCaseTest, RejectsAnOutOfScopeCaseWithAReasonTheBeneficiarySees) {
  const Submitted s = Submit();
  Assessment a;
  a.reject_reason = " خارج نطاق المركز ";
  const auto r = Assess(s.reference, 1, agent_, a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kRejected);
  EXPECT_EQ(r->handling.rejection_reason, "خارج نطاق المركز");
  const auto timeline = Timeline(s.reference);
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[1].type, "rejected");
  EXPECT_EQ(timeline[1].visibility, Visibility::kPublic);
  EXPECT_EQ(timeline[1].to_status, CaseStatus::kRejected);
  EXPECT_EQ(timeline[1].data, R"({"reason":"خارج نطاق المركز"})");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, RejectNeedsAReasonAndAnUnstartedCase) {
  const Submitted s = Submit();
  Assessment empty;
  empty.reject_reason = " ";
  ExpectInvalid(Assess(s.reference, 1, agent_, empty), "reject.reason", MessageId::kEmpty);

  const Submitted started = Submit();
  const std::int64_t v = ToInProgress(started);
  const Snapshot before = Snap(started.reference);
  Assessment reject;
  reject.reject_reason = "خارج النطاق";
  ExpectForbidden(Assess(started.reference, v, handler_, reject), "in_progress");
  ExpectForbidden(Assess(started.reference, v, handler_, Routine()), "in_progress");
  EXPECT_EQ(Snap(started.reference), before);
}

// --- assignment --------------------------------------------------------------------------------

TEST_F(HandleCaseTest, AssigningAPersonStartsTheWork) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto r = Assign(s.reference, v, supervisor_, Assignment{std::nullopt, handler2_.id});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
  EXPECT_EQ(r->handling.assignee_id, handler2_.id);
  EXPECT_EQ(r->version, v + 1);
  const auto timeline = Timeline(s.reference);
  ASSERT_EQ(timeline.size(), 4u);
  EXPECT_EQ(timeline[2].type, "work_started");
  EXPECT_EQ(timeline[2].visibility, Visibility::kPublic);
  EXPECT_EQ(timeline[2].from_status, CaseStatus::kAssessed);
  EXPECT_EQ(timeline[2].to_status, CaseStatus::kInProgress);
  EXPECT_EQ(timeline[3].type, "assigned");
  EXPECT_EQ(timeline[3].visibility, Visibility::kInternal);
  EXPECT_EQ(timeline[3].actor_role, "supervisor");
  EXPECT_EQ(timeline[3].data,
            R"({"department":"procurement","assignee_id":)" + std::to_string(handler2_.id) + "}");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, AssigningADepartmentOnlyRoutesWithoutStartingWork) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto r = Assign(s.reference, v, supervisor_, Assignment{"finance", std::nullopt});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kAssessed);
  EXPECT_EQ(r->handling.department, "finance");
  EXPECT_EQ(Timeline(s.reference).back().type, "assigned");
  // Need-to-know follows the case.
  ExpectError(Note(s.reference, r->version, handler_, "ملاحظة"), ErrorCode::kNotFound,
              MessageId::kCaseNotFound);
  EXPECT_TRUE(Note(s.reference, r->version, finance_, "ملاحظة").has_value());
}

TEST_F(HandleCaseTest, AssigningToAnotherDepartmentAndItsHandlerTogether) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto r = Assign(s.reference, v, supervisor_, Assignment{"finance", finance_.id});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->handling.department, "finance");
  EXPECT_EQ(r->handling.assignee_id, finance_.id);
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
}

TEST_F(HandleCaseTest, AssignRefusesWhoCannotHandleTheCase) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const Snapshot before = Snap(s.reference);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{}), "assignee_id",
                MessageId::kRequired);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{std::nullopt, 9999}), "assignee_id",
                MessageId::kUnknownUser);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{std::nullopt, agent_.id}),
                "assignee_id", MessageId::kUnknownUser);  // agents handle no cases
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{std::nullopt, manager_.id}),
                "assignee_id", MessageId::kUnknownUser);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{std::nullopt, retired_.id}),
                "assignee_id", MessageId::kUnknownUser);  // deactivated
  // A handler of another department, named with or without the case's department.
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{"procurement", finance_.id}),
                "assignee_id", MessageId::kUnknownUser);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{std::nullopt, finance_.id}),
                "assignee_id", MessageId::kUnknownUser);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{"nowhere", std::nullopt}),
                "department", MessageId::kUnknownDepartment);
  ExpectInvalid(Assign(s.reference, v, supervisor_, Assignment{"archive", std::nullopt}),
                "department", MessageId::kUnknownDepartment);
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, AssignRefusesADecidedOrFinishedCase) {
  const Submitted resolved = Submit();
  const std::int64_t v = ToResolved(resolved);
  ExpectForbidden(
      Assign(resolved.reference, v, supervisor_, Assignment{std::nullopt, handler2_.id}),
      "resolved");
  const Submitted closed = Submit();
  const std::int64_t w = ToClosed(closed);
  ExpectForbidden(Assign(closed.reference, w, manager_, Assignment{"finance", std::nullopt}),
                  "closed");
}

// Moving a case to another department leaves the person it was assigned to in the old one, who
// can no longer see it. Disabled until Assign clears (or checks) the assignee (see the report).
TEST_F(HandleCaseTest, MovingACaseToAnotherDepartmentDoesNotKeepAnAssigneeFromTheOld) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);  // assigned to handler_ of procurement
  const auto r = Assign(s.reference, v, supervisor_, Assignment{"finance", std::nullopt});
  if (r.has_value()) {
    EXPECT_NE(r->handling.assignee_id, handler_.id);
  }
}

// --- notes, replies, requests for information --------------------------------------------------

TEST_F(HandleCaseTest, ANoteIsInternalAndChangesNoStatus) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto r = Note(s.reference, v, handler_, "  اتصلت بإدارة المالية\nلا رد بعد  ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kAssessed);
  EXPECT_EQ(r->version, v + 1);
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "note");
  EXPECT_EQ(e.visibility, Visibility::kInternal);
  EXPECT_FALSE(e.from_status.has_value());
  EXPECT_EQ(e.data, R"({"text":"اتصلت بإدارة المالية\nلا رد بعد"})");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, MessagesAreCheckedBeforeAnythingIsWritten) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const Snapshot before = Snap(s.reference);
  ExpectInvalid(Note(s.reference, v, handler_, " \n "), "text", MessageId::kEmpty);
  ExpectInvalid(Note(s.reference, v, handler_, "bell\x07"), "text", MessageId::kControlCharacters);
  ExpectInvalid(Note(s.reference, v, handler_, "bad \xff utf-8"), "text",
                MessageId::kControlCharacters);
  ExpectInvalid(Reply(s.reference, v, handler_, std::string(kMaxMessageChars + 1, 'x')), "text",
                MessageId::kTooLong);
  ExpectInvalid(RequestInfo(s.reference, v, handler_, ""), "text", MessageId::kEmpty);
  EXPECT_EQ(Snap(s.reference), before);
  std::string longest;
  for (std::size_t i = 0; i < kMaxMessageChars; ++i) longest += "ع";
  EXPECT_TRUE(Note(s.reference, v, handler_, longest).has_value());
}

TEST_F(HandleCaseTest, AReplyIsPublicAndStartsTheWork) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto r = Reply(s.reference, v, handler_, "نعمل على طلبكم");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
  const auto timeline = Timeline(s.reference);
  ASSERT_EQ(timeline.size(), 4u);
  EXPECT_EQ(timeline[2].type, "work_started");
  EXPECT_EQ(timeline[3].type, "reply");
  EXPECT_EQ(timeline[3].visibility, Visibility::kPublic);
  EXPECT_EQ(timeline[3].actor_role, "handler");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, NotesAndRepliesStopWhenTheCaseIsFinished) {
  const Submitted s = Submit();
  const std::int64_t v = ToClosed(s);
  const Snapshot before = Snap(s.reference);
  ExpectForbidden(Note(s.reference, v, handler_, "ملاحظة"), "closed");
  ExpectForbidden(Reply(s.reference, v, handler_, "رد"), "closed");
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, RequestingInformationWaitsForTheBeneficiary) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  const auto r = RequestInfo(s.reference, v, handler_);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kAwaitingBeneficiary);
  EXPECT_EQ(r->version, v + 1);
  const auto timeline = Timeline(s.reference);
  ASSERT_EQ(timeline.size(), 4u);
  EXPECT_EQ(timeline[2].type, "work_started");
  EXPECT_EQ(timeline[3].type, "information_requested");
  EXPECT_EQ(timeline[3].visibility, Visibility::kPublic);
  EXPECT_EQ(timeline[3].from_status, CaseStatus::kInProgress);
  EXPECT_EQ(timeline[3].to_status, CaseStatus::kAwaitingBeneficiary);
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, RequestingInformationNeedsAnAssessedCase) {
  const Submitted s = Submit();
  const Snapshot before = Snap(s.reference);
  ExpectForbidden(RequestInfo(s.reference, 1, agent_), "received");
  EXPECT_EQ(Snap(s.reference), before);
  const Submitted waiting = Submit();
  const std::int64_t v = ToAwaiting(waiting);
  ExpectForbidden(RequestInfo(waiting.reference, v, handler_), "awaiting_beneficiary");
}

// --- findings and decision ---------------------------------------------------------------------

TEST_F(HandleCaseTest, FindingsAreRecordedInternally) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);
  const auto r =
      Findings(s.reference, v, handler_, {"خطأ في الربط", domain::Outcome::kPartiallyUpheld});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
  EXPECT_EQ(r->handling.root_cause, "خطأ في الربط");
  EXPECT_EQ(r->handling.outcome, domain::Outcome::kPartiallyUpheld);
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "findings");
  EXPECT_EQ(e.visibility, Visibility::kInternal);
  EXPECT_EQ(e.data, R"({"root_cause":"خطأ في الربط","outcome":"partially_upheld"})");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, FindingsOnAnAssessedCaseStartTheWork) {
  const Submitted s = Submit();
  const auto r = Findings(s.reference, ToAssessed(s), handler_);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
  const auto timeline = Timeline(s.reference);
  EXPECT_EQ(timeline[timeline.size() - 2].type, "work_started");
}

TEST_F(HandleCaseTest, FindingsNeedACaseUnderInvestigation) {
  const Submitted s = Submit();
  const std::int64_t v = ToAwaiting(s);
  const Snapshot before = Snap(s.reference);
  ExpectForbidden(Findings(s.reference, v, handler_), "awaiting_beneficiary");
  ExpectInvalid(Findings(s.reference, v, handler_, {" ", domain::Outcome::kUpheld}), "root_cause",
                MessageId::kEmpty);
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, ResolvingAComplaintRequiresFindings) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);
  const Snapshot before = Snap(s.reference);
  ExpectError(Resolve(s.reference, v, handler_), ErrorCode::kConflict,
              MessageId::kFindingsRequired);
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, ResolvingRecordsTheDecisionAndRemediesPublicly) {
  const Submitted s = Submit();
  const std::int64_t v = ToFindings(s);
  const auto r =
      Resolve(s.reference, v, handler_,
              {"  يُصرف المستخلص  ", {domain::Remedy::kApology, domain::Remedy::kRefund}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kResolved);
  EXPECT_EQ(r->handling.decision, "يُصرف المستخلص");
  EXPECT_EQ(r->handling.remedies,
            (std::vector<domain::Remedy>{domain::Remedy::kApology, domain::Remedy::kRefund}));
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "resolved");
  EXPECT_EQ(e.visibility, Visibility::kPublic);
  EXPECT_EQ(e.from_status, CaseStatus::kInProgress);
  EXPECT_EQ(e.to_status, CaseStatus::kResolved);
  EXPECT_EQ(e.data,
            R"({"decision":"يُصرف المستخلص","remedies":["apology","refund"],"outcome":"upheld"})");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, ResolvingNeedsADecisionAndARemedy) {
  const Submitted s = Submit();
  const std::int64_t v = ToFindings(s);
  const Snapshot before = Snap(s.reference);
  ExpectInvalid(Resolve(s.reference, v, handler_, {"قرار", {}}), "remedies", MessageId::kRequired);
  ExpectInvalid(Resolve(s.reference, v, handler_, {"", {domain::Remedy::kApology}}), "decision",
                MessageId::kEmpty);
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, ASuggestionIsResolvedWithoutFindings) {
  const Submitted s = Submit("suggestion");
  Assessment a = Routine();
  const auto assessed = Assess(s.reference, 1, agent_, a);
  ASSERT_TRUE(assessed.has_value());
  const auto started =
      Assign(s.reference, assessed->version, handler_, Assignment{std::nullopt, handler_.id});
  ASSERT_TRUE(started.has_value());
  const auto r = Resolve(s.reference, started->version, handler_,
                         {"سندرس الاقتراح", {domain::Remedy::kProcessChange}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kResolved);
  EXPECT_EQ(Timeline(s.reference).back().data.find("outcome"), std::string::npos);
}

TEST_F(HandleCaseTest, ResolvingNeedsACaseUnderInvestigation) {
  const Submitted s = Submit();
  const std::int64_t v = ToAssessed(s);
  ExpectForbidden(Resolve(s.reference, v, handler_), "assessed");
  const Submitted waiting = Submit();
  ExpectForbidden(Resolve(waiting.reference, ToAwaiting(waiting), handler_),
                  "awaiting_beneficiary");
}

TEST_F(HandleCaseTest, ClosingAResolvedCase) {
  const Submitted s = Submit();
  const std::int64_t v = ToResolved(s);
  const auto r = Close(s.reference, v, handler_, " قبل المستفيد هاتفيًا ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kClosed);
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "closed");
  EXPECT_EQ(e.visibility, Visibility::kPublic);
  EXPECT_EQ(e.data, R"({"note":"قبل المستفيد هاتفيًا"})");
  ExpectAuditMirrorsTimelines();

  const Submitted plain = Submit();
  ASSERT_TRUE(Close(plain.reference, ToResolved(plain), handler_).has_value());
  EXPECT_EQ(Timeline(plain.reference).back().data, "");
}

// A blank optional note passes CheckText untrimmed and is recorded as a note of spaces.
// Disabled until CheckText trims optional text too (see the report).
TEST_F(HandleCaseTest, ABlankClosingNoteOrWithdrawalReasonIsNone) {
  const Submitted s = Submit();
  ASSERT_TRUE(Close(s.reference, ToResolved(s), handler_, "   ").has_value());
  EXPECT_EQ(Timeline(s.reference).back().data, "");
  const Submitted w = Submit();
  ASSERT_TRUE(Withdraw(w, std::nullopt, "  ").has_value());
  EXPECT_EQ(Timeline(w.reference).back().data, "");
}

TEST_F(HandleCaseTest, ClosingNeedsADecision) {
  const Submitted s = Submit();
  const std::int64_t v = ToInProgress(s);
  const Snapshot before = Snap(s.reference);
  ExpectForbidden(Close(s.reference, v, handler_), "in_progress");
  EXPECT_EQ(Snap(s.reference), before);
}

// --- merge -------------------------------------------------------------------------------------

TEST_F(HandleCaseTest, MergeFoldsADuplicateIntoAnotherCase) {
  const Submitted duplicate = Submit();
  const Submitted target = Submit();
  const auto r = Merge(duplicate.reference, 1, agent_, target.reference);
  ASSERT_TRUE(r.has_value()) << domain::MessageCode(r.error().message);
  EXPECT_EQ(r->status, CaseStatus::kMerged);
  EXPECT_EQ(r->handling.merged_into, target.reference);
  EXPECT_EQ(r->version, 2);

  const CaseEvent merged = Timeline(duplicate.reference).back();
  EXPECT_EQ(merged.type, "merged");
  EXPECT_EQ(merged.visibility, Visibility::kPublic);
  EXPECT_EQ(merged.to_status, CaseStatus::kMerged);
  EXPECT_EQ(merged.data, R"({"into":")" + target.reference + R"("})");

  const domain::Case survivor = Stored(target.reference);
  EXPECT_EQ(survivor.status, CaseStatus::kReceived);
  EXPECT_EQ(survivor.version, 2);
  const CaseEvent received = Timeline(target.reference).back();
  EXPECT_EQ(received.type, "merge_received");
  EXPECT_EQ(received.visibility, Visibility::kInternal);
  EXPECT_EQ(received.data, R"({"from":")" + duplicate.reference + R"("})");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, MergeRefusesItselfAClosedTargetAndAnUnseenOne) {
  const Submitted s = Submit();
  const Submitted closed = Submit();
  const std::int64_t closed_version = ToClosed(closed);
  const Snapshot before = Snap(s.reference);
  const Snapshot closed_before = Snap(closed.reference);

  ExpectError(Merge(s.reference, 1, manager_, s.reference), ErrorCode::kConflict,
              MessageId::kCannotMergeIntoItself);
  const auto into_closed = Merge(s.reference, 1, manager_, closed.reference);
  ExpectError(into_closed, ErrorCode::kConflict, MessageId::kMergeTargetClosed);
  EXPECT_EQ(into_closed.error().message_param, "closed");
  std::string mistyped = closed.reference;
  mistyped[8] = mistyped[8] == '9' ? '8' : static_cast<char>(mistyped[8] + 1);
  ExpectInvalid(Merge(s.reference, 1, manager_, mistyped), "into", MessageId::kMalformedReference);
  domain::Reference unknown = *domain::ParseReference(s.reference);
  unknown.sequence = 999;
  ExpectInvalid(Merge(s.reference, 1, manager_, unknown.ToString()), "into",
                MessageId::kCaseNotFound);
  // The agent may see the received duplicate but not the closed case they never touched.
  ExpectInvalid(Merge(s.reference, 1, agent2_, closed.reference), "into", MessageId::kCaseNotFound);
  // Nor may a closed case be merged away.
  ExpectForbidden(Merge(closed.reference, closed_version, manager_, s.reference), "closed");

  EXPECT_EQ(Snap(s.reference), before);
  EXPECT_EQ(Snap(closed.reference), closed_before);
}

TEST_F(HandleCaseTest, MergeRefusesATargetThatWasItselfMerged) {
  const Submitted a = Submit();
  const Submitted b = Submit();
  const Submitted c = Submit();
  ASSERT_TRUE(Merge(b.reference, 1, agent_, c.reference).has_value());
  const auto r = Merge(a.reference, 1, manager_, b.reference);
  ExpectError(r, ErrorCode::kConflict, MessageId::kMergeTargetClosed);
  EXPECT_EQ(r.error().message_param, "merged");
}

// --- the beneficiary ---------------------------------------------------------------------------

TEST_F(HandleCaseTest, TheBeneficiaryAnswersARequestForInformation) {
  const Submitted s = Submit();
  const std::int64_t v = ToAwaiting(s);
  const auto r = Answer(s, std::nullopt, " أرفقت صورة أمر الدفع ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
  EXPECT_EQ(r->version, v + 1);
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "information_provided");
  EXPECT_EQ(e.visibility, Visibility::kPublic);
  EXPECT_EQ(e.actor.kind, domain::Actor::Kind::kBeneficiary);
  EXPECT_EQ(e.actor.id, "");
  EXPECT_EQ(e.actor_role, "beneficiary");
  EXPECT_EQ(e.from_status, CaseStatus::kAwaitingBeneficiary);
  EXPECT_EQ(e.to_status, CaseStatus::kInProgress);
  EXPECT_EQ(e.data, R"({"text":"أرفقت صورة أمر الدفع"})");
  EXPECT_EQ(AuditLog().back().actor.kind, domain::Actor::Kind::kBeneficiary);
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, TheBeneficiaryTypesTheCodeAsTheyLike) {
  Submitted s = Submit();
  ToAwaiting(s);
  for (char& c : s.code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Answer(s).has_value());
}

TEST_F(HandleCaseTest, TheBeneficiaryCanOnlyAnswerWhenAsked) {
  const Submitted s = Submit();
  ToInProgress(s);
  const Snapshot before = Snap(s.reference);
  ExpectForbidden(Answer(s), "in_progress");
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, TheBeneficiaryAcceptsTheDecision) {
  const Submitted s = Submit();
  ToResolved(s);
  const auto r = Accept(s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kClosed);
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "accepted");
  EXPECT_EQ(e.visibility, Visibility::kPublic);
  EXPECT_EQ(e.to_status, CaseStatus::kClosed);
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, AnAppealReopensTheCaseOneLevelUpWithoutTheDecision) {
  const Submitted s = Submit();
  ToResolved(s);
  const auto r = Appeal(s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kInProgress);
  EXPECT_EQ(r->escalation_level, 1);
  EXPECT_FALSE(r->handling.decision.has_value());
  EXPECT_TRUE(r->handling.remedies.empty());
  EXPECT_EQ(r->handling.outcome, domain::Outcome::kUpheld);  // the findings stand
  const domain::Case stored = Stored(s.reference);
  EXPECT_EQ(stored.escalation_level, 1);
  EXPECT_FALSE(stored.handling.decision.has_value());
  // The appeal, then the escalation it causes: the supervisor answers for level 1.
  const auto events = Timeline(s.reference);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[events.size() - 2].type, "escalated");
  EXPECT_EQ(events.back().type, "escalation_assigned");
  EXPECT_EQ(stored.handling.escalation_owner_id, supervisor_.id);
  const CaseEvent e = events[events.size() - 3];
  EXPECT_EQ(e.type, "appealed");
  EXPECT_EQ(e.visibility, Visibility::kPublic);
  EXPECT_EQ(e.from_status, CaseStatus::kResolved);
  EXPECT_EQ(e.to_status, CaseStatus::kInProgress);
  EXPECT_EQ(e.data, R"({"reason":"القرار لا يعالج التأخير","escalation_level":1})");
  // The decision under appeal stays on the timeline.
  const auto timeline = Timeline(s.reference);
  EXPECT_TRUE(std::any_of(timeline.begin(), timeline.end(),
                          [](const CaseEvent& ev) { return ev.type == "resolved"; }));

  // A second decision, a second appeal: two levels up.
  ASSERT_TRUE(Resolve(s.reference, r->version, supervisor_).has_value());
  const auto again = Appeal(s);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->escalation_level, 2);
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, AnAppealNeedsAReasonAndADecision) {
  const Submitted s = Submit();
  ToInProgress(s);
  ExpectForbidden(Appeal(s), "in_progress");
  ExpectForbidden(Accept(s), "in_progress");
  const Submitted resolved = Submit();
  ToResolved(resolved);
  ExpectInvalid(Appeal(resolved, std::nullopt, "  "), "reason", MessageId::kEmpty);
  EXPECT_EQ(Stored(resolved.reference).status, CaseStatus::kResolved);
}

TEST_F(HandleCaseTest, TheBeneficiaryWithdrawsAnOpenCase) {
  const Submitted s = Submit();
  const auto r = Withdraw(s, std::nullopt, "حُلّت المشكلة");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, CaseStatus::kWithdrawn);
  const CaseEvent e = Timeline(s.reference).back();
  EXPECT_EQ(e.type, "withdrawn");
  EXPECT_EQ(e.visibility, Visibility::kPublic);
  EXPECT_EQ(e.data, R"({"reason":"حُلّت المشكلة"})");

  const Submitted resolved = Submit();
  ToResolved(resolved);
  const auto without_reason = Withdraw(resolved);
  ASSERT_TRUE(without_reason.has_value());
  EXPECT_EQ(Timeline(resolved.reference).back().data, "");
  ExpectAuditMirrorsTimelines();
}

TEST_F(HandleCaseTest, AFinishedCaseCannotBeWithdrawn) {
  const Submitted s = Submit();
  ToClosed(s);
  const Snapshot before = Snap(s.reference);
  ExpectForbidden(Withdraw(s), "closed");
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, AWrongCodeIsNotFoundAndChangesNothing) {
  const Submitted s = Submit();
  const Submitted other = Submit();
  ToResolved(s);
  const Snapshot before = Snap(s.reference);
  for (const std::string& code :
       {other.code, std::string("2222-2222-2222"), std::string("not a code"), std::string()}) {
    SCOPED_TRACE(code);
    const Submitted wrong{s.reference, code};
    ExpectError(Accept(wrong), ErrorCode::kNotFound, MessageId::kCaseNotFound);
    ExpectError(Appeal(wrong), ErrorCode::kNotFound, MessageId::kCaseNotFound);
    ExpectError(Withdraw(wrong), ErrorCode::kNotFound, MessageId::kCaseNotFound);
    ExpectError(Answer(wrong), ErrorCode::kNotFound, MessageId::kCaseNotFound);
    // Not even a stale version gives the case away.
    ExpectError(Accept(wrong, 1), ErrorCode::kNotFound, MessageId::kCaseNotFound);
  }
  EXPECT_EQ(Snap(s.reference), before);
}

TEST_F(HandleCaseTest, TheBeneficiaryMayNameTheVersionTheyBasedTheirAnswerOn) {
  const Submitted s = Submit();
  const std::int64_t v = ToResolved(s);
  const Snapshot before = Snap(s.reference);
  const auto stale = Accept(s, v - 1);
  ExpectError(stale, ErrorCode::kConflict, MessageId::kStaleVersion);
  EXPECT_EQ(stale.error().message_param, std::to_string(v));
  EXPECT_EQ(Snap(s.reference), before);
  EXPECT_TRUE(Accept(s, v).has_value());
}

// --- what every action shares ------------------------------------------------------------------

// One action of each kind, to be tried against a case brought to the status it needs.
struct ActionCase {
  const char* name;
  std::function<std::int64_t(HandleCaseTest&, const Submitted&)> prepare;  // returns the version
  std::function<CaseResult(HandleCaseTest&, const Submitted&, std::int64_t, const StaffUser&)> act;
};

class HandleCaseActionsTest : public HandleCaseTest {
 protected:
  std::vector<ActionCase> StaffActions() {
    using T = HandleCaseTest;
    auto assessed = [](T& t, const Submitted& s) { return t.ToAssessed(s); };
    auto in_progress = [](T& t, const Submitted& s) { return t.ToInProgress(s); };
    return {
        {"assess", assessed,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Assess(s.reference, v, u, Routine());
         }},
        {"reject", assessed,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           Assessment a;
           a.reject_reason = "خارج النطاق";
           return t.Assess(s.reference, v, u, a);
         }},
        {"assign", assessed,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Assign(s.reference, v, u, Assignment{std::nullopt, t.handler2_.id});
         }},
        {"note", assessed,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Note(s.reference, v, u, "ملاحظة");
         }},
        {"reply", assessed,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Reply(s.reference, v, u, "رد");
         }},
        {"request_information", in_progress,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.RequestInfo(s.reference, v, u);
         }},
        {"findings", in_progress,
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Findings(s.reference, v, u);
         }},
        {"resolve", [](T& t, const Submitted& s) { return t.ToFindings(s); },
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Resolve(s.reference, v, u);
         }},
        {"close", [](T& t, const Submitted& s) { return t.ToResolved(s); },
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Close(s.reference, v, u);
         }},
        {"merge",
         [](T& t, const Submitted& s) {
           // A target in the same department, so that whoever sees the case sees it too.
           const Submitted target = t.Submit();
           t.ToAssessed(target);
           t.merge_targets_[s.reference] = target.reference;
           return t.ToAssessed(s);
         },
         [](T& t, const Submitted& s, std::int64_t v, const StaffUser& u) {
           return t.Merge(s.reference, v, u, t.merge_targets_[s.reference]);
         }},
    };
  }
};

TEST_F(HandleCaseActionsTest, EveryStaffActionSucceedsFromItsStatusWithOneAuditRecordPerEvent) {
  for (const ActionCase& action : StaffActions()) {
    SCOPED_TRACE(action.name);
    const Submitted s = Submit();
    const std::int64_t v = action.prepare(*this, s);
    const auto r = action.act(*this, s, v, supervisor_);
    ASSERT_TRUE(r.has_value()) << domain::MessageCode(r.error().message);
    EXPECT_EQ(r->version, v + 1);
    EXPECT_EQ(Stored(s.reference).version, v + 1);
    ExpectAuditMirrorsTimelines();
  }
}

TEST_F(HandleCaseActionsTest, AStaleVersionIsAConflictThatChangesNothing) {
  for (const ActionCase& action : StaffActions()) {
    SCOPED_TRACE(action.name);
    const Submitted s = Submit();
    const std::int64_t v = action.prepare(*this, s);
    const Snapshot before = Snap(s.reference);
    for (std::int64_t stale : {v - 1, v + 1, std::int64_t{0}}) {
      const auto r = action.act(*this, s, stale, supervisor_);
      ExpectError(r, ErrorCode::kConflict, MessageId::kStaleVersion);
      if (!r.has_value()) {
        EXPECT_EQ(r.error().message_param, std::to_string(v));
      }
    }
    EXPECT_EQ(Snap(s.reference), before);
  }
}

TEST_F(HandleCaseActionsTest, WhoMayNotSeeTheCaseFindsNothingThere) {
  for (const ActionCase& action : StaffActions()) {
    SCOPED_TRACE(action.name);
    const Submitted s = Submit();
    const std::int64_t v = action.prepare(*this, s);
    const Snapshot before = Snap(s.reference);
    for (const StaffUser* outsider : {&finance_, &admin_, &auditor_, &qa_, &retired_, &agent2_}) {
      SCOPED_TRACE(outsider->email);
      ExpectError(action.act(*this, s, v, *outsider), ErrorCode::kNotFound,
                  MessageId::kCaseNotFound);
      // A stale version must not tell them the case exists either.
      ExpectError(action.act(*this, s, v - 1, *outsider), ErrorCode::kNotFound,
                  MessageId::kCaseNotFound);
    }
    EXPECT_EQ(Snap(s.reference), before);
  }
}

TEST_F(HandleCaseTest, AnUnknownOrMalformedReferenceIsRefused) {
  const Submitted s = Submit();
  domain::Reference unknown = *domain::ParseReference(s.reference);
  unknown.sequence = 999;
  ExpectError(Note(unknown.ToString(), 1, manager_, "ملاحظة"), ErrorCode::kNotFound,
              MessageId::kCaseNotFound);
  ExpectError(Accept(Submitted{unknown.ToString(), s.code}), ErrorCode::kNotFound,
              MessageId::kCaseNotFound);
  std::string mistyped = s.reference;
  mistyped[8] = mistyped[8] == '9' ? '8' : static_cast<char>(mistyped[8] + 1);
  ExpectError(Note(mistyped, 1, manager_, "ملاحظة"), ErrorCode::kMalformedReference,
              MessageId::kMalformedReference);
  ExpectError(Accept(Submitted{"nonsense", s.code}), ErrorCode::kMalformedReference,
              MessageId::kMalformedReference);
}

TEST_F(HandleCaseTest, AFailedCommitChangesNothing) {
  const Submitted s = Submit();
  const Snapshot before = Snap(s.reference);
  store_.FailWrites(true);
  ExpectError(Assess(s.reference, 1, agent_, Routine()), ErrorCode::kUnavailable,
              MessageId::kStorageUnavailable);
  store_.FailWrites(false);
  EXPECT_EQ(Snap(s.reference), before);
}

// --- the whole story ---------------------------------------------------------------------------

TEST_F(HandleCaseTest, AComplaintFromIntakeToAcceptanceAfterAnAppeal) {
  const Submitted s = Submit();
  const Submitted bystander = Submit();  // untouched; its trail must stay its own
  std::int64_t v = 1;
  auto step = [&](CaseResult r, CaseStatus expected) {
    ASSERT_TRUE(r.has_value()) << domain::MessageCode(r.error().message);
    EXPECT_EQ(r->status, expected);
    EXPECT_EQ(r->version, v + 1);
    v = r->version;
  };
  clock_.Set(At("2026-03-10T10:00:00Z"));
  step(Assess(s.reference, v, agent_, Routine()), CaseStatus::kAssessed);
  step(Assign(s.reference, v, supervisor_, Assignment{std::nullopt, handler_.id}),
       CaseStatus::kInProgress);
  step(Note(s.reference, v, handler_, "راجعت سجل المدفوعات"), CaseStatus::kInProgress);
  step(RequestInfo(s.reference, v, handler_), CaseStatus::kAwaitingBeneficiary);
  step(Answer(s, v), CaseStatus::kInProgress);
  step(Findings(s.reference, v, handler_), CaseStatus::kInProgress);
  step(Resolve(s.reference, v, handler_), CaseStatus::kResolved);
  step(Appeal(s), CaseStatus::kInProgress);
  step(Reply(s.reference, v, supervisor_, "نراجع القرار"), CaseStatus::kInProgress);
  step(Resolve(s.reference, v, supervisor_,
               {"يُصرف المستخلص مع الاعتذار", {domain::Remedy::kRefund}}),
       CaseStatus::kResolved);
  step(Accept(s, v), CaseStatus::kClosed);

  std::vector<std::string> types;
  std::vector<std::string> public_types;
  for (const CaseEvent& e : Timeline(s.reference)) {
    types.push_back(e.type);
    if (e.visibility == Visibility::kPublic) public_types.push_back(e.type);
  }
  EXPECT_EQ(types,
            (std::vector<std::string>{"received", "assessed", "work_started", "assigned", "note",
                                      "information_requested", "information_provided", "findings",
                                      "resolved", "appealed", "escalated", "escalation_assigned",
                                      "reply", "resolved", "accepted"}));
  EXPECT_EQ(public_types,
            (std::vector<std::string>{"received", "work_started", "information_requested",
                                      "information_provided", "resolved", "appealed", "escalated",
                                      "reply", "resolved", "accepted"}));
  const domain::Case done = Stored(s.reference);
  EXPECT_EQ(done.escalation_level, 1);
  EXPECT_EQ(done.handling.decision, "يُصرف المستخلص مع الاعتذار");
  EXPECT_EQ(Timeline(bystander.reference).size(), 1u);
  ExpectAuditMirrorsTimelines();
  // Each record names the version its action produced.
  const auto audit = AuditLog();
  EXPECT_NE(audit.back().detail.find(R"("version":)" + std::to_string(v)), std::string::npos);
}

}  // namespace
}  // namespace shakwa::app
