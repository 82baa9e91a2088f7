// TimeRulesSource: the business calendar, SLA policy and escalation ladder in force, shared by
// every use case that schedules a clock and by the published guide.
//
// The rules change only when an admin confirms or moves a holiday; readers take a snapshot
// (Current) and keep using it for the rest of their work, so one action never mixes two calendars.
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <memory>
#include <mutex>

#include "domain/sla.hpp"

namespace shakwa::app {

class TimeRulesSource {
 public:
  explicit TimeRulesSource(domain::TimeRules rules)
      : current_(std::make_shared<const domain::TimeRules>(std::move(rules))) {}

  // DOMAIN.md's defaults (for tests and tools that are not given a configuration).
  static std::shared_ptr<TimeRulesSource> Defaults() {
    return std::make_shared<TimeRulesSource>(domain::TimeRules::Defaults());
  }

  std::shared_ptr<const domain::TimeRules> Current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  void Replace(domain::TimeRules rules) {
    auto next = std::make_shared<const domain::TimeRules>(std::move(rules));
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const domain::TimeRules> current_;  // GUARDED_BY(mutex_)
};

}  // namespace shakwa::app
