// Post over libcurl's HTTP client: one request, no redirects, the status judged, the response body
// read only as far as a small limit.
#include <algorithm>
#include <cctype>

#include "transport/easy.hpp"
#include "transport/transport.hpp"

namespace shakwa::transport {
namespace {

using internal::Easy;
using internal::kMinMaskedBytes;
using internal::StartsWithNoCase;

// Enough for any error document worth reading; a receiver streaming more is cut off (the status
// is already known by then).
constexpr std::size_t kMaxResponseBytes = std::size_t{16} * 1024;

// RFC 9110 5.6.2 token.
bool IsToken(std::string_view name) {
  constexpr std::string_view kPunctuation = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kPunctuation.find(c) != std::string_view::npos;
  });
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

Outcome Permanent(int status, std::string detail) {
  return Outcome{Outcome::Kind::kPermanent, status, "http: " + std::move(detail)};
}

// RFC 9110 15.5.9 (408), RFC 8470 (425), RFC 6585 (429) and every 5xx say "not now"; every other
// 4xx says the request itself is refused.
Outcome::Kind KindOfStatus(int status) {
  if (status >= 200 && status < 300) return Outcome::Kind::kDelivered;
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
    return Outcome::Kind::kTransient;
  }
  return Outcome::Kind::kPermanent;
}

struct Sink {
  std::size_t received = 0;
};

// Counts and drops the response body; returning less than given makes curl stop with
// CURLE_WRITE_ERROR once the limit is passed.
std::size_t DropResponse(char* /*data*/, std::size_t size, std::size_t count, void* sink) {
  auto* state = static_cast<Sink*>(sink);
  state->received += size * count;
  return state->received > kMaxResponseBytes ? 0 : size * count;
}

}  // namespace

Outcome Post(const HttpPost& request) {
  Initialise();
  if (!StartsWithNoCase(request.url, "http://") && !StartsWithNoCase(request.url, "https://")) {
    return Permanent(0, "the url must start with http:// or https://");
  }
  if (request.timeout <= std::chrono::milliseconds::zero()) {
    return Permanent(0, "the timeout must be positive");
  }

  std::vector<std::string_view> secrets = internal::UrlSecrets(request.url);
  internal::Slist headers;
  bool has_content_type = false;
  bool ok = true;
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) return Permanent(0, "invalid header name");
    if (internal::BreaksLine(value)) return Permanent(0, "invalid value for header " + name);
    has_content_type = has_content_type || EqualsNoCase(name, "content-type");
    // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
    std::string line = name;
    line += value.empty() ? ";" : ": ";
    line += value;
    ok = ok && internal::Append(headers, line);
    if (value.size() >= kMinMaskedBytes) secrets.push_back(value);
  }
  // Without these, curl would send "Content-Type: application/x-www-form-urlencoded" and, for a
  // large body, wait a second for a "100 Continue" that many receivers never send.
  if (!has_content_type) ok = ok && internal::Append(headers, "Content-Type:");
  ok = ok && internal::Append(headers, "Expect:");
  if (!ok) return Outcome{Outcome::Kind::kTransient, 0, "http: out of memory"};
  if (request.body.size() >= kMinMaskedBytes) secrets.push_back(request.body);

  Easy easy("http,https", request.timeout, request.ca_file);
  easy.Set(CURLOPT_URL, request.url.c_str());
  easy.Set(CURLOPT_FOLLOWLOCATION, 0L);
  easy.Set(CURLOPT_USERAGENT, "Shakwa");
  easy.Set(CURLOPT_HTTPHEADER, headers.get());
  easy.Set(CURLOPT_POST, 1L);
  easy.Set(CURLOPT_POSTFIELDS, request.body.data());
  easy.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  Sink sink;
  easy.Set(CURLOPT_WRITEFUNCTION, &DropResponse);
  easy.Set(CURLOPT_WRITEDATA, static_cast<void*>(&sink));

  const CURLcode result = easy.Perform();
  const int status = easy.ResponseCode();
  // Once a final status has arrived, it is the receiver's verdict, whatever happened to the
  // response body after it (cut off here, or lost).
  if (status >= 200) {
    const Outcome::Kind kind = KindOfStatus(status);
    std::string detail = "http: status " + std::to_string(status);
    if (status >= 300 && status < 400) detail += " (redirects are not followed)";
    return Outcome{kind, status, std::move(detail)};
  }
  return Outcome{internal::KindOfFailure(result), 0, easy.Describe("http", result, secrets)};
}

}  // namespace shakwa::transport
