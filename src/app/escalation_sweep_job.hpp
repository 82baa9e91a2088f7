// EscalationSweepJob: runs the escalation sweep, then the progress updates that fell due, on its
// own thread every interval, as the server's background work. Before each sweep it puts in force
// any holiday an admin confirmed from the command line (ManageCalendar::Refresh).
//
// Stopping wakes the thread at once; a sweep in progress finishes first (its writes are already
// queued, and the store commits them before it closes).
//
// Thread safety: construct and destroy on one thread; report runs on the job's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

#include "app/escalation.hpp"
#include "app/manage_calendar.hpp"
#include "app/ports/clock.hpp"

namespace shakwa::app {

class EscalationSweepJob {
 public:
  using Report = std::function<void(const domain::Result<SweepReport>&)>;

  EscalationSweepJob(const EscalateOverdue& sweep, const ManageCalendar& calendar,
                     const Clock& clock, std::chrono::milliseconds interval, Report report)
      : thread_([&sweep, &calendar, &clock, interval,
                 report = std::move(report)](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any wake;
          while (!stop.stop_requested()) {
            {
              std::unique_lock lock(mutex);
              if (wake.wait_for(lock, stop, interval, [] { return false; })) break;
              if (stop.stop_requested()) break;
            }
            if (auto refreshed = calendar.Refresh(); !refreshed) {
              report(std::move(refreshed).error());
              continue;
            }
            const domain::Instant now = clock.Now();
            auto swept = sweep.Run(now);
            if (swept) {
              auto updates = sweep.SendDueUpdates(now);
              if (!updates) {
                report(std::move(updates).error());
                continue;
              }
              swept->updates_sent = *updates;
            }
            report(swept);
          }
        }) {}

  ~EscalationSweepJob() {
    thread_.request_stop();
    thread_.join();
  }

  EscalationSweepJob(const EscalationSweepJob&) = delete;
  EscalationSweepJob& operator=(const EscalationSweepJob&) = delete;

 private:
  std::jthread thread_;
};

}  // namespace shakwa::app
