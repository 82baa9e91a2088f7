// The intake form, shared by the portal's /submit and the console's /console/intake: its fields
// (the API's JSON names), the form as the API's JSON body, and the choices it offers.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/vocabulary.hpp"
#include "http/pages/support.hpp"

namespace shakwa::http::pages {

// The values of a vocabulary with their labels in language, for Options().
template <typename E>
std::vector<std::pair<std::string, std::string>> TermChoices(Language language) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : domain::TermsOf<E>()) {
    out.emplace_back(std::string(t.name),
                     std::string(language == Language::kArabic ? t.arabic : t.english));
  }
  return out;
}

// The active categories (the ones validation accepts), for Options().
std::vector<std::pair<std::string, std::string>> CategoryChoices(const api::Dependencies& deps,
                                                                 Language language);

// The form as the API's JSON body, so that the one intake decoder and validation apply. Fields
// left empty are absent ("required" reads better than "must not be empty"). channel: the
// portal's fixed one, or nullopt to take the form's (the agent chooses).
boost::json::object IntakeJson(const Form& form, Language language,
                               std::optional<std::string_view> channel);

// The form's choices and values, empty or as the person left it: "v" (values by field id),
// "kinds", "beneficiary_kinds", "contact_channels", "categories", "consent_checked".
mustache::data IntakeFormData(const api::Dependencies& deps, const Form& form, Language language);

}  // namespace shakwa::http::pages
