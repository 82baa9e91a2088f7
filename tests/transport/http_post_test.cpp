#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "transport/sinks.hpp"
#include "transport/transport.hpp"

namespace shakwa::transport {
namespace {

using testing::SharedSinks;
using testing::Sinks;
using Kind = Outcome::Kind;

constexpr std::string_view kToken = "Bearer tok_9f8e7d6c5b4a";
constexpr std::string_view kBody = R"({"event":"case.acknowledged","reference":"C-2025-0001-7"})";

HttpPost Request(std::string url) {
  HttpPost request;
  request.url = std::move(url);
  request.headers = {{"Content-Type", "application/json"},
                     {"Authorization", std::string(kToken)},
                     {"Shakwa-Signature", WebhookSignature("whsec_x", 1700000000, kBody)}};
  request.body = kBody;
  request.timeout = std::chrono::seconds(10);
  return request;
}

void ExpectNoSecret(const Outcome& outcome) {
  EXPECT_EQ(outcome.detail.find("tok_9f8e7d6c5b4a"), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("case.acknowledged"), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("/hooks/"), std::string::npos) << outcome.detail;
}

TEST(Post, AnyTwoHundredIsDelivered) {
  const Sinks& sinks = SharedSinks();
  for (int status : {200, 201, 202, 204}) {
    const Outcome outcome = Post(Request(sinks.http_url("/status/" + std::to_string(status))));
    EXPECT_EQ(outcome.kind, Kind::kDelivered) << status;
    EXPECT_EQ(outcome.code, status);
  }
}

TEST(Post, DeliversHeadersAndBodyAsSent) {
  const Sinks& sinks = SharedSinks();
  const HttpPost request = Request(sinks.http_url("/hooks/shakwa?tenant=1"));
  const Outcome outcome = Post(request);
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  EXPECT_EQ(outcome.code, 200);

  const auto requests = sinks.RequestsTo("/hooks/shakwa?tenant=1");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].at("path").as_string(), "/hooks/shakwa?tenant=1");
  EXPECT_EQ(requests[0].at("body").as_string(), kBody);
  const auto& headers = requests[0].at("headers").as_object();
  EXPECT_EQ(headers.at("content-type").as_string(), "application/json");
  EXPECT_EQ(headers.at("authorization").as_string(), kToken);
  EXPECT_EQ(headers.at("shakwa-signature").as_string(),
            WebhookSignature("whsec_x", 1700000000, kBody));
  EXPECT_EQ(headers.at("content-length").as_string(), std::to_string(kBody.size()));
  EXPECT_FALSE(headers.contains("expect"));
}

TEST(Post, SendsNoContentTypeUnlessGivenOne) {
  const Sinks& sinks = SharedSinks();
  HttpPost request;
  request.url = sinks.http_url("/plain");
  request.body = "x=1";
  const Outcome outcome = Post(request);
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  const auto requests = sinks.RequestsTo("/plain");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].at("headers").as_object().contains("content-type"));
}

TEST(Post, DeliversALargeBodyWithoutWaitingForContinue) {
  const Sinks& sinks = SharedSinks();
  HttpPost request = Request(sinks.http_url("/large"));
  request.body = std::string(std::size_t{2} * 1024 * 1024, 'a');
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = Post(request);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  ASSERT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  EXPECT_EQ(sinks.RequestsTo("/large").at(0).at("body").as_string().size(), request.body.size());
}

// Only the status matters; a receiver that keeps talking must not hold the sender until the
// timeout (and turn a delivery into a failure).
TEST(Post, ReadsOnlyALittleOfTheResponse) {
  HttpPost request = Request(SharedSinks().http_url("/endless"));
  request.timeout = std::chrono::seconds(5);
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = Post(request);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(outcome.kind, Kind::kDelivered) << outcome.detail;
  EXPECT_EQ(outcome.code, 200);
}

TEST(Post, ServiceUnavailableIsTransient) {
  // The sink answers the first POST 503, and the next 200: the retry a transient failure asks for.
  Sinks sinks({.fail_status = 503, .fail_count = 1});
  const HttpPost request = Request(sinks.http_url("/hooks/shakwa"));
  const Outcome first = Post(request);
  EXPECT_EQ(first.kind, Kind::kTransient) << first.detail;
  EXPECT_EQ(first.code, 503);
  ExpectNoSecret(first);
  const Outcome retry = Post(request);
  EXPECT_EQ(retry.kind, Kind::kDelivered) << retry.detail;
}

TEST(Post, TooManyRequestsAndRequestTimeoutAreTransient) {
  const Sinks& sinks = SharedSinks();
  for (int status : {408, 425, 429, 500, 502, 504}) {
    const Outcome outcome = Post(Request(sinks.http_url("/status/" + std::to_string(status))));
    EXPECT_EQ(outcome.kind, Kind::kTransient) << status;
    EXPECT_EQ(outcome.code, status);
  }
}

TEST(Post, OtherClientErrorsArePermanent) {
  const Sinks& sinks = SharedSinks();
  for (int status : {400, 401, 403, 404, 410, 413, 422}) {
    const Outcome outcome = Post(Request(sinks.http_url("/status/" + std::to_string(status))));
    EXPECT_EQ(outcome.kind, Kind::kPermanent) << status;
    EXPECT_EQ(outcome.code, status);
    ExpectNoSecret(outcome);
  }
}

TEST(Post, DoesNotFollowARedirect) {
  const Sinks& sinks = SharedSinks();
  for (int status : {301, 302, 307, 308}) {
    const Outcome outcome = Post(Request(sinks.http_url("/status/" + std::to_string(status))));
    EXPECT_EQ(outcome.kind, Kind::kPermanent) << outcome.detail;
    EXPECT_EQ(outcome.code, status);
  }
  EXPECT_TRUE(sinks.RequestsTo("/moved").empty());
}

TEST(Post, UnreachableReceiverIsTransient) {
  const Outcome outcome =
      Post(Request("http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/hooks/shakwa"));
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_EQ(outcome.code, 0);
  EXPECT_FALSE(outcome.detail.empty());
  ExpectNoSecret(outcome);
}

TEST(Post, ReceiverThatNeverAnswersIsTransientAtTheTimeout) {
  Sinks sinks({.hold = 1});
  HttpPost request = Request(sinks.http_url("/hooks/shakwa"));
  request.timeout = std::chrono::milliseconds(400);
  const auto start = std::chrono::steady_clock::now();
  const Outcome outcome = Post(request);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(outcome.kind, Kind::kTransient) << outcome.detail;
  EXPECT_GE(elapsed, std::chrono::milliseconds(350));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  ExpectNoSecret(outcome);
  // The receiver had it all the same: delivery is at-least-once.
  ASSERT_EQ(sinks.Requests().size(), 1u);
  EXPECT_TRUE(sinks.Requests()[0].at("status").is_null());
}

TEST(Post, UrlsThatCanNeverWorkArePermanent) {
  for (const std::string url : {"", "hooks.example.sa/x", "ftp://127.0.0.1/x", "file:///etc/passwd",
                                "http://[::1/x", "http://exa mple.sa/"}) {
    const Outcome outcome = Post(Request(url));
    EXPECT_EQ(outcome.kind, Kind::kPermanent) << url << ": " << outcome.detail;
    ExpectNoSecret(outcome);
  }
}

TEST(Post, HeadersThatCouldInjectArePermanentAndSendNothing) {
  const Sinks& sinks = SharedSinks();
  HttpPost request = Request(sinks.http_url("/injected"));
  request.headers.emplace_back("X-Case", "1\r\nX-Injected: yes");
  EXPECT_EQ(Post(request).kind, Kind::kPermanent);
  request.headers.back() = {"X Case", "1"};
  EXPECT_EQ(Post(request).kind, Kind::kPermanent);
  request.headers.back() = {"", "1"};
  EXPECT_EQ(Post(request).kind, Kind::kPermanent);
  EXPECT_TRUE(sinks.RequestsTo("/injected").empty());
}

}  // namespace
}  // namespace shakwa::transport
