// MemoryStore: the Store port held in memory, for unit tests of the application and as the
// reference the store contract suite holds the real backends to. Nothing is durable.
//
// Each Write runs at once on the caller's thread against a copy of the state, which replaces the
// state only if the work succeeds, so failed work leaves no trace (as a savepoint would): a case
// update, an audit link, a new user all vanish together with the work that made them.
//
// Personal data is held in clear (there is no disk to protect it from), so the queue's national
// ID and mobile filters compare plaintext where SQLite compares blind indexes.
//
// Queue order (ListCases), with case_id as the last key so that no two cases tie:
//   kReceivedAsc   received_at, case_id
//   kReceivedDesc  received_at desc, case_id desc
//   kPriorityDesc  priority desc (urgent > high > normal > low), received_at, case_id
//   kUpdatedDesc   handling.updated_at desc, case_id desc
// A cursor names the sort it was made under and the last item's keys; it is valid only for a
// query with the same sort.
//
// Thread safety: all members are safe from any thread; one mutex serialises everything.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "app/ports/store.hpp"

namespace shakwa::storage::memory {

class MemoryStore final : public app::Store {
 public:
  MemoryStore();

  void Write(WriteWork work, WriteDone done) override;
  domain::Status Read(const ReadWork& work) override;

  // Makes every later Write fail with kUnavailable, as a full disk would (for tests).
  void FailWrites(bool fail);
  // Makes every later Read fail with kUnavailable, as a lost database would (for tests).
  void FailReads(bool fail);

  // Everything the store remembers. Copied whole for each Write, which is fine at test sizes.
  struct State {
    std::map<int, std::int64_t> sequences;
    std::map<std::string, app::StoredCase> cases;  // by reference
    std::map<std::int64_t, std::vector<domain::CaseEvent>> events;
    std::map<std::int64_t, std::vector<app::Attachment>> attachments;  // by case id, oldest first
    std::vector<domain::AuditEntry> audit;                             // sequence i + 1 at [i]
    std::map<std::string, domain::Department> departments;             // by code
    std::map<std::int64_t, app::StoredUser> users;                     // by id
    std::map<std::array<std::uint8_t, 32>, domain::Session> sessions;  // by token hash
    std::vector<domain::Category> categories;
    std::vector<app::Notification> outbox;  // id i + 1 at [i]
    std::map<std::pair<std::string, int>, domain::HolidayAdjustment> adjustments;
    std::map<std::tuple<std::string, domain::Language, std::string>, app::MessageTemplateText>
        templates;
    struct Lease {
      std::string holder;
      domain::Instant expires_at{};
    };
    std::map<std::string, Lease, std::less<>> leases;  // by job
    std::int64_t next_case_id = 1;
    std::int64_t next_event_id = 1;
    std::int64_t next_attachment_id = 1;
    std::int64_t next_user_id = 1;
  };

 private:
  std::mutex mutex_;
  State state_;               // GUARDED_BY(mutex_)
  bool fail_writes_ = false;  // GUARDED_BY(mutex_)
  bool fail_reads_ = false;   // GUARDED_BY(mutex_)
};

}  // namespace shakwa::storage::memory
