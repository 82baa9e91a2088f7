#include "attachments/file_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "attachments/sample_files.hpp"
#include "attachments/temp_dir.hpp"

namespace shakwa::attachments {
namespace {

using domain::ErrorCode;

unsigned Mode(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777u;
}

TEST(FileStore, HashesWithSha256) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(IsSha256Hex(Sha256Hex("x")));
  EXPECT_FALSE(IsSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(IsSha256Hex("../../etc/passwd"));
}

TEST(FileStore, StoresUnderTheHashWithPrivateModes) {
  testing::TempDir dir;
  const FileStore store(dir.path() / "files");
  auto stored = store.Put(testing::Pdf());
  ASSERT_TRUE(stored.has_value()) << stored.error().detail;
  EXPECT_EQ(stored->sha256_hex, Sha256Hex(testing::Pdf()));
  EXPECT_EQ(stored->size, static_cast<std::int64_t>(testing::Pdf().size()));

  const std::string& hex = stored->sha256_hex;
  const auto path = dir.path() / "files" / "sha256" / hex.substr(0, 2) / hex.substr(2, 2) / hex;
  EXPECT_EQ(store.PathFor(hex), path);
  ASSERT_TRUE(std::filesystem::is_regular_file(path));
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(path.parent_path()), 0700u);
  EXPECT_EQ(Mode(path.parent_path().parent_path()), 0700u);
  EXPECT_EQ(Mode(dir.path() / "files" / "sha256"), 0700u);
  EXPECT_EQ(Mode(dir.path() / "files"), 0700u);
  // No temporary file is left behind.
  EXPECT_EQ(testing::CountFiles(dir.path()), 1u);
}

TEST(FileStore, ReadsBackWhatItStored) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  const std::string data = testing::Png() + std::string("\0tail", 5);
  auto stored = store.Put(data);
  ASSERT_TRUE(stored.has_value());
  auto read = store.Read(stored->sha256_hex);
  ASSERT_TRUE(read.has_value()) << read.error().detail;
  EXPECT_EQ(*read, data);
}

TEST(FileStore, StoresEmptyFiles) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  auto stored = store.Put("");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->size, 0);
  auto read = store.Read(stored->sha256_hex);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, "");
}

TEST(FileStore, KeepsTheExistingCopyOfTheSameBytes) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  auto first = store.Put("same bytes");
  ASSERT_TRUE(first.has_value());
  struct stat before {};
  ASSERT_EQ(::stat(store.PathFor(first->sha256_hex).c_str(), &before), 0);
  auto second = store.Put("same bytes");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);
  struct stat after {};
  ASSERT_EQ(::stat(store.PathFor(first->sha256_hex).c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);  // not rewritten
  EXPECT_EQ(testing::CountFiles(dir.path()), 1u);
}

TEST(FileStore, ReplacesACopyOfTheWrongSize) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  auto stored = store.Put("the whole file");
  ASSERT_TRUE(stored.has_value());
  std::filesystem::resize_file(store.PathFor(stored->sha256_hex), 3);  // a disk lost its tail
  ASSERT_TRUE(store.Put("the whole file").has_value());
  auto read = store.Read(stored->sha256_hex);
  ASSERT_TRUE(read.has_value()) << read.error().detail;
  EXPECT_EQ(*read, "the whole file");
}

TEST(FileStore, HealsACorruptedCopyWhenTheSameBytesArePutAgain) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  auto stored = store.Put("twelve bytes");
  ASSERT_TRUE(stored.has_value());
  std::ofstream(store.PathFor(stored->sha256_hex), std::ios::binary) << "twelve BYTES";
  ASSERT_FALSE(store.Read(stored->sha256_hex).has_value());
  ASSERT_TRUE(store.Put("twelve bytes").has_value());
  auto read = store.Read(stored->sha256_hex);
  ASSERT_TRUE(read.has_value()) << read.error().detail;
  EXPECT_EQ(*read, "twelve bytes");
}

TEST(FileStore, DetectsACorruptedFileOnRead) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  auto stored = store.Put(testing::Pdf());
  ASSERT_TRUE(stored.has_value());
  {
    // Flip one byte in place, keeping the size.
    std::fstream file(store.PathFor(stored->sha256_hex),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(10);
    file.put('#');
  }
  auto read = store.Read(stored->sha256_hex);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kInternal);
  EXPECT_NE(read.error().detail.find("corrupt"), std::string::npos) << read.error().detail;
}

TEST(FileStore, ReportsMissingFilesAndBadHashes) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  auto missing = store.Read(Sha256Hex("never stored"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal);
  EXPECT_NE(missing.error().detail.find("missing"), std::string::npos);

  auto bad = store.Read("../../../etc/passwd");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
}

TEST(FileStore, RefusesToFollowSymlinks) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  const std::string hex = Sha256Hex("elsewhere");
  std::filesystem::create_directories(store.PathFor(hex).parent_path());
  std::ofstream(dir.path() / "target") << "elsewhere";
  std::filesystem::create_symlink(dir.path() / "target", store.PathFor(hex));
  EXPECT_FALSE(store.Read(hex).has_value());
}

TEST(FileStore, ReportsAnUnwritableRootAsUnavailable) {
  testing::TempDir dir;
  const FileStore store(dir.path());
  // A regular file where a fan-out directory must go: mkdir fails whoever runs the test (a
  // read-only directory would not stop root, which CI runs as).
  const std::string hex = Sha256Hex("blocked");
  std::ofstream(dir.path() / "sha256" / hex.substr(0, 2)) << "not a directory";
  auto stored = store.Put("blocked");
  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(stored.error().detail.find(hex.substr(0, 2)), std::string::npos);
}

TEST(FileStore, RefusesToStartWhereItCannotCreateItsDirectory) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "a-file") << "x";
  EXPECT_THROW(FileStore(dir.path() / "a-file" / "files"), std::runtime_error);
}

TEST(FileStore, CreatesNestedRoots) {
  testing::TempDir dir;
  const FileStore store(dir.path() / "a" / "b" / "c");
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "a" / "b" / "c" / "sha256"));
  EXPECT_EQ(Mode(dir.path() / "a"), 0700u);
}

}  // namespace
}  // namespace shakwa::attachments
