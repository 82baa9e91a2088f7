// What the mail library's files share: one-time library set-up, ownership of GLib and GMime
// objects, and the small text functions every direction needs. Internal: included by
// src/mail/*.cpp only, never by mail.hpp, so GLib stays out of every other target's build.
//
// Thread safety: pure functions; EnsureInitialised may be called from any thread.
#pragma once

#include <glib.h>
#include <gmime/gmime.h>

#include <memory>
#include <string>
#include <string_view>

namespace shakwa::mail {

// Initialises GMime and libxml2 once per process, whichever thread calls first. Every public
// function calls it before touching either library.
void EnsureInitialised();

// Ownership of GObjects, so that every early return unrefs them.
struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using Owned = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(gpointer memory) const { g_free(memory); }
};
using GMemory = std::unique_ptr<char, GFree>;

// A string GLib allocated, copied out and freed ("" for nullptr).
std::string Take(char* owned);

// The bytes a GMimeStreamMem holds.
std::string BytesOf(GMimeStream* memory);

char AsciiLower(char c);
std::string Lower(std::string_view text);  // ASCII letters only; UTF-8 passes unchanged
bool IsAsciiSpace(char c);
std::string_view TrimAscii(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);

bool IsUtf8(std::string_view text);
// Invalid UTF-8 replaced by U+FFFD, so that nothing downstream has to distrust it. NULs are
// dropped first: GLib counts them as invalid, and they are nothing a person wrote.
std::string ValidUtf8(std::string_view text);
// Body text as Shakwa stores it: "\n" line ends, no byte-order mark, no control characters
// other than tab and line feed (a NUL or an escape sequence has no business in a complaint).
// REQUIRES: utf8 is valid UTF-8.
std::string CleanText(std::string_view utf8);
// A header value as one line: folding, tabs, line breaks and controls become single spaces,
// so nothing read from one header can become another when written.
std::string OneLine(std::string_view text);

}  // namespace shakwa::mail
