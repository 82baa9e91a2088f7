// The public complaints guide (DOMAIN.md "Time"): what the centre promises, in Arabic and English.
//
// The guide is rendered from the TimeRules that drive the clocks (hours, holidays, SLA targets,
// the escalation ladder) plus what only the guide needs: the channels and how to reach each. So
// the published promise cannot drift from the enforced one.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/case.hpp"
#include "domain/sla.hpp"

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

// The guide as plain values, in one language: what both the JSON and the page render, so the two
// cannot say different things.
struct GuideTargets {
  std::int64_t first_response_minutes = 0;
  std::string first_response;  // as people read it: "4 business hours"
  std::int64_t update_interval_minutes = 0;
  std::string update_interval;
  std::int64_t resolution_minutes = 0;
  std::string resolution;
};

// A vocabulary value a rule may leave open (null: any).
struct GuideTerm {
  std::string name;  // wire name or category code
  std::string label;
};

struct GuideView {
  Language language = Language::kArabic;
  std::string centre;

  struct Channel {
    std::string channel;  // wire name
    std::string label_ar;
    std::string label_en;
    std::string contact;
  };
  std::vector<Channel> channels;
  std::string channels_note;  // 24/7 intake, business-time clocks
  std::string time_zone_note;

  struct Day {
    std::string weekday;  // "sunday"
    std::string label;
    std::vector<std::string> hours;  // "08:00-16:00"; empty: closed
  };
  std::vector<Day> week;  // Sunday first
  std::vector<std::string> ramadan_hours;

  struct Holiday {
    std::string key;
    std::string name;
    std::string first;  // ISO date
    std::string last;
    std::string first_for_people;  // Hijri and Gregorian
    std::string last_for_people;
    bool provisional = false;
  };
  std::string holidays_from;  // ISO dates, inclusive
  std::string holidays_to;
  std::vector<Holiday> holidays;
  std::string provisional_note;

  struct Rule {
    std::optional<GuideTerm> kind;
    std::optional<GuideTerm> category;
    std::optional<GuideTerm> priority;
    std::optional<GuideTerm> beneficiary_kind;
    GuideTargets targets;
  };
  GuideTargets fallback;
  std::vector<Rule> rules;
  std::string business_time_note;

  struct Level {
    int level = 0;
    std::string name;
    std::int64_t after_breach_minutes = 0;
    std::string after_breach;  // as people read it
    std::string owner_role;    // wire name
    std::string owner_role_label;
  };
  int warning_percent = 0;
  std::string warning_note;
  std::string beneficiary_escalation_note;
  std::vector<Level> levels;
  std::string external_name;
  std::string external_how;
};

// The guide as of now (the holidays of the twelve months from today, Riyadh) in language.
GuideView BuildGuideView(const TimeRules& rules, const GuideSettings& guide, Instant now,
                         Language language);

// How many business minutes the guide calls a business day: the length of the standard working
// day (08:00-16:00), whatever the hours configured, so "5 business days" always means 2400
// business minutes. The clocks count minutes; this is only how people read them.
inline constexpr std::int64_t kBusinessDayMinutes = 480;

// Business minutes as people read them: "5 business days", "4 ساعات عمل", "immediately".
std::string BusinessDuration(std::int64_t minutes, Language language);

}  // namespace shakwa::domain
