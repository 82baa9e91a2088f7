#include "domain/access_code.hpp"

#include <array>

#include "domain/text.hpp"

namespace shakwa::domain {

std::string MakeAccessCode(const RandomBytes& random) {
  constexpr auto kAlphabetSize = static_cast<std::uint8_t>(kAccessCodeAlphabet.size());
  // The largest multiple of the alphabet's size that fits in a byte: bytes at or above it are
  // rejected so that every symbol is equally likely.
  constexpr std::uint8_t kLimit = static_cast<std::uint8_t>(256 / kAlphabetSize * kAlphabetSize);
  std::string code;
  code.reserve(kAccessCodeLength);
  std::array<std::uint8_t, 32> bytes{};
  while (code.size() < kAccessCodeLength) {
    random(bytes);
    for (std::uint8_t b : bytes) {
      if (b >= kLimit) continue;
      code += kAccessCodeAlphabet[b % kAlphabetSize];
      if (code.size() == kAccessCodeLength) break;
    }
  }
  return code;
}

std::string FormatAccessCode(std::string_view normalized) {
  std::string out;
  out.reserve(normalized.size() + normalized.size() / 4);
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += normalized[i];
  }
  return out;
}

std::optional<std::string> NormalizeAccessCode(std::string_view typed) {
  const std::string digits = NormalizeDigits(typed);
  std::string code;
  code.reserve(kAccessCodeLength);
  for (char c : digits) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kAccessCodeAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    code += c;
    if (code.size() > kAccessCodeLength) return std::nullopt;
  }
  if (code.size() != kAccessCodeLength) return std::nullopt;
  return code;
}

}  // namespace shakwa::domain
