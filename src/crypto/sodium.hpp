// The secrets ports implemented with libsodium.
//
// Keys come from a keyring: 32-byte keys numbered 1..255 (from a key file, or hex in the
// environment; never from the database). The highest version is active. Each key is split with
// crypto_kdf into one subkey per purpose, so a leak of one use's key does not expose another's.
//
// Which key each adapter uses, and why:
//   - SodiumFieldCipher seals under the active key and opens under whichever version a sealed
//     value's first byte names, so rotation adds a key and re-seals at leisure. Its blind
//     indexes follow the active key too: the storage layer recomputes them while re-sealing.
//   - SodiumAccessCodeHasher and SodiumTokenHasher always use key version 1. A stored access-code
//     hash cannot be recomputed without the code, which only the beneficiary holds, so these
//     hashes must outlive rotation. Retiring key 1 would mean re-issuing the access code of every
//     open case (and signing every member of staff out); that is why a keyring without version 1
//     is refused.
//
// Secrets are wiped from memory when the objects that hold them are destroyed (best effort:
// copies the standard library makes while building a keyring are not tracked).
//
// Thread safety: Keyring and every adapter here are immutable after construction and safe to
// use from any thread. SodiumRandom and NewSessionToken draw from a per-thread pool.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/secrets.hpp"

namespace shakwa::crypto {

using Key = std::array<std::uint8_t, 32>;

// Keys by version. Invariant: at least one key; versions within 1..kMaxVersion; version 1 present.
class Keyring {
 public:
  // A sealed value names its key in one byte.
  static constexpr int kMaxVersion = 255;

  // Throws std::invalid_argument (saying what is wrong) when the invariant does not hold.
  explicit Keyring(std::map<int, Key> keys);
  // A keyring of one key, version 1.
  static Keyring Single(const Key& key);

  Keyring(const Keyring& other) = default;
  Keyring(Keyring&& other) noexcept = default;
  Keyring& operator=(Keyring other) noexcept;
  ~Keyring();

  int active_version() const { return keys_.rbegin()->first; }
  const Key& active() const { return keys_.rbegin()->second; }
  // Key version 1, under which access codes and session tokens are hashed.
  const Key& first() const { return keys_.begin()->second; }
  // nullptr when this keyring does not hold that version.
  const Key* Find(int version) const;
  // Ascending.
  std::vector<int> versions() const;

 private:
  void Wipe() noexcept;

  std::map<int, Key> keys_;
};

// Where the keyring comes from. hex (SHAKWA_SECURITY_KEY) wins over file.
//
// hex: 64 hexadecimal characters (version 1), or "1:<hex>,2:<hex>,...".
// file: one key per line, "<version> <64 hex>"; a file whose only line is a bare 64-hex key (the
// format written before keyrings) is version 1. A missing file is created, mode 0600, holding a
// fresh version 1, only when create_if_missing.
struct KeySource {
  std::optional<std::string> hex;
  std::filesystem::path file;
  bool create_if_missing = true;
};

// Loads (or creates) the keyring. Throws std::runtime_error with a message that names the source
// and says what to fix (bad hex, duplicate versions, a file others can read, ...): this runs at
// start-up, where failing fast is right. Messages never contain key material.
Keyring LoadKeyring(const KeySource& source);

// Adds a fresh random key to the key file at path as version (highest + 1), which becomes the
// active key the next time the keyring is loaded, and returns that version. The file is replaced
// atomically (a 0600 temporary in the same directory, fsync, rename, fsync of the directory) and
// keeps its owner. Concurrent calls take turns (flock on the directory), so none loses another's
// key. Throws std::runtime_error when the file is missing, unreadable, invalid, open to others, or
// already holds version kMaxVersion.
//
// Only for keyrings kept in a file: a keyring from SHAKWA_SECURITY_KEY is the operator's to
// extend, and callers must refuse to rotate it.
int AddKeyToKeyringFile(const std::filesystem::path& path);

// TRANSITIONAL, until main.cpp uses LoadKeyring: the key of a one-key keyring. Throws
// std::runtime_error if the keyring holds more than one key, because sealing under the wrong one
// would strand data.
Key LoadMasterKey(const KeySource& source);

class SodiumRandom final : public app::RandomSource {
 public:
  SodiumRandom();
  void Fill(std::span<std::uint8_t> bytes) override;
};

// A new session token: 32 random bytes as unpadded base64url (43 characters).
std::string NewSessionToken();

// Keyed BLAKE2b-256 of access codes under a subkey of key version 1 (see the file comment).
class SodiumAccessCodeHasher final : public app::AccessCodeHasher {
 public:
  explicit SodiumAccessCodeHasher(const Keyring& keys);
  // TRANSITIONAL: as if from Keyring::Single(master).
  explicit SodiumAccessCodeHasher(const Key& master);
  ~SodiumAccessCodeHasher() override;
  SodiumAccessCodeHasher(const SodiumAccessCodeHasher&) = delete;
  SodiumAccessCodeHasher& operator=(const SodiumAccessCodeHasher&) = delete;

  app::AccessCodeHash Hash(std::string_view code) const override;
  bool Matches(std::string_view code, const app::AccessCodeHash& stored) const override;

 private:
  Key key_{};
};

// Keyed BLAKE2b-256 of session tokens under its own subkey of key version 1 (see the file
// comment), so a token hash never equals the access-code hash of the same string.
class SodiumTokenHasher final : public app::TokenHasher {
 public:
  explicit SodiumTokenHasher(const Keyring& keys);
  ~SodiumTokenHasher() override;
  SodiumTokenHasher(const SodiumTokenHasher&) = delete;
  SodiumTokenHasher& operator=(const SodiumTokenHasher&) = delete;

  std::array<std::uint8_t, 32> Hash(std::string_view token) const override;

 private:
  Key key_{};
};

// XChaCha20-Poly1305 (IETF): a random 192-bit nonce per value, so nonces never repeat in practice.
// Sealed layout: key version (1 byte) | nonce (24) | ciphertext | tag (16).
class SodiumFieldCipher final : public app::FieldCipher {
 public:
  explicit SodiumFieldCipher(const Keyring& keys);
  // TRANSITIONAL: as if from Keyring::Single(master).
  explicit SodiumFieldCipher(const Key& master);
  ~SodiumFieldCipher() override;
  SodiumFieldCipher(const SodiumFieldCipher&) = delete;
  SodiumFieldCipher& operator=(const SodiumFieldCipher&) = delete;

  std::string Seal(std::string_view plaintext, std::string_view associated) const override;
  std::optional<std::string> Open(std::string_view sealed,
                                  std::string_view associated) const override;
  // The version byte even when this cipher does not hold that key; 0 if too short to be sealed.
  int KeyVersionOf(std::string_view sealed) const override;
  // Keyed BLAKE2b-256 of purpose + '\0' + value under a subkey of the active key.
  // REQUIRES: purpose contains no '\0'.
  std::array<std::uint8_t, 32> BlindIndex(std::string_view value,
                                          std::string_view purpose) const override;

  // The version new seals carry; values whose KeyVersionOf differs are due for re-sealing.
  int active_version() const { return active_version_; }

 private:
  std::map<int, Key> field_keys_;  // by key version
  int active_version_ = 0;
  Key active_field_key_{};
  Key blind_index_key_{};
};

// Argon2id work factors. The defaults are libsodium's INTERACTIVE limits, right for sign-in.
struct PasswordHashLimits {
  std::uint64_t opslimit = 2;  // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memlimit =
      std::size_t{64} * 1024 * 1024;  // crypto_pwhash_MEMLIMIT_INTERACTIVE (bytes)

  // libsodium's MIN limits: fast and weak, for tests only.
  static PasswordHashLimits Minimum();
};

// Argon2id (crypto_pwhash_str_alg with ALG_ARGON2ID13); the stored string carries its own salt
// and limits, so hashes made under older limits keep verifying.
class SodiumPasswordHasher final : public app::PasswordHasher {
 public:
  // Throws std::invalid_argument if a limit is outside what libsodium accepts.
  explicit SodiumPasswordHasher(PasswordHashLimits limits = {});

  // Throws std::runtime_error if hashing fails, which in practice means memlimit bytes could
  // not be allocated.
  std::string Hash(std::string_view password) const override;
  // False for a wrong password and for a stored string that is not a password hash.
  bool Verify(std::string_view password, const std::string& stored) const override;
  // True when stored is not an Argon2id hash under this hasher's limits: after a successful
  // Verify, hash the password again and store the new string.
  bool NeedsRehash(const std::string& stored) const;

 private:
  PasswordHashLimits limits_;
};

}  // namespace shakwa::crypto
