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
#include "app/time_rules_source.hpp"
#include "crypto/sodium.hpp"
#include "domain/guide.hpp"
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

// Time (issue 4). The rules come from the guide file ([guide] file) and the holiday adjustments
// stored in the database, when there is one.
// Lists the holidays of a Hijri year in Hijri and Gregorian dates.
int CalendarHolidaysCommand(const SettingsSources& sources, int hijri_year,
                            domain::Language language);
// Confirms or moves a Hijri holiday of one Hijri year; open cases' clocks follow it.
int CalendarAdjustCommand(const SettingsSources& sources, const std::string& key, int hijri_year,
                          const std::string& first, const std::string& last);
// Prints the instant `business_minutes` after `from` ("for operators checking a promise").
int SlaDueCommand(const SettingsSources& sources, const std::string& from,
                  std::int64_t business_minutes);
// Runs one escalation sweep as of `now` and prints what it did.
int SweepCommand(const SettingsSources& sources, const std::string& now);

// The rules in force for settings: the guide file and, if given, a store's holiday adjustments.
// Throws SettingsError for a bad guide file.
struct TimeSetup {
  std::shared_ptr<app::TimeRulesSource> rules;
  std::shared_ptr<const domain::GuideSettings> guide;
};
TimeSetup LoadTimeSetup(const Settings& settings);

}  // namespace shakwa::main
