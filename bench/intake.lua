-- wrk script for bench/run.sh: POSTs one intake body (bench/intake.json, or the file named by
-- BENCH_BODY) to the URL wrk is given, counts the answers that are not 201 Created, and
-- prints the figures as key=value lines for run.sh to read.
--
--   BENCH_BODY=bench/intake.json wrk -t1 -c64 -d10s --latency -s bench/intake.lua \
--     http://127.0.0.1:8080/api/v1/cases

local path = os.getenv("BENCH_BODY") or "bench/intake.json"
local file = assert(io.open(path, "rb"), "cannot read " .. path)
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = "ar"

-- Per-thread counters (globals, so that done() can read them with thread:get).
created = 0
other = 0
first_other = 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if first_other == 0 then first_other = status end
  end
end

function done(summary, latency, requests)
  local total_created, total_other, sample_status = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_other = total_other + thread:get("other")
    local s = thread:get("first_other")
    if s ~= 0 and sample_status == 0 then sample_status = s end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local out = {
    string.format("wrk_seconds=%.3f", seconds),
    string.format("wrk_responses=%d", summary.requests),
    string.format("wrk_created=%d", total_created),
    string.format("wrk_not_created=%d", total_other),
    string.format("wrk_not_created_sample_status=%d", sample_status),
    string.format("wrk_socket_errors=%d", e.connect + e.read + e.write + e.timeout),
    string.format("wrk_timeouts=%d", e.timeout),
    string.format("wrk_cases_per_s=%.1f", total_created / seconds),
    string.format("wrk_p50_ms=%.3f", latency:percentile(50) / 1000),
    string.format("wrk_p90_ms=%.3f", latency:percentile(90) / 1000),
    string.format("wrk_p99_ms=%.3f", latency:percentile(99) / 1000),
    string.format("wrk_max_ms=%.3f", latency.max / 1000),
  }
  io.write(table.concat(out, "\n") .. "\n")
end
