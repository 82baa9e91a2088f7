// Delivery of Shakwa's outgoing messages over real protocols: mail to an SMTP relay, webhooks as
// HTTP POSTs, and the signature that lets a webhook's receiver trust one.
//
// One call is one delivery attempt, and its Outcome says whether to try again. Nothing here
// retries, queues or remembers: the outbox that calls it owns the schedule. Delivery is
// at-least-once: a connection lost after the server took the message but before its answer
// arrived is kTransient, and the retry sends the message a second time (receivers dedupe on the
// Message-ID or the webhook's own id).
//
// Transient or permanent. kPermanent means the same attempt would fail the same way, whenever it
// is made: the request can never be sent as built (malformed URL, unsupported scheme, a CR or LF
// in an address or header, settings that contradict themselves), or the receiver refused this
// message (SMTP 5xx for the sender, recipient or content; HTTP 4xx other than 408, 425 and 429;
// a redirect, which is not followed). kTransient covers everything about the channel: the network
// (refused, reset, timed out, no DNS answer), the receiver's state (SMTP 4xx, HTTP 408, 425, 429
// and 5xx), and also the credentials and trust of this deployment: a wrong SMTP password, a server
// that does not offer the STARTTLS we require, a certificate that does not verify. Those fail
// every message alike until someone fixes a setting or renews a certificate, and then the
// retries go through, where a permanent failure would have dropped every notification sent in
// the meantime. (Postfix does the same: smtp_sasl_auth_soft_bounce and its TLS policy defer.)
// An unknown curl failure is kTransient too: the outbox's attempt limit bounds a wrong guess,
// while a wrong kPermanent loses a message.
//
// Secrets: Outcome::detail never holds a password, an Authorization or other header value, a
// message or request body, or a URL (a webhook URL may carry a token in its path); it holds our
// own words, curl's error text, and the status code.
//
// Thread safety: every function may be called from any thread at once; each delivery uses its own
// curl easy handle and shares nothing. Initialise() runs curl_global_init once for the process.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shakwa::transport {

// What happened to one delivery attempt (see "Transient or permanent" above).
struct Outcome {
  enum class Kind { kDelivered, kTransient, kPermanent };
  Kind kind = Kind::kTransient;
  // The SMTP reply or HTTP status that decided: 250 for mail taken, the 4xx or 5xx that refused
  // it, the HTTP status. 0 when no reply decided (no connection, TLS, a timeout, a bad request).
  int code = 0;
  std::string detail;  // short, for the timeline and logs; no secrets, no body (see above)

  bool delivered() const { return kind == Kind::kDelivered; }
};

std::string_view KindName(Outcome::Kind kind);  // "delivered", "transient", "permanent"

struct SmtpSettings {
  std::string url;           // "smtp://host:port" or "smtps://host:port" (implicit TLS)
  std::string tls = "none";  // "none"; "starttls" (required: no STARTTLS offered, no mail);
                             // "tls" (implicit, with an smtps:// url)
  // AUTH (whichever of PLAIN, LOGIN, … the server offers) when username is not empty. With tls
  // "none" the password crosses the network in the clear: for a relay on a trusted network only.
  std::string username, password;
  // The CA certificates (PEM) to trust instead of the system's bundle; a self-signed server
  // certificate may be given as its own CA. Empty: the system's bundle. Either way the server's
  // name or IP address must match its certificate.
  std::string ca_file;
  // The exchange from connect to the reply to the data, and each single reply's wait. curl's QUIT
  // comes after the verdict and waits up to this again, so a call takes at most twice this.
  std::chrono::milliseconds timeout{30000};
};

// Why settings can never send mail ("the url must start with smtp:// or smtps://"), or nullopt when
// they may. SendMail checks this too; call it at start-up to fail fast on a bad configuration.
std::optional<std::string> ProblemWith(const SmtpSettings& smtp);

// Sends message (RFC 5322 bytes with CRLF line ends; curl dot-stuffs it) from envelope_from to
// one recipient. envelope_from may be empty (the null sender, "<>"). kDelivered once the server
// answered 250 to the end of the data. Addresses with CR, LF, NUL, '<', '>' or spaces are
// kPermanent without any connection.
Outcome SendMail(const SmtpSettings& smtp, std::string_view envelope_from,
                 std::string_view recipient, std::string_view message);

struct HttpPost {
  std::string url;  // http:// or https://
  // Sent as given after curl's own (Host, User-Agent, Content-Length). Without a Content-Type
  // here, none is sent. Names must be tokens and values must hold no CR, LF or NUL.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string ca_file;  // as SmtpSettings::ca_file
  std::chrono::milliseconds timeout{15000};
};

// One POST: kDelivered on 2xx. Redirects are not followed (a 3xx is kPermanent: the URL is
// wrong). Only the status is used; at most a few KiB of the response body are read.
Outcome Post(const HttpPost& request);

// The webhook signature header (the Stripe scheme): "t=<unix seconds>,v1=<lower-hex
// HMAC-SHA256(secret, "<t>.<body>")>". The timestamp lets a receiver refuse replays.
std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body);

// True if header carries a v1 signature of body under secret, with a timestamp within
// tolerance_seconds of now (either way: a clock ahead is refused as much as an old one).
// Elements other than t and v1 are ignored and several v1 are allowed (a receiver rotating
// secrets), as in Stripe's scheme. Compares in constant time.
bool VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body,
                            std::int64_t now_unix_seconds, std::int64_t tolerance_seconds);

// curl_global_init (and sodium_init), once per process whichever thread comes first; every
// function above calls it. Throws std::runtime_error if curl cannot initialise.
void Initialise();

}  // namespace shakwa::transport
