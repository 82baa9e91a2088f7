// SLA policy, case clocks and the escalation ladder (DOMAIN.md "Time"; ISO 10002 7.3 "status at
// pre-set deadlines", the policy's "response" and "escalation" principles).
//
// A case's clock is a set of due instants derived from three things only: when the case was
// received, the business minutes its clock stood still (awaiting the beneficiary), and the
// targets its SLA rule sets. Recomputing from those is always safe, so a change of priority,
// category or kind, or an admin moving a holiday, simply schedules the clock again.
//
// The ladder is a list of steps after receipt: a warning at a share of the resolution target,
// then each level at breach + its delay. `escalation_step` counts the steps already taken and
// `escalation_due_at` is when the next falls due, so a sweep acts on a step at most once: the
// step counter moves in the same transaction as the escalation.
//
// Thread safety: plain values; TimeRules is immutable once made and shared read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/case.hpp"
#include "domain/result.hpp"
#include "domain/staff.hpp"
#include "domain/time.hpp"

namespace shakwa::domain {

// Business minutes. A "business day" in the defaults is 480 minutes (08:00-16:00).
struct SlaTargets {
  std::int64_t first_response_minutes = 240;
  std::int64_t update_interval_minutes = 960;
  std::int64_t resolution_minutes = 2400;
  bool operator==(const SlaTargets&) const = default;
};

// Chosen by kind x category x priority (x beneficiary kind); an unset field matches anything.
// The rule with the most set fields wins; among equals, the one listed first.
struct SlaRule {
  std::optional<CaseKind> kind;
  std::optional<std::string> category;
  std::optional<Priority> priority;
  std::optional<BeneficiaryKind> beneficiary_kind;
  SlaTargets targets;
};

// Who owns a case at a level: the active staff member with owner_role in the case's department,
// or in owner_department when set (the complaints committee sits in its own department).
struct EscalationLevel {
  int level = 1;
  std::string name_ar;
  std::string name_en;
  std::int64_t after_breach_minutes = 0;  // business minutes after the resolution deadline
  Role owner_role = Role::kSupervisor;
  std::optional<std::string> owner_department;
};

// Where a beneficiary can turn once the last internal level has answered.
struct ExternalRecourse {
  std::string name_ar;
  std::string name_en;
  std::string how_ar;  // how to reach it
  std::string how_en;
};

struct EscalationLadder {
  int warning_percent = 80;  // of the resolution target; 0 for no warning
  std::vector<EscalationLevel> levels;
  ExternalRecourse external;

  int last_level() const { return levels.empty() ? 0 : levels.back().level; }
};

// One step of the ladder as it applies to a case.
struct LadderStep {
  int index = 0;         // 0-based position among the case's steps
  bool warning = false;  // the warning before breach; otherwise a level
  int level = 0;         // for a level step
  Instant due_at{};
};

// Everything that decides time: the calendar, the SLA rules and the ladder. The clocks and the
// published guide are both computed from one TimeRules, so what is promised is what is enforced.
class TimeRules {
 public:
  // Checks rules (targets > 0, update interval > 0, known categories are the caller's business)
  // and the ladder (levels numbered 1..n in order, delays not decreasing, owner roles that handle
  // cases). kInvalidInput naming the field otherwise.
  static Result<TimeRules> Make(BusinessCalendar calendar, std::vector<SlaRule> rules,
                                SlaTargets fallback, EscalationLadder ladder);
  // DOMAIN.md's defaults: first response 4 business hours, update every 2 business days,
  // resolution 5 business days (2 high, 1 urgent, 15 for suggestions); warning at 80 %, L1
  // supervisor at breach, L2 director at breach + 2 days, L3 committee at breach + 5.
  static TimeRules Defaults();
  // The default rules (high, urgent, suggestions), other targets taken from base.
  static std::vector<SlaRule> DefaultRules(const SlaTargets& base = {});
  static EscalationLadder DefaultLadder();

  const BusinessCalendar& calendar() const { return calendar_; }
  const std::vector<SlaRule>& rules() const { return rules_; }
  const SlaTargets& fallback() const { return fallback_; }
  const EscalationLadder& ladder() const { return ladder_; }

  SlaTargets TargetsFor(const Case& c) const;
  // The steps of c's ladder with their instants; empty while the clock is paused.
  std::vector<LadderStep> StepsFor(const Case& c) const;

  // A copy with another calendar (an admin confirmed or moved a holiday).
  TimeRules WithCalendar(BusinessCalendar calendar) const;

 private:
  TimeRules(BusinessCalendar calendar, std::vector<SlaRule> rules, SlaTargets fallback,
            EscalationLadder ladder);

  BusinessCalendar calendar_;
  std::vector<SlaRule> rules_;
  SlaTargets fallback_;
  EscalationLadder ladder_;
};

// Sets every due instant of c from c.received_at, c.clock.paused_minutes and its targets; the
// next-update instant runs from update_from. While paused or once decided, only what still
// applies is kept: no update or escalation is due on a paused, resolved or finished case.
void ScheduleClock(Case& c, const TimeRules& rules, Instant update_from);

// What an action did to a case, as the clock needs to know it.
struct ClockChange {
  bool status_changed = false;
  bool public_staff_message = false;  // a reply, request or decision the beneficiary sees
  bool update_sent = false;  // Shakwa told the beneficiary it is still at work (the interval ran)
};

// Moves c's clock for a change made at now: pauses on entering awaiting_beneficiary, resumes
// (adding the business minutes it stood still) on leaving it, marks the first response, restarts
// the update interval, and schedules the rest.
void AdvanceClock(Case& c, const ClockChange& change, const TimeRules& rules, Instant now);

// The level a beneficiary's escalation of c at now takes it to. They may escalate an open case
// once its resolution deadline has passed, and a resolved one to reject its decision. Otherwise
// kConflict: kEscalationNotYet (Error::when says from when), kEscalationWhileAwaiting,
// kEscalationAtLastLevel (naming the external recourse) or kEscalationClosed.
Result<int> BeneficiaryEscalationLevel(const Case& c, const TimeRules& rules, Instant now);

}  // namespace shakwa::domain
