// Staff: the people who handle cases (DOMAIN.md "Who uses it"), the departments they belong to,
// and who is calling a given request (a Principal).
//
// Roles are a closed vocabulary like the others in case.hpp: wire names never change.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/case.hpp"
#include "domain/result.hpp"

namespace shakwa::domain {

enum class Role { kAgent, kHandler, kSupervisor, kQaReviewer, kManager, kAdmin, kAuditor };
template <>
std::span<const Term<Role>> TermsOf<Role>();

struct Department {
  std::string code;  // lower-case ascii, e.g. "procurement"
  std::string name_ar;
  std::string name_en;
  bool active = true;
};

struct StaffUser {
  std::int64_t id = 0;
  std::string email;  // lower-cased; the sign-in name
  std::string name;
  Role role = Role::kAgent;
  std::optional<std::string> department;  // required for handlers and supervisors
  bool active = true;
  int failed_logins = 0;                // consecutive failures since the last success
  std::optional<Instant> locked_until;  // sign-in refused until then
  Instant created_at{};
};

// A signed-in session. The token itself is a secret held only by the client; the store keeps its
// keyed hash.
struct Session {
  std::array<std::uint8_t, 32> token_hash{};
  std::int64_t user_id = 0;
  Instant created_at{};
  Instant expires_at{};
  std::optional<Instant> revoked_at;
};

// Who is making a request.
struct Principal {
  enum class Kind { kAnonymous, kStaff, kBeneficiary };
  Kind kind = Kind::kAnonymous;
  std::optional<StaffUser> staff;  // for kStaff
  bool by_cookie = false;          // authenticated by the session cookie (CSRF checks apply)

  Actor AsActor() const;
};

// Department codes: 2-32 of [a-z0-9_], starting with a letter.
Status ValidateDepartment(const Department& department);

// A new user: e-mail shape, a name, a known department for roles that need one.
// Field paths are "email", "name", "role", "department".
Status ValidateNewUser(const StaffUser& user);

// The password policy: at least 12 characters, at most 256 bytes, not all one character class
// (letters only, digits only), and not the e-mail's local part. Returns kInvalidInput on
// "password" with the rule that failed.
Status ValidatePassword(std::string_view password, std::string_view email);

// Roles that belong to a department.
bool RoleNeedsDepartment(Role role);

}  // namespace shakwa::domain
