#include "http/router.hpp"

#include <gtest/gtest.h>

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
