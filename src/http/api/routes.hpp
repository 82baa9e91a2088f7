// The JSON API, version 1 (docs/openapi.yaml): health, readiness, the OpenAPI document, and the
// public case endpoints. Handlers are thin: read the request, call one use case, render.
#pragma once

#include <functional>

#include "app/ports/store.hpp"
#include "app/submit_case.hpp"
#include "app/view_case.hpp"
#include "http/router.hpp"

namespace shakwa::http::api {

struct Dependencies {
  const app::SubmitCase& submit_case;
  const app::ViewCaseAsBeneficiary& view_case;
  app::Store& store;  // for readiness only
};

void AddRoutes(Router& router, const Dependencies& deps);

}  // namespace shakwa::http::api
