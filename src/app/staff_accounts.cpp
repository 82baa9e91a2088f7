#include "app/staff_accounts.hpp"

#include <memory>

#include "app/audit_record.hpp"
#include "domain/intake.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using domain::Status;

std::string Hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

Error WrongCredentials() {
  return Error::Of(ErrorCode::kUnauthenticated, MessageId::kInvalidCredentials);
}

std::string UserDetail(const domain::StaffUser& u) {
  domain::JsonWriter w;
  w.Add("email", std::string_view(u.email))
      .Add("role", domain::NameOf(u.role))
      .Add("department", u.department)
      .Add("active", u.active);
  return w.Finish();
}

}  // namespace

StaffAccounts::StaffAccounts(Settings settings, Store& store, const Clock& clock,
                             RandomSource& random, const PasswordHasher& passwords,
                             const TokenHasher& tokens)
    : settings_(settings),
      store_(store),
      clock_(clock),
      random_(random),
      passwords_(passwords),
      tokens_(tokens),
      unknown_emails_(settings.max_failures, settings.lockout) {}

const std::string& StaffAccounts::DummyHash() {
  std::call_once(dummy_once_,
                 [this] { dummy_hash_ = passwords_.Hash("no account has this password 0"); });
  return dummy_hash_;
}

void StaffAccounts::SignIn(std::string_view email_in, std::string_view password,
                           Done<SignedIn> done) {
  const domain::Instant now = clock_.Now();
  const std::string email = domain::NormalizeEmail(email_in).value_or(std::string(email_in));
  auto lookup = ReadValue<std::optional<StoredUser>>(
      store_, [&](ReadTransaction& tx) { return tx.FindUserByEmail(email); });
  if (!lookup) {
    done(std::move(lookup).error());
    return;
  }
  const std::optional<StoredUser>& found = *lookup;

  if (!found || !found->value.active) {
    // Same work, same answer as for a wrong password: the response says nothing about which
    // accounts exist.
    (void)passwords_.Verify(password, DummyHash());
    if (int wait = unknown_emails_.BlockedFor(email, now); wait > 0) {
      Error e = Error::Of(ErrorCode::kTooManyRequests, MessageId::kAccountLocked);
      e.message_param = std::to_string(wait);
      done(std::move(e));
      return;
    }
    unknown_emails_.RecordFailure(email, now);
    done(WrongCredentials());
    return;
  }

  domain::StaffUser user = found->value;
  if (user.locked_until && now < *user.locked_until) {
    (void)passwords_.Verify(password, DummyHash());
    const auto left = std::chrono::ceil<std::chrono::minutes>(*user.locked_until - now).count();
    Error e = Error::Of(ErrorCode::kTooManyRequests, MessageId::kAccountLocked);
    e.message_param = std::to_string(std::max<std::int64_t>(1, left));
    done(std::move(e));
    return;
  }

  const bool correct = passwords_.Verify(password, found->password_hash);
  const domain::Actor actor{domain::Actor::Kind::kStaff, std::to_string(user.id)};
  const std::string subject = "user:" + std::to_string(user.id);
  if (!correct) {
    const int max_failures = settings_.max_failures;
    const auto lockout = settings_.lockout;
    store_.Write(
        [user_id = user.id, now, actor, subject, max_failures,
         lockout](WriteTransaction& tx) -> Status {
          // Counted on the row as it is now, so an admin's change made meanwhile (a
          // deactivation, an unlock) is kept, and concurrent failures all count.
          auto fresh = tx.FindUser(user_id);
          if (!fresh) return std::move(fresh).error();
          if (!*fresh) return WrongCredentials();
          domain::StaffUser current = **fresh;
          current.failed_logins += 1;
          const bool lock = current.failed_logins >= max_failures;
          if (lock) {
            current.locked_until = now + lockout;
            current.failed_logins = 0;
          }
          if (Status s = tx.UpdateUser(current); !s.ok()) return s;
          domain::JsonWriter detail;
          detail.Add("locked", lock);
          return Audit(tx, now, actor, lock ? "auth.locked" : "auth.failed", subject,
                       detail.Finish());
        },
        [done](Status s) {
          if (!s.ok()) {
            done(std::move(s).error());
            return;
          }
          done(WrongCredentials());
        });
    return;
  }

  std::array<std::uint8_t, 32> secret{};
  random_.Fill(secret);
  auto signed_in = std::make_shared<SignedIn>();
  signed_in->token = Hex(secret);
  signed_in->expires_at = now + settings_.session_lifetime;
  domain::Session session;
  session.token_hash = tokens_.Hash(signed_in->token);
  session.user_id = user.id;
  session.created_at = now;
  session.expires_at = signed_in->expires_at;
  signed_in->user = user;
  store_.Write(
      [user_id = user.id, session, now, actor, subject, signed_in](WriteTransaction& tx) -> Status {
        auto fresh = tx.FindUser(user_id);
        if (!fresh) return std::move(fresh).error();
        // Deactivated or locked since the password was checked: no session.
        if (!*fresh || !(*fresh)->active ||
            ((*fresh)->locked_until && now < *(*fresh)->locked_until)) {
          return WrongCredentials();
        }
        domain::StaffUser current = **fresh;
        current.failed_logins = 0;
        current.locked_until.reset();
        signed_in->user = current;
        if (Status s = tx.UpdateUser(current); !s.ok()) return s;
        if (Status s = tx.InsertSession(session); !s.ok()) return s;
        return Audit(tx, now, actor, "auth.signed_in", subject, {});
      },
      [signed_in, done](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(std::move(*signed_in));
      });
}

void StaffAccounts::SignOut(std::string_view token, const domain::Actor& actor, StatusDone done) {
  const auto hash = tokens_.Hash(token);
  const domain::Instant now = clock_.Now();
  store_.Write(
      [hash, now, actor](WriteTransaction& tx) -> Status {
        if (Status s = tx.RevokeSession(hash, now); !s.ok()) return s;
        return Audit(tx, now, actor, "auth.signed_out", "user:" + actor.id, {});
      },
      std::move(done));
}

domain::Result<domain::StaffUser> StaffAccounts::Authenticate(std::string_view token) const {
  const Error unauthenticated = Error::Of(ErrorCode::kUnauthenticated, MessageId::kSignInRequired);
  if (token.empty() || token.size() > 256) return unauthenticated;
  const auto hash = tokens_.Hash(token);
  const domain::Instant now = clock_.Now();
  std::optional<domain::StaffUser> user;
  if (Status s = store_.Read([&](ReadTransaction& tx) -> Status {
        auto session = tx.FindSession(hash);
        if (!session) return std::move(session).error();
        if (!*session || (*session)->revoked_at || now >= (*session)->expires_at) {
          return Status::Ok();
        }
        auto found = tx.FindUser((*session)->user_id);
        if (!found) return std::move(found).error();
        user = std::move(*found);
        return Status::Ok();
      });
      !s.ok()) {
    return std::move(s).error();
  }
  if (!user || !user->active) return unauthenticated;
  return std::move(*user);
}

void StaffAccounts::AddDepartment(const domain::Department& department, const domain::Actor& actor,
                                  StatusDone done) {
  if (Status s = domain::ValidateDepartment(department); !s.ok()) {
    done(std::move(s));
    return;
  }
  const domain::Instant now = clock_.Now();
  store_.Write(
      [department, actor, now](WriteTransaction& tx) -> Status {
        if (Status s = tx.InsertDepartment(department); !s.ok()) return s;
        domain::JsonWriter detail;
        detail.Add("name_ar", std::string_view(department.name_ar))
            .Add("name_en", std::string_view(department.name_en));
        return Audit(tx, now, actor, "department.added", "department:" + department.code,
                     detail.Finish());
      },
      std::move(done));
}

void StaffAccounts::AddUser(domain::StaffUser user, std::string_view password,
                            const domain::Actor& actor, Done<std::int64_t> done) {
  if (auto email = domain::NormalizeEmail(user.email)) user.email = *email;
  if (Status s = domain::ValidateNewUser(user); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  if (Status s = domain::ValidatePassword(password, user.email); !s.ok()) {
    done(std::move(s).error());
    return;
  }
  user.created_at = clock_.Now();
  user.active = true;
  user.failed_logins = 0;
  user.locked_until.reset();
  const std::string hash = passwords_.Hash(password);
  auto id = std::make_shared<std::int64_t>(0);
  store_.Write(
      [user, hash, actor, id](WriteTransaction& tx) -> Status {
        auto inserted = tx.InsertUser(user, hash);
        if (!inserted) return std::move(inserted).error();
        *id = *inserted;
        return Audit(tx, user.created_at, actor, "user.added", "user:" + std::to_string(*id),
                     UserDetail(user));
      },
      [id, done](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(*id);
      });
}

void StaffAccounts::ChangeUser(std::int64_t user_id, std::optional<bool> active, bool unlock,
                               const domain::Actor& actor, Done<domain::StaffUser> done) {
  const domain::Instant now = clock_.Now();
  auto changed = std::make_shared<domain::StaffUser>();
  // Read, change, then write: a user row has no version, and the last admin's word wins.
  std::optional<domain::StaffUser> found;
  if (Status s = store_.Read([&](ReadTransaction& tx) -> Status {
        auto user = tx.FindUser(user_id);
        if (!user) return std::move(user).error();
        found = std::move(*user);
        return Status::Ok();
      });
      !s.ok()) {
    done(std::move(s).error());
    return;
  }
  if (!found) {
    Error e = Error::Of(ErrorCode::kNotFound, MessageId::kUnknownUser);
    e.message_param = std::to_string(user_id);
    done(std::move(e));
    return;
  }
  *changed = *found;
  if (active) changed->active = *active;
  if (unlock) {
    changed->failed_logins = 0;
    changed->locked_until.reset();
  }
  store_.Write(
      [changed, actor, now](WriteTransaction& tx) -> Status {
        if (Status s = tx.UpdateUser(*changed); !s.ok()) return s;
        return Audit(tx, now, actor, "user.changed", "user:" + std::to_string(changed->id),
                     UserDetail(*changed));
      },
      [changed, done](Status s) {
        if (!s.ok()) {
          done(std::move(s).error());
          return;
        }
        done(*changed);
      });
}

domain::Result<std::vector<domain::Department>> StaffAccounts::Departments() const {
  return ReadValue<std::vector<domain::Department>>(
      store_, [](ReadTransaction& tx) { return tx.Departments(); });
}

domain::Result<std::vector<domain::StaffUser>> StaffAccounts::Users() const {
  return ReadValue<std::vector<domain::StaffUser>>(store_,
                                                   [](ReadTransaction& tx) { return tx.Users(); });
}

}  // namespace shakwa::app
