// What a file is, judged by its bytes (libmagic), never by its name or the client's Content-Type,
// and whether Shakwa accepts that kind of file.
//
// libmagic 5.44 (Debian 12) names an Office Open XML file only when the third entry of its zip is
// under word/, xl/ or ppt/ (Word's own order); files saved by LibreOffice and others come out as
// application/zip. So when libmagic says application/zip, or names an OOXML type, the zip's
// central directory is read (names only; nothing is decompressed): [Content_Types].xml together
// with exactly one of word/document.xml, xl/workbook.xml, ppt/presentation.xml makes it a
// .docx/.xlsx/.pptx, and a vbaProject.bin beside it makes it the macro-enabled variant, which the
// default allow-list does not take.
//
// Thread safety: ContentTypeDetector is safe from any thread. libmagic handles are not, so the
// detector keeps a pool of them: a call takes a handle from the pool (opening a new one when all
// are in use), uses it with no lock held, and returns it. Each handle is used by one thread at a
// time, and concurrent detections never wait for each other; the pool only grows to the number
// of calls ever in flight at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace shakwa::attachments {

// The media types Shakwa accepts as attachments: a setting.
struct AllowedMediaTypes {
  std::vector<std::string> media_types = {
      "application/pdf",
      "image/jpeg",
      "image/png",
      "image/gif",
      "image/webp",
      "image/tiff",
      "image/heic",
      "image/heif",
      "application/msword",
      "application/vnd.ms-excel",
      "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "text/plain",
  };

  // Exact match on the detected type, compared case-insensitively.
  bool Allows(std::string_view media_type) const;
};

struct MagicHandle;  // one libmagic handle (magic_t), closed when destroyed

class ContentTypeDetector {
 public:
  // magic_database: a compiled magic file; empty means libmagic's default (Debian:
  // /usr/lib/file/magic.mgc). Opens one handle at once so that a missing or broken database
  // fails start-up: throws std::runtime_error with libmagic's message.
  explicit ContentTypeDetector(std::string magic_database = {});
  ~ContentTypeDetector();
  ContentTypeDetector(const ContentTypeDetector&) = delete;
  ContentTypeDetector& operator=(const ContentTypeDetector&) = delete;

  // The media type of data, lower case and without parameters ("application/pdf",
  // "application/x-empty" for no bytes). kInternal (kInternalError) if libmagic fails.
  domain::Result<std::string> Detect(std::string_view data) const;

 private:
  std::unique_ptr<MagicHandle> Acquire() const;
  void Release(std::unique_ptr<MagicHandle> handle) const;

  const std::string database_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<MagicHandle>> idle_;  // GUARDED_BY(mutex_)
};

// The Office Open XML type of a zip, read from its central directory as described above, or ""
// when data is not a zip with exactly one OOXML main part. Exposed for tests.
std::string OfficeOpenXmlType(std::string_view data);

}  // namespace shakwa::attachments
