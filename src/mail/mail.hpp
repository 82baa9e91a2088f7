// E-mail in and out: reading what the mailgate receives, and composing what Shakwa sends.
//
// Inbound, a mail server pipes each message to Shakwa whole; ParseMail turns it into plain values
// (sender, subject, thread ids, the body as readable UTF-8 text, attachments) and says whether it
// is machine mail (bounces, auto-replies, lists) that must never open a case or be answered, so
// two robots cannot mail each other forever. FindReference names the case a message answers.
// Outbound, ComposeMail writes the RFC 5322 bytes for an SMTP server, marked Auto-Submitted so
// other robots do not answer us, and MessageIdFor makes message ids that lead replies back to
// their case.
//
// All MIME work is GMime's, HTML is read by libxml2's HTML parser; neither appears here, and
// nothing returned points into the input or into either library.
//
// Trust: everything in an InboundMail is what the sender wrote. From can be forged and a
// reference in a subject or thread id proves nothing: before a message is added to a case, the
// caller must check that the sender may write to it.
//
// Thread safety: pure functions, safe from any number of threads at once. The libraries are
// initialised once per process on first use (std::call_once) and never shut down.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/reference_number.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace shakwa::mail {

struct Attachment {
  // As the sender named it (RFC 2231 and RFC 2047 decoded), without any directory. Empty for an
  // inline part that has no name (an image pasted into the message body, say).
  std::string filename;
  std::string media_type;  // as the sender labelled it, lower case, no parameters; untrusted
  std::string bytes;       // transfer encoding (base64, quoted-printable) removed

  bool operator==(const Attachment&) const = default;
};

struct InboundMail {
  std::string from_address;  // addr-spec, lower-cased; empty if there is none with an '@'
  std::string from_name;     // display name, decoded UTF-8 (RFC 2047), may be empty
  std::string subject;       // decoded UTF-8
  std::string message_id;    // without angle brackets; may be empty
  // In-Reply-To first, then References newest first; no brackets, no repeats.
  std::vector<std::string> thread_ids;
  // The body as plain UTF-8 text with "\n" line ends: the text/plain parts if there are any
  // (several inline ones, as Apple Mail writes around pictures, are joined by a blank line),
  // otherwise the HTML reduced by HtmlToText. Declared charsets are converted; undeclared 8-bit
  // text is read as UTF-8, else windows-1256 (the Arabic Windows charset), else ISO-8859-1.
  std::string text;
  // Every part that is not body text: parts with a filename or Content-Disposition: attachment,
  // inline images and other non-text parts, forwarded messages (as message/rfc822, named after
  // their subject). The signature of a multipart/signed message is not an attachment.
  std::vector<Attachment> attachments;
  // Set when this is machine mail that must never open a case or get a reply, naming the first
  // reason found, checked in this order:
  //   "auto_submitted"  Auto-Submitted present and not "no" (RFC 3834)
  //   "precedence"      Precedence: bulk, junk, list or auto_reply
  //   "auto_reply"      X-Autoreply, X-Autorespond, or X-Auto-Response-Suppress naming All, OOF
  //                     or AutoReply (Exchange's out-of-office replies)
  //   "mailing_list"    List-Id or List-Unsubscribe (RFC 2919, 2369)
  //   "bounce"          Content-Type multipart/report, From mailer-daemon@ or postmaster@, or an
  //                     empty Return-Path "<>" (RFC 5321 null reverse-path)
  //   "no_sender"       no From address: there is no one to answer
  std::optional<std::string> automated;
};

// Reads one RFC 5322 message (CRLF or LF line ends; an mbox "From " line in front is skipped).
// Lenient, as real-world mail needs: broken MIME is read as far as GMime can make sense of it.
//
// Errors, all kInvalidInput:
//   kMailTooLarge (message_param = max_bytes in decimal): raw is larger than max_bytes; checked
//     before anything is parsed.
//   kMailUnreadable (message_param = a short English reason): GMime cannot parse raw, or it has
//     no header at all.
domain::Result<InboundMail> ParseMail(std::string_view raw, std::size_t max_bytes);

// HTML reduced to text a person can read and nothing can execute. Script, style, head (and
// template, iframe, object, svg) content is dropped; block elements (p, div, br, li, tr, h1-h6,
// blockquote, …) become line breaks, at most one blank line in a row; entities are decoded and
// white space collapsed (except inside pre); a link is kept as "text (url)" only when its URL is
// http, https or mailto, otherwise only its text is kept. Input that is not valid UTF-8 has its
// bad bytes replaced; broken HTML is read as browsers would guess it. Never fails.
std::string HtmlToText(std::string_view html);

// The case a message answers: first a reference quoted in the subject ("Re: [C-2026-000123-4]
// …", brackets optional, Arabic-Indic digits allowed), then one carried by a message id that
// MessageIdFor made, in thread_ids order. A reference whose check digit is wrong is no reference.
std::optional<domain::Reference> FindReference(const InboundMail& mail);

struct OutboundMail {
  std::string from_address, from_name;  // the name may be Arabic
  std::string to_address, to_name;
  std::string subject;     // UTF-8, may be Arabic: encoded per RFC 2047
  std::string text;        // the text/plain part, UTF-8
  std::string html;        // the text/html part, UTF-8; empty: the message is a single text/plain
  std::string message_id;  // without brackets
  // Newest first, as InboundMail::thread_ids: In-Reply-To is the first, References all of them
  // (written oldest first, as RFC 5322 orders them). No brackets.
  std::vector<std::string> thread_ids;
  std::string language;  // "ar" or "en": Content-Language
  domain::Instant date{};
  // Written after Shakwa's own headers, e.g. {"X-Shakwa-Reference", "C-2026-000123-4"}.
  // REQUIRES: names are printable ASCII without ':' or spaces, and none of the headers above.
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

// The RFC 5322 bytes (CRLF line ends) to hand to an SMTP server: multipart/alternative of text and
// HTML (or text alone), both UTF-8, quoted-printable or base64 as GMime finds best; Date,
// Message-ID, In-Reply-To, References, MIME-Version, Content-Language and
// "Auto-Submitted: auto-generated" (RFC 3834). Line breaks and other control characters in
// one-line fields (names, addresses, subject, ids, header values) become spaces, so no value can
// add a header.
std::string ComposeMail(const OutboundMail& mail);

// "shakwa.<reference>.<first 16 hex digits of SHA-256(key)>@<domain>": the Message-ID for a
// message about a case. The same (reference, key) gives the same id, so a message sent again is
// recognised as the same by the receiver; FindReference reads the reference back out of replies.
std::string MessageIdFor(const domain::Reference& reference, std::string_view key,
                         std::string_view domain);

}  // namespace shakwa::mail
