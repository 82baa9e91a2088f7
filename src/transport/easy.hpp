// Internal to shakwa_transport: what SendMail and Post share. One curl easy handle for one
// delivery, with the options every delivery needs, and the turning of curl's failure into an
// Outcome. Includes curl, so it is never included by a public header.
//
// Thread safety: an Easy belongs to the one call that made it.
#pragma once

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transport/transport.hpp"

namespace shakwa::transport::internal {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Appends line to list; false (list unchanged) when curl cannot allocate.
bool Append(Slist& list, const std::string& line);

class Easy {
 public:
  // protocols: curl's list of the schemes allowed ("smtp,smtps"), so a URL of another scheme
  // (file://, and so on) is refused whatever it says. Sets no signals, the total timeout, the
  // CA file when not empty, and an error buffer.
  Easy(const char* protocols, std::chrono::milliseconds timeout, const std::string& ca_file);
  ~Easy();
  Easy(const Easy&) = delete;
  Easy& operator=(const Easy&) = delete;

  // curl_easy_setopt, remembering the first failure so that Perform reports it. value must
  // have the type curl expects for option: long, curl_off_t, a pointer or a function pointer.
  template <typename T>
  void Set(CURLoption option, T value) {
    if (setup_ == CURLE_OK) setup_ = curl_easy_setopt(handle_, option, value);
  }

  // Runs the transfer (or returns the first Set failure without running it).
  CURLcode Perform();

  // CURLINFO_RESPONSE_CODE: the last SMTP reply code or the HTTP status; 0 when there was none.
  int ResponseCode() const;

  // "<what>: <curl's message>", short, with each of secrets replaced by "***". Only our words and
  // curl's go in; secrets is the second line of defence.
  std::string Describe(std::string_view what, CURLcode code,
                       const std::vector<std::string_view>& secrets) const;

 private:
  CURL* handle_;
  CURLcode setup_ = CURLE_OK;
  std::array<char, CURL_ERROR_SIZE> error_{};
};

// The kind of a failure curl reports without a reply code to judge by (see transport.hpp):
// kPermanent only for a request that can never be made as built, kTransient otherwise.
Outcome::Kind KindOfFailure(CURLcode code);

// text with every occurrence of each non-empty secret replaced by "***".
std::string Redact(std::string text, const std::vector<std::string_view>& secrets);

// Values shorter than this are not masked in a detail as header values or bodies: curl's messages
// never quote those, and masking "1" or "json" would garble the text for no gain. (A password is
// masked whatever its length.)
inline constexpr std::size_t kMinMaskedBytes = 8;

// The parts of url that may carry a secret, for Redact: the user information before an '@', and
// the path and query (a webhook URL may hold its token there) when kMinMaskedBytes or longer.
std::vector<std::string_view> UrlSecrets(std::string_view url);

// True if text starts with lower_prefix, compared ignoring the case of ASCII letters.
bool StartsWithNoCase(std::string_view text, std::string_view lower_prefix);

// True if text holds CR, LF or NUL: it would end a protocol line early and smuggle in another.
bool BreaksLine(std::string_view text);

}  // namespace shakwa::transport::internal
