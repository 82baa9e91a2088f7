#include "mail/support.hpp"

#include <libxml/parser.h>

#include <algorithm>
#include <mutex>

namespace shakwa::mail {

// GMime's global state (charset tables, the iconv cache, its GTypes) is built once and kept for
// the life of the process: g_mime_shutdown() would race with any parse still running elsewhere.
// libxml2 asks for xmlInitParser() before threads use it.
void EnsureInitialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_mime_init();
    xmlInitParser();
  });
}

std::string Take(char* owned) {
  GMemory holder(owned);
  return owned == nullptr ? std::string() : std::string(owned);
}

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), AsciiLower);
  return lower;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view TrimAscii(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool IsUtf8(std::string_view text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr) != 0;
}

std::string ValidUtf8(std::string_view text) {
  std::string valid(text);
  valid.erase(std::remove(valid.begin(), valid.end(), '\0'), valid.end());
  if (IsUtf8(valid)) return valid;
  return Take(g_utf8_make_valid(valid.data(), static_cast<gssize>(valid.size())));
}

std::string CleanText(std::string_view utf8) {
  if (StartsWith(utf8, "\xEF\xBB\xBF")) utf8.remove_prefix(3);
  std::string clean;
  clean.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const char c = utf8[i];
    if (c == '\r') {
      clean += '\n';
      if (i + 1 < utf8.size() && utf8[i + 1] == '\n') ++i;
    } else if (c == '\n' || c == '\t' || static_cast<unsigned char>(c) >= 0x20) {
      if (c != 0x7F) clean += c;
    }
  }
  return clean;
}

std::string OneLine(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  bool space = false;
  for (char c : TrimAscii(text)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ') {
      space = true;
      continue;
    }
    if (space && !line.empty()) line += ' ';
    space = false;
    line += c;
  }
  return line;
}

std::string BytesOf(GMimeStream* memory) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
  if (bytes == nullptr || bytes->len == 0) return {};
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace shakwa::mail
