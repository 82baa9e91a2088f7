#include "domain/reference_number.hpp"

#include <array>
#include <cstdio>

#include "domain/text.hpp"

namespace shakwa::domain {
namespace {

// The order-10 totally anti-symmetric quasigroup from H. Michael Damm's thesis (2004).
// reference_number_test proves the detection properties over it exhaustively.
constexpr std::array<std::array<std::uint8_t, 10>, 10> kDamm = {{
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
    {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
    {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
    {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}};

constexpr std::string_view kPrefixes = "CSRT";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

int DammCheckDigit(std::string_view digits) {
  std::uint8_t interim = 0;
  for (char c : digits) interim = kDamm[interim][static_cast<std::size_t>(c - '0')];
  return interim;
}

std::string Reference::CheckedDigits() const {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%0*lld", year, width, static_cast<long long>(sequence));
  return buffer;
}

std::string Reference::ToString() const {
  const std::string digits = CheckedDigits();
  std::string out;
  out.reserve(digits.size() + 5);
  out += prefix;
  out += '-';
  out.append(digits, 0, 4);
  out += '-';
  out.append(digits, 4);
  out += '-';
  out += static_cast<char>('0' + DammCheckDigit(digits));
  return out;
}

std::optional<Reference> ParseReference(std::string_view raw) {
  const std::string text = NormalizeDigits(Trim(raw));
  // P-YYYY-S…S-K
  if (text.size() < 10 || text.size() > 2 + 4 + 1 + 12 + 2) return std::nullopt;
  char prefix = text[0];
  if (prefix >= 'a' && prefix <= 'z') prefix = static_cast<char>(prefix - 'a' + 'A');
  if (kPrefixes.find(prefix) == std::string_view::npos || text[1] != '-' || text[6] != '-' ||
      text[text.size() - 2] != '-') {
    return std::nullopt;
  }
  const std::string_view year_digits = std::string_view(text).substr(2, 4);
  const std::string_view sequence_digits = std::string_view(text).substr(7, text.size() - 2 - 7);
  const char check = text.back();
  if (sequence_digits.empty() || !IsDigit(check)) return std::nullopt;
  for (char c : year_digits) {
    if (!IsDigit(c)) return std::nullopt;
  }
  for (char c : sequence_digits) {
    if (!IsDigit(c)) return std::nullopt;
  }
  std::string checked(year_digits);
  checked += sequence_digits;
  if (DammCheckDigit(checked) != check - '0') return std::nullopt;

  Reference reference;
  reference.prefix = prefix;
  reference.year = std::stoi(std::string(year_digits));
  reference.sequence = std::stoll(std::string(sequence_digits));
  reference.width = static_cast<int>(sequence_digits.size());
  return reference;
}

}  // namespace shakwa::domain
