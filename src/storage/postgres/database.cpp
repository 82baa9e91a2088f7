#include "storage/postgres/database.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace shakwa::storage::postgres {

using domain::Error;
using domain::ErrorCode;
using domain::MessageId;
using sql::Violation;

namespace {

constexpr Oid kByteaOid = 17;  // pg_type.oid of bytea (catalog/pg_type_d.h, not in libpq-fe.h)

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

// The dollar-quote tag ("$$" or "$name$") that starts at sql[at], or empty if none does.
std::string_view DollarTag(std::string_view sql, std::size_t at) {
  if (at > 0 && IsIdentifierChar(sql[at - 1])) return {};  // part of an identifier (a$b)
  std::size_t end = at + 1;
  if (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') return {};  // $1, a parameter
  while (end < sql.size() && IsIdentifierChar(sql[end])) ++end;
  if (end >= sql.size() || sql[end] != '$') return {};
  return sql.substr(at, end + 1 - at);
}

// At most max_bytes of text, cut on a UTF-8 character boundary.
std::string_view Head(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

// libpq's messages end with a newline and may span lines; a log line wants one line.
std::string OneLine(std::string_view text) {
  std::string out;
  for (const char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Violation ViolationOf(std::string_view sqlstate) {
  if (sqlstate == "23505") return Violation::kUnique;
  if (sqlstate == "23503") return Violation::kForeignKey;
  if (sqlstate.starts_with("23")) return Violation::kOther;
  return Violation::kNone;
}

bool ChangesRows(const char* command_status) {
  const std::string_view status(command_status != nullptr ? command_status : "");
  return status.starts_with("INSERT ") || status.starts_with("UPDATE ") ||
         status.starts_with("DELETE ") || status.starts_with("MERGE ");
}

Error Unavailable(std::string detail) {
  return Error::Of(ErrorCode::kUnavailable, MessageId::kStorageUnavailable, std::move(detail));
}

}  // namespace

// What a Connection shares with its Statements. Statements hold it weakly: once the Connection
// is gone, so is the libpq connection, and they fail instead of touching freed memory.
struct Connection::Session {
  PGconn* conn = nullptr;
  std::int64_t changes = 0;
  Violation violation = Violation::kNone;
  std::uint64_t statements_made = 0;
  // Statements dropped while a transaction was open: DEALLOCATE could fail there (and would then
  // abort the caller's transaction), so it waits until the connection is idle.
  std::vector<std::string> orphans;

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() {
    if (conn != nullptr) PQfinish(conn);
  }

  bool Idle() const { return PQtransactionStatus(conn) == PQTRANS_IDLE; }

  // Records what a finished command means for Changes and LastViolation; returns its error.
  std::optional<Error> Settle(PGresult* result, std::string_view context, std::string_view sql) {
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      violation = Violation::kNone;
      if (result != nullptr && ChangesRows(PQcmdStatus(result))) {
        const char* tuples = PQcmdTuples(result);
        std::int64_t count = 0;
        std::from_chars(tuples, tuples + std::strlen(tuples), count);
        changes = count;
      }
      return std::nullopt;
    }
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view sqlstate(state != nullptr ? state : "");
    violation = ViolationOf(sqlstate);
    std::string message;
    if (result != nullptr) {
      if (const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) {
        message = primary;
      } else {
        message = PQresultErrorMessage(result);
      }
    }
    if (message.empty()) message = PQerrorMessage(conn);
    if (message.empty()) message = "unexpected result " + std::string(PQresStatus(status));
    const bool constraint = sqlstate.starts_with("23");
    std::string detail = "postgres " + std::string(context) + ": " + OneLine(message) + " (" +
                         (sqlstate.empty() ? std::string("no sqlstate") : std::string(sqlstate)) +
                         ") in " + OneLine(Head(sql, 60));
    return Error::Of(constraint ? ErrorCode::kInternal : ErrorCode::kUnavailable,
                     constraint ? MessageId::kInternalError : MessageId::kStorageUnavailable,
                     std::move(detail));
  }

  // Housekeeping, not a command of the caller's: leaves Changes and LastViolation alone.
  void Deallocate(const std::string& name) {
    if (PQstatus(conn) != CONNECTION_OK) return;
    if (!Idle()) {
      orphans.push_back(name);
      return;
    }
    ResultPtr(PQexec(conn, ("DEALLOCATE " + name).c_str()));
  }
  void DeallocateOrphans() {
    if (orphans.empty() || PQstatus(conn) != CONNECTION_OK || !Idle()) return;
    std::string sql;
    for (const std::string& name : orphans) sql += "DEALLOCATE " + name + ";";
    orphans.clear();
    ResultPtr(PQexec(conn, sql.c_str()));
  }
};

namespace {

class PostgresStatement final : public sql::Statement {
 public:
  PostgresStatement(std::weak_ptr<Connection::Session> session, std::string name, std::string sql,
                    int parameters)
      : session_(std::move(session)),
        name_(std::move(name)),
        sql_(std::move(sql)),
        values_(static_cast<std::size_t>(parameters)),
        bound_(static_cast<std::size_t>(parameters), 0),
        formats_(static_cast<std::size_t>(parameters), 0) {}
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;
  ~PostgresStatement() override {
    result_.reset();
    if (auto session = session_.lock()) session->Deallocate(name_);
  }

  using sql::Statement::Bind;
  using sql::Statement::BindBlob;

  Statement& Bind(int index, std::int64_t value) override {
    return Set(index, std::to_string(value), 0);
  }
  Statement& Bind(int index, std::string_view text) override {
    return Set(index, std::string(text), 0);
  }
  Statement& BindBlob(int index, std::string_view bytes) override {
    return Set(index, std::string(bytes), 1);
  }
  Statement& BindNull(int index) override {
    if (Slot(index)) {
      const auto i = static_cast<std::size_t>(index - 1);
      values_[i].clear();
      bound_[i] = 0;
      formats_[i] = 0;
    }
    return *this;
  }

  domain::Result<bool> Step() override {
    if (!ran_) {
      ran_ = true;
      if (bad_bind_ != 0) {
        return Error::Of(ErrorCode::kInternal, MessageId::kInternalError,
                         "postgres bind: index " + std::to_string(bad_bind_) + " out of range 1.." +
                             std::to_string(values_.size()) + " in " + OneLine(Head(sql_, 60)));
      }
      auto session = session_.lock();
      if (!session) {
        return Unavailable("postgres step: the connection is closed, in " +
                           OneLine(Head(sql_, 60)));
      }
      session->DeallocateOrphans();
      const std::size_t n = values_.size();
      std::vector<const char*> values(n, nullptr);
      std::vector<int> lengths(n, 0);
      for (std::size_t i = 0; i < n; ++i) {
        if (bound_[i] == 0) continue;
        values[i] = values_[i].c_str();
        lengths[i] = static_cast<int>(values_[i].size());
      }
      result_.reset(PQexecPrepared(session->conn, name_.c_str(), static_cast<int>(n), values.data(),
                                   lengths.data(), formats_.data(), 0));
      if (auto error = session->Settle(result_.get(), "step", sql_)) {
        result_.reset();
        return std::move(*error);
      }
      row_ = 0;
    } else if (result_) {
      ++row_;
    }
    return result_ != nullptr && row_ < PQntuples(result_.get());
  }

  void Reset() override {
    result_.reset();
    ran_ = false;
    row_ = 0;
    bad_bind_ = 0;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      values_[i].clear();
      bound_[i] = 0;
      formats_[i] = 0;
    }
  }

  std::int64_t Int(int column) const override {
    const char* value = Value(column);
    if (value == nullptr) return 0;
    const std::string_view text(value);
    // A boolean (EXISTS, a comparison) reads as 1 or 0, as it does in SQLite.
    if (text == "t") return 1;
    if (text == "f") return 0;
    std::int64_t out = 0;
    std::from_chars(text.data(), text.data() + text.size(), out);
    return out;
  }
  std::string Text(int column) const override {
    const char* value = Value(column);
    if (value == nullptr) return {};
    return std::string(value, static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
  }
  std::string Blob(int column) const override {
    const char* value = Value(column);
    if (value == nullptr) return {};
    if (PQftype(result_.get(), column) != kByteaOid) return Text(column);
    // Text-format results carry bytea as "\x…" hex (or escape format, if an operator set
    // bytea_output so); libpq reads both.
    std::size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &size);
    if (bytes == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    return out;
  }
  bool IsNull(int column) const override {
    if (!OnRow(column)) return true;
    return PQgetisnull(result_.get(), row_, column) != 0;
  }

 private:
  bool Slot(int index) {
    if (index >= 1 && static_cast<std::size_t>(index) <= values_.size()) return true;
    bad_bind_ = index;  // a bug in the caller's SQL or binds: Step reports it
    return false;
  }
  Statement& Set(int index, std::string value, int format) {
    if (Slot(index)) {
      const auto i = static_cast<std::size_t>(index - 1);
      values_[i] = std::move(value);
      bound_[i] = 1;
      formats_[i] = format;
    }
    return *this;
  }
  bool OnRow(int column) const {
    return result_ != nullptr && row_ < PQntuples(result_.get()) && column >= 0 &&
           column < PQnfields(result_.get());
  }
  // The column's text on the current row; nullptr for NULL or when there is no such column.
  const char* Value(int column) const {
    if (!OnRow(column) || PQgetisnull(result_.get(), row_, column) != 0) return nullptr;
    return PQgetvalue(result_.get(), row_, column);
  }

  std::weak_ptr<Connection::Session> session_;
  std::string name_;  // of the server-side prepared statement
  std::string sql_;   // as the caller wrote it, for error details
  // Parameter i + 1: its value (text, or raw bytes when formats_[i] is 1), and whether it is
  // bound at all (an unbound parameter is NULL, as in SQLite).
  std::vector<std::string> values_;
  std::vector<char> bound_;
  std::vector<int> formats_;
  int bad_bind_ = 0;
  bool ran_ = false;
  ResultPtr result_;
  int row_ = 0;
};

}  // namespace

std::string ToDollarPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  std::size_t i = 0;
  const std::size_t n = sql.size();
  // Copies sql[i, end) unchanged and moves past it.
  const auto skip_to = [&](std::size_t end) {
    end = std::min(end, n);
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a doubled quote inside is two adjacent quoted runs: fine
      const std::size_t close = sql.find(c, i + 1);
      skip_to(close == std::string_view::npos ? n : close + 1);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      skip_to(sql.find('\n', i + 2));
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const std::size_t close = sql.find("*/", i + 2);
      skip_to(close == std::string_view::npos ? n : close + 2);
    } else if (c == '$' && !DollarTag(sql, i).empty()) {
      const std::string_view tag = DollarTag(sql, i);
      const std::size_t close = sql.find(tag, i + tag.size());
      skip_to(close == std::string_view::npos ? n : close + tag.size());
    } else if (c == '?') {
      std::size_t end = i + 1;
      while (end < n && sql[end] >= '0' && sql[end] <= '9') ++end;
      int number = largest + 1;
      if (end > i + 1) {
        number = 0;  // an unreadable number becomes $0, which the server rejects
        std::from_chars(sql.data() + i + 1, sql.data() + end, number);
      }
      largest = std::max(largest, number);
      out += '$';
      out += std::to_string(number);
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  if (count != nullptr) *count = largest;
  return out;
}

Connection::Connection(std::shared_ptr<Session> session) : session_(std::move(session)) {}
Connection::~Connection() = default;

domain::Result<std::unique_ptr<Connection>> Connection::Open(std::string_view url) {
  const std::string conninfo(url);
  // Parse first: libpq's parse errors quote the offending token, which may be the password.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (options == nullptr) {
    PQfreemem(parse_error);
    return Unavailable(
        "postgres connect: the database URL cannot be read (check its syntax and "
        "percent-encoding)");
  }
  std::string password;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "password") == 0 && option->val != nullptr) {
      password = option->val;
    }
  }
  PQconninfoFree(options);

  auto session = std::make_shared<Session>();
  // The URL may name the node (application_name=…, seen in pg_stat_activity); otherwise "shakwa".
  const char* const keywords[] = {"dbname", "fallback_application_name", "client_encoding",
                                  nullptr};
  const char* const values[] = {conninfo.c_str(), "shakwa", "UTF8", nullptr};
  session->conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (session->conn == nullptr) return Unavailable("postgres connect: out of memory");
  if (PQstatus(session->conn) != CONNECTION_OK) {
    std::string message = OneLine(PQerrorMessage(session->conn));
    for (std::size_t at; !password.empty() && (at = message.find(password)) != std::string::npos;) {
      message.replace(at, password.size(), "***");
    }
    return Unavailable("postgres connect: " + message);
  }
  // The server's notices (a COMMIT with no transaction, an IF EXISTS that skipped) would go to
  // stderr by default; errors are what matter, and they come back as results.
  PQsetNoticeProcessor(
      session->conn, [](void*, const char*) {}, nullptr);

  std::unique_ptr<Connection> connection(new Connection(session));
  // A COMMIT that returns must be on disk: an operator's synchronous_commit = off would let a
  // crash lose an acknowledged case. Stronger settings (remote_write, remote_apply) are kept.
  ResultPtr shown(PQexec(session->conn, "SHOW synchronous_commit"));
  if (auto error = session->Settle(shown.get(), "connect", "SHOW synchronous_commit")) {
    return std::move(*error);
  }
  if (PQntuples(shown.get()) == 1 && std::string_view(PQgetvalue(shown.get(), 0, 0)) == "off") {
    if (auto status = connection->Execute("SET synchronous_commit TO on"); !status.ok()) {
      return status.error();
    }
  }
  return connection;
}

domain::Result<std::unique_ptr<Connection>> Connect(std::string_view url) {
  return Connection::Open(url);
}

domain::Status Connection::Execute(std::string_view sql) {
  session_->DeallocateOrphans();
  const std::string copy(sql);
  ResultPtr result(PQexec(session_->conn, copy.c_str()));
  if (auto error = session_->Settle(result.get(), "execute", sql)) return std::move(*error);
  return domain::Status::Ok();
}

domain::Result<std::unique_ptr<sql::Statement>> Connection::Prepare(std::string_view sql) {
  session_->DeallocateOrphans();
  int parameters = 0;
  const std::string text = ToDollarPlaceholders(sql, &parameters);
  std::string name = "shakwa_" + std::to_string(++session_->statements_made);
  ResultPtr result(PQprepare(session_->conn, name.c_str(), text.c_str(), 0, nullptr));
  if (auto error = session_->Settle(result.get(), "prepare", sql)) return std::move(*error);
  return std::unique_ptr<sql::Statement>(
      new PostgresStatement(session_, std::move(name), std::string(sql), parameters));
}

std::int64_t Connection::Changes() const {
  return session_->changes;
}

Violation Connection::LastViolation() const {
  return session_->violation;
}

bool Connection::Broken() const {
  return PQstatus(session_->conn) != CONNECTION_OK;
}

int Connection::BackendPid() const {
  return PQbackendPID(session_->conn);
}

}  // namespace shakwa::storage::postgres
