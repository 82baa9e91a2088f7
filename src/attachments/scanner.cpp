#include "attachments/scanner.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace shakwa::attachments {
namespace {

using Clock = std::chrono::steady_clock;
using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

Error Unavailable(std::string detail) {
  return Error::Of(ErrorCode::kUnavailable, MessageId::kScannerUnavailable,
                   "clamd: " + std::move(detail));
}

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

constexpr std::size_t kMaxReplyBytes = 4096;

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Milliseconds left before deadline, for poll(); 0 once it has passed.
int RemainingMs(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<std::int64_t>(left, 0, 1'000'000));
}

// Waits until fd is ready for events. 0, ETIMEDOUT, or the errno of poll.
int WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const int left = RemainingMs(deadline);
    if (left == 0) return ETIMEDOUT;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, left);
    if (n > 0) return 0;
    if (n == 0) return ETIMEDOUT;
    if (errno != EINTR) return errno;
  }
}

// Connects a non-blocking stream socket to address within the deadline. 0 or errno.
int ConnectWithin(const Socket& socket, const sockaddr* address, socklen_t length,
                  Clock::time_point deadline) {
  if (::connect(socket.get(), address, length) == 0) return 0;
  if (errno != EINPROGRESS && errno != EAGAIN && errno != EINTR) return errno;
  if (const int error = WaitFor(socket.get(), POLLOUT, deadline); error != 0) return error;
  int error = 0;
  socklen_t size = sizeof error;
  if (::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
  return error;
}

domain::Result<Socket> Connect(const ClamdAddress& address, Clock::time_point deadline) {
  if (!address.unix_path.empty()) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    if (address.unix_path.size() >= sizeof un.sun_path) {
      return Unavailable("socket path too long: " + address.unix_path);
    }
    std::memcpy(un.sun_path, address.unix_path.data(), address.unix_path.size());
    Socket socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (socket.get() < 0) return Unavailable("socket: " + ErrnoText(errno));
    if (const int error =
            ConnectWithin(socket, reinterpret_cast<const sockaddr*>(&un), sizeof un, deadline);
        error != 0) {
      return Unavailable("connect " + address.unix_path + ": " + ErrnoText(error));
    }
    return socket;
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(address.host.c_str(), address.port.c_str(), &hints, &found);
      error != 0) {
    return Unavailable("resolve " + address.host + ": " + ::gai_strerror(error));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  std::string last_error = "no address";
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    Socket socket(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (socket.get() < 0) {
      last_error = "socket: " + ErrnoText(errno);
      continue;
    }
    const int error = ConnectWithin(socket, ai->ai_addr, ai->ai_addrlen, deadline);
    if (error == 0) return socket;
    last_error = ErrnoText(error);
    if (error == ETIMEDOUT) break;
  }
  return Unavailable("connect " + address.host + ":" + address.port + ": " + last_error);
}

// 0 or errno (ETIMEDOUT when the deadline passes).
int SendAll(const Socket& socket, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(socket.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
    if (const int error = WaitFor(socket.get(), POLLOUT, deadline); error != 0) return error;
  }
  return 0;
}

// Reads clamd's reply up to its "\0" (or the end of the connection). 0 or errno.
int ReceiveReply(const Socket& socket, std::string& reply, Clock::time_point deadline) {
  std::array<char, 512> buffer{};
  while (reply.find('\0') == std::string::npos && reply.size() < kMaxReplyBytes) {
    const ssize_t n = ::recv(socket.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      reply.append(buffer.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return 0;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
    if (const int error = WaitFor(socket.get(), POLLIN, deadline); error != 0) return error;
  }
  return 0;
}

std::array<char, 4> BigEndian32(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

}  // namespace

domain::Result<ScanVerdict> NoScanner::Scan(std::string_view /*data*/) {
  return ScanVerdict{};
}

std::optional<ClamdAddress> ParseClamdAddress(std::string_view text) {
  if (text.starts_with("unix:")) text.remove_prefix(5);
  if (text.starts_with("/")) {
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    return ClamdAddress{std::string(text), {}, {}};
  }
  std::string_view host;
  std::string_view port;
  if (text.starts_with("[")) {
    const std::size_t close = text.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0) {
    return std::nullopt;
  }
  const bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '_';
  });
  if (!host_ok) return std::nullopt;
  return ClamdAddress{{}, std::string(host), std::string(port)};
}

ClamdScanner::ClamdScanner(ClamdSettings settings) : settings_(std::move(settings)) {
  auto address = ParseClamdAddress(settings_.address);
  if (!address) {
    throw std::invalid_argument("clamd address \"" + settings_.address +
                                "\" is neither a socket path nor host:port");
  }
  if (settings_.chunk_bytes == 0) settings_.chunk_bytes = std::size_t{64} * 1024;
  address_ = std::move(*address);
}

domain::Result<ScanVerdict> ClamdScanner::Scan(std::string_view data) {
  const Clock::time_point deadline = Clock::now() + settings_.timeout;
  auto socket = Connect(address_, deadline);
  if (!socket) return std::move(socket).error();

  // The "z" form ends the command and the reply with "\0".
  int error = SendAll(*socket, std::string_view("zINSTREAM\0", 10), deadline);
  for (std::size_t at = 0; error == 0 && at < data.size(); at += settings_.chunk_bytes) {
    const std::string_view chunk = data.substr(at, settings_.chunk_bytes);
    const auto length = BigEndian32(static_cast<std::uint32_t>(chunk.size()));
    error = SendAll(*socket, std::string_view(length.data(), length.size()), deadline);
    if (error == 0) error = SendAll(*socket, chunk, deadline);
  }
  if (error == 0) error = SendAll(*socket, std::string_view("\0\0\0\0", 4), deadline);

  // clamd may close early with a reason ("INSTREAM size limit exceeded"): read it either way.
  std::string reply;
  const int receive_error = ReceiveReply(*socket, reply, deadline);
  reply.erase(std::min(reply.find('\0'), reply.size()));
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.pop_back();

  constexpr std::string_view kPrefix = "stream: ";
  constexpr std::string_view kFound = " FOUND";
  if (error == 0 && reply == "stream: OK") return ScanVerdict{};
  if (error == 0 && reply.starts_with(kPrefix) && reply.ends_with(kFound) &&
      reply.size() > kPrefix.size() + kFound.size()) {
    return ScanVerdict{false,
                       reply.substr(kPrefix.size(), reply.size() - kPrefix.size() - kFound.size())};
  }
  if (!reply.empty()) return Unavailable("unexpected reply \"" + reply.substr(0, 200) + "\"");
  const int cause = error != 0 ? error : receive_error;
  return Unavailable(cause == ETIMEDOUT
                         ? "no verdict within " + std::to_string(settings_.timeout.count()) + " ms"
                     : cause != 0 ? "exchange failed: " + ErrnoText(cause)
                                  : "connection closed without a verdict");
}

}  // namespace shakwa::attachments
