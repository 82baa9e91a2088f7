// A strict reader of multipart/form-data bodies (RFC 7578, with the framing of RFC 2046 5.1).
//
// It reads a body the HTTP layer has already received whole (bounded by the server's body limit)
// and returns every part with its bytes copied out, so nothing returned points into the body.
// Strict on purpose: a body that ends before its close delimiter, a delimiter followed by junk,
// a part without `Content-Disposition: form-data; name=...` or a header with a bare CR or LF is
// refused as a whole, never read as far as it goes: a truncated upload must not be stored as a
// shorter file. The limits are enforced while reading, so a body of a million empty parts costs
// no more than reading the first max_parts of them.
//
// Hand-written rather than GMime's: see the comment at the top of multipart.cpp.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace shakwa::attachments {

struct MultipartLimits {
  std::size_t max_parts = 64;           // fields and files together
  std::size_t max_header_bytes = 8192;  // the header block of one part, up to its blank line
};

// One part of a form. Only the content-disposition's name and filename and the content type are
// kept; other part headers are read (and checked for form) but dropped.
struct Part {
  std::string name;  // the form field's name; never empty, no control characters
  // Present when the part is a file. Without any directory (the text after the last '/' or '\'),
  // valid UTF-8 with no control characters and no bidi embeddings/overrides/isolates; "." and
  // ".." become "". Browsers send filename="" with no data for a file input left empty.
  std::optional<std::string> filename;
  std::string content_type = "text/plain";  // as the client said (RFC 7578 4.4 default); untrusted
  std::string data;

  bool IsFile() const { return filename.has_value(); }
  bool operator==(const Part&) const = default;
};

// Reads body as the multipart/form-data that content_type (the request's Content-Type header)
// announces; the boundary comes from its boundary parameter, quoted or not.
//
// Errors:
//   kUnsupportedMediaType (MessageId::kUnsupportedMediaType): content_type is not
//     multipart/form-data.
//   kMalformedRequest (MessageId::kMalformedMultipart): anything else, limits included; the
//     detail (for logs) says what and where.
domain::Result<std::vector<Part>> ParseMultipart(std::string_view content_type,
                                                 std::string_view body,
                                                 const MultipartLimits& limits);

// The boundary parameter of a multipart/form-data content type, or nullopt when the type is
// another, the parameter is missing, or it breaks RFC 2046's rules (1-70 bchars, no trailing
// space). Exposed for tests and for the HTTP layer's content-type check.
std::optional<std::string> FormDataBoundary(std::string_view content_type);

}  // namespace shakwa::attachments
