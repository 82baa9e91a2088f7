// Intake validation (ISO 10002 7.2, "Recorded at receipt"): turns what a beneficiary sent into a
// case ready to be stored, or into the complete list of what is wrong with it.
//
// IntakeForm is the input as received, every field optional and untrusted; a transport (the JSON
// API, the web form, the mail gate) fills it and adds the shape errors only it can see (a number
// where a string belongs, an unknown field). ValidateIntake() then reports every failing field by
// its path, never just the first, so a person can fix everything in one go.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/case.hpp"
#include "domain/category.hpp"
#include "domain/result.hpp"

namespace shakwa::domain {

struct IntakeForm {
  struct RepresentativeForm {
    std::optional<std::string> name, capacity, email, mobile;
  };
  struct BeneficiaryForm {
    std::optional<std::string> kind, name, email, mobile, national_id, organization;
    std::optional<RepresentativeForm> representative;
  };
  struct TransactionForm {
    std::optional<std::string> type, number;
  };

  std::optional<std::string> kind, channel, category, subcategory, about, subject, description,
      remedy_sought, language, preferred_channel;
  std::optional<BeneficiaryForm> beneficiary;
  std::vector<TransactionForm> related_transactions;
  std::optional<bool> consent_notice_shown, vulnerable;

  // Errors the transport found while filling the form; their paths are not validated again.
  std::vector<FieldError> shape_errors;
};

// Limits on what one case may carry. Field lengths count characters (code points), not bytes.
struct IntakeLimits {
  std::size_t name = 200;
  std::size_t email = 254;
  std::size_t organization = 200;
  std::size_t national_id = 50;
  std::size_t subject = 200;
  std::size_t description = 20000;
  std::size_t remedy_sought = 5000;
  std::size_t subcategory = 100;
  std::size_t transaction_number = 100;
  std::size_t related_transactions = 20;
};

struct IntakeRules {
  IntakeLimits limits;
  // Channels this intake path may record. Public intake takes portal and api; phone, walk-in and
  // social cases are recorded by staff, e-mail by the mail gate.
  std::vector<Channel> channels{Channel::kPortal, Channel::kApi};
};

// A validated case: every field of Case that intake sets (not id, reference, times, recorder).
Result<Case> ValidateIntake(const IntakeForm& form, const CategoryCatalogue& categories,
                            const IntakeRules& rules);

// Normalisers shared with other intake paths. nullopt when the value cannot be one.
std::optional<std::string> NormalizeEmail(std::string_view text);
std::optional<std::string> NormalizeMobile(std::string_view text);  // to E.164

}  // namespace shakwa::domain
