// Server: HTTP/1.1 over Boost.Beast. Owns the I/O threads and the blocking pool; hands each
// request to the Router and writes what the handler responds.
//
// Limits are enforced here, before any handler runs: a body over max_body_bytes gets 413 and the
// connection is closed; a malformed request line or header gets 400; a client that stalls past
// read_timeout is dropped.
//
// Shutdown() (or SIGINT/SIGTERM when handle_signals): stop accepting, close idle keep-alive
// connections, let every request in flight finish and be answered (up to shutdown_grace), then
// Run() returns. The caller closes the store afterwards, so every acknowledged write is durable.
//
// Thread safety: Listen() then Run() from one thread; Shutdown() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "domain/result.hpp"
#include "http/exchange.hpp"
#include "http/router.hpp"

namespace shakwa::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (tests)
  int io_threads = 2;
  int blocking_threads = 4;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_upload_bytes = 64 << 20;  // multipart/form-data bodies (attachments)
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{20};
  bool handle_signals = false;
};

class Server {
 public:
  Server(ServerSettings settings, const Router& router, AccessLog& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the port actually bound.
  domain::Result<std::uint16_t> Listen();
  // Serves until shut down. REQUIRES: Listen() succeeded.
  void Run();
  void Shutdown();
  // True once shutdown has begun (readiness turns false).
  bool draining() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shakwa::http
