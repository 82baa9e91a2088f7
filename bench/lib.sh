# shellcheck shell=bash
# What the benchmark scripts share (sourced by bench/run.sh, bench/reads.sh, bench/backends.sh):
# messages, stopping a process by its PID, and CPU accounting from /proc.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

stop_pid() {  # stop_pid PID: SIGTERM, wait up to 15 s, then SIGKILL
  local pid=$1
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "process $pid did not stop on SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# --- CPU accounting (/proc): who used the two cores ------------------------------------------
# shellcheck disable=SC2034  # read by the scripts that source this
TICKS=$(getconf CLK_TCK)
proc_cpu_ticks() {  # utime + stime of a live process, all its threads
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
children_cpu_ticks() {  # user + system of this shell's waited-for children
  awk '{ print $16 + $17 }' "/proc/$$/stat"
}
machine_busy_ticks() {  # all CPUs: everything but idle and iowait
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# The read benchmarks' binaries (shakwa, the generator, the reads client) in BUILD_DIR, built in
# the release preset first unless BENCH_SKIP_BUILD=1; sets SHAKWA, GENERATE and CLIENT.
read_binaries() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building the release preset (shakwa, shakwa_bench_cases, shakwa_bench_reads)"
    cmake --preset release >/dev/null
    cmake --build --preset release --target shakwa shakwa_bench_cases shakwa_bench_reads
    BUILD_DIR=build/release
  fi
  case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
  SHAKWA=$BUILD_DIR/shakwa
  GENERATE=$BUILD_DIR/bench/shakwa_bench_cases
  CLIENT=$BUILD_DIR/bench/shakwa_bench_reads
  local binary
  for binary in "$SHAKWA" "$GENERATE" "$CLIENT"; do [ -x "$binary" ] || die "$binary not found"; done
}
