#include "main/admin_commands.hpp"

#include <unistd.h>

#include <future>
#include <iostream>

#include "storage/sqlite/sqlite_store.hpp"

namespace shakwa::main {
namespace {

// What stands in the trail for an operator at the console.
domain::Actor Operator() {
  const char* user = ::getenv("USER");
  return domain::Actor{domain::Actor::Kind::kSystem,
                       std::string("cli:") + (user != nullptr ? user : std::to_string(::getuid()))};
}

void PrintError(const domain::Error& e) {
  std::cerr << domain::Message(e.message, domain::Language::kEnglish, e.message_param);
  for (const auto& f : e.fields) {
    std::cerr << "\n  " << f.path << ": "
              << domain::Message(f.message, domain::Language::kEnglish, f.param);
  }
  if (!e.detail.empty()) std::cerr << " (" << e.detail << ")";
  std::cerr << "\n";
}

// The store and the secrets a command needs, opened like serve opens them.
struct Opened {
  Opened(Settings s, crypto::Keyring k)
      : settings(std::move(s)), keys(std::move(k)), cipher(keys), tokens(keys) {}
  Settings settings;
  crypto::Keyring keys;
  crypto::SodiumFieldCipher cipher;
  crypto::SodiumTokenHasher tokens;
  std::unique_ptr<storage::sqlite::SqliteStore> store;
};

std::unique_ptr<Opened> Open(const SettingsSources& sources) {
  Settings settings = LoadSettings(sources);
  EnsureDataDir(settings);
  crypto::Keyring keys = crypto::LoadKeyring(KeySourceFor(settings, sources));
  auto opened = std::make_unique<Opened>(std::move(settings), std::move(keys));
  auto store =
      storage::sqlite::SqliteStore::Open({DatabasePath(opened->settings), 1, 64}, opened->cipher);
  if (!store) {
    PrintError(store.error());
    return nullptr;
  }
  opened->store = std::move(*store);
  return opened;
}

// Staff accounts over an opened store.
struct Accounts {
  explicit Accounts(Opened& opened)
      : accounts(AccountSettings(opened.settings), *opened.store, clock, random, passwords,
                 opened.tokens) {}
  SystemClock clock;
  crypto::SodiumRandom random;
  crypto::SodiumPasswordHasher passwords;
  app::StaffAccounts accounts;
};

}  // namespace

int AddDepartmentCommand(const SettingsSources& sources, const DepartmentArgs& args) {
  auto opened = Open(sources);
  if (!opened) return 1;
  Accounts staff(*opened);
  app::StaffAccounts& accounts = staff.accounts;
  std::promise<domain::Status> result;
  accounts.AddDepartment(domain::Department{args.code, args.name_ar, args.name_en, true},
                         Operator(), [&result](domain::Status s) { result.set_value(s); });
  const domain::Status s = result.get_future().get();
  opened->store->Close();
  if (!s.ok()) {
    std::cerr << "department add: ";
    PrintError(s.error());
    return 1;
  }
  std::cout << "department " << args.code << " added\n";
  return 0;
}

int AddUserCommand(const SettingsSources& sources, const UserArgs& args) {
  const auto role = domain::FromName<domain::Role>(args.role);
  if (!role) {
    std::cerr << "user add: --role must be one of " << domain::NamesOf<domain::Role>() << "\n";
    return 1;
  }
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto opened = Open(sources);
  if (!opened) return 1;
  Accounts staff(*opened);
  app::StaffAccounts& accounts = staff.accounts;
  domain::StaffUser user;
  user.email = args.email;
  user.name = args.name;
  user.role = *role;
  user.department = args.department;
  std::promise<domain::Result<std::int64_t>> result;
  accounts.AddUser(user, password, Operator(),
                   [&result](domain::Result<std::int64_t> id) { result.set_value(std::move(id)); });
  auto id = result.get_future().get();
  opened->store->Close();
  if (!id) {
    std::cerr << "user add: ";
    PrintError(id.error());
    return 1;
  }
  std::cout << "user " << *id << " (" << args.email << ", " << args.role << ") added\n";
  return 0;
}

int VerifyAuditCommand(const SettingsSources& sources) {
  auto opened = Open(sources);
  if (!opened) return 1;
  domain::AuditVerification verification;
  const domain::Status s = opened->store->Read([&](app::ReadTransaction& tx) -> domain::Status {
    auto verified = tx.VerifyAudit();
    if (!verified) return std::move(verified).error();
    verification = std::move(*verified);
    return domain::Status::Ok();
  });
  opened->store->Close();
  if (!s.ok()) {
    std::cerr << "audit verify: ";
    PrintError(s.error());
    return 1;
  }
  if (!verification.ok()) {
    std::cout << "audit trail BROKEN at record " << *verification.first_bad << ": "
              << verification.problem << " (" << verification.records
              << " records before it are intact)\n";
    return 1;
  }
  std::cout << "audit trail intact: " << verification.records << " records\n";
  return 0;
}

int RotateKeysCommand(const SettingsSources& sources) {
  const Settings settings = LoadSettings(sources);
  const crypto::KeySource source = KeySourceFor(settings, sources);
  if (source.hex) {
    std::cerr << "keys rotate: the keyring comes from SHAKWA_SECURITY_KEY; add the new key there "
                 "(\"1:<hex>,2:<hex>\") and run keys rotate with a key file, or rotate in the "
                 "secret store that sets it\n";
    return 1;
  }
  EnsureDataDir(settings);
  // Make sure a keyring exists (first run) before adding to it.
  (void)crypto::LoadKeyring(source);
  const int version = crypto::AddKeyToKeyringFile(source.file);
  const crypto::Keyring keys = crypto::LoadKeyring(source);
  crypto::SodiumFieldCipher cipher(keys);
  auto migrated = storage::sqlite::Migrate(DatabasePath(settings));
  if (!migrated) {
    PrintError(migrated.error());
    return 1;
  }
  auto resealed = storage::sqlite::RekeyPersonalData(DatabasePath(settings), cipher);
  if (!resealed) {
    std::cerr << "keys rotate: key " << version
              << " was added to the keyring, but re-sealing failed (run keys rotate again): ";
    PrintError(resealed.error());
    return 1;
  }
  std::cout << "key " << version << " is now active; " << *resealed
            << " cases re-sealed. Older keys stay in the keyring: version 1 keys the access "
               "codes and session tokens.\n";
  return 0;
}

}  // namespace shakwa::main
