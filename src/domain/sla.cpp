#include "domain/sla.hpp"

#include <algorithm>

#include "domain/lifecycle.hpp"

namespace shakwa::domain {
namespace {

constexpr std::int64_t kBusinessDay = 480;  // minutes, at the default 08:00-16:00

int Specificity(const SlaRule& r) {
  return int{r.kind.has_value()} + int{r.category.has_value()} + int{r.priority.has_value()} +
         int{r.beneficiary_kind.has_value()};
}

bool Matches(const SlaRule& r, const Case& c) {
  return (!r.kind || *r.kind == c.kind) && (!r.category || *r.category == c.category) &&
         (!r.priority || *r.priority == c.handling.priority) &&
         (!r.beneficiary_kind || *r.beneficiary_kind == c.beneficiary.kind);
}

bool ClockRuns(const Case& c) {
  return !IsTerminal(c.status) && c.status != CaseStatus::kResolved;
}

Error Invalid(std::vector<FieldError> fields) {
  Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
  e.fields = std::move(fields);
  return e;
}

}  // namespace

TimeRules::TimeRules(BusinessCalendar calendar, std::vector<SlaRule> rules, SlaTargets fallback,
                     EscalationLadder ladder)
    : calendar_(std::move(calendar)),
      rules_(std::move(rules)),
      fallback_(fallback),
      ladder_(std::move(ladder)) {}

Result<TimeRules> TimeRules::Make(BusinessCalendar calendar, std::vector<SlaRule> rules,
                                  SlaTargets fallback, EscalationLadder ladder) {
  std::vector<FieldError> fields;
  auto check_targets = [&](const SlaTargets& t, const std::string& at) {
    // A target of zero would make every case overdue the moment it arrives.
    if (t.first_response_minutes <= 0) {
      fields.push_back({at + ".first_response_minutes", MessageId::kMustBePositive, {}});
    }
    if (t.update_interval_minutes <= 0) {
      fields.push_back({at + ".update_interval_minutes", MessageId::kMustBePositive, {}});
    }
    if (t.resolution_minutes <= 0) {
      fields.push_back({at + ".resolution_minutes", MessageId::kMustBePositive, {}});
    }
  };
  check_targets(fallback, "sla.default");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    check_targets(rules[i].targets, "sla.rules[" + std::to_string(i) + "]");
  }
  if (ladder.warning_percent < 0 || ladder.warning_percent >= 100) {
    fields.push_back({"escalation.warning_percent", MessageId::kMustBeNumberInRange, "0 – 99"});
  }
  std::int64_t previous_delay = -1;
  for (std::size_t i = 0; i < ladder.levels.size(); ++i) {
    const EscalationLevel& level = ladder.levels[i];
    const std::string at = "escalation.levels[" + std::to_string(i) + "]";
    if (level.level != static_cast<int>(i) + 1) {
      fields.push_back({at + ".level", MessageId::kNotOneOf, std::to_string(i + 1)});
    }
    if (level.after_breach_minutes < previous_delay || level.after_breach_minutes < 0) {
      fields.push_back({at + ".after_breach_minutes", MessageId::kMustNotDecrease, {}});
    }
    previous_delay = level.after_breach_minutes;
    if (level.owner_role != Role::kSupervisor && level.owner_role != Role::kManager &&
        level.owner_role != Role::kHandler) {
      fields.push_back({at + ".owner_role", MessageId::kNotOneOf, "handler, supervisor, manager"});
    }
    if (level.name_ar.empty() || level.name_en.empty()) {
      fields.push_back({at + ".name", MessageId::kEmpty, {}});
    }
  }
  if (!fields.empty()) return Invalid(std::move(fields));
  return TimeRules(std::move(calendar), std::move(rules), fallback, std::move(ladder));
}

std::vector<SlaRule> TimeRules::DefaultRules(const SlaTargets& base) {
  auto with = [&base](std::int64_t resolution_days) {
    SlaTargets t = base;
    t.resolution_minutes = resolution_days * kBusinessDay;
    return t;
  };
  std::vector<SlaRule> rules;
  rules.push_back(SlaRule{{}, {}, Priority::kHigh, {}, with(2)});
  rules.push_back(SlaRule{{}, {}, Priority::kUrgent, {}, with(1)});
  // A suggestion is studied, not fixed: it gets fifteen days whatever its priority.
  rules.push_back(SlaRule{CaseKind::kSuggestion, {}, {}, {}, with(15)});
  rules.push_back(SlaRule{CaseKind::kSuggestion, {}, Priority::kHigh, {}, with(15)});
  rules.push_back(SlaRule{CaseKind::kSuggestion, {}, Priority::kUrgent, {}, with(15)});
  return rules;
}

EscalationLadder TimeRules::DefaultLadder() {
  EscalationLadder ladder;
  ladder.warning_percent = 80;
  ladder.levels = {
      EscalationLevel{1, "المشرف", "Supervisor", 0, Role::kSupervisor, {}},
      EscalationLevel{
          2, "مدير الإدارة", "Department director", 2 * kBusinessDay, Role::kManager, {}},
      EscalationLevel{3, "لجنة الشكاوى", "Complaints committee", 5 * kBusinessDay, Role::kManager,
                      std::string("committee")},
  };
  ladder.external = ExternalRecourse{
      "هيئة الحكومة الرقمية (خدمة الشكوى الرقمية) أو مركز اتصال آمر",
      "the Digital Government Authority (digital complaint service) or the Amer contact centre",
      "تقديم شكوى رقمية عبر بوابة هيئة الحكومة الرقمية، أو الاتصال بمركز آمر على الرقم 199099",
      "file a digital complaint on the Digital Government Authority's portal, or call the Amer "
      "centre on 199099"};
  return ladder;
}

TimeRules TimeRules::Defaults() {
  auto calendar = BusinessCalendar::Make(CalendarSettings::Defaults());
  auto rules = Make(std::move(calendar).value(), DefaultRules(), SlaTargets{}, DefaultLadder());
  return std::move(rules).value();
}

TimeRules TimeRules::WithCalendar(BusinessCalendar calendar) const {
  TimeRules copy = *this;
  copy.calendar_ = std::move(calendar);
  return copy;
}

SlaTargets TimeRules::TargetsFor(const Case& c) const {
  const SlaRule* best = nullptr;
  for (const SlaRule& r : rules_) {
    if (Matches(r, c) && (!best || Specificity(r) > Specificity(*best))) best = &r;
  }
  return best ? best->targets : fallback_;
}

std::vector<LadderStep> TimeRules::StepsFor(const Case& c) const {
  std::vector<LadderStep> steps;
  if (c.clock.paused_since) return steps;
  const SlaTargets targets = TargetsFor(c);
  const std::int64_t paused = c.clock.paused_minutes;
  if (ladder_.warning_percent > 0) {
    // Rounded up: the warning never comes before the share of the target has run.
    const std::int64_t share = (targets.resolution_minutes * ladder_.warning_percent + 99) / 100;
    LadderStep warning;
    warning.index = 0;
    warning.warning = true;
    warning.due_at = calendar_.AddBusinessMinutes(c.received_at, share + paused);
    steps.push_back(warning);
  }
  for (const EscalationLevel& level : ladder_.levels) {
    LadderStep step;
    step.index = static_cast<int>(steps.size());
    step.level = level.level;
    step.due_at = calendar_.AddBusinessMinutes(
        c.received_at, targets.resolution_minutes + paused + level.after_breach_minutes);
    steps.push_back(step);
  }
  return steps;
}

namespace {

void Schedule(Case& c, const TimeRules& rules, std::optional<Instant> restart_update_from) {
  const SlaTargets targets = rules.TargetsFor(c);
  const BusinessCalendar& calendar = rules.calendar();
  CaseClock& clock = c.clock;
  clock.first_response_due_at =
      calendar.AddBusinessMinutes(c.received_at, targets.first_response_minutes);
  const bool paused = clock.paused_since.has_value();
  if (paused) {
    clock.resolution_due_at.reset();
  } else {
    clock.resolution_due_at = calendar.AddBusinessMinutes(
        c.received_at, targets.resolution_minutes + clock.paused_minutes);
  }
  if (!ClockRuns(c) || paused) {
    clock.next_update_due_at.reset();
    clock.escalation_due_at.reset();
    return;
  }
  if (restart_update_from || !clock.next_update_due_at) {
    clock.next_update_due_at = calendar.AddBusinessMinutes(
        restart_update_from.value_or(c.received_at), targets.update_interval_minutes);
  }
  const std::vector<LadderStep> steps = rules.StepsFor(c);
  if (clock.escalation_step < static_cast<int>(steps.size())) {
    clock.escalation_due_at = steps[static_cast<std::size_t>(clock.escalation_step)].due_at;
  } else {
    clock.escalation_due_at.reset();
  }
}

}  // namespace

void ScheduleClock(Case& c, const TimeRules& rules, Instant update_from) {
  Schedule(c, rules, update_from);
}

void AdvanceClock(Case& c, const ClockChange& change, const TimeRules& rules, Instant now) {
  CaseClock& clock = c.clock;
  const bool awaiting = c.status == CaseStatus::kAwaitingBeneficiary;
  if (awaiting && !clock.paused_since) {
    clock.paused_since = now;
  } else if (!awaiting && clock.paused_since) {
    clock.paused_minutes += rules.calendar().BusinessMinutesBetween(*clock.paused_since, now);
    clock.paused_since.reset();
  }
  if (change.public_staff_message && !clock.first_responded_at) clock.first_responded_at = now;
  const bool restart = change.status_changed || change.public_staff_message || change.update_sent;
  Schedule(c, rules, restart ? std::optional<Instant>(now) : std::nullopt);
}

}  // namespace shakwa::domain

namespace shakwa::domain {

Result<int> BeneficiaryEscalationLevel(const Case& c, const TimeRules& rules, Instant now) {
  if (IsTerminal(c.status)) {
    Error e = Error::Of(ErrorCode::kConflict, MessageId::kEscalationClosed);
    e.message_param = std::string(NameOf(c.status));
    return e;
  }
  if (c.status == CaseStatus::kAwaitingBeneficiary) {
    return Error::Of(ErrorCode::kConflict, MessageId::kEscalationWhileAwaiting);
  }
  const EscalationLadder& ladder = rules.ladder();
  if (c.escalation_level >= ladder.last_level()) {
    Error e = Error::Of(ErrorCode::kConflict, MessageId::kEscalationAtLastLevel);
    e.message_param = ladder.external.name_en;
    e.message_param_ar = ladder.external.name_ar;
    return e;
  }
  // Rejecting a decision is always grounds; otherwise the deadline must have passed.
  if (c.status != CaseStatus::kResolved) {
    const auto due = c.clock.resolution_due_at;
    if (!due || now < *due) {
      Error e = Error::Of(ErrorCode::kConflict, MessageId::kEscalationNotYet);
      e.when = due;
      return e;
    }
  }
  return c.escalation_level + 1;
}

}  // namespace shakwa::domain
