#include "domain/guide.hpp"

#include <gtest/gtest.h>

#include "domain/time.hpp"

namespace shakwa::domain {
namespace {

TEST(BusinessDuration, ReadsMinutesAsDaysHoursAndMinutes) {
  EXPECT_EQ(BusinessDuration(2400, Language::kEnglish), "5 business days");
  EXPECT_EQ(BusinessDuration(240, Language::kEnglish), "4 business hours");
  EXPECT_EQ(BusinessDuration(480 + 60, Language::kEnglish), "1 business day and 1 business hour");
  EXPECT_EQ(BusinessDuration(1999, Language::kEnglish),
            "4 business days, 1 business hour and 19 business minutes");
  EXPECT_EQ(BusinessDuration(0, Language::kEnglish), "immediately");
}

TEST(BusinessDuration, CountsInArabicWithTheDualAndThePlural) {
  EXPECT_EQ(BusinessDuration(480, Language::kArabic), "يوم عمل واحد");
  EXPECT_EQ(BusinessDuration(960, Language::kArabic), "يوما عمل");
  EXPECT_EQ(BusinessDuration(2400, Language::kArabic), "5 أيام عمل");
  EXPECT_EQ(BusinessDuration(7200, Language::kArabic), "15 يوم عمل");
  EXPECT_EQ(BusinessDuration(960 + 120, Language::kArabic), "يوما عمل وساعتا عمل");
}

TEST(GuideView, ShowsTheRulesInForce) {
  const TimeRules rules = TimeRules::Defaults();
  const GuideView v = BuildGuideView(rules, GuideSettings::Defaults(),
                                     *ParseIso8601("2026-02-01T09:00:00Z"), Language::kEnglish);
  ASSERT_EQ(v.week.size(), 7u);
  EXPECT_EQ(v.week[0].hours, std::vector<std::string>{"08:00-16:00"});
  EXPECT_TRUE(v.week[5].hours.empty());  // Friday
  EXPECT_EQ(v.ramadan_hours, std::vector<std::string>{"10:00-15:00"});
  EXPECT_EQ(v.fallback.resolution, "5 business days");
  EXPECT_EQ(v.rules.size(), rules.rules().size());
  ASSERT_EQ(v.levels.size(), 3u);
  EXPECT_EQ(v.levels[1].after_breach, "2 business days after the resolution target has passed");
  // From 1 February 2026: Founding Day, Eid al-Fitr, Eid al-Adha, National Day, and nothing of
  // the next February (the window ends on 31 January 2027).
  std::vector<std::string> keys;
  for (const auto& h : v.holidays) keys.push_back(h.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"founding_day", "eid_al_fitr", "eid_al_adha",
                                            "national_day"}));
  EXPECT_EQ(v.holidays_to, "2027-01-31");
}

}  // namespace
}  // namespace shakwa::domain
