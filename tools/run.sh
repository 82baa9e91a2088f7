#!/usr/bin/env bash
# Installs what Shakwa needs, builds it (release), and starts it on its embedded SQLite database
# with a little demo data. Settings: LISTEN (default 127.0.0.1:8080), DATA (default ./var), or
# any SHAKWA_* variable (see docs/shakwa.example.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake --preset release
cmake --build --preset release
exec ./build/release/shakwa serve --listen "${LISTEN:-127.0.0.1:8080}" --data "${DATA:-./var}" --demo
