#include "attachments/multipart.hpp"

#include <gtest/gtest.h>

#include <random>

#include "attachments/sample_files.hpp"

namespace shakwa::attachments {
namespace {

using domain::ErrorCode;
using domain::MessageId;

constexpr std::string_view kType = "multipart/form-data; boundary=XyZ42";

std::string Field(std::string_view name, std::string_view value) {
  return "--XyZ42\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
         std::string(value) + "\r\n";
}

std::string File(std::string_view disposition_tail, std::string_view type, std::string_view data) {
  return "--XyZ42\r\nContent-Disposition: form-data; name=\"files\"; " +
         std::string(disposition_tail) + "\r\nContent-Type: " + std::string(type) + "\r\n\r\n" +
         std::string(data) + "\r\n";
}

constexpr std::string_view kClose = "--XyZ42--\r\n";

domain::Result<std::vector<Part>> Parse(std::string_view body, MultipartLimits limits = {}) {
  return ParseMultipart(kType, body, limits);
}

void ExpectMalformed(const domain::Result<std::vector<Part>>& result) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kMalformedRequest);
  EXPECT_EQ(result.error().message, MessageId::kMalformedMultipart);
  EXPECT_FALSE(result.error().detail.empty());
}

// A body with a field and two files, one of them binary.
std::string SampleBody() {
  return Field("case", "C-2026-000004-4") +
         File("filename=\"report.pdf\"", "application/pdf", testing::Pdf()) +
         File("filename=\"pixel.png\"", "image/png", testing::Png()) + std::string(kClose);
}

TEST(Multipart, ReadsFieldsAndFiles) {
  auto parts = Parse(SampleBody());
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "case");
  EXPECT_FALSE((*parts)[0].IsFile());
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[0].data, "C-2026-000004-4");
  EXPECT_EQ((*parts)[1].name, "files");
  EXPECT_EQ((*parts)[1].filename, "report.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  EXPECT_EQ((*parts)[1].data, testing::Pdf());
  EXPECT_EQ((*parts)[2].filename, "pixel.png");
  EXPECT_EQ((*parts)[2].data, testing::Png());
}

TEST(Multipart, KeepsBinaryDataByteForByte) {
  // CR, LF, NUL, 0xFF and the boundary itself not at the start of a line are all data.
  constexpr char kData[] = "\r\n\x00\xff--XyZ42 \n--XyZ42\r\r\n\r\n";
  const std::string data(kData, sizeof kData - 1);
  auto parts =
      Parse(File("filename=\"b.bin\"", "application/octet-stream", data) + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, data);
}

TEST(Multipart, SkipsPreambleAndEpilogue) {
  auto parts = Parse("This is the preamble.\r\nIt is ignored.\r\n" + Field("a", "1") +
                     "--XyZ42--\r\nThis is the epilogue, also ignored.\r\n--XyZ42\r\n");
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(Multipart, TakesQuotedBoundary) {
  auto parts = ParseMultipart("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"XyZ42\"",
                              Field("a", "1") + std::string(kClose), {});
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ(parts->size(), 1u);
}

TEST(Multipart, TakesUnquotedBoundaryWithSpecials) {
  const std::string body =
      "--=_Part_0.1\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
      "--=_Part_0.1--";
  auto parts = ParseMultipart("multipart/form-data; boundary==_Part_0.1", body, {});
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].name, "a");
}

TEST(Multipart, TakesBoundaryWithSpacesWhenQuoted) {
  const std::string body =
      "--a b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--a b--\r\n";
  auto parts = ParseMultipart("multipart/form-data; boundary=\"a b\"", body, {});
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(Multipart, AcceptsTransportPaddingAndMissingFinalCrlf) {
  auto parts =
      Parse("--XyZ42 \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ42--");
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(Multipart, ReadsEmptyValues) {
  // An empty value, and RFC 2046's part with no body at all (the delimiter right after headers).
  auto parts = Parse(Field("empty", "") +
                     "--XyZ42\r\nContent-Disposition: form-data; name=\"bodiless\"\r\n\r\n" +
                     std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].data, "");
  EXPECT_EQ((*parts)[1].name, "bodiless");
  EXPECT_EQ((*parts)[1].data, "");
}

TEST(Multipart, ReadsAFormWithNoParts) {
  auto parts = Parse("--XyZ42--\r\n");
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_TRUE(parts->empty());
}

TEST(Multipart, ReadsAnEmptyFileInput) {
  auto parts = Parse(File("filename=\"\"", "application/octet-stream", "") + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_TRUE((*parts)[0].IsFile());
  EXPECT_EQ((*parts)[0].filename, "");
}

TEST(Multipart, DecodesExtendedFilename) {
  // شكوى.pdf, percent-encoded UTF-8 (RFC 8187); it wins over the plain filename.
  auto parts = Parse(File("filename=\"fallback.pdf\"; "
                          "filename*=UTF-8''%D8%B4%D9%83%D9%88%D9%89.pdf",
                          "application/pdf", "x") +
                     std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].filename, "شكوى.pdf");
}

TEST(Multipart, DecodesLatin1ExtendedFilename) {
  auto parts =
      Parse(File("filename*=iso-8859-1'en'caf%E9.txt", "text/plain", "x") + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].filename, "caf\xc3\xa9.txt");
}

TEST(Multipart, RefusesBadExtendedFilenames) {
  ExpectMalformed(Parse(File("filename*=UTF-8''%D8%B", "text/plain", "x") + std::string(kClose)));
  ExpectMalformed(Parse(File("filename*=UTF-8''a b", "text/plain", "x") + std::string(kClose)));
  ExpectMalformed(Parse(File("filename*=koi8-r''abc", "text/plain", "x") + std::string(kClose)));
  ExpectMalformed(Parse(File("filename*=abc", "text/plain", "x") + std::string(kClose)));
  // Decodes to bytes that are not UTF-8.
  ExpectMalformed(Parse(File("filename*=UTF-8''%FF.txt", "text/plain", "x") + std::string(kClose)));
}

TEST(Multipart, TakesRawUtf8Filename) {
  auto parts =
      Parse(File("filename=\"تقرير الشكوى.pdf\"", "application/pdf", "x") + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].filename, "تقرير الشكوى.pdf");
}

TEST(Multipart, UnescapesQuotedStrings) {
  auto parts =
      Parse(File(R"(filename="say \"hi\" \\ now.txt")", "text/plain", "x") + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  // The escaped backslash is a directory separator to us: only what follows it is kept.
  EXPECT_EQ((*parts)[0].filename, " now.txt");

  parts = Parse(File(R"(filename="say \"hi\".txt")", "text/plain", "x") + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].filename, "say \"hi\".txt");
}

TEST(Multipart, StripsDirectoriesFromFilenames) {
  const std::pair<std::string, std::string> cases[] = {
      {R"(filename="C:\\Users\\ali\\report.pdf")", "report.pdf"},
      {R"(filename="../../etc/passwd")", "passwd"},
      {R"(filename="/var/data/")", ""},
      {R"(filename="a/..")", ""},
      {R"(filename=".")", ""},
      {"filename*=UTF-8''..%2F..%5Cevil.pdf", "evil.pdf"},
  };
  for (const auto& [tail, expected] : cases) {
    auto parts = Parse(File(tail, "text/plain", "x") + std::string(kClose));
    ASSERT_TRUE(parts.has_value()) << tail << ": " << parts.error().detail;
    EXPECT_EQ((*parts)[0].filename, expected) << tail;
  }
}

TEST(Multipart, RefusesControlCharactersInNames) {
  ExpectMalformed(
      Parse(File("filename*=UTF-8''a%0Ab.pdf", "text/plain", "x") + std::string(kClose)));
  ExpectMalformed(
      Parse(File("filename*=UTF-8''a%00b.pdf", "text/plain", "x") + std::string(kClose)));
  ExpectMalformed(Parse(File("filename=\"a\tb.pdf\"", "text/plain", "x") + std::string(kClose)));
  // C1 control (U+0085) and DEL.
  ExpectMalformed(
      Parse(File("filename*=UTF-8''a%C2%85b.pdf", "text/plain", "x") + std::string(kClose)));
  ExpectMalformed(
      Parse(File("filename*=UTF-8''a%7Fb.pdf", "text/plain", "x") + std::string(kClose)));
  // Right-to-left override: "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
  ExpectMalformed(Parse(File("filename*=UTF-8''invoice%E2%80%AEfdp.exe", "text/plain", "x") +
                        std::string(kClose)));
  ExpectMalformed(Parse("--XyZ42\r\nContent-Disposition: form-data; name*=UTF-8''a\r\n\r\nx\r\n" +
                        std::string(kClose)));
}

TEST(Multipart, KeepsRightToLeftMarkInNames) {
  auto parts =
      Parse(File("filename*=UTF-8''%E2%80%8F%D8%A3.pdf", "text/plain", "x") + std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].filename, "\u200F\u0623.pdf");
}

TEST(Multipart, ReadsHeadersCaseInsensitivelyAndUnfolds) {
  auto parts = Parse(
      "--XyZ42\r\ncontent-disposition: FORM-DATA;\r\n name=\"a\";\r\n\tfilename=\"f.txt\"\r\n"
      "X-Other: ignored\r\nCONTENT-TYPE: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: binary\r\n\r\nv\r\n" +
      std::string(kClose));
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].filename, "f.txt");
  EXPECT_EQ((*parts)[0].content_type, "text/plain; charset=utf-8");
}

TEST(Multipart, RefusesOtherMediaTypes) {
  for (std::string_view type : {"application/json", "multipart/mixed; boundary=XyZ42",
                                "application/x-www-form-urlencoded"}) {
    auto parts = ParseMultipart(type, SampleBody(), {});
    ASSERT_FALSE(parts.has_value()) << type;
    EXPECT_EQ(parts.error().code, ErrorCode::kUnsupportedMediaType) << type;
  }
}

TEST(Multipart, RefusesBadBoundaries) {
  const std::string body = SampleBody();
  for (std::string_view type : {
           "multipart/form-data",
           "multipart/form-data; boundary=",
           "multipart/form-data; boundary=\"\"",
           "multipart/form-data; boundary=\"ends with space \"",
           "multipart/form-data; boundary=\"bad<char>\"",
           "multipart/form-data; boundary=XyZ42; boundary=Other",
           "multipart/form-data; boundary=\"unterminated",
           "multipart/form-data boundary=XyZ42",
           "",
           "multipart/",
       }) {
    auto parts = ParseMultipart(type, body, {});
    ASSERT_FALSE(parts.has_value()) << type;
    EXPECT_EQ(parts.error().code, ErrorCode::kMalformedRequest) << type;
  }
  const std::string seventy_one(71, 'b');
  ExpectMalformed(ParseMultipart("multipart/form-data; boundary=" + seventy_one, body, {}));
  EXPECT_EQ(FormDataBoundary("multipart/form-data; boundary=" + std::string(70, 'b')),
            std::string(70, 'b'));
  EXPECT_EQ(FormDataBoundary("multipart/form-data; boundary=" + seventy_one), std::nullopt);
  EXPECT_EQ(FormDataBoundary("text/plain; boundary=x"), std::nullopt);
}

TEST(Multipart, RefusesBodiesWithoutTheBoundary) {
  ExpectMalformed(Parse(""));
  ExpectMalformed(Parse("just some text"));
  ExpectMalformed(Parse("--OtherBoundary\r\n\r\n--OtherBoundary--"));
}

TEST(Multipart, RefusesAMissingCloseDelimiter) {
  ExpectMalformed(Parse(Field("a", "1")));
  ExpectMalformed(Parse(Field("a", "1") + "--XyZ42"));
  ExpectMalformed(Parse(Field("a", "1") + "--XyZ42-"));
  ExpectMalformed(Parse(Field("a", "1") + "--XyZ42\r\n"));
}

TEST(Multipart, RefusesJunkAfterADelimiter) {
  ExpectMalformed(Parse("--XyZ42junk\r\n" + std::string(kClose)));
  ExpectMalformed(Parse(Field("a", "1") + "--XyZ42--junk"));
  // The boundary at the start of a line inside data, followed by more text, is a broken delimiter.
  ExpectMalformed(Parse(Field("a", "line one\r\n--XyZ42more") + std::string(kClose)));
}

TEST(Multipart, RefusesBadPartHeaders) {
  auto with_headers = [](std::string_view headers) {
    return Parse("--XyZ42\r\n" + std::string(headers) + "\r\n\r\nv\r\n" + std::string(kClose));
  };
  ExpectMalformed(with_headers("Content-Type: text/plain"));  // no Content-Disposition
  ExpectMalformed(with_headers("Content-Disposition: attachment; name=\"a\""));
  ExpectMalformed(with_headers("Content-Disposition: form-data"));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"\""));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"a\"; name=\"b\""));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=a b"));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name"));
  ExpectMalformed(
      with_headers("Content-Disposition: form-data; name=\"a\"\r\n"
                   "Content-Disposition: form-data; name=\"b\""));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"a\"\nX-Y: z"));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"a\"\rX-Y: z"));
  ExpectMalformed(with_headers(" folded: first\r\nContent-Disposition: form-data; name=a"));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"a\"\r\nno colon here"));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"a\"\r\n: empty name"));
  ExpectMalformed(with_headers("Content-Disposition: form-data; name=\"a\x01\""));
  ExpectMalformed(
      with_headers("Content-Disposition: form-data; name=\"a\"\r\n"
                   "Content-Transfer-Encoding: base64"));
  ExpectMalformed(
      with_headers("Content-Disposition: form-data; name=\"a\"\r\n"
                   "Content-Type: not a type"));
  // No headers at all.
  ExpectMalformed(Parse("--XyZ42\r\n\r\nv\r\n" + std::string(kClose)));
}

TEST(Multipart, EnforcesThePartLimit) {
  std::string body;
  for (int i = 0; i < 5; ++i) body += Field("f" + std::to_string(i), "v");
  body += kClose;
  ASSERT_TRUE(Parse(body, {.max_parts = 5}).has_value());
  auto parts = Parse(body, {.max_parts = 4});
  ExpectMalformed(parts);
  EXPECT_NE(parts.error().detail.find("more than 4 parts"), std::string::npos);
}

TEST(Multipart, StopsAtThePartLimitWithoutReadingTheRest) {
  // A million empty parts would cost real memory if all were read before the count was checked.
  std::string body;
  const std::string empty_part = "--XyZ42\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n";
  while (body.size() < std::size_t{8} * 1024 * 1024) body += empty_part;
  body += kClose;
  ExpectMalformed(Parse(body, {.max_parts = 64}));
}

TEST(Multipart, EnforcesTheHeaderLimit) {
  const std::string long_name(100, 'n');
  const std::string body = Field(long_name, "v") + std::string(kClose);
  // The header block, without the CRLF CRLF that ends it.
  const std::size_t header_bytes =
      std::string_view("Content-Disposition: form-data; name=\"\"").size() + long_name.size();
  ASSERT_TRUE(Parse(body, {.max_header_bytes = header_bytes}).has_value());
  auto parts = Parse(body, {.max_header_bytes = header_bytes - 1});
  ExpectMalformed(parts);
  EXPECT_NE(parts.error().detail.find("over " + std::to_string(header_bytes - 1) + " bytes"),
            std::string::npos);
  // Headers that never end within the limit, with a body much longer than the limit.
  ExpectMalformed(Parse("--XyZ42\r\nContent-Disposition: form-data; name=a\r\nX: " +
                            std::string(100000, 'x') + "\r\n\r\nv\r\n" + std::string(kClose),
                        {.max_header_bytes = 8192}));
}

TEST(Multipart, RefusesEveryTruncation) {
  const std::string body = SampleBody();
  // Everything up to and including the "--" of the close delimiter is needed.
  const std::size_t needed = body.rfind("--\r\n") + 2;
  for (std::size_t length = 0; length < body.size(); ++length) {
    auto parts = Parse(std::string_view(body).substr(0, length));
    if (length < needed) {
      EXPECT_FALSE(parts.has_value()) << "truncated to " << length << " bytes";
    } else if (length == needed) {
      // The close delimiter without the CRLF after it is complete.
      EXPECT_TRUE(parts.has_value()) << "truncated to " << length << " bytes";
    }
  }
}

// Fuzz-like: mutations of a valid body and random bytes must never crash or hang (the dev preset
// runs this under AddressSanitizer and UndefinedBehaviorSanitizer); any success must be sane.
TEST(Multipart, SurvivesRandomMutations) {
  std::mt19937 random(20260101);
  const std::string body = SampleBody();
  const std::string pieces[] = {"\r\n",
                                "--XyZ42",
                                "--",
                                "\"",
                                ";",
                                "\\",
                                "=",
                                "\r",
                                "\n",
                                "filename*=UTF-8''%",
                                "Content-Disposition: form-data; name=x"};
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = body;
    const int edits = 1 + static_cast<int>(random() % 8);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % (mutated.size() + 1);
      switch (random() % 4) {
        case 0:
          if (at < mutated.size()) mutated[at] = static_cast<char>(random() % 256);
          break;
        case 1:
          mutated.erase(at, random() % 16);
          break;
        case 2:
          mutated.insert(at, pieces[random() % std::size(pieces)]);
          break;
        default:
          mutated.insert(at, 1, static_cast<char>(random() % 256));
      }
    }
    auto parts = Parse(mutated, {.max_parts = 8, .max_header_bytes = 512});
    if (parts.has_value()) {
      EXPECT_LE(parts->size(), 8u);
      for (const Part& part : *parts) {
        EXPECT_FALSE(part.name.empty());
        EXPECT_LE(part.data.size(), mutated.size());
        if (part.filename) {
          EXPECT_EQ(part.filename->find_first_of("/\\"), std::string::npos);
        }
      }
    } else {
      EXPECT_TRUE(parts.error().code == ErrorCode::kMalformedRequest ||
                  parts.error().code == ErrorCode::kUnsupportedMediaType);
    }
  }
}

TEST(Multipart, SurvivesRandomBytes) {
  std::mt19937 random(7);
  const std::string alphabet("-\r\nXyZ42\"; =\\abc\x00\xff", 18);
  for (int round = 0; round < 3000; ++round) {
    std::string junk(random() % 300, '\0');
    for (char& c : junk) {
      c = round % 2 == 0 ? static_cast<char>(random() % 256) : alphabet[random() % alphabet.size()];
    }
    if (round % 3 == 0) junk = "--XyZ42\r\n" + junk;
    auto parts = Parse(junk, {.max_parts = 8, .max_header_bytes = 128});
    if (!parts.has_value()) {
      EXPECT_NE(parts.error().detail, "");
    }
    // The content type is fuzzed too.
    auto typed = ParseMultipart(junk.substr(0, 40), junk, {});
    if (!typed.has_value()) {
      EXPECT_NE(typed.error().detail, "");
    }
  }
}

}  // namespace
}  // namespace shakwa::attachments
