#!/usr/bin/env bash
# Installs every Debian package Shakwa needs to build, run and test, on a fresh Debian 12
# machine, as root. Idempotent: packages already present are left alone, and apt is not
# even consulted when nothing is missing, so repeated `make test` runs stay fast.
set -euo pipefail

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
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

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
