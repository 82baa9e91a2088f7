// A little demo data for `shakwa serve --demo`: a few cases in Arabic and English, recorded
// through the same use case as any other intake, and only into an empty database.
#pragma once

#include <string>
#include <vector>

#include "app/ports/store.hpp"
#include "app/staff_accounts.hpp"
#include "app/submit_case.hpp"

namespace shakwa::main {

struct DemoCase {
  std::string reference;
  std::string access_code;
  std::string subject;
};

// The cases recorded (none if the database already held cases).
std::vector<DemoCase> SeedDemoCases(app::Store& store, const app::SubmitCase& submit_case);

struct DemoUser {
  std::string email;
  std::string role;
  std::string password;  // random; shown once on the terminal, never logged
};

// Two departments and one user of every role, each with a fresh random password (none if the
// database already held users).
std::vector<DemoUser> SeedDemoStaff(app::StaffAccounts& accounts, app::RandomSource& random);

}  // namespace shakwa::main
