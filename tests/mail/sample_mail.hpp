// Test data shared by the mail tests: raw messages are written inline in each test, with "\n"
// for legibility, and turned into the CRLF mail arrives with.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/reference_number.hpp"

namespace shakwa::mail::testing {

inline constexpr std::size_t kLimit = 1024 * 1024;

inline std::string Crlf(std::string_view lf) {
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  return crlf;
}

// A reference with a valid check digit: "C-2026-000123-" and its Damm digit.
inline domain::Reference SampleReference() {
  return domain::Reference{'C', 2026, 123, 6};
}

}  // namespace shakwa::mail::testing
