#include "storage/sqlite/sqlite_store.hpp"

#include <sys/stat.h>

#include <chrono>

#include "storage/migration.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/intake_sql.hpp"

namespace shakwa::storage::sqlite {

extern const std::span<const Migration> kMigrations;  // generated from migrations/*.sql

namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using domain::Result;
using domain::Status;

std::int64_t Millis(domain::Instant instant) {
  return instant.time_since_epoch().count();
}
domain::Instant FromMillis(std::int64_t millis) {
  return domain::Instant{std::chrono::milliseconds{millis}};
}

std::string Associated(std::string_view column, const std::string& reference) {
  std::string ad = "cases.";
  ad += column;
  ad += '/';
  ad += reference;
  return ad;
}

Error Unreadable(std::string_view what) {
  return Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                   "stored value could not be read: " + std::string(what));
}

template <typename E>
Result<E> Vocabulary(const std::string& name, std::string_view column) {
  auto value = domain::FromName<E>(name);
  if (!value) return Unreadable(std::string(column) + "=" + name);
  return *value;
}

constexpr std::string_view kCaseColumns =
    "case_id, reference, kind, status, channel, received_at, recorded_at, recorded_by_kind, "
    "recorded_by_id, beneficiary_kind, beneficiary_name_sealed, beneficiary_email_sealed, "
    "beneficiary_mobile_sealed, beneficiary_national_id_sealed, beneficiary_organization, "
    "representative_name_sealed, representative_capacity, representative_email_sealed, "
    "representative_mobile_sealed, category, subcategory, about, subject, description, "
    "remedy_sought, language, preferred_channel, consent_notice_shown, vulnerable, "
    "escalation_level, access_code_hash, version";

}  // namespace

// ---------------------------------------------------------------------------------------------
// Migrations

int LatestSchemaVersion() {
  return kMigrations.empty() ? 0 : kMigrations.back().version;
}

Result<std::vector<int>> Migrate(const std::filesystem::path& path) {
  auto db = Connection::Open(path, false);
  if (!db) return std::move(db).error();
  // The database holds personal data (sealed, but still): keep it from other users, whichever
  // command created it.
  ::chmod(path.c_str(), 0600);
  if (auto s = db->Execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                           " applied_at INTEGER NOT NULL) STRICT");
      !s.ok()) {
    return std::move(s).error();
  }
  auto current = db->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!current) return std::move(current).error();
  auto row = current->Step();
  if (!row) return std::move(row).error();
  const std::int64_t have = current->Int(0);
  current->Reset();
  if (have > LatestSchemaVersion()) {
    return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
                     "the database at " + path.string() + " has schema version " +
                         std::to_string(have) + ", newer than this shakwa knows (" +
                         std::to_string(LatestSchemaVersion()) + "): upgrade shakwa");
  }
  std::vector<int> applied;
  for (const Migration& m : kMigrations) {
    if (m.version <= have) continue;
    // Each migration and its bookkeeping row commit together, or not at all.
    if (auto s = db->Execute("BEGIN IMMEDIATE"); !s.ok()) return std::move(s).error();
    Status s = db->Execute(m.sql);
    if (s.ok()) {
      auto record =
          db->Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      if (!record) {
        s = std::move(record).error();
      } else {
        const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
        s = record->Bind(1, std::int64_t{m.version}).Bind(2, m.name).Bind(3, Millis(now)).Run();
      }
    }
    if (s.ok()) s = db->Execute("COMMIT");
    if (!s.ok()) {
      (void)db->Execute("ROLLBACK");
      Error e = std::move(s).error();
      e.detail =
          "migration " + std::to_string(m.version) + " (" + std::string(m.name) + "): " + e.detail;
      return e;
    }
    applied.push_back(m.version);
  }
  return applied;
}

// ---------------------------------------------------------------------------------------------
// The writer's transaction

class SqliteStore::Writer final : public app::WriteTransaction {
 public:
  static Result<std::unique_ptr<Writer>> Open(const std::filesystem::path& path,
                                              const app::FieldCipher& cipher) {
    auto db = Connection::Open(path, false);
    if (!db) return std::move(db).error();
    auto writer = std::unique_ptr<Writer>(new Writer(std::move(*db), cipher));
    if (auto s = writer->PrepareAll(); !s.ok()) return std::move(s).error();
    return writer;
  }

  Result<std::int64_t> NextReferenceSequence(int year) override {
    StatementUse use(*next_sequence_);
    use->Bind(1, std::int64_t{year});
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return Unreadable("reference sequence");
    return use->Int(0);
  }

  Result<std::int64_t> InsertCase(const domain::Case& c,
                                  const app::AccessCodeHash& access_code_hash) override {
    const std::string reference = c.reference.ToString();
    auto seal = [&](std::string_view column, const std::optional<std::string>& value, int index) {
      if (value) {
        insert_case_->BindBlob(index, cipher_.Seal(*value, Associated(column, reference)));
      } else {
        insert_case_->BindNull(index);
      }
    };
    StatementUse use(*insert_case_);
    use->Bind(1, std::string_view(reference))
        .Bind(2, std::int64_t{c.reference.year})
        .Bind(3, c.reference.sequence)
        .Bind(4, domain::NameOf(c.kind))
        .Bind(5, domain::NameOf(c.status))
        .Bind(6, domain::NameOf(c.channel))
        .Bind(7, Millis(c.received_at))
        .Bind(8, Millis(c.recorded_at))
        .Bind(9, domain::NameOf(c.recorded_by.kind));
    if (c.recorded_by.id.empty()) {
      use->BindNull(10);
    } else {
      use->Bind(10, std::string_view(c.recorded_by.id));
    }
    const domain::Beneficiary& b = c.beneficiary;
    use->Bind(11, domain::NameOf(b.kind));
    seal("beneficiary_name_sealed", b.name, 12);
    seal("beneficiary_email_sealed", b.email, 13);
    seal("beneficiary_mobile_sealed", b.mobile, 14);
    seal("beneficiary_national_id_sealed", b.national_id, 15);
    use->Bind(16, b.organization);
    const auto& r = b.representative;
    seal("representative_name_sealed", r ? std::optional(r->name) : std::nullopt, 17);
    use->Bind(18, r ? std::optional(r->capacity) : std::nullopt);
    seal("representative_email_sealed", r ? r->email : std::nullopt, 19);
    seal("representative_mobile_sealed", r ? r->mobile : std::nullopt, 20);
    use->Bind(21, std::string_view(c.category)).Bind(22, c.subcategory);
    if (c.about) {
      use->Bind(23, domain::NameOf(*c.about));
    } else {
      use->BindNull(23);
    }
    use->Bind(24, std::string_view(c.subject))
        .Bind(25, std::string_view(c.description))
        .Bind(26, c.remedy_sought)
        .Bind(27, domain::NameOf(c.language));
    if (c.preferred_channel) {
      use->Bind(28, domain::NameOf(*c.preferred_channel));
    } else {
      use->BindNull(28);
    }
    use->Bind(29, std::int64_t{c.consent_notice_shown})
        .Bind(30, std::int64_t{c.vulnerable})
        .Bind(31, std::int64_t{c.escalation_level})
        .BindBlob(32, access_code_hash)
        .Bind(33, c.version);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    const std::int64_t case_id = db_.LastInsertId();

    for (std::size_t i = 0; i < c.related_transactions.size(); ++i) {
      const auto& t = c.related_transactions[i];
      StatementUse tx_use(*insert_transaction_);
      tx_use->Bind(1, case_id)
          .Bind(2, static_cast<std::int64_t>(i))
          .Bind(3, domain::NameOf(t.type))
          .Bind(4, std::string_view(t.number));
      auto done = tx_use->Step();
      if (!done) return std::move(done).error();
    }
    return case_id;
  }

  Result<std::int64_t> AppendEvent(std::int64_t case_id, const domain::CaseEvent& e) override {
    StatementUse use(*insert_event_);
    use->Bind(1, case_id)
        .Bind(2, Millis(e.at))
        .Bind(3, std::string_view(e.type))
        .Bind(4, domain::NameOf(e.visibility))
        .Bind(5, domain::NameOf(e.actor.kind));
    if (e.actor.id.empty()) {
      use->BindNull(6);
    } else {
      use->Bind(6, std::string_view(e.actor.id));
    }
    if (e.from_status) {
      use->Bind(7, domain::NameOf(*e.from_status));
    } else {
      use->BindNull(7);
    }
    if (e.to_status) {
      use->Bind(8, domain::NameOf(*e.to_status));
    } else {
      use->BindNull(8);
    }
    auto row = use->Step();
    if (!row) return std::move(row).error();
    return db_.LastInsertId();
  }

  Status Begin() { return begin_->Run(); }
  Status Commit() { return commit_->Run(); }
  void Rollback() { (void)rollback_->Run(); }
  Status Savepoint() { return savepoint_->Run(); }
  Status Release() { return release_->Run(); }
  Status RollbackToSavepoint() { return rollback_to_->Run(); }
  Connection& db() { return db_; }

 private:
  Writer(Connection db, const app::FieldCipher& cipher) : db_(std::move(db)), cipher_(cipher) {}

  Status PrepareAll() {
    struct Want {
      std::optional<Statement>* slot;
      std::string_view sql;
    };
    const Want wants[] = {
        {&begin_, "BEGIN IMMEDIATE"},
        {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},
        {&savepoint_, "SAVEPOINT work"},
        {&release_, "RELEASE work"},
        {&rollback_to_, "ROLLBACK TO work"},
        {&next_sequence_, sql::kNextReferenceSequence},
        {&insert_case_, sql::kInsertCase},
        {&insert_transaction_, sql::kInsertTransaction},
        {&insert_event_, sql::kInsertEvent},
    };
    for (const Want& want : wants) {
      auto statement = db_.Prepare(want.sql);
      if (!statement) return std::move(statement).error();
      want.slot->emplace(std::move(*statement));
    }
    return Status::Ok();
  }

  Connection db_;
  const app::FieldCipher& cipher_;
  std::optional<Statement> begin_, commit_, rollback_, savepoint_, release_, rollback_to_,
      next_sequence_, insert_case_, insert_transaction_, insert_event_;
};

// ---------------------------------------------------------------------------------------------
// A reader's transaction

class SqliteStore::Reader final : public app::ReadTransaction {
 public:
  static Result<std::unique_ptr<Reader>> Open(const std::filesystem::path& path,
                                              const app::FieldCipher& cipher) {
    auto db = Connection::Open(path, true);
    if (!db) return std::move(db).error();
    auto reader = std::unique_ptr<Reader>(new Reader(std::move(*db), cipher));
    const std::pair<std::optional<Statement>*, std::string> wants[] = {
        {&reader->begin_, "BEGIN"},
        {&reader->end_, "COMMIT"},
        {&reader->find_case_,
         "SELECT " + std::string(kCaseColumns) + " FROM cases WHERE reference = ?"},
        {&reader->transactions_,
         "SELECT type, number FROM case_transactions WHERE case_id = ? ORDER BY position"},
        {&reader->timeline_,
         "SELECT event_id, occurred_at, type, visibility, actor_kind, actor_id, from_status, "
         "to_status FROM case_events WHERE case_id = ? AND (? = 0 OR visibility = 'public') "
         "ORDER BY event_id"},
        {&reader->categories_,
         "SELECT code, name_ar, name_en, active FROM categories ORDER BY position"},
        {&reader->count_, "SELECT count(*) FROM cases"},
        {&reader->ping_, "SELECT max(version) FROM schema_migrations"},
    };
    for (const auto& [slot, sql] : wants) {
      auto statement = reader->db_.Prepare(sql);
      if (!statement) return std::move(statement).error();
      slot->emplace(std::move(*statement));
    }
    return reader;
  }

  Result<std::optional<app::StoredCase>> FindCase(const domain::Reference& ref) override {
    const std::string reference = ref.ToString();
    StatementUse use(*find_case_);
    use->Bind(1, std::string_view(reference));
    auto row = use->Step();
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<app::StoredCase>{};
    auto stored = ReadCase(*use, reference);
    if (!stored) return std::move(stored).error();
    auto transactions = Transactions(stored->value.id);
    if (!transactions) return std::move(transactions).error();
    stored->value.related_transactions = std::move(*transactions);
    return std::optional<app::StoredCase>(std::move(*stored));
  }

  Result<std::vector<domain::CaseEvent>> Timeline(std::int64_t case_id, bool public_only) override {
    StatementUse use(*timeline_);
    use->Bind(1, case_id).Bind(2, std::int64_t{public_only});
    std::vector<domain::CaseEvent> events;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      domain::CaseEvent e;
      e.id = use->Int(0);
      e.at = FromMillis(use->Int(1));
      e.type = use->Text(2);
      e.visibility = use->Text(3) == "public" ? domain::CaseEvent::Visibility::kPublic
                                              : domain::CaseEvent::Visibility::kInternal;
      const auto actor = domain::ActorKindFromName(use->Text(4));
      if (!actor) return Unreadable("case_events.actor_kind");
      e.actor = domain::Actor{*actor, use->OptionalText(5).value_or("")};
      if (auto from = use->OptionalText(6))
        e.from_status = domain::FromName<domain::CaseStatus>(*from);
      if (auto to = use->OptionalText(7)) e.to_status = domain::FromName<domain::CaseStatus>(*to);
      events.push_back(std::move(e));
    }
    return events;
  }

  Result<std::vector<domain::Category>> Categories() override {
    StatementUse use(*categories_);
    std::vector<domain::Category> out;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      out.push_back(domain::Category{use->Text(0), use->Text(1), use->Text(2), use->Int(3) != 0});
    }
    return out;
  }

  Result<std::int64_t> CountCases() override {
    StatementUse use(*count_);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    return use->Int(0);
  }

  Status Ping() override {
    StatementUse use(*ping_);
    auto row = use->Step();
    if (!row) return std::move(row).error();
    return Status::Ok();
  }

  Status Begin() { return begin_->Run(); }
  Status End() { return end_->Run(); }

 private:
  Reader(Connection db, const app::FieldCipher& cipher) : db_(std::move(db)), cipher_(cipher) {}

  Result<std::vector<domain::RelatedTransaction>> Transactions(std::int64_t case_id) {
    StatementUse use(*transactions_);
    use->Bind(1, case_id);
    std::vector<domain::RelatedTransaction> out;
    for (;;) {
      auto row = use->Step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      auto type = Vocabulary<domain::TransactionType>(use->Text(0), "case_transactions.type");
      if (!type) return std::move(type).error();
      out.push_back(domain::RelatedTransaction{*type, use->Text(1)});
    }
    return out;
  }

  Result<app::StoredCase> ReadCase(Statement& s, const std::string& reference) {
    std::optional<Error> failure;
    auto open = [&](std::string_view column, int index) -> std::optional<std::string> {
      if (s.IsNull(index)) return std::nullopt;
      auto plain = cipher_.Open(s.Blob(index), Associated(column, reference));
      if (!plain && !failure) failure = Unreadable(std::string(column) + " of " + reference);
      return plain;
    };
    app::StoredCase stored;
    domain::Case& c = stored.value;
    c.id = s.Int(0);
    auto parsed = domain::ParseReference(s.Text(1));
    if (!parsed) return Unreadable("cases.reference " + s.Text(1));
    c.reference = *parsed;
    auto kind = Vocabulary<domain::CaseKind>(s.Text(2), "kind");
    auto status = Vocabulary<domain::CaseStatus>(s.Text(3), "status");
    auto channel = Vocabulary<domain::Channel>(s.Text(4), "channel");
    auto beneficiary_kind = Vocabulary<domain::BeneficiaryKind>(s.Text(9), "beneficiary_kind");
    auto language = Vocabulary<domain::Language>(s.Text(25), "language");
    auto recorder = domain::ActorKindFromName(s.Text(7));
    if (!kind) return std::move(kind).error();
    if (!status) return std::move(status).error();
    if (!channel) return std::move(channel).error();
    if (!beneficiary_kind) return std::move(beneficiary_kind).error();
    if (!language) return std::move(language).error();
    if (!recorder) return Unreadable("recorded_by_kind");
    c.kind = *kind;
    c.status = *status;
    c.channel = *channel;
    c.received_at = FromMillis(s.Int(5));
    c.recorded_at = FromMillis(s.Int(6));
    c.recorded_by = domain::Actor{*recorder, s.OptionalText(8).value_or("")};
    domain::Beneficiary& b = c.beneficiary;
    b.kind = *beneficiary_kind;
    b.name = open("beneficiary_name_sealed", 10).value_or("");
    b.email = open("beneficiary_email_sealed", 11);
    b.mobile = open("beneficiary_mobile_sealed", 12);
    b.national_id = open("beneficiary_national_id_sealed", 13);
    b.organization = s.OptionalText(14);
    if (auto name = open("representative_name_sealed", 15)) {
      b.representative = domain::Representative{*name, s.OptionalText(16).value_or(""),
                                                open("representative_email_sealed", 17),
                                                open("representative_mobile_sealed", 18)};
    }
    if (failure) return *failure;
    c.category = s.Text(19);
    c.subcategory = s.OptionalText(20);
    if (auto about = s.OptionalText(21)) c.about = domain::FromName<domain::Subject>(*about);
    c.subject = s.Text(22);
    c.description = s.Text(23);
    c.remedy_sought = s.OptionalText(24);
    c.language = *language;
    if (auto preferred = s.OptionalText(26)) {
      c.preferred_channel = domain::FromName<domain::ContactChannel>(*preferred);
    }
    c.consent_notice_shown = s.Int(27) != 0;
    c.vulnerable = s.Int(28) != 0;
    c.escalation_level = static_cast<int>(s.Int(29));
    const std::string hash = s.Blob(30);
    if (hash.size() != stored.access_code_hash.size()) return Unreadable("access_code_hash");
    std::copy(hash.begin(), hash.end(), stored.access_code_hash.begin());
    c.version = s.Int(31);
    return stored;
  }

  Connection db_;
  const app::FieldCipher& cipher_;
  std::optional<Statement> begin_, end_, find_case_, transactions_, timeline_, categories_, count_,
      ping_;
};

// ---------------------------------------------------------------------------------------------
// The store

SqliteStore::SqliteStore(SqliteSettings settings, const app::FieldCipher& cipher)
    : settings_(std::move(settings)), cipher_(cipher) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteSettings& settings,
                                                       const app::FieldCipher& cipher) {
  auto migrated = Migrate(settings.path);
  if (!migrated) return std::move(migrated).error();
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(settings, cipher));
  auto writer = Writer::Open(settings.path, cipher);
  if (!writer) return std::move(writer).error();
  store->writer_ = std::move(*writer);
  for (int i = 0; i < std::max(1, settings.readers); ++i) {
    auto reader = Reader::Open(settings.path, cipher);
    if (!reader) return std::move(reader).error();
    store->idle_readers_.push_back(std::move(*reader));
  }
  // Checkpoints stay on the writer (SQLite's automatic one, every 1000 WAL pages). A separate
  // checkpointer thread was tried: no faster, and its fsync of the database file queued in front
  // of the writer's WAL fsync, tripling p99 at 64 connections (bench/README.md).
  store->writer_thread_ = std::thread([s = store.get()] { s->WriterLoop(); });
  store->completer_thread_ = std::thread([s = store.get()] { s->CompleterLoop(); });
  return store;
}

SqliteStore::~SqliteStore() {
  Close();
}

void SqliteStore::Close() {
  {
    std::lock_guard lock(queue_mutex_);
    if (closing_ && !writer_thread_.joinable()) return;
    closing_ = true;
  }
  queue_ready_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    std::lock_guard lock(completed_mutex_);
    completer_closing_ = true;
  }
  completed_ready_.notify_all();
  if (completer_thread_.joinable()) completer_thread_.join();
  if (writer_) {
    // Fold the WAL back into the database so the file stands alone after a clean stop.
    (void)writer_->db().Execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
}

void SqliteStore::Write(WriteWork work, WriteDone done) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!closing_) {
      queue_.push_back(Pending{std::move(work), std::move(done)});
      queue_ready_.notify_one();
      return;
    }
  }
  done(Error::Of(ErrorCode::kUnavailable, MessageId::kShuttingDown, "store is closed"));
}

void SqliteStore::WriterLoop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing, and nothing left to commit
      while (!queue_.empty() && batch.size() < settings_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

void SqliteStore::RunBatch(std::vector<Pending>& batch) {
  std::vector<Status> results(batch.size());
  Status begun = writer_->Begin();
  if (!begun.ok()) {
    for (auto& result : results) result = begun;
  } else {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Status s = writer_->Savepoint();
      if (s.ok()) {
        try {
          s = batch[i].work(*writer_);
        } catch (const std::exception& e) {
          s = Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                        std::string("write work threw: ") + e.what());
        }
        if (!s.ok()) (void)writer_->RollbackToSavepoint();
        if (Status released = writer_->Release(); !released.ok() && s.ok()) s = released;
      }
      results[i] = std::move(s);
    }
    if (Status committed = writer_->Commit(); !committed.ok()) {
      writer_->Rollback();
      for (auto& result : results) {
        if (result.ok()) result = committed;
      }
    }
  }
  bool more_waiting = false;
  {
    std::lock_guard lock(queue_mutex_);
    counters_.commits += 1;
    counters_.writes += batch.size();
    more_waiting = !queue_.empty();
  }
  if (!more_waiting) {
    // Nothing else to commit: answering now is quicker than waking another thread.
    Complete(std::move(batch), std::move(results));
  } else {
    {
      std::lock_guard lock(completed_mutex_);
      completed_.push_back(Completed{std::move(batch), std::move(results)});
    }
    completed_ready_.notify_one();
  }
  batch.clear();
}

void SqliteStore::Complete(std::vector<Pending> batch, std::vector<Status> results) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(std::move(results[i]));
    } catch (...) {
      // A completion must not take a store thread down with it; it has no one to report to.
    }
  }
}

void SqliteStore::CompleterLoop() {
  for (;;) {
    Completed item;
    {
      std::unique_lock lock(completed_mutex_);
      completed_ready_.wait(lock, [&] { return !completed_.empty() || completer_closing_; });
      if (completed_.empty()) return;  // closing, and every completion delivered
      item = std::move(completed_.front());
      completed_.pop_front();
    }
    Complete(std::move(item.batch), std::move(item.results));
  }
}

SqliteStore::Counters SqliteStore::counters() const {
  std::lock_guard lock(queue_mutex_);
  return counters_;
}

std::unique_ptr<SqliteStore::Reader> SqliteStore::AcquireReader() {
  std::unique_lock lock(readers_mutex_);
  reader_free_.wait(lock, [&] { return !idle_readers_.empty(); });
  auto reader = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return reader;
}

void SqliteStore::ReleaseReader(std::unique_ptr<Reader> reader) {
  {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(reader));
  }
  reader_free_.notify_one();
}

Status SqliteStore::Read(const ReadWork& work) {
  auto reader = AcquireReader();
  Status status = reader->Begin();
  if (status.ok()) {
    try {
      status = work(*reader);
    } catch (const std::exception& e) {
      status = Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                         std::string("read work threw: ") + e.what());
    }
    if (Status ended = reader->End(); !ended.ok() && status.ok()) status = ended;
  }
  ReleaseReader(std::move(reader));
  return status;
}

}  // namespace shakwa::storage::sqlite
