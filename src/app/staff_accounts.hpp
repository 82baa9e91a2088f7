// StaffAccounts: departments and staff users, signing in and out, and who a session token
// belongs to (issue 3 §1).
//
// Passwords are hashed with Argon2id (PasswordHasher) and checked against the policy in
// domain::ValidatePassword. After max_failures wrong passwords in a row an account is locked
// for lockout; unknown e-mail addresses are limited the same way in memory, and cost the same
// Argon2id work, so neither the answer nor its timing tells whether an account exists.
//
// Session tokens are random (256 bits), handed to the client once, and stored only as a keyed
// hash; signing out revokes the session for good.
//
// Every change (department or user added, account locked, signed in, signed out) is an audit
// record written in the same transaction.
//
// Thread safety: all members may be called from any thread. The blocking ones (they hash or
// read) belong on the blocking pool.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "app/attempt_limiter.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"

namespace shakwa::app {

struct SignedIn {
  std::string token;  // the secret the client sends back as "Bearer <token>" or in the cookie
  domain::StaffUser user;
  domain::Instant expires_at{};
};

class StaffAccounts {
 public:
  struct Settings {
    int max_failures = 5;
    std::chrono::minutes lockout{15};
    std::chrono::hours session_lifetime{12};
  };
  template <typename T>
  using Done = std::function<void(domain::Result<T>)>;
  using StatusDone = std::function<void(domain::Status)>;

  StaffAccounts(Settings settings, Store& store, const Clock& clock, RandomSource& random,
                const PasswordHasher& passwords, const TokenHasher& tokens);

  // Blocking (Argon2id). done runs once: kUnauthenticated/kInvalidCredentials for a wrong
  // e-mail or password, kTooManyRequests/kAccountLocked while locked.
  void SignIn(std::string_view email, std::string_view password, Done<SignedIn> done);
  void SignOut(std::string_view token, const domain::Actor& actor, StatusDone done);
  // Blocking read. The signed-in user, or kUnauthenticated for an unknown, expired or revoked
  // token or a deactivated user.
  domain::Result<domain::StaffUser> Authenticate(std::string_view token) const;

  void AddDepartment(const domain::Department& department, const domain::Actor& actor,
                     StatusDone done);
  // Blocking (Argon2id). Returns the new user's id.
  void AddUser(domain::StaffUser user, std::string_view password, const domain::Actor& actor,
               Done<std::int64_t> done);
  // Deactivates or reactivates a user, or unlocks (clears failed sign-ins). Blocking read.
  void ChangeUser(std::int64_t user_id, std::optional<bool> active, bool unlock,
                  const domain::Actor& actor, Done<domain::StaffUser> done);

  domain::Result<std::vector<domain::Department>> Departments() const;
  domain::Result<std::vector<domain::StaffUser>> Users() const;

 private:
  Settings settings_;
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  const PasswordHasher& passwords_;
  const TokenHasher& tokens_;
  AttemptLimiter unknown_emails_;
  // Verified against when the e-mail is unknown, to spend equal time; made on first need, so
  // commands that never sign anyone in do not pay for an Argon2id hash.
  const std::string& DummyHash();
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace shakwa::app
