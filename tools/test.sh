#!/usr/bin/env bash
# Installs what the tests need, builds with every warning an error and the sanitizers on, and runs
# every test: unit, storage contract, in-process HTTP, and the process-level system tests (crash,
# shutdown, CLI) against the real binary. Ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake --preset ci
cmake --build --preset ci
# The concurrent parts (the group-committing store, the server, racing escalation sweeps) under
# ThreadSanitizer. Its server binary also serves the one system test UBSan's runtime disturbs
# (running out of file descriptors; tests/system/test_http_limits.py).
cmake --preset tsan
cmake --build --preset tsan --target storage_tests http_tests app_tests shakwa
ctest --preset tsan -j 2 -R 'StoreContract|SqliteStoreTest|ApiTest|EscalationTest|DeliverNotifications'
# Everything, under AddressSanitizer and UndefinedBehaviorSanitizer; CTest's summary closes the run.
ctest --preset ci -j 2
