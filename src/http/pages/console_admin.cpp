// The console's pages for the roles that read no cases: the audit trail (auditor) and staff
// users and departments (admin). The same data and use cases as /api/v1/audit and
// /api/v1/admin/…, admitted to the same roles.
#include <boost/json.hpp>
#include <charconv>

#include "domain/text.hpp"
#include "http/api/access.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/json_reader.hpp"
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

void AuditPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::int64_t after =
      std::max<std::int64_t>(0, Number(QueryValue(request.query, "after")).value_or(0));
  WithStaff(
      deps, request, respond,
      [&deps, after, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
        if (!Admitted(Method::kGet, "/api/v1/audit", user.role)) {
          respond(Forbidden(*ctx));
          return;
        }
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

std::vector<std::pair<std::string, std::string>> RoleChoices(Language language) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : domain::TermsOf<domain::Role>()) {
    out.emplace_back(std::string(t.name),
                     std::string(language == Language::kArabic ? t.arabic : t.english));
  }
  return out;
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
  mustache::data data{mustache::data::type::object};
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
    mustache::data row{mustache::data::type::object};
    row.set("code", d.code);
    row.set("name_ar", d.name_ar);
    row.set("name_en", d.name_en);
    row.set("active", Word(language, d.active ? "c_yes" : "c_no"));
    department_rows.push_back(row);
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
  unsigned status = 200;
  if (error != nullptr) {
    Error e = *error;
    for (auto& f : e.fields) f.path = failed + "_" + f.path;
    PutErrors(data, e, language);
    status = e.code == ErrorCode::kForbidden ? 403 : HttpStatusFor(e.code);
  }
  respond(Render(ctx, "console_admin", "c_admin_title", std::move(data), status));
}

void AdminPage(const api::Dependencies& deps, const Request& request, Respond respond) {
  const std::string done = QueryValue(request.query, "done");
  WithStaff(
      deps, request, respond,
      [&deps, done, respond](std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
        if (!Admitted(Method::kGet, "/api/v1/admin/users", user.role)) {
          respond(Forbidden(*ctx));
          return;
        }
        RespondAdmin(deps, *ctx, respond, nullptr, {}, nullptr,
                     done == "user" || done == "department" ? done : std::string());
      });
}

void AdminPost(const api::Dependencies& deps, const Request& request, Respond respond,
               std::string what) {
  auto shared_request = std::make_shared<const Request>(request);
  auto form = ReadForm(request);
  const bool csrf_valid = form && CsrfValid(request, *form);
  auto shared_form = std::make_shared<const Form>(form ? std::move(*form) : Form{});
  WithStaff(
      deps, request, respond,
      [&deps, shared_request, what, csrf_valid, shared_form, respond](
          std::shared_ptr<PageContext> ctx, const domain::StaffUser& user) {
        const std::string api_pattern =
            what == "user" ? "/api/v1/admin/users" : "/api/v1/admin/departments";
        if (!Admitted(Method::kPost, api_pattern, user.role)) {
          respond(Forbidden(*ctx));
          return;
        }
        // The use cases may answer on a store thread: the page's reads belong on the pool.
        auto fail = [&deps, shared_request, ctx, what, shared_form, respond](const Error& error) {
          api::Blocking(*shared_request, respond, [&deps, ctx, what, shared_form, respond, error] {
            RespondAdmin(deps, *ctx, respond, shared_form.get(), what, &error);
          });
        };
        if (!csrf_valid) {
          fail(Error::Of(ErrorCode::kForbidden, MessageId::kFormExpired));
          return;
        }
        const Form& f = *shared_form;
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
}

}  // namespace shakwa::http::pages::console
