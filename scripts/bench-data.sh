# shellcheck shell=bash
# What the rescoring and preview benchmarks share (scripts/bench-rescore.sh,
# scripts/bench-preview.sh source this file; it runs nothing by itself):
#   bench_bin              $BIN (default ./fairrate) as an absolute path in bin; exits
#                          when it is not an executable
#   bench_db NAME          admin (the postgres database) and url (database NAME) from
#                          $DATABASE_URL or scripts/db.sh; exports DATABASE_URL=url
#   bench_codes            codes: the check codes of methodology/2026.1.json, quoted
#                          for SQL and comma-separated
#   generate FROM TO       companies FROM..TO with their assets and $per evidence rows
#                          each, into $url, as of $as_of (deterministic: SQL
#                          generate_series); then VACUUM (ANALYZE) and CHECKPOINT, so
#                          that a measured run starts from the state autovacuum leaves
#                          a bulk load in and does not share the machine with the
#                          generator's writes still going to disk
# The caller sets root (the checkout) and works from it, and sets per and as_of.

bench_bin() {
  bin="${BIN:-fairrate}"
  case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
  [ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
}

bench_db() {
  admin=$(scripts/db.sh url-for postgres)
  url=$(scripts/db.sh url-for "$1")
  export DATABASE_URL="$url"
}

bench_codes() {
  codes=$(grep -o '"code": "[a-z_]*\.[a-z0-9_.]*"' methodology/2026.1.json |
    sed 's/"code": "\(.*\)"/'"'"'\1'"'"'/' | paste -sd, -)
  [ -n "$codes" ] || { echo "bench: no check codes in methodology/2026.1.json" >&2; exit 1; }
}

# 1 to 6 domains a company; distinct checks per company, about 60% pass, 30% fail,
# 10% info, last seen 0 to 119 days before the as-of time (so some evidence has aged
# out), a few disputed.
generate() {
  psql "$url" -v ON_ERROR_STOP=1 -qAt >/dev/null <<SQL
INSERT INTO companies (id, slug, name, sector, size_band, country)
SELECT g, 'bench-' || g, 'Bench company ' || g,
       (ARRAY['finance','health','retail','energy','public_sector'])[1 + g % 5],
       (ARRAY['micro','small','medium','large','enterprise'])[1 + (g / 5) % 5], 'JP'
FROM generate_series($1, $2) g;
SELECT setval('companies_id_seq', $2);
INSERT INTO assets (company_id, kind, value, source)
SELECT g, 'domain', 'd' || k || '.bench-' || g || '.example', 'bench'
FROM generate_series($1, $2) g, generate_series(1, 1 + g % 6) k;
INSERT INTO evidence (company_id, check_code, outcome, source, first_seen, last_seen,
                      status, recorded_at, updated_at)
SELECT g, c.codes[1 + (g * 7 + j) % c.n],
       CASE WHEN (g * 13 + j * 7) % 10 < 6 THEN 'pass'
            WHEN (g * 13 + j * 7) % 10 < 9 THEN 'fail' ELSE 'info' END,
       'bench',
       t.last_seen - ((g + j) % 300) * interval '1 day', t.last_seen,
       CASE WHEN (g * 3 + j) % 97 = 0 THEN 'disputed' ELSE 'active' END,
       t.last_seen, t.last_seen
FROM generate_series($1, $2) g, generate_series(0, $per - 1) j,
     (SELECT ARRAY[$codes] AS codes, cardinality(ARRAY[$codes]) AS n) c,
     LATERAL (SELECT timestamptz '$as_of' - ((g * 31 + j * 17) % 120) * interval '1 day'
             - ((g + j) % 86400) * interval '1 second' AS last_seen) t;
VACUUM (ANALYZE);
CHECKPOINT;
SQL
}
