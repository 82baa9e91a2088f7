// A valid intake form, for tests that need one to vary.
#pragma once

#include "domain/intake.hpp"

namespace shakwa::testing {

inline domain::IntakeForm ValidIntakeForm() {
  domain::IntakeForm f;
  f.kind = "complaint";
  f.channel = "api";
  f.category = "payments";
  f.subject = "تأخر صرف المستخلص";
  f.description = "تم رفع المستخلص قبل ستين يومًا ولم يُصرف.";
  f.remedy_sought = "صرف المستخلص";
  f.language = "ar";
  f.beneficiary = domain::IntakeForm::BeneficiaryForm{
      "private",
      "مؤسسة البناء",
      "finance@example.com",
      "0551234567",
      "1010123456",
      "مؤسسة البناء الحديث",
      domain::IntakeForm::RepresentativeForm{"خالد", "مدير مالي", "khalid@example.com", {}}};
  f.related_transactions = {{"contract", "CT-2026-4471"}, {"invoice", "INV-9"}};
  return f;
}

}  // namespace shakwa::testing
