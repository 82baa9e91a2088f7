#include "notify/templates.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <kainjow/mustache.hpp>
#include <set>

#include "domain/json_writer.hpp"
#include "domain/text.hpp"
#include "notify/default_templates.hpp"

namespace shakwa::notify {
namespace {

namespace json = boost::json;
namespace mustache = kainjow::mustache;
using domain::Error;
using domain::ErrorCode;
using domain::Language;
using domain::MessageId;

constexpr std::array<std::string_view, 3> kPartNames = {"subject", "text", "sms"};

std::size_t IndexOf(Language language) {
  return language == Language::kArabic ? 0 : 1;
}
std::size_t IndexOf(Part part) {
  return static_cast<std::size_t>(part);
}

// A rejected edit: one field error, repeated as the error's own message so that a client that
// shows only the title still says what is wrong.
Error Invalid(std::string path, MessageId message, std::string param, std::string param_ar = {}) {
  Error e = Error::Of(ErrorCode::kInvalidInput, message, param);
  e.message_param = param;
  e.message_param_ar = std::move(param_ar);
  e.fields.push_back(domain::FieldError{std::move(path), message, std::move(param)});
  return e;
}

std::string_view TrimView(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// One mustache tag as the default "{{ }}" delimiters read it. sigil is '#', '^', '/', '&', '!',
// '>', '=' or 0 for a plain variable; "{{{x}}}" reads as '&'.
struct Tag {
  char sigil;
  std::string name;
};

std::vector<Tag> ScanTags(std::string_view body) {
  std::vector<Tag> tags;
  std::size_t pos = 0;
  while ((pos = body.find("{{", pos)) != std::string_view::npos) {
    const bool triple = body.substr(pos, 3) == "{{{";
    const std::size_t open = pos + (triple ? 3 : 2);
    const std::size_t close = body.find(triple ? "}}}" : "}}", open);
    if (close == std::string_view::npos) break;
    std::string_view content = TrimView(body.substr(open, close - open));
    char sigil = triple ? '&' : '\0';
    if (!triple && !content.empty() &&
        std::string_view("#^/&!>=").find(content.front()) != std::string_view::npos) {
      sigil = content.front();
      content = TrimView(content.substr(1));
    }
    tags.push_back(Tag{sigil, std::string(content)});
    pos = close + (triple ? 3 : 2);
  }
  return tags;
}

// True when line (without its line break) holds nothing but section and comment tags.
bool IsStandaloneTagLine(std::string_view line) {
  std::size_t pos = 0;
  bool any = false;
  while (true) {
    pos = line.find_first_not_of(" \t\r", pos);
    if (pos == std::string_view::npos) return any;
    if (line.substr(pos, 2) != "{{" || line.substr(pos, 3) == "{{{") return false;
    const std::size_t close = line.find("}}", pos + 2);
    if (close == std::string_view::npos) return false;
    const std::string_view content = TrimView(line.substr(pos + 2, close - pos - 2));
    if (content.empty() ||
        std::string_view("#^/!").find(content.front()) == std::string_view::npos) {
      return false;
    }
    any = true;
    pos = close + 2;
  }
}

// Marks the start of every line for kainjow; never left in a rendered part.
constexpr char kLineMark = '\x1e';

// Mustache's "standalone" rule, done here because kainjow's own version leaves a stray line
// break wherever a section on lines of its own is skipped, and drops blank lines next to one that
// is not. A line holding only section or comment tags is reduced to its tags, without indentation
// or line break ("A\n{{#x}}\nX\n{{/x}}\nB" reads "A\nB" without x); every other line starts
// with kLineMark, so kainjow never takes it for a blank line around a tag. RenderPlain() removes
// the marks.
std::string PrepareLines(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 16);
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t nl = body.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? body.size() : nl + 1;
    const std::string_view line = body.substr(start, end - start);
    std::string_view content = line;
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
      content.remove_suffix(1);
    }
    if (IsStandaloneTagLine(content)) {
      for (const Tag& tag : ScanTags(content)) {
        out += "{{";
        out += tag.sigil;
        out += tag.name;
        out += "}}";
      }
    } else {
      out += kLineMark;
      out += line;
    }
    start = end;
  }
  return out;
}

// kainjow's verdict on body, then ours: no partials (they would parse a value, a beneficiary's
// words, as a template) and no delimiter changes (the admin page's variable list reads "{{ }}").
domain::Status CheckMustache(std::string_view body) {
  const mustache::mustache tmpl{std::string(body)};
  if (!tmpl.is_valid()) {
    return Invalid("body", MessageId::kTemplateSyntax, tmpl.error_message());
  }
  for (const Tag& tag : ScanTags(body)) {
    if (tag.sigil == '>') {
      return Invalid("body", MessageId::kTemplateSyntax,
                     "partials ({{> " + tag.name + "}}) are not supported",
                     "القوالب الجزئية ({{> " + tag.name + "}}) غير مدعومة");
    }
    if (tag.sigil == '=') {
      return Invalid("body", MessageId::kTemplateSyntax,
                     "changing the delimiters ({{=...=}}) is not supported",
                     "تغيير المحددات ({{=...=}}) غير مدعوم");
    }
  }
  return domain::Status::Ok();
}

// A JSON value as mustache data. An empty string and null become false, so that a section on
// them disappears and a variable renders as nothing.
mustache::data ToData(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, item] : value.get_object()) out.set(std::string(key), ToData(item));
      return out;
    }
    case json::kind::array: {
      mustache::data out{mustache::data::type::list};
      for (const json::value& item : value.get_array()) out.push_back(ToData(item));
      return out;
    }
    case json::kind::string: {
      const json::string& s = value.get_string();
      if (s.empty()) return mustache::data{false};
      return mustache::data{std::string(s.data(), s.size())};
    }
    case json::kind::int64:
      return mustache::data{std::to_string(value.get_int64())};
    case json::kind::uint64:
      return mustache::data{std::to_string(value.get_uint64())};
    case json::kind::double_:
      return mustache::data{json::serialize(value)};
    case json::kind::bool_:
      return mustache::data{value.get_bool()};
    case json::kind::null:
      break;
  }
  return mustache::data{false};
}

// Renders body with nothing escaped (our parts are plain text).
domain::Result<std::string> RenderPlain(const std::string& body, const mustache::data& data) {
  mustache::mustache tmpl{PrepareLines(body)};
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out;
  if (tmpl.is_valid()) out = tmpl.render(data);
  std::erase(out, kLineMark);
  if (!tmpl.is_valid()) {
    // Set() and the defaults only hold bodies that parse, and our data holds no lambdas.
    return Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                     "template does not render: " + tmpl.error_message());
  }
  return out;
}

// A mail header's value: every run of whitespace and control characters becomes one space, so a
// value with a line break cannot add a header.
std::string OneLine(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Line breaks as "\n", no trailing blanks on a line, at most one blank line in a row, none at
// either end: what an absent section leaves behind disappears.
std::string TidyText(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '\n' || s[i] == '\r') {
      std::string_view line = s.substr(start, i - start);
      const auto last = line.find_last_not_of(" \t");
      lines.push_back(last == std::string_view::npos ? std::string_view{}
                                                     : line.substr(0, last + 1));
      if (i + 1 < s.size() && s[i] == '\r' && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  std::string out;
  bool pending_blank = false;
  for (const std::string_view line : lines) {
    if (line.empty()) {
      pending_blank = !out.empty();
      continue;
    }
    if (!out.empty()) out += pending_blank ? "\n\n" : "\n";
    pending_blank = false;
    out += line;
  }
  return out;
}

void AppendEscaped(std::string& out, std::string_view s) {
  domain::AppendHtmlEscaped(out, s);
}

bool IsUrlChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80 || u <= 0x20) return false;
  if (std::isalnum(u)) return true;
  return std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) != std::string_view::npos;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// The end of the URL that starts at begin, or begin when there is none: trailing punctuation
// belongs to the sentence, and a ")" to the URL only when the URL opened one.
std::size_t UrlEnd(std::string_view line, std::size_t begin) {
  std::size_t scheme = 0;
  if (StartsWithNoCase(line.substr(begin), "https://")) {
    scheme = 8;
  } else if (StartsWithNoCase(line.substr(begin), "http://")) {
    scheme = 7;
  } else {
    return begin;
  }
  if (begin > 0 && std::isalnum(static_cast<unsigned char>(line[begin - 1]))) return begin;
  std::size_t end = begin + scheme;
  while (end < line.size() && IsUrlChar(line[end])) ++end;
  while (end > begin + scheme) {
    const char c = line[end - 1];
    const std::string_view url = line.substr(begin, end - begin);
    const bool unmatched_paren = c == ')' && std::count(url.begin(), url.end(), ')') >
                                                 std::count(url.begin(), url.end(), '(');
    if (std::string_view(".,;:!?'\"]}").find(c) == std::string_view::npos && !unmatched_paren) {
      break;
    }
    --end;
  }
  return end > begin + scheme ? end : begin;
}

void AppendLine(std::string& out, std::string_view line) {
  std::size_t done = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != 'h' && line[i] != 'H') continue;
    const std::size_t end = UrlEnd(line, i);
    if (end == i) continue;
    AppendEscaped(out, line.substr(done, i - done));
    const std::string_view url = line.substr(i, end - i);
    // dir="ltr" isolates the URL, so an Arabic sentence around it keeps its order.
    out += "<a href=\"";
    AppendEscaped(out, url);
    out += "\" dir=\"ltr\">";
    AppendEscaped(out, url);
    out += "</a>";
    done = end;
    i = end - 1;
  }
  AppendEscaped(out, line.substr(done));
}

// A JSON string's content, without its quotes.
std::string JsonEscaped(std::string_view s) {
  const std::string quoted = domain::JsonQuote(s);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

std::string_view NameOf(Part part) {
  return kPartNames[IndexOf(part)];
}

std::optional<Part> PartFromName(std::string_view name) {
  for (std::size_t i = 0; i < kPartNames.size(); ++i) {
    if (kPartNames[i] == name) return static_cast<Part>(i);
  }
  return std::nullopt;
}

const std::vector<TemplateInfo>& TemplateCatalogue() {
  static const std::vector<TemplateInfo> catalogue = [] {
    std::vector<TemplateInfo> out;
    for (const internal::DefaultTemplate& t : internal::DefaultTemplates()) {
      TemplateInfo info{std::string(t.name),
                        t.for_staff,
                        {},
                        std::string(t.description_ar),
                        std::string(t.description_en)};
      for (const std::string_view v : t.variables) info.variables.emplace_back(v);
      std::sort(info.variables.begin(), info.variables.end());
      out.push_back(std::move(info));
    }
    return out;
  }();
  return catalogue;
}

Templates Templates::Defaults() {
  Templates out;
  for (const internal::DefaultTemplate& t : internal::DefaultTemplates()) {
    Bodies& bodies = out.bodies_[std::string(t.name)];
    for (const Language language : {Language::kArabic, Language::kEnglish}) {
      const internal::DefaultParts& p = language == Language::kArabic ? t.ar : t.en;
      auto& parts = bodies.parts[IndexOf(language)];
      parts[IndexOf(Part::kSubject)] = std::string(p.subject);
      parts[IndexOf(Part::kText)] = std::string(p.text);
      parts[IndexOf(Part::kSms)] = std::string(p.sms);
    }
  }
  return out;
}

domain::Status Templates::Set(std::string_view name, Language language, Part part,
                              std::string body) {
  const auto it = bodies_.find(name);
  if (it == bodies_.end()) {
    return Invalid("name", MessageId::kTemplateUnknown, std::string(name));
  }
  const std::size_t limit = part == Part::kSubject ? kMaxSubjectBytes
                            : part == Part::kSms   ? kMaxSmsBytes
                                                   : kMaxTextBytes;
  if (body.size() > limit) {
    const std::string n = std::to_string(limit);
    return Invalid("body", MessageId::kTemplateSyntax,
                   "the " + std::string(NameOf(part)) + " may be at most " + n + " bytes",
                   "الحد الأقصى لهذا الجزء " + n + " بايت");
  }
  if (part == Part::kSubject && body.find_first_of("\r\n") != std::string::npos) {
    return Invalid("body", MessageId::kTemplateSyntax, "the subject must be one line",
                   "يجب أن يكون الموضوع سطرًا واحدًا");
  }
  if (domain::Status checked = CheckMustache(body); !checked.ok()) return checked;
  it->second.parts[IndexOf(language)][IndexOf(part)] = std::move(body);
  return domain::Status::Ok();
}

std::string Templates::Get(std::string_view name, Language language, Part part) const {
  const auto it = bodies_.find(name);
  if (it == bodies_.end()) return {};
  return it->second.parts[IndexOf(language)][IndexOf(part)];
}

domain::Result<Rendered> Templates::Render(std::string_view name, Language language,
                                           std::string_view json_data) const {
  const auto it = bodies_.find(name);
  if (it == bodies_.end()) {
    Error e = Error::Of(ErrorCode::kNotFound, MessageId::kTemplateUnknown,
                        "no template named " + std::string(name));
    e.message_param = std::string(name);
    return e;
  }
  boost::system::error_code ec;
  const json::value value = json::parse(json_data, ec);
  if (ec) {
    return Error::Of(ErrorCode::kMalformedRequest, MessageId::kMalformedJson,
                     "template data: " + ec.message());
  }
  if (!value.is_object()) {
    return Error::Of(ErrorCode::kMalformedRequest, MessageId::kBodyNotObject,
                     "template data is not a JSON object");
  }
  const mustache::data data = ToData(value);
  const auto& parts = it->second.parts[IndexOf(language)];

  Rendered out;
  auto subject = RenderPlain(parts[IndexOf(Part::kSubject)], data);
  if (!subject) return std::move(subject).error();
  auto text = RenderPlain(parts[IndexOf(Part::kText)], data);
  if (!text) return std::move(text).error();
  auto sms = RenderPlain(parts[IndexOf(Part::kSms)], data);
  if (!sms) return std::move(sms).error();
  out.subject = OneLine(*subject);
  out.text = TidyText(*text);
  out.sms = TidyText(*sms);

  std::string_view centre;
  if (const json::value* c = value.get_object().if_contains("centre"); c && c->is_string()) {
    centre = c->get_string();
  }
  out.html = LayOutHtml(out.text, language, out.subject, centre);
  return out;
}

std::string LayOutHtml(std::string_view text, Language language, std::string_view subject,
                       std::string_view centre) {
  const bool arabic = language == Language::kArabic;
  const std::string lang_dir = arabic ? R"(lang="ar" dir="rtl")" : R"(lang="en" dir="ltr")";
  std::string out;
  out.reserve(text.size() * 2 + 512);
  out += "<!doctype html>\n<html " + lang_dir + ">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  AppendEscaped(out, subject);
  out += "</title>\n</head>\n";
  // lang and dir again on a wrapper: webmail drops <html>'s attributes but keeps the body's.
  out += "<body>\n<div " + lang_dir +
         " style=\"font-family: Tahoma, Arial, sans-serif; font-size: 15px; line-height: 1.7; "
         "max-width: 40em;\">\n";

  const std::string tidy = TidyText(text);
  std::string_view rest = tidy;
  while (!rest.empty()) {
    const std::size_t cut = rest.find("\n\n");
    const std::string_view paragraph = rest.substr(0, cut);
    rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 2);
    out += "<p>";
    std::string_view lines = paragraph;
    bool first = true;
    while (true) {
      const std::size_t nl = lines.find('\n');
      if (!first) out += "<br>\n";
      first = false;
      AppendLine(out, lines.substr(0, nl));
      if (nl == std::string_view::npos) break;
      lines = lines.substr(nl + 1);
    }
    out += "</p>\n";
  }
  if (!TrimView(centre).empty()) {
    out += "<hr>\n<p style=\"color: #555555; font-size: 13px;\">";
    AppendEscaped(out, OneLine(centre));
    out += "</p>\n";
  }
  out += "</div>\n</body>\n</html>\n";
  return out;
}

std::vector<std::string> VariablesIn(std::string_view body) {
  std::set<std::string> names;
  for (Tag& tag : ScanTags(body)) {
    if (tag.sigil == '/' || tag.sigil == '!' || tag.sigil == '>' || tag.sigil == '=') continue;
    if (tag.name.empty() || tag.name == ".") continue;
    names.insert(std::move(tag.name));
  }
  return {names.begin(), names.end()};
}

domain::Result<std::string> RenderJsonBody(
    std::string_view body_template,
    const std::vector<std::pair<std::string, std::string>>& values) {
  if (domain::Status checked = CheckMustache(body_template); !checked.ok()) {
    return std::move(checked).error();
  }
  // Values go in already escaped and the renderer escapes nothing, so "{{x}}" and "{{{x}}}" give
  // the same safe text.
  mustache::data data{mustache::data::type::object};
  for (const auto& [name, value] : values) data.set(name, mustache::data{JsonEscaped(value)});
  mustache::mustache tmpl{std::string(body_template)};
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    return Invalid("body", MessageId::kTemplateSyntax, tmpl.error_message());
  }
  return out;
}

}  // namespace shakwa::notify
