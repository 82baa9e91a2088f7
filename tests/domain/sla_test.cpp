#include "domain/sla.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shakwa::domain {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// Every expected instant below was worked out by hand on the default calendar: Sunday-Thursday
// 08:00-16:00 Riyadh (480 business minutes a day), Fridays and Saturdays off, Ramadan 1447
// (2026-02-18..2026-03-19) 10:00-15:00 (300 a day), Eid al-Fitr 1447 on 2026-03-20..23.
// November and December 2026 hold no holiday and no Ramadan day.

// An instant given in Riyadh local time: "2026-12-03T15:00".
Instant Riyadh(const std::string& local) {
  const std::optional<Instant> at = ParseIso8601(local + ":00+03:00");
  EXPECT_TRUE(at.has_value()) << local;
  return at.value_or(Instant{});
}

// An instant as Riyadh local time to the millisecond ("2026-12-06T09:30:00.000"), or "none", so
// that a failure reads as a date rather than as a count of milliseconds.
std::string At(std::optional<Instant> instant) {
  if (!instant) return "none";
  const std::string utc = FormatIso8601(*instant + kRiyadhOffset);  // "...T09:30:00.000Z"
  return utc.substr(0, utc.size() - 1);
}
std::string Local(const std::string& local) {
  return local + ":00.000";
}

Case ComplaintReceivedAt(Instant received_at, Priority priority = Priority::kNormal) {
  Case c;
  c.kind = CaseKind::kComplaint;
  c.status = CaseStatus::kReceived;
  c.category = "general";
  c.received_at = received_at;
  c.recorded_at = received_at;
  c.handling.priority = priority;
  c.beneficiary.kind = BeneficiaryKind::kIndividual;
  return c;
}

// Received Sunday 2026-11-29 09:30, normal priority, clock scheduled at intake.
Case SundayComplaint(const TimeRules& rules) {
  Case c = ComplaintReceivedAt(Riyadh("2026-11-29T09:30"));
  ScheduleClock(c, rules, c.received_at);
  return c;
}

BusinessCalendar DefaultCalendar() {
  return BusinessCalendar::Make(CalendarSettings::Defaults()).value();
}

SlaTargets Resolution(std::int64_t minutes) {
  SlaTargets t;
  t.resolution_minutes = minutes;
  return t;
}

TimeRules RulesOf(std::vector<SlaRule> rules, SlaTargets fallback = {}) {
  return TimeRules::Make(DefaultCalendar(), std::move(rules), fallback, TimeRules::DefaultLadder())
      .value();
}

// The field paths of a rejected TimeRules::Make.
std::vector<std::string> FailingFields(std::vector<SlaRule> rules, SlaTargets fallback,
                                       EscalationLadder ladder) {
  Result<TimeRules> made =
      TimeRules::Make(DefaultCalendar(), std::move(rules), fallback, std::move(ladder));
  EXPECT_FALSE(made.has_value());
  if (made.has_value()) return {};
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(made.error().message, MessageId::kValidationFailed);
  std::vector<std::string> paths;
  for (const FieldError& f : made.error().fields) paths.push_back(f.path);
  return paths;
}

// --- TargetsFor -----------------------------------------------------------------------------

TEST(SlaTargets, DefaultsFollowTheDomainTable) {
  const TimeRules rules = TimeRules::Defaults();
  const Instant t = Riyadh("2026-11-29T09:30");
  // Resolution: 5 business days normal (and low), 2 high, 1 urgent, 15 for any suggestion.
  struct Expected {
    CaseKind kind;
    Priority priority;
    std::int64_t resolution;
  };
  for (const Expected& e : {
           Expected{CaseKind::kComplaint, Priority::kLow, 2400},
           Expected{CaseKind::kComplaint, Priority::kNormal, 2400},
           Expected{CaseKind::kComplaint, Priority::kHigh, 960},
           Expected{CaseKind::kComplaint, Priority::kUrgent, 480},
           Expected{CaseKind::kRemark, Priority::kHigh, 960},
           Expected{CaseKind::kSuggestion, Priority::kLow, 7200},
           Expected{CaseKind::kSuggestion, Priority::kNormal, 7200},
           Expected{CaseKind::kSuggestion, Priority::kHigh, 7200},
           Expected{CaseKind::kSuggestion, Priority::kUrgent, 7200},
       }) {
    Case c = ComplaintReceivedAt(t, e.priority);
    c.kind = e.kind;
    const SlaTargets targets = rules.TargetsFor(c);
    const std::string which = std::string(NameOf(e.kind)) + " " + std::string(NameOf(e.priority));
    EXPECT_EQ(targets.resolution_minutes, e.resolution) << which;
    EXPECT_EQ(targets.first_response_minutes, 240) << which;   // 4 business hours
    EXPECT_EQ(targets.update_interval_minutes, 960) << which;  // 2 business days
  }
}

TEST(SlaTargets, TheMostSpecificMatchingRuleWins) {
  const TimeRules rules = RulesOf({
      SlaRule{{}, {}, Priority::kHigh, {}, Resolution(100)},
      SlaRule{CaseKind::kComplaint, "billing", Priority::kHigh, {}, Resolution(300)},
      SlaRule{CaseKind::kComplaint, {}, Priority::kHigh, {}, Resolution(200)},
  });
  Case c = ComplaintReceivedAt(Riyadh("2026-11-29T09:30"), Priority::kHigh);
  c.category = "billing";
  EXPECT_EQ(rules.TargetsFor(c).resolution_minutes, 300);  // kind, category and priority
  c.category = "general";
  EXPECT_EQ(rules.TargetsFor(c).resolution_minutes, 200);  // kind and priority
  c.kind = CaseKind::kRemark;
  EXPECT_EQ(rules.TargetsFor(c).resolution_minutes, 100);  // priority only
  c.handling.priority = Priority::kNormal;
  EXPECT_EQ(rules.TargetsFor(c).resolution_minutes, 2400);  // no rule: the fallback
}

TEST(SlaTargets, AmongEquallySpecificRulesTheFirstListedWins) {
  Case c = ComplaintReceivedAt(Riyadh("2026-11-29T09:30"), Priority::kHigh);
  const SlaRule by_kind{CaseKind::kComplaint, {}, {}, {}, Resolution(111)};
  const SlaRule by_priority{{}, {}, Priority::kHigh, {}, Resolution(222)};
  EXPECT_EQ(RulesOf({by_kind, by_priority}).TargetsFor(c).resolution_minutes, 111);
  EXPECT_EQ(RulesOf({by_priority, by_kind}).TargetsFor(c).resolution_minutes, 222);
}

TEST(SlaTargets, RulesCanTargetABeneficiaryKind) {
  SlaTargets government;
  government.first_response_minutes = 60;
  government.update_interval_minutes = 480;
  government.resolution_minutes = 1440;
  const TimeRules rules = RulesOf({
      SlaRule{{}, {}, Priority::kHigh, {}, Resolution(960)},
      SlaRule{{}, {}, Priority::kHigh, BeneficiaryKind::kGovernment, Resolution(480)},
      SlaRule{{}, {}, {}, BeneficiaryKind::kGovernment, government},
  });
  Case c = ComplaintReceivedAt(Riyadh("2026-11-29T09:30"));
  c.beneficiary.kind = BeneficiaryKind::kGovernment;
  EXPECT_EQ(rules.TargetsFor(c), government);
  c.handling.priority = Priority::kHigh;
  EXPECT_EQ(rules.TargetsFor(c).resolution_minutes, 480);
  c.beneficiary.kind = BeneficiaryKind::kPrivate;
  EXPECT_EQ(rules.TargetsFor(c).resolution_minutes, 960);
  c.handling.priority = Priority::kNormal;
  EXPECT_EQ(rules.TargetsFor(c), SlaTargets{});
}

// --- Make -----------------------------------------------------------------------------------

TEST(TimeRules, MakeAcceptsTheDefaults) {
  EXPECT_TRUE(TimeRules::Make(DefaultCalendar(), TimeRules::DefaultRules(), SlaTargets{},
                              TimeRules::DefaultLadder())
                  .has_value());
}

TEST(TimeRules, MakeRejectsTargetsThatAreNotPositive) {
  SlaTargets fallback;
  fallback.first_response_minutes = 0;
  SlaTargets zero_update;
  zero_update.update_interval_minutes = 0;
  EXPECT_EQ(FailingFields({SlaRule{{}, {}, Priority::kHigh, {}, Resolution(480)},
                           SlaRule{{}, {}, Priority::kUrgent, {}, Resolution(-5)},
                           SlaRule{CaseKind::kSuggestion, {}, {}, {}, zero_update}},
                          fallback, TimeRules::DefaultLadder()),
            (std::vector<std::string>{"sla.default.first_response_minutes",
                                      "sla.rules[1].resolution_minutes",
                                      "sla.rules[2].update_interval_minutes"}));
  const Result<TimeRules> made =
      TimeRules::Make(DefaultCalendar(), {}, Resolution(0), TimeRules::DefaultLadder());
  ASSERT_FALSE(made.has_value());
  ASSERT_EQ(made.error().fields.size(), 1u);
  EXPECT_EQ(made.error().fields[0].path, "sla.default.resolution_minutes");
  EXPECT_EQ(made.error().fields[0].message, MessageId::kMustBePositive);
}

TEST(TimeRules, MakeRejectsAWarningAtOrPastTheDeadline) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  ladder.warning_percent = 100;
  EXPECT_EQ(FailingFields({}, {}, ladder), std::vector<std::string>{"escalation.warning_percent"});
  ladder.warning_percent = -1;
  EXPECT_EQ(FailingFields({}, {}, ladder), std::vector<std::string>{"escalation.warning_percent"});
  ladder.warning_percent = 99;
  EXPECT_TRUE(TimeRules::Make(DefaultCalendar(), {}, {}, ladder).has_value());
  ladder.warning_percent = 0;  // no warning at all
  EXPECT_TRUE(TimeRules::Make(DefaultCalendar(), {}, {}, ladder).has_value());
}

TEST(TimeRules, MakeRejectsLevelsOutOfOrder) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  std::swap(ladder.levels[0].level, ladder.levels[1].level);  // 2, 1, 3
  EXPECT_EQ(FailingFields({}, {}, ladder),
            (std::vector<std::string>{"escalation.levels[0].level", "escalation.levels[1].level"}));
  ladder = TimeRules::DefaultLadder();
  ladder.levels.erase(ladder.levels.begin() + 1);  // 1, 3
  EXPECT_EQ(FailingFields({}, {}, ladder), std::vector<std::string>{"escalation.levels[1].level"});
}

TEST(TimeRules, MakeRejectsDecreasingDelays) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  ladder.levels[2].after_breach_minutes = 480;  // L2 waits 960, L3 only 480
  EXPECT_EQ(FailingFields({}, {}, ladder),
            std::vector<std::string>{"escalation.levels[2].after_breach_minutes"});
  ladder.levels[2].after_breach_minutes = 960;  // equal delays are allowed
  EXPECT_TRUE(TimeRules::Make(DefaultCalendar(), {}, {}, ladder).has_value());
  ladder = TimeRules::DefaultLadder();
  ladder.levels[0].after_breach_minutes = -1;
  EXPECT_EQ(FailingFields({}, {}, ladder),
            std::vector<std::string>{"escalation.levels[0].after_breach_minutes"});
}

TEST(TimeRules, MakeRejectsAnOwnerRoleThatCannotOwnACase) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  ladder.levels[1].owner_role = Role::kAuditor;
  EXPECT_EQ(FailingFields({}, {}, ladder),
            std::vector<std::string>{"escalation.levels[1].owner_role"});
  const Result<TimeRules> made = TimeRules::Make(DefaultCalendar(), {}, {}, ladder);
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().fields[0].message, MessageId::kNotOneOf);
  for (Role role : {Role::kAgent, Role::kQaReviewer, Role::kAdmin}) {
    ladder.levels[1].owner_role = role;
    EXPECT_EQ(FailingFields({}, {}, ladder),
              std::vector<std::string>{"escalation.levels[1].owner_role"})
        << NameOf(role);
  }
}

TEST(TimeRules, MakeRejectsALevelWithoutANameInBothLanguages) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  ladder.levels[0].name_ar.clear();
  EXPECT_EQ(FailingFields({}, {}, ladder), std::vector<std::string>{"escalation.levels[0].name"});
}

// --- ScheduleClock --------------------------------------------------------------------------

TEST(ScheduleClock, SetsEveryDueInstantAtIntake) {
  const TimeRules rules = TimeRules::Defaults();
  const Case c = SundayComplaint(rules);
  // First response, 240: Sunday 09:30 + 4 h.
  EXPECT_EQ(At(c.clock.first_response_due_at), Local("2026-11-29T13:30"));
  // Update, 960: Sunday 09:30-16:00 is 390, Monday 480, then 90 on Tuesday from 08:00.
  EXPECT_EQ(At(c.clock.next_update_due_at), Local("2026-12-01T09:30"));
  // Resolution, 2400: 390 + 4 x 480 = 2310 by Thursday's close, 90 more the next Sunday.
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-06T09:30"));
  // The next ladder step is the warning at 80 % = 1920: 390 + 3 x 480 by Wednesday, 90 Thursday.
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-12-03T09:30"));
  EXPECT_EQ(c.clock.escalation_step, 0);
  EXPECT_FALSE(c.clock.first_responded_at.has_value());
  EXPECT_FALSE(c.clock.paused_since.has_value());
  EXPECT_EQ(c.clock.paused_minutes, 0);
}

TEST(ScheduleClock, ACaseReceivedOnTheWeekendStartsOnSunday) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = ComplaintReceivedAt(Riyadh("2026-11-27T22:00"));  // Friday night
  ScheduleClock(c, rules, c.received_at);
  EXPECT_EQ(At(c.clock.first_response_due_at), Local("2026-11-29T12:00"));  // Sunday 08:00 + 4 h
  // Five full days from Sunday 08:00 end at Thursday's close, not at 08:00 the next Sunday.
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-03T16:00"));
}

TEST(ScheduleClock, StepsFollowTheLadder) {
  const TimeRules rules = TimeRules::Defaults();
  const Case c = SundayComplaint(rules);
  const std::vector<LadderStep> steps = rules.StepsFor(c);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_TRUE(steps[0].warning);
  EXPECT_EQ(At(steps[0].due_at), Local("2026-12-03T09:30"));  // 1920 (80 % of 2400)
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(steps[i].index, static_cast<int>(i));
    EXPECT_FALSE(steps[i].warning);
    EXPECT_EQ(steps[i].level, static_cast<int>(i));
  }
  EXPECT_EQ(At(steps[1].due_at), Local("2026-12-06T09:30"));  // L1 at the breach
  // L2 at breach + 960: Sunday and Monday in full from 09:30, so Tuesday 09:30.
  EXPECT_EQ(At(steps[2].due_at), Local("2026-12-08T09:30"));
  // L3 at breach + 2400: five business days, the next Sunday 09:30.
  EXPECT_EQ(At(steps[3].due_at), Local("2026-12-13T09:30"));
}

TEST(ScheduleClock, EscalationDueIsTheNextStepNotTaken) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.clock.escalation_step = 1;  // the warning was given
  ScheduleClock(c, rules, c.received_at);
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-12-06T09:30"));
  c.clock.escalation_step = 3;
  ScheduleClock(c, rules, c.received_at);
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-12-13T09:30"));
  c.clock.escalation_step = 4;  // every step taken
  ScheduleClock(c, rules, c.received_at);
  EXPECT_EQ(At(c.clock.escalation_due_at), "none");
}

TEST(ScheduleClock, TheWarningRoundsUpAndCanBeTurnedOff) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  ladder.warning_percent = 85;
  const TimeRules rules = TimeRules::Make(DefaultCalendar(), {}, Resolution(10), ladder).value();
  Case c = SundayComplaint(rules);
  // 85 % of 10 minutes is 8.5: the warning waits for the ninth minute.
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-11-29T09:39"));
  ladder.warning_percent = 0;
  const TimeRules no_warning =
      TimeRules::Make(DefaultCalendar(), {}, Resolution(10), ladder).value();
  ScheduleClock(c, no_warning, c.received_at);
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-11-29T09:40"));  // L1 at the breach
  EXPECT_EQ(no_warning.StepsFor(c).size(), 3u);
}

TEST(ScheduleClock, RunsAcrossRamadanHoursEidAndTheWeekend) {
  const TimeRules rules = TimeRules::Defaults();
  // Wednesday 18 March 2026, 11:00: Ramadan hours 10:00-15:00 that day and the next; Friday 20
  // to Monday 23 are Eid al-Fitr (and the weekend); ordinary hours again from Tuesday 24.
  Case c = ComplaintReceivedAt(Riyadh("2026-03-18T11:00"));
  ScheduleClock(c, rules, c.received_at);
  // 240 is exactly what is left of Wednesday: due at its (Ramadan) close.
  EXPECT_EQ(At(c.clock.first_response_due_at), Local("2026-03-18T15:00"));
  // 960: Wednesday 240, Thursday 300, then 420 on Tuesday 24 from 08:00.
  EXPECT_EQ(At(c.clock.next_update_due_at), Local("2026-03-24T15:00"));
  // 2400: 240 + 300, Tuesday to Thursday 3 x 480 (1980 in all), Friday and Saturday off, then
  // 420 on Sunday 29 from 08:00.
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-03-29T15:00"));
  // Warning at 1920: 540 + 480 + 480, then 420 on Thursday 26.
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-03-26T15:00"));

  Case urgent = ComplaintReceivedAt(Riyadh("2026-03-18T11:00"), Priority::kUrgent);
  ScheduleClock(urgent, rules, urgent.received_at);
  // 480: Wednesday 240, then 240 on Thursday from 10:00.
  EXPECT_EQ(At(urgent.clock.resolution_due_at), Local("2026-03-19T14:00"));
}

TEST(ScheduleClock, AMovedHolidayReschedulesTheClock) {
  // The moon is sighted early: Eid al-Fitr 1447 is confirmed as Thursday 19 to Sunday 22 March,
  // so Thursday is a holiday and Monday 23 an ordinary working day.
  CalendarSettings settings = CalendarSettings::Defaults();
  settings.adjustments.push_back(
      {"eid_al_fitr", 1447, Date{2026y / March / 19}, Date{2026y / March / 22}});
  const TimeRules rules =
      TimeRules::Defaults().WithCalendar(BusinessCalendar::Make(settings).value());
  Case c = ComplaintReceivedAt(Riyadh("2026-03-18T11:00"));
  ScheduleClock(c, rules, c.received_at);
  // 2400: Wednesday 240, Monday to Thursday 4 x 480 (2160 in all), then 240 on Sunday 29.
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-03-29T12:00"));
}

TEST(ScheduleClock, NoStepsWhilePaused) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.clock.paused_since = Riyadh("2026-11-30T10:00");
  EXPECT_TRUE(rules.StepsFor(c).empty());
}

// --- AdvanceClock ---------------------------------------------------------------------------

TEST(AdvanceClock, EnteringAwaitingBeneficiaryStopsTheClock) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kAwaitingBeneficiary;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-12-03T09:00"));
  EXPECT_EQ(At(c.clock.paused_since), Local("2026-12-03T09:00"));
  EXPECT_EQ(c.clock.paused_minutes, 0);
  EXPECT_EQ(At(c.clock.resolution_due_at), "none");
  EXPECT_EQ(At(c.clock.next_update_due_at), "none");
  EXPECT_EQ(At(c.clock.escalation_due_at), "none");
  EXPECT_EQ(At(c.clock.first_response_due_at), Local("2026-11-29T13:30"));  // unchanged
}

TEST(AdvanceClock, LeavingAwaitingBeneficiaryAddsTheBusinessMinutesPaused) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kAwaitingBeneficiary;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-12-03T09:00"));
  // The answer comes 72 hours later, but only Thursday 09:00-16:00 (420) and Sunday 08:00-09:00
  // (60) are business time: 480.
  c.status = CaseStatus::kInProgress;
  AdvanceClock(c, {.status_changed = true}, rules, Riyadh("2026-12-06T09:00"));
  EXPECT_EQ(c.clock.paused_minutes, 480);
  EXPECT_EQ(At(c.clock.paused_since), "none");
  // The deadline moves by exactly 480, from Sunday 12-06 09:30 to Monday 12-07 09:30.
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-07T09:30"));
  // The warning moves likewise, from Thursday 09:30 to Sunday 09:30.
  EXPECT_EQ(At(c.clock.escalation_due_at), Local("2026-12-06T09:30"));
  // The update interval runs afresh from the answer: 960 from Sunday 09:00.
  EXPECT_EQ(At(c.clock.next_update_due_at), Local("2026-12-08T09:00"));

  // A second pause adds to the first: Monday 15:00-16:00 and Tuesday 08:00-08:30, 90.
  c.status = CaseStatus::kAwaitingBeneficiary;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-12-07T15:00"));
  c.status = CaseStatus::kInProgress;
  AdvanceClock(c, {.status_changed = true}, rules, Riyadh("2026-12-08T08:30"));
  EXPECT_EQ(c.clock.paused_minutes, 570);
  // 2400 + 570 from receipt: the original Sunday 09:30 deadline, 390 more to Sunday's close,
  // and 180 on Monday.
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-07T11:00"));
}

TEST(AdvanceClock, APauseOutsideBusinessHoursCostsNothing) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kAwaitingBeneficiary;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-12-04T10:00"));  // Friday
  c.status = CaseStatus::kInProgress;
  AdvanceClock(c, {.status_changed = true}, rules, Riyadh("2026-12-05T20:00"));  // Saturday
  EXPECT_EQ(c.clock.paused_minutes, 0);
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-06T09:30"));
}

TEST(AdvanceClock, TheFirstPublicStaffMessageIsTheFirstResponse) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  AdvanceClock(c, {}, rules, Riyadh("2026-11-29T09:45"));  // an internal note
  EXPECT_EQ(At(c.clock.first_responded_at), "none");
  AdvanceClock(c, {.public_staff_message = true}, rules, Riyadh("2026-11-29T10:00"));
  EXPECT_EQ(At(c.clock.first_responded_at), Local("2026-11-29T10:00"));
  AdvanceClock(c, {.public_staff_message = true}, rules, Riyadh("2026-11-30T09:00"));
  EXPECT_EQ(At(c.clock.first_responded_at), Local("2026-11-29T10:00"));  // not again
  EXPECT_EQ(At(c.clock.first_response_due_at), Local("2026-11-29T13:30"));
}

TEST(AdvanceClock, AStatusChangeRestartsTheUpdateInterval) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kInProgress;
  AdvanceClock(c, {.status_changed = true}, rules, Riyadh("2026-11-30T11:00"));
  // 960 from Monday 11:00: 300 on Monday, 480 on Tuesday, 180 on Wednesday.
  EXPECT_EQ(At(c.clock.next_update_due_at), Local("2026-12-02T11:00"));
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-06T09:30"));  // unmoved
}

TEST(AdvanceClock, NoChangeKeepsTheUpdateInterval) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  const CaseClock before = c.clock;
  AdvanceClock(c, {}, rules, Riyadh("2026-11-30T15:00"));
  EXPECT_EQ(At(c.clock.next_update_due_at), Local("2026-12-01T09:30"));
  EXPECT_EQ(c.clock, before);
}

TEST(AdvanceClock, AResolvedOrClosedCaseOwesNoUpdateAndNoEscalation) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kResolved;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-12-02T12:00"));
  EXPECT_EQ(At(c.clock.next_update_due_at), "none");
  EXPECT_EQ(At(c.clock.escalation_due_at), "none");
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-06T09:30"));  // kept, for reports
  c.status = CaseStatus::kClosed;
  AdvanceClock(c, {.status_changed = true}, rules, Riyadh("2026-12-03T12:00"));
  EXPECT_EQ(At(c.clock.next_update_due_at), "none");
  EXPECT_EQ(At(c.clock.escalation_due_at), "none");
  EXPECT_EQ(At(c.clock.resolution_due_at), Local("2026-12-06T09:30"));
}

// --- BeneficiaryEscalationLevel -------------------------------------------------------------

TEST(BeneficiaryEscalation, NotBeforeTheResolutionDeadline) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kInProgress;
  const Result<int> level = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-12-06T09:29"));
  ASSERT_FALSE(level.has_value());
  EXPECT_EQ(level.error().code, ErrorCode::kConflict);
  EXPECT_EQ(level.error().message, MessageId::kEscalationNotYet);
  EXPECT_EQ(At(level.error().when), Local("2026-12-06T09:30"));  // when they may
}

TEST(BeneficiaryEscalation, OnceTheDeadlineHasPassedGoesUpOneLevel) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kInProgress;
  const Result<int> at_deadline = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-12-06T09:30"));
  ASSERT_TRUE(at_deadline.has_value());
  EXPECT_EQ(*at_deadline, 1);
  c.escalation_level = 1;
  const Result<int> again = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-12-07T10:00"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 2);
}

TEST(BeneficiaryEscalation, RejectingADecisionNeedsNoDeadline) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kResolved;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-11-30T10:00"));
  const Result<int> level = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-11-30T11:00"));
  ASSERT_TRUE(level.has_value());
  EXPECT_EQ(*level, 1);
}

TEST(BeneficiaryEscalation, NotWhileTheCentreAwaitsTheBeneficiary) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kAwaitingBeneficiary;
  AdvanceClock(c, {.status_changed = true, .public_staff_message = true}, rules,
               Riyadh("2026-12-03T09:00"));
  // Long after the original deadline, still awaiting.
  const Result<int> level = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-12-20T10:00"));
  ASSERT_FALSE(level.has_value());
  EXPECT_EQ(level.error().code, ErrorCode::kConflict);
  EXPECT_EQ(level.error().message, MessageId::kEscalationWhileAwaiting);
}

TEST(BeneficiaryEscalation, AtTheLastLevelNamesTheExternalRecourse) {
  EscalationLadder ladder = TimeRules::DefaultLadder();
  ladder.external = ExternalRecourse{"جهة خارجية", "An outside body", "كيف", "how"};
  const TimeRules rules =
      TimeRules::Make(DefaultCalendar(), TimeRules::DefaultRules(), {}, ladder).value();
  Case c = SundayComplaint(rules);
  c.status = CaseStatus::kInProgress;
  c.escalation_level = 3;
  for (CaseStatus status : {CaseStatus::kInProgress, CaseStatus::kResolved}) {
    c.status = status;
    const Result<int> level = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-12-20T10:00"));
    ASSERT_FALSE(level.has_value());
    EXPECT_EQ(level.error().code, ErrorCode::kConflict);
    EXPECT_EQ(level.error().message, MessageId::kEscalationAtLastLevel);
    EXPECT_EQ(level.error().message_param, "An outside body");
    EXPECT_EQ(level.error().message_param_ar, "جهة خارجية");
  }
  // The defaults name the Digital Government Authority and Amer.
  const Result<int> by_default =
      BeneficiaryEscalationLevel(c, TimeRules::Defaults(), Riyadh("2026-12-20T10:00"));
  ASSERT_FALSE(by_default.has_value());
  EXPECT_NE(by_default.error().message_param.find("Digital Government Authority"),
            std::string::npos);
  EXPECT_NE(by_default.error().message_param_ar.find("هيئة الحكومة الرقمية"), std::string::npos);
}

TEST(BeneficiaryEscalation, NotOnAFinishedCase) {
  const TimeRules rules = TimeRules::Defaults();
  Case c = SundayComplaint(rules);
  for (CaseStatus status :
       {CaseStatus::kClosed, CaseStatus::kWithdrawn, CaseStatus::kRejected, CaseStatus::kMerged}) {
    c.status = status;
    const Result<int> level = BeneficiaryEscalationLevel(c, rules, Riyadh("2026-12-20T10:00"));
    ASSERT_FALSE(level.has_value()) << NameOf(status);
    EXPECT_EQ(level.error().code, ErrorCode::kConflict);
    EXPECT_EQ(level.error().message, MessageId::kEscalationClosed) << NameOf(status);
  }
}

}  // namespace
}  // namespace shakwa::domain
