#include "transport/easy.hpp"

#include <gtest/gtest.h>

namespace shakwa::transport::internal {
namespace {

using Secrets = std::vector<std::string_view>;

TEST(Redact, MasksEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(Redact("pw=hunter2 again hunter2; token abc", {"hunter2", "abc", ""}),
            "pw=*** again ***; token ***");
  EXPECT_EQ(Redact("nothing here", {"hunter2"}), "nothing here");
  // A secret inside the mask itself does not loop for ever.
  EXPECT_EQ(Redact("a*b", {"*"}), "a***b");
}

TEST(UrlSecrets, FindsTheUserInformationAndALongPath) {
  EXPECT_EQ(UrlSecrets("smtp://shakwa:pa55@mail.example.sa:587"), (Secrets{"shakwa:pa55"}));
  EXPECT_EQ(UrlSecrets("https://hooks.example.sa/services/T0/B0/XyZ?x=1"),
            (Secrets{"/services/T0/B0/XyZ?x=1"}));
  EXPECT_EQ(UrlSecrets("https://u@hooks.example.sa/token-1234"), (Secrets{"u", "/token-1234"}));
  EXPECT_EQ(UrlSecrets("https://hooks.example.sa/x"), Secrets{});
  EXPECT_EQ(UrlSecrets("smtp://mail.example.sa:25"), Secrets{});
  EXPECT_EQ(UrlSecrets("not a url"), Secrets{});
}

TEST(KindOfFailure, OnlyARequestThatCanNeverBeMadeIsPermanent) {
  EXPECT_EQ(KindOfFailure(CURLE_OK), Outcome::Kind::kDelivered);
  for (CURLcode code : {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL}) {
    EXPECT_EQ(KindOfFailure(code), Outcome::Kind::kPermanent) << curl_easy_strerror(code);
  }
  for (CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT,
                        CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_LOGIN_DENIED,
                        CURLE_USE_SSL_FAILED, CURLE_PEER_FAILED_VERIFICATION,
                        CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_OUT_OF_MEMORY}) {
    EXPECT_EQ(KindOfFailure(code), Outcome::Kind::kTransient) << curl_easy_strerror(code);
  }
}

TEST(BreaksLine, FindsCarriageReturnsLineFeedsAndNuls) {
  EXPECT_FALSE(BreaksLine("t=1,v1=ab"));
  EXPECT_TRUE(BreaksLine("a\rb"));
  EXPECT_TRUE(BreaksLine("a\nb"));
  EXPECT_TRUE(BreaksLine(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace shakwa::transport::internal
