// MessageCourier: the Courier port's adapter. It renders a notification from its template in the
// recipient's language (notify), composes the e-mail (mail: multipart text + HTML, threaded on
// the case's acknowledgement) and sends it over the configured transport (transport: SMTP, the
// SMS gateway, signed webhooks).
//
// Secrets (the SMTP password, the webhook signing key, the gateway's authorization) live only
// here, in memory, from the settings or their files; never in the database or the logs.
//
// Thread safety: Send may be called from several threads; the templates are swapped whole.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/courier.hpp"
#include "app/ports/template_book.hpp"
#include "app/time_rules_source.hpp"

namespace shakwa::notify {
class Templates;
}

namespace shakwa::main {

struct CourierSettings {
  struct Smtp {
    std::string url;  // empty: no e-mail
    std::string tls = "none";
    std::string username, password, ca_file;
    std::string from, from_name;
    int timeout_seconds = 30;
  } smtp;
  struct Sms {
    std::string url;  // empty: no SMS
    std::string body = R"({"to":"{{to}}","text":"{{text}}"})";
    std::string content_type = "application/json";
    std::string authorization;  // the Authorization header's value, if the gateway wants one
    std::string ca_file;
  } sms;
  struct Webhook {
    std::string url;  // empty: no webhooks
    std::string secret;
    std::string ca_file;
  } webhook;
  std::string public_url = "http://127.0.0.1:8080";  // links in messages
  std::string centre_ar = "المركز";
  std::string centre_en = "The Centre";
  std::string mail_domain = "shakwa.invalid";  // the right-hand side of our Message-IDs
};

class MessageCourier final : public app::Courier, public app::TemplateBook {
 public:
  MessageCourier(CourierSettings settings, const app::Clock& clock,
                 std::shared_ptr<const app::TimeRulesSource> time);
  ~MessageCourier() override;

  bool Offers(Channel channel) const override;
  std::vector<std::string> WebhookEndpoints() const override;
  Outcome Send(const Message& m) override;

  // TemplateBook
  std::vector<app::TemplateView> List() const override;
  domain::Status Check(const std::string& name, domain::Language language, const std::string& part,
                       const std::string& body) const override;
  domain::Status Apply(const std::string& name, domain::Language language, const std::string& part,
                       std::string body) override;

  std::shared_ptr<const notify::Templates> templates() const;

  // The template data for m: the notification's own data with the case's, as people read them.
  std::string TemplateData(const Message& m) const;

 private:
  CourierSettings settings_;
  const app::Clock& clock_;
  std::shared_ptr<const app::TimeRulesSource> time_;
  mutable std::mutex mutex_;
  std::shared_ptr<const notify::Templates> templates_;  // GUARDED_BY(mutex_)
};

}  // namespace shakwa::main
