// The JSON API, version 1 (docs/openapi.yaml; who may call what: access.hpp and
// docs/authorization.md). Handlers are thin: read the request, call one use case, render.
#pragma once

#include <cstddef>
#include <functional>

#include "app/attempt_limiter.hpp"
#include "app/handle_case.hpp"
#include "app/manage_calendar.hpp"
#include "app/manage_templates.hpp"
#include "app/ports/store.hpp"
#include "app/receive_mail.hpp"
#include "app/staff_accounts.hpp"
#include "app/staff_cases.hpp"
#include "app/submit_case.hpp"
#include "app/time_rules_source.hpp"
#include "app/view_case.hpp"
#include "domain/guide.hpp"
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
  // Tokens the web pages give browsers (CSRF); null: the pages are not served.
  app::RandomSource* random = nullptr;
  // Wrong access codes per reference; null: not limited (tests of other things).
  app::AttemptLimiter* access_code_attempts = nullptr;
  // The calendar, SLA policy and ladder in force: the beneficiary's view and the published guide
  // read the same rules the clocks run on.
  std::shared_ptr<app::TimeRulesSource> time = app::TimeRulesSource::Defaults();
  // What only the published guide adds to the rules: the channels and the centre's name.
  std::shared_ptr<const domain::GuideSettings> guide =
      std::make_shared<const domain::GuideSettings>(domain::GuideSettings::Defaults());
  // Holiday confirmations (admin); null: the calendar endpoints answer 503.
  const app::ManageCalendar* calendar = nullptr;
  // E-mail intake; null or an empty secret: the mail gate is closed (every call 401).
  const app::ReceiveMail* receive_mail = nullptr;
  std::string mailgate_secret = {};
  std::size_t mailgate_max_bytes = 25 << 20;
  // The wording of messages (admin); null: the template endpoints answer 503.
  const app::ManageTemplates* templates = nullptr;
};

void AddRoutes(Router& router, const Dependencies& deps);

}  // namespace shakwa::http::api
