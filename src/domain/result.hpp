// Result<T> and Status: how every layer of Shakwa reports an expected failure.
//
// A failure is a value, never an exception: the caller must look at it ([[nodiscard]]).
// Result<T> is shaped like std::expected<T, Error> so it can become an alias when GCC ships it.
// An Error carries a protocol-agnostic code (mapped to an HTTP status in exactly one place,
// http/problem.cpp), the message a person reads (a translatable key), the field errors of a
// rejected input, and a detail for the logs that is never shown to a user.
//
// Thread safety: plain values; safe to move between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "domain/messages.hpp"
#include "domain/time.hpp"

namespace shakwa::domain {

// When you add an enumerator, also update HttpStatusFor() in src/http/problem.cpp and
// ErrorCodeName() in messages.cpp.
enum class ErrorCode {
  kInvalidInput,          // one or more fields failed validation (see Error::fields)
  kMalformedRequest,      // the request could not be read at all (bad JSON, bad UTF-8)
  kMalformedReference,    // a reference number that fails its format or check digit
  kUnsupportedMediaType,  // a body in a format we do not take
  kPayloadTooLarge,       // a body over the limit
  kUnauthenticated,       // no valid credentials: sign in first
  kForbidden,             // signed in, but this role may not do this
  kNotFound,              // no such thing, or not for you to know it exists
  kMethodNotAllowed,
  kConflict,         // a stale version, a forbidden lifecycle transition, a duplicate
  kTooManyRequests,  // too many failed attempts; try again later
  kUnavailable,      // storage cannot take the request now; safe to retry
  kInternal,         // a bug; logged with the request id
};

// One failing field of an input, by its JSON path ("beneficiary.email").
struct FieldError {
  std::string path;
  MessageId message;
  std::string param;  // substituted for {} in the message, e.g. a limit

  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  MessageId message = MessageId::kInternalError;
  std::string detail;              // for logs only
  std::vector<FieldError> fields;  // for kInvalidInput
  std::string message_param;       // substituted into message
  // When the parameter reads differently in Arabic: its Arabic form (message_param is English).
  std::string message_param_ar;
  // An instant the message names ("you can escalate on …"): people read it as a Hijri and
  // Gregorian date in Riyadh time; machines get it as ISO 8601 ("available_at").
  std::optional<Instant> when;

  static Error Of(ErrorCode code, MessageId message, std::string detail = {}) {
    return Error{code, message, std::move(detail), {}, {}, {}, {}};
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value()
  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !has_value()
  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  static Status Ok() { return {}; }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const& {
    assert(error_.has_value());
    return *error_;
  }
  Error&& error() && {
    assert(error_.has_value());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

}  // namespace shakwa::domain
