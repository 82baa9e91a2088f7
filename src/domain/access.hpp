// Need-to-know (policy: confidentiality; DOMAIN.md "Confidentiality"): which staff may see which
// case, and how much of the beneficiary they may see.
//
// These rules decide visibility of one case; app::ScopeFor turns the same rules into a query
// scope for lists, and a test holds the two to each other.
//
// Thread safety: pure functions.
#pragma once

#include "domain/case.hpp"
#include "domain/staff.hpp"

namespace shakwa::domain {

// How much of the beneficiary's identity a reader is shown.
enum class IdentityView {
  kFull,      // name and contact details in clear (a recorded read of personal data)
  kMasked,    // name initials, e-mail and mobile masked; never recorded as a read
  kWithheld,  // nothing: the reader's department is the one the complaint is about
};

// May user see this case at all? (When not, the API answers 404: existence must not leak.)
bool MaySeeCase(const StaffUser& user, const Case& c);

// What the user may see of the beneficiary of a case they may see.
IdentityView IdentityViewFor(const StaffUser& user, const Case& c);

// Masking for lists and for readers without need of the clear value.
std::string MaskEmail(std::string_view email);    // "a***@example.sa"
std::string MaskMobile(std::string_view mobile);  // "+9665*****678"
std::string MaskName(std::string_view name);      // first letter of each word: "م. ع."

}  // namespace shakwa::domain
