#!/usr/bin/env bash
# API benchmark (make bench-api). In a database of its own (fairrate_bench_api):
# migrate, load the 10,000-company demo world and rate it, serve it, then with wrk
# (2 threads, 64 connections, 10 s each) measure GET /v1/companies/{slug} with an
# investor key, spread over every public company (a Lua script draws slugs from a
# file), and GET /healthz (the ceiling: no database, no key). Prints requests/s, p50
# and p99 latency, the lookup/ceiling ratio, non-2xx answers and socket errors, and
# the server's peak RSS (VmHWM). Targets: ratio >= 0.6, p99 <= 10 ms, no errors,
# RSS <= 64 MB. The database is dropped at the end.
# Before measuring, a warm-up pass (BENCH_WARMUP seconds, default 10, 0 for none) of
# the same lookups fills the summary cache, as a running server's would be; its figures
# are printed as "cold" but not judged. BENCH_DB names the database (default
# fairrate_bench_api), so that two people on one machine do not drop each other's.
#   BIN=path/to/fairrate [BENCH_SERVE_ARGS="--pool-size 3 --threads 4"] \
#       scripts/bench-api.sh [COMPANIES] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is not installed" >&2; exit 1; }
companies=${1:-10000}
seconds=${2:-10}
dbname=${BENCH_DB:-fairrate_bench_api}
warmup=${BENCH_WARMUP:-10}
as_of="2026-03-01T00:00:00Z"
port=${BENCH_PORT:-18089}
export FAIRRATE_SHARE_DIR="$root" FAIRRATE_NOW="$as_of"

with_db() { scripts/db.sh url-for "$1"; }
admin=$(with_db postgres)
export DATABASE_URL=$(with_db "$dbname")
work=$(mktemp -d)
server=""

cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"; wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
echo "bench: loading and rating $companies demo companies"
"$bin" demo --companies "$companies" --seed 2026 --as-of "$as_of" >/dev/null
"$bin" score --as-of "$as_of" >/dev/null
psql "$DATABASE_URL" -qAtc "ANALYZE" >/dev/null
psql "$DATABASE_URL" -qAtc "SELECT slug FROM companies WHERE visibility = 'public'
  ORDER BY md5(slug)" >"$work/slugs"
key=$("$bin" keys create --role investor --name bench | tail -n 1)

FAIRRATE_RATE_LIMIT=0 FAIRRATE_PUBLIC_RATE_LIMIT=0 FAIRRATE_ACCESS_LOG=off \
  "$bin" serve --listen "127.0.0.1:$port" ${BENCH_SERVE_ARGS:-} >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || {
  echo "bench: the server did not start"; cat "$work/serve.log"; exit 1; }

cat >"$work/lookup.lua" <<'LUA'
local slugs = {}
for line in io.lines(os.getenv("BENCH_SLUGS")) do slugs[#slugs + 1] = line end
local auth = "Bearer " .. os.getenv("BENCH_KEY")
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(seed * 7919)
end
function request()
  local slug = slugs[math.random(#slugs)]
  return wrk.format("GET", "/v1/companies/" .. slug, {["Authorization"] = auth})
end
LUA

# run NAME URL [SCRIPT [SECONDS]]: wrk output to $work/NAME.out
run() {
  local script=()
  [ -n "${3:-}" ] && script=(-s "$3")
  BENCH_SLUGS="$work/slugs" BENCH_KEY="$key" wrk -t2 -c64 -d"${4:-$seconds}s" --latency \
    "${script[@]}" "$2" >"$work/$1.out"
}
# field NAME WHAT: requests/s, p50 or p99 in ms, non-2xx or socket errors
field() {
  awk -v what="$2" '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    what == "rps" && /^Requests\/sec:/ { print $2 }
    what == "p50" && $1 == "50%" { print ms($2) }
    what == "p99" && $1 == "99%" { print ms($2) }
    what == "non2xx" && /Non-2xx or 3xx responses:/ { n = $NF }
    what == "socket" && /Socket errors:/ {
      gsub(",", ""); s = $4 + $6 + $8 + $10 }
    END { if (what == "non2xx") print n + 0; if (what == "socket") print s + 0 }
  ' "$work/$1.out"
}

if [ "$warmup" -gt 0 ]; then
  echo "bench: warm-up: GET /v1/companies/{slug}, ${warmup}s (not judged)"
  run cold "http://127.0.0.1:$port/v1/companies/x" "$work/lookup.lua" "$warmup"
fi
echo "bench: GET /v1/companies/{slug} over $(wc -l <"$work/slugs") companies, ${seconds}s"
run lookup "http://127.0.0.1:$port/v1/companies/x" "$work/lookup.lua"
echo "bench: GET /healthz, ${seconds}s"
run healthz "http://127.0.0.1:$port/healthz"
rss_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server/status")

printf '%-22s %12s %10s %10s %9s %9s\n' route "requests/s" "p50 ms" "p99 ms" non-2xx socket
names="lookup healthz"
[ "$warmup" -gt 0 ] && names="cold lookup healthz"
for n in $names; do
  printf '%-22s %12s %10s %10s %9s %9s\n' "$n" "$(field $n rps)" "$(field $n p50)" \
    "$(field $n p99)" "$(field $n non2xx)" "$(field $n socket)"
done
ratio=$(awk -v a="$(field lookup rps)" -v b="$(field healthz rps)" \
  'BEGIN { printf "%.2f", (b > 0) ? (a / b) : 0 }')
echo "ratio lookup/ceiling: $ratio (target >= 0.6)"
echo "p99 lookup: $(field lookup p99) ms (target <= 10)"
curl -fs "http://127.0.0.1:$port/metrics" | awk '
  /^fairrate_summary_cache_(hits_total|misses_total|evictions_total|entries|bytes) / {
    sub("fairrate_summary_cache_", ""); printf "summary cache %s: %s\n", $1, $2 }'
echo "server peak RSS (VmHWM): $((rss_kb / 1024)) MB (target <= 64)"
errors=$(( $(field lookup non2xx) + $(field lookup socket) + $(field healthz non2xx) + \
  $(field healthz socket) ))
echo "errors: $errors (target 0)"
ok=$(awk -v r="$ratio" -v p="$(field lookup p99)" -v m="$((rss_kb / 1024))" -v e="$errors" \
  'BEGIN { print (r >= 0.6 && p <= 10 && m <= 64 && e == 0) ? "met" : "missed" }')
echo "bench-api: targets $ok"
