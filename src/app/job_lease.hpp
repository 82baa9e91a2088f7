// JobLease: the right to run one background job (the escalation sweep) on one node at a time,
// kept in the store (WriteTransaction::ClaimLease) so that every node running it agrees. The
// holder renews it on every run; a holder that dies stops renewing, and after the term another
// node takes it over. A job that must run once per deadline still checks each case in its own
// write (the sweep's version check): the lease saves the nodes repeating each other's work, it is
// not what keeps an escalation from happening twice.
//
// Thread safety: one job thread uses a JobLease.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "app/ports/store.hpp"
#include "app/write_and_wait.hpp"

namespace shakwa::app {

class JobLease {
 public:
  // holder names this node (host, process, a random part); term is how long a claim lasts.
  JobLease(Store& store, std::string job, std::string holder, std::chrono::milliseconds term)
      : store_(store), job_(std::move(job)), holder_(std::move(holder)), term_(term) {}

  JobLease(const JobLease&) = delete;
  JobLease& operator=(const JobLease&) = delete;
  ~JobLease() { Release(); }

  // Takes or renews the lease as of now. False when another node holds it; an error when the
  // store could not be asked (then the job does not run either).
  domain::Result<bool> Hold(domain::Instant now) {
    bool held = false;
    const domain::Status s = WriteAndWait(store_, [&](WriteTransaction& tx) -> domain::Status {
      auto claimed = tx.ClaimLease(job_, holder_, now, now + term_);
      if (!claimed) return std::move(claimed).error();
      held = *claimed;
      return domain::Status::Ok();
    });
    if (!s.ok()) return s.error();
    held_ = held;
    return held;
  }

  // Gives the lease up if this node held it, so another may take it at once (a clean stop).
  void Release() {
    if (!held_) return;
    held_ = false;
    (void)WriteAndWait(store_,
                       [&](WriteTransaction& tx) { return tx.ReleaseLease(job_, holder_); });
  }

  const std::string& holder() const { return holder_; }

 private:
  Store& store_;
  const std::string job_;
  const std::string holder_;
  const std::chrono::milliseconds term_;
  bool held_ = false;
};

}  // namespace shakwa::app
