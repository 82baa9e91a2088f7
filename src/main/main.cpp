// The composition root: the only place that names concrete types. Reads the settings, builds the
// adapters, hands them to the use cases and the server, and runs the command asked for.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "app/deliver_notifications.hpp"
#include "app/escalation_sweep_job.hpp"
#include "app/handle_case.hpp"
#include "app/manage_templates.hpp"
#include "app/staff_accounts.hpp"
#include "app/staff_cases.hpp"
#include "app/submit_case.hpp"
#include "app/view_case.hpp"
#include "attachments/policy.hpp"
#include "crypto/sodium.hpp"
#include "http/api/routes.hpp"
#include "http/pages/pages.hpp"
#include "http/server.hpp"
#include "main/admin_commands.hpp"
#include "main/courier.hpp"
#include "main/demo.hpp"
#include "main/mailgate_command.hpp"
#include "main/migrate_store_command.hpp"
#include "main/settings.hpp"
#include "main/store_factory.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shakwa::main {
namespace {

namespace json = boost::json;

constexpr std::string_view kVersion = "0.1.0";

// Logs are JSON lines on standard output, one object per event, for the operator's collector.
std::shared_ptr<spdlog::logger> MakeLogger(const Settings& settings) {
  auto logger = spdlog::stdout_logger_mt("shakwa");
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(settings.log.level));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

std::string Now() {
  return domain::FormatIso8601(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

void LogEvent(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view message,
              json::object fields = {}) {
  if (!logger.should_log(level)) return;
  json::object line{
      {"ts", Now()}, {"level", spdlog::level::to_string_view(level).data()}, {"msg", message}};
  for (auto& [key, value] : fields) line[key] = value;
  logger.log(level, json::serialize(line));
}

class JsonAccessLog final : public http::AccessLog {
 public:
  JsonAccessLog(std::shared_ptr<spdlog::logger> logger, bool enabled)
      : logger_(std::move(logger)), enabled_(enabled) {}
  void Record(const http::AccessRecord& r) override {
    if (!enabled_) return;
    const auto level = r.status >= 500 ? spdlog::level::err : spdlog::level::info;
    LogEvent(*logger_, level, "request",
             {{"request_id", r.request_id},
              {"method", http::NameOf(r.method)},
              {"path", r.path},
              {"status", r.status},
              {"duration_us", r.duration.count()}});
  }

 private:
  std::shared_ptr<spdlog::logger> logger_;
  bool enabled_;
};

}  // namespace

crypto::KeySource KeySourceFor(const Settings& settings, const SettingsSources& sources) {
  crypto::KeySource source;
  if (auto it = sources.environment.find("SHAKWA_SECURITY_KEY"); it != sources.environment.end()) {
    source.hex = it->second;
  }
  source.file = settings.security.key_file.empty() ? settings.storage.data_dir / "shakwa.key"
                                                   : settings.security.key_file;
  // An operator-named key file must exist: creating a fresh key beside an existing database
  // would make its sealed data unreadable.
  source.create_if_missing = settings.security.key_file.empty();
  return source;
}

std::filesystem::path DatabasePath(const Settings& settings) {
  return settings.storage.data_dir / "shakwa.db";
}

void EnsureDataDir(const Settings& settings) {
  std::error_code ec;
  std::filesystem::create_directories(settings.storage.data_dir, ec);
  if (ec) {
    throw SettingsError("configuration error: [storage] data_dir (" +
                        settings.storage.data_dir.string() + "): cannot create: " + ec.message());
  }
  ::chmod(settings.storage.data_dir.c_str(), 0700);
}

app::StaffAccounts::Settings AccountSettings(const Settings& settings) {
  app::StaffAccounts::Settings out;
  out.max_failures = settings.security.max_failed_logins;
  out.lockout = std::chrono::minutes(settings.security.lockout_minutes);
  out.session_lifetime = std::chrono::hours(settings.security.session_hours);
  return out;
}

namespace {

CourierSettings CourierSettingsFrom(const Settings& settings) {
  if (!settings.smtp.url.empty() && settings.smtp.from.empty()) {
    throw SettingsError("configuration error: [smtp] from: must be set when [smtp] url is");
  }
  if (!settings.webhooks.url.empty() && settings.webhooks.secret.empty()) {
    throw SettingsError(
        "configuration error: [webhooks] secret: must be set when [webhooks] url is (receivers "
        "check the signature)");
  }
  CourierSettings c;
  c.smtp.url = settings.smtp.url;
  c.smtp.tls = settings.smtp.tls;
  c.smtp.username = settings.smtp.username;
  c.smtp.password = settings.smtp.password;
  c.smtp.ca_file = settings.smtp.ca_file;
  c.smtp.from = settings.smtp.from;
  c.smtp.from_name = settings.smtp.from_name;
  c.smtp.timeout_seconds = settings.smtp.timeout_seconds;
  c.sms.url = settings.sms.url;
  c.sms.body = settings.sms.body;
  c.sms.content_type = settings.sms.content_type;
  c.sms.authorization = settings.sms.authorization;
  c.sms.ca_file = settings.sms.ca_file;
  c.webhook.url = settings.webhooks.url;
  c.webhook.secret = settings.webhooks.secret;
  c.webhook.ca_file = settings.webhooks.ca_file;
  c.public_url = settings.notifications.public_url;
  c.centre_ar = settings.notifications.centre_ar;
  c.centre_en = settings.notifications.centre_en;
  if (auto at = settings.smtp.from.find('@'); at != std::string::npos) {
    c.mail_domain = settings.smtp.from.substr(at + 1);
  }
  return c;
}

// This server among others on one database: host, process and a random part (a restarted
// process may reuse a pid), for leases and logs.
std::string NodeName(app::RandomSource& random) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::array<std::uint8_t, 4> salt{};
  random.Fill(salt);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = std::string(host.data()) + ":" + std::to_string(::getpid()) + ":";
  for (const std::uint8_t byte : salt) {
    name += kHex[byte >> 4];
    name += kHex[byte & 0x0F];
  }
  return name;
}

int Serve(const SettingsSources& sources, bool demo) {
  const Settings settings = LoadSettings(sources);
  CourierSettings courier_settings = CourierSettingsFrom(settings);
  auto logger = MakeLogger(settings);
  EnsureDataDir(settings);
  const crypto::Keyring keys = crypto::LoadKeyring(KeySourceFor(settings, sources));
  crypto::SodiumRandom random;
  crypto::SodiumAccessCodeHasher hasher(keys);
  crypto::SodiumFieldCipher cipher(keys);
  crypto::SodiumTokenHasher tokens(keys);
  crypto::SodiumPasswordHasher passwords;

  auto store = OpenStore(settings, cipher, settings.storage.readers,
                         static_cast<std::size_t>(settings.storage.max_batch));
  if (!store) {
    LogEvent(*logger, spdlog::level::critical, "storage unavailable",
             {{"store", StoreName(settings)}, {"detail", store.error().detail}});
    return 1;
  }

  std::vector<domain::Category> categories;
  if (auto s = (*store)->Read([&](app::ReadTransaction& tx) -> domain::Status {
        auto loaded = tx.Categories();
        if (!loaded) return std::move(loaded).error();
        categories = std::move(*loaded);
        return domain::Status::Ok();
      });
      !s.ok()) {
    LogEvent(*logger, spdlog::level::critical, "categories unreadable",
             {{"detail", s.error().detail}});
    return 1;
  }

  SystemClock clock;
  // The calendar, SLA policy and ladder (the guide file), with the holidays admins confirmed.
  const TimeSetup time = LoadTimeSetup(settings);
  app::ManageCalendar calendar(**store, clock, time.rules);
  if (auto refreshed = calendar.Refresh(); !refreshed) {
    LogEvent(*logger, spdlog::level::critical, "holiday adjustments unreadable",
             {{"detail", refreshed.error().detail}});
    return 1;
  }
  if (auto scheduled = calendar.ScheduleCasesWithoutClock(); !scheduled) {
    LogEvent(*logger, spdlog::level::critical, "cannot schedule the clocks of older cases",
             {{"detail", scheduled.error().detail}});
    return 1;
  } else if (*scheduled > 0) {
    LogEvent(*logger, spdlog::level::info, "clocks given to cases stored before them",
             {{"cases", *scheduled}});
  }
  auto catalogue = std::make_shared<const domain::CategoryCatalogue>(std::move(categories));
  domain::IntakeRules staff_rules;
  staff_rules.channels.clear();
  for (const auto& term : domain::TermsOf<domain::Channel>()) {
    staff_rules.channels.push_back(term.value);
  }
  app::SubmitCase submit_case(app::SubmitCase::Settings{domain::IntakeRules{}, staff_rules,
                                                        settings.reference.sequence_digits,
                                                        time.rules, !settings.webhooks.url.empty()},
                              **store, clock, random, hasher, catalogue);
  app::ViewCaseAsBeneficiary view_case(**store, hasher);
  app::StaffAccounts accounts(AccountSettings(settings), **store, clock, random, passwords, tokens);
  app::HandleCase handle_case(**store, clock, hasher, catalogue, time.rules,
                              !settings.webhooks.url.empty());
  app::EscalateOverdue escalate_overdue(**store, time.rules, !settings.webhooks.url.empty());
  app::StaffCases staff_cases(**store, clock, hasher);

  if (demo) {
    for (const auto& user : SeedDemoStaff(accounts, random)) {
      std::cerr << "demo user " << user.email << "  (" << user.role << ")  password "
                << user.password << "\n";
    }
    // Access codes are secrets and never go to the log; demo ones are shown on the terminal.
    for (const auto& line : SeedDemoCases(**store, submit_case)) {
      std::cerr << "demo case " << line.reference << "  access code " << line.access_code << "  "
                << line.subject << "\n";
    }
  }

  // Attachments: stored by content outside the database; scanned by clamd when configured.
  attachments::ContentTypeDetector detector;
  attachments::FileStore file_store(settings.storage.data_dir / "files");
  std::unique_ptr<attachments::Scanner> scanner;
  if (settings.attachments.clamd.empty()) {
    scanner = std::make_unique<attachments::NoScanner>();
  } else {
    attachments::ClamdSettings clamd;
    clamd.address = settings.attachments.clamd;
    scanner = std::make_unique<attachments::ClamdScanner>(clamd);
  }
  attachments::AttachmentLimits limits;
  limits.max_file_bytes = static_cast<std::size_t>(settings.attachments.max_file_bytes);
  limits.max_files_per_case = static_cast<std::size_t>(settings.attachments.max_files_per_case);
  attachments::AttachmentPolicy policy(limits, detector, *scanner, file_store);

  // The wording of messages: the built-in templates, with what admins changed put back in force.
  MessageCourier courier(std::move(courier_settings), clock, time.rules);
  app::ManageTemplates templates(**store, clock, courier);
  if (auto refused = templates.LoadSaved(); !refused) {
    LogEvent(*logger, spdlog::level::critical, "message templates unreadable",
             {{"detail", refused.error().detail}});
    return 1;
  } else {
    for (const std::string& which : *refused) {
      LogEvent(*logger, spdlog::level::warn, "a saved message template is no longer valid",
               {{"template", which}});
    }
  }

  http::Router router;
  http::api::Dependencies deps{submit_case, view_case,   **store, accounts,
                               handle_case, staff_cases, clock};
  deps.attachment_policy = &policy;
  deps.file_store = &file_store;
  deps.secure_cookies = settings.security.secure_cookies;
  deps.random = &random;
  // Ten wrong access codes for one reference close it to guessing for fifteen minutes.
  app::AttemptLimiter access_code_attempts(10, std::chrono::minutes(15));
  deps.access_code_attempts = &access_code_attempts;
  deps.time = time.rules;
  deps.guide = time.guide;
  deps.calendar = &calendar;
  deps.templates = &templates;
  // E-mail intake through `shakwa mailgate`, when a secret is shared with it.
  app::ReceiveMail::Settings mail_settings;
  mail_settings.category = settings.mailgate.category;
  mail_settings.max_per_sender_per_hour = settings.mailgate.max_per_sender_per_hour;
  if (!settings.smtp.from.empty()) mail_settings.own_addresses.push_back(settings.smtp.from);
  app::ReceiveMail receive_mail(mail_settings, submit_case, handle_case, clock);
  if (!settings.mailgate.secret.empty()) {
    deps.receive_mail = &receive_mail;
    deps.mailgate_secret = settings.mailgate.secret;
    deps.mailgate_max_bytes = static_cast<std::size_t>(settings.mailgate.max_bytes);
  }
  http::api::AddRoutes(router, deps);
  http::pages::AddPages(router, deps);
  JsonAccessLog access_log(logger, settings.log.requests);
  http::ServerSettings server_settings;
  server_settings.host = settings.server.host;
  server_settings.port = settings.server.port;
  // The writer thread needs a core of its own to keep intake fast (bench/): by default the I/O
  // threads take half the cores.
  server_settings.io_threads =
      settings.server.threads > 0
          ? settings.server.threads
          : std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
  server_settings.blocking_threads = settings.server.blocking_threads;
  server_settings.max_body_bytes = static_cast<std::size_t>(settings.server.max_body_bytes);
  // Room for a full set of files, so that the policy (not the server) names what is too big.
  server_settings.max_upload_bytes =
      limits.max_file_bytes * std::max<std::size_t>(1, limits.max_files_per_case) + (1 << 20);
  server_settings.read_timeout = std::chrono::seconds(settings.server.read_timeout_seconds);
  server_settings.shutdown_grace = std::chrono::seconds(settings.server.shutdown_grace_seconds);
  server_settings.handle_signals = true;
  http::Server server(server_settings, router, access_log);
  auto port = server.Listen();
  if (!port) {
    LogEvent(*logger, spdlog::level::critical, "cannot listen", {{"detail", port.error().detail}});
    return 1;
  }
  LogEvent(*logger, spdlog::level::info, "listening",
           {{"address", settings.server.host},
            {"port", *port},
            {"version", kVersion},
            {"data_dir", settings.storage.data_dir.string()},
            {"store", StoreName(settings)}});
  logger->flush();

  // On PostgreSQL several nodes may share the database: the sweep runs on whichever holds its
  // lease, renewed every run; a node that dies stops renewing, and after three intervals another
  // takes over. On SQLite this server is the only one (the single writer), so no lease is needed.
  std::optional<app::JobLease> sweep_lease;
  if (settings.storage.kind == "postgres") {
    sweep_lease.emplace(**store, "escalation_sweep", NodeName(random),
                        std::chrono::seconds(3 * std::max(1, settings.sweep.interval_seconds)));
  }
  std::optional<app::EscalationSweepJob> sweep_job;
  if (settings.sweep.interval_seconds > 0) {
    sweep_job.emplace(
        escalate_overdue, calendar, clock, std::chrono::seconds(settings.sweep.interval_seconds),
        [logger](const domain::Result<app::SweepReport>& report) {
          if (!report) {
            LogEvent(*logger, spdlog::level::err, "escalation sweep failed",
                     {{"detail", report.error().detail}});
          } else if (report->cases_due > 0) {
            LogEvent(*logger, spdlog::level::info, "escalation sweep",
                     {{"due", report->cases_due},
                      {"changed", report->cases_changed},
                      {"skipped", report->cases_skipped},
                      {"failed", report->cases_failed}});
          }
          if (report && report->updates_sent > 0) {
            LogEvent(*logger, spdlog::level::info, "progress updates sent",
                     {{"cases", report->updates_sent}});
          }
        },
        sweep_lease ? &*sweep_lease : nullptr);
  }

  // Outgoing messages: the outbox's dispatcher, when any channel is configured (until then the
  // notices wait in the outbox, and go once one is).
  app::DeliverySettings delivery;
  delivery.retry_base = std::chrono::seconds(settings.notifications.retry_base_seconds);
  delivery.retry_cap = std::chrono::seconds(settings.notifications.retry_cap_seconds);
  delivery.max_attempts = settings.notifications.max_attempts;
  app::DeliverNotifications dispatcher(**store, clock, courier, delivery);
  std::optional<app::NotificationDispatchJob> dispatch_job;
  if (courier.Offers(app::Courier::Channel::kEmail) ||
      courier.Offers(app::Courier::Channel::kSms) ||
      courier.Offers(app::Courier::Channel::kWebhook)) {
    dispatch_job.emplace(dispatcher,
                         std::chrono::milliseconds(settings.notifications.poll_milliseconds),
                         [logger](const domain::Result<app::DeliveryReport>& report) {
                           if (!report) {
                             LogEvent(*logger, spdlog::level::err, "notification delivery failed",
                                      {{"detail", report.error().detail}});
                             return;
                           }
                           LogEvent(*logger, spdlog::level::info, "notifications",
                                    {{"claimed", report->claimed},
                                     {"delivered", report->delivered},
                                     {"retrying", report->retrying},
                                     {"parked", report->parked},
                                     {"fanned_out", report->fanned_out},
                                     {"waiting", report->waiting}});
                         });
  } else {
    LogEvent(*logger, spdlog::level::warn,
             "no outgoing channel configured ([smtp], [sms], [webhooks]): notices wait in the "
             "outbox",
             {});
  }

  server.Run();
  sweep_job.reset();  // before the store closes: a sweep in progress finishes its writes
  dispatch_job.reset();

  // Every request in flight has been answered; now commit what is queued and close the file.
  (*store)->Close();
  const auto counters = (*store)->counters();
  LogEvent(*logger, spdlog::level::info, "stopped",
           {{"writes", counters.writes}, {"commits", counters.commits}});
  logger->flush();
  return 0;
}

int Migrate(const SettingsSources& sources) {
  const Settings settings = LoadSettings(sources);
  EnsureDataDir(settings);
  auto applied = MigrateStore(settings);
  if (!applied) {
    std::cerr << "migrate: " << applied.error().detail << "\n";
    return 1;
  }
  if (applied->empty()) {
    std::cout << "schema is up to date (version " << LatestSchemaVersion(settings) << ")\n";
  }
  for (int version : *applied) std::cout << "applied migration " << version << "\n";
  return 0;
}

}  // namespace
}  // namespace shakwa::main

int main(int argc, char** argv) {
  using namespace shakwa::main;
  // A closed standard output (the log collector went away) must not kill the server mid-request;
  // sockets already use MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App cli{"Shakwa (شكوى): complaints handling for government service centres"};
  cli.require_subcommand(1);
  SettingsSources sources;
  std::string config, listen, data;
  bool demo = false;

  std::vector<CLI::App*> with_common;
  auto add_common = [&](CLI::App* command) {
    command->add_option("--config", config, "TOML settings file");
    command->add_option("--data", data, "data directory (default ./var)");
    with_common.push_back(command);
  };
  auto* serve = cli.add_subcommand("serve", "run the HTTP server");
  add_common(serve);
  serve->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_flag("--demo", demo, "on an empty database, record a few demo cases first");
  auto* migrate = cli.add_subcommand("migrate", "create or update the database schema");
  add_common(migrate);
  auto* version = cli.add_subcommand("version", "print the version");

  auto* department = cli.add_subcommand("department", "manage departments");
  department->require_subcommand(1);
  DepartmentArgs department_args;
  auto* department_add = department->add_subcommand("add", "add a department");
  add_common(department_add);
  department_add->add_option("code", department_args.code, "code, e.g. procurement")->required();
  department_add->add_option("--name-ar", department_args.name_ar, "Arabic name")->required();
  department_add->add_option("--name-en", department_args.name_en, "English name")->required();

  auto* user = cli.add_subcommand("user", "manage staff users");
  user->require_subcommand(1);
  UserArgs user_args;
  std::string user_department;
  bool password_stdin = false;
  auto* user_add = user->add_subcommand("add", "add a staff user (password from standard input)");
  add_common(user_add);
  user_add->add_option("email", user_args.email, "e-mail address, the sign-in name")->required();
  user_add->add_option("--name", user_args.name, "full name")->required();
  user_add
      ->add_option("--role", user_args.role,
                   "agent, handler, supervisor, qa_reviewer, manager, admin or auditor")
      ->required();
  user_add->add_option("--department", user_department, "department code (handlers, supervisors)");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from standard input")
      ->required();

  auto* audit = cli.add_subcommand("audit", "the audit trail");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check the whole hash chain");
  add_common(audit_verify);

  auto* keys = cli.add_subcommand("keys", "encryption keys");
  keys->require_subcommand(1);
  auto* keys_rotate = keys->add_subcommand(
      "rotate", "add a new key and re-seal all personal data under it (stop the server first)");
  add_common(keys_rotate);

  auto* calendar = cli.add_subcommand("calendar", "the business calendar");
  calendar->require_subcommand(1);
  int hijri_year = 0;
  std::string lang = "ar";
  auto* calendar_holidays =
      calendar->add_subcommand("holidays", "list a Hijri year's holidays (Hijri and Gregorian)");
  add_common(calendar_holidays);
  calendar_holidays->add_option("--hijri-year", hijri_year, "e.g. 1447")
      ->required()
      ->check(CLI::Range(1390, 1520));
  calendar_holidays->add_option("--lang", lang, "ar or en")->check(CLI::IsMember({"ar", "en"}));
  std::string holiday_key, first_date, last_date;
  auto* calendar_adjust = calendar->add_subcommand(
      "adjust", "confirm or move a Hijri holiday once the moon is sighted");
  add_common(calendar_adjust);
  calendar_adjust->add_option("key", holiday_key, "eid_al_fitr, eid_al_adha, …")->required();
  calendar_adjust->add_option("--hijri-year", hijri_year, "e.g. 1447")
      ->required()
      ->check(CLI::Range(1390, 1520));
  calendar_adjust->add_option("--first", first_date, "first day, YYYY-MM-DD")->required();
  calendar_adjust->add_option("--last", last_date, "last day, YYYY-MM-DD")->required();

  auto* sla = cli.add_subcommand("sla", "SLA clocks");
  sla->require_subcommand(1);
  std::string from;
  std::int64_t business_minutes = 0;
  auto* sla_due =
      sla->add_subcommand("due", "the instant N business minutes after --from, in business time");
  add_common(sla_due);
  sla_due->add_option("--from", from, "ISO 8601 instant with a zone")->required();
  sla_due->add_option("--business-minutes", business_minutes, "N")->required();

  std::string sweep_now;
  auto* sweep = cli.add_subcommand("sweep", "run one escalation sweep and print what it did");
  add_common(sweep);
  sweep->add_option("--now", sweep_now, "as of this ISO 8601 instant")->required();

  auto* mailgate = cli.add_subcommand(
      "mailgate", "hand one e-mail from standard input to the running server (for the MTA)");
  add_common(mailgate);

  MigrateStoreArgs migrate_store_args;
  auto* migrate_store = cli.add_subcommand(
      "migrate-store",
      "copy an embedded (SQLite) installation into an empty PostgreSQL schema, verifying every "
      "table's count and checksum before committing (stop the server first)");
  migrate_store->add_option("--from", migrate_store_args.from, "sqlite:PATH (opened read-only)")
      ->required();
  migrate_store
      ->add_option("--to", migrate_store_args.to,
                   "postgres:URL, or postgres: alone to take the URL from SHAKWA_STORAGE_URL "
                   "(a password in the URL on the command line shows in ps: prefer the variable "
                   "or a password file, PGPASSFILE)")
      ->required();
  migrate_store->add_flag("--dry-run", migrate_store_args.dry_run,
                          "copy and verify, then roll back");

  CLI11_PARSE(cli, argc, argv);
  // A flag given empty is an error LoadSettings reports, not a flag left out.
  for (const CLI::App* command : with_common) {
    if (!command->parsed()) continue;
    if (command->count("--config") > 0) sources.file = config;
    if (command->count("--data") > 0) sources.data_dir = data;
  }
  if (serve->parsed() && serve->count("--listen") > 0) sources.listen = listen;
  if (user_add->count("--department") > 0) user_args.department = user_department;
  sources.environment = ShakwaEnvironment();

  try {
    if (version->parsed()) {
      std::cout << "shakwa " << kVersion << " (schema "
                << shakwa::storage::sqlite::LatestSchemaVersion() << ")\n";
      return 0;
    }
    if (migrate->parsed()) return Migrate(sources);
    if (department_add->parsed()) return AddDepartmentCommand(sources, department_args);
    if (user_add->parsed()) return AddUserCommand(sources, user_args);
    if (audit_verify->parsed()) return VerifyAuditCommand(sources);
    if (keys_rotate->parsed()) return RotateKeysCommand(sources);
    if (calendar_holidays->parsed()) {
      return CalendarHolidaysCommand(
          sources, hijri_year,
          lang == "en" ? shakwa::domain::Language::kEnglish : shakwa::domain::Language::kArabic);
    }
    if (calendar_adjust->parsed()) {
      return CalendarAdjustCommand(sources, holiday_key, hijri_year, first_date, last_date);
    }
    if (sla_due->parsed()) return SlaDueCommand(sources, from, business_minutes);
    if (sweep->parsed()) return SweepCommand(sources, sweep_now);
    if (mailgate->parsed()) return MailgateCommand(sources, std::cin);
    if (migrate_store->parsed()) return MigrateStoreCommand(sources, migrate_store_args);
    return Serve(sources, demo);
  } catch (const SettingsError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "shakwa: " << e.what() << "\n";
    return 1;
  }
}
