// SendMail over libcurl's SMTP client. curl speaks the whole exchange (EHLO, STARTTLS, AUTH, MAIL,
// RCPT, DATA with dot-stuffing, QUIT); this file chooses its options and judges its answer.
#include <algorithm>
#include <cctype>

#include "transport/easy.hpp"
#include "transport/transport.hpp"

namespace shakwa::transport {
namespace {

using internal::Easy;
using internal::StartsWithNoCase;

// An envelope address goes into "MAIL FROM:<…>" and "RCPT TO:<…>" as it is: anything that
// would end the command or the brackets early could smuggle in a command of its own.
bool IsEnvelopeAddress(std::string_view address) {
  return std::none_of(address.begin(), address.end(), [](char c) {
    return c == '<' || c == '>' || std::isspace(static_cast<unsigned char>(c)) ||
           std::iscntrl(static_cast<unsigned char>(c));
  });
}

// SMTP replies that refuse our credentials rather than the message (RFC 4954: 530 authentication
// required, 534 mechanism too weak, 535 credentials invalid, 538 encryption required): transient
// like a LOGIN_DENIED, for the reason given in transport.hpp.
bool IsAuthenticationReply(int code) {
  return code == 530 || code == 534 || code == 535 || code == 538;
}

Outcome Permanent(std::string detail) {
  return Outcome{Outcome::Kind::kPermanent, 0, "smtp: " + std::move(detail)};
}

// Feeds the message to curl as the DATA it uploads.
std::size_t ReadMessage(char* buffer, std::size_t size, std::size_t count, void* source) {
  auto* rest = static_cast<std::string_view*>(source);
  const std::size_t n = std::min(size * count, rest->size());
  std::copy_n(rest->data(), n, buffer);
  rest->remove_prefix(n);
  return n;
}

}  // namespace

std::optional<std::string> ProblemWith(const SmtpSettings& smtp) {
  const bool smtps = StartsWithNoCase(smtp.url, "smtps://");
  if (!smtps && !StartsWithNoCase(smtp.url, "smtp://")) {
    return "the url must start with smtp:// or smtps://";
  }
  if (smtp.tls != "none" && smtp.tls != "starttls" && smtp.tls != "tls") {
    return "tls must be \"none\", \"starttls\" or \"tls\"";
  }
  if (smtps != (smtp.tls == "tls")) {
    return smtps ? "an smtps:// url is implicit TLS: set tls to \"tls\""
                 : "tls \"tls\" is implicit TLS: it needs an smtps:// url";
  }
  if (smtp.username.empty() && !smtp.password.empty()) return "a password without a username";
  if (smtp.timeout <= std::chrono::milliseconds::zero()) return "the timeout must be positive";
  return std::nullopt;
}

Outcome SendMail(const SmtpSettings& smtp, std::string_view envelope_from,
                 std::string_view recipient, std::string_view message) {
  Initialise();
  if (auto problem = ProblemWith(smtp)) return Permanent(*problem);
  if (!IsEnvelopeAddress(envelope_from)) return Permanent("invalid envelope sender");
  if (recipient.empty() || !IsEnvelopeAddress(recipient)) return Permanent("invalid recipient");

  Easy easy("smtp,smtps", smtp.timeout, smtp.ca_file);
  easy.Set(CURLOPT_URL, smtp.url.c_str());
  // The total timeout does not cover the QUIT that curl sends when the handle is cleaned up, after
  // the mail was taken: its wait for the reply is bounded by this alone (120 s unless set).
  // Whole seconds in curl 7.88, so rounded up.
  easy.Set(CURLOPT_SERVER_RESPONSE_TIMEOUT,
           static_cast<long>(std::chrono::ceil<std::chrono::seconds>(smtp.timeout).count()));
  easy.Set(CURLOPT_USE_SSL, smtp.tls == "starttls" ? static_cast<long>(CURLUSESSL_ALL)
                                                   : static_cast<long>(CURLUSESSL_NONE));
  if (!smtp.username.empty()) {
    easy.Set(CURLOPT_USERNAME, smtp.username.c_str());
    easy.Set(CURLOPT_PASSWORD, smtp.password.c_str());
  }
  // Unset, curl sends the null sender "MAIL FROM:<>".
  const std::string from(envelope_from);
  if (!from.empty()) easy.Set(CURLOPT_MAIL_FROM, from.c_str());
  internal::Slist recipients;
  if (!internal::Append(recipients, std::string(recipient))) {
    return Outcome{Outcome::Kind::kTransient, 0, "smtp: out of memory"};
  }
  easy.Set(CURLOPT_MAIL_RCPT, recipients.get());

  std::string_view rest = message;
  easy.Set(CURLOPT_UPLOAD, 1L);
  easy.Set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  easy.Set(CURLOPT_READFUNCTION, &ReadMessage);
  easy.Set(CURLOPT_READDATA, static_cast<void*>(&rest));

  const CURLcode result = easy.Perform();
  const int code = easy.ResponseCode();
  if (result == CURLE_OK) return Outcome{Outcome::Kind::kDelivered, code, "smtp: accepted"};

  std::vector<std::string_view> secrets = internal::UrlSecrets(smtp.url);
  secrets.push_back(smtp.password);
  const std::string detail = easy.Describe("smtp", result, secrets);
  // A reply code of 4xx or 5xx is the server's own verdict; any other code (the 220 before a TLS
  // handshake that failed, the 354 before a connection lost in DATA) says nothing about the
  // failure, and curl's code decides.
  if (code >= 400 && code < 500) return Outcome{Outcome::Kind::kTransient, code, detail};
  if (code >= 500 && code < 600) {
    return Outcome{
        IsAuthenticationReply(code) ? Outcome::Kind::kTransient : Outcome::Kind::kPermanent, code,
        detail};
  }
  return Outcome{internal::KindOfFailure(result), 0, detail};
}

}  // namespace shakwa::transport
