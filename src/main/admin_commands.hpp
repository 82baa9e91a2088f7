// The commands an operator runs beside the server (they open the same database, which SQLite
// lets them share): departments and users, the audit trail's verification, key rotation.
// Each takes the same --config/--data as serve and records its changes in the audit trail as
// the system acting for the operator.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "app/ports/clock.hpp"
#include "app/staff_accounts.hpp"
#include "crypto/sodium.hpp"
#include "main/settings.hpp"

namespace shakwa::main {

class SystemClock final : public app::Clock {
 public:
  domain::Instant Now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// Shared with serve (defined in main.cpp).
crypto::KeySource KeySourceFor(const Settings& settings, const SettingsSources& sources);
std::filesystem::path DatabasePath(const Settings& settings);
void EnsureDataDir(const Settings& settings);
app::StaffAccounts::Settings AccountSettings(const Settings& settings);

struct DepartmentArgs {
  std::string code, name_ar, name_en;
};
struct UserArgs {
  std::string email, name, role;
  std::optional<std::string> department;
};

// Each returns the process exit code: 0 done, 1 refused or failed (the reason on stderr).
int AddDepartmentCommand(const SettingsSources& sources, const DepartmentArgs& args);
// The password is read from standard input (one line), never from the command line.
int AddUserCommand(const SettingsSources& sources, const UserArgs& args);
// 0 when the chain is intact; 1 naming the first record that is not.
int VerifyAuditCommand(const SettingsSources& sources);
// Adds a key to the keyring file and re-seals all personal data under it.
int RotateKeysCommand(const SettingsSources& sources);

}  // namespace shakwa::main
