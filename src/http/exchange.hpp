// What an HTTP handler sees and gives back, free of Boost.Beast so that handlers compile fast and
// can be tested without a socket.
//
// Contract: a handler is called on an I/O thread and must not block there; it calls Respond
// exactly once, from any thread, possibly later (after a commit, or after work on the blocking
// pool via Request::blocking). The Request stays valid until Respond is called.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/messages.hpp"

namespace shakwa::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view NameOf(Method method);

struct Request {
  Method method = Method::kGet;
  std::string path;                                          // without the query string
  std::string query;                                         // after '?', undecoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;  // from "{name}" in the route

  std::string request_id;
  domain::Language language = domain::Language::kArabic;  // from Accept-Language
  std::chrono::steady_clock::time_point received;
  bool draining = false;  // the server is shutting down

  // Runs work on the blocking pool (database reads, hashing), never on an I/O thread.
  std::function<void(std::function<void()>)> blocking;

  // The value of a header (name lower-case), or empty.
  std::string_view Header(std::string_view name) const;
  // The value of a cookie from the Cookie headers, or nullopt when the browser sent none by name.
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Respond = std::function<void(Response)>;
using Handler = std::function<void(const Request&, Respond)>;

// One line per request for the access log: request id, method, path, status, duration.
struct AccessRecord {
  std::string_view request_id;
  Method method;
  std::string_view path;
  unsigned status;
  std::chrono::microseconds duration;
};

class AccessLog {
 public:
  virtual ~AccessLog() = default;
  // Called from I/O threads; must be thread-safe and quick.
  virtual void Record(const AccessRecord& record) = 0;
};

// Picks ar or en from an Accept-Language header by quality; Arabic when neither is asked for.
domain::Language NegotiateLanguage(std::string_view accept_language);

}  // namespace shakwa::http
