#include "domain/text.hpp"

#include <cstdint>

namespace shakwa::domain {
namespace {

// Decodes the code point at text[at]; returns its length in bytes, or 0 if malformed.
std::size_t Decode(std::string_view text, std::size_t at, char32_t& out) {
  const auto b0 = static_cast<std::uint8_t>(text[at]);
  std::size_t length = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, out = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, out = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, out = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto b = static_cast<std::uint8_t>(text[at + i]);
    if ((b & 0xC0) != 0x80) return 0;
    out = (out << 6) | (b & 0x3Fu);
  }
  // Overlong forms, surrogates and values past Unicode are not UTF-8.
  if (out < min || out > 0x10FFFF || (out >= 0xD800 && out <= 0xDFFF)) return 0;
  return length;
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x00A0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  char32_t c = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = Decode(text, at, c);
    if (n == 0) return false;
    at += n;
  }
  return true;
}

std::size_t CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char byte : text) {
    if ((static_cast<std::uint8_t>(byte) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string_view Trim(std::string_view text) {
  std::size_t begin = 0;
  char32_t c = 0;
  while (begin < text.size()) {
    const std::size_t n = Decode(text, begin, c);
    if (n == 0 || !IsSpace(c)) break;
    begin += n;
  }
  std::size_t end = text.size();
  while (end > begin) {
    // Step back to the start of the last code point.
    std::size_t start = end - 1;
    while (start > begin && (static_cast<std::uint8_t>(text[start]) & 0xC0) == 0x80) --start;
    const std::size_t n = Decode(text, start, c);
    if (n == 0 || start + n != end || !IsSpace(c)) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

std::string NormalizeDigits(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char32_t c = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = Decode(text, at, c);
    if (n == 0) {
      out += text[at++];
      continue;
    }
    if (c >= 0x0660 && c <= 0x0669) {
      out += static_cast<char>('0' + (c - 0x0660));
    } else if (c >= 0x06F0 && c <= 0x06F9) {
      out += static_cast<char>('0' + (c - 0x06F0));
    } else {
      out.append(text, at, n);
    }
    at += n;
  }
  return out;
}

bool HasControlCharacters(std::string_view text, bool allow_line_breaks) {
  char32_t c = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = Decode(text, at, c);
    if (n == 0) return true;
    at += n;
    if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return true;
  }
  return false;
}

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace shakwa::domain
