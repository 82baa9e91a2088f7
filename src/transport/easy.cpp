#include "transport/easy.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

namespace shakwa::transport {

void Initialise() {
  static std::once_flag once;
  // call_once runs this again on the next call if it throws, which is what a caller that
  // retries start-up wants.
  std::call_once(once, [] {
    if (const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
      throw std::runtime_error(std::string("curl_global_init: ") + curl_easy_strerror(code));
    }
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  });
}

std::string_view KindName(Outcome::Kind kind) {
  switch (kind) {
    case Outcome::Kind::kDelivered:
      return "delivered";
    case Outcome::Kind::kTransient:
      return "transient";
    case Outcome::Kind::kPermanent:
      return "permanent";
  }
  return "unknown";
}

namespace internal {

namespace {
constexpr std::size_t kMaxDetailBytes = 300;
}  // namespace

bool Append(Slist& list, const std::string& line) {
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (head == nullptr) return false;
  (void)list.release();  // head now owns the old nodes too
  list.reset(head);
  return true;
}

Easy::Easy(const char* protocols, std::chrono::milliseconds timeout, const std::string& ca_file)
    : handle_(curl_easy_init()) {
  if (handle_ == nullptr) {
    setup_ = CURLE_FAILED_INIT;
    return;
  }
  Set(CURLOPT_ERRORBUFFER, error_.data());
  // Signals would be process-wide and race between threads; curl's threaded resolver (Debian's
  // build) times out name lookups without them.
  Set(CURLOPT_NOSIGNAL, 1L);
  Set(CURLOPT_PROTOCOLS_STR, protocols);
  Set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (!ca_file.empty()) Set(CURLOPT_CAINFO, ca_file.c_str());
}

Easy::~Easy() {
  if (handle_ != nullptr) curl_easy_cleanup(handle_);
}

CURLcode Easy::Perform() {
  if (setup_ != CURLE_OK) return setup_;
  return curl_easy_perform(handle_);
}

int Easy::ResponseCode() const {
  long code = 0;
  if (handle_ == nullptr || curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) {
    return 0;
  }
  return static_cast<int>(code);
}

std::string Easy::Describe(std::string_view what, CURLcode code,
                           const std::vector<std::string_view>& secrets) const {
  // curl's buffer has the specific story ("Failed to connect to 127.0.0.1 port 9 after 0 ms:
  // Couldn't connect to server"); its strerror is the fallback when the buffer stayed empty.
  std::string message(error_.data());
  if (message.empty()) message = curl_easy_strerror(code);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  std::string detail = Redact(std::string(what) + ": " + message, secrets);
  if (detail.size() > kMaxDetailBytes) detail.resize(kMaxDetailBytes);
  return detail;
}

Outcome::Kind KindOfFailure(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return Outcome::Kind::kDelivered;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
      return Outcome::Kind::kPermanent;
    default:
      // Network, DNS, timeouts, TLS handshake and verification, login denied, STARTTLS not
      // offered, and whatever else: see transport.hpp for why all of these are transient.
      return Outcome::Kind::kTransient;
  }
}

std::string Redact(std::string text, const std::vector<std::string_view>& secrets) {
  constexpr std::string_view kMask = "***";
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMask.size())) {
      text.replace(at, secret.size(), kMask);
    }
  }
  return text;
}

std::vector<std::string_view> UrlSecrets(std::string_view url) {
  std::vector<std::string_view> secrets;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return secrets;
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t path_start = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, path_start);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos && at > 0) {
    secrets.push_back(authority.substr(0, at));
  }
  if (path_start != std::string_view::npos && rest.size() - path_start >= kMinMaskedBytes) {
    secrets.push_back(rest.substr(path_start));
  }
  return secrets;
}

bool StartsWithNoCase(std::string_view text, std::string_view lower_prefix) {
  return text.size() >= lower_prefix.size() &&
         std::equal(lower_prefix.begin(), lower_prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(b)) == a;
         });
}

bool BreaksLine(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace internal
}  // namespace shakwa::transport
