#!/usr/bin/env bash
# Rescoring benchmark (make bench-rescore). In a database of its own (fairrate_bench):
# migrate, generate 100,000 companies with 20 evidence rows each from SQL
# generate_series (deterministic; the generator is in scripts/bench-data.sh), time a
# full `fairrate score` against a bare COPY of the same evidence columns to /dev/null,
# measure peak RSS, then double to 200,000 companies and do it again. The database is
# dropped at the end.
#   BIN=path/to/fairrate scripts/bench-rescore.sh [COMPANIES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n1=${1:-100000}
per=20
dbname=fairrate_bench
as_of="2026-06-01T00:00:00Z"
export FAIRRATE_SHARE_DIR="$root"
. scripts/bench-data.sh
bench_bin
bench_db "$dbname"

cleanup() { psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
# The generated evidence uses every check code of the shipped methodology.
bench_codes

now() { date +%s.%N; }

# The stream the rescorer reads, without the rating: the same binary COPY as
# rater/rating_store.c's evidence_sql over every company, with the same plan settings
# (rating_store_stream_settings: index order, no parallel workers, no JIT), to
# /dev/null.
stream_settings="SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0; SET jit = off;"
stream_sql="COPY (SELECT company_id, id, check_code, asset_id, outcome, status, first_seen,
  last_seen, recorded_at, updated_at, observation_key FROM evidence
  WHERE status IN ('active', 'disputed') ORDER BY company_id, id) TO STDOUT (FORMAT binary)"

rss_kb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

# measure N AGAIN: a full rescore into an empty ratings table, then the bare stream,
# then (AGAIN=1) a second rescore with nothing changed.
measure() {
  local n=$1 again=$2 t0 t1 t2 t3 rescore stream log
  log=$(mktemp)
  psql "$url" -qAtc "TRUNCATE ratings" >/dev/null
  psql "$url" -qAt -c "$stream_settings" -c "$stream_sql" >/dev/null   # warm the cache for both
  t0=$(now)
  /usr/bin/time -v -o "$log" "$bin" score --as-of "$as_of" --json >"$log.out"
  t1=$(now)
  psql "$url" -qAt -c "$stream_settings" -c "$stream_sql" >/dev/null
  t2=$(now)
  if [ "$again" = 1 ]; then "$bin" score --as-of "$as_of" --json >"$log.again"; fi
  t3=$(now)
  rescore=$(echo "$t1 - $t0" | bc -l)
  stream=$(echo "$t2 - $t1" | bc -l)
  rss=$(rss_kb "$log")
  rows=$(psql "$url" -qAtc "SELECT count(*) FROM ratings")
  printf '%7d companies (%d evidence rows): rescore %.2f s = %.0f companies/s, peak RSS %.1f MB, %s ratings rows\n' \
    "$n" $((n * per)) "$rescore" "$(echo "$n / $rescore" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$rows"
  printf '         bare COPY of the evidence stream %.2f s; rescore/stream = %.2f\n' \
    "$stream" "$(echo "$rescore / $stream" | bc -l)"
  if [ "$again" = 1 ]; then
    printf '         second run, nothing changed: %.2f s, %s new rows\n' \
      "$(echo "$t3 - $t2" | bc -l)" "$(sed -n 's/.*"new_rows": \([0-9]*\).*/\1/p' "$log.again")"
  fi
  eval "rss_$n=$rss"
  rm -f "$log" "$log.out" "$log.again"
}

echo "bench-rescore: generating $n1 companies x $per evidence"
t=$(now); generate 1 "$n1"; echo "  generated in $(printf %.1f "$(echo "$(now) - $t" | bc -l)") s"
measure "$n1" 1
n2=$((n1 * 2))
echo "bench-rescore: adding companies up to $n2"
t=$(now); generate $((n1 + 1)) "$n2"; echo "  generated in $(printf %.1f "$(echo "$(now) - $t" | bc -l)") s"
measure "$n2" 0
eval "a=\$rss_$n1; b=\$rss_$n2"
printf 'peak RSS: %.1f MB at %d companies, %.1f MB at %d companies (ratio %.2f)\n' \
  "$(echo "$a / 1024" | bc -l)" "$n1" "$(echo "$b / 1024" | bc -l)" "$n2" "$(echo "$b / $a" | bc -l)"
