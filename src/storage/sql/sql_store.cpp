#include "storage/sql/sql_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <set>
#include <unordered_map>

#include "storage/audit_chain.hpp"
#include "storage/sql/intake_sql.hpp"

namespace shakwa::storage::sql {

namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using domain::Result;
using domain::Status;

std::int64_t Millis(domain::Instant instant) {
  return instant.time_since_epoch().count();
}
domain::Instant FromMillis(std::int64_t millis) {
  return domain::Instant{std::chrono::milliseconds{millis}};
}
std::optional<std::int64_t> OptionalMillis(const std::optional<domain::Instant>& instant) {
  if (!instant) return std::nullopt;
  return Millis(*instant);
}
std::optional<domain::Instant> OptionalInstant(const std::optional<std::int64_t>& millis) {
  if (!millis) return std::nullopt;
  return FromMillis(*millis);
}

std::string Associated(std::string_view column, std::string_view reference) {
  std::string ad = "cases.";
  ad += column;
  ad += '/';
  ad += reference;
  return ad;
}

Error Unreadable(std::string_view what) {
  return Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                   "stored value could not be read: " + std::string(what));
}

Error AlreadyExists(const std::string& what) {
  Error e = Error::Of(ErrorCode::kConflict, MessageId::kAlreadyExists, "already exists: " + what);
  e.message_param = what;
  return e;
}

Error InvalidField(std::string path, MessageId message, std::string param) {
  Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed,
                      path + ": " + std::string(domain::MessageCode(message)) + " " + param);
  e.fields.push_back(domain::FieldError{std::move(path), message, std::move(param)});
  return e;
}

template <typename E>
Result<E> Vocabulary(const std::string& name, std::string_view column) {
  auto value = domain::FromName<E>(name);
  if (!value) return Unreadable(std::string(column) + "=" + name);
  return *value;
}

// A vocabulary column that may be NULL.
template <typename E>
Status ReadName(const Statement& s, int column, std::string_view name, std::optional<E>& out) {
  out.reset();
  if (s.IsNull(column)) return Status::Ok();
  auto value = Vocabulary<E>(s.Text(column), name);
  if (!value) return std::move(value).error();
  out = *value;
  return Status::Ok();
}

template <typename E>
void BindName(Statement& s, int index, const std::optional<E>& value) {
  if (value) {
    s.Bind(index, domain::NameOf(*value));
  } else {
    s.BindNull(index);
  }
}

// Empty text is stored as NULL (actor ids, event roles and data).
void BindNonEmpty(Statement& s, int index, std::string_view text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}

Result<domain::Actor> ReadActor(const Statement& s, int kind_column, int id_column,
                                std::string_view what) {
  const auto kind = domain::ActorKindFromName(s.Text(kind_column));
  if (!kind) return Unreadable(std::string(what) + "=" + s.Text(kind_column));
  return domain::Actor{*kind, s.OptionalText(id_column).value_or("")};
}

domain::CaseEvent::Visibility VisibilityOf(const std::string& name) {
  return name == "public" ? domain::CaseEvent::Visibility::kPublic
                          : domain::CaseEvent::Visibility::kInternal;
}

// Copies a 32-byte hash column; false if it is not 32 bytes.
bool ReadHash(const Statement& s, int column, std::array<std::uint8_t, 32>& out) {
  const std::string bytes = s.Blob(column);
  out = {};
  if (bytes.size() != out.size()) return false;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return true;
}

// Remedies are stored as their wire names joined by commas; none is NULL.
std::optional<std::string> JoinRemedies(const std::vector<domain::Remedy>& remedies) {
  if (remedies.empty()) return std::nullopt;
  std::string out;
  for (const domain::Remedy remedy : remedies) {
    if (!out.empty()) out += ',';
    out += domain::NameOf(remedy);
  }
  return out;
}

Status SplitRemedies(const std::optional<std::string>& stored, std::vector<domain::Remedy>& out) {
  out.clear();
  if (!stored || stored->empty()) return Status::Ok();
  std::string_view rest = *stored;
  for (;;) {
    const std::size_t comma = rest.find(',');
    auto remedy = domain::FromName<domain::Remedy>(rest.substr(0, comma));
    if (!remedy) return Unreadable("remedies=" + *stored);
    out.push_back(*remedy);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Cases as rows

// Every column a Case is read from. 0-31 are what intake records, 32-49 the handling,
// priority_rank (50) is there only so a UNION of pages can be ordered by it, and 51-60 are the
// clock and escalation.
constexpr std::string_view kCaseColumns =
    "case_id, reference, kind, status, channel, received_at, recorded_at, recorded_by_kind, "
    "recorded_by_id, beneficiary_kind, beneficiary_name_sealed, beneficiary_email_sealed, "
    "beneficiary_mobile_sealed, beneficiary_national_id_sealed, beneficiary_organization, "
    "representative_name_sealed, representative_capacity, representative_email_sealed, "
    "representative_mobile_sealed, category, subcategory, about, subject, description, "
    "remedy_sought, language, preferred_channel, consent_notice_shown, vulnerable, "
    "escalation_level, access_code_hash, version, priority, severity, complexity, impact, "
    "immediate_action_needed, immediate_action_taken, department, assignee_id, assessed_by, "
    "concerns_department, root_cause, outcome, decision, remedies, rejection_reason, merged_into, "
    "resolution_due_at, updated_at, priority_rank, first_response_due_at, first_responded_at, "
    "next_update_due_at, sla_paused_since, sla_paused_minutes, escalation_step, "
    "escalation_due_at, escalation_owner_id, external_referral_to, external_reference, "
    "resolution_due_key";
namespace column {
constexpr int kCaseId = 0;
constexpr int kReceivedAt = 5;
constexpr int kPriority = 32;
constexpr int kUpdatedAt = 49;
constexpr int kPriorityRank = 50;
constexpr int kClock = 51;
constexpr int kResolutionDueKey = 61;
}  // namespace column

std::string SelectCasesWhere(std::string_view condition) {
  std::string sql = "SELECT ";
  sql += kCaseColumns;
  sql += " FROM cases WHERE ";
  sql += condition;
  return sql;
}

Status ReadHandling(const Statement& s, domain::CaseHandling& h) {
  int c = column::kPriority;
  auto priority = Vocabulary<domain::Priority>(s.Text(c++), "priority");
  if (!priority) return std::move(priority).error();
  h.priority = *priority;
  if (auto r = ReadName(s, c++, "severity", h.severity); !r.ok()) return r;
  if (auto r = ReadName(s, c++, "complexity", h.complexity); !r.ok()) return r;
  if (auto r = ReadName(s, c++, "impact", h.impact); !r.ok()) return r;
  h.immediate_action_needed = s.Int(c++) != 0;
  h.immediate_action_taken = s.OptionalText(c++);
  h.department = s.OptionalText(c++);
  h.assignee_id = s.OptionalInt(c++);
  h.assessed_by = s.OptionalInt(c++);
  h.concerns_department = s.OptionalText(c++);
  h.root_cause = s.OptionalText(c++);
  if (auto r = ReadName(s, c++, "outcome", h.outcome); !r.ok()) return r;
  h.decision = s.OptionalText(c++);
  if (auto r = SplitRemedies(s.OptionalText(c++), h.remedies); !r.ok()) return r;
  h.rejection_reason = s.OptionalText(c++);
  h.merged_into = s.OptionalText(c++);
  ++c;  // resolution_due_at belongs to the clock: ReadClock
  h.updated_at = FromMillis(s.Int(c++));
  return Status::Ok();
}

Status ReadClock(const Statement& s, domain::Case& value) {
  domain::CaseClock& clock = value.clock;
  clock.resolution_due_at = OptionalInstant(s.OptionalInt(column::kUpdatedAt - 1));
  int c = column::kClock;
  clock.first_response_due_at = OptionalInstant(s.OptionalInt(c++));
  clock.first_responded_at = OptionalInstant(s.OptionalInt(c++));
  clock.next_update_due_at = OptionalInstant(s.OptionalInt(c++));
  clock.paused_since = OptionalInstant(s.OptionalInt(c++));
  clock.paused_minutes = s.Int(c++);
  clock.escalation_step = static_cast<int>(s.Int(c++));
  clock.escalation_due_at = OptionalInstant(s.OptionalInt(c++));
  domain::CaseHandling& h = value.handling;
  h.escalation_owner_id = s.OptionalInt(c++);
  if (auto r = ReadName(s, c++, "external_referral_to", h.external_referral_to); !r.ok()) return r;
  h.external_reference = s.OptionalText(c++);
  return Status::Ok();
}

// The case on the current row of a statement that selected kCaseColumns, its personal data
// opened. Its related transactions are read separately (ReadTransactions).
// The outbox's columns, in the order ReadNotificationRow reads them.
constexpr std::string_view kNotificationColumns =
    "SELECT notification_id, case_id, created_at, template, recipient_kind, recipient_user_id, "
    "endpoint, data, secret_sealed, dedupe_key, attempts, next_attempt_at, delivered_at, "
    "failed_at, channel, last_outcome FROM outbox ";

std::string SecretAssociated(std::string_view dedupe_key) {
  return "outbox.secret_sealed/" + std::string(dedupe_key);
}

Result<app::Notification> ReadNotificationRow(const Statement& r, const app::FieldCipher& cipher) {
  app::Notification n;
  n.id = r.Int(0);
  n.case_id = r.Int(1);
  n.created_at = FromMillis(r.Int(2));
  n.template_name = r.Text(3);
  const std::string recipient = r.Text(4);
  n.recipient = recipient == "staff"     ? app::Notification::Recipient::kStaff
                : recipient == "webhook" ? app::Notification::Recipient::kWebhook
                                         : app::Notification::Recipient::kBeneficiary;
  n.recipient_user_id = r.OptionalInt(5);
  n.endpoint = r.OptionalText(6);
  n.data = r.OptionalText(7).value_or("");
  n.dedupe_key = r.Text(9);
  if (!r.IsNull(8)) {
    n.secret = cipher.Open(r.Blob(8), SecretAssociated(n.dedupe_key));
    if (!n.secret) return Unreadable("outbox.secret_sealed of " + std::to_string(n.id));
  }
  n.attempts = static_cast<int>(r.Int(10));
  n.next_attempt_at = FromMillis(r.Int(11));
  if (auto at = r.OptionalInt(12)) n.delivered_at = FromMillis(*at);
  if (auto at = r.OptionalInt(13)) n.failed_at = FromMillis(*at);
  n.channel = r.OptionalText(14).value_or("");
  n.last_outcome = r.OptionalText(15).value_or("");
  return n;
}

Result<app::StoredCase> ReadCaseRow(const Statement& s, const app::FieldCipher& cipher) {
  const std::string reference = s.Text(1);
  std::optional<Error> failure;
  auto open = [&](std::string_view column, int index) -> std::optional<std::string> {
    if (s.IsNull(index)) return std::nullopt;
    auto plain = cipher.Open(s.Blob(index), Associated(column, reference));
    if (!plain && !failure) failure = Unreadable(std::string(column) + " of " + reference);
    return plain;
  };
  app::StoredCase stored;
  domain::Case& c = stored.value;
  c.id = s.Int(0);
  auto parsed = domain::ParseReference(reference);
  if (!parsed) return Unreadable("cases.reference " + reference);
  c.reference = *parsed;
  auto kind = Vocabulary<domain::CaseKind>(s.Text(2), "kind");
  auto status = Vocabulary<domain::CaseStatus>(s.Text(3), "status");
  auto channel = Vocabulary<domain::Channel>(s.Text(4), "channel");
  auto beneficiary_kind = Vocabulary<domain::BeneficiaryKind>(s.Text(9), "beneficiary_kind");
  auto language = Vocabulary<domain::Language>(s.Text(25), "language");
  auto recorder = ReadActor(s, 7, 8, "recorded_by_kind");
  if (!kind) return std::move(kind).error();
  if (!status) return std::move(status).error();
  if (!channel) return std::move(channel).error();
  if (!beneficiary_kind) return std::move(beneficiary_kind).error();
  if (!language) return std::move(language).error();
  if (!recorder) return std::move(recorder).error();
  c.kind = *kind;
  c.status = *status;
  c.channel = *channel;
  c.received_at = FromMillis(s.Int(5));
  c.recorded_at = FromMillis(s.Int(6));
  c.recorded_by = *recorder;
  domain::Beneficiary& b = c.beneficiary;
  b.kind = *beneficiary_kind;
  b.name = open("beneficiary_name_sealed", 10).value_or("");
  b.email = open("beneficiary_email_sealed", 11);
  b.mobile = open("beneficiary_mobile_sealed", 12);
  b.national_id = open("beneficiary_national_id_sealed", 13);
  b.organization = s.OptionalText(14);
  if (auto name = open("representative_name_sealed", 15)) {
    b.representative = domain::Representative{*name, s.OptionalText(16).value_or(""),
                                              open("representative_email_sealed", 17),
                                              open("representative_mobile_sealed", 18)};
  }
  if (failure) return *failure;
  c.category = s.Text(19);
  c.subcategory = s.OptionalText(20);
  if (auto r = ReadName(s, 21, "about", c.about); !r.ok()) return std::move(r).error();
  c.subject = s.Text(22);
  c.description = s.Text(23);
  c.remedy_sought = s.OptionalText(24);
  c.language = *language;
  if (auto r = ReadName(s, 26, "preferred_channel", c.preferred_channel); !r.ok()) {
    return std::move(r).error();
  }
  c.consent_notice_shown = s.Int(27) != 0;
  c.vulnerable = s.Int(28) != 0;
  c.escalation_level = static_cast<int>(s.Int(29));
  if (!ReadHash(s, 30, stored.access_code_hash)) return Unreadable("access_code_hash");
  c.version = s.Int(31);
  if (auto r = ReadHandling(s, c.handling); !r.ok()) return std::move(r).error();
  if (auto r = ReadClock(s, c); !r.ok()) return std::move(r).error();
  return stored;
}

constexpr std::string_view kSelectTransactions =
    "SELECT type, number FROM case_transactions WHERE case_id = ? ORDER BY position";

Result<std::vector<domain::RelatedTransaction>> ReadTransactions(Statement& statement,
                                                                 std::int64_t case_id) {
  StatementUse use(statement);
  use->Bind(1, case_id);
  std::vector<domain::RelatedTransaction> out;
  for (;;) {
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    auto type = Vocabulary<domain::TransactionType>(use->Text(0), "case_transactions.type");
    if (!type) return std::move(type).error();
    out.push_back(domain::RelatedTransaction{*type, use->Text(1)});
  }
  return out;
}

// FindCase for either side: find selects kCaseColumns by reference, transactions is
// kSelectTransactions.
Result<std::optional<app::StoredCase>> FindCaseWith(Statement& find, Statement& transactions,
                                                    const app::FieldCipher& cipher,
                                                    const domain::Reference& ref) {
  const std::string reference = ref.ToString();
  app::StoredCase stored;
  {
    StatementUse use(find);
    use->Bind(1, std::string_view(reference));
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<app::StoredCase>{};
    auto read = ReadCaseRow(*use, cipher);
    if (!read) return std::move(read).error();
    stored = std::move(*read);
  }
  auto related = ReadTransactions(transactions, stored.value.id);
  if (!related) return std::move(related).error();
  stored.value.related_transactions = std::move(*related);
  return std::optional<app::StoredCase>(std::move(stored));
}

// The sealed columns, for re-keying.
constexpr std::array<std::string_view, 7> kSealedColumns = {
    "beneficiary_name_sealed",        "beneficiary_email_sealed",   "beneficiary_mobile_sealed",
    "beneficiary_national_id_sealed", "representative_name_sealed", "representative_email_sealed",
    "representative_mobile_sealed",
};
constexpr std::size_t kMobileSealed = 2;      // index in kSealedColumns
constexpr std::size_t kNationalIdSealed = 3;  // index in kSealedColumns

constexpr std::string_view kNationalIdPurpose = "national_id";
constexpr std::string_view kMobilePurpose = "mobile";

// ---------------------------------------------------------------------------------------------
// The audit trail

constexpr std::string_view kAuditColumns =
    "sequence, occurred_at, actor_kind, actor_id, action, subject, detail, previous_hash, hash";

// False when the row cannot be what any store wrote (an unknown actor kind, a hash of the wrong
// size): only someone editing the file makes such a row.
bool ReadAuditRow(const Statement& s, domain::AuditEntry& e) {
  e.sequence = s.Int(0);
  e.at = FromMillis(s.Int(1));
  const auto kind = domain::ActorKindFromName(s.Text(2));
  e.actor =
      domain::Actor{kind.value_or(domain::Actor::Kind::kSystem), s.OptionalText(3).value_or("")};
  e.action = s.Text(4);
  e.subject = s.Text(5);
  e.detail = s.Text(6);
  const bool hashes = ReadHash(s, 7, e.previous_hash) && ReadHash(s, 8, e.hash);
  return kind.has_value() && hashes;
}

// Appends to the chain inside the caller's transaction. The last record is read from the table
// on every append, never remembered between them: a savepoint rolled back after an append, or
// another process (the CLI) appending while the server runs, would make a remembered one wrong.
class AuditAppender {
 public:
  Status Prepare(Connection& db) {
    auto last = db.Prepare("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    if (!last) return std::move(last).error();
    auto insert = db.Prepare(
        "INSERT INTO audit_log (sequence, occurred_at, actor_kind, actor_id, action, subject, "
        "detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return std::move(insert).error();
    last_ = std::move(*last);
    insert_ = std::move(*insert);
    return Status::Ok();
  }

  Result<domain::AuditEntry> Append(const domain::AuditEntry& entry) {
    domain::AuditEntry stored = entry;
    stored.sequence = 1;
    stored.previous_hash = {};
    {
      StatementUse use(*last_);
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (*row) {
        stored.sequence = use->Int(0) + 1;
        if (!ReadHash(*use, 1, stored.previous_hash)) {
          return Unreadable("audit_log.hash of record " + std::to_string(use->Int(0)));
        }
      }
    }
    stored.hash = ChainHash(stored.previous_hash, stored);
    StatementUse use(*insert_);
    use->Bind(1, stored.sequence)
        .Bind(2, Millis(stored.at))
        .Bind(3, domain::NameOf(stored.actor.kind));
    BindNonEmpty(*use, 4, stored.actor.id);
    use->Bind(5, std::string_view(stored.action))
        .Bind(6, std::string_view(stored.subject))
        .Bind(7, std::string_view(stored.detail))
        .BindBlob(8, stored.previous_hash)
        .BindBlob(9, stored.hash);
    if (auto done = use->Step(); !done) return std::move(done).error();
    return stored;
  }

 private:
  std::unique_ptr<Statement> last_, insert_;
};

// ---------------------------------------------------------------------------------------------
// Queues: sorts and cursors

// How a sort orders rows, and the keyset condition that starts a page after a given row. Every
// order ends with case_id, so it is total and a cursor names exactly one place in it.
struct SortPlan {
  std::string_view code;   // in the cursor, so a cursor made for one sort fails in another
  std::string_view order;  // ORDER BY, by result column names (usable on a UNION)
  std::string_view after;  // the keyset condition, less the row of key values it compares with
  int keys;
};

const SortPlan& PlanOf(app::CaseQuery::Sort sort) {
  static constexpr SortPlan kReceivedAsc{"ra", "received_at ASC, case_id ASC",
                                         "(received_at, case_id) >", 2};
  static constexpr SortPlan kReceivedDesc{"rd", "received_at DESC, case_id DESC",
                                          "(received_at, case_id) <", 2};
  // urgent first (priority_rank 0), then oldest first
  static constexpr SortPlan kPriorityDesc{"pr", "priority_rank ASC, received_at ASC, case_id ASC",
                                          "(priority_rank, received_at, case_id) >", 3};
  static constexpr SortPlan kUpdatedDesc{"ud", "updated_at DESC, case_id DESC",
                                         "(updated_at, case_id) <", 2};
  // due soonest first; without a deadline last, oldest first
  static constexpr SortPlan kDueAsc{"du", "resolution_due_key ASC, received_at ASC, case_id ASC",
                                    "(resolution_due_key, received_at, case_id) >", 3};
  switch (sort) {
    case app::CaseQuery::Sort::kReceivedAsc:
      return kReceivedAsc;
    case app::CaseQuery::Sort::kReceivedDesc:
      return kReceivedDesc;
    case app::CaseQuery::Sort::kPriorityDesc:
      return kPriorityDesc;
    case app::CaseQuery::Sort::kUpdatedDesc:
      return kUpdatedDesc;
    case app::CaseQuery::Sort::kDueAsc:
      return kDueAsc;
  }
  return kReceivedDesc;
}

using SortKeys = std::array<std::int64_t, 3>;

// The sort keys of the current row of a statement that selected kCaseColumns.
SortKeys KeysOf(const SortPlan& plan, const Statement& row) {
  const std::int64_t id = row.Int(column::kCaseId);
  const std::int64_t received = row.Int(column::kReceivedAt);
  if (plan.code == "pr") return {row.Int(column::kPriorityRank), received, id};
  if (plan.code == "ud") return {row.Int(column::kUpdatedAt), id, 0};
  if (plan.code == "du") return {row.Int(column::kResolutionDueKey), received, id};
  return {received, id, 0};
}

constexpr char kHexDigits[] = "0123456789abcdef";

// A cursor is "<sort code>:<key>:<key>[:<key>]" in hex: opaque to clients, checked on return.
std::string EncodeCursor(const SortPlan& plan, const SortKeys& keys) {
  std::string plain(plan.code);
  for (int i = 0; i < plan.keys; ++i) {
    plain += ':';
    plain += std::to_string(keys[static_cast<std::size_t>(i)]);
  }
  std::string out;
  out.reserve(plain.size() * 2);
  for (const char ch : plain) {
    const auto byte = static_cast<unsigned char>(ch);
    out += kHexDigits[byte >> 4];
    out += kHexDigits[byte & 0x0F];
  }
  return out;
}

std::optional<SortKeys> DecodeCursor(const SortPlan& plan, std::string_view cursor) {
  if (cursor.empty() || cursor.size() % 2 != 0 || cursor.size() > 200) return std::nullopt;
  auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
  };
  std::string plain;
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int high = nibble(cursor[i]);
    const int low = nibble(cursor[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    plain += static_cast<char>(high * 16 + low);
  }
  std::string_view rest = plain;
  if (!rest.starts_with(plan.code) || rest.substr(plan.code.size(), 1) != ":") return std::nullopt;
  rest.remove_prefix(plan.code.size() + 1);
  SortKeys keys{};
  for (int i = 0; i < plan.keys; ++i) {
    const char* end = rest.data() + rest.size();
    auto [next, error] = std::from_chars(rest.data(), end, keys[static_cast<std::size_t>(i)]);
    if (error != std::errc{} || next == rest.data()) return std::nullopt;
    rest.remove_prefix(static_cast<std::size_t>(next - rest.data()));
    if (i + 1 < plan.keys) {
      if (!rest.starts_with(':')) return std::nullopt;
      rest.remove_prefix(1);
    }
  }
  if (!rest.empty()) return std::nullopt;
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Queues: SQL built from a CaseQuery. Values are always bound parameters, never spliced in.

struct Param {
  enum class Type { kInt, kText, kBlob };
  Type type = Type::kInt;
  std::int64_t number = 0;
  std::string bytes;
};

class SqlText {
 public:
  SqlText& operator<<(std::string_view sql) {
    text_ += sql;
    return *this;
  }
  void Int(std::int64_t value) {
    text_ += '?';
    params_.push_back(Param{Param::Type::kInt, value, {}});
  }
  void Text(std::string_view value) {
    text_ += '?';
    params_.push_back(Param{Param::Type::kText, 0, std::string(value)});
  }
  void Blob(std::span<const std::uint8_t> value) {
    text_ += '?';
    params_.push_back(Param{Param::Type::kBlob, 0, std::string(value.begin(), value.end())});
  }
  // Starts another term of an AND-ed condition.
  SqlText& And() {
    if (!text_.empty()) text_ += " AND ";
    return *this;
  }
  void Append(const SqlText& other) {
    text_ += other.text_;
    params_.insert(params_.end(), other.params_.begin(), other.params_.end());
  }
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }

  void BindTo(Statement& s) const {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const Param& p = params_[i];
      switch (p.type) {
        case Param::Type::kInt:
          s.Bind(index, p.number);
          break;
        case Param::Type::kText:
          s.Bind(index, std::string_view(p.bytes));
          break;
        case Param::Type::kBlob:
          s.BindBlob(index, std::string_view(p.bytes));
          break;
      }
    }
  }

 private:
  std::string text_;
  std::vector<Param> params_;
};

// "column = ?" or "column IN (?, ?, …)"; nothing for no values.
template <typename T, typename ToText>
void AndIn(SqlText& where, std::string_view column, const std::vector<T>& values, ToText to_text) {
  if (values.empty()) return;
  where.And() << column;
  if (values.size() == 1) {
    where << " = ";
    where.Text(to_text(values.front()));
    return;
  }
  where << " IN (";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) where << ", ";
    where.Text(to_text(values[i]));
  }
  where << ")";
}

template <typename E>
void AndInNames(SqlText& where, std::string_view column, const std::vector<E>& values) {
  AndIn(where, column, values, [](E value) { return domain::NameOf(value); });
}

void AndInTexts(SqlText& where, std::string_view column, const std::vector<std::string>& values) {
  AndIn(where, column, values, [](const std::string& value) { return std::string_view(value); });
}

constexpr std::array kFinishedStatuses = {
    domain::CaseStatus::kResolved, domain::CaseStatus::kClosed, domain::CaseStatus::kRejected,
    domain::CaseStatus::kWithdrawn, domain::CaseStatus::kMerged};

// The statuses a page of q can show: those asked for (all when none are), less those the scope
// (closed only) or the overdue filter (still open) rule out. In vocabulary order.
std::vector<domain::CaseStatus> StatusesOf(const app::CaseQuery& q) {
  std::vector<domain::CaseStatus> out;
  for (const auto& term : domain::TermsOf<domain::CaseStatus>()) {
    const domain::CaseStatus s = term.value;
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), s) == q.statuses.end()) {
      continue;
    }
    if (q.scope.closed_only && s != domain::CaseStatus::kClosed) continue;
    if ((q.overdue_at || q.first_response_overdue_at) &&
        std::find(kFinishedStatuses.begin(), kFinishedStatuses.end(), s) !=
            kFinishedStatuses.end()) {
      continue;
    }
    out.push_back(s);
  }
  return out;
}

// Every condition of q except its statuses (StatusesOf, which PageSql places).
SqlText ConditionsOf(const app::CaseQuery& q, const app::FieldCipher& cipher) {
  SqlText where;
  AndInNames(where, "kind", q.kinds);
  AndInTexts(where, "category", q.categories);
  AndInTexts(where, "department", q.departments);
  if (q.scope.department) {
    where.And() << "department = ";
    where.Text(*q.scope.department);
  }
  if (q.assignee_id) {
    where.And() << "assignee_id = ";
    where.Int(*q.assignee_id);
  }
  if (q.unassigned) where.And() << "assignee_id IS NULL";
  AndInNames(where, "priority", q.priorities);
  AndInNames(where, "channel", q.channels);
  AndInNames(where, "beneficiary_kind", q.beneficiary_kinds);
  if (q.received_from) {
    where.And() << "received_at >= ";
    where.Int(Millis(*q.received_from));
  }
  if (q.received_to) {
    where.And() << "received_at < ";
    where.Int(Millis(*q.received_to));
  }
  if (q.overdue_at) {  // and still open: see StatusesOf
    where.And() << "resolution_due_at < ";
    where.Int(Millis(*q.overdue_at));
  }
  if (q.first_response_overdue_at) {
    where.And() << "first_responded_at IS NULL AND first_response_due_at < ";
    where.Int(Millis(*q.first_response_overdue_at));
  }
  if (q.update_overdue_at) {
    where.And() << "next_update_due_at < ";
    where.Int(Millis(*q.update_overdue_at));
  }
  if (q.escalation_level_at_least) {
    where.And() << "escalation_level >= ";
    where.Int(*q.escalation_level_at_least);
  }
  if (q.escalation_owner_id) {
    where.And() << "escalation_owner_id = ";
    where.Int(*q.escalation_owner_id);
  }
  if (q.national_id) {
    where.And() << "beneficiary_national_id_index = ";
    where.Blob(cipher.BlindIndex(*q.national_id, kNationalIdPurpose));
  }
  if (q.mobile) {
    where.And() << "beneficiary_mobile_index = ";
    where.Blob(cipher.BlindIndex(*q.mobile, kMobilePurpose));
  }
  if (q.scope.agent_id) {
    where.And() << "(status = ";
    where.Text(domain::NameOf(domain::CaseStatus::kReceived));
    where << " OR recorded_by_id = ";
    where.Text(std::to_string(*q.scope.agent_id));
    where << " OR assessed_by = ";
    where.Int(*q.scope.agent_id);
    where << ")";
  }
  return where;
}

// "SELECT … FROM cases [WHERE <where> [AND <after>]]"
void AppendSelect(SqlText& sql, SqlText where, const SortPlan& plan,
                  const std::optional<SortKeys>& after) {
  if (after) {
    where.And() << plan.after << " (";
    for (int i = 0; i < plan.keys; ++i) {
      if (i > 0) where << ", ";
      where.Int((*after)[static_cast<std::size_t>(i)]);
    }
    where << ")";
  }
  sql << "SELECT " << kCaseColumns << " FROM cases";
  if (!where.empty()) {
    sql << " WHERE ";
    sql.Append(where);
  }
}

// The statement for a page of q: at most rows cases after the cursor's place. nullopt when q
// cannot match anything (say, a closed-only scope asked for other statuses).
//
// Every index a queue reads leads with the status (after the department or assignee, when the
// query pins one) and then the sort's keys (migration 0002). So a page is one SELECT per status
// the page can show, joined by UNION ALL: SQLite reads each in index order and merges them as it
// goes (MERGE (UNION ALL) in the plan, no sort), stopping at the limit, so a page costs about one
// row lookup per case shown (plus those the other filters skip), however long the history. One
// SELECT with status IN (…) would have to collect and sort every matching case to show the first
// fifty. A search by national ID or mobile finds a handful of cases through its blind index, so
// it is one SELECT, sorted.
//
// PostgreSQL does not merge the branches of a UNION ALL in order: it collects every matching row
// of every branch and sorts them (130 ms for a department's page at 20 000 cases). With
// limit_each_status each branch is a subquery with its own ORDER BY and LIMIT, which it reads
// as a backward index scan stopping at the limit, and merges (Merge Append): 5 ms.
std::optional<SqlText> PageSql(const app::CaseQuery& q, const app::FieldCipher& cipher,
                               const SortPlan& plan, const std::optional<SortKeys>& after, int rows,
                               bool limit_each_status) {
  const std::vector<domain::CaseStatus> statuses = StatusesOf(q);
  if (statuses.empty()) return std::nullopt;
  const SqlText conditions = ConditionsOf(q, cipher);
  SqlText sql;
  if (statuses.size() > 1 && !q.national_id && !q.mobile) {
    int branch = 0;
    for (const domain::CaseStatus status : statuses) {
      if (branch > 0) sql << " UNION ALL ";
      ++branch;
      SqlText where;
      where << "status = ";
      where.Text(domain::NameOf(status));
      if (!conditions.empty()) where.And().Append(conditions);
      if (!limit_each_status) {
        AppendSelect(sql, std::move(where), plan, after);
        continue;
      }
      SqlText inner;
      AppendSelect(inner, std::move(where), plan, after);
      inner << " ORDER BY " << plan.order << " LIMIT ";
      inner.Int(rows);
      sql << "SELECT * FROM (";
      sql.Append(inner);
      sql << ") AS status_" << std::to_string(branch);
    }
  } else {
    SqlText where;
    if (statuses.size() < domain::TermsOf<domain::CaseStatus>().size()) {
      AndInNames(where, "status", statuses);
    }
    if (!conditions.empty()) where.And().Append(conditions);
    AppendSelect(sql, std::move(where), plan, after);
  }
  sql << " ORDER BY " << plan.order << " LIMIT ";
  sql.Int(rows);
  return sql;
}

Error InvalidCursor() {
  return InvalidField("cursor", MessageId::kInvalidCursor, "");
}

constexpr int kMaxPageSize = 200;
// Distinct queue statements kept prepared per read connection (the SQL varies only with which
// filters are set and how many values each has, so a busy server uses a few dozen).
constexpr std::size_t kMaxCachedQueries = 64;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Migrations

Result<std::vector<int>> Migrate(Connection& db, std::span<const Migration> migrations,
                                 const Dialect& dialect, std::string_view where) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  // The lock first: nodes starting together must not race even to create the bookkeeping table.
  if (!dialect.migrations_lock.empty()) {
    if (auto s = db.Execute(dialect.migrations_lock); !s.ok()) return std::move(s).error();
  }
  auto run = [&]() -> Result<std::vector<int>> {
    if (auto s = db.Execute(dialect.create_schema_migrations); !s.ok()) {
      return std::move(s).error();
    }
    auto current = db.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!current) return std::move(current).error();
    auto row = (*current)->Step();
    if (!row) return std::move(row).error();
    const std::int64_t have = (*current)->Int(0);
    (*current)->Reset();
    if (have > latest) {
      return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
                       "the database at " + std::string(where) + " has schema version " +
                           std::to_string(have) + ", newer than this shakwa knows (" +
                           std::to_string(latest) + "): upgrade shakwa");
    }
    std::vector<int> applied;
    for (const Migration& m : migrations) {
      if (m.version <= have) continue;
      // Each migration and its bookkeeping row commit together, or not at all.
      if (auto s = db.Execute(dialect.begin_migration); !s.ok()) return std::move(s).error();
      Status s = db.Execute(m.sql);
      if (s.ok()) {
        auto record = db.Prepare(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
        if (!record) {
          s = std::move(record).error();
        } else {
          const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now());
          s = (*record)
                  ->Bind(1, std::int64_t{m.version})
                  .Bind(2, m.name)
                  .Bind(3, Millis(now))
                  .Run();
        }
      }
      if (s.ok()) s = db.Execute("COMMIT");
      if (!s.ok()) {
        (void)db.Execute("ROLLBACK");
        Error e = std::move(s).error();
        e.detail = "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                   "): " + e.detail;
        return e;
      }
      applied.push_back(m.version);
    }
    return applied;
  };
  auto applied = run();
  if (!dialect.migrations_unlock.empty()) (void)db.Execute(dialect.migrations_unlock);
  return applied;
}

// A users row, selected as kUserColumns lists.
Result<app::StoredUser> ReadUser(const Statement& s) {
  app::StoredUser stored;
  domain::StaffUser& u = stored.value;
  u.id = s.Int(0);
  u.email = s.Text(1);
  u.name = s.Text(2);
  auto role = Vocabulary<domain::Role>(s.Text(3), "users.role");
  if (!role) return std::move(role).error();
  u.role = *role;
  u.department = s.OptionalText(4);
  u.active = s.Int(5) != 0;
  u.failed_logins = static_cast<int>(s.Int(6));
  u.locked_until = OptionalInstant(s.OptionalInt(7));
  u.created_at = FromMillis(s.Int(8));
  stored.password_hash = s.Text(9);
  return stored;
}

// Every row of statement (bound by the caller), each read by read_row (a Result<T>).
template <typename T, typename ReadRow>
Result<std::vector<T>> CollectRows(Statement& statement, ReadRow read_row) {
  StatementUse use(statement);
  std::vector<T> out;
  for (;;) {
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return out;
    Result<T> value = read_row(*use);
    if (!value) return std::move(value).error();
    out.push_back(std::move(*value));
  }
}

// The user with id, by a statement selecting kUserColumns WHERE user_id = ?.
Result<std::optional<domain::StaffUser>> UserById(Statement& statement, std::int64_t id) {
  StatementUse use(statement);
  use->Bind(1, id);
  auto row = use->Step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<domain::StaffUser>{};
  auto user = ReadUser(*use);
  if (!user) return std::move(user).error();
  return std::optional<domain::StaffUser>(std::move(user->value));
}

constexpr std::string_view kUserColumns =
    "SELECT user_id, email, name, role, department, active, failed_logins, locked_until, "
    "created_at, password_hash FROM users ";

// ---------------------------------------------------------------------------------------------
// The writer's transaction

class SqlStore::Writer final : public app::WriteTransaction {
 public:
  static Result<std::unique_ptr<Writer>> Open(const Dialect& dialect,
                                              const app::FieldCipher& cipher) {
    auto db = dialect.connect(false);
    if (!db) return std::move(db).error();
    auto writer = std::unique_ptr<Writer>(new Writer(std::move(*db), cipher));
    if (auto s = writer->PrepareAll(dialect); !s.ok()) return std::move(s).error();
    return writer;
  }

  Result<std::int64_t> NextReferenceSequence(int year) override {
    StatementUse use(*next_sequence_);
    use->Bind(1, std::int64_t{year});
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return Unreadable("reference sequence");
    return use->Int(0);
  }

  Result<std::int64_t> InsertCase(const domain::Case& c,
                                  const app::AccessCodeHash& access_code_hash) override {
    const std::string reference = c.reference.ToString();
    auto seal = [&](std::string_view column, const std::optional<std::string>& value, int index) {
      if (value) {
        insert_case_->BindBlob(index, cipher_.Seal(*value, Associated(column, reference)));
      } else {
        insert_case_->BindNull(index);
      }
    };
    auto blind_index = [&](const std::optional<std::string>& value, std::string_view purpose,
                           int index) {
      if (value) {
        insert_case_->BindBlob(index, cipher_.BlindIndex(*value, purpose));
      } else {
        insert_case_->BindNull(index);
      }
    };
    StatementUse use(*insert_case_);
    use->Bind(1, std::string_view(reference))
        .Bind(2, std::int64_t{c.reference.year})
        .Bind(3, c.reference.sequence)
        .Bind(4, domain::NameOf(c.kind))
        .Bind(5, domain::NameOf(c.status))
        .Bind(6, domain::NameOf(c.channel))
        .Bind(7, Millis(c.received_at))
        .Bind(8, Millis(c.recorded_at))
        .Bind(9, domain::NameOf(c.recorded_by.kind));
    BindNonEmpty(*use, 10, c.recorded_by.id);
    const domain::Beneficiary& b = c.beneficiary;
    use->Bind(11, domain::NameOf(b.kind));
    seal("beneficiary_name_sealed", b.name, 12);
    seal("beneficiary_email_sealed", b.email, 13);
    seal("beneficiary_mobile_sealed", b.mobile, 14);
    seal("beneficiary_national_id_sealed", b.national_id, 15);
    use->Bind(16, b.organization);
    const auto& r = b.representative;
    seal("representative_name_sealed", r ? std::optional(r->name) : std::nullopt, 17);
    use->Bind(18, r ? std::optional(r->capacity) : std::nullopt);
    seal("representative_email_sealed", r ? r->email : std::nullopt, 19);
    seal("representative_mobile_sealed", r ? r->mobile : std::nullopt, 20);
    use->Bind(21, std::string_view(c.category)).Bind(22, c.subcategory);
    BindName(*use, 23, c.about);
    use->Bind(24, std::string_view(c.subject))
        .Bind(25, std::string_view(c.description))
        .Bind(26, c.remedy_sought)
        .Bind(27, domain::NameOf(c.language));
    BindName(*use, 28, c.preferred_channel);
    use->Bind(29, std::int64_t{c.consent_notice_shown})
        .Bind(30, std::int64_t{c.vulnerable})
        .Bind(31, std::int64_t{c.escalation_level})
        .BindBlob(32, access_code_hash)
        .Bind(33, c.version);
    BindHandling(*use, 34, c);
    blind_index(b.national_id, kNationalIdPurpose, 51);
    blind_index(b.mobile, kMobilePurpose, 52);
    BindClock(*use, 53, c);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return Unreadable("the id of a new case");
    const std::int64_t case_id = use->Int(0);

    for (std::size_t i = 0; i < c.related_transactions.size(); ++i) {
      const auto& t = c.related_transactions[i];
      StatementUse tx_use(*insert_transaction_);
      tx_use->Bind(1, case_id)
          .Bind(2, static_cast<std::int64_t>(i))
          .Bind(3, domain::NameOf(t.type))
          .Bind(4, std::string_view(t.number));
      auto done = tx_use->Step();
      if (!done) return std::move(done).error();
    }
    return case_id;
  }

  Result<std::int64_t> AppendEvent(std::int64_t case_id, const domain::CaseEvent& e) override {
    StatementUse use(*insert_event_);
    use->Bind(1, case_id)
        .Bind(2, Millis(e.at))
        .Bind(3, std::string_view(e.type))
        .Bind(4, domain::NameOf(e.visibility))
        .Bind(5, domain::NameOf(e.actor.kind));
    BindNonEmpty(*use, 6, e.actor.id);
    BindName(*use, 7, e.from_status);
    BindName(*use, 8, e.to_status);
    BindNonEmpty(*use, 9, e.actor_role);
    BindNonEmpty(*use, 10, e.data);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return Unreadable("the id of a new event");
    return use->Int(0);
  }

  Result<std::optional<app::StoredCase>> FindCase(const domain::Reference& reference) override {
    return FindCaseWith(*find_case_, *transactions_, cipher_, reference);
  }

  Result<std::optional<app::StoredCase>> FindCaseById(std::int64_t case_id) override {
    std::optional<domain::Reference> reference;
    {
      StatementUse use(*case_reference_);
      use->Bind(1, case_id);
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) return std::optional<app::StoredCase>{};
      reference = domain::ParseReference(use->Text(0));
      if (!reference) return Unreadable("cases.reference of " + std::to_string(case_id));
    }
    return FindCase(*reference);
  }

  Status UpdateCase(const domain::Case& c) override {
    {
      StatementUse use(*update_case_);
      use->Bind(1, domain::NameOf(c.kind))
          .Bind(2, domain::NameOf(c.status))
          .Bind(3, std::string_view(c.category))
          .Bind(4, c.subcategory)
          .Bind(5, std::int64_t{c.escalation_level});
      BindHandling(*use, 6, c);
      BindClock(*use, 27, c);
      use->Bind(23, Millis(c.handling.updated_at))
          .Bind(24, c.version)
          .Bind(25, c.id)
          .Bind(26, c.version - 1);
      auto done = use->Step();
      if (!done) return std::move(done).error();
    }
    if (db_->Changes() == 1) return Status::Ok();
    StatementUse use(*case_version_);
    use->Bind(1, c.id);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound,
                       "no case " + c.reference.ToString() + " (id " + std::to_string(c.id) + ")");
    }
    const std::int64_t current = use->Int(0);
    Error e = Error::Of(ErrorCode::kConflict, MessageId::kStaleVersion,
                        c.reference.ToString() + " is at version " + std::to_string(current) +
                            ", not " + std::to_string(c.version - 1));
    e.message_param = std::to_string(current);
    return e;
  }

  Result<std::int64_t> InsertAttachment(std::int64_t case_id, const app::Attachment& a) override {
    StatementUse use(*insert_attachment_);
    use->Bind(1, case_id)
        .Bind(2, std::string_view(a.sha256))
        .Bind(3, a.size)
        .Bind(4, std::string_view(a.media_type))
        .Bind(5, std::string_view(a.filename))
        .Bind(6, Millis(a.uploaded_at))
        .Bind(7, domain::NameOf(a.uploaded_by.kind));
    BindNonEmpty(*use, 8, a.uploaded_by.id);
    use->Bind(9, domain::NameOf(a.visibility));
    auto row = use->Step();
    if (!row) {
      if (db_->LastViolation() == Violation::kForeignKey) {
        return Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound,
                         "no case with id " + std::to_string(case_id));
      }
      return std::move(row).error();
    }
    if (!*row) return Unreadable("the id of a new attachment");
    return use->Int(0);
  }

  Result<domain::AuditEntry> AppendAudit(const domain::AuditEntry& entry) override {
    return audit_.Append(entry);
  }

  Status InsertDepartment(const domain::Department& d) override {
    StatementUse use(*insert_department_);
    use->Bind(1, std::string_view(d.code))
        .Bind(2, std::string_view(d.name_ar))
        .Bind(3, std::string_view(d.name_en))
        .Bind(4, std::int64_t{d.active});
    if (auto done = use->Step(); !done) {
      if (db_->LastViolation() == Violation::kUnique) return AlreadyExists(d.code);
      return std::move(done).error();
    }
    return Status::Ok();
  }

  Result<std::int64_t> InsertUser(const domain::StaffUser& user,
                                  const std::string& password_hash) override {
    StatementUse use(*insert_user_);
    use->Bind(1, std::string_view(user.email))
        .Bind(2, std::string_view(user.name))
        .Bind(3, domain::NameOf(user.role))
        .Bind(4, user.department)
        .Bind(5, std::string_view(password_hash))
        .Bind(6, std::int64_t{user.active})
        .Bind(7, std::int64_t{user.failed_logins})
        .Bind(8, OptionalMillis(user.locked_until))
        .Bind(9, Millis(user.created_at));
    auto row = use->Step();
    if (!row) {
      switch (db_->LastViolation()) {
        case Violation::kUnique:
          return AlreadyExists(user.email);
        case Violation::kForeignKey:
          return InvalidField("department", MessageId::kUnknownDepartment,
                              user.department.value_or(""));
        case Violation::kNone:
        case Violation::kOther:
          break;
      }
      return std::move(row).error();
    }
    if (!*row) return Unreadable("the id of a new user");
    return use->Int(0);
  }

  Status UpdateUser(const domain::StaffUser& user) override {
    StatementUse use(*update_user_);
    use->Bind(1, domain::NameOf(user.role))
        .Bind(2, user.department)
        .Bind(3, std::int64_t{user.active})
        .Bind(4, std::int64_t{user.failed_logins})
        .Bind(5, OptionalMillis(user.locked_until))
        .Bind(6, user.id);
    if (auto done = use->Step(); !done) {
      if (db_->LastViolation() == Violation::kForeignKey) {
        return InvalidField("department", MessageId::kUnknownDepartment,
                            user.department.value_or(""));
      }
      return std::move(done).error();
    }
    if (db_->Changes() == 0) {
      Error e = Error::Of(ErrorCode::kNotFound, MessageId::kUnknownUser,
                          "no user " + std::to_string(user.id));
      e.message_param = std::to_string(user.id);
      return e;
    }
    return Status::Ok();
  }

  Result<std::optional<domain::StaffUser>> FindUser(std::int64_t id) override {
    return UserById(*user_by_id_, id);
  }

  Status InsertSession(const domain::Session& session) override {
    StatementUse use(*insert_session_);
    use->BindBlob(1, session.token_hash)
        .Bind(2, session.user_id)
        .Bind(3, Millis(session.created_at))
        .Bind(4, Millis(session.expires_at))
        .Bind(5, OptionalMillis(session.revoked_at));
    if (auto done = use->Step(); !done) {
      switch (db_->LastViolation()) {
        case Violation::kUnique:
          return Error::Of(ErrorCode::kConflict, MessageId::kAlreadyExists, "session token reused");
        case Violation::kForeignKey:
          return Error::Of(ErrorCode::kNotFound, MessageId::kUnknownUser,
                           "no user " + std::to_string(session.user_id));
        case Violation::kNone:
        case Violation::kOther:
          break;
      }
      return std::move(done).error();
    }
    return Status::Ok();
  }

  Status RevokeSession(const std::array<std::uint8_t, 32>& token_hash,
                       domain::Instant at) override {
    // Revoking twice keeps the first revocation; revoking an unknown session changes nothing.
    StatementUse use(*revoke_session_);
    use->Bind(1, Millis(at)).BindBlob(2, token_hash);
    if (auto done = use->Step(); !done) return std::move(done).error();
    return Status::Ok();
  }

  Result<bool> EnqueueNotification(const app::Notification& n) override {
    StatementUse use(*enqueue_notification_);
    const domain::Instant due =
        n.next_attempt_at == domain::Instant{} ? n.created_at : n.next_attempt_at;
    use->Bind(1, n.case_id)
        .Bind(2, Millis(n.created_at))
        .Bind(3, std::string_view(n.template_name))
        .Bind(4, app::NameOf(n.recipient))
        .Bind(5, n.recipient_user_id)
        .Bind(6, n.endpoint);
    BindNonEmpty(*use, 7, n.data);
    if (n.secret) use->BindBlob(8, cipher_.Seal(*n.secret, SecretAssociated(n.dedupe_key)));
    use->Bind(9, std::string_view(n.dedupe_key)).Bind(10, Millis(due));
    auto done = use->Step();
    if (!done) return std::move(done).error();
    return db_->Changes() == 1;
  }

  Result<std::vector<app::Notification>> DueNotifications(domain::Instant now, int limit) override {
    due_notifications_->Bind(1, Millis(now)).Bind(2, std::int64_t{std::max(limit, 0)});
    return CollectRows<app::Notification>(*due_notifications_, [this](const Statement& r) {
      return ReadNotificationRow(r, cipher_);
    });
  }

  Status UpdateNotification(const app::Notification& n) override {
    auto changed = StoreDeliveryState(*update_notification_, n);
    if (!changed) return std::move(changed).error();
    if (!*changed) {
      return Error::Of(ErrorCode::kNotFound, MessageId::kInternalError, "outbox: no such row");
    }
    return Status::Ok();
  }

  Result<bool> SettleAttempt(const app::Notification& n) override {
    return StoreDeliveryState(*settle_attempt_, n);
  }

  // Runs an UPDATE of n's delivery state (attempts ?1 … last_outcome ?6, the row ?7); true if it
  // changed the row.
  Result<bool> StoreDeliveryState(Statement& update, const app::Notification& n) {
    StatementUse use(update);
    use->Bind(1, std::int64_t{n.attempts})
        .Bind(2, Millis(n.next_attempt_at))
        .Bind(3, OptionalMillis(n.delivered_at))
        .Bind(4, OptionalMillis(n.failed_at));
    BindNonEmpty(*use, 5, n.channel);
    BindNonEmpty(*use, 6, n.last_outcome);
    use->Bind(7, n.id);
    if (auto done = use->Step(); !done) return std::move(done).error();
    return db_->Changes() == 1;
  }

  Status SaveMessageTemplate(const app::MessageTemplateText& text) override {
    StatementUse use(*save_template_);
    use->Bind(1, std::string_view(text.name))
        .Bind(2, text.language == domain::Language::kArabic ? std::string_view("ar")
                                                            : std::string_view("en"))
        .Bind(3, std::string_view(text.part))
        .Bind(4, std::string_view(text.body))
        .Bind(5, text.updated_by)
        .Bind(6, Millis(text.updated_at));
    if (auto done = use->Step(); !done) return std::move(done).error();
    return Status::Ok();
  }

  Status SaveHolidayAdjustment(const domain::HolidayAdjustment& a,
                               std::optional<std::int64_t> adjusted_by,
                               domain::Instant at) override {
    StatementUse use(*save_adjustment_);
    use->Bind(1, std::string_view(a.key))
        .Bind(2, std::int64_t{a.hijri_year})
        .Bind(3, std::string_view(domain::FormatIsoDate(a.first)))
        .Bind(4, std::string_view(domain::FormatIsoDate(a.last)))
        .Bind(5, adjusted_by)
        .Bind(6, Millis(at));
    if (auto done = use->Step(); !done) return std::move(done).error();
    return Status::Ok();
  }

  Result<bool> ClaimLease(std::string_view job, std::string_view holder, domain::Instant now,
                          domain::Instant until) override {
    StatementUse use(*claim_lease_);
    use->Bind(1, job).Bind(2, holder).Bind(3, Millis(now)).Bind(4, Millis(until));
    if (auto done = use->Step(); !done) return std::move(done).error();
    return db_->Changes() == 1;
  }

  Status ReleaseLease(std::string_view job, std::string_view holder) override {
    StatementUse use(*release_lease_);
    use->Bind(1, job).Bind(2, holder);
    if (auto done = use->Step(); !done) return std::move(done).error();
    return Status::Ok();
  }

  Status Begin() {
    for (const auto& statement : begin_) {
      if (Status s = statement->Run(); !s.ok()) return s;
    }
    return Status::Ok();
  }
  Status Commit() { return commit_->Run(); }
  void Rollback() { (void)rollback_->Run(); }
  Status Savepoint() { return savepoint_->Run(); }
  Status Release() { return release_->Run(); }
  Status RollbackToSavepoint() { return rollback_to_->Run(); }
  Connection& db() { return *db_; }

 private:
  Writer(std::unique_ptr<Connection> db, const app::FieldCipher& cipher)
      : db_(std::move(db)), cipher_(cipher) {}

  // Binds the 17 handling columns other than updated_at, from first on, in kInsertCase's order.
  static void BindHandling(Statement& s, int first, const domain::Case& c) {
    const domain::CaseHandling& h = c.handling;
    int i = first;
    s.Bind(i++, domain::NameOf(h.priority));
    BindName(s, i++, h.severity);
    BindName(s, i++, h.complexity);
    BindName(s, i++, h.impact);
    s.Bind(i++, std::int64_t{h.immediate_action_needed});
    s.Bind(i++, h.immediate_action_taken);
    s.Bind(i++, h.department);
    s.Bind(i++, h.assignee_id);
    s.Bind(i++, h.assessed_by);
    s.Bind(i++, h.concerns_department);
    s.Bind(i++, h.root_cause);
    BindName(s, i++, h.outcome);
    s.Bind(i++, h.decision);
    s.Bind(i++, JoinRemedies(h.remedies));
    s.Bind(i++, h.rejection_reason);
    s.Bind(i++, h.merged_into);
    s.Bind(i++, OptionalMillis(c.clock.resolution_due_at));
  }

  // Binds the 10 clock and escalation columns, from first on, in kInsertCase's order.
  static void BindClock(Statement& s, int first, const domain::Case& c) {
    const domain::CaseClock& clock = c.clock;
    int i = first;
    s.Bind(i++, OptionalMillis(clock.first_response_due_at));
    s.Bind(i++, OptionalMillis(clock.first_responded_at));
    s.Bind(i++, OptionalMillis(clock.next_update_due_at));
    s.Bind(i++, OptionalMillis(clock.paused_since));
    s.Bind(i++, clock.paused_minutes);
    s.Bind(i++, std::int64_t{clock.escalation_step});
    s.Bind(i++, OptionalMillis(clock.escalation_due_at));
    s.Bind(i++, c.handling.escalation_owner_id);
    BindName(s, i++, c.handling.external_referral_to);
    s.Bind(i++, c.handling.external_reference);
  }

  Status PrepareAll(const Dialect& dialect) {
    for (const std::string& sql : dialect.begin_write) {
      auto statement = db_->Prepare(sql);
      if (!statement) return std::move(statement).error();
      begin_.push_back(std::move(*statement));
    }
    const std::string find_case = SelectCasesWhere("reference = ?");
    struct Want {
      std::unique_ptr<Statement>* slot;
      std::string_view sql;
    };
    const std::string user_by_id = std::string(kUserColumns) + "WHERE user_id = ?";
    // Through the partial index outbox_due: settled rows are never read.
    const std::string due_notifications =
        std::string(kNotificationColumns) +
        "WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1 "
        "ORDER BY next_attempt_at, notification_id LIMIT ?2" +
        dialect.claim_rows;
    const Want wants[] = {
        {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},
        {&savepoint_, "SAVEPOINT work"},
        {&release_, "RELEASE work"},
        {&rollback_to_, "ROLLBACK TO work"},
        {&next_sequence_, statements::kNextReferenceSequence},
        {&insert_case_, statements::kInsertCase},
        {&insert_transaction_, statements::kInsertTransaction},
        {&insert_event_, statements::kInsertEvent},
        {&find_case_, find_case},
        {&transactions_, kSelectTransactions},
        // The same order as BindHandling, from ?6.
        {&update_case_,
         "UPDATE cases SET kind = ?1, status = ?2, category = ?3, subcategory = ?4, "
         "escalation_level = ?5, priority = ?6, severity = ?7, complexity = ?8, impact = ?9, "
         "immediate_action_needed = ?10, immediate_action_taken = ?11, department = ?12, "
         "assignee_id = ?13, assessed_by = ?14, concerns_department = ?15, root_cause = ?16, "
         "outcome = ?17, decision = ?18, remedies = ?19, rejection_reason = ?20, "
         "merged_into = ?21, resolution_due_at = ?22, updated_at = ?23, version = ?24, "
         "first_response_due_at = ?27, first_responded_at = ?28, next_update_due_at = ?29, "
         "sla_paused_since = ?30, sla_paused_minutes = ?31, escalation_step = ?32, "
         "escalation_due_at = ?33, escalation_owner_id = ?34, external_referral_to = ?35, "
         "external_reference = ?36 WHERE case_id = ?25 AND version = ?26"},
        {&case_version_, "SELECT version FROM cases WHERE case_id = ?"},
        {&case_reference_, "SELECT reference FROM cases WHERE case_id = ?"},
        {&insert_attachment_,
         "INSERT INTO attachments (case_id, sha256, size, media_type, filename, uploaded_at, "
         "uploaded_by_kind, uploaded_by_id, visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
         "RETURNING attachment_id"},
        {&insert_department_,
         "INSERT INTO departments (code, name_ar, name_en, active) VALUES (?, ?, ?, ?)"},
        {&insert_user_,
         "INSERT INTO users (email, name, role, department, password_hash, active, "
         "failed_logins, locked_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
         "RETURNING user_id"},
        {&update_user_,
         "UPDATE users SET role = ?, department = ?, active = ?, failed_logins = ?, "
         "locked_until = ? WHERE user_id = ?"},
        {&user_by_id_, user_by_id},
        {&insert_session_,
         "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) "
         "VALUES (?, ?, ?, ?, ?)"},
        {&revoke_session_,
         "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL"},
        {&enqueue_notification_,
         "INSERT INTO outbox (case_id, created_at, template, recipient_kind, "
         "recipient_user_id, endpoint, data, secret_sealed, dedupe_key, next_attempt_at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING"},
        {&due_notifications_, due_notifications},
        {&update_notification_,
         "UPDATE outbox SET attempts = ?1, next_attempt_at = ?2, delivered_at = ?3, "
         "failed_at = ?4, channel = ?5, last_outcome = ?6, secret_sealed = CASE WHEN "
         "CAST(?3 AS BIGINT) IS NULL AND CAST(?4 AS BIGINT) IS NULL THEN secret_sealed END "
         "WHERE notification_id = ?7"},
        // UpdateNotification's, only while the row is unsettled and (unless this is a delivery)
        // still at the attempt that was claimed.
        {&settle_attempt_,
         "UPDATE outbox SET attempts = CASE WHEN attempts > CAST(?1 AS BIGINT) THEN attempts ELSE "
         "CAST(?1 AS BIGINT) END, next_attempt_at = ?2, delivered_at = ?3, failed_at = ?4, "
         "channel = ?5, last_outcome = ?6, secret_sealed = CASE WHEN CAST(?3 AS BIGINT) IS NULL "
         "AND CAST(?4 AS BIGINT) IS NULL THEN secret_sealed END WHERE notification_id = ?7 AND "
         "delivered_at IS NULL AND failed_at IS NULL AND (attempts = CAST(?1 AS BIGINT) OR "
         "CAST(?3 AS BIGINT) IS NOT NULL)"},
        {&save_template_,
         "INSERT INTO message_templates (name, language, part, body, updated_by, updated_at) "
         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name, language, part) DO UPDATE SET body = "
         "excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at"},
        {&save_adjustment_,
         "INSERT INTO holiday_adjustments (holiday_key, hijri_year, first_date, last_date, "
         "adjusted_by, adjusted_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (holiday_key, "
         "hijri_year) DO UPDATE SET first_date = excluded.first_date, last_date = "
         "excluded.last_date, adjusted_by = excluded.adjusted_by, adjusted_at = "
         "excluded.adjusted_at"},
        // Taken when free or expired, renewed by its holder; otherwise nothing changes (0 rows).
        {&claim_lease_,
         "INSERT INTO job_leases (job, holder, acquired_at, expires_at) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, acquired_at = CASE WHEN "
         "job_leases.holder = excluded.holder THEN job_leases.acquired_at ELSE "
         "excluded.acquired_at END, expires_at = excluded.expires_at WHERE job_leases.holder = "
         "excluded.holder OR job_leases.expires_at <= excluded.acquired_at"},
        {&release_lease_, "DELETE FROM job_leases WHERE job = ? AND holder = ?"},
    };
    for (const Want& want : wants) {
      auto statement = db_->Prepare(want.sql);
      if (!statement) return std::move(statement).error();
      *want.slot = std::move(*statement);
    }
    return audit_.Prepare(*db_);
  }

  std::unique_ptr<Connection> db_;
  const app::FieldCipher& cipher_;
  std::vector<std::unique_ptr<Statement>> begin_;
  std::unique_ptr<Statement> commit_, rollback_, savepoint_, release_, rollback_to_, next_sequence_,
      insert_case_, insert_transaction_, insert_event_, find_case_, transactions_, update_case_,
      case_version_, case_reference_, insert_attachment_, insert_department_, insert_user_,
      update_user_, insert_session_, revoke_session_, user_by_id_, enqueue_notification_,
      due_notifications_, update_notification_, save_template_, save_adjustment_, claim_lease_,
      release_lease_, settle_attempt_;
  AuditAppender audit_;
};

// ---------------------------------------------------------------------------------------------
// A reader's transaction

class SqlStore::Reader final : public app::ReadTransaction {
 public:
  static Result<std::unique_ptr<Reader>> Open(const Dialect& dialect,
                                              const app::FieldCipher& cipher) {
    auto db = dialect.connect(true);
    if (!db) return std::move(db).error();
    auto reader = std::unique_ptr<Reader>(new Reader(std::move(*db), cipher));
    reader->limit_each_status_ = dialect.limit_each_status;
    const std::string user_columns(kUserColumns);
    const std::string audit_columns = "SELECT " + std::string(kAuditColumns) + " FROM audit_log ";
    const std::pair<std::unique_ptr<Statement>*, std::string> wants[] = {
        {&reader->begin_, dialect.begin_read},
        {&reader->end_, "COMMIT"},
        {&reader->find_case_, SelectCasesWhere("reference = ?")},
        {&reader->transactions_, std::string(kSelectTransactions)},
        {&reader->timeline_,
         "SELECT event_id, occurred_at, type, visibility, actor_kind, actor_id, from_status, "
         "to_status, actor_role, data FROM case_events "
         "WHERE case_id = ? AND (? = 0 OR visibility = 'public') ORDER BY event_id"},
        {&reader->categories_,
         "SELECT code, name_ar, name_en, active FROM categories ORDER BY position"},
        {&reader->count_, "SELECT count(*) FROM cases"},
        {&reader->ping_, "SELECT max(version) FROM schema_migrations"},
        {&reader->attachments_,
         "SELECT attachment_id, sha256, size, media_type, filename, uploaded_at, "
         "uploaded_by_kind, uploaded_by_id, visibility FROM attachments WHERE case_id = ? "
         "ORDER BY attachment_id"},
        {&reader->departments_,
         "SELECT code, name_ar, name_en, active FROM departments ORDER BY code"},
        {&reader->users_, user_columns + "ORDER BY user_id"},
        {&reader->user_by_email_, user_columns + "WHERE email = ?"},
        {&reader->user_by_id_, user_columns + "WHERE user_id = ?"},
        {&reader->session_,
         "SELECT user_id, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?"},
        {&reader->audit_page_, audit_columns + "WHERE sequence > ? ORDER BY sequence LIMIT ?"},
        {&reader->audit_all_, audit_columns + "ORDER BY sequence"},
    };
    for (const auto& [slot, sql] : wants) {
      auto statement = reader->db_->Prepare(sql);
      if (!statement) return std::move(statement).error();
      *slot = std::move(*statement);
    }
    return reader;
  }

  Result<std::optional<app::StoredCase>> FindCase(const domain::Reference& reference) override {
    return FindCaseWith(*find_case_, *transactions_, cipher_, reference);
  }

  Result<std::vector<domain::CaseEvent>> Timeline(std::int64_t case_id, bool public_only) override {
    StatementUse use(*timeline_);
    use->Bind(1, case_id).Bind(2, std::int64_t{public_only});
    std::vector<domain::CaseEvent> events;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      domain::CaseEvent e;
      e.id = use->Int(0);
      e.at = FromMillis(use->Int(1));
      e.type = use->Text(2);
      e.visibility = VisibilityOf(use->Text(3));
      auto actor = ReadActor(*use, 4, 5, "case_events.actor_kind");
      if (!actor) return std::move(actor).error();
      e.actor = std::move(*actor);
      if (auto r = ReadName(*use, 6, "from_status", e.from_status); !r.ok()) {
        return std::move(r).error();
      }
      if (auto r = ReadName(*use, 7, "to_status", e.to_status); !r.ok()) {
        return std::move(r).error();
      }
      e.actor_role = use->OptionalText(8).value_or("");
      e.data = use->OptionalText(9).value_or("");
      events.push_back(std::move(e));
    }
    return events;
  }

  Result<std::vector<domain::Category>> Categories() override {
    return CollectRows<domain::Category>(*categories_, [](const Statement& r) {
      return Result<domain::Category>(
          domain::Category{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0});
    });
  }

  Result<std::int64_t> CountCases() override {
    StatementUse use(*count_);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    return use->Int(0);
  }

  Status Ping() override {
    StatementUse use(*ping_);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    return Status::Ok();
  }

  // One statement per page (PageSql), fetching one case more than the limit to learn whether
  // another page follows.
  Result<app::CasePage> ListCases(const app::CaseQuery& q) override {
    const SortPlan& plan = PlanOf(q.sort);
    std::optional<SortKeys> after;
    if (q.after) {
      after = DecodeCursor(plan, *q.after);
      if (!after) return InvalidCursor();
    }
    const int limit = std::clamp(q.limit, 1, kMaxPageSize);

    const auto sql = PageSql(q, cipher_, plan, after, limit + 1, limit_each_status_);
    if (!sql) return app::CasePage{};
    auto statement = Cached(sql->text());
    if (!statement) return std::move(statement).error();
    app::CasePage page;
    std::vector<SortKeys> keys;
    {
      StatementUse use(**statement);
      sql->BindTo(*use);
      for (;;) {
        auto row = use->Step();
        if (!row) return std::move(row).error();
        if (!*row) break;
        auto stored = ReadCaseRow(*use, cipher_);
        if (!stored) return std::move(stored).error();
        page.items.push_back(std::move(stored->value));
        keys.push_back(KeysOf(plan, *use));
      }
    }
    if (page.items.size() > static_cast<std::size_t>(limit)) {
      page.items.pop_back();
      page.next_cursor = EncodeCursor(plan, keys[static_cast<std::size_t>(limit) - 1]);
    }
    if (Status s = ReadPageTransactions(page.items); !s.ok()) return std::move(s).error();
    return page;
  }

  // The related transactions of a page's cases in one statement, not one per case: on a server
  // database every statement is a round trip.
  Status ReadPageTransactions(std::vector<domain::Case>& cases) {
    if (cases.empty()) return Status::Ok();
    SqlText sql;
    sql << "SELECT case_id, type, number FROM case_transactions WHERE case_id IN (";
    std::unordered_map<std::int64_t, domain::Case*> by_id;
    for (domain::Case& c : cases) {
      if (!by_id.empty()) sql << ", ";
      sql.Int(c.id);
      by_id.emplace(c.id, &c);
    }
    sql << ") ORDER BY case_id, position";
    auto statement = Cached(sql.text());
    if (!statement) return std::move(statement).error();
    StatementUse use(**statement);
    sql.BindTo(*use);
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) return Status::Ok();
      auto type = Vocabulary<domain::TransactionType>(use->Text(1), "case_transactions.type");
      if (!type) return std::move(type).error();
      if (auto it = by_id.find(use->Int(0)); it != by_id.end()) {
        it->second->related_transactions.push_back(domain::RelatedTransaction{*type, use->Text(2)});
      }
    }
  }

  Result<std::vector<app::Attachment>> Attachments(std::int64_t case_id) override {
    StatementUse use(*attachments_);
    use->Bind(1, case_id);
    std::vector<app::Attachment> out;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      app::Attachment a;
      a.id = use->Int(0);
      a.sha256 = use->Text(1);
      a.size = use->Int(2);
      a.media_type = use->Text(3);
      a.filename = use->Text(4);
      a.uploaded_at = FromMillis(use->Int(5));
      auto by = ReadActor(*use, 6, 7, "attachments.uploaded_by_kind");
      if (!by) return std::move(by).error();
      a.uploaded_by = std::move(*by);
      a.visibility = VisibilityOf(use->Text(8));
      out.push_back(std::move(a));
    }
    return out;
  }

  Result<std::vector<domain::Department>> Departments() override {
    return CollectRows<domain::Department>(*departments_, [](const Statement& r) {
      return Result<domain::Department>(
          domain::Department{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0});
    });
  }

  Result<std::vector<domain::StaffUser>> Users() override {
    return CollectRows<domain::StaffUser>(*users_, [](const Statement& r) {
      auto user = ReadUser(r);
      if (!user) return Result<domain::StaffUser>(std::move(user).error());
      return Result<domain::StaffUser>(std::move(user->value));
    });
  }

  Result<std::optional<app::StoredUser>> FindUserByEmail(std::string_view email) override {
    StatementUse use(*user_by_email_);
    use->Bind(1, email);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<app::StoredUser>{};
    auto user = ReadUser(*use);
    if (!user) return std::move(user).error();
    return std::optional<app::StoredUser>(std::move(*user));
  }

  Result<std::optional<domain::StaffUser>> FindUser(std::int64_t id) override {
    return UserById(*user_by_id_, id);
  }

  Result<std::optional<domain::Session>> FindSession(
      const std::array<std::uint8_t, 32>& token_hash) override {
    StatementUse use(*session_);
    use->BindBlob(1, token_hash);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<domain::Session>{};
    domain::Session session;
    session.token_hash = token_hash;
    session.user_id = use->Int(0);
    session.created_at = FromMillis(use->Int(1));
    session.expires_at = FromMillis(use->Int(2));
    session.revoked_at = OptionalInstant(use->OptionalInt(3));
    return std::optional<domain::Session>(session);
  }

  Result<std::vector<domain::AuditEntry>> AuditEntries(std::int64_t after, int limit) override {
    StatementUse use(*audit_page_);
    use->Bind(1, after).Bind(2, std::int64_t{std::max(limit, 0)});
    std::vector<domain::AuditEntry> out;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      domain::AuditEntry e;
      if (!ReadAuditRow(*use, e)) {
        return Unreadable("audit_log record " + std::to_string(e.sequence));
      }
      out.push_back(std::move(e));
    }
    return out;
  }

  // One statement over the whole trail, in this read's snapshot; records are checked as they
  // stream past, never held.
  Result<domain::AuditVerification> VerifyAudit() override {
    StatementUse use(*audit_all_);
    AuditChainVerifier verifier;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      domain::AuditEntry e;
      if (!ReadAuditRow(*use, e)) {
        // A row no store could have written: make sure it fails its hash check, so that it is
        // reported like any other altered record (after the checks of sequence and link).
        e.hash = ChainHash(e.previous_hash, e);
        e.hash[0] ^= 1;
      }
      if (!verifier.Check(e)) break;
    }
    return verifier.result();
  }

  Result<std::vector<domain::Reference>> CasesDueForEscalation(domain::Instant now,
                                                               int limit) override {
    // Reads cases_escalation_due only: the rows due, soonest first.
    auto statement = Cached(
        "SELECT reference FROM cases WHERE escalation_due_at IS NOT NULL AND "
        "escalation_due_at <= ?1 ORDER BY escalation_due_at LIMIT ?2");
    if (!statement) return std::move(statement).error();
    (*statement)->Bind(1, Millis(now)).Bind(2, std::int64_t{std::max(limit, 0)});
    return CollectRows<domain::Reference>(**statement, [](const Statement& r) {
      auto reference = domain::ParseReference(r.Text(0));
      if (!reference) return Result<domain::Reference>(Unreadable("cases.reference"));
      return Result<domain::Reference>(*reference);
    });
  }

  Result<std::vector<std::pair<std::int64_t, domain::Reference>>> CasesWithClockRunning(
      std::int64_t after_id, int limit) override {
    using Row = std::pair<std::int64_t, domain::Reference>;
    auto statement = Cached(
        "SELECT case_id, reference FROM cases WHERE case_id > ?1 AND status IN ('received', "
        "'assessed', 'in_progress', 'awaiting_beneficiary') ORDER BY case_id LIMIT ?2");
    if (!statement) return std::move(statement).error();
    (*statement)->Bind(1, after_id).Bind(2, std::int64_t{std::max(limit, 0)});
    return CollectRows<Row>(**statement, [](const Statement& r) {
      auto reference = domain::ParseReference(r.Text(1));
      if (!reference) return Result<Row>(Unreadable("cases.reference"));
      return Result<Row>(Row{r.Int(0), *reference});
    });
  }

  Result<std::vector<domain::Reference>> CasesWithoutClock(int limit) override {
    // Found through cases_first_response_due, whose rows are exactly the unanswered cases.
    auto statement = Cached(
        "SELECT reference FROM cases WHERE first_responded_at IS NULL AND "
        "first_response_due_at IS NULL AND status IN ('received', 'assessed', 'in_progress', "
        "'awaiting_beneficiary') LIMIT ?1");
    if (!statement) return std::move(statement).error();
    (*statement)->Bind(1, std::int64_t{std::max(limit, 0)});
    return CollectRows<domain::Reference>(**statement, [](const Statement& r) {
      auto reference = domain::ParseReference(r.Text(0));
      if (!reference) return Result<domain::Reference>(Unreadable("cases.reference"));
      return Result<domain::Reference>(*reference);
    });
  }

  Result<std::vector<app::Notification>> PendingNotifications(std::int64_t after,
                                                              int limit) override {
    auto statement = Cached(std::string(kNotificationColumns) +
                            "WHERE delivered_at IS NULL AND failed_at IS NULL AND "
                            "notification_id > ?1 ORDER BY notification_id LIMIT ?2");
    if (!statement) return std::move(statement).error();
    (*statement)->Bind(1, after).Bind(2, std::int64_t{std::max(limit, 0)});
    return CollectRows<app::Notification>(
        **statement, [this](const Statement& r) { return ReadNotificationRow(r, cipher_); });
  }

  Result<std::vector<app::Notification>> CaseNotifications(std::int64_t case_id) override {
    auto statement =
        Cached(std::string(kNotificationColumns) + "WHERE case_id = ?1 ORDER BY notification_id");
    if (!statement) return std::move(statement).error();
    (*statement)->Bind(1, case_id);
    return CollectRows<app::Notification>(
        **statement, [this](const Statement& r) { return ReadNotificationRow(r, cipher_); });
  }

  Result<std::vector<app::MessageTemplateText>> MessageTemplates() override {
    auto statement = Cached(
        "SELECT name, language, part, body, updated_by, updated_at FROM message_templates "
        "ORDER BY name, language, part");
    if (!statement) return std::move(statement).error();
    return CollectRows<app::MessageTemplateText>(**statement, [](const Statement& r) {
      app::MessageTemplateText t;
      t.name = r.Text(0);
      t.language = r.Text(1) == "en" ? domain::Language::kEnglish : domain::Language::kArabic;
      t.part = r.Text(2);
      t.body = r.Text(3);
      t.updated_by = r.OptionalInt(4);
      t.updated_at = FromMillis(r.Int(5));
      return Result<app::MessageTemplateText>(std::move(t));
    });
  }

  Result<std::vector<domain::Reference>> CasesDueForUpdate(domain::Instant now,
                                                           int limit) override {
    // Through the partial index cases_update_due; the clock keeps the column empty for cases
    // not running (closed, paused), so the status test only guards against a stale row.
    auto statement = Cached(
        "SELECT reference FROM cases WHERE next_update_due_at IS NOT NULL AND "
        "next_update_due_at <= ?1 AND status IN ('received', 'assessed', 'in_progress') "
        "ORDER BY next_update_due_at LIMIT ?2");
    if (!statement) return std::move(statement).error();
    (*statement)->Bind(1, Millis(now)).Bind(2, std::int64_t{std::max(limit, 0)});
    return CollectRows<domain::Reference>(**statement, [](const Statement& r) {
      auto reference = domain::ParseReference(r.Text(0));
      if (!reference) return Result<domain::Reference>(Unreadable("cases.reference"));
      return Result<domain::Reference>(*reference);
    });
  }

  Result<std::vector<domain::HolidayAdjustment>> HolidayAdjustments() override {
    auto statement = Cached(
        "SELECT holiday_key, hijri_year, first_date, last_date FROM holiday_adjustments "
        "ORDER BY hijri_year, holiday_key");
    if (!statement) return std::move(statement).error();
    return CollectRows<domain::HolidayAdjustment>(**statement, [](const Statement& r) {
      const auto first = domain::ParseIsoDate(r.Text(2));
      const auto last = domain::ParseIsoDate(r.Text(3));
      if (!first || !last) {
        return Result<domain::HolidayAdjustment>(Unreadable("holiday_adjustments " + r.Text(0)));
      }
      return Result<domain::HolidayAdjustment>(
          domain::HolidayAdjustment{r.Text(0), static_cast<int>(r.Int(1)), *first, *last});
    });
  }

  Status Begin() { return begin_->Run(); }
  Status End() { return end_->Run(); }
  bool Broken() const { return db_->Broken(); }

 private:
  Reader(std::unique_ptr<Connection> db, const app::FieldCipher& cipher)
      : db_(std::move(db)), cipher_(cipher) {}

  // The prepared statement for a queue's SQL, prepared on first use.
  Result<Statement*> Cached(const std::string& sql) {
    if (auto it = queries_.find(sql); it != queries_.end()) return it->second.get();
    if (queries_.size() >= kMaxCachedQueries) queries_.clear();
    auto prepared = db_->Prepare(sql);
    if (!prepared) return std::move(prepared).error();
    return queries_.emplace(sql, std::move(*prepared)).first->second.get();
  }

  std::unique_ptr<Connection> db_;
  const app::FieldCipher& cipher_;
  std::unique_ptr<Statement> begin_, end_, find_case_, transactions_, timeline_, categories_,
      count_, ping_, attachments_, departments_, users_, user_by_email_, user_by_id_, session_,
      audit_page_, audit_all_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> queries_;
  bool limit_each_status_ = false;  // Dialect::limit_each_status
};

// ---------------------------------------------------------------------------------------------
// Re-keying

Result<std::int64_t> RekeyPersonalData(Connection& db, const Dialect& dialect,
                                       const app::FieldCipher& cipher) {
  std::string select = "SELECT case_id, reference";
  std::string update = "UPDATE cases SET ";
  for (std::size_t i = 0; i < kSealedColumns.size(); ++i) {
    select += ", ";
    select += kSealedColumns[i];
    update += kSealedColumns[i];
    update += " = ?" + std::to_string(i + 1) + ", ";
  }
  // Cases are read a page at a time by case_id, never through a statement left open across the
  // updates, so memory stays flat however many cases there are.
  select += " FROM cases WHERE case_id > ? ORDER BY case_id LIMIT 256";
  update += "beneficiary_national_id_index = ?8, beneficiary_mobile_index = ?9 WHERE case_id = ?10";
  auto page = db.Prepare(select);
  if (!page) return std::move(page).error();
  auto rewrite = db.Prepare(update);
  if (!rewrite) return std::move(rewrite).error();
  AuditAppender audit;
  if (auto s = audit.Prepare(db); !s.ok()) return std::move(s).error();

  struct Row {
    std::int64_t id = 0;
    std::string reference;
    std::array<std::optional<std::string>, kSealedColumns.size()> sealed;
  };
  auto run = [&]() -> Result<std::int64_t> {
    std::int64_t count = 0;
    std::int64_t last_id = 0;
    std::vector<Row> rows;
    for (;;) {
      rows.clear();
      {
        StatementUse use(**page);
        use->Bind(1, last_id);
        for (;;) {
          auto row = use->Step();
          if (!row) return std::move(row).error();
          if (!*row) break;
          Row r;
          r.id = use->Int(0);
          r.reference = use->Text(1);
          for (std::size_t i = 0; i < kSealedColumns.size(); ++i) {
            const int column = static_cast<int>(i) + 2;
            if (!use->IsNull(column)) r.sealed[i] = use->Blob(column);
          }
          rows.push_back(std::move(r));
        }
      }
      if (rows.empty()) break;
      for (const Row& r : rows) {
        StatementUse use(**rewrite);
        std::array<std::optional<std::string>, kSealedColumns.size()> plain;
        for (std::size_t i = 0; i < kSealedColumns.size(); ++i) {
          const int index = static_cast<int>(i) + 1;
          if (!r.sealed[i]) {
            use->BindNull(index);
            continue;
          }
          const std::string associated = Associated(kSealedColumns[i], r.reference);
          plain[i] = cipher.Open(*r.sealed[i], associated);
          if (!plain[i]) {
            return Unreadable(std::string(kSealedColumns[i]) + " of " + r.reference +
                              " (sealed under key version " +
                              std::to_string(cipher.KeyVersionOf(*r.sealed[i])) +
                              ", which this keyring cannot open)");
          }
          use->BindBlob(index, cipher.Seal(*plain[i], associated));
        }
        const auto& national_id = plain[kNationalIdSealed];
        const auto& mobile = plain[kMobileSealed];
        if (national_id) {
          use->BindBlob(8, cipher.BlindIndex(*national_id, kNationalIdPurpose));
        } else {
          use->BindNull(8);
        }
        if (mobile) {
          use->BindBlob(9, cipher.BlindIndex(*mobile, kMobilePurpose));
        } else {
          use->BindNull(9);
        }
        use->Bind(10, r.id);
        if (auto done = use->Step(); !done) return std::move(done).error();
        ++count;
      }
      last_id = rows.back().id;
    }
    const int version = cipher.KeyVersionOf(cipher.Seal("", "keys.rotated"));
    domain::AuditEntry entry;
    entry.at =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    entry.actor = domain::Actor{domain::Actor::Kind::kSystem, ""};
    entry.action = "keys.rotated";
    entry.subject = "keys";
    entry.detail =
        "{\"cases\":" + std::to_string(count) + ",\"key_version\":" + std::to_string(version) + "}";
    if (auto appended = audit.Append(entry); !appended) return std::move(appended).error();
    return count;
  };

  for (const std::string& begin : dialect.begin_write) {
    if (auto s = db.Execute(begin); !s.ok()) {
      (void)db.Execute("ROLLBACK");
      return std::move(s).error();
    }
  }
  auto resealed = run();
  if (!resealed) {
    (void)db.Execute("ROLLBACK");
    return resealed;
  }
  if (auto s = db.Execute("COMMIT"); !s.ok()) {
    (void)db.Execute("ROLLBACK");
    return std::move(s).error();
  }
  return resealed;
}

Result<std::vector<std::string>> ExplainQueuePage(Connection& db, const Dialect& dialect,
                                                  std::string_view explain_prefix,
                                                  int detail_column, const app::CaseQuery& query,
                                                  const app::FieldCipher& cipher) {
  const bool limit_each_status = dialect.limit_each_status;
  const SortPlan& plan = PlanOf(query.sort);
  std::optional<SortKeys> after;
  if (query.after) {
    after = DecodeCursor(plan, *query.after);
    if (!after) return InvalidCursor();
  }
  const auto sql = PageSql(query, cipher, plan, after, std::clamp(query.limit, 1, kMaxPageSize),
                           limit_each_status);
  if (!sql) return std::vector<std::string>{};
  auto explain = db.Prepare(std::string(explain_prefix) + sql->text());
  if (!explain) return std::move(explain).error();
  StatementUse use(**explain);
  sql->BindTo(*use);
  std::vector<std::string> steps;
  for (;;) {
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    steps.push_back(use->Text(detail_column));
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// The store

SqlStore::SqlStore(Dialect dialect, StoreSettings settings, const app::FieldCipher& cipher)
    : dialect_(std::move(dialect)), settings_(settings), cipher_(cipher) {}

Status SqlStore::Start() {
  auto writer = Writer::Open(dialect_, cipher_);
  if (!writer) return std::move(writer).error();
  writer_ = std::move(*writer);
  for (int i = 0; i < std::max(1, settings_.readers); ++i) {
    auto reader = Reader::Open(dialect_, cipher_);
    if (!reader) return std::move(reader).error();
    idle_readers_.push_back(std::move(*reader));
  }
  free_slots_ = static_cast<int>(idle_readers_.size());
  writer_thread_ = std::thread([this] { WriterLoop(); });
  completer_thread_ = std::thread([this] { CompleterLoop(); });
  return Status::Ok();
}

SqlStore::~SqlStore() {
  Close();
}

void SqlStore::Close() {
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_ && !writer_thread_.joinable()) return;
    closing_ = true;
  }
  queue_ready_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    std::lock_guard lock(completed_mutex_);
    completer_closing_ = true;
  }
  completed_ready_.notify_all();
  if (completer_thread_.joinable()) completer_thread_.join();
  if (writer_ && !dialect_.on_close.empty()) (void)writer_->db().Execute(dialect_.on_close);
}

void SqlStore::Write(WriteWork work, WriteDone done) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!closing_) {
      queue_.push_back(Pending{std::move(work), std::move(done)});
      queue_ready_.notify_one();
      return;
    }
  }
  done(Error::Of(ErrorCode::kUnavailable, MessageId::kShuttingDown, "store is closed"));
}

void SqlStore::WriterLoop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing, and nothing left to commit
      while (!queue_.empty() && batch.size() < settings_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

// Begins the writer's transaction. A writer whose connection was lost (found out at the latest
// by this BEGIN: a server restart, a failover) is opened again and the BEGIN tried once more:
// nothing of the batch has run yet, so no work is lost or done twice.
Status SqlStore::BeginBatch() {
  Status begun = Status::Ok();
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!writer_ || writer_->db().Broken()) {
      writer_.reset();
      auto writer = Writer::Open(dialect_, cipher_);
      if (!writer) return std::move(writer).error();
      writer_ = std::move(*writer);
    }
    begun = writer_->Begin();
    if (begun.ok()) return begun;
    writer_->Rollback();
    if (!writer_->db().Broken()) break;
  }
  return begun;
}

void SqlStore::RunBatch(std::vector<Pending>& batch) {
  std::vector<Status> results(batch.size());
  Status begun = BeginBatch();
  if (!begun.ok()) {
    for (auto& result : results) result = begun;
  } else {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Status s = writer_->Savepoint();
      if (s.ok()) {
        try {
          s = batch[i].work(*writer_);
        } catch (const std::exception& e) {
          s = Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                        std::string("write work threw: ") + e.what());
        }
        if (!s.ok()) (void)writer_->RollbackToSavepoint();
        if (Status released = writer_->Release(); !released.ok() && s.ok()) s = released;
      }
      results[i] = std::move(s);
    }
    if (Status committed = writer_->Commit(); !committed.ok()) {
      writer_->Rollback();
      for (auto& result : results) {
        if (result.ok()) result = committed;
      }
    }
  }
  bool more_waiting = false;
  {
    std::lock_guard lock(queue_mutex_);
    counters_.commits += 1;
    counters_.writes += batch.size();
    more_waiting = !queue_.empty();
  }
  if (!more_waiting) {
    // Nothing else to commit: answering now is quicker than waking another thread.
    Complete(std::move(batch), std::move(results));
  } else {
    {
      std::lock_guard lock(completed_mutex_);
      completed_.push_back(Completed{std::move(batch), std::move(results)});
    }
    completed_ready_.notify_one();
  }
  batch.clear();
}

void SqlStore::Complete(std::vector<Pending> batch, std::vector<Status> results) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(std::move(results[i]));
    } catch (...) {
      // A completion must not take a store thread down with it; it has no one to report to.
    }
  }
}

void SqlStore::CompleterLoop() {
  for (;;) {
    Completed item;
    {
      std::unique_lock lock(completed_mutex_);
      completed_ready_.wait(lock, [&] { return !completed_.empty() || completer_closing_; });
      if (completed_.empty()) return;  // closing, and every completion delivered
      item = std::move(completed_.front());
      completed_.pop_front();
    }
    Complete(std::move(item.batch), std::move(item.results));
  }
}

SqlStore::Counters SqlStore::counters() const {
  std::lock_guard lock(queue_mutex_);
  return counters_;
}

// A reader from the pool; when the pool's idle connections were lost, a new one in its slot.
Result<std::unique_ptr<SqlStore::Reader>> SqlStore::AcquireReader() {
  {
    std::unique_lock lock(readers_mutex_);
    reader_free_.wait(lock, [&] { return free_slots_ > 0; });
    --free_slots_;
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  auto opened = Reader::Open(dialect_, cipher_);
  if (!opened) ReleaseReader(nullptr);
  return opened;
}

// Returns reader's slot to the pool; a reader whose connection was lost is dropped, not kept.
void SqlStore::ReleaseReader(std::unique_ptr<Reader> reader) {
  {
    std::lock_guard lock(readers_mutex_);
    ++free_slots_;
    if (reader && !reader->Broken()) idle_readers_.push_back(std::move(reader));
  }
  reader_free_.notify_one();
}

Status SqlStore::Read(const ReadWork& work) {
  auto acquired = AcquireReader();
  if (!acquired) return std::move(acquired).error();
  std::unique_ptr<Reader> reader = std::move(*acquired);
  Status status = reader->Begin();
  if (!status.ok() && reader->Broken()) {
    // Lost while idle in the pool: a new connection in its slot, before any of the work ran.
    auto reopened = Reader::Open(dialect_, cipher_);
    if (reopened) {
      reader = std::move(*reopened);
      status = reader->Begin();
    }
  }
  if (status.ok()) {
    try {
      status = work(*reader);
    } catch (const std::exception& e) {
      status = Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                         std::string("read work threw: ") + e.what());
    }
    if (Status ended = reader->End(); !ended.ok() && status.ok()) status = ended;
  }
  ReleaseReader(std::move(reader));
  return status;
}

}  // namespace shakwa::storage::sql
