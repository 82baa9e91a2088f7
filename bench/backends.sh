#!/usr/bin/env bash
# Both backends in one run (issue 7): the intake and read workloads on SQLite and on PostgreSQL,
# side by side. See bench/README.md, "Both backends (issue 7)". Run it through bench/run.sh:
#
#   bash bench/run.sh backends [N]     (N cases for the reads, default 20000)
#
# What it does, all on 127.0.0.1, every process it starts stopped by its PID:
#   1. starts a throw-away PostgreSQL cluster (tools/pg-cluster.sh: fsync on, synchronous_commit
#      on) and stops it on exit, whatever happens;
#   2. intake: POST /api/v1/cases with wrk (bench/intake.lua, bench/intake.json) at 1, 8 and 64
#      connections, first on SQLite, then on PostgreSQL; a fresh server per connection count;
#   3. reads: N cases made once with shakwa_bench_cases (SQLite), copied to PostgreSQL with
#      `shakwa migrate-store` (the identical data set on both), then a beneficiary read, a staff
#      queue page and an audited staff read at 1 and 16 connections with shakwa_bench_reads,
#      first on SQLite, then on PostgreSQL;
#   4. prints one table per workload and writes them to bench/results/backends-<UTC>.md.
#
# Knobs (environment; defaults in brackets):
#   BENCH_SECONDS            intake: measured seconds per connection count          [10]
#   BENCH_WARMUP_SECONDS     intake: warm-up seconds before each                     [2]
#   BENCH_CONNECTIONS        intake: connection counts                               [1 8 64]
#   BENCH_WRK_THREADS        intake: wrk threads                                     [1]
#   BENCH_READS_REQUESTS     reads: measured requests per scenario and count         [5000]
#   BENCH_READS_QUEUE_REQUESTS  the same for the queue page (slow on PostgreSQL)     [1000]
#   BENCH_READS_WARMUP       reads: warm-up requests before each (a tenth of that    [500]
#                            for the queue page)
#   BENCH_READS_CONNECTIONS  reads: connection counts                                [1 16]
#   BENCH_READS_DEPARTMENT   reads: the handler's department                         [payments]
#   BENCH_READS_QUERY        reads: the queue's filters                              [limit=50]
#   BENCH_BACKENDS_SKIP      "intake" or "reads": leave that workload out
#   BENCH_BUILD_DIR          where the binaries are                                  [build/release]
#   BENCH_SKIP_BUILD=1       use the binaries already in BENCH_BUILD_DIR
#   SHAKWA_*                 passed to both servers (SHAKWA_STORAGE_* are set here)
#
# Exit status: 0 when every request was answered as expected, 1 when one was not, 2 on a setup
# error. There are no targets: the point is the comparison.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

CASES=${1:-20000}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 8 64"}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
REQUESTS=${BENCH_READS_REQUESTS:-5000}
QUEUE_REQUESTS=${BENCH_READS_QUEUE_REQUESTS:-1000}
WARMUP=${BENCH_READS_WARMUP:-500}
READ_CONNECTIONS=${BENCH_READS_CONNECTIONS:-"1 16"}
DEPARTMENT=${BENCH_READS_DEPARTMENT:-payments}
QUERY=${BENCH_READS_QUERY:-"limit=50"}
SKIP=${BENCH_BACKENDS_SKIP:-}
BUILD_DIR=${BENCH_BUILD_DIR:-build/release}
BODY=$ROOT/bench/intake.json
SCRIPT=$ROOT/bench/intake.lua
BACKENDS="sqlite postgres"


case $CASES in '' | *[!0-9]*) die "N must be a number of cases, not '$CASES'" ;; esac
for tool in wrk curl python3 awk psql; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash tools/install-deps.sh installs it)"
done
# The servers get their storage from here; anything set outside would mix the backends up.
unset SHAKWA_STORAGE_KIND SHAKWA_STORAGE_URL SHAKWA_STORAGE_DATA_DIR

# --- build -----------------------------------------------------------------------------------
read_binaries

# --- scratch space, and stopping what we start -------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/shakwa-bench-backends-XXXXXX")
PG_DIR=$WORK/pg
PG_STARTED=0
SERVER_PID=""
CHILD_PID=""  # wrk, the reads client, the generator or migrate-store, whichever is running

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"
  stop_pid "$SERVER_PID"
  # pg_ctl stop: the postmaster named in the cluster's own postmaster.pid, checked by pg-cluster.sh.
  if [ "$PG_STARTED" = 1 ]; then bash "$ROOT/tools/pg-cluster.sh" stop "$PG_DIR" || status=2; fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'say "failed at line $LINENO (status $?)"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command as this shell's child, stoppable by the trap; its output goes where the caller says.
run_child() {
  "$@" &
  CHILD_PID=$!
  local status=0
  wait "$CHILD_PID" || status=$?
  CHILD_PID=""
  return "$status"
}

value_of() { awk -F= -v k="$1" '$1 == k { print substr($0, length(k) + 2) }' "$2" | tail -n 1; }

# --- CPU accounting (/proc): the server, the client, PostgreSQL, everyone else -----------------
# The postmaster and its live children (backends, walwriter, checkpointer...), plus what its
# exited children used (reaped by the postmaster: its cutime and cstime).
PG_PID=""
pg_cpu_ticks() {
  [ -n "$PG_PID" ] || { echo 0; return; }
  # (cat fails on a process that ends while it reads: not an error here)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$PG_PID" '{
      pid = $1; s = $0; sub(/^.*\) /, "", s); n = split(s, f, " ")
      if (pid == p) t += f[12] + f[13] + f[14] + f[15]
      else if (f[2] == p) t += f[12] + f[13]
    } END { print t + 0 }'
}
cores() { awk -v d="$1" -v t="$TICKS" -v s="$2" 'BEGIN { x = d / t / s; printf "%.2f", x < 0 ? 0 : x }'; }
# mark: remember the counters; cpu_since_mark: server, client (waited children), PostgreSQL
# and others, in cores, since the mark, as key=value lines.
mark() {
  M_T=$(now); M_S=$(proc_cpu_ticks "$SERVER_PID"); M_C=$(children_cpu_ticks)
  M_P=$(pg_cpu_ticks); M_M=$(machine_busy_ticks)
}
cpu_since_mark() {
  local t s c p m secs
  t=$(now); s=$(proc_cpu_ticks "$SERVER_PID"); c=$(children_cpu_ticks)
  p=$(pg_cpu_ticks); m=$(machine_busy_ticks)
  secs=$(elapsed "$M_T" "$t")
  echo "seconds=$secs"
  echo "server_cpu=$(cores $((s - M_S)) "$secs")"
  echo "client_cpu=$(cores $((c - M_C)) "$secs")"
  echo "pg_cpu=$(cores $((p - M_P)) "$secs")"
  echo "others_cpu=$(cores $((m - M_M - (s - M_S) - (c - M_C) - (p - M_P))) "$secs")"
}

# --- PostgreSQL ----------------------------------------------------------------------------------
# The URL is postgresql://shakwa:PASSWORD@127.0.0.1:PORT/shakwa_test (tools/pg-cluster.sh). psql
# gets it by environment, so the password never shows on a command line.
pg_url() {  # pg_url DATABASE
  sed "s|/[^/]*\$|/$1|" "$PG_DIR/url"
}
psql_at() {  # psql_at DATABASE SQL...: one value per line
  local url db
  url=$(cat "$PG_DIR/url")
  db=$1
  shift
  PGPASSWORD=$(sed -E 's|^postgresql://[^:]*:([^@]*)@.*$|\1|' <<<"$url") \
    PGUSER=$(sed -E 's|^postgresql://([^:]*):.*$|\1|' <<<"$url") \
    PGHOST=127.0.0.1 PGPORT=$(sed -E 's|^.*@[^:]*:([0-9]+)/.*$|\1|' <<<"$url") \
    PGDATABASE=$db PGCONNECT_TIMEOUT=10 \
    psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

say "starting a throw-away PostgreSQL cluster (tools/pg-cluster.sh)"
PG_STARTED=1
bash "$ROOT/tools/pg-cluster.sh" start "$PG_DIR" || die "could not start PostgreSQL"
PG_HOME=$PG_DIR
[ -f "$PG_DIR/home" ] && PG_HOME=$(cat "$PG_DIR/home")
PG_PID=$(head -n 1 "$PG_HOME/data/postmaster.pid")
psql_at postgres -c 'CREATE DATABASE bench_intake' -c 'CREATE DATABASE bench_reads' \
  || die "could not create the databases"
PG_SETTINGS=$(psql_at postgres -F ' ' -c "SELECT name, CASE WHEN unit = '8kB'
    THEN (setting::bigint * 8 / 1024) || 'MB' ELSE setting || COALESCE(unit, '') END
  FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'fsync',
    'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'max_wal_size', 'checkpoint_timeout')
  ORDER BY name" | awk '{ printf "%s%s=%s", sep, $1, $2; sep = ", " }')
say "PostgreSQL: $PG_SETTINGS"

# --- the server ----------------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_server() {  # start_server BACKEND DATA_DIR PG_DATABASE LOGFILE
  local backend=$1 data=$2 db=$3 log=$4
  local env=(SHAKWA_LOG_REQUESTS=false SHAKWA_STORAGE_KIND="$backend")
  [ "$backend" = sqlite ] || env+=(SHAKWA_STORAGE_URL="$(pg_url "$db")")
  PORT=$(free_port)
  # Request logging off: a JSON line per request on stdout would cost more than the work.
  env "${env[@]}" "$SHAKWA" serve --listen "127.0.0.1:$PORT" --data "$data" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/readyz"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "the server exited"; }
    sleep 0.1
  done
  cat "$log" >&2
  die "the server was not ready within 30 s"
}
stop_server() {
  stop_pid "$SERVER_PID"
  SERVER_PID=""
}

RESULTS=$WORK/results.txt  # one line per measurement: workload, backend, then key=value pairs
FAILED=0

# --- intake --------------------------------------------------------------------------------------
run_wrk() {  # run_wrk CONNECTIONS SECONDS OUTFILE
  local connections=$1 seconds=$2 threads=$WRK_THREADS
  [ "$threads" -le "$connections" ] || threads=$connections
  BENCH_BODY=$BODY run_child timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" \
    -d"${seconds}s" --timeout 5s --latency -s "$SCRIPT" "http://127.0.0.1:$PORT/api/v1/cases" \
    >"$3" 2>&1 || { cat "$3" >&2; die "wrk failed"; }
}
intake() {  # intake BACKEND CONNECTIONS: one row; the database carries over between counts
  local backend=$1 c=$2 out=$WORK/intake-$1-$2.txt log=$WORK/intake-$1-$2.log stopped
  say "intake on $backend, $c connection(s): ${WARMUP_SECONDS} s warm-up, ${SECONDS_PER_RUN} s measured"
  mkdir -p "$WORK/intake-$backend"
  start_server "$backend" "$WORK/intake-$backend" bench_intake "$log"
  run_wrk "$c" "$WARMUP_SECONDS" "$WORK/warmup-$backend-$c.txt"
  mark
  run_wrk "$c" "$SECONDS_PER_RUN" "$out"
  cpu_since_mark >>"$out"
  stop_server
  [ -n "$(value_of wrk_seconds "$out")" ] || { cat "$out" >&2; die "wrk printed no figures"; }
  # writes/commits over this server's life (warm-up included): cases per group commit.
  stopped=$(grep '"msg":"stopped"' "$log" | tail -n 1 || true)
  echo "writes=$(sed -n 's/.*"writes":\([0-9]*\).*/\1/p' <<<"$stopped")" >>"$out"
  echo "commits=$(sed -n 's/.*"commits":\([0-9]*\).*/\1/p' <<<"$stopped")" >>"$out"
  if [ "$(value_of wrk_not_created "$out")" != 0 ] || [ "$(value_of wrk_socket_errors "$out")" != 0 ]; then
    FAILED=1
  fi
  echo "intake $backend c=$c $(tr '\n' ' ' <"$out")" >>"$RESULTS"
  say "intake on $backend, $c connection(s): $(value_of wrk_cases_per_s "$out") cases/s, p99 $(value_of wrk_p99_ms "$out") ms"
}

case " $SKIP " in
  *" intake "*) say "intake: skipped (BENCH_BACKENDS_SKIP)" ;;
  *)
    for backend in $BACKENDS; do
      for c in $CONNECTIONS; do intake "$backend" "$c"; done
    done
    ;;
esac

# --- reads ---------------------------------------------------------------------------------------
LOAD=$WORK/load
reads_prepare() {
  say "reads: making $CASES cases with shakwa_bench_cases (SQLite)"
  local t0
  t0=$(now)
  run_child "$GENERATE" --dir "$LOAD" --cases "$CASES" >"$WORK/generate.txt" 2>&1 \
    || { cat "$WORK/generate.txt" >&2; die "the generator failed"; }
  GENERATE_SECONDS=$(elapsed "$t0" "$(now)")
  say "reads: copying them to PostgreSQL with shakwa migrate-store"
  t0=$(now)
  SHAKWA_STORAGE_URL=$(pg_url bench_reads) run_child "$SHAKWA" migrate-store \
    --from "sqlite:$LOAD/shakwa.db" --to postgres: >"$WORK/migrate-store.txt" 2>&1 \
    || { cat "$WORK/migrate-store.txt" >&2; die "migrate-store failed"; }
  COPY_SECONDS=$(elapsed "$t0" "$(now)")
  COPY_LINE=$(grep -m1 '^migrate-store: copied' "$WORK/migrate-store.txt" | sed 's/^migrate-store: //' || true)
  # What autovacuum would do within a minute of the copy, done now rather than during a
  # measurement: statistics for the planner, the visibility map; then a checkpoint, so that the
  # copy's dirty pages are not written out while reads are measured.
  psql_at bench_reads -c 'VACUUM (ANALYZE)' -c 'CHECKPOINT' || die "VACUUM ANALYZE failed"
  SQLITE_BYTES=$(stat -c %s "$LOAD/shakwa.db")
  PG_BYTES=$(psql_at bench_reads -c 'SELECT pg_database_size(current_database())')
  cat "$LOAD/shakwa.db" >/dev/null  # in the page cache, as PostgreSQL's copy just is
}
manifest() { awk -F= -v k="$1" '$1 == k { print substr($0, length(k) + 2) }' "$LOAD/bench-cases.txt" | tail -n 1; }

# name | client scenario | who signs in (handler or nobody) | measured requests | warm-up
SCENARIOS=(
  "beneficiary read (access code)|beneficiary-read||$REQUESTS|$WARMUP"
  "queue page 1 (handler)|queue|handler|$QUEUE_REQUESTS|$((WARMUP / 10))"
  "staff read, full (handler; audited: a commit per read)|staff-read|handler|$REQUESTS|$WARMUP"
)
reads() {  # reads BACKEND: every scenario at every connection count, on one server
  local backend=$1 c entry name scenario who requests warmup out status args
  say "reads on $backend: starting the server"
  start_server "$backend" "$LOAD" bench_reads "$WORK/reads-$backend.log"
  for c in $READ_CONNECTIONS; do
    for entry in "${SCENARIOS[@]}"; do
      IFS='|' read -r name scenario who requests warmup <<<"$entry"
      out=$WORK/reads-$backend-$scenario-$c.txt
      args=(--port "$PORT" --scenario "$scenario" --sample "$LOAD/bench-sample.tsv"
        --connections "$c" --requests "$requests" --warmup "$warmup"
        --department "$DEPARTMENT" --query "$QUERY")
      [ -z "$who" ] || args+=(--email "$(manifest "login.handler.$DEPARTMENT")" --password "$(manifest password)")
      mark
      status=0
      run_child "$CLIENT" "${args[@]}" >"$out" 2>"$out.err" || status=$?
      [ "$status" = 0 ] || { cat "$out.err" >&2; die "the client failed ($name on $backend)"; }
      cpu_since_mark >>"$out"
      kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/reads-$backend.log" >&2; die "the server died"; }
      [ "$(value_of reads_errors "$out")" = 0 ] || FAILED=1
      echo "reads $backend c=$c scenario=$scenario name=${name// /_} $(tr '\n' ' ' <"$out")" >>"$RESULTS"
      say "reads on $backend, $name, $c connection(s): p50 $(value_of reads_p50_ms "$out") ms, p99 $(value_of reads_p99_ms "$out") ms, $(value_of reads_per_s "$out") req/s"
    done
  done
  stop_server
}

case " $SKIP " in
  *" reads "*) say "reads: skipped (BENCH_BACKENDS_SKIP)" ;;
  *)
    reads_prepare
    for backend in $BACKENDS; do reads "$backend"; done
    ;;
esac

# --- the report ----------------------------------------------------------------------------------
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULT=$ROOT/bench/results/backends-$STAMP.md
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  REV="$REV (with uncommitted changes)"
fi
OVERRIDES=$(env | grep '^SHAKWA_' | grep -v '^SHAKWA_SECURITY_KEY=' | sort | tr '\n' ' ' || true)
touch "$RESULTS"

# Both backends side by side: "SQLite / PostgreSQL" in each cell, and PostgreSQL's ratio.
table() {  # table intake|reads
  awk -v workload="$1" '
    function kv(line, key,   m) { return match(line, " " key "=[^ ]*") ? substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2) : "" }
    function pair(a, b, fmt) { return sprintf(fmt " / " fmt, a, b) }
    function ratio(a, b) { return (a > 0) ? sprintf("%.2fx", b / a) : "?" }
    $1 == workload {
      line = " " $0; backend = $2
      key = (workload == "reads" ? kv(line, "name") "|" : "") kv(line, "c")
      if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
      got[key, backend] = line
    }
    END {
      if (rows == 0) { print "(not run)"; exit }
      if (workload == "intake") {
        print "| connections | cases/s SQLite / PG | PG ÷ SQLite | p50 ms | p99 ms | max ms | cases per commit | server CPU | PostgreSQL CPU | wrk CPU | others CPU | not 201 |"
        print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      } else {
        print "| scenario | conns | req/s SQLite / PG | PG ÷ SQLite | p50 ms | p90 ms | p99 ms | p99.9 ms | server CPU | PostgreSQL CPU | client CPU | others CPU | errors |"
        print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      }
      for (i = 1; i <= rows; i++) {
        k = order[i]; s = got[k, "sqlite"]; p = got[k, "postgres"]
        if (workload == "intake") {
          ws = kv(s, "writes"); cs = kv(s, "commits"); wp = kv(p, "writes"); cp = kv(p, "commits")
          printf "| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s |\n", kv(s, "c"),
            pair(kv(s, "wrk_cases_per_s"), kv(p, "wrk_cases_per_s"), "%.0f"),
            ratio(kv(s, "wrk_cases_per_s"), kv(p, "wrk_cases_per_s")),
            pair(kv(s, "wrk_p50_ms"), kv(p, "wrk_p50_ms"), "%.2f"),
            pair(kv(s, "wrk_p99_ms"), kv(p, "wrk_p99_ms"), "%.2f"),
            pair(kv(s, "wrk_max_ms"), kv(p, "wrk_max_ms"), "%.1f"),
            (cs > 0 ? sprintf("%.1f", ws / cs) : "?"), (cp > 0 ? sprintf("%.1f", wp / cp) : "?"),
            pair(kv(s, "server_cpu"), kv(p, "server_cpu"), "%.2f"),
            kv(p, "pg_cpu"),
            pair(kv(s, "client_cpu"), kv(p, "client_cpu"), "%.2f"),
            pair(kv(s, "others_cpu"), kv(p, "others_cpu"), "%.2f"),
            pair(kv(s, "wrk_not_created") + kv(s, "wrk_socket_errors"), kv(p, "wrk_not_created") + kv(p, "wrk_socket_errors"), "%d")
        } else {
          name = kv(s, "name"); gsub(/_/, " ", name)
          items = kv(s, "reads_items_per_page")
          printf "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name,
            (items != "" ? sprintf(", %.0f items", items) : ""), kv(s, "c"),
            pair(kv(s, "reads_per_s"), kv(p, "reads_per_s"), "%.0f"),
            ratio(kv(s, "reads_per_s"), kv(p, "reads_per_s")),
            pair(kv(s, "reads_p50_ms"), kv(p, "reads_p50_ms"), "%.2f"),
            pair(kv(s, "reads_p90_ms"), kv(p, "reads_p90_ms"), "%.2f"),
            pair(kv(s, "reads_p99_ms"), kv(p, "reads_p99_ms"), "%.2f"),
            pair(kv(s, "reads_p999_ms"), kv(p, "reads_p999_ms"), "%.2f"),
            pair(kv(s, "server_cpu"), kv(p, "server_cpu"), "%.2f"),
            kv(p, "pg_cpu"),
            pair(kv(s, "client_cpu"), kv(p, "client_cpu"), "%.2f"),
            pair(kv(s, "others_cpu"), kv(p, "others_cpu"), "%.2f"),
            pair(kv(s, "reads_errors"), kv(p, "reads_errors"), "%d")
        }
      }
    }' "$RESULTS"
}
NOISY=$(awk '{ if (match($0, / others_cpu=[^ ]*/) && substr($0, RSTART + 12, RLENGTH - 12) + 0 > 0.25) {
    c = ""; if (match($0, / c=[^ ]*/)) c = substr($0, RSTART + 3, RLENGTH - 3)
    what = ""; if (match($0, / scenario=[^ ]*/)) what = " " substr($0, RSTART + 10, RLENGTH - 10)
    printf "%s%s%s on %s at %s", sep, $1, what, $2, c; sep = "; " } }' "$RESULTS")

{
  echo "# Both backends, $STAMP"
  echo
  echo "- commit: $REV; binaries from ${BUILD_DIR#"$ROOT"/}"
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r); the server, the client and PostgreSQL share them"
  echo "- SQLite: the server's own settings (WAL, synchronous=FULL), one file in the data directory"
  echo "- PostgreSQL: a throw-away cluster (tools/pg-cluster.sh) on 127.0.0.1, TCP with SCRAM; $PG_SETTINGS"
  echo "- server settings from the environment: ${OVERRIDES:-none (defaults)}"
  echo "- every cell is SQLite / PostgreSQL; CPU columns are cores (of $(nproc)) over the measured time; 'others' is everything but the server, the client and PostgreSQL"
  echo
  echo "## Intake"
  echo
  echo "POST /api/v1/cases (bench/intake.json) with wrk -t$WRK_THREADS; per connection count a fresh server (the database carries over), ${WARMUP_SECONDS} s warm-up, ${SECONDS_PER_RUN} s measured; SQLite first, then PostgreSQL. Cases per commit: the server's writes / commits at stop, warm-up included."
  echo
  table intake
  echo
  echo "## Reads"
  echo
  if [ -n "${GENERATE_SECONDS:-}" ]; then
    echo "$CASES cases made by shakwa_bench_cases in $GENERATE_SECONDS s, copied to PostgreSQL by \`shakwa migrate-store\` in $COPY_SECONDS s (${COPY_LINE:-?}), then VACUUM (ANALYZE) and CHECKPOINT there; database size SQLite $((SQLITE_BYTES / 1048576)) MiB, PostgreSQL $((PG_BYTES / 1048576)) MiB. Handler and queue in department '$DEPARTMENT', queue ?$QUERY. Each row: $WARMUP warm-up then $REQUESTS measured requests ($((WARMUP / 10)) and $QUEUE_REQUESTS for the queue page; shakwa_bench_reads, closed loop); one server per backend for all rows; SQLite first, then PostgreSQL."
    echo
  fi
  table reads
  if [ -n "$NOISY" ]; then
    echo
    echo "WARNING: other processes used more than a quarter of a core during: $NOISY. Those figures are unreliable; run again on a quiet machine."
  fi
  if [ "$FAILED" != 0 ]; then
    echo
    echo "INVALID RUN: some requests were not answered as expected (see 'not 201' and 'errors')."
  fi
} >"$RESULT"

echo
cat "$RESULT"
echo
say "written to ${RESULT#"$ROOT"/}"
[ "$FAILED" = 0 ]
