// MemoryStore: the Store port held in memory, for unit tests of the application and as the
// reference the store contract suite holds the real backends to. Nothing is durable.
//
// Each Write runs at once on the caller's thread against a copy of the state, which replaces the
// state only if the work succeeds, so failed work leaves no trace (as a savepoint would).
//
// Thread safety: all members are safe from any thread; one mutex serialises everything.
#pragma once

#include <map>
#include <mutex>
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

  struct State {
    std::map<int, std::int64_t> sequences;
    std::map<std::string, app::StoredCase> cases;  // by reference
    std::map<std::int64_t, std::vector<domain::CaseEvent>> events;
    std::vector<domain::Category> categories;
    std::int64_t next_case_id = 1;
    std::int64_t next_event_id = 1;
  };

 private:
  std::mutex mutex_;
  State state_;               // GUARDED_BY(mutex_)
  bool fail_writes_ = false;  // GUARDED_BY(mutex_)
  bool fail_reads_ = false;   // GUARDED_BY(mutex_)
};

}  // namespace shakwa::storage::memory
