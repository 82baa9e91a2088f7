#include "domain/calendar.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <iterator>
#include <set>
#include <tuple>
#include <utility>

namespace shakwa::domain {

using namespace std::chrono;

namespace {

constexpr std::int64_t kMillisPerMinute = 60'000;
constexpr int kMaxHolidayDays = 30;  // a rule's length and an adjustment's span, both validated
constexpr int kMinutesPerDay = 1440;

// Days since 1970-01-01: what the placed ranges store, so that a day lookup compares integers.
int DayNumber(sys_days day) {
  return static_cast<int>(day.time_since_epoch().count());
}
int DayNumber(Date date) {
  return DayNumber(sys_days{date});
}
sys_days DayOf(int number) {
  return sys_days{days{number}};
}
Date DateOf(int number) {
  return Date{DayOf(number)};
}
int YearOf(int number) {
  return int{DateOf(number).year()};
}

// The first day of every Hijri month of kFirstHijriYear..kLastHijriYear, and 1 Muharram of the
// year after: 12 ICU conversions a year, made once per process (about half a millisecond) and
// shared by every calendar, so nothing after start-up asks ICU where a month begins.
class HijriMonths {
 public:
  static const HijriMonths& Get() {
    static const HijriMonths months;
    return months;
  }

  // Day number of 1 month/year, for years in range and 1 Muharram of kLastHijriYear + 1.
  std::optional<int> Start(int year, int month) const {
    if (year < kFirst || month < 1 || month > 12) return std::nullopt;
    const auto index = static_cast<std::size_t>((year - kFirst) * 12 + month - 1);
    if (index >= starts_.size()) return std::nullopt;
    return starts_[index];
  }

  // The Hijri year a day falls in, if it is in range.
  std::optional<int> YearOf(int day) const {
    if (day < starts_.front() || day >= starts_.back()) return std::nullopt;
    const auto next = std::upper_bound(starts_.begin(), starts_.end(), day);
    return kFirst + static_cast<int>(next - starts_.begin() - 1) / 12;
  }

 private:
  static constexpr int kFirst = BusinessCalendar::kFirstHijriYear;
  static constexpr int kLast = BusinessCalendar::kLastHijriYear;

  HijriMonths() {
    starts_.reserve(static_cast<std::size_t>(kLast - kFirst + 1) * 12 + 1);
    for (int year = kFirst; year <= kLast + 1; ++year) {
      for (int month = 1; month <= (year <= kLast ? 12 : 1); ++month) {
        const std::optional<Date> first = FromHijri({year, month, 1});
        assert(first.has_value());  // the first of a month always exists
        starts_.push_back(DayNumber(*first));
      }
    }
  }

  std::vector<int> starts_;
};

// The Hijri year of a day: from the table, or from ICU beyond it (listings only, never per day
// of arithmetic).
int HijriYearOf(int day) {
  if (auto year = HijriMonths::Get().YearOf(day)) return *year;
  return ToHijri(DateOf(day)).year;
}

// Day number of 1 Muharram of a Hijri year.
std::optional<int> HijriYearStart(int hijri_year) {
  if (auto start = HijriMonths::Get().Start(hijri_year, 1)) return start;
  if (auto first = FromHijri({hijri_year, 1, 1})) return DayNumber(*first);
  return std::nullopt;
}

// Where a Gregorian rule falls in a Gregorian year; nullopt for 29 February in a common year
// (the holiday simply does not occur that year).
std::optional<int> GregorianStart(const HolidayRule& rule, int year) {
  const Date date{std::chrono::year{year}, month{static_cast<unsigned>(rule.month)},
                  day{static_cast<unsigned>(rule.day)}};
  if (!date.ok()) return std::nullopt;
  return DayNumber(date);
}

constexpr std::array<const char*, 7> kWeekdayNames = {"sunday",   "monday", "tuesday", "wednesday",
                                                      "thursday", "friday", "saturday"};

std::string Indexed(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void CheckHours(const std::vector<WorkingHours>& hours, const std::string& path,
                std::vector<FieldError>& errors) {
  std::optional<minutes> previous_end;
  for (std::size_t i = 0; i < hours.size(); ++i) {
    const WorkingHours& h = hours[i];
    if (h.start < minutes{0} || h.end > minutes{kMinutesPerDay} || h.start >= h.end) {
      errors.push_back({Indexed(path, i), MessageId::kInvalidWorkingHours, {}});
      continue;
    }
    if (previous_end && h.start < *previous_end) {
      errors.push_back({Indexed(path, i), MessageId::kOverlappingWorkingHours, {}});
    }
    previous_end = h.end;
  }
}

void CheckRange(int value, int low, int high, const std::string& path,
                std::vector<FieldError>& errors) {
  if (value < low || value > high) {
    errors.push_back({path, MessageId::kMustBeNumberInRange,
                      std::to_string(low) + " – " + std::to_string(high)});
  }
}

std::vector<FieldError> Validate(const CalendarSettings& settings) {
  std::vector<FieldError> errors;
  bool any_working_day = false;
  for (std::size_t d = 0; d < settings.week.size(); ++d) {
    CheckHours(settings.week[d], std::string("calendar.week.") + kWeekdayNames[d], errors);
    any_working_day = any_working_day || !settings.week[d].empty();
  }
  if (!any_working_day) errors.push_back({"calendar.week", MessageId::kNoWorkingDay, {}});
  CheckHours(settings.ramadan_hours, "calendar.ramadan_hours", errors);

  std::set<std::string> keys;
  std::set<std::string> hijri_keys;
  for (std::size_t i = 0; i < settings.holidays.size(); ++i) {
    const HolidayRule& rule = settings.holidays[i];
    const std::string path = Indexed("calendar.holidays", i);
    if (rule.key.empty()) {
      errors.push_back({path + ".key", MessageId::kEmpty, {}});
    } else if (!keys.insert(rule.key).second) {
      errors.push_back({path + ".key", MessageId::kAlreadyExists, rule.key});
    } else if (rule.basis == HolidayRule::Basis::kHijri) {
      hijri_keys.insert(rule.key);
    }
    CheckRange(rule.month, 1, 12, path + ".month", errors);
    int last_day = 30;  // a Hijri month has 29 or 30 days
    if (rule.basis == HolidayRule::Basis::kGregorian) {
      last_day = 31;
      if (rule.month >= 1 && rule.month <= 12) {
        // A leap year's lengths: 29 February is a date, if only every fourth year.
        last_day = static_cast<int>(unsigned{
            (std::chrono::year{2000} / month{static_cast<unsigned>(rule.month)} / last).day()});
      }
    }
    CheckRange(rule.day, 1, last_day, path + ".day", errors);
    CheckRange(rule.days, 1, kMaxHolidayDays, path + ".days", errors);
  }

  std::string allowed;
  for (const std::string& key : hijri_keys) allowed += (allowed.empty() ? "" : ", ") + key;
  std::set<std::pair<std::string, int>> adjusted;
  for (std::size_t i = 0; i < settings.adjustments.size(); ++i) {
    const HolidayAdjustment& a = settings.adjustments[i];
    const std::string path = Indexed("calendar.adjustments", i);
    if (!hijri_keys.contains(a.key)) {
      errors.push_back({path + ".key", MessageId::kNotOneOf, allowed});
    }
    CheckRange(a.hijri_year, 1, 9999, path + ".hijri_year", errors);
    if (!adjusted.insert({a.key, a.hijri_year}).second) {
      errors.push_back({path + ".hijri_year", MessageId::kAlreadyExists,
                        a.key + " " + std::to_string(a.hijri_year)});
    }
    const std::string span = std::to_string(kMaxHolidayDays);
    if (!a.first.ok()) {
      errors.push_back({path + ".first", MessageId::kInvalidDateRange, span});
    } else if (!a.last.ok() || a.last < a.first ||
               DayNumber(a.last) - DayNumber(a.first) + 1 > kMaxHolidayDays) {
      errors.push_back({path + ".last", MessageId::kInvalidDateRange, span});
    }
  }
  return errors;
}

// A holiday on the calendar, as day numbers; `rule` indexes CalendarSettings::holidays.
struct Placed {
  int first = 0;
  int last = 0;
  std::size_t rule = 0;
  int hijri_year = 0;
  bool provisional = false;
};

bool EarlierHoliday(const Holiday& a, const Holiday& b) {
  return std::tie(a.first, a.last, a.key) < std::tie(b.first, b.last, b.key);
}

}  // namespace

// The settings, and the Hijri-based specials placed once so that a day lookup is a binary search.
struct BusinessCalendar::Data {
  CalendarSettings settings;
  std::vector<std::size_t> gregorian_rules;  // indexes of settings.holidays
  std::vector<Placed> hijri_holidays;        // sorted by first day; adjustments applied
  std::vector<std::pair<int, int>> ramadan;  // [first, last] day numbers, sorted

  bool IsRamadanDay(int day) const {
    auto next = std::upper_bound(ramadan.begin(), ramadan.end(), day,
                                 [](int d, const std::pair<int, int>& r) { return d < r.first; });
    return next != ramadan.begin() && std::prev(next)->second >= day;
  }

  // Calls visit(placed) for every holiday covering day, Gregorian rules first.
  template <typename Visit>
  void ForEachHolidayOn(int day, Visit visit) const {
    const int year = YearOf(day);
    for (std::size_t index : gregorian_rules) {
      const HolidayRule& rule = settings.holidays[index];
      for (int y : {year - 1, year}) {  // a holiday late in December may run into January
        const std::optional<int> first = GregorianStart(rule, y);
        if (first && *first <= day && day < *first + rule.days) {
          visit(Placed{*first, *first + rule.days - 1, index, 0, false});
        }
      }
    }
    // Sorted by first day, and none longer than kMaxHolidayDays: look back that far at most.
    auto it = std::upper_bound(hijri_holidays.begin(), hijri_holidays.end(), day,
                               [](int d, const Placed& p) { return d < p.first; });
    while (it != hijri_holidays.begin()) {
      --it;
      if (it->first <= day - kMaxHolidayDays) break;
      if (it->last >= day) visit(*it);
    }
  }

  bool IsHolidayDay(int day) const {
    bool found = false;
    ForEachHolidayOn(day, [&](const Placed&) { found = true; });
    return found;
  }

  std::span<const WorkingHours> HoursOnDay(int day) const {
    const auto weekday_index = weekday{DayOf(day)}.c_encoding();
    const std::vector<WorkingHours>& usual = settings.week[weekday_index];
    if (usual.empty() || IsHolidayDay(day)) return {};
    if (IsRamadanDay(day)) return settings.ramadan_hours;
    return usual;
  }

  Holiday Describe(const Placed& p) const {
    const HolidayRule& rule = settings.holidays[p.rule];
    const int hijri_year = p.hijri_year != 0 ? p.hijri_year : HijriYearOf(p.first);
    return Holiday{rule.key,        rule.name_ar,   rule.name_en, hijri_year,
                   DateOf(p.first), DateOf(p.last), p.provisional};
  }

  // Business milliseconds in [from, to), both as milliseconds of Riyadh local time.
  std::int64_t WorkingMillis(std::int64_t from, std::int64_t to) const {
    std::int64_t total = 0;
    constexpr std::int64_t kDay = kMinutesPerDay * kMillisPerMinute;
    const auto first_day = floor<days>(sys_time<milliseconds>{milliseconds{from}});
    const auto last_day = floor<days>(sys_time<milliseconds>{milliseconds{to - 1}});
    for (sys_days d = first_day; d <= last_day; d += days{1}) {
      const std::int64_t base = DayNumber(d) * kDay;
      for (const WorkingHours& h : HoursOnDay(DayNumber(d))) {
        const std::int64_t begin = std::max(from, base + h.start.count() * kMillisPerMinute);
        const std::int64_t end = std::min(to, base + h.end.count() * kMillisPerMinute);
        if (begin < end) total += end - begin;
      }
    }
    return total;
  }
};

std::optional<WorkingHours> ParseWorkingHours(std::string_view text) {
  auto clock = [](std::string_view t) -> std::optional<minutes> {
    if (t.size() != 5 || t[2] != ':') return std::nullopt;
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
    }
    const int h = (t[0] - '0') * 10 + (t[1] - '0');
    const int m = (t[3] - '0') * 10 + (t[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;  // 24:00 ends a day
    return minutes{h * 60 + m};
  };
  if (text.size() != 11 || text[5] != '-') return std::nullopt;
  const auto start = clock(text.substr(0, 5));
  const auto end = clock(text.substr(6, 5));
  if (!start || !end) return std::nullopt;
  return WorkingHours{*start, *end};
}

std::string FormatWorkingHours(const WorkingHours& hours) {
  char buffer[96];  // room for any minutes value, so that nothing is ever cut
  const auto start = hours.start.count();
  const auto end = hours.end.count();
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld-%02lld:%02lld",
                static_cast<long long>(start / 60), static_cast<long long>(start % 60),
                static_cast<long long>(end / 60), static_cast<long long>(end % 60));
  return buffer;
}

CalendarSettings CalendarSettings::Defaults() {
  CalendarSettings s;
  const WorkingHours day{hours{8}, hours{16}};
  for (int d = 0; d <= 4; ++d) s.week[static_cast<std::size_t>(d)] = {day};  // Sunday-Thursday
  s.ramadan_hours = {WorkingHours{hours{10}, hours{15}}};
  using Basis = HolidayRule::Basis;
  s.holidays = {
      {"founding_day", "يوم التأسيس", "Founding Day", Basis::kGregorian, 2, 22, 1},
      {"national_day", "اليوم الوطني", "National Day", Basis::kGregorian, 9, 23, 1},
      {"eid_al_fitr", "عيد الفطر", "Eid al-Fitr", Basis::kHijri, 10, 1, 4},
      {"eid_al_adha", "عيد الأضحى", "Eid al-Adha", Basis::kHijri, 12, 9, 4},
  };
  return s;
}

Result<BusinessCalendar> BusinessCalendar::Make(CalendarSettings settings) {
  if (std::vector<FieldError> errors = Validate(settings); !errors.empty()) {
    Error error = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed,
                            "calendar settings: " + errors.front().path);
    error.fields = std::move(errors);
    return error;
  }
  auto data = std::make_shared<Data>();
  data->settings = std::move(settings);
  const CalendarSettings& s = data->settings;
  const HijriMonths& months = HijriMonths::Get();

  for (int year = kFirstHijriYear; year <= kLastHijriYear; ++year) {
    data->ramadan.emplace_back(*months.Start(year, 9), *months.Start(year, 10) - 1);
  }
  for (std::size_t i = 0; i < s.holidays.size(); ++i) {
    const HolidayRule& rule = s.holidays[i];
    if (rule.basis == HolidayRule::Basis::kGregorian) {
      data->gregorian_rules.push_back(i);
      continue;
    }
    std::set<int> adjusted_years;
    for (const HolidayAdjustment& a : s.adjustments) {
      if (a.key != rule.key) continue;
      adjusted_years.insert(a.hijri_year);
      data->hijri_holidays.push_back(
          Placed{DayNumber(a.first), DayNumber(a.last), i, a.hijri_year, false});
    }
    for (int year = kFirstHijriYear; year <= kLastHijriYear; ++year) {
      if (adjusted_years.contains(year)) continue;
      // Counted from the first of the month, so day 30 of a 29-day month is the next day.
      const int first = *months.Start(year, rule.month) + rule.day - 1;
      data->hijri_holidays.push_back(Placed{first, first + rule.days - 1, i, year, true});
    }
  }
  std::sort(data->hijri_holidays.begin(), data->hijri_holidays.end(),
            [](const Placed& a, const Placed& b) {
              return std::tie(a.first, a.rule) < std::tie(b.first, b.rule);
            });

  BusinessCalendar calendar;
  calendar.data_ = std::move(data);
  return calendar;
}

const CalendarSettings& BusinessCalendar::settings() const {
  return data_->settings;
}

Instant BusinessCalendar::AddBusinessMinutes(Instant from, std::int64_t minutes) const {
  if (minutes <= 0) return from;
  // Walks day by day; every week has working time (Make insists), so this ends after about
  // minutes / (weekly working minutes) weeks plus the holidays on the way.
  std::int64_t remaining = minutes * kMillisPerMinute;
  const auto local = from + kRiyadhOffset;
  sys_days day = floor<days>(local);
  std::int64_t time_of_day = (local - day).count();
  for (;; day += days{1}, time_of_day = 0) {
    for (const WorkingHours& h : data_->HoursOnDay(DayNumber(day))) {
      const std::int64_t end = h.end.count() * kMillisPerMinute;
      if (time_of_day >= end) continue;
      const std::int64_t begin = std::max(time_of_day, h.start.count() * kMillisPerMinute);
      if (remaining <= end - begin) {
        return Instant{day} + milliseconds{begin + remaining} - kRiyadhOffset;
      }
      remaining -= end - begin;
      time_of_day = end;
    }
  }
}

milliseconds BusinessCalendar::BusinessTimeBetween(Instant from, Instant to,
                                                   std::span<const Interval> paused) const {
  if (to <= from) return milliseconds{0};
  std::vector<Interval> pauses;
  for (const Interval& p : paused) {
    const Interval clipped{std::max(p.from, from), std::min(p.to, to)};
    if (clipped.from < clipped.to) pauses.push_back(clipped);
  }
  std::sort(pauses.begin(), pauses.end(),
            [](const Interval& a, const Interval& b) { return a.from < b.from; });
  auto local = [](Instant t) { return (t + kRiyadhOffset).time_since_epoch().count(); };
  std::int64_t total = data_->WorkingMillis(local(from), local(to));
  // Merge overlapping pauses as we go so that no paused moment is subtracted twice.
  for (std::size_t i = 0; i < pauses.size();) {
    Interval merged = pauses[i++];
    while (i < pauses.size() && pauses[i].from <= merged.to) {
      merged.to = std::max(merged.to, pauses[i++].to);
    }
    total -= data_->WorkingMillis(local(merged.from), local(merged.to));
  }
  return milliseconds{total};
}

std::int64_t BusinessCalendar::BusinessMinutesBetween(Instant from, Instant to,
                                                      std::span<const Interval> paused) const {
  return floor<std::chrono::minutes>(BusinessTimeBetween(from, to, paused)).count();
}

bool BusinessCalendar::IsBusinessTime(Instant instant) const {
  const auto local = instant + kRiyadhOffset;
  const sys_days day = floor<days>(local);
  const auto time_of_day = local - day;
  for (const WorkingHours& h : data_->HoursOnDay(DayNumber(day))) {
    if (h.start <= time_of_day && time_of_day < h.end) return true;
  }
  return false;
}

std::vector<WorkingHours> BusinessCalendar::HoursOn(Date date) const {
  if (!date.ok()) return {};
  const auto hours = data_->HoursOnDay(DayNumber(date));
  return {hours.begin(), hours.end()};
}

bool BusinessCalendar::IsRamadan(Date date) const {
  return date.ok() && data_->IsRamadanDay(DayNumber(date));
}

std::optional<Holiday> BusinessCalendar::HolidayOn(Date date) const {
  if (!date.ok()) return std::nullopt;
  std::optional<Holiday> earliest;
  data_->ForEachHolidayOn(DayNumber(date), [&](const Placed& p) {
    Holiday h = data_->Describe(p);
    if (!earliest || EarlierHoliday(h, *earliest)) earliest = std::move(h);
  });
  return earliest;
}

std::vector<Holiday> BusinessCalendar::HolidaysOfHijriYear(int hijri_year) const {
  std::vector<Holiday> out;
  for (const Placed& p : data_->hijri_holidays) {
    if (p.hijri_year == hijri_year) out.push_back(data_->Describe(p));
  }
  const std::optional<int> first = HijriYearStart(hijri_year);
  const std::optional<int> next = HijriYearStart(hijri_year + 1);
  if (first && next) {
    for (int year = YearOf(*first); year <= YearOf(*next - 1); ++year) {
      for (std::size_t index : data_->gregorian_rules) {
        const HolidayRule& rule = data_->settings.holidays[index];
        const std::optional<int> start = GregorianStart(rule, year);
        if (start && *first <= *start && *start < *next) {
          out.push_back(
              data_->Describe(Placed{*start, *start + rule.days - 1, index, hijri_year, false}));
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), EarlierHoliday);
  return out;
}

std::vector<Holiday> BusinessCalendar::HolidaysBetween(Date first, Date last) const {
  std::vector<Holiday> out;
  if (!first.ok() || !last.ok() || last < first) return out;
  const int from = DayNumber(first);
  const int to = DayNumber(last);
  for (const Placed& p : data_->hijri_holidays) {
    if (p.first > to) break;
    if (p.last >= from) out.push_back(data_->Describe(p));
  }
  for (int year = int{first.year()} - 1; year <= int{last.year()}; ++year) {
    for (std::size_t index : data_->gregorian_rules) {
      const HolidayRule& rule = data_->settings.holidays[index];
      const std::optional<int> start = GregorianStart(rule, year);
      if (start && *start <= to && *start + rule.days - 1 >= from) {
        out.push_back(data_->Describe(Placed{*start, *start + rule.days - 1, index, 0, false}));
      }
    }
  }
  std::sort(out.begin(), out.end(), EarlierHoliday);
  return out;
}

Date BusinessCalendar::LocalDate(Instant instant) {
  return Date{floor<days>(instant + kRiyadhOffset)};
}

Instant BusinessCalendar::LocalTime(Date date, minutes since_midnight) {
  return Instant{sys_days{date}} + since_midnight - kRiyadhOffset;
}

}  // namespace shakwa::domain
