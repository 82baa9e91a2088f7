// The beneficiary portal: the guide in short, the form, the receipt, and following a case with
// its reference number and access code.
//
// The access code never travels in a URL. Once given (on the track form, or by submitting), the
// reference and code live in an HttpOnly, SameSite=Strict cookie for an hour, so that the case
// page and its forms need not ask again; "leave" forgets them.
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include "domain/calendar.hpp"
#include "domain/guide.hpp"
#include "domain/lifecycle.hpp"
#include "domain/sla.hpp"
#include "domain/text.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/intake_json.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/pages/intake_form.hpp"
#include "http/pages/page_groups.hpp"
#include "http/pages/support.hpp"
#include "http/problem.hpp"

namespace shakwa::http::pages {
namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

std::string Trimmed(std::string_view text) {
  return std::string(domain::Trim(text));
}

inline constexpr std::string_view kCaseCookie = "shakwa_case";
constexpr std::int64_t kCaseCookieSeconds = 3600;

// "REF~CODE"; both are ASCII letters, digits and dashes, so nothing needs escaping.
std::string CaseCookie(const std::string& reference, const std::string& code, bool secure) {
  return MakeCookie(kCaseCookie, reference + "~" + code, "/", kCaseCookieSeconds, secure, true);
}

struct Credentials {
  std::string reference;
  std::string access_code;
};

std::optional<Credentials> CredentialsOf(const Request& request) {
  const std::string value = CookieValue(request, kCaseCookie);
  const auto tilde = value.find('~');
  if (tilde == std::string::npos || tilde == 0 || tilde + 1 == value.size()) return std::nullopt;
  return Credentials{value.substr(0, tilde), value.substr(tilde + 1)};
}

// A code from the cookie is a guess like one typed on the track form: a reference closed to
// guessing is not read, and a wrong code counts against the same limit (else a forged cookie
// would try codes freely).
int MinutesClosed(const api::Dependencies& deps, const std::string& reference) {
  return deps.access_code_attempts == nullptr
             ? 0
             : deps.access_code_attempts->BlockedFor(reference, deps.clock.Now());
}

bool ClosedToGuessing(const api::Dependencies& deps, const std::string& reference) {
  return MinutesClosed(deps, reference) > 0;
}

void CountIfWrongCode(const api::Dependencies& deps, const std::string& reference,
                      const Error& error) {
  if (deps.access_code_attempts != nullptr && error.code == ErrorCode::kNotFound) {
    deps.access_code_attempts->RecordFailure(reference, deps.clock.Now());
  }
}

std::string EventText(const domain::CaseEvent& e) {
  if (e.data.empty()) return {};
  json::error_code ec;
  json::value parsed = json::parse(e.data, ec);
  if (ec || !parsed.is_object()) return {};
  for (std::string_view key : {"text", "reason", "decision"}) {
    if (const json::value* v = parsed.as_object().if_contains(key); v && v->is_string()) {
      return std::string(v->as_string());
    }
  }
  return {};
}

// What the beneficiary's case page shows, and which of their actions are open now.
mustache::data CaseData(const api::Dependencies& deps, const app::BeneficiaryView& view,
                        Language language) {
  const domain::Case& c = view.value;
  const std::string status(domain::NameOf(c.status));
  mustache::data data{mustache::data::type::object};
  data.set("reference", c.reference.ToString());
  // The forms carry the version the person saw: acting on a stale page is refused, not applied.
  data.set("version", std::to_string(c.version));
  data.set("subject", c.subject);
  data.set("kind", std::string(domain::LabelOf(c.kind, language)));
  data.set("status", status);
  // The beneficiary is addressed in the second person ("awaiting your reply") where the staff's
  // label names them in the third.
  const std::string own_label = Word(language, "status_label_" + status);
  data.set("status_label", own_label != "status_label_" + status
                               ? own_label
                               : std::string(domain::LabelOf(c.status, language)));
  data.set("status_help", Word(language, "status_help_" + status));
  data.set("received", When(c.received_at, language));
  const bool open = !domain::IsTerminal(c.status);
  // Only the deadlines that run: a paused or finished clock has none to show.
  if (open && c.status != domain::CaseStatus::kResolved && !c.clock.paused_since) {
    if (c.clock.first_response_due_at) {
      data.set("first_response_due", When(c.clock.first_response_due_at, language));
    }
    if (c.clock.resolution_due_at) {
      data.set("resolution_due", When(c.clock.resolution_due_at, language));
    }
  }
  data.set("paused", c.clock.paused_since.has_value());
  if (c.handling.decision) data.set("decision", *c.handling.decision);
  if (c.handling.rejection_reason) data.set("rejection_reason", *c.handling.rejection_reason);
  mustache::data remedies{mustache::data::type::list};
  for (auto r : c.handling.remedies) {
    remedies.push_back(mustache::data{std::string(domain::LabelOf(r, language))});
  }
  if (!c.handling.remedies.empty()) data.set("remedies", remedies);

  const auto rules = deps.time->Current();
  if (c.escalation_level > 0) data.set("escalation_level", std::to_string(c.escalation_level));
  if (c.escalation_level >= rules->ladder().last_level()) {
    const auto& external = rules->ladder().external;
    mustache::data recourse{mustache::data::type::object};
    recourse.set("name", language == Language::kArabic ? external.name_ar : external.name_en);
    recourse.set("how", language == Language::kArabic ? external.how_ar : external.how_en);
    data.set("external_recourse", recourse);
  }

  mustache::data timeline{mustache::data::type::list};
  for (auto it = view.timeline.rbegin(); it != view.timeline.rend(); ++it) {
    const domain::CaseEvent& e = *it;
    if (e.visibility != domain::CaseEvent::Visibility::kPublic) continue;
    mustache::data event{mustache::data::type::object};
    event.set("when", domain::FormatForPeople(e.at, language));
    event.set("datetime", domain::FormatIso8601(e.at));
    const std::string key = "event_" + e.type;
    const std::string label = Word(language, key);
    event.set("label", label == key ? Word(language, "event_other") : label);
    if (e.to_status) {
      event.set("status_label", std::string(domain::LabelOf(*e.to_status, language)));
    }
    // Staff appear by role only: the beneficiary deals with the centre, not with a name.
    event.set("by", e.actor.kind == domain::Actor::Kind::kStaff
                        ? Word(language, "by_centre")
                        : Word(language, "by_" + std::string(domain::NameOf(e.actor.kind))));
    if (const std::string text = EventText(e); !text.empty()) event.set("text", text);
    timeline.push_back(event);
  }
  data.set("timeline", timeline);

  data.set("can_answer", c.status == domain::CaseStatus::kAwaitingBeneficiary);
  data.set("can_decide", c.status == domain::CaseStatus::kResolved);
  data.set("can_escalate",
           open && domain::BeneficiaryEscalationLevel(c, *rules, deps.clock.Now()).has_value());
  data.set("can_withdraw", open && c.status != domain::CaseStatus::kResolved);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Pages

void Home(const api::Dependencies& deps, const Request& request, Respond respond) {
  PageContext ctx = ContextFor(request, deps);
  const auto rules = deps.time->Current();
  const domain::GuideView guide =
      domain::BuildGuideView(*rules, *deps.guide, deps.clock.Now(), ctx.language);
  mustache::data data{mustache::data::type::object};
  const bool arabic = ctx.language == Language::kArabic;
  data.set("centre", guide.centre);
  data.set("channels_note", guide.channels_note);
  data.set("first_response", guide.fallback.first_response);
  data.set("update_interval", guide.fallback.update_interval);
  data.set("resolution", guide.fallback.resolution);
  data.set("escalation_note", guide.beneficiary_escalation_note);
  mustache::data week{mustache::data::type::list};
  for (const auto& day : guide.week) {
    mustache::data item{mustache::data::type::object};
    item.set("day", day.label);
    std::string hours;
    for (const auto& h : day.hours) hours += (hours.empty() ? "" : "، ") + h;
    item.set("hours", hours.empty() ? Word(ctx.language, "closed") : hours);
    week.push_back(item);
  }
  data.set("week", week);
  data.set("guide_href", ctx.language == Language::kArabic ? "/guide" : "/guide?lang=en");
  mustache::data kinds{mustache::data::type::list};
  for (const auto& [value, label] : TermChoices<domain::CaseKind>(ctx.language)) {
    mustache::data kind{mustache::data::type::object};
    kind.set("label", label);
    kind.set("help", Word(ctx.language, "kind_help_" + value));
    kinds.push_back(kind);
  }
  data.set("kinds", kinds);
  mustache::data channels{mustache::data::type::list};
  for (const auto& channel : guide.channels) {
    mustache::data item{mustache::data::type::object};
    item.set("name", arabic ? channel.label_ar : channel.label_en);
    item.set("how", channel.contact);
    channels.push_back(item);
  }
  data.set("channels", channels);
  respond(Render(ctx, "home", "home_title", std::move(data)));
}

void SubmitPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  PageContext ctx = ContextFor(request, deps);
  respond(Render(ctx, "submit", "submit_title", IntakeFormData(deps, Form{}, ctx.language)));
}

void SubmitPost(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto ctx = std::make_shared<PageContext>(ContextFor(request, deps));
  auto form = ReadFormOr(*ctx, request, respond);
  if (!form) return;
  auto shared_form = std::make_shared<Form>(std::move(*form));
  auto refuse = [&deps, ctx, shared_form, respond](const Error& error) {
    mustache::data data = IntakeFormData(deps, *shared_form, ctx->language);
    PutErrors(data, error, ctx->language);
    respond(Render(*ctx, "submit", "submit_title", std::move(data), 422));
  };
  if (!CsrfValid(request, *shared_form)) {
    refuse(Error::Of(ErrorCode::kForbidden, MessageId::kFormExpired));
    return;
  }
  auto submit = [&deps, ctx, shared_form, refuse, respond](std::vector<app::Attachment> files) {
    deps.submit_case.Submit(
        api::DecodeIntake(IntakeJson(*shared_form, ctx->language, "portal")),
        domain::Actor{domain::Actor::Kind::kBeneficiary, {}},
        [ctx, refuse, respond](domain::Result<app::Receipt> receipt) {
          if (!receipt) {
            refuse(receipt.error());
            return;
          }
          ctx->set_cookies.push_back(CaseCookie(receipt->recorded.reference.ToString(),
                                                receipt->access_code, ctx->secure_cookies));
          respond(Redirect(*ctx, "/submitted"));
        },
        std::move(files));
  };
  if (shared_form->files.empty()) {
    submit({});
    return;
  }
  if (deps.attachment_policy == nullptr) {
    refuse(api::InvalidFields({{"files", MessageId::kUnsupportedMediaType, {}}}));
    return;
  }
  api::Blocking(request, respond, [&deps, shared_form, submit, refuse] {
    auto accepted = deps.attachment_policy->AcceptUploads(shared_form->files, 0);
    if (!accepted) {
      Error error = accepted.error();
      // The policy names a file by its index; the form shows it at the file input.
      if (error.fields.empty())
        error.fields.push_back({"files", error.message, error.message_param});
      for (auto& f : error.fields) f.path = "files";
      refuse(error);
      return;
    }
    submit(api::AttachmentRecords(*accepted, domain::CaseEvent::Visibility::kPublic));
  });
}

// Reads the case with the cookie's credentials on the blocking pool, then calls show; without
// valid credentials, back to the track form.
void WithCase(const api::Dependencies& deps, const Request& request, std::string_view page,
              std::string_view title_key, Respond respond,
              std::function<void(mustache::data&, Language)> add = nullptr) {
  auto ctx = std::make_shared<PageContext>(ContextFor(request, deps));
  auto credentials = CredentialsOf(request);
  if (!credentials) {
    respond(Redirect(*ctx, "/track"));
    return;
  }
  api::Blocking(request, respond,
                [&deps, ctx, credentials = *credentials, page = std::string(page),
                 title = std::string(title_key), add = std::move(add), respond] {
                  auto view =
                      ClosedToGuessing(deps, credentials.reference)
                          ? domain::Result<app::BeneficiaryView>(
                                Error::Of(ErrorCode::kTooManyRequests, MessageId::kTooManyAttempts))
                          : deps.view_case.View(credentials.reference, credentials.access_code);
                  if (!view) {
                    CountIfWrongCode(deps, credentials.reference, view.error());
                    ctx->set_cookies.push_back(ClearCookie(kCaseCookie, "/", ctx->secure_cookies));
                    respond(Redirect(*ctx, "/track"));
                    return;
                  }
                  mustache::data data = CaseData(deps, *view, ctx->language);
                  data.set("access_code", credentials.access_code);
                  if (add) add(data, ctx->language);
                  respond(Render(*ctx, page, title, std::move(data)));
                });
}

void TrackPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  PageContext ctx = ContextFor(request, deps);
  mustache::data data{mustache::data::type::object};
  mustache::data values{mustache::data::type::object};
  values.set("reference", "");
  data.set("v", values);
  if (auto credentials = CredentialsOf(request)) data.set("open_case", credentials->reference);
  respond(Render(ctx, "track", "track_title", std::move(data)));
}

void TrackPost(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto ctx = std::make_shared<PageContext>(ContextFor(request, deps));
  auto form = ReadFormOr(*ctx, request, respond);
  if (!form) return;
  const std::string reference = Trimmed(form->Get("reference"));
  const std::string code = Trimmed(form->Get("access_code"));
  auto refuse = [ctx, reference, respond](const Error& error, unsigned status) {
    mustache::data data{mustache::data::type::object};
    mustache::data values{mustache::data::type::object};
    values.set("reference", reference);  // the code is never echoed back
    data.set("v", values);
    PutErrors(data, error, ctx->language);
    respond(Render(*ctx, "track", "track_title", std::move(data), status));
  };
  if (!CsrfValid(request, *form)) {
    refuse(Error::Of(ErrorCode::kForbidden, MessageId::kFormExpired), 403);
    return;
  }
  std::vector<domain::FieldError> missing;
  if (reference.empty()) missing.push_back({"reference", MessageId::kRequired, {}});
  if (code.empty()) missing.push_back({"access_code", MessageId::kRequired, {}});
  if (!missing.empty()) {
    refuse(api::InvalidFields(std::move(missing)), 422);
    return;
  }
  api::Blocking(request, respond, [&deps, ctx, reference, code, refuse, respond] {
    app::AttemptLimiter* attempts = deps.access_code_attempts;
    if (const int minutes = MinutesClosed(deps, reference); minutes > 0) {
      Error closed = Error::Of(ErrorCode::kTooManyRequests, MessageId::kTooManyAttempts);
      closed.message_param = std::to_string(minutes);
      refuse(closed, 429);
      return;
    }
    auto view = deps.view_case.View(reference, code);
    if (!view) {
      CountIfWrongCode(deps, reference, view.error());
      Error error = view.error();
      if (error.code == ErrorCode::kNotFound) {
        error = api::InvalidFields({{"access_code", MessageId::kCaseNotFound, {}}});
      }
      refuse(error, HttpStatusFor(error.code));
      return;
    }
    if (attempts != nullptr) attempts->RecordSuccess(reference);
    ctx->set_cookies.push_back(
        CaseCookie(view->value.reference.ToString(), code, ctx->secure_cookies));
    respond(Redirect(*ctx, "/track/case"));
  });
}

// The beneficiary's actions on their case: the same use cases as the API's.
void CaseAction(const api::Dependencies& deps, const Request& request, Respond respond) {
  auto ctx = std::make_shared<PageContext>(ContextFor(request, deps));
  const std::string action = request.path_params.at("action");
  auto credentials = CredentialsOf(request);
  auto form = ReadForm(request);
  if (!credentials) {
    respond(Redirect(*ctx, "/track"));
    return;
  }
  if (!form) {
    respond(ErrorPage(*ctx, HttpStatusFor(form.error().code),
                      domain::Message(form.error().message, ctx->language)));
    return;
  }
  if (!CsrfValid(request, *form)) {
    respond(ErrorPage(*ctx, 403, domain::Message(MessageId::kFormExpired, ctx->language)));
    return;
  }
  const std::string text = Trimmed(form->Get("text"));
  std::optional<std::int64_t> version;
  if (const std::string v = form->Get("version"); !v.empty()) {
    version = std::strtoll(v.c_str(), nullptr, 10);
  }
  // The case page again, with the error next to the form that caused it.
  if (ClosedToGuessing(deps, credentials->reference)) {
    ctx->set_cookies.push_back(ClearCookie(kCaseCookie, "/", ctx->secure_cookies));
    respond(Redirect(*ctx, "/track"));
    return;
  }
  auto done = [&deps, request_copy = std::make_shared<Request>(request), ctx, action,
               reference = credentials->reference, respond](domain::Result<domain::Case> result) {
    if (!result) CountIfWrongCode(deps, reference, result.error());
    if (result) {
      respond(Redirect(*ctx, "/track/case?done=" + action));
      return;
    }
    const Error error = result.error();
    WithCase(
        deps, *request_copy, "case", "case_title",
        [respond, status = HttpStatusFor(error.code)](Response r) {
          if (r.status == 200) r.status = status;
          respond(std::move(r));
        },
        [error, action](mustache::data& data, Language language) {
          PutErrors(data, error, language);
          data.set("failed_" + action, true);
        });
  };
  const app::HandleCase& h = deps.handle_case;
  const std::string& ref = credentials->reference;
  std::string code = credentials->access_code;
  if (action == "answer") {
    if (text.empty()) {
      done(api::InvalidFields({{"text", MessageId::kRequired, {}}}));
      return;
    }
    h.AnswerInformationRequest(ref, code, version, text, done);
  } else if (action == "accept") {
    h.Accept(ref, code, version, done);
  } else if (action == "appeal") {
    if (text.empty()) {
      done(api::InvalidFields({{"text", MessageId::kRequired, {}}}));
      return;
    }
    h.Appeal(ref, code, version, text, done);
  } else if (action == "escalate") {
    h.Escalate(ref, code, version, text.empty() ? std::nullopt : std::optional(text), done);
  } else if (action == "withdraw") {
    h.Withdraw(ref, code, version, text.empty() ? std::nullopt : std::optional(text), done);
  } else {
    respond(ErrorPage(*ctx, 404, domain::Message(MessageId::kRouteNotFound, ctx->language)));
  }
}

void Leave(const api::Dependencies& deps, const Request& request, Respond respond) {
  PageContext ctx = ContextFor(request, deps);
  auto form = ReadForm(request);
  if (!form || !CsrfValid(request, *form)) {
    respond(ErrorPage(ctx, 403, domain::Message(MessageId::kFormExpired, ctx.language)));
    return;
  }
  ctx.set_cookies.push_back(ClearCookie(kCaseCookie, "/", ctx.secure_cookies));
  respond(Redirect(ctx, "/track"));
}

}  // namespace

void AddPortalPages(Router& router, const api::Dependencies& deps) {
  AddPage(router, Method::kGet, "/", deps, Home);
  AddPage(router, Method::kGet, "/submit", deps, SubmitPage);
  AddPage(router, Method::kPost, "/submit", deps, SubmitPost);
  router.Add(Method::kGet, "/submitted", [deps](const Request& request, Respond respond) {
    WithCase(deps, request, "submitted", "submitted_title", std::move(respond));
  });
  AddPage(router, Method::kGet, "/track", deps, TrackPage);
  AddPage(router, Method::kPost, "/track", deps, TrackPost);
  router.Add(Method::kGet, "/track/case", [deps](const Request& request, Respond respond) {
    std::string done;
    if (auto parsed = boost::urls::parse_query(request.query)) {
      for (const auto& p : boost::urls::params_view(*parsed)) {
        if (p.key == "done") done = p.value;
      }
    }
    WithCase(deps, request, "case", "case_title", std::move(respond),
             [done](mustache::data& data, Language language) {
               const std::string key = "done_" + done;
               if (!done.empty() && Word(language, key) != key) {
                 data.set("done", Word(language, key));
               }
             });
  });
  AddPage(router, Method::kPost, "/track/case/{action}", deps, CaseAction);
  AddPage(router, Method::kPost, "/track/leave", deps, Leave);
}

}  // namespace shakwa::http::pages
