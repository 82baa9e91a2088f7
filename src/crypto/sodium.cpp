#include "crypto/sodium.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace shakwa::crypto {
namespace {

// Subkey ids under kKdfContext. Never renumber: stored hashes and sealed values depend on them.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "shakwa01";
constexpr std::uint64_t kAccessCodeSubkey = 1;
constexpr std::uint64_t kFieldSubkey = 2;
constexpr std::uint64_t kBlindIndexSubkey = 3;
constexpr std::uint64_t kTokenSubkey = 4;

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kHexKey = 2 * std::tuple_size_v<Key>;
// A full keyring is 255 lines of "255 <64 hex>\n"; anything much larger is not a key file.
constexpr std::size_t kMaxKeyFile = std::size_t{64} * 1024;

static_assert(PasswordHashLimits{}.opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(PasswordHashLimits{}.memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(Keyring::kMaxVersion == 255, "a sealed value names its key version in one byte");

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

// Random bytes from a per-thread pool refilled 4 KiB at a time: libsodium asks the kernel
// (getrandom) on every call, and intake needs several small draws per case (an access code, a
// nonce per sealed field). Bytes are wiped from the pool as they are handed out. Long-lived keys
// do not come from here: they are drawn straight from the kernel.
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

template <typename T>
void Wipe(T& secret) noexcept {
  sodium_memzero(secret.data(), secret.size() * sizeof(*secret.data()));
}

Key Derive(const Key& master, std::uint64_t id) {
  EnsureSodium();
  Key sub{};
  crypto_kdf_derive_from_key(sub.data(), sub.size(), id, kKdfContext, master.data());
  return sub;
}

Key NewRandomKey() {
  Key key{};
  randombytes_buf(key.data(), key.size());
  return key;
}

std::array<std::uint8_t, 32> KeyedHash(const Key& key, std::string_view text) {
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), key.data(), key.size());
  return out;
}

// ---- Parsing keyrings. Messages name the line or entry, never the key material. ----

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r";
  const auto begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

bool ParseHexKey(std::string_view hex, Key& key) {
  std::size_t written = 0;
  const char* end = nullptr;
  const bool ok = hex.size() == kHexKey &&
                  sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &written,
                                 &end) == 0 &&
                  written == key.size() && end == hex.data() + hex.size();
  if (!ok) Wipe(key);
  return ok;
}

std::optional<int> ParseVersion(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int version = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    version = version * 10 + (c - '0');
  }
  if (version < 1 || version > Keyring::kMaxVersion) return std::nullopt;
  return version;
}

constexpr std::string_view kBadHex = "the key must be 64 hexadecimal characters (32 bytes)";
constexpr std::string_view kBadVersion = "the key version must be a whole number from 1 to 255";

// Collects keys, refusing a version seen before; `place` names where each came from.
class KeyCollector {
 public:
  explicit KeyCollector(std::string where) : where_(std::move(where)) {}
  KeyCollector(const KeyCollector&) = delete;
  KeyCollector& operator=(const KeyCollector&) = delete;
  ~KeyCollector() {
    for (auto& [version, key] : keys_) Wipe(key);
  }

  [[noreturn]] void Fail(const std::string& place, std::string_view what) const {
    throw std::runtime_error(where_ + ": " + place + ": " + std::string(what));
  }

  void Add(int version, std::string_view hex, const std::string& place) {
    if (const auto seen = places_.find(version); seen != places_.end()) {
      Fail(place, "key version " + std::to_string(version) + " appears twice (also " +
                      seen->second + "); each version must be unique");
    }
    Key key{};
    if (!ParseHexKey(hex, key)) Fail(place, kBadHex);
    keys_.emplace(version, key);
    Wipe(key);
    places_.emplace(version, place);
  }

  Keyring Build() {
    try {
      return Keyring(std::move(keys_));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(where_ + ": " + e.what());
    }
  }

 private:
  std::string where_;
  std::map<int, Key> keys_;
  std::map<int, std::string> places_;
};

// "<version> <64 hex>" per line, or (the format before keyrings) one bare 64-hex line.
Keyring ParseKeyFile(std::string_view text, const std::string& where) {
  std::vector<std::pair<int, std::string_view>> lines;  // (line number, trimmed text)
  int number = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    ++number;
    if (const auto line = Trim(text.substr(start, end - start)); !line.empty()) {
      lines.emplace_back(number, line);
    }
    start = end + 1;
  }
  KeyCollector keys(where);
  if (lines.empty()) {
    throw std::runtime_error(where + ": holds no key; restore it from your backup");
  }
  constexpr std::string_view kSpace = " \t";
  if (lines.size() == 1 && lines[0].second.find_first_of(kSpace) == std::string_view::npos) {
    keys.Add(1, lines[0].second, "line " + std::to_string(lines[0].first));
    return keys.Build();
  }
  for (const auto& [line_number, line] : lines) {
    const std::string place = "line " + std::to_string(line_number);
    const auto gap = line.find_first_of(kSpace);
    if (gap == std::string_view::npos) {
      keys.Fail(place,
                "a key without a version is allowed only as the file's only line (the format "
                "before keyrings); write it as `1 <hex>`");
    }
    const auto hex = Trim(line.substr(gap));
    if (hex.find_first_of(kSpace) != std::string_view::npos) {
      keys.Fail(place, "expected `<version> <64 hexadecimal characters>`");
    }
    const auto version = ParseVersion(line.substr(0, gap));
    if (!version) keys.Fail(place, kBadVersion);
    keys.Add(*version, hex, place);
  }
  return keys.Build();
}

// 64 hex characters (version 1), or "1:<hex>,2:<hex>,...".
Keyring ParseKeyEnvironment(std::string_view text) {
  const std::string where = "SHAKWA_SECURITY_KEY";
  KeyCollector keys(where);
  text = Trim(text);
  if (text.find_first_of(":,") == std::string_view::npos) {
    Key key{};
    if (!ParseHexKey(text, key)) {
      throw std::runtime_error(where +
                               ": expected 64 hexadecimal characters (32 bytes), or versioned "
                               "keys as `1:<hex>,2:<hex>`");
    }
    Wipe(key);
    keys.Add(1, text, "the key");
    return keys.Build();
  }
  int number = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string place = "entry " + std::to_string(++number);
    const auto entry = Trim(text.substr(start, end - start));
    start = end + 1;
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos) keys.Fail(place, "expected `<version>:<64 hex>`");
    const auto version = ParseVersion(Trim(entry.substr(0, colon)));
    if (!version) keys.Fail(place, kBadVersion);
    keys.Add(*version, Trim(entry.substr(colon + 1)), place);
  }
  return keys.Build();
}

std::string SerializeKeyring(const std::map<int, Key>& keys) {
  std::string text;
  text.reserve(keys.size() * (4 + kHexKey + 1));
  std::array<char, kHexKey + 1> hex{};
  for (const auto& [version, key] : keys) {
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    text += std::to_string(version);
    text += ' ';
    text.append(hex.data(), kHexKey);
    text += '\n';
  }
  Wipe(hex);
  return text;
}

// ---- Files ----

// Reads errno before anything else can change it.
[[noreturn]] void ThrowErrno(const std::string& where, const char* what) {
  const int error = errno;
  throw std::runtime_error(where + ": " + what + ": " +
                           std::error_code(error, std::generic_category()).message());
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, so that a failed close (lost write-back) can be reported.
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

std::filesystem::path DirectoryOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

std::string WhereFile(const std::filesystem::path& path) {
  return "[security] key_file (" + path.string() + ")";
}

void RequirePrivate(const struct stat& info, const std::string& where) {
  if ((info.st_mode & 077) != 0) {
    std::array<char, 8> mode{};
    std::snprintf(mode.data(), mode.size(), "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw std::runtime_error(where + ": open to group or others (mode " + mode.data() +
                             "); chmod 600 it");
  }
}

// The whole file; the caller wipes it. Read into a buffer that is never reallocated, so no
// unwiped copy of the keys is left on the heap.
std::string ReadKeyFile(int fd, const std::string& where) {
  std::string text(kMaxKeyFile + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(fd, text.data() + size, text.size() - size);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      Wipe(text);
      errno = error;
      ThrowErrno(where, "cannot be read");
    }
    size += static_cast<std::size_t>(n);
  }
  if (size > kMaxKeyFile) {
    Wipe(text);
    throw std::runtime_error(where + ": larger than 64 KiB, so not a key file");
  }
  text.resize(size);
  return text;
}

void FsyncDirectory(const std::filesystem::path& dir, const std::string& where) {
  const FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    ThrowErrno(where, "written, but its directory could not be flushed to disk");
  }
}

// Writes text to a temporary file in path's directory (mode 0600 from birth, owned like `owner`
// when given), flushes it, then puts it at path: replacing what is there when replace, else only
// if nothing is (returns false, writing nothing, if something is). Then flushes the directory.
bool WriteKeyFile(const std::filesystem::path& path, std::string_view text,
                  const struct stat* owner, bool replace, const std::string& where) {
  const std::filesystem::path dir = DirectoryOf(path);
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));  // mkostemp creates with mode 0600
  if (fd.get() < 0) ThrowErrno(where, "cannot create a temporary file beside it");
  struct TempRemover {
    const std::string& name;
    bool armed = true;
    ~TempRemover() {
      if (armed) ::unlink(name.c_str());
    }
  } remover{temp};
  if (owner != nullptr && ::fchown(fd.get(), owner->st_uid, owner->st_gid) != 0) {
    ThrowErrno(where, "cannot give the new file the old one's owner");
  }
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno(where, "cannot write the temporary file");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) ThrowErrno(where, "cannot flush the temporary file to disk");
  if (fd.Close() != 0) ThrowErrno(where, "cannot close the temporary file");
  if (replace) {
    if (::rename(temp.c_str(), path.c_str()) != 0) ThrowErrno(where, "cannot replace it");
    remover.armed = false;
  } else {
    if (::link(temp.c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) return false;  // someone else made it first; theirs stands
      ThrowErrno(where, "cannot create it");
    }
    ::unlink(temp.c_str());
    remover.armed = false;
  }
  FsyncDirectory(dir, where);
  return true;
}

// A fresh keyring of one key, written to path unless another process got there first
// (nullopt: read theirs).
std::optional<Keyring> CreateKeyFile(const std::filesystem::path& path, const std::string& where) {
  std::error_code ignored;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ignored);
  std::map<int, Key> keys{{1, NewRandomKey()}};
  std::string text = SerializeKeyring(keys);
  bool created = false;
  try {
    created = WriteKeyFile(path, text, nullptr, /*replace=*/false, where);
  } catch (...) {
    Wipe(text);
    Wipe(keys[1]);
    throw;
  }
  Wipe(text);
  if (!created) {
    Wipe(keys[1]);
    return std::nullopt;
  }
  return Keyring(std::move(keys));
}

}  // namespace

// ---- Keyring ----

Keyring::Keyring(std::map<int, Key> keys) : keys_(std::move(keys)) {
  std::string problem;
  if (keys_.empty()) {
    problem = "holds no key";
  } else if (keys_.begin()->first < 1 || keys_.rbegin()->first > kMaxVersion) {
    problem = "key versions must be from 1 to " + std::to_string(kMaxVersion);
  } else if (keys_.begin()->first != 1) {
    problem =
        "key version 1 is missing: access codes and session tokens are hashed under it, so it "
        "must stay in the keyring";
  }
  if (!problem.empty()) {
    Wipe();
    throw std::invalid_argument(problem);
  }
}

Keyring Keyring::Single(const Key& key) {
  return Keyring(std::map<int, Key>{{1, key}});
}

Keyring& Keyring::operator=(Keyring other) noexcept {
  Wipe();
  keys_.swap(other.keys_);
  return *this;
}

Keyring::~Keyring() {
  Wipe();
}

void Keyring::Wipe() noexcept {
  for (auto& [version, key] : keys_) crypto::Wipe(key);
}

const Key* Keyring::Find(int version) const {
  const auto it = keys_.find(version);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<int> Keyring::versions() const {
  std::vector<int> out;
  out.reserve(keys_.size());
  for (const auto& [version, key] : keys_) out.push_back(version);
  return out;
}

Keyring LoadKeyring(const KeySource& source) {
  EnsureSodium();
  if (source.hex) return ParseKeyEnvironment(*source.hex);
  const std::string where = WhereFile(source.file);
  // Retried only when another process creates the file between our open and our create.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const FileDescriptor fd(::open(source.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno != ENOENT) {
        ThrowErrno(where, "cannot be opened");
      }
      if (!source.create_if_missing) {
        throw std::runtime_error(where + ": no such file; restore it from your backup");
      }
      if (auto created = CreateKeyFile(source.file, where)) return std::move(*created);
      continue;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
      ThrowErrno(where, "cannot be examined");
    }
    RequirePrivate(info, where);
    std::string text = ReadKeyFile(fd.get(), where);
    try {
      Keyring keys = ParseKeyFile(text, where);
      Wipe(text);
      return keys;
    } catch (...) {
      Wipe(text);
      throw;
    }
  }
  throw std::runtime_error(where + ": appeared and vanished while being read; try again");
}

int AddKeyToKeyringFile(const std::filesystem::path& path) {
  EnsureSodium();
  const std::string where = WhereFile(path);
  // Rotations take turns on a lock held on the directory, which, unlike the key file, is not
  // replaced by the rename: two rotations reading the same file would each add "version N+1",
  // and the second rename would discard the first one's key.
  const FileDescriptor directory(
      ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0) ThrowErrno(where, "its directory cannot be opened to lock it");
  while (::flock(directory.get(), LOCK_EX) != 0) {
    if (errno != EINTR) ThrowErrno(where, "its directory cannot be locked");
  }
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) ThrowErrno(where, "cannot be opened");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) ThrowErrno(where, "cannot be examined");
  RequirePrivate(info, where);

  std::string text = ReadKeyFile(fd.get(), where);
  std::optional<Keyring> old;
  try {
    old.emplace(ParseKeyFile(text, where));
  } catch (...) {
    Wipe(text);
    throw;
  }
  Wipe(text);
  const int version = old->active_version() + 1;
  if (version > Keyring::kMaxVersion) {
    throw std::runtime_error(where + ": already holds key version " +
                             std::to_string(Keyring::kMaxVersion) +
                             ", the highest a sealed value can name");
  }
  std::map<int, Key> keys;
  for (const int v : old->versions()) keys.emplace(v, *old->Find(v));
  keys.emplace(version, NewRandomKey());
  text = SerializeKeyring(keys);
  for (auto& [v, key] : keys) Wipe(key);
  try {
    (void)WriteKeyFile(path, text, &info, /*replace=*/true, where);
  } catch (...) {
    Wipe(text);
    throw;
  }
  Wipe(text);
  return version;  // the directory lock is released as `directory` closes
}

Key LoadMasterKey(const KeySource& source) {
  const Keyring keys = LoadKeyring(source);
  if (keys.versions().size() != 1) {
    throw std::runtime_error(
        "the keyring holds " + std::to_string(keys.versions().size()) +
        " keys, but this build reads only one; use a build that loads keyrings");
  }
  return keys.first();
}

// ---- Randomness ----

SodiumRandom::SodiumRandom() {
  EnsureSodium();
}

void SodiumRandom::Fill(std::span<std::uint8_t> bytes) {
  PooledRandom(bytes.data(), bytes.size());
}

std::string NewSessionToken() {
  EnsureSodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<unsigned char, 32> raw{};
  std::array<char, sodium_base64_ENCODED_LEN(32, kVariant)> text{};
  PooledRandom(raw.data(), raw.size());
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(), kVariant);
  std::string token(text.data());
  Wipe(raw);
  Wipe(text);
  return token;
}

// ---- Keyed hashes ----

SodiumAccessCodeHasher::SodiumAccessCodeHasher(const Keyring& keys)
    : key_(Derive(keys.first(), kAccessCodeSubkey)) {}

SodiumAccessCodeHasher::SodiumAccessCodeHasher(const Key& master)
    : SodiumAccessCodeHasher(Keyring::Single(master)) {}

SodiumAccessCodeHasher::~SodiumAccessCodeHasher() {
  Wipe(key_);
}

app::AccessCodeHash SodiumAccessCodeHasher::Hash(std::string_view code) const {
  return KeyedHash(key_, code);
}

bool SodiumAccessCodeHasher::Matches(std::string_view code,
                                     const app::AccessCodeHash& stored) const {
  const app::AccessCodeHash actual = Hash(code);
  return sodium_memcmp(actual.data(), stored.data(), actual.size()) == 0;
}

SodiumTokenHasher::SodiumTokenHasher(const Keyring& keys)
    : key_(Derive(keys.first(), kTokenSubkey)) {}

SodiumTokenHasher::~SodiumTokenHasher() {
  Wipe(key_);
}

std::array<std::uint8_t, 32> SodiumTokenHasher::Hash(std::string_view token) const {
  return KeyedHash(key_, token);
}

// ---- Field cipher ----

SodiumFieldCipher::SodiumFieldCipher(const Keyring& keys)
    : active_version_(keys.active_version()),
      active_field_key_(Derive(keys.active(), kFieldSubkey)),
      blind_index_key_(Derive(keys.active(), kBlindIndexSubkey)) {
  for (const int version : keys.versions()) {
    field_keys_.emplace(version, Derive(*keys.Find(version), kFieldSubkey));
  }
}

SodiumFieldCipher::SodiumFieldCipher(const Key& master)
    : SodiumFieldCipher(Keyring::Single(master)) {}

SodiumFieldCipher::~SodiumFieldCipher() {
  for (auto& [version, key] : field_keys_) Wipe(key);
  Wipe(active_field_key_);
  Wipe(blind_index_key_);
}

std::string SodiumFieldCipher::Seal(std::string_view plaintext, std::string_view associated) const {
  std::string out(1 + kNonce + plaintext.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  bytes[0] = static_cast<unsigned char>(active_version_);
  PooledRandom(bytes + 1, kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      bytes + 1 + kNonce, &written, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(associated.data()),
      associated.size(), nullptr, bytes + 1, active_field_key_.data());
  return out;
}

std::optional<std::string> SodiumFieldCipher::Open(std::string_view sealed,
                                                   std::string_view associated) const {
  const auto key = field_keys_.find(KeyVersionOf(sealed));
  if (key == field_keys_.end()) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - 1 - kNonce - kTag, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, bytes + 1 + kNonce,
          sealed.size() - 1 - kNonce, reinterpret_cast<const unsigned char*>(associated.data()),
          associated.size(), bytes + 1, key->second.data()) != 0) {
    return std::nullopt;
  }
  out.resize(written);
  return out;
}

int SodiumFieldCipher::KeyVersionOf(std::string_view sealed) const {
  if (sealed.size() < 1 + kNonce + kTag) return 0;
  return static_cast<unsigned char>(sealed[0]);
}

std::array<std::uint8_t, 32> SodiumFieldCipher::BlindIndex(std::string_view value,
                                                           std::string_view purpose) const {
  // REQUIRES: no '\0' in purpose, or ("a\0b", "c") and ("a", "b\0c") would collide.
  assert(purpose.find('\0') == std::string_view::npos);
  crypto_generichash_state state;
  crypto_generichash_init(&state, blind_index_key_.data(), blind_index_key_.size(), 32);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()),
                            purpose.size());
  constexpr unsigned char kSeparator = 0;
  crypto_generichash_update(&state, &kSeparator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                            value.size());
  std::array<std::uint8_t, 32> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

// ---- Passwords ----

PasswordHashLimits PasswordHashLimits::Minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

SodiumPasswordHasher::SodiumPasswordHasher(PasswordHashLimits limits) : limits_(limits) {
  EnsureSodium();
  if (limits.opslimit < crypto_pwhash_opslimit_min() ||
      limits.opslimit > crypto_pwhash_opslimit_max()) {
    throw std::invalid_argument("password hashing: opslimit must be from " +
                                std::to_string(crypto_pwhash_opslimit_min()) + " to " +
                                std::to_string(crypto_pwhash_opslimit_max()));
  }
  if (limits.memlimit < crypto_pwhash_memlimit_min() ||
      limits.memlimit > crypto_pwhash_memlimit_max()) {
    throw std::invalid_argument("password hashing: memlimit must be from " +
                                std::to_string(crypto_pwhash_memlimit_min()) + " to " +
                                std::to_string(crypto_pwhash_memlimit_max()) + " bytes");
  }
}

std::string SodiumPasswordHasher::Hash(std::string_view password) const {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  const char* text = password.empty() ? "" : password.data();
  if (crypto_pwhash_str_alg(out.data(), text, password.size(), limits_.opslimit, limits_.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed: Argon2id could not allocate the " +
                             std::to_string(limits_.memlimit / 1024) +
                             " KiB its memlimit asks for");
  }
  return std::string(out.data());
}

bool SodiumPasswordHasher::Verify(std::string_view password, const std::string& stored) const {
  // libsodium reads stored up to its terminating NUL; a longer string is no hash it wrote.
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  const char* text = password.empty() ? "" : password.data();
  return crypto_pwhash_str_verify(stored.c_str(), text, password.size()) == 0;
}

bool SodiumPasswordHasher::NeedsRehash(const std::string& stored) const {
  if (stored.size() >= crypto_pwhash_STRBYTES) return true;
  // The Argon2id-specific check, not crypto_pwhash_str_needs_rehash: that one answers "no" for
  // an Argon2i hash with the same limits, which should move to Argon2id.
  return crypto_pwhash_argon2id_str_needs_rehash(stored.c_str(), limits_.opslimit,
                                                 limits_.memlimit) != 0;
}

}  // namespace shakwa::crypto
