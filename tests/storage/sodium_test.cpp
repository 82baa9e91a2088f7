#include "crypto/sodium.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/store_helpers.hpp"

namespace shakwa::crypto {
namespace {

// 64 hex digits c: the key whose every byte is 0xcc.
std::string Hex64(char c) {
  return std::string(64, c);
}

Key Filled(std::uint8_t byte) {
  Key key;
  key.fill(byte);
  return key;
}

std::string Hex(const std::array<std::uint8_t, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

std::filesystem::path WritePrivate(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0600);
  return path;
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777;
}

// The message of the std::runtime_error that LoadKeyring throws, or "" if it does not.
std::string LoadError(const KeySource& source) {
  try {
    (void)LoadKeyring(source);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string FileError(const std::filesystem::path& dir, const std::string& text) {
  return LoadError({std::nullopt, WritePrivate(dir / "bad.key", text), false});
}

std::string EnvError(const std::string& hex) {
  return LoadError({hex, {}, false});
}

Keyring Ring(std::initializer_list<std::pair<const int, Key>> keys) {
  return Keyring(std::map<int, Key>(keys));
}

// ---- Loading ----

TEST(SodiumKeyring, IsCreatedPrivateOnFirstUseAndReadBackTheSame) {
  testing::TempDir dir;
  KeySource source{std::nullopt, dir.path() / "keys" / "shakwa.key", true};
  const Keyring first = LoadKeyring(source);
  EXPECT_EQ(ModeOf(source.file), 0600u);
  EXPECT_EQ(first.versions(), std::vector<int>{1});
  EXPECT_NE(first.first(), Key{});
  EXPECT_EQ(ReadAll(source.file).rfind("1 ", 0), 0u) << "written as `<version> <hex>`";
  const Keyring again = LoadKeyring(source);
  EXPECT_EQ(again.first(), first.first());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(source.file.parent_path()),
                          std::filesystem::directory_iterator()),
            1)
      << "no temporary file left behind";
}

TEST(SodiumKeyring, ReadsTheSingleBareLineOfOlderInstallsAsVersionOne) {
  testing::TempDir dir;
  const auto file = WritePrivate(dir.path() / "shakwa.key", Hex64('b') + "\n");
  const Keyring keys = LoadKeyring({std::nullopt, file, false});
  EXPECT_EQ(keys.versions(), std::vector<int>{1});
  EXPECT_EQ(keys.first(), Filled(0xBB));
  EXPECT_EQ(keys.active_version(), 1);
}

TEST(SodiumKeyring, ReadsOneVersionedKeyPerLineAndMakesTheHighestActive) {
  testing::TempDir dir;
  const auto file =
      WritePrivate(dir.path() / "shakwa.key",
                   "1 " + Hex64('a') + "\n\n3\t" + Hex64('c') + "\r\n2  " + Hex64('b') + "\n");
  const Keyring keys = LoadKeyring({std::nullopt, file, false});
  EXPECT_EQ(keys.versions(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(keys.active_version(), 3);
  EXPECT_EQ(keys.active(), Filled(0xCC));
  EXPECT_EQ(keys.first(), Filled(0xAA));
  ASSERT_NE(keys.Find(2), nullptr);
  EXPECT_EQ(*keys.Find(2), Filled(0xBB));
  EXPECT_EQ(keys.Find(4), nullptr);
}

TEST(SodiumKeyring, ComesFromBareHexInTheEnvironmentAsVersionOne) {
  const Keyring keys = LoadKeyring({Hex64('a'), "/nonexistent/never-read", false});
  EXPECT_EQ(keys.versions(), std::vector<int>{1});
  EXPECT_EQ(keys.first(), Filled(0xAA));
}

TEST(SodiumKeyring, ComesFromVersionedHexInTheEnvironment) {
  const Keyring keys = LoadKeyring({" 1:" + Hex64('a') + " , 2:" + Hex64('b') + " ", {}, false});
  EXPECT_EQ(keys.versions(), (std::vector<int>{1, 2}));
  EXPECT_EQ(keys.first(), Filled(0xAA));
  EXPECT_EQ(keys.active(), Filled(0xBB));
}

TEST(SodiumKeyring, RefusesBadFilesSayingWhatToFix) {
  testing::TempDir dir;
  EXPECT_NE(
      FileError(dir.path(), "1 " + Hex64('a') + "\n2 " + Hex64('b') + "\n2 " + Hex64('c') + "\n")
          .find("line 3: key version 2 appears twice"),
      std::string::npos);
  EXPECT_NE(FileError(dir.path(), "1 " + Hex64('a') + "\n2 " + Hex64('b').substr(1) + "x\n")
                .find("line 2: the key must be 64 hexadecimal characters"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "1 " + Hex64('a').substr(2) + "\n").find("line 1"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "2 " + Hex64('b') + "\n").find("key version 1 is missing"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "1 " + Hex64('a') + "\n0 " + Hex64('b') + "\n")
                .find("line 2: the key version"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "1 " + Hex64('a') + "\n256 " + Hex64('b') + "\n").find("line 2"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "1 " + Hex64('a') + "\n" + Hex64('b') + "\n")
                .find("write it as `1 <hex>`"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "1 " + Hex64('a') + " 2 " + Hex64('b') + "\n").find("line 1"),
            std::string::npos);
  EXPECT_NE(FileError(dir.path(), "\n \n").find("holds no key"), std::string::npos);
  EXPECT_EQ(FileError(dir.path(), "1 " + Hex64('a') + "\n2 " + Hex64('a') + "\n"), "") << "control";
}

TEST(SodiumKeyring, RefusesBadEnvironmentValuesSayingWhatToFix) {
  EXPECT_NE(EnvError("abc").find("SHAKWA_SECURITY_KEY: expected 64 hexadecimal"),
            std::string::npos);
  EXPECT_NE(
      EnvError("1:" + Hex64('a') + ",1:" + Hex64('b')).find("entry 2: key version 1 appears twice"),
      std::string::npos);
  EXPECT_NE(
      EnvError("1:" + Hex64('a') + ",2:" + Hex64('b').substr(3)).find("entry 2: the key must be"),
      std::string::npos);
  EXPECT_NE(EnvError("2:" + Hex64('b')).find("key version 1 is missing"), std::string::npos);
  EXPECT_NE(EnvError("x:" + Hex64('a')).find("entry 1: the key version"), std::string::npos);
  EXPECT_NE(EnvError("1:" + Hex64('a') + ",").find("entry 2"), std::string::npos);
  EXPECT_NE(EnvError("1:" + Hex64('a') + "," + Hex64('b')).find("entry 2"), std::string::npos);
}

TEST(SodiumKeyring, NeverPutsKeyMaterialInItsMessages) {
  testing::TempDir dir;
  const std::string secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";
  for (const std::string& message :
       {FileError(dir.path(), "1 " + secret + "\n"), FileError(dir.path(), secret + "\n"),
        EnvError(secret), EnvError("1:" + secret),
        EnvError("1:" + secret + "0,1:" + secret + "0")}) {
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find(secret.substr(0, 16)), std::string::npos) << message;
  }
}

TEST(SodiumKeyring, RefusesAMissingNamedFileAndAFileOthersCanRead) {
  testing::TempDir dir;
  EXPECT_NE(LoadError({std::nullopt, dir.path() / "missing.key", false}).find("no such file"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.key"));
  const auto open_file = dir.path() / "open.key";
  std::ofstream(open_file) << Hex64('b') << "\n";
  ::chmod(open_file.c_str(), 0644);
  EXPECT_NE(LoadError({std::nullopt, open_file, false}).find("chmod 600"), std::string::npos);
}

TEST(SodiumKeyring, RefusesAKeyringWithoutVersionOne) {
  EXPECT_THROW(Ring({{2, Filled(1)}}), std::invalid_argument);
  EXPECT_THROW(Keyring(std::map<int, Key>{}), std::invalid_argument);
  EXPECT_THROW(Ring({{1, Filled(1)}, {256, Filled(2)}}), std::invalid_argument);
}

TEST(SodiumKeyring, LoadMasterKeyStillReadsAOneKeyKeyringAndRefusesMore) {
  EXPECT_EQ(LoadMasterKey({Hex64('a'), {}, false}), Filled(0xAA));
  EXPECT_THROW(LoadMasterKey({"1:" + Hex64('a') + ",2:" + Hex64('b'), {}, false}),
               std::runtime_error);
}

// ---- Rotation ----

TEST(SodiumKeyRotation, AddsTheNextVersionKeepingEveryKeyAndTheFilePrivate) {
  testing::TempDir dir;
  const KeySource source{std::nullopt, dir.path() / "shakwa.key", true};
  const Keyring before = LoadKeyring(source);
  EXPECT_EQ(AddKeyToKeyringFile(source.file), 2);
  EXPECT_EQ(ModeOf(source.file), 0600u);
  EXPECT_EQ(AddKeyToKeyringFile(source.file), 3);
  EXPECT_EQ(ModeOf(source.file), 0600u);
  const Keyring after = LoadKeyring(source);
  EXPECT_EQ(after.versions(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(after.first(), before.first());
  EXPECT_NE(*after.Find(2), after.first());
  EXPECT_NE(*after.Find(3), *after.Find(2));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1)
      << "no temporary file left behind";
}

TEST(SodiumKeyRotation, RewritesTheLegacyFormatKeepingItsKeyAsVersionOne) {
  testing::TempDir dir;
  const auto file = WritePrivate(dir.path() / "shakwa.key", Hex64('a') + "\n");
  EXPECT_EQ(AddKeyToKeyringFile(file), 2);
  EXPECT_EQ(ReadAll(file).rfind("1 " + Hex64('a') + "\n2 ", 0), 0u);
  const Keyring keys = LoadKeyring({std::nullopt, file, false});
  EXPECT_EQ(keys.first(), Filled(0xAA));
  EXPECT_EQ(keys.active_version(), 2);
}

TEST(SodiumKeyRotation, ContinuesAfterTheHighestVersionEvenWithGaps) {
  testing::TempDir dir;
  const auto file =
      WritePrivate(dir.path() / "shakwa.key", "1 " + Hex64('a') + "\n7 " + Hex64('b') + "\n");
  EXPECT_EQ(AddKeyToKeyringFile(file), 8);
}

TEST(SodiumKeyRotation, RefusesAMissingOpenOrInvalidFile) {
  testing::TempDir dir;
  EXPECT_THROW(AddKeyToKeyringFile(dir.path() / "missing.key"), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.key"));
  const auto open_file = dir.path() / "open.key";
  std::ofstream(open_file) << Hex64('a') << "\n";
  ::chmod(open_file.c_str(), 0644);
  EXPECT_THROW(AddKeyToKeyringFile(open_file), std::runtime_error);
  const auto bad =
      WritePrivate(dir.path() / "bad.key", "1 " + Hex64('a') + "\n1 " + Hex64('b') + "\n");
  EXPECT_THROW(AddKeyToKeyringFile(bad), std::runtime_error);
  EXPECT_EQ(ReadAll(bad), "1 " + Hex64('a') + "\n1 " + Hex64('b') + "\n") << "left as it was";
}

TEST(SodiumKeyRotation, RefusesToGoPastVersion255) {
  testing::TempDir dir;
  const auto file =
      WritePrivate(dir.path() / "shakwa.key", "1 " + Hex64('a') + "\n255 " + Hex64('b') + "\n");
  EXPECT_THROW(AddKeyToKeyringFile(file), std::runtime_error);
}

TEST(SodiumKeyRotation, ConcurrentRotationsLoseNoKey) {
  testing::TempDir dir;
  const KeySource source{std::nullopt, dir.path() / "shakwa.key", true};
  (void)LoadKeyring(source);
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::vector<std::vector<int>> added(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        added[static_cast<std::size_t>(t)].push_back(AddKeyToKeyringFile(source.file));
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int> versions;
  for (const auto& list : added) versions.insert(list.begin(), list.end());
  EXPECT_EQ(versions.size(), static_cast<std::size_t>(kThreads * kEach)) << "each version once";
  EXPECT_EQ(LoadKeyring(source).versions().size(), static_cast<std::size_t>(kThreads * kEach + 1));
}

// ---- Field cipher ----

TEST(SodiumFieldCipher, RoundTripsAndBindsTheAssociatedData) {
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
  EXPECT_EQ(cipher.Open(cipher.Seal("", "ad"), "ad"), "");
}

TEST(SodiumFieldCipher, UsesAFreshNonceEveryTime) {
  SodiumFieldCipher cipher(Key{9});
  EXPECT_NE(cipher.Seal("same", "ad"), cipher.Seal("same", "ad"));
}

TEST(SodiumFieldCipher, OpensValuesSealedBeforeRotationWhileNewSealsCarryTheNewVersion) {
  const SodiumFieldCipher before(Ring({{1, Filled(1)}}));
  const SodiumFieldCipher after(Ring({{1, Filled(1)}, {2, Filled(2)}}));
  const std::string old_sealed = before.Seal("0551234567", "cases.mobile/1");
  EXPECT_EQ(after.Open(old_sealed, "cases.mobile/1"), "0551234567");
  const std::string new_sealed = after.Seal("0551234567", "cases.mobile/1");
  EXPECT_EQ(after.KeyVersionOf(new_sealed), 2);
  EXPECT_EQ(after.active_version(), 2);
  EXPECT_EQ(after.Open(new_sealed, "cases.mobile/1"), "0551234567");
  EXPECT_FALSE(before.Open(new_sealed, "cases.mobile/1").has_value()) << "v2 is not in its ring";
}

TEST(SodiumFieldCipher, RefusesAValueWhoseVersionByteWasChanged) {
  const SodiumFieldCipher cipher(Ring({{1, Filled(1)}, {2, Filled(2)}}));
  std::string sealed = cipher.Seal("x", "ad");
  sealed[0] = 1;
  EXPECT_FALSE(cipher.Open(sealed, "ad").has_value());
}

TEST(SodiumFieldCipher, ReportsTheKeyVersionOfASealedValue) {
  const SodiumFieldCipher v1(Key{9});
  EXPECT_EQ(v1.KeyVersionOf(v1.Seal("x", "ad")), 1);
  EXPECT_EQ(v1.KeyVersionOf(v1.Seal("", "")), 1);
  const SodiumFieldCipher v7(Ring({{1, Filled(1)}, {7, Filled(7)}}));
  EXPECT_EQ(v7.KeyVersionOf(v7.Seal("x", "ad")), 7);
  EXPECT_EQ(v1.KeyVersionOf(v7.Seal("x", "ad")), 7) << "even for a key it does not hold";
  EXPECT_EQ(v1.KeyVersionOf(""), 0);
  EXPECT_EQ(v1.KeyVersionOf("short"), 0);
}

TEST(SodiumFieldCipher, OpensWhatASingleKeyCipherSealedUnderTheLegacyKeyFile) {
  // Installs before keyrings sealed with SodiumFieldCipher(master key); the same key read from
  // their key file must open it.
  testing::TempDir dir;
  const auto file = WritePrivate(dir.path() / "shakwa.key", Hex64('c') + "\n");
  const std::string sealed = SodiumFieldCipher(Filled(0xCC)).Seal("value", "ad");
  EXPECT_EQ(SodiumFieldCipher(LoadKeyring({std::nullopt, file, false})).Open(sealed, "ad"),
            "value");
}

TEST(SodiumFieldCipher, BlindIndexIsEqualForEqualValuesAndSeparatedByPurpose) {
  const SodiumFieldCipher cipher(Ring({{1, Filled(1)}, {2, Filled(2)}}));
  const SodiumFieldCipher same_keys(Ring({{1, Filled(1)}, {2, Filled(2)}}));
  EXPECT_EQ(cipher.BlindIndex("1012345678", "national_id"),
            same_keys.BlindIndex("1012345678", "national_id"));
  EXPECT_NE(cipher.BlindIndex("1012345678", "national_id"),
            cipher.BlindIndex("1012345679", "national_id"));
  EXPECT_NE(cipher.BlindIndex("1012345678", "national_id"),
            cipher.BlindIndex("1012345678", "mobile"));
  EXPECT_NE(cipher.BlindIndex("c", "ab"), cipher.BlindIndex("bc", "a"));
}

TEST(SodiumFieldCipher, BlindIndexFollowsTheActiveKey) {
  const SodiumFieldCipher before(Ring({{1, Filled(1)}}));
  const SodiumFieldCipher after(Ring({{1, Filled(1)}, {2, Filled(2)}}));
  const SodiumFieldCipher only_two_same(Ring({{1, Filled(9)}, {2, Filled(2)}}));
  EXPECT_NE(before.BlindIndex("0551234567", "mobile"), after.BlindIndex("0551234567", "mobile"));
  EXPECT_EQ(after.BlindIndex("0551234567", "mobile"),
            only_two_same.BlindIndex("0551234567", "mobile"));
}

TEST(SodiumFieldCipher, BlindIndexIsKeyedBlake2bOfPurposeNulValue) {
  // Pinned: stored indexes must not change with the code. Computed independently (Python
  // hashlib.blake2b, crypto_kdf subkey 3 of an all-zero key).
  EXPECT_EQ(Hex(SodiumFieldCipher(Key{}).BlindIndex("+966551234567", "mobile")),
            "31f12a213c04ae943e1b654762786b2a7806524736a545aac47d48e67ded8401");
}

// ---- Keyed hashes ----

TEST(SodiumAccessCodeHasher, IsKeyedAndDeterministic) {
  Key a{}, b{};
  b[0] = 1;
  SodiumAccessCodeHasher ha(a), hb(b);
  EXPECT_EQ(ha.Hash("K7QMXHD39TWB"), ha.Hash("K7QMXHD39TWB"));
  EXPECT_NE(ha.Hash("K7QMXHD39TWB"), ha.Hash("K7QMXHD39TWC"));
  EXPECT_NE(ha.Hash("K7QMXHD39TWB"), hb.Hash("K7QMXHD39TWB"));
  EXPECT_TRUE(ha.Matches("K7QMXHD39TWB", ha.Hash("K7QMXHD39TWB")));
  EXPECT_FALSE(ha.Matches("K7QMXHD39TWC", ha.Hash("K7QMXHD39TWB")));
}

TEST(SodiumAccessCodeHasher, KeepsHashingUnderKeyVersionOneAfterRotation) {
  const SodiumAccessCodeHasher before(Ring({{1, Filled(1)}}));
  const SodiumAccessCodeHasher after(Ring({{1, Filled(1)}, {2, Filled(2)}}));
  EXPECT_EQ(before.Hash("K7QMXHD39TWB"), after.Hash("K7QMXHD39TWB"));
  EXPECT_TRUE(after.Matches("K7QMXHD39TWB", before.Hash("K7QMXHD39TWB")));
}

TEST(SodiumAccessCodeHasher, HashesAsBeforeKeyrings) {
  // Pinned: stored access-code hashes must not change. Computed independently (Python
  // hashlib.blake2b, crypto_kdf subkey 1 of an all-zero key, context "shakwa01").
  EXPECT_EQ(Hex(SodiumAccessCodeHasher(Key{}).Hash("K7QMXHD39TWB")),
            "fcd05b0d2b6d46b6c3c88d613b2e046cc46eb81e3ea8fce0b6a69db9a4c0e170");
}

TEST(SodiumTokenHasher, IsDeterministicKeyedAndApartFromTheAccessCodeHasher) {
  const Keyring keys = Ring({{1, Filled(1)}});
  const SodiumTokenHasher tokens(keys);
  const SodiumAccessCodeHasher codes(keys);
  const std::string token = NewSessionToken();
  EXPECT_EQ(tokens.Hash(token), SodiumTokenHasher(keys).Hash(token));
  EXPECT_NE(tokens.Hash(token), tokens.Hash(NewSessionToken()));
  EXPECT_NE(tokens.Hash(token), codes.Hash(token));
  EXPECT_NE(tokens.Hash(token), SodiumTokenHasher(Ring({{1, Filled(2)}})).Hash(token));
  EXPECT_EQ(tokens.Hash(token),
            SodiumTokenHasher(Ring({{1, Filled(1)}, {2, Filled(2)}})).Hash(token))
      << "rotation signs nobody out";
  EXPECT_EQ(Hex(SodiumTokenHasher(Keyring::Single(Key{})).Hash("K7QMXHD39TWB")),
            "26351b2b5b12c6cc38f156c88ebb033e71f8698edfaf4ba2afa31bdf998312c4");
}

// ---- Session tokens ----

TEST(SodiumSessionToken, Is43Base64UrlCharactersAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = NewSessionToken();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_TRUE(std::all_of(token.begin(), token.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_';
    })) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// ---- Passwords ----

TEST(SodiumPasswordHasher, VerifiesTheRightPasswordAndRejectsAWrongOne) {
  const SodiumPasswordHasher hasher(PasswordHashLimits::Minimum());
  const std::string stored = hasher.Hash("كلمة-سر طويلة 2026");
  EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u) << stored;
  EXPECT_TRUE(hasher.Verify("كلمة-سر طويلة 2026", stored));
  EXPECT_FALSE(hasher.Verify("كلمة-سر طويلة 2027", stored));
  EXPECT_FALSE(hasher.Verify("", stored));
}

TEST(SodiumPasswordHasher, SaltsEveryHash) {
  const SodiumPasswordHasher hasher(PasswordHashLimits::Minimum());
  EXPECT_NE(hasher.Hash("same"), hasher.Hash("same"));
}

TEST(SodiumPasswordHasher, RejectsStoredStringsThatAreNoHash) {
  const SodiumPasswordHasher hasher(PasswordHashLimits::Minimum());
  EXPECT_FALSE(hasher.Verify("x", ""));
  EXPECT_FALSE(hasher.Verify("x", "x"));
  EXPECT_FALSE(hasher.Verify("x", "$argon2id$v=19$m=8,t=1,p=1$garbage"));
  EXPECT_FALSE(hasher.Verify("x", std::string(500, '$')));
}

TEST(SodiumPasswordHasher, AsksForARehashWhenTheLimitsRise) {
  const SodiumPasswordHasher weak(PasswordHashLimits::Minimum());
  const SodiumPasswordHasher interactive;
  const std::string stored = weak.Hash("secret");
  EXPECT_FALSE(weak.NeedsRehash(stored));
  EXPECT_TRUE(interactive.NeedsRehash(stored));
  EXPECT_TRUE(weak.NeedsRehash("not a hash"));
}

TEST(SodiumPasswordHasher, DefaultsToTheInteractiveLimitsAndRefusesImpossibleOnes) {
  EXPECT_EQ(PasswordHashLimits{}.opslimit, 2u);
  EXPECT_EQ(PasswordHashLimits{}.memlimit, 64u * 1024 * 1024);
  EXPECT_THROW(SodiumPasswordHasher({0, PasswordHashLimits::Minimum().memlimit}),
               std::invalid_argument);
  EXPECT_THROW(SodiumPasswordHasher({1, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace shakwa::crypto
