// Handling a case (ISO 10002 7.5-7.9): the initial assessment, assignment, findings and decision
// staff record on it, and the vocabularies they use.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "domain/vocabulary.hpp"

namespace shakwa::domain {

enum class Priority { kLow, kNormal, kHigh, kUrgent };
enum class Severity { kLow, kMedium, kHigh, kCritical };
enum class Complexity { kSimple, kModerate, kComplex };
enum class Impact { kIndividual, kGroup, kWidespread };
enum class Outcome { kUpheld, kPartiallyUpheld, kNotUpheld };
enum class Remedy { kApology, kCorrection, kExplanation, kRefund, kProcessChange, kNone };
// Where a case goes once the last internal level has answered (external recourse).
enum class ExternalBody { kDigitalGovernmentAuthority, kAmer };

template <>
std::span<const Term<Priority>> TermsOf<Priority>();
template <>
std::span<const Term<Severity>> TermsOf<Severity>();
template <>
std::span<const Term<Complexity>> TermsOf<Complexity>();
template <>
std::span<const Term<Impact>> TermsOf<Impact>();
template <>
std::span<const Term<Outcome>> TermsOf<Outcome>();
template <>
std::span<const Term<Remedy>> TermsOf<Remedy>();
template <>
std::span<const Term<ExternalBody>> TermsOf<ExternalBody>();

// The case's SLA clock (sla.hpp schedules it). Due instants are UTC; absent when nothing is due.
struct CaseClock {
  std::optional<Instant> first_response_due_at;
  std::optional<Instant> first_responded_at;  // the first public reply: the response is met
  std::optional<Instant> next_update_due_at;  // the beneficiary hears of progress by then
  std::optional<Instant> resolution_due_at;
  std::optional<Instant> paused_since;       // awaiting the beneficiary since
  std::int64_t paused_minutes = 0;           // business minutes the clock stood still, before now
  int escalation_step = 0;                   // ladder steps taken (sla.hpp)
  std::optional<Instant> escalation_due_at;  // when the next ladder step falls due
  bool operator==(const CaseClock&) const = default;
};

// What staff have recorded while handling a case; empty until they record it.
struct CaseHandling {
  // assessment (7.5)
  std::optional<Severity> severity;
  std::optional<Complexity> complexity;
  std::optional<Impact> impact;
  bool immediate_action_needed = false;
  std::optional<std::string> immediate_action_taken;
  Priority priority = Priority::kNormal;
  std::optional<std::string> department;    // the department handling it
  std::optional<std::int64_t> assignee_id;  // the member of staff handling it
  std::optional<std::int64_t> assessed_by;
  // The department whose staff the complaint is about (staff conduct): its members never see
  // who complained.
  std::optional<std::string> concerns_department;
  // findings (7.6)
  std::optional<std::string> root_cause;
  std::optional<Outcome> outcome;
  // decision (7.7)
  std::optional<std::string> decision;
  std::vector<Remedy> remedies;
  // closing
  std::optional<std::string> rejection_reason;  // shown to the beneficiary
  std::optional<std::string> merged_into;       // reference of the case it was merged into
  // escalation: who answers for the case at its current level, and the hand-off outside
  std::optional<std::int64_t> escalation_owner_id;
  std::optional<ExternalBody> external_referral_to;
  std::optional<std::string> external_reference;  // the outside body's reference
  Instant updated_at{};
};

}  // namespace shakwa::domain
