#!/usr/bin/env bash
# Dispute benchmark: from the accept decision to the corrected rating visible through
# the API, for a company with 1,000 evidence rows. In a database of its own
# (fairrate_bench_dispute): migrate, generate the company (1,000 evidence rows over
# 20 domains, every check code of the shipped methodology), rate it with
# `fairrate score`, serve, then N times: the company opens a dispute on one failing
# row, an admin takes it, and the clock runs from sending the accept decision until
# GET /v1/companies/{slug} (an investor key) shows the new rating (its as_of and
# score): the decision's own time plus that of every read until the change shows
# (the decision rescored the company in its transaction; reads past the first are
# only needed while the summary cache has not heard of the change). Prints p50/p90/p99/max in ms; target p99
# <= 100 ms. The database is dropped at the end.
#   BIN=path/to/fairrate scripts/bench-dispute.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
n=${1:-200}
dbname=fairrate_bench_dispute
port=${BENCH_PORT:-18093}
export FAIRRATE_SHARE_DIR="$root"

with_db() { scripts/db.sh url-for "$1"; }
admin=$(with_db postgres)
url=$(with_db "$dbname")
export DATABASE_URL="$url"
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null

codes=$(grep -o '"code": "[a-z_]*\.[a-z0-9_.]*"' methodology/2026.1.json |
  sed 's/"code": "\(.*\)"/'"'"'\1'"'"'/' | paste -sd, -)
psql "$url" -v ON_ERROR_STOP=1 -qAt <<SQL
INSERT INTO companies (slug, name, sector, size_band, country)
VALUES ('bench-disputed', 'Bench Disputed', 'finance', 'large', 'JP');
INSERT INTO assets (company_id, kind, value, source)
SELECT c.id, 'domain', 'd' || k || '.bench.example', 'bench'
FROM companies c, generate_series(1, 20) k WHERE c.slug = 'bench-disputed';
INSERT INTO evidence (company_id, asset_id, check_code, outcome, observation_key, source,
                      first_seen, last_seen)
SELECT a.company_id, a.id, (ARRAY[$codes])[1 + j % array_length(ARRAY[$codes], 1)],
       CASE WHEN j % 3 = 0 THEN 'fail' ELSE 'pass' END, 'obs-' || j, 'bench',
       now() - interval '20 days', now() - interval '1 day'
FROM assets a, generate_series(1, 50) j;
SQL
rows=$(psql "$url" -qAtc "SELECT count(*) FROM evidence")
"$bin" score >/dev/null
company_key=$("$bin" keys create --role company --company bench-disputed | tail -n 1)
admin_key=$("$bin" keys create --role admin | tail -n 1)
investor_key=$("$bin" keys create --role investor | tail -n 1)
FAIRRATE_RATE_LIMIT=0 FAIRRATE_ACCESS_LOG=off FAIRRATE_DISPUTES_PER_DAY=100000 \
  FAIRRATE_WEBHOOK_WORKER=off "$bin" serve --listen "127.0.0.1:$port" 2>/dev/null &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
api=http://127.0.0.1:$port
ids=$(psql "$url" -qAtc "SELECT id FROM evidence WHERE outcome = 'fail' ORDER BY id LIMIT $n")
times=()
for ev in $ids; do
  id=$(curl -fs -X POST "$api/v1/me/disputes" -H "Authorization: Bearer $company_key" \
    -H 'Content-Type: application/json' \
    -d "{\"reason\": \"false_positive\", \"explanation\": \"bench\", \"evidence_ids\": [$ev]}" |
    sed 's/^{"id":\([0-9]*\).*/\1/')
  curl -fs -X POST "$api/v1/staff/disputes/$id/assign" -H "Authorization: Bearer $admin_key" \
    -H 'Content-Type: application/json' -d '{}' >/dev/null
  before=$(curl -fs "$api/v1/companies/bench-disputed" -H "Authorization: Bearer $investor_key")
  # curl's own clocks (time_total, seconds), so that starting curl is not counted.
  t_decide=$(curl -fs -o /dev/null -w '%{time_total}' -X POST \
    "$api/v1/staff/disputes/$id/decision" -H "Authorization: Bearer $admin_key" \
    -H 'Content-Type: application/json' -d '{"outcome": "accepted", "rationale": "bench"}')
  # Read until the summary changes: the server's summary cache is invalidated by a
  # database notification, so the first read may still see the rating of before.
  t_read=0
  for _ in $(seq 200); do
    after=$(curl -fs -w '\n%{time_total}' "$api/v1/companies/bench-disputed" \
      -H "Authorization: Bearer $investor_key")
    t_read=$(awk -v a="$t_read" -v b="${after##*$'\n'}" 'BEGIN { print a + b }')
    after=${after%$'\n'*}
    [ "$before" != "$after" ] && break
  done
  [ "$before" != "$after" ] || { echo "bench: the rating did not change after dispute $id" >&2; exit 1; }
  times+=($(awk -v a="$t_decide" -v b="$t_read" 'BEGIN { printf "%d", (a + b) * 1000000 }'))
done
printf '%s\n' "${times[@]}" | sort -n | awk -v rows="$rows" '
  { v[NR] = $1 }
  END {
    n = NR
    printf "bench-dispute: %d decisions on a company with %d evidence rows\n", n, rows
    printf "accept -> corrected rating visible (us): p50 %d  p90 %d  p99 %d  max %d\n",
      v[int(n * 0.50 + 0.5)], v[int(n * 0.90 + 0.5)], v[int(n * 0.99 + 0.5)], v[n]
    printf "target p99 <= 100000 us: %s\n", v[int(n * 0.99 + 0.5)] <= 100000 ? "met" : "MISSED"
  }'
