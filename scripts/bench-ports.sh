#!/usr/bin/env bash
# Port scan benchmark (make bench-ports). 2,000 loopback addresses (127.1.x.y: all of
# 127/8 is loopback on Linux), attributed to 20 companies as /32 IP ranges, times 20
# TCP ports: two open (a listener on 0.0.0.0 sending an SSH banner, and a silent one
# scanned as postgresql, whose banner is not read), eighteen closed. fairrate ports
# scans them and writes the evidence to PostgreSQL; nmap -sT scans the same targets
# and ports with the same parallelism cap (-n -Pn, one retry). Prints ports/s of both,
# the ratio (fairrate / nmap) and fairrate's peak RSS (/usr/bin/time -v).
# nmap -sT has no per-address rate limit, so the compared runs lift fairrate's
# (--rate 100000 --per-address 20: as free as nmap on each address); a last run at
# fairrate's defaults (20 connects/s and 4 at once per address) shows what the
# politeness costs. Only loopback is ever contacted. Needs nmap, GNU time and cc.
#   BIN=path/to/fairrate scripts/bench-ports.sh [ADDRESSES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
command -v nmap >/dev/null || { echo "bench: nmap is needed (apt-get install nmap)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed (apt-get install time)" >&2; exit 1; }
addresses=${1:-2000}
parallel=${BENCH_PARALLEL:-256}
dbname=fairrate_bench_ports
export FAIRRATE_SHARE_DIR="$root"

with_db() { scripts/db.sh url-for "$1"; }
admin=$(with_db postgres)
export DATABASE_URL="$(with_db "$dbname")"
work=$(mktemp -d /tmp/fairrate-bench-ports-XXXXXX)
listener_pid=
ours_args=${BENCH_PORTS_ARGS:---rate 100000 --per-address 20}
cleanup() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null && { wait "$listener_pid" 2>/dev/null || true; }
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Twenty consecutive ports that nothing listens on (checked on 127.0.0.1 and on an
# address of the range).
base=
for _ in $(seq 50); do
  b=$((20000 + RANDOM % 30000)); busy=0
  for p in $(seq "$b" $((b + 19))); do
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && { busy=1; break; }
    (exec 3<>/dev/tcp/127.1.0.1/$p) 2>/dev/null && { busy=1; break; }
  done
  [ $busy = 0 ] && { base=$b; break; }
done
[ -n "$base" ] || { echo "bench: no free run of 20 ports" >&2; exit 1; }
ssh_port=$base; pg_port=$((base + 1))

# The two open ports: every address of 127/8 reaches a listener on 0.0.0.0. The
# listener is C on epoll so that it never makes either scanner wait.
cc -O2 -o "$work/ports_listener" tests/bench/ports_listener.c
"$work/ports_listener" "$ssh_port" "$pg_port" &
listener_pid=$!
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/$pg_port) 2>/dev/null && break
  sleep 0.1
done

psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
# Address i (0-based) is 127.1.(i / 250).(i % 250 + 1).
psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO companies (slug, name, sector, size_band, country)
  SELECT format('bench-%s', c), format('Bench %s', c), 'retail', 'small', 'DE'
  FROM generate_series(1, 20) c;
INSERT INTO assets (company_id, kind, value, source)
  SELECT (SELECT id FROM companies WHERE slug = format('bench-%s', i % 20 + 1)),
    'ip_range', format('127.1.%s.%s/32', i / 250, i % 250 + 1), 'bench'
  FROM generate_series(0, $addresses - 1) i;
SQL
psql "$DATABASE_URL" -qAtc "SELECT format('127.1.%s.%s', i / 250, i % 250 + 1)
  FROM generate_series(0, $addresses - 1) i" > "$work/targets.txt"

ports="$ssh_port,$pg_port/postgresql,$((base + 2))-$((base + 19))"
nmap_ports="$base-$((base + 19))"
pairs=$((addresses * 20))
runs=${BENCH_RUNS:-3}
echo "bench-ports: $addresses addresses x 20 ports (2 open), $parallel connections at" \
  "once; best of $runs runs each, alternating"
ours_s=; nmap_s=; peak_rss=0
for run in $(seq "$runs"); do
  psql "$DATABASE_URL" -qAtc "DELETE FROM evidence" >/dev/null
  /usr/bin/time -v -o "$work/time.txt" "$bin" ports --json --allow 127.0.0.0/8 \
    --ports "$ports" --concurrency "$parallel" $ours_args > "$work/ports.json"
  o_e=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
  rss_kb=$(awk -F': ' '/Maximum resident/ { print $2 }' "$work/time.txt")
  open=$(sed -n 's/.*"open":\([0-9]*\).*/\1/p' "$work/ports.json")
  closed=$(sed -n 's/.*"closed":\([0-9]*\).*/\1/p' "$work/ports.json")
  [ "$open" = $((addresses * 2)) ] && [ "$closed" = $((addresses * 18)) ] || {
    echo "bench: fairrate saw $open open and $closed closed" >&2; cat "$work/ports.json"; exit 1; }
  /usr/bin/time -v -o "$work/nmap-time.txt" nmap -sT -n -Pn --max-retries 1 \
    --min-parallelism "$parallel" --max-parallelism "$parallel" --min-hostgroup "$addresses" \
    -p "$nmap_ports" -iL "$work/targets.txt" -oG "$work/nmap.txt" >/dev/null 2>"$work/nmap.err"
  n_e=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/nmap-time.txt")
  n_rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$work/nmap-time.txt")
  n_open=$(grep -o '/open/' "$work/nmap.txt" | wc -l)
  [ "$n_open" = $((addresses * 2)) ] || echo "bench: nmap saw $n_open open ports" >&2
  printf '  run %s: fairrate %.2f s (%.1f MB), nmap %.2f s (%.1f MB)\n' "$run" "$o_e" \
    "$(echo "$rss_kb / 1024" | bc -l)" "$n_e" "$(echo "$n_rss / 1024" | bc -l)"
  if [ -z "$ours_s" ] || [ "$(echo "$o_e < $ours_s" | bc -l)" = 1 ]; then ours_s=$o_e; fi
  if [ -z "$nmap_s" ] || [ "$(echo "$n_e < $nmap_s" | bc -l)" = 1 ]; then nmap_s=$n_e; fi
  [ "$rss_kb" -gt "$peak_rss" ] && peak_rss=$rss_kb
done
rows=$(psql "$DATABASE_URL" -qAtc "SELECT count(*) FROM evidence WHERE source = 'fairrate-scan'")
/usr/bin/time -v -o "$work/time.txt" "$bin" ports --json --allow 127.0.0.0/8 \
  --ports "$ports" --concurrency "$parallel" > "$work/ports.json"
d_e=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
  for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")

awk -v n="$pairs" -v s="$ours_s" -v c="$nmap_s" -v rss="$peak_rss" -v rows="$rows" \
  -v d="$d_e" -v args="$ours_args" 'BEGIN {
  ours = n / s; theirs = n / c;
  printf "fairrate ports %s (banners, evidence written): %.2f s, %.0f ports/s, %d evidence rows\n", args, s, ours, rows;
  printf "nmap -sT (same targets, ports, parallelism): %.2f s, %.0f ports/s\n", c, theirs;
  printf "ratio (fairrate / nmap): %.2f   target >= 1.0\n", ours / theirs;
  printf "fairrate peak RSS: %.1f MB   target <= 64 MB\n", rss / 1024;
  printf "fairrate ports at its default per-address limits (one run): %.2f s, %.0f ports/s\n", d, n / d;
}'
