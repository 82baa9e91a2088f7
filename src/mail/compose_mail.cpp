#include <algorithm>
#include <cassert>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "mail/mail.hpp"
#include "mail/support.hpp"

namespace shakwa::mail {

namespace {

struct FormatOptionsFree {
  void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};
struct DateTimeUnref {
  void operator()(GDateTime* date) const { g_date_time_unref(date); }
};

// A UTF-8 text part. Built from the bytes rather than with g_mime_text_part_set_text, which would
// pick the "best" charset and so send Latin text as ISO-8859-1.
Owned<GMimeTextPart> Utf8Part(const char* subtype, std::string_view text) {
  Owned<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
  const std::string body = CleanText(ValidUtf8(text));
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(body.data(), body.size()));
  Owned<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(GMIME_PART(part.get()), content.get());
  g_mime_text_part_set_charset(part.get(), "utf-8");
  return part;
}

std::string AngleList(const std::vector<std::string>& ids, bool oldest_first) {
  std::string list;
  for (std::size_t n = 0; n < ids.size(); ++n) {
    const std::string id = OneLine(oldest_first ? ids[ids.size() - 1 - n] : ids[n]);
    if (id.empty()) continue;
    if (!list.empty()) list += ' ';
    list += "<" + id + ">";
  }
  return list;
}

// With the name encoded as UTF-8: left to choose, GMime picks the smallest charset that fits
// (ISO-8859-6 for Arabic), which some mail clients show as mojibake.
void AddMailbox(InternetAddressList* list, const std::string& name, const std::string& address) {
  Owned<InternetAddress> mailbox(
      internet_address_mailbox_new(OneLine(ValidUtf8(name)).c_str(), OneLine(address).c_str()));
  internet_address_set_charset(mailbox.get(), "utf-8");
  internet_address_list_add(list, mailbox.get());
}

bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > ' ' && c < 0x7F && c != ':'; });
}

}  // namespace

std::string ComposeMail(const OutboundMail& mail) {
  EnsureInitialised();
  Owned<GMimeMessage> message(g_mime_message_new(TRUE));
  GMimeObject* object = GMIME_OBJECT(message.get());

  AddMailbox(g_mime_message_get_from(message.get()), mail.from_name, mail.from_address);
  AddMailbox(g_mime_message_get_addresses(message.get(), GMIME_ADDRESS_TYPE_TO), mail.to_name,
             mail.to_address);
  g_mime_message_set_subject(message.get(), OneLine(ValidUtf8(mail.subject)).c_str(), "utf-8");
  const auto seconds =
      std::chrono::floor<std::chrono::seconds>(mail.date).time_since_epoch().count();
  std::unique_ptr<GDateTime, DateTimeUnref> date(g_date_time_new_from_unix_utc(seconds));
  if (date != nullptr) g_mime_message_set_date(message.get(), date.get());
  if (const std::string id = OneLine(mail.message_id); !id.empty()) {
    g_mime_message_set_message_id(message.get(), id.c_str());
  }
  if (const std::string in_reply_to =
          AngleList({mail.thread_ids.empty() ? std::string() : mail.thread_ids[0]}, false);
      !in_reply_to.empty()) {
    g_mime_object_set_header(object, "In-Reply-To", in_reply_to.c_str(), nullptr);
    g_mime_object_set_header(object, "References", AngleList(mail.thread_ids, true).c_str(),
                             nullptr);
  }
  g_mime_object_set_header(object, "MIME-Version", "1.0", nullptr);
  if (const std::string language = OneLine(mail.language); !language.empty()) {
    g_mime_object_set_header(object, "Content-Language", language.c_str(), nullptr);
  }
  g_mime_object_set_header(object, "Auto-Submitted", "auto-generated", nullptr);
  // Exchange does not read RFC 3834; this asks it for no out-of-office or delivery replies.
  g_mime_object_set_header(object, "X-Auto-Response-Suppress", "All", nullptr);
  for (const auto& [name, value] : mail.extra_headers) {
    assert(IsHeaderName(name));
    if (!IsHeaderName(name)) continue;
    g_mime_object_append_header(object, name.c_str(), OneLine(ValidUtf8(value)).c_str(), "utf-8");
  }

  Owned<GMimeTextPart> text = Utf8Part("plain", mail.text);
  if (mail.html.empty()) {
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(text.get()));
  } else {
    Owned<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
    Owned<GMimeTextPart> html = Utf8Part("html", mail.html);
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(text.get()));
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(html.get()));
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative.get()));
  }
  // Chooses 7bit, quoted-printable or base64 for each part so that every line is short and ASCII.
  g_mime_object_encode(object, GMIME_ENCODING_CONSTRAINT_7BIT);

  std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> format(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(format.get(), GMIME_NEWLINE_FORMAT_DOS);
  Owned<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(object, format.get(), out.get());
  return BytesOf(out.get());
}

}  // namespace shakwa::mail
