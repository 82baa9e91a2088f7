#include "crypto/sodium.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/store_helpers.hpp"

namespace shakwa::crypto {
namespace {

TEST(MasterKey, IsCreatedPrivateOnFirstUseAndReadBackTheSame) {
  testing::TempDir dir;
  KeySource source{std::nullopt, dir.path() / "keys" / "shakwa.key", true};
  const Key first = LoadMasterKey(source);
  struct stat info {};
  ASSERT_EQ(::stat(source.file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(LoadMasterKey(source), first);
  EXPECT_NE(first, Key{});
}

TEST(MasterKey, ComesFromHexInTheEnvironmentWhenGiven) {
  KeySource source{std::string(64, 'a'), "/nonexistent/never-read", false};
  Key expected;
  expected.fill(0xAA);
  EXPECT_EQ(LoadMasterKey(source), expected);
}

TEST(MasterKey, RefusesBadHexAMissingNamedFileAndAFileOthersCanRead) {
  EXPECT_THROW(LoadMasterKey({std::string("abc"), {}, false}), std::runtime_error);
  testing::TempDir dir;
  EXPECT_THROW(LoadMasterKey({std::nullopt, dir.path() / "missing.key", false}),
               std::runtime_error);
  const auto open_file = dir.path() / "open.key";
  std::ofstream(open_file) << std::string(64, 'b') << "\n";
  ::chmod(open_file.c_str(), 0644);
  try {
    LoadMasterKey({std::nullopt, open_file, false});
    FAIL() << "a world-readable key file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
  }
}

TEST(AccessCodeHasher, IsKeyedAndDeterministic) {
  Key a{}, b{};
  b[0] = 1;
  SodiumAccessCodeHasher ha(a), hb(b);
  EXPECT_EQ(ha.Hash("K7QMXHD39TWB"), ha.Hash("K7QMXHD39TWB"));
  EXPECT_NE(ha.Hash("K7QMXHD39TWB"), ha.Hash("K7QMXHD39TWC"));
  EXPECT_NE(ha.Hash("K7QMXHD39TWB"), hb.Hash("K7QMXHD39TWB"));
  EXPECT_TRUE(ha.Matches("K7QMXHD39TWB", ha.Hash("K7QMXHD39TWB")));
  EXPECT_FALSE(ha.Matches("K7QMXHD39TWC", ha.Hash("K7QMXHD39TWB")));
}

TEST(FieldCipher, RoundTripsAndBindsTheAssociatedData) {
  SodiumFieldCipher cipher(Key{9});
  const std::string sealed = cipher.Seal("1012345678", "cases.national_id/C-2026-000001-5");
  EXPECT_EQ(sealed.find("1012345678"), std::string::npos);
  EXPECT_EQ(cipher.Open(sealed, "cases.national_id/C-2026-000001-5"), "1012345678");
  EXPECT_FALSE(cipher.Open(sealed, "cases.national_id/C-2026-000002-8").has_value());
  EXPECT_FALSE(cipher.Open(sealed, "cases.email/C-2026-000001-5").has_value());
  std::string tampered = sealed;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_FALSE(cipher.Open(tampered, "cases.national_id/C-2026-000001-5").has_value());
  EXPECT_FALSE(SodiumFieldCipher(Key{8}).Open(sealed, "cases.national_id/C-2026-000001-5"));
  EXPECT_FALSE(cipher.Open("short", "x").has_value());
}

TEST(FieldCipher, UsesAFreshNonceEveryTime) {
  SodiumFieldCipher cipher(Key{9});
  EXPECT_NE(cipher.Seal("same", "ad"), cipher.Seal("same", "ad"));
}

}  // namespace
}  // namespace shakwa::crypto
