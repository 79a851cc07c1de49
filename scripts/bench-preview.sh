#!/usr/bin/env bash
# Impact-preview benchmark (make bench-preview). In a database of its own
# (fairrate_bench_preview): migrate, generate COMPANIES companies (default 100,000) with
# the generator bench-rescore.sh uses too (scripts/bench-data.sh), then in the same
# run time a full rescore (`fairrate score`, into an empty ratings table) and a
# preview of a draft (`fairrate methodology preview`: every company rated twice, under
# the draft and the version in force, nothing written but the preview row). Target:
# preview / rescore <= 1.5. The database is dropped at the end.
#   BIN=path/to/fairrate scripts/bench-preview.sh [COMPANIES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-100000}
per=20
dbname=fairrate_bench_preview
as_of="2026-06-01T00:00:00Z"
export FAIRRATE_SHARE_DIR="$root"
. scripts/bench-data.sh
bench_bin
bench_db "$dbname"
work=""
cleanup() {
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup
work=$(mktemp -d)
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
bench_codes

# A draft that moves ratings: TLS weighs more, exposed services less, B starts at 82.
python3 - "$work/draft.json" <<'PY'
import json, sys
d = json.load(open("methodology/2026.1.json"))
d["version"] = "2026.9"
d["title"] = "benchmark draft"
for f in d["factors"]:
    if f["code"] == "tls": f["weight"] = 30
    if f["code"] == "exposed_services": f["weight"] = 15
d["grades"][1]["min_score"] = 82
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
"$bin" methodology create "$work/draft.json" >/dev/null

echo "bench-preview: generating $n companies x $per evidence"
t=$(date +%s.%N); generate 1 "$n"
echo "  generated in $(printf %.1f "$(echo "$(date +%s.%N) - $t" | bc -l)") s"

now() { date +%s.%N; }
rss_kb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
psql "$url" -qAtc "SELECT count(*) FROM evidence" >/dev/null
psql "$url" -qAtc "TRUNCATE ratings" >/dev/null
t0=$(now)
/usr/bin/time -v -o "$work/score.time" "$bin" score --as-of "$as_of" --json >/dev/null
t1=$(now)
/usr/bin/time -v -o "$work/preview.time" \
  "$bin" methodology preview 2026.9 --as-of "$as_of" >"$work/preview.out"
t2=$(now)
"$bin" methodology preview 2026.9 --as-of "$as_of" >/dev/null
t3=$(now)
rescore=$(echo "$t1 - $t0" | bc -l)
preview=$(echo "$t2 - $t1" | bc -l)
again=$(echo "$t3 - $t2" | bc -l)
printf '%7d companies (%d evidence rows)\n' "$n" $((n * per))
printf '  full rescore      %6.2f s  (%.0f companies/s, peak RSS %.1f MB)\n' "$rescore" \
  "$(echo "$n / $rescore" | bc -l)" "$(echo "$(rss_kb "$work/score.time") / 1024" | bc -l)"
printf '  preview           %6.2f s  (%.0f companies/s, peak RSS %.1f MB)\n' "$preview" \
  "$(echo "$n / $preview" | bc -l)" "$(echo "$(rss_kb "$work/preview.time") / 1024" | bc -l)"
printf '  preview, again    %6.2f s\n' "$again"
printf '  preview / rescore = %.2f (target <= 1.5)\n' "$(echo "$preview / $rescore" | bc -l)"
sed 's/^/  /' "$work/preview.out"
