// shakwa_bench_reads: drives one read endpoint of a running server and prints its latency
// distribution (bench/README.md, "Reads at a million cases").
//
// A closed loop over keep-alive connections, like wrk: each connection sends its next request
// when the last answer has been read, so `--connections 1` measures one request at a time and
// `--connections 16` sixteen callers at once. Every request's latency (from writing the request to
// having read the whole answer) is kept, not bucketed, and the percentiles are computed from all
// of them. Each run is a fixed number of requests after a warm-up on the same connections.
//
// Scenarios (what one request is):
//   staff-read        GET /api/v1/cases/{reference} with a staff token: a random case of the
//                     sample in --department. For a handler this is the full read, which writes
//                     a "pii.read" audit record and waits for its commit before answering; for a
//                     manager (masked identity) it writes nothing.
//   queue             GET /api/v1/cases?<--query> with a staff token: the first page.
//   queue-next        the same query's later pages: pages 2..21 are fetched once, by following
//                     next_cursor, and requests pick among them at random.
//   beneficiary-read  GET /api/v1/cases/{reference} with X-Access-Code: a random sampled case.
//
// The sample is bench-sample.tsv from shakwa_bench_cases: reference, department, status,
// priority, access code. An answer other than 200, or a read whose body does not name the case
// asked for, counts as an error; any error makes the run invalid (bench/run.sh reports it).
//
// Output: key=value lines (reads_p50_ms=..., reads_p99_ms=..., reads_per_s=...). Exit status 3
// when there is nothing to request (a queue of one page has no later pages), 1 on any other
// failure.
//
// Usage: shakwa_bench_reads --port P --scenario S --sample FILE [--host H] [--requests N]
//          [--warmup W] [--connections C] [--email E --password PW] [--department D]
//          [--query Q] [--seed X]
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string scenario;
  std::string sample;
  std::int64_t requests = 20'000;
  std::int64_t warmup = 2'000;
  int connections = 1;
  std::string email, password, department;
  std::string query = "status=in_progress&priority=high&limit=50";
  std::uint64_t seed = 7;
};

// One request a run may send: the target, the access code to send with it (beneficiary reads),
// and a string the body must contain (the reference, for reads).
struct Target {
  std::string path;
  std::string access_code;
  std::string expect;
};

// ---------------------------------------------------------------------------------------------
// Setting up: signing in and walking a queue, one blocking request at a time.

http::response<http::string_body> Fetch(const Options& o, http::verb verb, const std::string& path,
                                        const std::string& token, const std::string& body = {}) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::resolver(io).resolve(o.host, o.port));
  http::request<http::string_body> request{verb, path, 11};
  request.set(http::field::host, o.host);
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
  }
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return response;
}

std::string SignIn(const Options& o) {
  const std::string body =
      json::serialize(json::object{{"email", o.email}, {"password", o.password}});
  auto response = Fetch(o, http::verb::post, "/api/v1/auth/login", {}, body);
  if (response.result() != http::status::ok) {
    throw std::runtime_error("sign-in as " + o.email + " answered " +
                             std::to_string(response.result_int()) + ": " + response.body());
  }
  return std::string(json::parse(response.body()).at("token").as_string());
}

// The sample's rows: reference, department, status, priority, access code.
std::vector<std::vector<std::string>> ReadSample(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream split(line);
    std::string field;
    while (std::getline(split, field, '\t')) fields.push_back(field);
    if (fields.size() == 5) rows.push_back(std::move(fields));
  }
  return rows;
}

// Nothing to request: not a failure of the server, but no figures either.
struct NoTargets : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Prepared {
  std::vector<Target> targets;
  std::string token;
  double items_per_page = 0;  // queue scenarios: how full the pages are
};

Prepared Prepare(const Options& o) {
  Prepared p;
  if (o.scenario != "beneficiary-read") p.token = SignIn(o);
  if (o.scenario == "staff-read" || o.scenario == "beneficiary-read") {
    for (const auto& row : ReadSample(o.sample)) {
      if (o.scenario == "staff-read" && row[1] != o.department) continue;
      Target t{"/api/v1/cases/" + row[0], {}, "\"reference\":\"" + row[0] + "\""};
      if (o.scenario == "beneficiary-read") t.access_code = row[4];
      p.targets.push_back(std::move(t));
    }
  } else if (o.scenario == "queue" || o.scenario == "queue-next") {
    const std::string first = "/api/v1/cases?" + o.query;
    std::string path = first;
    std::int64_t items = 0;
    int pages = 0;
    for (int page = 1; page <= (o.scenario == "queue" ? 1 : 21); ++page) {
      auto response = Fetch(o, http::verb::get, path, p.token);
      if (response.result() != http::status::ok) {
        throw std::runtime_error(path + " answered " + std::to_string(response.result_int()) +
                                 ": " + response.body());
      }
      const json::object page_json = json::parse(response.body()).as_object();
      const auto count = static_cast<std::int64_t>(page_json.at("items").as_array().size());
      if (page > 1 || o.scenario == "queue") {
        p.targets.push_back({path, {}, "\"items\":"});
        items += count;
        ++pages;
      }
      const json::value& next = page_json.at("next_cursor");
      if (!next.is_string()) break;
      path = first + "&cursor=" + std::string(next.as_string());
    }
    p.items_per_page = pages > 0 ? static_cast<double>(items) / pages : 0;
  } else {
    throw std::runtime_error("unknown scenario " + o.scenario);
  }
  if (p.targets.empty()) {
    throw NoTargets("no targets for " + o.scenario +
                    (o.scenario == "queue-next" ? " (the queue has one page only)"
                                                : " (nothing in the sample matches)"));
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// The load: C connections on one thread, each in a closed loop.

class Load {
 public:
  Load(const Options& o, const Prepared& prepared) : o_(o), prepared_(prepared), random_(o.seed) {}

  // Sends `count` requests over the connections and returns each latency in milliseconds.
  std::vector<double> Run(std::int64_t count) {
    remaining_ = count;
    latencies_.clear();
    latencies_.reserve(static_cast<std::size_t>(count));
    if (connections_.empty()) {
      const auto endpoints = tcp::resolver(io_).resolve(o_.host, o_.port);
      for (int i = 0; i < o_.connections; ++i) {
        auto c = std::make_unique<Connection>(io_);
        c->stream.connect(endpoints);
        c->stream.socket().set_option(tcp::no_delay(true));
        connections_.push_back(std::move(c));
      }
    }
    for (auto& c : connections_) Next(*c);
    io_.restart();
    io_.run();
    if (failure_) throw std::runtime_error(*failure_);
    return std::move(latencies_);
  }

  std::int64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }
  double mean_body_bytes() const {
    return answers_ > 0 ? static_cast<double>(body_bytes_) / static_cast<double>(answers_) : 0;
  }

 private:
  struct Connection {
    explicit Connection(asio::io_context& io) : stream(io) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::empty_body> request;
    http::response<http::string_body> response;
    const Target* target = nullptr;
    Clock::time_point sent;
  };

  void Next(Connection& c) {
    if (remaining_ <= 0 || failure_) return;
    --remaining_;
    const auto& targets = prepared_.targets;
    c.target = &targets[std::uniform_int_distribution<std::size_t>(0, targets.size() - 1)(random_)];
    c.request = {http::verb::get, c.target->path, 11};
    c.request.set(http::field::host, o_.host);
    if (!prepared_.token.empty()) {
      c.request.set(http::field::authorization, "Bearer " + prepared_.token);
    }
    if (!c.target->access_code.empty()) c.request.set("X-Access-Code", c.target->access_code);
    c.response = {};
    c.sent = Clock::now();
    http::async_write(c.stream, c.request, [this, &c](beast::error_code ec, std::size_t) {
      if (ec) return Fail("write: " + ec.message());
      http::async_read(c.stream, c.buffer, c.response,
                       [this, &c](beast::error_code read_ec, std::size_t) {
                         if (read_ec) return Fail("read: " + read_ec.message());
                         Answered(c);
                       });
    });
  }

  void Answered(Connection& c) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - c.sent).count();
    latencies_.push_back(ms);
    ++answers_;
    body_bytes_ += static_cast<std::int64_t>(c.response.body().size());
    const bool ok = c.response.result() == http::status::ok &&
                    c.response.body().find(c.target->expect) != std::string::npos;
    if (!ok) {
      if (errors_++ == 0) {
        first_error_ = std::to_string(c.response.result_int()) + " for " + c.target->path + ": " +
                       c.response.body().substr(0, 200);
      }
    }
    if (!c.response.keep_alive()) return Fail("the server closed a keep-alive connection");
    Next(c);
  }

  void Fail(std::string what) {
    if (!failure_) failure_ = std::move(what);
  }

  const Options& o_;
  const Prepared& prepared_;
  std::mt19937_64 random_;
  asio::io_context io_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::int64_t remaining_ = 0;
  std::vector<double> latencies_;
  std::int64_t errors_ = 0, answers_ = 0, body_bytes_ = 0;
  std::string first_error_;
  std::optional<std::string> failure_;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(rank, sorted.size() - 1)];
}

int Usage() {
  std::cerr
      << "usage: shakwa_bench_reads --port P --scenario S --sample FILE [--host H]\n"
         "         [--requests N] [--warmup W] [--connections C] [--email E --password PW]\n"
         "         [--department D] [--query Q] [--seed X]\n"
         "  S  staff-read | queue | queue-next | beneficiary-read\n"
         "  N  measured requests (default 20000); W  warm-up requests (default 2000)\n"
         "  C  keep-alive connections, each in a closed loop (default 1)\n"
         "  Q  the queue's query string (default status=in_progress&priority=high&limit=50)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string value = argv[++i];
    try {
      if (arg == "--host") {
        o.host = value;
      } else if (arg == "--port") {
        o.port = value;
      } else if (arg == "--scenario") {
        o.scenario = value;
      } else if (arg == "--sample") {
        o.sample = value;
      } else if (arg == "--requests") {
        o.requests = std::stoll(value);
      } else if (arg == "--warmup") {
        o.warmup = std::stoll(value);
      } else if (arg == "--connections") {
        o.connections = std::stoi(value);
      } else if (arg == "--email") {
        o.email = value;
      } else if (arg == "--password") {
        o.password = value;
      } else if (arg == "--department") {
        o.department = value;
      } else if (arg == "--query") {
        o.query = value;
      } else if (arg == "--seed") {
        o.seed = std::stoull(value);
      } else {
        return Usage();
      }
    } catch (const std::exception&) {
      return Usage();
    }
  }
  if (o.port.empty() || o.scenario.empty() || o.requests < 1 || o.connections < 1) return Usage();
  try {
    const Prepared prepared = Prepare(o);
    Load load(o, prepared);
    if (o.warmup > 0) load.Run(o.warmup);
    const std::int64_t warmup_errors = load.errors();
    const auto start = Clock::now();
    std::vector<double> ms = load.Run(o.requests);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (const double x : ms) sum += x;
    std::printf("reads_scenario=%s\n", o.scenario.c_str());
    std::printf("reads_connections=%d\n", o.connections);
    std::printf("reads_targets=%zu\n", prepared.targets.size());
    std::printf("reads_requests=%zu\n", ms.size());
    std::printf("reads_seconds=%.3f\n", seconds);
    std::printf("reads_per_s=%.1f\n", static_cast<double>(ms.size()) / seconds);
    std::printf("reads_mean_ms=%.3f\n", sum / static_cast<double>(ms.size()));
    std::printf("reads_p50_ms=%.3f\n", Percentile(ms, 50));
    std::printf("reads_p90_ms=%.3f\n", Percentile(ms, 90));
    std::printf("reads_p99_ms=%.3f\n", Percentile(ms, 99));
    std::printf("reads_p999_ms=%.3f\n", Percentile(ms, 99.9));
    std::printf("reads_max_ms=%.3f\n", ms.empty() ? 0 : ms.back());
    // The tail in numbers: how many requests took longer than 5 ms (a WAL checkpoint, say).
    std::printf("reads_over_5ms=%td\n", ms.end() - std::upper_bound(ms.begin(), ms.end(), 5.0));
    std::printf("reads_body_bytes=%.0f\n", load.mean_body_bytes());
    if (o.scenario == "queue" || o.scenario == "queue-next") {
      std::printf("reads_items_per_page=%.1f\n", prepared.items_per_page);
    }
    std::printf("reads_errors=%lld\n", static_cast<long long>(load.errors() - warmup_errors));
    std::printf("reads_warmup_errors=%lld\n", static_cast<long long>(warmup_errors));
    if (load.errors() > 0) std::printf("reads_first_error=%s\n", load.first_error().c_str());
    return 0;
  } catch (const NoTargets& e) {
    std::cerr << "shakwa_bench_reads: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "shakwa_bench_reads: " << e.what() << "\n";
    return 1;
  }
}
