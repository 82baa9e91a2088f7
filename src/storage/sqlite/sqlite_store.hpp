// SqliteStore: the embedded store, one database file in the data directory.
//
// Writes: one writer thread owns the only write connection. Requests' work queues up while the
// writer is committing; the writer then takes everything waiting (up to max_batch) into one
// transaction, each piece of work inside its own savepoint, and commits once: one fsync
// (synchronous=FULL in WAL mode) acknowledges the whole group. That is group commit: throughput
// comes from sharing the fsync, never from skipping it.
//
// The writer does nothing it can hand off, because its CPU time per case bounds intake (bench/):
// when more work is already waiting, the completions of a committed group run on a completion
// thread (under light load they run at once, saving a thread hop).
//
// Reads: a fixed pool of connections (WAL lets readers run beside the writer), each read in its
// own snapshot. Staff queues (ListCases) are keyset-paged over the indexes of migration 0002;
// each read connection keeps the queue statements it has built prepared.
//
// The audit trail is chained in the writer's transaction: every append reads the last record
// from the table (never a copy in memory), so savepoints that roll back, and other processes
// appending (the CLI), keep the chain whole.
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
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"

namespace shakwa::storage::sqlite {

struct SqliteSettings {
  std::filesystem::path path;   // the database file
  int readers = 4;              // read connections in the pool
  std::size_t max_batch = 512;  // most use-case transactions sharing one commit
};

// Brings the schema at path up to date. Returns the versions applied (empty if none).
domain::Result<std::vector<int>> Migrate(const std::filesystem::path& path);

// The schema version this binary knows, and the one in the database at path.
int LatestSchemaVersion();

// Re-seals every sealed value of every case under cipher's active key (Open picks the key a value
// was sealed under by its version byte), recomputes both blind indexes, and records one
// "keys.rotated" audit entry, all in one transaction: it all happens, or nothing does. Returns how
// many cases were re-sealed. For `shakwa keys rotate`, after the new key joined the keyring.
// REQUIRES: cipher holds every key the database was sealed under (else kInternal, and nothing
// changes). Holds the write lock throughout: a running server's writes wait (up to the busy
// timeout, then fail as kUnavailable) until it commits.
domain::Result<std::int64_t> RekeyPersonalData(const std::filesystem::path& db,
                                               const app::FieldCipher& cipher);

// How SQLite would read the page of query (EXPLAIN QUERY PLAN, one detail line per step, in
// order), for the tests that hold staff queues to their indexes and for diagnosing a slow queue.
domain::Result<std::vector<std::string>> ExplainQueuePage(const std::filesystem::path& db,
                                                          const app::CaseQuery& query,
                                                          const app::FieldCipher& cipher);

class SqliteStore final : public app::Store {
 public:
  // Migrates, then opens the writer and the read pool.
  static domain::Result<std::unique_ptr<SqliteStore>> Open(const SqliteSettings& settings,
                                                           const app::FieldCipher& cipher);
  ~SqliteStore() override;

  void Write(WriteWork work, WriteDone done) override;
  domain::Status Read(const ReadWork& work) override;

  // Stops taking writes (later ones fail with kUnavailable), commits what is queued, joins the
  // writer and checkpoints the WAL. Idempotent.
  void Close();

  struct Counters {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;
  };
  Counters counters() const;

  class Writer;
  class Reader;

 private:
  struct Pending {
    WriteWork work;
    WriteDone done;
  };

  SqliteStore(SqliteSettings settings, const app::FieldCipher& cipher);
  void WriterLoop();
  void RunBatch(std::vector<Pending>& batch);
  void Complete(std::vector<Pending> batch, std::vector<domain::Status> results);
  void CompleterLoop();
  std::unique_ptr<Reader> AcquireReader();
  void ReleaseReader(std::unique_ptr<Reader> reader);

  const SqliteSettings settings_;
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
  std::vector<std::unique_ptr<Reader>> idle_readers_;  // GUARDED_BY(readers_mutex_)
};

}  // namespace shakwa::storage::sqlite
