// The JSON API, version 1 (docs/openapi.yaml; who may call what: access.hpp and
// docs/authorization.md). Handlers are thin: read the request, call one use case, render.
#pragma once

#include <cstddef>
#include <functional>

#include "app/attempt_limiter.hpp"
#include "app/handle_case.hpp"
#include "app/ports/store.hpp"
#include "app/staff_accounts.hpp"
#include "app/staff_cases.hpp"
#include "app/submit_case.hpp"
#include "app/view_case.hpp"
#include "http/router.hpp"

namespace shakwa::attachments {
class AttachmentPolicy;
class FileStore;
}  // namespace shakwa::attachments

namespace shakwa::http::api {

struct Dependencies {
  const app::SubmitCase& submit_case;
  const app::ViewCaseAsBeneficiary& view_case;
  app::Store& store;  // readiness, the audit trail
  app::StaffAccounts& accounts;
  const app::HandleCase& handle_case;
  const app::StaffCases& staff_cases;
  const app::Clock& clock;
  // Files attached to cases; both null: attachments are not taken.
  const attachments::AttachmentPolicy* attachment_policy = nullptr;
  const attachments::FileStore* file_store = nullptr;
  bool secure_cookies = false;  // mark the session cookie Secure (served over HTTPS)
  // Wrong access codes per reference; null: not limited (tests of other things).
  app::AttemptLimiter* access_code_attempts = nullptr;
};

void AddRoutes(Router& router, const Dependencies& deps);

}  // namespace shakwa::http::api
