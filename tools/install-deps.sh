#!/usr/bin/env bash
# Installs every Debian package Shakwa needs to build, run and test, on a fresh Debian 12
# machine, as root, then the browser tests' npm packages (tests/e2e, from its package-lock.json).
# Idempotent: packages already present are left alone, apt is not even consulted when nothing
# is missing and npm not when tests/e2e/node_modules is newer than the lock file, so repeated
# `make test` runs stay fast and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # libraries (Boost 1.81: 1.74 does not compile Asio with C++20 on GCC 12)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libmagic-dev libmagic-mgc libicu-dev
  # notifications and the mailgate: SMTP/HTTP (libcurl), MIME (GMime), HTML to text (libxml2),
  # mustache templates (header-only)
  libcurl4-openssl-dev libgmime-3.0-dev libxml2-dev libkainjow-mustache-dev
  # tests and tools
  libgtest-dev libgmock-dev clang-format clang-tidy python3 python3-yaml curl wrk procps
  # a real SMTP server for the notification tests, and certificates for its STARTTLS
  python3-aiosmtpd openssl
  # PostgreSQL (15 on Debian 12): the client library for the PostgreSQL store, and the server
  # for the throw-away cluster every test runs against too (tools/pg-cluster.sh)
  libpq-dev postgresql
  # browser tests: Debian's Chromium (playwright-core drives it), and fonts with Arabic glyphs
  # for the screenshots
  chromium fonts-noto-core
)
# Node.js and npm for the browser tests: the machine's own where it has them (a newer Node.js
# than Debian's may be installed apart from apt, and Debian's npm would conflict with it).
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
      exit 1
    fi
  else
    SUDO=
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, exactly as each package-lock.json pins them: the pages' fonts (web/, embedded in
# the binary at build time) and the browser tests' Playwright and axe-core (tests/e2e/). npm writes
# node_modules/.package-lock.json at every install: older than the lock file means stale.
for dir in web tests/e2e; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] \
     || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done
