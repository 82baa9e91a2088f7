#include "http/api/access.hpp"

#include <memory>
#include <stdexcept>

#include "domain/reference_number.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using R = domain::Role;

const std::vector<R> kCaseReaders = {R::kAgent, R::kHandler, R::kSupervisor, R::kQaReviewer,
                                     R::kManager};
const std::vector<R> kAllStaff = {R::kAgent,   R::kHandler, R::kSupervisor, R::kQaReviewer,
                                  R::kManager, R::kAdmin,   R::kAuditor};

const std::vector<Endpoint>& Table() {
  static const std::vector<Endpoint> table = {
      {Method::kGet, "/healthz", {true, false, kAllStaff}, "liveness"},
      {Method::kGet, "/readyz", {true, false, kAllStaff}, "readiness"},
      {Method::kGet, "/api/v1/openapi.json", {true, false, kAllStaff}, "this API's description"},
      {Method::kPost, "/api/v1/auth/login", {true, false, {}}, "staff sign-in"},
      {Method::kPost, "/api/v1/auth/logout", {false, false, kAllStaff}, "staff sign-out"},
      {Method::kGet, "/api/v1/auth/me", {false, false, kAllStaff}, "the signed-in user"},
      {Method::kPost,
       "/api/v1/cases",
       {true, false, {R::kAgent}},
       "submit a case (agents: on a beneficiary's behalf)"},
      {Method::kGet, "/api/v1/cases", {false, false, kCaseReaders}, "staff queues"},
      {Method::kGet, "/api/v1/cases/{reference}", {false, true, kCaseReaders}, "read a case"},
      {Method::kPost,
       "/api/v1/cases/{reference}/assess",
       {false, false, {R::kAgent, R::kSupervisor}},
       "initial assessment, reclassification or rejection"},
      {Method::kPost,
       "/api/v1/cases/{reference}/assign",
       {false, false, {R::kAgent, R::kSupervisor}},
       "route to a department or a person"},
      {Method::kPost,
       "/api/v1/cases/{reference}/notes",
       {false, false, {R::kAgent, R::kHandler, R::kSupervisor}},
       "internal note"},
      {Method::kPost,
       "/api/v1/cases/{reference}/replies",
       {false, false, {R::kAgent, R::kHandler, R::kSupervisor}},
       "public reply"},
      {Method::kPost,
       "/api/v1/cases/{reference}/request-info",
       {false, false, {R::kAgent, R::kHandler, R::kSupervisor}},
       "ask the beneficiary for information"},
      {Method::kPost,
       "/api/v1/cases/{reference}/findings",
       {false, false, {R::kHandler, R::kSupervisor}},
       "root cause and outcome"},
      {Method::kPost,
       "/api/v1/cases/{reference}/resolve",
       {false, false, {R::kSupervisor}},
       "decision and remedy"},
      {Method::kPost,
       "/api/v1/cases/{reference}/close",
       {false, false, {R::kSupervisor}},
       "close a decided case"},
      {Method::kPost,
       "/api/v1/cases/{reference}/merge",
       {false, false, {R::kAgent, R::kSupervisor}},
       "merge a duplicate into another case"},
      {Method::kPost,
       "/api/v1/cases/{reference}/beneficiary-replies",
       {false, true, {}},
       "the beneficiary answers a request for information"},
      {Method::kPost,
       "/api/v1/cases/{reference}/accept",
       {false, true, {}},
       "the beneficiary accepts the decision"},
      {Method::kPost,
       "/api/v1/cases/{reference}/appeal",
       {false, true, {}},
       "the beneficiary appeals the decision"},
      {Method::kPost,
       "/api/v1/cases/{reference}/escalate",
       {false, true, {}},
       "the beneficiary escalates the case"},
      {Method::kPost,
       "/api/v1/cases/{reference}/external-referrals",
       {false, false, {R::kSupervisor, R::kManager}},
       "record the hand-off to external recourse"},
      {Method::kPost,
       "/api/v1/cases/{reference}/withdraw",
       {false, true, {}},
       "the beneficiary withdraws the case"},
      {Method::kPost,
       "/api/v1/cases/{reference}/attachments",
       {false, true, {R::kAgent, R::kHandler, R::kSupervisor}},
       "attach files"},
      {Method::kGet,
       "/api/v1/cases/{reference}/attachments/{id}",
       {false, true, kCaseReaders},
       "download an attachment"},
      {Method::kGet, "/api/v1/departments", {false, false, kAllStaff}, "departments"},
      {Method::kPost, "/api/v1/admin/departments", {false, false, {R::kAdmin}}, "add a department"},
      {Method::kGet, "/api/v1/admin/users", {false, false, {R::kAdmin}}, "staff users"},
      {Method::kPost, "/api/v1/admin/users", {false, false, {R::kAdmin}}, "add a user"},
      {Method::kPatch,
       "/api/v1/admin/users/{id}",
       {false, false, {R::kAdmin}},
       "deactivate, reactivate or unlock a user"},
      {Method::kGet,
       "/api/v1/admin/calendar/holidays",
       {false, false, {R::kAdmin}},
       "the holidays of a Hijri year"},
      {Method::kPut,
       "/api/v1/admin/calendar/holidays/{key}/{hijri_year}",
       {false, false, {R::kAdmin}},
       "confirm or move a Hijri holiday"},
      {Method::kGet,
       "/api/v1/admin/templates",
       {false, false, {R::kAdmin}},
       "the message templates in force"},
      {Method::kPut,
       "/api/v1/admin/templates/{name}/{language}/{part}",
       {false, false, {R::kAdmin}},
       "change the wording of a message"},
      {Method::kGet, "/api/v1/guide", {true, false, kAllStaff}, "the published complaints guide"},
      {Method::kPost,
       "/api/v1/mailgate",
       {false, false, {}, true},
       "an e-mail from the mail server (shakwa mailgate)"},
      {Method::kGet, "/guide", {true, false, kAllStaff}, "the complaints guide as a page"},
      {Method::kGet, "/api/v1/audit", {false, false, {R::kAuditor}}, "read the audit trail"},
      {Method::kGet,
       "/api/v1/audit/verify",
       {false, false, {R::kAuditor}},
       "verify the audit trail's hash chain"},
  };
  return table;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The session token from "Authorization: Bearer …" or, failing that, the session cookie.
std::string TokenOf(const Request& request, bool& by_cookie) {
  by_cookie = false;
  const std::string_view authorization = request.Header("authorization");
  if (authorization.size() > 7 &&
      (authorization.substr(0, 7) == "Bearer " || authorization.substr(0, 7) == "bearer ")) {
    return std::string(Trimmed(authorization.substr(7)));
  }
  if (auto token = request.Cookie(kSessionCookie)) {
    by_cookie = true;
    return std::move(*token);
  }
  return {};
}

bool IsUnsafe(Method method) {
  return method != Method::kGet && method != Method::kHead && method != Method::kOptions;
}

// A browser sends Origin with every cross-site POST; with cookie credentials, it must be us.
bool SameOrigin(const Request& request) {
  const std::string_view origin = request.Header("origin");
  if (origin.empty()) return true;
  const auto scheme = origin.find("://");
  const std::string_view host =
      scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
  return host == request.Header("host");
}

Response Refuse(ErrorCode code, MessageId message, const Request& request) {
  Response response = Problem(Error::Of(code, message), request);
  if (code == ErrorCode::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"shakwa\"");
  }
  return response;
}

bool Admits(const Access& access, domain::Role role) {
  return std::find(access.roles.begin(), access.roles.end(), role) != access.roles.end();
}

}  // namespace

std::span<const Endpoint> Endpoints() {
  return Table();
}

namespace {

// Compared in constant time, so the secret cannot be found a byte at a time by timing.
bool SameSecret(std::string_view given, std::string_view secret) {
  if (given.size() != secret.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    difference = static_cast<unsigned char>(difference | (given[i] ^ secret[i]));
  }
  return difference == 0;
}

}  // namespace

void Guard(Router& router, Method method, std::string_view pattern, const Dependencies& deps,
           GuardedHandler handler) {
  const app::StaffAccounts& accounts = deps.accounts;
  app::AttemptLimiter* attempts = deps.access_code_attempts;
  const app::Clock& clock = deps.clock;
  const Endpoint* endpoint = nullptr;
  for (const Endpoint& e : Table()) {
    if (e.method == method && e.pattern == pattern) endpoint = &e;
  }
  if (endpoint == nullptr) {
    throw std::logic_error("route " + std::string(pattern) + " is not in the access table");
  }
  const Access access = endpoint->access;
  // One handler object, owned by the route: handlers hand references to what they captured
  // (the dependencies) to work they post elsewhere, so no copy of it may be temporary.
  auto shared = std::make_shared<const GuardedHandler>(std::move(handler));
  router.Add(
      method, pattern,
      [access, &accounts, attempts, &clock, shared,
       mailgate_secret = access.mailgate ? std::make_shared<const std::string>(deps.mailgate_secret)
                                         : nullptr](const Request& request, Respond respond) {
        auto caller = std::make_shared<Caller>();
        if (access.mailgate && mailgate_secret && !mailgate_secret->empty() &&
            SameSecret(request.Header("x-mailgate-secret"), *mailgate_secret)) {
          caller->principal.kind = domain::Principal::Kind::kAnonymous;
          (*shared)(request, *caller, [caller, respond](Response r) { respond(std::move(r)); });
          return;
        }
        bool by_cookie = false;
        caller->token = TokenOf(request, by_cookie);
        if (caller->token.empty()) {
          caller->access_code = std::string(request.Header("x-access-code"));
          if (!caller->access_code.empty() && access.beneficiary) {
            caller->principal.kind = domain::Principal::Kind::kBeneficiary;
            const auto reference = request.path_params.find("reference");
            if (attempts != nullptr && reference != request.path_params.end()) {
              // One counter per case, however its reference is spelt (case, digits).
              const auto parsed = domain::ParseReference(reference->second);
              const std::string key = parsed ? parsed->ToString() : reference->second;
              if (int wait = attempts->BlockedFor(key, clock.Now()); wait > 0) {
                Error e = Error::Of(ErrorCode::kTooManyRequests, MessageId::kTooManyAttempts);
                e.message_param = std::to_string(wait);
                Response refused = Problem(e, request);
                refused.headers.emplace_back("Retry-After", std::to_string(wait * 60));
                respond(std::move(refused));
                return;
              }
              (*shared)(request, *caller, [caller, respond, attempts, key, &clock](Response r) {
                // Only "no such case with this code" is a guess; a missing attachment is not.
                if (r.status == 404 &&
                    r.body.find("\"code\":\"case_not_found\"") != std::string::npos) {
                  attempts->RecordFailure(key, clock.Now());
                } else if (r.status < 400) {
                  attempts->RecordSuccess(key);
                }
                respond(std::move(r));
              });
              return;
            }
          } else if (access.anonymous) {
            caller->principal.kind = domain::Principal::Kind::kAnonymous;
          } else if (!caller->access_code.empty()) {
            respond(Refuse(ErrorCode::kForbidden, MessageId::kNotAllowedForRole, request));
            return;
          } else {
            respond(Refuse(ErrorCode::kUnauthenticated, MessageId::kSignInRequired, request));
            return;
          }
          (*shared)(request, *caller, [caller, respond](Response r) { respond(std::move(r)); });
          return;
        }
        // A session: who it belongs to is a database read, so off the I/O thread.
        request.blocking([&request, &accounts, access, caller, by_cookie, shared, respond]() {
          try {
            auto user = accounts.Authenticate(caller->token);
            // A browser sends its cookie everywhere: on an endpoint open to anyone (sign-in, the
            // public form), a stale session or another role's cookie is simply not used. A bearer
            // token is asked for explicitly, so it is always checked.
            const bool ignore_cookie =
                by_cookie && access.anonymous && (!user || !Admits(access, user->role));
            if (ignore_cookie) {
              caller->token.clear();
              caller->principal.kind = domain::Principal::Kind::kAnonymous;
              (*shared)(request, *caller, [caller, respond](Response r) { respond(std::move(r)); });
              return;
            }
            if (!user) {
              respond(Refuse(user.error().code, user.error().message, request));
              return;
            }
            if (!Admits(access, user->role)) {
              respond(Refuse(ErrorCode::kForbidden, MessageId::kNotAllowedForRole, request));
              return;
            }
            if (by_cookie && IsUnsafe(request.method) && !SameOrigin(request)) {
              respond(Refuse(ErrorCode::kForbidden, MessageId::kCrossSiteRequest, request));
              return;
            }
            caller->principal.kind = domain::Principal::Kind::kStaff;
            caller->principal.staff = std::move(*user);
            caller->principal.by_cookie = by_cookie;
            (*shared)(request, *caller, [caller, respond](Response r) { respond(std::move(r)); });
          } catch (const std::exception& e) {
            respond(Problem(Error::Of(ErrorCode::kInternal, MessageId::kInternalError, e.what()),
                            request));
          }
        });
      });
}

}  // namespace shakwa::http::api
