#!/usr/bin/env bash
# The intake benchmark: intake throughput and latency at 1, 8 and 64 connections, beside this
# machine's SQLite ceiling measured in the same run. See bench/README.md.
#
#   bash bench/run.sh          (or: make bench)
#
# Knobs (environment; defaults in brackets):
#   BENCH_SECONDS          measured seconds per connection count            [10]
#   BENCH_WARMUP_SECONDS   warm-up seconds before each measurement          [2]
#   BENCH_CEILING_SECONDS  seconds per SQLite ceiling mode                  [5]
#   BENCH_CONNECTIONS      connection counts                                [1 8 64]
#   BENCH_WRK_THREADS      wrk threads (never more than connections)        [1]
#   BENCH_BUILD_DIR        where shakwa and shakwa_sqlite_ceiling are       [build/release]
#   BENCH_SKIP_BUILD=1     use the binaries already in BENCH_BUILD_DIR
#   SHAKWA_*               passed to the server as usual (e.g. SHAKWA_SERVER_THREADS=1)
#
# Everything runs on 127.0.0.1. Every process started here is stopped by its PID on exit, and
# the scratch directory is removed. Exit status: 0 when every target is met, 1 when one is missed
# or the run is invalid (an answer other than 201 Created, or a socket error), 2 on a setup error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-2}
CEILING_SECONDS=${BENCH_CEILING_SECONDS:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 8 64"}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
BUILD_DIR=${BENCH_BUILD_DIR:-build/release}
BODY=$ROOT/bench/intake.json
SCRIPT=$ROOT/bench/intake.lua

# The targets, at 64 connections.
TARGET_X_ONE_PER_TX=2     # at least 2x the one-commit-per-case ceiling
TARGET_X_BATCHED=0.5      # at least half the 64-per-commit ceiling
TARGET_P99_MS=25          # p99 under 25 ms
TARGET_CONNECTIONS=64

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

for tool in wrk curl python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash tools/install-deps.sh installs it)"
done

# --- build -----------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "building the release preset (shakwa, shakwa_sqlite_ceiling)"
  cmake --preset release >/dev/null
  # Only what the benchmark runs; `make bench` has already built everything else.
  cmake --build --preset release --target shakwa shakwa_sqlite_ceiling
  BUILD_DIR=build/release
fi
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
SHAKWA=$BUILD_DIR/shakwa
CEILING=$BUILD_DIR/bench/shakwa_sqlite_ceiling
[ -x "$SHAKWA" ] || die "$SHAKWA not found"
[ -x "$CEILING" ] || die "$CEILING not found"

# --- scratch space and cleanup ---------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/shakwa-bench-XXXXXX")
SERVER_PID=""
WRK_PID=""
CEILING_PID=""

stop_pid() {  # stop_pid PID: SIGTERM, wait up to 15 s, then SIGKILL
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "process $pid did not stop on SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$WRK_PID"
  stop_pid "$CEILING_PID"
  stop_pid "$SERVER_PID"
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# key=value lines -> the value of one key
value_of() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2" | tail -n 1; }

# --- CPU accounting (/proc), to see who used the two cores -----------------------------------
TICKS=$(getconf CLK_TCK)
proc_cpu_ticks() {  # utime + stime of a live process
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
children_cpu_ticks() {  # user + system of this shell's waited-for children
  awk '{ print $16 + $17 }' "/proc/$$/stat"
}
machine_busy_ticks() {  # all CPUs, everything but idle and iowait
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# --- the ceiling -------------------------------------------------------------------------------
say "SQLite ceiling: ${CEILING_SECONDS} s one case per transaction, ${CEILING_SECONDS} s 64 per transaction"
mkdir -p "$WORK/ceiling"
ceiling_started=$(date +%s.%N)
client0=$(children_cpu_ticks)
machine0=$(machine_busy_ticks)
"$CEILING" --body "$BODY" --seconds "$CEILING_SECONDS" --batch 64 --dir "$WORK/ceiling" \
  >"$WORK/ceiling.txt" &
CEILING_PID=$!
wait "$CEILING_PID" || die "the ceiling failed"
CEILING_PID=""
client1=$(children_cpu_ticks)
machine1=$(machine_busy_ticks)
# CPU that neither the ceiling nor this script used while the ceiling ran: other people's work.
CEIL_OTHER=$(awk -v c=$((client1 - client0)) -v m=$((machine1 - machine0)) -v t="$TICKS" \
  -v s="$ceiling_started" -v e="$(date +%s.%N)" \
  'BEGIN { o = (m - c) / t / (e - s); printf "%.2f", o < 0 ? 0 : o }')
CEIL_ONE=$(value_of ceiling_one_per_tx_rows_per_s "$WORK/ceiling.txt")
CEIL_BATCH=$(value_of ceiling_batched_rows_per_s "$WORK/ceiling.txt")
CEIL_ONE_P50=$(value_of ceiling_one_per_tx_tx_p50_ms "$WORK/ceiling.txt")
CEIL_BATCH_P50=$(value_of ceiling_batched_tx_p50_ms "$WORK/ceiling.txt")
say "ceiling: ${CEIL_ONE} cases/s one per transaction (commit p50 ${CEIL_ONE_P50} ms), ${CEIL_BATCH} cases/s 64 per transaction"

# --- the server ----------------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {  # start_server LOGFILE
  PORT=$(free_port)
  # Request logging off: one JSON line per request on stdout would cost more than the intake.
  SHAKWA_LOG_REQUESTS=false "$SHAKWA" serve --listen "127.0.0.1:$PORT" --data "$WORK/data" \
    >"$1" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/readyz"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$1" >&2; die "the server exited"; }
    sleep 0.1
  done
  cat "$1" >&2
  die "the server was not ready within 10 s"
}

stop_server() {
  stop_pid "$SERVER_PID"
  SERVER_PID=""
}

run_wrk() {  # run_wrk CONNECTIONS SECONDS OUTFILE
  local connections=$1 seconds=$2 threads=$WRK_THREADS
  [ "$threads" -le "$connections" ] || threads=$connections
  BENCH_BODY=$BODY timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" -d"${seconds}s" \
    --timeout 5s --latency -s "$SCRIPT" "http://127.0.0.1:$PORT/api/v1/cases" >"$3" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$3" >&2; die "wrk failed"; }
  WRK_PID=""
}

ROWS=()
INVALID=0
for c in $CONNECTIONS; do
  say "$c connection(s): warm-up ${WARMUP_SECONDS} s, then ${SECONDS_PER_RUN} s measured"
  start_server "$WORK/server-$c.log"
  run_wrk "$c" "$WARMUP_SECONDS" "$WORK/warmup-$c.txt"
  server0=$(proc_cpu_ticks "$SERVER_PID")
  client0=$(children_cpu_ticks)
  machine0=$(machine_busy_ticks)
  run_wrk "$c" "$SECONDS_PER_RUN" "$WORK/wrk-$c.txt"
  server1=$(proc_cpu_ticks "$SERVER_PID")
  client1=$(children_cpu_ticks)
  machine1=$(machine_busy_ticks)
  stop_server
  out=$WORK/wrk-$c.txt
  secs=$(value_of wrk_seconds "$out")
  [ -n "$secs" ] || { cat "$out" >&2; die "wrk printed no figures"; }
  # writes/commits of this server's whole life (warm-up included): the average group size.
  stopped=$(grep '"msg":"stopped"' "$WORK/server-$c.log" | tail -n 1 || true)
  writes=$(sed -n 's/.*"writes":\([0-9]*\).*/\1/p' <<<"$stopped")
  commits=$(sed -n 's/.*"commits":\([0-9]*\).*/\1/p' <<<"$stopped")
  ROWS+=("$c|$(value_of wrk_cases_per_s "$out")|$(value_of wrk_p50_ms "$out")|$(value_of wrk_p99_ms "$out")|$(value_of wrk_max_ms "$out")|${writes:-?}|${commits:-?}|$(value_of wrk_not_created "$out")|$(value_of wrk_not_created_sample_status "$out")|$(value_of wrk_socket_errors "$out")|$secs|$((server1 - server0))|$((client1 - client0))|$((machine1 - machine0))")
done

# --- the table -------------------------------------------------------------------------------
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULT=$ROOT/bench/results/$STAMP.md
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  REV="$REV (with uncommitted changes)"
fi
OVERRIDES=$(env | grep '^SHAKWA_' | grep -v '^SHAKWA_SECURITY_KEY=' | sort | tr '\n' ' ' || true)

ROWS_TEXT=$(printf '%s\n' "${ROWS[@]}")
REPORT=$(awk -F'|' -v one="$CEIL_ONE" -v batch="$CEIL_BATCH" -v ticks="$TICKS" \
  -v tx1="$TARGET_X_ONE_PER_TX" -v txb="$TARGET_X_BATCHED" -v tp99="$TARGET_P99_MS" \
  -v tc="$TARGET_CONNECTIONS" -v ceil_other="$CEIL_OTHER" '
  function verdict(ok) { return ok ? "PASS" : "FAIL" }
  BEGIN {
    print "| connections | cases/s | p50 ms | p99 ms | max ms | cases per commit | server CPU | wrk CPU | other CPU | x one-per-tx ceiling | x batched ceiling | non-201 |"
    print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    failed = 0; invalid = 0; seen = 0
  }
  {
    c = $1; rate = $2; p50 = $3; p99 = $4; mx = $5; w = $6; k = $7; bad = $8; sample = $9
    sock = $10; secs = $11
    server = $12 / ticks / secs; client = $13 / ticks / secs; other = $14 / ticks / secs - server - client
    if (other < 0) other = 0
    batchsize = (k + 0 > 0) ? sprintf("%.1f", w / k) : "?"
    r1 = rate / one; rb = rate / batch
    errors = bad + sock
    errtext = (errors == 0) ? "0" : sprintf("%d (INVALID: %d non-201, e.g. %s; %d socket errors)", errors, bad, sample, sock)
    if (errors > 0) invalid = 1
    printf "| %d | %.0f | %.2f | %.2f | %.1f | %s | %.2f cores | %.2f cores | %.2f cores | %.2fx | %.2fx | %s |\n", \
      c, rate, p50, p99, mx, batchsize, server, client, other, r1, rb, errtext
    if (other > 0.25) noisy = noisy sprintf(" %d", c)
    if (c == tc) {
      seen = 1
      v1 = verdict(r1 >= tx1); vb = verdict(rb >= txb); vp = verdict(p99 < tp99)
      targets = sprintf("Targets at %d connections:\n\n", c)
      targets = targets sprintf("- throughput >= %gx the one-per-transaction ceiling: %.0f / %.0f = %.2fx  %s\n", tx1, rate, one, r1, v1)
      targets = targets sprintf("- throughput >= %gx the batched ceiling: %.0f / %.0f = %.2fx  %s\n", txb, rate, batch, rb, vb)
      targets = targets sprintf("- p99 < %g ms: %.2f ms  %s\n", tp99, p99, vp)
      if (v1 == "FAIL" || vb == "FAIL" || vp == "FAIL") failed = 1
    }
  }
  END {
    print ""
    if (seen) printf "%s", targets
    else print "Targets: not judged (no run at " tc " connections)."
    if (invalid) print "\nINVALID RUN: some requests were not answered 201 Created; see the non-201 column."
    if (ceil_other > 0.25) print "\nWARNING: other processes used " ceil_other " cores while the SQLite ceiling ran; the ceiling is understated."
    if (noisy != "") print "\nWARNING: other processes used more than a quarter of a core during the run at" noisy " connection(s); the figures are pessimistic."
    overall = invalid ? "INVALID" : (!seen ? "NOT JUDGED" : (failed ? "FAIL" : "PASS"))
    print "\nOverall: " overall
  }' <<<"$ROWS_TEXT")

{
  echo "# Intake benchmark, $STAMP"
  echo
  echo "- commit: $REV"
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- load: wrk ${WRK_THREADS} thread(s), ${SECONDS_PER_RUN} s per connection count after ${WARMUP_SECONDS} s warm-up, a fresh server for each count (same database), request log off"
  echo "- server settings from the environment: ${OVERRIDES:-none (defaults)}"
  echo "- SQLite ceiling (${CEILING_SECONDS} s each, same rows, WAL, synchronous=FULL): one case per transaction ${CEIL_ONE} cases/s (commit p50 ${CEIL_ONE_P50} ms); 64 per transaction ${CEIL_BATCH} cases/s (commit p50 ${CEIL_BATCH_P50} ms); other processes ${CEIL_OTHER} cores meanwhile"
  echo
  echo "$REPORT"
} >"$RESULT"

echo
cat "$RESULT"
echo
say "written to ${RESULT#"$ROOT"/}"
grep -q '^Overall: PASS$' "$RESULT"
