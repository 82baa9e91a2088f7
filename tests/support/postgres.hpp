// PostgreSQL for tests: the throw-away server tools/test.sh starts (SHAKWA_TEST_POSTGRES_URL),
// and a scratch schema per test in it, so that tests run in parallel (ctest -j) without seeing
// each other's rows.
//
// Without the variable a PostgreSQL test fails, never skips: a green run must mean the tests ran.
//
// Thread safety: a ScratchSchema belongs to the test that made it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "storage/postgres/database.hpp"

namespace shakwa::testing {

// The test server's URL, or "" after failing the current test when tools/test.sh did not set it.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("SHAKWA_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "SHAKWA_TEST_POSTGRES_URL is not set: run the tests through tools/test.sh "
                     "(it starts a throw-away PostgreSQL)";
    return {};
  }
  return url;
}

// url with one more libpq setting: a URI gets a query parameter (value percent-encoded by the
// caller), a key=value string one more pair.
inline std::string WithSetting(std::string_view url, std::string_view key,
                               std::string_view uri_value, std::string_view plain_value) {
  std::string out(url);
  if (out.starts_with("postgresql://") || out.starts_with("postgres://")) {
    out += out.find('?') == std::string::npos ? '?' : '&';
    out.append(key).append("=").append(uri_value);
  } else {
    out.append(" ").append(key).append("='").append(plain_value).append("'");
  }
  return out;
}

// A fresh, uniquely named schema in the test database, dropped (CASCADE) when the test ends.
// url() reaches the database with that schema alone on the search_path, so unqualified names
// (migrations, the store's SQL) land in it.
class ScratchSchema {
 public:
  ScratchSchema() : base_url_(TestPostgresUrl()) {
    if (base_url_.empty()) return;
    static std::atomic<int> made{0};
    const auto nanos = std::chrono::steady_clock::now().time_since_epoch().count();
    name_ = "test_" + std::to_string(::getpid()) + "_" + std::to_string(made.fetch_add(1)) + "_" +
            std::to_string(nanos % 1000000007);
    auto admin = storage::postgres::Connect(base_url_);
    if (!admin) {
      ADD_FAILURE() << "cannot reach the test PostgreSQL: " << admin.error().detail;
      return;
    }
    admin_ = std::move(*admin);
    if (auto status = admin_->Execute("CREATE SCHEMA " + name_); !status.ok()) {
      ADD_FAILURE() << "cannot create schema " << name_ << ": " << status.error().detail;
      return;
    }
    url_ = WithSetting(base_url_, "options", "-csearch_path%3D" + name_, "-csearch_path=" + name_);
  }
  ScratchSchema(const ScratchSchema&) = delete;
  ScratchSchema& operator=(const ScratchSchema&) = delete;
  ~ScratchSchema() {
    if (url_.empty()) return;
    if (admin_->Broken()) {
      auto again = storage::postgres::Connect(base_url_);
      if (!again) return;
      admin_ = std::move(*again);
    }
    (void)admin_->Execute("DROP SCHEMA " + name_ + " CASCADE");
  }

  // False (and the test failed) when there is no schema to use.
  bool ready() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // The server's URL without the schema setting.
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string name_;
  std::string url_;
  std::unique_ptr<storage::postgres::Connection> admin_;
};

}  // namespace shakwa::testing
