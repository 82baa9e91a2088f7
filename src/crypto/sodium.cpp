#include "crypto/sodium.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace shakwa::crypto {
namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "shakwa01";
constexpr std::uint64_t kAccessCodeSubkey = 1;
constexpr std::uint64_t kFieldSubkey = 2;
constexpr std::uint8_t kKeyVersion = 1;

void EnsureSodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

// Random bytes from a per-thread pool refilled 4 KiB at a time: libsodium asks the kernel
// (getrandom) on every call, and intake needs several small draws per case (an access code, a
// nonce per sealed field). Bytes are wiped from the pool as they are handed out.
void PooledRandom(unsigned char* out, std::size_t n) {
  constexpr std::size_t kPool = 4096;
  thread_local std::array<unsigned char, kPool> pool{};
  thread_local std::size_t used = kPool;
  if (n > kPool / 4) {
    randombytes_buf(out, n);
    return;
  }
  if (kPool - used < n) {
    randombytes_buf(pool.data(), kPool);
    used = 0;
  }
  std::memcpy(out, pool.data() + used, n);
  sodium_memzero(pool.data() + used, n);
  used += n;
}

Key Derive(const Key& master, std::uint64_t id) {
  Key sub{};
  crypto_kdf_derive_from_key(sub.data(), sub.size(), id, kKdfContext, master.data());
  return sub;
}

Key FromHex(const std::string& hex, const std::string& where) {
  Key key{};
  std::size_t written = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &written, nullptr) !=
          0 ||
      written != key.size()) {
    throw std::runtime_error(where +
                             ": the master key must be 64 hexadecimal characters (32 bytes)");
  }
  return key;
}

}  // namespace

Key LoadMasterKey(const KeySource& source) {
  EnsureSodium();
  if (source.hex) return FromHex(*source.hex, "SHAKWA_SECURITY_KEY");
  const std::string where = "[security] key_file (" + source.file.string() + ")";
  if (!std::filesystem::exists(source.file)) {
    if (!source.create_if_missing) throw std::runtime_error(where + ": no such file");
    Key key{};
    randombytes_buf(key.data(), key.size());
    std::array<char, 65> hex{};
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    std::error_code ec;
    std::filesystem::create_directories(source.file.parent_path(), ec);
    const mode_t old_mask = ::umask(077);  // the file is born private, never briefly readable
    std::ofstream out(source.file, std::ios::trunc);
    out << hex.data() << '\n';
    out.close();
    ::umask(old_mask);
    if (!out) throw std::runtime_error(where + ": could not be written");
    sodium_memzero(hex.data(), hex.size());
    return key;
  }
  std::ifstream in(source.file);
  std::string hex;
  std::getline(in, hex);
  if (!in && !in.eof()) throw std::runtime_error(where + ": could not be read");
  struct stat info {};
  if (::stat(source.file.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    throw std::runtime_error(where + ": readable by others; chmod 600 it");
  }
  Key key = FromHex(hex, where);
  sodium_memzero(hex.data(), hex.size());
  return key;
}

SodiumRandom::SodiumRandom() {
  EnsureSodium();
}
void SodiumRandom::Fill(std::span<std::uint8_t> bytes) {
  PooledRandom(bytes.data(), bytes.size());
}

SodiumAccessCodeHasher::SodiumAccessCodeHasher(const Key& master)
    : key_(Derive(master, kAccessCodeSubkey)) {}

app::AccessCodeHash SodiumAccessCodeHasher::Hash(std::string_view code) const {
  app::AccessCodeHash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(code.data()),
                     code.size(), key_.data(), key_.size());
  return out;
}

bool SodiumAccessCodeHasher::Matches(std::string_view code,
                                     const app::AccessCodeHash& stored) const {
  const app::AccessCodeHash actual = Hash(code);
  return sodium_memcmp(actual.data(), stored.data(), actual.size()) == 0;
}

SodiumFieldCipher::SodiumFieldCipher(const Key& master) : key_(Derive(master, kFieldSubkey)) {}

std::string SodiumFieldCipher::Seal(std::string_view plaintext, std::string_view associated) const {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  std::string out(1 + kNonce + plaintext.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  bytes[0] = kKeyVersion;
  PooledRandom(bytes + 1, kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      bytes + 1 + kNonce, &written, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(associated.data()),
      associated.size(), nullptr, bytes + 1, key_.data());
  return out;
}

std::optional<std::string> SodiumFieldCipher::Open(std::string_view sealed,
                                                   std::string_view associated) const {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < 1 + kNonce + kTag || static_cast<std::uint8_t>(sealed[0]) != kKeyVersion) {
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - 1 - kNonce - kTag, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, bytes + 1 + kNonce,
          sealed.size() - 1 - kNonce, reinterpret_cast<const unsigned char*>(associated.data()),
          associated.size(), bytes + 1, key_.data()) != 0) {
    return std::nullopt;
  }
  out.resize(written);
  return out;
}

}  // namespace shakwa::crypto
