// The route files, each registering its endpoints through Guard (access.hpp).
#pragma once

#include "http/api/routes.hpp"

namespace shakwa::http::api {

void AddAccountRoutes(Router& router, const Dependencies& deps);  // auth, admin, audit
void AddCaseRoutes(Router& router, const Dependencies& deps);     // queues, cases, actions

}  // namespace shakwa::http::api
