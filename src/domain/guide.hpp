// The public complaints guide (DOMAIN.md "Time"): what the centre promises, in Arabic and English.
//
// The guide is rendered from the TimeRules that drive the clocks (hours, holidays, SLA targets,
// the escalation ladder) plus what only the guide needs: the channels and how to reach each. So
// the published promise cannot drift from the enforced one.
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "domain/case.hpp"

namespace shakwa::domain {

struct GuideChannel {
  Channel channel = Channel::kPortal;
  std::string contact_ar;  // how to reach it, as people read it
  std::string contact_en;
};

struct GuideSettings {
  std::string centre_ar;
  std::string centre_en;
  std::vector<GuideChannel> channels;

  static GuideSettings Defaults();
};

inline GuideSettings GuideSettings::Defaults() {
  GuideSettings g;
  g.centre_ar = "مركز خدمة المستفيدين";
  g.centre_en = "Beneficiary Service Centre";
  g.channels = {
      {Channel::kPortal, "نموذج الشكاوى في بوابة المركز، على مدار الساعة",
       "the complaints form on the centre's portal, around the clock"},
      {Channel::kEmail, "البريد الإلكتروني المعلن لخدمة المستفيدين",
       "the published beneficiary-service e-mail address"},
      {Channel::kPhone, "مركز الاتصال الموحد", "the unified contact centre"},
      {Channel::kWalkIn, "مكاتب خدمة المستفيدين في أوقات العمل",
       "the beneficiary-service offices in working hours"},
  };
  return g;
}

}  // namespace shakwa::domain
