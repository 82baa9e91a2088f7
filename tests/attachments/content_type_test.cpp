#include "attachments/content_type.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "attachments/sample_files.hpp"

namespace shakwa::attachments {
namespace {

namespace t = shakwa::testing;

constexpr std::string_view kDocx =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr std::string_view kXlsx =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr std::string_view kPptx =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation";

const ContentTypeDetector& Detector() {
  static const ContentTypeDetector detector;
  return detector;
}

std::string Detect(std::string_view data) {
  auto type = Detector().Detect(data);
  EXPECT_TRUE(type.has_value());
  return type.has_value() ? *type : std::string();
}

TEST(ContentType, DetectsImagesAndPdfFromTheirBytes) {
  EXPECT_EQ(Detect(t::Pdf()), "application/pdf");
  EXPECT_EQ(Detect(t::Png()), "image/png");
  EXPECT_EQ(Detect(t::Jpeg()), "image/jpeg");
  EXPECT_EQ(Detect(t::Gif()), "image/gif");
  EXPECT_EQ(Detect(t::Webp()), "image/webp");
  EXPECT_EQ(Detect(t::Tiff()), "image/tiff");
}

TEST(ContentType, DetectsPlainTextInArabicAndEnglish) {
  EXPECT_EQ(Detect("رُفع المستخلص قبل ستين يومًا ولم يُصرف.\n"), "text/plain");
  EXPECT_EQ(Detect("The invoice was submitted sixty days ago.\n"), "text/plain");
}

TEST(ContentType, DetectsExecutablesAndScripts) {
  const std::string elf = Detect(t::Elf());
  EXPECT_TRUE(elf == "application/x-pie-executable" || elf == "application/x-executable" ||
              elf == "application/x-sharedlib")
      << elf;
  EXPECT_EQ(Detect(t::ShellScript()), "text/x-shellscript");
  EXPECT_EQ(Detect("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"),
            "text/html");
  EXPECT_EQ(Detect("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "width=\"1\" height=\"1\"><script>alert(1)</script></svg>\n"),
            "image/svg+xml");
  EXPECT_EQ(Detect(""), "application/x-empty");
}

TEST(ContentType, DetectsDocxInWordsEntryOrder) {
  EXPECT_EQ(Detect(t::DocxWordOrder()), kDocx);
}

// Debian 12's libmagic (5.44) calls this one application/zip: it only looks at the third entry.
TEST(ContentType, DetectsDocxInLibreOfficesEntryOrder) {
  EXPECT_EQ(Detect(t::DocxLibreOfficeOrder()), kDocx);
}

TEST(ContentType, DetectsXlsxAndPptx) {
  EXPECT_EQ(Detect(t::Xlsx()), kXlsx);
  EXPECT_EQ(Detect(t::Pptx()), kPptx);
}

TEST(ContentType, NamesMacroEnabledDocumentsForWhatTheyAre) {
  EXPECT_EQ(Detect(t::Docm()), "application/vnd.ms-word.document.macroenabled.12");
  EXPECT_FALSE(AllowedMediaTypes{}.Allows(Detect(t::Docm())));
}

TEST(ContentType, LeavesOtherZipsAsZip) {
  EXPECT_EQ(Detect(t::PlainZip()), "application/zip");
  // The content-types part alone does not make a document, nor do two main parts.
  EXPECT_EQ(Detect(t::Zip({{"[Content_Types].xml", t::kContentTypesXml}, {"a.txt", "a"}})),
            "application/zip");
  EXPECT_EQ(Detect(t::Zip({{"a.txt", "a"},
                           {"[Content_Types].xml", t::kContentTypesXml},
                           {"word/document.xml", t::kDocumentXml},
                           {"xl/workbook.xml", "<workbook/>"}})),
            "application/zip");
  // A main part without the content types is not OOXML either.
  EXPECT_EQ(Detect(t::Zip({{"a.txt", "a"}, {"b.txt", "b"}, {"word/document.xml", "x"}})),
            "application/zip");
}

TEST(ContentType, ReadsCentralDirectoriesDefensively) {
  const std::string docx = t::DocxLibreOfficeOrder();
  EXPECT_EQ(OfficeOpenXmlType(docx), kDocx);
  // Every truncation of a zip either still names the document or names nothing; none crashes.
  for (std::size_t length = 0; length < docx.size(); ++length) {
    const std::string type = OfficeOpenXmlType(std::string_view(docx).substr(0, length));
    EXPECT_TRUE(type.empty() || type == kDocx) << length;
  }
  // Corrupted directory sizes and offsets.
  for (std::size_t at = docx.size() - 12; at < docx.size(); ++at) {
    for (const char value : {'\x00', '\x7f', '\xff'}) {
      std::string broken = docx;
      broken[at] = value;
      (void)OfficeOpenXmlType(broken);
    }
  }
  EXPECT_EQ(OfficeOpenXmlType("PK\x05\x06"), "");
  EXPECT_EQ(OfficeOpenXmlType(t::Pdf()), "");
}

TEST(ContentType, AllowListMatchesExactTypesIgnoringCase) {
  const AllowedMediaTypes allowed;
  EXPECT_TRUE(allowed.Allows("application/pdf"));
  EXPECT_TRUE(allowed.Allows("Application/PDF"));
  EXPECT_TRUE(allowed.Allows(kDocx));
  EXPECT_TRUE(allowed.Allows("image/heic"));
  EXPECT_FALSE(allowed.Allows("application/pdfx"));
  EXPECT_FALSE(allowed.Allows("application/zip"));
  EXPECT_FALSE(allowed.Allows("image/svg+xml"));
  EXPECT_FALSE(allowed.Allows("text/html"));
  EXPECT_FALSE(allowed.Allows(""));
  const AllowedMediaTypes only_pdf{{"application/pdf"}};
  EXPECT_FALSE(only_pdf.Allows("image/png"));
}

TEST(ContentType, DetectsFromManyThreadsAtOnce) {
  const std::vector<std::pair<std::string, std::string>> samples = {
      {t::Pdf(), "application/pdf"},
      {t::Png(), "image/png"},
      {t::DocxLibreOfficeOrder(), std::string(kDocx)},
      {t::ShellScript(), "text/x-shellscript"},
  };
  const ContentTypeDetector detector;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 50; ++round) {
        const auto& [data, expected] =
            samples[static_cast<std::size_t>(i + round) % samples.size()];
        auto type = detector.Detect(data);
        if (!type.has_value() || *type != expected) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ContentType, RefusesToStartWithAMissingDatabase) {
  EXPECT_THROW(ContentTypeDetector("/nonexistent/magic.mgc"), std::runtime_error);
}

}  // namespace
}  // namespace shakwa::attachments
