// The published complaints guide (GET /api/v1/guide as JSON, GET /guide as a page) and the
// admin's calendar endpoints (the Hijri holidays of a year, and confirming or moving one).
//
// The guide is the centre's promise to the public, so it is rendered from the TimeRules in force
// (the same object the clocks run on) plus GuideSettings (channels and the centre's name). Both
// renderers read one GuideView built by BuildGuideView(): the JSON and the page cannot say
// different things, and neither can drift from what the clocks enforce.
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "domain/guide.hpp"
#include "domain/text.hpp"
#include "http/api/access.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::BuildGuideView;
using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::GuideTargets;
using domain::GuideTerm;
using domain::GuideView;
using domain::kBusinessDayMinutes;
using domain::Language;
using domain::MessageId;

// The Hijri years the admin may ask about: the calendar places holidays for 1390-1520, and
// anything outside this narrower range is a typo rather than a plan.
constexpr int kFirstAdminHijriYear = 1400;
constexpr int kLastAdminHijriYear = 1500;

// ---------------------------------------------------------------------------------------------
// The guide as JSON

json::object TargetsJson(const GuideTargets& t) {
  return json::object{
      {"first_response_minutes", t.first_response_minutes},
      {"first_response", t.first_response},
      {"update_interval_minutes", t.update_interval_minutes},
      {"update_interval", t.update_interval},
      {"resolution_minutes", t.resolution_minutes},
      {"resolution", t.resolution},
  };
}

void PutTerm(json::object& out, std::string_view key, const std::optional<GuideTerm>& term) {
  out[key] = term ? json::value(term->name) : json::value(nullptr);
  out[std::string(key) + "_label"] = term ? json::value(term->label) : json::value(nullptr);
}

json::object GuideJson(const GuideView& v) {
  json::array channels;
  for (const auto& c : v.channels) {
    channels.push_back(json::object{{"channel", c.channel},
                                    {"label_ar", c.label_ar},
                                    {"label_en", c.label_en},
                                    {"contact", c.contact}});
  }
  json::array week;
  for (const auto& d : v.week) {
    json::array hours;
    for (const auto& h : d.hours) hours.emplace_back(h);
    week.push_back(
        json::object{{"weekday", d.weekday}, {"label", d.label}, {"hours", std::move(hours)}});
  }
  json::array ramadan;
  for (const auto& h : v.ramadan_hours) ramadan.emplace_back(h);
  json::array holidays;
  for (const auto& h : v.holidays) {
    holidays.push_back(json::object{{"key", h.key},
                                    {"name", h.name},
                                    {"first", h.first},
                                    {"last", h.last},
                                    {"first_for_people", h.first_for_people},
                                    {"last_for_people", h.last_for_people},
                                    {"provisional", h.provisional}});
  }
  json::array rules;
  for (const auto& r : v.rules) {
    json::object rule;
    PutTerm(rule, "kind", r.kind);
    PutTerm(rule, "category", r.category);
    PutTerm(rule, "priority", r.priority);
    PutTerm(rule, "beneficiary_kind", r.beneficiary_kind);
    rule["targets"] = TargetsJson(r.targets);
    rules.push_back(std::move(rule));
  }
  json::array levels;
  for (const auto& l : v.levels) {
    levels.push_back(json::object{{"level", l.level},
                                  {"name", l.name},
                                  {"after_breach_minutes", l.after_breach_minutes},
                                  {"after_breach", l.after_breach},
                                  {"owner_role", l.owner_role},
                                  {"owner_role_label", l.owner_role_label}});
  }
  return json::object{
      {"language", domain::NameOf(v.language)},
      {"centre", v.centre},
      {"channels", std::move(channels)},
      {"channels_note", v.channels_note},
      {"working_hours", json::object{{"time_zone", "Asia/Riyadh"},
                                     {"note", v.time_zone_note},
                                     {"week", std::move(week)},
                                     {"ramadan", std::move(ramadan)}}},
      {"holidays", json::object{{"from", v.holidays_from},
                                {"to", v.holidays_to},
                                {"note", v.provisional_note},
                                {"items", std::move(holidays)}}},
      {"sla", json::object{{"business_day_minutes", kBusinessDayMinutes},
                           {"note", v.business_time_note},
                           {"default", TargetsJson(v.fallback)},
                           {"rules", std::move(rules)}}},
      {"escalation", json::object{{"warning_percent", v.warning_percent},
                                  {"warning_note", v.warning_note},
                                  {"note", v.beneficiary_escalation_note},
                                  {"levels", std::move(levels)},
                                  {"external_recourse", json::object{{"name", v.external_name},
                                                                     {"how", v.external_how}}}}},
  };
}

// ---------------------------------------------------------------------------------------------
// The guide as a page

// Text for HTML element content and quoted attribute values.
std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  domain::AppendHtmlEscaped(out, text);
  return out;
}

// The words of the page itself, beside what the configuration says.
struct PageWords {
  std::string_view title, other_language, other_code, channels, channel, contact, hours, day,
      working_hours, closed, ramadan, holidays, holiday, from, to, status, provisional, confirmed,
      sla, kind, category, priority, beneficiary_kind, first_response, update_interval, resolution,
      standard, any, escalation, level, escalated_to, when, owner, external;
};

constexpr PageWords kArabicWords{
    "دليل الشكاوى",
    "English",
    "en",
    "قنوات تقديم الشكاوى",
    "القناة",
    "طريقة التواصل",
    "أوقات العمل",
    "اليوم",
    "ساعات العمل",
    "مغلق",
    "أيام العمل في شهر رمضان",
    "الإجازات الرسمية خلال الاثني عشر شهرًا القادمة",
    "الإجازة",
    "من",
    "إلى",
    "الحالة",
    "مبدئي",
    "مؤكد",
    "مهل الرد والمعالجة",
    "النوع",
    "الفئة",
    "الأولوية",
    "فئة المستفيد",
    "الرد الأول خلال",
    "تحديث الحالة كل",
    "الحل خلال",
    "القاعدة العامة (ما لم ينطبق أحد الصفوف التالية)",
    "الكل",
    "التصعيد",
    "المستوى",
    "يُصعَّد إلى",
    "متى",
    "المسؤول",
    "إن لم تُنصَف بعد المستوى الأخير",
};

constexpr PageWords kEnglishWords{
    "Complaints guide",
    "العربية",
    "ar",
    "How to reach us",
    "Channel",
    "How",
    "Working hours",
    "Day",
    "Hours",
    "closed",
    "Working days in Ramadan",
    "Holidays in the next 12 months",
    "Holiday",
    "From",
    "To",
    "Status",
    "provisional",
    "confirmed",
    "Service levels",
    "Kind",
    "Category",
    "Priority",
    "Beneficiary",
    "First response within",
    "Progress update every",
    "Resolution within",
    "Standard (unless a row below applies)",
    "any",
    "Escalation",
    "Level",
    "Escalated to",
    "When",
    "Owner",
    "If you are still not satisfied after the last level",
};

constexpr std::string_view kStyle =
    "body{font-family:system-ui,'Segoe UI',Tahoma,sans-serif;max-width:60rem;margin:2rem auto;"
    "padding:0 1rem;line-height:1.5;color:#1b1b1b}"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}"
    "th,td{border:1px solid #bbb;padding:.4rem .6rem;text-align:start;vertical-align:top}"
    "th{background:#eef3ef}nav{text-align:end}";

class Page {
 public:
  Page& Raw(std::string_view html) {
    out_ += html;
    return *this;
  }
  Page& Text(std::string_view text) {
    out_ += Escape(text);
    return *this;
  }
  // <tag>text</tag>
  Page& Element(std::string_view tag, std::string_view text) {
    return Raw("<").Raw(tag).Raw(">").Text(text).Raw("</").Raw(tag).Raw(">");
  }
  Page& HeaderRow(std::initializer_list<std::string_view> cells) {
    Raw("<thead><tr>");
    for (auto cell : cells) Raw("<th scope=\"col\">").Text(cell).Raw("</th>");
    return Raw("</tr></thead><tbody>");
  }
  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

void TargetCells(Page& page, const GuideTargets& t) {
  for (const auto& [minutes, text] : {std::pair{t.first_response_minutes, &t.first_response},
                                      std::pair{t.update_interval_minutes, &t.update_interval},
                                      std::pair{t.resolution_minutes, &t.resolution}}) {
    page.Raw("<td data-minutes=\"")
        .Raw(std::to_string(minutes))
        .Raw("\">")
        .Text(*text)
        .Raw("</td>");
  }
}

void TermCell(Page& page, const std::optional<GuideTerm>& term, std::string_view any) {
  if (term) {
    page.Raw("<td data-value=\"").Text(term->name).Raw("\">").Text(term->label).Raw("</td>");
  } else {
    page.Raw("<td>").Text(any).Raw("</td>");
  }
}

std::string GuideHtml(const GuideView& v) {
  const bool ar = v.language == Language::kArabic;
  const PageWords& w = ar ? kArabicWords : kEnglishWords;
  Page page;
  page.Raw("<!DOCTYPE html>\n<html lang=\"")
      .Raw(ar ? "ar" : "en")
      .Raw("\" dir=\"")
      .Raw(ar ? "rtl" : "ltr")
      .Raw(
          "\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
      .Text(v.centre)
      .Raw(" - ")
      .Text(w.title)
      .Raw("</title>\n<style>")
      .Raw(kStyle)
      .Raw("</style>\n</head>\n<body>\n<nav><a href=\"/guide?lang=")
      .Raw(w.other_code)
      .Raw("\" hreflang=\"")
      .Raw(w.other_code)
      .Raw("\" lang=\"")
      .Raw(w.other_code)
      .Raw("\">")
      .Text(w.other_language)
      .Raw("</a></nav>\n<header><h1>")
      .Text(w.title)
      .Raw("</h1><p class=\"centre\">")
      .Text(v.centre)
      .Raw("</p></header>\n<main>\n");

  page.Raw("<section id=\"channels\">").Element("h2", w.channels).Element("p", v.channels_note);
  page.Raw("<table>").HeaderRow({w.channel, w.contact});
  for (const auto& c : v.channels) {
    page.Raw("<tr data-channel=\"")
        .Text(c.channel)
        .Raw("\"><td>")
        .Text(ar ? c.label_ar : c.label_en)
        .Raw("</td><td>")
        .Text(c.contact)
        .Raw("</td></tr>");
  }
  page.Raw("</tbody></table></section>\n");

  page.Raw("<section id=\"hours\">").Element("h2", w.hours).Element("p", v.time_zone_note);
  page.Raw("<table>").HeaderRow({w.day, w.working_hours});
  auto hours_cell = [&page, &w, ar](const std::vector<std::string>& hours) {
    page.Raw("<td>");
    if (hours.empty()) page.Text(w.closed);
    for (std::size_t i = 0; i < hours.size(); ++i) {
      if (i > 0) page.Raw(ar ? "، " : ", ");
      page.Raw("<span dir=\"ltr\">").Text(hours[i]).Raw("</span>");
    }
    page.Raw("</td>");
  };
  for (const auto& d : v.week) {
    page.Raw("<tr data-weekday=\"").Text(d.weekday).Raw("\"><th scope=\"row\">").Text(d.label);
    page.Raw("</th>");
    hours_cell(d.hours);
    page.Raw("</tr>");
  }
  page.Raw("<tr data-weekday=\"ramadan\"><th scope=\"row\">").Text(w.ramadan).Raw("</th>");
  hours_cell(v.ramadan_hours);
  page.Raw("</tr></tbody></table></section>\n");

  page.Raw("<section id=\"holidays\">").Element("h2", w.holidays).Element("p", v.provisional_note);
  page.Raw("<table>").HeaderRow({w.holiday, w.from, w.to, w.status});
  for (const auto& h : v.holidays) {
    page.Raw("<tr data-holiday=\"").Text(h.key).Raw("\"><td>").Text(h.name).Raw("</td>");
    page.Raw("<td><time datetime=\"").Text(h.first).Raw("\">").Text(h.first_for_people);
    page.Raw("</time></td><td><time datetime=\"").Text(h.last).Raw("\">").Text(h.last_for_people);
    page.Raw("</time></td><td>").Text(h.provisional ? w.provisional : w.confirmed);
    page.Raw("</td></tr>");
  }
  page.Raw("</tbody></table></section>\n");

  page.Raw("<section id=\"sla\">").Element("h2", w.sla).Element("p", v.business_time_note);
  page.Raw("<table>").HeaderRow({w.kind, w.category, w.priority, w.beneficiary_kind,
                                 w.first_response, w.update_interval, w.resolution});
  page.Raw("<tr data-rule=\"default\"><th scope=\"row\" colspan=\"4\">").Text(w.standard);
  page.Raw("</th>");
  TargetCells(page, v.fallback);
  page.Raw("</tr>");
  for (std::size_t i = 0; i < v.rules.size(); ++i) {
    const auto& r = v.rules[i];
    page.Raw("<tr data-rule=\"").Raw(std::to_string(i)).Raw("\">");
    TermCell(page, r.kind, w.any);
    TermCell(page, r.category, w.any);
    TermCell(page, r.priority, w.any);
    TermCell(page, r.beneficiary_kind, w.any);
    TargetCells(page, r.targets);
    page.Raw("</tr>");
  }
  page.Raw("</tbody></table></section>\n");

  page.Raw("<section id=\"escalation\">").Element("h2", w.escalation);
  page.Element("p", v.beneficiary_escalation_note).Element("p", v.warning_note);
  page.Raw("<table>").HeaderRow({w.level, w.escalated_to, w.when, w.owner});
  for (const auto& l : v.levels) {
    page.Raw("<tr data-level=\"").Raw(std::to_string(l.level)).Raw("\"><td>");
    page.Raw(std::to_string(l.level)).Raw("</td><td>").Text(l.name).Raw("</td>");
    page.Raw("<td data-minutes=\"").Raw(std::to_string(l.after_breach_minutes)).Raw("\">");
    page.Text(l.after_breach).Raw("</td><td data-value=\"").Text(l.owner_role).Raw("\">");
    page.Text(l.owner_role_label).Raw("</td></tr>");
  }
  page.Raw("</tbody></table>\n");
  page.Element("h3", w.external);
  page.Raw("<table id=\"external\"><tbody><tr><td>").Text(v.external_name).Raw("</td><td>");
  page.Text(v.external_how).Raw("</td></tr></tbody></table></section>\n");
  page.Raw("</main>\n</body>\n</html>\n");
  return page.Finish();
}

// ?lang=ar|en for the page (a link can carry it); otherwise Accept-Language. Any other value, or
// any other parameter, is ignored: a public page answers rather than refuses.
Language PageLanguage(const Request& request) {
  auto parsed = boost::urls::parse_query(request.query);
  if (parsed) {
    for (const auto& param : boost::urls::params_view(*parsed)) {
      if (param.key != "lang") continue;
      if (param.value == "ar") return Language::kArabic;
      if (param.value == "en") return Language::kEnglish;
    }
  }
  return request.language;
}

void GuideAsJson(const Dependencies& deps, const Request& request, const Respond& respond) {
  const GuideView view =
      BuildGuideView(*deps.time->Current(), *deps.guide, deps.clock.Now(), request.language);
  Response response = JsonResponse(200, GuideJson(view));
  response.headers.emplace_back("Content-Language", std::string(domain::NameOf(view.language)));
  response.headers.emplace_back("Vary", "Accept-Language");
  respond(std::move(response));
}

void GuideAsPage(const Dependencies& deps, const Request& request, const Respond& respond) {
  const GuideView view =
      BuildGuideView(*deps.time->Current(), *deps.guide, deps.clock.Now(), PageLanguage(request));
  Response response{200, "text/html; charset=utf-8", GuideHtml(view), {}};
  // Nothing on the page loads anything; only its own inline style applies.
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'");
  response.headers.emplace_back("Content-Language", std::string(domain::NameOf(view.language)));
  response.headers.emplace_back("Vary", "Accept-Language");
  respond(std::move(response));
}

// ---------------------------------------------------------------------------------------------
// The calendar (admin)

json::object HolidayJson(const domain::Holiday& h, const domain::CalendarSettings& settings,
                         Language language) {
  return json::object{
      {"key", h.key},
      {"name_ar", h.name_ar},
      {"name_en", h.name_en},
      {"basis", FollowsHijriCalendar(settings, h.key) ? "hijri" : "gregorian"},
      {"hijri_year", h.hijri_year},
      {"first", domain::FormatIsoDate(h.first)},
      {"last", domain::FormatIsoDate(h.last)},
      {"first_for_people", domain::FormatDateForPeople(h.first, language)},
      {"last_for_people", domain::FormatDateForPeople(h.last, language)},
      {"provisional", h.provisional},
  };
}

void ListHolidays(const Dependencies& deps, const Request& request, const Respond& respond) {
  std::vector<FieldError> errors;
  std::optional<int> year;
  bool seen = false;
  auto parsed = boost::urls::parse_query(request.query);
  if (!parsed) {
    errors.push_back({"hijri_year", MessageId::kRequired, {}});
  } else {
    for (const auto& param : boost::urls::params_view(*parsed)) {
      if (param.key == "hijri_year") {
        seen = true;
        year = ParseHijriYear(param.value, "hijri_year", errors);
      } else {
        errors.push_back({param.key, MessageId::kUnknownField, {}});
      }
    }
    if (!seen) errors.push_back({"hijri_year", MessageId::kRequired, {}});
  }
  if (!errors.empty() || !year) {
    respond(Problem(InvalidFields(std::move(errors)), request));
    return;
  }
  const auto rules = deps.time->Current();
  const domain::BusinessCalendar& calendar = rules->calendar();
  json::array items;
  for (const domain::Holiday& h : calendar.HolidaysOfHijriYear(*year)) {
    items.push_back(HolidayJson(h, calendar.settings(), request.language));
  }
  respond(JsonResponse(200, json::object{{"hijri_year", *year}, {"items", std::move(items)}}));
}

void PutHoliday(const Dependencies& deps, const Request& request, const Caller& caller,
                const Respond& respond) {
  std::vector<FieldError> errors;
  const std::optional<int> year =
      ParseHijriYear(request.path_params.at("hijri_year"), "hijri_year", errors);
  auto body = ParseJsonObject(request);
  if (!body) {
    respond(Problem(body.error(), request));
    return;
  }
  ObjectReader reader(*body, "", errors, {"first", "last"});
  domain::HolidayAdjustment adjustment;
  adjustment.key = request.path_params.at("key");
  adjustment.hijri_year = year.value_or(0);
  for (auto [field, date] :
       {std::pair{"first", &adjustment.first}, std::pair{"last", &adjustment.last}}) {
    const std::size_t reported = errors.size();
    const std::string text = reader.RequiredString(field);
    if (errors.size() != reported) continue;  // absent, or not a string
    *date = HolidayDate(text);
  }
  if (!errors.empty()) {
    respond(Problem(InvalidFields(std::move(errors)), request));
    return;
  }
  Blocking(
      request, respond, [&deps, &request, respond, adjustment, actor = caller.principal.AsActor()] {
        auto placed = AdjustHoliday(deps, adjustment, actor);
        if (!placed) {
          respond(Problem(placed.error(), request));
          return;
        }
        respond(JsonResponse(200, HolidayJson(*placed, deps.time->Current()->calendar().settings(),
                                              request.language)));
      });
}

}  // namespace

std::optional<int> ParseHijriYear(std::string_view text, std::string_view field,
                                  std::vector<FieldError>& errors) {
  int year = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc() || end != text.data() + text.size() || year < kFirstAdminHijriYear ||
      year > kLastAdminHijriYear) {
    errors.push_back(
        {std::string(field), MessageId::kMustBeNumberInRange,
         std::to_string(kFirstAdminHijriYear) + " – " + std::to_string(kLastAdminHijriYear)});
    return std::nullopt;
  }
  return year;
}

bool FollowsHijriCalendar(const domain::CalendarSettings& settings, std::string_view key) {
  for (const auto& rule : settings.holidays) {
    if (rule.key == key && rule.basis == domain::HolidayRule::Basis::kHijri) return true;
  }
  return false;
}

domain::Date HolidayDate(std::string_view text) {
  // Not a real date: left invalid, for the calendar to refuse with what a holiday's dates must be
  // (kInvalidDateRange, naming the field).
  if (auto parsed = domain::ParseIsoDate(text)) return *parsed;
  return {};
}

domain::Result<domain::Holiday> AdjustHoliday(const Dependencies& deps,
                                              const domain::HolidayAdjustment& adjustment,
                                              const domain::Actor& by) {
  if (deps.calendar == nullptr) {
    return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
                     "holiday adjustments are not configured");
  }
  auto placed = deps.calendar->Adjust(adjustment, by);
  if (placed) return placed;
  // Adjust() checks the adjustment as part of the whole calendar
  // ("calendar.adjustments[4].first"); the admin sent "first".
  Error error = std::move(placed).error();
  constexpr std::string_view kPrefix = "calendar.adjustments[";
  for (FieldError& field : error.fields) {
    if (field.path.rfind(kPrefix, 0) != 0) continue;
    if (const auto dot = field.path.find("].", kPrefix.size()); dot != std::string::npos) {
      field.path = field.path.substr(dot + 2);
    }
  }
  return error;
}

void AddGuideRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kGet, "/api/v1/guide", deps,
        [deps](const Request& request, const Caller&, const Respond& respond) {
          GuideAsJson(deps, request, respond);
        });
  Guard(router, Method::kGet, "/guide", deps,
        [deps](const Request& request, const Caller&, const Respond& respond) {
          GuideAsPage(deps, request, respond);
        });
  Guard(router, Method::kGet, "/api/v1/admin/calendar/holidays", deps,
        [deps](const Request& request, const Caller&, const Respond& respond) {
          ListHolidays(deps, request, respond);
        });
  Guard(router, Method::kPut, "/api/v1/admin/calendar/holidays/{key}/{hijri_year}", deps,
        [deps](const Request& request, const Caller& caller, const Respond& respond) {
          PutHoliday(deps, request, caller, respond);
        });
}

}  // namespace shakwa::http::api
