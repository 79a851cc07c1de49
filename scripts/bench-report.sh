#!/usr/bin/env bash
# Report benchmark (make bench-report). In a database of its own (fairrate_bench_report):
# migrate, load a 1,000-company demo world with twelve months of history, rate it,
# serve it, then with wrk (2 threads, 2 connections, 10 s each) measure
# GET /v1/staff/companies/{slug}/report.pdf (every company, drawn from a file of
# slugs) and, as the baseline in the same run, GET /v1/staff/companies/{slug}/plan
# ?target=100 (the same rating inputs and plan, no drawing). Prints reports/s, p50 and
# p99, the ratio to the baseline, errors and the server's peak RSS (VmHWM). Targets:
# >= 50 reports/s, RSS <= 64 MB, no errors. BENCH_LANG=ja draws Japanese reports.
#   BIN=path/to/fairrate scripts/bench-report.sh [COMPANIES] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is not installed" >&2; exit 1; }
companies=${1:-1000}
seconds=${2:-10}
lang=${BENCH_LANG:-en}
dbname=${BENCH_DB:-fairrate_bench_report}
port=${BENCH_PORT:-18093}
export FAIRRATE_SHARE_DIR="$root"
. scripts/bench-http.sh
admin=$(scripts/db.sh url-for postgres)
export DATABASE_URL=$(scripts/db.sh url-for "$dbname")
work=$(mktemp -d)
server=""
cleanup() {
  stop_server "$server"
  rm -rf "$work"
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
echo "bench: loading $companies demo companies with twelve months of history"
"$bin" demo --companies "$companies" --seed 2026 --history-months 12 >/dev/null
"$bin" score >/dev/null
psql "$DATABASE_URL" -qAtc "ANALYZE" >/dev/null
psql "$DATABASE_URL" -qAtc "SELECT c.slug FROM companies c WHERE EXISTS (SELECT 1
  FROM ratings r WHERE r.company_id = c.id) ORDER BY md5(slug)" >"$work/slugs"
key=$("$bin" keys create --role analyst --name bench | tail -n 1)

FAIRRATE_RATE_LIMIT=0 FAIRRATE_ACCESS_LOG=off \
  "$bin" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
wait_up "$port" "$work/serve.log"

cat >"$work/path.lua" <<'LUA'
local slugs = {}
for line in io.lines(os.getenv("BENCH_SLUGS")) do slugs[#slugs + 1] = line end
local auth = "Bearer " .. os.getenv("BENCH_KEY")
local suffix = os.getenv("BENCH_SUFFIX")
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
  return wrk.format("GET", "/v1/staff/companies/" .. slug .. suffix, {["Authorization"] = auth})
end
LUA
run() {
  BENCH_SLUGS="$work/slugs" BENCH_KEY="$key" BENCH_SUFFIX="$2" wrk -t2 -c2 \
    -d"${seconds}s" --latency -s "$work/path.lua" "http://127.0.0.1:$port" >"$work/$1.out"
}
# field NAME WHAT: rps, p50, p99 (ms), or errors (non-2xx and socket errors)
field() {
  if [ "$2" = errors ]; then
    echo $(( $(wrk_field "$work/$1.out" non2xx) + $(wrk_field "$work/$1.out" socket) ))
  else
    wrk_field "$work/$1.out" "$2"
  fi
}
# One report checked first: a PDF of one page.
curl -fs -H "Authorization: Bearer $key" \
  "http://127.0.0.1:$port/v1/staff/companies/$(head -n 1 "$work/slugs")/report.pdf?lang=$lang" \
  -o "$work/one.pdf"
head -c 5 "$work/one.pdf" | grep -q '%PDF-' || { echo "bench: no PDF came back"; exit 1; }

echo "bench: baseline GET .../plan?target=100 (same inputs, no drawing), ${seconds}s"
run plan "/plan?target=100"
echo "bench: GET .../report.pdf?lang=$lang, ${seconds}s"
run report "/report.pdf?lang=$lang"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")   # kB
pdf=$(field report rps); base=$(field plan rps)
errors=$(( $(field report errors) + $(field plan errors) ))
ratio=$(awk -v a="$pdf" -v b="$base" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
printf 'report.pdf: %.1f reports/s, p50 %.1f ms, p99 %.1f ms (%s, %d companies)\n' \
  "$pdf" "$(field report p50)" "$(field report p99)" "$lang" "$(wc -l <"$work/slugs")"
printf 'plan (baseline): %.1f requests/s, p50 %.1f ms, p99 %.1f ms\n' \
  "$base" "$(field plan p50)" "$(field plan p99)"
printf 'ratio report/plan: %s; errors: %d; server peak RSS: %.1f MB\n' "$ratio" "$errors" \
  "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
ok=1
awk -v a="$pdf" 'BEGIN { exit !(a >= 50) }' || { echo "bench: below 50 reports/s"; ok=0; }
[ "$rss" -le 65536 ] || { echo "bench: peak RSS above 64 MB"; ok=0; }
[ "$errors" -eq 0 ] || { echo "bench: errors"; ok=0; }
[ "$ok" = 1 ] && echo "bench: targets met (>= 50 reports/s, RSS <= 64 MB, no errors)"
