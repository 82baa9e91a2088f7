#include "storage/migrate_store.hpp"

#include <sodium.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <utility>

#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shakwa::storage::migrate {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using domain::Result;
using domain::Status;

constexpr ColumnType I = ColumnType::kInt;
constexpr ColumnType T = ColumnType::kText;
constexpr ColumnType B = ColumnType::kBlob;

// Both engines take at least 32766 parameters in one statement (SQLite's default since 3.32,
// PostgreSQL 65535): a batch stays well below.
constexpr int kMaxParameters = 30000;

const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"categories",
       {{"code", T}, {"name_ar", T}, {"name_en", T}, {"active", I}, {"position", I}},
       {"code"},
       {}},
      {"reference_sequences", {{"year", I}, {"last_value", I}}, {"year"}, {}},
      {"departments", {{"code", T}, {"name_ar", T}, {"name_en", T}, {"active", I}}, {"code"}, {}},
      {"users",
       {{"user_id", I},
        {"email", T},
        {"name", T},
        {"role", T},
        {"department", T},
        {"password_hash", T},
        {"active", I},
        {"failed_logins", I},
        {"locked_until", I},
        {"created_at", I}},
       {"user_id"},
       "user_id"},
      {"sessions",
       {{"token_hash", B}, {"user_id", I}, {"created_at", I}, {"expires_at", I}, {"revoked_at", I}},
       {"token_hash"},
       {}},
      {"cases",
       {// 0001
        {"case_id", I},
        {"reference", T},
        {"reference_year", I},
        {"reference_sequence", I},
        {"kind", T},
        {"status", T},
        {"channel", T},
        {"received_at", I},
        {"recorded_at", I},
        {"recorded_by_kind", T},
        {"recorded_by_id", T},
        {"beneficiary_kind", T},
        {"beneficiary_name_sealed", B},
        {"beneficiary_email_sealed", B},
        {"beneficiary_mobile_sealed", B},
        {"beneficiary_national_id_sealed", B},
        {"beneficiary_organization", T},
        {"representative_name_sealed", B},
        {"representative_capacity", T},
        {"representative_email_sealed", B},
        {"representative_mobile_sealed", B},
        {"category", T},
        {"subcategory", T},
        {"about", T},
        {"subject", T},
        {"description", T},
        {"remedy_sought", T},
        {"language", T},
        {"preferred_channel", T},
        {"consent_notice_shown", I},
        {"vulnerable", I},
        {"escalation_level", I},
        {"access_code_hash", B},
        {"version", I},
        // 0002 (priority_rank is generated: not copied)
        {"priority", T},
        {"severity", T},
        {"complexity", T},
        {"impact", T},
        {"immediate_action_needed", I},
        {"immediate_action_taken", T},
        {"department", T},
        {"assignee_id", I},
        {"assessed_by", I},
        {"concerns_department", T},
        {"root_cause", T},
        {"outcome", T},
        {"decision", T},
        {"remedies", T},
        {"rejection_reason", T},
        {"merged_into", T},
        {"resolution_due_at", I},
        {"updated_at", I},
        {"beneficiary_national_id_index", B},
        {"beneficiary_mobile_index", B},
        // 0003 (resolution_due_key is generated: not copied)
        {"first_response_due_at", I},
        {"first_responded_at", I},
        {"next_update_due_at", I},
        {"sla_paused_since", I},
        {"sla_paused_minutes", I},
        {"escalation_step", I},
        {"escalation_due_at", I},
        {"escalation_owner_id", I},
        {"external_referral_to", T},
        {"external_reference", T}},
       {"case_id"},
       "case_id"},
      {"case_transactions",
       {{"case_id", I}, {"position", I}, {"type", T}, {"number", T}},
       {"case_id", "position"},
       {}},
      {"case_events",
       {{"event_id", I},
        {"case_id", I},
        {"occurred_at", I},
        {"type", T},
        {"visibility", T},
        {"actor_kind", T},
        {"actor_id", T},
        {"from_status", T},
        {"to_status", T},
        {"actor_role", T},
        {"data", T}},
       {"event_id"},
       "event_id"},
      {"attachments",
       {{"attachment_id", I},
        {"case_id", I},
        {"sha256", T},
        {"size", I},
        {"media_type", T},
        {"filename", T},
        {"uploaded_at", I},
        {"uploaded_by_kind", T},
        {"uploaded_by_id", T},
        {"visibility", T}},
       {"attachment_id"},
       "attachment_id"},
      {"audit_log",
       {{"sequence", I},
        {"occurred_at", I},
        {"actor_kind", T},
        {"actor_id", T},
        {"action", T},
        {"subject", T},
        {"detail", T},
        {"previous_hash", B},
        {"hash", B}},
       {"sequence"},
       "sequence"},
      {"holiday_adjustments",
       {{"holiday_key", T},
        {"hijri_year", I},
        {"first_date", T},
        {"last_date", T},
        {"adjusted_by", I},
        {"adjusted_at", I}},
       {"holiday_key", "hijri_year"},
       {}},
      {"outbox",
       {{"notification_id", I},
        {"case_id", I},
        {"created_at", I},
        {"template", T},
        {"recipient_kind", T},
        {"recipient_user_id", I},
        {"endpoint", T},
        {"data", T},
        {"secret_sealed", B},
        {"dedupe_key", T},
        {"attempts", I},
        {"next_attempt_at", I},
        {"delivered_at", I},
        {"failed_at", I},
        {"channel", T},
        {"last_outcome", T}},
       {"notification_id"},
       "notification_id"},
      {"message_templates",
       {{"name", T},
        {"language", T},
        {"part", T},
        {"body", T},
        {"updated_by", I},
        {"updated_at", I}},
       {"name", "language", "part"},
       {}},
  };
  return tables;
}

constexpr std::array<std::string_view, 2> kSkipped = {"schema_migrations", "job_leases"};

Error Fail(ErrorCode code, std::string detail) {
  return Error::Of(
      code,
      code == ErrorCode::kUnavailable ? MessageId::kStorageUnavailable : MessageId::kInternalError,
      std::move(detail));
}

// The same error, its detail prefixed with where it happened.
Error In(std::string_view where, Error error) {
  error.detail = std::string(where) + ": " + error.detail;
  return error;
}

std::string ColumnList(const Table& table) {
  std::string out;
  for (const Column& c : table.columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

std::string KeyList(const Table& table) {
  std::string out;
  for (std::string_view k : table.key) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

const Column* Find(const Table& table, std::string_view name) {
  for (const Column& c : table.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Text keys sort by collation, which differs between engines (SQLite compares bytes, PostgreSQL
// by the database's locale): such tables are sorted here instead.
bool KeyHasText(const Table& table) {
  return std::any_of(table.key.begin(), table.key.end(), [&](std::string_view k) {
    const Column* c = Find(table, k);
    return c == nullptr || c->type == ColumnType::kText;
  });
}

void AppendLength(std::string& out, std::uint64_t n) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
}

// Appends the canonical encoding of column `index` of the current row (see ChecksumTable).
void EncodeValue(const sql::Statement& row, int index, ColumnType type, std::string& out) {
  if (row.IsNull(index)) {
    out.push_back('N');
    return;
  }
  switch (type) {
    case ColumnType::kInt:
      out.push_back('I');
      AppendLength(out, static_cast<std::uint64_t>(row.Int(index)));
      return;
    case ColumnType::kText: {
      const std::string text = row.Text(index);
      out.push_back('T');
      AppendLength(out, text.size());
      out += text;
      return;
    }
    case ColumnType::kBlob: {
      const std::string bytes = row.Blob(index);
      out.push_back('B');
      AppendLength(out, bytes.size());
      out += bytes;
      return;
    }
  }
}

class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&state_); }
  void Update(std::string_view bytes) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
  }
  std::string FinalHex() {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&state_, digest.data());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
  }

 private:
  crypto_hash_sha256_state state_;
};

Result<std::int64_t> CountRows(sql::Connection& db, std::string_view table) {
  auto count = db.Prepare("SELECT count(*) FROM " + std::string(table));
  if (!count) return std::move(count).error();
  sql::StatementUse use(**count);
  auto row = use->Step();
  if (!row) return std::move(row).error();
  if (!*row) return Fail(ErrorCode::kInternal, "count(*) returned no row");
  return use->Int(0);
}

// Ends the target's transaction without keeping anything, and the source's read.
void Abandon(sql::Connection& source, sql::Connection& target) {
  (void)target.Execute("ROLLBACK");
  (void)source.Execute("ROLLBACK");
}

// One multi-row INSERT of `rows` rows into table, with ?N placeholders.
std::string InsertSql(const Table& table, int rows) {
  const int width = static_cast<int>(table.columns.size());
  std::string sql =
      "INSERT INTO " + std::string(table.name) + " (" + ColumnList(table) + ") VALUES ";
  int n = 0;
  for (int r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < width; ++c) {
      if (c > 0) sql += ", ";
      sql += "?" + std::to_string(++n);
    }
    sql += ")";
  }
  return sql;
}

// One row read from the source, its values as they will be bound.
struct Value {
  bool null = true;
  std::int64_t integer = 0;
  std::string bytes;  // text or blob
};

void ReadRow(const sql::Statement& row, const Table& table, std::vector<Value>& out) {
  out.resize(table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const int index = static_cast<int>(c);
    Value& v = out[c];
    v.null = row.IsNull(index);
    if (v.null) continue;
    switch (table.columns[c].type) {
      case ColumnType::kInt:
        v.integer = row.Int(index);
        break;
      case ColumnType::kText:
        v.bytes = row.Text(index);
        break;
      case ColumnType::kBlob:
        v.bytes = row.Blob(index);
        break;
    }
  }
}

void BindRow(sql::Statement& insert, int first, const Table& table, const std::vector<Value>& row) {
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const int index = first + static_cast<int>(c);
    const Value& v = row[c];
    if (v.null) {
      insert.BindNull(index);
      continue;
    }
    switch (table.columns[c].type) {
      case ColumnType::kInt:
        insert.Bind(index, v.integer);
        break;
      case ColumnType::kText:
        insert.Bind(index, std::string_view(v.bytes));
        break;
      case ColumnType::kBlob:
        insert.BindBlob(index, std::string_view(v.bytes));
        break;
    }
  }
}

// Copies one table's rows; returns how many.
Result<std::int64_t> CopyTable(sql::Connection& source, sql::Connection& target, const Table& table,
                               const CopyOptions& options) {
  auto total = CountRows(source, table.name);
  if (!total) return std::move(total).error();
  const int width = static_cast<int>(table.columns.size());
  const int batch = std::max(1, std::min(options.batch_rows, kMaxParameters / width));

  auto select = source.Prepare("SELECT " + ColumnList(table) + " FROM " + std::string(table.name) +
                               " ORDER BY " + KeyList(table));
  if (!select) return std::move(select).error();
  auto full = target.Prepare(InsertSql(table, batch));
  if (!full) return std::move(full).error();

  std::vector<std::vector<Value>> pending;
  pending.reserve(static_cast<std::size_t>(batch));
  std::int64_t copied = 0;
  std::int64_t reported = 0;
  auto report = [&](bool finished) {
    if (!options.progress) return;
    options.progress(CopyProgress{table.name, copied, *total, finished});
    reported = copied;
  };
  auto flush = [&]() -> Status {
    if (pending.empty()) return Status::Ok();
    const int rows = static_cast<int>(pending.size());
    std::unique_ptr<sql::Statement> partial;
    sql::Statement* insert = full->get();
    if (rows != batch) {
      auto prepared = target.Prepare(InsertSql(table, rows));
      if (!prepared) return std::move(prepared).error();
      partial = std::move(*prepared);
      insert = partial.get();
    }
    for (int r = 0; r < rows; ++r)
      BindRow(*insert, r * width + 1, table, pending[static_cast<std::size_t>(r)]);
    if (Status s = insert->Run(); !s.ok()) return s;
    copied += rows;
    pending.clear();
    if (copied - reported >= options.progress_every && copied < *total) report(false);
    return Status::Ok();
  };

  sql::StatementUse rows(**select);
  while (true) {
    auto more = rows->Step();
    if (!more) return std::move(more).error();
    if (!*more) break;
    pending.emplace_back();
    ReadRow(*rows, table, pending.back());
    if (static_cast<int>(pending.size()) == batch) {
      if (Status s = flush(); !s.ok()) return std::move(s).error();
    }
  }
  if (Status s = flush(); !s.ok()) return std::move(s).error();
  if (copied != *total) {
    return Fail(ErrorCode::kInternal, "read " + std::to_string(copied) + " rows, count(*) said " +
                                          std::to_string(*total));
  }
  report(true);
  return copied;
}

Status CheckVersion(sql::Connection& db, std::string_view side, int want) {
  auto have = SchemaVersion(db);
  if (!have) return In(side, std::move(have).error());
  if (*have != want) {
    std::string detail = std::string(side) + " is at schema version " + std::to_string(*have) +
                         ", this shakwa at " + std::to_string(want);
    if (side == "source") detail += ": run `shakwa migrate` on it first";
    return Fail(ErrorCode::kConflict, std::move(detail));
  }
  return Status::Ok();
}

// Refuses a target with rows, but empties seeded tables that hold exactly their seed.
Status ClearTarget(sql::Connection& target, const CopyOptions& options) {
  std::string occupied;
  std::vector<std::string_view> seeded;
  for (const Table& table : Tables()) {
    auto count = CountRows(target, table.name);
    if (!count) return In(table.name, std::move(count).error());
    if (*count == 0) continue;
    if (auto seed = options.seeds.find(table.name); seed != options.seeds.end()) {
      auto sum = ChecksumTable(target, table);
      if (!sum) return In(table.name, std::move(sum).error());
      if (*sum == seed->second) {
        seeded.push_back(table.name);
        continue;
      }
    }
    if (!occupied.empty()) occupied += ", ";
    occupied += std::string(table.name) + " (" + std::to_string(*count) + " rows)";
  }
  if (!occupied.empty()) {
    return Fail(ErrorCode::kConflict,
                "the target is not empty: " + occupied + "; nothing was written");
  }
  for (std::string_view name : seeded) {
    if (Status s = target.Execute("DELETE FROM " + std::string(name)); !s.ok()) {
      return In(name, std::move(s).error());
    }
  }
  return Status::Ok();
}

}  // namespace

std::span<const Table> CopiedTables() {
  return Tables();
}

std::span<const std::string_view> SkippedTables() {
  return kSkipped;
}

Result<int> SchemaVersion(sql::Connection& db) {
  auto version = db.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!version) return std::move(version).error();
  sql::StatementUse use(**version);
  auto row = use->Step();
  if (!row) return std::move(row).error();
  if (!*row) return 0;
  return static_cast<int>(use->Int(0));
}

Result<TableChecksum> ChecksumTable(sql::Connection& db, const Table& table) {
  Sha256 hash;
  {
    std::string header = "shakwa-table-checksum-v1\n" + std::string(table.name) + "\n";
    for (const Column& c : table.columns) {
      header += std::string(c.name) + ":" +
                (c.type == I   ? "int"
                 : c.type == T ? "text"
                               : "blob") +
                "\n";
    }
    hash.Update(header);
  }
  std::string sql = "SELECT " + ColumnList(table) + " FROM " + std::string(table.name) +
                    " ORDER BY " + KeyList(table);
  auto select = db.Prepare(sql);
  if (!select) return std::move(select).error();
  sql::StatementUse rows(**select);

  const bool sort_here = KeyHasText(table);
  std::vector<int> key_index;
  for (std::string_view k : table.key) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (table.columns[c].name == k) key_index.push_back(static_cast<int>(c));
    }
  }
  std::vector<std::pair<std::string, std::string>> sorted;  // (encoded key, encoded row)
  TableChecksum out;
  out.table = table.name;
  std::string encoded;
  while (true) {
    auto more = rows->Step();
    if (!more) return std::move(more).error();
    if (!*more) break;
    ++out.rows;
    encoded.clear();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      EncodeValue(*rows, static_cast<int>(c), table.columns[c].type, encoded);
    }
    if (!sort_here) {
      hash.Update(encoded);
      continue;
    }
    std::string key;
    for (int c : key_index)
      EncodeValue(*rows, c, table.columns[static_cast<std::size_t>(c)].type, key);
    sorted.emplace_back(std::move(key), encoded);
  }
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, row] : sorted) hash.Update(row);
  out.sha256_hex = hash.FinalHex();
  return out;
}

Result<CopyReport> CopyStore(sql::Connection& source, sql::Connection& target,
                             const CopyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  // The source's read transaction: every SELECT below sees the same snapshot, even while a
  // server still writes to it.
  if (Status s = source.Execute("BEGIN"); !s.ok()) return In("source: BEGIN", std::move(s).error());
  if (Status s = target.Execute("BEGIN"); !s.ok()) {
    (void)source.Execute("ROLLBACK");
    return In("target: BEGIN", std::move(s).error());
  }
  auto fail = [&](Error e) -> Result<CopyReport> {
    Abandon(source, target);
    return e;
  };

  if (Status s = CheckVersion(source, "source", options.schema_version); !s.ok()) {
    return fail(std::move(s).error());
  }
  if (Status s = CheckVersion(target, "target", options.schema_version); !s.ok()) {
    return fail(std::move(s).error());
  }
  if (Status s = ClearTarget(target, options); !s.ok()) return fail(std::move(s).error());

  CopyReport report;
  for (const Table& table : Tables()) {
    auto copied = CopyTable(source, target, table, options);
    if (!copied) return fail(In("copying " + std::string(table.name), std::move(copied).error()));
    report.rows += *copied;
  }
  if (options.after_copy) {
    for (const Table& table : Tables()) {
      if (table.identity.empty()) continue;
      if (Status s = options.after_copy(target, table); !s.ok()) {
        return fail(In("after copying " + std::string(table.name), std::move(s).error()));
      }
    }
  }

  for (const Table& table : Tables()) {
    auto want = ChecksumTable(source, table);
    if (!want)
      return fail(In("checksum of source " + std::string(table.name), std::move(want).error()));
    auto have = ChecksumTable(target, table);
    if (!have)
      return fail(In("checksum of target " + std::string(table.name), std::move(have).error()));
    if (have->rows != want->rows || have->sha256_hex != want->sha256_hex) {
      return fail(Fail(ErrorCode::kInternal,
                       "verification failed for table " + std::string(table.name) + ": source " +
                           std::to_string(want->rows) + " rows, sha256 " + want->sha256_hex +
                           "; target " + std::to_string(have->rows) + " rows, sha256 " +
                           have->sha256_hex + "; rolled back, nothing was written"));
    }
    report.tables.push_back(std::move(*want));
  }

  (void)source.Execute("ROLLBACK");  // read only: nothing to keep
  if (options.dry_run) {
    if (Status s = target.Execute("ROLLBACK"); !s.ok())
      return In("target: ROLLBACK", std::move(s).error());
  } else {
    if (Status s = target.Execute("COMMIT"); !s.ok()) {
      (void)target.Execute("ROLLBACK");
      return In("target: COMMIT", std::move(s).error());
    }
    report.committed = true;
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

Result<std::map<std::string, TableChecksum, std::less<>>> SeedChecksums() {
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "shakwa-seed-XXXXXX").string();
  if (::mkdtemp(dir_template.data()) == nullptr) {
    return Fail(ErrorCode::kUnavailable, "cannot create a scratch directory under " +
                                             std::filesystem::temp_directory_path().string());
  }
  const std::filesystem::path dir = dir_template;
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  const std::filesystem::path path = dir / "seed.db";
  if (auto applied = sqlite::Migrate(path); !applied) {
    return In("migrating a scratch database", std::move(applied).error());
  }
  auto db = sqlite::Connection::Open(path, /*read_only=*/true);
  if (!db) return std::move(db).error();
  std::map<std::string, TableChecksum, std::less<>> seeds;
  for (const Table& table : Tables()) {
    auto sum = ChecksumTable(**db, table);
    if (!sum) return In(table.name, std::move(sum).error());
    if (sum->rows > 0) seeds.emplace(std::string(table.name), std::move(*sum));
  }
  return seeds;
}

}  // namespace shakwa::storage::migrate
