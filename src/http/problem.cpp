#include "http/problem.hpp"

#include <boost/json.hpp>

#include "domain/calendar.hpp"
#include "domain/case.hpp"

namespace shakwa::http {

namespace json = boost::json;
using domain::ErrorCode;

unsigned HttpStatusFor(ErrorCode code) {
  // When you add an ErrorCode, give it its status here.
  switch (code) {
    case ErrorCode::kInvalidInput:
      return 422;
    case ErrorCode::kMalformedRequest:
    case ErrorCode::kMalformedReference:
      return 400;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response Problem(const domain::Error& error, const Request& request) {
  const auto language = request.language;
  const unsigned status = HttpStatusFor(error.code);
  json::object body;
  body["type"] = "/problems/" + std::string(domain::MessageCode(error.message));
  // A status named in a message is shown as people read it, in their language.
  std::string param = error.message_param;
  if (error.message == domain::MessageId::kForbiddenTransition ||
      error.message == domain::MessageId::kMergeTargetClosed ||
      error.message == domain::MessageId::kEscalationClosed) {
    if (auto case_status = domain::FromName<domain::CaseStatus>(param)) {
      param = std::string(domain::LabelOf(*case_status, language));
    }
  }
  if (language == domain::Language::kArabic && !error.message_param_ar.empty()) {
    param = error.message_param_ar;
  }
  if (error.when) {
    param = domain::FormatForPeople(*error.when, language);
    body["available_at"] = domain::FormatIso8601(*error.when);
  }
  body["title"] = domain::Message(error.message, language, param);
  body["status"] = status;
  body["code"] = domain::MessageCode(error.message);
  if (error.code == ErrorCode::kInvalidInput) {
    json::array errors;
    for (const auto& field : error.fields) {
      errors.push_back(json::object{
          {"field", field.path},
          {"code", domain::MessageCode(field.message)},
          {"message", domain::Message(field.message, language, field.param)},
      });
    }
    body["detail"] = domain::Message(domain::MessageId::kValidationFailed, language) + " (" +
                     std::to_string(error.fields.size()) + ")";
    body["errors"] = std::move(errors);
  } else {
    body["detail"] = body["title"];
  }
  body["request_id"] = request.request_id;
  Response response{status, "application/problem+json", json::serialize(body), {}};
  response.headers.emplace_back("Content-Language",
                                language == domain::Language::kArabic ? "ar" : "en");
  if (status == 503) response.headers.emplace_back("Retry-After", "1");
  return response;
}

Response Json(unsigned status, std::string body) {
  return Response{status, "application/json", std::move(body), {}};
}

}  // namespace shakwa::http
