// Why this parser is hand-written, not GMime's (libgmime-3.0-dev, Debian 12):
//
// GMime reads multipart/form-data correctly byte for byte, decodes RFC 2231 filename*, and reports
// a truncated body through its warning callback, so it was tried first. It does not fit an HTTP
// upload path, for three reasons measured on Debian 12's 3.2.13:
//  - No limit can act while it parses: it builds a GObject per part before we can count them. A
//    10 MiB body of 1.16 million empty parts took 8 s and 1.5 GB of memory to parse.
//  - It is lenient by design (mail is messy): bare-LF framing, a missing close delimiter and
//    conflicting parameters are warnings to interpret, not errors, and nested multiparts recurse.
//    Deciding which warnings make a request malformed re-implements half the rules anyway.
//  - It needs a global g_mime_init(), GLib, and a synthetic "Content-Type:" header line made from
//    the request's header to start parsing.
// The grammar of RFC 2046 5.1 and RFC 7578 is small; a strict reader of it is the smaller risk.
// The mail gateway, which must read real-world mail, is where GMime's leniency is the right tool.

#include "attachments/multipart.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "domain/text.hpp"

namespace shakwa::attachments {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

Error Malformed(std::string detail) {
  return Error::Of(ErrorCode::kMalformedRequest, MessageId::kMalformedMultipart,
                   "multipart: " + std::move(detail));
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

bool IsCtl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

bool IsWsp(char c) {
  return c == ' ' || c == '\t';
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80 || IsCtl(c)) return false;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view TrimWsp(std::string_view text) {
  while (!text.empty() && IsWsp(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsWsp(text.back())) text.remove_suffix(1);
  return text;
}

struct Parameter {
  std::string name;  // lower case
  std::string value;
};

// Reads `*( OWS ";" OWS name OWS "=" OWS ( token / quoted-string ) )` (RFC 9110 5.6.6), with two
// leniencies real clients need: an unquoted value may hold any visible character except ';' and
// '"' (boundaries like ----=_Part_1 go unquoted), and a trailing ';' is ignored. A parameter
// named twice is refused: two readers must never pick different ones.
std::optional<std::vector<Parameter>> ParseParameters(std::string_view text, std::string& why) {
  std::vector<Parameter> parameters;
  std::size_t at = 0;
  auto skip_ows = [&] {
    while (at < text.size() && IsWsp(text[at])) ++at;
  };
  while (true) {
    skip_ows();
    if (at == text.size()) return parameters;
    if (text[at] != ';') {
      why = "expected ';' between parameters";
      return std::nullopt;
    }
    ++at;
    skip_ows();
    if (at == text.size()) return parameters;
    const std::size_t name_start = at;
    while (at < text.size() && IsTokenChar(text[at]) && text[at] != '=') ++at;
    if (at == name_start) {
      why = "a parameter without a name";
      return std::nullopt;
    }
    Parameter parameter{ToLower(text.substr(name_start, at - name_start)), {}};
    skip_ows();
    if (at == text.size() || text[at] != '=') {
      why = "parameter " + parameter.name + " has no value";
      return std::nullopt;
    }
    ++at;
    skip_ows();
    if (at < text.size() && text[at] == '"') {
      ++at;
      bool closed = false;
      while (at < text.size()) {
        const char c = text[at++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (at == text.size()) break;
          parameter.value += text[at++];
        } else {
          parameter.value += c;
        }
      }
      if (!closed) {
        why = "unterminated quoted string in parameter " + parameter.name;
        return std::nullopt;
      }
    } else {
      const std::size_t value_start = at;
      while (at < text.size() && text[at] != ';' && text[at] != '"' && !IsWsp(text[at]) &&
             !IsCtl(text[at])) {
        ++at;
      }
      parameter.value = std::string(text.substr(value_start, at - value_start));
      if (parameter.value.empty()) {
        why = "parameter " + parameter.name + " has an empty or invalid value";
        return std::nullopt;
      }
    }
    for (const Parameter& seen : parameters) {
      if (seen.name == parameter.name) {
        why = "parameter " + parameter.name + " given twice";
        return std::nullopt;
      }
    }
    parameters.push_back(std::move(parameter));
  }
}

const Parameter* FindParameter(const std::vector<Parameter>& parameters, std::string_view name) {
  for (const Parameter& p : parameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// RFC 2046 5.1.1: bchars, 1 to 70 of them, not ending in a space.
bool IsValidBoundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  return std::all_of(boundary.begin(), boundary.end(), [](char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
  });
}

struct MediaType {
  std::string type;  // "type/subtype", lower case
  std::vector<Parameter> parameters;
};

std::optional<MediaType> ParseMediaType(std::string_view text, std::string& why) {
  text = TrimWsp(text);
  std::size_t at = 0;
  while (at < text.size() && IsTokenChar(text[at])) ++at;
  if (at == 0 || at == text.size() || text[at] != '/') {
    why = "not a media type";
    return std::nullopt;
  }
  ++at;
  const std::size_t subtype_start = at;
  while (at < text.size() && IsTokenChar(text[at])) ++at;
  if (at == subtype_start) {
    why = "not a media type";
    return std::nullopt;
  }
  MediaType media{ToLower(text.substr(0, at)), {}};
  auto parameters = ParseParameters(text.substr(at), why);
  if (!parameters) return std::nullopt;
  media.parameters = std::move(*parameters);
  return media;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 8187 ext-value: charset "'" [ language ] "'" value-chars, where value-chars are attr-chars
// and %XX. UTF-8 and ISO-8859-1 (the two RFC 8187 names) are decoded to UTF-8.
std::optional<std::string> DecodeExtendedValue(std::string_view text, std::string& why) {
  const std::size_t first = text.find('\'');
  const std::size_t second = first == std::string_view::npos ? first : text.find('\'', first + 1);
  if (second == std::string_view::npos) {
    why = "filename* is not charset'language'value";
    return std::nullopt;
  }
  const std::string_view charset = text.substr(0, first);
  const bool latin1 = EqualsIgnoreCase(charset, "iso-8859-1");
  if (!latin1 && !EqualsIgnoreCase(charset, "utf-8")) {
    why = "filename* charset is neither UTF-8 nor ISO-8859-1";
    return std::nullopt;
  }
  std::string bytes;
  const std::string_view value = text.substr(second + 1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '%') {
      const int hi = i + 2 < value.size() ? HexValue(value[i + 1]) : -1;
      const int lo = hi < 0 ? -1 : HexValue(value[i + 2]);
      if (lo < 0) {
        why = "filename* has a bad percent escape";
        return std::nullopt;
      }
      bytes += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (IsTokenChar(c) && c != '\'' && c != '*') {
      bytes += c;
    } else {
      why = "filename* has a character that must be percent-encoded";
      return std::nullopt;
    }
  }
  if (!latin1) return bytes;
  std::string utf8;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      utf8 += c;
    } else {
      utf8 += static_cast<char>(0xC0 | (u >> 6));
      utf8 += static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  return utf8;
}

// Bidi embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) let a name display
// as something it is not ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). The marks LRM and
// RLM, which Arabic text legitimately carries, pass.
bool HasBidiControls(std::string_view utf8) {
  for (std::size_t i = 0; i + 2 < utf8.size(); ++i) {
    if (static_cast<unsigned char>(utf8[i]) != 0xE2) continue;
    const auto b1 = static_cast<unsigned char>(utf8[i + 1]);
    const auto b2 = static_cast<unsigned char>(utf8[i + 2]);
    if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return true;  // U+202A..U+202E
    if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;  // U+2066..U+2069
  }
  return false;
}

// A name shown to people: valid UTF-8, no control characters.
bool IsPresentable(std::string_view text) {
  return domain::IsValidUtf8(text) && !domain::HasControlCharacters(text, false) &&
         !HasBidiControls(text);
}

std::optional<std::string> CleanFilename(std::string raw, std::string& why) {
  if (!IsPresentable(raw)) {
    why = "filename is not valid UTF-8 or holds control characters";
    return std::nullopt;
  }
  // Only the last path segment: a name is for display, never a place on disk.
  const std::size_t slash = raw.find_last_of("/\\");
  if (slash != std::string::npos) raw.erase(0, slash + 1);
  if (raw == "." || raw == "..") raw.clear();
  return raw;
}

struct PartHeaders {
  std::optional<std::string> disposition;
  std::optional<std::string> content_type;
};

// Reads a part's header block (without its closing blank line) into the headers we use.
std::optional<PartHeaders> ReadHeaders(std::string_view block, std::string& why) {
  // Every line break must be CRLF; a bare CR or LF could hide a header from one reader.
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block[i] == '\r' && (i + 1 == block.size() || block[i + 1] != '\n')) {
      why = "bare CR in part headers";
      return std::nullopt;
    }
    if (block[i] == '\n' && (i == 0 || block[i - 1] != '\r')) {
      why = "bare LF in part headers";
      return std::nullopt;
    }
  }
  // Unfold (RFC 5322 2.2.3): CRLF followed by white space continues the previous line.
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at <= block.size()) {
    std::size_t end = block.find("\r\n", at);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = block.substr(at, end - at);
    if (!line.empty() && IsWsp(line.front())) {
      if (lines.empty()) {
        why = "part headers start with a continuation line";
        return std::nullopt;
      }
      lines.back() += line;
    } else {
      lines.emplace_back(line);
    }
    at = end + 2;
  }

  PartHeaders headers;
  for (const std::string& line : lines) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 ||
        !std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon),
                     IsTokenChar)) {
      why = "a part header line is not name: value";
      return std::nullopt;
    }
    const std::string_view name = std::string_view(line).substr(0, colon);
    const std::string_view value = TrimWsp(std::string_view(line).substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) { return IsCtl(c) && c != '\t'; })) {
      why = "control character in part header " + std::string(name);
      return std::nullopt;
    }
    std::optional<std::string>* slot = nullptr;
    if (EqualsIgnoreCase(name, "content-disposition")) {
      slot = &headers.disposition;
    } else if (EqualsIgnoreCase(name, "content-type")) {
      slot = &headers.content_type;
    } else if (EqualsIgnoreCase(name, "content-transfer-encoding")) {
      // RFC 7578 4.7 deprecates it; identity encodings are harmless, others we do not decode.
      if (!EqualsIgnoreCase(value, "binary") && !EqualsIgnoreCase(value, "8bit") &&
          !EqualsIgnoreCase(value, "7bit")) {
        why = "unsupported Content-Transfer-Encoding " + std::string(value);
        return std::nullopt;
      }
      continue;
    } else {
      continue;  // other part headers carry nothing we use
    }
    if (slot->has_value()) {
      why = "part header " + std::string(name) + " given twice";
      return std::nullopt;
    }
    *slot = std::string(value);
  }
  return headers;
}

// Builds a Part from its header block and data.
std::optional<Part> MakePart(std::string_view header_block, std::string_view data,
                             std::string& why) {
  auto headers = ReadHeaders(header_block, why);
  if (!headers) return std::nullopt;
  if (!headers->disposition) {
    why = "part without Content-Disposition";
    return std::nullopt;
  }
  // disposition-type, then parameters.
  const std::string_view disposition = *headers->disposition;
  std::size_t type_end = 0;
  while (type_end < disposition.size() && IsTokenChar(disposition[type_end])) ++type_end;
  if (!EqualsIgnoreCase(disposition.substr(0, type_end), "form-data")) {
    why = "Content-Disposition is not form-data";
    return std::nullopt;
  }
  auto parameters = ParseParameters(disposition.substr(type_end), why);
  if (!parameters) return std::nullopt;

  Part part;
  const Parameter* name = FindParameter(*parameters, "name");
  if (name == nullptr || name->value.empty()) {
    why = "part without a name";
    return std::nullopt;
  }
  if (!IsPresentable(name->value)) {
    why = "part name is not valid UTF-8 or holds control characters";
    return std::nullopt;
  }
  part.name = name->value;

  // filename* (RFC 8187) wins over filename when both are given, as in RFC 6266 4.3.
  std::optional<std::string> raw_filename;
  if (const Parameter* extended = FindParameter(*parameters, "filename*")) {
    raw_filename = DecodeExtendedValue(extended->value, why);
    if (!raw_filename) return std::nullopt;
  } else if (const Parameter* plain = FindParameter(*parameters, "filename")) {
    raw_filename = plain->value;
  }
  if (raw_filename) {
    part.filename = CleanFilename(std::move(*raw_filename), why);
    if (!part.filename) return std::nullopt;
  }

  if (headers->content_type) {
    std::string type_why;
    if (!ParseMediaType(*headers->content_type, type_why)) {
      why = "part Content-Type: " + type_why;
      return std::nullopt;
    }
    part.content_type = *headers->content_type;
  }
  part.data = std::string(data);
  return part;
}

// After a delimiter's boundary: "--" closes the body; otherwise transport padding and CRLF open
// the next part. Returns where the next part's headers start, npos when the body is closed, or
// nullopt when neither follows.
std::optional<std::size_t> AfterDelimiter(std::string_view body, std::size_t at, bool& closed,
                                          std::string& why) {
  closed = false;
  if (body.substr(at, 2) == "--") {
    closed = true;
    at += 2;
    while (at < body.size() && IsWsp(body[at])) ++at;
    // Anything after the CRLF that follows the close delimiter is epilogue, and ignored.
    if (at == body.size() || body.substr(at, 2) == "\r\n") return std::string_view::npos;
    why = "junk after the close delimiter";
    return std::nullopt;
  }
  while (at < body.size() && IsWsp(body[at])) ++at;
  if (body.substr(at, 2) != "\r\n") {
    why = at >= body.size() ? "body ends after a delimiter" : "junk after a delimiter";
    return std::nullopt;
  }
  return at + 2;
}

}  // namespace

std::optional<std::string> FormDataBoundary(std::string_view content_type) {
  std::string why;
  const auto media = ParseMediaType(content_type, why);
  if (!media || media->type != "multipart/form-data") return std::nullopt;
  const Parameter* boundary = FindParameter(media->parameters, "boundary");
  if (boundary == nullptr || !IsValidBoundary(boundary->value)) return std::nullopt;
  return boundary->value;
}

domain::Result<std::vector<Part>> ParseMultipart(std::string_view content_type,
                                                 std::string_view body,
                                                 const MultipartLimits& limits) {
  std::string why;
  const auto media = ParseMediaType(content_type, why);
  if (media && media->type != "multipart/form-data") {
    return Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedMediaType,
                     "multipart: content type " + media->type + " is not multipart/form-data");
  }
  if (!media) return Malformed("Content-Type: " + why);
  const Parameter* boundary_parameter = FindParameter(media->parameters, "boundary");
  if (boundary_parameter == nullptr) return Malformed("Content-Type has no boundary");
  const std::string& boundary = boundary_parameter->value;
  if (!IsValidBoundary(boundary)) return Malformed("the boundary breaks RFC 2046's rules");

  // A delimiter is CRLF "--" boundary; the first may also open the body with no preamble.
  const std::string delimiter = "\r\n--" + boundary;
  std::size_t at = 0;
  if (body.substr(0, delimiter.size() - 2) == std::string_view(delimiter).substr(2)) {
    at = delimiter.size() - 2;
  } else {
    const std::size_t first = body.find(delimiter);
    if (first == std::string_view::npos) return Malformed("no boundary in the body");
    at = first + delimiter.size();
  }

  std::vector<Part> parts;
  bool closed = false;
  auto next = AfterDelimiter(body, at, closed, why);
  if (!next) return Malformed(why);
  while (!closed) {
    const std::size_t part_start = *next;
    if (parts.size() == limits.max_parts) {
      return Malformed("more than " + std::to_string(limits.max_parts) + " parts");
    }
    // A part with no headers at all has no Content-Disposition, so it is refused either way.
    if (body.substr(part_start, 2) == "\r\n") {
      return Malformed("part " + std::to_string(parts.size()) + " has no headers");
    }
    const std::size_t window_limit = std::min(limits.max_header_bytes, body.size()) + 4;
    const std::string_view window = body.substr(part_start, window_limit);
    const std::size_t headers_end = window.find("\r\n\r\n");
    if (headers_end == std::string_view::npos) {
      return Malformed(window.size() < window_limit
                           ? "body ends inside the headers of part " + std::to_string(parts.size())
                           : "the headers of part " + std::to_string(parts.size()) + " are over " +
                                 std::to_string(limits.max_header_bytes) + " bytes");
    }
    // RFC 2046 makes a part's "CRLF body" optional, so the CRLF that ends the headers may be the
    // delimiter's own: in "name=a\r\n\r\n--boundary" the part has no body. Searching from the
    // blank line's second CRLF finds that delimiter too.
    const std::size_t data_start = part_start + headers_end + 4;
    const std::size_t data_end = body.find(delimiter, data_start - 2);
    if (data_end == std::string_view::npos) {
      return Malformed("body ends inside part " + std::to_string(parts.size()) +
                       " (no closing delimiter)");
    }
    const std::size_t data_length = data_end >= data_start ? data_end - data_start : 0;
    auto part =
        MakePart(body.substr(part_start, headers_end), body.substr(data_start, data_length), why);
    if (!part) return Malformed("part " + std::to_string(parts.size()) + ": " + why);
    parts.push_back(std::move(*part));
    next = AfterDelimiter(body, data_end + delimiter.size(), closed, why);
    if (!next) return Malformed(why);
  }
  return parts;
}

}  // namespace shakwa::attachments
