// Helpers for tests that drive a Store directly: synchronous writes and reads, a temporary
// directory, and the records the store contract suite inserts (a case, a queue of varied cases,
// staff, sessions, attachments, audit entries). Shared so every adapter's tests build the same
// data.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <future>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/ports/store.hpp"
#include "domain/audit.hpp"
#include "domain/case.hpp"
#include "domain/handling.hpp"
#include "domain/staff.hpp"

namespace shakwa::testing {

inline domain::Status WriteSync(app::Store& store, app::Store::WriteWork work) {
  std::promise<domain::Status> done;
  auto future = done.get_future();
  store.Write(std::move(work), [&done](domain::Status s) { done.set_value(std::move(s)); });
  return future.get();
}

// Runs fn (returning a Result<T>) as one piece of write work, which fails (and rolls back) if fn
// does. Returns fn's value, or the error of fn or of the commit.
template <typename F>
auto WriteResult(app::Store& store, F fn) -> decltype(fn(std::declval<app::WriteTransaction&>())) {
  using R = decltype(fn(std::declval<app::WriteTransaction&>()));
  std::optional<R> out;
  domain::Status status = WriteSync(store, [&](app::WriteTransaction& tx) -> domain::Status {
    out.emplace(fn(tx));
    if (!out->has_value()) return out->error();
    return domain::Status::Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*out);
}

// Runs fn (returning a Result<T>) in one read. Returns fn's value, or the read's error.
template <typename F>
auto ReadResult(app::Store& store, F fn) -> decltype(fn(std::declval<app::ReadTransaction&>())) {
  using R = decltype(fn(std::declval<app::ReadTransaction&>()));
  std::optional<R> out;
  domain::Status status = store.Read([&](app::ReadTransaction& tx) -> domain::Status {
    out.emplace(fn(tx));
    return domain::Status::Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*out);
}

class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("shakwa-test-" + std::to_string(::getpid()) + "-" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline domain::Case SampleCase(int year, std::int64_t sequence) {
  domain::Case c;
  c.reference = domain::Reference{'C', year, sequence, 6};
  c.kind = domain::CaseKind::kComplaint;
  c.status = domain::CaseStatus::kReceived;
  c.channel = domain::Channel::kApi;
  c.received_at = domain::Instant{std::chrono::milliseconds{1773133200123}};
  c.recorded_at = c.received_at + std::chrono::milliseconds{5};
  c.recorded_by = domain::Actor{domain::Actor::Kind::kStaff, "agent-7"};
  c.beneficiary.kind = domain::BeneficiaryKind::kFinancial;
  c.beneficiary.name = "سعاد الحربي";
  c.beneficiary.email = "ops@bank.example";
  c.beneficiary.mobile = "+966551234567";
  c.beneficiary.national_id = "7001234567";
  c.beneficiary.organization = "بنك المثال";
  c.beneficiary.representative =
      domain::Representative{"منى", "مفوضة بالتوقيع", std::nullopt, "+966509998877"};
  c.category = "guarantees";
  c.subcategory = "final guarantee";
  c.about = domain::Subject::kProcedure;
  c.related_transactions = {{domain::TransactionType::kTender, "T-1"},
                            {domain::TransactionType::kPaymentOrder, "PO-2"}};
  c.subject = "الضمان النهائي";
  c.description = "وصف\nمفصل";
  c.remedy_sought = "الإفراج عن الضمان";
  c.language = domain::Language::kEnglish;
  c.preferred_channel = domain::ContactChannel::kSms;
  c.consent_notice_shown = true;
  c.vulnerable = true;
  c.escalation_level = 0;
  return c;
}

// 2026-03-01T00:00:00Z plus hours: the clock the queue data is laid out on.
inline domain::Instant QueueHour(int hours) {
  return domain::Instant{std::chrono::milliseconds{1772323200000}} + std::chrono::hours{hours};
}

// Handling with every field set, none to its default.
inline domain::CaseHandling FullHandling() {
  domain::CaseHandling h;
  h.severity = domain::Severity::kHigh;
  h.complexity = domain::Complexity::kComplex;
  h.impact = domain::Impact::kGroup;
  h.immediate_action_needed = true;
  h.immediate_action_taken = "أوقف الإجراء مؤقتًا";
  h.priority = domain::Priority::kUrgent;
  h.department = "procurement";
  h.assignee_id = 21;
  h.assessed_by = 22;
  h.concerns_department = "finance";
  h.root_cause = "خطأ في ربط أمر الدفع";
  h.outcome = domain::Outcome::kPartiallyUpheld;
  h.decision = "يُصرف المستخلص خلال خمسة أيام";
  h.remedies = {domain::Remedy::kApology, domain::Remedy::kRefund};
  h.rejection_reason = "خارج نطاق المركز";
  h.merged_into = "C-2026-000002-0";
  h.escalation_owner_id = 23;
  h.external_referral_to = domain::ExternalBody::kAmer;
  h.external_reference = "AMER-2026-77";
  h.updated_at = QueueHour(3) + std::chrono::milliseconds{456};
  return h;
}

// A clock with every field set, none to its default.
inline domain::CaseClock FullClock() {
  domain::CaseClock k;
  k.first_response_due_at = QueueHour(4);
  k.first_responded_at = QueueHour(2) + std::chrono::milliseconds{17};
  k.next_update_due_at = QueueHour(20);
  k.resolution_due_at = QueueHour(72);
  k.paused_since = QueueHour(5);
  k.paused_minutes = 95;
  k.escalation_step = 2;
  k.escalation_due_at = QueueHour(90);
  return k;
}

// One case of the queue data: what staff queues filter and sort on.
struct QueueRow {
  std::int64_t sequence;
  domain::CaseStatus status;
  domain::CaseKind kind;
  const char* category;
  domain::Channel channel;
  domain::BeneficiaryKind beneficiary_kind;
  const char* department;  // nullptr: none
  std::int64_t assignee;   // 0: unassigned
  domain::Priority priority;
  int received_hour;
  int updated_hour;
  int due_hour;  // -1: no resolution deadline
  const char* national_id;
  const char* mobile;
  const char* recorded_by;   // staff id; nullptr: the beneficiary
  std::int64_t assessed_by;  // 0: not assessed
};

// Twelve cases that differ in everything a queue looks at. Received and updated hours are all
// different, and neither follows the order of insertion, so every sort has one right answer and
// a store that returns rows in insertion order is caught.
inline std::vector<domain::Case> QueueCases() {
  using S = domain::CaseStatus;
  using K = domain::CaseKind;
  using C = domain::Channel;
  using B = domain::BeneficiaryKind;
  using P = domain::Priority;
  const QueueRow rows[] = {
      {101, S::kReceived, K::kComplaint, "payments", C::kPortal, B::kIndividual, nullptr, 0,
       P::kNormal, 5, 40, -1, "1010000001", "+966550000001", nullptr, 0},
      {102, S::kAssessed, K::kComplaint, "guarantees", C::kApi, B::kFinancial, "procurement", 21,
       P::kHigh, 2, 31, 28, "7001234567", "+966550000002", "21", 21},
      {103, S::kInProgress, K::kSuggestion, "payments", C::kPhone, B::kPrivate, "finance", 22,
       P::kUrgent, 9, 45, 20, "1010000001", "+966550000003", nullptr, 21},
      {104, S::kAwaitingBeneficiary, K::kComplaint, "technical", C::kEmail, B::kGovernment,
       "procurement", 21, P::kLow, 1, 33, 50, nullptr, "+966550000001", "22", 22},
      {105, S::kResolved, K::kRemark, "payments", C::kPortal, B::kIndividual, "finance", 22,
       P::kNormal, 7, 38, 10, "1010000002", nullptr, nullptr, 22},
      {106, S::kClosed, K::kComplaint, "guarantees", C::kApi, B::kPrivate, "procurement", 23,
       P::kHigh, 3, 47, 15, "1010000001", "+966550000004", "22", 21},
      {107, S::kRejected, K::kCompliment, "technical", C::kWalkIn, B::kIndividual, nullptr, 0,
       P::kLow, 11, 35, 5, nullptr, "+966550000005", nullptr, 0},
      {108, S::kReceived, K::kComplaint, "payments", C::kSms, B::kFinancial, nullptr, 0, P::kUrgent,
       0, 42, -1, "7001234567", "+966550000006", "23", 0},
      {109, S::kInProgress, K::kComplaint, "guarantees", C::kPortal, B::kGovernment, "finance", 23,
       P::kNormal, 6, 36, 25, nullptr, nullptr, nullptr, 22},
      {110, S::kClosed, K::kSuggestion, "payments", C::kPhone, B::kPrivate, "finance", 0,
       P::kNormal, 10, 44, 12, "1010000003", "+966550000001", nullptr, 21},
      {111, S::kAssessed, K::kComplaint, "technical", C::kApi, B::kIndividual, "procurement", 0,
       P::kHigh, 4, 39, 60, "1010000001", "+966550000007", nullptr, 23},
      {112, S::kWithdrawn, K::kComplaint, "payments", C::kEmail, B::kIndividual, nullptr, 0,
       P::kUrgent, 8, 46, 8, nullptr, "+966550000008", nullptr, 0},
  };
  std::vector<domain::Case> out;
  for (const QueueRow& row : rows) {
    domain::Case c = SampleCase(2026, row.sequence);
    c.status = row.status;
    c.kind = row.kind;
    c.category = row.category;
    c.channel = row.channel;
    c.beneficiary.kind = row.beneficiary_kind;
    c.received_at = QueueHour(row.received_hour);
    c.recorded_at = c.received_at + std::chrono::minutes{1};
    c.recorded_by = row.recorded_by ? domain::Actor{domain::Actor::Kind::kStaff, row.recorded_by}
                                    : domain::Actor{domain::Actor::Kind::kBeneficiary, ""};
    c.beneficiary.national_id =
        row.national_id ? std::optional<std::string>(row.national_id) : std::nullopt;
    c.beneficiary.mobile = row.mobile ? std::optional<std::string>(row.mobile) : std::nullopt;
    c.subject = "queue case " + std::to_string(row.sequence);
    domain::CaseHandling& h = c.handling;
    h.priority = row.priority;
    if (row.department) h.department = row.department;
    if (row.assignee) h.assignee_id = row.assignee;
    if (row.assessed_by) h.assessed_by = row.assessed_by;
    if (row.due_hour >= 0) c.clock.resolution_due_at = QueueHour(row.due_hour);
    h.updated_at = QueueHour(row.updated_hour);
    out.push_back(std::move(c));
  }
  return out;
}

// Ten cases whose sort keys tie in groups (three received instants, two priorities, three
// updated instants), so only the case_id tie-break orders them and a cursor must carry it.
inline std::vector<domain::Case> TiedQueueCases() {
  const int received[] = {1, 2, 1, 3, 2, 1, 3, 2, 3, 1};
  const int updated[] = {5, 6, 7, 5, 6, 7, 5, 6, 7, 5};
  std::vector<domain::Case> out;
  for (int i = 0; i < 10; ++i) {
    domain::Case c = SampleCase(2026, 201 + i);
    c.received_at = QueueHour(received[i]);
    c.recorded_at = QueueHour(20);
    c.subject = "tied case " + std::to_string(i);
    c.handling.priority = i % 2 ? domain::Priority::kHigh : domain::Priority::kNormal;
    c.handling.updated_at = QueueHour(updated[i]);
    out.push_back(std::move(c));
  }
  return out;
}

inline domain::Department SampleDepartment(std::string code) {
  return domain::Department{code, "إدارة " + code, "the " + code + " department", true};
}

inline domain::StaffUser SampleUser(std::string email, domain::Role role,
                                    std::optional<std::string> department) {
  domain::StaffUser u;
  u.email = std::move(email);
  u.name = "نورة القحطاني";
  u.role = role;
  u.department = std::move(department);
  u.created_at = QueueHour(-48) + std::chrono::milliseconds{789};
  return u;
}

inline domain::Session SampleSession(std::int64_t user_id, std::uint8_t seed) {
  domain::Session s;
  for (std::size_t i = 0; i < s.token_hash.size(); ++i) {
    s.token_hash[i] = static_cast<std::uint8_t>(seed * 31 + i);
  }
  s.user_id = user_id;
  s.created_at = QueueHour(1) + std::chrono::milliseconds{seed};
  s.expires_at = s.created_at + std::chrono::hours{8};
  return s;
}

inline app::Attachment SampleAttachment(int n) {
  app::Attachment a;
  a.sha256 = std::string(63, 'a') + static_cast<char>('0' + n % 10);
  a.size = 1000 + n;
  a.media_type = n % 2 ? "application/pdf" : "image/png";
  a.filename = "مرفق " + std::to_string(n) + (n % 2 ? ".pdf" : ".png");
  a.uploaded_at = QueueHour(n) + std::chrono::milliseconds{n};
  a.uploaded_by = n % 2 ? domain::Actor{domain::Actor::Kind::kStaff, "21"}
                        : domain::Actor{domain::Actor::Kind::kBeneficiary, ""};
  a.visibility =
      n % 2 ? domain::CaseEvent::Visibility::kInternal : domain::CaseEvent::Visibility::kPublic;
  return a;
}

// An audit entry as a use case hands it to the store: no sequence, no hashes.
inline domain::AuditEntry SampleAuditEntry(int n) {
  domain::AuditEntry e;
  e.at = QueueHour(n) + std::chrono::milliseconds{n};
  e.actor = n % 3 == 0 ? domain::Actor{domain::Actor::Kind::kSystem, ""}
                       : domain::Actor{domain::Actor::Kind::kStaff, std::to_string(20 + n)};
  e.action = n % 2 ? "case.assess" : "pii.read";
  e.subject = "C-2026-" + std::to_string(100000 + n);
  e.detail = "{\"n\":" + std::to_string(n) + ",\"note\":\"ملاحظة\"}";
  return e;
}

}  // namespace shakwa::testing
