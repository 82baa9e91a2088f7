#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "mail/mail.hpp"
#include "mail/sample_mail.hpp"

namespace shakwa::mail {
namespace {

using domain::ErrorCode;
using domain::MessageId;
using testing::Crlf;
using testing::kLimit;

InboundMail Parse(std::string_view lf_message) {
  auto mail = ParseMail(Crlf(lf_message), kLimit);
  EXPECT_TRUE(mail.has_value()) << (mail ? "" : mail.error().detail);
  return mail ? std::move(mail).value() : InboundMail{};
}

// The PDF every attachment test carries, and its base64 form as a mail client writes it.
const std::string kPdf =
    "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
constexpr std::string_view kPdfBase64 =
    "JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZz4+ZW5kb2JqCnRyYWlsZXI8PC9Sb290IDEgMCBS\n"
    "Pj4KJSVFT0YK\n";

constexpr std::string_view kArabicBody = "السلام عليكم، تأخرت معاملتي في مركز الخدمة منذ شهر.";

// ---------------------------------------------------------------------------------------------
// Headers and plain bodies

TEST(ParseMail, ReadsPlainEnglishMessage) {
  const InboundMail mail = Parse(
      "Return-Path: <john.smith@example.com>\n"
      "From: John Smith <John.Smith@Example.COM>\n"
      "To: complaints@shakwa.gov.sa\n"
      "Subject: Waiting for three weeks\n"
      "Date: Sun, 15 Mar 2026 09:12:44 +0300\n"
      "Message-ID: <CAF1234abcd@mail.example.com>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=us-ascii\n"
      "\n"
      "Hello,\n"
      "\n"
      "I applied for a permit on 20 February and have heard nothing since.\n"
      "Regards,\n"
      "John\n");
  EXPECT_EQ(mail.from_address, "john.smith@example.com");
  EXPECT_EQ(mail.from_name, "John Smith");
  EXPECT_EQ(mail.subject, "Waiting for three weeks");
  EXPECT_EQ(mail.message_id, "CAF1234abcd@mail.example.com");
  EXPECT_TRUE(mail.thread_ids.empty());
  EXPECT_EQ(mail.text,
            "Hello,\n\nI applied for a permit on 20 February and have heard nothing since.\n"
            "Regards,\nJohn");
  EXPECT_TRUE(mail.attachments.empty());
  EXPECT_FALSE(mail.automated.has_value());
}

TEST(ParseMail, DecodesQuotedPrintableUtf8Body) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: test\n"
      "Content-Type: text/plain; charset=UTF-8\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "=D8=A7=D9=84=D8=B3=D9=84=D8=A7=D9=85 =D8=B9=D9=84=D9=8A=D9=83=D9=85=D8=8C =\n"
      "=D8=AA=D8=A3=D8=AE=D8=B1=D8=AA =D9=85=D8=B9=D8=A7=D9=85=D9=84=D8=AA=D9=8A =\n"
      "=D9=81=D9=8A =D9=85=D8=B1=D9=83=D8=B2 =D8=A7=D9=84=D8=AE=D8=AF=D9=85=D8=A9 =\n"
      "=D9=85=D9=86=D8=B0 =D8=B4=D9=87=D8=B1.\n");
  EXPECT_EQ(mail.text, kArabicBody);
}

TEST(ParseMail, DecodesBase64Utf8Body) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: test\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "2KfZhNiz2YTYp9mFINi52YTZitmD2YXYjCDYqtij2K7YsdiqINmF2LnYp9mF2YTYqtmKINmB2Yog\n"
      "2YXYsdmD2LIg2KfZhNiu2K/ZhdipINmF2YbYsCDYtNmH2LEu\n");
  EXPECT_EQ(mail.text, kArabicBody);
}

TEST(ParseMail, ConvertsWindows1256BodyToUtf8) {
  const InboundMail mail = Parse(
      "From: ahmed@example.sa\n"
      "Subject: =?windows-1256?Q?=D8=E1=C8?=\n"
      "Content-Type: text/plain; charset=\"windows-1256\"\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "=C3=D1=CC=E6 =E3=CA=C7=C8=DA=C9 =D8=E1=C8=ED =DD=ED =C3=D3=D1=DA =E6=DE=CA.\n");
  EXPECT_EQ(mail.text, "أرجو متابعة طلبي في أسرع وقت.");
  EXPECT_EQ(mail.subject, "طلب");
}

TEST(ParseMail, ReadsUndeclared8BitArabicAsWindows1256) {
  // Old Arabic Outlook setups send raw windows-1256 with no charset at all.
  const InboundMail mail = Parse(
      "From: ahmed@example.sa\n"
      "Subject: x\n"
      "\n"
      "\xC3\xD1\xCC\xE6 \xE3\xCA\xC7\xC8\xDA\xC9\n");
  EXPECT_EQ(mail.text, "أرجو متابعة");
}

TEST(ParseMail, StrayNulDoesNotMakeUtf8LookLikeAnotherCharset) {
  const InboundMail mail = Parse(std::string("From: sara@example.sa\nSubject: x\n"
                                             "Content-Type: text/plain\n\nمرحبا") +
                                 '\0' + "بكم\n");
  EXPECT_EQ(mail.text, "مرحبابكم");
}

TEST(ParseMail, DecodesRfc2047ArabicSubjectAndName) {
  const InboundMail mail = Parse(
      "From: =?windows-1256?b?483jzyDH4drK7cjt?= <m.alotaibi@example.sa>\n"
      "Subject: =?UTF-8?B?2LTZg9mI2Ykg2KjYrti12YjYtSDYp9mE2KrYo9iu2YrYsQ==?=\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "نص\n");
  EXPECT_EQ(mail.from_name, "محمد العتيبي");
  EXPECT_EQ(mail.from_address, "m.alotaibi@example.sa");
  EXPECT_EQ(mail.subject, "شكوى بخصوص التأخير");
  EXPECT_EQ(mail.text, "نص");
}

TEST(ParseMail, ReadsRawUtf8Headers) {
  // RFC 6532 mail: UTF-8 straight in the header, no encoded words.
  const InboundMail mail = Parse(
      "From: \"محمد العتيبي\" <m@example.sa>\n"
      "Subject: شكوى بخصوص التأخير\n"
      "\n"
      "x\n");
  EXPECT_EQ(mail.from_name, "محمد العتيبي");
  EXPECT_EQ(mail.subject, "شكوى بخصوص التأخير");
}

TEST(ParseMail, CollectsThreadIdsInReplyToFirstThenReferencesNewestFirst) {
  const InboundMail mail = Parse(
      "From: a@example.sa\n"
      "Subject: Re: Re: x\n"
      "In-Reply-To: <parent@example.sa>\n"
      "References: <root@shakwa.gov.sa> <middle@example.sa>\n"
      " <parent@example.sa>\n"
      "\n"
      "x\n");
  EXPECT_EQ(mail.thread_ids, (std::vector<std::string>{"parent@example.sa", "middle@example.sa",
                                                       "root@shakwa.gov.sa"}));
}

TEST(ParseMail, SkipsMboxFromLine) {
  const InboundMail mail = Parse(
      "From sara@example.sa  Sun Mar 15 09:12:44 2026\n"
      "From: sara@example.sa\n"
      "Subject: hello\n"
      "\n"
      "body\n");
  EXPECT_EQ(mail.from_address, "sara@example.sa");
  EXPECT_EQ(mail.subject, "hello");
}

TEST(ParseMail, AcceptsBareLineFeeds) {
  auto mail = ParseMail("From: sara@example.sa\nSubject: lf\n\nline one\nline two\n", kLimit);
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->subject, "lf");
  EXPECT_EQ(mail->text, "line one\nline two");
}

// ---------------------------------------------------------------------------------------------
// Multipart bodies

TEST(ParseMail, PrefersTextPlainInMultipartAlternative) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: alt\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/alternative; boundary=\"b1\"\n"
      "\n"
      "--b1\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "The plain version.\n"
      "--b1\n"
      "Content-Type: text/html; charset=utf-8\n"
      "\n"
      "<p>The <b>HTML</b> version.</p>\n"
      "--b1--\n");
  EXPECT_EQ(mail.text, "The plain version.");
  EXPECT_TRUE(mail.attachments.empty());
}

TEST(ParseMail, ReducesHtmlOnlyBodyToSafeText) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: html\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Transfer-Encoding: 8bit\n"
      "\n"
      "<html><head><title>Mail</title><style>p { color: red }</style></head>\n"
      "<body><script>alert('x');</script>\n"
      "<p>Dear&nbsp;team,</p><p>Fees &amp; charges &lt;doubled&gt; "
      "&#1588;&#1603;&#1585;&#1575;</p>\n"
      "<p><a href=\"javascript:alert(1)\">Click here</a> or\n"
      "<a href=\"https://example.sa/case?id=1&amp;x=2\">the portal</a></p>\n"
      "</body></html>\n");
  EXPECT_EQ(mail.text,
            "Dear team,\n\nFees & charges <doubled> شكرا\n\nClick here or the portal "
            "(https://example.sa/case?id=1&x=2)");
  EXPECT_EQ(mail.text.find("javascript"), std::string::npos);
  EXPECT_EQ(mail.text.find("alert"), std::string::npos);
  EXPECT_EQ(mail.text.find("color"), std::string::npos);
}

TEST(ParseMail, ReadsPdfAttachmentWithItsFilename) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: with attachment\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n"
      "\n"
      "This is a multi-part message in MIME format.\n"
      "--outer\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "See the receipt attached.\n"
      "--outer\n"
      "Content-Type: application/pdf; name=\"receipt.pdf\"\n"
      "Content-Disposition: attachment; filename=\"receipt.pdf\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n" +
      std::string(kPdfBase64) + "--outer--\n");
  EXPECT_EQ(mail.text, "See the receipt attached.");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "receipt.pdf");
  EXPECT_EQ(mail.attachments[0].media_type, "application/pdf");
  EXPECT_EQ(mail.attachments[0].bytes, kPdf);
}

TEST(ParseMail, DecodesRfc2231ArabicFilename) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: id\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n"
      "\n"
      "--outer\n"
      "Content-Type: text/plain\n"
      "\n"
      "attached\n"
      "--outer\n"
      "Content-Type: application/pdf\n"
      "Content-Disposition: attachment;\n"
      " filename*=UTF-8''%D8%B5%D9%88%D8%B1%D8%A9%20%D8%A7%D9%84%D9%87%D9%88%D9%8A%D8%A9.pdf\n"
      "Content-Transfer-Encoding: base64\n"
      "\n" +
      std::string(kPdfBase64) + "--outer--\n");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "صورة الهوية.pdf");
  EXPECT_EQ(mail.attachments[0].bytes, kPdf);
}

TEST(ParseMail, DropsDirectoriesFromFilenames) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: id\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n"
      "\n"
      "--outer\n"
      "Content-Type: application/pdf\n"
      "Content-Disposition: attachment; filename=\"..\\\\..\\\\windows\\\\evil.pdf\"\n"
      "\n"
      "x\n"
      "--outer--\n");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "evil.pdf");
}

TEST(ParseMail, ReadsNestedMixedWithAlternativeAndInlineImage) {
  const InboundMail mail = Parse(
      "From: =?utf-8?b?2YXYrdmF2K8g2KfZhNi52KrZitio2Yo=?= <m@example.sa>\n"
      "Subject: nested\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"mixed\"\n"
      "\n"
      "--mixed\n"
      "Content-Type: multipart/alternative; boundary=\"alt\"\n"
      "\n"
      "--alt\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: 8bit\n"
      "\n"
      "مرفق الإيصال والصورة.\n"
      "--alt\n"
      "Content-Type: multipart/related; boundary=\"rel\"\n"
      "\n"
      "--rel\n"
      "Content-Type: text/html; charset=utf-8\n"
      "\n"
      "<p>مرفق الإيصال والصورة.</p><img src=\"cid:img1\">\n"
      "--rel\n"
      "Content-Type: image/png\n"
      "Content-ID: <img1>\n"
      "Content-Disposition: inline\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA=\n"
      "--rel--\n"
      "--alt--\n"
      "--mixed\n"
      "Content-Type: application/pdf; name=\"receipt.pdf\"\n"
      "Content-Disposition: attachment; filename=\"receipt.pdf\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n" +
      std::string(kPdfBase64) + "--mixed--\n");
  EXPECT_EQ(mail.from_name, "محمد العتيبي");
  EXPECT_EQ(mail.text, "مرفق الإيصال والصورة.");
  ASSERT_EQ(mail.attachments.size(), 2u);
  EXPECT_EQ(mail.attachments[0].filename, "");
  EXPECT_EQ(mail.attachments[0].media_type, "image/png");
  EXPECT_EQ(mail.attachments[0].bytes.substr(0, 4), "\x89PNG");
  EXPECT_EQ(mail.attachments[1].filename, "receipt.pdf");
  EXPECT_EQ(mail.attachments[1].bytes, kPdf);
}

TEST(ParseMail, JoinsSeveralInlineTextParts) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: apple\n"
      "Content-Type: multipart/mixed; boundary=\"m\"\n"
      "\n"
      "--m\n"
      "Content-Type: text/plain; charset=us-ascii\n"
      "\n"
      "Before the picture.\n"
      "--m\n"
      "Content-Type: image/png; name=\"photo.png\"\n"
      "Content-Disposition: inline; filename=\"photo.png\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA=\n"
      "--m\n"
      "Content-Type: text/plain; charset=us-ascii\n"
      "\n"
      "After the picture.\n"
      "--m--\n");
  EXPECT_EQ(mail.text, "Before the picture.\n\nAfter the picture.");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "photo.png");
}

TEST(ParseMail, KeepsForwardedMessageAsAttachment) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: Fwd: the reply I got\n"
      "Content-Type: multipart/mixed; boundary=\"m\"\n"
      "\n"
      "--m\n"
      "Content-Type: text/plain\n"
      "\n"
      "See below.\n"
      "--m\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "From: office@example.gov.sa\n"
      "Subject: Your request\n"
      "\n"
      "We will call you.\n"
      "--m--\n");
  EXPECT_EQ(mail.text, "See below.");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "Your request.eml");
  EXPECT_EQ(mail.attachments[0].media_type, "message/rfc822");
  EXPECT_NE(mail.attachments[0].bytes.find("We will call you."), std::string::npos);
}

TEST(ParseMail, LeavesOutTheSignatureOfSignedMail) {
  const InboundMail mail = Parse(
      "From: sara@example.sa\n"
      "Subject: signed\n"
      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\n"
      " micalg=sha-256; boundary=\"s\"\n"
      "\n"
      "--s\n"
      "Content-Type: text/plain\n"
      "\n"
      "Signed text.\n"
      "--s\n"
      "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\n"
      "Content-Disposition: attachment; filename=\"smime.p7s\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\n"
      "--s--\n");
  EXPECT_EQ(mail.text, "Signed text.");
  EXPECT_TRUE(mail.attachments.empty());
}

// ---------------------------------------------------------------------------------------------
// Machine mail

struct AutomatedCase {
  const char* header;
  const char* reason;
};

class ParseMailAutomated : public ::testing::TestWithParam<AutomatedCase> {};

TEST_P(ParseMailAutomated, NamesWhyItMustNotBeAnswered) {
  const InboundMail mail = Parse("From: someone@example.sa\nSubject: x\n" +
                                 std::string(GetParam().header) + "\n\nbody\n");
  EXPECT_EQ(mail.automated, GetParam().reason) << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, ParseMailAutomated,
    ::testing::Values(AutomatedCase{"Auto-Submitted: auto-replied", "auto_submitted"},
                      AutomatedCase{"Auto-Submitted: auto-generated; owner-email=x@y.sa",
                                    "auto_submitted"},
                      AutomatedCase{"Precedence: bulk", "precedence"},
                      AutomatedCase{"Precedence: Junk", "precedence"},
                      AutomatedCase{"Precedence: list", "precedence"},
                      AutomatedCase{"Precedence: auto_reply", "precedence"},
                      AutomatedCase{"X-Autoreply: yes", "auto_reply"},
                      AutomatedCase{"X-Autorespond: Out of office", "auto_reply"},
                      AutomatedCase{"X-Auto-Response-Suppress: All", "auto_reply"},
                      AutomatedCase{"X-Auto-Response-Suppress: DR, OOF", "auto_reply"},
                      AutomatedCase{"X-Auto-Response-Suppress: AutoReply", "auto_reply"},
                      AutomatedCase{"List-Id: Residents <residents.example.sa>", "mailing_list"},
                      AutomatedCase{"List-Unsubscribe: <mailto:leave@example.sa>", "mailing_list"},
                      AutomatedCase{"Return-Path: <>", "bounce"}));

TEST(ParseMail, PersonalMailIsNotAutomated) {
  const InboundMail mail = Parse(
      "From: someone@example.sa\n"
      "Subject: x\n"
      "Auto-Submitted: no\n"
      "Precedence: normal\n"
      "X-Auto-Response-Suppress: DR, RN, NRN\n"
      "\n"
      "body\n");
  EXPECT_FALSE(mail.automated.has_value());
}

TEST(ParseMail, RecognisesMultipartReportAsBounce) {
  const InboundMail mail = Parse(
      "From: Mail Delivery System <noreply@mx.example.sa>\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n"
      "\n"
      "--r\n"
      "Content-Type: text/plain\n"
      "\n"
      "I'm sorry to have to inform you that your message could not be delivered.\n"
      "--r\n"
      "Content-Type: message/delivery-status\n"
      "\n"
      "Reporting-MTA: dns; mx.example.sa\n"
      "--r--\n");
  EXPECT_EQ(mail.automated, "bounce");
}

TEST(ParseMail, RecognisesMailerDaemonAndPostmasterAsBounce) {
  EXPECT_EQ(Parse("From: MAILER-DAEMON@mx.example.sa\nSubject: x\n\nbody\n").automated, "bounce");
  EXPECT_EQ(Parse("From: Postmaster <postmaster@example.sa>\nSubject: x\n\nbody\n").automated,
            "bounce");
}

TEST(ParseMail, MessageWithoutFromHasNoSender) {
  const InboundMail mail = Parse("Subject: who am I\nTo: complaints@shakwa.gov.sa\n\nbody\n");
  EXPECT_EQ(mail.from_address, "");
  EXPECT_EQ(mail.automated, "no_sender");
}

TEST(ParseMail, FromWithoutDomainHasNoSender) {
  const InboundMail mail = Parse("From: root\nSubject: cron\n\nbody\n");
  EXPECT_EQ(mail.from_address, "");
  EXPECT_EQ(mail.automated, "no_sender");
}

// ---------------------------------------------------------------------------------------------
// Refusals

TEST(ParseMail, RefusesMessageOverTheLimit) {
  const std::string raw = Crlf("From: a@example.sa\nSubject: big\n\n" + std::string(200, 'x'));
  auto mail = ParseMail(raw, 100);
  ASSERT_FALSE(mail.has_value());
  EXPECT_EQ(mail.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(mail.error().message, MessageId::kMailTooLarge);
  EXPECT_EQ(mail.error().message_param, "100");
  EXPECT_TRUE(ParseMail(raw, raw.size()).has_value());
}

TEST(ParseMail, RefusesGarbage) {
  for (std::string_view garbage : {std::string_view(""), std::string_view("\r\n\r\n"),
                                   std::string_view("this is not an e-mail at all"),
                                   std::string_view("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)}) {
    auto mail = ParseMail(garbage, kLimit);
    ASSERT_FALSE(mail.has_value()) << garbage;
    EXPECT_EQ(mail.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(mail.error().message, MessageId::kMailUnreadable);
    EXPECT_FALSE(mail.error().message_param.empty());
  }
}

TEST(ParseMail, ReadsFromManyThreadsAtOnce) {
  const std::string raw = Crlf(
      "From: =?UTF-8?B?2YXYrdmF2K8g2KfZhNi52KrZitio2Yo=?= <m@example.sa>\n"
      "Subject: =?UTF-8?B?2LTZg9mI2Ykg2KjYrti12YjYtSDYp9mE2KrYo9iu2YrYsQ==?=\n"
      "Content-Type: text/html; charset=windows-1256\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "<p>=C3=D1=CC=E6</p>\n");
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (std::size_t t = 0; t < good.size(); ++t) {
    threads.emplace_back([&raw, &good, t] {
      for (int i = 0; i < 50; ++i) {
        auto mail = ParseMail(raw, kLimit);
        if (mail && mail->subject == "شكوى بخصوص التأخير" && mail->text == "أرجو") ++good[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int count : good) EXPECT_EQ(count, 50);
}

}  // namespace
}  // namespace shakwa::mail
