// The staff console: signing in and out, the queues, a case with its timeline, clocks and the
// actions the signed-in role may take, and recording a complaint on a beneficiary's behalf.
//
// Every page is the JSON API's use case behind a form: the same app:: call, the same rules and
// the same error messages. Who may see or do what is the API's access table (api::Endpoints()):
// a console action is offered to, and accepted from, the roles its API endpoint admits.
//
// The access code of a case recorded at intake is shown once, on the new case's page, after the
// redirect: it travels there in a short-lived HttpOnly cookie scoped to /console (never in a
// URL), which the case page clears as it shows it. A redirect (not a 200 answer to the POST)
// means reloading the page cannot record the complaint twice.
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "domain/access.hpp"
#include "domain/calendar.hpp"
#include "domain/guide.hpp"
#include "domain/lifecycle.hpp"
#include "domain/sla.hpp"
#include "domain/text.hpp"
#include "http/api/access.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/intake_json.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/pages/console_common.hpp"
#include "http/pages/intake_form.hpp"
#include "http/pages/page_groups.hpp"
#include "http/pages/support.hpp"
#include "http/problem.hpp"

namespace shakwa::http::pages {
namespace console {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

void WithStaff(const api::Dependencies& deps, const Request& request, const Respond& respond,
               StaffPage page) {
  auto ctx = std::make_shared<PageContext>(ContextFor(request, deps));
  const std::string token = CookieValue(request, api::kSessionCookie);
  if (token.empty()) {
    respond(Redirect(*ctx, "/console/sign-in"));
    return;
  }
  api::Blocking(request, respond, [&deps, ctx, token, respond, page = std::move(page)] {
    auto user = deps.accounts.Authenticate(token);
    if (!user) {
      ctx->set_cookies.push_back(ClearCookie(api::kSessionCookie, "/", ctx->secure_cookies));
      respond(Redirect(*ctx, "/console/sign-in"));
      return;
    }
    ctx->staff = *user;
    page(ctx, *user);
  });
}

bool Admitted(Method method, std::string_view api_pattern, domain::Role role) {
  for (const auto& endpoint : api::Endpoints()) {
    if (endpoint.method != method || endpoint.pattern != api_pattern) continue;
    const auto& roles = endpoint.access.roles;
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  return false;
}

Response Forbidden(const PageContext& ctx) {
  return ErrorPage(ctx, 403, domain::Message(MessageId::kNotAllowedForRole, ctx.language));
}

std::string HomeFor(domain::Role role) {
  if (Admitted(Method::kGet, "/api/v1/cases", role)) return "/console";
  if (Admitted(Method::kGet, "/api/v1/audit", role)) return "/console/audit";
  return "/console/admin";
}

std::string QueryValue(std::string_view query, std::string_view name) {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return {};
  for (const auto& param : boost::urls::params_view(*parsed)) {
    if (param.key == name) return std::string(param.value);
  }
  return {};
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += out.empty() ? "?" : "&";
    out += key + "=" + boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  return out;
}

}  // namespace console

namespace {

namespace json = boost::json;
using console::Admitted;
using console::WithStaff;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

inline constexpr std::string_view kIntakeCookie = "shakwa_intake";
constexpr std::int64_t kIntakeCookieSeconds = 300;

template <typename E>
std::string Label(E value, Language language) {
  return std::string(domain::LabelOf(value, language));
}

template <typename E>
std::string OptionalLabel(const std::optional<E>& value, Language language) {
  return value ? Label(*value, language) : std::string();
}

// A text for a section of a template: false when empty (kainjow's mustache takes an empty string
// as true), so that {{#x}}…{{/x}} shows only what there is.
mustache::data Text(const std::string& text) {
  return text.empty() ? mustache::data(false) : mustache::data(text);
}

// A word with "{}" replaced by param.
std::string WordWith(Language language, std::string_view key, std::string_view param) {
  std::string text = Word(language, key);
  if (const auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, param);
  return text;
}

std::string CategoryName(const api::Dependencies& deps, const std::string& code,
                         Language language) {
  for (const auto& c : deps.submit_case.categories().all()) {
    if (c.code == code) return language == Language::kArabic ? c.name_ar : c.name_en;
  }
  return code;
}

std::vector<std::pair<std::string, std::string>> DepartmentChoices(
    const std::vector<domain::Department>& departments, Language language) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : departments) {
    if (d.active) out.emplace_back(d.code, language == Language::kArabic ? d.name_ar : d.name_en);
  }
  return out;
}

std::string DepartmentName(const std::vector<domain::Department>& departments,
                           const std::optional<std::string>& code, Language language) {
  if (!code) return {};
  for (const auto& d : departments) {
    if (d.code == *code) return language == Language::kArabic ? d.name_ar : d.name_en;
  }
  return *code;
}

std::optional<std::int64_t> Number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsOpen(const domain::Case& c) {
  return !domain::IsTerminal(c.status) && c.status != domain::CaseStatus::kResolved;
}

// How much time a clock has left, in business time as people read it: "3 business days left",
// "overdue by 2 business hours" (and whether it is overdue).
std::pair<std::string, bool> TimeLeft(const domain::TimeRules& rules, domain::Instant due,
                                      domain::Instant now, Language language) {
  const auto& calendar = rules.calendar();
  if (due >= now) {
    return {WordWith(language, "c_left",
                     domain::BusinessDuration(calendar.BusinessMinutesBetween(now, due), language)),
            false};
  }
  const std::int64_t late = calendar.BusinessMinutesBetween(due, now);
  return {late > 0 ? WordWith(language, "c_overdue_by", domain::BusinessDuration(late, language))
                   : Word(language, "c_overdue"),
          true};
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

mustache::data SignInData(const std::string& email) {
  mustache::data data{mustache::data::type::object};
  mustache::data values{mustache::data::type::object};
  values.set("email", email);
  data.set("v", values);
  return data;
}

void SignInPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  PageContext ctx = ContextFor(request, deps);
  respond(Render(ctx, "console_sign_in", "c_sign_in_title", SignInData("")));
}

void SignInPost(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto ctx = std::make_shared<PageContext>(ContextFor(request, deps));
  auto form = ReadFormOr(*ctx, request, respond);
  if (!form) return;
  const std::string email = std::string(domain::Trim(form->Get("email")));
  const std::string password = form->Get("password");
  auto refuse = [ctx, email, respond](const Error& error) {
    mustache::data data = SignInData(email);  // the password is never echoed back
    PutErrors(data, error, ctx->language);
    Response response =
        Render(*ctx, "console_sign_in", "c_sign_in_title", std::move(data),
               error.code == ErrorCode::kForbidden ? 403 : HttpStatusFor(error.code));
    if (error.code == ErrorCode::kTooManyRequests) {
      response.headers.emplace_back(
          "Retry-After", std::to_string(60 * std::max(1, std::atoi(error.message_param.c_str()))));
    }
    respond(std::move(response));
  };
  if (!CsrfValid(request, *form)) {
    refuse(Error::Of(ErrorCode::kForbidden, MessageId::kFormExpired));
    return;
  }
  std::vector<domain::FieldError> missing;
  if (email.empty()) missing.push_back({"email", MessageId::kRequired, {}});
  if (password.empty()) missing.push_back({"password", MessageId::kRequired, {}});
  if (!missing.empty()) {
    refuse(api::InvalidFields(std::move(missing)));
    return;
  }
  api::Blocking(request, respond, [&deps, ctx, email, password, refuse, respond] {
    deps.accounts.SignIn(
        email, password, [&deps, ctx, refuse, respond](domain::Result<app::SignedIn> signed_in) {
          if (!signed_in) {
            refuse(signed_in.error());
            return;
          }
          const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(
              signed_in->expires_at - deps.clock.Now());
          // The API's session cookie: the console and the API are one session.
          ctx->set_cookies.push_back(MakeCookie(api::kSessionCookie, signed_in->token, "/",
                                                std::max<std::int64_t>(0, lifetime.count()),
                                                ctx->secure_cookies, true));
          respond(Redirect(*ctx, console::HomeFor(signed_in->user.role)));
        });
  });
}

void SignOutPost(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto form = ReadForm(request);
  const bool valid = form && CsrfValid(request, *form);
  const std::string token = CookieValue(request, api::kSessionCookie);
  WithStaff(
      deps, request, respond,
      [&deps, valid, token, respond](std::shared_ptr<PageContext> ctx,
                                     const domain::StaffUser& user) {
        if (!valid) {
          respond(ErrorPage(*ctx, 403, domain::Message(MessageId::kFormExpired, ctx->language)));
          return;
        }
        domain::Principal principal{domain::Principal::Kind::kStaff, user, true};
        deps.accounts.SignOut(token, principal.AsActor(), [ctx, respond](domain::Status) {
          ctx->staff.reset();
          ctx->set_cookies.push_back(ClearCookie(api::kSessionCookie, "/", ctx->secure_cookies));
          respond(Redirect(*ctx, "/console/sign-in"));
        });
      });
}

// ---------------------------------------------------------------------------------------------
// Queues

constexpr std::string_view kQueues[] = {"all",      "mine",    "department", "unassigned",
                                        "due_soon", "overdue", "escalated"};
constexpr std::string_view kSorts[] = {"-received_at", "received_at", "-priority", "-updated_at",
                                       "resolution_due_at"};

struct QueueChoice {
  std::string queue = "all";
  std::string status, kind, priority, category, sort, cursor;

  std::vector<std::pair<std::string, std::string>> Params(bool with_cursor) const {
    return {{"queue", queue == "all" ? "" : queue},
            {"status", status},
            {"kind", kind},
            {"priority", priority},
            {"category", category},
            {"sort", sort},
            {"cursor", with_cursor ? cursor : ""}};
  }
};

// The queue, filters, sort and page asked for, as the API's query reads them.
domain::Result<app::CaseQuery> QueueQuery(const QueueChoice& choice, const domain::StaffUser& user,
                                          const domain::TimeRules& rules, domain::Instant now) {
  // The filters, sort and page in the API's own words, read by the API's own parser.
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"status", choice.status},
                                   {"kind", choice.kind},
                                   {"priority", choice.priority},
                                   {"category", choice.category},
                                   {"sort", choice.sort},
                                   {"cursor", choice.cursor}}) {
    if (!value.empty()) params.emplace_back(key, value);
  }
  params.emplace_back("limit", "25");
  auto parsed = api::ParseCaseQuery(console::QueryString(params).substr(1), now);
  if (!parsed) return parsed;
  app::CaseQuery q = std::move(*parsed);
  std::vector<domain::FieldError> errors;
  const std::string& queue = choice.queue;
  if (queue == "mine") {
    q.assignee_id = user.id;
  } else if (queue == "department") {
    if (user.department) q.departments = {*user.department};
  } else if (queue == "unassigned") {
    q.unassigned = true;
  } else if (queue == "due_soon") {
    // Open cases whose resolution falls due within a business day (or has already).
    q.overdue_at = rules.calendar().AddBusinessMinutes(now, domain::kBusinessDayMinutes);
    if (choice.sort.empty()) q.sort = app::CaseQuery::Sort::kDueAsc;
  } else if (queue == "overdue") {
    q.overdue_at = now;
    if (choice.sort.empty()) q.sort = app::CaseQuery::Sort::kDueAsc;
  } else if (queue == "escalated") {
    q.escalation_level_at_least = 1;
  } else if (queue != "all") {
    std::string names;
    for (auto name : kQueues) names += (names.empty() ? "" : ", ") + std::string(name);
    errors.push_back({"queue", MessageId::kNotOneOf, names});
  }
  if (!errors.empty()) return api::InvalidFields(std::move(errors));
  return q;
}

mustache::data QueueData(const api::Dependencies& deps, const QueueChoice& choice,
                         const domain::StaffUser& user, Language language) {
  mustache::data data{mustache::data::type::object};
  mustache::data tabs{mustache::data::type::list};
  for (auto queue : kQueues) {
    if (queue == "department" && !user.department) continue;
    QueueChoice tab;
    tab.queue = std::string(queue);
    mustache::data item{mustache::data::type::object};
    item.set("label", Word(language, "c_queue_" + std::string(queue)));
    item.set("href", "/console" + console::QueryString(tab.Params(false)));
    item.set("current", queue == choice.queue);
    tabs.push_back(item);
  }
  data.set("tabs", tabs);
  data.set("queue", choice.queue);
  data.set("queue_label", Word(language, "c_queue_" + choice.queue));
  data.set("statuses", Options(TermChoices<domain::CaseStatus>(language), choice.status));
  data.set("kinds", Options(TermChoices<domain::CaseKind>(language), choice.kind));
  data.set("priorities", Options(TermChoices<domain::Priority>(language), choice.priority));
  data.set("categories", Options(CategoryChoices(deps, language), choice.category));
  std::vector<std::pair<std::string, std::string>> sorts;
  for (auto sort : kSorts) {
    sorts.emplace_back(std::string(sort), Word(language, "c_sort_" + std::string(sort)));
  }
  data.set("sorts", Options(sorts, choice.sort));
  return data;
}

void QueuePage(const api::Dependencies& deps, const Request& request, Respond respond) {
  QueueChoice choice;
  if (std::string queue = console::QueryValue(request.query, "queue"); !queue.empty()) {
    choice.queue = queue;
  }
  choice.status = console::QueryValue(request.query, "status");
  choice.kind = console::QueryValue(request.query, "kind");
  choice.priority = console::QueryValue(request.query, "priority");
  choice.category = console::QueryValue(request.query, "category");
  choice.sort = console::QueryValue(request.query, "sort");
  choice.cursor = console::QueryValue(request.query, "cursor");
  WithStaff(
      deps, request, respond,
      [&deps, choice, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
        if (!Admitted(Method::kGet, "/api/v1/cases", user.role)) {
          const std::string home = console::HomeFor(user.role);
          respond(home == "/console" ? console::Forbidden(*ctx) : Redirect(*ctx, home));
          return;
        }
        const Language language = ctx->language;
        const domain::Instant now = deps.clock.Now();
        const auto rules = deps.time->Current();
        mustache::data data = QueueData(deps, choice, user, language);
        auto query = QueueQuery(choice, user, *rules, now);
        if (!query) {
          PutErrors(data, query.error(), language);
          respond(Render(*ctx, "console_queue", "c_queue_title", std::move(data),
                         HttpStatusFor(query.error().code)));
          return;
        }
        deps.staff_cases.List(
            *query, user,
            [ctx, choice, rules, now, respond,
             data = std::move(data)](domain::Result<app::CasePage> page) mutable {
              const Language lang = ctx->language;
              if (!page) {
                PutErrors(data, page.error(), lang);
                respond(Render(*ctx, "console_queue", "c_queue_title", std::move(data),
                               HttpStatusFor(page.error().code)));
                return;
              }
              mustache::data rows{mustache::data::type::list};
              for (const domain::Case& c : page->items) {
                mustache::data row{mustache::data::type::object};
                const std::string reference = c.reference.ToString();
                row.set("reference", reference);
                row.set("href", "/console/cases/" + reference);
                row.set("subject", c.subject);
                row.set("status", std::string(domain::NameOf(c.status)));
                row.set("status_label", Label(c.status, lang));
                row.set("kind_label", Label(c.kind, lang));
                row.set("priority", std::string(domain::NameOf(c.handling.priority)));
                row.set("priority_label", Label(c.handling.priority, lang));
                row.set("received", domain::FormatForPeople(c.received_at, lang));
                row.set("received_iso", domain::FormatIso8601(c.received_at));
                row.set("overdue", false);
                if (c.clock.paused_since) {
                  row.set("due_text", Word(lang, "c_clock_paused"));
                } else if (IsOpen(c) && c.clock.resolution_due_at) {
                  auto [text, overdue] = TimeLeft(*rules, *c.clock.resolution_due_at, now, lang);
                  row.set("due_text", text);
                  row.set("overdue", overdue);
                } else {
                  row.set("due_text", Word(lang, "c_no_clock"));
                }
                rows.push_back(row);
              }
              data.set("rows", rows);
              data.set("count", std::to_string(page->items.size()));
              data.set("empty", page->items.empty());
              if (page->next_cursor) {
                QueueChoice next = choice;
                next.cursor = *page->next_cursor;
                data.set("next_href", "/console" + console::QueryString(next.Params(true)));
              }
              if (!choice.cursor.empty()) {
                data.set("first_href", "/console" + console::QueryString(choice.Params(false)));
              }
              respond(Render(*ctx, "console_queue", "c_queue_title", std::move(data)));
            });
      });
}

// ---------------------------------------------------------------------------------------------
// One case

// The actions of the case page: the console's name, the API endpoint that admits the same roles.
struct ActionSpec {
  std::string_view name;
  std::string_view api;
};
constexpr ActionSpec kActions[] = {
    {"assess", "assess"},     {"reject", "assess"},   {"assign", "assign"},
    {"note", "notes"},        {"reply", "replies"},   {"request-info", "request-info"},
    {"findings", "findings"}, {"resolve", "resolve"}, {"close", "close"},
    {"merge", "merge"},
};

const ActionSpec* FindAction(std::string_view name) {
  for (const auto& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool MayAct(const ActionSpec& action, domain::Role role) {
  return Admitted(Method::kPost, "/api/v1/cases/{reference}/" + std::string(action.api), role);
}

// An action that failed: the page shows its error and the form as it was sent.
struct Failure {
  std::string action;
  Error error;
  std::shared_ptr<const Form> form;
};

std::string FieldKey(std::string_view action, std::string_view field) {
  std::string key = FieldId(std::string(action) + "_" + std::string(field));
  for (char& ch : key) {
    if (ch == '-') ch = '_';
  }
  return key;
}

// What an event says beyond its type: its text, and its other values.
void PutEventData(mustache::data& event, const domain::CaseEvent& e) {
  if (e.data.empty()) return;
  json::error_code ec;
  json::value parsed = json::parse(e.data, ec);
  if (ec || !parsed.is_object()) return;
  mustache::data details{mustache::data::type::list};
  bool any = false;
  for (const auto& [key, value] : parsed.as_object()) {
    const bool text_key = key == "text" || key == "reason" || key == "decision" || key == "note" ||
                          key == "root_cause";
    if (text_key && value.is_string()) {
      event.set("text", std::string(value.as_string()));
      continue;
    }
    mustache::data item{mustache::data::type::object};
    item.set("key", std::string(key));
    item.set("value", value.is_string() ? std::string(value.as_string()) : json::serialize(value));
    details.push_back(item);
    any = true;
  }
  event.set("details", details);
  event.set("has_details", any);
}

std::string ActorText(const domain::CaseEvent& e, Language language) {
  switch (e.actor.kind) {
    case domain::Actor::Kind::kStaff: {
      const auto role = domain::FromName<domain::Role>(e.actor_role);
      return (role ? Label(*role, language) : e.actor_role) + " #" + e.actor.id;
    }
    case domain::Actor::Kind::kBeneficiary:
      return Word(language, "c_by_beneficiary");
    case domain::Actor::Kind::kSystem:
      break;
  }
  return Word(language, "c_by_system");
}

mustache::data BeneficiaryData(const domain::Beneficiary& b, domain::IdentityView view,
                               Language language) {
  mustache::data out{mustache::data::type::object};
  out.set("kind", Label(b.kind, language));
  // Every key set, even when empty: a missing one would be looked up in the page around it.
  for (const char* key : {"name", "email", "mobile", "organization", "national_id"})
    out.set(key, false);
  out.set("masked", false);
  out.set("withheld", false);
  out.set("representative", false);
  if (view == domain::IdentityView::kWithheld) {
    out.set("withheld", true);
    return out;
  }
  const bool masked = view == domain::IdentityView::kMasked;
  out.set("masked", masked);
  out.set("name", masked ? domain::MaskName(b.name) : b.name);
  if (b.email) out.set("email", masked ? domain::MaskEmail(*b.email) : *b.email);
  if (b.mobile) out.set("mobile", masked ? domain::MaskMobile(*b.mobile) : *b.mobile);
  if (b.organization) out.set("organization", *b.organization);
  if (!masked && b.national_id) out.set("national_id", *b.national_id);
  if (!masked && b.representative) {
    const auto& r = *b.representative;
    mustache::data rep{mustache::data::type::object};
    rep.set("name", r.name);
    rep.set("capacity", r.capacity);
    rep.set("email", Text(r.email.value_or("")));  // set even when empty: no lookup falls outward
    rep.set("mobile", Text(r.mobile.value_or("")));
    out.set("representative", rep);
  }
  return out;
}

mustache::data Clock(const std::string& label, const std::optional<domain::Instant>& due,
                     bool running, const domain::TimeRules& rules, domain::Instant now,
                     Language language) {
  mustache::data clock{mustache::data::type::object};
  clock.set("label", label);
  clock.set("when", When(due, language));
  // Every key set, even when empty: a missing one would be looked up in the page around it.
  clock.set("datetime", due ? mustache::data(domain::FormatIso8601(*due)) : mustache::data(false));
  clock.set("left", false);
  clock.set("overdue", false);
  clock.set("done", false);
  if (due && running) {
    auto [text, overdue] = TimeLeft(rules, *due, now, language);
    clock.set("left", text);
    clock.set("overdue", overdue);
  }
  return clock;
}

mustache::data CaseData(const api::Dependencies& deps, const app::StaffCaseView& view,
                        const domain::StaffUser& user,
                        const std::vector<domain::Department>& departments, const Failure* failure,
                        Language language) {
  const domain::Case& c = view.value;
  const domain::CaseHandling& h = c.handling;
  const domain::Instant now = deps.clock.Now();
  const auto rules = deps.time->Current();
  const std::string reference = c.reference.ToString();
  mustache::data data{mustache::data::type::object};
  data.set("reference", reference);
  data.set("version", std::to_string(c.version));
  data.set("subject", c.subject);
  data.set("description", c.description);
  if (c.remedy_sought) data.set("remedy_sought", *c.remedy_sought);
  data.set("status", std::string(domain::NameOf(c.status)));
  data.set("status_label", Label(c.status, language));
  data.set("kind_label", Label(c.kind, language));
  data.set("channel_label", Label(c.channel, language));
  data.set("category_label", CategoryName(deps, c.category, language));
  if (c.subcategory) data.set("subcategory", *c.subcategory);
  if (c.about) data.set("about_label", Label(*c.about, language));
  data.set("received", domain::FormatForPeople(c.received_at, language));
  data.set("received_iso", domain::FormatIso8601(c.received_at));
  data.set("recorded", domain::FormatForPeople(c.recorded_at, language));
  data.set("recorded_by", c.recorded_by.kind == domain::Actor::Kind::kStaff
                              ? "#" + c.recorded_by.id
                              : Word(language, c.recorded_by.kind == domain::Actor::Kind::kSystem
                                                   ? "c_by_system"
                                                   : "c_by_beneficiary"));
  data.set("vulnerable", c.vulnerable);
  if (c.preferred_channel) data.set("preferred_channel", Label(*c.preferred_channel, language));
  mustache::data transactions{mustache::data::type::list};
  for (const auto& t : c.related_transactions) {
    mustache::data item{mustache::data::type::object};
    item.set("type", Label(t.type, language));
    item.set("number", t.number);
    transactions.push_back(item);
  }
  data.set("transactions", transactions);
  data.set("has_transactions", !c.related_transactions.empty());
  data.set("beneficiary", BeneficiaryData(c.beneficiary, view.identity, language));

  // What staff have recorded
  mustache::data handling{mustache::data::type::object};
  handling.set("priority", Label(h.priority, language));
  handling.set("severity", Text(OptionalLabel(h.severity, language)));
  handling.set("complexity", Text(OptionalLabel(h.complexity, language)));
  handling.set("impact", Text(OptionalLabel(h.impact, language)));
  handling.set("outcome", Text(OptionalLabel(h.outcome, language)));
  handling.set("department", Text(DepartmentName(departments, h.department, language)));
  handling.set("concerns_department",
               Text(DepartmentName(departments, h.concerns_department, language)));
  handling.set("assignee", Text(h.assignee_id ? "#" + std::to_string(*h.assignee_id) : ""));
  handling.set("immediate_action_needed",
               Word(language, h.immediate_action_needed ? "c_yes" : "c_no"));
  handling.set("immediate_action_taken", Text(h.immediate_action_taken.value_or("")));
  handling.set("root_cause", Text(h.root_cause.value_or("")));
  handling.set("decision", Text(h.decision.value_or("")));
  std::string remedies;
  for (auto r : h.remedies) remedies += (remedies.empty() ? "" : "، ") + Label(r, language);
  handling.set("remedies", Text(remedies));
  handling.set("rejection_reason", Text(h.rejection_reason.value_or("")));
  if (h.merged_into) {
    handling.set("merged_into", *h.merged_into);
    handling.set("merged_href", "/console/cases/" + *h.merged_into);
  }
  handling.set("escalation_level", std::to_string(c.escalation_level));
  handling.set("updated", domain::FormatForPeople(h.updated_at, language));
  data.set("h", handling);

  // The clocks
  const bool open = IsOpen(c);
  const bool paused = c.clock.paused_since.has_value();
  mustache::data clocks{mustache::data::type::list};
  mustache::data first =
      Clock(Word(language, "c_clock_first_response"), c.clock.first_response_due_at,
            open && !paused && !c.clock.first_responded_at, *rules, now, language);
  if (c.clock.first_responded_at) {
    first.set("done", WordWith(language, "c_responded_at",
                               domain::FormatForPeople(*c.clock.first_responded_at, language)));
  }
  clocks.push_back(first);
  clocks.push_back(Clock(Word(language, "c_clock_update"), c.clock.next_update_due_at,
                         open && !paused, *rules, now, language));
  clocks.push_back(Clock(Word(language, "c_clock_resolution"), c.clock.resolution_due_at,
                         open && !paused, *rules, now, language));
  data.set("clocks", clocks);
  if (paused) data.set("paused_since", When(c.clock.paused_since, language));

  // The timeline, newest first; internal events told apart in words, not only in colour.
  mustache::data timeline{mustache::data::type::list};
  for (auto it = view.timeline.rbegin(); it != view.timeline.rend(); ++it) {
    const domain::CaseEvent& e = *it;
    mustache::data event{mustache::data::type::object};
    event.set("internal", e.visibility == domain::CaseEvent::Visibility::kInternal);
    event.set("when", domain::FormatForPeople(e.at, language));
    event.set("datetime", domain::FormatIso8601(e.at));
    const std::string key = "c_event_" + e.type;
    const std::string label = Word(language, key);
    event.set("label", label == key ? e.type : label);
    event.set("status_label", Text(e.to_status ? Label(*e.to_status, language) : std::string()));
    event.set("by", ActorText(e, language));
    event.set("text", false);
    event.set("has_details", false);
    PutEventData(event, e);
    timeline.push_back(event);
  }
  data.set("timeline", timeline);

  mustache::data files{mustache::data::type::list};
  for (const auto& a : view.attachments) {
    mustache::data file{mustache::data::type::object};
    file.set("name", a.filename);
    file.set("href", "/api/v1/cases/" + reference + "/attachments/" + std::to_string(a.id));
    file.set("media_type", a.media_type);
    file.set("size", std::to_string((a.size + 1023) / 1024));
    file.set("internal", a.visibility == domain::CaseEvent::Visibility::kInternal);
    file.set("uploaded", domain::FormatForPeople(a.uploaded_at, language));
    file.set("name", a.filename);
    files.push_back(file);
  }
  data.set("attachments", files);
  data.set("has_attachments", !view.attachments.empty());

  // The actions this role may take; a finished case takes none, and only a decided one closes.
  const bool terminal = domain::IsTerminal(c.status);
  bool any_action = false;
  for (const auto& action : kActions) {
    bool may = !terminal && MayAct(action, user.role);
    if (action.name == "close") may = may && c.status == domain::CaseStatus::kResolved;
    if (action.name == "resolve") may = may && c.status != domain::CaseStatus::kResolved;
    std::string flag = "can_" + std::string(action.name);
    for (char& ch : flag) {
      if (ch == '-') ch = '_';
    }
    data.set(flag, may);
    any_action = any_action || may;
  }
  data.set("any_action", any_action);

  // The forms' values: as sent, for the form that failed; else what the case records.
  const Form* sent = failure != nullptr ? failure->form.get() : nullptr;
  auto value = [&](std::string_view action, std::string_view field, const std::string& current) {
    if (sent != nullptr && failure->action == action) return sent->Get(field);
    return current;
  };
  mustache::data v{mustache::data::type::object};
  if (sent != nullptr) {
    for (const auto& [field, text] : sent->fields) v.set(FieldKey(failure->action, field), text);
  }
  data.set("v", v);
  auto name_of = [](const auto& optional) {
    return optional ? std::string(domain::NameOf(*optional)) : std::string();
  };
  data.set("assess_kinds", Options(TermChoices<domain::CaseKind>(language),
                                   value("assess", "kind", std::string(domain::NameOf(c.kind)))));
  data.set("assess_severities", Options(TermChoices<domain::Severity>(language),
                                        value("assess", "severity", name_of(h.severity))));
  data.set("assess_complexities", Options(TermChoices<domain::Complexity>(language),
                                          value("assess", "complexity", name_of(h.complexity))));
  data.set("assess_impacts", Options(TermChoices<domain::Impact>(language),
                                     value("assess", "impact", name_of(h.impact))));
  data.set("assess_priorities",
           Options(TermChoices<domain::Priority>(language),
                   value("assess", "priority", std::string(domain::NameOf(h.priority)))));
  data.set("assess_categories",
           Options(CategoryChoices(deps, language), value("assess", "category", c.category)));
  const auto department_choices = DepartmentChoices(departments, language);
  data.set("assess_departments",
           Options(department_choices, value("assess", "department", h.department.value_or(""))));
  data.set("assess_concerns",
           Options(department_choices,
                   value("assess", "concerns_department", h.concerns_department.value_or(""))));
  data.set("assess_immediate", sent != nullptr && failure->action == "assess"
                                   ? sent->Has("immediate_action_needed")
                                   : h.immediate_action_needed);
  if (!(sent != nullptr && failure->action == "assess")) {
    v.set("assess_immediate_action_taken", h.immediate_action_taken.value_or(""));
    data.set("v", v);
  }
  data.set("assign_departments",
           Options(department_choices, value("assign", "department", h.department.value_or(""))));
  if (!(sent != nullptr && failure->action == "assign")) {
    v.set("assign_assignee_id", h.assignee_id ? std::to_string(*h.assignee_id) : "");
    data.set("v", v);
  }
  data.set("outcomes", Options(TermChoices<domain::Outcome>(language),
                               value("findings", "outcome", name_of(h.outcome))));
  mustache::data remedy_choices{mustache::data::type::list};
  for (const auto& [name, label] : TermChoices<domain::Remedy>(language)) {
    mustache::data item{mustache::data::type::object};
    item.set("value", name);
    item.set("label", label);
    bool checked = false;
    if (sent != nullptr && failure->action == "resolve") {
      for (const auto& r : sent->All("remedies")) checked = checked || r == name;
    }
    item.set("checked", checked);
    remedy_choices.push_back(item);
  }
  data.set("remedy_choices", remedy_choices);

  if (failure != nullptr) {
    Error error = failure->error;
    for (auto& f : error.fields) f.path = FieldKey(failure->action, f.path);
    PutErrors(data, error, language);
    std::string flag = "failed_" + failure->action;
    for (char& ch : flag) {
      if (ch == '-') ch = '_';
    }
    data.set(flag, true);
  }
  return data;
}

// Reads the case (audited by the use case) on the blocking pool and answers its page, with a
// failed action's errors when there is one.
void ShowCase(const api::Dependencies& deps, std::shared_ptr<const Request> request,
              std::shared_ptr<PageContext> ctx, const domain::StaffUser& user,
              std::string reference, Respond respond, std::optional<Failure> failure = {},
              std::string done = {}, std::string new_case_code = {}) {
  api::Blocking(*request, respond,
                [&deps, request, ctx, user, reference, respond, failure = std::move(failure),
                 done = std::move(done), new_case_code = std::move(new_case_code)] {
                  auto departments = deps.accounts.Departments();
                  deps.staff_cases.View(
                      reference, user,
                      [&deps, ctx, user, respond, failure, done, new_case_code,
                       departments = departments ? std::move(*departments)
                                                 : std::vector<domain::Department>{}](
                          domain::Result<app::StaffCaseView> view) {
                        if (!view) {
                          respond(ErrorPage(*ctx, HttpStatusFor(view.error().code),
                                            domain::Message(view.error().message, ctx->language,
                                                            view.error().message_param)));
                          return;
                        }
                        mustache::data data =
                            CaseData(deps, *view, user, departments, failure ? &*failure : nullptr,
                                     ctx->language);
                        if (!done.empty()) {
                          const std::string key = "c_done_" + done;
                          if (Word(ctx->language, key) != key) {
                            data.set("done", Word(ctx->language, key));
                          }
                        }
                        if (!new_case_code.empty()) data.set("new_case_code", new_case_code);
                        respond(Render(*ctx, "console_case", "c_case_title", std::move(data),
                                       failure ? HttpStatusFor(failure->error.code) : 200));
                      });
                });
}

void CasePage(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto shared_request = std::make_shared<const Request>(request);
  const std::string reference = request.path_params.at("reference");
  std::string done = console::QueryValue(request.query, "done");
  // "REF~CODE" of a case just recorded at intake, shown once on that case's page.
  std::string intake = CookieValue(request, kIntakeCookie);
  WithStaff(deps, request, respond,
            [&deps, shared_request, reference, done, intake, respond](
                std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
              if (!Admitted(Method::kGet, "/api/v1/cases/{reference}", user.role)) {
                respond(console::Forbidden(*ctx));
                return;
              }
              std::string code;
              if (const auto tilde = intake.find('~'); tilde != std::string::npos) {
                if (intake.substr(0, tilde) == reference) code = intake.substr(tilde + 1);
                ctx->set_cookies.push_back(
                    MakeCookie(kIntakeCookie, "", "/console", 0, ctx->secure_cookies, true));
              }
              ShowCase(deps, shared_request, ctx, user, reference, respond, std::nullopt, done,
                       code);
            });
}

std::optional<std::string> OptionalText(const Form& form, std::string_view field) {
  std::string text(domain::Trim(form.Get(field)));
  if (text.empty()) return std::nullopt;
  return text;
}

template <typename E>
std::optional<E> Choice(const Form& form, std::string_view field,
                        std::vector<domain::FieldError>& errors) {
  const std::string value = form.Get(field);
  if (value.empty()) return std::nullopt;
  auto term = domain::FromName<E>(value);
  if (!term) errors.push_back({std::string(field), MessageId::kNotOneOf, domain::NamesOf<E>()});
  return term;
}

// One of the case page's forms: the same HandleCase call as the API's endpoint.
void CaseAction(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto shared_request = std::make_shared<const Request>(request);
  const std::string reference = request.path_params.at("reference");
  const ActionSpec* action = FindAction(request.path_params.at("action"));
  auto form = ReadForm(request);
  const bool csrf_valid = form && CsrfValid(request, *form);
  auto shared_form = std::make_shared<const Form>(form ? std::move(*form) : Form{});
  WithStaff(deps, request, respond,
            [&deps, shared_request, reference, action, csrf_valid, shared_form, respond](
                std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
              const Language language = ctx->language;
              if (action == nullptr) {
                respond(ErrorPage(*ctx, 404, domain::Message(MessageId::kRouteNotFound, language)));
                return;
              }
              if (!MayAct(*action, user.role)) {
                respond(console::Forbidden(*ctx));
                return;
              }
              if (!csrf_valid) {
                respond(ErrorPage(*ctx, 403, domain::Message(MessageId::kFormExpired, language)));
                return;
              }
              const std::string name(action->name);
              auto done = [&deps, shared_request, ctx, user, reference, name, shared_form,
                           respond](domain::Result<domain::Case> result) {
                if (result) {
                  respond(Redirect(*ctx, "/console/cases/" + reference + "?done=" + name));
                  return;
                }
                ShowCase(deps, shared_request, ctx, user, reference, respond,
                         Failure{name, result.error(), shared_form});
              };
              const Form& f = *shared_form;
              std::vector<domain::FieldError> errors;
              std::int64_t version = 0;
              if (auto v = Number(f.Get("version"))) {
                version = *v;
              } else {
                errors.push_back({"version", MessageId::kMustBeInteger, {}});
              }
              auto required = [&](std::string_view field) {
                std::string text(domain::Trim(f.Get(field)));
                if (text.empty()) errors.push_back({std::string(field), MessageId::kRequired, {}});
                return text;
              };
              const app::HandleCase& h = deps.handle_case;
              std::function<void()> call;
              if (name == "assess") {
                app::Assessment a;
                a.kind = Choice<domain::CaseKind>(f, "kind", errors);
                a.severity = Choice<domain::Severity>(f, "severity", errors);
                a.complexity = Choice<domain::Complexity>(f, "complexity", errors);
                a.impact = Choice<domain::Impact>(f, "impact", errors);
                a.priority = Choice<domain::Priority>(f, "priority", errors);
                a.immediate_action_needed = f.Has("immediate_action_needed");
                a.immediate_action_taken = OptionalText(f, "immediate_action_taken");
                a.category = OptionalText(f, "category");
                a.department = OptionalText(f, "department");
                a.concerns_department = OptionalText(f, "concerns_department");
                call = [&h, reference, version, user, a, done] {
                  h.Assess(reference, version, user, a, done);
                };
              } else if (name == "reject") {
                app::Assessment a;
                a.reject_reason = required("reason");
                call = [&h, reference, version, user, a, done] {
                  h.Assess(reference, version, user, a, done);
                };
              } else if (name == "assign") {
                app::Assignment a{OptionalText(f, "department"), std::nullopt};
                if (auto text = OptionalText(f, "assignee_id")) {
                  a.assignee_id = Number(*text);
                  if (!a.assignee_id) {
                    errors.push_back({"assignee_id", MessageId::kMustBeInteger, {}});
                  }
                }
                call = [&h, reference, version, user, a, done] {
                  h.Assign(reference, version, user, a, done);
                };
              } else if (name == "note" || name == "reply" || name == "request-info") {
                const auto method = name == "note"    ? &app::HandleCase::AddNote
                                    : name == "reply" ? &app::HandleCase::Reply
                                                      : &app::HandleCase::RequestInformation;
                std::string text = required("text");
                call = [&h, method, reference, version, user, text, done] {
                  (h.*method)(reference, version, user, text, done);
                };
              } else if (name == "findings") {
                app::FindingsRecord record;
                record.root_cause = required("root_cause");
                if (auto outcome = Choice<domain::Outcome>(f, "outcome", errors)) {
                  record.outcome = *outcome;
                } else if (f.Get("outcome").empty()) {
                  errors.push_back({"outcome", MessageId::kRequired, {}});
                }
                call = [&h, reference, version, user, record, done] {
                  h.RecordFindings(reference, version, user, record, done);
                };
              } else if (name == "resolve") {
                app::DecisionRecord decision;
                decision.decision = required("decision");
                for (const auto& r : f.All("remedies")) {
                  if (auto remedy = domain::FromName<domain::Remedy>(r)) {
                    decision.remedies.push_back(*remedy);
                  } else {
                    errors.push_back(
                        {"remedies", MessageId::kNotOneOf, domain::NamesOf<domain::Remedy>()});
                  }
                }
                call = [&h, reference, version, user, decision, done] {
                  h.Resolve(reference, version, user, decision, done);
                };
              } else if (name == "close") {
                auto note = OptionalText(f, "note");
                call = [&h, reference, version, user, note, done] {
                  h.Close(reference, version, user, note, done);
                };
              } else if (name == "merge") {
                std::string into = required("into");
                call = [&h, reference, version, user, into, done] {
                  h.Merge(reference, version, user, into, done);
                };
              }
              if (!errors.empty()) {
                done(api::InvalidFields(std::move(errors)));
                return;
              }
              call();
            });
}

// ---------------------------------------------------------------------------------------------
// Intake on a beneficiary's behalf

// The channels an agent records a complaint from (the others have their own intake).
constexpr domain::Channel kStaffChannels[] = {domain::Channel::kPhone, domain::Channel::kWalkIn,
                                              domain::Channel::kEmail, domain::Channel::kSocial};

mustache::data IntakeData(const api::Dependencies& deps, const Form& form, Language language) {
  mustache::data data = IntakeFormData(deps, form, language);
  mustache::data values = *data.get("v");
  values.set("received_at", form.Get("received_at"));
  data.set("v", values);
  std::vector<std::pair<std::string, std::string>> channels;
  for (auto channel : kStaffChannels) {
    channels.emplace_back(std::string(domain::NameOf(channel)), Label(channel, language));
  }
  data.set("channels", Options(channels, form.Get("channel")));
  return data;
}

void IntakePage(const api::Dependencies& deps, const Request& request, Respond respond) {
  WithStaff(deps, request, respond,
            [&deps, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
              if (!Admitted(Method::kPost, "/api/v1/cases", user.role)) {
                respond(console::Forbidden(*ctx));
                return;
              }
              respond(Render(*ctx, "console_intake", "c_intake_title",
                             IntakeData(deps, Form{}, ctx->language)));
            });
}

// "2026-05-10T14:30" in Riyadh time (an <input type="datetime-local">) as an instant.
std::optional<domain::Instant> RiyadhLocal(std::string_view text) {
  if (text.size() == 16) return domain::ParseIso8601(std::string(text) + ":00+03:00");
  if (text.size() == 19) return domain::ParseIso8601(std::string(text) + "+03:00");
  return std::nullopt;
}

void IntakePost(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto form = ReadForm(request);
  const bool csrf_valid = form && CsrfValid(request, *form);
  auto form_error = form ? std::optional<Error>() : std::optional<Error>(form.error());
  auto shared_form = std::make_shared<Form>(form ? std::move(*form) : Form{});
  WithStaff(
      deps, request, respond,
      [&deps, csrf_valid, form_error, shared_form, respond](std::shared_ptr<PageContext> ctx,
                                                            const domain::StaffUser& user) {
        if (!Admitted(Method::kPost, "/api/v1/cases", user.role)) {
          respond(console::Forbidden(*ctx));
          return;
        }
        if (form_error) {
          respond(ErrorPage(*ctx, HttpStatusFor(form_error->code),
                            domain::Message(form_error->message, ctx->language)));
          return;
        }
        auto refuse = [&deps, ctx, shared_form, respond](const Error& error) {
          mustache::data data = IntakeData(deps, *shared_form, ctx->language);
          PutErrors(data, error, ctx->language);
          respond(Render(*ctx, "console_intake", "c_intake_title", std::move(data),
                         error.code == ErrorCode::kForbidden ? 403 : HttpStatusFor(error.code)));
        };
        if (!csrf_valid) {
          refuse(Error::Of(ErrorCode::kForbidden, MessageId::kFormExpired));
          return;
        }
        std::optional<std::string> received_text;
        json::object body = IntakeJson(*shared_form, ctx->language, std::nullopt);
        domain::IntakeForm intake = api::DecodeIntake(body, &received_text);
        std::optional<domain::Instant> received_at;
        if (const std::string text = shared_form->Get("received_at"); !text.empty()) {
          received_at = RiyadhLocal(text);
          if (!received_at) {
            intake.shape_errors.push_back({"received_at", MessageId::kInvalidTimestamp, {}});
          }
        }
        std::vector<app::Attachment> files;
        if (!shared_form->files.empty()) {
          if (deps.attachment_policy == nullptr) {
            refuse(api::InvalidFields({{"files", MessageId::kUnsupportedMediaType, {}}}));
            return;
          }
          auto accepted = deps.attachment_policy->AcceptUploads(shared_form->files, 0);
          if (!accepted) {
            Error error = accepted.error();
            if (error.fields.empty()) {
              error.fields.push_back({"files", error.message, error.message_param});
            }
            for (auto& f : error.fields) f.path = "files";
            refuse(error);
            return;
          }
          files = api::AttachmentRecords(*accepted, domain::CaseEvent::Visibility::kPublic);
        }
        deps.submit_case.SubmitForBeneficiary(
            intake, user, received_at,
            [ctx, refuse, respond](domain::Result<app::Receipt> receipt) {
              if (!receipt) {
                refuse(receipt.error());
                return;
              }
              const std::string reference = receipt->recorded.reference.ToString();
              // Both are ASCII letters, digits and dashes: nothing needs escaping.
              ctx->set_cookies.push_back(
                  MakeCookie(kIntakeCookie, reference + "~" + receipt->access_code, "/console",
                             kIntakeCookieSeconds, ctx->secure_cookies, true));
              respond(Redirect(*ctx, "/console/cases/" + reference + "?done=intake"));
            },
            std::move(files));
      });
}

}  // namespace

void AddConsolePages(Router& router, const api::Dependencies& deps) {
  AddPage(router, Method::kGet, "/console/sign-in", deps, SignInPage);
  AddPage(router, Method::kPost, "/console/sign-in", deps, SignInPost);
  AddPage(router, Method::kPost, "/console/sign-out", deps, SignOutPost);
  AddPage(router, Method::kGet, "/console", deps, QueuePage);
  AddPage(router, Method::kGet, "/console/cases/{reference}", deps, CasePage);
  AddPage(router, Method::kPost, "/console/cases/{reference}/{action}", deps, CaseAction);
  AddPage(router, Method::kGet, "/console/intake", deps, IntakePage);
  AddPage(router, Method::kPost, "/console/intake", deps, IntakePost);
  console::AddAdminPages(router, deps);
}

}  // namespace shakwa::http::pages
