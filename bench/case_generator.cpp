// shakwa_bench_cases: fills a data directory with N realistic cases for the read benchmark
// (bench/README.md, "Reads at a million cases").
//
// Everything goes through the real storage adapter (storage::sqlite::SqliteStore and its
// WriteTransaction: NextReferenceSequence, InsertCase, AppendEvent, UpdateCase, AppendAudit), so
// the rows, the indexes, the sealed personal data (SodiumFieldCipher under a fixed test key), the
// blind indexes and the hash-chained audit trail are exactly what the server writes. Many cases
// share one transaction (--batch), which is how a million load in minutes rather than hours.
//
// What a case looks like: Arabic (three in four) or English; every kind, channel and beneficiary
// kind, in proportions an office sees; subjects by category, descriptions of 200-2000 characters
// built from sentences about the procurement platform; national IDs, CR numbers, mobiles and
// e-mails. Arrivals are spread evenly over the three years before now, and a case's status
// follows its age: almost everything older than two months is finished (mostly closed), recent
// cases are in every open state. Handled cases carry a department, priority, assessment, an
// assignee, findings and decisions as their status implies, 2-6 timeline events, one audit
// record per event and one "pii.read" per handled case.
//
// The directory gets: shakwa.key (the fixed test key, 0600), shakwa.db, bench-cases.txt
// (key=value: how it was made, the staff to sign in as, the sizes), and bench-sample.tsv (a
// random sample of cases: reference, department, status, and the plaintext access code, which
// only this file knows: the database holds its keyed hash). A directory already holding a finished
// load of the same --cases and --seed is reused as it is; any other is refused unless --force.
//
// Usage: shakwa_bench_cases --dir DIR [--cases N] [--batch B] [--sample S] [--seed X] [--force]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/audit_record.hpp"
#include "app/ports/store.hpp"
#include "bench_load.hpp"
#include "crypto/sodium.hpp"
#include "domain/access_code.hpp"
#include "domain/case.hpp"
#include "domain/json_writer.hpp"
#include "domain/staff.hpp"
#include "domain/time.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

namespace fs = std::filesystem;
namespace domain = shakwa::domain;
namespace app = shakwa::app;
using domain::CaseStatus;
using shakwa::bench::Check;
using shakwa::bench::CurrentSchemaFingerprint;
using shakwa::bench::ReadManifest;
using shakwa::bench::WriteNow;
using SteadyClock = std::chrono::steady_clock;

// The fixed test key (version 1) everything is sealed under. Test data only: never a real key.
constexpr std::string_view kTestKeyHex =
    "6265 6e63 682d 6f6e 6c79 2d6b 6579 2d66 6f72 2d73 6861 6b77 612d 7465 7374 2121";
// Every bench user signs in with this password.
constexpr std::string_view kPassword = "bench-password-2026!";
constexpr std::string_view kManifest = "bench-cases.txt";
constexpr std::string_view kSample = "bench-sample.tsv";
constexpr int kSequenceWidth = 6;           // the server's default [reference] sequence_digits
constexpr std::size_t kCasesPerWrite = 10;  // cases per Store::Write (one savepoint each)

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
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(items.size()) - 1))];
  }
  // An index drawn with the given weights.
  std::size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (const double w : weights) total += w;
    double x = Uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
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

template <typename T>
struct Weighted {
  T value;
  double weight;
};

template <typename T>
T Draw(Random& random, const std::vector<Weighted<T>>& table) {
  std::vector<double> weights;
  weights.reserve(table.size());
  for (const auto& w : table) weights.push_back(w.weight);
  return table[random.Weighted(weights)].value;
}

// Code points in UTF-8 text.
std::size_t Chars(std::string_view text) {
  std::size_t n = 0;
  for (const char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// What cases say

struct Department {
  std::string_view code, name_ar, name_en;
};
// The departments, and which one a category normally goes to.
const std::vector<Department> kDepartments = {
    {"procurement", "إدارة المنافسات والمشتريات", "Tenders and procurement"},
    {"payments", "الإدارة المالية", "Finance and payments"},
    {"contracts", "إدارة العقود", "Contracts"},
    {"it_support", "الدعم التقني", "Technical support"},
    {"registration", "التسجيل والاعتماد", "Registration and accreditation"},
    {"guarantees", "إدارة الضمانات", "Guarantees"},
    {"individual_services", "الخدمات الفردية", "Individual services"},
    {"customer_care", "رعاية المستفيدين", "Beneficiary care"},
};

struct Category {
  std::string_view code;
  double weight;
  std::string_view department;
  std::vector<std::string_view> subjects_ar, subjects_en, openings_ar, openings_en;
};

const std::vector<Category>& Categories() {
  static const std::vector<Category> categories = {
      {"payments",
       20,
       "payments",
       {"تأخر صرف المستخلص", "أمر دفع معلق منذ أشهر", "خصم غير مبرر من المستحقات"},
       {"Late payment of an invoice", "Payment order pending for months",
        "Unexplained deduction from our dues"},
       {"رفعنا المستخلص عبر المنصة مع جميع المرفقات المطلوبة ولم يصدر أمر الدفع حتى الآن.",
        "تم خصم مبلغ من مستحقاتنا دون إشعار مسبق أو توضيح لسبب الخصم."},
       {"We submitted the invoice through the platform with every required attachment and the "
        "payment order has still not been issued.",
        "An amount was deducted from our dues without prior notice or any explanation."}},
      {"tenders",
       15,
       "procurement",
       {"تعذر تقديم العرض في المنافسة", "تعديل شروط المنافسة قبل الإغلاق بيوم",
        "عدم الرد على الاستفسارات"},
       {"Could not submit our bid", "Tender terms changed a day before closing",
        "Questions about the tender went unanswered"},
       {"حاولنا تقديم العرض قبل موعد الإغلاق إلا أن المنصة رفضت رفع الملفات.",
        "أرسلنا استفسارات عن نطاق العمل خلال المدة المحددة ولم نتلق أي رد من الجهة."},
       {"We tried to submit our offer before the closing time but the platform refused the files.",
        "We sent questions about the scope of work within the allowed period and received no "
        "answer from the entity."}},
      {"technical",
       14,
       "it_support",
       {"انقطاع الخدمة أثناء رفع المستندات", "رسالة خطأ عند إصدار الفاتورة"},
       {"Service down while uploading documents", "Error message when issuing an invoice"},
       {"تظهر رسالة خطأ عامة كلما حاولنا إكمال العملية، وقد تكرر ذلك على أكثر من متصفح.",
        "انقطعت الخدمة أثناء رفع المستندات وفقدنا ما أدخلناه من بيانات."},
       {"A generic error message appears whenever we try to complete the step, on more than one "
        "browser.",
        "The service went down while we were uploading documents and everything we had entered "
        "was lost."}},
      {"registration",
       10,
       "registration",
       {"رفض طلب التسجيل دون سبب", "تأخر اعتماد تحديث السجل التجاري"},
       {"Registration refused without a reason", "Commercial registration update not approved"},
       {"قدمنا طلب تسجيل المنشأة مستوفياً للشروط وتم رفضه دون بيان الأسباب.",
        "حدثنا بيانات السجل التجاري منذ أسابيع ولا يزال الطلب قيد المراجعة."},
       {"We applied to register our establishment with every condition met and were refused "
        "without reasons.",
        "We updated our commercial registration weeks ago and the request is still under review."}},
      {"login_identity",
       8,
       "it_support",
       {"تعذر الدخول إلى الحساب", "عدم وصول رمز التحقق"},
       {"Cannot sign in to the account", "Verification code never arrives"},
       {"لا يصل رمز التحقق إلى الجوال المسجل مما يمنعنا من الدخول إلى الحساب.",
        "تم إيقاف حساب المفوض دون إشعار ولا نستطيع الدخول."},
       {"The verification code never reaches the registered mobile, so we cannot sign in.",
        "Our delegate's account was suspended without notice and we cannot sign in."}},
      {"contracts",
       9,
       "contracts",
       {"تأخر توقيع العقد بعد الترسية", "طلب تمديد مدة العقد"},
       {"Contract not signed long after the award", "Request to extend the contract period"},
       {"صدر قرار الترسية منذ أكثر من شهرين ولم يتم توقيع العقد حتى تاريخه.",
        "طلبنا تمديد مدة العقد بسبب تأخر تسليم الموقع ولم نتلق رداً."},
       {"The award decision was issued more than two months ago and the contract is still not "
        "signed.",
        "We asked for an extension because the site was handed over late and had no answer."}},
      {"award_grievance",
       6,
       "procurement",
       {"تظلم على قرار الترسية", "استبعاد العرض لأسباب شكلية"},
       {"Grievance against the award decision", "Bid excluded on a formality"},
       {"نتظلم من قرار الترسية إذ إن عرضنا هو الأقل سعراً والمطابق فنياً.",
        "تم استبعاد عرضنا بسبب ملاحظة شكلية لا تؤثر على جوهر العرض."},
       {"We contest the award: our bid was the lowest and technically compliant.",
        "Our bid was excluded for a formal remark that does not affect its substance."}},
      {"guarantees",
       5,
       "guarantees",
       {"عدم الإفراج عن الضمان النهائي", "تأخر إعادة الضمان الابتدائي"},
       {"Final guarantee not released", "Initial guarantee not returned"},
       {"انتهت مدة العقد وتم الاستلام النهائي ولم يتم الإفراج عن الضمان حتى الآن.",
        "لم تتم إعادة الضمان الابتدائي رغم إلغاء المنافسة."},
       {"The contract ended and final acceptance was signed, yet the guarantee is still held.",
        "The initial guarantee was not returned although the tender was cancelled."}},
      {"individual_services",
       5,
       "individual_services",
       {"تأخر صرف الراتب", "خطأ في احتساب البدلات"},
       {"Salary paid late", "Allowances calculated wrongly"},
       {"لم يصرف راتب الشهر الماضي حتى الآن دون إبلاغي بالسبب.",
        "تم احتساب بدل السكن بنسبة أقل من المقررة نظاماً."},
       {"Last month's salary has still not been paid and nobody told me why.",
        "The housing allowance was calculated at less than the regulations provide."}},
      {"staff_conduct",
       3,
       "customer_care",
       {"سوء تعامل موظف خدمة العملاء", "عدم الالتزام بموعد المراجعة"},
       {"Rude treatment by a service agent", "Appointment not honoured"},
       {"تعامل معي الموظف بأسلوب غير لائق وأنهى المكالمة قبل أن أشرح المشكلة.",
        "حضرت في الموعد المحدد ولم يستقبلني أحد رغم الانتظار لأكثر من ساعتين."},
       {"The agent was rude to me and ended the call before I could explain the problem.",
        "I came at the appointed time and nobody received me although I waited over two hours."}},
      {"complaint_process",
       2,
       "customer_care",
       {"عدم الرد على شكوى سابقة", "إغلاق الشكوى دون حل"},
       {"No answer to an earlier complaint", "Complaint closed without a solution"},
       {"قدمت شكوى قبل شهر ولم أتلق أي رد أو تحديث على حالتها.",
        "أغلقت شكواي السابقة دون أن يتواصل معي أحد أو تحل المشكلة."},
       {"I filed a complaint a month ago and have had no answer or update since.",
        "My earlier complaint was closed without anyone contacting me or fixing the problem."}},
      {"other",
       3,
       "customer_care",
       {"اقتراح لتحسين الخدمة", "ملاحظة على دليل الاستخدام"},
       {"A suggestion to improve the service", "A remark on the user guide"},
       {"أود أن أقترح إضافة خاصية تتيح متابعة حالة الطلبات بشكل أوضح.",
        "لاحظت أن دليل الاستخدام لا يغطي الخطوات الجديدة في المنصة."},
       {"I would like to suggest a feature to follow the status of requests more clearly.",
        "I noticed that the user guide does not cover the platform's new steps."}},
  };
  return categories;
}

const std::vector<std::string_view> kSentencesAr = {
    "تواصلنا مع الجهة عدة مرات عبر الهاتف والبريد الإلكتروني وأفادونا بأن الطلب قيد المراجعة.",
    "وقد تسبب هذا التأخير في صعوبات في الوفاء بالتزاماتنا تجاه العمال والموردين.",
    "نرفق لكم صور المراسلات السابقة وأرقام الطلبات ذات العلاقة.",
    "نأمل التكرم بالنظر في الموضوع واتخاذ ما يلزم في أقرب وقت ممكن.",
    "علماً بأننا التزمنا بجميع الشروط والمواعيد الواردة في كراسة الشروط والمواصفات.",
    "مضى على ذلك أكثر من تسعين يوماً دون أي تحديث على حالة الطلب.",
    "راجعنا مركز الاتصال وتم فتح بلاغ ولم يتم حله حتى الآن.",
    "نرجو إفادتنا بالإجراء المطلوب منا إن وجد حتى نتمكن من استكماله.",
    "تكررت المشكلة مع عدد من المنشآت الأخرى في القطاع نفسه بحسب ما علمنا.",
    "ونود الإشارة إلى أن المنشأة من المنشآت الصغيرة والمتوسطة وتتأثر كثيراً بتأخر المستحقات.",
    "تم تسليم جميع الأعمال وفق الجدول الزمني المعتمد وبموجب محاضر استلام موقعة.",
    "لم نتلق أي ملاحظات مكتوبة من الجهة على المستندات المقدمة.",
    "نأمل أن يتم إشعارنا بنتيجة المعالجة عبر البريد الإلكتروني المسجل.",
    "وقد أبلغنا الموظف المختص بأن النظام لا يسمح بإكمال الإجراء دون موافقة إضافية.",
    "نطلب تزويدنا بمسوغات القرار مكتوبة حتى نتمكن من التظلم وفق النظام.",
    "ونشكر لكم حسن تعاونكم وسرعة تجاوبكم مع ملاحظات المستفيدين.",
    "تمت مخاطبة الإدارة المعنية بخطاب رسمي ولم يصلنا رد حتى تاريخه.",
    "ونؤكد استعدادنا لتقديم أي مستندات إضافية تطلبها الجهة.",
};

const std::vector<std::string_view> kSentencesEn = {
    "We contacted the entity several times by phone and e-mail and were told the request is "
    "under review.",
    "The delay has made it hard to meet our obligations to our workers and suppliers.",
    "Copies of the earlier correspondence and the request numbers are attached.",
    "We kindly ask you to look into the matter and act as soon as possible.",
    "We met every condition and deadline in the tender documents.",
    "More than ninety days have passed without any update on the request.",
    "We called the contact centre, a ticket was opened, and it has not been resolved.",
    "Please tell us if anything is required from our side so that we can complete it.",
    "As far as we know, other establishments in the same sector have had the same problem.",
    "We are a small enterprise and late payments affect us heavily.",
    "All works were delivered on the approved schedule, with signed acceptance reports.",
    "We received no written remarks from the entity on the documents we submitted.",
    "We would like to be told the outcome by e-mail at the registered address.",
    "The officer in charge told us the system does not allow the step without another approval.",
    "We ask for the grounds of the decision in writing so that we can appeal as the law allows.",
    "Thank you for your cooperation and for listening to beneficiaries.",
    "A formal letter was sent to the department concerned and no reply has come yet.",
    "We are ready to provide any further documents the entity needs.",
};

const std::vector<std::string_view> kRemediesAr = {
    "صرف المستحقات المتأخرة وتعويض التأخير وفق أحكام العقد",
    "إعادة فتح المنافسة أو تمديد موعدها",
    "الإفراج عن الضمان في أقرب وقت",
    "إعادة تفعيل الحساب",
    "الاعتذار ومحاسبة المتسبب",
    "إعادة النظر في القرار وبيان أسبابه"};
const std::vector<std::string_view> kRemediesEn = {
    "Pay the overdue amounts with compensation for the delay as the contract provides",
    "Reopen the tender or extend its deadline",
    "Release the guarantee promptly",
    "Reactivate the account",
    "An apology, and action against whoever was responsible",
    "Reconsider the decision and give its reasons"};

const std::vector<std::string_view> kFirstAr = {
    "محمد", "عبدالله", "فهد",  "خالد", "سعود", "عبدالعزيز", "سلطان", "نورة",  "سارة",
    "ريم",  "هند",     "تركي", "ماجد", "منى",  "عمر",       "يوسف",  "فاطمة", "ناصر"};
const std::vector<std::string_view> kFamilyAr = {
    "الحربي",  "العتيبي", "القحطاني", "الشهري", "الدوسري", "الغامدي", "الزهراني",
    "المطيري", "السبيعي", "العنزي",   "الشمري", "التميمي", "السهلي",  "البقمي"};
const std::vector<std::string_view> kFirstEn = {"Mohammed", "Abdullah", "Fahad", "Khalid", "Saud",
                                                "Sultan",   "Noura",    "Sara",  "Reem",   "Hind",
                                                "Turki",    "Majed",    "Omar",  "Yousef"};
const std::vector<std::string_view> kFamilyEn = {"Alharbi",   "Alotaibi", "Alqahtani",  "Alshehri",
                                                 "Aldossari", "Alghamdi", "Alzahrani",  "Almutairi",
                                                 "Alsubaie",  "Alanazi",  "Alshammari", "Altamimi"};
const std::vector<std::string_view> kOrgPrefixAr = {"مؤسسة", "شركة", "مكتب"};
const std::vector<std::string_view> kOrgCoreAr = {"البناء المتقدم", "الأفق",  "الرواد",
                                                  "النخبة",         "المدار", "الإتقان",
                                                  "الريادة",        "السحاب", "الواحة"};
const std::vector<std::string_view> kOrgSuffixAr = {"للمقاولات", "للتجارة", "للتقنية",
                                                    "للخدمات اللوجستية", "للاستشارات الهندسية"};
const std::vector<std::string_view> kOrgCoreEn = {
    "Advanced Building", "Horizon", "Pioneers", "Elite", "Orbit", "Precision", "Oasis", "Summit"};
const std::vector<std::string_view> kOrgSuffixEn = {"Contracting Co.", "Trading Est.",
                                                    "Technology Co.", "Logistics Co.",
                                                    "Engineering Consultants"};
const std::vector<std::string_view> kGovAr = {"وزارة التعليم", "وزارة الصحة", "أمانة منطقة الرياض",
                                              "هيئة الطرق", "جامعة الملك سعود"};
const std::vector<std::string_view> kBanksAr = {"البنك الأهلي", "مصرف الراجحي", "بنك الرياض",
                                                "البنك العربي"};
const std::vector<std::string_view> kMailDomains = {"gmail.com", "outlook.com", "hotmail.com",
                                                    "example.sa", "company.example.com"};
const std::vector<std::string_view> kNotesAr = {
    "تم التواصل مع الإدارة المالية وطلب تقرير عن حالة أمر الدفع.",
    "راجعت المستندات المرفقة وهي مكتملة، بانتظار رد الجهة.",
    "تم التنسيق مع الدعم التقني لمعرفة سبب الخطأ."};
const std::vector<std::string_view> kNotesEn = {
    "Asked finance for a report on the payment order.",
    "Checked the attachments: complete. Waiting for the entity's answer.",
    "Coordinating with technical support on the cause of the error."};
const std::vector<std::string_view> kDecisionsAr = {
    "تم صرف المستحقات واعتماد أمر الدفع، مع الاعتذار عن التأخير.",
    "تمت معالجة الخلل التقني وإعادة تفعيل الخدمة.",
    "بعد المراجعة تبين أن القرار صحيح نظاماً، وتم توضيح الأسباب للمستفيد."};
const std::vector<std::string_view> kDecisionsEn = {
    "The dues were paid and the payment order approved, with an apology for the delay.",
    "The technical fault was fixed and the service restored.",
    "On review the decision was found lawful, and its reasons were explained."};

// A text of about target characters in language, from whole sentences: opening first.
std::string Paragraph(Random& random, bool arabic, std::string_view opening, std::size_t target) {
  std::string out(opening);
  std::size_t chars = Chars(out);
  const auto& pool = arabic ? kSentencesAr : kSentencesEn;
  while (chars < target) {
    const std::string_view sentence = random.Pick(pool);
    const std::size_t n = Chars(sentence) + 1;
    if (chars + n > 2000) break;
    out += ' ';
    out += sentence;
    chars += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The staff

struct Staff {
  std::vector<std::int64_t> agents, managers;
  std::map<std::string, std::vector<std::int64_t>> handlers;  // by department
  std::map<std::string, std::int64_t> supervisors;            // by department
  std::vector<std::pair<std::string, std::string>> logins;  // role key -> e-mail, for the manifest
};

Staff AddStaff(app::Store& store, domain::Instant now) {
  // Argon2id once; every bench user shares the password, so they share the hash.
  const std::string password_hash = shakwa::crypto::SodiumPasswordHasher().Hash(kPassword);
  Staff staff;
  WriteNow(
      store,
      [&](app::WriteTransaction& tx) -> domain::Status {
        for (const Department& d : kDepartments) {
          if (auto s = tx.InsertDepartment(
                  {std::string(d.code), std::string(d.name_ar), std::string(d.name_en), true});
              !s.ok()) {
            return s;
          }
        }
        auto add = [&](domain::Role role, std::optional<std::string> department,
                       const std::string& email, const std::string& name) -> std::int64_t {
          domain::StaffUser user;
          user.email = email;
          user.name = name;
          user.role = role;
          user.department = std::move(department);
          user.created_at = now;
          auto id = tx.InsertUser(user, password_hash);
          if (!id) throw std::runtime_error("insert user " + email + ": " + id.error().detail);
          return *id;
        };
        for (const Department& d : kDepartments) {
          const std::string code(d.code);
          staff.supervisors[code] =
              add(domain::Role::kSupervisor, code, "supervisor." + code + "@bench.shakwa.test",
                  "مشرف " + std::string(d.name_ar));
          for (int i = 1; i <= 4; ++i) {
            staff.handlers[code].push_back(
                add(domain::Role::kHandler, code,
                    "handler" + std::to_string(i) + "." + code + "@bench.shakwa.test",
                    "معالج " + std::to_string(i) + " " + std::string(d.name_ar)));
          }
          staff.logins.emplace_back("handler." + code, "handler1." + code + "@bench.shakwa.test");
        }
        for (int i = 1; i <= 20; ++i) {
          staff.agents.push_back(add(domain::Role::kAgent, std::nullopt,
                                     "agent" + std::to_string(i) + "@bench.shakwa.test",
                                     "موظف مركز الاتصال " + std::to_string(i)));
        }
        for (int i = 1; i <= 2; ++i) {
          staff.managers.push_back(add(domain::Role::kManager, std::nullopt,
                                       "manager" + std::to_string(i) + "@bench.shakwa.test",
                                       "مدير " + std::to_string(i)));
        }
        add(domain::Role::kQaReviewer, std::nullopt, "qa1@bench.shakwa.test", "مراجع الجودة");
        add(domain::Role::kAdmin, std::nullopt, "admin@bench.shakwa.test", "مدير النظام");
        add(domain::Role::kAuditor, std::nullopt, "auditor@bench.shakwa.test", "المدقق");
        staff.logins.emplace_back("agent", "agent1@bench.shakwa.test");
        staff.logins.emplace_back("manager", "manager1@bench.shakwa.test");
        return domain::Status::Ok();
      },
      "departments and users");
  return staff;
}

// ---------------------------------------------------------------------------------------------
// One case, planned before it is written

struct Step {
  domain::CaseEvent event;
};

struct Planned {
  domain::Case intake;  // as recorded at receipt (status received, no handling)
  domain::Case final;   // as it stands now
  app::AccessCodeHash hash{};
  std::string code;  // kept only for sampled cases
  bool sampled = false;
  std::vector<Step> steps;  // after "received"
  bool pii_read = false;    // a member of staff read it in full once
  std::int64_t reader = 0;
  // filled in by the write
  std::string reference;
};

class Planner {
 public:
  Planner(Random& random, const Staff& staff, const app::AccessCodeHasher& hasher,
          domain::Instant start, domain::Instant now, std::int64_t cases, double sample_rate)
      : random_(random),
        staff_(staff),
        hasher_(hasher),
        start_(start),
        now_(now),
        cases_(cases),
        sample_rate_(sample_rate) {}

  Planned Plan(std::int64_t index) {
    Planned p;
    domain::Case& c = p.intake;
    const bool arabic = random_.Chance(0.75);
    c.language = arabic ? domain::Language::kArabic : domain::Language::kEnglish;
    // Arrivals evenly over [start, now), in order, so ids, references and times agree.
    const auto span = (now_ - start_).count();
    const auto offset = static_cast<std::int64_t>(static_cast<double>(span) *
                                                  (static_cast<double>(index) + random_.Uniform()) /
                                                  static_cast<double>(cases_));
    c.received_at = start_ + std::chrono::milliseconds(offset);
    c.kind = Draw<domain::CaseKind>(random_, {{domain::CaseKind::kComplaint, 80},
                                              {domain::CaseKind::kSuggestion, 8},
                                              {domain::CaseKind::kRemark, 8},
                                              {domain::CaseKind::kCompliment, 4}});
    c.channel = Draw<domain::Channel>(random_, {{domain::Channel::kPortal, 55},
                                                {domain::Channel::kEmail, 10},
                                                {domain::Channel::kPhone, 15},
                                                {domain::Channel::kWalkIn, 5},
                                                {domain::Channel::kSocial, 5},
                                                {domain::Channel::kApi, 8},
                                                {domain::Channel::kSms, 2}});
    const bool by_staff =
        c.channel == domain::Channel::kPhone || c.channel == domain::Channel::kWalkIn ||
        c.channel == domain::Channel::kEmail || c.channel == domain::Channel::kSocial;
    if (by_staff) {
      c.recorded_by = {domain::Actor::Kind::kStaff, std::to_string(random_.Pick(staff_.agents))};
      c.recorded_at = c.received_at + std::chrono::minutes(random_.Between(2, 240));
      if (c.recorded_at >= now_) c.recorded_at = c.received_at;
    } else {
      c.recorded_by = {domain::Actor::Kind::kBeneficiary, {}};
      c.recorded_at = c.received_at;
    }
    c.reference.prefix = domain::ReferencePrefix(c.kind);
    c.reference.year = domain::YearAt(c.received_at, domain::kRiyadhOffset);
    c.reference.width = kSequenceWidth;

    std::vector<double> weights;
    for (const auto& cat : Categories()) weights.push_back(cat.weight);
    const Category& category = Categories()[random_.Weighted(weights)];
    c.category = std::string(category.code);
    c.about = Draw<domain::Subject>(random_, {{domain::Subject::kService, 40},
                                              {domain::Subject::kProcess, 25},
                                              {domain::Subject::kDecision, 15},
                                              {domain::Subject::kProduct, 8},
                                              {domain::Subject::kProcedure, 8},
                                              {domain::Subject::kSituation, 4}});
    c.subject = std::string(random_.Pick(arabic ? category.subjects_ar : category.subjects_en));
    if (random_.Chance(0.5)) c.subject += (arabic ? " رقم " : " no. ") + random_.Digits(8);
    // 200-2000 characters, most of them short: 200 + 1800 u^2 has its median near 650.
    const double u = random_.Uniform();
    const auto target = static_cast<std::size_t>(200 + 1800 * u * u);
    c.description =
        Paragraph(random_, arabic,
                  random_.Pick(arabic ? category.openings_ar : category.openings_en), target);
    if (random_.Chance(0.6)) {
      c.remedy_sought = std::string(random_.Pick(arabic ? kRemediesAr : kRemediesEn));
    }
    if (random_.Chance(0.4)) {
      const int n = random_.Chance(0.8) ? 1 : 2;
      for (int i = 0; i < n; ++i) {
        const auto type =
            Draw<domain::TransactionType>(random_, {{domain::TransactionType::kTender, 35},
                                                    {domain::TransactionType::kContract, 25},
                                                    {domain::TransactionType::kPaymentOrder, 25},
                                                    {domain::TransactionType::kInvoice, 15}});
        c.related_transactions.push_back({type, random_.Digits(12)});
      }
    }
    c.preferred_channel =
        Draw<std::optional<domain::ContactChannel>>(random_, {{domain::ContactChannel::kEmail, 50},
                                                              {domain::ContactChannel::kSms, 30},
                                                              {domain::ContactChannel::kPhone, 10},
                                                              {std::nullopt, 10}});
    c.consent_notice_shown = c.channel == domain::Channel::kPortal || random_.Chance(0.5);
    c.vulnerable = random_.Chance(0.02);
    Beneficiary(c.beneficiary, arabic);
    c.handling.updated_at = c.recorded_at;

    const std::string code =
        domain::MakeAccessCode([this](std::span<std::uint8_t> bytes) { random_.Fill(bytes); });
    p.hash = hasher_.Hash(code);
    p.sampled = random_.Chance(sample_rate_);
    if (p.sampled) p.code = domain::FormatAccessCode(code);

    Handle(p, category, arabic);
    return p;
  }

 private:
  void Beneficiary(domain::Beneficiary& b, bool arabic) {
    b.kind = Draw<domain::BeneficiaryKind>(random_, {{domain::BeneficiaryKind::kPrivate, 50},
                                                     {domain::BeneficiaryKind::kIndividual, 30},
                                                     {domain::BeneficiaryKind::kGovernment, 12},
                                                     {domain::BeneficiaryKind::kFinancial, 8}});
    const std::size_t family = static_cast<std::size_t>(random_.Between(0, 11));
    const std::string person =
        arabic ? std::string(random_.Pick(kFirstAr)) + " " + std::string(random_.Pick(kFirstAr)) +
                     " " + std::string(kFamilyAr[family])
               : std::string(random_.Pick(kFirstEn)) + " " + std::string(kFamilyEn[family]);
    std::string local = std::string(kFamilyEn[family]);
    std::transform(local.begin(), local.end(), local.begin(),
                   [](char ch) { return static_cast<char>(std::tolower(ch)); });
    b.mobile = "+9665" + random_.Digits(8);
    switch (b.kind) {
      case domain::BeneficiaryKind::kIndividual:
        b.name = person;
        b.national_id = (random_.Chance(0.8) ? "1" : "2") + random_.Digits(9);
        if (random_.Chance(0.7)) {
          b.email = local + "." + random_.Digits(4) + "@" + std::string(random_.Pick(kMailDomains));
        }
        break;
      case domain::BeneficiaryKind::kPrivate: {
        const std::string org = arabic ? std::string(random_.Pick(kOrgPrefixAr)) + " " +
                                             std::string(random_.Pick(kOrgCoreAr)) + " " +
                                             std::string(random_.Pick(kOrgSuffixAr))
                                       : std::string(random_.Pick(kOrgCoreEn)) + " " +
                                             std::string(random_.Pick(kOrgSuffixEn));
        b.name = random_.Chance(0.5) ? org : person;
        b.organization = org;
        b.national_id = "10" + random_.Digits(8);  // commercial registration
        b.email = "info" + random_.Digits(3) + "@" + local + "-co.example.sa";
        break;
      }
      case domain::BeneficiaryKind::kGovernment:
        b.organization = std::string(random_.Pick(kGovAr));
        b.name = person;
        b.national_id = "G" + random_.Digits(6);
        b.email = local + "@gov.example.sa";
        break;
      case domain::BeneficiaryKind::kFinancial:
        b.organization = std::string(random_.Pick(kBanksAr));
        b.name = *b.organization;
        b.national_id = "10" + random_.Digits(8);
        b.email = "complaints" + random_.Digits(2) + "@bank.example.sa";
        break;
    }
    if (b.kind != domain::BeneficiaryKind::kIndividual && random_.Chance(0.3)) {
      b.representative = domain::Representative{
          arabic ? std::string(random_.Pick(kFirstAr)) + " " + std::string(random_.Pick(kFamilyAr))
                 : std::string(random_.Pick(kFirstEn)) + " " + std::string(random_.Pick(kFamilyEn)),
          arabic ? "مفوض المنشأة" : "authorised signatory",
          "rep" + random_.Digits(4) + "@" + std::string(random_.Pick(kMailDomains)),
          "+9665" + random_.Digits(8)};
    }
  }

  // Where a case received `age` ago stands now: almost everything older than two months is
  // finished; recent cases are in every open state.
  CaseStatus StatusFor(std::chrono::milliseconds age) {
    using S = CaseStatus;
    const auto days = std::chrono::duration<double, std::ratio<86400>>(age).count();
    if (days < 2) {
      return Draw<S>(random_, {{S::kReceived, 45},
                               {S::kAssessed, 25},
                               {S::kInProgress, 25},
                               {S::kRejected, 3},
                               {S::kWithdrawn, 2}});
    }
    if (days < 14) {
      return Draw<S>(random_, {{S::kReceived, 5},
                               {S::kAssessed, 10},
                               {S::kInProgress, 45},
                               {S::kAwaitingBeneficiary, 12},
                               {S::kResolved, 15},
                               {S::kClosed, 8},
                               {S::kRejected, 3},
                               {S::kWithdrawn, 1},
                               {S::kMerged, 1}});
    }
    if (days < 60) {
      return Draw<S>(random_, {{S::kAssessed, 2},
                               {S::kInProgress, 20},
                               {S::kAwaitingBeneficiary, 6},
                               {S::kResolved, 12},
                               {S::kClosed, 52},
                               {S::kRejected, 4},
                               {S::kWithdrawn, 2},
                               {S::kMerged, 2}});
    }
    return Draw<S>(random_, {{S::kInProgress, 0.5},
                             {S::kAwaitingBeneficiary, 0.2},
                             {S::kResolved, 0.3},
                             {S::kClosed, 86},
                             {S::kRejected, 7},
                             {S::kWithdrawn, 3},
                             {S::kMerged, 3}});
  }

  // The handling the status implies, and the events that got it there.
  void Handle(Planned& p, const Category& category, bool arabic) {
    using S = CaseStatus;
    using V = domain::CaseEvent::Visibility;
    const domain::Case& c = p.intake;
    const S status = StatusFor(now_ - c.received_at);
    p.final = c;
    p.final.status = status;
    if (status == S::kReceived) return;

    domain::CaseHandling& h = p.final.handling;
    std::string department(category.department);
    if (random_.Chance(0.1)) department = std::string(random_.Pick(kDepartments).code);
    const auto& handlers = staff_.handlers.at(department);
    const std::int64_t agent = random_.Pick(staff_.agents);
    const std::int64_t handler = random_.Pick(handlers);
    const std::int64_t supervisor = staff_.supervisors.at(department);

    // Event times: hours to weeks apart, squeezed to fit between receipt and now.
    std::vector<domain::Instant> times;
    auto at = [&](std::size_t i) { return times[std::min(i, times.size() - 1)]; };
    {
      std::vector<std::int64_t> gaps;
      for (int i = 0; i < 6; ++i) gaps.push_back(random_.Between(1, 5 * 24) * 3'600'000);
      std::int64_t total = 0;
      for (auto g : gaps) total += g;
      const auto room = (now_ - c.recorded_at).count() - 60'000;
      const double squeeze = total > room ? static_cast<double>(std::max<std::int64_t>(room, 6)) /
                                                static_cast<double>(total)
                                          : 1.0;
      domain::Instant t = c.recorded_at;
      for (auto g : gaps) {
        t += std::chrono::milliseconds(
            std::max<std::int64_t>(1, static_cast<std::int64_t>(static_cast<double>(g) * squeeze)));
        times.push_back(t);
      }
    }
    std::size_t next = 0;
    domain::CaseStatus current = S::kReceived;
    auto step = [&](std::string type, V visibility, std::int64_t by, domain::Role role,
                    std::optional<S> to, std::string data = {}) {
      domain::CaseEvent e;
      e.at = at(next++);
      e.type = std::move(type);
      e.visibility = visibility;
      e.actor = {domain::Actor::Kind::kStaff, std::to_string(by)};
      e.actor_role = std::string(domain::NameOf(role));
      if (to) {
        e.from_status = current;
        e.to_status = *to;
        current = *to;
      }
      e.data = std::move(data);
      p.steps.push_back({std::move(e)});
    };
    auto text = [](std::string_view key, std::string_view value) {
      domain::JsonWriter w;
      w.Add(key, value);
      return w.Finish();
    };

    if (status == S::kWithdrawn && random_.Chance(0.5)) {
      domain::CaseEvent e;
      e.at = at(next++);
      e.type = "withdrawn";
      e.actor = {domain::Actor::Kind::kBeneficiary, {}};
      e.actor_role = "beneficiary";
      e.from_status = current;
      e.to_status = S::kWithdrawn;
      p.steps.push_back({std::move(e)});
      h.updated_at = p.steps.back().event.at;
      p.final.version = 2;
      return;
    }
    if (status == S::kMerged) {
      step("merged", V::kPublic, agent, domain::Role::kAgent, S::kMerged,
           text("into", last_reference_.empty() ? "C-2024-000001-5" : last_reference_));
      h.merged_into = last_reference_.empty() ? std::nullopt : std::optional(last_reference_);
      h.updated_at = p.steps.back().event.at;
      p.final.version = 2;
      return;
    }

    // The assessment.
    h.priority = Draw<domain::Priority>(random_, {{domain::Priority::kLow, 15},
                                                  {domain::Priority::kNormal, 55},
                                                  {domain::Priority::kHigh, 22},
                                                  {domain::Priority::kUrgent, 8}});
    h.severity = Draw<domain::Severity>(random_, {{domain::Severity::kLow, 30},
                                                  {domain::Severity::kMedium, 45},
                                                  {domain::Severity::kHigh, 20},
                                                  {domain::Severity::kCritical, 5}});
    h.complexity = Draw<domain::Complexity>(random_, {{domain::Complexity::kSimple, 50},
                                                      {domain::Complexity::kModerate, 35},
                                                      {domain::Complexity::kComplex, 15}});
    h.impact = Draw<domain::Impact>(random_, {{domain::Impact::kIndividual, 75},
                                              {domain::Impact::kGroup, 20},
                                              {domain::Impact::kWidespread, 5}});
    h.immediate_action_needed = random_.Chance(0.05);
    h.department = department;
    h.assessed_by = agent;
    if (category.code == "staff_conduct" && random_.Chance(0.5)) {
      h.concerns_department = std::string(random_.Pick(kDepartments).code);
    }
    p.final.clock.resolution_due_at = c.received_at + std::chrono::days(21);
    {
      domain::JsonWriter data;
      data.Add("kind", domain::NameOf(c.kind))
          .Add("category", std::string_view(c.category))
          .Add("priority", domain::NameOf(h.priority))
          .Add("department", h.department)
          .Add("immediate_action_needed", h.immediate_action_needed)
          .Add("severity", domain::NameOf(*h.severity))
          .Add("complexity", domain::NameOf(*h.complexity))
          .Add("impact", domain::NameOf(*h.impact));
      if (status == S::kRejected) {
        const std::string reason =
            arabic ? "الموضوع خارج نطاق اختصاص الجهة، ويمكن رفعه إلى الجهة المختصة."
                   : "Out of our remit; it can be raised with the competent body.";
        h.rejection_reason = reason;
        step("rejected", V::kPublic, agent, domain::Role::kAgent, S::kRejected,
             text("reason", reason));
        h.updated_at = p.steps.back().event.at;
        p.final.version = 2;
        return;
      }
      step("assessed", V::kInternal, agent, domain::Role::kAgent, S::kAssessed, data.Finish());
    }
    if (status == S::kAssessed) {
      Finish(p);
      return;
    }
    h.assignee_id = handler;
    {
      domain::JsonWriter data;
      data.Add("department", h.department).Add("assignee_id", handler);
      step("assigned", V::kInternal, supervisor, domain::Role::kSupervisor, std::nullopt,
           data.Finish());
    }
    step("work_started", V::kPublic, handler, domain::Role::kHandler, S::kInProgress);
    if (random_.Chance(0.4)) {
      step("note", V::kInternal, handler, domain::Role::kHandler, std::nullopt,
           text("text", random_.Pick(arabic ? kNotesAr : kNotesEn)));
    }
    if (status == S::kAwaitingBeneficiary) {
      step("information_requested", V::kPublic, handler, domain::Role::kHandler,
           S::kAwaitingBeneficiary,
           text("text",
                arabic ? "نرجو تزويدنا بصورة من أمر الدفع ورقم المستخلص."
                       : "Please send us a copy of the payment order and the invoice number."));
    }
    if (status == S::kInProgress || status == S::kAwaitingBeneficiary) {
      Finish(p);
      return;
    }
    // Findings and a decision (resolved, closed, or withdrawn after work started).
    if (status == S::kWithdrawn) {
      step("withdrawn", V::kPublic, handler, domain::Role::kHandler, S::kWithdrawn);
      Finish(p);
      return;
    }
    h.outcome = Draw<domain::Outcome>(random_, {{domain::Outcome::kUpheld, 45},
                                                {domain::Outcome::kPartiallyUpheld, 25},
                                                {domain::Outcome::kNotUpheld, 30}});
    h.root_cause =
        arabic ? "تأخر في الإجراءات الداخلية بين الإدارات." : "Delay between departments.";
    h.decision = std::string(random_.Pick(arabic ? kDecisionsAr : kDecisionsEn));
    h.remedies = {random_.Chance(0.5) ? domain::Remedy::kCorrection : domain::Remedy::kExplanation};
    if (random_.Chance(0.3)) h.remedies.push_back(domain::Remedy::kApology);
    {
      domain::JsonWriter data;
      data.Add("root_cause", std::string_view(*h.root_cause))
          .Add("outcome", domain::NameOf(*h.outcome));
      step("findings", V::kInternal, handler, domain::Role::kHandler, std::nullopt, data.Finish());
    }
    {
      domain::JsonWriter data;
      std::vector<std::string> remedies;
      for (auto r : h.remedies) remedies.emplace_back(domain::NameOf(r));
      data.Add("decision", std::string_view(*h.decision)).AddStrings("remedies", remedies);
      step("resolved", V::kPublic, supervisor, domain::Role::kSupervisor, S::kResolved,
           data.Finish());
    }
    if (status == S::kClosed) {
      step("closed", V::kPublic, supervisor, domain::Role::kSupervisor, S::kClosed);
      if (random_.Chance(0.03)) p.final.escalation_level = 1;
    }
    Finish(p);
  }

  void Finish(Planned& p) {
    p.final.handling.updated_at = p.steps.empty() ? p.intake.recorded_at : p.steps.back().event.at;
    p.final.version = 1 + static_cast<std::int64_t>(p.steps.size());
    p.intake.version = p.final.version - 1;  // UpdateCase moves it on by one
    p.pii_read = p.final.handling.department.has_value();
    if (p.pii_read) {
      p.reader = p.final.handling.assignee_id.value_or(
          staff_.supervisors.at(*p.final.handling.department));
    }
  }

 public:
  std::string last_reference_;  // a recent case, for merges

 private:
  Random& random_;
  const Staff& staff_;
  const app::AccessCodeHasher& hasher_;
  domain::Instant start_, now_;
  std::int64_t cases_;
  double sample_rate_;
};

// Writes one planned case in the caller's transaction, as intake and the handling actions do.
domain::Status WriteCase(app::WriteTransaction& tx, Planned& p) {
  auto sequence = tx.NextReferenceSequence(p.intake.reference.year);
  if (!sequence) return std::move(sequence).error();
  p.intake.reference.sequence = *sequence;
  p.final.reference = p.intake.reference;
  p.reference = p.intake.reference.ToString();
  if (p.steps.empty()) p.intake.version = 1;
  auto id = tx.InsertCase(p.intake, p.hash);
  if (!id) return std::move(id).error();
  p.final.id = *id;

  domain::CaseEvent received;
  received.at = p.intake.received_at;
  received.type = "received";
  received.actor = p.intake.recorded_by;
  received.to_status = CaseStatus::kReceived;
  if (auto e = tx.AppendEvent(*id, received); !e) return std::move(e).error();
  {
    domain::JsonWriter detail;
    detail.Add("kind", domain::NameOf(p.intake.kind))
        .Add("channel", domain::NameOf(p.intake.channel))
        .Add("category", std::string_view(p.intake.category));
    if (auto s = app::Audit(tx, p.intake.recorded_at, p.intake.recorded_by, "case.received",
                            p.reference, detail.Finish());
        !s.ok()) {
      return s;
    }
  }
  if (p.steps.empty()) return domain::Status::Ok();

  if (auto s = tx.UpdateCase(p.final); !s.ok()) return s;
  std::int64_t version = p.intake.version;
  for (const Step& step : p.steps) {
    if (auto e = tx.AppendEvent(*id, step.event); !e) return std::move(e).error();
    domain::JsonWriter detail;
    detail.Add("version", ++version);
    if (step.event.from_status) detail.Add("from_status", domain::NameOf(*step.event.from_status));
    if (step.event.to_status) detail.Add("to_status", domain::NameOf(*step.event.to_status));
    if (!step.event.data.empty()) detail.AddRaw("data", step.event.data);
    if (auto s = app::Audit(tx, step.event.at, step.event.actor, "case." + step.event.type,
                            p.reference, detail.Finish());
        !s.ok()) {
      return s;
    }
  }
  if (p.pii_read) {
    domain::JsonWriter detail;
    detail.Add("role", "handler").Add("version", p.final.version);
    if (auto s = app::Audit(tx, p.steps.front().event.at,
                            {domain::Actor::Kind::kStaff, std::to_string(p.reader)}, "pii.read",
                            p.reference, detail.Finish());
        !s.ok()) {
      return s;
    }
  }
  return domain::Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// The directory

void WriteKeyFile(const fs::path& path) {
  std::string hex;
  for (const char ch : kTestKeyHex) {
    if (ch != ' ') hex += ch;
  }
  {
    std::ofstream out(path, std::ios::trunc);
    out << "1 " << hex << "\n";
    if (!out) throw std::runtime_error("cannot write " + path.string());
  }
  ::chmod(path.c_str(), 0600);
}

// Bytes per table and index, from dbstat when SQLite has it, else the file's pages.
std::vector<std::pair<std::string, std::int64_t>> Sizes(const fs::path& db) {
  using shakwa::storage::sqlite::Connection;
  std::vector<std::pair<std::string, std::int64_t>> out;
  auto connection = Connection::Open(db, true);
  if (!connection) return out;
  auto query =
      (*connection)
          ->Prepare(
              "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC");
  if (!query) {
    auto pages =
        (*connection)
            ->Prepare(
                "SELECT 'all (dbstat missing)', page_count * page_size FROM pragma_page_count, "
                "pragma_page_size");
    if (!pages) return out;
    if (auto row = (*pages)->Step(); row && *row)
      out.emplace_back((*pages)->Text(0), (*pages)->Int(1));
    return out;
  }
  for (;;) {
    auto row = (*query)->Step();
    if (!row || !*row) break;
    out.emplace_back((*query)->Text(0), (*query)->Int(1));
  }
  return out;
}

// What a load depends on besides N and the seed: this generator's output (bump kLoadFormat when
// it changes what it writes) and the schema the migrations make. A load made by an older
// generator, or under other migrations (an index added, or changed in place), is made again.
constexpr int kLoadFormat = 1;

struct Options {
  fs::path dir;
  std::int64_t cases = 1'000'000;
  int batch = 5000;
  std::int64_t sample = 50'000;
  std::uint64_t seed = 20260101;
  bool force = false;
};

int Usage() {
  std::cerr
      << "usage: shakwa_bench_cases --dir DIR [--cases N] [--batch B] [--sample S] [--seed X] "
         "[--force]\n"
         "  DIR  the data directory to fill (shakwa.db, shakwa.key, bench-cases.txt, "
         "bench-sample.tsv)\n"
         "  N    cases (default 1000000)     B  cases per transaction (default 5000)\n"
         "  S    cases whose access code is kept in bench-sample.tsv (default 50000)\n"
         "  X    random seed (default 20260101)\n"
         "  --force  empty DIR first if it holds anything but a finished load of N cases, seed X\n";
  return 2;
}

int Run(const Options& o) {
  const fs::path manifest_path = o.dir / kManifest;
  const fs::path db_path = o.dir / "shakwa.db";
  const std::string schema = CurrentSchemaFingerprint(kLoadFormat);
  if (fs::exists(manifest_path)) {
    auto m = ReadManifest(manifest_path);
    if (m["finished"] == "1" && m["cases"] == std::to_string(o.cases) &&
        m["seed"] == std::to_string(o.seed) && m["schema"] == schema && fs::exists(db_path)) {
      std::cerr << "bench: reusing the load in " << o.dir.string() << "\n";
      std::ifstream in(manifest_path);
      std::cout << in.rdbuf();
      return 0;
    }
    if (m["schema"] != schema) {
      std::cerr << "bench: the load in " << o.dir.string()
                << " was made under other migrations or by another generator; making it again\n";
    }
  }
  if (fs::exists(o.dir) && !fs::is_empty(o.dir)) {
    if (!o.force) {
      std::cerr << "bench: " << o.dir.string()
                << " holds something other than a finished load of these cases; --force empties "
                   "it\n";
      return 2;
    }
    for (const auto& entry : fs::directory_iterator(o.dir)) fs::remove_all(entry.path());
  }
  fs::create_directories(o.dir);
  ::chmod(o.dir.c_str(), 0700);
  WriteKeyFile(o.dir / "shakwa.key");

  const auto keys = shakwa::crypto::Keyring::Single([] {
    shakwa::crypto::Key key{};
    std::string hex;
    for (const char ch : kTestKeyHex) {
      if (ch != ' ') hex += ch;
    }
    for (std::size_t i = 0; i < key.size(); ++i) {
      key[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    }
    return key;
  }());
  shakwa::crypto::SodiumFieldCipher cipher(keys);
  shakwa::crypto::SodiumAccessCodeHasher hasher(keys);
  const auto writes_per_commit =
      std::max<std::size_t>(1, static_cast<std::size_t>(o.batch) / kCasesPerWrite);
  auto opened = shakwa::storage::sqlite::SqliteStore::Open({db_path, 1, writes_per_commit}, cipher);
  if (!opened) throw std::runtime_error("open store: " + opened.error().detail);
  auto& store = **opened;

  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const domain::Instant start = now - std::chrono::days(3 * 365);
  const Staff staff = AddStaff(store, now);

  Random random(o.seed);
  Planner planner(random, staff, hasher, start, now, o.cases,
                  std::min(1.0, static_cast<double>(o.sample) / static_cast<double>(o.cases)));
  std::ofstream sample(o.dir / kSample, std::ios::trunc);
  ::chmod((o.dir / kSample).c_str(), 0600);  // access codes, even test ones, are secrets
  sample << "reference\tdepartment\tstatus\tpriority\taccess_code\n";

  // The planner fills the next batch while the writer stores this one: two batches in flight.
  std::mutex mutex;
  std::condition_variable cv;
  std::int64_t in_flight = 0;            // GUARDED_BY(mutex): cases
  std::optional<domain::Error> failure;  // GUARDED_BY(mutex)
  std::int64_t written = 0;              // GUARDED_BY(mutex)
  std::string recent_reference;          // GUARDED_BY(mutex): for merges
  std::map<std::string, std::int64_t> statuses;
  std::int64_t events = 0;
  const auto t0 = SteadyClock::now();
  auto last_report = t0;

  for (std::int64_t first = 0; first < o.cases; first += o.batch) {
    {
      std::lock_guard lock(mutex);
      planner.last_reference_ = recent_reference;
    }
    const std::int64_t n = std::min<std::int64_t>(o.batch, o.cases - first);
    std::vector<Planned> planned;
    planned.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      planned.push_back(planner.Plan(first + i));
      statuses[std::string(domain::NameOf(planned.back().final.status))]++;
      events += 1 + static_cast<std::int64_t>(planned.back().steps.size());
    }
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return in_flight + n <= 2 * o.batch || failure; });
      if (failure) break;
      in_flight += n;
      if (SteadyClock::now() - last_report > std::chrono::seconds(15)) {
        last_report = SteadyClock::now();
        const double seconds = std::chrono::duration<double>(last_report - t0).count();
        std::cerr << "bench: " << written << " cases written, "
                  << static_cast<std::int64_t>(static_cast<double>(written) / seconds)
                  << " cases/s\n";
      }
    }
    // Small pieces of work, which the store's group commit puts together (max_batch of them per
    // transaction): one piece of 5000 cases would be one savepoint, and SQLite's in-memory
    // sub-journal makes every statement in a savepoint cost time in proportion to everything the
    // savepoint has changed so far (memjrnlTruncate walks its chunk list), so a load in big
    // savepoints slows down as it goes.
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
          [&, unit](domain::Status s) {
            std::lock_guard lock(mutex);
            if (!s.ok()) {
              if (!failure) failure = s.error();
            } else {
              for (const Planned& p : *unit) {
                if (!p.sampled) continue;
                sample << p.reference << '\t' << p.final.handling.department.value_or("-") << '\t'
                       << domain::NameOf(p.final.status) << '\t'
                       << domain::NameOf(p.final.handling.priority) << '\t' << p.code << '\n';
              }
              recent_reference = unit->back().reference;
              written += static_cast<std::int64_t>(unit->size());
            }
            in_flight -= static_cast<std::int64_t>(unit->size());
            cv.notify_all();
          });
    }
  }
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return in_flight == 0; });
    if (failure) throw std::runtime_error("writing cases: " + failure->detail);
  }
  const double load_seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  store.Close();  // checkpoints: the file stands alone
  sample.close();

  const auto file_bytes = static_cast<std::int64_t>(fs::file_size(db_path));
  std::ostringstream m;
  m << "cases=" << o.cases << "\nseed=" << o.seed << "\nschema=" << schema << "\nbatch=" << o.batch
    << "\nloaded_at=" << domain::FormatIso8601(now) << "\nload_seconds=" << load_seconds
    << "\nload_cases_per_s="
    << static_cast<std::int64_t>(static_cast<double>(o.cases) / load_seconds)
    << "\npassword=" << kPassword;
  for (const auto& [role, email] : staff.logins) m << "\nlogin." << role << "=" << email;
  for (const auto& [status, count] : statuses) m << "\nstatus." << status << "=" << count;
  m << "\nevents_per_case=" << static_cast<double>(events) / static_cast<double>(o.cases);
  m << "\ndb_bytes=" << file_bytes
    << "\ndb_bytes_per_case=" << static_cast<double>(file_bytes) / static_cast<double>(o.cases);
  for (const auto& [name, bytes] : Sizes(db_path)) m << "\nsize." << name << "=" << bytes;
  m << "\nfinished=1\n";
  {
    std::ofstream out(manifest_path, std::ios::trunc);
    out << m.str();
  }
  std::cout << m.str();
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
      if (arg == "--dir") {
        o.dir = value();
      } else if (arg == "--cases") {
        o.cases = std::stoll(value());
      } else if (arg == "--batch") {
        o.batch = std::stoi(value());
      } else if (arg == "--sample") {
        o.sample = std::stoll(value());
      } else if (arg == "--seed") {
        o.seed = std::stoull(value());
      } else if (arg == "--force") {
        o.force = true;
      } else {
        return Usage();
      }
    } catch (const std::exception& e) {
      std::cerr << "bench: " << e.what() << "\n";
      return Usage();
    }
  }
  if (o.dir.empty() || o.cases < 1 || o.batch < 1) return Usage();
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::cerr << "bench: " << e.what() << "\n";
    return 1;
  }
}
