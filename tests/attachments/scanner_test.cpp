#include "attachments/scanner.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "attachments/fake_clamd.hpp"
#include "attachments/sample_files.hpp"
#include "attachments/temp_dir.hpp"

namespace shakwa::attachments {
namespace {

using domain::ErrorCode;
using domain::MessageId;
using testing::FakeClamd;

ClamdSettings SettingsFor(const std::string& address) {
  ClamdSettings settings;
  settings.address = address;
  settings.timeout = std::chrono::milliseconds(2000);
  return settings;
}

// A TCP port on 127.0.0.1 with nobody listening.
std::string ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&in), sizeof in) != 0) ADD_FAILURE() << "bind";
  socklen_t size = sizeof in;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&in), &size);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(in.sin_port));
}

void ExpectUnavailable(const domain::Result<ScanVerdict>& verdict) {
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(verdict.error().message, MessageId::kScannerUnavailable);
}

TEST(NoScanner, FindsEverythingClean) {
  NoScanner scanner;
  auto verdict = scanner.Scan(testing::Eicar());
  ASSERT_TRUE(verdict.has_value());
  EXPECT_TRUE(verdict->clean);
}

TEST(ClamdAddress, ReadsSocketPathsAndHostPorts) {
  EXPECT_EQ(ParseClamdAddress("/run/clamav/clamd.ctl"),
            (ClamdAddress{"/run/clamav/clamd.ctl", "", ""}));
  EXPECT_EQ(ParseClamdAddress("unix:/tmp/c.sock"), (ClamdAddress{"/tmp/c.sock", "", ""}));
  EXPECT_EQ(ParseClamdAddress("127.0.0.1:3310"), (ClamdAddress{"", "127.0.0.1", "3310"}));
  EXPECT_EQ(ParseClamdAddress("clamd.internal:3310"), (ClamdAddress{"", "clamd.internal", "3310"}));
  EXPECT_EQ(ParseClamdAddress("[::1]:3310"), (ClamdAddress{"", "::1", "3310"}));
  for (std::string_view bad : {"", "clamd", "clamd:", ":3310", "host:port", "host:70000", "host:0",
                               "::1:3310", "[::1]", "a b:3310", "relative/path"}) {
    EXPECT_EQ(ParseClamdAddress(bad), std::nullopt) << bad;
  }
  EXPECT_THROW(ClamdScanner(SettingsFor("nonsense")), std::invalid_argument);
}

TEST(ClamdScanner, FindsACleanStreamClean) {
  FakeClamd clamd(FakeClamd::Mode::kScan);
  ClamdScanner scanner(SettingsFor(clamd.address()));
  auto verdict = scanner.Scan(testing::Pdf());
  ASSERT_TRUE(verdict.has_value()) << verdict.error().detail;
  EXPECT_TRUE(verdict->clean);
  EXPECT_EQ(clamd.last_command(), std::string("zINSTREAM\0", 10));
  ASSERT_EQ(clamd.streams().size(), 1u);
  EXPECT_EQ(clamd.streams()[0], testing::Pdf());
}

TEST(ClamdScanner, ReportsTheSignatureFound) {
  FakeClamd clamd(FakeClamd::Mode::kScan);
  ClamdScanner scanner(SettingsFor(clamd.address()));
  auto verdict = scanner.Scan("harmless prefix " + testing::Eicar() + " suffix");
  ASSERT_TRUE(verdict.has_value()) << verdict.error().detail;
  EXPECT_FALSE(verdict->clean);
  EXPECT_EQ(verdict->signature, "Eicar-Test-Signature");
}

TEST(ClamdScanner, SendsLargeFilesInChunks) {
  FakeClamd clamd(FakeClamd::Mode::kScan);
  ClamdSettings settings = SettingsFor(clamd.address());
  settings.chunk_bytes = 1000;
  ClamdScanner scanner(settings);
  const std::string data(2500, 'a');
  auto verdict = scanner.Scan(data);
  ASSERT_TRUE(verdict.has_value()) << verdict.error().detail;
  EXPECT_EQ(clamd.chunk_sizes(), (std::vector<std::uint32_t>{1000, 1000, 500}));
  EXPECT_EQ(clamd.streams().at(0), data);
}

TEST(ClamdScanner, ScansAnEmptyStream) {
  FakeClamd clamd(FakeClamd::Mode::kScan);
  ClamdScanner scanner(SettingsFor(clamd.address()));
  auto verdict = scanner.Scan("");
  ASSERT_TRUE(verdict.has_value()) << verdict.error().detail;
  EXPECT_TRUE(verdict->clean);
  EXPECT_TRUE(clamd.chunk_sizes().empty());
}

TEST(ClamdScanner, SpeaksOverAUnixSocket) {
  testing::TempDir dir;
  FakeClamd clamd(FakeClamd::Mode::kScan, (dir.path() / "clamd.ctl").string());
  ClamdScanner scanner(SettingsFor(clamd.address()));
  auto clean = scanner.Scan(testing::Png());
  ASSERT_TRUE(clean.has_value()) << clean.error().detail;
  EXPECT_TRUE(clean->clean);
  auto infected = scanner.Scan(testing::Eicar());
  ASSERT_TRUE(infected.has_value()) << infected.error().detail;
  EXPECT_FALSE(infected->clean);
}

TEST(ClamdScanner, IsUnavailableWhenNobodyListens) {
  ClamdScanner tcp(SettingsFor(ClosedPort()));
  ExpectUnavailable(tcp.Scan("data"));

  testing::TempDir dir;
  ClamdScanner unix_socket(SettingsFor((dir.path() / "no-such.ctl").string()));
  auto verdict = unix_socket.Scan("data");
  ExpectUnavailable(verdict);
  EXPECT_NE(verdict.error().detail.find("no-such.ctl"), std::string::npos);
}

TEST(ClamdScanner, GivesUpAtTheTimeout) {
  FakeClamd clamd(FakeClamd::Mode::kSilent);
  ClamdSettings settings = SettingsFor(clamd.address());
  settings.timeout = std::chrono::milliseconds(300);
  ClamdScanner scanner(settings);
  const auto start = std::chrono::steady_clock::now();
  auto verdict = scanner.Scan(testing::Pdf());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ExpectUnavailable(verdict);
  EXPECT_NE(verdict.error().detail.find("no verdict within 300 ms"), std::string::npos)
      << verdict.error().detail;
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(ClamdScanner, IsUnavailableOnAnErrorReply) {
  FakeClamd clamd(FakeClamd::Mode::kGarbage);
  ClamdScanner scanner(SettingsFor(clamd.address()));
  auto verdict = scanner.Scan("data");
  ExpectUnavailable(verdict);
  EXPECT_NE(verdict.error().detail.find("size limit exceeded"), std::string::npos);
}

}  // namespace
}  // namespace shakwa::attachments
