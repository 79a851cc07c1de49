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
#   db.sh standby-start  make a streaming standby of the running cluster under
#                 ./var/pg/standby (pg_basebackup -R; its own socket in
#                 ./var/pg/standby-run, port 5433) and start it
#   db.sh standby-stop   stop the standby and remove it
#   db.sh standby-url-for NAME   the URL of database NAME on the standby
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
# company_summaries of a million companies (make bench-api-scale) take 1.1 GB: read
# from the OS cache instead, every lookup cost PostgreSQL a third more CPU
shared_buffers = 1536MB
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

standby="$pgroot/standby"
standby_run="$pgroot/standby-run"
standby_port=5433

# A streaming standby of the running cluster (docs/operations.md "Read replicas"):
# a base backup that streams its WAL (-X stream) and, with -R, the standby.signal and
# primary_conninfo that make it follow the primary from then on.
standby_start() {
  running || { echo "db: the cluster is not running" >&2; exit 1; }
  standby_stop
  as_owner mkdir -p "$standby_run"
  as_owner chmod 700 "$standby_run"
  as_owner "$bindir/pg_basebackup" -h "$run" -U "$(dbuser)" -D "$standby" -R -X stream \
    -c fast >"$pgroot/standby-basebackup.log" 2>&1 || {
    cat "$pgroot/standby-basebackup.log" >&2; exit 1; }
  cat <<CONF | as_owner tee -a "$standby/postgresql.conf" >/dev/null
# fairrate: the standby of the private cluster, its own socket
unix_socket_directories = '$standby_run'
port = $standby_port
hot_standby = on
CONF
  as_owner "$bindir/pg_ctl" -D "$standby" -l "$pgroot/standby.log" -w -t 60 start \
    >/dev/null || { tail -n 20 "$pgroot/standby.log" >&2; exit 1; }
}

standby_stop() {
  if [ -f "$standby/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$standby" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$standby"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: $(url)"; else echo "stopped"; exit 3; fi ;;
  url) url ;;
  url-for) [ -n "${2:-}" ] || { echo "usage: $0 url-for DBNAME" >&2; exit 2; }; url_for "$2" ;;
  standby-start) standby_start ;;
  standby-stop) standby_stop ;;
  standby-url-for) [ -n "${2:-}" ] || { echo "usage: $0 standby-url-for DBNAME" >&2; exit 2; }
    echo "postgresql:///$2?host=$standby_run&port=$standby_port&user=$(dbuser)" ;;
  *) echo "usage: $0 start|stop|status|url|url-for DBNAME|standby-start|standby-stop|standby-url-for DBNAME" >&2
     exit 2 ;;
esac
