#include "app/staff_accounts.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "storage/memory/memory_store.hpp"
#include "support/fakes.hpp"

namespace shakwa::app {
namespace {

using domain::ErrorCode;
using domain::MessageId;
using domain::Role;
using std::chrono::minutes;
using testing::At;

constexpr std::string_view kPassword = "correct horse 2026";

// A store that lets a test run something between the use case's read and its write, as another
// request would.
class InterleavingStore final : public Store {
 public:
  explicit InterleavingStore(Store& inner) : inner_(inner) {}
  void Write(WriteWork work, WriteDone done) override {
    if (before_next_write) {
      auto hook = std::move(before_next_write);
      before_next_write = nullptr;
      hook();
    }
    inner_.Write(std::move(work), std::move(done));
  }
  domain::Status Read(const ReadWork& work) override { return inner_.Read(work); }
  std::function<void()> before_next_write;

 private:
  Store& inner_;
};

class StaffAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AddDepartment(domain::Department{"procurement", "المشتريات", "procurement"}).ok());
    auto id = AddUser(NewUser("noura@centre.gov.sa", Role::kHandler, "procurement"), kPassword);
    ASSERT_TRUE(id.has_value());
    noura_id_ = *id;
  }

  static domain::StaffUser NewUser(std::string email, Role role,
                                   std::optional<std::string> department = std::nullopt) {
    domain::StaffUser u;
    u.email = std::move(email);
    u.name = "نورة القحطاني";
    u.role = role;
    u.department = std::move(department);
    return u;
  }

  domain::Status AddDepartment(const domain::Department& d) {
    std::optional<domain::Status> out;
    accounts_.AddDepartment(d, admin_, [&](domain::Status s) { out = std::move(s); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  domain::Result<std::int64_t> AddUser(domain::StaffUser u, std::string_view password) {
    std::optional<domain::Result<std::int64_t>> out;
    accounts_.AddUser(std::move(u), password, admin_,
                      [&](domain::Result<std::int64_t> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  domain::Result<SignedIn> SignIn(std::string_view email, std::string_view password) {
    std::optional<domain::Result<SignedIn>> out;
    accounts_.SignIn(email, password, [&](domain::Result<SignedIn> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  domain::Result<domain::StaffUser> ChangeUser(std::int64_t id, std::optional<bool> active,
                                               bool unlock) {
    std::optional<domain::Result<domain::StaffUser>> out;
    accounts_.ChangeUser(id, active, unlock, admin_,
                         [&](domain::Result<domain::StaffUser> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  domain::Status SignOut(const std::string& token, const domain::Actor& actor) {
    std::optional<domain::Status> out;
    accounts_.SignOut(token, actor, [&](domain::Status s) { out = std::move(s); });
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  std::vector<domain::AuditEntry> Audit() {
    std::vector<domain::AuditEntry> out;
    EXPECT_TRUE(store_
                    .Read([&](ReadTransaction& tx) -> domain::Status {
                      auto all = tx.AuditEntries(0, 10000);
                      if (!all) return std::move(all).error();
                      out = std::move(*all);
                      auto verified = tx.VerifyAudit();
                      EXPECT_TRUE(verified.has_value() && verified->ok());
                      return domain::Status::Ok();
                    })
                    .ok());
    return out;
  }
  std::optional<domain::StaffUser> StoredUser(std::int64_t id) {
    std::optional<domain::StaffUser> out;
    EXPECT_TRUE(store_
                    .Read([&](ReadTransaction& tx) -> domain::Status {
                      auto found = tx.FindUser(id);
                      if (!found) return std::move(found).error();
                      out = std::move(*found);
                      return domain::Status::Ok();
                    })
                    .ok());
    return out;
  }

  static void ExpectWrongCredentials(const domain::Result<SignedIn>& r) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r.error().message, MessageId::kInvalidCredentials);
  }
  static void ExpectLocked(const domain::Result<SignedIn>& r, const std::string& minutes_left) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kTooManyRequests);
    EXPECT_EQ(r.error().message, MessageId::kAccountLocked);
    EXPECT_EQ(r.error().message_param, minutes_left);
  }

  storage::memory::MemoryStore memory_;
  InterleavingStore store_{memory_};
  testing::FakeClock clock_{At("2026-03-10T09:00:00Z")};
  testing::SeededRandom random_;
  testing::FastPasswordHasher passwords_;
  testing::FakeTokenHasher tokens_;
  StaffAccounts accounts_{StaffAccounts::Settings{3, minutes{15}, std::chrono::hours{12}},
                          store_,
                          clock_,
                          random_,
                          passwords_,
                          tokens_};
  const domain::Actor admin_{domain::Actor::Kind::kStaff, "99"};
  std::int64_t noura_id_ = 0;
};

// --- departments and users ---------------------------------------------------------------------

TEST_F(StaffAccountsTest, AddsADepartmentOnTheRecord) {
  ASSERT_TRUE(AddDepartment(domain::Department{"finance", "المالية", "finance"}).ok());
  const auto all = accounts_.Departments();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  const auto audit = Audit();
  EXPECT_EQ(audit.back().action, "department.added");
  EXPECT_EQ(audit.back().subject, "department:finance");
  EXPECT_EQ(audit.back().actor.id, "99");
  EXPECT_NE(audit.back().detail.find("المالية"), std::string::npos);
}

TEST_F(StaffAccountsTest, RefusesAnInvalidOrDuplicateDepartment) {
  const std::size_t records = Audit().size();
  const domain::Status invalid = AddDepartment(domain::Department{"Finance!", "المالية", "x"});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(invalid.error().fields.at(0).path, "code");

  const domain::Status duplicate =
      AddDepartment(domain::Department{"procurement", "المشتريات ٢", "procurement 2"});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  EXPECT_EQ(duplicate.error().message, MessageId::kAlreadyExists);
  EXPECT_EQ(Audit().size(), records);
  EXPECT_EQ(accounts_.Departments()->size(), 1u);
}

TEST_F(StaffAccountsTest, AddsAUserWithANormalisedEmailOnTheRecord) {
  const auto id = AddUser(NewUser("  Sara@Centre.GOV.sa ", Role::kAgent), "another pass 99");
  ASSERT_TRUE(id.has_value());
  const auto user = StoredUser(*id);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->email, "sara@centre.gov.sa");
  EXPECT_EQ(user->role, Role::kAgent);
  EXPECT_TRUE(user->active);
  EXPECT_EQ(user->created_at, clock_.Now());

  const auto audit = Audit();
  EXPECT_EQ(audit.back().action, "user.added");
  EXPECT_EQ(audit.back().subject, "user:" + std::to_string(*id));
  EXPECT_NE(audit.back().detail.find("sara@centre.gov.sa"), std::string::npos);
  EXPECT_EQ(audit.back().detail.find("another pass 99"), std::string::npos);  // no secrets
  EXPECT_EQ(audit.back().detail.find("fast$"), std::string::npos);
}

TEST_F(StaffAccountsTest, RefusesAWeakPasswordAndStoresNothing) {
  const std::size_t records = Audit().size();
  for (std::string_view weak : {"short1!", "onlylettershere", "123456789012345", "sara.m-2026!!"}) {
    const auto id = AddUser(NewUser("sara.m@centre.gov.sa", Role::kAgent), weak);
    ASSERT_FALSE(id.has_value()) << weak;
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(id.error().fields.at(0).path, "password");
  }
  EXPECT_EQ(accounts_.Users()->size(), 1u);
  EXPECT_EQ(Audit().size(), records);
}

TEST_F(StaffAccountsTest, RefusesADuplicateEmailWhateverItsCase) {
  const auto id = AddUser(NewUser("NOURA@centre.gov.sa", Role::kManager), "another pass 99");
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code, ErrorCode::kConflict);
  EXPECT_EQ(id.error().message, MessageId::kAlreadyExists);
  EXPECT_EQ(accounts_.Users()->size(), 1u);
}

TEST_F(StaffAccountsTest, RequiresAKnownDepartmentForHandlers) {
  auto missing = AddUser(NewUser("h1@centre.gov.sa", Role::kHandler), "another pass 99");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(missing.error().fields.at(0).path, "department");

  auto unknown =
      AddUser(NewUser("h2@centre.gov.sa", Role::kSupervisor, "nowhere"), "another pass 99");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(unknown.error().fields.at(0).path, "department");
  EXPECT_EQ(accounts_.Users()->size(), 1u);
}

// --- signing in --------------------------------------------------------------------------------

TEST_F(StaffAccountsTest, SignsInWithTheRightPassword) {
  const auto signed_in = SignIn("noura@centre.gov.sa", kPassword);
  ASSERT_TRUE(signed_in.has_value());
  EXPECT_EQ(signed_in->user.id, noura_id_);
  EXPECT_EQ(signed_in->token.size(), 64u);  // 256 bits, hex
  EXPECT_EQ(signed_in->expires_at, clock_.Now() + std::chrono::hours{12});
  const auto audit = Audit();
  EXPECT_EQ(audit.back().action, "auth.signed_in");
  EXPECT_EQ(audit.back().subject, "user:" + std::to_string(noura_id_));
  EXPECT_EQ(audit.back().detail.find(signed_in->token), std::string::npos);

  const auto user = accounts_.Authenticate(signed_in->token);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->id, noura_id_);
}

TEST_F(StaffAccountsTest, TakesTheEmailAsPeopleTypeIt) {
  EXPECT_TRUE(SignIn("  Noura@Centre.Gov.SA ", kPassword).has_value());
}

TEST_F(StaffAccountsTest, IssuesADifferentTokenEverySignIn) {
  const auto first = SignIn("noura@centre.gov.sa", kPassword);
  const auto second = SignIn("noura@centre.gov.sa", kPassword);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_NE(first->token, second->token);
  EXPECT_TRUE(accounts_.Authenticate(first->token).has_value());
  EXPECT_TRUE(accounts_.Authenticate(second->token).has_value());
}

TEST_F(StaffAccountsTest, RefusesAWrongPasswordOnTheRecord) {
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 1"));
  EXPECT_EQ(StoredUser(noura_id_)->failed_logins, 1);
  const auto audit = Audit();
  EXPECT_EQ(audit.back().action, "auth.failed");
  EXPECT_EQ(audit.back().detail.find("wrong password 1"), std::string::npos);
}

TEST_F(StaffAccountsTest, LocksTheAccountAfterMaxFailures) {
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 1"));
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 2"));
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 3"));
  EXPECT_EQ(Audit().back().action, "auth.locked");
  const auto stored = StoredUser(noura_id_);
  ASSERT_TRUE(stored->locked_until.has_value());
  EXPECT_EQ(*stored->locked_until, clock_.Now() + minutes{15});

  // Even the right password is refused now, with the minutes to wait.
  ExpectLocked(SignIn("noura@centre.gov.sa", kPassword), "15");
  clock_.Set(clock_.Now() + minutes{10} + std::chrono::seconds{1});
  ExpectLocked(SignIn("noura@centre.gov.sa", kPassword), "5");
  clock_.Set(clock_.Now() + minutes{5});
  EXPECT_TRUE(SignIn("noura@centre.gov.sa", kPassword).has_value());
}

TEST_F(StaffAccountsTest, CountsOnlyFailuresInARow) {
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 1"));
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 2"));
  ASSERT_TRUE(SignIn("noura@centre.gov.sa", kPassword).has_value());
  EXPECT_EQ(StoredUser(noura_id_)->failed_logins, 0);
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 3"));
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", "wrong password 4"));
  EXPECT_TRUE(SignIn("noura@centre.gov.sa", kPassword).has_value());
}

TEST_F(StaffAccountsTest, AnAdministratorUnlocksAnAccount) {
  for (int i = 0; i < 3; ++i) (void)SignIn("noura@centre.gov.sa", "wrong password 1");
  ExpectLocked(SignIn("noura@centre.gov.sa", kPassword), "15");
  const auto changed = ChangeUser(noura_id_, std::nullopt, /*unlock=*/true);
  ASSERT_TRUE(changed.has_value());
  EXPECT_FALSE(changed->locked_until.has_value());
  EXPECT_EQ(Audit().back().action, "user.changed");
  EXPECT_TRUE(SignIn("noura@centre.gov.sa", kPassword).has_value());
}

TEST_F(StaffAccountsTest, AnUnknownEmailGetsTheSameAnswerForTheSameWork) {
  const int before = passwords_.verifications.load();
  const auto unknown = SignIn("nobody@centre.gov.sa", kPassword);
  const int unknown_work = passwords_.verifications.load() - before;
  const auto wrong = SignIn("noura@centre.gov.sa", "wrong password 1");
  const int wrong_work = passwords_.verifications.load() - before - unknown_work;
  ExpectWrongCredentials(unknown);
  ExpectWrongCredentials(wrong);
  EXPECT_EQ(unknown.error().message_param, wrong.error().message_param);
  EXPECT_EQ(unknown_work, 1);
  EXPECT_EQ(wrong_work, 1);
}

TEST_F(StaffAccountsTest, AnUnknownEmailIsLimitedLikeAnAccount) {
  for (int i = 0; i < 3; ++i) ExpectWrongCredentials(SignIn("nobody@centre.gov.sa", "guess 12345"));
  ExpectLocked(SignIn("nobody@centre.gov.sa", "guess 12345"), "15");
  ExpectLocked(SignIn(" NOBODY@centre.gov.sa", "guess 12345"), "15");  // the same address
  clock_.Set(clock_.Now() + minutes{15});
  ExpectWrongCredentials(SignIn("nobody@centre.gov.sa", "guess 12345"));
}

TEST_F(StaffAccountsTest, ALockedAccountStillCostsAPasswordCheck) {
  for (int i = 0; i < 3; ++i) (void)SignIn("noura@centre.gov.sa", "wrong password 1");
  const int before = passwords_.verifications.load();
  ExpectLocked(SignIn("noura@centre.gov.sa", kPassword), "15");
  EXPECT_EQ(passwords_.verifications.load() - before, 1);
}

TEST_F(StaffAccountsTest, ADeactivatedUserCannotSignIn) {
  ASSERT_TRUE(ChangeUser(noura_id_, false, false).has_value());
  ExpectWrongCredentials(SignIn("noura@centre.gov.sa", kPassword));
  ASSERT_TRUE(ChangeUser(noura_id_, true, false).has_value());
  EXPECT_TRUE(SignIn("noura@centre.gov.sa", kPassword).has_value());
}

TEST_F(StaffAccountsTest, ChangingAnUnknownUserIsNotFound) {
  const auto changed = ChangeUser(12345, false, false);
  ASSERT_FALSE(changed.has_value());
  EXPECT_EQ(changed.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(changed.error().message, MessageId::kUnknownUser);
}

// --- sessions ----------------------------------------------------------------------------------

TEST_F(StaffAccountsTest, RefusesTokensThatAreNoSession) {
  for (const std::string& token :
       {std::string(), std::string("not a token"), std::string(64, 'a'), std::string(300, 'a')}) {
    const auto user = accounts_.Authenticate(token);
    ASSERT_FALSE(user.has_value()) << token;
    EXPECT_EQ(user.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(user.error().message, MessageId::kSignInRequired);
  }
}

TEST_F(StaffAccountsTest, ASessionExpiresAfterItsLifetime) {
  const auto signed_in = SignIn("noura@centre.gov.sa", kPassword);
  ASSERT_TRUE(signed_in.has_value());
  clock_.Set(signed_in->expires_at - std::chrono::milliseconds{1});
  EXPECT_TRUE(accounts_.Authenticate(signed_in->token).has_value());
  clock_.Set(signed_in->expires_at);
  const auto expired = accounts_.Authenticate(signed_in->token);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(StaffAccountsTest, SigningOutRevokesTheSessionForGood) {
  const auto signed_in = SignIn("noura@centre.gov.sa", kPassword);
  const auto other = SignIn("noura@centre.gov.sa", kPassword);
  ASSERT_TRUE(signed_in.has_value() && other.has_value());
  const domain::Actor noura{domain::Actor::Kind::kStaff, std::to_string(noura_id_)};
  ASSERT_TRUE(SignOut(signed_in->token, noura).ok());
  EXPECT_EQ(Audit().back().action, "auth.signed_out");
  EXPECT_EQ(Audit().back().subject, "user:" + std::to_string(noura_id_));
  const auto revoked = accounts_.Authenticate(signed_in->token);
  ASSERT_FALSE(revoked.has_value());
  EXPECT_EQ(revoked.error().code, ErrorCode::kUnauthenticated);
  // Signing in again does not revive it; the other session is untouched.
  ASSERT_TRUE(SignIn("noura@centre.gov.sa", kPassword).has_value());
  EXPECT_FALSE(accounts_.Authenticate(signed_in->token).has_value());
  EXPECT_TRUE(accounts_.Authenticate(other->token).has_value());
}

TEST_F(StaffAccountsTest, ADeactivatedUsersSessionsStopWorking) {
  const auto signed_in = SignIn("noura@centre.gov.sa", kPassword);
  ASSERT_TRUE(signed_in.has_value());
  ASSERT_TRUE(ChangeUser(noura_id_, false, false).has_value());
  const auto user = accounts_.Authenticate(signed_in->token);
  ASSERT_FALSE(user.has_value());
  EXPECT_EQ(user.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(StaffAccountsTest, AuthenticateSeesTheUserAsNowStored) {
  const auto signed_in = SignIn("noura@centre.gov.sa", kPassword);
  ASSERT_TRUE(signed_in.has_value());
  ASSERT_TRUE(AddDepartment(domain::Department{"finance", "المالية", "finance"}).ok());
  domain::StaffUser moved = *StoredUser(noura_id_);
  moved.department = "finance";
  std::optional<domain::Status> written;
  memory_.Write([&](WriteTransaction& tx) { return tx.UpdateUser(moved); },
                [&](domain::Status s) { written = std::move(s); });
  ASSERT_TRUE(written && written->ok());
  EXPECT_EQ(accounts_.Authenticate(signed_in->token)->department, "finance");
}

// Every sign-in attempt writes the whole user row it read before checking the password. An
// administrator's deactivation that lands between that read and that write is undone.
// Disabled until StaffAccounts::SignIn stops writing fields it does not own (see the report).
TEST_F(StaffAccountsTest, ASignInDoesNotUndoADeactivationThatRacedIt) {
  store_.before_next_write = [&] { ASSERT_TRUE(ChangeUser(noura_id_, false, false).has_value()); };
  (void)SignIn("noura@centre.gov.sa", "wrong password 1");
  EXPECT_FALSE(StoredUser(noura_id_)->active);
}

}  // namespace
}  // namespace shakwa::app
