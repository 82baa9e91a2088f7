// SubmitCase: a beneficiary's feedback is received, recorded in full and given a reference
// number (policy: "Receipt"; ISO 10002 7.2-7.4).
//
// Validates the intake form, issues the access code, and stores the case with its first timeline
// event ("received") in one durable transaction. The receipt (reference and access code) is
// handed back only once that transaction is durable.
//
// Thread safety: Submit() may be called from any thread; done runs on a store thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/ports/clock.hpp"
#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"
#include "app/time_rules_source.hpp"
#include "domain/intake.hpp"
#include "domain/staff.hpp"

namespace shakwa::app {

struct Receipt {
  domain::Case recorded;                // as stored, with its reference
  std::string access_code;              // formatted for people; shown this once and never again
  std::vector<Attachment> attachments;  // as stored, with their ids
};

class SubmitCase {
 public:
  struct Settings {
    domain::IntakeRules rules;        // the public channels
    domain::IntakeRules staff_rules;  // what agents record: every channel
    int sequence_width = 6;
    // The SLA clocks start at receipt, by these rules (DOMAIN.md's defaults unless set).
    std::shared_ptr<const TimeRulesSource> time = TimeRulesSource::Defaults();
    bool webhooks = true;  // queue webhook events (false: none configured, so none written)
  };
  using Done = std::function<void(domain::Result<Receipt>)>;

  SubmitCase(Settings settings, Store& store, const Clock& clock, RandomSource& random,
             const AccessCodeHasher& hasher,
             std::shared_ptr<const domain::CategoryCatalogue> categories);

  // Calls done exactly once: at once with the validation errors, or after the commit.
  // files: attachments already checked and in the file store, recorded with the case in the
  // same transaction.
  void Submit(const domain::IntakeForm& form, const domain::Actor& recorded_by, Done done,
              std::vector<Attachment> files = {}) const;

  // An agent records a case received by phone, walk-in, e-mail or social media on the
  // beneficiary's behalf. received_at is when the complaint really arrived (now if absent); it
  // may not be in the future (a minute of clock skew aside). The clocks run from received_at.
  void SubmitForBeneficiary(const domain::IntakeForm& form, const domain::StaffUser& agent,
                            std::optional<domain::Instant> received_at, Done done,
                            std::vector<Attachment> files = {}) const;
  // The mail gate records an e-mail as a new case on the email channel (recorded by the system).
  void SubmitFromMail(const domain::IntakeForm& form, Done done,
                      std::vector<Attachment> files = {}) const;

  // The categories a form may offer (the same ones validation accepts).
  const domain::CategoryCatalogue& categories() const { return *categories_; }
  // The channels a beneficiary may name (public) and those an agent records (every channel).
  const domain::IntakeRules& rules(bool staff) const {
    return staff ? settings_.staff_rules : settings_.rules;
  }

 private:
  void Record(domain::Result<domain::Case> validated, const domain::Actor& recorded_by,
              std::string recorder_role, std::optional<domain::Instant> received_at, Done done,
              std::vector<Attachment> files) const;

  Settings settings_;
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  const AccessCodeHasher& hasher_;
  std::shared_ptr<const domain::CategoryCatalogue> categories_;
};

}  // namespace shakwa::app
