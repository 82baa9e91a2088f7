#include <string>

#include "mail/mail.hpp"
#include "mail/support.hpp"

namespace shakwa::mail {

namespace {

constexpr std::string_view kIdPrefix = "shakwa.";

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The length of the Arabic-Indic (U+0660-0669) or Extended Arabic-Indic (U+06F0-06F9) digit
// at the start of text, in bytes; 0 if there is none.
std::size_t ArabicDigitLength(std::string_view text) {
  if (text.size() < 2) return 0;
  const auto lead = static_cast<unsigned char>(text[0]);
  const auto trail = static_cast<unsigned char>(text[1]);
  if (lead == 0xD9 && trail >= 0xA0 && trail <= 0xA9) return 2;
  if (lead == 0xDB && trail >= 0xB0 && trail <= 0xB9) return 2;
  return 0;
}

std::optional<domain::Reference> ReferenceInSubject(std::string_view subject) {
  for (std::size_t i = 0; i < subject.size(); ++i) {
    const char prefix = AsciiLower(subject[i]);
    if (prefix != 'c' && prefix != 's' && prefix != 'r' && prefix != 't') continue;
    if (i > 0 && IsAsciiAlnum(subject[i - 1])) continue;  // inside a word
    std::size_t end = i + 1;
    while (end < subject.size()) {
      if (subject[end] == '-' || (subject[end] >= '0' && subject[end] <= '9')) {
        ++end;
      } else if (const std::size_t digit = ArabicDigitLength(subject.substr(end)); digit > 0) {
        end += digit;
      } else {
        break;
      }
    }
    if (end < subject.size() && IsAsciiAlnum(subject[end])) continue;
    if (auto reference = domain::ParseReference(subject.substr(i, end - i))) return reference;
  }
  return std::nullopt;
}

std::optional<domain::Reference> ReferenceInMessageId(std::string_view id) {
  if (Lower(id.substr(0, kIdPrefix.size())) != kIdPrefix) return std::nullopt;
  id.remove_prefix(kIdPrefix.size());
  const std::size_t end = id.find_first_of(".@");
  if (end == std::string_view::npos) return std::nullopt;
  return domain::ParseReference(id.substr(0, end));
}

}  // namespace

std::optional<domain::Reference> FindReference(const InboundMail& mail) {
  if (auto reference = ReferenceInSubject(mail.subject)) return reference;
  for (const std::string& id : mail.thread_ids) {
    if (auto reference = ReferenceInMessageId(id)) return reference;
  }
  return std::nullopt;
}

std::string MessageIdFor(const domain::Reference& reference, std::string_view key,
                         std::string_view domain) {
  const std::string digest = Take(g_compute_checksum_for_data(
      G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(key.data()), key.size()));
  return std::string(kIdPrefix) + reference.ToString() + "." + digest.substr(0, 16) + "@" +
         std::string(domain);
}

}  // namespace shakwa::mail
