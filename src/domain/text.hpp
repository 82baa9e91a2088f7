// Text as people type it: UTF-8 checks, code-point counts, trimming, and the digit forms
// Arabic keyboards produce. Arabic-script normalisation (ICU) arrives with search.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace shakwa::domain {

bool IsValidUtf8(std::string_view text);

// Code points, not bytes: a 20,000-character limit means the same for Arabic and Latin text.
// REQUIRES: IsValidUtf8(text)
std::size_t CountCodePoints(std::string_view text);

// Without leading and trailing white space (ASCII, NBSP and the other Unicode spaces).
std::string_view Trim(std::string_view text);

// Arabic-Indic (٠١٢…) and Extended Arabic-Indic (۰۱۲…) digits become ASCII digits.
std::string NormalizeDigits(std::string_view text);

// True if text holds a C0/C1 control character or DEL; when allow_line_breaks, \n \r \t pass.
bool HasControlCharacters(std::string_view text, bool allow_line_breaks);

// Appends text to out, safe as HTML element content and as a quoted attribute value.
void AppendHtmlEscaped(std::string& out, std::string_view text);

}  // namespace shakwa::domain
