// tests/support/sinks.py, the real SMTP (aiosmtpd) and HTTP servers the transport tests deliver
// to, run as a child process for the life of one Sinks object (SharedSinks: for the rest of the
// test binary); a self-signed certificate for its TLS; and ports nobody listens on or nobody
// answers on.
//
// The sink writes what it received to files in its own directory (see sinks.py); the accessors
// read them afresh on every call. It is stopped by its pid (SIGTERM, then SIGKILL) when the
// Sinks object goes away, and stops itself after five minutes should this process die first.
//
// Thread safety: the accessors are const and only read files; several threads may call them.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "attachments/temp_dir.hpp"

extern char** environ;

namespace shakwa::testing {

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

// Starts argv[0] (searched on PATH) with stdout and stderr appended to log; its pid.
inline pid_t Spawn(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int error = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

// Runs a command to its end; its exit status (-1 if it did not exit normally).
inline int Run(const std::vector<std::string>& args, const std::filesystem::path& log) {
  const pid_t pid = Spawn(args, log);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A certificate for 127.0.0.1 (subject and IP address SAN), self-signed, made once per test
// binary by the openssl command-line tool, with its key.
struct Certificate {
  std::filesystem::path cert;
  std::filesystem::path key;
};

inline const Certificate& TestCertificate() {
  static const TempDir dir;
  static const Certificate certificate = [] {
    Certificate made{dir.path() / "cert.pem", dir.path() / "key.pem"};
    const int status = Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                            "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-keyout", made.key.string(), "-out", made.cert.string()},
                           dir.path() / "openssl.log");
    if (status != 0) {
      throw std::runtime_error("openssl req failed: " + ReadWholeFile(dir.path() / "openssl.log"));
    }
    return made;
  }();
  return certificate;
}

// A listening TCP socket on 127.0.0.1 that never accepts: connections succeed (the kernel
// completes them into the backlog) and then nothing is ever said.
class SilentPort {
 public:
  SilentPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof in;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&in), size) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&in), &size) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(in.sin_port);
  }
  ~SilentPort() { ::close(fd_); }
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A TCP port on 127.0.0.1 with nobody listening (bound, then closed again).
inline int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof in;
  ::bind(fd, reinterpret_cast<sockaddr*>(&in), size);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&in), &size);
  ::close(fd);
  return ntohs(in.sin_port);
}

// How a Sinks behaves; see sinks.py for the flags these become.
struct SinkOptions {
  std::string smtp_user{};  // AUTH required when not empty
  std::string smtp_password{};
  bool tls = false;     // STARTTLS (required) and smtps, with TestCertificate
  int hold = 0;         // the first hold POSTs are never answered
  int fail_status = 0;  // the first fail_count POSTs get fail_status
  int fail_count = 0;

  bool operator==(const SinkOptions&) const = default;
};

class Sinks {
 public:
  explicit Sinks(const SinkOptions& options = SinkOptions()) {
    // SHAKWA_PYTHON: one that imports aiosmtpd (see CMakeLists.txt); with its site module, which
    // is what puts Debian's dist-packages on the path. --max-seconds: a sink outlives a crashed
    // test by a little only.
    std::vector<std::string> args = {
        SHAKWA_PYTHON,   std::string(SHAKWA_SOURCE_DIR) + "/tests/support/sinks.py",
        "--dir",         dir_.path().string(),
        "--max-seconds", "300"};
    if (!options.smtp_user.empty()) {
      args.insert(args.end(),
                  {"--smtp-user", options.smtp_user, "--smtp-password", options.smtp_password});
    }
    if (options.tls) {
      args.insert(args.end(), {"--tls-cert", TestCertificate().cert.string(), "--tls-key",
                               TestCertificate().key.string()});
    }
    if (options.hold > 0) args.insert(args.end(), {"--hold", std::to_string(options.hold)});
    if (options.fail_count > 0) {
      args.insert(args.end(), {"--fail-status", std::to_string(options.fail_status), "--fail-count",
                               std::to_string(options.fail_count)});
    }
    pid_ = Spawn(args, dir_.path() / "sinks.log");
    WaitUntilListening();
  }

  ~Sinks() {
    ::kill(pid_, SIGTERM);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  Sinks(const Sinks&) = delete;
  Sinks& operator=(const Sinks&) = delete;

  std::string smtp_url() const { return "smtp://127.0.0.1:" + Port("smtp"); }
  std::string smtps_url() const { return "smtps://127.0.0.1:" + Port("smtps"); }
  std::string http_url(std::string_view path) const {
    return "http://127.0.0.1:" + Port("http") + std::string(path);
  }

  // The lines of mail.jsonl and http.jsonl, each a JSON object.
  std::vector<boost::json::object> Mail() const { return ReadLines("mail.jsonl"); }
  std::vector<boost::json::object> Requests() const { return ReadLines("http.jsonl"); }

  // Those for one recipient, or one path (with its query): tests sharing a sink tell their
  // records apart by these.
  std::vector<boost::json::object> MailTo(std::string_view recipient) const {
    std::vector<boost::json::object> found;
    for (auto& mail : Mail()) {
      for (const auto& to : mail.at("rcpt_tos").as_array()) {
        if (to.as_string() == recipient) {
          found.push_back(std::move(mail));
          break;
        }
      }
    }
    return found;
  }
  std::vector<boost::json::object> RequestsTo(std::string_view path) const {
    std::vector<boost::json::object> found;
    for (auto& request : Requests()) {
      if (request.at("path").as_string() == path) found.push_back(std::move(request));
    }
    return found;
  }

  // A file the sink wrote, by the name its record gives ("mail/0001.eml").
  std::string ReadFile(std::string_view relative) const {
    return ReadWholeFile(dir_.path() / relative);
  }

 private:
  void WaitUntilListening() {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    const auto ports_file = dir_.path() / "ports.json";
    while (!std::filesystem::exists(ports_file)) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_ || std::chrono::steady_clock::now() > give_up) {
        throw std::runtime_error("sinks.py did not start: " +
                                 ReadWholeFile(dir_.path() / "sinks.log"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ports_ = boost::json::parse(ReadWholeFile(ports_file)).as_object();
  }

  std::string Port(std::string_view name) const {
    return std::to_string(ports_.at(name).as_int64());
  }

  std::vector<boost::json::object> ReadLines(std::string_view name) const {
    std::vector<boost::json::object> lines;
    std::istringstream in(ReadWholeFile(dir_.path() / name));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(boost::json::parse(line).as_object());
    }
    return lines;
  }

  TempDir dir_;
  pid_t pid_ = -1;
  boost::json::object ports_;
};

// One Sinks per distinct options for the whole test binary, started on first use and stopped when
// the binary exits: starting Python costs half a second or more on a loaded machine. Tests that
// share one use recipients and paths of their own (MailTo, RequestsTo). Call from one thread.
inline Sinks& SharedSinks(const SinkOptions& options = SinkOptions()) {
  static std::vector<std::pair<SinkOptions, std::unique_ptr<Sinks>>> started;
  for (auto& [started_options, sinks] : started) {
    if (started_options == options) return *sinks;
  }
  started.emplace_back(options, std::make_unique<Sinks>(options));
  return *started.back().second;
}

}  // namespace shakwa::testing
