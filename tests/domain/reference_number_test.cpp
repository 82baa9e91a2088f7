#include "domain/reference_number.hpp"

#include <gtest/gtest.h>

#include <random>

namespace shakwa::domain {
namespace {

TEST(DammCheckDigit, MatchesThePublishedExample) {
  // Damm's worked example: the check digit of 572 is 4.
  EXPECT_EQ(DammCheckDigit("572"), 4);
  EXPECT_EQ(DammCheckDigit("5724"), 0);
}

// Every digit string of length n, for exhaustive checks on short numbers.
std::vector<std::string> AllStrings(int n) {
  std::vector<std::string> out;
  int limit = 1;
  for (int i = 0; i < n; ++i) limit *= 10;
  for (int v = 0; v < limit; ++v) {
    std::string s = std::to_string(v);
    out.push_back(std::string(static_cast<std::size_t>(n) - s.size(), '0') + s);
  }
  return out;
}

// The property the issue asks for: over all of a number's digits (check digit included), every
// single wrong digit and every swap of two different neighbouring digits changes the outcome.
void ExpectDetectsErrors(const std::string& digits) {
  const std::string with_check = digits + static_cast<char>('0' + DammCheckDigit(digits));
  ASSERT_EQ(DammCheckDigit(with_check), 0);
  for (std::size_t i = 0; i < with_check.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == with_check[i]) continue;
      std::string wrong = with_check;
      wrong[i] = d;
      ASSERT_NE(DammCheckDigit(wrong), 0) << "missed a wrong digit: " << wrong;
    }
    if (i + 1 < with_check.size() && with_check[i] != with_check[i + 1]) {
      std::string swapped = with_check;
      std::swap(swapped[i], swapped[i + 1]);
      ASSERT_NE(DammCheckDigit(swapped), 0) << "missed a swap: " << swapped;
    }
  }
}

TEST(DammCheckDigit, DetectsEverySingleDigitErrorAndAdjacentSwapExhaustivelyOnFourDigits) {
  for (const std::string& digits : AllStrings(4)) ExpectDetectsErrors(digits);
}

TEST(DammCheckDigit, DetectsEverySingleDigitErrorAndAdjacentSwapOnReferenceLengthNumbers) {
  std::mt19937 generator(7);
  std::uniform_int_distribution<int> digit(0, 9);
  for (int n = 0; n < 20000; ++n) {
    std::string digits;
    for (int i = 0; i < 10; ++i) digits += static_cast<char>('0' + digit(generator));
    ExpectDetectsErrors(digits);
  }
}

TEST(Reference, PrintsPrefixYearPaddedSequenceAndCheckDigit) {
  Reference r{'C', 2026, 123, 6};
  EXPECT_EQ(r.CheckedDigits(), "2026000123");
  EXPECT_EQ(
      r.ToString(),
      "C-2026-000123-" + std::string(1, static_cast<char>('0' + DammCheckDigit("2026000123"))));
}

TEST(Reference, SequenceLongerThanTheWidthIsPrintedInFull) {
  Reference r{'S', 2027, 12345678, 6};
  EXPECT_EQ(r.CheckedDigits(), "202712345678");
  EXPECT_EQ(ParseReference(r.ToString())->sequence, 12345678);
}

TEST(ParseReference, RoundTripsEveryPrefix) {
  for (char prefix : std::string("CSRT")) {
    Reference r{prefix, 2026, 42, 6};
    const auto parsed = ParseReference(r.ToString());
    ASSERT_TRUE(parsed.has_value()) << r.ToString();
    EXPECT_EQ(parsed->prefix, prefix);
    EXPECT_EQ(parsed->year, 2026);
    EXPECT_EQ(parsed->sequence, 42);
    EXPECT_EQ(parsed->ToString(), r.ToString());
  }
}

TEST(ParseReference, AcceptsWhatPeopleTypeLowerCaseSpacesAndArabicIndicDigits) {
  const std::string canonical = Reference{'C', 2026, 123, 6}.ToString();
  std::string lower = canonical;
  lower[0] = 'c';
  EXPECT_EQ(ParseReference("  " + lower + " ")->ToString(), canonical);
  // C-٢٠٢٦-٠٠٠١٢٣-<check> typed on an Arabic keyboard.
  std::string arabic = "C-";
  const char* kArabicDigits[] = {"٠", "١", "٢", "٣", "٤", "٥", "٦", "٧", "٨", "٩"};
  for (char c : canonical.substr(2)) {
    arabic += (c >= '0' && c <= '9') ? kArabicDigits[c - '0'] : std::string(1, c);
  }
  ASSERT_TRUE(ParseReference(arabic).has_value()) << arabic;
  EXPECT_EQ(ParseReference(arabic)->ToString(), canonical);
}

TEST(ParseReference, RefusesAWrongCheckDigit) {
  const std::string good = Reference{'C', 2026, 123, 6}.ToString();
  for (char d = '0'; d <= '9'; ++d) {
    std::string candidate = good;
    candidate.back() = d;
    EXPECT_EQ(ParseReference(candidate).has_value(), candidate == good) << candidate;
  }
}

TEST(ParseReference, RefusesMalformedShapes) {
  for (const char* text :
       {"", "C", "C-2026", "C-2026-000123", "X-2026-000123-4", "C-26-000123-4", "C-2026--4",
        "C-2026-00a123-4", "C 2026 000123 4", "C-2026-000123-44", "C-2026-0001234567890123-4"}) {
    EXPECT_FALSE(ParseReference(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace shakwa::domain
