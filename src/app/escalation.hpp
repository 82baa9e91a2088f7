// Escalation (التصعيد; DOMAIN.md "Time", the policy's escalation mechanism): raising a case up
// the ladder, by the sweep when a deadline passes and by the beneficiary when they may.
//
// EscalateOverdue is the sweep. It asks the store only for cases whose next ladder step is due
// (an index on escalation_due_at), then takes each in its own write: it reads the case again
// inside the transaction, acts only on the steps still due, and moves the case's step counter in
// the same transaction as the events, the audit records and the outbox rows. So a step is acted
// on once, whether two sweeps race (the second finds nothing due, or loses on the version) or one
// dies half-way (what it committed is done; the rest is still due next time).
//
// Thread safety: Run() may be called from any thread and blocks until its writes are durable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/store.hpp"
#include "app/time_rules_source.hpp"

namespace shakwa::app {

// Who answers for c at level: the active member of staff with the level's owner role in the
// case's department (or the level's own department). The lowest id wins, so the choice is stable.
std::optional<std::int64_t> LevelOwner(const domain::EscalationLevel& level, const domain::Case& c,
                                       const std::vector<domain::StaffUser>& staff);

// Raises c to level in tx: sets the level and its owner, appends the timeline events to events
// (the caller stores them with the case) and queues the notices for the beneficiary and the
// owner; at the last internal level the beneficiary is told of the external recourse. cause is
// "deadline", "beneficiary" or "decision_rejected". REQUIRES: level > c.escalation_level.
domain::Status RaiseEscalation(WriteTransaction& tx, domain::Case& c,
                               std::vector<domain::CaseEvent>& events,
                               const domain::TimeRules& rules,
                               const std::vector<domain::StaffUser>& staff, int level,
                               std::string_view cause, const domain::Actor& actor,
                               std::string_view actor_role, domain::Instant now);

// What one sweep did to one case.
struct SweepAction {
  std::string reference;
  enum class Kind { kWarning, kEscalated, kLevelAlreadyReached } kind = Kind::kWarning;
  int level = 0;  // for kEscalated and kLevelAlreadyReached
  std::optional<std::int64_t> owner_id;
  domain::Instant due_at{};  // the step's deadline
};

struct SweepReport {
  std::vector<SweepAction> actions;
  int cases_due = 0;      // found due by the query
  int cases_changed = 0;  // written
  int cases_skipped = 0;  // no longer due when read again (another sweep, or a staff action)
  int cases_failed = 0;   // the write failed; still due, so the next sweep tries again
  int updates_sent = 0;   // progress updates queued (SendDueUpdates)
};

class EscalateOverdue {
 public:
  // webhooks: queue webhook events with every change (false: none configured, none written).
  EscalateOverdue(Store& store, std::shared_ptr<const TimeRulesSource> time, bool webhooks = true);

  // One sweep as of now: every step due at or before now on at most max_cases cases.
  domain::Result<SweepReport> Run(domain::Instant now, int max_cases = 100000) const;
  // The policy's "notify beneficiaries of the progress made": every open case whose update
  // interval ran out with nothing said gets a progress update (outbox), which restarts the
  // interval. Returns how many were sent. Same reading and writing pattern as Run.
  domain::Result<int> SendDueUpdates(domain::Instant now, int max_cases = 100000) const;

 private:
  Store& store_;
  std::shared_ptr<const TimeRulesSource> time_;
  bool webhooks_ = true;
};

}  // namespace shakwa::app
