#include "http/router.hpp"

#include <gtest/gtest.h>

#include "http/api/access.hpp"

namespace shakwa::http {
namespace {

Handler Named(std::string* called, std::string name) {
  return [called, name](const Request&, Respond) { *called = name; };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  std::string called;
  Router router;
  router.Add(Method::kGet, "/api/v1/cases/{reference}", Named(&called, "view"));
  router.Add(Method::kPost, "/api/v1/cases", Named(&called, "submit"));
  auto match = router.Find(Method::kGet, "/api/v1/cases/C-2026-000001-5");
  ASSERT_NE(match.handler, nullptr);
  (*match.handler)(Request{}, nullptr);
  EXPECT_EQ(called, "view");
  EXPECT_EQ(match.params.at("reference"), "C-2026-000001-5");
  EXPECT_NE(router.Find(Method::kPost, "/api/v1/cases").handler, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/cases/a/b").handler, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/nowhere").handler, nullptr);
}

TEST(Router, PercentDecodesParameters) {
  std::string called;
  Router router;
  router.Add(Method::kGet, "/cases/{reference}", Named(&called, "view"));
  const auto match = router.Find(Method::kGet, "/cases/C-%D9%A2%D9%A0");
  EXPECT_EQ(match.params.at("reference"), "C-٢٠");
}

TEST(Router, NamesTheAllowedMethodsWhenOnlyTheMethodIsWrong) {
  std::string called;
  Router router;
  router.Add(Method::kPost, "/api/v1/cases", Named(&called, "submit"));
  const auto match = router.Find(Method::kDelete, "/api/v1/cases");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.allowed, "POST");
  EXPECT_TRUE(router.Find(Method::kDelete, "/elsewhere").allowed.empty());
}

TEST(Router, AnswersHeadWithTheGetHandler) {
  std::string called;
  Router router;
  router.Add(Method::kGet, "/healthz", Named(&called, "health"));
  EXPECT_NE(router.Find(Method::kHead, "/healthz").handler, nullptr);
}

// The router takes the first route that matches, so a parameter segment registered earlier
// could swallow a literal one registered later. Each endpoint of the access table, routed as
// AddRoutes routes them, reaches its own handler and binds its own parameters.
TEST(Router, EveryEndpointOfTheAccessTableReachesItsOwnHandler) {
  std::string called;
  Router router;
  for (const api::Endpoint& e : api::Endpoints()) {
    router.Add(e.method, e.pattern,
               Named(&called, std::string(NameOf(e.method)) + " " + std::string(e.pattern)));
  }
  for (const api::Endpoint& e : api::Endpoints()) {
    const std::string name = std::string(NameOf(e.method)) + " " + std::string(e.pattern);
    std::string path(e.pattern);
    std::map<std::string, std::string, std::less<>> expected;
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      const auto close = path.find('}', open);
      const std::string param = path.substr(open + 1, close - open - 1);
      const std::string value = "v" + std::to_string(expected.size() + 7);
      expected[param] = value;
      path.replace(open, close - open + 1, value);
    }
    const auto match = router.Find(e.method, path);
    ASSERT_NE(match.handler, nullptr) << name;
    called.clear();
    (*match.handler)(Request{}, nullptr);
    EXPECT_EQ(called, name) << path;
    EXPECT_EQ(match.params, expected) << name;
  }
}

TEST(Router, IgnoresEmptySegmentsAndATrailingSlash) {
  std::string called;
  Router router;
  router.Add(Method::kGet, "/api/v1/cases", Named(&called, "list"));
  EXPECT_NE(router.Find(Method::kGet, "/api/v1/cases/").handler, nullptr);
  EXPECT_NE(router.Find(Method::kGet, "//api//v1/cases").handler, nullptr);
}

TEST(Router, NamesEveryAllowedMethodInRegistrationOrder) {
  std::string called;
  Router router;
  router.Add(Method::kPost, "/api/v1/cases", Named(&called, "submit"));
  router.Add(Method::kGet, "/api/v1/cases", Named(&called, "list"));
  EXPECT_EQ(router.Find(Method::kPatch, "/api/v1/cases").allowed, "POST, GET");
  EXPECT_EQ(router.Find(Method::kHead, "/api/v1/cases").handler,
            router.Find(Method::kGet, "/api/v1/cases").handler);
}

TEST(NegotiateLanguage, PrefersArabicUnlessEnglishIsAskedForFirst) {
  using domain::Language;
  EXPECT_EQ(NegotiateLanguage(""), Language::kArabic);
  EXPECT_EQ(NegotiateLanguage("en"), Language::kEnglish);
  EXPECT_EQ(NegotiateLanguage("en-GB,en;q=0.9"), Language::kEnglish);
  EXPECT_EQ(NegotiateLanguage("ar-SA,ar;q=0.9,en;q=0.8"), Language::kArabic);
  EXPECT_EQ(NegotiateLanguage("fr, en;q=0.5, ar;q=0.7"), Language::kArabic);
  EXPECT_EQ(NegotiateLanguage("fr, ar;q=0.2, en;q=0.7"), Language::kEnglish);
  EXPECT_EQ(NegotiateLanguage("de"), Language::kArabic);
}

}  // namespace
}  // namespace shakwa::http
