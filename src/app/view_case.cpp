#include "app/view_case.hpp"

#include "domain/access_code.hpp"

namespace shakwa::app {

ViewCaseAsBeneficiary::ViewCaseAsBeneficiary(Store& store, const AccessCodeHasher& hasher)
    : store_(store), hasher_(hasher) {}

domain::Result<BeneficiaryView> ViewCaseAsBeneficiary::View(std::string_view reference_text,
                                                            std::string_view access_code) const {
  using domain::Error;
  using domain::ErrorCode;
  using domain::MessageId;
  const auto reference = domain::ParseReference(reference_text);
  if (!reference) {
    return Error::Of(ErrorCode::kMalformedReference, MessageId::kMalformedReference);
  }
  const Error not_found = Error::Of(ErrorCode::kNotFound, MessageId::kCaseNotFound);
  const auto code = domain::NormalizeAccessCode(access_code);
  // The hash is computed even for a code that cannot be one, so that timing does not tell a
  // malformed code from a wrong one.
  const std::string probe = code.value_or(std::string(domain::kAccessCodeLength, '2'));

  BeneficiaryView view;
  bool found = false;
  domain::Status status = store_.Read([&](ReadTransaction& tx) -> domain::Status {
    auto stored = tx.FindCase(*reference);
    if (!stored) return std::move(stored).error();
    const AccessCodeHash no_case{};
    const bool matches =
        hasher_.Matches(probe, stored->has_value() ? (*stored)->access_code_hash : no_case);
    if (!stored->has_value() || !matches || !code) return domain::Status::Ok();
    view.value = std::move((*stored)->value);
    auto timeline = tx.Timeline(view.value.id, /*public_only=*/true);
    if (!timeline) return std::move(timeline).error();
    view.timeline = std::move(*timeline);
    found = true;
    return domain::Status::Ok();
  });
  if (!status.ok()) return std::move(status).error();
  if (!found) return not_found;
  return view;
}

}  // namespace shakwa::app
