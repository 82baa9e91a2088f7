// Virus scanning of uploaded files: a Scanner port, the default that scans nothing, and a client
// of ClamAV's daemon (clamd).
//
// A verdict is a value: an infected file is ScanVerdict{clean = false, signature}, which the
// attachment policy turns into a refusal of the upload; a scanner that cannot answer is an error
// (kUnavailable, kScannerUnavailable), which refuses the upload too — when scanning is on, a file
// is never accepted unscanned.
//
// Thread safety: Scan may be called from any thread at once; ClamdScanner opens one connection
// per call and holds no mutable state.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace shakwa::attachments {

struct ScanVerdict {
  bool clean = true;
  std::string signature;  // what the scanner found, when !clean ("Eicar-Test-Signature")

  bool operator==(const ScanVerdict&) const = default;
};

class Scanner {
 public:
  virtual ~Scanner() = default;
  // kUnavailable (kScannerUnavailable) when the scanner cannot give a verdict.
  virtual domain::Result<ScanVerdict> Scan(std::string_view data) = 0;
};

// Scanning off (the default): every file is clean.
class NoScanner final : public Scanner {
 public:
  domain::Result<ScanVerdict> Scan(std::string_view data) override;
};

// Where clamd listens: a unix socket path, or a TCP host and port.
struct ClamdAddress {
  std::string unix_path;  // set for a unix socket
  std::string host;       // otherwise: a name, an IPv4 address, or an IPv6 address (no brackets)
  std::string port;

  bool operator==(const ClamdAddress&) const = default;
};

// Reads "/run/clamav/clamd.ctl", "unix:/run/clamav/clamd.ctl", "127.0.0.1:3310",
// "clamd.internal:3310" or "[::1]:3310"; nullopt when it is none of these.
std::optional<ClamdAddress> ParseClamdAddress(std::string_view text);

struct ClamdSettings {
  std::string address = "/run/clamav/clamd.ctl";  // as ParseClamdAddress reads it
  // The whole exchange — connect, send, verdict — must finish within this.
  std::chrono::milliseconds timeout{30'000};
  std::size_t chunk_bytes =
      std::size_t{64} * 1024;  // clamd reads the stream in chunks of at most this
};

// Speaks clamd's INSTREAM command (clamd(8)): "zINSTREAM\0", then the data as chunks each
// prefixed with its length (4 bytes, big-endian), then a zero length; clamd answers
// "stream: OK" or "stream: <signature> FOUND", ended by "\0". Any other answer ("... ERROR",
// for example "INSTREAM size limit exceeded"), a connection that fails, or the timeout is
// kUnavailable. clamd's StreamMaxLength must be at least the largest file allowed.
class ClamdScanner final : public Scanner {
 public:
  // Throws std::invalid_argument when settings.address is not an address (start-up).
  explicit ClamdScanner(ClamdSettings settings);
  domain::Result<ScanVerdict> Scan(std::string_view data) override;

 private:
  ClamdSettings settings_;
  ClamdAddress address_;
};

}  // namespace shakwa::attachments
