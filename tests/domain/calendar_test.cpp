#include "domain/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace shakwa::domain {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// An instant given in Riyadh local time: "2026-12-03T15:00".
Instant Riyadh(const std::string& local) {
  const std::optional<Instant> at = ParseIso8601(local + ":00+03:00");
  EXPECT_TRUE(at.has_value()) << local;
  return at.value_or(Instant{});
}

std::string InRiyadh(Instant instant) {
  return FormatIso8601(instant + kRiyadhOffset).substr(0, 16);  // "2026-12-06T09:00"
}

Date D(int y, unsigned m, unsigned d) {
  return Date{year{y}, month{m}, day{d}};
}

BusinessCalendar Defaults() {
  return BusinessCalendar::Make(CalendarSettings::Defaults()).value();
}

CalendarSettings WithEidAlFitr1447(Date first, Date last) {
  CalendarSettings settings = CalendarSettings::Defaults();
  settings.adjustments.push_back({"eid_al_fitr", 1447, first, last});
  return settings;
}

// The paths of the fields a rejected settings value names.
std::vector<std::string> FailingFields(const CalendarSettings& settings) {
  Result<BusinessCalendar> made = BusinessCalendar::Make(settings);
  EXPECT_FALSE(made.has_value());
  if (made.has_value()) return {};
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(made.error().message, MessageId::kValidationFailed);
  std::vector<std::string> paths;
  for (const FieldError& f : made.error().fields) paths.push_back(f.path);
  return paths;
}

MessageId FirstFieldMessage(const CalendarSettings& settings) {
  Result<BusinessCalendar> made = BusinessCalendar::Make(settings);
  if (made.has_value() || made.error().fields.empty()) return MessageId::kInternalError;
  return made.error().fields.front().message;
}

// --- Umm al-Qura ----------------------------------------------------------------------------
// Expected dates are those of the Umm al-Qura calendar as published by the King Abdulaziz City
// for Science and Technology and reproduced in ICU 72's islamic-umalqura table; each was checked
// against ICU on this machine before being written down, and all agree with the brief's list.

TEST(Hijri, ConvertsKnownUmmAlQuraDates) {
  struct Known {
    HijriDate hijri;
    Date gregorian;
  };
  for (const Known& k : {
           Known{{1447, 9, 1}, D(2026, 2, 18)},    // 1 Ramadan 1447
           Known{{1447, 10, 1}, D(2026, 3, 20)},   // 1 Shawwal 1447 (Eid al-Fitr)
           Known{{1447, 12, 10}, D(2026, 5, 27)},  // 10 Dhu al-Hijjah 1447 (Eid al-Adha)
           Known{{1448, 1, 1}, D(2026, 6, 16)},    // 1 Muharram 1448
           Known{{1448, 9, 1}, D(2027, 2, 8)},     // 1 Ramadan 1448
           Known{{1447, 1, 1}, D(2025, 6, 26)},    // 1 Muharram 1447
       }) {
    EXPECT_EQ(FromHijri(k.hijri), k.gregorian) << k.hijri.year << "/" << k.hijri.month;
    EXPECT_EQ(ToHijri(k.gregorian), k.hijri) << k.hijri.year << "/" << k.hijri.month;
  }
}

TEST(Hijri, RefusesDaysThatAreNotOnTheCalendar) {
  EXPECT_EQ(FromHijri({1447, 1, 30}), D(2025, 7, 25));  // Muharram 1447 has 30 days
  EXPECT_FALSE(FromHijri({1447, 2, 30}).has_value());   // Safar 1447 has 29
  EXPECT_FALSE(FromHijri({1447, 13, 1}).has_value());
  EXPECT_FALSE(FromHijri({1447, 0, 1}).has_value());
  EXPECT_FALSE(FromHijri({1447, 1, 0}).has_value());
}

TEST(Hijri, RoundTripsEveryDayOfSeveralYears) {
  HijriDate previous = ToHijri(D(2023, 12, 31));
  for (sys_days d = sys_days{D(2024, 1, 1)}; d < sys_days{D(2029, 1, 1)}; d += days{1}) {
    const HijriDate h = ToHijri(Date{d});
    EXPECT_EQ(FromHijri(h), Date{d});
    // Consecutive days are consecutive on the Hijri calendar too.
    const bool next_day =
        h.year == previous.year && h.month == previous.month && h.day == previous.day + 1;
    const bool next_month = h.day == 1 && previous.day >= 29 &&
                            (h.month == previous.month + 1 ||
                             (h.month == 1 && previous.month == 12 && h.year == previous.year + 1));
    EXPECT_TRUE(next_day || next_month) << FormatIso8601(Instant{d});
    previous = h;
  }
}

TEST(Hijri, NamesMonthsInBothLanguages) {
  EXPECT_EQ(HijriMonthName(9, Language::kArabic), "رمضان");
  EXPECT_EQ(HijriMonthName(9, Language::kEnglish), "Ramadan");
  EXPECT_EQ(HijriMonthName(10, Language::kEnglish), "Shawwal");
  EXPECT_EQ(HijriMonthName(1, Language::kArabic), "محرم");
  EXPECT_EQ(HijriMonthName(13, Language::kEnglish), "");
}

TEST(Hijri, FormatsInstantsForPeopleInRiyadhTime) {
  // 6 December 2026 is 26 Jumada II 1448 on Umm al-Qura.
  const Instant t = *ParseIso8601("2026-12-06T07:30:00Z");
  EXPECT_EQ(FormatForPeople(t, Language::kArabic),
            "الأحد 26 جمادى الآخرة 1448 هـ الموافق 6 ديسمبر 2026 م، 10:30");
  EXPECT_EQ(FormatForPeople(t, Language::kEnglish),
            "Sunday 26 Jumada II 1448 AH (6 December 2026), 10:30 Riyadh time");
}

TEST(Hijri, FormatsByTheRiyadhDateNotTheUtcDate) {
  // 21:00 UTC on Saturday is already midnight, Sunday, in Riyadh.
  const Instant midnight = *ParseIso8601("2026-12-05T21:00:00Z");
  EXPECT_EQ(FormatForPeople(midnight, Language::kEnglish),
            "Sunday 26 Jumada II 1448 AH (6 December 2026), 00:00 Riyadh time");
  EXPECT_EQ(FormatForPeople(midnight - 1ms, Language::kEnglish),
            "Saturday 25 Jumada II 1448 AH (5 December 2026), 23:59 Riyadh time");
}

TEST(Hijri, FormatsDatesWithoutATime) {
  EXPECT_EQ(FormatDateForPeople(D(2026, 3, 20), Language::kEnglish),
            "Friday 1 Shawwal 1447 AH (20 March 2026)");
  EXPECT_EQ(FormatDateForPeople(D(2026, 3, 20), Language::kArabic),
            "الجمعة 1 شوال 1447 هـ الموافق 20 مارس 2026 م");
}

TEST(Hijri, ConvertsAndFormatsFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (std::size_t i = 0; i < failures.size(); ++i) {
    threads.emplace_back([&failures, i] {
      for (int n = 0; n < 50; ++n) {
        if (FromHijri({1447, 9, 1}) != D(2026, 2, 18)) ++failures[i];
        if (ToHijri(D(2026, 3, 20)) != HijriDate{1447, 10, 1}) ++failures[i];
        if (FormatDateForPeople(D(2026, 12, 6), Language::kEnglish) !=
            "Sunday 26 Jumada II 1448 AH (6 December 2026)") {
          ++failures[i];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

// --- Settings -------------------------------------------------------------------------------

TEST(BusinessCalendar, ParsesAndFormatsWorkingHours) {
  EXPECT_EQ(ParseWorkingHours("08:00-16:00"), (WorkingHours{8h, 16h}));
  EXPECT_EQ(ParseWorkingHours("13:30-24:00"), (WorkingHours{13h + 30min, 24h}));
  for (const char* bad : {"8:00-16:00", "08:00–16:00", "08:60-16:00", "24:01-24:00", "08:00",
                          "08:00-16:00x", "ab:cd-ef:gh"}) {
    EXPECT_FALSE(ParseWorkingHours(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatWorkingHours({8h, 16h}), "08:00-16:00");
  EXPECT_EQ(FormatWorkingHours({9h + 5min, 24h}), "09:05-24:00");
}

TEST(BusinessCalendar, DefaultsWorkSundayToThursdayEightToFour) {
  const BusinessCalendar calendar = Defaults();
  const std::vector<WorkingHours> day{{8h, 16h}};
  EXPECT_EQ(calendar.HoursOn(D(2026, 12, 6)), day);        // Sunday
  EXPECT_EQ(calendar.HoursOn(D(2026, 12, 10)), day);       // Thursday
  EXPECT_TRUE(calendar.HoursOn(D(2026, 12, 11)).empty());  // Friday
  EXPECT_TRUE(calendar.HoursOn(D(2026, 12, 12)).empty());  // Saturday
}

TEST(BusinessCalendar, RejectsOverlappingHours) {
  CalendarSettings s = CalendarSettings::Defaults();
  s.week[1] = {{8h, 12h}, {11h, 16h}};
  EXPECT_EQ(FailingFields(s), std::vector<std::string>{"calendar.week.monday[1]"});
  EXPECT_EQ(FirstFieldMessage(s), MessageId::kOverlappingWorkingHours);
  s.week[1] = {{13h, 16h}, {8h, 12h}};  // not in time order
  EXPECT_EQ(FailingFields(s), std::vector<std::string>{"calendar.week.monday[1]"});
  s.week[1] = {{8h, 12h}, {12h, 16h}};  // touching is fine
  EXPECT_TRUE(BusinessCalendar::Make(s).has_value());
}

TEST(BusinessCalendar, RejectsHoursEndingBeforeTheyStartOrOutsideTheDay) {
  CalendarSettings s = CalendarSettings::Defaults();
  s.week[0] = {{16h, 8h}};
  s.ramadan_hours = {{10h, 25h}};
  EXPECT_EQ(FailingFields(s),
            (std::vector<std::string>{"calendar.week.sunday[0]", "calendar.ramadan_hours[0]"}));
  EXPECT_EQ(FirstFieldMessage(s), MessageId::kInvalidWorkingHours);
}

TEST(BusinessCalendar, RejectsAWeekWithoutAWorkingDay) {
  CalendarSettings s = CalendarSettings::Defaults();
  for (auto& day : s.week) day.clear();
  EXPECT_EQ(FailingFields(s), std::vector<std::string>{"calendar.week"});
  EXPECT_EQ(FirstFieldMessage(s), MessageId::kNoWorkingDay);
}

TEST(BusinessCalendar, RejectsAnAdjustmentOfAnUnknownOrGregorianHoliday) {
  CalendarSettings s = CalendarSettings::Defaults();
  s.adjustments = {{"eid_al_fitr", 1447, D(2026, 3, 20), D(2026, 3, 23)},
                   {"eid", 1447, D(2026, 3, 20), D(2026, 3, 23)},
                   {"national_day", 1447, D(2025, 9, 23), D(2025, 9, 23)}};
  EXPECT_EQ(FailingFields(s), (std::vector<std::string>{"calendar.adjustments[1].key",
                                                        "calendar.adjustments[2].key"}));
  const Result<BusinessCalendar> made = BusinessCalendar::Make(s);
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().fields[0].message, MessageId::kNotOneOf);
  EXPECT_EQ(made.error().fields[0].param, "eid_al_adha, eid_al_fitr");
}

TEST(BusinessCalendar, RejectsDuplicateHolidayKeys) {
  CalendarSettings s = CalendarSettings::Defaults();
  s.holidays.push_back(s.holidays[0]);
  EXPECT_EQ(FailingFields(s), std::vector<std::string>{"calendar.holidays[4].key"});
  EXPECT_EQ(FirstFieldMessage(s), MessageId::kAlreadyExists);
  s.holidays[4].key.clear();
  EXPECT_EQ(FailingFields(s), std::vector<std::string>{"calendar.holidays[4].key"});
}

TEST(BusinessCalendar, RejectsHolidaysOnDatesThatDoNotExist) {
  CalendarSettings s = CalendarSettings::Defaults();
  s.holidays[0].day = 30;  // 30 February
  s.holidays[2].day = 31;  // a Hijri month has at most 30 days
  s.holidays[3].month = 13;
  s.holidays[1].days = 31;
  EXPECT_EQ(FailingFields(s),
            (std::vector<std::string>{"calendar.holidays[0].day", "calendar.holidays[1].days",
                                      "calendar.holidays[2].day", "calendar.holidays[3].month"}));
  s = CalendarSettings::Defaults();
  s.holidays[0].day = 29;  // 29 February exists, in leap years
  s.holidays[2].day = 30;
  EXPECT_TRUE(BusinessCalendar::Make(s).has_value());
}

TEST(BusinessCalendar, RejectsAdjustmentsThatAreBackwardsTooLongOrRepeated) {
  CalendarSettings s = CalendarSettings::Defaults();
  s.adjustments = {{"eid_al_fitr", 1447, D(2026, 3, 23), D(2026, 3, 20)},
                   {"eid_al_adha", 1447, D(2026, 5, 1), D(2026, 5, 31)},
                   {"eid_al_adha", 1448, D(2027, 5, 15), D(2027, 5, 18)},
                   {"eid_al_adha", 1448, D(2027, 5, 16), D(2027, 5, 19)}};
  EXPECT_EQ(FailingFields(s), (std::vector<std::string>{"calendar.adjustments[0].last",
                                                        "calendar.adjustments[1].last",
                                                        "calendar.adjustments[3].hijri_year"}));
}

// --- Adding business minutes -----------------------------------------------------------------

TEST(BusinessCalendar, AddingZeroMinutesGivesTheStartItself) {
  const Instant friday_night = Riyadh("2026-12-04T23:17") + 123ms;
  EXPECT_EQ(Defaults().AddBusinessMinutes(friday_night, 0), friday_night);
}

TEST(BusinessCalendar, AddsAcrossTheWeekend) {
  EXPECT_EQ(InRiyadh(Defaults().AddBusinessMinutes(Riyadh("2026-12-03T15:00"), 120)),
            "2026-12-06T09:00");
}

TEST(BusinessCalendar, LandsAtTheClosingEdgeNotTheNextOpening) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-12-06T08:00"), 480)),
            "2026-12-06T16:00");
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-12-06T08:00"), 481)),
            "2026-12-07T08:01");
}

TEST(BusinessCalendar, StartsOutsideHoursAtTheNextOpening) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-12-04T11:00"), 60)),
            "2026-12-06T09:00");  // Friday
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-12-06T03:00"), 60)),
            "2026-12-06T09:00");  // Sunday before opening
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-12-06T17:00"), 60)),
            "2026-12-07T09:00");  // Sunday after closing
}

TEST(BusinessCalendar, UsesRamadanHoursOnRamadanWorkingDays) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_TRUE(calendar.IsRamadan(D(2026, 3, 1)));
  EXPECT_FALSE(calendar.IsRamadan(D(2026, 2, 17)));
  EXPECT_TRUE(calendar.IsRamadan(D(2026, 3, 19)));  // 30 Ramadan 1447
  EXPECT_FALSE(calendar.IsRamadan(D(2026, 3, 20)));
  EXPECT_EQ(calendar.HoursOn(D(2026, 3, 1)), (std::vector<WorkingHours>{{10h, 15h}}));
  EXPECT_TRUE(calendar.HoursOn(D(2026, 3, 6)).empty());  // a Friday in Ramadan
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-03-01T09:00"), 60)),
            "2026-03-01T11:00");
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-03-01T10:00"), 300)),
            "2026-03-01T15:00");
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-03-01T10:00"), 301)),
            "2026-03-02T10:01");
}

TEST(BusinessCalendar, SkipsFoundingDayEvenInRamadan) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_TRUE(calendar.IsRamadan(D(2026, 2, 22)));
  EXPECT_TRUE(calendar.HoursOn(D(2026, 2, 22)).empty());
  // Thursday in Ramadan 14:00, one hour to 15:00, then the weekend and Founding Day (Sunday).
  EXPECT_EQ(InRiyadh(calendar.AddBusinessMinutes(Riyadh("2026-02-19T14:00"), 120)),
            "2026-02-23T11:00");
}

TEST(BusinessCalendar, SkipsNationalDay) {
  EXPECT_EQ(InRiyadh(Defaults().AddBusinessMinutes(Riyadh("2026-09-22T15:00"), 120)),
            "2026-09-24T09:00");
}

TEST(BusinessCalendar, SkipsEidAlFitr) {
  // Thursday 30 Ramadan 1447 (Ramadan hours to 15:00), then Eid Friday 20 - Monday 23 March.
  EXPECT_EQ(InRiyadh(Defaults().AddBusinessMinutes(Riyadh("2026-03-19T14:00"), 120)),
            "2026-03-24T09:00");
}

TEST(BusinessCalendar, SkipsEidAlAdhaWithArafatDay) {
  // 9-12 Dhu al-Hijjah 1447 are Tuesday 26 - Friday 29 May 2026.
  EXPECT_EQ(InRiyadh(Defaults().AddBusinessMinutes(Riyadh("2026-05-25T15:00"), 120)),
            "2026-05-31T09:00");
}

TEST(BusinessCalendar, FollowsAnAdminAdjustmentOfEid) {
  const BusinessCalendar moved =
      BusinessCalendar::Make(WithEidAlFitr1447(D(2026, 3, 21), D(2026, 3, 24))).value();
  EXPECT_EQ(InRiyadh(moved.AddBusinessMinutes(Riyadh("2026-03-19T14:00"), 120)),
            "2026-03-25T09:00");
  EXPECT_TRUE(moved.HoursOn(D(2026, 3, 24)).empty());
  EXPECT_FALSE(moved.HoursOn(D(2026, 3, 25)).empty());
}

// --- Measuring business time ----------------------------------------------------------------

TEST(BusinessCalendar, MeasuresBusinessTimeBetweenInstants) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_EQ(calendar.BusinessTimeBetween(Riyadh("2026-12-06T07:00"), Riyadh("2026-12-07T12:00")),
            12h);
  EXPECT_EQ(calendar.BusinessTimeBetween(Riyadh("2026-12-03T15:00"), Riyadh("2026-12-06T09:00")),
            2h);
  EXPECT_EQ(calendar.BusinessTimeBetween(Riyadh("2026-12-07T12:00"), Riyadh("2026-12-06T07:00")),
            0ms);
}

TEST(BusinessCalendar, SubtractsOverlappingUnsortedPauses) {
  const BusinessCalendar calendar = Defaults();
  // Sunday 08:00 to Monday 16:00 is 16 business hours; pauses cover Sunday 10:00-13:00 and
  // Monday 07:00-09:00 once each, given overlapping, out of order and partly outside the span.
  const std::vector<Interval> paused{
      {Riyadh("2026-12-07T07:00"), Riyadh("2026-12-07T09:00")},
      {Riyadh("2026-12-06T11:00"), Riyadh("2026-12-06T13:00")},
      {Riyadh("2026-12-06T10:00"), Riyadh("2026-12-06T12:00")},
      {Riyadh("2026-12-06T11:30"), Riyadh("2026-12-06T11:45")},
      {Riyadh("2026-12-08T08:00"), Riyadh("2026-12-08T12:00")},  // after the span
      {Riyadh("2026-12-06T12:00"), Riyadh("2026-12-06T10:00")},  // empty
  };
  EXPECT_EQ(
      calendar.BusinessTimeBetween(Riyadh("2026-12-06T08:00"), Riyadh("2026-12-07T16:00"), paused),
      16h - 3h - 1h);
}

TEST(BusinessCalendar, CountsWholeMinutesRoundingDown) {
  const BusinessCalendar calendar = Defaults();
  const Instant open = Riyadh("2026-12-06T08:00");
  EXPECT_EQ(calendar.BusinessMinutesBetween(open, open + 2min - 1ms), 1);
  EXPECT_EQ(calendar.BusinessMinutesBetween(open, open + 2min), 2);
}

TEST(BusinessCalendar, KnowsWhenItIsBusinessTime) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_TRUE(calendar.IsBusinessTime(Riyadh("2026-12-06T08:00")));
  EXPECT_FALSE(calendar.IsBusinessTime(Riyadh("2026-12-06T08:00") - 1ms));
  EXPECT_TRUE(calendar.IsBusinessTime(Riyadh("2026-12-06T16:00") - 1ms));
  EXPECT_FALSE(calendar.IsBusinessTime(Riyadh("2026-12-06T16:00")));
  EXPECT_FALSE(calendar.IsBusinessTime(Riyadh("2026-09-23T10:00")));  // National Day
}

TEST(BusinessCalendar, ConvertsBetweenInstantsAndRiyadhDates) {
  EXPECT_EQ(BusinessCalendar::LocalDate(*ParseIso8601("2026-12-05T20:59:59.999Z")), D(2026, 12, 5));
  EXPECT_EQ(BusinessCalendar::LocalDate(*ParseIso8601("2026-12-05T21:00:00Z")), D(2026, 12, 6));
  EXPECT_EQ(BusinessCalendar::LocalTime(D(2026, 12, 6), 8h), *ParseIso8601("2026-12-06T05:00:00Z"));
}

// --- Holidays -------------------------------------------------------------------------------

TEST(BusinessCalendar, ListsTheHolidaysOfAHijriYear) {
  // Hijri 1447 runs from 26 June 2025 to 15 June 2026.
  const std::vector<Holiday> holidays = Defaults().HolidaysOfHijriYear(1447);
  ASSERT_EQ(holidays.size(), 4u);
  EXPECT_EQ(holidays[0], (Holiday{"national_day", "اليوم الوطني", "National Day", 1447,
                                  D(2025, 9, 23), D(2025, 9, 23), false}));
  EXPECT_EQ(holidays[1], (Holiday{"founding_day", "يوم التأسيس", "Founding Day", 1447,
                                  D(2026, 2, 22), D(2026, 2, 22), false}));
  EXPECT_EQ(holidays[2], (Holiday{"eid_al_fitr", "عيد الفطر", "Eid al-Fitr", 1447, D(2026, 3, 20),
                                  D(2026, 3, 23), true}));
  EXPECT_EQ(holidays[3], (Holiday{"eid_al_adha", "عيد الأضحى", "Eid al-Adha", 1447, D(2026, 5, 26),
                                  D(2026, 5, 29), true}));
}

TEST(BusinessCalendar, AnAdjustmentConfirmsAHoliday) {
  const BusinessCalendar calendar =
      BusinessCalendar::Make(WithEidAlFitr1447(D(2026, 3, 20), D(2026, 3, 23))).value();
  const std::optional<Holiday> eid = calendar.HolidayOn(D(2026, 3, 21));
  ASSERT_TRUE(eid.has_value());
  EXPECT_EQ(eid->key, "eid_al_fitr");
  EXPECT_EQ(eid->hijri_year, 1447);
  EXPECT_FALSE(eid->provisional);
  // Other years stay provisional.
  const std::optional<Holiday> next = calendar.HolidayOn(D(2027, 3, 9));  // 1 Shawwal 1448
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->hijri_year, 1448);
  EXPECT_TRUE(next->provisional);
}

TEST(BusinessCalendar, FindsTheHolidayOfADate) {
  const BusinessCalendar calendar = Defaults();
  EXPECT_FALSE(calendar.HolidayOn(D(2026, 12, 6)).has_value());
  const std::optional<Holiday> founding = calendar.HolidayOn(D(2026, 2, 22));
  ASSERT_TRUE(founding.has_value());
  EXPECT_EQ(founding->key, "founding_day");
  EXPECT_EQ(founding->hijri_year, 1447);
  EXPECT_FALSE(founding->provisional);
  const std::optional<Holiday> arafat = calendar.HolidayOn(D(2026, 5, 26));
  ASSERT_TRUE(arafat.has_value());
  EXPECT_EQ(arafat->key, "eid_al_adha");
  EXPECT_TRUE(arafat->provisional);
}

TEST(BusinessCalendar, ListsHolidaysOverlappingGregorianDates) {
  const BusinessCalendar calendar = Defaults();
  std::vector<std::string> keys;
  for (const Holiday& h : calendar.HolidaysBetween(D(2026, 1, 1), D(2026, 12, 31))) {
    keys.push_back(h.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"founding_day", "eid_al_fitr", "eid_al_adha",
                                            "national_day"}));
  // A range starting inside a holiday still lists it.
  const std::vector<Holiday> tail = calendar.HolidaysBetween(D(2026, 3, 23), D(2026, 3, 30));
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].first, D(2026, 3, 20));
}

TEST(BusinessCalendar, KeepsGregorianHolidaysBeyondTheHijriRange) {
  const BusinessCalendar calendar = Defaults();
  const std::optional<Holiday> far = calendar.HolidayOn(D(2150, 9, 23));
  ASSERT_TRUE(far.has_value());
  EXPECT_EQ(far->key, "national_day");
  EXPECT_FALSE(calendar.IsRamadan(D(2150, 6, 1)));
}

// --- Properties over many instants ----------------------------------------------------------

struct Sample {
  Instant start;
  std::int64_t minutes;
};

// Instants across 2025-2028 (Ramadans, Eids and national days included) and up to 20000
// business minutes; a fixed seed keeps failures reproducible.
std::vector<Sample> Samples(std::size_t count) {
  std::mt19937_64 random(20261206);
  const std::int64_t first = Riyadh("2025-01-01T00:00").time_since_epoch().count();
  const std::int64_t last = Riyadh("2029-01-01T00:00").time_since_epoch().count();
  std::uniform_int_distribution<std::int64_t> instant(first, last);
  std::uniform_int_distribution<std::int64_t> business_minutes(0, 20000);
  std::vector<Sample> samples;
  for (std::size_t i = 0; i < count; ++i) {
    samples.push_back({Instant{milliseconds{instant(random)}}, business_minutes(random)});
  }
  return samples;
}

TEST(BusinessCalendar, MeasuresBackExactlyWhatItAdded) {
  const BusinessCalendar calendar = Defaults();
  for (const Sample& s : Samples(3000)) {
    const Instant due = calendar.AddBusinessMinutes(s.start, s.minutes);
    ASSERT_EQ(calendar.BusinessTimeBetween(s.start, due), milliseconds{s.minutes * 60'000})
        << FormatIso8601(s.start) << " + " << s.minutes;
    ASSERT_EQ(calendar.BusinessMinutesBetween(s.start, due), s.minutes);
  }
}

TEST(BusinessCalendar, LandsInsideOrAtTheCloseOfWorkingHours) {
  const BusinessCalendar calendar = Defaults();
  for (const Sample& s : Samples(3000)) {
    if (s.minutes == 0) continue;
    const Instant due = calendar.AddBusinessMinutes(s.start, s.minutes);
    const Date date = BusinessCalendar::LocalDate(due);
    const auto time_of_day = due - BusinessCalendar::LocalTime(date, 0min);
    const std::vector<WorkingHours> hours = calendar.HoursOn(date);
    const bool inside = std::any_of(hours.begin(), hours.end(), [&](const WorkingHours& h) {
      return h.start < time_of_day && time_of_day <= h.end;
    });
    ASSERT_TRUE(inside) << FormatIso8601(s.start) << " + " << s.minutes << " = "
                        << FormatIso8601(due);
  }
}

TEST(BusinessCalendar, AddingIsMonotonicInMinutesAndInStart) {
  const BusinessCalendar calendar = Defaults();
  const std::vector<Sample> samples = Samples(2000);
  for (std::size_t i = 0; i + 1 < samples.size(); ++i) {
    const Sample& s = samples[i];
    const std::int64_t more = s.minutes + samples[i + 1].minutes % 500;
    ASSERT_LE(calendar.AddBusinessMinutes(s.start, s.minutes),
              calendar.AddBusinessMinutes(s.start, more))
        << FormatIso8601(s.start) << " + " << s.minutes << " / " << more;
    const Instant later = s.start + milliseconds{samples[i + 1].minutes * 10'000};
    ASSERT_LE(calendar.AddBusinessMinutes(s.start, s.minutes),
              calendar.AddBusinessMinutes(later, s.minutes))
        << FormatIso8601(s.start) << " / " << FormatIso8601(later) << " + " << s.minutes;
  }
}

TEST(BusinessCalendar, APauseRemovesExactlyItsOwnBusinessTime) {
  const BusinessCalendar calendar = Defaults();
  std::mt19937_64 random(7);
  for (const Sample& s : Samples(1000)) {
    const Instant end = calendar.AddBusinessMinutes(s.start, s.minutes) + 3h;
    std::uniform_int_distribution<std::int64_t> within(0, (end - s.start).count());
    std::int64_t a = within(random);
    std::int64_t b = within(random);
    if (b < a) std::swap(a, b);
    const Interval pause{s.start + milliseconds{a}, s.start + milliseconds{b}};
    const std::vector<Interval> paused{pause};
    ASSERT_EQ(calendar.BusinessTimeBetween(s.start, end, paused),
              calendar.BusinessTimeBetween(s.start, pause.from) +
                  calendar.BusinessTimeBetween(pause.to, end))
        << FormatIso8601(s.start);
  }
}

TEST(BusinessCalendar, OverlappingPausesCountOnceAgainstAMinuteByMinuteCount) {
  const BusinessCalendar calendar = Defaults();
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> span(0, std::int64_t{3} * 1440);
  std::uniform_int_distribution<std::int64_t> around(-1440, std::int64_t{4} * 1440);
  for (const Sample& s : Samples(150)) {
    const Instant from = floor<minutes>(s.start);
    const Instant to = from + minutes{span(random)};
    std::vector<Interval> paused;
    paused.reserve(3);
    for (int p = 0; p < 3; ++p) {  // any order, may overlap, may reach outside [from, to)
      paused.push_back({from + minutes{around(random)}, from + minutes{around(random)}});
    }
    std::int64_t expected = 0;
    for (Instant m = from; m < to; m += 1min) {
      const bool is_paused = std::any_of(
          paused.begin(), paused.end(), [&](const Interval& p) { return p.from <= m && m < p.to; });
      if (!is_paused && calendar.IsBusinessTime(m)) ++expected;
    }
    ASSERT_EQ(calendar.BusinessTimeBetween(from, to, paused), minutes{expected})
        << FormatIso8601(from) << " .. " << FormatIso8601(to);
  }
}

}  // namespace
}  // namespace shakwa::domain
