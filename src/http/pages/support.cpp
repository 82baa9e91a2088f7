#include "http/pages/support.hpp"

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>
#include <map>
#include <span>

#include "domain/calendar.hpp"
#include "domain/text.hpp"
#include "http/problem.hpp"

namespace shakwa::http::pages {

// Generated from web/ by tools/embed.py: templates/, i18n/, static/.
extern const std::span<const std::pair<std::string_view, std::string_view>> kWebFiles;

namespace {

namespace json = boost::json;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string MediaType(std::string_view content_type) {
  return Lower(domain::Trim(content_type.substr(0, content_type.find(';'))));
}

domain::Result<Form> ReadUrlEncoded(std::string_view body) {
  Form form;
  boost::urls::encoding_opts plus_is_space;
  plus_is_space.space_as_plus = true;
  if (!boost::urls::parse_query(body)) {
    return Error::Of(ErrorCode::kMalformedRequest, MessageId::kBadHttpRequest);
  }
  for (const auto& param : boost::urls::params_view(body, plus_is_space)) {
    form.fields.emplace_back(std::string(param.key), std::string(param.value));
  }
  return form;
}

domain::Result<Form> ReadMultipart(const Request& request) {
  auto parts = attachments::ParseMultipart(request.Header("content-type"), request.body, {});
  if (!parts) return parts.error();
  Form form;
  for (auto& part : *parts) {
    if (part.IsFile()) {
      // An empty file input still sends a part with filename="".
      if (!part.filename->empty() || !part.data.empty()) form.files.push_back(std::move(part));
    } else {
      form.fields.emplace_back(std::move(part.name), std::move(part.data));
    }
  }
  return form;
}

// The words of one language, read once from the embedded JSON.
const std::map<std::string, std::string, std::less<>>& Words(Language language) {
  // i18n/ar.json and every i18n/<area>.ar.json (the console's words live apart from the portal's).
  static const auto load = [](std::string_view suffix) {
    std::map<std::string, std::string, std::less<>> words;
    for (const auto& [file, bytes] : kWebFiles) {
      if (!file.starts_with("i18n/")) continue;
      const std::string_view base = file.substr(5);
      if (base != suffix.substr(1) && !base.ends_with(suffix)) continue;
      const json::value parsed = json::parse(bytes);
      for (const auto& [key, value] : parsed.as_object()) {
        words.emplace(std::string(key), std::string(value.as_string()));
      }
    }
    return words;
  };
  static const auto arabic = load(".ar.json");
  static const auto english = load(".en.json");
  return language == Language::kArabic ? arabic : english;
}

const mustache::data& WordsData(Language language) {
  static const auto build = [](Language l) {
    mustache::data out{mustache::data::type::object};
    for (const auto& [key, value] : Words(l)) out.set(key, value);
    return out;
  };
  static const mustache::data arabic = build(Language::kArabic);
  static const mustache::data english = build(Language::kEnglish);
  return language == Language::kArabic ? arabic : english;
}

std::string RenderTemplate(std::string_view name, const mustache::data& data) {
  // Parsed once per thread: parsing cost more than rendering (the submit form: 6 ms a page
  // parsed each time), and kainjow's render() is not const, so threads keep their own.
  thread_local std::map<std::string, mustache::mustache, std::less<>> parsed;
  auto found = parsed.find(name);
  if (found == parsed.end()) {
    const std::string file = "templates/" + std::string(name) + ".mustache";
    const std::string_view body = EmbeddedFile(file);
    if (body.empty()) throw std::logic_error("no page template " + file);
    mustache::mustache tmpl{std::string(body)};
    if (!tmpl.is_valid()) throw std::logic_error(file + ": " + tmpl.error_message());
    found = parsed.emplace(std::string(name), std::move(tmpl)).first;
  }
  std::string out = found->second.render(data);
  if (!found->second.is_valid()) {
    throw std::logic_error(std::string(name) + ": " + found->second.error_message());
  }
  return out;
}

std::string Hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// Equal strings, in time that depends only on their lengths.
bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |=
        static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

bool IsToken(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The path and query of this request with lang= removed, for the language switch.
std::string HereWithout(const Request& request) {
  std::string query;
  if (auto parsed = boost::urls::parse_query(request.query)) {
    for (const auto& param : boost::urls::params_encoded_view(*parsed)) {
      if (param.key == "lang") continue;
      query += query.empty() ? "" : "&";
      query += std::string(param.key);
      if (param.has_value) query += "=" + std::string(param.value);
    }
  }
  return request.path + (query.empty() ? "" : "?" + query);
}

}  // namespace

std::string Form::Get(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

bool Form::Has(std::string_view name) const {
  for (const auto& field : fields) {
    if (field.first == name) return true;
  }
  return false;
}

std::vector<std::string> Form::All(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : fields) {
    if (key == name) out.push_back(value);
  }
  return out;
}

domain::Result<Form> ReadForm(const Request& request) {
  const std::string media = MediaType(request.Header("content-type"));
  domain::Result<Form> form =
      media == "application/x-www-form-urlencoded" ? ReadUrlEncoded(request.body)
      : media == "multipart/form-data"
          ? ReadMultipart(request)
          : domain::Result<Form>(
                Error::Of(ErrorCode::kUnsupportedMediaType, MessageId::kUnsupportedMediaType));
  if (!form) return form;
  for (const auto& [key, value] : form->fields) {
    if (!domain::IsValidUtf8(key) || !domain::IsValidUtf8(value)) {
      return Error::Of(ErrorCode::kMalformedRequest, MessageId::kBadHttpRequest, "invalid UTF-8");
    }
  }
  return form;
}

std::optional<Form> ReadFormOr(const PageContext& ctx, const Request& request,
                               const Respond& respond) {
  auto form = ReadForm(request);
  if (!form) {
    respond(ErrorPage(ctx, HttpStatusFor(form.error().code),
                      domain::Message(form.error().message, ctx.language)));
    return std::nullopt;
  }
  return std::move(*form);
}

std::string CookieValue(const Request& request, std::string_view name) {
  return request.Cookie(name).value_or(std::string());
}

std::string MakeCookie(std::string_view name, std::string_view value, std::string_view path,
                       std::int64_t max_age_seconds, bool secure, bool strict) {
  std::string cookie = std::string(name) + "=" + std::string(value) +
                       "; Path=" + std::string(path) +
                       "; HttpOnly; SameSite=" + (strict ? "Strict" : "Lax");
  if (max_age_seconds >= 0) cookie += "; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string ClearCookie(std::string_view name, std::string_view path, bool secure) {
  return MakeCookie(name, "", path, 0, secure, true);
}

PageContext ContextFor(const Request& request, const api::Dependencies& deps) {
  PageContext ctx;
  ctx.secure_cookies = deps.secure_cookies;
  ctx.path = HereWithout(request);
  const std::string remembered = CookieValue(request, kLanguageCookie);
  ctx.language = remembered == "en" ? Language::kEnglish : Language::kArabic;
  if (auto parsed = boost::urls::parse_query(request.query)) {
    for (const auto& param : boost::urls::params_view(*parsed)) {
      if (param.key != "lang" || (param.value != "ar" && param.value != "en")) continue;
      ctx.language = param.value == "en" ? Language::kEnglish : Language::kArabic;
      if (remembered != param.value) {
        // A year: the choice of language is not personal data and should outlive a session.
        ctx.set_cookies.push_back(MakeCookie(kLanguageCookie, std::string(param.value), "/",
                                             365 * 24 * 3600, ctx.secure_cookies, false));
      }
    }
  }
  ctx.csrf = CookieValue(request, kCsrfCookie);
  if (!IsToken(ctx.csrf)) {
    std::array<std::uint8_t, 32> bytes{};
    if (deps.random == nullptr) throw std::logic_error("pages need a random source");
    deps.random->Fill(bytes);
    ctx.csrf = Hex(bytes);
    // Lax, not Strict: a person who follows the acknowledgement's link to /track from their
    // mail must get a token with the page, or their first form would be refused.
    ctx.set_cookies.push_back(
        MakeCookie(kCsrfCookie, ctx.csrf, "/", -1, ctx.secure_cookies, false));
  }
  return ctx;
}

bool CsrfValid(const Request& request, const Form& form) {
  const std::string_view origin = request.Header("origin");
  if (!origin.empty() && origin != "null") {
    const auto scheme = origin.find("://");
    const std::string_view host =
        scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
    if (host != request.Header("host")) return false;
  }
  const std::string cookie = CookieValue(request, kCsrfCookie);
  return IsToken(cookie) && SameToken(cookie, form.Get(kCsrfField));
}

std::string When(const std::optional<domain::Instant>& at, Language language) {
  return at ? domain::FormatForPeople(*at, language) : std::string();
}

std::string Word(Language language, std::string_view key) {
  const auto& words = Words(language);
  const auto found = words.find(key);
  return found == words.end() ? std::string(key) : found->second;
}

std::string FieldId(std::string_view field) {
  std::string id;
  for (char c : field) {
    if (c == '.' || c == '[') {
      id += '_';
    } else if (c != ']') {
      id += c;
    }
  }
  return id;
}

void PutErrors(mustache::data& data, const domain::Error& error, Language language) {
  mustache::data summary{mustache::data::type::object};
  // As the API's problem title: a parameter in Arabic when the error has one (a template's
  // syntax error, an external body's name).
  summary.set("message",
              domain::Message(error.message, language,
                              language == Language::kArabic && !error.message_param_ar.empty()
                                  ? error.message_param_ar
                                  : error.message_param));
  mustache::data items{mustache::data::type::list};
  mustache::data by_field{mustache::data::type::object};
  for (const auto& f : error.fields) {
    const std::string id = FieldId(f.path);
    const std::string text = domain::Message(f.message, language, f.param);
    mustache::data item{mustache::data::type::object};
    item.set("id", id);
    item.set("message", text);
    items.push_back(item);
    by_field.set(id, text);
  }
  summary.set("items", items);
  data.set("error_summary", summary);
  data.set("e", by_field);
}

mustache::data Options(const std::vector<std::pair<std::string, std::string>>& values_and_labels,
                       std::string_view selected) {
  mustache::data out{mustache::data::type::list};
  for (const auto& [value, label] : values_and_labels) {
    mustache::data option{mustache::data::type::object};
    option.set("value", value);
    option.set("label", label);
    option.set("selected", value == selected);
    out.push_back(option);
  }
  return out;
}

void Finish(const PageContext& ctx, Response& response) {
  // No inline script or style anywhere, nothing from another site, no framing.
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Pages may show personal data: a shared computer's cache must not keep them.
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Content-Language",
                                ctx.language == Language::kArabic ? "ar" : "en");
  for (const auto& cookie : ctx.set_cookies) response.headers.emplace_back("Set-Cookie", cookie);
}

Response Render(const PageContext& ctx, std::string_view name, std::string_view title_key,
                mustache::data data, unsigned status) {
  const bool arabic = ctx.language == Language::kArabic;
  data.set("t", WordsData(ctx.language));
  data.set("lang", arabic ? "ar" : "en");
  data.set("dir", arabic ? "rtl" : "ltr");
  data.set("csrf", ctx.csrf);
  if (ctx.staff) {
    mustache::data staff{mustache::data::type::object};
    staff.set("name", ctx.staff->name);
    staff.set("role", std::string(domain::LabelOf(ctx.staff->role, ctx.language)));
    // Only agents record on a beneficiary's behalf (the API's access table says so too).
    staff.set("can_intake", ctx.staff->role == domain::Role::kAgent);
    // The administration and the audit trail: the roles the admin and audit endpoints admit.
    staff.set("can_admin", ctx.staff->role == domain::Role::kAdmin);
    staff.set("can_audit", ctx.staff->role == domain::Role::kAuditor);
    data.set("staff", staff);
  }
  if (data.get("error_summary") != nullptr) {
    data.set("error_block", RenderTemplate("error_summary", data));
  }
  const std::string content = RenderTemplate(name, data);
  data.set("content", content);
  data.set("title", Word(ctx.language, title_key));
  // The switch names the other language in that language, and comes back to this page.
  const std::string separator = ctx.path.find('?') == std::string::npos ? "?" : "&";
  data.set("switch_href", ctx.path + separator + (arabic ? "lang=en" : "lang=ar"));
  data.set("switch_lang", arabic ? "en" : "ar");
  data.set("switch_label", arabic ? "English" : "العربية");
  Response response{status, "text/html; charset=utf-8", RenderTemplate("layout", data), {}};
  Finish(ctx, response);
  return response;
}

Response Redirect(const PageContext& ctx, std::string location) {
  Response response{303, "text/html; charset=utf-8", {}, {}};
  response.headers.emplace_back("Location", std::move(location));
  Finish(ctx, response);
  return response;
}

Response ErrorPage(const PageContext& ctx, unsigned status, std::string message) {
  mustache::data data{mustache::data::type::object};
  data.set("message", std::move(message));
  return Render(ctx, "error", "error_title", std::move(data), status);
}

void AddPage(Router& router, Method method, std::string_view pattern, const api::Dependencies& deps,
             PageHandler handler) {
  router.Add(method, pattern, [deps, handler](const Request& request, Respond respond) {
    handler(deps, request, std::move(respond));
  });
}

std::span<const std::pair<std::string_view, std::string_view>> EmbeddedFiles() {
  return kWebFiles;
}

std::vector<std::string> MissingWords() {
  std::vector<std::string> missing;
  for (const auto& [file, body] : kWebFiles) {
    if (!file.starts_with("templates/")) continue;
    for (std::size_t at = body.find("{{t."); at != std::string_view::npos;
         at = body.find("{{t.", at + 4)) {
      const auto end = body.find("}}", at);
      if (end == std::string_view::npos) break;
      const std::string key(body.substr(at + 4, end - at - 4));
      for (Language language : {Language::kArabic, Language::kEnglish}) {
        if (!Words(language).contains(key)) {
          missing.push_back(std::string(language == Language::kArabic ? "ar: " : "en: ") + key +
                            " (in " + std::string(file) + ")");
        }
      }
    }
  }
  return missing;
}

std::string_view EmbeddedFile(std::string_view name) {
  for (const auto& [file, bytes] : kWebFiles) {
    if (file == name) return bytes;
  }
  return {};
}

}  // namespace shakwa::http::pages
