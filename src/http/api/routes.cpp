#include "http/api/routes.hpp"

#include <boost/json.hpp>

#include "domain/text.hpp"
#include "http/api/intake_json.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {

extern const std::string_view kOpenApiJson;  // generated from docs/openapi.yaml

namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

std::string_view LanguageCode(domain::Language language) {
  return domain::NameOf(language);
}

bool IsJsonContentType(std::string_view type) {
  const auto semi = type.find(';');
  std::string media(type.substr(0, semi));
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/json";
}

json::object CaseSummary(const domain::Case& c, domain::Language language) {
  return json::object{
      {"reference", c.reference.ToString()},
      {"status", domain::NameOf(c.status)},
      {"status_label", domain::LabelOf(c.status, language)},
      {"kind", domain::NameOf(c.kind)},
      {"kind_label", domain::LabelOf(c.kind, language)},
      {"category", c.category},
      {"channel", domain::NameOf(c.channel)},
      {"language", LanguageCode(c.language)},
      {"subject", c.subject},
      {"received_at", domain::FormatIso8601(c.received_at)},
  };
}

void Submit(const Dependencies& deps, const Request& request, Respond respond) {
  if (!IsJsonContentType(request.Header("content-type"))) {
    respond(Problem(Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedMediaType),
                    request));
    return;
  }
  // Boost.JSON rejects invalid UTF-8 inside strings; this also catches it outside them.
  json::error_code ec;
  json::value body;
  const bool utf8 = domain::IsValidUtf8(request.body);
  if (utf8) body = json::parse(request.body, ec);
  if (!utf8 || ec) {
    respond(Problem(Error::Of(ErrorCode::kMalformedRequest, MessageId::kMalformedJson,
                              ec ? ec.message() : "invalid UTF-8"),
                    request));
    return;
  }
  if (!body.is_object()) {
    respond(Problem(Error::Of(ErrorCode::kMalformedRequest, MessageId::kBodyNotObject), request));
    return;
  }
  const domain::IntakeForm form = DecodeIntake(body.get_object());
  deps.submit_case.Submit(form, domain::Actor{domain::Actor::Kind::kBeneficiary, {}},
                          [&request, respond](domain::Result<app::Receipt> receipt) {
                            if (!receipt) {
                              respond(Problem(receipt.error(), request));
                              return;
                            }
                            const domain::Case& c = receipt->recorded;
                            json::object out = CaseSummary(c, request.language);
                            out["access_code"] = receipt->access_code;
                            const std::string location = "/api/v1/cases/" + c.reference.ToString();
                            out["links"] = json::object{{"self", location}};
                            Response response = Json(201, json::serialize(out));
                            response.headers.emplace_back("Location", location);
                            respond(std::move(response));
                          });
}

void View(const Dependencies& deps, const Request& request, Respond respond) {
  request.blocking([&deps, &request, respond] {
    try {
      auto view =
          deps.view_case.View(request.path_params.at("reference"), request.Header("x-access-code"));
      if (!view) {
        respond(Problem(view.error(), request));
        return;
      }
      json::object out = CaseSummary(view->value, request.language);
      json::array timeline;
      for (const auto& e : view->timeline) {
        json::object event{{"type", e.type}, {"at", domain::FormatIso8601(e.at)}};
        if (e.to_status) {
          event["status"] = domain::NameOf(*e.to_status);
          event["status_label"] = domain::LabelOf(*e.to_status, request.language);
        }
        timeline.push_back(std::move(event));
      }
      out["timeline"] = std::move(timeline);
      respond(Json(200, json::serialize(out)));
    } catch (const std::exception& e) {
      respond(
          Problem(Error::Of(ErrorCode::kInternal, MessageId::kInternalError, e.what()), request));
    }
  });
}

void Ready(const Dependencies& deps, const Request& request, Respond respond) {
  if (request.draining) {
    respond(Json(503, R"({"status":"draining"})"));
    return;
  }
  request.blocking([&deps, respond] {
    const domain::Status status = deps.store.Read([](app::ReadTransaction& tx) -> domain::Status {
      auto count = tx.CountCases();
      if (!count) return std::move(count).error();
      return domain::Status::Ok();
    });
    respond(status.ok() ? Json(200, R"({"status":"ready"})")
                        : Json(503, R"({"status":"unavailable"})"));
  });
}

}  // namespace

void AddRoutes(Router& router, const Dependencies& deps) {
  router.Add(Method::kGet, "/healthz",
             [](const Request&, Respond respond) { respond(Json(200, R"({"status":"ok"})")); });
  router.Add(Method::kGet, "/readyz", [deps](const Request& request, Respond respond) {
    Ready(deps, request, std::move(respond));
  });
  router.Add(Method::kGet, "/api/v1/openapi.json", [](const Request&, Respond respond) {
    respond(Json(200, std::string(kOpenApiJson)));
  });
  router.Add(Method::kPost, "/api/v1/cases", [deps](const Request& request, Respond respond) {
    Submit(deps, request, std::move(respond));
  });
  router.Add(
      Method::kGet, "/api/v1/cases/{reference}",
      [deps](const Request& request, Respond respond) { View(deps, request, std::move(respond)); });
}

}  // namespace shakwa::http::api
