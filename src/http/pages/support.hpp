// What the page files share: reading forms and cookies, the CSRF token, the language, and
// rendering a template from web/templates inside the layout with the words of web/i18n.
//
// Templates are mustache (kainjow): {{x}} is HTML-escaped, and no template uses {{{x}}} for
// anything but HTML we made ourselves (the page's content inside the layout).
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attachments/multipart.hpp"
#include "domain/messages.hpp"
#include "domain/result.hpp"
#include "domain/staff.hpp"
#include "domain/time.hpp"
#include "http/api/routes.hpp"
#include "http/exchange.hpp"
#include "http/router.hpp"

namespace shakwa::http::pages {

namespace mustache = kainjow::mustache;
using domain::Language;

inline constexpr std::string_view kLanguageCookie = "shakwa_lang";
inline constexpr std::string_view kCsrfCookie = "shakwa_csrf";
inline constexpr std::string_view kCsrfField = "csrf";

// A submitted form: its text fields in order (urlencoded or multipart) and its files.
struct Form {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<attachments::Part> files;  // file inputs left empty are dropped
  // The first value of a field, or "".
  std::string Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::vector<std::string> All(std::string_view name) const;
};

// application/x-www-form-urlencoded or multipart/form-data; kMalformedRequest or
// kUnsupportedMediaType otherwise, and for text that is not UTF-8.
domain::Result<Form> ReadForm(const Request& request);

struct PageContext;
// ReadForm, or answers with a page naming what is wrong with the request and returns nullopt.
std::optional<Form> ReadFormOr(const PageContext& ctx, const Request& request,
                               const Respond& respond);

// The value of one cookie, or "".
std::string CookieValue(const Request& request, std::string_view name);
// Set-Cookie values; Secure when the deployment says the site is served over HTTPS.
std::string MakeCookie(std::string_view name, std::string_view value, std::string_view path,
                       std::int64_t max_age_seconds, bool secure, bool strict);
std::string ClearCookie(std::string_view name, std::string_view path, bool secure);

// What every page needs around its content.
struct PageContext {
  Language language = Language::kArabic;
  std::string csrf;                      // the token this browser's forms carry
  std::vector<std::string> set_cookies;  // sent with whatever the handler answers
  std::optional<domain::StaffUser> staff;
  std::string path;  // this page, for the language switch to come back to
  bool secure_cookies = false;
};

// The language: ?lang=ar|en on the request (remembered), else the remembered choice, else Arabic.
// The CSRF token: this browser's cookie, or a new one.
PageContext ContextFor(const Request& request, const api::Dependencies& deps);

// The form's token is this browser's cookie, and a browser's Origin, when sent, is this site.
bool CsrfValid(const Request& request, const Form& form);

// An instant as people read it (Hijri and Gregorian, Riyadh time), or "" for none.
std::string When(const std::optional<domain::Instant>& at, Language language);

// The words of the pages, from web/i18n/<lang>.json; the key itself when missing.
std::string Word(Language language, std::string_view key);

// web/templates/<name>.mustache rendered with data (plus "t", the words; "lang", "dir", "csrf",
// the signed-in staff, the language switch), then put inside layout.mustache with title_key's
// word as the title.
Response Render(const PageContext& ctx, std::string_view name, std::string_view title_key,
                mustache::data data, unsigned status = 200);
// 303 See Other to a path on this site.
Response Redirect(const PageContext& ctx, std::string location);
// A page that only says what went wrong (message is already in ctx.language).
Response ErrorPage(const PageContext& ctx, unsigned status, std::string message);

// A domain error onto a form page: "error_summary" (the message and a list of {field, id,
// message}) and "e" (each message by the field's id: "beneficiary.email" -> "beneficiary_email").
void PutErrors(mustache::data& data, const domain::Error& error, Language language);
// "beneficiary.email" -> "beneficiary_email", as ids and data keys spell a field.
std::string FieldId(std::string_view field);

// The options of a <select> or radio group: {value, label, selected}.
mustache::data Options(const std::vector<std::pair<std::string, std::string>>& values_and_labels,
                       std::string_view selected);

// Adds the headers every page carries: CSP, framing, referrer, no caching, the cookies.
void Finish(const PageContext& ctx, Response& response);

// Registers a page handler; it gets a copy of the dependencies (pointers and shared_ptrs) that
// lives as long as the route.
using PageHandler = void (*)(const api::Dependencies&, const Request&, Respond);
void AddPage(Router& router, Method method, std::string_view pattern, const api::Dependencies& deps,
             PageHandler handler);

// For the static files route, and the tests: one embedded file ("templates/case.mustache",
// "i18n/ar.json", "static/shakwa.css"), empty if there is none; and all of them.
std::string_view EmbeddedFile(std::string_view name);
std::span<const std::pair<std::string_view, std::string_view>> EmbeddedFiles();

// The words templates use ({{t.key}}) that a language lacks, as "ar: key (in case.mustache)".
std::vector<std::string> MissingWords();

}  // namespace shakwa::http::pages
