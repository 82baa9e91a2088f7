#include "app/attempt_limiter.hpp"

namespace shakwa::app {

AttemptLimiter::AttemptLimiter(int max_failures, std::chrono::minutes window)
    : max_failures_(max_failures), window_(window) {}

int AttemptLimiter::BlockedFor(const std::string& key, domain::Instant now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const auto end = it->second.window_start + window_;
  if (now >= end) {
    entries_.erase(it);
    return 0;
  }
  if (it->second.failures < max_failures_) return 0;
  const auto left = std::chrono::ceil<std::chrono::minutes>(end - now);
  return static_cast<int>(std::max<std::int64_t>(1, left.count()));
}

void AttemptLimiter::RecordFailure(const std::string& key, domain::Instant now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() > 100000) Prune(now);  // bound memory under a spray of random keys
  Entry& e = entries_[key];
  if (e.failures == 0 || now >= e.window_start + window_) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
}

void AttemptLimiter::RecordSuccess(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void AttemptLimiter::Prune(domain::Instant now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now >= it->second.window_start + window_ ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace shakwa::app
