#include "domain/guide.hpp"

#include <chrono>

#include "domain/category.hpp"
#include "domain/handling.hpp"

namespace shakwa::domain {
namespace {

std::string Pick(Language language, std::string_view ar, std::string_view en) {
  return std::string(language == Language::kArabic ? ar : en);
}

struct Weekday {
  std::string_view name, ar, en;
};
constexpr Weekday kWeekdays[7] = {
    {"sunday", "الأحد", "Sunday"},      {"monday", "الاثنين", "Monday"},
    {"tuesday", "الثلاثاء", "Tuesday"}, {"wednesday", "الأربعاء", "Wednesday"},
    {"thursday", "الخميس", "Thursday"}, {"friday", "الجمعة", "Friday"},
    {"saturday", "السبت", "Saturday"},
};

// "3 أيام عمل" / "3 business days": Arabic counts take the dual for 2, the plural for 3-10 and
// the singular otherwise.
std::string Counted(std::int64_t n, Language language, std::string_view one_ar,
                    std::string_view two_ar, std::string_view few_ar, std::string_view many_ar,
                    std::string_view one_en, std::string_view many_en) {
  if (language == Language::kEnglish) {
    return std::to_string(n) + " " + std::string(n == 1 ? one_en : many_en);
  }
  if (n == 1) return std::string(one_ar);
  if (n == 2) return std::string(two_ar);
  return std::to_string(n) + " " + std::string(n >= 3 && n <= 10 ? few_ar : many_ar);
}

}  // namespace

std::string BusinessDuration(std::int64_t minutes, Language language) {
  if (minutes <= 0) return Pick(language, "فورًا", "immediately");
  const std::int64_t days = minutes / kBusinessDayMinutes;
  const std::int64_t hours = minutes % kBusinessDayMinutes / 60;
  const std::int64_t rest = minutes % 60;
  std::vector<std::string> parts;
  if (days > 0) {
    parts.push_back(Counted(days, language, "يوم عمل واحد", "يوما عمل", "أيام عمل", "يوم عمل",
                            "business day", "business days"));
  }
  if (hours > 0) {
    parts.push_back(Counted(hours, language, "ساعة عمل واحدة", "ساعتا عمل", "ساعات عمل", "ساعة عمل",
                            "business hour", "business hours"));
  }
  if (rest > 0) {
    parts.push_back(Counted(rest, language, "دقيقة عمل واحدة", "دقيقتا عمل", "دقائق عمل",
                            "دقيقة عمل", "business minute", "business minutes"));
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      if (language == Language::kArabic) {
        out += " و";
      } else {
        out += i + 1 == parts.size() ? " and " : ", ";
      }
    }
    out += parts[i];
  }
  return out;
}

namespace {

GuideTargets TargetsView(const SlaTargets& t, Language language) {
  return GuideTargets{
      t.first_response_minutes,  BusinessDuration(t.first_response_minutes, language),
      t.update_interval_minutes, BusinessDuration(t.update_interval_minutes, language),
      t.resolution_minutes,      BusinessDuration(t.resolution_minutes, language)};
}

template <typename E>
std::optional<GuideTerm> TermView(const std::optional<E>& value, Language language) {
  if (!value) return std::nullopt;
  return GuideTerm{std::string(NameOf(*value)), std::string(LabelOf(*value, language))};
}

// A category's name from the default catalogue; a configured code it does not know reads as
// the code itself.
std::optional<GuideTerm> CategoryView(const std::optional<std::string>& code, Language language) {
  if (!code) return std::nullopt;
  for (const Category& c : DefaultCategories()) {
    if (c.code == *code) return GuideTerm{*code, Pick(language, c.name_ar, c.name_en)};
  }
  return GuideTerm{*code, *code};
}

// The holidays of the twelve months starting on the local date of now: [today, today + 1 year).
std::pair<Date, Date> TwelveMonthsFrom(Instant now) {
  using std::chrono::days;
  using std::chrono::sys_days;
  const Date today = BusinessCalendar::LocalDate(now);
  // 29 February + 1 year is 1 March (sys_days of an invalid day counts on from the month's 1st).
  const Date year_later{sys_days{today + std::chrono::years{1}}};
  return {today, Date{sys_days{year_later} - days{1}}};
}

}  // namespace

GuideView BuildGuideView(const TimeRules& rules, const GuideSettings& guide, Instant now,
                         Language language) {
  GuideView v;
  v.language = language;
  v.centre = Pick(language, guide.centre_ar, guide.centre_en);

  for (const GuideChannel& c : guide.channels) {
    const auto& term = TermOf(c.channel);
    v.channels.push_back(GuideView::Channel{std::string(term.name), std::string(term.arabic),
                                            std::string(term.english),
                                            Pick(language, c.contact_ar, c.contact_en)});
  }
  v.channels_note = Pick(language,
                         "تستقبل جميع القنوات الشكاوى على مدار الساعة طوال أيام الأسبوع، أما المهل "
                         "أدناه فتُحتسب بوقت العمل فقط: ساعات العمل في أيام العمل، دون الإجازات.",
                         "Every channel takes cases 24 hours a day, 7 days a week; the time limits "
                         "below run in business time only: working hours on working days, "
                         "holidays excluded.");
  v.time_zone_note = Pick(language, "جميع الأوقات بتوقيت الرياض (UTC+03:00).",
                          "All times are Riyadh time (UTC+03:00).");

  const BusinessCalendar& calendar = rules.calendar();
  const CalendarSettings& settings = calendar.settings();
  for (std::size_t d = 0; d < settings.week.size(); ++d) {
    GuideView::Day day{
        std::string(kWeekdays[d].name), Pick(language, kWeekdays[d].ar, kWeekdays[d].en), {}};
    for (const auto& hours : settings.week[d]) day.hours.push_back(FormatWorkingHours(hours));
    v.week.push_back(std::move(day));
  }
  for (const auto& hours : settings.ramadan_hours) {
    v.ramadan_hours.push_back(FormatWorkingHours(hours));
  }

  const auto [from, to] = TwelveMonthsFrom(now);
  v.holidays_from = FormatIsoDate(from);
  v.holidays_to = FormatIsoDate(to);
  for (const Holiday& h : calendar.HolidaysBetween(from, to)) {
    v.holidays.push_back(GuideView::Holiday{h.key, Pick(language, h.name_ar, h.name_en),
                                            FormatIsoDate(h.first), FormatIsoDate(h.last),
                                            FormatDateForPeople(h.first, language),
                                            FormatDateForPeople(h.last, language), h.provisional});
  }
  v.provisional_note = Pick(language,
                            "المواعيد المبدئية محسوبة على تقويم أم القرى، ويُعلن الموعد النهائي "
                            "وفق الرؤية الرسمية للهلال.",
                            "Provisional dates follow the Umm al-Qura calendar; the final dates "
                            "are announced after the official moon sighting.");

  v.fallback = TargetsView(rules.fallback(), language);
  for (const SlaRule& r : rules.rules()) {
    v.rules.push_back(
        GuideView::Rule{TermView(r.kind, language), CategoryView(r.category, language),
                        TermView(r.priority, language), TermView(r.beneficiary_kind, language),
                        TargetsView(r.targets, language)});
  }
  v.business_time_note =
      Pick(language,
           "المهل محسوبة بدقائق العمل. يوم العمل هنا 480 دقيقة عمل (8 ساعات)، وهي مدة يوم العمل "
           "المعتاد (08:00-16:00)، وساعة العمل 60 دقيقة عمل. تتوقف المهلة ما دامت الشكوى بانتظار "
           "ردك، وتُستأنف عند وصوله.",
           "Targets are counted in business minutes. A business day here means 480 business "
           "minutes (8 hours), the length of the standard working day (08:00-16:00); a business "
           "hour is 60 business minutes. The clock stops while a case awaits your answer and "
           "resumes when it arrives.");

  const EscalationLadder& ladder = rules.ladder();
  v.warning_percent = ladder.warning_percent;
  const std::string percent = std::to_string(ladder.warning_percent);
  v.warning_note = ladder.warning_percent > 0
                       ? Pick(language, "يصدر تنبيه داخلي عند مضي " + percent + "% من مهلة الحل.",
                              "An internal warning goes out when " + percent +
                                  "% of the resolution target has run.")
                       : Pick(language, "لا يصدر تنبيه قبل انقضاء مهلة الحل.",
                              "No warning goes out before the resolution target has run.");
  v.beneficiary_escalation_note =
      Pick(language,
           "إذا انقضت مهلة الحل دون قرار تُصعَّد الشكوى تلقائيًا، ويحق لك تصعيدها بنفسك بعد انقضاء "
           "المهلة أو عند رفضك للقرار.",
           "A case not resolved within its target is escalated automatically; you may also "
           "escalate it yourself once the target has passed, or when you reject the decision.");
  for (const EscalationLevel& level : ladder.levels) {
    std::string after =
        level.after_breach_minutes == 0
            ? Pick(language, "عند انقضاء مهلة الحل", "when the resolution target has passed")
            : Pick(language,
                   "بعد " + BusinessDuration(level.after_breach_minutes, language) +
                       " من انقضاء مهلة الحل",
                   BusinessDuration(level.after_breach_minutes, language) +
                       " after the resolution target has passed");
    v.levels.push_back(GuideView::Level{level.level, Pick(language, level.name_ar, level.name_en),
                                        level.after_breach_minutes, std::move(after),
                                        std::string(NameOf(level.owner_role)),
                                        std::string(LabelOf(level.owner_role, language))});
  }
  v.external_name = Pick(language, ladder.external.name_ar, ladder.external.name_en);
  v.external_how = Pick(language, ladder.external.how_ar, ladder.external.how_en);
  return v;
}

}  // namespace shakwa::domain
