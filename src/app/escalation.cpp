#include "app/escalation.hpp"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "app/audit_record.hpp"
#include "app/notices.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {
namespace {

using domain::CaseEvent;
using domain::Status;

CaseEvent Event(const domain::Actor& actor, std::string_view actor_role, domain::Instant now,
                std::string type, CaseEvent::Visibility visibility, std::string data) {
  CaseEvent e;
  e.at = now;
  e.type = std::move(type);
  e.visibility = visibility;
  e.actor = actor;
  e.actor_role = std::string(actor_role);
  e.data = std::move(data);
  return e;
}

const domain::EscalationLevel* FindLevel(const domain::EscalationLadder& ladder, int level) {
  for (const auto& l : ladder.levels) {
    if (l.level == level) return &l;
  }
  return nullptr;
}

}  // namespace

std::optional<std::int64_t> LevelOwner(const domain::EscalationLevel& level, const domain::Case& c,
                                       const std::vector<domain::StaffUser>& staff) {
  const std::optional<std::string>& department =
      level.owner_department ? level.owner_department : c.handling.department;
  std::optional<std::int64_t> owner;
  for (const domain::StaffUser& u : staff) {
    if (!u.active || u.role != level.owner_role) continue;
    // A manager oversees every department; other owners answer within their own.
    if (department && u.role != domain::Role::kManager && u.department != department) continue;
    if (level.owner_department && u.department != level.owner_department) continue;
    if (!owner || u.id < *owner) owner = u.id;
  }
  return owner;
}

Status RaiseEscalation(WriteTransaction& tx, domain::Case& c, std::vector<CaseEvent>& events,
                       const domain::TimeRules& rules, const std::vector<domain::StaffUser>& staff,
                       int level, std::string_view cause, const domain::Actor& actor,
                       std::string_view actor_role, domain::Instant now) {
  const domain::EscalationLadder& ladder = rules.ladder();
  const domain::EscalationLevel* definition = FindLevel(ladder, level);
  const int from = c.escalation_level;
  c.escalation_level = level;
  if (definition) {
    // With nobody to take it at this level, whoever answered below still does.
    if (auto owner = LevelOwner(*definition, c, staff)) c.handling.escalation_owner_id = owner;
  }
  const bool last = level >= ladder.last_level();
  const std::string id = std::to_string(c.id);
  const std::string level_key = "escalated:" + id + ":L" + std::to_string(level);

  domain::JsonWriter data;
  data.Add("from_level", std::int64_t{from})
      .Add("level", std::int64_t{level})
      .Add("cause", cause)
      .Add("external_recourse", last);
  if (definition) {
    data.Add("level_name_ar", std::string_view(definition->name_ar))
        .Add("level_name_en", std::string_view(definition->name_en));
  }
  const std::string public_data = data.Finish();
  events.push_back(
      Event(actor, actor_role, now, "escalated", CaseEvent::Visibility::kPublic, public_data));
  domain::JsonWriter owner_data;
  owner_data.Add("level", std::int64_t{level});
  if (c.handling.escalation_owner_id) owner_data.Add("owner_id", *c.handling.escalation_owner_id);
  events.push_back(Event(actor, actor_role, now, "escalation_assigned",
                         CaseEvent::Visibility::kInternal, owner_data.Finish()));

  if (Status s = QueueNotice(tx, c, now, last ? "external_recourse" : "escalated",
                             Notification::Recipient::kBeneficiary, std::nullopt, public_data,
                             level_key + ":beneficiary");
      !s.ok()) {
    return s;
  }
  if (c.handling.escalation_owner_id) {
    const std::int64_t owner = *c.handling.escalation_owner_id;
    return QueueNotice(tx, c, now, "escalation_assigned", Notification::Recipient::kStaff, owner,
                       public_data, level_key + ":staff:" + std::to_string(owner));
  }
  return Status::Ok();
}

EscalateOverdue::EscalateOverdue(Store& store, std::shared_ptr<const TimeRulesSource> time,
                                 bool webhooks)
    : store_(store), time_(std::move(time)), webhooks_(webhooks) {}

namespace {

// The steps of one case that a sweep found due, taken in one write.
struct CaseSweep {
  enum class Result { kChanged, kSkipped, kFailed } result = Result::kFailed;
  std::vector<SweepAction> actions;
};

Status SweepCase(WriteTransaction& tx, const domain::Reference& reference,
                 const domain::TimeRules& rules, const std::vector<domain::StaffUser>& staff,
                 domain::Instant now, CaseSweep& out, bool webhooks) {
  out.actions.clear();
  auto stored = tx.FindCase(reference);
  if (!stored) return std::move(stored).error();
  if (!*stored) {
    out.result = CaseSweep::Result::kSkipped;
    return Status::Ok();
  }
  domain::Case& c = (*stored)->value;
  // Read again inside the write: another sweep or a staff action may have moved it meanwhile.
  if (!c.clock.escalation_due_at || *c.clock.escalation_due_at > now) {
    out.result = CaseSweep::Result::kSkipped;
    return Status::Ok();
  }
  const domain::Actor system{domain::Actor::Kind::kSystem, {}};
  const std::vector<domain::LadderStep> steps = rules.StepsFor(c);
  std::vector<CaseEvent> events;
  std::size_t i = static_cast<std::size_t>(std::max(0, c.clock.escalation_step));
  for (; i < steps.size() && steps[i].due_at <= now; ++i) {
    const domain::LadderStep& step = steps[i];
    SweepAction action;
    action.reference = reference.ToString();
    action.due_at = step.due_at;
    if (step.warning) {
      action.kind = SweepAction::Kind::kWarning;
      domain::JsonWriter data;
      data.Add("resolution_due_at",
               c.clock.resolution_due_at
                   ? std::optional(domain::FormatIso8601(*c.clock.resolution_due_at))
                   : std::nullopt);
      const std::string warning = data.Finish();
      events.push_back(
          Event(system, "system", now, "sla_warning", CaseEvent::Visibility::kInternal, warning));
      // The person working the case is warned; with nobody assigned, the first level's owner.
      std::optional<std::int64_t> recipient = c.handling.assignee_id;
      if (!recipient && !rules.ladder().levels.empty()) {
        recipient = LevelOwner(rules.ladder().levels.front(), c, staff);
      }
      action.owner_id = recipient;
      if (recipient) {
        if (Status s = QueueNotice(tx, c, now, "sla_warning", Notification::Recipient::kStaff,
                                   recipient, warning,
                                   "sla_warning:" + std::to_string(c.id) + ":" + std::to_string(i));
            !s.ok()) {
          return s;
        }
      }
    } else if (step.level > c.escalation_level) {
      action.kind = SweepAction::Kind::kEscalated;
      action.level = step.level;
      if (Status s = RaiseEscalation(tx, c, events, rules, staff, step.level, "deadline", system,
                                     "system", now);
          !s.ok()) {
        return s;
      }
      action.owner_id = c.handling.escalation_owner_id;
    } else {
      // The beneficiary (or an appeal) already took it this high: the step is passed, quietly.
      action.kind = SweepAction::Kind::kLevelAlreadyReached;
      action.level = step.level;
    }
    out.actions.push_back(std::move(action));
  }
  c.clock.escalation_step = static_cast<int>(i);
  const domain::CaseStatus before = c.status;
  domain::AdvanceClock(c, domain::ClockChange{}, rules, now);
  if (Status s = StoreCaseChange(tx, c, events, system, now); !s.ok()) return s;
  if (Status s = QueueChangeNotices(tx, c, before, events, system, now, webhooks); !s.ok()) {
    return s;
  }
  out.result = CaseSweep::Result::kChanged;
  return Status::Ok();
}

// Runs work(k, tx) for k in [0, n), each in its own write, all queued at once: the store commits
// them together (group commit), and one that fails rolls back alone. Returns each one's status.
// work runs on the store's thread, one at a time.
std::vector<Status> WriteEach(Store& store, std::size_t n,
                              const std::function<Status(std::size_t, WriteTransaction&)>& work) {
  struct Pending {
    std::mutex mutex;
    std::condition_variable finished;
    std::size_t left = 0;
    std::vector<Status> statuses;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = n;
  pending->statuses.resize(n, Status::Ok());
  if (n == 0) return {};
  for (std::size_t k = 0; k < n; ++k) {
    store.Write([&work, k](WriteTransaction& tx) { return work(k, tx); },
                [pending, k](Status s) {
                  std::lock_guard lock(pending->mutex);
                  pending->statuses[k] = std::move(s);
                  if (--pending->left == 0) pending->finished.notify_all();
                });
  }
  std::unique_lock lock(pending->mutex);
  pending->finished.wait(lock, [&] { return pending->left == 0; });
  return std::move(pending->statuses);
}

// Tells the beneficiary of one case that it is still being handled, if its update is still due.
Status SendUpdate(WriteTransaction& tx, const domain::Reference& reference,
                  const domain::TimeRules& rules, domain::Instant now, bool& sent) {
  sent = false;
  auto stored = tx.FindCase(reference);
  if (!stored) return std::move(stored).error();
  if (!*stored) return Status::Ok();
  domain::Case& c = (*stored)->value;
  if (!c.clock.next_update_due_at || *c.clock.next_update_due_at > now) return Status::Ok();
  const domain::Actor system{domain::Actor::Kind::kSystem, {}};
  domain::ClockChange change;
  change.update_sent = true;
  domain::AdvanceClock(c, change, rules, now);
  domain::JsonWriter data;
  data.Add("next_update_due_at",
           c.clock.next_update_due_at
               ? std::optional(domain::FormatIso8601(*c.clock.next_update_due_at))
               : std::nullopt);
  const std::vector<CaseEvent> events{
      Event(system, "system", now, "update_sent", CaseEvent::Visibility::kInternal, data.Finish())};
  if (Status s = StoreCaseChange(tx, c, events, system, now); !s.ok()) return s;
  if (Status s = QueueProgressUpdate(tx, c, now); !s.ok()) return s;
  sent = true;
  return Status::Ok();
}

}  // namespace

domain::Result<int> EscalateOverdue::SendDueUpdates(domain::Instant now, int max_cases) const {
  const std::shared_ptr<const domain::TimeRules> rules = time_->Current();
  int sent_count = 0;
  constexpr int kBatch = 1000;
  int remaining = max_cases;
  while (remaining > 0) {
    const int batch = std::min(remaining, kBatch);
    auto due = ReadValue<std::vector<domain::Reference>>(
        store_, [&](ReadTransaction& tx) { return tx.CasesDueForUpdate(now, batch); });
    if (!due) return std::move(due).error();
    if (due->empty()) break;
    std::vector<char> sent(due->size(), 0);
    const std::vector<Status> statuses =
        WriteEach(store_, due->size(), [&](std::size_t k, WriteTransaction& tx) {
          bool one = false;
          Status s = SendUpdate(tx, (*due)[k], *rules, now, one);
          sent[k] = one ? 1 : 0;
          return s;
        });
    int changed = 0;
    for (std::size_t k = 0; k < due->size(); ++k) {
      if (statuses[k].ok() && sent[k]) ++changed;
    }
    sent_count += changed;
    remaining -= static_cast<int>(due->size());
    if (static_cast<int>(due->size()) < batch || changed == 0) break;
  }
  return sent_count;
}

domain::Result<SweepReport> EscalateOverdue::Run(domain::Instant now, int max_cases) const {
  const std::shared_ptr<const domain::TimeRules> rules = time_->Current();
  // The owners are read once, and only when something is due: most minutes nothing is, and a
  // sweep then costs one indexed query.
  std::shared_ptr<const std::vector<domain::StaffUser>> shared_staff;

  SweepReport report;
  std::vector<Status> statuses;
  constexpr int kBatch = 1000;
  int remaining = max_cases;
  while (remaining > 0) {
    const int batch = std::min(remaining, kBatch);
    auto due = ReadValue<std::vector<domain::Reference>>(
        store_, [&](ReadTransaction& tx) { return tx.CasesDueForEscalation(now, batch); });
    if (!due) return std::move(due).error();
    if (due->empty()) break;
    report.cases_due += static_cast<int>(due->size());
    if (!shared_staff) {
      auto staff = ReadValue<std::vector<domain::StaffUser>>(
          store_, [](ReadTransaction& tx) { return tx.Users(); });
      if (!staff) return std::move(staff).error();
      shared_staff = std::make_shared<const std::vector<domain::StaffUser>>(std::move(*staff));
    }

    std::vector<CaseSweep> results(due->size());
    WriteEach(store_, due->size(), [&](std::size_t k, WriteTransaction& tx) {
      return SweepCase(tx, (*due)[k], *rules, *shared_staff, now, results[k], webhooks_);
    }).swap(statuses);
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (!statuses[k].ok()) results[k].result = CaseSweep::Result::kFailed;
    }
    int changed = 0;
    for (CaseSweep& result : results) {
      switch (result.result) {
        case CaseSweep::Result::kChanged:
          ++changed;
          for (auto& a : result.actions) report.actions.push_back(std::move(a));
          break;
        case CaseSweep::Result::kSkipped:
          ++report.cases_skipped;
          break;
        case CaseSweep::Result::kFailed:
          ++report.cases_failed;
          break;
      }
    }
    report.cases_changed += changed;
    remaining -= static_cast<int>(due->size());
    // A short batch was the last; a batch where nothing moved would only be read again.
    if (static_cast<int>(due->size()) < batch || changed == 0) break;
  }
  return report;
}

}  // namespace shakwa::app
