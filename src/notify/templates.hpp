// The messages Shakwa sends to beneficiaries and staff: named mustache templates in Arabic and
// English, each with a subject, a plain text and a short SMS, rendered with a JSON data object.
//
// Every value is inserted as plain text (nothing is HTML-escaped in subject, text or sms). The
// HTML alternative of an e-mail is never a template: LayOutHtml() builds it from the rendered text
// by one fixed layout that escapes every character once, so an admin's edit cannot inject markup
// and a beneficiary's "<b>" reads as "<b>" everywhere.
//
// The names in TemplateCatalogue() are a contract with the rest of the code (the outbox asks for
// "acknowledgement", "decision", …); an admin may edit the words of any part (Templates::Set) but
// not add or remove templates.
//
// Thread safety: TemplateCatalogue() and the free functions are safe from any thread. A Templates
// is a plain value: const members may run concurrently; Set() needs the caller's exclusive access
// (copy-on-write it behind a mutex or an atomic shared_ptr if admins edit while mail goes out).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/messages.hpp"
#include "domain/result.hpp"

namespace shakwa::notify {

// The editable parts of a template. Wire names: "subject", "text", "sms".
enum class Part { kSubject, kText, kSms };
std::string_view NameOf(Part part);
std::optional<Part> PartFromName(std::string_view name);

// Limits on a part's template body, in bytes (an Arabic letter is two).
inline constexpr std::size_t kMaxSubjectBytes = 200;
inline constexpr std::size_t kMaxSmsBytes = 480;
inline constexpr std::size_t kMaxTextBytes = 20000;

struct Rendered {
  std::string subject;  // one line, always; starts with "[reference]" in the defaults
  std::string text;     // plain text, paragraphs separated by one blank line
  std::string html;     // LayOutHtml(text)
  std::string sms;
};

// One template as the admin page lists it.
struct TemplateInfo {
  std::string name;
  bool for_staff = false;
  std::vector<std::string> variables;  // every name the default parts use, sorted
  std::string description_ar;          // when it is sent, for the admin page
  std::string description_en;
};

// Every template Shakwa knows, in a fixed order (beneficiary templates first).
const std::vector<TemplateInfo>& TemplateCatalogue();

class Templates {
 public:
  // Every catalogue template, in both languages, with all three parts (staff get a short SMS too).
  static Templates Defaults();

  // Replaces one part with an admin's edit. On failure nothing changes and the error is
  // kInvalidInput with one field error (its MessageId and param also in message/message_param):
  //   field "name": kTemplateUnknown, for a name not in the catalogue;
  //   field "body": kTemplateSyntax, for mustache that does not parse (param: kainjow's text),
  //   partials or changed delimiters, a subject with a line break, or a body over its limit.
  domain::Status Set(std::string_view name, domain::Language language, Part part, std::string body);

  // The body of one part; empty for an unknown name.
  std::string Get(std::string_view name, domain::Language language, Part part) const;

  // Renders name in language with json_data, a JSON object: strings, numbers and booleans are
  // values; objects and arrays feed sections. An empty string or null counts as absent, so
  // "{{#resolution_by}}…{{/resolution_by}}" disappears for it. The subject's line breaks become
  // spaces (it goes into a mail header); the text's runs of blank lines collapse to one. The html
  // names data's "centre" in a footer when it is a non-empty string.
  // Errors: kNotFound/kTemplateUnknown for an unknown name; kMalformedRequest/kMalformedJson when
  // json_data is not JSON, kBodyNotObject when it is not an object (detail says why).
  domain::Result<Rendered> Render(std::string_view name, domain::Language language,
                                  std::string_view json_data) const;

 private:
  struct Bodies {
    std::string parts[2][3];  // [language][part]
  };
  std::map<std::string, Bodies, std::less<>> bodies_;
};

// The fixed HTML layout of a rendered text: <!doctype html>, <html lang="ar" dir="rtl"> (or
// en/ltr), a <title> with subject, paragraphs (blank-line separated) as <p>, single line breaks as
// <br>, every character escaped, http(s) URLs as links, and a footer naming centre if not empty.
std::string LayOutHtml(std::string_view text, domain::Language language, std::string_view subject,
                       std::string_view centre);

// The variable and section names a mustache body uses ("{{x}}", "{{#x}}", "{{^x}}", "{{{x}}}",
// "{{&x}}"), sorted and without duplicates; "." is not a name. For the admin page's checks.
std::vector<std::string> VariablesIn(std::string_view body);

// An operator's request body for an SMS gateway, e.g. {"to":"{{to}}","text":"{{text}}"}:
// mustache where every value (in {{x}} and {{{x}}} alike) is JSON-string-escaped, so a message
// with quotes, backslashes or line breaks keeps the JSON valid. The template must put each value
// inside quotes itself. kInvalidInput/kTemplateSyntax (field "body") on bad mustache.
domain::Result<std::string> RenderJsonBody(
    std::string_view body_template, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace shakwa::notify
