#include "main/demo.hpp"

#include <future>

namespace shakwa::main {

std::vector<DemoCase> SeedDemoCases(app::Store& store, const app::SubmitCase& submit_case) {
  std::int64_t existing = 0;
  (void)store.Read([&](app::ReadTransaction& tx) -> domain::Status {
    auto count = tx.CountCases();
    if (count) existing = *count;
    return domain::Status::Ok();
  });
  if (existing > 0) return {};

  using F = domain::IntakeForm;
  std::vector<F> forms;
  {
    F f;
    f.kind = "complaint";
    f.channel = "portal";
    f.category = "payments";
    f.subject = "تأخر صرف مستخلص العقد";
    f.description = "تم رفع المستخلص الثالث لعقد الصيانة قبل ستين يومًا ولم يُصرف حتى الآن.";
    f.remedy_sought = "صرف المستخلص وإفادتنا بسبب التأخير";
    f.language = "ar";
    f.consent_notice_shown = true;
    f.beneficiary = F::BeneficiaryForm{"private",
                                       "مؤسسة البناء الحديث",
                                       "finance@example.com",
                                       "0551234567",
                                       "1010123456",
                                       "مؤسسة البناء الحديث",
                                       {}};
    f.related_transactions.push_back({"contract", "CT-2026-4471"});
    forms.push_back(std::move(f));
  }
  {
    F f;
    f.kind = "complaint";
    f.channel = "portal";
    f.category = "login_identity";
    f.subject = "Cannot sign in after the national access update";
    f.description = "Since the update our procurement officer is sent back to the sign-in page.";
    f.remedy_sought = "Restore access for our officer";
    f.language = "en";
    f.consent_notice_shown = true;
    f.beneficiary = F::BeneficiaryForm{"government",
                                       "Procurement Office",
                                       "procure@example.org",
                                       {},
                                       {},
                                       "Ministry of Example Affairs",
                                       {}};
    forms.push_back(std::move(f));
  }
  {
    F f;
    f.kind = "suggestion";
    f.channel = "portal";
    f.category = "tenders";
    f.subject = "إشعار قبل موعد فتح العروض";
    f.description = "نقترح إرسال تذكير للموردين قبل موعد فتح العروض بيومين.";
    f.language = "ar";
    f.consent_notice_shown = true;
    f.beneficiary =
        F::BeneficiaryForm{"individual", "سارة العتيبي", {}, "+966501112233", {}, {}, {}};
    forms.push_back(std::move(f));
  }

  std::vector<DemoCase> out;
  for (const F& form : forms) {
    std::promise<domain::Result<app::Receipt>> done;
    auto receipt = done.get_future();
    submit_case.Submit(form, domain::Actor{domain::Actor::Kind::kSystem, "demo"},
                       [&done](domain::Result<app::Receipt> r) { done.set_value(std::move(r)); });
    auto result = receipt.get();
    if (result) {
      out.push_back(
          {result->recorded.reference.ToString(), result->access_code, result->recorded.subject});
    }
  }
  return out;
}

std::vector<DemoUser> SeedDemoStaff(app::StaffAccounts& accounts, app::RandomSource& random) {
  auto users = accounts.Users();
  if (!users || !users->empty()) return {};
  const domain::Actor demo{domain::Actor::Kind::kSystem, "demo"};
  for (const domain::Department& d :
       {domain::Department{"procurement", "إدارة المشتريات", "Procurement", true},
        domain::Department{"finance", "الإدارة المالية", "Finance", true},
        // The default ladder's last level sits here (docs/guide.example.toml).
        domain::Department{"committee", "لجنة الشكاوى", "Complaints committee", true}}) {
    std::promise<domain::Status> added;
    accounts.AddDepartment(d, demo, [&added](domain::Status s) { added.set_value(s); });
    if (!added.get_future().get().ok()) return {};
  }
  struct Want {
    const char* email;
    const char* name;
    domain::Role role;
    std::optional<std::string> department;
  };
  const Want wants[] = {
      {"agent@demo.shakwa", "نورة العتيبي", domain::Role::kAgent, std::nullopt},
      {"handler@demo.shakwa", "Omar Al-Harbi", domain::Role::kHandler, "finance"},
      {"supervisor@demo.shakwa", "سارة القحطاني", domain::Role::kSupervisor, "finance"},
      {"qa@demo.shakwa", "Huda Al-Dosari", domain::Role::kQaReviewer, std::nullopt},
      {"manager@demo.shakwa", "خالد الشهري", domain::Role::kManager, std::nullopt},
      {"committee@demo.shakwa", "فيصل الزهراني", domain::Role::kManager, "committee"},
      {"admin@demo.shakwa", "Admin", domain::Role::kAdmin, std::nullopt},
      {"auditor@demo.shakwa", "المدقق", domain::Role::kAuditor, std::nullopt},
  };
  std::vector<DemoUser> out;
  for (const Want& want : wants) {
    // 12 letters and 4 digits from the generator: strong enough, and easy to type.
    std::array<std::uint8_t, 16> bytes{};
    random.Fill(bytes);
    std::string password;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      password +=
          i < 12 ? static_cast<char>('a' + bytes[i] % 26) : static_cast<char>('0' + bytes[i] % 10);
    }
    domain::StaffUser user;
    user.email = want.email;
    user.name = want.name;
    user.role = want.role;
    user.department = want.department;
    std::promise<domain::Result<std::int64_t>> added;
    accounts.AddUser(user, password, demo,
                     [&added](domain::Result<std::int64_t> id) { added.set_value(std::move(id)); });
    if (!added.get_future().get()) return out;
    out.push_back(DemoUser{want.email, std::string(domain::NameOf(want.role)), password});
  }
  return out;
}

}  // namespace shakwa::main
