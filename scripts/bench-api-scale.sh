#!/usr/bin/env bash
# Lookups at scale (make bench-api-scale). In a database of its own
# (fairrate_bench_scale): migrate, generate COMPANIES companies (default 1,000,000)
# with BENCH_PER evidence rows each (default 5) with the rescoring benchmark's
# generator (scripts/bench-data.sh), rate them with `fairrate score`, store their
# summaries with `fairrate summaries` (both timed), and serve them with the default
# settings (the summary cache at its default size holds a few percent of them, so
# most lookups miss it and read the stored summary). Then, BENCH_ROUNDS times
# (default 3), in turns, for SECONDS each (default 10):
#   - wrk (2 threads, 64 connections) GET /v1/companies/{slug} with an investor key,
#     slugs drawn uniformly at random over every company;
#   - pgbench -S (-M prepared: one prepared point query a transaction, as the server
#     runs) on the same database and cluster, with as many connections as the
#     server's pool (BENCH_POOL, default 8) and 2 threads, over pgbench's own table
#     of as many rows as there are companies (scale COMPANIES / 100,000).
# The machine's other load moves both, so each round's ratio compares figures taken
# seconds apart, and the median round is judged. Prints each round's lookups/s, p50,
# p99, pgbench's transactions/s and their ratio; errors over every round, the
# server's peak RSS, the summary cache's hits and misses. Targets: the median round's
# ratio >= 0.5 and p99 <= 10 ms, no errors in any round, RSS <= 64 MB.
# BENCH_REUSE=1 keeps the database at the end and reuses it when it already holds
# COMPANIES rated companies (loading a million takes minutes).
#   BIN=path/to/fairrate scripts/bench-api-scale.sh [COMPANIES] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000000}
seconds=${2:-10}
per=${BENCH_PER:-5}
rounds=${BENCH_ROUNDS:-3}
pool=${BENCH_POOL:-8}
reuse=${BENCH_REUSE:-0}
dbname=${BENCH_DB:-fairrate_bench_scale}
as_of="2026-06-01T00:00:00Z"
port=${BENCH_PORT:-18094}
export FAIRRATE_SHARE_DIR="$root" FAIRRATE_NOW="$as_of"
. scripts/bench-data.sh
. scripts/bench-http.sh
bench_bin
bench_db "$dbname"
for tool in wrk pgbench; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
work=$(mktemp -d)
server=""
cleanup() {
  stop_server "$server"
  rm -rf "$work"
  [ "$reuse" = 1 ] ||
    psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { printf %.1f "$(echo "$(now) - $1" | bc -l)"; }

rated=0
if [ "$reuse" = 1 ] && [ "$(psql "$admin" -qAtc \
    "SELECT count(*) FROM pg_database WHERE datname = '$dbname'")" = 1 ]; then
  rated=$(psql "$url" -qAtc "SELECT count(DISTINCT company_id) FROM ratings" 2>/dev/null || echo 0)
fi
if [ "$rated" != "$n" ]; then
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
  psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
  "$bin" migrate >/dev/null
  bench_codes
  echo "bench-api-scale: generating $n companies x $per evidence rows"
  t=$(now); generate 1 "$n"; echo "  generated in $(since "$t") s"
  t=$(now); "$bin" score --as-of "$as_of" >/dev/null; echo "  rated in $(since "$t") s"
  echo "bench-api-scale: pgbench's table for -S, scale $(( (n + 99999) / 100000 ))"
  pgbench -i -q -s $(( (n + 99999) / 100000 )) "$url" >/dev/null 2>&1
  psql "$url" -qAtc "VACUUM (ANALYZE)" >/dev/null
else
  echo "bench-api-scale: reusing $dbname ($n rated companies)"
fi
echo "bench-api-scale: fairrate summaries"
t=$(now); "$bin" summaries | sed 's/^/  /'; echo "  ($(since "$t") s with the connection)"
key=$("$bin" keys create --role investor --name bench-scale | tail -n 1)

FAIRRATE_RATE_LIMIT=0 FAIRRATE_PUBLIC_RATE_LIMIT=0 FAIRRATE_ACCESS_LOG=off \
  "$bin" serve --listen "127.0.0.1:$port" --pool-size "$pool" ${BENCH_SERVE_ARGS:-} \
  >"$work/serve.log" 2>&1 &
server=$!
wait_up "$port" "$work/serve.log"

# A request is the same bytes but for the slug's number: each is two joins of ready
# strings, not a wrk.format (which cost the client, on the cores the server shares,
# a quarter of the server's own time per lookup).
cat >"$work/lookup.lua" <<'LUA'
local n = tonumber(os.getenv("BENCH_N"))
local head, tail
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(seed * 7919 + os.time())
  local r = wrk.format("GET", "/v1/companies/bench-0",
    {["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")})
  head, tail = r:match("^(.-/v1/companies/bench%-)0( .*)$")
end
function request()
  return head .. math.random(n) .. tail
end
LUA
lookups() {
  BENCH_N="$n" BENCH_KEY="$key" wrk -t2 -c64 -d"$1s" --latency -s "$work/lookup.lua" \
    "http://127.0.0.1:$port/v1/companies/x" >"$work/$2.out"
}
f() { wrk_field "$work/$1.out" "$2"; }
echo "bench-api-scale: warm-up, 5 s (not judged)"
lookups 5 warm
echo "bench-api-scale: GET /v1/companies/{slug}, uniform over $n companies, and" \
  "pgbench -S -M prepared -c $pool -j 2, ${seconds}s each, $rounds rounds"
errors=0
printf '%-6s %12s %8s %8s %14s %7s\n' round "lookups/s" "p50 ms" "p99 ms" "pgbench tps" ratio
for i in $(seq "$rounds"); do
  lookups "$seconds" "lookup$i"
  pgbench -S -M prepared -c "$pool" -j 2 -T "$seconds" -n "$url" >"$work/pgbench$i.out" 2>&1
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench$i.out" | tail -n 1)
  ratio=$(awk -v a="$(f "lookup$i" rps)" -v b="$tps" 'BEGIN { printf "%.4f", (b > 0) ? a / b : 0 }')
  echo "$ratio $i" >>"$work/ratios"
  errors=$(( errors + $(f "lookup$i" non2xx) + $(f "lookup$i" socket) ))
  printf '%-6s %12s %8s %8s %14s %7.2f\n' "$i" "$(f "lookup$i" rps)" "$(f "lookup$i" p50)" \
    "$(f "lookup$i" p99)" "$tps" "$ratio"
done
rss=$(rss_mb "$server")
metrics=$(curl -fs "http://127.0.0.1:$port/metrics")
stop_server "$server"
server=""

read -r ratio median < <(sort -n "$work/ratios" | sed -n "$(( (rounds + 1) / 2 ))p")
ratio=$(printf '%.2f' "$ratio")
p99=$(f "lookup$median" p99)
echo "$metrics" | awk '
  /^fairrate_summary_cache_(hits_total|misses_total|not_admitted_total|entries|bytes) / {
    sub("fairrate_summary_cache_", ""); printf "summary cache %s: %s\n", $1, $2 }
  /^fairrate_summary_store_(hits_total|misses_total|batched_total) / {
    sub("fairrate_summary_store_", ""); printf "stored summaries %s: %s\n", $1, $2 }'
echo "ratio lookups/pgbench (median round, $median): $ratio (target >= 0.5)"
echo "p99 lookup (that round): $p99 ms (target <= 10)"
echo "server peak RSS (VmHWM): $rss MB (target <= 64)"
echo "errors: $errors (target 0)"
ok=$(awk -v r="$ratio" -v p="$p99" -v m="$rss" -v e="$errors" \
  'BEGIN { print (r >= 0.5 && p <= 10 && m <= 64 && e == 0) ? "met" : "missed" }')
echo "bench-api-scale: targets $ok"
