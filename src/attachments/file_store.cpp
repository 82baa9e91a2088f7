#include "attachments/file_store.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace shakwa::attachments {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

Error Unavailable(std::string_view what, const std::filesystem::path& path, int error) {
  return Error::Of(
      ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
      "file store: " + std::string(what) + " " + path.string() + ": " + ErrnoText(error));
}

Error Internal(std::string detail) {
  return Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                   "file store: " + std::move(detail));
}

// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  int get() const { return fd_; }
  // Closes now, reporting the error close() may carry (a delayed write error on some systems).
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// 0 or the errno of the first failure.
int SyncDirectory(const std::filesystem::path& directory) {
  Descriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return fd.Close();
}

// Makes directory (0700) if missing, and makes its new entry in parent durable. 0 or errno.
int EnsureDirectory(const std::filesystem::path& directory, const std::filesystem::path& parent) {
  if (::mkdir(directory.c_str(), 0700) == 0) return SyncDirectory(parent);
  if (errno != EEXIST) return errno;
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0) return errno;
  return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

}  // namespace

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Sha256Hex(std::string_view data) {
  // crypto_hash_sha256 is a pure function: it needs no sodium_init().
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

FileStore::FileStore(std::filesystem::path root) : root_(std::move(root)) {
  // Like mkdir -p, but every directory it makes is 0700: attachments are personal data.
  std::filesystem::path partial;
  const std::filesystem::path target = root_ / "sha256";
  for (const auto& component : target) {
    const std::filesystem::path parent = partial.empty() ? "." : partial;
    partial /= component;
    if (component == "/" || component.empty()) continue;
    if (const int error = EnsureDirectory(partial, parent); error != 0) {
      throw std::runtime_error("file store: cannot create the directory " + partial.string() +
                               ": " + ErrnoText(error));
    }
  }
}

std::filesystem::path FileStore::PathFor(std::string_view sha256_hex) const {
  return root_ / "sha256" / std::string(sha256_hex.substr(0, 2)) /
         std::string(sha256_hex.substr(2, 2)) / std::string(sha256_hex);
}

domain::Result<StoredFile> FileStore::Put(std::string_view data) const {
  StoredFile stored{Sha256Hex(data), static_cast<std::int64_t>(data.size())};
  const std::filesystem::path final_path = PathFor(stored.sha256_hex);
  const std::filesystem::path directory = final_path.parent_path();
  const std::filesystem::path top = directory.parent_path();
  if (const int error = EnsureDirectory(top, top.parent_path()); error != 0) {
    return Unavailable("mkdir", top, error);
  }
  if (const int error = EnsureDirectory(directory, top); error != 0) {
    return Unavailable("mkdir", directory, error);
  }

  // Already there and intact: keep it. A copy that is damaged (of the wrong size, or no longer
  // matching its hash) is replaced below, so putting the same bytes again heals it.
  struct stat st {};
  if (::stat(final_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size == static_cast<off_t>(data.size()) && Read(stored.sha256_hex).has_value()) {
    // Another Put may have renamed it in a moment ago without its directory fsync yet done.
    if (const int error = SyncDirectory(directory); error != 0) {
      return Unavailable("fsync", directory, error);
    }
    return stored;
  }

  std::string temp_name = (directory / ".tmp-XXXXXX").string();
  Descriptor fd(::mkostemp(temp_name.data(), O_CLOEXEC));  // mode 0600
  if (fd.get() < 0) return Unavailable("mkstemp in", directory, errno);
  const std::filesystem::path temp_path = temp_name;
  auto fail = [&](std::string_view what, const std::filesystem::path& path, int error) {
    ::unlink(temp_path.c_str());
    return Unavailable(what, path, error);
  };
  if (const int error = WriteAll(fd.get(), data); error != 0) {
    return fail("write", temp_path, error);
  }
  if (::fsync(fd.get()) != 0) return fail("fsync", temp_path, errno);
  if (const int error = fd.Close(); error != 0) return fail("close", temp_path, error);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    return fail("rename to", final_path, errno);
  }
  if (const int error = SyncDirectory(directory); error != 0) {
    return Unavailable("fsync", directory, error);
  }
  return stored;
}

domain::Result<std::string> FileStore::Read(std::string_view sha256_hex) const {
  if (!IsSha256Hex(sha256_hex)) {
    return Internal("not a SHA-256 in lower-case hex: " + std::string(sha256_hex.substr(0, 80)));
  }
  const std::filesystem::path path = PathFor(sha256_hex);
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    const int error = errno;
    return Internal(error == ENOENT ? "missing file " + path.string()
                                    : "open " + path.string() + ": " + ErrnoText(error));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return Internal("fstat " + path.string() + ": " + ErrnoText(errno));
  std::string data;
  data.reserve(static_cast<std::size_t>(st.st_size));
  std::array<char, std::size_t{64} * 1024> buffer{};
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Internal("read " + path.string() + ": " + ErrnoText(errno));
    }
    if (n == 0) break;
    data.append(buffer.data(), static_cast<std::size_t>(n));
  }
  if (Sha256Hex(data) != sha256_hex) {
    return Internal("corrupt file " + path.string() + ": its content no longer matches its hash");
  }
  return data;
}

}  // namespace shakwa::attachments
