// POST /api/v1/mailgate: one e-mail, as the mail server received it (message/rfc822), from
// `shakwa mailgate`. The message is read with GMime (mail/), its attachments go through the same
// checks as uploads, and ReceiveMail decides whether it opens a case, joins one, or is machine
// mail to ignore.
#include <boost/json.hpp>

#include "attachments/multipart.hpp"
#include "http/api/access.hpp"
#include "http/api/handler_support.hpp"
#include "http/api/route_groups.hpp"
#include "http/problem.hpp"
#include "mail/mail.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

// The files of a message that may be kept. A mail is not refused for one bad attachment (the
// complaint still counts): each is checked on its own, and what is refused is named in the
// text staff read.
std::vector<app::Attachment> KeepAttachments(const Dependencies& deps,
                                             std::vector<mail::Attachment> files,
                                             std::string& text) {
  std::vector<app::Attachment> kept;
  if (files.empty()) return kept;
  if (deps.attachment_policy == nullptr) {
    const std::string n = std::to_string(files.size());
    text += "\n\n[لم تُحفظ المرفقات (" + n + "): المرفقات غير مفعّلة | " + n +
            " attachment(s) not kept: attachments are off]";
    return kept;
  }
  std::size_t count = 0;
  for (mail::Attachment& file : files) {
    attachments::Part part;
    part.name = "attachment";
    part.filename = file.filename.empty() ? "attachment" : file.filename;
    part.content_type = file.media_type;
    part.data = std::move(file.bytes);
    const std::vector<attachments::Part> one{std::move(part)};
    auto accepted = deps.attachment_policy->AcceptUploads(one, count);
    if (!accepted) {
      // Staff read why, in both languages, where they read the message.
      const Error& e = accepted.error();
      const std::string& ar = e.message_param_ar.empty() ? e.message_param : e.message_param_ar;
      text += "\n\n[لم يُحفظ المرفق \"" + file.filename +
              "\": " + domain::Message(e.message, domain::Language::kArabic, ar) +
              " | attachment \"" + file.filename + "\" not kept: " +
              domain::Message(e.message, domain::Language::kEnglish, e.message_param) + "]";
      continue;
    }
    for (auto& a : AttachmentRecords(*accepted, domain::CaseEvent::Visibility::kPublic)) {
      kept.push_back(std::move(a));
      ++count;
    }
  }
  return kept;
}

}  // namespace

void AddMailgateRoutes(Router& router, const Dependencies& deps) {
  Guard(router, Method::kPost, "/api/v1/mailgate", deps,
        [deps](const Request& request, const Caller&, Respond respond) {
          if (deps.receive_mail == nullptr) {
            respond(Problem(Error::Of(ErrorCode::kNotFound, MessageId::kRouteNotFound), request));
            return;
          }
          Blocking(request, respond, [&deps, &request, respond] {
            auto parsed = mail::ParseMail(request.body, deps.mailgate_max_bytes);
            if (!parsed) {
              respond(Problem(parsed.error(), request));
              return;
            }
            app::InboundMessage message;
            message.from_address = parsed->from_address;
            message.from_name = parsed->from_name;
            message.subject = parsed->subject;
            message.message_id = parsed->message_id;
            message.reference = mail::FindReference(*parsed);
            message.automated = parsed->automated;
            message.text = std::move(parsed->text);
            // Machine mail is dropped before its files are looked at, let alone kept.
            std::vector<app::Attachment> files;
            if (!message.automated) {
              files = KeepAttachments(deps, std::move(parsed->attachments), message.text);
            }
            deps.receive_mail->Receive(
                std::move(message), std::move(files),
                [&request, respond](domain::Result<app::MailReceipt> receipt) {
                  if (!receipt) {
                    respond(Problem(receipt.error(), request));
                    return;
                  }
                  json::object body;
                  body["outcome"] = app::NameOf(receipt->outcome);
                  if (!receipt->reference.empty()) body["reference"] = receipt->reference;
                  if (!receipt->reason.empty()) body["reason"] = receipt->reason;
                  respond(JsonResponse(
                      receipt->outcome == app::MailReceipt::Outcome::kOpened ? 201 : 200, body));
                });
          });
        });
}

}  // namespace shakwa::http::api
