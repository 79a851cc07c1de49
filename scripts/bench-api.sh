#!/usr/bin/env bash
# API benchmark (make bench-api). In a database of its own (fairrate_bench_api):
# migrate, load the 10,000-company demo world and rate it, serve it, then with wrk
# (2 threads, 64 connections, 10 s each) measure GET /v1/companies/{slug} with an
# investor key, spread over every public company (a Lua script draws slugs from a
# file), and GET /healthz (the ceiling: no database, no key), in turns, BENCH_ROUNDS
# (default 3) times. Prints requests/s, p50 and p99 latency, each round's
# lookup/ceiling ratio, non-2xx answers and socket errors, and the server's peak RSS
# (VmHWM). Targets, for the median round: ratio >= 0.8, p99 <= 10 ms; no errors in
# any; RSS <= 64 MB. The database is dropped at the end.
# Before measuring, a warm-up pass (BENCH_WARMUP seconds, default 10, 0 for none) of
# the same lookups fills the summary cache, as a running server's would be; its figures
# are printed as "cold" but not judged. BENCH_DB names the database (default
# fairrate_bench_api), so that two people on one machine do not drop each other's.
# Then a crawl from many addresses: a second server with the default rate limits, and
# BENCH_CRAWL_ADDRS (default 60000) clients, each bound to its own loopback address
# (127.1.0.0 and up), each making BENCH_CRAWL_REQS (default 2) HEAD /v1/openapi.yaml on
# one connection (no database: the per-address limiter's cost shows). Prints requests/s,
# p50 and p99; not judged. BENCH_CRAWL_ONLY=1 runs the crawl alone (no demo world, no
# wrk); BENCH_CRAWL_ADDRS=0 skips it.
#   BIN=path/to/fairrate [BENCH_SERVE_ARGS="--pool-size 3 --threads 4"] \
#       scripts/bench-api.sh [COMPANIES] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
crawl_only=${BENCH_CRAWL_ONLY:-0}
crawl_addrs=${BENCH_CRAWL_ADDRS:-60000}
crawl_reqs=${BENCH_CRAWL_REQS:-2}
[ "$crawl_only" = 1 ] || command -v wrk >/dev/null || {
  echo "bench: wrk is not installed" >&2; exit 1; }
companies=${1:-10000}
seconds=${2:-10}
dbname=${BENCH_DB:-fairrate_bench_api}
warmup=${BENCH_WARMUP:-10}
rounds=${BENCH_ROUNDS:-3}
as_of="2026-03-01T00:00:00Z"
port=${BENCH_PORT:-18089}
export FAIRRATE_SHARE_DIR="$root" FAIRRATE_NOW="$as_of"
. scripts/bench-http.sh

with_db() { scripts/db.sh url-for "$1"; }
admin=$(with_db postgres)
export DATABASE_URL=$(with_db "$dbname")
work=$(mktemp -d)
server=""
crawl_server=""

cleanup() {
  stop_server "$server"
  stop_server "$crawl_server"
  rm -rf "$work"
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null


# The crawl: one client per loopback address, a few requests each, on a server with
# the default limits, so that the per-address buckets fill up (100,000 at most).
crawl() {
  [ "$crawl_addrs" -gt 0 ] || return 0
  cat >"$work/crawl.py" <<'PY'
import socket, sys, time
from multiprocessing import Pool

port, addrs, reqs, procs = (int(a) for a in sys.argv[1:5])
REQ = b"HEAD /v1/openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

def crawl(part):
    lat, codes, errors = [], {}, 0
    for i in range(part, addrs, procs):
        src = "127.%d.%d.%d" % (1 + (i >> 16), (i >> 8) & 255, i & 255)
        try:
            s = socket.socket()
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.settimeout(10)
            s.bind((src, 0))
            s.connect(("127.0.0.1", port))
            for _ in range(reqs):
                t = time.perf_counter()
                s.sendall(REQ)
                buf = b""
                while b"\r\n\r\n" not in buf:
                    d = s.recv(4096)
                    if not d:
                        raise OSError("closed")
                    buf += d
                lat.append(time.perf_counter() - t)
                c = buf[9:12].decode()
                codes[c] = codes.get(c, 0) + 1
            s.close()
        except OSError:
            errors += 1
    return lat, codes, errors

if __name__ == "__main__":
    t0 = time.perf_counter()
    with Pool(procs) as p:
        res = p.map(crawl, range(procs))
    took = time.perf_counter() - t0
    lat = sorted(x for r in res for x in r[0])
    codes = {}
    for r in res:
        for k, v in r[1].items():
            codes[k] = codes.get(k, 0) + v
    n = len(lat) or 1
    print("crawl: %d addresses x %d: %.0f requests/s, p50 %.2f ms, p99 %.2f ms,"
          " statuses %s, connection errors %d" % (addrs, reqs, len(lat) / took,
          lat[len(lat) // 2] * 1000 if lat else 0, lat[int(len(lat) * 0.99)] * 1000
          if lat else 0, " ".join("%s:%d" % kv for kv in sorted(codes.items())),
          sum(r[2] for r in res)))
PY
  FAIRRATE_ACCESS_LOG=off "$bin" serve --listen "127.0.0.1:$((port + 1))" \
    ${BENCH_SERVE_ARGS:-} >"$work/crawl-serve.log" 2>&1 &
  crawl_server=$!
  wait_up $((port + 1)) "$work/crawl-serve.log"
  echo "bench: crawl from $crawl_addrs loopback addresses, $crawl_reqs requests each"
  python3 "$work/crawl.py" $((port + 1)) "$crawl_addrs" "$crawl_reqs" 2
  stop_server "$crawl_server"
  crawl_server=""
}
if [ "$crawl_only" = 1 ]; then
  crawl
  exit 0
fi

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
wait_up "$port" "$work/serve.log"

# The requests are built once per wrk thread, so that drawing one costs the client
# next to nothing: the client shares the two cores with the server, and a request made
# afresh each time (wrk.format) cost it half again what a /healthz request does,
# time the server then lacked.
cat >"$work/lookup.lua" <<'LUA'
local reqs = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  local auth = "Bearer " .. os.getenv("BENCH_KEY")
  for slug in io.lines(os.getenv("BENCH_SLUGS")) do
    reqs[#reqs + 1] = wrk.format("GET", "/v1/companies/" .. slug, {["Authorization"] = auth})
  end
  math.randomseed(seed * 7919)
end
function request()
  return reqs[math.random(#reqs)]
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
field() { wrk_field "$work/$1.out" "$2"; }

if [ "$warmup" -gt 0 ]; then
  echo "bench: warm-up: GET /v1/companies/{slug}, ${warmup}s (not judged)"
  run cold "http://127.0.0.1:$port/v1/companies/x" "$work/lookup.lua" "$warmup"
fi
# Lookups and /healthz in turns, BENCH_ROUNDS times: the machine's other load moves
# both, so each round's ratio compares figures taken a few seconds apart, and the
# median round is judged.
echo "bench: GET /v1/companies/{slug} over $(wc -l <"$work/slugs") companies and GET /healthz," \
  "${seconds}s each, $rounds rounds"
names=""
[ "$warmup" -gt 0 ] && names="cold"
for i in $(seq "$rounds"); do
  run "lookup$i" "http://127.0.0.1:$port/v1/companies/x" "$work/lookup.lua"
  run "healthz$i" "http://127.0.0.1:$port/healthz"
  names="$names lookup$i healthz$i"
  awk -v a="$(field "lookup$i" rps)" -v b="$(field "healthz$i" rps)" -v i="$i" \
    'BEGIN { printf "%.4f %d\n", (b > 0) ? (a / b) : 0, i }' >>"$work/ratios"
done
rss_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server/status")
crawl

printf '%-22s %12s %10s %10s %9s %9s\n' route "requests/s" "p50 ms" "p99 ms" non-2xx socket
for n in $names; do
  printf '%-22s %12s %10s %10s %9s %9s\n' "$n" "$(field $n rps)" "$(field $n p50)" \
    "$(field $n p99)" "$(field $n non2xx)" "$(field $n socket)"
done
read -r ratio median < <(sort -n "$work/ratios" | sed -n "$(( (rounds + 1) / 2 ))p")
echo "ratios lookup/ceiling by round: $(sort -k2n "$work/ratios" | awk '{ printf "%s%.2f", (NR > 1) ? " " : "", $1 }')"
ratio=$(printf '%.2f' "$ratio")
echo "ratio lookup/ceiling (median round, $median): $ratio (target >= 0.8)"
echo "p99 lookup (that round): $(field "lookup$median" p99) ms (target <= 10)"
curl -fs "http://127.0.0.1:$port/metrics" | awk '
  /^fairrate_summary_cache_(hits_total|misses_total|evictions_total|entries|bytes) / {
    sub("fairrate_summary_cache_", ""); printf "summary cache %s: %s\n", $1, $2 }'
echo "server peak RSS (VmHWM): $((rss_kb / 1024)) MB (target <= 64)"
errors=0
for n in $names; do
  errors=$(( errors + $(field $n non2xx) + $(field $n socket) ))
done
echo "errors: $errors (target 0)"
ok=$(awk -v r="$ratio" -v p="$(field "lookup$median" p99)" -v m="$((rss_kb / 1024))" -v e="$errors" \
  'BEGIN { print (r >= 0.8 && p <= 10 && m <= 64 && e == 0) ? "met" : "missed" }')
echo "bench-api: targets $ok"
