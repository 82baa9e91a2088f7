// Webhook signatures: HMAC-SHA256 (libsodium) over "<t>.<body>", in Stripe's header format.
#include <sodium.h>

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "transport/transport.hpp"

namespace shakwa::transport {
namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

// A key of any length: libsodium's init hashes one longer than a block, as HMAC specifies.
Mac HmacSha256(std::string_view secret, std::string_view timestamp, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(timestamp.data()),
                                timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  Mac mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

// The 32 bytes that exactly 64 lower-case hex digits stand for; nullopt for anything else.
std::optional<Mac> FromLowerHex(std::string_view hex) {
  if (hex.size() != std::size_t{2} * crypto_auth_hmacsha256_BYTES) return std::nullopt;
  Mac mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) {
    unsigned value = 0;
    for (char c : hex.substr(2 * i, 2)) {
      unsigned digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<unsigned>(c - 'a' + 10);
      } else {
        return std::nullopt;
      }
      value = value * 16 + digit;
    }
    mac[i] = static_cast<unsigned char>(value);
  }
  return mac;
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body) {
  Initialise();
  const std::string timestamp = std::to_string(unix_seconds);
  const Mac mac = HmacSha256(secret, timestamp, body);
  std::string hex(2 * mac.size() + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();  // the terminating NUL sodium wrote
  return "t=" + timestamp + ",v1=" + hex;
}

bool VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body,
                            std::int64_t now_unix_seconds, std::int64_t tolerance_seconds) {
  Initialise();
  std::optional<std::string_view> timestamp;
  std::vector<Mac> candidates;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view element = header.substr(0, comma);
    header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
    const std::size_t equals = element.find('=');
    if (equals == std::string_view::npos) return false;
    const std::string_view key = element.substr(0, equals);
    const std::string_view value = element.substr(equals + 1);
    if (key == "t") {
      if (timestamp) return false;  // two timestamps: which one was signed?
      timestamp = value;
    } else if (key == "v1") {
      auto mac = FromLowerHex(value);
      if (!mac) return false;
      candidates.push_back(*mac);
    }
  }
  if (!timestamp || candidates.empty() || tolerance_seconds < 0) return false;

  // Digits only: the signed text is the timestamp exactly as sent, so "+5" or "05" must not
  // stand for the 5 that was signed.
  std::int64_t signed_at = 0;
  const char* end = timestamp->data() + timestamp->size();
  const auto [stop, error] = std::from_chars(timestamp->data(), end, signed_at);
  if (error != std::errc() || stop != end || timestamp->empty() || (*timestamp)[0] == '-' ||
      std::to_string(signed_at) != *timestamp) {
    return false;
  }
  std::int64_t age = 0;
  if (__builtin_sub_overflow(now_unix_seconds, signed_at, &age)) return false;
  if (age > tolerance_seconds || age < -tolerance_seconds) return false;

  const Mac expected = HmacSha256(secret, *timestamp, body);
  bool match = false;
  for (const Mac& candidate : candidates) {
    match = (sodium_memcmp(candidate.data(), expected.data(), expected.size()) == 0) || match;
  }
  return match;
}

}  // namespace shakwa::transport
