#include "attachments/content_type.hpp"

#include <magic.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace shakwa::attachments {

struct MagicHandle {
  explicit MagicHandle(magic_t h) : handle(h) {}
  ~MagicHandle() { magic_close(handle); }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;

  magic_t handle;
};

namespace {

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Opens and loads a handle; on failure returns nullptr and sets why.
std::unique_ptr<MagicHandle> OpenMagic(const std::string& database, std::string& why) {
  // MAGIC_ERROR: report a bad database as an error instead of guessing. Decompression
  // (MAGIC_COMPRESS) stays off: a gzip is judged as a gzip, not by what it holds.
  magic_t raw = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
  if (raw == nullptr) {
    why = "magic_open failed";
    return nullptr;
  }
  auto handle = std::make_unique<MagicHandle>(raw);
  if (magic_load(raw, database.empty() ? nullptr : database.c_str()) != 0) {
    const char* error = magic_error(raw);
    why = std::string("magic_load(") + (database.empty() ? "default" : database) +
          "): " + (error != nullptr ? error : "unknown error");
    return nullptr;
  }
  return handle;
}

std::uint32_t Read16(std::string_view data, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(data[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 1])) << 8;
}

std::uint32_t Read32(std::string_view data, std::size_t at) {
  return Read16(data, at) | Read16(data, at + 2) << 16;
}

constexpr std::string_view kEndOfCentralDirectory("PK\x05\x06", 4);
constexpr std::string_view kCentralDirectoryEntry("PK\x01\x02", 4);
constexpr std::size_t kEndRecordBytes = 22;
constexpr std::size_t kEntryBytes = 46;

// The names in a zip's central directory; empty if there is no well-formed one (ZIP64 included:
// office documents are far below its 4 GiB threshold).
std::vector<std::string_view> ZipEntryNames(std::string_view data) {
  if (data.size() < kEndRecordBytes) return {};
  // The end record is the last 22 bytes plus a comment of at most 65535: look back that far.
  const std::size_t last = data.size() - kEndRecordBytes;
  const std::size_t first = last > 0xFFFF ? last - 0xFFFF : 0;
  std::size_t end = std::string_view::npos;
  for (std::size_t at = last + 1; at-- > first;) {
    if (data.substr(at, 4) == kEndOfCentralDirectory &&
        at + kEndRecordBytes + Read16(data, at + 20) <= data.size()) {
      end = at;
      break;
    }
  }
  if (end == std::string_view::npos) return {};
  const std::uint32_t entries = Read16(data, end + 10);
  const std::uint32_t directory_size = Read32(data, end + 12);
  const std::uint32_t directory_offset = Read32(data, end + 16);
  if (entries == 0xFFFF || directory_offset == 0xFFFFFFFF ||
      std::uint64_t{directory_offset} + directory_size > end) {
    return {};
  }
  std::vector<std::string_view> names;
  const std::string_view directory = data.substr(directory_offset, directory_size);
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < entries; ++i) {
    if (at + kEntryBytes > directory.size() || directory.substr(at, 4) != kCentralDirectoryEntry) {
      return {};
    }
    const std::size_t name_length = Read16(directory, at + 28);
    const std::size_t rest = name_length + Read16(directory, at + 30) + Read16(directory, at + 32);
    if (at + kEntryBytes + rest > directory.size()) return {};
    names.push_back(directory.substr(at + kEntryBytes, name_length));
    at += kEntryBytes + rest;
  }
  return names;
}

struct OfficeKind {
  std::string_view main_part;
  std::string_view macros;
  std::string_view type;
  std::string_view macro_type;
};

constexpr OfficeKind kOfficeKinds[] = {
    {"word/document.xml", "word/vbaProject.bin",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "application/vnd.ms-word.document.macroenabled.12"},
    {"xl/workbook.xml", "xl/vbaProject.bin",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "application/vnd.ms-excel.sheet.macroenabled.12"},
    {"ppt/presentation.xml", "ppt/vbaProject.bin",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation",
     "application/vnd.ms-powerpoint.presentation.macroenabled.12"},
};

}  // namespace

bool AllowedMediaTypes::Allows(std::string_view media_type) const {
  return std::any_of(media_types.begin(), media_types.end(), [&](const std::string& allowed) {
    return allowed.size() == media_type.size() &&
           std::equal(allowed.begin(), allowed.end(), media_type.begin(),
                      [](char a, char b) { return Lower(a) == Lower(b); });
  });
}

std::string OfficeOpenXmlType(std::string_view data) {
  const std::vector<std::string_view> names = ZipEntryNames(data);
  auto has = [&](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (!has("[Content_Types].xml")) return {};
  const OfficeKind* found = nullptr;
  for (const OfficeKind& kind : kOfficeKinds) {
    if (!has(kind.main_part)) continue;
    if (found != nullptr) return {};  // two main parts: not a document any Office app wrote
    found = &kind;
  }
  if (found == nullptr) return {};
  return std::string(has(found->macros) ? found->macro_type : found->type);
}

ContentTypeDetector::ContentTypeDetector(std::string magic_database)
    : database_(std::move(magic_database)) {
  std::string why;
  auto handle = OpenMagic(database_, why);
  if (!handle) throw std::runtime_error("libmagic: " + why);
  idle_.push_back(std::move(handle));
}

ContentTypeDetector::~ContentTypeDetector() = default;

std::unique_ptr<MagicHandle> ContentTypeDetector::Acquire() const {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  std::string why;
  return OpenMagic(database_, why);  // loading maps the database file; no lock needed
}

void ContentTypeDetector::Release(std::unique_ptr<MagicHandle> handle) const {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(handle));
}

domain::Result<std::string> ContentTypeDetector::Detect(std::string_view data) const {
  auto handle = Acquire();
  if (!handle) {
    return domain::Error::Of(domain::ErrorCode::kInternal, domain::MessageId::kInternalError,
                             "libmagic: cannot open another handle");
  }
  const char* answer = magic_buffer(handle->handle, data.data(), data.size());
  std::string type;
  if (answer != nullptr) type = answer;
  const char* error = answer == nullptr ? magic_error(handle->handle) : nullptr;
  std::string why = error != nullptr ? error : "no answer";
  Release(std::move(handle));
  if (answer == nullptr) {
    return domain::Error::Of(domain::ErrorCode::kInternal, domain::MessageId::kInternalError,
                             "libmagic: magic_buffer: " + why);
  }
  // MAGIC_MIME_TYPE gives "type/subtype" alone; trim defensively all the same.
  type.erase(std::min(type.find(';'), type.size()));
  std::transform(type.begin(), type.end(), type.begin(), Lower);

  if (type == "application/zip" ||
      type.starts_with("application/vnd.openxmlformats-officedocument.")) {
    std::string office = OfficeOpenXmlType(data);
    if (!office.empty()) return office;
  }
  return type;
}

}  // namespace shakwa::attachments
