// Staff queues and cases, the handling actions, and the beneficiary's own actions.
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "http/api/access.hpp"
#include "http/api/case_json.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::MessageId;

// ---------------------------------------------------------------------------------------------
// Queues

// "a,b" -> each value as a vocabulary term, reporting unknown ones on the parameter.
template <typename E>
void Terms(std::string_view key, const std::string& value, std::vector<E>& out,
           std::vector<FieldError>& errors) {
  std::string_view rest = value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.empty()) continue;
    if (auto term = domain::FromName<E>(item)) {
      out.push_back(*term);
    } else {
      errors.push_back({std::string(key), MessageId::kNotOneOf, domain::NamesOf<E>()});
      return;
    }
  }
}

std::vector<std::string> Codes(const std::string& value) {
  std::vector<std::string> out;
  std::string_view rest = value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (const auto item = rest.substr(0, comma); !item.empty()) out.emplace_back(item);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return out;
}

std::optional<std::int64_t> Number(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

domain::Result<app::CaseQuery> ParseCaseQuery(std::string_view query_text, domain::Instant now) {
  app::CaseQuery q;
  std::vector<FieldError> errors;
  auto parsed = boost::urls::parse_query(query_text);
  if (!parsed) {
    return InvalidFields({{"query", MessageId::kMalformedJson, {}}});
  }
  for (const auto& param : boost::urls::params_view(*parsed)) {
    const std::string key = param.key;
    const std::string value = param.value;
    if (key == "status") {
      Terms(key, value, q.statuses, errors);
    } else if (key == "kind") {
      Terms(key, value, q.kinds, errors);
    } else if (key == "priority") {
      Terms(key, value, q.priorities, errors);
    } else if (key == "channel") {
      Terms(key, value, q.channels, errors);
    } else if (key == "beneficiary_kind") {
      Terms(key, value, q.beneficiary_kinds, errors);
    } else if (key == "category") {
      q.categories = Codes(value);
    } else if (key == "department") {
      q.departments = Codes(value);
    } else if (key == "assignee") {
      if (value == "none") {
        q.unassigned = true;
      } else if (auto id = Number(value)) {
        q.assignee_id = *id;
      } else {
        errors.push_back({key, MessageId::kMustBeInteger, {}});
      }
    } else if (key == "received_from" || key == "received_to") {
      auto at = domain::ParseIso8601(value);
      if (!at) {
        errors.push_back({key, MessageId::kInvalidTimestamp, {}});
      } else {
        (key == "received_from" ? q.received_from : q.received_to) = *at;
      }
    } else if (key == "overdue") {
      if (value == "true") {
        q.overdue_at = now;
      } else if (value != "false") {
        errors.push_back({key, MessageId::kMustBeBoolean, {}});
      }
    } else if (key == "first_response_overdue" || key == "update_overdue") {
      if (value == "true") {
        (key == "update_overdue" ? q.update_overdue_at : q.first_response_overdue_at) = now;
      } else if (value != "false") {
        errors.push_back({key, MessageId::kMustBeBoolean, {}});
      }
    } else if (key == "escalation_level") {
      auto level = Number(value);
      if (!level || *level < 1 || *level > 9) {
        errors.push_back({key, MessageId::kMustBeNumberInRange, "1 – 9"});
      } else {
        q.escalation_level_at_least = static_cast<int>(*level);
      }
    } else if (key == "escalation_owner") {
      if (auto id = Number(value)) {
        q.escalation_owner_id = *id;
      } else {
        errors.push_back({key, MessageId::kMustBeInteger, {}});
      }
    } else if (key == "national_id") {
      q.national_id = value;
    } else if (key == "mobile") {
      q.mobile = domain::NormalizeMobile(value).value_or(value);
    } else if (key == "sort") {
      if (value == "received_at") {
        q.sort = app::CaseQuery::Sort::kReceivedAsc;
      } else if (value == "-received_at") {
        q.sort = app::CaseQuery::Sort::kReceivedDesc;
      } else if (value == "-priority") {
        q.sort = app::CaseQuery::Sort::kPriorityDesc;
      } else if (value == "-updated_at") {
        q.sort = app::CaseQuery::Sort::kUpdatedDesc;
      } else if (value == "resolution_due_at") {
        q.sort = app::CaseQuery::Sort::kDueAsc;
      } else {
        errors.push_back({key, MessageId::kNotOneOf,
                          "received_at, -received_at, -priority, -updated_at, resolution_due_at"});
      }
    } else if (key == "cursor") {
      q.after = value;
    } else if (key == "limit") {
      auto limit = Number(value);
      if (!limit || *limit < 1 || *limit > 200) {
        errors.push_back({key, MessageId::kMustBeNumberInRange, "1 – 200"});
      } else {
        q.limit = static_cast<int>(*limit);
      }
    } else {
      errors.push_back({key, MessageId::kUnknownField, {}});
    }
  }
  if (!errors.empty()) return InvalidFields(std::move(errors));
  return q;
}

namespace {

void List(const Dependencies& deps, const Request& request, const Caller& caller, Respond respond) {
  const domain::Instant now = deps.clock.Now();
  auto query = ParseCaseQuery(request.query, now);
  if (!query) {
    respond(Problem(query.error(), request));
    return;
  }
  Blocking(request, respond, [&deps, &request, respond, q = std::move(*query), &caller, now] {
    const domain::StaffUser user = *caller.principal.staff;
    deps.staff_cases.List(
        q, user, [&request, respond, user, now](domain::Result<app::CasePage> page) {
          if (!page) {
            respond(Problem(page.error(), request));
            return;
          }
          json::array items;
          for (const auto& c : page->items) {
            items.push_back(QueueRowJson(c, user, now, request.language));
          }
          json::object out{{"items", std::move(items)}};
          out["next_cursor"] =
              page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
          respond(JsonResponse(200, out));
        });
  });
}

// ---------------------------------------------------------------------------------------------
// One case

void View(const Dependencies& deps, const Request& request, const Caller& caller, Respond respond) {
  const std::string reference = request.path_params.at("reference");
  if (caller.principal.kind == domain::Principal::Kind::kStaff) {
    Blocking(request, respond, [&deps, &request, respond, reference, &caller] {
      deps.staff_cases.View(
          reference, *caller.principal.staff,
          [&deps, &request, respond](domain::Result<app::StaffCaseView> view) {
            if (!view) {
              respond(Problem(view.error(), request));
              return;
            }
            respond(JsonResponse(200, StaffCaseJson(*view, deps.clock.Now(), request.language)));
          });
    });
    return;
  }
  Blocking(request, respond, [&deps, &request, respond, reference, code = caller.access_code] {
    auto view = deps.view_case.View(reference, code);
    if (!view) {
      respond(Problem(view.error(), request));
      return;
    }
    respond(
        JsonResponse(200, BeneficiaryCaseJson(view->value, view->timeline,
                                              deps.time->Current()->ladder(), request.language)));
  });
}

// ---------------------------------------------------------------------------------------------
// Actions

// The body of an action: a JSON object with version (required for staff) and the fields
// listed. decode reads them (reporting problems into errors) and returns the call to make.
using Invoke = std::function<void(app::HandleCase::Done)>;
using Decode =
    std::function<Invoke(ObjectReader& body, const Caller& caller, const std::string& reference,
                         std::optional<std::int64_t> version)>;

void Action(Router& router, const Dependencies& deps, std::string_view pattern,
            std::initializer_list<std::string_view> fields, bool staff, Decode decode) {
  std::vector<std::string> known(fields.begin(), fields.end());
  known.emplace_back("version");
  Guard(
      router, Method::kPost, pattern, deps,
      [clock = &deps.clock, time = deps.time, known, staff, decode](
          const Request& request, const Caller& caller, Respond respond) {
        auto body = ParseJsonObject(request);
        if (!body) {
          respond(Problem(body.error(), request));
          return;
        }
        std::vector<FieldError> errors;
        for (const auto& member : *body) {
          if (std::find(known.begin(), known.end(), member.key()) == known.end()) {
            errors.push_back({std::string(member.key()), MessageId::kUnknownField, {}});
          }
        }
        ObjectReader reader(*body, errors);
        std::optional<std::int64_t> version =
            staff ? std::optional(reader.RequiredInt("version")) : reader.Int("version");
        Invoke invoke = decode(reader, caller, request.path_params.at("reference"), version);
        if (!errors.empty()) {
          respond(Problem(InvalidFields(std::move(errors)), request));
          return;
        }
        Blocking(request, respond, [clock, time, &request, respond, invoke, staff] {
          invoke([clock, time, &request, respond, staff](domain::Result<domain::Case> c) {
            if (!c) {
              respond(Problem(c.error(), request));
              return;
            }
            // The beneficiary gets their view of the case, never the staff's handling notes.
            respond(JsonResponse(200, staff ? ActionResultJson(*c, clock->Now(), request.language)
                                            : BeneficiaryCaseJson(*c, {}, time->Current()->ladder(),
                                                                  request.language)));
          });
        });
      });
}

void AddActions(Router& router, const Dependencies& deps) {
  const app::HandleCase& h = deps.handle_case;
  const std::string base = "/api/v1/cases/{reference}/";
  Action(router, deps, base + "assess",
         {"kind", "severity", "complexity", "impact", "immediate_action_needed",
          "immediate_action_taken", "category", "subcategory", "priority", "department",
          "concerns_department", "reject"},
         true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           app::Assessment a;
           a.kind = body.Choice<domain::CaseKind>("kind");
           a.severity = body.Choice<domain::Severity>("severity");
           a.complexity = body.Choice<domain::Complexity>("complexity");
           a.impact = body.Choice<domain::Impact>("impact");
           a.immediate_action_needed = body.Bool("immediate_action_needed");
           a.immediate_action_taken = body.String("immediate_action_taken");
           a.category = body.String("category");
           a.subcategory = body.String("subcategory");
           a.priority = body.Choice<domain::Priority>("priority");
           a.department = body.String("department");
           a.concerns_department = body.String("concerns_department");
           if (const json::object* reject = body.Object("reject")) {
             ObjectReader r(*reject, "reject.", body.errors(), {"reason"});
             a.reject_reason = r.RequiredString("reason");
           }
           const domain::StaffUser user = *caller.principal.staff;
           return [&h, ref, version, user, a](app::HandleCase::Done done) {
             h.Assess(ref, version.value_or(0), user, a, std::move(done));
           };
         });
  Action(router, deps, base + "assign", {"department", "assignee_id"}, true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           app::Assignment a{body.String("department"), body.Int("assignee_id")};
           const domain::StaffUser user = *caller.principal.staff;
           return [&h, ref, version, user, a](app::HandleCase::Done done) {
             h.Assign(ref, version.value_or(0), user, a, std::move(done));
           };
         });
  struct TextAction {
    const char* name;
    void (app::HandleCase::*method)(std::string_view, std::int64_t, const domain::StaffUser&,
                                    std::string, app::HandleCase::Done) const;
  };
  for (const TextAction& t : {TextAction{"notes", &app::HandleCase::AddNote},
                              TextAction{"replies", &app::HandleCase::Reply},
                              TextAction{"request-info", &app::HandleCase::RequestInformation}}) {
    Action(router, deps, base + t.name, {"text"}, true,
           [&h, method = t.method](ObjectReader& body, const Caller& caller, const std::string& ref,
                                   auto version) {
             std::string text = body.RequiredString("text");
             const domain::StaffUser user = *caller.principal.staff;
             return [&h, method, ref, version, user, text](app::HandleCase::Done done) {
               (h.*method)(ref, version.value_or(0), user, text, std::move(done));
             };
           });
  }
  Action(router, deps, base + "findings", {"root_cause", "outcome"}, true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           app::FindingsRecord f;
           f.root_cause = body.RequiredString("root_cause");
           if (auto outcome = body.Choice<domain::Outcome>("outcome")) {
             f.outcome = *outcome;
           } else {
             (void)body.RequiredString("outcome");
           }
           const domain::StaffUser user = *caller.principal.staff;
           return [&h, ref, version, user, f](app::HandleCase::Done done) {
             h.RecordFindings(ref, version.value_or(0), user, f, std::move(done));
           };
         });
  Action(router, deps, base + "resolve", {"decision", "remedies"}, true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           app::DecisionRecord d;
           d.decision = body.RequiredString("decision");
           if (const json::array* remedies = body.Array("remedies")) {
             for (std::size_t i = 0; i < remedies->size(); ++i) {
               const auto& item = (*remedies)[i];
               auto remedy = item.is_string() ? domain::FromName<domain::Remedy>(item.get_string())
                                              : std::nullopt;
               if (remedy) {
                 d.remedies.push_back(*remedy);
               } else {
                 body.errors().push_back({"remedies[" + std::to_string(i) + "]",
                                          MessageId::kNotOneOf, domain::NamesOf<domain::Remedy>()});
               }
             }
           }
           const domain::StaffUser user = *caller.principal.staff;
           return [&h, ref, version, user, d](app::HandleCase::Done done) {
             h.Resolve(ref, version.value_or(0), user, d, std::move(done));
           };
         });
  Action(router, deps, base + "close", {"note"}, true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           auto note = body.String("note");
           const domain::StaffUser user = *caller.principal.staff;
           return [&h, ref, version, user, note](app::HandleCase::Done done) {
             h.Close(ref, version.value_or(0), user, note, std::move(done));
           };
         });
  Action(router, deps, base + "merge", {"into"}, true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           std::string into = body.RequiredString("into");
           const domain::StaffUser user = *caller.principal.staff;
           return [&h, ref, version, user, into](app::HandleCase::Done done) {
             h.Merge(ref, version.value_or(0), user, into, std::move(done));
           };
         });

  // The beneficiary's actions
  Action(router, deps, base + "beneficiary-replies", {"text"}, false,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           std::string text = body.RequiredString("text");
           return [&h, ref, version, text, code = caller.access_code](app::HandleCase::Done done) {
             h.AnswerInformationRequest(ref, code, version, text, std::move(done));
           };
         });
  Action(router, deps, base + "accept", {}, false,
         [&h](ObjectReader&, const Caller& caller, const std::string& ref, auto version) {
           return [&h, ref, version, code = caller.access_code](app::HandleCase::Done done) {
             h.Accept(ref, code, version, std::move(done));
           };
         });
  Action(router, deps, base + "appeal", {"reason"}, false,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           std::string reason = body.RequiredString("reason");
           return
               [&h, ref, version, reason, code = caller.access_code](app::HandleCase::Done done) {
                 h.Appeal(ref, code, version, reason, std::move(done));
               };
         });
  Action(router, deps, base + "escalate", {"reason"}, false,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           auto reason = body.String("reason");
           return
               [&h, ref, version, reason, code = caller.access_code](app::HandleCase::Done done) {
                 h.Escalate(ref, code, version, reason, std::move(done));
               };
         });
  Action(router, deps, base + "external-referrals", {"to", "outside_reference", "note"}, true,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           auto to = body.Choice<domain::ExternalBody>("to");
           if (!to) (void)body.RequiredString("to");
           std::string outside_reference = body.RequiredString("outside_reference");
           auto note = body.String("note");
           const domain::StaffUser user = *caller.principal.staff;
           const domain::ExternalBody body_to =
               to.value_or(domain::ExternalBody::kDigitalGovernmentAuthority);
           return [&h, ref, version, user, body_to, outside_reference,
                   note](app::HandleCase::Done done) {
             h.RecordExternalReferral(ref, version.value_or(0), user, body_to, outside_reference,
                                      note, std::move(done));
           };
         });
  Action(router, deps, base + "withdraw", {"reason"}, false,
         [&h](ObjectReader& body, const Caller& caller, const std::string& ref, auto version) {
           auto reason = body.String("reason");
           return
               [&h, ref, version, reason, code = caller.access_code](app::HandleCase::Done done) {
                 h.Withdraw(ref, code, version, reason, std::move(done));
               };
         });
}

}  // namespace

void AddCaseRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kGet, "/api/v1/cases", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          List(deps, request, caller, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/cases/{reference}", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          View(deps, request, caller, std::move(respond));
        });
  AddActions(router, deps);
}

}  // namespace shakwa::http::api
