// The Umm al-Qura calendar and the dates people read, by way of ICU.
//
// ICU objects are not thread-safe, and making one costs tens of microseconds, so each thread
// keeps its own (thread_local) calendar and formatters. Every ICU object works in GMT: dates are
// whole days, and the Riyadh offset is applied here by plain arithmetic (kRiyadhOffset), so no
// time-zone data decides what people read.
#include <unicode/calendar.h>
#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "domain/calendar.hpp"

namespace shakwa::domain {

using namespace std::chrono;

namespace {

constexpr double kMillisPerDay = 86'400'000.0;

UDate ToUDate(Date date) {
  return static_cast<double>(sys_days{date}.time_since_epoch().count()) * kMillisPerDay;
}

Date FromUDate(UDate at) {
  return Date{sys_days{days{static_cast<int>(std::floor(at / kMillisPerDay))}}};
}

// Start-up failures only: ICU without its calendar data is a broken installation, and silently
// falling back to the Gregorian calendar would misplace every Hijri date.
[[noreturn]] void IcuFailure(const char* what, UErrorCode status) {
  throw std::runtime_error(std::string("ICU: ") + what + ": " + u_errorName(status));
}

// The caller owns the calendar.
icu::Calendar* MakeUmmAlQura() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> made(icu::Calendar::createInstance(
      icu::TimeZone::getGMT()->clone(), icu::Locale("@calendar=islamic-umalqura"), status));
  if (U_FAILURE(status) || !made) IcuFailure("no Umm al-Qura calendar", status);
  if (std::string_view(made->getType()) != "islamic-umalqura") {
    IcuFailure("the Umm al-Qura calendar is missing from ICU's data", U_UNSUPPORTED_ERROR);
  }
  made->setLenient(true);  // FromHijri checks the fields itself
  return made.release();
}

icu::Calendar& UmmAlQura() {
  thread_local const std::unique_ptr<icu::Calendar> calendar(MakeUmmAlQura());
  // clang-analyzer 14 runs a thread_local's destructor at the end of the function (a known false
  // positive); the calendar lives until the thread ends.
  return *calendar;  // NOLINT(clang-analyzer-cplusplus.NewDelete)
}

// The formatters people's dates need, one set per language.
struct Formatters {
  std::unique_ptr<icu::SimpleDateFormat> hijri;      // "Sunday 26 Jumada II 1448 AH"
  std::unique_ptr<icu::SimpleDateFormat> gregorian;  // "6 December 2026"
};

std::unique_ptr<icu::SimpleDateFormat> MakeFormatter(const char* pattern, const char* locale) {
  UErrorCode status = U_ZERO_ERROR;
  auto made = std::make_unique<icu::SimpleDateFormat>(icu::UnicodeString(pattern),
                                                      icu::Locale(locale), status);
  if (U_FAILURE(status)) IcuFailure("no date formatter", status);
  made->setTimeZone(*icu::TimeZone::getGMT());
  return made;
}

const Formatters& FormattersFor(Language language) {
  // Western digits (numbers=latn) in both languages: what Saudi government pages print.
  thread_local const Formatters arabic{
      MakeFormatter("EEEE d MMMM y G", "ar_SA@calendar=islamic-umalqura;numbers=latn"),
      MakeFormatter("d MMMM y", "ar_SA@calendar=gregorian;numbers=latn")};
  thread_local const Formatters english{
      MakeFormatter("EEEE d MMMM y G", "en@calendar=islamic-umalqura;numbers=latn"),
      MakeFormatter("d MMMM y", "en@calendar=gregorian;numbers=latn")};
  return language == Language::kArabic ? arabic : english;
}

std::string Utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::string Format(const icu::SimpleDateFormat& formatter, Date date) {
  icu::UnicodeString text;
  formatter.format(ToUDate(date), text);
  return Utf8(text);
}

}  // namespace

HijriDate ToHijri(Date date) {
  if (!date.ok()) return {};
  icu::Calendar& calendar = UmmAlQura();
  UErrorCode status = U_ZERO_ERROR;
  calendar.setTime(ToUDate(date), status);
  HijriDate out{calendar.get(UCAL_YEAR, status), calendar.get(UCAL_MONTH, status) + 1,
                calendar.get(UCAL_DATE, status)};
  if (U_FAILURE(status)) return {};
  return out;
}

std::optional<Date> FromHijri(HijriDate hijri) {
  if (hijri.year < 1 || hijri.year > 9999 || hijri.month < 1 || hijri.month > 12 || hijri.day < 1 ||
      hijri.day > 30) {
    return std::nullopt;
  }
  icu::Calendar& calendar = UmmAlQura();
  UErrorCode status = U_ZERO_ERROR;
  calendar.clear();
  calendar.set(UCAL_YEAR, hijri.year);
  calendar.set(UCAL_MONTH, hijri.month - 1);
  calendar.set(UCAL_DATE, hijri.day);
  const UDate at = calendar.getTime(status);
  if (U_FAILURE(status)) return std::nullopt;
  // Every month has at least 29 days. Lenient ICU rolls day 30 of a 29-day month into the next
  // month, which is not a date; reading the fields back costs ICU a full recomputation (~15 us),
  // so only day 30 pays for it.
  if (hijri.day == 30 &&
      (calendar.get(UCAL_DATE, status) != hijri.day ||
       calendar.get(UCAL_MONTH, status) != hijri.month - 1 || U_FAILURE(status))) {
    return std::nullopt;
  }
  return FromUDate(at);
}

std::string HijriMonthName(int month, Language language) {
  if (month < 1 || month > 12) return {};
  std::int32_t count = 0;
  const icu::UnicodeString* names =
      FormattersFor(language).hijri->getDateFormatSymbols()->getMonths(count);
  if (names == nullptr || month > count) return {};
  return Utf8(names[month - 1]);
}

std::string FormatDateForPeople(Date date, Language language) {
  if (!date.ok()) return {};
  const Formatters& f = FormattersFor(language);
  if (language == Language::kArabic) {
    return Format(*f.hijri, date) + " الموافق " + Format(*f.gregorian, date) + " م";
  }
  return Format(*f.hijri, date) + " (" + Format(*f.gregorian, date) + ")";
}

std::string FormatForPeople(Instant instant, Language language) {
  const auto local = instant + kRiyadhOffset;
  const auto day = floor<days>(local);
  const hh_mm_ss time{floor<minutes>(local - day)};
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()));
  const std::string date = FormatDateForPeople(Date{day}, language);
  if (language == Language::kArabic) return date + "، " + clock;
  return date + ", " + clock + " Riyadh time";
}

}  // namespace shakwa::domain
