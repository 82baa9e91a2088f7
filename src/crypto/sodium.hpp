// The secrets ports implemented with libsodium.
//
// One 32-byte master key (from a key file, or hex in the environment; never from the database)
// is split with crypto_kdf into one subkey per purpose, so a leak of one use's key does not
// expose another's. Sealed values start with a key-version byte, so keys can be rotated later
// without guessing which key sealed what.
//
// Thread safety: every class here is immutable after construction and safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "app/ports/secrets.hpp"

namespace shakwa::crypto {

using Key = std::array<std::uint8_t, 32>;

// Where the master key comes from. hex wins over file; a missing file is created (mode 0600)
// only when create_if_missing.
struct KeySource {
  std::optional<std::string> hex;
  std::filesystem::path file;
  bool create_if_missing = true;
};

// Loads (or creates) the master key. Throws std::runtime_error with a message that says what to
// fix: this runs at start-up, where failing fast is right.
Key LoadMasterKey(const KeySource& source);

class SodiumRandom final : public app::RandomSource {
 public:
  SodiumRandom();
  void Fill(std::span<std::uint8_t> bytes) override;
};

class SodiumAccessCodeHasher final : public app::AccessCodeHasher {
 public:
  explicit SodiumAccessCodeHasher(const Key& master);
  app::AccessCodeHash Hash(std::string_view code) const override;
  bool Matches(std::string_view code, const app::AccessCodeHash& stored) const override;

 private:
  Key key_{};
};

// XChaCha20-Poly1305 (IETF): a random 192-bit nonce per value, so nonces never repeat in practice.
class SodiumFieldCipher final : public app::FieldCipher {
 public:
  explicit SodiumFieldCipher(const Key& master);
  std::string Seal(std::string_view plaintext, std::string_view associated) const override;
  std::optional<std::string> Open(std::string_view sealed,
                                  std::string_view associated) const override;

 private:
  Key key_{};
};

}  // namespace shakwa::crypto
