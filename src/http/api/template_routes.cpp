// The wording of messages, for admins: GET /api/v1/admin/templates lists every template with
// its variables and the bodies in force; PUT /api/v1/admin/templates/{name}/{language}/{part}
// changes one (checked first; kept durably and audited; in force for the next message).
#include <boost/json.hpp>

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
using domain::FieldError;
using domain::MessageId;

json::object TemplateJson(const app::TemplateView& t) {
  json::object o;
  o["name"] = t.name;
  o["for_staff"] = t.for_staff;
  o["description_ar"] = t.description_ar;
  o["description_en"] = t.description_en;
  json::array variables;
  for (const auto& v : t.variables) variables.push_back(json::string(v));
  o["variables"] = std::move(variables);
  json::object bodies;
  for (const auto& b : t.bodies) {
    const char* language = b.language == domain::Language::kArabic ? "ar" : "en";
    if (!bodies.contains(language)) bodies[language] = json::object();
    bodies[language].as_object()[b.part] = b.body;
  }
  o["bodies"] = std::move(bodies);
  return o;
}

Error Unavailable() {
  return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
                   "message templates are not configured");
}

}  // namespace

void AddTemplateRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kGet, "/api/v1/admin/templates", deps,
        [deps](const Request& request, const Caller&, const Respond& respond) {
          if (deps.templates == nullptr) {
            respond(Problem(Unavailable(), request));
            return;
          }
          json::array items;
          for (const auto& t : deps.templates->List()) items.push_back(TemplateJson(t));
          json::object body;
          body["items"] = std::move(items);
          respond(JsonResponse(200, body));
        });
  Guard(router, Method::kPut, "/api/v1/admin/templates/{name}/{language}/{part}", deps,
        [deps](const Request& request, const Caller& caller, const Respond& respond) {
          if (deps.templates == nullptr) {
            respond(Problem(Unavailable(), request));
            return;
          }
          std::vector<FieldError> errors;
          const std::string& language_name = request.path_params.at("language");
          if (language_name != "ar" && language_name != "en") {
            errors.push_back({"language", MessageId::kNotOneOf, "ar, en"});
          }
          auto parsed = ParseJsonObject(request);
          if (!parsed) {
            respond(Problem(parsed.error(), request));
            return;
          }
          ObjectReader reader(*parsed, "", errors, {"body"});
          const std::string text = reader.RequiredString("body");
          if (!errors.empty()) {
            respond(Problem(InvalidFields(std::move(errors)), request));
            return;
          }
          const domain::Language language =
              language_name == "ar" ? domain::Language::kArabic : domain::Language::kEnglish;
          Blocking(request, respond,
                   [&deps, &request, respond, language, text, name = request.path_params.at("name"),
                    part = request.path_params.at("part"), actor = caller.principal.AsActor()] {
                     auto saved = deps.templates->Save(actor, name, language, part, text);
                     if (!saved) {
                       respond(Problem(saved.error(), request));
                       return;
                     }
                     respond(JsonResponse(200, TemplateJson(*saved)));
                   });
        });
}

}  // namespace shakwa::http::api
