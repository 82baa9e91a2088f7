#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (tools/test.sh), from Debian's packages
# (tools/install-deps.sh). Never the machine's own cluster: its own data directory, its own port
# (never 5432), listening on 127.0.0.1 only and on a unix socket of its own.
#
#   tools/pg-cluster.sh start DIR   initdb, start, create role `shakwa` and database `shakwa_test`;
#                                   writes DIR/url (mode 0600):
#                                   postgresql://shakwa:PASSWORD@127.0.0.1:PORT/shakwa_test
#   tools/pg-cluster.sh stop DIR    pg_ctl stop -m fast, then remove DIR (and the cluster)
#   tools/pg-cluster.sh url DIR     print DIR/url
#
# DIR holds url, log (the server's log) and the cluster: DIR/data and the socket in DIR. When the
# server's user cannot reach DIR (a clone under /root, mode 0700) or DIR's path is too long for a
# unix socket, the cluster lives in a private directory under /tmp instead, named in DIR/home.
#
# As root (CI), initdb and the server run as the `postgres` system user (initdb refuses root);
# otherwise as the calling user. The role `shakwa` is a superuser (tests create their own
# databases and schemas) with a random password made at start; it is written to DIR/url only,
# never printed. fsync stays on: the tests check that commits are durable.
#
# Idempotent: start on an existing DIR stops and removes the old cluster first; stop on a missing
# DIR does nothing. A stale postmaster.pid (a cluster killed with its machine) is recognised by
# checking that its process is a postgres serving that very data directory, so no other process
# is ever signalled.
set -euo pipefail

usage() { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage
mkdir -p "$(dirname "$dir")"
dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")

log() { echo "pg-cluster: $*" >&2; }

# The server's binaries: pg_config's, else the newest /usr/lib/postgresql/*/bin with a server.
find_bindir() {
  local candidates=()
  if command -v pg_config >/dev/null 2>&1; then candidates+=("$(pg_config --bindir)"); fi
  local d
  while IFS= read -r d; do candidates+=("$d"); done < <(
    for d in /usr/lib/postgresql/*/bin; do [ -d "$d" ] && echo "$d"; done | sort -t/ -k5,5 -rn)
  for d in "${candidates[@]}"; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return
    fi
  done
  log "no PostgreSQL server binaries (initdb, pg_ctl, postgres); run tools/install-deps.sh"
  exit 1
}

# Runs a command as the server's user, from / (the caller's directory may be closed to it).
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres
  if ! id "$pg_user" >/dev/null 2>&1; then
    log "running as root but there is no '$pg_user' user to run the server as"
    exit 1
  fi
  as_pg() { (cd / && runuser -u "$pg_user" -- "$@"); }
else
  pg_user=$(id -un)
  as_pg() { (cd / && "$@"); }
fi

# Where the cluster of DIR lives: DIR itself, or the directory named in DIR/home.
cluster_home() {
  if [ -f "$dir/home" ]; then cat "$dir/home"; else echo "$dir"; fi
}

# The postmaster's pid if the cluster at $1 is running, else nothing. A postmaster.pid whose
# process is not a postgres with that data directory on its command line is stale.
running_pid() {
  local data=$1/data pid
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  if [ -r "/proc/$pid/cmdline" ] \
     && tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qxF -- "$data"; then
    echo "$pid"
  fi
}

do_stop() {
  [ -e "$dir" ] || return 0
  local home pid bindir
  home=$(cluster_home)
  pid=$(running_pid "$home")
  if [ -n "$pid" ]; then
    bindir=$(find_bindir)
    if ! as_pg "$bindir/pg_ctl" stop -D "$home/data" -m fast -w -t 60 >/dev/null; then
      log "fast shutdown did not finish; immediate shutdown"
      as_pg "$bindir/pg_ctl" stop -D "$home/data" -m immediate -w -t 30 >/dev/null || true
    fi
    if [ -n "$(running_pid "$home")" ]; then
      log "the server (pid $pid) is still running; leaving $dir in place"
      exit 1
    fi
  fi
  if [ "$home" != "$dir" ]; then rm -rf -- "$home"; fi
  rm -rf -- "$dir"
}

# A TCP port free on 127.0.0.1 right now, from the kernel (not 5432, nor any port in use).
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

do_start() {
  do_stop
  local bindir home password port attempt
  bindir=$(find_bindir)
  mkdir -p "$dir"
  chmod 0755 "$dir"
  : > "$dir/log"
  chmod 0644 "$dir/log"

  # The cluster in DIR when the server's user can get there and the socket's path fits
  # (sun_path holds 107 bytes; the socket is DIR/.s.PGSQL.PORT).
  if [ ${#dir} -le 80 ] && as_pg test -x "$dir"; then
    home=$dir
    chown "$pg_user" "$dir"
  else
    home=$(mktemp -d /tmp/shakwa-pg.XXXXXXXX)
    chown "$pg_user" "$home"
    echo "$home" > "$dir/home"
    log "cluster in $home ($dir is not reachable by $pg_user or too long a path)"
  fi
  chmod 0700 "$home"

  # initdb's own output goes to the log; the superuser `postgres` (or the calling user) may
  # connect through the socket only, by peer authentication; everyone else by password.
  if ! as_pg "$bindir/initdb" -D "$home/data" --auth-local=peer --auth-host=scram-sha-256 \
         --encoding=UTF8 --locale=C.UTF-8 --no-instructions >>"$dir/log" 2>&1; then
    log "initdb failed; see $dir/log"
    tail -n 20 "$dir/log" >&2
    exit 1
  fi
  # Fit for tests: many test processes at once, each store with several connections; modest
  # memory; no parallel query (its shared memory is /dev/shm, small in containers). fsync,
  # synchronous_commit and full_page_writes keep their defaults (on): commits are honest.
  cat >> "$home/data/postgresql.conf" <<EOF

# tools/pg-cluster.sh: a throw-away cluster for the tests
listen_addresses = '127.0.0.1'
unix_socket_directories = '$home'
unix_socket_permissions = 0700
max_connections = 300
shared_buffers = 64MB
max_parallel_workers_per_gather = 0
fsync = on
synchronous_commit = on
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  cat > "$home/data/pg_hba.conf" <<EOF
# tools/pg-cluster.sh: the server's own user through the socket; the tests by password on loopback
local all $pg_user peer
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
EOF

  # The port: one the kernel says is free; should another process take it before the server
  # binds it, try again with another.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if [ "$port" = 5432 ]; then port=; continue; fi
    # The server's output goes to DIR/log through a descriptor this shell opens, so the log is
    # written even where the server's user may not write in DIR.
    if as_pg "$bindir/pg_ctl" start -D "$home/data" -o "-p $port" -w -t 60 \
         >>"$dir/log" 2>&1 </dev/null; then
      break
    fi
    if [ -n "$(running_pid "$home")" ]; then
      log "the server did not become ready; see $dir/log"
      do_stop
      exit 1
    fi
    log "could not start on port $port (attempt $attempt); see $dir/log"
    port=
  done
  if [ -z "$port" ]; then
    log "could not start the server; see $dir/log"
    tail -n 20 "$dir/log" >&2
    exit 1
  fi

  # The role and the database, through the socket as the server's user; the password goes in
  # on psql's standard input, never on a command line.
  password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  if ! as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$home" -p "$port" -d postgres \
         >>"$dir/log" 2>&1 <<EOF
CREATE ROLE shakwa LOGIN SUPERUSER PASSWORD '$password';
CREATE DATABASE shakwa_test OWNER shakwa;
EOF
  then
    log "could not create the role and database; see $dir/log"
    do_stop
    exit 1
  fi
  (umask 077 && echo "postgresql://shakwa:$password@127.0.0.1:$port/shakwa_test" > "$dir/url.new")
  mv -f "$dir/url.new" "$dir/url"
  log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $home/data, URL in $dir/url"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  url) cat "$dir/url" ;;
  *) usage ;;
esac
