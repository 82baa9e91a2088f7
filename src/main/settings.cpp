#include "main/settings.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <functional>
#include <iterator>
#include <vector>

extern char** environ;

namespace shakwa::main {
namespace {

enum class Type { kString, kInteger, kBoolean };

// One settable key. apply() checks and stores a value given as text, and returns what is wrong
// with it, or an empty string.
struct Key {
  std::string_view section;
  std::string_view name;
  Type type;
  std::function<std::string(Settings&, const std::string&)> apply;
};

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string EnvName(const Key& key) {
  return "SHAKWA_" + Upper(key.section) + "_" + Upper(key.name);
}

std::optional<std::int64_t> ToInt(const std::string& text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// An integer setting within [min, max].
std::function<std::string(Settings&, const std::string&)> Int(
    std::int64_t min, std::int64_t max, std::function<void(Settings&, std::int64_t)> set) {
  return [min, max, set = std::move(set)](Settings& s, const std::string& text) -> std::string {
    const auto value = ToInt(text);
    if (!value) return "\"" + text + "\" is not a whole number";
    if (*value < min || *value > max) {
      return std::to_string(*value) + " is out of range (" + std::to_string(min) + " to " +
             std::to_string(max) + ")";
    }
    set(s, *value);
    return {};
  };
}

std::string ApplyListen(Settings& s, const std::string& text) {
  std::string hint = "\"" + text + "\" is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)";
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return hint;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return hint;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const auto number = ToInt(port);
  if (host.empty() || !number || *number < 0 || *number > 65535) return hint;
  s.server.host = host;
  s.server.port = static_cast<std::uint16_t>(*number);
  return {};
}

// A secret kept in its own file (readable by the service alone), so it is in neither the
// settings file nor the environment. Trailing line breaks are not part of it.
std::string ReadSecretFile(const std::string& path, std::string& target) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read " + path;
  std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return path + " is empty";
  target = std::move(value);
  return {};
}

std::string ApplyBool(bool& target, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") {
    target = true;
  } else if (text == "false" || text == "0" || text == "no") {
    target = false;
  } else {
    return "\"" + text + "\" is not true or false";
  }
  return {};
}

const std::vector<Key>& Keys() {
  static const std::
      vector<Key>
          keys =
              {
                  {"server", "listen", Type::kString, ApplyListen},
                  {"server", "threads", Type::kInteger,
                   Int(0, 64,
                       [](Settings& s, std::int64_t v) {
                         s.server.threads = static_cast<int>(v);
                       })},
                  {"server", "blocking_threads", Type::kInteger,
                   Int(1, 256,
                       [](Settings& s, std::int64_t v) {
                         s.server.blocking_threads = static_cast<int>(v);
                       })},
                  {"server", "max_body_bytes", Type::kInteger,
                   Int(1024, 64 << 20,
                       [](Settings& s, std::int64_t v) { s.server.max_body_bytes = v; })},
                  {"server", "read_timeout_seconds", Type::kInteger,
                   Int(1, 3600,
                       [](Settings& s, std::int64_t v) {
                         s.server.read_timeout_seconds = static_cast<int>(v);
                       })},
                  {"server", "shutdown_grace_seconds", Type::kInteger,
                   Int(0, 3600,
                       [](Settings& s, std::int64_t v) {
                         s.server.shutdown_grace_seconds = static_cast<int>(v);
                       })},
                  {"storage", "kind", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (v != "sqlite" && v != "postgres") {
                       return "\"" + v + "\" is not a storage kind (sqlite, postgres)";
                     }
                     s.storage.kind = v;
                     return {};
                   }},
                  // A libpq URI or connection string for kind = "postgres". Its password is
                  // better kept in a passfile (passfile=… or PGPASSFILE) than here.
                  {"storage", "url", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.storage.url = v;
                     return {};
                   }},
                  {"storage", "data_dir", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (v.empty()) return "must not be empty";
                     s.storage.data_dir = v;
                     return {};
                   }},
                  {"storage", "readers", Type::kInteger,
                   Int(1, 64,
                       [](Settings& s, std::int64_t v) {
                         s.storage.readers = static_cast<int>(v);
                       })},
                  {"storage", "max_batch", Type::kInteger,
                   Int(1, 10000,
                       [](Settings& s, std::int64_t v) {
                         s.storage.max_batch = static_cast<int>(v);
                       })},
                  {"security", "key_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.security.key_file = v;
                     return {};
                   }},
                  {"security", "secure_cookies", Type::kBoolean,
                   [](Settings& s, const std::string& v) {
                     return ApplyBool(s.security.secure_cookies, v);
                   }},
                  {"security", "session_hours", Type::kInteger,
                   Int(1, 24 * 30,
                       [](Settings& s, std::int64_t v) {
                         s.security.session_hours = static_cast<int>(v);
                       })},
                  {"security", "max_failed_logins", Type::kInteger,
                   Int(1, 100,
                       [](Settings& s, std::int64_t v) {
                         s.security.max_failed_logins = static_cast<int>(v);
                       })},
                  {"security", "lockout_minutes", Type::kInteger,
                   Int(1, 24 * 60,
                       [](Settings& s, std::int64_t v) {
                         s.security.lockout_minutes = static_cast<int>(v);
                       })},
                  {"attachments", "max_file_bytes", Type::kInteger,
                   Int(1024, std::int64_t{1} << 30,
                       [](Settings& s, std::int64_t v) { s.attachments.max_file_bytes = v; })},
                  {"attachments", "max_files_per_case", Type::kInteger,
                   Int(0, 100,
                       [](Settings& s, std::int64_t v) {
                         s.attachments.max_files_per_case = static_cast<int>(v);
                       })},
                  {"attachments", "clamd", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.attachments.clamd = v;
                     return {};
                   }},
                  {"reference", "sequence_digits", Type::kInteger,
                   Int(4, 9,
                       [](Settings& s, std::int64_t v) {
                         s.reference.sequence_digits = static_cast<int>(v);
                       })},
                  {"guide", "file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.guide.file = v;
                     return {};
                   }},
                  {"sweep", "interval_seconds", Type::kInteger,
                   Int(0, 3600,
                       [](Settings& s, std::int64_t v) {
                         s.sweep.interval_seconds = static_cast<int>(v);
                       })},
                  {"smtp", "url", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (!v.empty() && v.rfind("smtp://", 0) != 0 && v.rfind("smtps://", 0) != 0) {
                       return "must start with smtp:// or smtps://";
                     }
                     s.smtp.url = v;
                     return {};
                   }},
                  {"smtp", "tls", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (v != "none" && v != "starttls" && v != "tls") {
                       return "\"" + v + "\" is not one of none, starttls, tls";
                     }
                     s.smtp.tls = v;
                     return {};
                   }},
                  {"smtp", "from", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (!v.empty() && v.find('@') == std::string::npos)
                       return "must be an e-mail address";
                     s.smtp.from = v;
                     return {};
                   }},
                  {"smtp", "from_name", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.smtp.from_name = v;
                     return {};
                   }},
                  {"smtp", "username", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.smtp.username = v;
                     return {};
                   }},
                  {"smtp", "password", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.smtp.password = v;
                     return {};
                   }},
                  {"smtp", "password_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     return ReadSecretFile(v, s.smtp.password);
                   }},
                  {"smtp", "ca_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.smtp.ca_file = v;
                     return {};
                   }},
                  {"smtp", "timeout_seconds", Type::kInteger,
                   Int(1, 600,
                       [](Settings& s, std::int64_t v) {
                         s.smtp.timeout_seconds = static_cast<int>(v);
                       })},
                  {"sms", "url", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                       return "must start with http:// or https://";
                     }
                     s.sms.url = v;
                     return {};
                   }},
                  {"sms", "body", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.sms.body = v;
                     return {};
                   }},
                  {"sms", "content_type", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.sms.content_type = v;
                     return {};
                   }},
                  {"sms", "authorization", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.sms.authorization = v;
                     return {};
                   }},
                  {"sms", "authorization_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     return ReadSecretFile(v, s.sms.authorization);
                   }},
                  {"sms", "ca_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.sms.ca_file = v;
                     return {};
                   }},
                  {"webhooks", "url", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                       return "must start with http:// or https://";
                     }
                     s.webhooks.url = v;
                     return {};
                   }},
                  {"webhooks", "secret", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.webhooks.secret = v;
                     return {};
                   }},
                  {"webhooks", "secret_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     return ReadSecretFile(v, s.webhooks.secret);
                   }},
                  {"webhooks", "ca_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.webhooks.ca_file = v;
                     return {};
                   }},
                  {"notifications", "public_url", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                       return "must start with http:// or https://";
                     }
                     s.notifications.public_url = v;
                     return {};
                   }},
                  {"notifications", "centre_ar", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.notifications.centre_ar = v;
                     return {};
                   }},
                  {"notifications", "centre_en", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.notifications.centre_en = v;
                     return {};
                   }},
                  {"notifications", "poll_milliseconds", Type::kInteger,
                   Int(10, 60000,
                       [](Settings& s, std::int64_t v) {
                         s.notifications.poll_milliseconds = static_cast<int>(v);
                       })},
                  {"notifications", "retry_base_seconds", Type::kInteger,
                   Int(1, 86400,
                       [](Settings& s, std::int64_t v) {
                         s.notifications.retry_base_seconds = static_cast<int>(v);
                       })},
                  {"notifications", "retry_cap_seconds", Type::kInteger,
                   Int(1, 604800,
                       [](Settings& s, std::int64_t v) {
                         s.notifications.retry_cap_seconds = static_cast<int>(v);
                       })},
                  {"notifications", "max_attempts", Type::kInteger,
                   Int(1, 100,
                       [](Settings& s, std::int64_t v) {
                         s.notifications.max_attempts = static_cast<int>(v);
                       })},
                  {"mailgate", "secret", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.mailgate.secret = v;
                     return {};
                   }},
                  {"mailgate", "secret_file", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     return ReadSecretFile(v, s.mailgate.secret);
                   }},
                  {"mailgate", "url", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
                       return "must start with http:// or https://";
                     }
                     s.mailgate.url = v;
                     return {};
                   }},
                  {"mailgate", "category", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     s.mailgate.category = v;
                     return {};
                   }},
                  {"mailgate", "max_bytes", Type::kInteger,
                   Int(1024, std::int64_t{1} << 30,
                       [](Settings& s, std::int64_t v) { s.mailgate.max_bytes = v; })},
                  {"mailgate", "max_per_sender_per_hour", Type::kInteger,
                   Int(1, 100000,
                       [](Settings& s, std::int64_t v) {
                         s.mailgate.max_per_sender_per_hour = static_cast<int>(v);
                       })},
                  {"log", "level", Type::kString,
                   [](Settings& s, const std::string& v) -> std::string {
                     if (v != "debug" && v != "info" && v != "warn" && v != "error") {
                       return "\"" + v + "\" is not one of debug, info, warn, error";
                     }
                     s.log.level = v;
                     return {};
                   }},
                  {"log", "requests", Type::kBoolean,
                   [](Settings& s, const std::string& v) { return ApplyBool(s.log.requests, v); }},
              };
  return keys;
}

[[noreturn]] void Fail(const Key& key, const std::string& from, const std::string& what) {
  throw SettingsError("configuration error: [" + std::string(key.section) + "] " +
                      std::string(key.name) + " (" + from + "): " + what);
}

void ApplyFile(Settings& settings, const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw SettingsError("configuration error: " + path.string() + " line " +
                        std::to_string(where.line) + ", column " + std::to_string(where.column) +
                        ": " + std::string(e.description()));
  }
  for (const auto& [section_name, section_node] : table) {
    const auto* section = section_node.as_table();
    const bool known_section = std::any_of(Keys().begin(), Keys().end(), [&](const Key& k) {
      return k.section == section_name.str();
    });
    if (!known_section || section == nullptr) {
      throw SettingsError(
          "configuration error: " + path.string() + ": unknown section [" +
          std::string(section_name.str()) +
          "] (known: server, storage, security, attachments, reference, guide, sweep, smtp, sms, "
          "webhooks, notifications, mailgate, log)");
    }
    for (const auto& [key_name, node] : *section) {
      const auto found = std::find_if(Keys().begin(), Keys().end(), [&](const Key& k) {
        return k.section == section_name.str() && k.name == key_name.str();
      });
      if (found == Keys().end()) {
        throw SettingsError("configuration error: " + path.string() + ": unknown key [" +
                            std::string(section_name.str()) + "] " + std::string(key_name.str()));
      }
      const std::string from = path.string();
      std::string text;
      switch (found->type) {
        case Type::kString:
          if (!node.is_string()) Fail(*found, from, "must be a string");
          text = *node.value<std::string>();
          break;
        case Type::kInteger:
          if (!node.is_integer()) Fail(*found, from, "must be a whole number");
          text = std::to_string(*node.value<std::int64_t>());
          break;
        case Type::kBoolean:
          if (!node.is_boolean()) Fail(*found, from, "must be true or false");
          text = *node.value<bool>() ? "true" : "false";
          break;
      }
      if (std::string what = found->apply(settings, text); !what.empty()) {
        Fail(*found, from, what);
      }
    }
  }
}

}  // namespace

std::map<std::string, std::string> ShakwaEnvironment() {
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (text.rfind("SHAKWA_", 0) != 0) continue;
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    out.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return out;
}

Settings LoadSettings(const SettingsSources& sources) {
  Settings settings;
  if (sources.file) {
    if (sources.file->empty())
      throw SettingsError("configuration error: --config: must not be empty");
    if (!std::filesystem::exists(*sources.file)) {
      throw SettingsError("configuration error: --config " + sources.file->string() +
                          ": no such file");
    }
    ApplyFile(settings, *sources.file);
  }
  for (const Key& key : Keys()) {
    const auto it = sources.environment.find(EnvName(key));
    if (it == sources.environment.end()) continue;
    if (std::string what = key.apply(settings, it->second); !what.empty()) {
      Fail(key, EnvName(key), what);
    }
  }
  if (sources.listen) {
    if (std::string what = ApplyListen(settings, *sources.listen); !what.empty()) {
      throw SettingsError("configuration error: --listen: " + what);
    }
  }
  if (sources.data_dir) {
    if (sources.data_dir->empty())
      throw SettingsError("configuration error: --data: must not be empty");
    settings.storage.data_dir = *sources.data_dir;
  }
  if (settings.storage.kind == "postgres" && settings.storage.url.empty()) {
    throw SettingsError(
        "configuration error: [storage] url (SHAKWA_STORAGE_URL): must be set when [storage] "
        "kind is \"postgres\" (postgresql://user@host/database)");
  }
  return settings;
}

}  // namespace shakwa::main
