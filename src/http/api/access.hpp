// Who may call what: every endpoint of the API with the callers it admits, in one table
// (docs/authorization.md shows the same table, and a test holds the two together and walks every
// endpoint with every role).
//
// Deny by default: a route is registered only through Guard(), which refuses to register one
// missing from the table. Before the handler runs, the guard finds who is calling - a staff
// session (Authorization: Bearer, or the session cookie), a beneficiary (X-Access-Code), or
// nobody - and answers 401 when the endpoint needs credentials that were not given or are not
// valid, 403 when the caller's role is not admitted. Whether a particular case may be seen is
// the use case's business (404, so existence does not leak).
//
// Thread safety: the table is immutable; guarded handlers are as thread-safe as the inner ones.
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "app/staff_accounts.hpp"
#include "domain/staff.hpp"
#include "http/api/routes.hpp"
#include "http/router.hpp"

namespace shakwa::http::api {

struct Access {
  bool anonymous = false;    // anyone, without credentials
  bool beneficiary = false;  // the beneficiary, by reference and access code
  std::vector<domain::Role> roles;
  // The mail server's gate, by the shared secret in X-Mailgate-Secret (no person signs in).
  bool mailgate = false;
};

struct Endpoint {
  Method method;
  std::string_view pattern;
  Access access;
  std::string_view summary;
};

std::span<const Endpoint> Endpoints();

// Who is calling, as the guard found out.
struct Caller {
  domain::Principal principal;
  std::string token;        // the session token, for sign-out
  std::string access_code;  // the beneficiary's, as sent
};

using GuardedHandler = std::function<void(const Request&, const Caller&, Respond)>;

inline constexpr std::string_view kSessionCookie = "shakwa_session";

// Registers handler for the endpoint (method, pattern) behind its access rule. Throws
// std::logic_error if the endpoint is not in the table.
//
// For the beneficiary, an answer of 404 counts as a wrong access code for that reference; after
// too many (deps.access_code_attempts) the reference answers 429 for a while, so codes cannot
// be found by trying.
void Guard(Router& router, Method method, std::string_view pattern, const Dependencies& deps,
           GuardedHandler handler);

}  // namespace shakwa::http::api
