// Files attached to cases: upload (multipart/form-data) and download, with the case's own
// authorisation.
#include <boost/json.hpp>
#include <charconv>

#include "attachments/policy.hpp"
#include "domain/text.hpp"
#include "http/api/access.hpp"
#include "http/api/case_json.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/json_reader.hpp"
#include "http/api/route_groups.hpp"
#include "http/problem.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

// RFC 6266/5987: a UTF-8 file name in a Content-Disposition header.
std::string ContentDisposition(const std::string& filename) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char ch : filename) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0x0F];
    }
  }
  return "attachment; filename=\"attachment\"; filename*=UTF-8''" + encoded;
}

domain::CaseEvent::Visibility VisibilityOf(const std::vector<attachments::Part>& fields,
                                           bool staff) {
  if (!staff) return domain::CaseEvent::Visibility::kPublic;
  for (const auto& f : fields) {
    if (f.name == "visibility" && f.data == "internal") {
      return domain::CaseEvent::Visibility::kInternal;
    }
  }
  return domain::CaseEvent::Visibility::kPublic;
}

void Upload(const Dependencies& deps, const Request& request, const Caller& caller,
            Respond respond) {
  auto parts = attachments::ParseMultipart(request.Header("content-type"), request.body, {});
  if (!parts) {
    respond(Problem(parts.error(), request));
    return;
  }
  std::vector<attachments::Part> files = attachments::TakeFileParts(*parts);
  if (files.empty()) {
    respond(Problem(InvalidFields({{"files", MessageId::kRequired, {}}}), request));
    return;
  }
  const bool staff = caller.principal.kind == domain::Principal::Kind::kStaff;
  const auto visibility = VisibilityOf(*parts, staff);
  Blocking(
      request, respond,
      [&deps, &request, respond, &caller, staff, visibility, files = std::move(files)] {
        const std::string reference = request.path_params.at("reference");
        const std::optional<domain::StaffUser> user = staff ? caller.principal.staff : std::nullopt;
        auto existing = deps.staff_cases.Files(reference, user, caller.access_code);
        if (!existing) {
          respond(Problem(existing.error(), request));
          return;
        }
        auto accepted = deps.attachment_policy->AcceptUploads(files, existing->attachments.size());
        if (!accepted) {
          respond(Problem(accepted.error(), request));
          return;
        }
        deps.staff_cases.Attach(
            reference, user, caller.access_code, AttachmentRecords(*accepted, visibility),
            [&request, respond, reference](domain::Result<std::vector<app::Attachment>> stored) {
              if (!stored) {
                respond(Problem(stored.error(), request));
                return;
              }
              json::array items;
              for (const auto& a : *stored) items.push_back(AttachmentJson(a, reference));
              respond(JsonResponse(201, json::object{{"items", std::move(items)}}));
            });
      });
}

void Download(const Dependencies& deps, const Request& request, const Caller& caller,
              Respond respond) {
  Blocking(request, respond, [&deps, &request, respond, &caller] {
    const std::string reference = request.path_params.at("reference");
    const std::string& id_text = request.path_params.at("id");
    const bool staff = caller.principal.kind == domain::Principal::Kind::kStaff;
    const std::optional<domain::StaffUser> user = staff ? caller.principal.staff : std::nullopt;
    auto files = deps.staff_cases.Files(reference, user, caller.access_code);
    if (!files) {
      respond(Problem(files.error(), request));
      return;
    }
    std::int64_t id = 0;
    std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    const app::Attachment* found = nullptr;
    for (const auto& a : files->attachments) {
      if (a.id == id) found = &a;
    }
    if (found == nullptr) {
      respond(Problem(Error::Of(ErrorCode::kNotFound, MessageId::kRouteNotFound), request));
      return;
    }
    auto bytes = deps.file_store->Read(found->sha256);
    if (!bytes) {
      respond(Problem(bytes.error(), request));
      return;
    }
    Response response{200, found->media_type, std::move(*bytes), {}};
    response.headers.emplace_back("Content-Disposition", ContentDisposition(found->filename));
    response.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
    if (!user) {
      respond(std::move(response));
      return;
    }
    // A file may hold personal data: staff downloads are on the record before the bytes leave.
    deps.staff_cases.RecordFileRead(
        files->value, *found, *user,
        [&request, respond, response = std::move(response)](domain::Status s) mutable {
          if (!s.ok()) {
            respond(Problem(s.error(), request));
            return;
          }
          respond(std::move(response));
        });
  });
}

}  // namespace

std::vector<app::Attachment> AttachmentRecords(
    const std::vector<attachments::AcceptedFile>& accepted,
    domain::CaseEvent::Visibility visibility) {
  std::vector<app::Attachment> out;
  for (const auto& a : accepted) {
    app::Attachment record;
    record.sha256 = a.stored.sha256_hex;
    record.size = a.stored.size;
    record.media_type = a.media_type;
    record.filename = a.filename.empty() ? "attachment" : a.filename;
    record.visibility = visibility;
    out.push_back(std::move(record));
  }
  return out;
}

void SubmitWithFiles(
    const Dependencies& deps, const Request& request, const domain::Principal& principal,
    std::function<void(const json::object& form, std::vector<app::Attachment> files)> submit,
    Respond respond) {
  if (deps.attachment_policy == nullptr) {
    respond(Problem(Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedMediaType),
                    request));
    return;
  }
  auto parts = attachments::ParseMultipart(request.Header("content-type"), request.body, {});
  if (!parts) {
    respond(Problem(parts.error(), request));
    return;
  }
  std::vector<attachments::Part> files = attachments::TakeFileParts(*parts);
  const attachments::Part* form_part = nullptr;
  for (const auto& p : *parts) {
    if (p.name == "case") form_part = &p;
  }
  if (form_part == nullptr) {
    respond(Problem(InvalidFields({{"case", MessageId::kRequired, {}}}), request));
    return;
  }
  json::error_code ec;
  json::value form =
      domain::IsValidUtf8(form_part->data) ? json::parse(form_part->data, ec) : json::value();
  if (ec || !form.is_object()) {
    respond(Problem(Error::Of(ErrorCode::kMalformedRequest, MessageId::kMalformedJson), request));
    return;
  }
  const bool staff = principal.kind == domain::Principal::Kind::kStaff;
  const auto visibility = VisibilityOf(*parts, staff);
  Blocking(request, respond,
           [&deps, &request, respond, files = std::move(files), form = std::move(form),
            submit = std::move(submit), visibility] {
             // Every file is checked before any is kept (AcceptUploads); the form is validated
             // by submit, which records the case and its files in one transaction.
             auto accepted = deps.attachment_policy->AcceptUploads(files, 0);
             if (!accepted) {
               respond(Problem(accepted.error(), request));
               return;
             }
             submit(form.get_object(), AttachmentRecords(*accepted, visibility));
           });
}

void AddAttachmentRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kPost, "/api/v1/cases/{reference}/attachments", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          if (deps.attachment_policy == nullptr) {
            respond(Problem(
                Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedMediaType),
                request));
            return;
          }
          Upload(deps, request, caller, std::move(respond));
        });
  Guard(router, Method::kGet, "/api/v1/cases/{reference}/attachments/{id}", deps,
        [deps](const Request& request, const Caller& caller, Respond respond) {
          if (deps.file_store == nullptr) {
            respond(Problem(Error::Of(ErrorCode::kNotFound, MessageId::kRouteNotFound), request));
            return;
          }
          Download(deps, request, caller, std::move(respond));
        });
}

}  // namespace shakwa::http::api
