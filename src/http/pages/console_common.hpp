// What the staff console's page files share: the signed-in member of staff (from the API's
// session cookie), the API's access table as the console's, and query strings.
//
// Thread safety: as the pages.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/staff.hpp"
#include "http/api/routes.hpp"
#include "http/pages/support.hpp"
#include "http/router.hpp"

namespace shakwa::http::pages::console {

// A console page for the signed-in staff member, run on the blocking pool with ctx->staff set.
using StaffPage =
    std::function<void(std::shared_ptr<PageContext> ctx, const domain::StaffUser& user)>;

// Finds who is signed in from the session cookie (deps.accounts.Authenticate, on the blocking
// pool) and runs page; without a valid session, 303 to /console/sign-in.
void WithStaff(const api::Dependencies& deps, const Request& request, const Respond& respond,
               StaffPage page);

// Whether role may call the API endpoint (method, pattern): the console admits what the API does.
bool Admitted(Method method, std::string_view api_pattern, domain::Role role);

// The 403 page.
Response Forbidden(const PageContext& ctx);

// Where a role's console starts: the queues, or the admin or audit page for roles that read no
// cases.
std::string HomeFor(domain::Role role);

// The decoded value of a query parameter, or "".
std::string QueryValue(std::string_view query, std::string_view name);
// "?a=1&b=2" from the pairs whose value is not empty (values percent-encoded); "" if none.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

void AddAdminPages(Router& router, const api::Dependencies& deps);  // console_admin.cpp

}  // namespace shakwa::http::pages::console
