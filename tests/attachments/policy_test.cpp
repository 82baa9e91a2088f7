#include "attachments/policy.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "attachments/fake_clamd.hpp"
#include "attachments/sample_files.hpp"
#include "attachments/temp_dir.hpp"

namespace shakwa::attachments {
namespace {

namespace t = shakwa::testing;
using domain::ErrorCode;
using domain::FieldError;
using domain::MessageId;

// Finds EICAR, or fails on demand; counts the files it was shown.
class FakeScanner final : public Scanner {
 public:
  domain::Result<ScanVerdict> Scan(std::string_view data) override {
    ++calls;
    if (down) {
      return domain::Error::Of(ErrorCode::kUnavailable, MessageId::kScannerUnavailable, "down");
    }
    if (data.find(t::Eicar()) != std::string_view::npos) {
      return ScanVerdict{false, "Eicar-Test-Signature"};
    }
    return ScanVerdict{};
  }
  std::atomic<int> calls{0};
  bool down = false;
};

Part FilePart(std::string filename, std::string data) {
  return Part{"files", std::move(filename), "application/octet-stream", std::move(data)};
}

class AttachmentPolicyTest : public ::testing::Test {
 protected:
  AttachmentPolicy Policy(AttachmentLimits limits = {}) {
    return AttachmentPolicy(std::move(limits), detector_, scanner_, store_);
  }
  std::size_t StoredFiles() const { return t::CountFiles(dir_.path()); }

  t::TempDir dir_;
  const ContentTypeDetector detector_;
  FakeScanner scanner_;
  const FileStore store_{dir_.path()};
};

TEST_F(AttachmentPolicyTest, AcceptsAndStoresAllowedFiles) {
  const std::vector<Part> files = {
      FilePart("report.pdf", t::Pdf()), FilePart("photo.png", t::Png()),
      FilePart("scan.jpg", t::Jpeg()),  FilePart("letter.docx", t::DocxLibreOfficeOrder()),
      FilePart("sums.xlsx", t::Xlsx()), FilePart("notes.txt", "ملاحظات\n"),
  };
  auto accepted = Policy().AcceptUploads(files, 0);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().detail;
  ASSERT_EQ(accepted->size(), files.size());
  EXPECT_EQ((*accepted)[0].media_type, "application/pdf");
  EXPECT_EQ((*accepted)[0].filename, "report.pdf");
  EXPECT_EQ((*accepted)[0].stored,
            (StoredFile{Sha256Hex(t::Pdf()), static_cast<std::int64_t>(t::Pdf().size())}));
  EXPECT_EQ((*accepted)[1].media_type, "image/png");
  EXPECT_EQ((*accepted)[2].media_type, "image/jpeg");
  EXPECT_EQ((*accepted)[3].media_type,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ((*accepted)[4].media_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ((*accepted)[5].media_type, "text/plain");
  EXPECT_EQ(StoredFiles(), files.size());
  for (const AcceptedFile& file : *accepted) {
    EXPECT_TRUE(store_.Read(file.stored.sha256_hex).has_value());
  }
  EXPECT_EQ(scanner_.calls.load(), static_cast<int>(files.size()));
}

TEST_F(AttachmentPolicyTest, IgnoresTheClientsContentTypeAndName) {
  // Called .pdf and sent as application/pdf, but a shell script.
  Part script = FilePart("invoice.pdf", t::ShellScript());
  script.content_type = "application/pdf";
  auto accepted = Policy().AcceptUploads(std::vector<Part>{script}, 0);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code, ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(accepted.error().message, MessageId::kUnsupportedFileType);
  EXPECT_EQ(accepted.error().message_param, "text/x-shellscript");
}

TEST_F(AttachmentPolicyTest, RefusesExecutablesZipsAndMarkup) {
  for (const std::string& data :
       {t::Elf(), t::PlainZip(), t::Docm(), std::string("<html><script>x</script></html>")}) {
    auto accepted = Policy().AcceptUploads(std::vector<Part>{FilePart("file.pdf", data)}, 0);
    ASSERT_FALSE(accepted.has_value());
    EXPECT_EQ(accepted.error().code, ErrorCode::kUnsupportedMediaType)
        << accepted.error().message_param;
  }
  EXPECT_EQ(StoredFiles(), 0u);
}

TEST_F(AttachmentPolicyTest, RefusesAFileOverTheSizeLimit) {
  AttachmentLimits limits;
  limits.max_file_bytes = 1000;
  const std::vector<Part> files = {FilePart("a.txt", std::string(1000, 'a')),
                                   FilePart("b.txt", std::string(1001, 'b'))};
  auto accepted = Policy(limits).AcceptUploads(files, 0);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(accepted.error().message, MessageId::kFileTooLarge);
  EXPECT_EQ(accepted.error().message_param, "1000");
  EXPECT_EQ(scanner_.calls.load(), 0);  // refused before anything costly
  EXPECT_EQ(StoredFiles(), 0u);
}

TEST_F(AttachmentPolicyTest, DefaultsToTenMebibytesAndTenFiles) {
  const AttachmentLimits limits;
  EXPECT_EQ(limits.max_file_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(limits.max_files_per_case, 10u);
  auto accepted = Policy().AcceptUploads(
      std::vector<Part>{FilePart("big.txt", std::string(10 * 1024 * 1024 + 1, 'a'))}, 0);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().message_param, "10485760");
}

TEST_F(AttachmentPolicyTest, RefusesMoreFilesThanTheCaseMayHave) {
  const std::vector<Part> three = {FilePart("1.pdf", t::Pdf()), FilePart("2.png", t::Png()),
                                   FilePart("3.gif", t::Gif())};
  ASSERT_TRUE(Policy().CheckUploads(three, 7).has_value());  // exactly 10

  auto accepted = Policy().AcceptUploads(three, 8);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code, ErrorCode::kInvalidInput);
  ASSERT_EQ(accepted.error().fields.size(), 1u);
  EXPECT_EQ(accepted.error().fields[0], (FieldError{"files", MessageId::kTooManyFiles, "10"}));
  EXPECT_EQ(StoredFiles(), 0u);

  AttachmentLimits two;
  two.max_files_per_case = 2;
  auto too_many = Policy(two).AcceptUploads(three, 0);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().fields[0].param, "2");
}

TEST_F(AttachmentPolicyTest, RefusesAnInfectedFileByIndex) {
  const std::vector<Part> files = {FilePart("clean.txt", "clean text\n"),
                                   FilePart("eicar.txt", t::Eicar())};
  auto accepted = Policy().AcceptUploads(files, 0);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code, ErrorCode::kInvalidInput);
  ASSERT_EQ(accepted.error().fields.size(), 1u);
  EXPECT_EQ(accepted.error().fields[0],
            (FieldError{"files[1]", MessageId::kFileRejectedByScanner, ""}));
  EXPECT_NE(accepted.error().detail.find("Eicar-Test-Signature"), std::string::npos);
  EXPECT_EQ(StoredFiles(), 0u);
}

TEST_F(AttachmentPolicyTest, RefusesEverythingWhenTheScannerIsDown) {
  scanner_.down = true;
  auto accepted = Policy().AcceptUploads(std::vector<Part>{FilePart("a.pdf", t::Pdf())}, 0);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(accepted.error().message, MessageId::kScannerUnavailable);
  EXPECT_EQ(StoredFiles(), 0u);
}

TEST_F(AttachmentPolicyTest, StoresNothingWhenOneFileOfSeveralIsRefused) {
  // The refused file comes last, after files that alone would pass.
  const std::vector<Part> files = {FilePart("a.pdf", t::Pdf()), FilePart("b.png", t::Png()),
                                   FilePart("c.docx", t::DocxWordOrder()),
                                   FilePart("d.sh", t::ShellScript())};
  auto accepted = Policy().AcceptUploads(files, 0);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code, ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(StoredFiles(), 0u);
  EXPECT_EQ(scanner_.calls.load(), 0);
}

TEST_F(AttachmentPolicyTest, StoresTheSameBytesOnce) {
  const std::vector<Part> files = {FilePart("a.pdf", t::Pdf()), FilePart("copy.pdf", t::Pdf())};
  auto accepted = Policy().AcceptUploads(files, 0);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().detail;
  ASSERT_EQ(accepted->size(), 2u);
  EXPECT_EQ((*accepted)[0].stored, (*accepted)[1].stored);
  EXPECT_EQ((*accepted)[1].filename, "copy.pdf");
  EXPECT_EQ(StoredFiles(), 1u);
}

TEST_F(AttachmentPolicyTest, AcceptsNoFiles) {
  auto accepted = Policy().AcceptUploads({}, 10);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_TRUE(accepted->empty());
}

TEST_F(AttachmentPolicyTest, WorksWithClamd) {
  t::FakeClamd clamd(t::FakeClamd::Mode::kScan);
  ClamdSettings settings;
  settings.address = clamd.address();
  ClamdScanner scanner(settings);
  const AttachmentPolicy policy({}, detector_, scanner, store_);
  ASSERT_TRUE(policy.AcceptUploads(std::vector<Part>{FilePart("a.pdf", t::Pdf())}, 0).has_value());
  auto infected = policy.AcceptUploads(std::vector<Part>{FilePart("e.txt", t::Eicar())}, 0);
  ASSERT_FALSE(infected.has_value());
  EXPECT_EQ(infected.error().fields.at(0).message, MessageId::kFileRejectedByScanner);
  EXPECT_EQ(StoredFiles(), 1u);
}

TEST(TakeFileParts, SeparatesFilesFromFieldsAndDropsEmptyFileInputs) {
  std::vector<Part> parts = {
      Part{"case", std::nullopt, "text/plain", "C-1"},
      Part{"files", "a.pdf", "application/pdf", "%PDF"},
      Part{"files", "", "application/octet-stream", ""},  // a file input left empty
      Part{"note", std::nullopt, "text/plain", "hi"},
      Part{"files", "", "application/octet-stream", "unnamed data"},
  };
  const std::vector<Part> files = TakeFileParts(parts);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename, "a.pdf");
  EXPECT_EQ(files[1].data, "unnamed data");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "case");
  EXPECT_EQ(parts[1].name, "note");
}

}  // namespace
}  // namespace shakwa::attachments
