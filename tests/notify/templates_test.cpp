#include "notify/templates.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace shakwa::notify {
namespace {

using domain::ErrorCode;
using domain::Language;
using domain::MessageId;

constexpr const char* kData = R"({
  "centre": "Centre",
  "reference": "C-2026-000123-4",
  "name": "Huda",
  "case_subject": "Late payment",
  "kind": "complaint",
  "status": "in progress",
  "track_url": "https://shakwa.example.sa/track",
  "guide_url": "https://shakwa.example.sa/guide",
  "case_url": "https://shakwa.example.sa/staff/cases/1",
  "staff_name": "Omar",
  "message": "Please send the invoice number.",
  "priority": "high",
  "resolution_by": "Thursday 5 February 2026"
})";

std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

TEST(Part, NamesRoundTrip) {
  for (const Part part : {Part::kSubject, Part::kText, Part::kSms}) {
    EXPECT_EQ(PartFromName(NameOf(part)), part);
  }
  EXPECT_EQ(NameOf(Part::kSms), "sms");
  EXPECT_FALSE(PartFromName("html").has_value());
}

TEST(Templates, SetRefusesAnUnknownName) {
  Templates templates = Templates::Defaults();
  const domain::Status s = templates.Set("welcome", Language::kArabic, Part::kText, "hello");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error().message, MessageId::kTemplateUnknown);
  ASSERT_EQ(s.error().fields.size(), 1u);
  EXPECT_EQ(s.error().fields[0].path, "name");
  EXPECT_EQ(s.error().fields[0].message, MessageId::kTemplateUnknown);
}

TEST(Templates, SetRefusesAnUnclosedSectionWithKainjowsReason) {
  Templates templates = Templates::Defaults();
  const std::string before = templates.Get("progress", Language::kEnglish, Part::kText);
  const domain::Status s =
      templates.Set("progress", Language::kEnglish, Part::kText, "{{#message}}{{message}}");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error().message, MessageId::kTemplateSyntax);
  EXPECT_NE(s.error().message_param.find("Unclosed section"), std::string::npos)
      << s.error().message_param;
  ASSERT_EQ(s.error().fields.size(), 1u);
  EXPECT_EQ(s.error().fields[0].path, "body");
  EXPECT_EQ(templates.Get("progress", Language::kEnglish, Part::kText), before);
}

TEST(Templates, SetRefusesAnUnclosedTag) {
  Templates templates = Templates::Defaults();
  const domain::Status s = templates.Set("progress", Language::kArabic, Part::kSms, "{{status");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, MessageId::kTemplateSyntax);
}

TEST(Templates, SetRefusesPartialsAndDelimiterChanges) {
  Templates templates = Templates::Defaults();
  EXPECT_FALSE(templates.Set("progress", Language::kArabic, Part::kText, "{{> message}}").ok());
  EXPECT_FALSE(
      templates.Set("progress", Language::kArabic, Part::kText, "{{=<% %>=}}<% status %>").ok());
}

TEST(Templates, SetRefusesASubjectWithALineBreak) {
  Templates templates = Templates::Defaults();
  for (const char* body : {"[{{reference}}]\nBcc: x", "[{{reference}}]\r"}) {
    const domain::Status s = templates.Set("progress", Language::kEnglish, Part::kSubject, body);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, MessageId::kTemplateSyntax);
    EXPECT_EQ(s.error().fields.at(0).path, "body");
  }
  // A line break is fine in the text.
  EXPECT_TRUE(templates.Set("progress", Language::kEnglish, Part::kText, "a\nb").ok());
}

TEST(Templates, SetRefusesAPartOverItsLimit) {
  Templates templates = Templates::Defaults();
  EXPECT_TRUE(
      templates
          .Set("progress", Language::kEnglish, Part::kSubject, std::string(kMaxSubjectBytes, 'a'))
          .ok());
  EXPECT_FALSE(templates
                   .Set("progress", Language::kEnglish, Part::kSubject,
                        std::string(kMaxSubjectBytes + 1, 'a'))
                   .ok());
  EXPECT_FALSE(
      templates.Set("progress", Language::kEnglish, Part::kSms, std::string(kMaxSmsBytes + 1, 'a'))
          .ok());
  const domain::Status s = templates.Set("progress", Language::kEnglish, Part::kText,
                                         std::string(kMaxTextBytes + 1, 'a'));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, MessageId::kTemplateSyntax);
  EXPECT_NE(s.error().message_param.find("20000"), std::string::npos);
}

TEST(Templates, AGoodSetChangesTheRenderingOfThatLanguageOnly) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(
      templates
          .Set("progress", Language::kEnglish, Part::kSubject, "[{{reference}}] News: {{status}}")
          .ok());
  EXPECT_EQ(templates.Get("progress", Language::kEnglish, Part::kSubject),
            "[{{reference}}] News: {{status}}");
  const auto en = templates.Render("progress", Language::kEnglish, kData);
  ASSERT_TRUE(en.has_value());
  EXPECT_EQ(en->subject, "[C-2026-000123-4] News: in progress");
  const auto ar = templates.Render("progress", Language::kArabic, kData);
  ASSERT_TRUE(ar.has_value());
  EXPECT_NE(ar->subject.find("مستجدات"), std::string::npos);
}

TEST(Templates, GetOfAnUnknownNameIsEmpty) {
  EXPECT_EQ(Templates::Defaults().Get("nope", Language::kArabic, Part::kText), "");
}

TEST(Templates, RenderRefusesAnUnknownName) {
  const auto r = Templates::Defaults().Render("nope", Language::kArabic, kData);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, MessageId::kTemplateUnknown);
  EXPECT_EQ(r.error().message_param, "nope");
}

TEST(Templates, RenderRefusesDataThatIsNotAJsonObject) {
  const Templates templates = Templates::Defaults();
  const auto bad = templates.Render("progress", Language::kArabic, "{\"reference\":");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kMalformedRequest);
  EXPECT_EQ(bad.error().message, MessageId::kMalformedJson);
  const auto array = templates.Render("progress", Language::kArabic, "[1]");
  ASSERT_FALSE(array.has_value());
  EXPECT_EQ(array.error().message, MessageId::kBodyNotObject);
}

TEST(Templates, ValuesAreNotEscapedInTextButEscapedOnceInHtml) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(
      templates.Set("progress", Language::kEnglish, Part::kText, "About: {{case_subject}}").ok());
  const auto r = templates.Render("progress", Language::kEnglish,
                                  R"({"reference":"R","case_subject":"<b>\"Tom & Jerry's\"</b>"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "About: <b>\"Tom & Jerry's\"</b>");
  EXPECT_NE(r->html.find("About: &lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;"),
            std::string::npos)
      << r->html;
  EXPECT_EQ(r->html.find("&amp;lt;"), std::string::npos);
  EXPECT_EQ(r->html.find("<b>"), std::string::npos);
}

TEST(Templates, TripleMustacheIsPlainTooAndHtmlStillEscapes) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(templates.Set("progress", Language::kEnglish, Part::kText, "{{{message}}}").ok());
  const auto r =
      templates.Render("progress", Language::kEnglish, R"({"message":"<script>x</script>"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "<script>x</script>");
  EXPECT_EQ(r->html.find("<script>"), std::string::npos);
}

TEST(Templates, ASubjectStaysOneLineWhateverTheValues) {
  const auto r = Templates::Defaults().Render(
      "progress", Language::kEnglish,
      R"({"reference":"R","kind":"complaint","status":"a\r\nBcc: evil@example.com"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->subject.find_first_of("\r\n"), std::string::npos);
  EXPECT_EQ(r->subject, "[R] Update on your complaint: a Bcc: evil@example.com");
}

TEST(Templates, AnEmptyStringOrNullCountsAsAbsent) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(templates
                  .Set("progress", Language::kEnglish, Part::kText,
                       "A\n{{#message}}\nsaid: {{message}}\n{{/message}}\n{{^message}}\nnothing\n"
                       "{{/message}}\nB")
                  .ok());
  for (const char* data : {R"({"message":""})", R"({"message":null})", "{}"}) {
    const auto r = templates.Render("progress", Language::kEnglish, data);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->text, "A\nnothing\nB") << data;
  }
  const auto r = templates.Render("progress", Language::kEnglish, R"({"message":"hi"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "A\nsaid: hi\nB");
}

// kainjow alone leaves a stray line break where a skipped section stood on lines of its own, and
// drops the blank line after one that renders.
TEST(Templates, SectionsOnLinesOfTheirOwnFollowTheStandaloneRule) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(templates
                  .Set("progress", Language::kEnglish, Part::kText,
                       "A\n\n  {{#x}}  \nX {{x}}\n{{/x}}\n\nB\n{{! a note }}\nC")
                  .ok());
  const auto present = templates.Render("progress", Language::kEnglish, R"({"x":"1"})");
  ASSERT_TRUE(present.has_value());
  EXPECT_EQ(present->text, "A\n\nX 1\n\nB\nC");
  const auto absent = templates.Render("progress", Language::kEnglish, "{}");
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(absent->text, "A\n\nB\nC");
}

TEST(Templates, NumbersBooleansAndListsFeedTheTemplate) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(templates
                  .Set("escalated", Language::kEnglish, Part::kSms,
                       "L{{level}} {{#urgent}}urgent {{/urgent}}{{#items}}[{{.}}]{{/items}}")
                  .ok());
  const auto r = templates.Render("escalated", Language::kEnglish,
                                  R"({"level":2,"urgent":true,"items":["a","b"]})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->sms, "L2 urgent [a][b]");
}

TEST(Templates, BlankLinesLeftByAbsentSectionsCollapse) {
  Templates templates = Templates::Defaults();
  ASSERT_TRUE(templates
                  .Set("progress", Language::kEnglish, Part::kText,
                       "\nA\n\n{{#x}}\nX\n{{/x}}\n\n\nB   \n\n")
                  .ok());
  const auto r = templates.Render("progress", Language::kEnglish, "{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "A\n\nB");
}

TEST(LayOutHtml, SetsLanguageAndDirection) {
  const std::string ar = LayOutHtml("نص", Language::kArabic, "s", "");
  EXPECT_EQ(ar.rfind("<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">", 0), 0u) << ar;
  const std::string en = LayOutHtml("text", Language::kEnglish, "s", "");
  EXPECT_EQ(en.rfind("<!doctype html>\n<html lang=\"en\" dir=\"ltr\">", 0), 0u) << en;
  EXPECT_EQ(en.find("rtl"), std::string::npos);
}

TEST(LayOutHtml, MakesParagraphsAndLineBreaks) {
  const std::string html = LayOutHtml("one\ntwo\n\nthree", Language::kEnglish, "s", "");
  EXPECT_NE(html.find("<p>one<br>\ntwo</p>\n<p>three</p>"), std::string::npos) << html;
}

TEST(LayOutHtml, LinksHttpUrlsOnly) {
  const std::string html = LayOutHtml(
      "Track: https://x.sa/t?a=1&b=2. Or (http://y.sa/p). Not javascript:alert(1) nor ftp://z",
      Language::kEnglish, "s", "");
  EXPECT_NE(html.find("Track: <a href=\"https://x.sa/t?a=1&amp;b=2\" "
                      "dir=\"ltr\">https://x.sa/t?a=1&amp;b=2</a>. Or (<a href=\"http://y.sa/p\" "
                      "dir=\"ltr\">http://y.sa/p</a>)."),
            std::string::npos)
      << html;
  EXPECT_EQ(Count(html, "<a "), 2u);
}

TEST(LayOutHtml, LinksAUrlAfterArabicText) {
  const std::string html = LayOutHtml("للمتابعة: https://x.sa/t، شكرًا", Language::kArabic, "s", "");
  EXPECT_NE(html.find("للمتابعة: <a href=\"https://x.sa/t\" dir=\"ltr\">https://x.sa/t</a>، شكرًا"),
            std::string::npos)
      << html;
}

TEST(LayOutHtml, NamesTheCentreInAFooterWhenGiven) {
  const std::string with = LayOutHtml("text", Language::kEnglish, "s", "The <Centre>");
  EXPECT_NE(with.find("<hr>"), std::string::npos);
  EXPECT_NE(with.find("The &lt;Centre&gt;"), std::string::npos);
  const std::string without = LayOutHtml("text", Language::kEnglish, "s", "");
  EXPECT_EQ(without.find("<hr>"), std::string::npos);
}

TEST(VariablesIn, ListsVariablesAndSectionsOnce) {
  EXPECT_EQ(VariablesIn("{{a}} {{#b}}{{ c }}{{.}}{{/b}}{{^d}}{{{e}}}{{& f}}{{/d}}{{! note }}{{a}}"),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_TRUE(VariablesIn("no tags").empty());
}

TEST(RenderJsonBody, KeepsTheJsonValidForAnyText) {
  const std::string text = "He said \"hi\" \\ then\nleft\r\n\ttab \x01 شكرًا لكم";
  const auto body = RenderJsonBody(R"({"to":"{{to}}","text":"{{text}}","raw":"{{{text}}}"})",
                                   {{"to", "+966512345678"}, {"text", text}});
  ASSERT_TRUE(body.has_value());
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(*body, ec);
  ASSERT_FALSE(ec) << *body;
  EXPECT_EQ(v.at("to").as_string(), "+966512345678");
  EXPECT_EQ(v.at("text").as_string(), text);
  EXPECT_EQ(v.at("raw").as_string(), text);
}

TEST(RenderJsonBody, RefusesBadMustache) {
  const auto body = RenderJsonBody(R"({"text":"{{#text}}"})", {{"text", "x"}});
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().message, MessageId::kTemplateSyntax);
}

}  // namespace
}  // namespace shakwa::notify
