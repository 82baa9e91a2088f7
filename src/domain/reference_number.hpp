// Reference numbers: what a beneficiary quotes to find their case, e.g. "C-2026-000123-4".
//
// Layout: a kind prefix (C complaint, S suggestion, R remark, T compliment), the year of receipt
// in Riyadh, a sequence within that year (zero-padded to a configurable width), and a Damm check
// digit over every digit printed before it. Damm catches every single wrong digit and every swap
// of two neighbouring digits, so a number misheard over the phone is refused as malformed before
// any lookup. References are issued by the store (a sequence per year) and never reused.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shakwa::domain {

struct Reference {
  char prefix = 'C';
  int year = 0;
  std::int64_t sequence = 0;
  int width = 6;  // digits the sequence is padded to when printed

  // The printed form, check digit included.
  std::string ToString() const;
  // The digits the check digit covers: year then padded sequence ("2026000123").
  std::string CheckedDigits() const;

  bool operator==(const Reference& other) const { return ToString() == other.ToString(); }
};

// The Damm check digit of a string of ASCII digits.
// REQUIRES: digits holds only '0'..'9'.
int DammCheckDigit(std::string_view digits);

// Reads a reference as a person might type it: surrounding spaces, lower-case prefix and
// Arabic-Indic digits are accepted. nullopt when the shape is wrong, the prefix unknown, or the
// check digit does not match.
std::optional<Reference> ParseReference(std::string_view text);

inline constexpr int kMinSequenceWidth = 4;
inline constexpr int kMaxSequenceWidth = 9;

}  // namespace shakwa::domain
