// EscalationSweepJob: runs the escalation sweep, then the progress updates that fell due, on its
// own thread every interval, as the server's background work. Before each sweep it puts in force
// any holiday an admin confirmed from the command line (ManageCalendar::Refresh).
//
// With a lease (several nodes on one database), a sweep runs only on the node holding it: the
// others skip their turn, and take over once the holder stops renewing it (JobLease).
//
// Stopping wakes the thread at once; a sweep in progress finishes first (its writes are already
// queued, and the store commits them before it closes), then the lease is given up.
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
#include "app/job_lease.hpp"
#include "app/manage_calendar.hpp"
#include "app/ports/clock.hpp"

namespace shakwa::app {

class EscalationSweepJob {
 public:
  using Report = std::function<void(const domain::Result<SweepReport>&)>;

  // lease may be null: the only node (SQLite), so no one to share the sweep with.
  EscalationSweepJob(const EscalateOverdue& sweep, const ManageCalendar& calendar,
                     const Clock& clock, std::chrono::milliseconds interval, Report report,
                     JobLease* lease = nullptr)
      : thread_([&sweep, &calendar, &clock, interval, lease,
                 report = std::move(report)](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any wake;
          while (!stop.stop_requested()) {
            {
              std::unique_lock lock(mutex);
              if (wake.wait_for(lock, stop, interval, [] { return false; })) break;
              if (stop.stop_requested()) break;
            }
            if (lease != nullptr) {
              auto held = lease->Hold(clock.Now());
              if (!held) {
                report(std::move(held).error());
                continue;
              }
              if (!*held) continue;  // another node sweeps
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
          if (lease != nullptr) lease->Release();
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
