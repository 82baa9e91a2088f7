// The secrets the application needs without knowing how they are kept: randomness, and the keyed
// hash under which access codes are stored. Implemented with libsodium in src/crypto/; the keys
// live in a key file or the environment, never in the database.
//
// Thread safety: implementations must be safe to call from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shakwa::app {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills bytes from a cryptographically secure generator.
  virtual void Fill(std::span<std::uint8_t> bytes) = 0;
};

using AccessCodeHash = std::array<std::uint8_t, 32>;

class AccessCodeHasher {
 public:
  virtual ~AccessCodeHasher() = default;
  // REQUIRES: code is normalised (domain::NormalizeAccessCode).
  virtual AccessCodeHash Hash(std::string_view code) const = 0;
  // Compares in constant time, so response timing tells nothing about how close a guess was.
  virtual bool Matches(std::string_view code, const AccessCodeHash& stored) const = 0;
};

}  // namespace shakwa::app

namespace shakwa::app {

// Encrypts personal data for storage. The associated data binds a sealed value to where it
// belongs (table, column, row), so a value copied into another row or column fails to open.
class FieldCipher {
 public:
  virtual ~FieldCipher() = default;
  virtual std::string Seal(std::string_view plaintext, std::string_view associated) const = 0;
  // nullopt if sealed was altered, moved, or sealed under a key this cipher does not hold.
  virtual std::optional<std::string> Open(std::string_view sealed,
                                          std::string_view associated) const = 0;
  // The key version a sealed value was sealed under (its first byte), 0 if unreadable.
  virtual int KeyVersionOf(std::string_view sealed) const = 0;
  // A keyed hash of a normalised value (blind index): equal values give equal indexes, and the
  // index tells nothing about the value without the key. purpose separates uses
  // ("national_id", "mobile") so indexes of one cannot be matched against another.
  virtual std::array<std::uint8_t, 32> BlindIndex(std::string_view value,
                                                  std::string_view purpose) const = 0;
};

// Argon2id password hashing (libsodium's crypto_pwhash_str). Slow on purpose: call it from the
// blocking pool, never an I/O thread.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual std::string Hash(std::string_view password) const = 0;
  virtual bool Verify(std::string_view password, const std::string& stored) const = 0;
};

// Session tokens: 32 random bytes the client holds (base64url), stored only as a keyed hash.
class TokenHasher {
 public:
  virtual ~TokenHasher() = default;
  virtual std::array<std::uint8_t, 32> Hash(std::string_view token) const = 0;
};

}  // namespace shakwa::app
