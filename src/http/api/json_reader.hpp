// Reading request bodies: the members of one JSON object, each typed and checked, with every
// problem collected as a FieldError by path, so a client hears about all of them at once.
// null counts as absent.
//
// Thread safety: confined to one request.
#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/vocabulary.hpp"
#include "http/exchange.hpp"

namespace shakwa::http::api {

class ObjectReader {
 public:
  ObjectReader(const boost::json::object& object, std::string prefix,
               std::vector<domain::FieldError>& errors,
               std::initializer_list<std::string_view> known)
      : object_(object), prefix_(std::move(prefix)), errors_(errors) {
    for (const auto& member : object_) {
      if (std::find(known.begin(), known.end(), member.key()) == known.end()) {
        errors_.push_back({Path(member.key()), domain::MessageId::kUnknownField, {}});
      }
    }
  }

  // For a caller that has checked the members itself.
  ObjectReader(const boost::json::object& object, std::vector<domain::FieldError>& errors)
      : object_(object), errors_(errors) {}

  std::optional<std::string> String(std::string_view key) {
    const boost::json::value* value = Find(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) return Fail<std::string>(key, domain::MessageId::kMustBeString);
    return std::string(value->get_string());
  }
  // A required string: "required" when absent.
  std::string RequiredString(std::string_view key) {
    if (Find(key) == nullptr) {
      errors_.push_back({Path(key), domain::MessageId::kRequired, {}});
      return {};
    }
    return String(key).value_or("");
  }

  std::optional<bool> Bool(std::string_view key) {
    const boost::json::value* value = Find(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_bool()) return Fail<bool>(key, domain::MessageId::kMustBeBoolean);
    return value->get_bool();
  }

  std::optional<std::int64_t> Int(std::string_view key) {
    const boost::json::value* value = Find(key);
    if (value == nullptr) return std::nullopt;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
      return static_cast<std::int64_t>(value->get_uint64());
    }
    return Fail<std::int64_t>(key, domain::MessageId::kMustBeInteger);
  }
  std::int64_t RequiredInt(std::string_view key) {
    if (Find(key) == nullptr) {
      errors_.push_back({Path(key), domain::MessageId::kRequired, {}});
      return 0;
    }
    return Int(key).value_or(0);
  }

  // A vocabulary value by wire name.
  template <typename E>
  std::optional<E> Choice(std::string_view key) {
    auto text = String(key);
    if (!text) return std::nullopt;
    auto value = domain::FromName<E>(*text);
    if (!value) errors_.push_back({Path(key), domain::MessageId::kNotOneOf, domain::NamesOf<E>()});
    return value;
  }

  const boost::json::object* Object(std::string_view key) {
    const boost::json::value* value = Find(key);
    if (value == nullptr) return nullptr;
    if (!value->is_object())
      return Fail<const boost::json::object*>(key, domain::MessageId::kMustBeObject)
          .value_or(nullptr);
    return &value->get_object();
  }

  const boost::json::array* Array(std::string_view key) {
    const boost::json::value* value = Find(key);
    if (value == nullptr) return nullptr;
    if (!value->is_array())
      return Fail<const boost::json::array*>(key, domain::MessageId::kMustBeArray)
          .value_or(nullptr);
    return &value->get_array();
  }

  std::string Path(std::string_view key) const { return prefix_ + std::string(key); }
  std::vector<domain::FieldError>& errors() { return errors_; }

 private:
  template <typename T>
  std::optional<T> Fail(std::string_view key, domain::MessageId message) {
    errors_.push_back({Path(key), message, {}});
    return std::nullopt;
  }
  const boost::json::value* Find(std::string_view key) const {
    const boost::json::value* value = object_.if_contains(key);
    return (value == nullptr || value->is_null()) ? nullptr : value;
  }

  const boost::json::object& object_;
  std::string prefix_;
  std::vector<domain::FieldError>& errors_;
};

// The body of request as a JSON object, or the problem to answer with: 415 unless
// application/json, 400 unless valid UTF-8 JSON, 400 unless an object.
domain::Result<boost::json::object> ParseJsonObject(const Request& request);

// An Error carrying errors as its fields (kInvalidInput).
domain::Error InvalidFields(std::vector<domain::FieldError> errors);

}  // namespace shakwa::http::api
