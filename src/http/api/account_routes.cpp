// Sign-in and sign-out, departments and users (admin), and the audit trail (auditor).
#include <boost/json.hpp>
#include <charconv>

#include "http/api/access.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

json::object UserJson(const domain::StaffUser& u, domain::Language language) {
  return json::object{
      {"id", u.id},
      {"email", u.email},
      {"name", u.name},
      {"role", domain::NameOf(u.role)},
      {"role_label", domain::LabelOf(u.role, language)},
      {"department", u.department ? json::value(*u.department) : json::value(nullptr)},
      {"active", u.active},
      {"locked_until",
       u.locked_until ? json::value(domain::FormatIso8601(*u.locked_until)) : json::value(nullptr)},
      {"created_at", domain::FormatIso8601(u.created_at)},
  };
}

json::object DepartmentJson(const domain::Department& d) {
  return json::object{
      {"code", d.code}, {"name_ar", d.name_ar}, {"name_en", d.name_en}, {"active", d.active}};
}

// A query parameter's raw value ("after=12&limit=50"); numbers only, so no decoding needed.
std::optional<std::int64_t> QueryNumber(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    const std::string_view text = pair.substr(eq + 1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

// {"items": [...]} from a list a use case read, or its problem.
template <typename T, typename Render>
void RespondItems(const domain::Result<std::vector<T>>& all, const Request& request,
                  const Respond& respond, Render render) {
  if (!all) {
    respond(Problem(all.error(), request));
    return;
  }
  json::array items;
  for (const T& item : *all) items.push_back(render(item));
  respond(JsonResponse(200, json::object{{"items", std::move(items)}}));
}

std::string SessionCookie(const std::string& token, std::int64_t max_age, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (secure) cookie += "; Secure";
  return cookie;
}

void Login(const Dependencies& deps, const Request& request, Respond respond) {
  auto body = ParseJsonObject(request);
  if (!body) {
    respond(Problem(body.error(), request));
    return;
  }
  std::vector<domain::FieldError> errors;
  ObjectReader reader(*body, "", errors, {"email", "password"});
  std::string email = reader.RequiredString("email");
  std::string password = reader.RequiredString("password");
  if (!errors.empty()) {
    respond(Problem(InvalidFields(std::move(errors)), request));
    return;
  }
  Blocking(request, respond, [&deps, &request, respond, email, password] {
    deps.accounts.SignIn(
        email, password, [&deps, &request, respond](domain::Result<app::SignedIn> signed_in) {
          if (!signed_in) {
            Response response = Problem(signed_in.error(), request);
            if (signed_in.error().code == ErrorCode::kTooManyRequests) {
              response.headers.emplace_back(
                  "Retry-After",
                  std::to_string(60 *
                                 std::max(1, std::atoi(signed_in.error().message_param.c_str()))));
            }
            respond(std::move(response));
            return;
          }
          const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(
              signed_in->expires_at - deps.clock.Now());
          json::object out{{"token", signed_in->token},
                           {"expires_at", domain::FormatIso8601(signed_in->expires_at)},
                           {"user", UserJson(signed_in->user, request.language)}};
          Response response = JsonResponse(200, out);
          response.headers.emplace_back(
              "Set-Cookie",
              SessionCookie(signed_in->token, std::max<std::int64_t>(0, lifetime.count()),
                            deps.secure_cookies));
          respond(std::move(response));
        });
  });
}

void Logout(const Dependencies& deps, const Request& request, const Caller& caller,
            Respond respond) {
  deps.accounts.SignOut(
      caller.token, caller.principal.AsActor(), [&deps, &request, respond](domain::Status s) {
        if (!s.ok()) {
          respond(Problem(s.error(), request));
          return;
        }
        Response response{204, "application/json", {}, {}};
        response.headers.emplace_back("Set-Cookie", SessionCookie("", 0, deps.secure_cookies));
        respond(std::move(response));
      });
}

void AddDepartment(const Dependencies& deps, const Request& request, const Caller& caller,
                   Respond respond) {
  auto body = ParseJsonObject(request);
  if (!body) {
    respond(Problem(body.error(), request));
    return;
  }
  std::vector<domain::FieldError> errors;
  ObjectReader reader(*body, "", errors, {"code", "name_ar", "name_en"});
  domain::Department d{reader.RequiredString("code"), reader.RequiredString("name_ar"),
                       reader.RequiredString("name_en"), true};
  if (!errors.empty()) {
    respond(Problem(InvalidFields(std::move(errors)), request));
    return;
  }
  deps.accounts.AddDepartment(d, caller.principal.AsActor(),
                              [&request, respond, d](domain::Status s) {
                                if (!s.ok()) {
                                  respond(Problem(s.error(), request));
                                  return;
                                }
                                respond(JsonResponse(201, DepartmentJson(d)));
                              });
}

void AddUser(const Dependencies& deps, const Request& request, const Caller& caller,
             Respond respond) {
  auto body = ParseJsonObject(request);
  if (!body) {
    respond(Problem(body.error(), request));
    return;
  }
  std::vector<domain::FieldError> errors;
  ObjectReader reader(*body, "", errors, {"email", "name", "role", "department", "password"});
  domain::StaffUser user;
  user.email = reader.RequiredString("email");
  user.name = reader.RequiredString("name");
  if (auto role = reader.Choice<domain::Role>("role")) {
    user.role = *role;
  } else if (!body->contains("role")) {
    errors.push_back({"role", MessageId::kRequired, {}});
  }
  user.department = reader.String("department");
  std::string password = reader.RequiredString("password");
  if (!errors.empty()) {
    respond(Problem(InvalidFields(std::move(errors)), request));
    return;
  }
  Blocking(request, respond,
           [&deps, &request, respond, user, password, actor = caller.principal.AsActor()] {
             deps.accounts.AddUser(
                 user, password, actor,
                 [&deps, &request, respond, user](domain::Result<std::int64_t> id) {
                   if (!id) {
                     respond(Problem(id.error(), request));
                     return;
                   }
                   domain::StaffUser created = user;
                   created.id = *id;
                   created.created_at = deps.clock.Now();
                   Response response = JsonResponse(201, UserJson(created, request.language));
                   response.headers.emplace_back("Location",
                                                 "/api/v1/admin/users/" + std::to_string(*id));
                   respond(std::move(response));
                 });
           });
}

void ChangeUser(const Dependencies& deps, const Request& request, const Caller& caller,
                Respond respond) {
  std::int64_t id = 0;
  const std::string& text = request.path_params.at("id");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    Error e = Error::Of(ErrorCode::kNotFound, MessageId::kUnknownUser);
    e.message_param = text;
    respond(Problem(e, request));
    return;
  }
  auto body = ParseJsonObject(request);
  if (!body) {
    respond(Problem(body.error(), request));
    return;
  }
  std::vector<domain::FieldError> errors;
  ObjectReader reader(*body, "", errors, {"active", "unlock"});
  const auto active = reader.Bool("active");
  const bool unlock = reader.Bool("unlock").value_or(false);
  if (!errors.empty()) {
    respond(Problem(InvalidFields(std::move(errors)), request));
    return;
  }
  Blocking(request, respond,
           [&deps, &request, respond, id, active, unlock, actor = caller.principal.AsActor()] {
             deps.accounts.ChangeUser(
                 id, active, unlock, actor,
                 [&request, respond](domain::Result<domain::StaffUser> user) {
                   if (!user) {
                     respond(Problem(user.error(), request));
                     return;
                   }
                   respond(JsonResponse(200, UserJson(*user, request.language)));
                 });
           });
}

std::string Hex(const domain::Sha256& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (auto b : hash) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

void ReadAudit(const Dependencies& deps, const Request& request, Respond respond) {
  const std::int64_t after =
      std::max<std::int64_t>(0, QueryNumber(request.query, "after").value_or(0));
  const int limit = static_cast<int>(
      std::clamp<std::int64_t>(QueryNumber(request.query, "limit").value_or(100), 1, 1000));
  Blocking(request, respond, [&deps, &request, respond, after, limit] {
    json::array items;
    std::int64_t last = after;
    const domain::Status s = deps.store.Read([&](app::ReadTransaction& tx) -> domain::Status {
      auto entries = tx.AuditEntries(after, limit);
      if (!entries) return std::move(entries).error();
      for (const auto& e : *entries) {
        json::error_code ec;
        json::value detail = json::parse(e.detail, ec);
        items.push_back(json::object{
            {"sequence", e.sequence},
            {"at", domain::FormatIso8601(e.at)},
            {"actor", json::object{{"kind", domain::NameOf(e.actor.kind)}, {"id", e.actor.id}}},
            {"action", e.action},
            {"subject", e.subject},
            {"detail", ec ? json::value(e.detail) : detail},
            {"previous_hash", Hex(e.previous_hash)},
            {"hash", Hex(e.hash)},
        });
        last = e.sequence;
      }
      return domain::Status::Ok();
    });
    if (!s.ok()) {
      respond(Problem(s.error(), request));
      return;
    }
    const bool more = static_cast<int>(items.size()) == limit;
    json::object out{{"items", std::move(items)}};
    out["next"] = more ? json::value("/api/v1/audit?after=" + std::to_string(last) +
                                     "&limit=" + std::to_string(limit))
                       : json::value(nullptr);
    respond(JsonResponse(200, out));
  });
}

void VerifyAudit(const Dependencies& deps, const Request& request, Respond respond) {
  Blocking(request, respond, [&deps, &request, respond] {
    domain::AuditVerification result;
    const domain::Status s = deps.store.Read([&](app::ReadTransaction& tx) -> domain::Status {
      auto verified = tx.VerifyAudit();
      if (!verified) return std::move(verified).error();
      result = std::move(*verified);
      return domain::Status::Ok();
    });
    if (!s.ok()) {
      respond(Problem(s.error(), request));
      return;
    }
    json::object out{{"ok", result.ok()}, {"records", result.records}};
    out["first_bad"] = result.first_bad ? json::value(*result.first_bad) : json::value(nullptr);
    out["problem"] = result.problem;
    respond(JsonResponse(200, out));
  });
}

}  // namespace

void AddAccountRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kPost, "/api/v1/auth/login", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          Login(deps, request, std::move(respond));
        });
  Guard(router, Method::kPost, "/api/v1/auth/logout", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          Logout(deps, request, caller, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/auth/me", deps,
        [](const Request& request, const Caller& caller, Respond respond) {
          respond(JsonResponse(200, UserJson(*caller.principal.staff, request.language)));
        });
  Guard(router, Method::kGet, "/api/v1/departments", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          Blocking(request, respond, [&deps, &request, respond] {
            RespondItems(deps.accounts.Departments(), request, respond,
                         [](const domain::Department& d) { return DepartmentJson(d); });
          });
        });
  Guard(router, Method::kPost, "/api/v1/admin/departments", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          AddDepartment(deps, request, caller, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/admin/users", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          Blocking(request, respond, [&deps, &request, respond] {
            RespondItems(
                deps.accounts.Users(), request, respond,
                [&request](const domain::StaffUser& u) { return UserJson(u, request.language); });
          });
        });
  Guard(router, Method::kPost, "/api/v1/admin/users", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          AddUser(deps, request, caller, std::move(respond));
        });
  Guard(router, Method::kPatch, "/api/v1/admin/users/{id}", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          ChangeUser(deps, request, caller, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/audit", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          ReadAudit(deps, request, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/audit/verify", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          VerifyAudit(deps, request, std::move(respond));
        });
}

}  // namespace shakwa::http::api
