#!/usr/bin/env bash
# The read benchmark at a million cases: latency of a staff read of one case, of a department
# queue page with two filters, and of a beneficiary read, and the database's size per case.
# See bench/README.md, "Reads at a million cases". Run it through bench/run.sh:
#
#   bash bench/run.sh reads [N]      (N cases, default 1000000)
#
# Knobs (environment; defaults in brackets):
#   BENCH_READS_ROOT         where loads are kept, one directory per N (never the repo) [/tmp/shakwa-reads]
#   BENCH_READS_REQUESTS     measured requests per scenario and connection count      [20000]
#   BENCH_READS_WARMUP       warm-up requests before each                            [2000]
#   BENCH_READS_CONNECTIONS  connection counts                                        [1 16]
#   BENCH_READS_DEPARTMENT   the handler's department                                 [payments]
#   BENCH_READS_QUERY        the queue's filters          [status=in_progress&priority=high&limit=50]
#   BENCH_READS_PREWARM=0    do not read the database into the page cache first
#   BENCH_BUILD_DIR          where the binaries are                                   [build/release]
#   BENCH_SKIP_BUILD=1       use the binaries already in BENCH_BUILD_DIR
#   SHAKWA_*                 passed to the server as usual
#
# A load is made once per N (a few minutes for a million on a quiet machine) and reused by later
# runs; each run adds its staff reads' "pii.read" audit records to it, which is negligible beside
# the millions already there. Exit status: 0 when every goal is met at 1 connection, 1 when one
# is missed or a request failed, 2 on a setup error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

CASES=${1:-${BENCH_READS_CASES:-1000000}}
LOADS=${BENCH_READS_ROOT:-/tmp/shakwa-reads}
REQUESTS=${BENCH_READS_REQUESTS:-20000}
WARMUP=${BENCH_READS_WARMUP:-2000}
CONNECTIONS=${BENCH_READS_CONNECTIONS:-"1 16"}
DEPARTMENT=${BENCH_READS_DEPARTMENT:-payments}
QUERY=${BENCH_READS_QUERY:-"status=in_progress&priority=high&limit=50"}
BUILD_DIR=${BENCH_BUILD_DIR:-build/release}

# The goals (issue 3): p99 under 2 ms for reads, under 20 ms for a queue page; judged at one
# connection, where latency is the request's own and not time spent queued behind others.
GOAL_READ_P99_MS=2
GOAL_QUEUE_P99_MS=20
GOAL_CONNECTIONS=1


case $CASES in '' | *[!0-9]*) die "N must be a number of cases, not '$CASES'" ;; esac
case $LOADS in "$ROOT" | "$ROOT"/*) die "BENCH_READS_ROOT must be outside the repository" ;; esac
for tool in curl python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash tools/install-deps.sh installs it)"
done

# --- build -----------------------------------------------------------------------------------
read_binaries

# --- the load ----------------------------------------------------------------------------------
DATA=$LOADS/cases-$CASES
mkdir -p "$LOADS"
say "cases: $CASES in $DATA (made once, then reused)"
# --force: DATA is this script's own directory; anything there but a finished load of N is
# a load that was interrupted.
"$GENERATE" --dir "$DATA" --cases "$CASES" --force >/dev/null || die "the generator failed"
MANIFEST=$DATA/bench-cases.txt
SAMPLE=$DATA/bench-sample.tsv
manifest() { awk -F= -v k="$1" '$1 == k { print substr($0, length(k) + 2) }' "$MANIFEST" | tail -n 1; }
PASSWORD=$(manifest password)
HANDLER=$(manifest "login.handler.$DEPARTMENT")
MANAGER=$(manifest login.manager)
[ -n "$HANDLER" ] || die "no handler for department '$DEPARTMENT' in $MANIFEST"

# The database is bigger than what this VM keeps in its page cache for long (the host reclaims
# pages nobody touched for a while), and a read of a page that is not cached waits for the disk.
# By default the file is read once first, so every run starts from the same place: the whole
# database in memory. BENCH_READS_PREWARM=0 measures it as it happens to be. How much of the file
# is resident at the start and at the end goes in the report.
resident_gib() {
  if command -v fincore >/dev/null; then
    fincore --bytes --noheadings --output RES "$DATA/shakwa.db" | awk '{ printf "%.1f", $1 / 1073741824 }'
  else
    echo "?"
  fi
}
if [ "${BENCH_READS_PREWARM:-1}" = 1 ]; then
  say "reading the database once, so that it starts in the page cache"
  cat "$DATA/shakwa.db" >/dev/null
fi
RESIDENT_START=$(resident_gib)

# --- stopping what we start --------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/shakwa-bench-reads-XXXXXX")
SERVER_PID=""
CHILD_PID=""
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

value_of() { awk -F= -v k="$1" '$1 == k { print substr($0, length(k) + 2) }' "$2" | tail -n 1; }

cores() { awk -v d="$1" -v t="$TICKS" -v s="$2" 'BEGIN { x = d / t / s; printf "%.2f", x < 0 ? 0 : x }'; }

# --- the server --------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "starting the server on 127.0.0.1:$PORT"
SHAKWA_LOG_REQUESTS=false "$SHAKWA" serve --listen "127.0.0.1:$PORT" --data "$DATA" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/readyz"; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
  sleep 0.1
done
curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/readyz" || die "the server was not ready"

# --- the scenarios -----------------------------------------------------------------------------
# name | client scenario | who signs in | goal (ms, p99)
SCENARIOS=(
  "staff read, full (handler; audited)|staff-read|$HANDLER|$GOAL_READ_P99_MS"
  "staff read, masked (manager)|staff-read|$MANAGER|$GOAL_READ_P99_MS"
  "queue page 1 (handler)|queue|$HANDLER|$GOAL_QUEUE_P99_MS"
  "queue pages 2+ (cursor)|queue-next|$HANDLER|$GOAL_QUEUE_P99_MS"
  "beneficiary read (access code)|beneficiary-read||$GOAL_READ_P99_MS"
)
ROWS=()
FAILED=0
NOISY=""
for c in $CONNECTIONS; do
  for entry in "${SCENARIOS[@]}"; do
    IFS='|' read -r name scenario email goal <<<"$entry"
    out=$WORK/$scenario-$c-${email%%@*}.txt
    say "$name, $c connection(s): $WARMUP warm-up + $REQUESTS measured requests"
    args=(--port "$PORT" --scenario "$scenario" --sample "$SAMPLE" --connections "$c"
      --requests "$REQUESTS" --warmup "$WARMUP" --department "$DEPARTMENT" --query "$QUERY")
    [ -z "$email" ] || args+=(--email "$email" --password "$PASSWORD")
    t0=$(now); s0=$(proc_cpu_ticks "$SERVER_PID"); c0=$(children_cpu_ticks); m0=$(machine_busy_ticks)
    "$CLIENT" "${args[@]}" >"$out" 2>"$out.err" &
    CHILD_PID=$!
    status=0
    wait "$CHILD_PID" || status=$?
    CHILD_PID=""
    if [ "$status" = 3 ]; then  # nothing to request, e.g. a queue of one page has no page 2
      say "$name: skipped: $(cat "$out.err")"
      ROWS+=("| $name | $c | - | - | - | - | - | - | - | - | not measured: $(sed 's/^shakwa_bench_reads: //' "$out.err") | - | - | - |")
      continue
    fi
    [ "$status" = 0 ] || { cat "$out.err" >&2; die "the client failed ($name)"; }
    t1=$(now); s1=$(proc_cpu_ticks "$SERVER_PID"); c1=$(children_cpu_ticks); m1=$(machine_busy_ticks)
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server died ($name)"; }
    secs=$(elapsed "$t0" "$t1")
    errors=$(value_of reads_errors "$out")
    p99=$(value_of reads_p99_ms "$out")
    verdict=$(awk -v p="$p99" -v g="$goal" 'BEGIN { print (p < g) ? "PASS" : "FAIL" }')
    if [ "$c" = "$GOAL_CONNECTIONS" ] && [ "$verdict" = FAIL ]; then FAILED=1; fi
    others=$(cores $((m1 - m0 - (s1 - s0) - (c1 - c0))) "$secs")
    if awk -v o="$others" 'BEGIN { exit !(o > 0.25) }'; then NOISY="$NOISY; $name at $c"; fi
    [ "${errors:-1}" = 0 ] || FAILED=1
    items=$(value_of reads_items_per_page "$out")
    ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %s KB%s | %s < %s ms %s | %s | %s | %s |' \
      "$name" "$c" "$(value_of reads_p50_ms "$out")" "$(value_of reads_p90_ms "$out")" "$p99" \
      "$(value_of reads_p999_ms "$out")" "$(value_of reads_max_ms "$out")" \
      "$(value_of reads_mean_ms "$out")" "$(value_of reads_per_s "$out")" \
      "$(awk -v b="$(value_of reads_body_bytes "$out")" 'BEGIN { printf "%.1f", b / 1024 }')" \
      "${items:+, $items items}" \
      "p99" "$goal" "$verdict" \
      "$(cores $((s1 - s0)) "$secs")" \
      "$others" \
      "$errors$([ "$errors" = 0 ] || echo " ($(value_of reads_first_error "$out"))")")")
    say "$name, $c connection(s): p50 $(value_of reads_p50_ms "$out") ms, p99 $p99 ms, $(value_of reads_per_s "$out") req/s"
  done
done
stop_pid "$SERVER_PID"
SERVER_PID=""
RESIDENT_END=$(resident_gib)

# --- the report --------------------------------------------------------------------------------
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULT=$ROOT/bench/results/reads-$STAMP.md
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  REV="$REV (with uncommitted changes)"
fi
OVERRIDES=$(env | grep '^SHAKWA_' | grep -v '^SHAKWA_SECURITY_KEY=' | sort | tr '\n' ' ' || true)
DB_BYTES=$(manifest db_bytes)
{
  echo "# Reads at $CASES cases, $STAMP"
  echo
  echo "- commit: $REV; binaries from ${BUILD_DIR#"$ROOT"/}"
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- load: $CASES cases in $DATA, made at $(manifest loaded_at) in $(manifest load_seconds) s ($(manifest load_cases_per_s) cases/s), $(manifest events_per_case) timeline events per case"
  echo "- each row: $WARMUP warm-up then $REQUESTS measured requests, closed loop on keep-alive connections (shakwa_bench_reads); handler and queue in department '$DEPARTMENT', queue ?$QUERY"
  echo "- server settings from the environment: ${OVERRIDES:-none (defaults)}"
  echo "- page cache: $RESIDENT_START GiB of the $(awk -v b="$(manifest db_bytes)" 'BEGIN { printf "%.1f", b / 1073741824 }') GiB database resident at the start, $RESIDENT_END GiB at the end$([ "${BENCH_READS_PREWARM:-1}" = 1 ] && echo " (read once before the start)")"
  echo "- CPU columns are cores (of $(nproc)) averaged over the row's run, warm-up included; 'others' is everything but the server and the client"
  echo
  echo "| scenario | conns | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | mean ms | req/s | body | goal | server CPU | others CPU | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Goals are judged at $GOAL_CONNECTIONS connection; the other rows show the same requests under concurrency."
  if [ -n "$NOISY" ]; then
    echo
    echo "WARNING: other processes used more than a quarter of a core during: ${NOISY#; }. Those figures are unreliable; run again on a quiet machine."
  fi
  echo
  echo "## Database size"
  echo
  awk -v n="$CASES" -v b="$DB_BYTES" 'BEGIN { printf "%s bytes after the load (checkpointed): **%.0f bytes per case** (%.2f GiB)\n\n", b, b / n, b / 1073741824 }'
  echo "| table or index | bytes | per case | share |"
  echo "|---|---:|---:|---:|"
  awk -F= -v n="$CASES" -v total="$DB_BYTES" '$1 ~ /^size\./ && $2 >= 1048576 {
      printf "| %s | %.0f | %.0f | %.1f%% |\n", substr($1, 6), $2, $2 / n, 100 * $2 / total }' "$MANIFEST"
  echo
  echo "Statuses: $(awk -F= '$1 ~ /^status\./ { printf "%s%s %s", sep, substr($1, 8), $2; sep = ", " }' "$MANIFEST")"
  echo
  echo "Overall: $([ "$FAILED" = 0 ] && echo PASS || echo FAIL)"
} >"$RESULT"

echo
cat "$RESULT"
echo
say "written to ${RESULT#"$ROOT"/}"
[ "$FAILED" = 0 ]
