#!/usr/bin/env bash
# The benchmarks (bench/README.md). Four modes:
#
#   bash bench/run.sh [intake]      (or: make bench) intake throughput and latency at 1, 8 and 64
#                                   connections, beside this machine's SQLite ceiling measured in
#                                   the same run; described below
#   bash bench/run.sh reads [N]     read latency at N cases (default 1000000) and the database's
#                                   size per case: bench/reads.sh, whose header lists its knobs
#   bash bench/run.sh sweep [N [D]] the escalation sweep over N open cases of which D are due
#                                   (default N/100); with no N, the README's four rows: 100 000,
#                                   300 000 and 1 000 000 cases at 1 % due, and 1 000 000 with
#                                   1 000 due. Knobs in run_sweep below
#   bash bench/run.sh backends [N]  intake and reads on SQLite and on a throw-away PostgreSQL, side
#                                   by side (reads at N cases, default 20000): bench/backends.sh
#
# Intake knobs (environment; defaults in brackets):
#   BENCH_SECONDS          measured seconds per connection count            [10]
#   BENCH_WARMUP_SECONDS   warm-up seconds before each measurement          [2]
#   BENCH_CEILING_SECONDS  seconds per SQLite ceiling mode, per count       [3]
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
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# The escalation sweep (bench/README.md, "Escalation sweep"). Knobs (environment):
#   BENCH_SWEEP_RUNS     timed sweeps per row, each on a fresh copy of the load      [3]
#   BENCH_SWEEP_ROOT     where loads are kept, one directory per N and D             [/tmp]
#                        (shakwa-sweep-N-D: the load, about 2.3 KB per case, 2.3 GB for a
#                        million, and while a row runs a copy of it; loads are kept for later
#                        runs, remove them by hand)
#   BENCH_SWEEP_TIMEOUT  seconds one row may take, load included, before it is stopped [3600]
#   BENCH_BUILD_DIR, BENCH_SKIP_BUILD=1  as for intake
# Prints a table (medians of the runs) and writes it to bench/results/sweep-<UTC timestamp>.md.
# Exit status: 0 when every sweep changed exactly its due cases and the repeat found none.
run_sweep() {
  local runs=${BENCH_SWEEP_RUNS:-3} root=${BENCH_SWEEP_ROOT:-/tmp}
  local limit=${BENCH_SWEEP_TIMEOUT:-3600} build=${BENCH_BUILD_DIR:-build/release}
  local rows=() n d
  if [ $# -ge 1 ]; then
    n=$1 d=${2:-0}
    case $n:$d in *[!0-9:]* | :* | *:) printf 'bench: N and D must be numbers\n' >&2; return 2 ;; esac
    [ $# -ge 2 ] || d=$((n / 100))
    rows=("$n $d")
  else
    rows=("100000 1000" "300000 3000" "1000000 10000" "1000000 1000")
  fi
  case $root in "$ROOT" | "$ROOT"/*)
    printf 'bench: BENCH_SWEEP_ROOT must be outside the repository\n' >&2; return 2 ;;
  esac
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    printf 'bench: building the release preset (shakwa_bench_sweep)\n' >&2
    cmake --preset release >/dev/null
    cmake --build --preset release --target shakwa_bench_sweep
    build=build/release
  fi
  case $build in /*) ;; *) build=$ROOT/$build ;; esac
  local bin=$build/bench/shakwa_bench_sweep
  [ -x "$bin" ] || { printf 'bench: %s not found\n' "$bin" >&2; return 2; }

  local status=0 row
  # Global, so that the trap still knows it after an interrupted run has left this function.
  out=$(mktemp "${TMPDIR:-/tmp}/shakwa-sweep-out-XXXXXX")
  trap 'rm -f "$out"' EXIT
  for row in "${rows[@]}"; do
    read -r n d <<<"$row"
    printf 'bench: %s open cases, %s due: %s sweeps (after making the load, if missing)\n' \
      "$n" "$d" "$runs" >&2
    # timeout stops the benchmark (its only child) if it hangs; the load it was making is made
    # again next time, since its manifest is written last.
    timeout --kill-after=30 "$limit" "$bin" --cases "$n" --due "$d" --runs "$runs" \
      --dir "$root/shakwa-sweep-$n-$d" | tee -a "$out" || status=1
  done

  local stamp result rev
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$ROOT/bench/results"
  result=$ROOT/bench/results/sweep-$stamp.md
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    rev="$rev (with uncommitted changes)"
  fi
  {
    echo "# Escalation sweep benchmark, $stamp"
    echo
    echo "- commit: $rev; binary from ${build#"$ROOT"/}"
    echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
    echo "- medians of $runs sweeps per row (\"each run\": every sweep's ms), each on a fresh, fsynced copy of the load; page cache warm, SQLite's caches cold"
    echo "- others CPU: cores used by other processes during the sweep (of $(nproc)); above 0.25 the figures are disturbed"
    echo
    { grep -m1 '^plan:' "$out" || true; } | sed 's/^plan: /- due query plan: `/; s/$/`/'
    echo
    awk '
      function kv(line, key,   m) { return match(line, " " key "=[^ ]*") ? substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2) : "" }
      function median(list,   a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      /^cases=/ {
        line = " " $0
        key = kv(line, "cases") " " kv(line, "due")
        if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
        runs[key]++
        sweep[key] = sweep[key] " " kv(line, "sweep_ms"); per[key] = per[key] " " kv(line, "ms_per_due")
        find[key] = find[key] " " kv(line, "find_ms"); empty[key] = empty[key] " " kv(line, "empty_sweep_ms")
        commits[key] = commits[key] " " kv(line, "commits"); cpu[key] = cpu[key] " " kv(line, "cpu_ms_per_due")
        preads[key] = preads[key] " " kv(line, "preads_per_due"); pwrites[key] = pwrites[key] " " kv(line, "pwrites_per_due")
        others[key] = others[key] " " kv(line, "others_cpu_cores")
        all[key] = all[key] (all[key] == "" ? "" : " / ") sprintf("%.0f", kv(line, "sweep_ms"))
        if (kv(line, "changed") != kv(line, "due") || kv(line, "empty_found") != "0") bad[key] = 1
      }
      END {
        print "| open cases | due | sweep ms | each run | ms per due case | CPU ms per due case | preads per due case | pwrites per due case | commits | find ms | empty sweep ms | others CPU |"
        print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for (i = 1; i <= rows; i++) {
          k = order[i]; split(k, nd, " ")
          printf "| %d | %d | %.0f | %s | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f |%s\n", nd[1], nd[2],
            median(sweep[k]), all[k], median(per[k]), median(cpu[k]), median(preads[k]), median(pwrites[k]),
            median(commits[k]), median(find[k]), median(empty[k]), median(others[k]),
            (k in bad) ? " **the sweep did not change exactly the due cases**" : ""
        }
      }' "$out"
  } >"$result"
  rm -f "$out"
  echo
  cat "$result"
  echo
  printf 'bench: written to %s\n' "${result#"$ROOT"/}" >&2
  return "$status"
}

case ${1:-intake} in
  intake) ;;
  reads) shift; exec bash "$ROOT/bench/reads.sh" "$@" ;;
  backends) shift; exec bash "$ROOT/bench/backends.sh" "$@" ;;
  sweep) shift; run_sweep "$@"; exit ;;
  *) printf 'usage: bash bench/run.sh [intake | reads [N] | sweep [N [D]] | backends [N]]\n' >&2; exit 2 ;;
esac

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-2}
CEILING_SECONDS=${BENCH_CEILING_SECONDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 8 64"}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
BUILD_DIR=${BENCH_BUILD_DIR:-build/release}
BODY=$ROOT/bench/intake.json
SCRIPT=$ROOT/bench/intake.lua

# The targets, judged at 64 connections against the ceiling measured just before that run.
TARGET_CONNECTIONS=64
TARGET_X_ONE_PER_TX=2  # at least 2x the one-case-per-commit ceiling
TARGET_X_BATCHED=0.5   # at least half the 64-cases-per-commit ceiling
TARGET_P99_MS=25       # p99 under 25 ms


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

# --- scratch space, and stopping what we start -----------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/shakwa-bench-XXXXXX")
SERVER_PID=""
CHILD_PID=""  # wrk or the ceiling, whichever is running


cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"
  stop_pid "$SERVER_PID"
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# key=value lines -> the value of one key
value_of() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2" | tail -n 1; }

# --- CPU accounting (/proc): who used the two cores ------------------------------------------
# cores used by others over an interval: (machine - ours) / ticks / seconds, never negative
other_cores() {  # other_cores MACHINE_TICKS OUR_TICKS SECONDS
  awk -v m="$1" -v o="$2" -v t="$TICKS" -v s="$3" \
    'BEGIN { x = (m - o) / t / s; printf "%.2f", x < 0 ? 0 : x }'
}

# --- the ceiling -------------------------------------------------------------------------------
run_ceiling() {  # run_ceiling OUTFILE -> key=value lines, plus ceiling_other_cores
  local out=$1 t0 c0 m0 t1 c1 m1
  mkdir -p "$WORK/ceiling"
  t0=$(now); c0=$(children_cpu_ticks); m0=$(machine_busy_ticks)
  "$CEILING" --body "$BODY" --seconds "$CEILING_SECONDS" --batch 64 --dir "$WORK/ceiling" >"$out" &
  CHILD_PID=$!
  wait "$CHILD_PID" || die "the SQLite ceiling failed"
  CHILD_PID=""
  t1=$(now); c1=$(children_cpu_ticks); m1=$(machine_busy_ticks)
  echo "ceiling_other_cores=$(other_cores $((m1 - m0)) $((c1 - c0)) "$(elapsed "$t0" "$t1")")" >>"$out"
}

# --- the server and the load -----------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {  # start_server LOGFILE
  PORT=$(free_port)
  # Request logging off: a JSON line per request on stdout would cost more than the intake.
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

run_wrk() {  # run_wrk CONNECTIONS SECONDS OUTFILE
  local connections=$1 seconds=$2 threads=$WRK_THREADS
  [ "$threads" -le "$connections" ] || threads=$connections
  BENCH_BODY=$BODY timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" -d"${seconds}s" \
    --timeout 5s --latency -s "$SCRIPT" "http://127.0.0.1:$PORT/api/v1/cases" >"$3" 2>&1 &
  CHILD_PID=$!
  wait "$CHILD_PID" || { cat "$3" >&2; die "wrk failed"; }
  CHILD_PID=""
}

ROWS=()
for c in $CONNECTIONS; do
  say "$c connection(s): SQLite ceiling (${CEILING_SECONDS} s per mode), then the server (${WARMUP_SECONDS} s warm-up, ${SECONDS_PER_RUN} s measured)"
  ceiling=$WORK/ceiling-$c.txt
  run_ceiling "$ceiling"

  start_server "$WORK/server-$c.log"
  run_wrk "$c" "$WARMUP_SECONDS" "$WORK/warmup-$c.txt"
  t0=$(now); s0=$(proc_cpu_ticks "$SERVER_PID"); c0=$(children_cpu_ticks); m0=$(machine_busy_ticks)
  run_wrk "$c" "$SECONDS_PER_RUN" "$WORK/wrk-$c.txt"
  t1=$(now); s1=$(proc_cpu_ticks "$SERVER_PID"); c1=$(children_cpu_ticks); m1=$(machine_busy_ticks)
  stop_pid "$SERVER_PID"
  SERVER_PID=""

  out=$WORK/wrk-$c.txt
  [ -n "$(value_of wrk_seconds "$out")" ] || { cat "$out" >&2; die "wrk printed no figures"; }
  secs=$(elapsed "$t0" "$t1")
  # writes/commits over this server's life (warm-up included): cases per group commit.
  stopped=$(grep '"msg":"stopped"' "$WORK/server-$c.log" | tail -n 1 || true)
  writes=$(sed -n 's/.*"writes":\([0-9]*\).*/\1/p' <<<"$stopped")
  commits=$(sed -n 's/.*"commits":\([0-9]*\).*/\1/p' <<<"$stopped")
  fields=(
    "$c"
    "$(value_of wrk_cases_per_s "$out")" "$(value_of wrk_p50_ms "$out")"
    "$(value_of wrk_p99_ms "$out")" "$(value_of wrk_max_ms "$out")"
    "${writes:-0}" "${commits:-0}"
    "$(value_of ceiling_one_per_tx_rows_per_s "$ceiling")"
    "$(value_of ceiling_batched_rows_per_s "$ceiling")"
    "$(value_of ceiling_other_cores "$ceiling")"
    "$(awk -v d=$((s1 - s0)) -v t="$TICKS" -v s="$secs" 'BEGIN { printf "%.2f", d / t / s }')"
    "$(awk -v d=$((c1 - c0)) -v t="$TICKS" -v s="$secs" 'BEGIN { printf "%.2f", d / t / s }')"
    "$(other_cores $((m1 - m0)) $((s1 - s0 + c1 - c0)) "$secs")"
    "$(value_of wrk_not_created "$out")" "$(value_of wrk_not_created_sample_status "$out")"
    "$(value_of wrk_socket_errors "$out")"
  )
  ROWS+=("$(IFS='|'; echo "${fields[*]}")")
  say "$c connection(s): $(value_of wrk_cases_per_s "$out") cases/s, p99 $(value_of wrk_p99_ms "$out") ms"
done

# --- the report ------------------------------------------------------------------------------
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULT=$ROOT/bench/results/$STAMP.md
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  REV="$REV (with uncommitted changes)"
fi
OVERRIDES=$(env | grep '^SHAKWA_' | grep -v '^SHAKWA_SECURITY_KEY=' | sort | tr '\n' ' ' || true)

REPORT=$(printf '%s\n' "${ROWS[@]}" | awk -F'|' \
  -v tc="$TARGET_CONNECTIONS" -v tx1="$TARGET_X_ONE_PER_TX" -v txb="$TARGET_X_BATCHED" \
  -v tp99="$TARGET_P99_MS" '
  function verdict(ok) { return ok ? "PASS" : "FAIL" }
  BEGIN {
    print "| connections | cases/s | p50 ms | p99 ms | max ms | cases per commit | ceiling 1/commit | ceiling 64/commit | vs 1/commit | vs 64/commit | targets: 2x 1/commit, 0.5x 64/commit, p99 | server CPU | wrk CPU | others CPU | not 201 |"
    print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|"
  }
  {
    c = $1; rate = $2; p50 = $3; p99 = $4; mx = $5; w = $6; k = $7; one = $8; batch = $9
    cother = $10; server = $11; client = $12; other = $13; bad = $14; sample = $15; sock = $16
    per_commit = (k > 0) ? sprintf("%.1f", w / k) : "?"
    r1 = rate / one; rb = rate / batch
    errors = bad + sock
    if (errors > 0) { invalid = 1; bad_text = sprintf("**%d** (e.g. %s; %d socket errors)", errors, sample, sock) }
    else bad_text = "0"
    judged = "-"
    if (c == tc) {
      v1 = verdict(r1 >= tx1); vb = verdict(rb >= txb); vp = verdict(p99 < tp99)
      judged = v1 " " vb " " vp
    }
    printf "| %d | %.0f | %.2f | %.2f | %.1f | %s | %.0f | %.0f | %.2fx | %.2fx | %s | %.2f | %.2f | %.2f / %.2f | %s |\n", \
      c, rate, p50, p99, mx, per_commit, one, batch, r1, rb, judged, server, client, cother, other, bad_text
    if (other > 0.25 || cother > 0.25) noisy = noisy " " c
    if (c == tc) {
      seen = 1
      targets = sprintf("Targets at %d connections:\n\n", c) \
        sprintf("- cases/s at least %gx the one-case-per-commit ceiling: %.0f / %.0f = %.2fx  %s\n", tx1, rate, one, r1, v1) \
        sprintf("- cases/s at least %gx the 64-cases-per-commit ceiling: %.0f / %.0f = %.2fx  %s\n", txb, rate, batch, rb, vb) \
        sprintf("- p99 under %g ms: %.2f ms  %s\n", tp99, p99, vp)
      failed = (v1 == "FAIL" || vb == "FAIL" || vp == "FAIL")
    }
  }
  END {
    print ""
    if (seen) printf "%s", targets
    else print "Targets: not judged (no run at " tc " connections)."
    if (invalid) print "\nINVALID RUN: some requests were not answered 201 Created (see \"not 201\")."
    if (noisy != "") print "\nWARNING: other processes used more than a quarter of a core while measuring at" noisy " connection(s) (\"others CPU\": during the ceiling / during the load); those figures are unreliable."
    print "\nOverall: " (invalid ? "INVALID" : (!seen ? "NOT JUDGED" : (failed ? "FAIL" : "PASS")))
  }')

{
  echo "# Intake benchmark, $STAMP"
  echo
  echo "- commit: $REV; binaries from ${BUILD_DIR#"$ROOT"/}"
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- per connection count: SQLite ceiling ${CEILING_SECONDS} s per mode, then a fresh server (same database, request log off), ${WARMUP_SECONDS} s warm-up, ${SECONDS_PER_RUN} s measured with wrk -t${WRK_THREADS}"
  echo "- server settings from the environment: ${OVERRIDES:-none (defaults)}"
  echo "- CPU columns are cores (of $(nproc)) averaged over the measured seconds"
  echo
  echo "$REPORT"
} >"$RESULT"

echo
cat "$RESULT"
echo
say "written to ${RESULT#"$ROOT"/}"
grep -q '^Overall: PASS$' "$RESULT"
