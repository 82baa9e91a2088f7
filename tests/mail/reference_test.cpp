#include <gtest/gtest.h>

#include <string>

#include "mail/mail.hpp"
#include "mail/sample_mail.hpp"

namespace shakwa::mail {
namespace {

using testing::SampleReference;

// ---------------------------------------------------------------------------------------------
// FindReference

InboundMail WithSubject(std::string subject) {
  InboundMail mail;
  mail.subject = std::move(subject);
  return mail;
}

TEST(FindReference, FindsBracketedReferenceInSubject) {
  const std::string reference = SampleReference().ToString();
  EXPECT_EQ(FindReference(WithSubject("Re: [" + reference + "] Your complaint")),
            SampleReference());
}

TEST(FindReference, FindsBareReferenceInSubject) {
  const std::string reference = SampleReference().ToString();
  EXPECT_EQ(FindReference(WithSubject("بخصوص الشكوى " + reference + "، شكرا")), SampleReference());
  EXPECT_EQ(FindReference(WithSubject("ref:" + reference)), SampleReference());
}

TEST(FindReference, FindsReferenceWrittenInArabicIndicDigits) {
  std::string arabic;
  for (char c : SampleReference().ToString()) {
    if (c >= '0' && c <= '9') {
      // U+0660 + digit, in UTF-8: D9 A0+digit.
      arabic += '\xD9';
      arabic += static_cast<char>(0xA0 + (c - '0'));
    } else {
      arabic += c;
    }
  }
  EXPECT_EQ(FindReference(WithSubject("رد: " + arabic)), SampleReference());
}

TEST(FindReference, IgnoresReferenceWithWrongCheckDigit) {
  std::string wrong = SampleReference().ToString();
  wrong.back() = wrong.back() == '9' ? '0' : static_cast<char>(wrong.back() + 1);
  EXPECT_EQ(FindReference(WithSubject("Re: [" + wrong + "]")), std::nullopt);
}

TEST(FindReference, IgnoresReferenceGluedInsideAWord) {
  const std::string reference = SampleReference().ToString();
  EXPECT_EQ(FindReference(WithSubject("ABC" + reference)), std::nullopt);
  EXPECT_EQ(FindReference(WithSubject(reference + "7")), std::nullopt);
}

TEST(FindReference, FallsBackToShakwaMessageIdInThread) {
  InboundMail mail = WithSubject("Re: your message");
  mail.thread_ids = {"CAF1@mail.gmail.com",
                     MessageIdFor(SampleReference(), "ack", "shakwa.gov.sa")};
  EXPECT_EQ(FindReference(mail), SampleReference());
}

TEST(FindReference, PrefersSubjectOverThread) {
  const domain::Reference other{'S', 2025, 77, 6};
  InboundMail mail = WithSubject("Re: " + other.ToString());
  mail.thread_ids = {MessageIdFor(SampleReference(), "ack", "shakwa.gov.sa")};
  EXPECT_EQ(FindReference(mail), other);
}

TEST(FindReference, FindsNothingInUnrelatedMail) {
  InboundMail mail = WithSubject("Complaint about C-wing parking");
  mail.thread_ids = {"shakwa.nonsense@x.sa", "abc@example.sa"};
  EXPECT_EQ(FindReference(mail), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// MessageIdFor

TEST(MessageIdFor, IsStableAndNamesTheCase) {
  const std::string id = MessageIdFor(SampleReference(), "acknowledgement", "shakwa.gov.sa");
  EXPECT_EQ(id, MessageIdFor(SampleReference(), "acknowledgement", "shakwa.gov.sa"));
  EXPECT_EQ(id.rfind("shakwa." + SampleReference().ToString() + ".", 0), 0u);
  EXPECT_EQ(id.substr(id.size() - 14), "@shakwa.gov.sa");
  const std::string hash = id.substr(("shakwa." + SampleReference().ToString() + ".").size(), 16);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(id, MessageIdFor(SampleReference(), "resolution", "shakwa.gov.sa"));
  EXPECT_NE(id,
            MessageIdFor(domain::Reference{'C', 2026, 124, 6}, "acknowledgement", "shakwa.gov.sa"));
}

TEST(MessageIdFor, HashesTheKeyWithSha256) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
  EXPECT_EQ(MessageIdFor(SampleReference(), "abc", "x.sa"),
            "shakwa." + SampleReference().ToString() + ".ba7816bf8f01cfea@x.sa");
}

}  // namespace
}  // namespace shakwa::mail
