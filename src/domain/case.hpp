// The case: one item of feedback from a beneficiary, as DOMAIN.md defines it, and the closed
// vocabularies that describe it (kinds, statuses, channels, beneficiary kinds).
//
// Every vocabulary has a stable wire name (the snake_case word of DOMAIN.md, used in the API and
// the database) and Arabic and English labels for people. Names never change once shipped: stored
// rows and integrators depend on them.
//
// Thread safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/handling.hpp"
#include "domain/messages.hpp"
#include "domain/reference_number.hpp"
#include "domain/time.hpp"
#include "domain/vocabulary.hpp"

namespace shakwa::domain {

enum class CaseKind { kComplaint, kSuggestion, kRemark, kCompliment };
enum class CaseStatus {
  kReceived,
  kAssessed,
  kInProgress,
  kAwaitingBeneficiary,
  kResolved,
  kClosed,
  kRejected,
  kWithdrawn,
  kMerged,
};
enum class Channel { kPortal, kEmail, kPhone, kWalkIn, kSocial, kApi, kSms };
enum class BeneficiaryKind { kGovernment, kPrivate, kFinancial, kIndividual };
// What the feedback is about (ISO 10002 7.2).
enum class Subject { kProduct, kService, kProcess, kDecision, kProcedure, kSituation };
enum class TransactionType { kTender, kContract, kPaymentOrder, kInvoice };
enum class ContactChannel { kEmail, kSms, kPhone };

template <>
std::span<const Term<CaseKind>> TermsOf<CaseKind>();
template <>
std::span<const Term<CaseStatus>> TermsOf<CaseStatus>();
template <>
std::span<const Term<Channel>> TermsOf<Channel>();
template <>
std::span<const Term<BeneficiaryKind>> TermsOf<BeneficiaryKind>();
template <>
std::span<const Term<Subject>> TermsOf<Subject>();
template <>
std::span<const Term<TransactionType>> TermsOf<TransactionType>();
template <>
std::span<const Term<ContactChannel>> TermsOf<ContactChannel>();
template <>
std::span<const Term<Language>> TermsOf<Language>();

// The letter that opens a reference number for a case received as this kind.
char ReferencePrefix(CaseKind kind);

struct Representative {  // صاحب الصلاحية acting for the beneficiary
  std::string name;
  std::string capacity;  // on what authority they act
  std::optional<std::string> email;
  std::optional<std::string> mobile;
};

struct Beneficiary {
  BeneficiaryKind kind = BeneficiaryKind::kIndividual;
  std::string name;
  std::optional<std::string> email;        // lower-cased
  std::optional<std::string> mobile;       // E.164, "+9665…"
  std::optional<std::string> national_id;  // national ID, CR number, or government-entity code
  std::optional<std::string> organization;
  std::optional<Representative> representative;
};

struct RelatedTransaction {
  TransactionType type = TransactionType::kTender;
  std::string number;
};

// Who did something: the beneficiary themself, a member of staff, or the system.
struct Actor {
  enum class Kind { kBeneficiary, kStaff, kSystem };
  Kind kind = Kind::kBeneficiary;
  std::string id;  // staff user id; empty for the beneficiary and the system
};

struct Case {
  std::int64_t id = 0;  // the store's key; 0 until stored
  Reference reference;
  CaseKind kind = CaseKind::kComplaint;
  CaseStatus status = CaseStatus::kReceived;
  Channel channel = Channel::kPortal;
  Instant received_at{};  // when the complaint really arrived (may precede recording)
  Instant recorded_at{};  // when Shakwa stored it
  Actor recorded_by;
  Beneficiary beneficiary;
  std::string category;
  std::optional<std::string> subcategory;
  std::optional<Subject> about;
  std::vector<RelatedTransaction> related_transactions;
  std::string subject;
  std::string description;
  std::optional<std::string> remedy_sought;
  Language language = Language::kArabic;
  std::optional<ContactChannel> preferred_channel;
  bool consent_notice_shown = false;
  bool vulnerable = false;
  int escalation_level = 0;
  std::int64_t version = 1;  // bumped by every change; optimistic concurrency for staff actions
  CaseHandling handling;     // what staff have recorded (handling.hpp)
  CaseClock clock;           // SLA due instants (sla.hpp)
};

// What happened to a case: one row of its timeline.
struct CaseEvent {
  enum class Visibility { kPublic, kInternal };
  std::int64_t id = 0;
  Instant at{};
  std::string type;  // "received", "status_changed", …
  Visibility visibility = Visibility::kPublic;
  Actor actor;
  std::optional<CaseStatus> from_status;
  std::optional<CaseStatus> to_status;
  std::string actor_role;  // the staff role's wire name; what a beneficiary is shown of staff
  std::string data;        // a JSON object: the note or reply text, old -> new values
};

std::string_view NameOf(Actor::Kind kind);
std::optional<Actor::Kind> ActorKindFromName(std::string_view name);
std::string_view NameOf(CaseEvent::Visibility visibility);

}  // namespace shakwa::domain
