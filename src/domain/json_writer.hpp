// A small writer of JSON objects, for the event data and audit details the application records
// (the HTTP layer uses Boost.JSON; the domain and application layers stay free of it).
//
// Members are written in the order added, so the same change always gives the same bytes (the
// audit chain hashes them).
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shakwa::domain {

class JsonWriter {
 public:
  JsonWriter& Add(std::string_view key, std::string_view value);
  JsonWriter& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  JsonWriter& Add(std::string_view key, std::int64_t value);
  JsonWriter& Add(std::string_view key, bool value);
  // Skipped when value is empty.
  JsonWriter& Add(std::string_view key, const std::optional<std::string>& value);
  JsonWriter& AddStrings(std::string_view key, const std::vector<std::string>& values);
  JsonWriter& AddRaw(std::string_view key, std::string_view json);  // REQUIRES: valid JSON
  bool empty() const { return body_.empty(); }
  std::string Finish() const { return "{" + body_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string body_;
};

// value as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view value);

}  // namespace shakwa::domain
