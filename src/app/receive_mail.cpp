#include "app/receive_mail.hpp"

#include <algorithm>

#include "domain/text.hpp"

namespace shakwa::app {
namespace {

// At most max code points of text, cut at a character boundary.
std::string Clip(std::string_view text, std::size_t max) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80 && count++ == max) return std::string(text.substr(0, i));
  }
  return std::string(text);
}

// Arabic letters anywhere: the beneficiary wrote in Arabic (or mixed), so they are answered in
// Arabic, the centre's first language.
bool HasArabic(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    const auto byte = static_cast<unsigned char>(ch);
    return byte >= 0xD8 && byte <= 0xDB;  // lead bytes of U+0600-U+06FF
  });
}

// A control character other than a line break or tab would be refused by intake; mail bodies
// carry form feeds and the like, which mean nothing to a reader.
std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 && ch != '\n' && ch != '\t') continue;
    if (byte == 0x7F) continue;
    out.push_back(ch);
  }
  return out;
}

// A header value as one printable line (a subject, a name).
std::string OneLine(std::string_view text) {
  std::string out = Printable(domain::Trim(text));
  std::replace_if(
      out.begin(), out.end(), [](char ch) { return ch == '\n' || ch == '\t'; }, ' ');
  return out;
}

}  // namespace

std::string_view NameOf(MailReceipt::Outcome outcome) {
  switch (outcome) {
    case MailReceipt::Outcome::kOpened:
      return "opened";
    case MailReceipt::Outcome::kAppended:
      return "appended";
    case MailReceipt::Outcome::kIgnored:
      break;
  }
  return "ignored";
}

ReceiveMail::ReceiveMail(Settings settings, const SubmitCase& submit, const HandleCase& handle,
                         const Clock& clock)
    : settings_(std::move(settings)),
      submit_(submit),
      handle_(handle),
      clock_(clock),
      senders_(settings_.max_per_sender_per_hour, std::chrono::minutes(60)) {}

void ReceiveMail::Receive(InboundMessage message, std::vector<Attachment> files, Done done) const {
  auto ignore = [&](std::string reason) {
    done(MailReceipt{MailReceipt::Outcome::kIgnored, {}, std::move(reason)});
  };
  if (message.automated) return ignore(*message.automated);
  if (message.from_address.empty()) return ignore("no_sender");
  if (std::find(settings_.own_addresses.begin(), settings_.own_addresses.end(),
                message.from_address) != settings_.own_addresses.end()) {
    return ignore("own_address");
  }
  const domain::Instant now = clock_.Now();
  if (senders_.BlockedFor(message.from_address, now) > 0) return ignore("loop");
  senders_.RecordFailure(message.from_address, now);  // counts every message, not failures

  if (!message.reference) {
    Open(std::move(message), std::move(files), std::nullopt, std::move(done));
    return;
  }
  const domain::Reference reference = *message.reference;
  MailToCase mail{message.from_address, Printable(message.subject), Printable(message.text),
                  message.message_id, files};
  handle_.ReceiveMail(
      reference, std::move(mail),
      [this, message = std::move(message), files = std::move(files), reference,
       done = std::move(done)](domain::Result<domain::Case> added) mutable {
        if (added) {
          done(MailReceipt{MailReceipt::Outcome::kAppended, added->reference.ToString(), {}});
          return;
        }
        // A closed case, or a reference that names no case: the message is not lost, it is a
        // new case (noting the reference it quoted).
        const domain::ErrorCode code = added.error().code;
        if (code == domain::ErrorCode::kConflict || code == domain::ErrorCode::kNotFound) {
          Open(std::move(message), std::move(files), reference.ToString(), std::move(done));
          return;
        }
        done(std::move(added).error());
      });
}

void ReceiveMail::Open(InboundMessage message, std::vector<Attachment> files,
                       std::optional<std::string> earlier_reference, Done done) const {
  const bool arabic = HasArabic(message.subject) || HasArabic(message.text);
  domain::IntakeForm form;
  form.kind = "complaint";
  form.channel = "email";
  form.category = settings_.category;
  std::string subject = OneLine(message.subject);
  if (subject.empty()) subject = arabic ? "رسالة بريد إلكتروني" : "E-mail message";
  form.subject = Clip(subject, 200);
  std::string text = Printable(domain::Trim(message.text));
  if (earlier_reference) {
    text = (arabic ? "(بخصوص الطلب المغلق " : "(About the closed case ") + *earlier_reference +
           ")\n\n" + text;
  }
  if (domain::Trim(text).empty()) text = arabic ? "(رسالة بلا نص)" : "(a message with no text)";
  form.description = Clip(text, 20000);
  // A complaint names the remedy sought; an e-mail rarely says it in so many words, and staff
  // ask during assessment rather than the message being refused.
  form.remedy_sought = arabic ? "(لم تُذكر في الرسالة)" : "(not stated in the e-mail)";
  form.language = arabic ? "ar" : "en";
  form.preferred_channel = "email";
  domain::IntakeForm::BeneficiaryForm beneficiary;
  beneficiary.kind = "individual";
  std::string name = OneLine(message.from_name);
  if (name.empty()) name = message.from_address.substr(0, message.from_address.find('@'));
  beneficiary.name = Clip(name, 200);
  beneficiary.email = message.from_address;
  form.beneficiary = std::move(beneficiary);
  submit_.SubmitFromMail(
      form,
      [done = std::move(done)](domain::Result<Receipt> receipt) {
        if (!receipt) {
          done(std::move(receipt).error());
          return;
        }
        done(
            MailReceipt{MailReceipt::Outcome::kOpened, receipt->recorded.reference.ToString(), {}});
      },
      std::move(files));
}

}  // namespace shakwa::app
