// shakwa_bench_sweep: the escalation sweep over N open cases of which D are due (bench/README.md,
// "Escalation sweep"). Issue 4 asks that a sweep's time grow with the due cases, not with all of
// them; this measures it.
//
// A load is N open cases (received, assessed, in progress) written through the real storage
// adapter, as intake writes them: WriteTransaction::InsertCase (sealed personal data under a fixed
// test key, blind indexes), the "received" event and the "case.received" audit record. Each
// case's clock is what domain::ScheduleClock makes of its received_at under the default
// TimeRules, at a ladder step chosen for it, and its received_at is picked (by bisection on the
// business calendar) so that at the sweep instant `now`:
//   - a due case has exactly its next step due: steps[k].due_at <= now < steps[k + 1].due_at
//     (k: the warning 60 %, level 1 25 %, level 2 10 %, level 3 5 %), as a sweep running every
//     minute would find it;
//   - any other case has its next step ahead: steps[k - 1].due_at <= now < steps[k].due_at (mostly
//     k = 0, received in the last few business days; some already warned or escalated).
// The due cases are spread evenly over the case ids (one in N/D), which is the worst case for the
// sweep's page reads: each one sits on its own leaf of the cases table.
//
// Each run copies the load's database (the sweep changes it), flushes the copy to disk, opens it
// with SqliteStore as the server does (4 readers, group commits of up to 512 writes) and times:
//   find   one read of every due reference (CasesDueForEscalation(now, D)): the index's share;
//   sweep  EscalateOverdue::Run(now), wall time, until every write is durable;
//   empty  a second Run(now) at the same instant: finds nothing (the sweep is idempotent), so
//          this is what a sweep costs when nothing is due.
// It prints the query plan of the due query once, then one key=value line per run.
//
// The directory (default /tmp/shakwa-sweep-<N>-<D>) keeps the load (base.db, manifest.txt) for
// later runs, made again only when N, D, the seed, the instant or the schema differ; run.db is
// the copy each run sweeps, removed after the last run. Disk: the load's size (about 2.3 KB per
// case; its manifest says), twice that while a run's copy exists.
//
// Usage: shakwa_bench_sweep --cases N [--due D] [--runs R] [--dir DIR] [--seed X] [--now ISO]
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/audit_record.hpp"
#include "app/escalation.hpp"
#include "app/ports/store.hpp"
#include "app/time_rules_source.hpp"
#include "bench_load.hpp"
#include "crypto/sodium.hpp"
#include "domain/access_code.hpp"
#include "domain/case.hpp"
#include "domain/json_writer.hpp"
#include "domain/sla.hpp"
#include "domain/staff.hpp"
#include "domain/time.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

namespace fs = std::filesystem;
namespace domain = shakwa::domain;
namespace app = shakwa::app;
using domain::CaseStatus;
using domain::Instant;
using shakwa::bench::Check;
using shakwa::bench::CurrentSchemaFingerprint;
using shakwa::bench::ReadManifest;
using shakwa::bench::WriteNow;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The fixed test key everything is sealed under (the same as shakwa_bench_cases'). Test data
// only: never a real key.
constexpr std::string_view kTestKeyHex =
    "62656e63682d6f6e6c792d6b65792d666f722d7368616b77612d746573742121";
// The sweep instant: a Tuesday, 10:00 in Riyadh, clear of holidays and Ramadan.
constexpr std::string_view kDefaultNow = "2026-11-24T07:00:00Z";
// The due query, as sqlite_store.cpp's CasesDueForEscalation runs it, for EXPLAIN QUERY PLAN.
constexpr std::string_view kDueQuery =
    "SELECT reference FROM cases WHERE escalation_due_at IS NOT NULL AND escalation_due_at <= ?1 "
    "ORDER BY escalation_due_at LIMIT ?2";
// Bump when what the load holds changes, so that older loads are made again.
constexpr int kLoadFormat = 1;
constexpr std::size_t kCasesPerWrite = 10;  // small savepoints (bench/README.md, finding 5)
constexpr std::int64_t kCasesPerBatch = 5000;

double Ms(SteadyClock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// What the sweep cost besides wall time: CPU (this process, every thread; and the whole machine,
// so that a run disturbed by others on this shared machine can be told apart) and system calls
// (a pread is a page SQLite's cache did not hold; a pwrite a page written to the WAL or, at a
// checkpoint, to the database).
struct Sample {
  double self = 0;          // seconds of user + system time of this process
  double machine = 0;       // seconds of busy time of every CPU (/proc/stat: all but idle, iowait)
  std::int64_t reads = 0;   // read system calls of this process (/proc/self/io syscr)
  std::int64_t writes = 0;  // write system calls (syscw)
};

Sample TakeSample() {
  Sample out;
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  out.self = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) {
    out.machine = (user + nice + system + irq + softirq + steal) /
                  static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  std::ifstream io("/proc/self/io");
  std::string key;
  std::int64_t value = 0;
  while (io >> key >> value) {
    if (key == "syscr:") out.reads = value;
    if (key == "syscw:") out.writes = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Randomness: one seeded generator, so that a load can be made again exactly.

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(engine_); }
  bool Chance(double p) { return Uniform() < p; }
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {  // inclusive
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(engine_);
  }
  template <typename Items>
  const auto& Pick(const Items& items) {
    return items[static_cast<std::size_t>(
        Between(0, static_cast<std::int64_t>(std::size(items)) - 1))];
  }
  // An index drawn with the given weights.
  std::size_t Weighted(std::initializer_list<double> weights) {
    double total = 0;
    for (const double w : weights) total += w;
    double x = Uniform() * total;
    std::size_t i = 0;
    for (const double w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return weights.size() - 1;
  }
  std::string Digits(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += static_cast<char>('0' + Between(0, 9));
    return out;
  }
  void Fill(std::span<std::uint8_t> bytes) {
    for (auto& b : bytes) b = static_cast<std::uint8_t>(engine_() & 0xFF);
  }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------------------------------------
// What the cases say: enough variety for realistic row sizes, not the read benchmark's detail.

struct Category {
  std::string_view code, department, subject_ar, subject_en;
};
constexpr auto kCategories = std::to_array<Category>({
    {"payments", "payments", "تأخر صرف المستخلص", "Late payment of an invoice"},
    {"tenders", "procurement", "تعذر تقديم العرض في المنافسة", "Could not submit our bid"},
    {"technical", "it_support", "رسالة خطأ عند إصدار الفاتورة",
     "Error message when issuing an invoice"},
    {"registration", "registration", "رفض طلب التسجيل دون سبب",
     "Registration refused without a reason"},
    {"login_identity", "it_support", "عدم وصول رمز التحقق", "Verification code never arrives"},
    {"contracts", "contracts", "تأخر توقيع العقد بعد الترسية",
     "Contract not signed long after the award"},
    {"award_grievance", "procurement", "تظلم على قرار الترسية",
     "Grievance against the award decision"},
    {"guarantees", "guarantees", "عدم الإفراج عن الضمان النهائي", "Final guarantee not released"},
    {"individual_services", "individual_services", "تأخر صرف الراتب", "Salary paid late"},
    {"staff_conduct", "customer_care", "سوء تعامل موظف خدمة العملاء",
     "Rude treatment by a service agent"},
    {"complaint_process", "customer_care", "عدم الرد على شكوى سابقة",
     "No answer to an earlier complaint"},
    {"other", "customer_care", "اقتراح لتحسين الخدمة", "A suggestion to improve the service"},
});
constexpr auto kDepartments = std::to_array<std::string_view>(
    {"procurement", "payments", "contracts", "it_support", "registration", "guarantees",
     "individual_services", "customer_care"});
// Level 3 of the default ladder sits in its own department (TimeRules::DefaultLadder).
constexpr std::string_view kCommittee = "committee";

constexpr auto kSentencesAr = std::to_array<std::string_view>({
    "تواصلنا مع الجهة عدة مرات عبر الهاتف والبريد الإلكتروني وأفادونا بأن الطلب قيد المراجعة.",
    "وقد تسبب هذا التأخير في صعوبات في الوفاء بالتزاماتنا تجاه العمال والموردين.",
    "نرفق لكم صور المراسلات السابقة وأرقام الطلبات ذات العلاقة.",
    "نأمل التكرم بالنظر في الموضوع واتخاذ ما يلزم في أقرب وقت ممكن.",
    "مضى على ذلك أكثر من تسعين يوماً دون أي تحديث على حالة الطلب.",
    "راجعنا مركز الاتصال وتم فتح بلاغ ولم يتم حله حتى الآن.",
    "لم نتلق أي ملاحظات مكتوبة من الجهة على المستندات المقدمة.",
    "ونؤكد استعدادنا لتقديم أي مستندات إضافية تطلبها الجهة.",
});
constexpr auto kSentencesEn = std::to_array<std::string_view>({
    // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one sentence over two lines
    "We contacted the entity several times by phone and e-mail and were told the request is "
    "under review.",
    "The delay has made it hard to meet our obligations to our workers and suppliers.",
    "Copies of the earlier correspondence and the request numbers are attached.",
    "We kindly ask you to look into the matter and act as soon as possible.",
    "More than ninety days have passed without any update on the request.",
    "We called the contact centre, a ticket was opened, and it has not been resolved.",
    "We received no written remarks from the entity on the documents we submitted.",
    "We are ready to provide any further documents the entity needs.",
});
constexpr auto kFirstAr = std::to_array<std::string_view>(
    {"محمد", "عبدالله", "فهد", "خالد", "نورة", "سارة", "ريم", "تركي", "ماجد", "فاطمة"});
constexpr auto kFamilyAr = std::to_array<std::string_view>(
    {"الحربي", "العتيبي", "القحطاني", "الشهري", "الدوسري", "الغامدي", "المطيري", "الشمري"});
constexpr auto kFirstEn = std::to_array<std::string_view>(
    {"Mohammed", "Abdullah", "Fahad", "Khalid", "Noura", "Sara", "Reem", "Turki"});
constexpr auto kFamilyEn =
    std::to_array<std::string_view>({"Alharbi", "Alotaibi", "Alqahtani", "Alshehri", "Aldossari",
                                     "Alghamdi", "Almutairi", "Alshammari"});
constexpr auto kOrgsAr = std::to_array<std::string_view>(
    {"مؤسسة الأفق للمقاولات", "شركة الرواد للتقنية", "مكتب النخبة للاستشارات الهندسية",
     "شركة المدار للخدمات اللوجستية"});
constexpr auto kMailDomains = std::to_array<std::string_view>(
    {"gmail.com", "outlook.com", "example.sa", "company.example.com"});

// ---------------------------------------------------------------------------------------------
// The staff the ladder's levels need owners from

struct Staff {
  std::map<std::string, std::vector<std::int64_t>> handlers;  // by department
};

// Per department a supervisor (level 1) and three handlers; two managers (level 2: a manager
// oversees every department) and the committee's manager (level 3). Nobody can sign in: the
// password hash is a placeholder.
Staff AddStaff(app::Store& store, Instant now) {
  Staff staff;
  WriteNow(
      store,
      [&](app::WriteTransaction& tx) -> domain::Status {
        std::vector<std::string_view> departments(kDepartments.begin(), kDepartments.end());
        departments.push_back(kCommittee);
        for (const std::string_view d : departments) {
          if (auto s = tx.InsertDepartment({std::string(d), "إدارة " + std::string(d),
                                            "Department " + std::string(d), true});
              !s.ok()) {
            return s;
          }
        }
        auto add = [&](domain::Role role, std::optional<std::string> department,
                       const std::string& email) -> domain::Result<std::int64_t> {
          domain::StaffUser user;
          user.email = email;
          user.name = email.substr(0, email.find('@'));
          user.role = role;
          user.department = std::move(department);
          user.created_at = now;
          return tx.InsertUser(user, "bench-placeholder-no-sign-in");
        };
        for (const std::string_view d : kDepartments) {
          const std::string code(d);
          if (auto id = add(domain::Role::kSupervisor, code, "supervisor." + code + "@sweep.test");
              !id) {
            return std::move(id).error();
          }
          for (int i = 1; i <= 3; ++i) {
            auto id = add(domain::Role::kHandler, code,
                          "handler" + std::to_string(i) + "." + code + "@sweep.test");
            if (!id) return std::move(id).error();
            staff.handlers[code].push_back(*id);
          }
        }
        for (int i = 1; i <= 2; ++i) {
          if (auto id = add(domain::Role::kManager, std::nullopt,
                            "manager" + std::to_string(i) + "@sweep.test");
              !id) {
            return std::move(id).error();
          }
        }
        if (auto id = add(domain::Role::kManager, std::string(kCommittee), "committee@sweep.test");
            !id) {
          return std::move(id).error();
        }
        return domain::Status::Ok();
      },
      "departments and users");
  return staff;
}

// ---------------------------------------------------------------------------------------------
// Clocks: which received_at puts a case's ladder where we want it at `now`

// For each resolution target (the only part of a case's targets the ladder depends on), the
// latest received_at at which each ladder step is already due at now: a case received at or
// before bound[j] has step j due, one received after it has not. Found by bisection, since
// AddBusinessMinutes only moves forward as received_at does.
class LadderBounds {
 public:
  LadderBounds(const domain::TimeRules& rules, Instant now) : rules_(rules), now_(now) {}

  const std::vector<Instant>& For(const domain::Case& c) {
    const std::int64_t minutes = rules_.TargetsFor(c).resolution_minutes;
    auto found = cache_.find(minutes);
    if (found != cache_.end()) return found->second;
    domain::Case probe = c;
    probe.clock = {};
    const std::size_t steps = rules_.StepsFor(probe).size();
    std::vector<Instant> bounds;
    for (std::size_t j = 0; j < steps; ++j) {
      // f(r) = steps[j].due_at for a case received at r; find the largest r with f(r) <= now.
      auto due = [&](Instant r) {
        probe.received_at = r;
        return rules_.StepsFor(probe)[j].due_at;
      };
      Instant lo = now_ - std::chrono::days(400);  // due long ago, whatever the target
      Instant hi = now_;                           // due after now: every step takes time
      if (due(lo) > now_ || due(hi) <= now_) throw std::logic_error("ladder bounds");
      while (hi - lo > milliseconds(1)) {
        const Instant mid = lo + (hi - lo) / 2;
        (due(mid) <= now_ ? lo : hi) = mid;
      }
      bounds.push_back(lo);
    }
    return cache_.emplace(minutes, std::move(bounds)).first->second;
  }

 private:
  const domain::TimeRules& rules_;
  Instant now_;
  std::map<std::int64_t, std::vector<Instant>> cache_;
};

// A uniformly drawn instant in (after, upto].
Instant Between(Random& random, Instant after, Instant upto) {
  if (upto <= after) throw std::logic_error("empty interval for received_at");
  return after + milliseconds(random.Between(1, (upto - after).count()));
}

// ---------------------------------------------------------------------------------------------
// One case

struct Planned {
  domain::Case c;
  app::AccessCodeHash hash{};
};

class Planner {
 public:
  Planner(Random& random, const Staff& staff, const domain::TimeRules& rules,
          const app::AccessCodeHasher& hasher, Instant now)
      : random_(random),
        staff_(staff),
        rules_(rules),
        hasher_(hasher),
        bounds_(rules, now),
        now_(now) {}

  Planned Plan(bool due) {
    Planned p;
    domain::Case& c = p.c;
    const bool arabic = random_.Chance(0.75);
    c.language = arabic ? domain::Language::kArabic : domain::Language::kEnglish;
    c.kind = Pick<domain::CaseKind>({{domain::CaseKind::kComplaint, 85},
                                     {domain::CaseKind::kSuggestion, 7},
                                     {domain::CaseKind::kRemark, 5},
                                     {domain::CaseKind::kCompliment, 3}});
    c.channel = Pick<domain::Channel>({{domain::Channel::kPortal, 60},
                                       {domain::Channel::kPhone, 15},
                                       {domain::Channel::kEmail, 10},
                                       {domain::Channel::kApi, 10},
                                       {domain::Channel::kWalkIn, 5}});
    c.recorded_by = {domain::Actor::Kind::kBeneficiary, {}};
    const Category& category = random_.Pick(kCategories);
    c.category = std::string(category.code);
    c.about = domain::Subject::kService;
    c.subject = std::string(arabic ? category.subject_ar : category.subject_en);
    if (random_.Chance(0.5)) c.subject += (arabic ? " رقم " : " no. ") + random_.Digits(8);
    // 150-900 characters: shorter than the read benchmark's, enough to fill a row like intake's.
    const auto target = static_cast<std::size_t>(random_.Between(150, 900));
    const std::span<const std::string_view> sentences =
        arabic ? std::span<const std::string_view>(kSentencesAr) : kSentencesEn;
    while (c.description.size() < target) {
      if (!c.description.empty()) c.description += ' ';
      c.description += random_.Pick(sentences);
    }
    if (random_.Chance(0.6)) {
      c.remedy_sought = arabic ? "صرف المستحقات المتأخرة" : "Pay the overdue amounts";
    }
    if (random_.Chance(0.4)) {
      c.related_transactions.push_back(
          {domain::TransactionType::kPaymentOrder, random_.Digits(12)});
    }
    c.preferred_channel =
        random_.Chance(0.6) ? domain::ContactChannel::kEmail : domain::ContactChannel::kSms;
    c.consent_notice_shown = true;
    Beneficiary(c.beneficiary, arabic);

    // Where the case is on its ladder: k steps taken. Due cases have step k due now; the others
    // have step k ahead.
    const int k = static_cast<int>(due ? random_.Weighted({60, 25, 10, 5})
                                       : random_.Weighted({85, 10, 4, 1}));
    const bool young = !due && k == 0;  // received in the last few business days
    const std::size_t status =
        young ? random_.Weighted({35, 25, 40}) : random_.Weighted({5, 15, 80});
    c.status = status == 0   ? CaseStatus::kReceived
               : status == 1 ? CaseStatus::kAssessed
                             : CaseStatus::kInProgress;
    if (c.status != CaseStatus::kReceived) {
      domain::CaseHandling& h = c.handling;
      h.priority = Pick<domain::Priority>({{domain::Priority::kLow, 15},
                                           {domain::Priority::kNormal, 55},
                                           {domain::Priority::kHigh, 22},
                                           {domain::Priority::kUrgent, 8}});
      h.department = std::string(category.department);
      h.severity = domain::Severity::kMedium;
      h.complexity = domain::Complexity::kModerate;
      h.impact = domain::Impact::kIndividual;
      if (c.status == CaseStatus::kInProgress) {
        h.assignee_id = random_.Pick(staff_.handlers.at(*h.department));
      }
    }

    const std::vector<Instant>& bound = bounds_.For(c);  // bound[j]: latest receipt with step j due
    const auto last = static_cast<int>(bound.size()) - 1;
    if (k > last) throw std::logic_error("the ladder has fewer steps than planned");
    auto at = [&](int j) { return bound[static_cast<std::size_t>(j)]; };
    if (due) {
      c.received_at =
          Between(random_, k == last ? at(k) - std::chrono::days(10) : at(k + 1), at(k));
    } else {
      c.received_at = Between(random_, at(k), k == 0 ? now_ : at(k - 1));
    }
    c.recorded_at = c.received_at;
    c.handling.updated_at = c.received_at;
    c.escalation_level = std::max(0, k - 1);  // step 0 is the warning; step j > 0 is level j
    c.clock.escalation_step = k;
    domain::ScheduleClock(c, rules_, c.received_at);
    if (!c.clock.escalation_due_at || (*c.clock.escalation_due_at <= now_) != due) {
      throw std::logic_error("a planned clock is not what was asked for");
    }
    c.reference.prefix = domain::ReferencePrefix(c.kind);
    c.reference.year = domain::YearAt(c.received_at, domain::kRiyadhOffset);
    c.reference.width = 6;
    c.version = 1;

    const std::string code =
        domain::MakeAccessCode([this](std::span<std::uint8_t> bytes) { random_.Fill(bytes); });
    p.hash = hasher_.Hash(code);
    return p;
  }

 private:
  template <typename T>
  T Pick(std::initializer_list<std::pair<T, double>> table) {
    double total = 0;
    for (const auto& [value, weight] : table) total += weight;
    double x = random_.Uniform() * total;
    for (const auto& [value, weight] : table) {
      if (x < weight) return value;
      x -= weight;
    }
    return std::prev(table.end())->first;
  }

  void Beneficiary(domain::Beneficiary& b, bool arabic) {
    b.kind = Pick<domain::BeneficiaryKind>({{domain::BeneficiaryKind::kPrivate, 50},
                                            {domain::BeneficiaryKind::kIndividual, 35},
                                            {domain::BeneficiaryKind::kGovernment, 10},
                                            {domain::BeneficiaryKind::kFinancial, 5}});
    const std::size_t family = static_cast<std::size_t>(random_.Between(0, 7));
    b.name = arabic ? std::string(random_.Pick(kFirstAr)) + " " + std::string(kFamilyAr[family])
                    : std::string(random_.Pick(kFirstEn)) + " " + std::string(kFamilyEn[family]);
    std::string local(kFamilyEn[family]);
    for (char& ch : local) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    b.mobile = "+9665" + random_.Digits(8);
    b.email = local + "." + random_.Digits(4) + "@" + std::string(random_.Pick(kMailDomains));
    if (b.kind == domain::BeneficiaryKind::kIndividual) {
      b.national_id = "1" + random_.Digits(9);
    } else {
      b.organization = std::string(random_.Pick(kOrgsAr));
      b.national_id = "10" + random_.Digits(8);
    }
  }

  Random& random_;
  const Staff& staff_;
  const domain::TimeRules& rules_;
  const app::AccessCodeHasher& hasher_;
  LadderBounds bounds_;
  Instant now_;
};

// Writes one planned case in the caller's transaction, as intake does.
domain::Status WriteCase(app::WriteTransaction& tx, Planned& p) {
  domain::Case& c = p.c;
  auto sequence = tx.NextReferenceSequence(c.reference.year);
  if (!sequence) return std::move(sequence).error();
  c.reference.sequence = *sequence;
  auto id = tx.InsertCase(c, p.hash);
  if (!id) return std::move(id).error();
  domain::CaseEvent received;
  received.at = c.received_at;
  received.type = "received";
  received.actor = c.recorded_by;
  received.actor_role = "beneficiary";
  received.to_status = CaseStatus::kReceived;
  if (auto e = tx.AppendEvent(*id, received); !e) return std::move(e).error();
  domain::JsonWriter detail;
  detail.Add("kind", domain::NameOf(c.kind))
      .Add("channel", domain::NameOf(c.channel))
      .Add("category", std::string_view(c.category));
  return app::Audit(tx, c.recorded_at, c.recorded_by, "case.received", c.reference.ToString(),
                    detail.Finish());
}

// ---------------------------------------------------------------------------------------------
// The directory

struct Options {
  std::int64_t cases = 0;
  std::int64_t due = -1;  // default: 1 % of cases
  int runs = 3;
  fs::path dir;
  std::uint64_t seed = 20261124;
  std::string now = std::string(kDefaultNow);
};

// Bytes of one table or index (dbstat), or -1 when SQLite was built without it.
std::int64_t BytesOf(const fs::path& db, std::string_view name) {
  using shakwa::storage::sqlite::Connection;
  auto connection = Connection::Open(db, true);
  if (!connection) return -1;
  auto query = (*connection)->Prepare("SELECT sum(pgsize) FROM dbstat WHERE name = ?1");
  if (!query) return -1;
  (*query)->Bind(1, name);
  auto row = (*query)->Step();
  if (!row || !*row) return -1;
  return (*query)->Int(0);
}

shakwa::crypto::Keyring TestKeys() {
  shakwa::crypto::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(
        std::stoi(std::string(kTestKeyHex.substr(2 * i, 2)), nullptr, 16));
  }
  return shakwa::crypto::Keyring::Single(key);
}

// Makes the load in o.dir unless a finished one of the same kind is there. Returns its manifest.
std::map<std::string, std::string> EnsureLoad(const Options& o, Instant now,
                                              const domain::TimeRules& rules) {
  const fs::path manifest_path = o.dir / "manifest.txt";
  const fs::path db_path = o.dir / "base.db";
  const std::string schema = CurrentSchemaFingerprint(kLoadFormat);
  std::map<std::string, std::string> want = {{"cases", std::to_string(o.cases)},
                                             {"due", std::to_string(o.due)},
                                             {"seed", std::to_string(o.seed)},
                                             {"now", domain::FormatIso8601(now)},
                                             {"schema", schema}};
  if (fs::exists(manifest_path) && fs::exists(db_path)) {
    auto m = ReadManifest(manifest_path);
    bool same = m["finished"] == "1";
    for (const auto& [key, value] : want) same = same && m[key] == value;
    if (same) {
      std::cerr << "bench: reusing the load in " << o.dir.string() << "\n";
      return m;
    }
    std::cerr << "bench: the load in " << o.dir.string() << " is of other cases, another seed or "
              << "instant, or another schema; making it again\n";
  }
  // Only what this program puts there is removed.
  for (const char* name : {"manifest.txt", "base.db", "base.db-wal", "base.db-shm", "run.db",
                           "run.db-wal", "run.db-shm"}) {
    fs::remove(o.dir / name);
  }
  fs::create_directories(o.dir);

  const auto keys = TestKeys();
  shakwa::crypto::SodiumFieldCipher cipher(keys);
  shakwa::crypto::SodiumAccessCodeHasher hasher(keys);
  const std::size_t writes_per_commit = static_cast<std::size_t>(kCasesPerBatch) / kCasesPerWrite;
  auto opened = shakwa::storage::sqlite::SqliteStore::Open({db_path, 1, writes_per_commit}, cipher);
  if (!opened) throw std::runtime_error("open store: " + opened.error().detail);
  auto& store = **opened;
  const Staff staff = AddStaff(store, now);

  Random random(o.seed);
  Planner planner(random, staff, rules, hasher, now);
  std::mutex mutex;
  std::condition_variable cv;
  std::int64_t in_flight = 0;            // GUARDED_BY(mutex): cases
  std::int64_t written = 0;              // GUARDED_BY(mutex)
  std::optional<domain::Error> failure;  // GUARDED_BY(mutex)
  std::int64_t due_planned = 0;
  const auto t0 = SteadyClock::now();
  auto last_report = t0;
  for (std::int64_t first = 0; first < o.cases; first += kCasesPerBatch) {
    const std::int64_t n = std::min(kCasesPerBatch, o.cases - first);
    std::vector<Planned> planned;
    planned.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = first; i < first + n; ++i) {
      // Exactly D due, one in every N/D ids.
      const bool due = (i + 1) * o.due / o.cases > i * o.due / o.cases;
      due_planned += due ? 1 : 0;
      planned.push_back(planner.Plan(due));
    }
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return in_flight + n <= 2 * kCasesPerBatch || failure; });
      if (failure) break;
      in_flight += n;
      if (SteadyClock::now() - last_report > std::chrono::seconds(15)) {
        last_report = SteadyClock::now();
        std::cerr << "bench: " << written << " cases written, "
                  << static_cast<std::int64_t>(static_cast<double>(written) /
                                               (Ms(last_report - t0) / 1000))
                  << " cases/s\n";
      }
    }
    for (std::size_t from = 0; from < planned.size(); from += kCasesPerWrite) {
      const std::size_t to = std::min(planned.size(), from + kCasesPerWrite);
      auto unit = std::make_shared<std::vector<Planned>>(
          std::make_move_iterator(planned.begin() + static_cast<std::ptrdiff_t>(from)),
          std::make_move_iterator(planned.begin() + static_cast<std::ptrdiff_t>(to)));
      store.Write(
          [unit](app::WriteTransaction& tx) -> domain::Status {
            for (Planned& p : *unit) {
              if (auto s = WriteCase(tx, p); !s.ok()) return s;
            }
            return domain::Status::Ok();
          },
          [&, size = static_cast<std::int64_t>(unit->size())](const domain::Status& s) {
            std::lock_guard lock(mutex);
            if (!s.ok() && !failure) failure = s.error();
            if (s.ok()) written += size;
            in_flight -= size;
            cv.notify_all();
          });
    }
  }
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return in_flight == 0; });
    if (failure) throw std::runtime_error("writing cases: " + failure->detail);
  }
  const double load_seconds = Ms(SteadyClock::now() - t0) / 1000;
  store.Close();  // checkpoints: the file stands alone
  if (due_planned != o.due) throw std::logic_error("planned a different number of due cases");

  auto m = want;
  const auto bytes = static_cast<std::int64_t>(fs::file_size(db_path));
  m["load_seconds"] = std::to_string(load_seconds);
  m["load_cases_per_s"] =
      std::to_string(static_cast<std::int64_t>(static_cast<double>(o.cases) / load_seconds));
  m["db_bytes"] = std::to_string(bytes);
  m["db_bytes_per_case"] = std::to_string(bytes / o.cases);
  m["index_bytes.cases_escalation_due"] = std::to_string(BytesOf(db_path, "cases_escalation_due"));
  m["finished"] = "1";
  std::ofstream out(manifest_path, std::ios::trunc);
  for (const auto& [key, value] : m) out << key << "=" << value << "\n";
  if (!out) throw std::runtime_error("cannot write " + manifest_path.string());
  return m;
}

// Copies from to to and makes the copy durable, so that the sweep's own fsyncs do not wait for
// gigabytes of the copy's dirty pages.
void CopyDurably(const fs::path& from, const fs::path& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(to.string() + suffix);
  fs::copy_file(from, to);
  const int fd = ::open(to.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) throw std::runtime_error("fsync " + to.string());
  ::close(fd);
}

std::vector<std::string> ExplainDueQuery(const fs::path& db, Instant now, std::int64_t limit) {
  using shakwa::storage::sqlite::Connection;
  auto connection = Connection::Open(db, true);
  if (!connection)
    throw std::runtime_error("open " + db.string() + ": " + connection.error().detail);
  auto query = (*connection)->Prepare("EXPLAIN QUERY PLAN " + std::string(kDueQuery));
  if (!query) throw std::runtime_error("explain: " + query.error().detail);
  (*query)->Bind(1, static_cast<std::int64_t>(now.time_since_epoch().count())).Bind(2, limit);
  std::vector<std::string> out;
  for (;;) {
    auto row = (*query)->Step();
    if (!row) throw std::runtime_error("explain: " + row.error().detail);
    if (!*row) break;
    out.push_back((*query)->Text(3));
  }
  return out;
}

int Usage() {
  std::cerr << "usage: shakwa_bench_sweep --cases N [--due D] [--runs R] [--dir DIR] [--seed X] "
               "[--now ISO]\n"
               "  N    open cases                   D  of them due at the sweep (default N/100)\n"
               "  R    timed sweeps, each on a fresh copy of the load (default 3)\n"
               "  DIR  where the load is kept (default /tmp/shakwa-sweep-N-D)\n"
               "  ISO  the sweep instant (default "
            << kDefaultNow << ")\n";
  return 2;
}

int Run(Options o) {
  const auto now = domain::ParseIso8601(o.now);
  if (!now) throw std::invalid_argument("--now: not an ISO 8601 instant: " + o.now);
  const auto time = app::TimeRulesSource::Defaults();
  const auto m = EnsureLoad(o, *now, *time->Current());
  std::cerr << "bench: load of " << o.cases << " cases (" << o.due << " due): " << m.at("db_bytes")
            << " bytes, made in " << m.at("load_seconds") << " s\n";

  const fs::path run_db = o.dir / "run.db";
  const auto keys = TestKeys();
  shakwa::crypto::SodiumFieldCipher cipher(keys);
  for (int run = 1; run <= o.runs; ++run) {
    CopyDurably(o.dir / "base.db", run_db);
    if (run == 1) {
      for (const std::string& step : ExplainDueQuery(run_db, *now, 1000)) {
        std::cout << "plan: " << step << "\n";
      }
    }
    // As the server opens it (main.cpp, settings.hpp defaults).
    auto opened = shakwa::storage::sqlite::SqliteStore::Open({run_db, 4, 512}, cipher);
    if (!opened) throw std::runtime_error("open store: " + opened.error().detail);
    auto& store = **opened;
    app::EscalateOverdue sweep(store, time);

    const auto f0 = SteadyClock::now();
    auto found =
        app::ReadValue<std::vector<domain::Reference>>(store, [&](app::ReadTransaction& tx) {
          return tx.CasesDueForEscalation(*now, static_cast<int>(o.due + 1));
        });
    const auto f1 = SteadyClock::now();
    if (!found) throw std::runtime_error("find: " + found.error().detail);

    const auto before = store.counters();
    const Sample c0 = TakeSample();
    const auto s0 = SteadyClock::now();
    auto report = sweep.Run(*now);
    const auto s1 = SteadyClock::now();
    const Sample c1 = TakeSample();
    const auto after = store.counters();
    if (!report) throw std::runtime_error("sweep: " + report.error().detail);

    const auto e0 = SteadyClock::now();
    auto empty = sweep.Run(*now);
    const auto e1 = SteadyClock::now();
    if (!empty) throw std::runtime_error("empty sweep: " + empty.error().detail);
    store.Close();

    const double sweep_ms = Ms(s1 - s0);
    const double cpu_ms = (c1.self - c0.self) * 1000;
    const double other_cores =
        std::max(0.0, (c1.machine - c0.machine) - (c1.self - c0.self)) / (sweep_ms / 1000);
    const double changed = std::max(1, report->cases_changed);
    std::ostringstream line;
    line.setf(std::ios::fixed);
    line.precision(3);
    line << "cases=" << o.cases << " due=" << o.due << " run=" << run << " found=" << found->size()
         << " changed=" << report->cases_changed << " skipped=" << report->cases_skipped
         << " failed=" << report->cases_failed << " actions=" << report->actions.size()
         << " commits=" << after.commits - before.commits << " find_ms=" << Ms(f1 - f0)
         << " sweep_ms=" << sweep_ms
         << " ms_per_due=" << (report->cases_changed > 0 ? sweep_ms / report->cases_changed : 0.0)
         << " empty_found=" << empty->cases_due << " empty_sweep_ms=" << Ms(e1 - e0)
         << " cpu_ms_per_due=" << cpu_ms / changed
         << " preads_per_due=" << static_cast<double>(c1.reads - c0.reads) / changed
         << " pwrites_per_due=" << static_cast<double>(c1.writes - c0.writes) / changed
         << " sweep_cpu_cores=" << cpu_ms / sweep_ms << " others_cpu_cores=" << other_cores;
    std::cout << line.str() << std::endl;
    // The run is only a measurement if the sweep did what the load was made for.
    if (static_cast<std::int64_t>(found->size()) != o.due || report->cases_changed != o.due ||
        report->cases_failed != 0 || empty->cases_due != 0) {
      std::cerr << "bench: the sweep did not change exactly the " << o.due << " due cases\n";
      return 1;
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(run_db.string() + suffix);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--cases") {
        o.cases = std::stoll(value());
      } else if (arg == "--due") {
        o.due = std::stoll(value());
      } else if (arg == "--runs") {
        o.runs = std::stoi(value());
      } else if (arg == "--dir") {
        o.dir = value();
      } else if (arg == "--seed") {
        o.seed = std::stoull(value());
      } else if (arg == "--now") {
        o.now = value();
      } else {
        return Usage();
      }
    } catch (const std::exception& e) {
      std::cerr << "bench: " << e.what() << "\n";
      return Usage();
    }
  }
  if (o.due < 0) o.due = o.cases / 100;
  // EscalateOverdue::Run's default max_cases, which the server's job uses: one sweep takes no more.
  if (o.cases < 1 || o.due < 1 || o.due > o.cases || o.due > 100000 || o.runs < 1) return Usage();
  if (o.dir.empty()) {
    o.dir = fs::path("/tmp") /
            ("shakwa-sweep-" + std::to_string(o.cases) + "-" + std::to_string(o.due));
  }
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
