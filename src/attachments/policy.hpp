// AttachmentPolicy: which uploaded files a case takes, decided for all of them before any is kept.
//
// For the files of one request, in this order, each check over every file before the next:
//   1. size: a file over max_file_bytes     → kPayloadTooLarge (kFileTooLarge, param = limit): 413
//   2. count: existing + new > max_files    → kInvalidInput, field "files" (kTooManyFiles,
//                                             param = limit): 422
//   3. type: detected type not allowed      → kUnsupportedMediaType (kUnsupportedFileType,
//                                             param = detected type): 415
//   4. scan: the scanner finds something    → kInvalidInput, field "files[i]"
//                                             (kFileRejectedByScanner): 422
//            the scanner cannot answer      → kUnavailable (kScannerUnavailable): 503
// Only when every file passes are they written to the FileStore; a refusal stores nothing, so
// the caller, which inserts the attachment rows in its own transaction afterwards, never
// half-applies a request. (A disk failure between two Puts leaves the earlier files as
// unreferenced orphans in the content-addressed store, never as attachments.)
//
// Cheap checks come first, so an oversized or misnamed request costs no scanning.
//
// Thread safety: AttachmentPolicy holds references only; it is as safe as the detector (any
// thread), the scanner and the store (any thread) it is given.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "attachments/content_type.hpp"
#include "attachments/file_store.hpp"
#include "attachments/multipart.hpp"
#include "attachments/scanner.hpp"
#include "domain/result.hpp"

namespace shakwa::attachments {

struct AttachmentLimits {
  std::size_t max_file_bytes = std::size_t{10} * 1024 * 1024;
  std::size_t max_files_per_case = 10;
  AllowedMediaTypes allowed;
};

// A file that passed every check, with what was learnt about it.
struct CheckedFile {
  const Part* part = nullptr;  // the part it came from (not owned)
  std::string media_type;      // detected from the content
};

// A file that was accepted and stored: what app::Attachment needs.
struct AcceptedFile {
  StoredFile stored;
  std::string media_type;  // detected from the content, lower case
  std::string filename;    // the part's filename (display only)

  bool operator==(const AcceptedFile&) const = default;
};

// Moves the file parts (those with a filename) out of parts, in order, leaving the plain fields.
// The part a browser sends for a file input left empty (filename "" and no data) is dropped.
std::vector<Part> TakeFileParts(std::vector<Part>& parts);

class AttachmentPolicy {
 public:
  AttachmentPolicy(AttachmentLimits limits, const ContentTypeDetector& detector, Scanner& scanner,
                   const FileStore& store);

  // Runs checks 1-4 over files (each taken as a file, whatever its filename), given that the
  // case already has existing_files attachments. Stores nothing.
  domain::Result<std::vector<CheckedFile>> CheckUploads(std::span<const Part> files,
                                                        std::size_t existing_files) const;

  // CheckUploads, then, when every file passed, Put each in the store. Files in the same order
  // as given. The same bytes twice become two AcceptedFiles sharing one stored file.
  domain::Result<std::vector<AcceptedFile>> AcceptUploads(std::span<const Part> files,
                                                          std::size_t existing_files) const;

  const AttachmentLimits& limits() const { return limits_; }

 private:
  AttachmentLimits limits_;
  const ContentTypeDetector& detector_;
  Scanner& scanner_;
  const FileStore& store_;
};

}  // namespace shakwa::attachments
