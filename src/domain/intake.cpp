#include "domain/intake.hpp"

#include <algorithm>

#include "domain/text.hpp"

namespace shakwa::domain {
namespace {

// Collects field errors, skipping paths the transport already reported.
class Findings {
 public:
  explicit Findings(const std::vector<FieldError>& shape) : errors_(shape) {}

  // True if path, or an object or array that holds it, already has an error: a beneficiary
  // that is not an object should not also be told its name is missing.
  bool Reported(const std::string& path) const {
    return std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) {
      if (path.rfind(e.path, 0) != 0) return false;
      return path.size() == e.path.size() || path[e.path.size()] == '.' ||
             path[e.path.size()] == '[';
    });
  }
  void Add(std::string path, MessageId message, std::string param = {}) {
    if (Reported(path)) return;
    errors_.push_back(FieldError{std::move(path), message, std::move(param)});
  }
  bool empty() const { return errors_.empty(); }
  std::vector<FieldError> Take() { return std::move(errors_); }

 private:
  std::vector<FieldError> errors_;
};

// A trimmed, checked text field. Returns nullopt (with an error when required or invalid) unless
// the field holds acceptable text.
std::optional<std::string> Text(Findings& findings, const std::string& path,
                                const std::optional<std::string>& value, std::size_t limit,
                                bool required, bool multiline = false) {
  if (findings.Reported(path)) return std::nullopt;
  if (!value) {
    if (required) findings.Add(path, MessageId::kRequired);
    return std::nullopt;
  }
  const std::string_view trimmed = Trim(*value);
  if (trimmed.empty()) {
    if (required) findings.Add(path, MessageId::kEmpty);
    return std::nullopt;
  }
  if (HasControlCharacters(trimmed, multiline)) {
    findings.Add(path, MessageId::kControlCharacters);
    return std::nullopt;
  }
  if (CountCodePoints(trimmed) > limit) {
    findings.Add(path, MessageId::kTooLong, std::to_string(limit));
    return std::nullopt;
  }
  return std::string(trimmed);
}

template <typename E>
std::optional<E> Choice(Findings& findings, const std::string& path,
                        const std::optional<std::string>& value, bool required) {
  if (findings.Reported(path)) return std::nullopt;
  if (!value) {
    if (required) findings.Add(path, MessageId::kRequired);
    return std::nullopt;
  }
  auto parsed = FromName<E>(Trim(*value));
  if (!parsed) findings.Add(path, MessageId::kNotOneOf, NamesOf<E>());
  return parsed;
}

bool IsAsciiDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A contact pair (email, mobile) under prefix ("beneficiary." or "beneficiary.representative.").
void Contacts(Findings& findings, const std::string& prefix,
              const std::optional<std::string>& email_in,
              const std::optional<std::string>& mobile_in, const IntakeLimits& limits,
              std::optional<std::string>& email_out, std::optional<std::string>& mobile_out) {
  if (auto email = Text(findings, prefix + "email", email_in, limits.email, false)) {
    email_out = NormalizeEmail(*email);
    if (!email_out) findings.Add(prefix + "email", MessageId::kInvalidEmail);
  }
  if (auto mobile = Text(findings, prefix + "mobile", mobile_in, 32, false)) {
    mobile_out = NormalizeMobile(*mobile);
    if (!mobile_out) findings.Add(prefix + "mobile", MessageId::kInvalidMobile);
  }
}

}  // namespace

std::optional<std::string> NormalizeEmail(std::string_view text) {
  const std::string_view trimmed = Trim(text);
  const auto at = trimmed.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      trimmed.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view domain = trimmed.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(trimmed.size());
  for (char c : trimmed) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
        c == '(' || c == ')' || c == '[' || c == ']' || c == '\\') {
      return std::nullopt;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::optional<std::string> NormalizeMobile(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (char c : NormalizeDigits(Trim(text))) {
    if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (!plus && digits.rfind("00", 0) == 0) {
    plus = true;
    digits.erase(0, 2);
  }
  if (!plus) {
    // Saudi forms: 05XXXXXXXX, 5XXXXXXXX, 9665XXXXXXXX.
    if (digits.size() == 10 && digits.rfind("05", 0) == 0) {
      digits = "966" + digits.substr(1);
    } else if (digits.size() == 9 && digits[0] == '5') {
      digits = "966" + digits;
    } else if (!(digits.size() == 12 && digits.rfind("9665", 0) == 0)) {
      return std::nullopt;
    }
  }
  if (digits.rfind("966", 0) == 0) {
    if (digits.size() != 12 || digits[3] != '5') return std::nullopt;
  } else if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    return std::nullopt;
  }
  return "+" + digits;
}

Result<Case> ValidateIntake(const IntakeForm& form, const CategoryCatalogue& categories,
                            const IntakeRules& rules) {
  const IntakeLimits& limits = rules.limits;
  Findings findings(form.shape_errors);
  Case c;

  const auto kind = Choice<CaseKind>(findings, "kind", form.kind, true);
  if (kind) c.kind = *kind;

  if (const auto channel = Choice<Channel>(findings, "channel", form.channel, true)) {
    if (std::find(rules.channels.begin(), rules.channels.end(), *channel) == rules.channels.end()) {
      std::string open;
      for (Channel allowed : rules.channels) {
        if (!open.empty()) open += ", ";
        open += NameOf(allowed);
      }
      findings.Add("channel", MessageId::kChannelNotPublic, open);
    } else {
      c.channel = *channel;
    }
  }

  if (const auto language = Choice<Language>(findings, "language", form.language, false)) {
    c.language = *language;
  }

  if (!form.beneficiary) {
    findings.Add("beneficiary", MessageId::kRequired);
  } else {
    const auto& b = *form.beneficiary;
    const auto beneficiary_kind =
        Choice<BeneficiaryKind>(findings, "beneficiary.kind", b.kind, true);
    if (beneficiary_kind) c.beneficiary.kind = *beneficiary_kind;
    if (auto name = Text(findings, "beneficiary.name", b.name, limits.name, true)) {
      c.beneficiary.name = std::move(*name);
    }
    Contacts(findings, "beneficiary.", b.email, b.mobile, limits, c.beneficiary.email,
             c.beneficiary.mobile);
    if (!b.email && !b.mobile && !findings.Reported("beneficiary.email") &&
        !findings.Reported("beneficiary.mobile")) {
      findings.Add("beneficiary.email", MessageId::kEmailOrMobileRequired);
    }
    if (auto id =
            Text(findings, "beneficiary.national_id", b.national_id, limits.national_id, false)) {
      std::string normalized = NormalizeDigits(*id);
      if (beneficiary_kind == BeneficiaryKind::kIndividual &&
          !(normalized.size() == 10 && IsAsciiDigits(normalized) &&
            (normalized[0] == '1' || normalized[0] == '2'))) {
        findings.Add("beneficiary.national_id", MessageId::kInvalidNationalId);
      } else {
        c.beneficiary.national_id = std::move(normalized);
      }
    }
    const bool organization_required =
        beneficiary_kind && *beneficiary_kind != BeneficiaryKind::kIndividual;
    if (auto org = Text(findings, "beneficiary.organization", b.organization, limits.organization,
                        false)) {
      c.beneficiary.organization = std::move(*org);
    } else if (organization_required && !findings.Reported("beneficiary.organization")) {
      findings.Add("beneficiary.organization", MessageId::kOrganizationRequired);
    }
    if (b.representative) {
      const auto& r = *b.representative;
      Representative representative;
      const std::string prefix = "beneficiary.representative.";
      if (auto name = Text(findings, prefix + "name", r.name, limits.name, true)) {
        representative.name = std::move(*name);
      }
      if (auto capacity = Text(findings, prefix + "capacity", r.capacity, limits.name, true)) {
        representative.capacity = std::move(*capacity);
      }
      Contacts(findings, prefix, r.email, r.mobile, limits, representative.email,
               representative.mobile);
      c.beneficiary.representative = std::move(representative);
    }
  }

  if (auto category = Text(findings, "category", form.category, 64, true)) {
    if (!categories.Accepts(*category)) {
      findings.Add("category", MessageId::kUnknownCategory, categories.ActiveCodes());
    } else {
      c.category = std::move(*category);
    }
  }
  c.subcategory = Text(findings, "subcategory", form.subcategory, limits.subcategory, false);
  c.about = Choice<Subject>(findings, "about", form.about, false);

  if (form.related_transactions.size() > limits.related_transactions) {
    findings.Add("related_transactions", MessageId::kTooMany,
                 std::to_string(limits.related_transactions));
  } else {
    for (std::size_t i = 0; i < form.related_transactions.size(); ++i) {
      const std::string prefix = "related_transactions[" + std::to_string(i) + "].";
      const auto& t = form.related_transactions[i];
      const auto type = Choice<TransactionType>(findings, prefix + "type", t.type, true);
      auto number = Text(findings, prefix + "number", t.number, limits.transaction_number, true);
      if (type && number) {
        c.related_transactions.push_back(RelatedTransaction{*type, NormalizeDigits(*number)});
      }
    }
  }

  if (auto subject = Text(findings, "subject", form.subject, limits.subject, true)) {
    c.subject = std::move(*subject);
  }
  if (auto description =
          Text(findings, "description", form.description, limits.description, true, true)) {
    c.description = std::move(*description);
  }
  c.remedy_sought =
      Text(findings, "remedy_sought", form.remedy_sought, limits.remedy_sought, false, true);
  // A complaint without the remedy sought cannot be answered well (ISO 10002 7.2).
  if (kind == CaseKind::kComplaint && !c.remedy_sought && !findings.Reported("remedy_sought")) {
    findings.Add("remedy_sought", MessageId::kRemedyRequired);
  }

  c.preferred_channel =
      Choice<ContactChannel>(findings, "preferred_channel", form.preferred_channel, false);
  if (c.preferred_channel) {
    const bool wants_email = *c.preferred_channel == ContactChannel::kEmail;
    const bool has =
        wants_email ? c.beneficiary.email.has_value() : c.beneficiary.mobile.has_value();
    const bool contact_in_error =
        findings.Reported(wants_email ? "beneficiary.email" : "beneficiary.mobile");
    if (!has && !contact_in_error) {
      findings.Add("preferred_channel", MessageId::kPreferredChannelNeedsContact,
                   wants_email ? "email" : "mobile");
    }
  }

  c.consent_notice_shown = form.consent_notice_shown.value_or(false);
  if (c.channel == Channel::kPortal && !c.consent_notice_shown &&
      !findings.Reported("consent_notice_shown") && !findings.Reported("channel")) {
    findings.Add("consent_notice_shown", MessageId::kConsentRequired);
  }
  c.vulnerable = form.vulnerable.value_or(false);

  if (!findings.empty()) {
    Error error = Error::Of(ErrorCode::kInvalidInput, MessageId::kValidationFailed);
    error.fields = findings.Take();
    return error;
  }
  return c;
}

}  // namespace shakwa::domain
