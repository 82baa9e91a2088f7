// Test doubles for the application's ports: a clock the test sets, deterministic randomness, and
// a hasher whose output is easy to reason about. For unit tests of the logic only; the real
// adapters are tested against real libraries.
#pragma once

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>

#include "app/ports/clock.hpp"
#include "app/ports/secrets.hpp"
#include "domain/category.hpp"
#include "domain/time.hpp"

namespace shakwa::testing {

class FakeClock final : public app::Clock {
 public:
  explicit FakeClock(domain::Instant now) : now_(now) {}
  domain::Instant Now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void Set(domain::Instant now) {
    std::lock_guard lock(mutex_);
    now_ = now;
  }

 private:
  mutable std::mutex mutex_;
  domain::Instant now_;
};

class SeededRandom final : public app::RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed = 42) : generator_(seed) {}
  void Fill(std::span<std::uint8_t> bytes) override {
    std::lock_guard lock(mutex_);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(generator_());
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 generator_;
};

// Not a real hash: the code's bytes, reversed and salted, so that tests can see the stored value
// is not the code itself while still predicting it.
class PlainHasher final : public app::AccessCodeHasher {
 public:
  app::AccessCodeHash Hash(std::string_view code) const override {
    app::AccessCodeHash out{};
    for (std::size_t i = 0; i < code.size() && i < out.size(); ++i) {
      out[out.size() - 1 - i] = static_cast<std::uint8_t>(code[i] ^ 0x5A);
    }
    return out;
  }
  bool Matches(std::string_view code, const app::AccessCodeHash& stored) const override {
    return Hash(code) == stored;
  }
};

// A plaintext "cipher" that still honours associated data, for tests that are not about
// cryptography.
class PlainCipher final : public app::FieldCipher {
 public:
  std::string Seal(std::string_view plaintext, std::string_view associated) const override {
    return std::string(associated) + '\0' + std::string(plaintext);
  }
  std::optional<std::string> Open(std::string_view sealed,
                                  std::string_view associated) const override {
    if (sealed.size() <= associated.size() || sealed.substr(0, associated.size()) != associated ||
        sealed[associated.size()] != '\0') {
      return std::nullopt;
    }
    return std::string(sealed.substr(associated.size() + 1));
  }
  int KeyVersionOf(std::string_view sealed) const override { return sealed.empty() ? 0 : 1; }
  // Not keyed: FNV-1a of purpose, NUL and value, in four lanes. Equal inputs give equal indexes,
  // and purposes stay apart, which is all the tests need.
  std::array<std::uint8_t, 32> BlindIndex(std::string_view value,
                                          std::string_view purpose) const override {
    std::array<std::uint8_t, 32> out{};
    for (std::size_t lane = 0; lane < 4; ++lane) {
      std::uint64_t h = 14695981039346656037ULL ^ lane;
      auto mix = [&h](char ch) {
        h ^= static_cast<std::uint8_t>(ch);
        h *= 1099511628211ULL;
      };
      for (char ch : purpose) mix(ch);
      mix('\0');
      for (char ch : value) mix(ch);
      for (std::size_t i = 0; i < 8; ++i)
        out[lane * 8 + i] = static_cast<std::uint8_t>(h >> (8 * i));
    }
    return out;
  }
};

inline domain::Instant At(std::string_view iso) {
  return *domain::ParseIso8601(iso);
}

// The shipped categories, as the use cases see them.
inline std::shared_ptr<const domain::CategoryCatalogue> DefaultCatalogue() {
  return std::make_shared<const domain::CategoryCatalogue>(std::vector<domain::Category>(
      domain::DefaultCategories().begin(), domain::DefaultCategories().end()));
}

}  // namespace shakwa::testing

namespace shakwa::testing {

// A password "hash" that costs nothing: the password behind a prefix, so sign-in tests need not
// pay for Argon2id. Counts verifications, so a test can see that every answer costs the same work.
class FastPasswordHasher final : public app::PasswordHasher {
 public:
  std::string Hash(std::string_view password) const override {
    return "fast$" + std::string(password);
  }
  bool Verify(std::string_view password, const std::string& stored) const override {
    verifications.fetch_add(1);
    return stored == "fast$" + std::string(password);
  }
  mutable std::atomic<int> verifications{0};
};

// Not keyed: the token's bytes folded into 32 (multiply-and-add per lane). Distinct tokens of
// the same length give distinct hashes in practice, which is all session tests need.
class FakeTokenHasher final : public app::TokenHasher {
 public:
  std::array<std::uint8_t, 32> Hash(std::string_view token) const override {
    std::array<std::uint8_t, 32> out{};
    for (std::size_t i = 0; i < token.size(); ++i) {
      auto& lane = out[i % out.size()];
      lane = static_cast<std::uint8_t>(lane * 31 + static_cast<std::uint8_t>(token[i]) + 1);
    }
    return out;
  }
};

}  // namespace shakwa::testing
