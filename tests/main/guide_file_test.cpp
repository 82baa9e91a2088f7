#include "main/guide_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "main/settings.hpp"
#include "support/store_helpers.hpp"

namespace shakwa::main {
namespace {

using namespace std::chrono_literals;
using domain::BeneficiaryKind;
using domain::CaseKind;
using domain::Channel;
using domain::HolidayRule;
using domain::Priority;
using domain::Role;
using domain::SlaTargets;
using domain::WorkingHours;

const std::filesystem::path kExample =
    std::filesystem::path(SHAKWA_SOURCE_DIR) / "docs" / "guide.example.toml";

class GuideFileTest : public ::testing::Test {
 protected:
  std::filesystem::path File(const std::string& toml) {
    const auto path = dir_.path() / "guide.toml";
    std::ofstream(path) << toml;
    return path;
  }
  // The message of the SettingsError loading toml throws, without the "configuration error:
  // <file>: " that opens every one; "" if it loads.
  std::string ErrorOf(const std::string& toml) {
    const std::filesystem::path path = File(toml);
    try {
      LoadGuideFile(path);
    } catch (const SettingsError& e) {
      const std::string message = e.what();
      const std::string opening = "configuration error: " + path.string();
      EXPECT_EQ(message.substr(0, opening.size()), opening);
      return message.substr(std::min(message.size(), opening.size()));
    }
    return "";
  }
  testing::TempDir dir_;
};

// Field by field, so that a failure says which one differs.
void ExpectSameHolidays(const std::vector<HolidayRule>& got, const std::vector<HolidayRule>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].key, want[i].key) << i;
    EXPECT_EQ(got[i].name_ar, want[i].name_ar) << i;
    EXPECT_EQ(got[i].name_en, want[i].name_en) << i;
    EXPECT_EQ(got[i].basis, want[i].basis) << i;
    EXPECT_EQ(got[i].month, want[i].month) << i;
    EXPECT_EQ(got[i].day, want[i].day) << i;
    EXPECT_EQ(got[i].days, want[i].days) << i;
  }
}

void ExpectSameRules(const std::vector<domain::SlaRule>& got,
                     const std::vector<domain::SlaRule>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].kind, want[i].kind) << i;
    EXPECT_EQ(got[i].category, want[i].category) << i;
    EXPECT_EQ(got[i].priority, want[i].priority) << i;
    EXPECT_EQ(got[i].beneficiary_kind, want[i].beneficiary_kind) << i;
    EXPECT_EQ(got[i].targets, want[i].targets) << i;
  }
}

void ExpectSameLadder(const domain::EscalationLadder& got, const domain::EscalationLadder& want) {
  EXPECT_EQ(got.warning_percent, want.warning_percent);
  ASSERT_EQ(got.levels.size(), want.levels.size());
  for (std::size_t i = 0; i < got.levels.size(); ++i) {
    EXPECT_EQ(got.levels[i].level, want.levels[i].level) << i;
    EXPECT_EQ(got.levels[i].name_ar, want.levels[i].name_ar) << i;
    EXPECT_EQ(got.levels[i].name_en, want.levels[i].name_en) << i;
    EXPECT_EQ(got.levels[i].after_breach_minutes, want.levels[i].after_breach_minutes) << i;
    EXPECT_EQ(got.levels[i].owner_role, want.levels[i].owner_role) << i;
    EXPECT_EQ(got.levels[i].owner_department, want.levels[i].owner_department) << i;
  }
  EXPECT_EQ(got.external.name_ar, want.external.name_ar);
  EXPECT_EQ(got.external.name_en, want.external.name_en);
  EXPECT_EQ(got.external.how_ar, want.external.how_ar);
  EXPECT_EQ(got.external.how_en, want.external.how_en);
}

void ExpectSameChannels(const std::vector<domain::GuideChannel>& got,
                        const std::vector<domain::GuideChannel>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].channel, want[i].channel) << i;
    EXPECT_EQ(got[i].contact_ar, want[i].contact_ar) << i;
    EXPECT_EQ(got[i].contact_en, want[i].contact_en) << i;
  }
}

void ExpectTheDefaults(const GuideFile& loaded) {
  const domain::TimeRules defaults = domain::TimeRules::Defaults();
  const domain::CalendarSettings& got = loaded.rules.calendar().settings();
  const domain::CalendarSettings want = domain::CalendarSettings::Defaults();
  for (std::size_t d = 0; d < 7; ++d) EXPECT_EQ(got.week[d], want.week[d]) << "weekday " << d;
  EXPECT_EQ(got.ramadan_hours, want.ramadan_hours);
  ExpectSameHolidays(got.holidays, want.holidays);
  EXPECT_TRUE(got.adjustments.empty());
  EXPECT_EQ(loaded.rules.fallback(), defaults.fallback());
  ExpectSameRules(loaded.rules.rules(), defaults.rules());
  ExpectSameLadder(loaded.rules.ladder(), defaults.ladder());
  const domain::GuideSettings guide = domain::GuideSettings::Defaults();
  EXPECT_EQ(loaded.guide.centre_ar, guide.centre_ar);
  EXPECT_EQ(loaded.guide.centre_en, guide.centre_en);
  ExpectSameChannels(loaded.guide.channels, guide.channels);
}

TEST_F(GuideFileTest, NoFileGivesTheDefaults) {
  const GuideFile loaded = LoadGuideFile(std::nullopt);
  ExpectTheDefaults(loaded);
  ExpectTheDefaults(LoadGuideFile(std::filesystem::path{}));
  // And the defaults are DOMAIN.md's, spot-checked against the policy's own numbers.
  const domain::CalendarSettings& calendar = loaded.rules.calendar().settings();
  EXPECT_EQ(calendar.week[0], (std::vector<WorkingHours>{{8h, 16h}}));  // Sunday
  EXPECT_TRUE(calendar.week[5].empty());                                // Friday
  EXPECT_EQ(calendar.ramadan_hours, (std::vector<WorkingHours>{{10h, 15h}}));
  EXPECT_EQ(loaded.rules.fallback(), (SlaTargets{240, 960, 2400}));
  EXPECT_EQ(loaded.rules.ladder().warning_percent, 80);
  ASSERT_EQ(loaded.rules.ladder().levels.size(), 3u);
  EXPECT_EQ(loaded.rules.ladder().levels[2].after_breach_minutes, 2400);
}

TEST_F(GuideFileTest, TheExampleFileGivesExactlyTheDefaults) {
  ASSERT_TRUE(std::filesystem::exists(kExample)) << kExample;
  ExpectTheDefaults(LoadGuideFile(kExample));
}

TEST_F(GuideFileTest, EveryKeyOfACustomFileLandsWhereItShould) {
  const GuideFile loaded = LoadGuideFile(File(R"(
[calendar]
sunday = ["07:30-12:00", "13:00-15:30"]
thursday = []
saturday = ["09:00-13:00"]
ramadan = ["09:30-14:30"]

[[calendar.holidays]]
key = "eid_al_fitr"
name_ar = "عيد الفطر المبارك"
name_en = "Eid al-Fitr"
calendar = "hijri"
month = 10
day = 1
days = 5

[[calendar.holidays]]
key = "flag_day"
name_ar = "يوم العلم"
name_en = "Flag Day"
month = 3
day = 11

[sla.default]
first_response_minutes = 120
update_interval_minutes = 480
resolution_minutes = 1920

[[sla.rules]]
priority = "urgent"
resolution_minutes = 240

[[sla.rules]]
kind = "complaint"
category = "billing"
priority = "high"
beneficiary_kind = "financial"

[[sla.rules]]
beneficiary_kind = "government"
first_response_minutes = 60
update_interval_minutes = 300
resolution_minutes = 900

[escalation]
warning_percent = 75

[[escalation.levels]]
level = 1
name_ar = "رئيس القسم"
name_en = "Head of section"
after_breach_minutes = 30
owner_role = "handler"

[[escalation.levels]]
level = 2
name_ar = "اللجنة"
name_en = "Committee"
after_breach_minutes = 480
owner_role = "manager"
owner_department = "committee"

[escalation.external]
name_ar = "ديوان المظالم"
name_en = "the Board of Grievances"

[guide]
centre_ar = "مركز الشكاوى"
centre_en = "Complaints Centre"

[[guide.channels]]
channel = "sms"
contact_ar = "الرسائل النصية إلى 8001"
contact_en = "a text message to 8001"
)"));
  const domain::CalendarSettings& calendar = loaded.rules.calendar().settings();
  const domain::CalendarSettings defaults = domain::CalendarSettings::Defaults();
  EXPECT_EQ(calendar.week[0], (std::vector<WorkingHours>{{7h + 30min, 12h}, {13h, 15h + 30min}}));
  EXPECT_EQ(calendar.week[1], defaults.week[1]);  // Monday, not in the file
  EXPECT_EQ(calendar.week[3], defaults.week[3]);  // Wednesday
  EXPECT_TRUE(calendar.week[4].empty());          // Thursday, now off
  EXPECT_TRUE(calendar.week[5].empty());          // Friday, still off
  EXPECT_EQ(calendar.week[6], (std::vector<WorkingHours>{{9h, 13h}}));
  EXPECT_EQ(calendar.ramadan_hours, (std::vector<WorkingHours>{{9h + 30min, 14h + 30min}}));
  // The holidays listed replace the defaults whole.
  ExpectSameHolidays(
      calendar.holidays,
      {{"eid_al_fitr", "عيد الفطر المبارك", "Eid al-Fitr", HolidayRule::Basis::kHijri, 10, 1, 5},
       {"flag_day", "يوم العلم", "Flag Day", HolidayRule::Basis::kGregorian, 3, 11, 1}});

  EXPECT_EQ(loaded.rules.fallback(), (SlaTargets{120, 480, 1920}));
  const std::vector<domain::SlaRule>& rules = loaded.rules.rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].priority, Priority::kUrgent);
  EXPECT_FALSE(rules[0].kind.has_value());
  EXPECT_FALSE(rules[0].category.has_value());
  EXPECT_FALSE(rules[0].beneficiary_kind.has_value());
  // Targets left out of a rule come from [sla.default].
  EXPECT_EQ(rules[0].targets, (SlaTargets{120, 480, 240}));
  EXPECT_EQ(rules[1].kind, CaseKind::kComplaint);
  EXPECT_EQ(rules[1].category, "billing");
  EXPECT_EQ(rules[1].priority, Priority::kHigh);
  EXPECT_EQ(rules[1].beneficiary_kind, BeneficiaryKind::kFinancial);
  EXPECT_EQ(rules[1].targets, (SlaTargets{120, 480, 1920}));
  EXPECT_EQ(rules[2].beneficiary_kind, BeneficiaryKind::kGovernment);
  EXPECT_EQ(rules[2].targets, (SlaTargets{60, 300, 900}));

  const domain::EscalationLadder& ladder = loaded.rules.ladder();
  EXPECT_EQ(ladder.warning_percent, 75);
  ASSERT_EQ(ladder.levels.size(), 2u);
  EXPECT_EQ(ladder.levels[0].level, 1);
  EXPECT_EQ(ladder.levels[0].name_ar, "رئيس القسم");
  EXPECT_EQ(ladder.levels[0].name_en, "Head of section");
  EXPECT_EQ(ladder.levels[0].after_breach_minutes, 30);
  EXPECT_EQ(ladder.levels[0].owner_role, Role::kHandler);
  EXPECT_FALSE(ladder.levels[0].owner_department.has_value());
  EXPECT_EQ(ladder.levels[1].level, 2);
  EXPECT_EQ(ladder.levels[1].after_breach_minutes, 480);
  EXPECT_EQ(ladder.levels[1].owner_role, Role::kManager);
  EXPECT_EQ(ladder.levels[1].owner_department, "committee");
  EXPECT_EQ(ladder.last_level(), 2);
  EXPECT_EQ(ladder.external.name_ar, "ديوان المظالم");
  EXPECT_EQ(ladder.external.name_en, "the Board of Grievances");
  // What the file leaves out of [escalation.external] keeps its default.
  EXPECT_EQ(ladder.external.how_en, domain::TimeRules::DefaultLadder().external.how_en);
  EXPECT_EQ(ladder.external.how_ar, domain::TimeRules::DefaultLadder().external.how_ar);

  EXPECT_EQ(loaded.guide.centre_ar, "مركز الشكاوى");
  EXPECT_EQ(loaded.guide.centre_en, "Complaints Centre");
  ASSERT_EQ(loaded.guide.channels.size(), 1u);
  EXPECT_EQ(loaded.guide.channels[0].channel, Channel::kSms);
  EXPECT_EQ(loaded.guide.channels[0].contact_ar, "الرسائل النصية إلى 8001");
  EXPECT_EQ(loaded.guide.channels[0].contact_en, "a text message to 8001");
}

TEST_F(GuideFileTest, WithoutRulesTheDefaultRulesRunOnTheFilesDefaultTargets) {
  const GuideFile loaded = LoadGuideFile(File(R"(
[sla.default]
first_response_minutes = 120
update_interval_minutes = 480
)"));
  EXPECT_EQ(loaded.rules.fallback(), (SlaTargets{120, 480, 2400}));
  const std::vector<domain::SlaRule>& rules = loaded.rules.rules();
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[0].priority, Priority::kHigh);
  EXPECT_EQ(rules[0].targets, (SlaTargets{120, 480, 960}));
  EXPECT_EQ(rules[1].priority, Priority::kUrgent);
  EXPECT_EQ(rules[1].targets, (SlaTargets{120, 480, 480}));
  EXPECT_EQ(rules[2].kind, CaseKind::kSuggestion);
  EXPECT_EQ(rules[2].targets, (SlaTargets{120, 480, 7200}));
}

TEST_F(GuideFileTest, AnUnknownKeyIsNamedByItsPath) {
  EXPECT_EQ(ErrorOf("[calender]\nsunday = []\n"), ": calender: unknown key");
  EXPECT_EQ(ErrorOf("title = \"guide\"\n"), ": title: unknown key");
  EXPECT_EQ(ErrorOf("[sla.default]\nresolution_minute = 2400\n"),
            ": sla.default.resolution_minute: unknown key");
  EXPECT_EQ(ErrorOf("[calendar]\nsundays = [\"08:00-16:00\"]\n"),
            ": calendar.sundays: unknown key");
  EXPECT_EQ(ErrorOf(R"(
[[escalation.levels]]
level = 1
name_ar = "المشرف"
name_en = "Supervisor"

[[escalation.levels]]
level = 2
name_ar = "المدير"
name_en = "Director"
owner = "manager"
)"),
            ": escalation.levels[1].owner: unknown key");
  EXPECT_EQ(ErrorOf(R"(
[[calendar.holidays]]
key = "flag_day"
name_ar = "يوم العلم"
name_en = "Flag Day"
month = 3
day = 11
date = "2026-03-11"
)"),
            ": calendar.holidays[0].date: unknown key");
  EXPECT_EQ(ErrorOf("[[sla.rules]]\npriority = \"high\"\nresolution_days = 2\n"),
            ": sla.rules[0].resolution_days: unknown key");
  EXPECT_EQ(ErrorOf("[escalation.external]\nphone = \"199099\"\n"),
            ": escalation.external.phone: unknown key");
  EXPECT_EQ(ErrorOf("[[guide.channels]]\nchannel = \"phone\"\nnumber = \"199099\"\n"),
            ": guide.channels[0].number: unknown key");
}

TEST_F(GuideFileTest, BadHoursAreNamed) {
  EXPECT_EQ(ErrorOf("[calendar]\nmonday = [\"8:00-16:00\"]\n"),
            ": calendar.monday: each entry must be \"HH:MM-HH:MM\"");
  EXPECT_EQ(ErrorOf("[calendar]\nramadan = [\"10:00-15:00\", 9]\n"),
            ": calendar.ramadan: each entry must be \"HH:MM-HH:MM\"");
  EXPECT_EQ(ErrorOf("[calendar]\nmonday = \"08:00-16:00\"\n"),
            ": calendar.monday: must be a list like [\"08:00-16:00\"]");
}

TEST_F(GuideFileTest, AnInvalidCalendarNamesTheKeyAsTheFileSpellsIt) {
  EXPECT_EQ(ErrorOf("[calendar]\nmonday = [\"08:00-12:00\", \"11:00-16:00\"]\n"),
            ": calendar.monday[1]: Working hours must be in time order and must not overlap");
  EXPECT_EQ(ErrorOf("[calendar]\nramadan = [\"15:00-10:00\"]\n"),
            ": calendar.ramadan[0]: Working hours must lie within the day (00:00–24:00) and "
            "start before they end");
  EXPECT_EQ(ErrorOf("[calendar]\nsunday = []\nmonday = []\ntuesday = []\nwednesday = []\n"
                    "thursday = []\n"),
            ": calendar: At least one day of the week must have working hours");
  EXPECT_EQ(ErrorOf(R"(
[[calendar.holidays]]
key = "flag_day"
name_ar = "يوم العلم"
name_en = "Flag Day"
month = 2
day = 30
)"),
            ": calendar.holidays[0].day: Must be between 1 – 29");
}

TEST_F(GuideFileTest, AHolidayNamesTheKeyItLacks) {
  EXPECT_EQ(ErrorOf("[[calendar.holidays]]\nkey = \"flag_day\"\nname_ar = \"يوم العلم\"\n"
                    "name_en = \"Flag Day\"\nmonth = 3\n"),
            ": calendar.holidays[0].day: is required");
  EXPECT_EQ(ErrorOf("[[calendar.holidays]]\nname_ar = \"يوم العلم\"\nname_en = \"Flag Day\"\n"
                    "month = 3\nday = 11\n"),
            ": calendar.holidays[0].key: is required");
  EXPECT_EQ(ErrorOf("[[calendar.holidays]]\nkey = \"flag_day\"\nname_ar = \"يوم العلم\"\n"
                    "name_en = \"Flag Day\"\nmonth = 3\nday = 11\ncalendar = \"julian\"\n"),
            ": calendar.holidays[0].calendar: must be \"gregorian\" or \"hijri\"");
}

TEST_F(GuideFileTest, BadSlaAndLadderValuesAreNamed) {
  EXPECT_EQ(ErrorOf("[sla.default]\nresolution_minutes = 0\n"),
            ": sla.default.resolution_minutes: 0 is out of range (1 to 175200)");
  EXPECT_EQ(ErrorOf("[[sla.rules]]\nkind = \"complaints\"\n"),
            ": sla.rules[0].kind: \"complaints\" is not one of complaint, suggestion, remark, "
            "compliment");
  EXPECT_EQ(ErrorOf("[escalation]\nwarning_percent = 100\n"),
            ": escalation.warning_percent: 100 is out of range (0 to 99)");
  EXPECT_EQ(ErrorOf("[escalation]\nwarning_percent = \"80\"\n"),
            ": escalation.warning_percent: must be a whole number");
  // Checked by TimeRules::Make once the whole file is read.
  EXPECT_EQ(ErrorOf(R"(
[[escalation.levels]]
level = 1
name_ar = "المدقق"
name_en = "Auditor"
owner_role = "auditor"
)"),
            ": escalation.levels[0].owner_role: Unknown value; allowed values: handler, "
            "supervisor, manager");
  const std::string out_of_order = ErrorOf(R"(
[[escalation.levels]]
level = 2
name_ar = "المدير"
name_en = "Director"
owner_role = "manager"
)");
  EXPECT_EQ(out_of_order.substr(0, 29), ": escalation.levels[0].level:") << out_of_order;
  EXPECT_EQ(ErrorOf("[[guide.channels]]\ncontact_en = \"the portal\"\n"),
            ": guide.channels[0].channel: is required");
}

TEST_F(GuideFileTest, BadSyntaxNamesTheLine) {
  const std::string error = ErrorOf("[escalation]\n\nwarning_percent = = 80\n");
  EXPECT_EQ(error.substr(0, 16), " line 3, column ") << error;
}

TEST_F(GuideFileTest, AMissingFileIsAnError) {
  const std::filesystem::path missing = dir_.path() / "no-such-guide.toml";
  try {
    LoadGuideFile(missing);
    FAIL() << "loaded a file that does not exist";
  } catch (const SettingsError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.substr(0, 21 + missing.string().size() + 2),
              "configuration error: " + missing.string() + ": ")
        << message;
    EXPECT_EQ(message.find("line 0"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace shakwa::main
