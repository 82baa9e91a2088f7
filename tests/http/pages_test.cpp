// The pages' own machinery: the words every template uses exist in both languages, forms are read
// as browsers send them, the CSRF check, and values are escaped once. The pages as people use them
// are tested in a real browser (tests/e2e/).
#include <gtest/gtest.h>

#include <set>

#include "http/pages/support.hpp"

namespace shakwa::http::pages {
namespace {

Request Post(std::string content_type, std::string body) {
  Request r;
  r.method = Method::kPost;
  r.headers.emplace_back("content-type", std::move(content_type));
  r.headers.emplace_back("host", "portal.example");
  r.body = std::move(body);
  return r;
}

TEST(PagesWords, EveryWordATemplateUsesExistsInArabicAndEnglish) {
  const std::vector<std::string> missing = MissingWords();
  std::string list;
  for (const auto& m : missing) list += m + "\n";
  EXPECT_TRUE(missing.empty()) << list;
  // And the check looks at something: the layout's words are there.
  EXPECT_EQ(Word(Language::kArabic, "skip_to_content"), "انتقل إلى المحتوى");
  EXPECT_EQ(Word(Language::kEnglish, "skip_to_content"), "Skip to content");
  EXPECT_EQ(Word(Language::kEnglish, "no_such_word"), "no_such_word");
}

TEST(PagesWords, ArabicAndEnglishHaveTheSameKeys) {
  // Every word file pairs with its other language, and both say the same set of things.
  std::set<std::string> arabic_files;
  std::set<std::string> english_files;
  for (const auto& [file, bytes] : EmbeddedFiles()) {
    const std::string name(file);
    if (name.ends_with("ar.json")) arabic_files.insert(name.substr(0, name.size() - 7));
    if (name.ends_with("en.json")) english_files.insert(name.substr(0, name.size() - 7));
  }
  EXPECT_FALSE(arabic_files.empty());
  EXPECT_EQ(arabic_files, english_files);
}

TEST(PagesWords, TheAssetsAreEmbedded) {
  EXPECT_FALSE(EmbeddedFile("templates/layout.mustache").empty());
  EXPECT_FALSE(EmbeddedFile("static/shakwa.css").empty());
  EXPECT_FALSE(EmbeddedFile("static/shakwa.js").empty());
  // The font from npm: a WOFF2 file starts with "wOF2".
  EXPECT_EQ(EmbeddedFile("static/fonts/plex-arabic-arabic-400.woff2").substr(0, 4), "wOF2");
  EXPECT_TRUE(EmbeddedFile("static/nothing.css").empty());
}

TEST(PagesForm, ReadsUrlEncodedFieldsAsBrowsersSendThem) {
  auto form =
      ReadForm(Post("application/x-www-form-urlencoded; charset=UTF-8",
                    "subject=late+payment%21&name=%D8%B3%D8%A7%D8%B1%D8%A9&empty=&a=1&a=2"));
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->Get("subject"), "late payment!");
  EXPECT_EQ(form->Get("name"), "سارة");
  EXPECT_TRUE(form->Has("empty"));
  EXPECT_EQ(form->Get("empty"), "");
  EXPECT_FALSE(form->Has("absent"));
  EXPECT_EQ(form->All("a"), (std::vector<std::string>{"1", "2"}));
}

TEST(PagesForm, RefusesTextThatIsNotUtf8AndOtherMediaTypes) {
  auto bad = ReadForm(Post("application/x-www-form-urlencoded", "name=%FF%FE"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, domain::ErrorCode::kMalformedRequest);
  auto json = ReadForm(Post("application/json", "{}"));
  ASSERT_FALSE(json.has_value());
  EXPECT_EQ(json.error().code, domain::ErrorCode::kUnsupportedMediaType);
}

TEST(PagesForm, ReadsMultipartFieldsAndFilesAndDropsAnEmptyFileInput) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nتأخر\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n\r\n"
      "--b--\r\n";
  auto form = ReadForm(Post("multipart/form-data; boundary=b", body));
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->Get("subject"), "تأخر");
  ASSERT_EQ(form->files.size(), 1u);
  EXPECT_EQ(*form->files[0].filename, "a.pdf");
  EXPECT_EQ(form->files[0].data, "%PDF-1.4");
}

TEST(PagesCsrf, TheFormsTokenMustBeThisBrowsersCookieAndTheOriginThisSite) {
  const std::string token(64, 'a');
  const std::string other(64, 'b');
  Form form;
  form.fields.emplace_back("csrf", token);

  Request same = Post("application/x-www-form-urlencoded", "");
  same.headers.emplace_back("cookie", "x=1; shakwa_csrf=" + token + "; y=2");
  EXPECT_TRUE(CsrfValid(same, form));

  same.headers.emplace_back("origin", "https://portal.example");
  EXPECT_TRUE(CsrfValid(same, form));

  Request cross = same;
  cross.headers.back().second = "https://evil.example";
  EXPECT_FALSE(CsrfValid(cross, form));

  Request wrong = Post("application/x-www-form-urlencoded", "");
  wrong.headers.emplace_back("cookie", "shakwa_csrf=" + other);
  EXPECT_FALSE(CsrfValid(wrong, form));

  Request none = Post("application/x-www-form-urlencoded", "");
  EXPECT_FALSE(CsrfValid(none, form));
  // An empty token never matches an empty cookie.
  Request empty = Post("application/x-www-form-urlencoded", "");
  empty.headers.emplace_back("cookie", "shakwa_csrf=");
  EXPECT_FALSE(CsrfValid(empty, Form{}));
}

TEST(PagesRender, EscapesValuesOnceAndSetsLanguageDirectionAndSecurityHeaders) {
  PageContext ctx;
  ctx.language = Language::kEnglish;
  ctx.csrf = std::string(64, 'c');
  ctx.path = "/x";
  const Response r = ErrorPage(ctx, 404, "<script>alert(1)</script> & more");
  EXPECT_EQ(r.status, 404u);
  EXPECT_NE(r.body.find("<html lang=\"en\" dir=\"ltr\">"), std::string::npos);
  EXPECT_EQ(r.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
  bool csp = false;
  bool frames = false;
  for (const auto& [name, value] : r.headers) {
    if (name == "Content-Security-Policy") {
      csp = value.find("script-src 'self'") != std::string::npos &&
            value.find("unsafe-inline") == std::string::npos &&
            value.find("frame-ancestors 'none'") != std::string::npos;
    }
    if (name == "X-Frame-Options") frames = value == "DENY";
  }
  EXPECT_TRUE(csp);
  EXPECT_TRUE(frames);

  ctx.language = Language::kArabic;
  const Response ar = ErrorPage(ctx, 403, "مرفوض");
  EXPECT_NE(ar.body.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  // The switch leads to the same page in English.
  EXPECT_NE(ar.body.find("href=\"/x?lang=en\""), std::string::npos);
}

TEST(PagesErrors, FieldErrorsGoToTheSummaryAndNextToTheirField) {
  domain::Error error =
      domain::Error::Of(domain::ErrorCode::kInvalidInput, domain::MessageId::kValidationFailed);
  error.fields.push_back({"beneficiary.email", domain::MessageId::kInvalidEmail, {}});
  error.fields.push_back({"related_transactions[0].number", domain::MessageId::kRequired, {}});
  mustache::data data{mustache::data::type::object};
  PutErrors(data, error, Language::kEnglish);
  mustache::mustache tmpl{
      std::string("{{#error_summary}}{{message}}|{{#items}}{{id}}={{message}};{{/items}}"
                  "{{/error_summary}}|{{e.beneficiary_email}}")};
  const std::string out = tmpl.render(data);
  EXPECT_NE(out.find("beneficiary_email="), std::string::npos) << out;
  EXPECT_NE(out.find("related_transactions_0_number="), std::string::npos) << out;
  EXPECT_NE(out.find("|" + domain::Message(domain::MessageId::kInvalidEmail, Language::kEnglish)),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace shakwa::http::pages
