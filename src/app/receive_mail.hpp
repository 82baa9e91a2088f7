// ReceiveMail: e-mail as an intake channel (the policy's "any official channel"). The mail
// server hands each message to the mail gate; this decides what it is:
//
//   - machine mail (auto-replies, bounces, lists) and loops (one sender writing more than the
//     hourly limit, or our own address) are ignored: no case, no reply, so two robots can
//     never answer each other forever;
//   - a message quoting a case's reference (in its subject, or replying to our message) joins
//     that case (HandleCase::ReceiveMail decides how far, by who sent it); a case already closed
//     gets a new case instead, noting the old reference;
//   - anything else opens a new case on the email channel, acknowledged by e-mail.
//
// Thread safety: Receive may be called from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/attempt_limiter.hpp"
#include "app/handle_case.hpp"
#include "app/submit_case.hpp"

namespace shakwa::app {

// A message as the mail library read it.
struct InboundMessage {
  std::string from_address;  // lower-cased
  std::string from_name;
  std::string subject;
  std::string message_id;
  std::string text;
  std::optional<domain::Reference> reference;  // quoted in the subject or the thread
  std::optional<std::string> automated;        // why it is machine mail, if it is
};

struct MailReceipt {
  enum class Outcome { kOpened, kAppended, kIgnored };
  Outcome outcome = Outcome::kIgnored;
  std::string reference;  // the case opened or added to
  std::string reason;     // why it was ignored
};

std::string_view NameOf(MailReceipt::Outcome outcome);

class ReceiveMail {
 public:
  struct Settings {
    std::string category = "other";          // of cases opened by e-mail
    int max_per_sender_per_hour = 20;        // more is a loop
    std::vector<std::string> own_addresses;  // lower-cased; mail from these is ours coming back
  };
  using Done = std::function<void(domain::Result<MailReceipt>)>;

  ReceiveMail(Settings settings, const SubmitCase& submit, const HandleCase& handle,
              const Clock& clock);

  void Receive(InboundMessage message, std::vector<Attachment> files, Done done) const;

 private:
  void Open(InboundMessage message, std::vector<Attachment> files,
            std::optional<std::string> earlier_reference, Done done) const;

  Settings settings_;
  const SubmitCase& submit_;
  const HandleCase& handle_;
  const Clock& clock_;
  mutable AttemptLimiter senders_;
};

}  // namespace shakwa::app
