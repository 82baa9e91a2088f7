#include "attachments/policy.hpp"

#include <utility>

namespace shakwa::attachments {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::MessageId;

std::vector<Part> TakeFileParts(std::vector<Part>& parts) {
  std::vector<Part> files;
  std::vector<Part> fields;
  for (Part& part : parts) {
    if (!part.IsFile()) {
      fields.push_back(std::move(part));
    } else if (!part.filename->empty() || !part.data.empty()) {
      files.push_back(std::move(part));
    }
  }
  parts = std::move(fields);
  return files;
}

AttachmentPolicy::AttachmentPolicy(AttachmentLimits limits, const ContentTypeDetector& detector,
                                   Scanner& scanner, const FileStore& store)
    : limits_(std::move(limits)), detector_(detector), scanner_(scanner), store_(store) {}

domain::Result<std::vector<CheckedFile>> AttachmentPolicy::CheckUploads(
    std::span<const Part> files, std::size_t existing_files) const {
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].data.size() > limits_.max_file_bytes) {
      Error error = Error::Of(ErrorCode::kPayloadTooLarge, MessageId::kFileTooLarge,
                              "attachments: files[" + std::to_string(i) + "] has " +
                                  std::to_string(files[i].data.size()) + " bytes");
      error.message_param = std::to_string(limits_.max_file_bytes);
      return error;
    }
  }

  if (existing_files + files.size() > limits_.max_files_per_case) {
    Error error = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed,
                            "attachments: " + std::to_string(files.size()) + " new files on " +
                                std::to_string(existing_files) + " already attached");
    error.fields.push_back(
        FieldError{"files", MessageId::kTooManyFiles, std::to_string(limits_.max_files_per_case)});
    return error;
  }

  std::vector<CheckedFile> checked;
  checked.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto type = detector_.Detect(files[i].data);
    if (!type) return std::move(type).error();
    if (!limits_.allowed.Allows(*type)) {
      Error error = Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedFileType,
                              "attachments: files[" + std::to_string(i) + "] is " + *type);
      error.message_param = *type;
      return error;
    }
    checked.push_back(CheckedFile{&files[i], std::move(*type)});
  }

  for (std::size_t i = 0; i < files.size(); ++i) {
    auto verdict = scanner_.Scan(files[i].data);
    if (!verdict) return std::move(verdict).error();
    if (!verdict->clean) {
      const std::string path = "files[" + std::to_string(i) + "]";
      Error error = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed,
                              "attachments: scanner found " + verdict->signature + " in " + path);
      error.fields.push_back(FieldError{path, MessageId::kFileRejectedByScanner, {}});
      return error;
    }
  }
  return checked;
}

domain::Result<std::vector<AcceptedFile>> AttachmentPolicy::AcceptUploads(
    std::span<const Part> files, std::size_t existing_files) const {
  auto checked = CheckUploads(files, existing_files);
  if (!checked) return std::move(checked).error();
  std::vector<AcceptedFile> accepted;
  accepted.reserve(checked->size());
  for (CheckedFile& file : *checked) {
    auto stored = store_.Put(file.part->data);
    if (!stored) return std::move(stored).error();
    accepted.push_back(AcceptedFile{std::move(*stored), std::move(file.media_type),
                                    file.part->filename.value_or(std::string())});
  }
  return accepted;
}

}  // namespace shakwa::attachments
