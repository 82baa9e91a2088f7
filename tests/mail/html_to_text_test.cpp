#include <gtest/gtest.h>

#include <string>

#include "mail/mail.hpp"
#include "mail/sample_mail.hpp"

namespace shakwa::mail {
namespace {

TEST(HtmlToText, TurnsBlocksIntoLineBreaks) {
  EXPECT_EQ(HtmlToText("<h1>Title</h1><div>one</div><div>two<br>three</div>"
                       "<ul><li>a</li><li>b</li></ul><table><tr><td>x</td><td>y</td></tr>"
                       "<tr><td>z</td></tr></table><blockquote>quoted</blockquote>end"),
            "Title\n\none\ntwo\nthree\n- a\n- b\nx y\nz\n\nquoted\n\nend");
}

TEST(HtmlToText, CollapsesWhiteSpaceButKeepsPre) {
  EXPECT_EQ(HtmlToText("<p>  many \n\t spaces   here </p><pre>a  b\n  c</pre>"),
            "many spaces here\n\na  b\n  c");
}

TEST(HtmlToText, KeepsOnlyHttpHttpsAndMailtoLinks) {
  EXPECT_EQ(HtmlToText("<a href='http://a.sa/'>one</a> <a href=' HTTPS://b.sa/x '>two</a> "
                       "<a href='mailto:help@c.sa'>help@c.sa</a> "
                       "<a href='JaVaScRiPt:alert(1)'>three</a> "
                       "<a href='data:text/html,<script>alert(1)</script>'>four</a> "
                       "<a href='vbscript:x'>five</a> <a href='https://d.sa/'>https://d.sa/</a>"),
            "one (http://a.sa/) two (HTTPS://b.sa/x) help@c.sa three four five https://d.sa/");
}

TEST(HtmlToText, DropsScriptStyleAndComments) {
  EXPECT_EQ(
      HtmlToText("<style>body{}</style><!-- hidden --><p>seen</p>"
                 "<script type=text/javascript>document.write('x')</script>"
                 "<iframe src='https://evil.example'>frame</iframe><svg><text>s</text></svg>"),
      "seen");
}

TEST(HtmlToText, IgnoresMetaCharsetOfAlreadyConvertedText) {
  EXPECT_EQ(
      HtmlToText("<html><head><meta http-equiv='Content-Type' "
                 "content='text/html; charset=windows-1256'></head><body>مرحبا</body></html>"),
      "مرحبا");
}

TEST(HtmlToText, SurvivesBrokenAndDeeplyNestedHtml) {
  EXPECT_EQ(HtmlToText("<p>unclosed <b>bold <i>both</p><p>next &bogus; &amp</td></table>"),
            "unclosed bold both\n\nnext &bogus; &amp");
  // libxml2 gives up on nesting past 256 levels, which no mail client writes; below that the
  // text is kept, and past it nothing breaks.
  std::string nested;
  for (int i = 0; i < 100; ++i) nested += "<div><span>";
  EXPECT_EQ(HtmlToText(nested + "bottom"), "bottom");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  EXPECT_EQ(HtmlToText("top" + deep + "bottom").substr(0, 3), "top");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText(std::string_view("a\0b\xff", 4)), "ab\xEF\xBF\xBD");
}

}  // namespace
}  // namespace shakwa::mail
