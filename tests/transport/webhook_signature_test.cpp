#include <gtest/gtest.h>

#include <string>

#include "transport/transport.hpp"

namespace shakwa::transport {
namespace {

constexpr std::string_view kSecret = "whsec_shakwa";
constexpr std::string_view kBody = R"({"event":"case.acknowledged"})";
constexpr std::int64_t kSignedAt = 1700000000;
constexpr std::int64_t kTolerance = 300;

TEST(WebhookSignature, MatchesHmacSha256OfTimestampDotBody) {
  // Expected values from Python's hmac module, an implementation independent of libsodium.
  EXPECT_EQ(WebhookSignature(kSecret, kSignedAt, kBody),
            "t=1700000000,v1=f9f9f75055cd2c9468843f3c54bc30bcad1679a7508c3b39166cbe6958eef50b");
  // A key longer than SHA-256's block is hashed first, as HMAC specifies.
  EXPECT_EQ(WebhookSignature(std::string(100, 'k'), 0, ""),
            "t=0,v1=243c2f8200e1d4ee892e7a7ded377a65e2beb1c64b997c54b8b0f516216d4b0f");
}

TEST(VerifyWebhookSignature, AcceptsItsOwnSignatureWithinTolerance) {
  const std::string header = WebhookSignature(kSecret, kSignedAt, kBody);
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody, kSignedAt, kTolerance));
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody, kSignedAt + kTolerance, kTolerance));
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody, kSignedAt - kTolerance, kTolerance));
}

TEST(VerifyWebhookSignature, RefusesAChangedBody) {
  const std::string header = WebhookSignature(kSecret, kSignedAt, kBody);
  EXPECT_FALSE(
      VerifyWebhookSignature(kSecret, header, R"({"event":"case.closed"})", kSignedAt, kTolerance));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, header, "", kSignedAt, kTolerance));
}

TEST(VerifyWebhookSignature, RefusesAnotherSecret) {
  const std::string header = WebhookSignature(kSecret, kSignedAt, kBody);
  EXPECT_FALSE(VerifyWebhookSignature("whsec_other", header, kBody, kSignedAt, kTolerance));
  EXPECT_FALSE(VerifyWebhookSignature("", header, kBody, kSignedAt, kTolerance));
}

TEST(VerifyWebhookSignature, RefusesTimestampsOutsideTolerance) {
  const std::string header = WebhookSignature(kSecret, kSignedAt, kBody);
  // A replay, long after.
  EXPECT_FALSE(
      VerifyWebhookSignature(kSecret, header, kBody, kSignedAt + kTolerance + 1, kTolerance));
  // Signed "in the future": a sender's clock far ahead, or a timestamp forged to last.
  EXPECT_FALSE(
      VerifyWebhookSignature(kSecret, header, kBody, kSignedAt - kTolerance - 1, kTolerance));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, header, kBody, kSignedAt, -1));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, header, kBody, INT64_MIN, kTolerance));
}

TEST(VerifyWebhookSignature, RefusesATimestampChangedToLookFresh) {
  const std::string header = WebhookSignature(kSecret, kSignedAt, kBody);
  const std::string mac = header.substr(header.find(",v1="));
  const std::int64_t now = kSignedAt + 3600;
  EXPECT_FALSE(
      VerifyWebhookSignature(kSecret, "t=" + std::to_string(now) + mac, kBody, now, kTolerance));
}

TEST(VerifyWebhookSignature, RefusesMalformedHeaders) {
  const std::string good = WebhookSignature(kSecret, kSignedAt, kBody);
  const std::string hex = good.substr(good.find("v1=") + 3);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& header : {
           std::string(),
           "v1=" + hex,                            // no timestamp
           std::string("t=1700000000"),            // no signature
           "t=1700000000,v1=" + hex.substr(2),     // short
           "t=1700000000,v1=" + upper,             // upper-case hex
           "t=+1700000000,v1=" + hex,              // not the text signed
           "t=01700000000,v1=" + hex,              // likewise
           "t=1700000000,t=1700000000,v1=" + hex,  // two timestamps
           "t=1700000000,garbage,v1=" + hex,       // an element without '='
           "t=1700000000 ,v1=" + hex,              // spaces are not ours
           "t=99999999999999999999999,v1=" + hex,  // overflows
       }) {
    EXPECT_FALSE(VerifyWebhookSignature(kSecret, header, kBody, kSignedAt, kTolerance)) << header;
  }
}

TEST(VerifyWebhookSignature, AcceptsAnyOfSeveralSignaturesAndIgnoresOtherSchemes) {
  const std::string good = WebhookSignature(kSecret, kSignedAt, kBody);
  const std::string other = WebhookSignature("whsec_old", kSignedAt, kBody);
  const std::string hex = good.substr(good.find("v1=") + 3);
  const std::string other_hex = other.substr(other.find("v1=") + 3);
  EXPECT_TRUE(VerifyWebhookSignature(kSecret,
                                     "t=1700000000,v1=" + other_hex + ",v1=" + hex + ",v0=legacy",
                                     kBody, kSignedAt, kTolerance));
  EXPECT_FALSE(
      VerifyWebhookSignature(kSecret, "t=1700000000,v0=" + hex, kBody, kSignedAt, kTolerance));
}

}  // namespace
}  // namespace shakwa::transport
