#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/mail.hpp"
#include "mail/support.hpp"

namespace shakwa::mail {

namespace {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

// Elements whose content is never text for a person (or is code).
bool IsDropped(std::string_view name) {
  return name == "script" || name == "style" || name == "head" || name == "title" ||
         name == "template" || name == "iframe" || name == "object" || name == "embed" ||
         name == "svg" || name == "math" || name == "noembed" || name == "frameset";
}

// Line breaks an element puts around itself: 2 for a paragraph, 1 for a line, 0 for inline.
int BreaksAround(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kParagraphs = {"p",  "h1", "h2", "h3",
                                                                  "h4", "h5", "h6", "blockquote"};
  static constexpr std::array<std::string_view, 24> kLines = {
      "div",    "li",     "tr",      "ul",     "ol",   "dl",       "dt",      "dd",
      "table",  "thead",  "tbody",   "tfoot",  "pre",  "hr",       "section", "article",
      "header", "footer", "address", "center", "form", "fieldset", "figure",  "caption"};
  if (std::find(kParagraphs.begin(), kParagraphs.end(), name) != kParagraphs.end()) return 2;
  if (std::find(kLines.begin(), kLines.end(), name) != kLines.end()) return 1;
  return 0;
}

// A link target worth showing: http, https or mailto only, so a javascript: or data: URL never
// reaches anyone as something to click.
std::optional<std::string> SafeUrl(const xmlChar* href) {
  if (href == nullptr) return std::nullopt;
  std::string url = OneLine(ValidUtf8(reinterpret_cast<const char*>(href)));
  const std::string lower = Lower(url);
  if (StartsWith(lower, "http://") || StartsWith(lower, "https://") ||
      StartsWith(lower, "mailto:")) {
    return url;
  }
  return std::nullopt;
}

// Text written with collapsed white space and at most one blank line in a row.
class TextWriter {
 public:
  void Text(std::string_view text, bool preformatted) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      const bool nbsp = c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0';
      if (preformatted) {
        if (c == '\n') {
          LineBreak();
        } else if (c == ' ' || c == '\t' || nbsp) {
          Flush();
          out_ += ' ';
          if (nbsp) ++i;
        } else if (c != '\r') {
          Char(c);
        }
      } else if (IsAsciiSpace(c) || nbsp) {
        space_ = true;
        if (nbsp) ++i;
      } else {
        Char(c);
      }
    }
  }
  // A block boundary: breaks line breaks before the next text, whatever came before.
  void Block(int breaks) {
    breaks_ = std::max(breaks_, breaks);
    space_ = false;
  }
  // A <br> or a newline in <pre>: each one counts.
  void LineBreak() {
    breaks_ = std::min(breaks_ + 1, 2);
    space_ = false;
  }
  void Space() { space_ = true; }
  std::size_t size() const { return out_.size(); }
  std::string_view since(std::size_t at) const { return std::string_view(out_).substr(at); }
  std::string Finish() && { return std::move(out_); }

 private:
  void Char(char c) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return;
    Flush();
    out_ += c;
  }
  void Flush() {
    if (!out_.empty()) {
      if (breaks_ > 0) {
        out_.append(static_cast<std::size_t>(breaks_), '\n');
      } else if (space_) {
        out_ += ' ';
      }
    }
    breaks_ = 0;
    space_ = false;
  }

  std::string out_;
  int breaks_ = 0;
  bool space_ = false;
};

struct Link {
  std::optional<std::string> url;
  std::size_t text_start = 0;
};

class HtmlReducer {
 public:
  // Returns whether to visit node's children.
  bool Enter(xmlNode* node) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content != nullptr) {
        writer_.Text(reinterpret_cast<const char*>(node->content), preformatted_ > 0);
      }
      return false;
    }
    if (node->type != XML_ELEMENT_NODE || node->name == nullptr) return false;
    const std::string name = Lower(reinterpret_cast<const char*>(node->name));
    if (IsDropped(name)) return false;
    if (name == "br") {
      writer_.LineBreak();
    } else if (name == "td" || name == "th") {
      writer_.Space();
    } else if (const int breaks = BreaksAround(name); breaks > 0) {
      writer_.Block(breaks);
    }
    if (name == "li") writer_.Text("- ", true);
    if (name == "pre") ++preformatted_;
    if (name == "a") {
      xmlChar* href = xmlGetProp(node, reinterpret_cast<const xmlChar*>("href"));
      links_.push_back(Link{SafeUrl(href), writer_.size()});
      xmlFree(href);
    }
    return true;
  }

  void Leave(xmlNode* node) {
    if (node->type != XML_ELEMENT_NODE || node->name == nullptr) return;
    const std::string name = Lower(reinterpret_cast<const char*>(node->name));
    if (IsDropped(name)) return;
    if (name == "pre") --preformatted_;
    if (name == "a" && !links_.empty()) {
      const Link link = std::move(links_.back());
      links_.pop_back();
      if (link.url) WriteLinkTarget(link);
    }
    if (const int breaks = BreaksAround(name); breaks > 0) writer_.Block(breaks);
  }

  std::string Finish() && { return std::move(writer_).Finish(); }

 private:
  // "text (url)", unless the text already is the URL.
  void WriteLinkTarget(const Link& link) {
    const std::string_view text = TrimAscii(writer_.since(link.text_start));
    const std::string& url = *link.url;
    if (text == url || "mailto:" + std::string(text) == url) return;
    if (text.empty()) {
      writer_.Text(url, false);
      return;
    }
    writer_.Space();
    writer_.Text("(" + url + ")", false);
  }

  TextWriter writer_;
  std::vector<Link> links_;
  int preformatted_ = 0;
};

}  // namespace

std::string HtmlToText(std::string_view html) {
  EnsureInitialised();
  // libxml2 takes an int length (and would stop at a NUL, which ValidUtf8 drops).
  const std::string input = ValidUtf8(html.substr(0, std::min<std::size_t>(html.size(), INT_MAX)));
  if (TrimAscii(input).empty()) return {};
  // The text is UTF-8 already (ParseMail converted it): a <meta charset> must not re-decode it.
  // NONET: never fetch a DTD or anything else while reading a stranger's HTML.
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;
  std::unique_ptr<xmlDoc, XmlDocFree> doc(
      htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", options));
  if (doc == nullptr) return {};

  // Iterative, since broken HTML can nest deeper than a recursive walk has stack for.
  HtmlReducer reducer;
  xmlNode* node = doc->children;
  while (node != nullptr) {
    if (reducer.Enter(node) && node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node != nullptr) {
      reducer.Leave(node);
      if (node->next != nullptr) {
        node = node->next;
        break;
      }
      node = node->parent;
      if (node != nullptr && node->type != XML_ELEMENT_NODE) node = nullptr;  // the document
    }
  }
  return CleanText(std::move(reducer).Finish());
}

}  // namespace shakwa::mail
