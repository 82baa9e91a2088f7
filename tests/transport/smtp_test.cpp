#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "transport/sinks.hpp"
#include "transport/transport.hpp"

namespace shakwa::transport {
namespace {

using testing::SharedSinks;
using testing::SinkOptions;
using testing::Sinks;
using Kind = Outcome::Kind;

constexpr std::string_view kFrom = "no-reply@shakwa.example.sa";
constexpr std::string_view kTo = "beneficiary@example.sa";
// The sinks that require AUTH take kRightPassword; kPassword is the one that must never show.
constexpr std::string_view kRightPassword = "the-right-one";
constexpr std::string_view kPassword = "s3cret-Pa55word";

const SinkOptions& WithAuth() {
  static const SinkOptions options{.smtp_user = "shakwa",
                                   .smtp_password = std::string(kRightPassword)};
  return options;
}

const SinkOptions& WithTlsAndAuth() {
  static const SinkOptions options{
      .smtp_user = "shakwa", .smtp_password = std::string(kRightPassword), .tls = true};
  return options;
}

// Arabic in an encoded subject and an 8-bit body, and a line beginning with "." that SMTP must
// dot-stuff on the way and the server unstuff.
std::string Message(std::string_view message_id = "<case-1@shakwa.example.sa>") {
  return "From: Shakwa <no-reply@shakwa.example.sa>\r\n"
         "To: beneficiary@example.sa\r\n"
         "Subject: =?UTF-8?B?2LTZg9mI2Yk=?=\r\n"
         "Message-ID: " +
         std::string(message_id) +
         "\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "تم استلام شكواكم رقم C-2025-0001-7.\r\n"
         ".a line that starts with a dot\r\n"
         "..and one with two\r\n";
}

SmtpSettings Plain(const Sinks& sinks) {
  SmtpSettings smtp;
  smtp.url = sinks.smtp_url();
  smtp.timeout = std::chrono::seconds(10);
  return smtp;
}

// What every failure must keep to itself.
void ExpectNoSecret(const Outcome& outcome) {
  EXPECT_EQ(outcome.detail.find(kPassword), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find(kRightPassword), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("@example.sa"), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("a line that starts"), std::string::npos) << outcome.detail;
}

TEST(SendMail, DeliversTheMessageByteForByte) {
  const Sinks& sinks = SharedSinks();
  const std::string to = "bytes@example.sa";
  const Outcome outcome = SendMail(Plain(sinks), kFrom, to, Message());
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  EXPECT_EQ(outcome.code, 250);

  const auto mail = sinks.MailTo(to);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].at("mail_from").as_string(), kFrom);
  EXPECT_EQ(mail[0].at("rcpt_tos"), (boost::json::array{to}));
  EXPECT_EQ(mail[0].at("message_id").as_string(), "<case-1@shakwa.example.sa>");
  EXPECT_FALSE(mail[0].at("tls").as_bool());
  EXPECT_TRUE(mail[0].at("auth_user").is_null());
  EXPECT_EQ(sinks.ReadFile(mail[0].at("file").as_string()), Message());
}

TEST(SendMail, SendsTheNullSenderWhenThereIsNoEnvelopeSender) {
  const Sinks& sinks = SharedSinks();
  const std::string to = "null-sender@example.sa";
  const Outcome outcome = SendMail(Plain(sinks), "", to, Message());
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  ASSERT_EQ(sinks.MailTo(to).size(), 1u);
  EXPECT_EQ(sinks.MailTo(to)[0].at("mail_from").as_string(), "");
}

TEST(SendMail, AuthenticatesWithTheRightPassword) {
  const Sinks& sinks = SharedSinks(WithAuth());
  SmtpSettings smtp = Plain(sinks);
  smtp.username = "shakwa";
  smtp.password = kRightPassword;
  const std::string to = "authenticated@example.sa";
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  ASSERT_EQ(sinks.MailTo(to).size(), 1u);
  EXPECT_EQ(sinks.MailTo(to)[0].at("auth_user").as_string(), "shakwa");
}

// Our credentials, not the message, are at fault: the retries go through once they are fixed.
TEST(SendMail, WrongPasswordIsTransientAndStaysOutOfTheDetail) {
  const Sinks& sinks = SharedSinks(WithAuth());
  SmtpSettings smtp = Plain(sinks);
  smtp.username = "shakwa";
  smtp.password = kPassword;
  const std::string to = "wrong-password@example.sa";
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_EQ(outcome.code, 535);
  ExpectNoSecret(outcome);
  EXPECT_TRUE(sinks.MailTo(to).empty());
}

TEST(SendMail, MissingCredentialsAreTransient) {
  const Sinks& sinks = SharedSinks(WithAuth());
  const std::string to = "no-credentials@example.sa";
  const Outcome outcome = SendMail(Plain(sinks), kFrom, to, Message());
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_EQ(outcome.code, 530);
  EXPECT_TRUE(sinks.MailTo(to).empty());
}

TEST(SendMail, UpgradesWithStartTlsAndAuthenticates) {
  const Sinks& sinks = SharedSinks(WithTlsAndAuth());
  SmtpSettings smtp = Plain(sinks);
  smtp.tls = "starttls";
  smtp.ca_file = testing::TestCertificate().cert.string();
  smtp.username = "shakwa";
  smtp.password = kRightPassword;
  const std::string to = "starttls@example.sa";
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  const auto mail = sinks.MailTo(to);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_TRUE(mail[0].at("tls").as_bool());
  EXPECT_EQ(mail[0].at("auth_user").as_string(), "shakwa");
  EXPECT_EQ(sinks.ReadFile(mail[0].at("file").as_string()), Message());
}

TEST(SendMail, SpeaksImplicitTlsToAnSmtpsUrl) {
  const Sinks& sinks = SharedSinks(WithTlsAndAuth());
  SmtpSettings smtp = Plain(sinks);
  smtp.url = sinks.smtps_url();
  smtp.tls = "tls";
  smtp.ca_file = testing::TestCertificate().cert.string();
  smtp.username = "shakwa";
  smtp.password = kRightPassword;
  const std::string to = "smtps@example.sa";
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  ASSERT_EQ(sinks.MailTo(to).size(), 1u);
  EXPECT_TRUE(sinks.MailTo(to)[0].at("tls").as_bool());
}

// A certificate that does not verify is the channel's fault: renewed, the retries go through.
TEST(SendMail, UntrustedCertificateIsTransientAndSendsNothing) {
  const Sinks& sinks = SharedSinks(WithTlsAndAuth());
  SmtpSettings smtp = Plain(sinks);
  smtp.tls = "starttls";  // no ca_file: the system's bundle does not know the test's certificate
  smtp.username = "shakwa";
  smtp.password = kPassword;
  const std::string to = "untrusted@example.sa";
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  ExpectNoSecret(outcome);
  EXPECT_TRUE(sinks.MailTo(to).empty());
}

TEST(SendMail, RequiredStartTlsThatIsNotOfferedIsTransientAndSendsNothing) {
  const Sinks& sinks = SharedSinks();  // no certificate: no STARTTLS in its EHLO
  SmtpSettings smtp = Plain(sinks);
  smtp.tls = "starttls";
  const std::string to = "no-starttls@example.sa";
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_TRUE(sinks.MailTo(to).empty());
}

TEST(SendMail, RefusedRecipientIsPermanent) {
  const Outcome outcome = SendMail(Plain(SharedSinks()), kFrom, "bounce@example.sa", Message());
  EXPECT_EQ(outcome.kind, Kind::kPermanent) << outcome.detail;
  EXPECT_EQ(outcome.code, 550);
  ExpectNoSecret(outcome);
  EXPECT_TRUE(SharedSinks().MailTo("bounce@example.sa").empty());
}

TEST(SendMail, DeferredRecipientIsTransient) {
  const Outcome outcome = SendMail(Plain(SharedSinks()), kFrom, "defer@example.sa", Message());
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_EQ(outcome.code, 451);
}

TEST(SendMail, UnreachableServerIsTransient) {
  SmtpSettings smtp;
  smtp.url = "smtp://127.0.0.1:" + std::to_string(testing::ClosedPort());
  smtp.username = "shakwa";
  smtp.password = kPassword;
  const Outcome outcome = SendMail(smtp, kFrom, kTo, Message());
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_EQ(outcome.code, 0);
  EXPECT_FALSE(outcome.detail.empty());
  ExpectNoSecret(outcome);
}

TEST(SendMail, ServerThatNeverGreetsIsTransientAtTheTimeout) {
  testing::SilentPort silent;
  SmtpSettings smtp;
  smtp.url = "smtp://127.0.0.1:" + std::to_string(silent.port());
  smtp.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = SendMail(smtp, kFrom, kTo, Message());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// curl says QUIT when it lets the connection go, after the verdict, and waits for the reply
// apart from the transfer's timeout (two minutes by default).
TEST(SendMail, ServerSilentAfterTakingTheMessageCostsNoMoreThanTheTimeout) {
  const Sinks& sinks = SharedSinks();
  SmtpSettings smtp = Plain(sinks);
  smtp.timeout = std::chrono::seconds(1);
  const std::string to = "stall@example.sa";  // the sink answers nothing after the 250
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = SendMail(smtp, kFrom, to, Message());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  EXPECT_EQ(sinks.MailTo(to).size(), 1u);
}

TEST(SendMail, SettingsThatCanNeverWorkArePermanent) {
  const auto settings = [](std::string url, std::string tls) {
    SmtpSettings smtp;
    smtp.url = std::move(url);
    smtp.tls = std::move(tls);
    return smtp;
  };
  EXPECT_EQ(ProblemWith(settings("smtp://mail.example.sa:25", "none")), std::nullopt);
  EXPECT_EQ(ProblemWith(settings("SMTP://mail.example.sa:587", "starttls")), std::nullopt);
  EXPECT_EQ(ProblemWith(settings("smtps://mail.example.sa:465", "tls")), std::nullopt);
  for (const SmtpSettings& bad : {
           settings("", "none"),
           settings("http://mail.example.sa", "none"),
           settings("mail.example.sa:25", "none"),
           settings("smtp://mail.example.sa:25", "ssl"),
           settings("smtp://mail.example.sa:465", "tls"),
           settings("smtps://mail.example.sa:465", "starttls"),
       }) {
    EXPECT_NE(ProblemWith(bad), std::nullopt) << bad.url << " " << bad.tls;
    const Outcome outcome = SendMail(bad, kFrom, kTo, Message());
    EXPECT_EQ(outcome.kind, Kind::kPermanent) << bad.url << " " << bad.tls;
    EXPECT_EQ(outcome.detail, "smtp: " + *ProblemWith(bad));
  }
  SmtpSettings no_user = settings("smtp://mail.example.sa:25", "none");
  no_user.password = kPassword;
  EXPECT_NE(ProblemWith(no_user), std::nullopt);
  EXPECT_EQ(SendMail(no_user, kFrom, kTo, Message()).detail.find(kPassword), std::string::npos);
}

TEST(SendMail, MalformedUrlIsPermanent) {
  SmtpSettings smtp;
  smtp.url = "smtp://[127.0.0.1:25";
  const Outcome outcome = SendMail(smtp, kFrom, kTo, Message());
  EXPECT_EQ(outcome.kind, Kind::kPermanent) << outcome.detail;
}

// Addresses go into the SMTP commands verbatim; one that could end a command must not be sent.
TEST(SendMail, AddressesThatCouldInjectCommandsArePermanentAndSendNothing) {
  const Sinks& sinks = SharedSinks();
  const std::size_t before = sinks.Mail().size();
  const SmtpSettings smtp = Plain(sinks);
  for (std::string_view bad : {"a@example.sa>\r\nRCPT TO:<b@example.sa", "a@example.sa\n",
                               "a b@example.sa", "<a@example.sa>", ""}) {
    const Outcome outcome = SendMail(smtp, kFrom, bad, Message());
    EXPECT_EQ(outcome.kind, Kind::kPermanent) << bad;
    EXPECT_EQ(outcome.detail, "smtp: invalid recipient");
  }
  const Outcome outcome = SendMail(smtp, "x@example.sa>\r\nRSET", kTo, Message());
  EXPECT_EQ(outcome.kind, Kind::kPermanent);
  EXPECT_EQ(outcome.detail, "smtp: invalid envelope sender");
  EXPECT_EQ(sinks.Mail().size(), before);
}

TEST(SendMail, DeliversFromSeveralThreadsAtOnce) {
  const Sinks& sinks = SharedSinks();
  const std::string to = "threads@example.sa";
  const SmtpSettings smtp = Plain(sinks);
  constexpr int kThreads = 4;
  std::vector<Outcome> outcomes(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      outcomes[static_cast<std::size_t>(i)] =
          SendMail(smtp, kFrom, to, Message("<case-" + std::to_string(i) + "@shakwa>"));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Outcome& outcome : outcomes) {
    EXPECT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  }
  std::vector<std::string> ids;
  for (const auto& mail : sinks.MailTo(to)) ids.emplace_back(mail.at("message_id").as_string());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"<case-0@shakwa>", "<case-1@shakwa>", "<case-2@shakwa>",
                                           "<case-3@shakwa>"}));
}

TEST(Outcome, KindsHaveNames) {
  EXPECT_EQ(KindName(Kind::kDelivered), "delivered");
  EXPECT_EQ(KindName(Kind::kTransient), "transient");
  EXPECT_EQ(KindName(Kind::kPermanent), "permanent");
}

}  // namespace
}  // namespace shakwa::transport
