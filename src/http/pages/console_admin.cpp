// The console's pages for the roles that read no cases: the audit trail (auditor) and the
// administration (admin): staff users and departments, the calendar and its holidays, the time
// rules in force, and the wording of messages. The same data and use cases as /api/v1/audit and
// /api/v1/admin/…, admitted to the same roles.
//
// What the configuration decides (the working week, the SLA policy, the escalation ladder, the
// categories) is shown, not edited: it is read at start-up, as the clocks and the published guide
// read it, and the API has no way to change it either.
#include <boost/json.hpp>
#include <charconv>

#include "domain/calendar.hpp"
#include "domain/guide.hpp"
#include "domain/text.hpp"
#include "http/api/access.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/pages/console_common.hpp"
#include "http/problem.hpp"

namespace shakwa::http::pages::console {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

constexpr int kAuditPage = 50;

std::optional<std::int64_t> Number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Runs page for the signed-in member of staff if the API endpoint (method, api_pattern) admits
// their role; the 403 page for anyone else.
void WithAdmitted(const api::Dependencies& deps, const Request& request, const Respond& respond,
                  Method method, std::string api_pattern, StaffPage page) {
  WithStaff(deps, request, respond,
            [method, api_pattern = std::move(api_pattern), respond, page = std::move(page)](
                std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
              if (!Admitted(method, api_pattern, user.role)) {
                respond(Forbidden(*ctx));
                return;
              }
              page(std::move(ctx), user);
            });
}

// Answers a form that failed with its page again (the form as sent, the error beside it).
using FormFailure =
    std::function<void(std::shared_ptr<PageContext> ctx, const Form& form, const Error& error)>;
using FormPage = std::function<void(std::shared_ptr<PageContext> ctx, const domain::StaffUser& user,
                                    const Form& form, const FormFailure& fail)>;

// A form posted from an admin page, for the signed-in member of staff whom the API endpoint
// admits: page gets the form, and fail to answer with the form's page and an error. A form whose
// CSRF token is not this browser's (or that cannot be read) changes nothing: fail, "form expired".
void WithAdmittedForm(const api::Dependencies& deps, const Request& request, const Respond& respond,
                      Method method, std::string api_pattern, FormFailure fail, FormPage page) {
  auto form = ReadForm(request);
  const bool csrf_valid = form && CsrfValid(request, *form);
  auto shared_form = std::make_shared<const Form>(form ? std::move(*form) : Form{});
  auto shared_request = std::make_shared<const Request>(request);
  WithAdmitted(
      deps, request, respond, method, std::move(api_pattern),
      [csrf_valid, shared_form, shared_request, respond, fail = std::move(fail),
       page = std::move(page)](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
        // The use cases may answer on a store thread: the page's reads belong on the pool.
        FormFailure on_pool = [shared_request, respond, fail](std::shared_ptr<PageContext> at,
                                                              const Form& as_sent,
                                                              const Error& error) {
          auto sent = std::make_shared<const Form>(as_sent);
          api::Blocking(*shared_request, respond,
                        [shared_request, fail, at, sent, error] { fail(at, *sent, error); });
        };
        if (!csrf_valid) {
          on_pool(ctx, *shared_form, Error::Of(ErrorCode::kForbidden, MessageId::kFormExpired));
          return;
        }
        page(ctx, user, *shared_form, on_pool);
      });
}

// A failed form's error onto its page, each field named as the id of its input (prefix + the
// field); the status to answer with.
unsigned PutFormError(mustache::data& data, Error error, std::string_view prefix,
                      Language language) {
  for (auto& f : error.fields) f.path = std::string(prefix) + f.path;
  PutErrors(data, error, language);
  return error.code == ErrorCode::kForbidden ? 403 : HttpStatusFor(error.code);
}

// The messages of error's fields (only those named field, unless it is empty) as one text, set
// as key when there are any: kainjow's mustache takes an empty string as true.
void PutFieldMessages(mustache::data& data, std::string_view key, const Error& error,
                      std::string_view field, Language language) {
  std::string out;
  for (const auto& f : error.fields) {
    if (!field.empty() && f.path != field) continue;
    out += (out.empty() ? "" : " ") + domain::Message(f.message, language, f.param);
  }
  if (!out.empty()) data.set(std::string(key), out);
}

mustache::data Strings(const std::vector<std::string>& texts) {
  mustache::data out{mustache::data::type::list};
  for (const auto& text : texts) out.push_back(mustache::data(text));
  return out;
}

// The administration's sections, each a page of its own.
constexpr std::pair<std::string_view, std::string_view> kAdminSections[] = {
    {"users", "/console/admin"},
    {"calendar", "/console/admin/calendar"},
    {"rules", "/console/admin/rules"},
    {"templates", "/console/admin/templates"},
};

// What every admin page starts from: the sections' navigation ({{>admin_nav}}), current marked.
mustache::data AdminData(Language language, std::string_view current) {
  mustache::data sections{mustache::data::type::list};
  for (const auto& [section, href] : kAdminSections) {
    mustache::data item{mustache::data::type::object};
    item.set("label", Word(language, "c_admin_nav_" + std::string(section)));
    item.set("href", std::string(href));
    item.set("current", section == current);
    sections.push_back(item);
  }
  mustache::data data{mustache::data::type::object};
  data.set("admin_sections", sections);
  data.set("admin_nav", mustache::partial([] {
             return std::string(EmbeddedFile("templates/console_admin_nav.mustache"));
           }));
  return data;
}

void AuditPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::int64_t after =
      std::max<std::int64_t>(0, Number(QueryValue(request.query, "after")).value_or(0));
  WithAdmitted(
      deps, request, respond, Method::kGet, "/api/v1/audit",
      [&deps, after, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser&) {
        const Language language = ctx->language;
        mustache::data rows{mustache::data::type::list};
        std::int64_t last = after;
        int count = 0;
        const domain::Status s = deps.store.Read([&](app::ReadTransaction& tx) -> domain::Status {
          auto entries = tx.AuditEntries(after, kAuditPage);
          if (!entries) return std::move(entries).error();
          for (const auto& e : *entries) {
            mustache::data row{mustache::data::type::object};
            row.set("sequence", std::to_string(e.sequence));
            row.set("when", domain::FormatForPeople(e.at, language));
            row.set("datetime", domain::FormatIso8601(e.at));
            row.set("actor",
                    Word(language, "c_actor_" + std::string(domain::NameOf(e.actor.kind))) +
                        (e.actor.id.empty() ? "" : " #" + e.actor.id));
            row.set("action", e.action);
            row.set("subject", e.subject);
            row.set("detail", e.detail);
            rows.push_back(row);
            last = e.sequence;
            ++count;
          }
          return domain::Status::Ok();
        });
        if (!s.ok()) {
          respond(ErrorPage(*ctx, HttpStatusFor(s.error().code),
                            domain::Message(s.error().message, language)));
          return;
        }
        mustache::data data{mustache::data::type::object};
        data.set("rows", rows);
        data.set("empty", count == 0);
        if (count == kAuditPage) {
          data.set("next_href", "/console/audit?after=" + std::to_string(last));
        }
        if (after > 0) data.set("first_href", "/console/audit");
        respond(Render(*ctx, "console_audit", "c_audit_title", std::move(data)));
      });
}

// ---------------------------------------------------------------------------------------------
// Users and departments

std::vector<std::pair<std::string, std::string>> RoleChoices(Language language) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : domain::TermsOf<domain::Role>()) {
    out.emplace_back(std::string(t.name),
                     std::string(language == Language::kArabic ? t.arabic : t.english));
  }
  return out;
}

// A department's or a category's row: its code, its names and whether it is in use.
template <typename Named>
mustache::data NamedRow(const Named& named, Language language) {
  mustache::data row{mustache::data::type::object};
  row.set("code", named.code);
  row.set("name_ar", named.name_ar);
  row.set("name_en", named.name_en);
  row.set("active", Word(language, named.active ? "c_yes" : "c_no"));
  return row;
}

// The admin page: users and departments, and the forms to add each (failed: as sent, with
// the errors). Runs on the blocking pool.
void RespondAdmin(const api::Dependencies& deps, const PageContext& ctx, const Respond& respond,
                  const Form* sent = nullptr, const std::string& failed = {},
                  const Error* error = nullptr, const std::string& done = {}) {
  const Language language = ctx.language;
  auto users = deps.accounts.Users();
  auto departments = deps.accounts.Departments();
  if (!users || !departments) {
    const Error& e = !users ? users.error() : departments.error();
    respond(ErrorPage(ctx, HttpStatusFor(e.code), domain::Message(e.message, language)));
    return;
  }
  mustache::data data = AdminData(language, "users");
  mustache::data user_rows{mustache::data::type::list};
  for (const auto& u : *users) {
    mustache::data row{mustache::data::type::object};
    row.set("id", std::to_string(u.id));
    row.set("name", u.name);
    row.set("email", u.email);
    row.set("role", std::string(domain::LabelOf(u.role, language)));
    row.set("department", u.department.value_or(""));
    row.set("active", Word(language, u.active ? "c_yes" : "c_no"));
    user_rows.push_back(row);
  }
  data.set("users", user_rows);
  mustache::data department_rows{mustache::data::type::list};
  std::vector<std::pair<std::string, std::string>> department_choices;
  for (const auto& d : *departments) {
    department_rows.push_back(NamedRow(d, language));
    department_choices.emplace_back(d.code, language == Language::kArabic ? d.name_ar : d.name_en);
  }
  data.set("departments", department_rows);
  auto value = [&](const std::string& form, std::string_view field) {
    return sent != nullptr && failed == form ? sent->Get(field) : std::string();
  };
  mustache::data v{mustache::data::type::object};
  for (std::string_view field : {"email", "name"}) {
    v.set("user_" + std::string(field), value("user", field));
  }
  for (std::string_view field : {"code", "name_ar", "name_en"}) {
    v.set("department_" + std::string(field), value("department", field));
  }
  data.set("v", v);
  data.set("roles", Options(RoleChoices(language), value("user", "role")));
  data.set("department_choices", Options(department_choices, value("user", "department")));
  if (!done.empty()) data.set("done", Word(language, "c_done_admin_" + done));
  const unsigned status =
      error != nullptr ? PutFormError(data, *error, failed + "_", language) : 200;
  respond(Render(ctx, "console_admin", "c_admin_title", std::move(data), status));
}

void AdminPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::string done = QueryValue(request.query, "done");
  WithAdmitted(deps, request, respond, Method::kGet, "/api/v1/admin/users",
               [&deps, done, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser&) {
                 RespondAdmin(deps, *ctx, respond, nullptr, {}, nullptr,
                              done == "user" || done == "department" ? done : std::string());
               });
}

void AdminPost(const api::Dependencies& deps, const Request& request, Respond respond,
               std::string what) {
  WithAdmittedForm(
      deps, request, respond, Method::kPost,
      what == "user" ? "/api/v1/admin/users" : "/api/v1/admin/departments",
      [&deps, what, respond](std::shared_ptr<PageContext> ctx, const Form& form,
                             const Error& error) {
        RespondAdmin(deps, *ctx, respond, &form, what, &error);
      },
      [&deps, what, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user,
                             const Form& f, const FormFailure& failure) {
        auto fail = [ctx, f, failure](const Error& error) { failure(ctx, f, error); };
        std::vector<domain::FieldError> errors;
        auto required = [&](std::string_view field) {
          std::string text(domain::Trim(f.Get(field)));
          if (text.empty()) errors.push_back({std::string(field), MessageId::kRequired, {}});
          return text;
        };
        const domain::Principal principal{domain::Principal::Kind::kStaff, user, true};
        auto finished = [ctx, what, respond] {
          respond(Redirect(*ctx, "/console/admin?done=" + what));
        };
        if (what == "department") {
          domain::Department d{required("code"), required("name_ar"), required("name_en"), true};
          if (!errors.empty()) {
            fail(api::InvalidFields(std::move(errors)));
            return;
          }
          deps.accounts.AddDepartment(d, principal.AsActor(), [fail, finished](domain::Status s) {
            if (!s.ok()) {
              fail(s.error());
              return;
            }
            finished();
          });
          return;
        }
        domain::StaffUser added;
        added.email = required("email");
        added.name = required("name");
        if (auto role = domain::FromName<domain::Role>(f.Get("role"))) {
          added.role = *role;
        } else {
          errors.push_back({"role", MessageId::kRequired, {}});
        }
        if (std::string department = f.Get("department"); !department.empty()) {
          added.department = department;
        }
        const std::string password = f.Get("password");
        if (password.empty()) errors.push_back({"password", MessageId::kRequired, {}});
        if (!errors.empty()) {
          fail(api::InvalidFields(std::move(errors)));
          return;
        }
        deps.accounts.AddUser(added, password, principal.AsActor(),
                              [fail, finished](domain::Result<std::int64_t> id) {
                                if (!id) {
                                  fail(id.error());
                                  return;
                                }
                                finished();
                              });
      });
}

// ---------------------------------------------------------------------------------------------
// The calendar and its holidays

constexpr std::string_view kHolidaysEndpoint = "/api/v1/admin/calendar/holidays";
constexpr std::string_view kHolidayEndpoint = "/api/v1/admin/calendar/holidays/{key}/{hijri_year}";

// A holiday's form that failed: its dates as sent, and why.
struct HolidayFailure {
  std::string key;
  std::string first, last;
  Error error;
};

std::string CalendarHref(int year) {
  return "/console/admin/calendar?year=" + std::to_string(year);
}

// The working week and hours in force, as the published guide says them.
void PutWorkingWeek(mustache::data& data, const domain::GuideView& view) {
  mustache::data week{mustache::data::type::list};
  for (const auto& d : view.week) {
    mustache::data day{mustache::data::type::object};
    day.set("label", d.label);
    day.set("hours", Strings(d.hours));
    week.push_back(day);
  }
  data.set("week", week);
  data.set("ramadan_hours", Strings(view.ramadan_hours));
  data.set("time_zone_note", view.time_zone_note);
}

// The calendar page for the Hijri year named by year_text ("": this year). Runs on the pool.
void RespondCalendar(const api::Dependencies& deps, const PageContext& ctx, const Respond& respond,
                     const std::string& year_text, bool done,
                     const HolidayFailure* failed = nullptr) {
  const Language language = ctx.language;
  const domain::Instant now = deps.clock.Now();
  const auto rules = deps.time->Current();
  const domain::BusinessCalendar& calendar = rules->calendar();
  mustache::data data = AdminData(language, "calendar");
  unsigned status = 200;
  int year = domain::ToHijri(domain::BusinessCalendar::LocalDate(now)).year;
  if (!year_text.empty()) {
    std::vector<domain::FieldError> errors;
    if (auto asked = api::ParseHijriYear(year_text, "year", errors)) {
      year = *asked;
    } else if (failed == nullptr) {
      status = PutFormError(data, api::InvalidFields(std::move(errors)), "", language);
    }
  }
  if (failed != nullptr) {
    status = PutFormError(data, failed->error, failed->key + "-", language);
  }
  PutWorkingWeek(data, domain::BuildGuideView(*rules, *deps.guide, now, language));
  data.set("year", std::to_string(year));
  data.set("previous_year", std::to_string(year - 1));
  data.set("previous_href", CalendarHref(year - 1));
  data.set("next_year", std::to_string(year + 1));
  data.set("next_href", CalendarHref(year + 1));
  const bool editable = deps.calendar != nullptr;
  data.set("editable", editable);
  mustache::data rows{mustache::data::type::list};
  for (const domain::Holiday& h : calendar.HolidaysOfHijriYear(year)) {
    const bool hijri = api::FollowsHijriCalendar(calendar.settings(), h.key);
    const bool this_one = failed != nullptr && failed->key == h.key;
    mustache::data row{mustache::data::type::object};
    row.set("key", h.key);
    row.set("name", language == Language::kArabic ? h.name_ar : h.name_en);
    row.set("first", domain::FormatIsoDate(h.first));
    row.set("last", domain::FormatIsoDate(h.last));
    row.set("first_for_people", domain::FormatDateForPeople(h.first, language));
    row.set("last_for_people", domain::FormatDateForPeople(h.last, language));
    row.set("status", Word(language, !hijri          ? "c_holiday_fixed"
                                     : h.provisional ? "c_holiday_provisional"
                                                     : "c_holiday_confirmed"));
    row.set("adjustable", editable && hijri);
    row.set("action", "/console/admin/calendar/" + h.key + "/" + std::to_string(year));
    row.set("v_first", this_one ? failed->first : domain::FormatIsoDate(h.first));
    row.set("v_last", this_one ? failed->last : domain::FormatIsoDate(h.last));
    if (this_one) {
      PutFieldMessages(row, "e_first", failed->error, "first", language);
      PutFieldMessages(row, "e_last", failed->error, "last", language);
    }
    rows.push_back(row);
  }
  data.set("holidays", rows);
  data.set("no_holidays", rows.is_empty_list());
  if (done) data.set("done", Word(language, "c_done_holiday"));
  respond(Render(ctx, "console_admin_calendar", "c_calendar_title", std::move(data), status));
}

void CalendarPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::string year = QueryValue(request.query, "year");
  const bool done = QueryValue(request.query, "done") == "holiday";
  WithAdmitted(
      deps, request, respond, Method::kGet, std::string(kHolidaysEndpoint),
      [&deps, year, done, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser&) {
        RespondCalendar(deps, *ctx, respond, year, done);
      });
}

// Confirms (the dates as they are) or moves a Hijri holiday: PUT …/holidays/{key}/{hijri_year}.
void CalendarPost(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::string key = request.path_params.at("key");
  const std::string year = request.path_params.at("hijri_year");
  WithAdmittedForm(
      deps, request, respond, Method::kPut, std::string(kHolidayEndpoint),
      [&deps, key, year, respond](std::shared_ptr<PageContext> ctx, const Form& form,
                                  const Error& error) {
        const HolidayFailure failed{key, form.Get("first"), form.Get("last"), error};
        RespondCalendar(deps, *ctx, respond, year, false, &failed);
      },
      [&deps, key, year, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user,
                                  const Form& form, const FormFailure& fail) {
        std::vector<domain::FieldError> errors;
        domain::HolidayAdjustment adjustment;
        adjustment.key = key;
        adjustment.hijri_year = api::ParseHijriYear(year, "hijri_year", errors).value_or(0);
        for (auto [field, date] :
             {std::pair{"first", &adjustment.first}, std::pair{"last", &adjustment.last}}) {
          const std::string text(domain::Trim(form.Get(field)));
          if (text.empty()) {
            errors.push_back({field, MessageId::kRequired, {}});
          } else {
            *date = api::HolidayDate(text);
          }
        }
        if (!errors.empty()) {
          fail(ctx, form, api::InvalidFields(std::move(errors)));
          return;
        }
        const domain::Principal principal{domain::Principal::Kind::kStaff, user, true};
        auto placed = api::AdjustHoliday(deps, adjustment, principal.AsActor());
        if (!placed) {
          fail(ctx, form, placed.error());
          return;
        }
        respond(
            Redirect(*ctx, CalendarHref(adjustment.hijri_year) + "&done=holiday#holiday-" + key));
      });
}

// ---------------------------------------------------------------------------------------------
// The time rules (read-only: the configuration's)

std::string TermLabel(const std::optional<domain::GuideTerm>& term, Language language) {
  return term ? term->label : Word(language, "c_any");
}

mustache::data TargetsData(const domain::GuideTargets& t) {
  mustache::data out{mustache::data::type::object};
  out.set("first_response", t.first_response);
  out.set("update_interval", t.update_interval);
  out.set("resolution", t.resolution);
  return out;
}

void RulesPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  WithAdmitted(deps, request, respond, Method::kGet, "/api/v1/admin/users",
               [&deps, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser&) {
                 const Language language = ctx->language;
                 const domain::GuideView view = domain::BuildGuideView(
                     *deps.time->Current(), *deps.guide, deps.clock.Now(), language);
                 mustache::data data = AdminData(language, "rules");
                 mustache::data categories{mustache::data::type::list};
                 for (const auto& c : deps.submit_case.categories().all()) {
                   categories.push_back(NamedRow(c, language));
                 }
                 data.set("categories", categories);
                 data.set("business_time_note", view.business_time_note);
                 data.set("fallback", TargetsData(view.fallback));
                 mustache::data rules{mustache::data::type::list};
                 for (const auto& r : view.rules) {
                   mustache::data row = TargetsData(r.targets);
                   row.set("kind", TermLabel(r.kind, language));
                   row.set("category", TermLabel(r.category, language));
                   row.set("priority", TermLabel(r.priority, language));
                   row.set("beneficiary_kind", TermLabel(r.beneficiary_kind, language));
                   rules.push_back(row);
                 }
                 data.set("rules", rules);
                 mustache::data levels{mustache::data::type::list};
                 for (const auto& l : view.levels) {
                   mustache::data row{mustache::data::type::object};
                   row.set("level", std::to_string(l.level));
                   row.set("name", l.name);
                   row.set("after", l.after_breach);
                   row.set("owner", l.owner_role_label);
                   levels.push_back(row);
                 }
                 data.set("levels", levels);
                 data.set("warning_note", view.warning_note);
                 data.set("escalation_note", view.beneficiary_escalation_note);
                 data.set("external_name", view.external_name);
                 data.set("external_how", view.external_how);
                 respond(Render(*ctx, "console_admin_rules", "c_rules_title", std::move(data)));
               });
}

// ---------------------------------------------------------------------------------------------
// The wording of messages

constexpr std::string_view kTemplatesEndpoint = "/api/v1/admin/templates";
constexpr std::string_view kTemplateEndpoint = "/api/v1/admin/templates/{name}/{language}/{part}";

// A wording that failed: which one, the text as typed, and why.
struct TemplateFailure {
  std::string name, language, part, body;
  Error error;
};

Error TemplatesUnavailable() {
  return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
                   "message templates are not configured");
}

// The id of a wording's textarea.
std::string BodyId(std::string_view name, std::string_view language, std::string_view part) {
  return "tpl-" + std::string(name) + "-" + std::string(language) + "-" + std::string(part);
}

// The templates page: every template, and a form per language and part. Runs on the pool.
void RespondTemplates(const api::Dependencies& deps, const PageContext& ctx, const Respond& respond,
                      const std::string& done = {}, const TemplateFailure* failed = nullptr) {
  const Language language = ctx.language;
  mustache::data data = AdminData(language, "templates");
  unsigned status = 200;
  if (failed != nullptr) {
    status = PutFormError(data, failed->error,
                          BodyId(failed->name, failed->language, failed->part) + "-", language);
  }
  data.set("editable", deps.templates != nullptr);
  mustache::data templates{mustache::data::type::list};
  if (deps.templates != nullptr) {
    for (const app::TemplateView& t : deps.templates->List()) {
      mustache::data item{mustache::data::type::object};
      item.set("name", t.name);
      item.set("description", language == Language::kArabic ? t.description_ar : t.description_en);
      item.set("to",
               Word(language, t.for_staff ? "c_template_to_staff" : "c_template_to_beneficiary"));
      item.set("variables", Strings(t.variables));
      item.set("open", t.name == done || (failed != nullptr && failed->name == t.name));
      item.set("done", t.name == done);
      mustache::data bodies{mustache::data::type::list};
      for (const auto& b : t.bodies) {
        const std::string lang = b.language == Language::kArabic ? "ar" : "en";
        const bool this_one = failed != nullptr && failed->name == t.name &&
                              failed->language == lang && failed->part == b.part;
        mustache::data body{mustache::data::type::object};
        body.set("id", BodyId(t.name, lang, b.part) + "-body");
        body.set("label", Word(language, "c_language_" + lang) + " — " +
                              Word(language, "c_template_part_" + b.part));
        body.set("lang", lang);
        body.set("dir", lang == "ar" ? "rtl" : "ltr");
        body.set("rows", b.part == "text" ? "10" : b.part == "sms" ? "4" : "2");
        body.set("action", "/console/admin/templates/" + t.name + "/" + lang + "/" + b.part);
        body.set("body", this_one ? failed->body : b.body);
        // Whatever the wording's fields say (the body, or a name or part a crafted form sent).
        if (this_one) PutFieldMessages(body, "error", failed->error, "", language);
        bodies.push_back(body);
      }
      item.set("bodies", bodies);
      templates.push_back(item);
    }
  }
  data.set("templates", templates);
  if (!done.empty()) data.set("done_message", Word(language, "c_done_template"));
  respond(Render(ctx, "console_admin_templates", "c_templates_title", std::move(data), status));
}

void TemplatesPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::string done = QueryValue(request.query, "done");
  WithAdmitted(deps, request, respond, Method::kGet, std::string(kTemplatesEndpoint),
               [&deps, done, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser&) {
                 RespondTemplates(deps, *ctx, respond, done);
               });
}

// Changes one wording: PUT …/templates/{name}/{language}/{part}.
void TemplatePost(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::string name = request.path_params.at("name");
  const std::string language_name = request.path_params.at("language");
  const std::string part = request.path_params.at("part");
  // A browser sends a textarea's line breaks as CR LF; the wording is kept with LF, as typed.
  auto typed = [](const Form& form) {
    std::string text = form.Get("body");
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
      out += text[i];
    }
    return out;
  };
  WithAdmittedForm(
      deps, request, respond, Method::kPut, std::string(kTemplateEndpoint),
      [&deps, name, language_name, part, typed, respond](std::shared_ptr<PageContext> ctx,
                                                         const Form& form, const Error& error) {
        const TemplateFailure failed{name, language_name, part, typed(form), error};
        RespondTemplates(deps, *ctx, respond, {}, &failed);
      },
      [&deps, name, language_name, part, typed, respond](
          std::shared_ptr<PageContext> ctx, const domain::StaffUser& user, const Form& form,
          const FormFailure& fail) {
        if (deps.templates == nullptr) {
          fail(ctx, form, TemplatesUnavailable());
          return;
        }
        std::vector<domain::FieldError> errors;
        if (language_name != "ar" && language_name != "en") {
          errors.push_back({"language", MessageId::kNotOneOf, "ar, en"});
        }
        if (!form.Has("body")) errors.push_back({"body", MessageId::kRequired, {}});
        if (!errors.empty()) {
          fail(ctx, form, api::InvalidFields(std::move(errors)));
          return;
        }
        const domain::Principal principal{domain::Principal::Kind::kStaff, user, true};
        auto saved = deps.templates->Save(
            principal.AsActor(), name,
            language_name == "ar" ? Language::kArabic : Language::kEnglish, part, typed(form));
        if (!saved) {
          fail(ctx, form, saved.error());
          return;
        }
        respond(Redirect(*ctx, "/console/admin/templates" + QueryString({{"done", name}}) +
                                   "#template-" + name));
      });
}

}  // namespace

void AddAdminPages(Router& router, const api::Dependencies& deps) {
  AddPage(router, Method::kGet, "/console/audit", deps, AuditPage);
  AddPage(router, Method::kGet, "/console/admin", deps, AdminPage);
  router.Add(Method::kPost, "/console/admin/users",
             [deps](const Request& request, Respond respond) {
               AdminPost(deps, request, std::move(respond), "user");
             });
  router.Add(Method::kPost, "/console/admin/departments",
             [deps](const Request& request, Respond respond) {
               AdminPost(deps, request, std::move(respond), "department");
             });
  AddPage(router, Method::kGet, "/console/admin/calendar", deps, CalendarPage);
  AddPage(router, Method::kPost, "/console/admin/calendar/{key}/{hijri_year}", deps, CalendarPost);
  AddPage(router, Method::kGet, "/console/admin/rules", deps, RulesPage);
  AddPage(router, Method::kGet, "/console/admin/templates", deps, TemplatesPage);
  AddPage(router, Method::kPost, "/console/admin/templates/{name}/{language}/{part}", deps,
          TemplatePost);
}

}  // namespace shakwa::http::pages::console
