#include <algorithm>
#include <array>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/mail.hpp"
#include "mail/support.hpp"

namespace shakwa::mail {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* options) const { g_mime_parser_options_free(options); }
};
struct ReferencesFree {
  void operator()(GMimeReferences* references) const { g_mime_references_free(references); }
};

Error Unreadable(std::string reason) {
  Error error = Error::Of(ErrorCode::kInvalidInput, MessageId::kMailUnreadable,
                          "mail: cannot read message: " + reason);
  error.message_param = std::move(reason);
  return error;
}

// Undeclared 8-bit text (and 8-bit header values) are tried as these, in order; the first that
// converts every byte wins. windows-1256 before ISO-8859-1 because Arabic Outlook writes it, and
// it keeps the French accented letters where ISO-8859-1 has them.
constexpr std::array<const char*, 4> kFallbackCharsets = {"utf-8", "windows-1256", "iso-8859-1",
                                                          nullptr};

std::unique_ptr<GMimeParserOptions, ParserOptionsFree> MakeParserOptions() {
  std::unique_ptr<GMimeParserOptions, ParserOptionsFree> options(g_mime_parser_options_new());
  // GMime copies the list; its signature is not const-correct.
  auto charsets = kFallbackCharsets;
  g_mime_parser_options_set_fallback_charsets(options.get(), charsets.data());
  // Mail in the wild breaks RFC 2047 (encoded words inside quotes, or glued to other text);
  // reading it the way mail clients do shows people the name they typed.
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  return options;
}

const char* Header(GMimeObject* object, const char* name) {
  return g_mime_object_get_header(object, name);
}

// The token of a header value before any ';' parameters or comment, lower case and trimmed.
std::string HeaderKeyword(const char* value) {
  std::string_view text = value == nullptr ? std::string_view() : std::string_view(value);
  text = text.substr(0, std::min(text.find(';'), text.find('(')));
  return Lower(TrimAscii(text));
}

bool ListsAny(const char* value, std::initializer_list<std::string_view> tokens) {
  if (value == nullptr) return false;
  const std::string list = Lower(value);
  std::size_t at = 0;
  while (at < list.size()) {
    const std::size_t end = std::min(list.find_first_of(",;", at), list.size());
    const std::string_view token = TrimAscii(std::string_view(list).substr(at, end - at));
    for (std::string_view wanted : tokens) {
      if (token == wanted) return true;
    }
    at = end + 1;
  }
  return false;
}

// The content of a part with its transfer encoding removed.
std::string DecodedContent(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  Owned<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, out.get()) < 0) return {};
  return BytesOf(out.get());
}

bool IsUtf8Name(std::string_view charset) {
  const std::string lower = Lower(charset);
  return lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii";
}

std::string TextToUtf8(std::string bytes, const char* charset, GMimeParserOptions* options) {
  // A stray NUL must not make UTF-8 text look like some other charset.
  bytes.erase(std::remove(bytes.begin(), bytes.end(), '\0'), bytes.end());
  if (charset != nullptr && !IsUtf8Name(charset)) {
    gsize written = 0;
    GError* error = nullptr;
    char* converted = g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                g_mime_charset_iconv_name(charset), nullptr, &written, &error);
    if (converted != nullptr) {
      GMemory holder(converted);
      return CleanText(ValidUtf8(std::string_view(converted, written)));
    }
    // An unknown charset or bytes that are not in it: guess, as for undeclared text.
    g_clear_error(&error);
  }
  if (IsUtf8(bytes)) return CleanText(bytes);
  return CleanText(ValidUtf8(Take(g_mime_utils_decode_8bit(options, bytes.data(), bytes.size()))));
}

bool IsType(GMimeObject* object, const char* type, const char* subtype) {
  GMimeContentType* content_type = g_mime_object_get_content_type(object);
  return content_type != nullptr && g_mime_content_type_is_type(content_type, type, subtype);
}

std::string MediaTypeOf(GMimeObject* object) {
  GMimeContentType* content_type = g_mime_object_get_content_type(object);
  if (content_type == nullptr) return "application/octet-stream";
  return Lower(Take(g_mime_content_type_get_mime_type(content_type)));
}

// Without any directory a sender's client put in: the text after the last '/' or '\'.
std::string BaseName(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string base = OneLine(ValidUtf8(name));
  return base == "." || base == ".." ? std::string() : base;
}

struct Collected {
  std::vector<std::string> plain;
  std::vector<std::string> html;
  std::vector<Attachment> attachments;
};

// Deeper than any mail client nests; a message nested further is someone probing the parser.
constexpr int kMaxDepth = 32;

void CollectPart(GMimePart* part, GMimeParserOptions* options, Collected& collected) {
  GMimeObject* object = GMIME_OBJECT(part);
  const char* filename = g_mime_part_get_filename(part);
  const bool named = filename != nullptr && *filename != '\0';
  if (!named && !g_mime_part_is_attachment(part)) {
    const bool plain = IsType(object, "text", "plain");
    if (plain || IsType(object, "text", "html")) {
      const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
      std::string text = TextToUtf8(DecodedContent(part), charset, options);
      (plain ? collected.plain : collected.html).push_back(std::move(text));
      return;
    }
  }
  Attachment attachment;
  attachment.filename = named ? BaseName(filename) : std::string();
  attachment.media_type = MediaTypeOf(object);
  attachment.bytes = DecodedContent(part);
  collected.attachments.push_back(std::move(attachment));
}

// Every branch of a multipart/alternative is walked: the text/plain and text/html versions are
// both collected (ParseMail uses the HTML only when there is no plain text), and pictures that
// only the HTML version shows are still kept as attachments.
void Collect(GMimeObject* object, int depth, GMimeParserOptions* options, Collected& collected) {
  if (object == nullptr || depth > kMaxDepth) return;
  if (GMIME_IS_MESSAGE_PART(object)) {
    // A forwarded message: kept whole, so nothing the beneficiary forwarded is lost.
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (inner == nullptr) return;
    Owned<GMimeStream> out(g_mime_stream_mem_new());
    if (g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, out.get()) < 0) return;
    Attachment attachment;
    const char* subject = g_mime_message_get_subject(inner);
    const std::string name = BaseName(subject == nullptr ? "" : subject);
    attachment.filename = (name.empty() ? std::string("message") : name) + ".eml";
    attachment.media_type = "message/rfc822";
    attachment.bytes = BytesOf(out.get());
    collected.attachments.push_back(std::move(attachment));
    return;
  }
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    // Of a signed message, the signed content only: the signature is for a mail client, not
    // for a case file.
    const int count = GMIME_IS_MULTIPART_SIGNED(object)
                          ? std::min(g_mime_multipart_get_count(multipart), 1)
                          : g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) {
      Collect(g_mime_multipart_get_part(multipart, i), depth + 1, options, collected);
    }
    return;
  }
  if (GMIME_IS_PART(object)) CollectPart(GMIME_PART(object), options, collected);
}

void AddThreadIds(const char* header, bool newest_first, GMimeParserOptions* options,
                  std::vector<std::string>& ids) {
  if (header == nullptr) return;
  std::unique_ptr<GMimeReferences, ReferencesFree> references(
      g_mime_references_parse(options, header));
  if (references == nullptr) return;
  const int count = g_mime_references_length(references.get());
  for (int n = 0; n < count; ++n) {
    const int i = newest_first ? count - 1 - n : n;
    const char* id = g_mime_references_get_message_id(references.get(), i);
    if (id == nullptr || *id == '\0') continue;
    std::string value = OneLine(ValidUtf8(id));
    if (!value.empty() && std::find(ids.begin(), ids.end(), value) == ids.end()) {
      ids.push_back(std::move(value));
    }
  }
}

// The first mailbox of From, looking inside a group if that is all there is.
InternetAddressMailbox* FirstMailbox(InternetAddressList* list, int depth = 0) {
  if (list == nullptr || depth > 1) return nullptr;
  const int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) return INTERNET_ADDRESS_MAILBOX(address);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      InternetAddressMailbox* inner = FirstMailbox(
          internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), depth + 1);
      if (inner != nullptr) return inner;
    }
  }
  return nullptr;
}

// An address with something on both sides of its '@': anything less cannot be answered.
bool IsUsableAddress(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
         address.find_first_of(" \t\r\n<>") == std::string_view::npos;
}

std::optional<std::string> AutomatedReason(GMimeMessage* message, const InboundMail& mail) {
  GMimeObject* object = GMIME_OBJECT(message);
  if (const char* value = Header(object, "Auto-Submitted");
      value != nullptr && HeaderKeyword(value) != "no") {
    return "auto_submitted";
  }
  if (const std::string precedence = HeaderKeyword(Header(object, "Precedence"));
      precedence == "bulk" || precedence == "junk" || precedence == "list" ||
      precedence == "auto_reply") {
    return "precedence";
  }
  if (Header(object, "X-Autoreply") != nullptr || Header(object, "X-Autorespond") != nullptr ||
      ListsAny(Header(object, "X-Auto-Response-Suppress"), {"all", "oof", "autoreply"})) {
    return "auto_reply";
  }
  if (Header(object, "List-Id") != nullptr || Header(object, "List-Unsubscribe") != nullptr) {
    return "mailing_list";
  }
  GMimeObject* body = g_mime_message_get_mime_part(message);
  const std::string local = mail.from_address.substr(0, mail.from_address.rfind('@'));
  std::string return_path;
  if (const char* value = Header(object, "Return-Path"); value != nullptr) {
    for (char c : std::string_view(value)) {
      if (!IsAsciiSpace(c)) return_path += c;
    }
  }
  if ((body != nullptr && IsType(body, "multipart", "report")) || local == "mailer-daemon" ||
      local == "postmaster" || return_path == "<>") {
    return "bounce";
  }
  if (mail.from_address.empty()) return "no_sender";
  return std::nullopt;
}

std::string JoinParagraphs(const std::vector<std::string>& parts) {
  std::string joined;
  for (const std::string& part : parts) {
    const std::string_view trimmed = TrimAscii(part);
    if (trimmed.empty()) continue;
    if (!joined.empty()) joined += "\n\n";
    joined += trimmed;
  }
  return joined;
}

}  // namespace

domain::Result<InboundMail> ParseMail(std::string_view raw, std::size_t max_bytes) {
  if (raw.size() > max_bytes) {
    Error error = Error::Of(ErrorCode::kInvalidInput, MessageId::kMailTooLarge,
                            "mail: message of " + std::to_string(raw.size()) +
                                " bytes is over the limit of " + std::to_string(max_bytes));
    error.message_param = std::to_string(max_bytes);
    return error;
  }
  // A mail server delivering in mbox style puts its envelope line first; it is not a header.
  if (StartsWith(raw, "From ")) {
    const std::size_t end = raw.find('\n');
    raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 1);
  }
  if (TrimAscii(raw).empty()) return Unreadable("empty message");
  EnsureInitialised();

  // The options outlive every object parsed with them.
  const auto options = MakeParserOptions();
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  Owned<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
  if (message == nullptr) return Unreadable("not an RFC 5322 message");
  GMimeObject* object = GMIME_OBJECT(message.get());
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  if (headers == nullptr || g_mime_header_list_get_count(headers) == 0) {
    return Unreadable("no headers");
  }

  InboundMail mail;
  if (InternetAddressMailbox* from = FirstMailbox(g_mime_message_get_from(message.get()))) {
    const char* address = internet_address_mailbox_get_addr(from);
    if (address != nullptr && IsUsableAddress(address)) {
      mail.from_address = Lower(ValidUtf8(address));
    }
    if (const char* name = internet_address_get_name(INTERNET_ADDRESS(from)); name != nullptr) {
      mail.from_name = OneLine(ValidUtf8(name));
    }
  }
  if (const char* subject = g_mime_message_get_subject(message.get()); subject != nullptr) {
    mail.subject = OneLine(ValidUtf8(subject));
  }
  if (const char* id = g_mime_message_get_message_id(message.get()); id != nullptr) {
    mail.message_id = OneLine(ValidUtf8(id));
  }
  AddThreadIds(Header(object, "In-Reply-To"), false, options.get(), mail.thread_ids);
  AddThreadIds(Header(object, "References"), true, options.get(), mail.thread_ids);

  Collected collected;
  Collect(g_mime_message_get_mime_part(message.get()), 0, options.get(), collected);
  mail.text = JoinParagraphs(collected.plain);
  if (mail.text.empty()) {  // no text/plain part, or an empty one beside the HTML
    std::vector<std::string> reduced;
    for (const std::string& html : collected.html) reduced.push_back(HtmlToText(html));
    mail.text = JoinParagraphs(reduced);
  }
  mail.attachments = std::move(collected.attachments);
  mail.automated = AutomatedReason(message.get(), mail);
  return mail;
}

}  // namespace shakwa::mail
