// The clocks and the ladder end to end, on the use cases and a settable clock: one complaint taken
// across Ramadan hours, Eid al-Fitr, a weekend and a pause, with every deadline, the warning and
// each escalation level landing on the business minute worked out by hand below.
#include "app/escalation.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/handle_case.hpp"
#include "app/manage_calendar.hpp"
#include "app/submit_case.hpp"
#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"
#include "support/intake_forms.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::app {
namespace {

using domain::CaseStatus;
using domain::ErrorCode;
using domain::MessageId;
using domain::Role;
using domain::StaffUser;
using testing::At;
using CaseResult = domain::Result<domain::Case>;

class EscalationTest : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(testing::WriteSync(store_, [](WriteTransaction& tx) -> domain::Status {
                  for (const char* code : {"procurement", "committee"}) {
                    if (auto s = tx.InsertDepartment(testing::SampleDepartment(code)); !s.ok()) {
                      return s;
                    }
                  }
                  return domain::Status::Ok();
                }).ok());
    agent_ = AddStaff("agent@centre.gov.sa", Role::kAgent, std::nullopt);
    handler_ = AddStaff("handler@centre.gov.sa", Role::kHandler, "procurement");
    supervisor_ = AddStaff("supervisor@centre.gov.sa", Role::kSupervisor, "procurement");
    director_ = AddStaff("director@centre.gov.sa", Role::kManager, std::nullopt);
    committee_ = AddStaff("committee@centre.gov.sa", Role::kManager, "committee");
  }

  StaffUser AddStaff(std::string email, Role role, std::optional<std::string> department) {
    StaffUser u = testing::SampleUser(std::move(email), role, std::move(department));
    auto id = testing::WriteResult(
        store_, [&](WriteTransaction& tx) { return tx.InsertUser(u, "not used"); });
    EXPECT_TRUE(id.has_value());
    u.id = id.has_value() ? *id : 0;
    return u;
  }

  std::string Submit() {
    std::string reference;
    submit_.Submit(testing::ValidIntakeForm(), domain::Actor{}, [&](domain::Result<Receipt> r) {
      ASSERT_TRUE(r.has_value());
      reference = r->recorded.reference.ToString();
      code_ = r->access_code;
    });
    return reference;
  }

  static CaseResult Run(const std::function<void(HandleCase::Done)>& action) {
    std::optional<CaseResult> out;
    action([&](CaseResult r) { out = std::move(r); });
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

  std::vector<domain::CaseEvent> Events(const std::string& reference, std::string_view type) {
    const std::int64_t id = Stored(reference).id;
    auto all =
        testing::ReadResult(store_, [&](ReadTransaction& tx) { return tx.Timeline(id, false); });
    std::vector<domain::CaseEvent> out;
    for (const auto& e : *all) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }

  // The notices for people (without the webhook events for integrators, unless asked).
  std::vector<Notification> Outbox(bool with_webhooks = false) {
    auto all = testing::ReadResult(
        store_, [](ReadTransaction& tx) { return tx.PendingNotifications(0, 1000); });
    EXPECT_TRUE(all.has_value());
    std::vector<Notification> out;
    for (Notification& n : *all) {
      if (with_webhooks || n.recipient != Notification::Recipient::kWebhook) {
        out.push_back(std::move(n));
      }
    }
    return out;
  }

  SweepReport Sweep(std::string_view now) {
    auto report = sweep_.Run(At(now));
    EXPECT_TRUE(report.has_value());
    return report.has_value() ? *report : SweepReport{};
  }

  // A complaint received Wednesday 18 March 2026, 10:00 Riyadh: the last days of Ramadan 1447
  // (10:00-15:00), assessed to procurement and answered once.
  std::string Received() {
    clock_.Set(At("2026-03-18T07:00:00Z"));
    const std::string ref = Submit();
    clock_.Set(At("2026-03-18T07:30:00Z"));
    Assessment a;
    a.department = "procurement";
    a.priority = domain::Priority::kNormal;
    auto assessed = Run([&](auto done) { handle_.Assess(ref, 1, agent_, a, done); });
    EXPECT_TRUE(assessed.has_value());
    clock_.Set(At("2026-03-19T08:00:00Z"));
    auto replied = Run(
        [&](auto done) { handle_.Reply(ref, assessed->version, handler_, "نعمل على طلبك", done); });
    EXPECT_TRUE(replied.has_value());
    return ref;
  }

 protected:
  testing::FakeClock clock_{At("2026-03-18T07:00:00Z")};
  testing::SeededRandom random_;
  testing::PlainHasher hasher_;
  storage::memory::MemoryStore store_;
  std::shared_ptr<TimeRulesSource> time_ = TimeRulesSource::Defaults();
  SubmitCase submit_{SubmitCase::Settings{{}, {}, 6, time_},
                     store_,
                     clock_,
                     random_,
                     hasher_,
                     testing::DefaultCatalogue()};
  HandleCase handle_{store_, clock_, hasher_, testing::DefaultCatalogue(), time_};
  EscalateOverdue sweep_{store_, time_};
  StaffUser agent_, handler_, supervisor_, director_, committee_;
  std::string code_;
};

TEST_F(EscalationTest, DeadlinesRunInBusinessTimeAcrossRamadanEidAndTheWeekend) {
  const std::string ref = Received();
  const domain::Case c = Stored(ref);
  // First response: 240 business minutes from Wednesday 10:00 Riyadh in Ramadan: 14:00.
  EXPECT_EQ(c.clock.first_response_due_at, At("2026-03-18T11:00:00Z"));
  EXPECT_EQ(c.clock.first_responded_at, At("2026-03-19T08:00:00Z"));
  // Resolution: 2400 business minutes. Ramadan gives 300 on Wednesday and 300 on Thursday (600);
  // Friday to Monday are Eid al-Fitr and the weekend; Tuesday to Thursday give 480 each (2040);
  // Sunday 29 March 08:00 + 360 = 14:00 Riyadh.
  EXPECT_EQ(c.clock.resolution_due_at, At("2026-03-29T11:00:00Z"));
  // The reply restarted the update interval: 960 business minutes from Thursday 11:00 Riyadh:
  // 240 in Ramadan that day, then Tuesday 24 (480) and Wednesday 08:00 + 240 = 12:00.
  EXPECT_EQ(c.clock.next_update_due_at, At("2026-03-25T09:00:00Z"));
  // The next ladder step is the warning at 80 %: 1920 minutes: 600 + 1440 (Tue-Thu) would be
  // 2040, so Thursday 26 March 08:00 + (1920 - 1560) = 14:00 Riyadh.
  EXPECT_EQ(c.clock.escalation_due_at, At("2026-03-26T11:00:00Z"));
}

TEST_F(EscalationTest, APauseMovesEveryDeadlineAndTheLadderLandsOnTheRightMinute) {
  const std::string ref = Received();
  // Tuesday 24 March 09:00 Riyadh (660 business minutes run): the handler asks for a document.
  clock_.Set(At("2026-03-24T06:00:00Z"));
  auto asked = Run([&](auto done) {
    handle_.RequestInformation(ref, Stored(ref).version, handler_, "أرفق أمر الدفع", done);
  });
  ASSERT_TRUE(asked.has_value());
  EXPECT_EQ(asked->clock.paused_since, At("2026-03-24T06:00:00Z"));
  EXPECT_FALSE(asked->clock.resolution_due_at.has_value());
  EXPECT_FALSE(asked->clock.escalation_due_at.has_value());

  // While the clock stands still, no sweep touches the case, even past the unpaused deadline.
  EXPECT_EQ(Sweep("2026-03-29T12:00:00Z").cases_due, 0);

  // Thursday 26 March 11:30 Riyadh: the beneficiary answers. Paused: Tuesday 09:00-16:00 (420),
  // Wednesday (480), Thursday 08:00-11:30 (210) = 1110 business minutes.
  clock_.Set(At("2026-03-26T08:30:00Z"));
  auto answered = Run([&](auto done) {
    handle_.AnswerInformationRequest(ref, code_, std::nullopt, "أرفقته", done);
  });
  ASSERT_TRUE(answered.has_value());
  const domain::CaseClock& k = answered->clock;
  EXPECT_FALSE(k.paused_since.has_value());
  EXPECT_EQ(k.paused_minutes, 1110);
  // Resolution: 2400 + 1110 = 3510 from receipt. Unpaused it was Sunday 29 14:00 (2400); then
  // Sunday 14:00-16:00 (120), Monday (480), Tuesday (480) = 3480, Wednesday 1 April 08:30.
  EXPECT_EQ(k.resolution_due_at, At("2026-04-01T05:30:00Z"));
  // Warning: 1920 + 1110 = 3030: Tuesday 31 March 08:30 Riyadh.
  EXPECT_EQ(k.escalation_due_at, At("2026-03-31T05:30:00Z"));

  // A minute before the warning, nothing; at it, the warning, once, to the assigned handler (or,
  // with nobody assigned, the supervisor).
  EXPECT_EQ(Sweep("2026-03-31T05:29:59.999Z").cases_due, 0);
  SweepReport warned = Sweep("2026-03-31T05:30:00Z");
  ASSERT_EQ(warned.actions.size(), 1u);
  EXPECT_EQ(warned.actions[0].kind, SweepAction::Kind::kWarning);
  EXPECT_EQ(warned.actions[0].due_at, At("2026-03-31T05:30:00Z"));
  EXPECT_EQ(warned.actions[0].owner_id, supervisor_.id);
  EXPECT_EQ(Events(ref, "sla_warning").size(), 1u);
  EXPECT_EQ(Stored(ref).escalation_level, 0);
  EXPECT_EQ(Stored(ref).clock.escalation_due_at, At("2026-04-01T05:30:00Z"));
  EXPECT_EQ(Sweep("2026-03-31T05:30:00Z").actions.size(), 0u);  // not twice

  // L1 at breach (Wednesday 1 April 08:30 Riyadh): the supervisor answers for it.
  SweepReport l1 = Sweep("2026-04-01T05:30:00Z");
  ASSERT_EQ(l1.actions.size(), 1u);
  EXPECT_EQ(l1.actions[0].kind, SweepAction::Kind::kEscalated);
  EXPECT_EQ(l1.actions[0].level, 1);
  EXPECT_EQ(l1.actions[0].owner_id, supervisor_.id);
  domain::Case after_l1 = Stored(ref);
  EXPECT_EQ(after_l1.escalation_level, 1);
  EXPECT_EQ(after_l1.handling.escalation_owner_id, supervisor_.id);
  // L2 at breach + 960: Wednesday 08:30-16:00 (450), Thursday (480) = 930, Sunday 5 April 08:30.
  EXPECT_EQ(after_l1.clock.escalation_due_at, At("2026-04-05T05:30:00Z"));

  // L2: the department director.
  EXPECT_EQ(Sweep("2026-04-05T05:29:00Z").cases_due, 0);
  SweepReport l2 = Sweep("2026-04-05T05:30:00Z");
  ASSERT_EQ(l2.actions.size(), 1u);
  EXPECT_EQ(l2.actions[0].level, 2);
  EXPECT_EQ(l2.actions[0].owner_id, director_.id);
  // L3 at breach + 2400 = 5910: from Wednesday 1 April 08:30, 450 + 480 x 4 = 2370 by Tuesday 7
  // April 16:00, then Wednesday 8 April 08:30.
  EXPECT_EQ(Stored(ref).clock.escalation_due_at, At("2026-04-08T05:30:00Z"));

  // L3: the complaints committee, and the beneficiary is told of the external recourse.
  SweepReport l3 = Sweep("2026-04-08T05:30:00Z");
  ASSERT_EQ(l3.actions.size(), 1u);
  EXPECT_EQ(l3.actions[0].level, 3);
  EXPECT_EQ(l3.actions[0].owner_id, committee_.id);
  const domain::Case after_l3 = Stored(ref);
  EXPECT_EQ(after_l3.escalation_level, 3);
  EXPECT_FALSE(after_l3.clock.escalation_due_at.has_value());  // the ladder is climbed
  EXPECT_EQ(Sweep("2026-05-01T05:30:00Z").cases_due, 0);

  // Every step queued its notices exactly once.
  std::vector<std::string> templates;
  for (const Notification& n : Outbox()) templates.push_back(n.template_name);
  EXPECT_EQ(templates, (std::vector<std::string>{
                           "acknowledgement", "progress", "progress", "information_requested",
                           "sla_warning", "escalated", "escalation_assigned", "escalated",
                           "escalation_assigned", "external_recourse", "escalation_assigned"}));
  // And integrators heard of each change once: receipt, three status changes, the answer, the
  // warning and the three escalations.
  std::vector<std::string> webhooks;
  for (const Notification& n : Outbox(true)) {
    if (n.recipient == Notification::Recipient::kWebhook) webhooks.push_back(n.template_name);
  }
  EXPECT_EQ(webhooks, (std::vector<std::string>{
                          "case.received", "case.status_changed", "case.status_changed",
                          "case.status_changed", "case.status_changed", "case.sla_warning",
                          "case.escalated", "case.escalated", "case.escalated"}));
  const auto escalated = Events(ref, "escalated");
  ASSERT_EQ(escalated.size(), 3u);
  EXPECT_EQ(escalated[2].visibility, domain::CaseEvent::Visibility::kPublic);
  EXPECT_NE(escalated[2].data.find(R"("external_recourse":true)"), std::string::npos);

  // Nothing higher to escalate to: the beneficiary is pointed outside.
  auto again =
      Run([&](auto done) { handle_.Escalate(ref, code_, std::nullopt, std::nullopt, done); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().message, MessageId::kEscalationAtLastLevel);
  EXPECT_FALSE(again.error().message_param.empty());

  // Staff record the hand-off and its outside reference.
  auto referred = Run([&](auto done) {
    handle_.RecordExternalReferral(ref, after_l3.version, supervisor_, domain::ExternalBody::kAmer,
                                   "AMER-1447-0042", std::nullopt, done);
  });
  ASSERT_TRUE(referred.has_value());
  EXPECT_EQ(referred->handling.external_referral_to, domain::ExternalBody::kAmer);
  EXPECT_EQ(referred->handling.external_reference, "AMER-1447-0042");
  EXPECT_EQ(Events(ref, "referred_externally").size(), 1u);
}

TEST_F(EscalationTest, ASweepDownForDaysTakesEveryMissedStepInOneGo) {
  const std::string ref = Received();
  // Nothing ran until long after L2 was due: warning, L1 and L2 are all taken now, in order, in
  // one write, and L3 remains ahead.
  SweepReport report = Sweep("2026-04-03T12:00:00Z");
  ASSERT_EQ(report.actions.size(), 3u);
  EXPECT_EQ(report.actions[0].kind, SweepAction::Kind::kWarning);
  EXPECT_EQ(report.actions[1].level, 1);
  EXPECT_EQ(report.actions[2].level, 2);
  EXPECT_EQ(report.cases_changed, 1);
  const domain::Case c = Stored(ref);
  EXPECT_EQ(c.escalation_level, 2);
  EXPECT_EQ(c.clock.escalation_step, 3);
  ASSERT_TRUE(c.clock.escalation_due_at.has_value());
  EXPECT_GT(*c.clock.escalation_due_at, At("2026-04-03T12:00:00Z"));
}

TEST_F(EscalationTest, TheBeneficiaryMayEscalateOnlyOnceTheDeadlineHasPassed) {
  const std::string ref = Received();
  clock_.Set(At("2026-03-29T10:59:00Z"));
  auto early =
      Run([&](auto done) { handle_.Escalate(ref, code_, std::nullopt, std::nullopt, done); });
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);
  EXPECT_EQ(early.error().message, MessageId::kEscalationNotYet);
  EXPECT_EQ(early.error().when, At("2026-03-29T11:00:00Z"));
  EXPECT_EQ(Stored(ref).escalation_level, 0);

  clock_.Set(At("2026-03-29T11:00:00Z"));
  auto escalated = Run([&](auto done) {
    handle_.Escalate(ref, code_, std::nullopt, std::string("لم يصلني رد"), done);
  });
  ASSERT_TRUE(escalated.has_value());
  EXPECT_EQ(escalated->escalation_level, 1);
  EXPECT_EQ(escalated->handling.escalation_owner_id, supervisor_.id);
  // The sweep then finds L1 already reached: it passes the step without a second escalation.
  SweepReport report = Sweep("2026-03-29T11:00:00Z");
  bool l1_again = false;
  for (const auto& a : report.actions) {
    if (a.kind == SweepAction::Kind::kEscalated && a.level == 1) l1_again = true;
  }
  EXPECT_FALSE(l1_again);
  EXPECT_EQ(Events(ref, "escalated").size(), 1u);
}

TEST_F(EscalationTest, RejectingADecisionEscalatesAtOnce) {
  const std::string ref = Received();
  domain::Case c = Stored(ref);
  auto found = Run([&](auto done) {
    handle_.RecordFindings(ref, c.version, handler_, {"تأخر", domain::Outcome::kUpheld}, done);
  });
  ASSERT_TRUE(found.has_value());
  auto resolved = Run([&](auto done) {
    handle_.Resolve(ref, found->version, supervisor_, {"اعتذار", {domain::Remedy::kApology}}, done);
  });
  ASSERT_TRUE(resolved.has_value());
  EXPECT_FALSE(resolved->clock.escalation_due_at.has_value());  // decided: no ladder ahead
  auto rejected = Run([&](auto done) {
    handle_.Escalate(ref, code_, std::nullopt, std::string("القرار لا يكفي"), done);
  });
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->status, CaseStatus::kInProgress);
  EXPECT_EQ(rejected->escalation_level, 1);
  EXPECT_FALSE(rejected->handling.decision.has_value());
  EXPECT_EQ(Events(ref, "decision_rejected").size(), 1u);
}

TEST_F(EscalationTest, AHigherPriorityBringsTheDeadlinesForward) {
  clock_.Set(At("2026-03-18T07:00:00Z"));
  const std::string ref = Submit();
  Assessment a;
  a.department = "procurement";
  auto normal = Run([&](auto done) { handle_.Assess(ref, 1, agent_, a, done); });
  ASSERT_TRUE(normal.has_value());
  EXPECT_EQ(normal->clock.resolution_due_at, At("2026-03-29T11:00:00Z"));
  a.priority = domain::Priority::kUrgent;
  clock_.Set(At("2026-03-18T09:00:00Z"));
  auto urgent = Run([&](auto done) { handle_.Assess(ref, normal->version, supervisor_, a, done); });
  ASSERT_TRUE(urgent.has_value());
  // Urgent: 480 business minutes from receipt: 300 on Wednesday and 180 on Thursday, 13:00
  // Riyadh; the warning at 80 % (384): Thursday 10:00 + 84 = 11:24.
  EXPECT_EQ(urgent->clock.resolution_due_at, At("2026-03-19T10:00:00Z"));
  EXPECT_EQ(urgent->clock.escalation_due_at, At("2026-03-19T08:24:00Z"));
}

// Two sweeps at once over the same due cases: each step is taken once.
TEST_F(EscalationTest, RacingSweepsNeverEscalateTwice) {
  std::vector<std::string> refs;
  for (int i = 0; i < 20; ++i) refs.push_back(Received());
  const domain::Instant now = At("2026-03-29T11:00:00Z");  // warning and L1 due for all
  std::optional<domain::Result<SweepReport>> a, b;
  std::thread one([&] { a = sweep_.Run(now); });
  std::thread two([&] { b = sweep_.Run(now); });
  one.join();
  two.join();
  ASSERT_TRUE(a->has_value());
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*a)->cases_changed + (*b)->cases_changed, 20);
  for (const std::string& ref : refs) {
    EXPECT_EQ(Events(ref, "escalated").size(), 1u) << ref;
    EXPECT_EQ(Events(ref, "sla_warning").size(), 1u) << ref;
    EXPECT_EQ(Stored(ref).escalation_level, 1);
  }
  // Per case: the acknowledgement, two progress messages (assessed, replied), then the sweep's
  // warning, the beneficiary's escalation notice and the owner's; none twice.
  EXPECT_EQ(Outbox().size(), 20u * 6u);
}

// A sweep whose writes fail half-way (the disk fills): what failed is still due, and the next
// sweep does it, once.
TEST_F(EscalationTest, ASweepThatFailsLeavesTheRestDueForTheNext) {
  const std::string ref = Received();
  store_.FailWrites(true);
  auto failed = sweep_.Run(At("2026-03-29T11:00:00Z"));
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->cases_failed, 1);
  EXPECT_EQ(Stored(ref).escalation_level, 0);
  store_.FailWrites(false);
  SweepReport retried = Sweep("2026-03-29T11:00:00Z");
  EXPECT_EQ(retried.cases_changed, 1);
  EXPECT_EQ(Stored(ref).escalation_level, 1);
  EXPECT_EQ(Events(ref, "escalated").size(), 1u);
}

TEST_F(EscalationTest, MovingEidMovesTheDeadlinesOfOpenCases) {
  const std::string ref = Received();
  ASSERT_EQ(Stored(ref).clock.resolution_due_at, At("2026-03-29T11:00:00Z"));
  ManageCalendar calendar(store_, clock_, time_);
  // The moon is sighted a day late: Eid al-Fitr 1447 is 21-24 March, so Friday 20 March is the
  // 30th of Ramadan (a weekend day anyway) and Tuesday 24 is a holiday: a day later.
  auto placed = calendar.Adjust(
      domain::HolidayAdjustment{"eid_al_fitr", 1447, *domain::ParseIsoDate("2026-03-21"),
                                *domain::ParseIsoDate("2026-03-24")},
      domain::Actor{domain::Actor::Kind::kStaff, std::to_string(supervisor_.id)});
  ASSERT_TRUE(placed.has_value());
  EXPECT_FALSE(placed->provisional);
  // Tuesday 24 is lost: Wednesday 25 to Thursday 26 give 960 (1560), Sunday 29 gives 480 (2040),
  // Monday 30 March 08:00 + 360 = 14:00 Riyadh.
  EXPECT_EQ(Stored(ref).clock.resolution_due_at, At("2026-03-30T11:00:00Z"));
  // Another instance (the server) learns of it from the store.
  auto other = TimeRulesSource::Defaults();
  ManageCalendar reader(store_, clock_, other);
  auto refreshed = reader.Refresh();
  ASSERT_TRUE(refreshed.has_value());
  EXPECT_TRUE(*refreshed);
  EXPECT_FALSE(
      other->Current()->calendar().HolidayOn(*domain::ParseIsoDate("2026-03-24"))->provisional);
}

// A database from before the clocks: its open cases get one at start-up, as of receipt.
TEST_F(EscalationTest, CasesStoredBeforeTheClocksGetOne) {
  domain::Case old = testing::SampleCase(2026, 900);
  old.received_at = At("2026-03-18T07:00:00Z");
  ASSERT_TRUE(testing::WriteSync(store_, [&](WriteTransaction& tx) -> domain::Status {
                auto id = tx.InsertCase(old, AccessCodeHash{});
                return id.has_value() ? domain::Status::Ok() : domain::Status(id.error());
              }).ok());
  ManageCalendar calendar(store_, clock_, time_);
  auto scheduled = calendar.ScheduleCasesWithoutClock();
  ASSERT_TRUE(scheduled.has_value());
  EXPECT_EQ(*scheduled, 1);
  const domain::Case c = Stored(old.reference.ToString());
  EXPECT_EQ(c.clock.resolution_due_at, At("2026-03-29T11:00:00Z"));
  EXPECT_EQ(c.clock.first_response_due_at, At("2026-03-18T11:00:00Z"));
  EXPECT_EQ(c.version, old.version + 1);
  auto again = calendar.ScheduleCasesWithoutClock();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 0);
}

}  // namespace
}  // namespace shakwa::app
