#include "main/courier.hpp"

#include <boost/json.hpp>

#include "domain/calendar.hpp"
#include "domain/case.hpp"
#include "domain/lifecycle.hpp"
#include "mail/mail.hpp"
#include "notify/templates.hpp"
#include "transport/transport.hpp"

namespace shakwa::main {
namespace {

namespace json = boost::json;
using Outcome = app::Courier::Outcome;

constexpr std::string_view kWebhookEndpoint = "default";

Outcome From(const transport::Outcome& sent) {
  Outcome out;
  switch (sent.kind) {
    case transport::Outcome::Kind::kDelivered:
      out.kind = Outcome::Kind::kDelivered;
      break;
    case transport::Outcome::Kind::kTransient:
      out.kind = Outcome::Kind::kTransient;
      break;
    case transport::Outcome::Kind::kPermanent:
      out.kind = Outcome::Kind::kPermanent;
      break;
  }
  out.detail = sent.detail;
  return out;
}

Outcome Permanent(std::string detail) {
  return Outcome{Outcome::Kind::kPermanent, std::move(detail)};
}

std::string Text(const json::object& o, std::string_view key) {
  if (const json::value* v = o.if_contains(key); v && v->is_string()) {
    return std::string(v->as_string());
  }
  return {};
}

template <typename E>
std::string Label(std::string_view wire, domain::Language language) {
  if (auto value = domain::FromName<E>(wire)) {
    return std::string(domain::LabelOf(*value, language));
  }
  return std::string(wire);
}

std::string_view Tag(domain::Language language) {
  return language == domain::Language::kArabic ? "ar" : "en";
}

}  // namespace

MessageCourier::MessageCourier(CourierSettings settings, const app::Clock& clock,
                               std::shared_ptr<const app::TimeRulesSource> time)
    : settings_(std::move(settings)),
      clock_(clock),
      time_(std::move(time)),
      templates_(std::make_shared<const notify::Templates>(notify::Templates::Defaults())) {
  transport::Initialise();
}

MessageCourier::~MessageCourier() = default;

bool MessageCourier::Offers(Channel channel) const {
  switch (channel) {
    case Channel::kEmail:
      return !settings_.smtp.url.empty();
    case Channel::kSms:
      return !settings_.sms.url.empty();
    case Channel::kWebhook:
      return !settings_.webhook.url.empty();
  }
  return false;
}

std::vector<std::string> MessageCourier::WebhookEndpoints() const {
  if (settings_.webhook.url.empty()) return {};
  return {std::string(kWebhookEndpoint)};
}

std::shared_ptr<const notify::Templates> MessageCourier::templates() const {
  std::lock_guard lock(mutex_);
  return templates_;
}

namespace {

domain::Result<notify::Part> PartNamed(const std::string& name) {
  if (auto part = notify::PartFromName(name)) return *part;
  domain::Error e =
      domain::Error::Of(domain::ErrorCode::kInvalidInput, domain::MessageId::kValidationFailed);
  e.fields.push_back({"part", domain::MessageId::kNotOneOf, "subject, text, sms"});
  return e;
}

}  // namespace

std::vector<app::TemplateView> MessageCourier::List() const {
  const auto current = templates();
  std::vector<app::TemplateView> out;
  for (const notify::TemplateInfo& info : notify::TemplateCatalogue()) {
    app::TemplateView view;
    view.name = info.name;
    view.for_staff = info.for_staff;
    view.description_ar = info.description_ar;
    view.description_en = info.description_en;
    view.variables = info.variables;
    for (domain::Language language : {domain::Language::kArabic, domain::Language::kEnglish}) {
      for (notify::Part part : {notify::Part::kSubject, notify::Part::kText, notify::Part::kSms}) {
        view.bodies.push_back(
            {language, std::string(notify::NameOf(part)), current->Get(info.name, language, part)});
      }
    }
    out.push_back(std::move(view));
  }
  return out;
}

domain::Status MessageCourier::Check(const std::string& name, domain::Language language,
                                     const std::string& part, const std::string& body) const {
  auto which = PartNamed(part);
  if (!which) return std::move(which).error();
  notify::Templates trial = *templates();
  return trial.Set(name, language, *which, body);
}

domain::Status MessageCourier::Apply(const std::string& name, domain::Language language,
                                     const std::string& part, std::string body) {
  auto which = PartNamed(part);
  if (!which) return std::move(which).error();
  std::lock_guard lock(mutex_);
  auto changed = std::make_shared<notify::Templates>(*templates_);
  if (domain::Status s = changed->Set(name, language, *which, std::move(body)); !s.ok()) return s;
  templates_ = std::move(changed);
  return domain::Status::Ok();
}

std::string MessageCourier::TemplateData(const Message& m) const {
  const app::Notification& n = m.notification;
  const domain::Case& c = m.subject_case;
  const domain::Language lang = m.language;
  json::object stored;
  if (!n.data.empty()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(n.data, ec);
    if (!ec && parsed.is_object()) stored = std::move(parsed.as_object());
  }
  json::object event;
  if (const json::value* e = stored.if_contains("event"); e && e->is_object()) {
    event = e->as_object();
  }
  const bool arabic = lang == domain::Language::kArabic;
  const std::string reference = c.reference.ToString();
  const std::string lang_query = arabic ? "" : "?lang=en";
  auto when = [&](const std::optional<domain::Instant>& at) -> json::value {
    if (!at) return nullptr;
    return json::value(domain::FormatForPeople(*at, lang));
  };

  json::object d;
  d["centre"] = arabic ? settings_.centre_ar : settings_.centre_en;
  d["reference"] = reference;
  d["case_subject"] = c.subject;
  d["kind"] = std::string(domain::LabelOf(c.kind, lang));
  const std::string status = Text(stored, "status");
  d["status"] = status.empty() ? std::string(domain::LabelOf(c.status, lang))
                               : Label<domain::CaseStatus>(status, lang);
  if (auto previous = Text(stored, "previous_status"); !previous.empty()) {
    d["previous_status"] = Label<domain::CaseStatus>(previous, lang);
  }
  d["resolution_by"] = when(c.clock.resolution_due_at);

  if (n.recipient == app::Notification::Recipient::kStaff) {
    d["staff_name"] = m.recipient_name;
    d["case_url"] = settings_.public_url + "/staff/cases/" + reference;
    d["priority"] = std::string(domain::LabelOf(c.handling.priority, lang));
  } else {
    d["name"] = c.beneficiary.name;
    d["track_url"] = settings_.public_url + "/track" + lang_query;
    d["guide_url"] = settings_.public_url + "/guide" + lang_query;
  }
  if (n.secret) d["access_code"] = *n.secret;
  d["received_at"] = domain::FormatForPeople(c.received_at, lang);
  d["first_response_by"] = when(c.clock.first_response_due_at);
  // What staff wrote for the beneficiary: a reply, a question, a decision or a reason.
  for (std::string_view key : {"text", "decision", "reason", "note"}) {
    if (auto text = Text(event, key); !text.empty()) {
      d["message"] = text;
      break;
    }
  }
  if (auto outcome = Text(stored, "outcome"); !outcome.empty()) {
    d["outcome"] = Label<domain::CaseStatus>(outcome, lang);
  }
  if (const json::value* level = stored.if_contains("level")) d["level"] = *level;
  if (auto name = Text(stored, arabic ? "level_name_ar" : "level_name_en"); !name.empty()) {
    d["level_name"] = name;
  }
  const bool recourse = n.template_name == "external_recourse" || n.template_name == "decision";
  if (recourse && time_) {
    const domain::ExternalRecourse& external = time_->Current()->ladder().external;
    d["recourse_name"] = arabic ? external.name_ar : external.name_en;
    d["recourse_how"] = arabic ? external.how_ar : external.how_en;
  }
  return json::serialize(d);
}

app::Courier::Outcome MessageCourier::Send(const Message& m) {
  const app::Notification& n = m.notification;
  const std::string reference = m.subject_case.reference.ToString();
  if (m.channel == Channel::kWebhook) {
    if (settings_.webhook.url.empty()) return Permanent("no webhook endpoint configured");
    json::object body;
    body["id"] = n.dedupe_key;
    body["type"] = n.template_name;
    body["created_at"] = domain::FormatIso8601(n.created_at);
    boost::system::error_code ec;
    json::value data = json::parse(n.data.empty() ? "{}" : n.data, ec);
    body["data"] = ec ? json::value(json::object{}) : std::move(data);
    const std::string payload = json::serialize(body);
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    transport::HttpPost post;
    post.url = settings_.webhook.url;
    post.ca_file = settings_.webhook.ca_file;
    post.body = payload;
    post.headers = {{"Content-Type", "application/json"},
                    {"Idempotency-Key", n.dedupe_key},
                    {"X-Shakwa-Event", n.template_name},
                    {"X-Shakwa-Signature",
                     transport::WebhookSignature(settings_.webhook.secret, seconds, payload)}};
    return From(transport::Post(post));
  }

  const auto templates = this->templates();
  auto rendered = templates->Render(n.template_name, m.language, TemplateData(m));
  if (!rendered) return Permanent("template " + n.template_name + " could not be rendered");

  if (m.channel == Channel::kSms) {
    auto body = notify::RenderJsonBody(settings_.sms.body, {{"to", m.address},
                                                            {"text", rendered->sms},
                                                            {"reference", reference},
                                                            {"id", n.dedupe_key}});
    if (!body) return Permanent("the SMS body template could not be rendered");
    transport::HttpPost post;
    post.url = settings_.sms.url;
    post.ca_file = settings_.sms.ca_file;
    post.body = std::move(*body);
    post.headers = {{"Content-Type", settings_.sms.content_type},
                    {"Idempotency-Key", n.dedupe_key}};
    if (!settings_.sms.authorization.empty()) {
      post.headers.emplace_back("Authorization", settings_.sms.authorization);
    }
    return From(transport::Post(post));
  }

  mail::OutboundMail out;
  out.from_address = settings_.smtp.from;
  out.from_name =
      settings_.smtp.from_name.empty()
          ? (m.language == domain::Language::kArabic ? settings_.centre_ar : settings_.centre_en)
          : settings_.smtp.from_name;
  out.to_address = m.address;
  out.to_name = m.recipient_name;
  out.subject = rendered->subject;
  out.text = rendered->text;
  out.html = rendered->html;
  // The same id for the same notification, so a message sent twice is known as one; every
  // message about a case threads under its acknowledgement.
  out.message_id =
      mail::MessageIdFor(m.subject_case.reference, n.dedupe_key, settings_.mail_domain);
  const std::string root_key = "acknowledgement:" + reference;
  if (n.dedupe_key != root_key) {
    out.thread_ids.push_back(
        mail::MessageIdFor(m.subject_case.reference, root_key, settings_.mail_domain));
  }
  out.language = std::string(Tag(m.language));
  out.date = clock_.Now();
  out.extra_headers = {{"X-Shakwa-Reference", reference}, {"X-Shakwa-Notification", n.dedupe_key}};
  transport::SmtpSettings smtp;
  smtp.url = settings_.smtp.url;
  smtp.tls = settings_.smtp.tls;
  smtp.username = settings_.smtp.username;
  smtp.password = settings_.smtp.password;
  smtp.ca_file = settings_.smtp.ca_file;
  smtp.timeout = std::chrono::seconds(settings_.smtp.timeout_seconds);
  return From(transport::SendMail(smtp, settings_.smtp.from, m.address, mail::ComposeMail(out)));
}

}  // namespace shakwa::main
