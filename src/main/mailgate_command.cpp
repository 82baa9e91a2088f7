#include "main/mailgate_command.hpp"

#include <iostream>
#include <iterator>

#include "transport/transport.hpp"

namespace shakwa::main {
namespace {

constexpr int kTaken = 0;
constexpr int kDataError = 65;
constexpr int kTryLater = 75;

}  // namespace

int MailgateCommand(const SettingsSources& sources, std::istream& in) {
  const Settings settings = LoadSettings(sources);
  if (settings.mailgate.secret.empty()) {
    std::cerr << "mailgate: no [mailgate] secret configured (SHAKWA_MAILGATE_SECRET or "
                 "secret_file); the message stays with the mail server\n";
    return kTryLater;
  }
  const auto limit = static_cast<std::size_t>(settings.mailgate.max_bytes);
  std::string message;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    message.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (message.size() > limit) {
      std::cerr << "mailgate: the message is larger than [mailgate] max_bytes (" << limit << ")\n";
      return kDataError;
    }
  }
  std::string base = settings.mailgate.url;
  if (base.empty()) {
    base = "http://" + settings.server.host + ":" + std::to_string(settings.server.port);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  transport::HttpPost post;
  post.url = base + "/api/v1/mailgate";
  post.body = std::move(message);
  post.headers = {{"Content-Type", "message/rfc822"},
                  {"X-Mailgate-Secret", settings.mailgate.secret}};
  post.timeout = std::chrono::seconds(120);
  const transport::Outcome sent = transport::Post(post);
  if (sent.delivered()) return kTaken;
  std::cerr << "mailgate: " << post.url << ": " << sent.detail << "\n";
  // The message itself is at fault only when the server says so; a refused secret or a missing
  // route is our configuration, to be fixed while the mail server keeps the message.
  if (sent.code == 413 || sent.code == 422) return kDataError;
  return kTryLater;
}

}  // namespace shakwa::main
