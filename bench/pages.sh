#!/usr/bin/env bash
# The web pages' cost (bench/README.md, "Pages"): requests per second and latency of the portal's
# pages as a browser asks for them, beside the JSON guide and a static file, against a release
# server with the demo data on 127.0.0.1. The case page is read with a demo case's cookie (a
# decrypting, audited read through the store), the console's queue with a demo agent's session.
#
#   bash bench/pages.sh            builds the release preset first
#   BENCH_SKIP_BUILD=1 bash bench/pages.sh
#
# Knobs: BENCH_SECONDS [10], BENCH_CONNECTIONS [8], BENCH_BUILD_DIR [build/release].
# The server is stopped by its PID on exit and its data directory removed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-8}
build=${BENCH_BUILD_DIR:-build/release}
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target shakwa
fi

data=$(mktemp -d /tmp/shakwa-bench-pages.XXXXXX)
port=$((20000 + RANDOM % 20000))
"$build/shakwa" serve --listen "127.0.0.1:$port" --data "$data" --demo >"$data/out.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done

# A demo case's reference and access code, and a demo agent's password, from the demo's output.
read -r reference code < <(sed -n 's/^demo case \([^ ]*\) *access code \([^ ]*\).*/\1 \2/p' \
                             "$data/out.log" | head -1)
agent=$(sed -n 's/^demo user \(agent@demo\.shakwa\) .*password \([^ ]*\).*/\1 \2/p' "$data/out.log" | head -1)
session=
if [ -n "$agent" ]; then
  session=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
    -H 'Content-Type: application/json' \
    -d "{\"email\":\"${agent% *}\",\"password\":\"${agent#* }\"}" |
    python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
fi

printf '| page | requests/s | median | p99 |\n|---|---:|---:|---:|\n'
measure() {
  local label=$1 path=$2 cookie=${3:-}
  local args=(-t1 -c"$connections" -d"${seconds}s" --latency)
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  wrk "${args[@]}" "http://127.0.0.1:$port$path" |
    awk -v label="$label" '
      /Requests\/sec/ { rps = $2 }
      /^ +50%/ { p50 = $2 }
      /^ +99%/ { p99 = $2 }
      /Non-2xx/ { bad = $0 }
      END { if (bad) { print "bench: " label ": " bad > "/dev/stderr"; exit 1 }
            printf "| %s | %d | %s | %s |\n", label, rps, p50, p99 }'
}
measure 'home (/)' /
measure 'submit form (/submit)' /submit
measure 'track form (/track)' /track
measure 'the case (/track/case)' /track/case "shakwa_case=$reference~$code"
[ -n "$session" ] && measure 'console queue (/console)' /console "shakwa_session=$session"
measure 'guide page (/guide)' /guide
measure 'guide JSON (/api/v1/guide)' /api/v1/guide
measure 'stylesheet (/static/shakwa.css)' /static/shakwa.css
