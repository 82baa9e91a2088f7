#include "domain/access_code.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace shakwa::domain {
namespace {

RandomBytes Seeded(std::uint64_t seed) {
  auto generator = std::make_shared<std::mt19937_64>(seed);
  return [generator](std::span<std::uint8_t> bytes) {
    for (auto& b : bytes) b = static_cast<std::uint8_t>((*generator)());
  };
}

TEST(AccessCode, HasTwelveCharactersFromTheAlphabetWithoutLookAlikes) {
  for (char c : std::string("0O1IlL")) {
    EXPECT_EQ(kAccessCodeAlphabet.find(c), std::string_view::npos) << c;
  }
  const auto random = Seeded(1);
  for (int i = 0; i < 1000; ++i) {
    const std::string code = MakeAccessCode(random);
    ASSERT_EQ(code.size(), kAccessCodeLength);
    for (char c : code) ASSERT_NE(kAccessCodeAlphabet.find(c), std::string_view::npos) << code;
  }
}

TEST(AccessCode, SkipsBytesThatWouldBiasTheAlphabet) {
  // 248 and above would favour the first symbols if reduced modulo 31: they must be drawn again.
  int calls = 0;
  const RandomBytes random = [&](std::span<std::uint8_t> bytes) {
    ++calls;
    for (auto& b : bytes) b = calls == 1 ? 255 : 0;
  };
  EXPECT_EQ(MakeAccessCode(random), std::string(kAccessCodeLength, kAccessCodeAlphabet[0]));
  EXPECT_EQ(calls, 2);
}

TEST(AccessCode, SymbolsAreRoughlyUniform) {
  std::map<char, int> counts;
  const auto random = Seeded(2);
  for (int i = 0; i < 5000; ++i) {
    for (char c : MakeAccessCode(random)) ++counts[c];
  }
  const double expected = 5000.0 * kAccessCodeLength / kAccessCodeAlphabet.size();
  ASSERT_EQ(counts.size(), kAccessCodeAlphabet.size());
  for (const auto& [symbol, count] : counts) {
    EXPECT_NEAR(count, expected, expected * 0.1) << symbol;
  }
}

TEST(AccessCode, IsFormattedInGroupsOfFour) {
  EXPECT_EQ(FormatAccessCode("K7QMXHD39TWB"), "K7QM-XHD3-9TWB");
}

TEST(AccessCode, NormalisesWhatPeopleType) {
  EXPECT_EQ(NormalizeAccessCode("K7QM-XHD3-9TWB"), "K7QMXHD39TWB");
  EXPECT_EQ(NormalizeAccessCode(" k7qm xhd3 9twb "), "K7QMXHD39TWB");
  EXPECT_EQ(NormalizeAccessCode("K٧QM-XHD٣-٩TWB"), "K7QMXHD39TWB");  // Arabic-Indic digits
}

TEST(AccessCode, RefusesWhatCannotBeACode) {
  for (const char* text :
       {"", "K7QM", "K7QM-XHD3-9TWBX", "K0QM-XHD3-9TWB", "K7QM-XHD3-9TW!", "K1QM-XHD3-9TWB"}) {
    EXPECT_FALSE(NormalizeAccessCode(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace shakwa::domain
