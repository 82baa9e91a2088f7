// The business calendar (DOMAIN.md "Time"): when the centre works, so that SLA clocks run only in
// business time while channels take cases around the clock.
//
// A working week of per-weekday hours (Sunday-Thursday by default), a Ramadan profile of shorter
// hours, and holidays: fixed Gregorian dates (Founding Day, National Day) and Hijri-relative ranges
// (the two Eids) placed provisionally on the Umm al-Qura calendar and confirmed or moved by an
// admin, because the real dates follow the moon sighting.
//
// Local time is Riyadh time, a fixed UTC+3: Saudi Arabia has kept no daylight saving since 1947,
// so an offset is exact and no time-zone database is consulted per instant.
//
// Arithmetic is in milliseconds, so adding N business minutes to an instant and measuring back
// gives exactly N. A result never lies outside working time: adding lands inside or at the closing
// edge of a working interval (16:00 is "due at close of business", not 08:00 the next morning).
//
// Thread safety: an immutable value once made; share it freely (std::shared_ptr<const ...>).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/messages.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace shakwa::domain {

using Date = std::chrono::year_month_day;

// Minutes after local midnight: [start, end), 0 <= start < end <= 1440.
struct WorkingHours {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  bool operator==(const WorkingHours&) const = default;
};

// "08:00-16:00"; nullopt if it is not one.
std::optional<WorkingHours> ParseWorkingHours(std::string_view text);
std::string FormatWorkingHours(const WorkingHours& hours);  // "08:00-16:00"

// A date on the Umm al-Qura calendar (month 9 is Ramadan, 10 Shawwal, 12 Dhu al-Hijjah).
struct HijriDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..30
  bool operator==(const HijriDate&) const = default;
};

// Umm al-Qura conversions (ICU's islamic-umalqura calendar).
HijriDate ToHijri(Date date);
// nullopt if hijri is not a date of that calendar (day 30 of a 29-day month).
std::optional<Date> FromHijri(HijriDate hijri);
// "Ramadan" / "رمضان" and the like.
std::string HijriMonthName(int month, Language language);

// A holiday as configured: one rule, placed afresh each year.
struct HolidayRule {
  enum class Basis { kGregorian, kHijri };
  std::string key;  // stable: "founding_day", "eid_al_fitr"
  std::string name_ar;
  std::string name_en;
  Basis basis = Basis::kGregorian;
  int month = 1;  // in its basis calendar
  int day = 1;
  int days = 1;  // length of the holiday, consecutive calendar days
};

// An admin's word on a Hijri holiday of one Hijri year: the real dates once the moon is sighted.
struct HolidayAdjustment {
  std::string key;
  int hijri_year = 0;
  Date first{};  // inclusive
  Date last{};   // inclusive
};

// A holiday placed on the Gregorian calendar.
struct Holiday {
  std::string key;
  std::string name_ar;
  std::string name_en;
  int hijri_year = 0;        // the Hijri year it belongs to
  Date first{};              // inclusive
  Date last{};               // inclusive
  bool provisional = false;  // Hijri-relative and not yet confirmed by an admin
  bool operator==(const Holiday&) const = default;
};

struct CalendarSettings {
  // Index 0 is Sunday (std::chrono::weekday's encoding); an empty day is not a working day.
  std::array<std::vector<WorkingHours>, 7> week;
  // The hours of a working day in Ramadan.
  std::vector<WorkingHours> ramadan_hours;
  std::vector<HolidayRule> holidays;
  std::vector<HolidayAdjustment> adjustments;

  // Sunday-Thursday 08:00-16:00, Ramadan 10:00-15:00, Founding Day, National Day, Eid al-Fitr
  // (1-4 Shawwal) and Eid al-Adha (9-12 Dhu al-Hijjah, Arafat Day included).
  static CalendarSettings Defaults();
};

// A span of time the clock did not run (a case awaiting the beneficiary): [from, to).
struct Interval {
  Instant from{};
  Instant to{};
};

class BusinessCalendar {
 public:
  // Ramadan and the provisional placement of Hijri holidays are computed for these Hijri years
  // (1970-2097); outside them a date has only its Gregorian holidays and admin adjustments.
  static constexpr int kFirstHijriYear = 1390;
  static constexpr int kLastHijriYear = 1520;

  // Checks the settings: hours sorted, not overlapping, inside the day; at least one working
  // day; holiday rules on real dates with 1..30 days and unique keys; adjustments name a Hijri
  // rule, once per Hijri year, and have first <= last spanning at most 30 days. kInvalidInput
  // (kValidationFailed) with every failing field ("calendar.week.sunday[0]") otherwise.
  static Result<BusinessCalendar> Make(CalendarSettings settings);

  const CalendarSettings& settings() const;

  // The instant at which `minutes` business minutes have run from `from`. minutes == 0 gives
  // `from` itself; minutes > 0 lands inside or at the closing edge of a working interval.
  Instant AddBusinessMinutes(Instant from, std::int64_t minutes) const;
  // Business time in [from, to), minus the parts of `paused` inside it (paused may overlap and
  // be in any order). Zero if to <= from.
  std::chrono::milliseconds BusinessTimeBetween(Instant from, Instant to,
                                                std::span<const Interval> paused = {}) const;
  // Whole minutes of BusinessTimeBetween (rounded down).
  std::int64_t BusinessMinutesBetween(Instant from, Instant to,
                                      std::span<const Interval> paused = {}) const;
  bool IsBusinessTime(Instant instant) const;

  // The working hours of a local date: empty on a weekend or a holiday; the Ramadan profile on
  // a working day of Ramadan.
  std::vector<WorkingHours> HoursOn(Date date) const;
  bool IsRamadan(Date date) const;
  std::optional<Holiday> HolidayOn(Date date) const;

  // The year's holidays in date order, with admin adjustments applied (a Gregorian rule is placed
  // in each Gregorian year the Hijri year touches).
  std::vector<Holiday> HolidaysOfHijriYear(int hijri_year) const;
  // Holidays overlapping [first, last], in date order.
  std::vector<Holiday> HolidaysBetween(Date first, Date last) const;

  // The local (Riyadh) date of an instant, and the instant a local date and time begin.
  static Date LocalDate(Instant instant);
  static Instant LocalTime(Date date, std::chrono::minutes since_midnight);

 private:
  BusinessCalendar() = default;
  struct Data;
  std::shared_ptr<const Data> data_;
};

// What people read (pages, messages, exports): the Hijri (Umm al-Qura) and Gregorian dates and
// the Riyadh time, e.g. "الأحد 26 جمادى الآخرة 1448 هـ الموافق 6 ديسمبر 2026 م، 10:30" or
// "Sunday 26 Jumada II 1448 AH (6 December 2026), 10:30 Riyadh time". Digits are Western in
// both languages; month and weekday names are ICU's.
std::string FormatForPeople(Instant instant, Language language);
// The same for a date without a time.
std::string FormatDateForPeople(Date date, Language language);

}  // namespace shakwa::domain
