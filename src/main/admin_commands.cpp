#include "main/admin_commands.hpp"

#include <unistd.h>

#include <future>
#include <iostream>

#include "app/escalation.hpp"
#include "app/manage_calendar.hpp"
#include "domain/calendar.hpp"
#include "main/guide_file.hpp"
#include "main/store_factory.hpp"

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
  std::unique_ptr<storage::sql::SqlStore> store;
};

std::unique_ptr<Opened> Open(const SettingsSources& sources) {
  Settings settings = LoadSettings(sources);
  EnsureDataDir(settings);
  crypto::Keyring keys = crypto::LoadKeyring(KeySourceFor(settings, sources));
  auto opened = std::make_unique<Opened>(std::move(settings), std::move(keys));
  auto store = OpenStore(opened->settings, opened->cipher, 1, 64);
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
  auto migrated = MigrateStore(settings);
  if (!migrated) {
    PrintError(migrated.error());
    return 1;
  }
  auto resealed = RekeyStore(settings, cipher);
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

TimeSetup LoadTimeSetup(const Settings& settings) {
  std::optional<std::filesystem::path> file;
  if (!settings.guide.file.empty()) file = settings.guide.file;
  GuideFile loaded = LoadGuideFile(file);
  return TimeSetup{std::make_shared<app::TimeRulesSource>(std::move(loaded.rules)),
                   std::make_shared<const domain::GuideSettings>(std::move(loaded.guide))};
}

namespace {

// The rules in force: the guide file, and the admins' holiday adjustments if a database exists
// (a bare `sla due` on a fresh machine needs none).
std::shared_ptr<app::TimeRulesSource> RulesInForce(const SettingsSources& sources,
                                                   std::unique_ptr<Opened>* keep_open) {
  const Settings settings = LoadSettings(sources);
  TimeSetup setup = LoadTimeSetup(settings);
  if (!StoreMayExist(settings) && keep_open == nullptr) {
    return setup.rules;
  }
  auto opened = Open(sources);
  if (!opened) return nullptr;
  SystemClock clock;
  app::ManageCalendar calendar(*opened->store, clock, setup.rules);
  if (auto refreshed = calendar.Refresh(); !refreshed) {
    PrintError(refreshed.error());
    return nullptr;
  }
  if (keep_open) {
    *keep_open = std::move(opened);
  } else {
    opened->store->Close();
  }
  return setup.rules;
}

std::optional<domain::Instant> InstantArg(const std::string& text, const char* what) {
  auto at = domain::ParseIso8601(text);
  if (!at) {
    std::cerr << what << ": \"" << text
              << "\" is not an ISO 8601 instant with a zone (e.g. 2026-03-19T10:00:00+03:00)\n";
  }
  return at;
}

}  // namespace

int CalendarHolidaysCommand(const SettingsSources& sources, int hijri_year,
                            domain::Language language) {
  auto rules = RulesInForce(sources, nullptr);
  if (!rules) return 1;
  const domain::BusinessCalendar& calendar = rules->Current()->calendar();
  const bool ar = language == domain::Language::kArabic;
  std::cout << (ar ? "عطلات العام الهجري " : "Holidays of Hijri year ") << hijri_year << "\n";
  for (const domain::Holiday& h : calendar.HolidaysOfHijriYear(hijri_year)) {
    std::cout << h.key << "\t" << (ar ? h.name_ar : h.name_en) << "\t"
              << domain::FormatIsoDate(h.first) << " .. " << domain::FormatIsoDate(h.last) << "\t"
              << domain::FormatDateForPeople(h.first, language) << " – "
              << domain::FormatDateForPeople(h.last, language) << "\t"
              << (h.provisional ? (ar ? "مبدئي" : "provisional") : (ar ? "مؤكد" : "confirmed"))
              << "\n";
  }
  return 0;
}

int CalendarAdjustCommand(const SettingsSources& sources, const std::string& key, int hijri_year,
                          const std::string& first, const std::string& last) {
  const auto first_date = domain::ParseIsoDate(first);
  const auto last_date = domain::ParseIsoDate(last);
  if (!first_date || !last_date) {
    std::cerr << "calendar adjust: --first and --last must be dates like 2026-03-20\n";
    return 1;
  }
  std::unique_ptr<Opened> opened;
  auto rules = RulesInForce(sources, &opened);
  if (!rules) return 1;
  SystemClock clock;
  app::ManageCalendar calendar(*opened->store, clock, rules);
  auto placed = calendar.Adjust(domain::HolidayAdjustment{key, hijri_year, *first_date, *last_date},
                                Operator());
  opened->store->Close();
  if (!placed) {
    std::cerr << "calendar adjust: ";
    PrintError(placed.error());
    return 1;
  }
  std::cout << placed->key << " " << hijri_year
            << " confirmed: " << domain::FormatIsoDate(placed->first) << " .. "
            << domain::FormatIsoDate(placed->last) << "\n";
  return 0;
}

int SlaDueCommand(const SettingsSources& sources, const std::string& from,
                  std::int64_t business_minutes) {
  const auto at = InstantArg(from, "sla due: --from");
  if (!at) return 1;
  if (business_minutes < 0) {
    std::cerr << "sla due: --business-minutes must not be negative\n";
    return 1;
  }
  auto rules = RulesInForce(sources, nullptr);
  if (!rules) return 1;
  const domain::Instant due =
      rules->Current()->calendar().AddBusinessMinutes(*at, business_minutes);
  std::cout << domain::FormatIso8601(due) << "\n"
            << domain::FormatForPeople(due, domain::Language::kArabic) << "\n"
            << domain::FormatForPeople(due, domain::Language::kEnglish) << "\n";
  return 0;
}

int SweepCommand(const SettingsSources& sources, const std::string& now_text) {
  const auto now = InstantArg(now_text, "sweep: --now");
  if (!now) return 1;
  std::unique_ptr<Opened> opened;
  auto rules = RulesInForce(sources, &opened);
  if (!rules) return 1;
  app::EscalateOverdue sweep(*opened->store, rules, !LoadSettings(sources).webhooks.url.empty());
  auto report = sweep.Run(*now);
  opened->store->Close();
  if (!report) {
    std::cerr << "sweep: ";
    PrintError(report.error());
    return 1;
  }
  std::cout << "sweep as of " << domain::FormatIso8601(*now) << ": " << report->cases_due
            << " due, " << report->cases_changed << " changed, " << report->cases_skipped
            << " skipped, " << report->cases_failed << " failed\n";
  const auto& ladder = rules->Current()->ladder();
  for (const app::SweepAction& a : report->actions) {
    std::cout << a.reference << " ";
    switch (a.kind) {
      case app::SweepAction::Kind::kWarning:
        std::cout << "warning";
        break;
      case app::SweepAction::Kind::kEscalated:
        std::cout << "escalated to level " << a.level;
        for (const auto& l : ladder.levels) {
          if (l.level == a.level) std::cout << " (" << l.name_en << ")";
        }
        break;
      case app::SweepAction::Kind::kLevelAlreadyReached:
        std::cout << "level " << a.level << " already reached";
        break;
    }
    std::cout << " owner " << (a.owner_id ? std::to_string(*a.owner_id) : std::string("none"))
              << " due " << domain::FormatIso8601(a.due_at) << "\n";
  }
  return report->cases_failed == 0 ? 0 : 1;
}

}  // namespace shakwa::main
