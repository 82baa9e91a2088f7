#include "http/api/intake_json.hpp"

#include <boost/json.hpp>

#include "http/api/json_reader.hpp"

namespace shakwa::http::api {
namespace {

namespace json = boost::json;
using domain::FieldError;
using domain::MessageId;

}  // namespace

domain::IntakeForm DecodeIntake(const json::object& body, std::optional<std::string>* received_at) {
  domain::IntakeForm form;
  auto& errors = form.shape_errors;
  ObjectReader top(
      body, "", errors,
      {"kind", "channel", "category", "subcategory", "about", "subject", "description",
       "remedy_sought", "language", "preferred_channel", "beneficiary", "related_transactions",
       "consent_notice_shown", "vulnerable", received_at != nullptr ? "received_at" : ""});
  if (received_at != nullptr) *received_at = top.String("received_at");
  form.kind = top.String("kind");
  form.channel = top.String("channel");
  form.category = top.String("category");
  form.subcategory = top.String("subcategory");
  form.about = top.String("about");
  form.subject = top.String("subject");
  form.description = top.String("description");
  form.remedy_sought = top.String("remedy_sought");
  form.language = top.String("language");
  form.preferred_channel = top.String("preferred_channel");
  form.consent_notice_shown = top.Bool("consent_notice_shown");
  form.vulnerable = top.Bool("vulnerable");

  const bool beneficiary_present =
      body.if_contains("beneficiary") != nullptr && !body.at("beneficiary").is_null();
  if (const json::object* b = top.Object("beneficiary")) {
    ObjectReader reader(
        *b, "beneficiary.", errors,
        {"kind", "name", "email", "mobile", "national_id", "organization", "representative"});
    domain::IntakeForm::BeneficiaryForm beneficiary;
    beneficiary.kind = reader.String("kind");
    beneficiary.name = reader.String("name");
    beneficiary.email = reader.String("email");
    beneficiary.mobile = reader.String("mobile");
    beneficiary.national_id = reader.String("national_id");
    beneficiary.organization = reader.String("organization");
    if (const json::object* r = reader.Object("representative")) {
      ObjectReader rep(*r, "beneficiary.representative.", errors,
                       {"name", "capacity", "email", "mobile"});
      beneficiary.representative = domain::IntakeForm::RepresentativeForm{
          rep.String("name"), rep.String("capacity"), rep.String("email"), rep.String("mobile")};
    }
    form.beneficiary = std::move(beneficiary);
  } else if (beneficiary_present) {
    // A beneficiary of the wrong type was reported above; record an empty one so that
    // validation does not add "required" on top.
    form.beneficiary = domain::IntakeForm::BeneficiaryForm{};
  }

  if (const json::array* transactions = top.Array("related_transactions")) {
    for (std::size_t i = 0; i < transactions->size(); ++i) {
      const std::string path = "related_transactions[" + std::to_string(i) + "]";
      const json::value& item = (*transactions)[i];
      if (!item.is_object()) {
        errors.push_back(FieldError{path, MessageId::kMustBeObject, {}});
        form.related_transactions.emplace_back();
        continue;
      }
      ObjectReader reader(item.get_object(), path + ".", errors, {"type", "number"});
      form.related_transactions.push_back({reader.String("type"), reader.String("number")});
    }
  }
  return form;
}

}  // namespace shakwa::http::api
