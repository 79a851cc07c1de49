#!/usr/bin/env bash
# size-trend.sh: on a scratch database of the private cluster, load the 300-company
# demo world, rate it under 2026.1, publish the 2026.2 draft at once (short notice,
# scratch only), rate it again, and print per asset-count band the mean score and the
# findings per asset under each version, the correlation of score with log(assets),
# and the back-test (fairrate validate) of both. Used for the figures in
# docs/methodology.md ("2026.2"); nothing here touches the database of `make run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
db=fairrate_size_trend
admin=$(scripts/db.sh url-for postgres)
psql "$admin" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
export DATABASE_URL=$(scripts/db.sh url-for $db)
./fairrate migrate >/dev/null
./fairrate demo --companies 300 --seed 2026 >/dev/null
./fairrate score >/dev/null
for v in 2026.1 2026.2; do
  [ "$v" = 2026.2 ] || { ./fairrate validate --version $v --dry-run | tail -7; continue; }
done
./fairrate methodology create methodology/drafts/2026.2.json >/dev/null
./fairrate methodology preview 2026.2
./fairrate validate --version 2026.2 --dry-run | tail -7
./fairrate methodology publish 2026.2 --effective-at "$(date -u -d '+2 sec' +%Y-%m-%dT%H:%M:%SZ)" \
  --reason "scratch measurement of the size trend only" >/dev/null
sleep 3
./fairrate score >/dev/null
psql "$DATABASE_URL" -P pager=off -c "
WITH r AS (SELECT DISTINCT ON (company_id, methodology_version) company_id,
    methodology_version AS version, score FROM ratings WHERE status = 'rated'
    ORDER BY company_id, methodology_version, id DESC),
a AS (SELECT company_id, count(*) AS n FROM assets WHERE detached_at IS NULL
    GROUP BY company_id),
f AS (SELECT company_id, count(*) FILTER (WHERE outcome = 'fail') AS fails FROM evidence
    WHERE status IN ('active', 'disputed') GROUP BY company_id)
SELECT version, CASE WHEN a.n <= 4 THEN '1-4' WHEN a.n <= 16 THEN '5-16' ELSE '17+' END
    AS assets, count(*) AS companies, round(avg(score), 1) AS mean_score,
    round(avg(fails::numeric / a.n), 2) AS findings_per_asset
FROM r JOIN a USING (company_id) JOIN f USING (company_id) GROUP BY 1, 2 ORDER BY 1, 2;"
psql "$DATABASE_URL" -P pager=off -c "
WITH r AS (SELECT DISTINCT ON (company_id, methodology_version) company_id,
    methodology_version AS version, score FROM ratings WHERE status = 'rated'
    ORDER BY company_id, methodology_version, id DESC),
a AS (SELECT company_id, count(*) AS n FROM assets WHERE detached_at IS NULL
    GROUP BY company_id)
SELECT version, round(corr(score, ln(n))::numeric, 3) AS corr_score_log_assets
FROM r JOIN a USING (company_id) GROUP BY 1 ORDER BY 1;"
psql "$admin" -qAtc "DROP DATABASE $db WITH (FORCE)"
