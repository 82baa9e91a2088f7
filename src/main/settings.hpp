// Settings: everything an operator can set, from a TOML file (sections [server], [storage], …),
// each key overridable by an environment variable SHAKWA_<SECTION>_<KEY>, and a few by flags.
// Precedence: built-in default < file < environment < command-line flag.
//
// A bad setting stops start-up with a SettingsError that names the key, where the value came
// from, and what is wrong; an unknown section or key is an error too (a typo would otherwise be
// silently ignored).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace shakwa::main {

struct Settings {
  struct Server {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    int threads = 0;           // I/O threads; 0: half the cores, at least one
    int blocking_threads = 4;  // database reads and other blocking work
    std::int64_t max_body_bytes = 1 << 20;
    int read_timeout_seconds = 30;
    int shutdown_grace_seconds = 20;
  } server;
  struct Storage {
    std::string kind = "sqlite";  // or "postgres"
    std::string url;              // kind = "postgres": libpq URI or connection string
    std::filesystem::path data_dir = "./var";
    int readers = 4;
    int max_batch = 512;
  } storage;
  struct Security {
    std::filesystem::path key_file;  // empty: <data_dir>/shakwa.key, created on first start
    bool secure_cookies = false;     // mark the session cookie Secure (behind HTTPS)
    int session_hours = 12;
    int max_failed_logins = 5;  // wrong passwords in a row before a lock-out
    int lockout_minutes = 15;
  } security;
  struct Attachments {
    std::int64_t max_file_bytes = 10 << 20;
    int max_files_per_case = 10;
    std::string clamd;  // empty: no virus scanning; "unix:/run/clamav/clamd.ctl" or "HOST:PORT"
  } attachments;
  struct Reference {
    int sequence_digits = 6;
  } reference;
  struct Guide {
    // The calendar, SLA policy, escalation ladder and channels (docs/guide.example.toml); empty:
    // DOMAIN.md's defaults.
    std::filesystem::path file;
  } guide;
  struct Sweep {
    int interval_seconds = 60;  // how often the server runs the escalation sweep; 0: never
  } sweep;
  // Outgoing messages. A channel with no url is off; notices for it wait (or go by another).
  // Secrets (password, authorization, secret) are best given by environment variable or *_file.
  struct Smtp {
    std::string url;           // "smtp://host:587" or "smtps://host:465"; empty: no e-mail
    std::string tls = "none";  // none, starttls (required), tls (implicit, smtps)
    std::string from;          // the envelope and From address
    std::string from_name;     // empty: the centre's name in the message's language
    std::string username;
    std::string password;  // or password_file
    std::string ca_file;   // extra CA bundle to trust (a private CA)
    int timeout_seconds = 30;
  } smtp;
  struct Sms {
    std::string url;  // the gateway's HTTP endpoint; empty: no SMS
    std::string body = R"({"to":"{{to}}","text":"{{text}}"})";  // mustache, values JSON-escaped
    std::string content_type = "application/json";
    std::string authorization;  // the Authorization header's value; or authorization_file
    std::string ca_file;
  } sms;
  struct Webhooks {
    std::string url;     // empty: no webhooks
    std::string secret;  // HMAC-SHA256 signing key; or secret_file
    std::string ca_file;
  } webhooks;
  struct Notifications {
    std::string public_url = "http://127.0.0.1:8080";  // links in messages (tracking, guide)
    std::string centre_ar = "المركز";
    std::string centre_en = "The Centre";
    int poll_milliseconds = 1000;  // how often the dispatcher looks for due messages
    int retry_base_seconds = 60;   // first wait after a failed attempt, then doubled
    int retry_cap_seconds = 3600;
    int max_attempts = 12;
  } notifications;
  struct Mailgate {
    std::string secret;  // shared with `shakwa mailgate`; or secret_file; empty: no mailgate
    std::string url;     // where `shakwa mailgate` reaches the server; empty: [server]
    std::string category = "other";  // the category of a case opened by e-mail
    std::int64_t max_bytes = 25 << 20;
    int max_per_sender_per_hour = 20;  // more from one address is a loop: ignored
  } mailgate;
  struct Log {
    std::string level = "info";
    bool requests = true;  // one JSON line per request
  } log;
};

class SettingsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SettingsSources {
  std::optional<std::filesystem::path> file;       // --config
  std::map<std::string, std::string> environment;  // SHAKWA_* variables
  std::optional<std::string> listen;               // --listen HOST:PORT
  std::optional<std::filesystem::path> data_dir;   // --data DIR
};

// REQUIRES: nothing; throws SettingsError on any bad value.
Settings LoadSettings(const SettingsSources& sources);

// The SHAKWA_* variables of this process.
std::map<std::string, std::string> ShakwaEnvironment();

}  // namespace shakwa::main
