#include <gtest/gtest.h>

#include <string>

#include "mail/mail.hpp"
#include "mail/sample_mail.hpp"

namespace shakwa::mail {
namespace {

using testing::kLimit;
using testing::SampleReference;

OutboundMail SampleOutbound() {
  OutboundMail mail;
  mail.from_address = "no-reply@shakwa.gov.sa";
  mail.from_name = "مركز الخدمة";
  mail.to_address = "m.alotaibi@example.sa";
  mail.to_name = "محمد العتيبي";
  mail.subject = "[" + SampleReference().ToString() + "] تم استلام شكواك";
  mail.text = "عزيزي محمد،\nتم استلام شكواك وسنرد خلال ٥ أيام عمل.\n";
  mail.html = "<p>عزيزي محمد،</p><p>تم استلام شكواك وسنرد خلال ٥ أيام عمل.</p>";
  mail.message_id = MessageIdFor(SampleReference(), "acknowledgement", "shakwa.gov.sa");
  mail.thread_ids = {"parent@example.sa", "root@example.sa"};
  mail.language = "ar";
  mail.date = domain::ParseIso8601("2026-03-15T09:12:44Z").value();
  mail.extra_headers = {{"X-Shakwa-Reference", SampleReference().ToString()}};
  return mail;
}

TEST(ComposeMail, RoundTripsThroughParseMail) {
  const OutboundMail out = SampleOutbound();
  auto parsed = ParseMail(ComposeMail(out), kLimit);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().detail;
  EXPECT_EQ(parsed->from_address, out.from_address);
  EXPECT_EQ(parsed->from_name, out.from_name);
  EXPECT_EQ(parsed->subject, out.subject);
  EXPECT_EQ(parsed->message_id, out.message_id);
  EXPECT_EQ(parsed->thread_ids, out.thread_ids);
  EXPECT_EQ(parsed->text, "عزيزي محمد،\nتم استلام شكواك وسنرد خلال ٥ أيام عمل.");
  // Our own mail must be recognised as machine mail if it ever comes back to the mailgate.
  EXPECT_EQ(parsed->automated, "auto_submitted");
  EXPECT_EQ(FindReference(*parsed), SampleReference());
}

TEST(ComposeMail, HtmlAlternativeRoundTrips) {
  OutboundMail out = SampleOutbound();
  out.text.clear();  // so that ParseMail falls back to the HTML part
  auto parsed = ParseMail(ComposeMail(out), kLimit);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->text, "عزيزي محمد،\n\nتم استلام شكواك وسنرد خلال ٥ أيام عمل.");
}

TEST(ComposeMail, WritesTheHeadersAnSmtpServerAndOtherRobotsNeed) {
  const std::string raw = ComposeMail(SampleOutbound());
  const std::string headers = raw.substr(0, raw.find("\r\n\r\n") + 2);
  EXPECT_NE(headers.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos) << raw;
  EXPECT_NE(headers.find("\r\nX-Auto-Response-Suppress: All\r\n"), std::string::npos);
  EXPECT_NE(headers.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Content-Language: ar\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Date: Sun, 15 Mar 2026 09:12:44 +0000\r\n"), std::string::npos);
  EXPECT_NE(headers.find("In-Reply-To: <parent@example.sa>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("References: <root@example.sa> <parent@example.sa>\r\n"),
            std::string::npos);
  EXPECT_NE(headers.find("X-Shakwa-Reference: " + SampleReference().ToString() + "\r\n"),
            std::string::npos);
  EXPECT_NE(headers.find("multipart/alternative"), std::string::npos);
  // The Arabic subject and names, in UTF-8 encoded words.
  EXPECT_NE(headers.find("\r\nFrom: =?UTF-8?"), std::string::npos) << headers;
  EXPECT_NE(headers.find("\r\nTo: =?UTF-8?"), std::string::npos);
  EXPECT_NE(headers.find("\r\nSubject: [" + SampleReference().ToString() + "]"), std::string::npos);
  EXPECT_NE(headers.find("\r\n =?UTF-8?"), std::string::npos);
  // Every byte 7-bit, every line end CRLF, no line over RFC 5322's 998.
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    ASSERT_LT(static_cast<unsigned char>(raw[i]), 0x80u) << "at " << i;
    if (raw[i] == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
      ASSERT_LE(i - line_start, 1000u);
      line_start = i + 1;
    }
  }
  EXPECT_NE(raw.find("charset=utf-8"), std::string::npos);
}

TEST(ComposeMail, WritesSingleTextPartWithoutHtml) {
  OutboundMail out = SampleOutbound();
  out.html.clear();
  out.text = "Plain English, caf\xC3\xA9 included.";
  const std::string raw = ComposeMail(out);
  EXPECT_EQ(raw.find("multipart"), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: text/plain; charset=utf-8"), std::string::npos) << raw;
  auto parsed = ParseMail(raw, kLimit);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->text, out.text);
}

TEST(ComposeMail, LineBreaksInFieldsCannotAddHeaders) {
  OutboundMail out = SampleOutbound();
  out.subject = "Hello\r\nBcc: victim@example.com";
  out.to_name = "Eve\nX-Injected: 1";
  out.extra_headers = {{"X-Shakwa-Reference", "a\r\nX-Other: 2"}};
  const std::string raw = ComposeMail(out);
  const std::string headers = raw.substr(0, raw.find("\r\n\r\n") + 2);
  EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("\r\nX-Injected:"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("\r\nX-Other:"), std::string::npos) << headers;
  auto parsed = ParseMail(raw, kLimit);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->subject, "Hello Bcc: victim@example.com");
}

}  // namespace
}  // namespace shakwa::mail
