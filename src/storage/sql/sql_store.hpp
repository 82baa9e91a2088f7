// SqlStore: the store on a SQL database, written once for every engine that implements
// storage/sql/sql.hpp (SQLite, the embedded default; PostgreSQL, for several nodes). What differs
// between engines (how a connection is opened, how a transaction begins, how rows are claimed) is
// the Dialect; everything else (the tables, the statements, the group commit) is shared.
//
// Writes: one writer thread owns the only write connection. Requests' work queues up while the
// writer is committing; the writer then takes everything waiting (up to max_batch) into one
// transaction, each piece of work inside its own savepoint, and commits once: one durable commit
// (an fsync) acknowledges the whole group. That is group commit: throughput comes from sharing the
// commit, never from skipping it.
//
// The writer does nothing it can hand off, because its CPU time per case bounds intake (bench/):
// when more work is already waiting, the completions of a committed group run on a completion
// thread (under light load they run at once, saving a thread hop).
//
// Reads: a fixed pool of connections, each read in its own snapshot. Staff queues (ListCases) are
// keyset-paged over the indexes of migration 0002; each read connection keeps the queue
// statements it has built prepared.
//
// A connection the database dropped (a PostgreSQL failover, a restart) is opened again on its
// next use; the work that was running on it fails with kUnavailable and nothing half-done stays.
//
// The audit trail is chained in the writer's transaction: every append reads the last record
// from the table (never a copy in memory), so savepoints that roll back, and other processes or
// nodes appending (the CLI, another server), keep the chain whole. Engines where several writers
// may run at once (PostgreSQL) serialise the writers' transactions in Dialect::begin_write.
//
// Personal data is sealed with the FieldCipher before it reaches a row; the associated data is
// "cases.<column>/<reference>", binding each value to its row and column.
//
// Thread safety: Write() and Read() are safe from any thread. Close() (or the destructor) stops
// taking writes, finishes every queued one, and waits for the writer.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"
#include "storage/migration.hpp"
#include "storage/sql/sql.hpp"

namespace shakwa::storage::sql {

// How one engine differs from another, for the store and its migrations.
struct Dialect {
  // Opens a connection: the writer's (read_only false) or a reader's.
  std::function<domain::Result<std::unique_ptr<Connection>>(bool read_only)> connect;
  // Run in order to open the writer's transaction.
  std::vector<std::string> begin_write;
  std::string begin_read;
  // Appended to the outbox's claim of due rows (PostgreSQL: skip rows another node holds).
  std::string claim_rows;
  // A queue page's per-status branches each sorted and limited on their own (PostgreSQL, which
  // would otherwise sort every matching row; SQLite merges the branches in index order itself).
  bool limit_each_status = false;
  // The bookkeeping table of applied migrations, created if missing.
  std::string create_schema_migrations;
  // Around the migrations (PostgreSQL: an advisory lock, so nodes starting together migrate once).
  std::string migrations_lock, migrations_unlock;
  std::string begin_migration;
  // Run on the writer's connection when the store closes (SQLite: fold the WAL back).
  std::string on_close;
};

struct StoreSettings {
  int readers = 4;              // read connections in the pool
  std::size_t max_batch = 512;  // most use-case transactions sharing one commit
};

// Brings db's schema up to the last of migrations, each with its bookkeeping row in one
// transaction. Returns the versions applied (empty if none). where names the database in errors.
domain::Result<std::vector<int>> Migrate(Connection& db, std::span<const Migration> migrations,
                                         const Dialect& dialect, std::string_view where);

// Re-seals every sealed value of every case under cipher's active key (Open picks the key a value
// was sealed under by its version byte), recomputes both blind indexes, and records one
// "keys.rotated" audit entry, all in one transaction (begun as the dialect's writer begins): it
// all happens, or nothing does. Returns how many cases were re-sealed.
// REQUIRES: cipher holds every key the database was sealed under (else kInternal, and nothing
// changes).
domain::Result<std::int64_t> RekeyPersonalData(Connection& db, const Dialect& dialect,
                                               const app::FieldCipher& cipher);

// How the engine would read the page of query: explain_prefix ("EXPLAIN QUERY PLAN " on SQLite,
// "EXPLAIN " on PostgreSQL) is put before the page's SELECT, and the text of detail_column of each
// row returned, for the tests that hold staff queues to their indexes.
domain::Result<std::vector<std::string>> ExplainQueuePage(Connection& db, const Dialect& dialect,
                                                          std::string_view explain_prefix,
                                                          int detail_column,
                                                          const app::CaseQuery& query,
                                                          const app::FieldCipher& cipher);

class SqlStore : public app::Store {
 public:
  ~SqlStore() override;

  void Write(WriteWork work, WriteDone done) override;
  domain::Status Read(const ReadWork& work) override;

  // Stops taking writes (later ones fail with kUnavailable), commits what is queued, joins the
  // writer and runs the dialect's on_close. Idempotent.
  void Close();

  struct Counters {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;
  };
  Counters counters() const;

  class Writer;
  class Reader;

 protected:
  SqlStore(Dialect dialect, StoreSettings settings, const app::FieldCipher& cipher);
  // Opens the writer and the read pool and starts the writer. Called once, by the engine's Open.
  domain::Status Start();

 private:
  struct Pending {
    WriteWork work;
    WriteDone done;
  };

  void WriterLoop();
  void RunBatch(std::vector<Pending>& batch);
  domain::Status BeginBatch();
  void Complete(std::vector<Pending> batch, std::vector<domain::Status> results);
  void CompleterLoop();
  domain::Result<std::unique_ptr<Reader>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Reader> reader);

  const Dialect dialect_;
  const StoreSettings settings_;
  const app::FieldCipher& cipher_;
  std::unique_ptr<Writer> writer_;  // used only by writer_thread_

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Pending> queue_;  // GUARDED_BY(queue_mutex_)
  bool closing_ = false;       // GUARDED_BY(queue_mutex_)
  Counters counters_;          // GUARDED_BY(queue_mutex_)
  std::thread writer_thread_;

  struct Completed {
    std::vector<Pending> batch;
    std::vector<domain::Status> results;
  };
  std::mutex completed_mutex_;
  std::condition_variable completed_ready_;
  std::deque<Completed> completed_;  // GUARDED_BY(completed_mutex_)
  bool completer_closing_ = false;   // GUARDED_BY(completed_mutex_)
  std::thread completer_thread_;

  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  // A slot is null when its connection was lost: the next read there opens a new one.
  std::vector<std::unique_ptr<Reader>> idle_readers_;  // GUARDED_BY(readers_mutex_)
  int free_slots_ = 0;                                 // GUARDED_BY(readers_mutex_)
};

}  // namespace shakwa::storage::sql
