// Store: the one port through which the application reads and changes what Shakwa remembers.
//
// Writes are use-case transactions: a use case hands Write() a piece of work that does
// everything one request changes (the case, its timeline event, later its audit link and outbox
// rows) through WriteTransaction. The store runs it inside a transaction that may be shared with
// other requests' work (group commit: one fsync for all), isolated from them by a savepoint, and
// calls done only after that transaction is durable. A 201 is sent from done, so acknowledged
// means durable.
//
// Reads run on the calling thread in a consistent snapshot; they may block, so the HTTP layer
// calls them from its worker pool, never from an I/O thread.
//
// Adapters: storage/sqlite (embedded default), storage/postgres (several nodes on one database),
// both on storage/sql; storage/memory (tests). One contract suite
// (tests/storage/store_contract_test.cpp) runs against each.
//
// Thread safety: Write() and Read() may be called from any thread at once. The transaction
// objects are confined to the call that receives them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "app/ports/secrets.hpp"
#include "domain/audit.hpp"
#include "domain/calendar.hpp"
#include "domain/case.hpp"
#include "domain/category.hpp"
#include "domain/result.hpp"
#include "domain/staff.hpp"

namespace shakwa::app {

struct StoredCase {
  domain::Case value;
  AccessCodeHash access_code_hash{};
};

struct StoredUser {
  domain::StaffUser value;
  std::string password_hash;  // Argon2id, in libsodium's self-describing string form
};

// A file attached to a case. The bytes live in the file store (by SHA-256), not the database.
struct Attachment {
  std::int64_t id = 0;
  std::string sha256;      // lower-case hex of the content
  std::int64_t size = 0;   // bytes
  std::string media_type;  // detected from the content, never taken from the client
  std::string filename;    // as the uploader named it (display only; never a path)
  domain::Instant uploaded_at{};
  domain::Actor uploaded_by;
  domain::CaseEvent::Visibility visibility = domain::CaseEvent::Visibility::kPublic;
};

// A notice queued for delivery, written in the transaction of the change it tells of (the
// outbox). It names its recipient, never their address: delivery reads that from the case (or
// the user) when it sends, so a corrected address is used and nothing personal is copied here.
struct Notification {
  enum class Recipient { kBeneficiary, kStaff, kWebhook };
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  domain::Instant created_at{};
  std::string template_name;  // "acknowledgement", "escalated", …; a webhook's event type
  Recipient recipient = Recipient::kBeneficiary;
  std::optional<std::int64_t> recipient_user_id;  // for kStaff
  std::optional<std::string> endpoint;            // for kWebhook: the configured endpoint's name
  std::string data;                               // a JSON object for the template
  // What the message must carry but the database must not keep readable (the access code of an
  // acknowledgement): sealed at rest, erased once the row is settled.
  std::optional<std::string> secret;
  std::string dedupe_key;  // one notice per key, ever: a retried job queues nothing twice
  // delivery
  int attempts = 0;
  domain::Instant next_attempt_at{};  // due from then (a claim moves it forward: the lease)
  std::optional<domain::Instant> delivered_at;
  std::optional<domain::Instant> failed_at;  // parked after the last attempt, or hopeless
  std::string channel;                       // of the last attempt: "email", "sms", "webhook"
  std::string last_outcome;                  // of the last attempt, for people
};

// The recipient kind's stored and logged name: "beneficiary", "staff", "webhook".
std::string_view NameOf(Notification::Recipient recipient);

// Staff queues: which cases, in what order, from where. Every set field narrows the result.
struct CaseQuery {
  // kDueAsc: resolution deadline soonest first; cases without one last, oldest first.
  enum class Sort { kReceivedAsc, kReceivedDesc, kPriorityDesc, kUpdatedDesc, kDueAsc };

  // filters asked for
  std::vector<domain::CaseStatus> statuses;
  std::vector<domain::CaseKind> kinds;
  std::vector<std::string> categories;
  std::vector<std::string> departments;
  std::optional<std::int64_t> assignee_id;
  bool unassigned = false;
  std::vector<domain::Priority> priorities;
  std::vector<domain::Channel> channels;
  std::vector<domain::BeneficiaryKind> beneficiary_kinds;
  std::optional<domain::Instant> received_from;  // inclusive
  std::optional<domain::Instant> received_to;    // exclusive
  std::optional<domain::Instant> overdue_at;     // resolution due before this, and still open
  std::optional<domain::Instant> first_response_overdue_at;  // no response yet, due before this
  std::optional<domain::Instant> update_overdue_at;  // the beneficiary's update due before this
  std::optional<int> escalation_level_at_least;      // escalated to this level or higher
  std::optional<std::int64_t> escalation_owner_id;   // answered for by this person
  std::optional<std::string> national_id;            // found through the blind index
  std::optional<std::string> mobile;                 // found through the blind index (E.164)

  // need-to-know, set by the application from the caller's role, never by the caller
  struct Scope {
    std::optional<std::string> department;  // only this department's cases
    std::optional<std::int64_t> agent_id;   // only received cases, or recorded/assessed by them
    bool closed_only = false;               // only closed cases (quality review)
  } scope;

  Sort sort = Sort::kReceivedDesc;
  std::optional<std::string> after;  // the cursor a previous page returned
  int limit = 50;                    // 1..200
};

struct CasePage {
  std::vector<domain::Case> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

// An admin's wording of one part (subject, text, sms) of a message template in one language.
struct MessageTemplateText {
  std::string name;
  domain::Language language = domain::Language::kArabic;
  std::string part;  // "subject", "text", "sms"
  std::string body;
  std::optional<std::int64_t> updated_by;
  domain::Instant updated_at{};
};

class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  // A sequence number for year that was never handed out before. Gaps are allowed (a number
  // taken by work that rolled back was never shown to anyone); reuse is not.
  virtual domain::Result<std::int64_t> NextReferenceSequence(int year) = 0;
  // Stores a new case and returns its id. REQUIRES: c.reference is set and unused.
  virtual domain::Result<std::int64_t> InsertCase(const domain::Case& c,
                                                  const AccessCodeHash& access_code_hash) = 0;
  virtual domain::Result<std::int64_t> AppendEvent(std::int64_t case_id,
                                                   const domain::CaseEvent& event) = 0;

  // The case as this transaction sees it (with its latest version), for read-modify-write.
  virtual domain::Result<std::optional<StoredCase>> FindCase(
      const domain::Reference& reference) = 0;
  virtual domain::Result<std::optional<StoredCase>> FindCaseById(std::int64_t case_id) = 0;
  // Stores every changed field of c (status, kind, category, handling, escalation level) and sets
  // its version to c.version. kConflict (MessageId::kStaleVersion) unless the stored version is
  // c.version - 1, so two people acting on the same version cannot both win.
  virtual domain::Status UpdateCase(const domain::Case& c) = 0;
  virtual domain::Result<std::int64_t> InsertAttachment(std::int64_t case_id,
                                                        const Attachment& attachment) = 0;

  // Appends to the hash-chained audit trail: the store assigns the sequence and computes the
  // hashes, in this transaction. Returns the entry as stored.
  virtual domain::Result<domain::AuditEntry> AppendAudit(const domain::AuditEntry& entry) = 0;

  // Staff. kConflict (kAlreadyExists) when the code or e-mail is taken.
  virtual domain::Status InsertDepartment(const domain::Department& department) = 0;
  virtual domain::Result<std::int64_t> InsertUser(const domain::StaffUser& user,
                                                  const std::string& password_hash) = 0;
  // The user as this transaction sees it, for read-modify-write (sign-in counting).
  virtual domain::Result<std::optional<domain::StaffUser>> FindUser(std::int64_t id) = 0;
  // Updates role, department, active, failed_logins and locked_until of user.id.
  virtual domain::Status UpdateUser(const domain::StaffUser& user) = 0;
  virtual domain::Status InsertSession(const domain::Session& session) = 0;
  virtual domain::Status RevokeSession(const std::array<std::uint8_t, 32>& token_hash,
                                       domain::Instant at) = 0;
  // Queues n unless a notification with its dedupe_key was ever queued; true if queued now.
  // n.next_attempt_at is when it is first due (created_at when unset).
  virtual domain::Result<bool> EnqueueNotification(const Notification& n) = 0;
  // Notifications neither delivered nor parked and due at or before now, soonest first, at most
  // limit, secrets opened. Read inside the write so that a claim (UpdateNotification moving
  // next_attempt_at on) is atomic with finding the row.
  virtual domain::Result<std::vector<Notification>> DueNotifications(domain::Instant now,
                                                                     int limit) = 0;
  // Stores n's delivery state (attempts, next_attempt_at, delivered_at, failed_at, channel,
  // last_outcome); once delivered or parked its secret is erased.
  virtual domain::Status UpdateNotification(const Notification& n) = 0;
  // Records the outcome of attempt n.attempts (as UpdateNotification), unless the row moved on
  // since that attempt was claimed — another node may claim a row again once its lease passed
  // while a slow send was still under way: a row already delivered or parked is left alone, and a
  // failure does not overwrite a later attempt's claim; a delivery is still recorded (the message
  // did arrive), keeping the larger attempt count. True if the row took the outcome.
  virtual domain::Result<bool> SettleAttempt(const Notification& n) = 0;
  // An admin's wording of one part of a message template (replaces any before).
  virtual domain::Status SaveMessageTemplate(const MessageTemplateText& text) = 0;
  // Records (or replaces) an admin's placement of a Hijri holiday for one Hijri year.
  virtual domain::Status SaveHolidayAdjustment(const domain::HolidayAdjustment& adjustment,
                                               std::optional<std::int64_t> adjusted_by,
                                               domain::Instant at) = 0;
  // Takes the lease on job for holder until `until`, or renews it, if no one else holds it at
  // now (never taken, released, or expired by now). True if holder holds it now. Several nodes
  // asking at once: one wins.
  virtual domain::Result<bool> ClaimLease(std::string_view job, std::string_view holder,
                                          domain::Instant now, domain::Instant until) = 0;
  // Gives the lease up if holder holds it, so another node may take it at once.
  virtual domain::Status ReleaseLease(std::string_view job, std::string_view holder) = 0;
};

class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;
  virtual domain::Result<std::optional<StoredCase>> FindCase(
      const domain::Reference& reference) = 0;
  // The case's events, oldest first; only the public ones when public_only.
  virtual domain::Result<std::vector<domain::CaseEvent>> Timeline(std::int64_t case_id,
                                                                  bool public_only) = 0;
  virtual domain::Result<std::vector<domain::Category>> Categories() = 0;
  // Counts every case: a full scan on large stores, so not for health checks (use Ping).
  virtual domain::Result<std::int64_t> CountCases() = 0;
  // A cheap read that succeeds only if the database answers (for readiness probes).
  virtual domain::Status Ping() = 0;

  // A page of a staff queue. kInvalidInput on "cursor" for a cursor this query did not make.
  virtual domain::Result<CasePage> ListCases(const CaseQuery& query) = 0;
  virtual domain::Result<std::vector<Attachment>> Attachments(std::int64_t case_id) = 0;

  virtual domain::Result<std::vector<domain::Department>> Departments() = 0;
  virtual domain::Result<std::vector<domain::StaffUser>> Users() = 0;
  virtual domain::Result<std::optional<StoredUser>> FindUserByEmail(std::string_view email) = 0;
  virtual domain::Result<std::optional<domain::StaffUser>> FindUser(std::int64_t id) = 0;
  virtual domain::Result<std::optional<domain::Session>> FindSession(
      const std::array<std::uint8_t, 32>& token_hash) = 0;

  // Audit entries with sequence > after, oldest first, at most limit.
  virtual domain::Result<std::vector<domain::AuditEntry>> AuditEntries(std::int64_t after,
                                                                       int limit) = 0;
  // Recomputes the whole chain from the first record.
  virtual domain::Result<domain::AuditVerification> VerifyAudit() = 0;
  // Cases whose next escalation-ladder step is due at or before now, soonest first, at most
  // limit. Reads only due cases (an index on escalation_due_at), however many are open.
  virtual domain::Result<std::vector<domain::Reference>> CasesDueForEscalation(domain::Instant now,
                                                                               int limit) = 0;
  // Open cases with a ladder step still ahead (to schedule again after a calendar change),
  // by case id after `after`, at most limit.
  virtual domain::Result<std::vector<std::pair<std::int64_t, domain::Reference>>>
  CasesWithClockRunning(std::int64_t after_id, int limit) = 0;
  // Open cases never given a clock (stored before the clocks existed), at most limit.
  virtual domain::Result<std::vector<domain::Reference>> CasesWithoutClock(int limit) = 0;
  // Notifications not yet delivered, oldest first, with id > after, at most limit.
  virtual domain::Result<std::vector<Notification>> PendingNotifications(std::int64_t after,
                                                                         int limit) = 0;
  virtual domain::Result<std::vector<domain::HolidayAdjustment>> HolidayAdjustments() = 0;
  // A case's notifications, oldest first (what was sent, how, and what is still to go).
  virtual domain::Result<std::vector<Notification>> CaseNotifications(std::int64_t case_id) = 0;
  virtual domain::Result<std::vector<MessageTemplateText>> MessageTemplates() = 0;
  // Cases with a running clock (received, assessed, in progress) whose update to the beneficiary
  // fell due at or before now (nothing said for the update interval), soonest first, at most limit.
  // Reads only those (an index).
  virtual domain::Result<std::vector<domain::Reference>> CasesDueForUpdate(domain::Instant now,
                                                                           int limit) = 0;
};

class Store {
 public:
  using WriteWork = std::function<domain::Status(WriteTransaction&)>;
  using WriteDone = std::function<void(domain::Status)>;
  using ReadWork = std::function<domain::Status(ReadTransaction&)>;

  virtual ~Store() = default;

  // Runs work in a durable transaction. If work fails, its changes are rolled back (and only
  // its own) and done receives its error; if the commit fails, done receives kUnavailable.
  // done runs exactly once, on a store thread, and must not block.
  virtual void Write(WriteWork work, WriteDone done) = 0;

  // Runs work in a read-only snapshot on the calling thread. May block.
  virtual domain::Status Read(const ReadWork& work) = 0;
};

// The value one read returns, in its own snapshot: the common shape of a use case's lookup.
template <typename T, typename Read>
domain::Result<T> ReadValue(Store& store, Read read) {
  std::optional<T> out;
  if (domain::Status s = store.Read([&](ReadTransaction& tx) -> domain::Status {
        domain::Result<T> value = read(tx);
        if (!value) return std::move(value).error();
        out = std::move(*value);
        return domain::Status::Ok();
      });
      !s.ok()) {
    return std::move(s).error();
  }
  return std::move(*out);
}

}  // namespace shakwa::app
