#include "main/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/store_helpers.hpp"

namespace shakwa::main {
namespace {

class SettingsTest : public ::testing::Test {
 protected:
  std::filesystem::path File(const std::string& toml) {
    const auto path = dir_.path() / "shakwa.toml";
    std::ofstream(path) << toml;
    return path;
  }
  // The message of the SettingsError that loading throws, or "" if none.
  static std::string ErrorOf(const SettingsSources& sources) {
    try {
      LoadSettings(sources);
    } catch (const SettingsError& e) {
      return e.what();
    }
    return "";
  }
  testing::TempDir dir_;
};

TEST_F(SettingsTest, DefaultsMatchTheDocumentation) {
  const Settings s = LoadSettings({});
  EXPECT_EQ(s.server.host, "127.0.0.1");
  EXPECT_EQ(s.server.port, 8080);
  EXPECT_EQ(s.storage.data_dir, "./var");
  EXPECT_EQ(s.storage.kind, "sqlite");
  EXPECT_EQ(s.server.max_body_bytes, 1 << 20);
}

TEST_F(SettingsTest, FileThenEnvironmentThenFlags) {
  SettingsSources sources;
  sources.file = File(R"([server]
listen = "127.0.0.1:9000"
threads = 3
[storage]
data_dir = "/srv/shakwa"
[log]
requests = false
)");
  Settings s = LoadSettings(sources);
  EXPECT_EQ(s.server.port, 9000);
  EXPECT_EQ(s.server.threads, 3);
  EXPECT_EQ(s.storage.data_dir, "/srv/shakwa");
  EXPECT_FALSE(s.log.requests);

  sources.environment = {{"SHAKWA_SERVER_LISTEN", "[::1]:9100"}, {"SHAKWA_SERVER_THREADS", "4"}};
  s = LoadSettings(sources);
  EXPECT_EQ(s.server.host, "::1");
  EXPECT_EQ(s.server.port, 9100);
  EXPECT_EQ(s.server.threads, 4);

  sources.listen = "0.0.0.0:9200";
  sources.data_dir = "/tmp/elsewhere";
  s = LoadSettings(sources);
  EXPECT_EQ(s.server.host, "0.0.0.0");
  EXPECT_EQ(s.server.port, 9200);
  EXPECT_EQ(s.storage.data_dir, "/tmp/elsewhere");
}

TEST_F(SettingsTest, PostgresIsChosenByKindAndUrlFromTheFileOrTheEnvironment) {
  SettingsSources sources;
  sources.file = File(R"([storage]
kind = "postgres"
url = "postgresql://shakwa@db1,db2/shakwa?target_session_attrs=read-write"
)");
  Settings s = LoadSettings(sources);
  EXPECT_EQ(s.storage.kind, "postgres");
  EXPECT_EQ(s.storage.url, "postgresql://shakwa@db1,db2/shakwa?target_session_attrs=read-write");

  sources.environment = {{"SHAKWA_STORAGE_URL", "host=127.0.0.1 dbname=other"}};
  s = LoadSettings(sources);
  EXPECT_EQ(s.storage.url, "host=127.0.0.1 dbname=other");
  sources.environment = {{"SHAKWA_STORAGE_KIND", "sqlite"}};
  EXPECT_EQ(LoadSettings(sources).storage.kind, "sqlite");
}

TEST_F(SettingsTest, PostgresWithoutAUrlIsRefusedNamingTheKey) {
  SettingsSources sources;
  sources.environment = {{"SHAKWA_STORAGE_KIND", "postgres"}};
  EXPECT_NE(ErrorOf(sources).find("[storage] url (SHAKWA_STORAGE_URL): must be set"),
            std::string::npos)
      << ErrorOf(sources);
}

TEST_F(SettingsTest, ABadValueNamesTheKeyItsSourceAndTheProblem) {
  SettingsSources sources;
  sources.environment = {{"SHAKWA_SERVER_THREADS", "65"}};
  EXPECT_EQ(ErrorOf(sources),
            "configuration error: [server] threads (SHAKWA_SERVER_THREADS): 65 is out of range "
            "(0 to 64)");
  sources.environment = {{"SHAKWA_STORAGE_READERS", "many"}};
  EXPECT_NE(ErrorOf(sources).find("[storage] readers (SHAKWA_STORAGE_READERS): \"many\" is not a "
                                  "whole number"),
            std::string::npos);
  sources.environment = {{"SHAKWA_SERVER_LISTEN", "localhost"}};
  EXPECT_NE(ErrorOf(sources).find("[server] listen"), std::string::npos);
  sources.environment = {{"SHAKWA_STORAGE_KIND", "oracle"}};
  EXPECT_NE(ErrorOf(sources).find("[storage] kind"), std::string::npos);
}

TEST_F(SettingsTest, ABadFileNamesTheKeyOrTheLine) {
  SettingsSources sources;
  sources.file = File("[server]\nthreads = \"two\"\n");
  EXPECT_NE(ErrorOf(sources).find("[server] threads"), std::string::npos) << ErrorOf(sources);
  EXPECT_NE(ErrorOf(sources).find("must be a whole number"), std::string::npos);
  sources.file = File("[server]\nthreds = 2\n");
  EXPECT_NE(ErrorOf(sources).find("unknown key [server] threds"), std::string::npos);
  sources.file = File("[sever]\nthreads = 2\n");
  EXPECT_NE(ErrorOf(sources).find("unknown section [sever]"), std::string::npos);
  sources.file = File("[server\nthreads = 2\n");
  EXPECT_NE(ErrorOf(sources).find("line 1"), std::string::npos) << ErrorOf(sources);
  sources.file = dir_.path() / "missing.toml";
  EXPECT_NE(ErrorOf(sources).find("no such file"), std::string::npos);
}

TEST_F(SettingsTest, EveryKeyInTheExampleFileIsAccepted) {
  // docs/shakwa.example.toml documents every key with its default; it must always load.
  SettingsSources sources;
  sources.file = std::filesystem::path(SHAKWA_SOURCE_DIR) / "docs" / "shakwa.example.toml";
  const Settings s = LoadSettings(sources);
  const Settings defaults = LoadSettings({});
  EXPECT_EQ(s.server.port, defaults.server.port);
  EXPECT_EQ(s.storage.max_batch, defaults.storage.max_batch);
  EXPECT_EQ(s.reference.sequence_digits, defaults.reference.sequence_digits);
}

TEST_F(SettingsTest, TheChannelsAreReadAndTheirSecretsComeFromFilesOrTheEnvironment) {
  const auto password = dir_.path() / "smtp-password";
  std::ofstream(password) << "s3cret\n";
  SettingsSources sources;
  sources.file = File(R"([smtp]
url = "smtp://127.0.0.1:2525"
tls = "starttls"
from = "complaints@centre.example"
password_file = ")" + password.string() +
                      R"("
[webhooks]
url = "https://hooks.example/shakwa"
[notifications]
retry_base_seconds = 5
)");
  sources.environment = {{"SHAKWA_WEBHOOKS_SECRET", "whsec"}, {"SHAKWA_MAILGATE_SECRET", "gate"}};
  const Settings s = LoadSettings(sources);
  EXPECT_EQ(s.smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(s.smtp.tls, "starttls");
  EXPECT_EQ(s.smtp.password, "s3cret");  // the file's line break is not part of it
  EXPECT_EQ(s.webhooks.secret, "whsec");
  EXPECT_EQ(s.mailgate.secret, "gate");
  EXPECT_EQ(s.notifications.retry_base_seconds, 5);
  EXPECT_EQ(s.notifications.max_attempts, 12);
}

TEST_F(SettingsTest, AWrongChannelSettingNamesItsKey) {
  SettingsSources sources;
  sources.file = File("[smtp]\ntls = \"ssl3\"\n");
  EXPECT_NE(ErrorOf(sources).find("[smtp] tls"), std::string::npos) << ErrorOf(sources);
  sources.file = File("[smtp]\nurl = \"http://mail.example\"\n");
  EXPECT_NE(ErrorOf(sources).find("[smtp] url"), std::string::npos) << ErrorOf(sources);
  sources.file = File("[webhooks]\nurl = \"ftp://hooks.example\"\n");
  EXPECT_NE(ErrorOf(sources).find("[webhooks] url"), std::string::npos) << ErrorOf(sources);
  sources.file = File("[mailgate]\nsecret_file = \"/nonexistent/secret\"\n");
  EXPECT_NE(ErrorOf(sources).find("[mailgate] secret_file"), std::string::npos) << ErrorOf(sources);
  sources.file = File("[notifications]\nmax_attempts = 0\n");
  EXPECT_NE(ErrorOf(sources).find("[notifications] max_attempts"), std::string::npos)
      << ErrorOf(sources);
}

}  // namespace
}  // namespace shakwa::main
