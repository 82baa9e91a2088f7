// Store: the one port through which the application reads and changes what Shakwa remembers.
//
// Writes are use-case transactions: a use case hands Write() a piece of work that does
// everything one request changes (the case, its timeline event, later its audit link and outbox
// rows) through WriteTransaction. The store runs it inside a transaction that may be shared with
// other requests' work (group commit: one fsync for all), isolated from them by a savepoint, and
// calls done only after that transaction is durable. A 201 is sent from done, so acknowledged
// means durable.
//
// Reads run on the calling thread in a consistent snapshot; they may block, so the HTTP layer
// calls them from its worker pool, never from an I/O thread.
//
// Adapters: storage/sqlite (embedded default), storage/memory (tests); one contract suite
// (tests/storage/store_contract.hpp) runs against each.
//
// Thread safety: Write() and Read() may be called from any thread at once. The transaction
// objects are confined to the call that receives them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "app/ports/secrets.hpp"
#include "domain/case.hpp"
#include "domain/category.hpp"
#include "domain/result.hpp"

namespace shakwa::app {

struct StoredCase {
  domain::Case value;
  AccessCodeHash access_code_hash{};
};

class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  // A sequence number for year that was never handed out before. Gaps are allowed (a number
  // taken by work that rolled back was never shown to anyone); reuse is not.
  virtual domain::Result<std::int64_t> NextReferenceSequence(int year) = 0;
  // Stores a new case and returns its id. REQUIRES: c.reference is set and unused.
  virtual domain::Result<std::int64_t> InsertCase(const domain::Case& c,
                                                  const AccessCodeHash& access_code_hash) = 0;
  virtual domain::Result<std::int64_t> AppendEvent(std::int64_t case_id,
                                                   const domain::CaseEvent& event) = 0;
};

class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;
  virtual domain::Result<std::optional<StoredCase>> FindCase(
      const domain::Reference& reference) = 0;
  // The case's events, oldest first; only the public ones when public_only.
  virtual domain::Result<std::vector<domain::CaseEvent>> Timeline(std::int64_t case_id,
                                                                  bool public_only) = 0;
  virtual domain::Result<std::vector<domain::Category>> Categories() = 0;
  // Counts every case: a full scan on large stores, so not for health checks (use Ping).
  virtual domain::Result<std::int64_t> CountCases() = 0;
  // A cheap read that succeeds only if the database answers (for readiness probes).
  virtual domain::Status Ping() = 0;
};

class Store {
 public:
  using WriteWork = std::function<domain::Status(WriteTransaction&)>;
  using WriteDone = std::function<void(domain::Status)>;
  using ReadWork = std::function<domain::Status(ReadTransaction&)>;

  virtual ~Store() = default;

  // Runs work in a durable transaction. If work fails, its changes are rolled back (and only
  // its own) and done receives its error; if the commit fails, done receives kUnavailable.
  // done runs exactly once, on a store thread, and must not block.
  virtual void Write(WriteWork work, WriteDone done) = 0;

  // Runs work in a read-only snapshot on the calling thread. May block.
  virtual domain::Status Read(const ReadWork& work) = 0;
};

}  // namespace shakwa::app
