#include "http/pages/intake_form.hpp"

#include <boost/json.hpp>

#include "domain/case.hpp"

namespace shakwa::http::pages {
namespace {

// The intake form's text fields, as the API's JSON names them.
constexpr std::string_view kIntakeFields[] = {
    "kind",
    "category",
    "subject",
    "description",
    "remedy_sought",
    "preferred_channel",
    "beneficiary.kind",
    "beneficiary.name",
    "beneficiary.email",
    "beneficiary.mobile",
    "beneficiary.national_id",
    "beneficiary.organization",
};

}  // namespace

std::vector<std::pair<std::string, std::string>> CategoryChoices(const api::Dependencies& deps,
                                                                 Language language) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : deps.submit_case.categories().all()) {
    if (c.active) out.emplace_back(c.code, language == Language::kArabic ? c.name_ar : c.name_en);
  }
  return out;
}

boost::json::object IntakeJson(const Form& form, Language language,
                               std::optional<std::string_view> channel) {
  boost::json::object body;
  boost::json::object beneficiary;
  for (std::string_view field : kIntakeFields) {
    const std::string value = form.Get(field);
    if (value.empty()) continue;
    if (field.starts_with("beneficiary.")) {
      beneficiary[field.substr(12)] = value;
    } else {
      body[field] = value;
    }
  }
  if (!beneficiary.empty()) body["beneficiary"] = std::move(beneficiary);
  if (channel) {
    body["channel"] = *channel;
  } else if (const std::string chosen = form.Get("channel"); !chosen.empty()) {
    body["channel"] = chosen;
  }
  body["language"] = language == Language::kArabic ? "ar" : "en";
  body["consent_notice_shown"] = form.Get("consent_notice_shown") == "true";
  return body;
}

mustache::data IntakeFormData(const api::Dependencies& deps, const Form& form, Language language) {
  mustache::data data{mustache::data::type::object};
  mustache::data values{mustache::data::type::object};
  for (std::string_view field : kIntakeFields) values.set(FieldId(field), form.Get(field));
  data.set("v", values);
  data.set("kinds", Options(TermChoices<domain::CaseKind>(language), form.Get("kind")));
  data.set("beneficiary_kinds",
           Options(TermChoices<domain::BeneficiaryKind>(language), form.Get("beneficiary.kind")));
  data.set("contact_channels",
           Options(TermChoices<domain::ContactChannel>(language), form.Get("preferred_channel")));
  data.set("categories", Options(CategoryChoices(deps, language), form.Get("category")));
  data.set("consent_checked", form.Get("consent_notice_shown") == "true");
  return data;
}

}  // namespace shakwa::http::pages
