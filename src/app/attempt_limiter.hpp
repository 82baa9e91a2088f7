// AttemptLimiter: counts failed guesses per key (an e-mail, a reference number) and refuses
// further attempts for a while once there are too many, so that a password or an access code
// cannot be found by trying (59 bits makes that slow; this makes it hopeless).
//
// In memory, per server process: a restart forgets, which only ever helps the legitimate user.
// Stored lock-outs (a staff account's) live in the users table instead.
//
// Thread safety: all members are safe from any thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "domain/time.hpp"

namespace shakwa::app {

class AttemptLimiter {
 public:
  AttemptLimiter(int max_failures, std::chrono::minutes window);

  // Minutes left to wait when key is blocked at now; 0 when an attempt may go ahead.
  int BlockedFor(const std::string& key, domain::Instant now);
  void RecordFailure(const std::string& key, domain::Instant now);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    domain::Instant window_start{};
  };
  void Prune(domain::Instant now);  // REQUIRES: mutex_ held

  const int max_failures_;
  const std::chrono::minutes window_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mutex_)
};

}  // namespace shakwa::app
