// DeliverNotifications: the outbox's dispatcher. It delivers every queued notification at least
// once, in three steps:
//
//   1. claim  (one durable write): the due rows, each given its next attempt time before it is
//      sent (the lease), so a dispatcher that dies mid-send leaves the row due again later;
//   2. send   (no transaction open): rendered and sent by the Courier, the row's dedupe key as
//      the idempotency key, so a resent message carries the same key as the first;
//   3. record (one durable write): delivered, to be retried (exponential back-off), or parked
//      after the last attempt or a permanent failure; each attempt an internal timeline event and
//      an audit record.
//
// Where a beneficiary's message goes is decided here, when it is sent, from the case as it is
// then: the preferred channel if it reaches them, else the other; reading the contact data is
// recorded (audit "pii.read"). A webhook row for "every endpoint" is fanned out into one row per
// configured endpoint, each delivered and retried on its own.
//
// Thread safety: RunOnce may be called from any thread; it blocks until its writes are durable.
// Run one dispatcher per database (issue 7 adds leases for several nodes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

#include "app/ports/clock.hpp"
#include "app/ports/courier.hpp"
#include "app/ports/store.hpp"

namespace shakwa::app {

struct DeliverySettings {
  int batch = 50;                        // rows claimed per round
  std::chrono::seconds retry_base{60};   // wait after the first failed attempt, then doubled
  std::chrono::seconds retry_cap{3600};  // longest wait between attempts
  int max_attempts = 12;                 // then parked (about 8 hours with the defaults)
};

struct DeliveryReport {
  int claimed = 0;
  int delivered = 0;
  int retrying = 0;
  int parked = 0;
  int fanned_out = 0;  // webhook rows split per endpoint
  int waiting = 0;     // no configured channel reaches the recipient yet: looked at again later
  int overtaken = 0;   // outcomes of attempts another node had since tried again (left alone)
};

// The wait before attempt number attempts + 1, after attempts failed ones.
std::chrono::seconds RetryDelay(const DeliverySettings& settings, int attempts);

class DeliverNotifications {
 public:
  DeliverNotifications(Store& store, const Clock& clock, Courier& courier,
                       DeliverySettings settings);

  // One round: claims up to settings.batch due rows, sends them, records the outcomes.
  domain::Result<DeliveryReport> RunOnce() const;

 private:
  Store& store_;
  const Clock& clock_;
  Courier& courier_;
  DeliverySettings settings_;
};

// Runs the dispatcher on its own thread: rounds back to back while rows are due, then every
// interval (or at once on Wake()).
class NotificationDispatchJob {
 public:
  using Report = std::function<void(const domain::Result<DeliveryReport>&)>;

  NotificationDispatchJob(const DeliverNotifications& dispatcher,
                          std::chrono::milliseconds interval, Report report);
  ~NotificationDispatchJob();
  NotificationDispatchJob(const NotificationDispatchJob&) = delete;
  NotificationDispatchJob& operator=(const NotificationDispatchJob&) = delete;

  // Something was queued: look now rather than at the next interval.
  void Wake();

 private:
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool woken_ = false;  // GUARDED_BY(mutex_)
  std::jthread thread_;
};

}  // namespace shakwa::app
