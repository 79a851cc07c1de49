#!/usr/bin/env bash
# Manages fairrate's private PostgreSQL 15 cluster under ./var/pg.
# It listens only on a unix socket in ./var/pg/run (no TCP), so it never clashes with a
# system PostgreSQL, and this script never touches any other cluster.
#   db.sh start   create the cluster if needed, start it, create the fairrate database
#   db.sh stop    stop it
#   db.sh status  say whether it runs
#   db.sh url     print the DATABASE_URL for it
#   db.sh url-for NAME   the URL of database NAME on $DATABASE_URL's server (or on the
#                 private cluster when DATABASE_URL is not set)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pgroot="$root/var/pg"
data="$pgroot/data"
run="$pgroot/run"
log="$pgroot/server.log"
bindir=/usr/lib/postgresql/15/bin
dbname=${FAIRRATE_DB_NAME:-fairrate}

# initdb refuses to run as root: as root, the cluster belongs to the postgres user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
dbuser() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

url() { echo "postgresql:///$dbname?host=$run&user=$(dbuser)"; }

# The URL of database $1 on the server of $DATABASE_URL, or of the private cluster. A
# later dbname overrides an earlier one, in URLs and keyword strings alike.
url_for() {
  local base="${DATABASE_URL:-$(url)}"
  case "$base" in
    *://*\?*) echo "$base&dbname=$1" ;;
    *://*) echo "$base?dbname=$1" ;;
    *) echo "$base dbname=$1" ;;
  esac
}

running() { [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  if [ ! -x "$bindir/initdb" ]; then
    echo "db: PostgreSQL 15 is not installed (run 'make deps')" >&2
    exit 1
  fi
  mkdir -p "$pgroot"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$pgroot"
    # The postgres user must be able to reach ./var/pg: a checkout under a private
    # folder (root's home, say) gets search permission, nothing more, on the way down.
    dir=""
    IFS=/ read -r -a parts <<<"${pgroot#/}"
    for part in "${parts[@]}"; do
      dir="$dir/$part"
      if ! runuser -u postgres -- test -x "$dir"; then
        echo "db: letting the postgres user pass through $dir (chmod o+x)"
        chmod o+x "$dir"
      fi
    done
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "db: creating the private cluster in $data"
    as_owner mkdir -p "$data" "$run"
    as_owner chmod 700 "$data" "$run"
    as_owner "$bindir/initdb" -D "$data" -U "$(dbuser)" -A trust -E UTF8 --locale=C.UTF-8 >"$pgroot/initdb.log" 2>&1 || {
      cat "$pgroot/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
# fairrate: private cluster, unix socket only
listen_addresses = ''
unix_socket_directories = '$run'
max_connections = 200
shared_buffers = 256MB
fsync = ${FAIRRATE_PG_FSYNC:-on}
synchronous_commit = ${FAIRRATE_PG_SYNC_COMMIT:-on}
CONF
  fi
  as_owner mkdir -p "$run"
  if ! running; then
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null || {
      tail -n 20 "$log" >&2; exit 1; }
  fi
  if ! as_owner "$bindir/psql" -h "$run" -d postgres -U "$(dbuser)" -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
    as_owner "$bindir/createdb" -h "$run" -U "$(dbuser)" "$dbname"
  fi
}

stop() {
  if running; then as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: $(url)"; else echo "stopped"; exit 3; fi ;;
  url) url ;;
  url-for) [ -n "${2:-}" ] || { echo "usage: $0 url-for DBNAME" >&2; exit 2; }; url_for "$2" ;;
  *) echo "usage: $0 start|stop|status|url|url-for DBNAME" >&2; exit 2 ;;
esac
