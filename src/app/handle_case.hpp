// HandleCase: what staff and the beneficiary do to a case after it is received (ISO 10002
// 7.5-7.9; DOMAIN.md "Lifecycle").
//
// Every action is one durable transaction: it reads the case as the writer sees it, checks that
// the caller may act on it (a case the caller may not see is "not found"), that the version the
// caller based the action on is still current (else kConflict/kStaleVersion: two people cannot
// both win), and that the lifecycle allows it (else kConflict/kForbiddenTransition); then it
// stores the changed case with the next version, its timeline events, and one audit record per
// event. done receives the case as stored.
//
// Investigative actions on an assessed case (assigning a person, a reply, a request for
// information, findings) first move it to in_progress: work has visibly begun.
//
// Thread safety: all members may be called from any thread. They do a blocking read first
// (to validate departments and users), so call them from the blocking pool.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"
#include "app/time_rules_source.hpp"
#include "domain/category.hpp"

namespace shakwa::app {

// Who is acting: a member of staff, or the beneficiary with the case's access code.
struct Caller {
  std::optional<domain::StaffUser> staff;
  std::string access_code;  // for the beneficiary
  // The mail gate, bringing a message from this sender: it proves nothing by itself, so what it
  // may do is decided by whether the sender is the case's own contact.
  std::optional<std::string> mail_sender;

  static Caller Staff(domain::StaffUser user) { return Caller{std::move(user), {}, {}}; }
  static Caller Beneficiary(std::string code) { return Caller{std::nullopt, std::move(code), {}}; }
  static Caller Mail(std::string sender) { return Caller{std::nullopt, {}, std::move(sender)}; }
};

// An e-mail the mail gate brings to an existing case.
struct MailToCase {
  std::string sender;  // the From address, lower-cased
  std::string subject;
  std::string text;
  std::string message_id;
  std::vector<Attachment> files;  // already checked and in the file store
};

struct Assessment {
  std::optional<domain::CaseKind> kind;  // reclassify
  std::optional<domain::Severity> severity;
  std::optional<domain::Complexity> complexity;
  std::optional<domain::Impact> impact;
  std::optional<bool> immediate_action_needed;
  std::optional<std::string> immediate_action_taken;
  std::optional<std::string> category;
  std::optional<std::string> subcategory;
  std::optional<domain::Priority> priority;
  std::optional<std::string> department;
  std::optional<std::string> concerns_department;
  std::optional<std::string> reject_reason;  // out of scope: rejected, with this reason shown
};

struct Assignment {
  std::optional<std::string> department;
  std::optional<std::int64_t> assignee_id;
};

struct FindingsRecord {
  std::string root_cause;
  domain::Outcome outcome = domain::Outcome::kNotUpheld;
};

struct DecisionRecord {
  std::string decision;
  std::vector<domain::Remedy> remedies;
};

class HandleCase {
 public:
  using Done = std::function<void(domain::Result<domain::Case>)>;

  // time: the calendar, SLA policy and ladder in force (DOMAIN.md's defaults when null).
  // webhooks: queue webhook events with every change (false: none configured, none written).
  HandleCase(Store& store, const Clock& clock, const AccessCodeHasher& hasher,
             std::shared_ptr<const domain::CategoryCatalogue> categories,
             std::shared_ptr<const TimeRulesSource> time = nullptr, bool webhooks = true);

  // staff
  void Assess(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
              Assessment assessment, Done done) const;
  void Assign(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
              Assignment assignment, Done done) const;
  void AddNote(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
               std::string text, Done done) const;
  void Reply(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
             std::string text, Done done) const;
  void RequestInformation(std::string_view reference, std::int64_t version,
                          const domain::StaffUser& user, std::string text, Done done) const;
  void RecordFindings(std::string_view reference, std::int64_t version,
                      const domain::StaffUser& user, FindingsRecord findings, Done done) const;
  void Resolve(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
               DecisionRecord decision, Done done) const;
  void Close(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
             std::optional<std::string> note, Done done) const;
  void Merge(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
             std::string_view into, Done done) const;

  // the beneficiary (version optional: a beneficiary's screen is rarely stale)
  void AnswerInformationRequest(std::string_view reference, std::string access_code,
                                std::optional<std::int64_t> version, std::string text,
                                Done done) const;
  void Accept(std::string_view reference, std::string access_code,
              std::optional<std::int64_t> version, Done done) const;
  void Appeal(std::string_view reference, std::string access_code,
              std::optional<std::int64_t> version, std::string reason, Done done) const;
  void Withdraw(std::string_view reference, std::string access_code,
                std::optional<std::int64_t> version, std::optional<std::string> reason,
                Done done) const;
  // The beneficiary escalates: once the resolution deadline has passed, or to reject a decision
  // (a resolved case goes back to in_progress). The case rises one level, the level's owner
  // answers for it, and both are told (outbox). domain::BeneficiaryEscalationLevel says when not.
  void Escalate(std::string_view reference, std::string access_code,
                std::optional<std::int64_t> version, std::optional<std::string> reason,
                Done done) const;

  // An e-mail quoting the case's reference. From the beneficiary's (or their representative's)
  // own address it joins the public timeline and, on a case awaiting them, answers the request
  // for information. From anyone else it is kept for staff only (internal), changing nothing:
  // a reference in a subject line is no proof of who is writing. A case already closed answers
  // kConflict (kForbiddenTransition): the caller opens a new case instead.
  void ReceiveMail(const domain::Reference& reference, MailToCase mail, Done done) const;

  // Staff record that the case went to an outside body (external recourse) and its reference
  // there.
  void RecordExternalReferral(std::string_view reference, std::int64_t version,
                              const domain::StaffUser& user, domain::ExternalBody to,
                              std::string outside_reference, std::optional<std::string> note,
                              Done done) const;

  // The change an action makes to the case (and, for a merge, to another): runs inside the
  // write transaction. Public so the tests can drive the same machinery.
  struct Context {
    WriteTransaction& tx;
    domain::Case& value;
    std::vector<domain::CaseEvent>& events;
    domain::Actor actor;
    std::string actor_role;  // wire name of the staff role, or "beneficiary"
    domain::Instant now;
    const domain::TimeRules& rules;  // as they stood when the action began
  };
  using Change = std::function<domain::Status(Context&)>;

 private:
  // A note (internal) or a reply (public): a text event on an open case.
  void Message(std::string_view reference, std::int64_t version, const domain::StaffUser& user,
               std::string text, std::string type, domain::CaseEvent::Visibility visibility,
               Done done) const;
  void Act(std::string_view reference, std::optional<std::int64_t> version, Caller caller,
           Change change, Done done) const;

  Store& store_;
  const Clock& clock_;
  const AccessCodeHasher& hasher_;
  std::shared_ptr<const domain::CategoryCatalogue> categories_;
  std::shared_ptr<const TimeRulesSource> time_;
  bool webhooks_ = true;
};

// Limits on what staff and beneficiaries write into a case.
inline constexpr std::size_t kMaxMessageChars = 20000;

}  // namespace shakwa::app
