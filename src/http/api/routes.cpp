#include "http/api/routes.hpp"

#include <boost/json.hpp>

#include "domain/text.hpp"
#include "http/api/access.hpp"
#include "http/api/case_json.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/intake_json.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {

extern const std::string_view kOpenApiJson;  // generated from docs/openapi.yaml

namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

bool IsJsonContentType(std::string_view type) {
  const auto semi = type.find(';');
  std::string media(type.substr(0, semi));
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/json";
}

bool IsMultipart(std::string_view type) {
  return type.substr(0, 19) == "multipart/form-data";
}

// Records the case (and its files) once the body has been read.
void SubmitForm(const Dependencies& deps, const Request& request, const Caller& caller,
                const json::object& body, std::vector<app::Attachment> files, Respond respond) {
  auto reply = [&request, respond](domain::Result<app::Receipt> receipt) {
    if (!receipt) {
      respond(Problem(receipt.error(), request));
      return;
    }
    const domain::Case& c = receipt->recorded;
    json::object out{
        {"reference", c.reference.ToString()},
        {"status", domain::NameOf(c.status)},
        {"status_label", domain::LabelOf(c.status, request.language)},
        {"kind", domain::NameOf(c.kind)},
        {"kind_label", domain::LabelOf(c.kind, request.language)},
        {"category", c.category},
        {"channel", domain::NameOf(c.channel)},
        {"language", domain::NameOf(c.language)},
        {"subject", c.subject},
        {"received_at", domain::FormatIso8601(c.received_at)},
        {"access_code", receipt->access_code},
    };
    const std::string location = "/api/v1/cases/" + c.reference.ToString();
    out["links"] = json::object{{"self", location}};
    json::array attachments;
    for (const auto& a : receipt->attachments) {
      attachments.push_back(AttachmentJson(a, c.reference.ToString()));
    }
    out["attachments"] = std::move(attachments);
    Response response = Json(201, json::serialize(out));
    response.headers.emplace_back("Location", location);
    respond(std::move(response));
  };
  if (caller.principal.kind != domain::Principal::Kind::kStaff) {
    deps.submit_case.Submit(DecodeIntake(body),
                            domain::Actor{domain::Actor::Kind::kBeneficiary, {}}, std::move(reply),
                            std::move(files));
    return;
  }
  std::optional<std::string> received_text;
  domain::IntakeForm form = DecodeIntake(body, &received_text);
  std::optional<domain::Instant> received_at;
  if (received_text) {
    received_at = domain::ParseIso8601(*received_text);
    if (!received_at) {
      form.shape_errors.push_back({"received_at", MessageId::kInvalidTimestamp, {}});
    }
  }
  deps.submit_case.SubmitForBeneficiary(form, *caller.principal.staff, received_at,
                                        std::move(reply), std::move(files));
}

void Submit(const Dependencies& deps, const Request& request, const Caller& caller,
            Respond respond) {
  if (IsMultipart(request.Header("content-type"))) {
    SubmitWithFiles(
        deps, request, caller.principal,
        [&deps, &request, &caller, respond](const json::object& form,
                                            std::vector<app::Attachment> files) {
          SubmitForm(deps, request, caller, form, std::move(files), respond);
        },
        respond);
    return;
  }
  auto body = ParseJsonObject(request);
  if (!body) {
    respond(Problem(body.error(), request));
    return;
  }
  SubmitForm(deps, request, caller, *body, {}, std::move(respond));
}

void Ready(const Dependencies& deps, const Request& request, Respond respond) {
  if (request.draining) {
    respond(Json(503, R"({"status":"draining"})"));
    return;
  }
  Blocking(request, respond, [&deps, respond] {
    const domain::Status status =
        deps.store.Read([](app::ReadTransaction& tx) -> domain::Status { return tx.Ping(); });
    respond(status.ok() ? Json(200, R"({"status":"ready"})")
                        : Json(503, R"({"status":"unavailable"})"));
  });
}

}  // namespace

domain::Result<json::object> ParseJsonObject(const Request& request) {
  if (!IsJsonContentType(request.Header("content-type"))) {
    return Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedMediaType);
  }
  // Boost.JSON rejects invalid UTF-8 inside strings; this also catches it outside them.
  json::error_code ec;
  json::value body;
  const bool utf8 = domain::IsValidUtf8(request.body);
  if (utf8) body = json::parse(request.body, ec);
  if (!utf8 || ec) {
    return Error::Of(ErrorCode::kMalformedRequest, MessageId::kMalformedJson,
                     ec ? ec.message() : "invalid UTF-8");
  }
  if (!body.is_object()) {
    return Error::Of(ErrorCode::kMalformedRequest, MessageId::kBodyNotObject);
  }
  return std::move(body.get_object());
}

domain::Error InvalidFields(std::vector<domain::FieldError> errors) {
  Error e = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
  e.fields = std::move(errors);
  return e;
}

void Blocking(const Request& request, const Respond& respond, std::function<void()> work) {
  request.blocking([&request, respond, work = std::move(work)] {
    try {
      work();
    } catch (const std::exception& e) {
      respond(
          Problem(Error::Of(ErrorCode::kInternal, MessageId::kInternalError, e.what()), request));
    }
  });
}

Response JsonResponse(unsigned status, const json::object& body) {
  return Json(status, json::serialize(body));
}

void AddRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kGet, "/healthz", deps, [](const Request&, const Caller&, Respond respond) {
    respond(Json(200, R"({"status":"ok"})"));
  });
  Guard(router, Method::kGet, "/readyz", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          Ready(deps, request, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/openapi.json", deps,
        [](const Request&, const Caller&, Respond respond) {
          respond(Json(200, std::string(kOpenApiJson)));
        });
  Guard(router, Method::kPost, "/api/v1/cases", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          Submit(deps, request, caller, std::move(respond));
        });
  AddAccountRoutes(router, deps);
  AddCaseRoutes(router, deps);
  AddAttachmentRoutes(router, deps);
  AddGuideRoutes(router, deps);
  AddMailgateRoutes(router, deps);
  AddTemplateRoutes(router, deps);
}

}  // namespace shakwa::http::api
