#!/usr/bin/env bash
# Installs what the tests need, builds with every warning an error and the sanitizers on, and runs
# every test: unit, storage contract, in-process HTTP, and the process-level system tests (crash,
# shutdown, CLI) against the real binary. The stores are tested on memory, SQLite and PostgreSQL
# (a throw-away cluster on loopback, tools/pg-cluster.sh): the contract suite on all three, the
# crash, staff-workflow and notification system tests on both engines, several nodes and
# migrate-store on PostgreSQL. Ends with CTest's
# summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
# The ci preset keeps line tables only (-g1; the sanitizers' reports still give every frame's file
# and line, inlined ones too) and leaves the benchmarks out (SHAKWA_BENCH): both for build time.
cmake --preset ci
cmake --build --preset ci
# The concurrent parts (the group-committing store, the server, racing escalation sweeps) under
# ThreadSanitizer. Its server binary also serves the one system test UBSan's runtime disturbs
# (running out of file descriptors; tests/system/test_http_limits.py). The benchmarks are built
# here, so that they keep compiling (every warning an error here too): unoptimised, they cost a
# third of what they would under AddressSanitizer at -O1, and their libraries are built already.
cmake --preset tsan
cmake --build --preset tsan --target storage_tests http_tests app_tests shakwa shakwa_benches

# The PostgreSQL cluster the tests use beside SQLite; stopped by its own pg_ctl however this
# script ends (success, failure, Ctrl-C).
pg_dir=$PWD/build/ci/pg
stop_pg() { bash tools/pg-cluster.sh stop "$pg_dir" || true; }
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bash tools/pg-cluster.sh start "$pg_dir"
SHAKWA_TEST_POSTGRES_URL=$(cat "$pg_dir/url")
export SHAKWA_TEST_POSTGRES_URL

# The store's threads are the same on every engine: the PostgreSQL instances of the contract suite
# add nothing here that the SQLite ones do not (and run in full under AddressSanitizer below).
ctest --preset tsan -j 2 -R 'StoreContract|SqliteStoreTest|ApiTest|EscalationTest|DeliverNotifications' \
  -E '/postgres'
# Everything, under AddressSanitizer and UndefinedBehaviorSanitizer; CTest's summary closes the run.
ctest --preset ci -j 2
