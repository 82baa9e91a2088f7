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
    std::string kind = "sqlite";
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
