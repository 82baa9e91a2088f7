// shakwa_sqlite_ceiling: this machine's own ceiling for case intake, measured with SQLite alone.
//
// It writes the same rows the server's intake writes (the reference_sequences upsert, one `cases`
// row with every column, one `case_events` row), into a fresh database made by the project's own
// migrations, through the project's own Connection (WAL, synchronous=FULL: every COMMIT is on
// disk before it returns). Two modes, each for a fixed time on its own fresh database:
//
//   one_per_tx  BEGIN IMMEDIATE; <one case>; COMMIT        - what a server without group commit
//                                                             can reach at best
//   batched     BEGIN IMMEDIATE; <64 cases>; COMMIT        - what group commit can reach at best
//
// There is no HTTP, no JSON, no encryption and no savepoint per case: the sealed columns are
// random blobs of the size the server's sealing produces (1 + 24 + plaintext + 16 bytes). So these
// are ceilings the server can approach, not the server's own cost.
//
// Output is one key=value line per figure, for bench/run.sh to read.
//
// Usage: shakwa_sqlite_ceiling --body bench/intake.json [--seconds 5] [--batch 64] [--dir DIR]
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "domain/reference_number.hpp"
#include "domain/time.hpp"
#include "storage/sql/intake_sql.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using shakwa::storage::sqlite::Connection;
using Statement = shakwa::storage::sql::Statement;
using shakwa::storage::sql::StatementUse;
using Clock = std::chrono::steady_clock;
namespace sql = shakwa::storage::sql::statements;

// The case as the server would store it, from the intake body the load generator sends.
struct Row {
  std::string subject, description, remedy_sought, category, organization;
  std::size_t name_sealed = 0, email_sealed = 0, mobile_sealed = 0;  // sealed sizes in bytes
};

constexpr std::size_t kSealOverhead = 1 + 24 + 16;  // key version, XChaCha20 nonce, Poly1305 tag

std::string Member(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->get_string());
}

Row LoadRow(const fs::path& body_file) {
  std::ifstream in(body_file);
  if (!in) throw std::runtime_error("cannot read " + body_file.string());
  std::stringstream text;
  text << in.rdbuf();
  const json::object body = json::parse(text.str()).as_object();
  const json::object& beneficiary = body.at("beneficiary").as_object();
  Row row;
  row.subject = Member(body, "subject");
  row.description = Member(body, "description");
  row.remedy_sought = Member(body, "remedy_sought");
  row.category = Member(body, "category");
  row.organization = Member(beneficiary, "organization");
  row.name_sealed = kSealOverhead + Member(beneficiary, "name").size();
  row.email_sealed = kSealOverhead + Member(beneficiary, "email").size();
  row.mobile_sealed = kSealOverhead + Member(beneficiary, "mobile").size();
  return row;
}

void Check(const shakwa::domain::Status& status, std::string_view what) {
  if (!status.ok()) {
    throw std::runtime_error(std::string(what) + ": " + status.error().detail);
  }
}

template <typename T>
T Take(shakwa::domain::Result<T> result, std::string_view what) {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().detail);
  return std::move(*result);
}

class Inserter {
 public:
  Inserter(const fs::path& path, Row row)
      : db_(Take(Connection::Open(path, false), "open")), row_(std::move(row)) {
    begin_ = Take(db_->Prepare("BEGIN IMMEDIATE"), "prepare");
    commit_ = Take(db_->Prepare("COMMIT"), "prepare");
    next_sequence_ = Take(db_->Prepare(sql::kNextReferenceSequence), "prepare");
    insert_case_ = Take(db_->Prepare(sql::kInsertCase), "prepare");
    insert_event_ = Take(db_->Prepare(sql::kInsertEvent), "prepare");
  }

  // One durable transaction of `rows` cases.
  void Transaction(int rows) {
    Check(begin_->Run(), "begin");
    for (int i = 0; i < rows; ++i) InsertCase();
    Check(commit_->Run(), "commit");
  }

 private:
  std::string RandomBytes(std::size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(random_() & 0xFF);
    return out;
  }

  void InsertCase() {
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const std::int64_t millis = now.time_since_epoch().count();
    const int year = shakwa::domain::YearAt(now, shakwa::domain::kRiyadhOffset);

    std::int64_t sequence = 0;
    std::int64_t case_id = 0;
    {
      StatementUse use(*next_sequence_);
      use->Bind(1, std::int64_t{year});
      if (!Take(use->Step(), "next sequence")) throw std::runtime_error("no sequence returned");
      sequence = use->Int(0);
    }
    shakwa::domain::Reference reference{'C', year, sequence, 6};
    const std::string ref = reference.ToString();

    const std::string name = RandomBytes(row_.name_sealed);
    const std::string email = RandomBytes(row_.email_sealed);
    const std::string mobile = RandomBytes(row_.mobile_sealed);
    const std::string access_code_hash = RandomBytes(32);
    {
      StatementUse use(*insert_case_);
      use->Bind(1, std::string_view(ref))
          .Bind(2, std::int64_t{year})
          .Bind(3, sequence)
          .Bind(4, std::string_view("complaint"))
          .Bind(5, std::string_view("received"))
          .Bind(6, std::string_view("api"))
          .Bind(7, millis)
          .Bind(8, millis)
          .Bind(9, std::string_view("beneficiary"))
          .BindNull(10)
          .Bind(11, std::string_view("private"))
          .BindBlob(12, std::string_view(name))
          .BindBlob(13, std::string_view(email))
          .BindBlob(14, std::string_view(mobile))
          .BindNull(15)
          .Bind(16, std::string_view(row_.organization))
          .BindNull(17)
          .BindNull(18)
          .BindNull(19)
          .BindNull(20)
          .Bind(21, std::string_view(row_.category))
          .BindNull(22)
          .BindNull(23)
          .Bind(24, std::string_view(row_.subject))
          .Bind(25, std::string_view(row_.description))
          .Bind(26, std::string_view(row_.remedy_sought))
          .Bind(27, std::string_view("ar"))
          .BindNull(28)
          .Bind(29, std::int64_t{0})
          .Bind(30, std::int64_t{0})
          .Bind(31, std::int64_t{0})
          .BindBlob(32, std::string_view(access_code_hash))
          .Bind(33, std::int64_t{1});
      if (!Take(use->Step(), "insert case")) throw std::runtime_error("no case id returned");
      case_id = use->Int(0);
    }
    {
      StatementUse use(*insert_event_);
      use->Bind(1, case_id)
          .Bind(2, millis)
          .Bind(3, std::string_view("received"))
          .Bind(4, std::string_view("public"))
          .Bind(5, std::string_view("beneficiary"))
          .BindNull(6)
          .BindNull(7)
          .Bind(8, std::string_view("received"));
      Take(use->Step(), "insert event");
    }
  }

  std::unique_ptr<Connection> db_;
  Row row_;
  std::mt19937_64 random_{std::random_device{}()};
  std::unique_ptr<Statement> begin_, commit_, next_sequence_, insert_case_, insert_event_;
};

struct Measured {
  double rows_per_s = 0;
  double tx_p50_ms = 0;
  double tx_p99_ms = 0;
  std::int64_t rows = 0;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank =
      static_cast<std::size_t>(std::llround(p * static_cast<double>(values.size() - 1)));
  return values[std::min(rank, values.size() - 1)];
}

// Runs transactions of `rows_per_tx` cases for `seconds` on a fresh database under `dir`.
Measured Run(const fs::path& dir, const Row& row, int rows_per_tx, double seconds) {
  const fs::path path = dir / ("ceiling-" + std::to_string(rows_per_tx) + ".db");
  auto migrated = shakwa::storage::sqlite::Migrate(path);
  if (!migrated) throw std::runtime_error("migrate: " + migrated.error().detail);
  Measured m;
  std::vector<double> tx_ms;
  {
    Inserter inserter(path, row);
    inserter.Transaction(rows_per_tx);  // warm the page cache and the statements
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    auto now = start;
    while (now < deadline) {
      const auto t0 = Clock::now();
      inserter.Transaction(rows_per_tx);
      now = Clock::now();
      tx_ms.push_back(std::chrono::duration<double, std::milli>(now - t0).count());
      m.rows += rows_per_tx;
    }
    m.rows_per_s = static_cast<double>(m.rows) / std::chrono::duration<double>(now - start).count();
  }
  m.tx_p50_ms = Percentile(tx_ms, 0.50);
  m.tx_p99_ms = Percentile(tx_ms, 0.99);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  return m;
}

void Print(std::string_view name, const Measured& m) {
  std::printf("ceiling_%.*s_rows_per_s=%.0f\n", static_cast<int>(name.size()), name.data(),
              m.rows_per_s);
  std::printf("ceiling_%.*s_rows=%lld\n", static_cast<int>(name.size()), name.data(),
              static_cast<long long>(m.rows));
  std::printf("ceiling_%.*s_tx_p50_ms=%.3f\n", static_cast<int>(name.size()), name.data(),
              m.tx_p50_ms);
  std::printf("ceiling_%.*s_tx_p99_ms=%.3f\n", static_cast<int>(name.size()), name.data(),
              m.tx_p99_ms);
  std::fflush(stdout);
}

int Usage() {
  std::cerr << "usage: shakwa_sqlite_ceiling --body FILE [--seconds S] [--batch N] [--dir DIR]\n"
               "  FILE  the JSON intake body the load generator sends (bench/intake.json)\n"
               "  S     seconds per mode (default 5)\n"
               "  N     cases per transaction in the batched mode (default 64)\n"
               "  DIR   where the scratch databases go (default: a new directory in $TMPDIR)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path body, dir;
  double seconds = 5;
  int batch = 64;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--body" && has_value) {
      body = args[++i];
    } else if (args[i] == "--seconds" && has_value) {
      seconds = std::atof(args[++i].c_str());
    } else if (args[i] == "--batch" && has_value) {
      batch = std::atoi(args[++i].c_str());
    } else if (args[i] == "--dir" && has_value) {
      dir = args[++i];
    } else {
      return Usage();
    }
  }
  if (body.empty() || seconds <= 0 || batch < 1) return Usage();

  bool own_dir = false;
  try {
    const Row row = LoadRow(body);
    if (dir.empty()) {
      std::string pattern = (fs::temp_directory_path() / "shakwa-ceiling-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
      dir = pattern;
      own_dir = true;
    }
    std::printf("ceiling_seconds_per_mode=%g\nceiling_batch_size=%d\n", seconds, batch);
    Print("one_per_tx", Run(dir, row, 1, seconds));
    Print("batched", Run(dir, row, batch, seconds));
  } catch (const std::exception& e) {
    std::cerr << "shakwa_sqlite_ceiling: " << e.what() << "\n";
    if (own_dir) fs::remove_all(dir);
    return 1;
  }
  if (own_dir) fs::remove_all(dir);
  return 0;
}
