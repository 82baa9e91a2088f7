// A stand-in for clamd that speaks its INSTREAM command, for testing ClamdScanner without a real
// daemon (which would need signature downloads). It listens on 127.0.0.1 (an ephemeral port) or
// a unix socket, serves one connection at a time on its own thread, and answers
// "stream: Eicar-Test-Signature FOUND" when the stream holds the EICAR test string, else
// "stream: OK". Modes make it misbehave: never answer, or answer nonsense.
//
// Thread safety: the accessors may be called from the test thread while the server runs.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "attachments/sample_files.hpp"

namespace shakwa::testing {

class FakeClamd {
 public:
  enum class Mode { kScan, kSilent, kGarbage };

  // TCP on 127.0.0.1 when unix_path is empty, else a unix socket at unix_path.
  explicit FakeClamd(Mode mode, std::string unix_path = {})
      : mode_(mode), unix_path_(std::move(unix_path)) {
    if (unix_path_.empty()) {
      listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in in{};
      in.sin_family = AF_INET;
      in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::bind(listener_, reinterpret_cast<sockaddr*>(&in), sizeof in) != 0) Fail("bind");
      socklen_t size = sizeof in;
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&in), &size);
      port_ = ntohs(in.sin_port);
    } else {
      listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un un{};
      un.sun_family = AF_UNIX;
      std::strncpy(un.sun_path, unix_path_.c_str(), sizeof un.sun_path - 1);
      ::unlink(unix_path_.c_str());
      if (::bind(listener_, reinterpret_cast<sockaddr*>(&un), sizeof un) != 0) Fail("bind");
    }
    if (::listen(listener_, 8) != 0) Fail("listen");
    thread_ = std::thread([this] { Serve(); });
  }

  ~FakeClamd() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
  }
  FakeClamd(const FakeClamd&) = delete;
  FakeClamd& operator=(const FakeClamd&) = delete;

  // As ClamdSettings::address reads it.
  std::string address() const {
    return unix_path_.empty() ? "127.0.0.1:" + std::to_string(port_) : unix_path_;
  }

  // Every stream received, whole, and the sizes of the chunks it came in.
  std::vector<std::string> streams() const {
    std::lock_guard lock(mutex_);
    return streams_;
  }
  std::vector<std::uint32_t> chunk_sizes() const {
    std::lock_guard lock(mutex_);
    return chunk_sizes_;
  }
  std::string last_command() const {
    std::lock_guard lock(mutex_);
    return command_;
  }

 private:
  [[noreturn]] static void Fail(const char* what) {
    throw std::runtime_error(std::string("fake clamd: ") + what + ": " + std::strerror(errno));
  }

  void Serve() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      timeval timeout{5, 0};  // a broken test must not hang the fake for ever
      ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      Handle(connection);
      ::close(connection);
    }
  }

  bool ReadExactly(int fd, char* out, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::recv(fd, out, size, 0);
      if (n <= 0) return false;
      out += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  void Handle(int fd) {
    std::string command(10, '\0');
    if (!ReadExactly(fd, command.data(), command.size())) return;
    std::string stream;
    std::vector<std::uint32_t> sizes;
    while (true) {
      unsigned char length[4];
      if (!ReadExactly(fd, reinterpret_cast<char*>(length), 4)) return;
      const std::uint32_t size = std::uint32_t{length[0]} << 24 | std::uint32_t{length[1]} << 16 |
                                 std::uint32_t{length[2]} << 8 | std::uint32_t{length[3]};
      if (size == 0) break;
      sizes.push_back(size);
      std::string chunk(size, '\0');
      if (!ReadExactly(fd, chunk.data(), size)) return;
      stream += chunk;
    }
    {
      std::lock_guard lock(mutex_);
      command_ = command;
      streams_.push_back(stream);
      chunk_sizes_.insert(chunk_sizes_.end(), sizes.begin(), sizes.end());
    }
    std::string reply;
    switch (mode_) {
      case Mode::kSilent:
        // Hold the connection open, answering nothing, until the client gives up or the test ends.
        while (!stop_) {
          pollfd p{fd, POLLIN, 0};
          if (::poll(&p, 1, 20) > 0) {
            char byte = 0;
            if (::recv(fd, &byte, 1, 0) <= 0) return;
          }
        }
        return;
      case Mode::kGarbage:
        reply = std::string("INSTREAM size limit exceeded. ERROR\0", 36);
        break;
      case Mode::kScan:
        reply = stream.find(Eicar()) != std::string::npos
                    ? std::string("stream: Eicar-Test-Signature FOUND\0", 35)
                    : std::string("stream: OK\0", 11);
        break;
    }
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  const Mode mode_;
  const std::string unix_path_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> streams_;        // GUARDED_BY(mutex_)
  std::vector<std::uint32_t> chunk_sizes_;  // GUARDED_BY(mutex_)
  std::string command_;                     // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace shakwa::testing
