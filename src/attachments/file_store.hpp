// FileStore: attachment bytes on disk, named by their SHA-256, outside the database.
//
// A file with hash ab cd ef… lives at <root>/sha256/ab/cd/abcdef…; directories are 0700 and
// files 0600. Put writes a temporary file in the final directory, fsyncs it, renames it into
// place and fsyncs the directory, so a crash leaves either the whole file or none, and a Put that
// returned is on disk. Content-addressed: the same bytes put twice are one file, kept as it is
// while it is intact (a damaged copy is replaced).
// Read verifies the hash, so a file damaged on disk is reported, never served.
//
// Nothing is ever deleted here: one file may back attachments of several cases. A file whose
// Put succeeded but whose database row was never committed is an orphan; a later sweep may
// remove files no row names.
//
// Thread safety: safe from any thread and from several processes on the same root; two Puts of
// the same bytes race harmlessly (each renames its own complete copy over the other).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace shakwa::attachments {

struct StoredFile {
  std::string sha256_hex;  // 64 lower-case hex digits
  std::int64_t size = 0;   // bytes

  bool operator==(const StoredFile&) const = default;
};

class FileStore {
 public:
  // Creates <root> and <root>/sha256 (0700) when missing. Throws std::runtime_error saying what
  // to fix when it cannot: this runs at start-up.
  explicit FileStore(std::filesystem::path root);

  // Stores data durably. kUnavailable (kStorageUnavailable) when the disk refuses (full,
  // read-only, permissions); the detail names the path and errno text.
  domain::Result<StoredFile> Put(std::string_view data) const;

  // The bytes stored under sha256_hex, after checking they still hash to it. The hash comes
  // from a stored attachment row, so every failure is the server's fault: kInternal
  // (kInternalError), with a detail that says which — not 64 lower-case hex digits, no such
  // file (the database names a file the disk lacks), a read error, or bytes that no longer
  // match their hash (corruption).
  domain::Result<std::string> Read(std::string_view sha256_hex) const;

  // Where sha256_hex lives (whether or not it is there). REQUIRES: IsSha256Hex(sha256_hex)
  std::filesystem::path PathFor(std::string_view sha256_hex) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

bool IsSha256Hex(std::string_view text);

// Lower-case hex SHA-256 of data (libsodium).
std::string Sha256Hex(std::string_view data);

}  // namespace shakwa::attachments
