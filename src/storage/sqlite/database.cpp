#include "storage/sqlite/database.hpp"

#include <sqlite3.h>

#include <utility>

namespace shakwa::storage::sqlite {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;

domain::Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& path,
                                                             bool read_only) {
  sqlite3* db = nullptr;
  // Read connections are opened read-write but made query_only: a read-only open cannot
  // create the WAL index if the writer has not yet.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<Connection> connection(new Connection(db));
  if (rc != SQLITE_OK) {
    return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable,
                     "cannot open " + path.string() + ": " +
                         (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  std::string pragmas =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;";
  if (read_only) pragmas += "PRAGMA query_only=1;";
  if (auto status = connection->Execute(pragmas); !status.ok()) return std::move(status).error();
  return connection;
}

Connection::~Connection() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

domain::Status Connection::Execute(std::string_view sql) {
  char* message = nullptr;
  const std::string copy(sql);
  if (sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Error error = LastError("execute");
    if (message != nullptr) {
      error.detail += std::string(": ") + message;
      sqlite3_free(message);
    }
    return error;
  }
  return domain::Status::Ok();
}

domain::Result<std::unique_ptr<sql::Statement>> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return LastError("prepare " + std::string(sql.substr(0, 60)));
  }
  return std::unique_ptr<sql::Statement>(std::make_unique<Statement>(db_, stmt));
}

std::int64_t Connection::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

std::int64_t Connection::Changes() const {
  return sqlite3_changes64(db_);
}

Violation Connection::LastViolation() const {
  switch (sqlite3_extended_errcode(db_)) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Violation::kUnique;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Violation::kForeignKey;
    default:
      break;
  }
  return (sqlite3_errcode(db_) == SQLITE_CONSTRAINT) ? Violation::kOther : Violation::kNone;
}

Error Connection::LastError(std::string_view context) const {
  const int code = sqlite3_extended_errcode(db_);
  const bool constraint = (code & 0xFF) == SQLITE_CONSTRAINT;
  return Error::Of(constraint ? ErrorCode::kInternal : ErrorCode::kUnavailable,
                   constraint ? MessageId::kInternalError : MessageId::kStorageUnavailable,
                   "sqlite " + std::string(context) + ": " + sqlite3_errmsg(db_) + " (" +
                       std::to_string(code) + ")");
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

domain::Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const int code = sqlite3_extended_errcode(db_);
  const bool constraint = (code & 0xFF) == SQLITE_CONSTRAINT;
  return Error::Of(
      constraint ? ErrorCode::kInternal : ErrorCode::kUnavailable,
      constraint ? MessageId::kInternalError : MessageId::kStorageUnavailable,
      std::string("sqlite step: ") + sqlite3_errmsg(db_) + " in " + sqlite3_sql(stmt_));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return text == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}
std::string Statement::Blob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return blob == nullptr
             ? std::string()
             : std::string(static_cast<const char*>(blob), static_cast<std::size_t>(size));
}
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace shakwa::storage::sqlite
