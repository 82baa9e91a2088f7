#include "storage/memory/memory_store.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

#include "storage/audit_chain.hpp"

namespace shakwa::storage::memory {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using domain::Result;
using domain::Status;

Error Invalid(std::string path, MessageId message, std::string param = {}) {
  Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
  e.fields.push_back(domain::FieldError{std::move(path), message, std::move(param)});
  return e;
}

Error AlreadyExists(const std::string& what) {
  Error e = Error::Of(ErrorCode::kConflict, MessageId::kAlreadyExists, "already exists: " + what);
  e.message_param = what;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Queues

bool Contains(const auto& wanted, const auto& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

bool IsOpen(domain::CaseStatus status) {
  using domain::CaseStatus;
  switch (status) {
    case CaseStatus::kResolved:
    case CaseStatus::kClosed:
    case CaseStatus::kRejected:
    case CaseStatus::kWithdrawn:
    case CaseStatus::kMerged:
      return false;
    case CaseStatus::kReceived:
    case CaseStatus::kAssessed:
    case CaseStatus::kInProgress:
    case CaseStatus::kAwaitingBeneficiary:
      break;
  }
  return true;
}

bool InScope(const app::CaseQuery::Scope& scope, const domain::Case& c) {
  if (scope.department && c.handling.department != scope.department) return false;
  if (scope.agent_id && c.status != domain::CaseStatus::kReceived &&
      c.recorded_by.id != std::to_string(*scope.agent_id) &&
      c.handling.assessed_by != scope.agent_id) {
    return false;
  }
  if (scope.closed_only && c.status != domain::CaseStatus::kClosed) return false;
  return true;
}

bool Matches(const app::CaseQuery& q, const domain::Case& c) {
  const domain::CaseHandling& h = c.handling;
  if (!Contains(q.statuses, c.status) || !Contains(q.kinds, c.kind) ||
      !Contains(q.categories, c.category) || !Contains(q.priorities, h.priority) ||
      !Contains(q.channels, c.channel) || !Contains(q.beneficiary_kinds, c.beneficiary.kind)) {
    return false;
  }
  if (!q.departments.empty() && (!h.department || !Contains(q.departments, *h.department))) {
    return false;
  }
  if (q.assignee_id && h.assignee_id != q.assignee_id) return false;
  if (q.unassigned && h.assignee_id) return false;
  if (q.received_from && c.received_at < *q.received_from) return false;
  if (q.received_to && c.received_at >= *q.received_to) return false;
  const domain::CaseClock& clock = c.clock;
  if (q.overdue_at && (!clock.resolution_due_at || *clock.resolution_due_at >= *q.overdue_at ||
                       !IsOpen(c.status))) {
    return false;
  }
  if (q.first_response_overdue_at &&
      (clock.first_responded_at || !clock.first_response_due_at ||
       *clock.first_response_due_at >= *q.first_response_overdue_at || !IsOpen(c.status))) {
    return false;
  }
  if (q.update_overdue_at &&
      (!clock.next_update_due_at || *clock.next_update_due_at >= *q.update_overdue_at)) {
    return false;
  }
  if (q.escalation_level_at_least && c.escalation_level < *q.escalation_level_at_least) {
    return false;
  }
  if (q.escalation_owner_id && h.escalation_owner_id != q.escalation_owner_id) return false;
  if (q.national_id && c.beneficiary.national_id != q.national_id) return false;
  if (q.mobile && c.beneficiary.mobile != q.mobile) return false;
  return InScope(q.scope, c);
}

// A case's place in a sort, as keys compared in ascending order (descending keys negated).
using SortKey = std::array<std::int64_t, 3>;

std::string_view SortName(app::CaseQuery::Sort sort) {
  switch (sort) {
    case app::CaseQuery::Sort::kReceivedAsc:
      return "received";
    case app::CaseQuery::Sort::kReceivedDesc:
      return "-received";
    case app::CaseQuery::Sort::kPriorityDesc:
      return "-priority";
    case app::CaseQuery::Sort::kUpdatedDesc:
      return "-updated";
    case app::CaseQuery::Sort::kDueAsc:
      return "due";
  }
  return "?";
}

std::int64_t PriorityRank(domain::Priority priority) {
  switch (priority) {
    case domain::Priority::kLow:
      return 0;
    case domain::Priority::kNormal:
      return 1;
    case domain::Priority::kHigh:
      return 2;
    case domain::Priority::kUrgent:
      return 3;
  }
  return 0;
}

SortKey KeyOf(app::CaseQuery::Sort sort, const domain::Case& c) {
  const std::int64_t received = c.received_at.time_since_epoch().count();
  const std::int64_t updated = c.handling.updated_at.time_since_epoch().count();
  switch (sort) {
    case app::CaseQuery::Sort::kReceivedAsc:
      return {received, c.id, 0};
    case app::CaseQuery::Sort::kReceivedDesc:
      return {-received, -c.id, 0};
    case app::CaseQuery::Sort::kPriorityDesc:
      return {-PriorityRank(c.handling.priority), received, c.id};
    case app::CaseQuery::Sort::kUpdatedDesc:
      return {-updated, -c.id, 0};
    case app::CaseQuery::Sort::kDueAsc: {
      const auto& due = c.clock.resolution_due_at;
      return {due ? due->time_since_epoch().count() : std::numeric_limits<std::int64_t>::max(),
              received, c.id};
    }
  }
  return {};
}

// "m1:<sort>:<k0>:<k1>:<k2>"
std::string CursorOf(app::CaseQuery::Sort sort, const SortKey& key) {
  std::string out = "m1:";
  out += SortName(sort);
  for (std::int64_t k : key) {
    out += ':';
    out += std::to_string(k);
  }
  return out;
}

std::optional<SortKey> ParseCursor(app::CaseQuery::Sort sort, std::string_view cursor) {
  const std::string prefix = "m1:" + std::string(SortName(sort)) + ":";
  if (!cursor.starts_with(prefix)) return std::nullopt;
  cursor.remove_prefix(prefix.size());
  SortKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char* end = cursor.data() + cursor.size();
    auto [next, error] = std::from_chars(cursor.data(), end, key[i]);
    if (error != std::errc{}) return std::nullopt;
    cursor.remove_prefix(static_cast<std::size_t>(next - cursor.data()));
    if (i + 1 < key.size()) {
      if (!cursor.starts_with(':')) return std::nullopt;
      cursor.remove_prefix(1);
    }
  }
  if (!cursor.empty()) return std::nullopt;
  return key;
}

// ---------------------------------------------------------------------------------------------

class Transaction final : public app::WriteTransaction, public app::ReadTransaction {
 public:
  explicit Transaction(MemoryStore::State& state) : state_(state) {}

  Result<std::int64_t> NextReferenceSequence(int year) override { return ++state_.sequences[year]; }

  Result<std::int64_t> InsertCase(const domain::Case& c, const app::AccessCodeHash& hash) override {
    const std::string reference = c.reference.ToString();
    if (state_.cases.contains(reference)) {
      return Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                       "reference already used: " + reference);
    }
    app::StoredCase stored{c, hash};
    stored.value.id = state_.next_case_id++;
    state_.cases.emplace(reference, stored);
    return stored.value.id;
  }

  Result<std::int64_t> AppendEvent(std::int64_t case_id, const domain::CaseEvent& e) override {
    domain::CaseEvent event = e;
    event.id = state_.next_event_id++;
    state_.events[case_id].push_back(event);
    return event.id;
  }

  Result<std::optional<app::StoredCase>> FindCase(const domain::Reference& reference) override {
    auto it = state_.cases.find(reference.ToString());
    if (it == state_.cases.end()) return std::optional<app::StoredCase>{};
    return std::optional<app::StoredCase>(it->second);
  }

  Result<std::optional<app::StoredCase>> FindCaseById(std::int64_t case_id) override {
    for (const auto& [reference, stored] : state_.cases) {
      if (stored.value.id == case_id) return std::optional<app::StoredCase>(stored);
    }
    return std::optional<app::StoredCase>{};
  }

  Status UpdateCase(const domain::Case& c) override {
    auto it = state_.cases.find(c.reference.ToString());
    if (it == state_.cases.end()) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound,
                       "no case " + c.reference.ToString());
    }
    domain::Case& stored = it->second.value;
    if (stored.version != c.version - 1) {
      Error e =
          Error::Of(ErrorCode::kConflict, MessageId::kStaleVersion,
                    c.reference.ToString() + " is at version " + std::to_string(stored.version) +
                        ", not " + std::to_string(c.version - 1));
      e.message_param = std::to_string(stored.version);
      return e;
    }
    // Only what UpdateCase promises to store: the rest of a case is fixed at intake.
    stored.status = c.status;
    stored.kind = c.kind;
    stored.category = c.category;
    stored.handling = c.handling;
    stored.clock = c.clock;
    stored.escalation_level = c.escalation_level;
    stored.version = c.version;
    return Status::Ok();
  }

  Result<std::int64_t> InsertAttachment(std::int64_t case_id,
                                        const app::Attachment& attachment) override {
    if (!CaseExists(case_id)) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound,
                       "no case with id " + std::to_string(case_id));
    }
    app::Attachment stored = attachment;
    stored.id = state_.next_attachment_id++;
    state_.attachments[case_id].push_back(stored);
    return stored.id;
  }

  Result<domain::AuditEntry> AppendAudit(const domain::AuditEntry& entry) override {
    domain::AuditEntry stored = entry;
    stored.sequence = static_cast<std::int64_t>(state_.audit.size()) + 1;
    stored.previous_hash = state_.audit.empty() ? domain::Sha256{} : state_.audit.back().hash;
    stored.hash = ChainHash(stored.previous_hash, stored);
    state_.audit.push_back(stored);
    return stored;
  }

  Status InsertDepartment(const domain::Department& department) override {
    if (!state_.departments.emplace(department.code, department).second) {
      return AlreadyExists(department.code);
    }
    return Status::Ok();
  }

  Result<std::int64_t> InsertUser(const domain::StaffUser& user,
                                  const std::string& password_hash) override {
    for (const auto& [id, existing] : state_.users) {
      if (existing.value.email == user.email) return AlreadyExists(user.email);
    }
    if (auto known = CheckDepartment(user); !known.ok()) return std::move(known).error();
    app::StoredUser stored{user, password_hash};
    stored.value.id = state_.next_user_id++;
    state_.users.emplace(stored.value.id, stored);
    return stored.value.id;
  }

  Status UpdateUser(const domain::StaffUser& user) override {
    auto it = state_.users.find(user.id);
    if (it == state_.users.end()) {
      Error e = Error::Of(ErrorCode::kNotFound, MessageId::kUnknownUser,
                          "no user " + std::to_string(user.id));
      e.message_param = std::to_string(user.id);
      return e;
    }
    if (auto known = CheckDepartment(user); !known.ok()) return known;
    domain::StaffUser& stored = it->second.value;
    stored.role = user.role;
    stored.department = user.department;
    stored.active = user.active;
    stored.failed_logins = user.failed_logins;
    stored.locked_until = user.locked_until;
    return Status::Ok();
  }

  Status InsertSession(const domain::Session& session) override {
    if (!state_.users.contains(session.user_id)) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kUnknownUser,
                       "no user " + std::to_string(session.user_id));
    }
    if (!state_.sessions.emplace(session.token_hash, session).second) {
      return Error::Of(ErrorCode::kConflict, MessageId::kAlreadyExists, "session token reused");
    }
    return Status::Ok();
  }

  Status RevokeSession(const std::array<std::uint8_t, 32>& token_hash,
                       domain::Instant at) override {
    // Revoking twice keeps the first revocation; revoking an unknown session changes nothing.
    auto it = state_.sessions.find(token_hash);
    if (it != state_.sessions.end() && !it->second.revoked_at) it->second.revoked_at = at;
    return Status::Ok();
  }

  Result<bool> EnqueueNotification(const app::Notification& n) override {
    for (const auto& queued : state_.outbox) {
      if (queued.dedupe_key == n.dedupe_key) return false;
    }
    if (!CaseExists(n.case_id)) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound, "outbox: no such case");
    }
    app::Notification stored = n;
    stored.id = static_cast<std::int64_t>(state_.outbox.size()) + 1;
    if (stored.next_attempt_at == domain::Instant{}) stored.next_attempt_at = stored.created_at;
    state_.outbox.push_back(std::move(stored));
    return true;
  }

  Result<std::vector<app::Notification>> DueNotifications(domain::Instant now, int limit) override {
    std::vector<app::Notification> due;
    for (const auto& n : state_.outbox) {
      if (!n.delivered_at && !n.failed_at && n.next_attempt_at <= now) due.push_back(n);
    }
    std::stable_sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
      return a.next_attempt_at < b.next_attempt_at;
    });
    if (static_cast<int>(due.size()) > limit) due.resize(static_cast<std::size_t>(limit));
    return due;
  }

  Status UpdateNotification(const app::Notification& n) override {
    if (n.id < 1 || n.id > static_cast<std::int64_t>(state_.outbox.size())) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kInternalError, "outbox: no such row");
    }
    app::Notification& stored = state_.outbox[static_cast<std::size_t>(n.id - 1)];
    stored.attempts = n.attempts;
    stored.next_attempt_at = n.next_attempt_at;
    stored.delivered_at = n.delivered_at;
    stored.failed_at = n.failed_at;
    stored.channel = n.channel;
    stored.last_outcome = n.last_outcome;
    if (stored.delivered_at || stored.failed_at) stored.secret.reset();
    return Status::Ok();
  }

  Result<bool> SettleAttempt(const app::Notification& n) override {
    if (n.id < 1 || n.id > static_cast<std::int64_t>(state_.outbox.size())) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kInternalError, "outbox: no such row");
    }
    const app::Notification& stored = state_.outbox[static_cast<std::size_t>(n.id - 1)];
    if (stored.delivered_at || stored.failed_at) return false;
    if (stored.attempts != n.attempts && !n.delivered_at) return false;
    app::Notification settled = n;
    settled.attempts = std::max(stored.attempts, n.attempts);
    if (Status s = UpdateNotification(settled); !s.ok()) return std::move(s).error();
    return true;
  }

  Status SaveMessageTemplate(const app::MessageTemplateText& text) override {
    state_.templates[{text.name, text.language, text.part}] = text;
    return Status::Ok();
  }

  Status SaveHolidayAdjustment(const domain::HolidayAdjustment& adjustment,
                               std::optional<std::int64_t>, domain::Instant) override {
    state_.adjustments[{adjustment.key, adjustment.hijri_year}] = adjustment;
    return Status::Ok();
  }

  Result<bool> ClaimLease(std::string_view job, std::string_view holder, domain::Instant now,
                          domain::Instant until) override {
    auto it = state_.leases.find(job);
    if (it != state_.leases.end() && it->second.holder != holder && it->second.expires_at > now) {
      return false;
    }
    state_.leases.insert_or_assign(std::string(job),
                                   MemoryStore::State::Lease{std::string(holder), until});
    return true;
  }

  Status ReleaseLease(std::string_view job, std::string_view holder) override {
    if (auto it = state_.leases.find(job);
        it != state_.leases.end() && it->second.holder == holder) {
      state_.leases.erase(it);
    }
    return Status::Ok();
  }

  Result<std::vector<domain::Reference>> CasesDueForEscalation(domain::Instant now,
                                                               int limit) override {
    std::vector<std::pair<domain::Instant, domain::Reference>> due;
    for (const auto& [reference, stored] : state_.cases) {
      const auto& at = stored.value.clock.escalation_due_at;
      if (at && *at <= now) due.emplace_back(*at, stored.value.reference);
    }
    std::stable_sort(due.begin(), due.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<domain::Reference> out;
    for (const auto& [at, reference] : due) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(reference);
    }
    return out;
  }

  Result<std::vector<std::pair<std::int64_t, domain::Reference>>> CasesWithClockRunning(
      std::int64_t after_id, int limit) override {
    std::vector<std::pair<std::int64_t, domain::Reference>> out;
    for (const auto& [reference, stored] : state_.cases) {
      if (stored.value.id > after_id && IsOpen(stored.value.status)) {
        out.emplace_back(stored.value.id, stored.value.reference);
      }
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  }

  Result<std::vector<domain::Reference>> CasesWithoutClock(int limit) override {
    std::vector<domain::Reference> out;
    for (const auto& [reference, stored] : state_.cases) {
      if (static_cast<int>(out.size()) >= limit) break;
      const domain::Case& c = stored.value;
      if (IsOpen(c.status) && !c.clock.first_response_due_at && !c.clock.first_responded_at) {
        out.push_back(c.reference);
      }
    }
    return out;
  }

  Result<std::vector<app::Notification>> PendingNotifications(std::int64_t after,
                                                              int limit) override {
    std::vector<app::Notification> out;
    for (const auto& n : state_.outbox) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (n.id > after && !n.delivered_at && !n.failed_at) out.push_back(n);
    }
    return out;
  }

  Result<std::vector<app::Notification>> CaseNotifications(std::int64_t case_id) override {
    std::vector<app::Notification> out;
    for (const auto& n : state_.outbox) {
      if (n.case_id == case_id) out.push_back(n);
    }
    return out;
  }

  Result<std::vector<app::MessageTemplateText>> MessageTemplates() override {
    std::vector<app::MessageTemplateText> out;
    for (const auto& [key, text] : state_.templates) out.push_back(text);
    return out;
  }

  Result<std::vector<domain::Reference>> CasesDueForUpdate(domain::Instant now,
                                                           int limit) override {
    std::vector<std::pair<domain::Instant, domain::Reference>> due;
    for (const auto& [reference, stored] : state_.cases) {
      const auto& at = stored.value.clock.next_update_due_at;
      // As the SQL adapter: only a running clock (a paused case is waiting on the beneficiary).
      const domain::CaseStatus status = stored.value.status;
      const bool running = status == domain::CaseStatus::kReceived ||
                           status == domain::CaseStatus::kAssessed ||
                           status == domain::CaseStatus::kInProgress;
      if (at && *at <= now && running) {
        due.emplace_back(*at, stored.value.reference);
      }
    }
    std::stable_sort(due.begin(), due.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<domain::Reference> out;
    for (const auto& [at, reference] : due) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(reference);
    }
    return out;
  }

  Result<std::vector<domain::HolidayAdjustment>> HolidayAdjustments() override {
    std::vector<domain::HolidayAdjustment> out;
    for (const auto& [key, adjustment] : state_.adjustments) out.push_back(adjustment);
    return out;
  }

  Result<std::vector<domain::CaseEvent>> Timeline(std::int64_t case_id, bool public_only) override {
    std::vector<domain::CaseEvent> out;
    auto it = state_.events.find(case_id);
    if (it == state_.events.end()) return out;
    for (const auto& e : it->second) {
      if (!public_only || e.visibility == domain::CaseEvent::Visibility::kPublic) {
        out.push_back(e);
      }
    }
    return out;
  }

  Result<std::vector<domain::Category>> Categories() override { return state_.categories; }

  Result<std::int64_t> CountCases() override {
    return static_cast<std::int64_t>(state_.cases.size());
  }

  Status Ping() override { return Status::Ok(); }

  Result<app::CasePage> ListCases(const app::CaseQuery& query) override {
    std::optional<SortKey> after;
    if (query.after) {
      after = ParseCursor(query.sort, *query.after);
      if (!after) return Invalid("cursor", MessageId::kInvalidCursor);
    }
    std::vector<std::pair<SortKey, const domain::Case*>> found;
    for (const auto& [reference, stored] : state_.cases) {
      if (!Matches(query, stored.value)) continue;
      SortKey key = KeyOf(query.sort, stored.value);
      if (after && key <= *after) continue;
      found.emplace_back(key, &stored.value);
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    const auto limit = static_cast<std::size_t>(std::clamp(query.limit, 1, 200));
    app::CasePage page;
    for (std::size_t i = 0; i < found.size() && i < limit; ++i) {
      page.items.push_back(*found[i].second);
    }
    if (found.size() > limit) page.next_cursor = CursorOf(query.sort, found[limit - 1].first);
    return page;
  }

  Result<std::vector<app::Attachment>> Attachments(std::int64_t case_id) override {
    auto it = state_.attachments.find(case_id);
    if (it == state_.attachments.end()) return std::vector<app::Attachment>{};
    return it->second;
  }

  Result<std::vector<domain::Department>> Departments() override {
    std::vector<domain::Department> out;
    for (const auto& [code, department] : state_.departments) out.push_back(department);
    return out;
  }

  Result<std::vector<domain::StaffUser>> Users() override {
    std::vector<domain::StaffUser> out;
    for (const auto& [id, user] : state_.users) out.push_back(user.value);
    return out;
  }

  Result<std::optional<app::StoredUser>> FindUserByEmail(std::string_view email) override {
    for (const auto& [id, user] : state_.users) {
      if (user.value.email == email) return std::optional<app::StoredUser>(user);
    }
    return std::optional<app::StoredUser>{};
  }

  Result<std::optional<domain::StaffUser>> FindUser(std::int64_t id) override {
    auto it = state_.users.find(id);
    if (it == state_.users.end()) return std::optional<domain::StaffUser>{};
    return std::optional<domain::StaffUser>(it->second.value);
  }

  Result<std::optional<domain::Session>> FindSession(
      const std::array<std::uint8_t, 32>& token_hash) override {
    auto it = state_.sessions.find(token_hash);
    if (it == state_.sessions.end()) return std::optional<domain::Session>{};
    return std::optional<domain::Session>(it->second);
  }

  Result<std::vector<domain::AuditEntry>> AuditEntries(std::int64_t after, int limit) override {
    std::vector<domain::AuditEntry> out;
    for (const auto& entry : state_.audit) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (entry.sequence > after) out.push_back(entry);
    }
    return out;
  }

  Result<domain::AuditVerification> VerifyAudit() override {
    AuditChainVerifier verifier;
    for (const auto& entry : state_.audit) {
      if (!verifier.Check(entry)) break;
    }
    return verifier.result();
  }

 private:
  bool CaseExists(std::int64_t case_id) const {
    return std::any_of(state_.cases.begin(), state_.cases.end(),
                       [&](const auto& entry) { return entry.second.value.id == case_id; });
  }

  Status CheckDepartment(const domain::StaffUser& user) const {
    if (user.department && !state_.departments.contains(*user.department)) {
      return Invalid("department", MessageId::kUnknownDepartment, *user.department);
    }
    return Status::Ok();
  }

  MemoryStore::State& state_;
};

}  // namespace

MemoryStore::MemoryStore() {
  const auto defaults = domain::DefaultCategories();
  state_.categories.assign(defaults.begin(), defaults.end());
}

void MemoryStore::Write(WriteWork work, WriteDone done) {
  Status status;
  {
    std::lock_guard lock(mutex_);
    if (fail_writes_) {
      status =
          Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable, "writes disabled");
    } else {
      State staged = state_;
      Transaction tx(staged);
      status = work(tx);
      if (status.ok()) state_ = std::move(staged);
    }
  }
  done(std::move(status));
}

Status MemoryStore::Read(const ReadWork& work) {
  std::lock_guard lock(mutex_);
  if (fail_reads_) {
    return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable, "reads disabled");
  }
  Transaction tx(state_);
  return work(tx);
}

void MemoryStore::FailWrites(bool fail) {
  std::lock_guard lock(mutex_);
  fail_writes_ = fail;
}

void MemoryStore::FailReads(bool fail) {
  std::lock_guard lock(mutex_);
  fail_reads_ = fail;
}

}  // namespace shakwa::storage::memory
