// ViewCaseAsBeneficiary: a beneficiary reads their case with its reference number and access
// code (policy: "Response" - beneficiaries are told of progress).
//
// A reference that fails its check digit is refused as malformed before any lookup. An unknown
// reference and a wrong code get the same kNotFound, so nobody can probe which references exist.
// The view holds only what the beneficiary may see: no internal events, no staff identities.
//
// Thread safety: View() may be called from any thread; it blocks on the store.
#pragma once

#include <string_view>
#include <vector>

#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"

namespace shakwa::app {

struct BeneficiaryView {
  domain::Case value;
  std::vector<domain::CaseEvent> timeline;  // public events only
};

class ViewCaseAsBeneficiary {
 public:
  ViewCaseAsBeneficiary(Store& store, const AccessCodeHasher& hasher);
  domain::Result<BeneficiaryView> View(std::string_view reference,
                                       std::string_view access_code) const;

 private:
  Store& store_;
  const AccessCodeHasher& hasher_;
};

}  // namespace shakwa::app
