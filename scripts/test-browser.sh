#!/usr/bin/env bash
# The portal's browser tests: Debian's chromium driven headless by playwright-core
# (pinned in package.json) against `fairrate serve` on a demo world of its own.
#   scripts/test-browser.sh
# Installs chromium with apt when it is missing (as root), runs npm ci when
# playwright-core is missing, creates a database fairrate_browser_$TAG (demo world,
# scores, a back-test, an upcoming methodology version and a previewed draft), creates
# keys, serves on a free loopback port, runs tests/browser/*.test.mjs with node's own
# test runner, and stops everything. Screenshots go to test-output/$TAG/browser/.
# B and BIN choose the build (as for make), FAIRRATE_TEST_TAG the names.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tag=${FAIRRATE_TEST_TAG:-main}
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
out="$root/test-output/$tag/browser"
mkdir -p "$out"
rm -f "$out"/*.png

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "browser tests: chromium is missing; run as root or: sudo apt-get install chromium" >&2
    exit 1
  fi
  echo "browser tests: installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -f node_modules/playwright-core/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
[ -x "$bin" ] || { echo "browser tests: build $bin first (make)" >&2; exit 1; }

db="fairrate_browser_${tag//[^a-z0-9_]/_}"
admin_url=$(scripts/db.sh url-for postgres)
DATABASE_URL=$(scripts/db.sh url-for "$db")
export DATABASE_URL
export FAIRRATE_SHARE_DIR="$root"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  psql "$admin_url" -Atq -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

psql "$admin_url" -v ON_ERROR_STOP=1 -Atq -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
  -c "CREATE DATABASE $db"
{
  "$bin" migrate
  # History before now, so that the history charts have a line to draw.
  "$bin" demo --companies 120 --seed 2026 --history-months 6
  "$bin" score
  "$bin" validate --version 2026.1
} >"$out/setup.log" 2>&1 || { echo "browser tests: setting the world up failed"; cat "$out/setup.log"; exit 1; }

# An upcoming version (published with notice) and a draft with its impact previewed.
python3 - "$root/methodology/2026.1.json" "$work" <<'PY'
import json, sys, datetime
src, work = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
for version, days, weight, points in (("2026.2", 45, 25, 12), ("2026.3", 120, 15, 8)):
    d = json.load(open(src))
    d["version"] = version
    d["title"] = f"fairrate methodology {version}"
    d["effective_at"] = (now + datetime.timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")
    d["change_log"] = f"{version}: exposed services weigh {weight}; an HTTP page that does not redirect to HTTPS costs {points} points."
    for f in d["factors"]:
        if f["code"] == "exposed_services":
            f["weight"] = weight
    for c in d["checks"]:
        if c["code"] == "tls.no_https_redirect":
            c["points"] = points
    json.dump(d, open(f"{work}/{version}.json", "w"), indent=1)
PY
{
  "$bin" methodology create "$work/2026.2.json"
  "$bin" methodology preview 2026.2
  "$bin" methodology publish 2026.2 --effective-at "$(date -u -d '+45 days' +%Y-%m-%dT00:00:00Z)"
  "$bin" methodology create "$work/2026.3.json"
  "$bin" methodology preview 2026.3
} >>"$out/setup.log" 2>&1 || { echo "browser tests: the methodology set-up failed"; cat "$out/setup.log"; exit 1; }

# The company in the tests: the first public, rated company with an active finding.
company=$(psql "$DATABASE_URL" -Atq -c "SELECT c.slug FROM companies c JOIN ratings r ON r.company_id = c.id
  WHERE c.visibility = 'public' AND r.status = 'rated'
    AND EXISTS (SELECT 1 FROM evidence e WHERE e.company_id = c.id AND e.status = 'active' AND e.outcome = 'fail')
  ORDER BY c.id LIMIT 1")
# Two names as fairrate discover records them (the demo world is never scanned): a
# stranger on the company's certificate and a CDN behind its CNAME.
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -Atq -c "INSERT INTO asset_candidates (company_id,
  value, rule, confidence, sources, first_seen, last_seen) SELECT id, v, r, cf, s, now(), now()
  FROM companies, (VALUES ('shop.partner-stranger.example', 'certificate_san', 0.5, '{ct}'::text[]),
  ('cust-1.cdn-provider.example', 'third_party', 0.2, '{dns}'::text[])) AS x(v, r, cf, s)
  WHERE slug = '$company'" >/dev/null
key() { "$bin" keys create "$@" | tail -n 1; }
FAIRRATE_INVESTOR_KEY=$(key --role investor --name browser-investor)
FAIRRATE_COMPANY_KEY=$(key --role company --company "$company" --name browser-company)
FAIRRATE_ANALYST_KEY=$(key --role analyst --name browser-analyst)
FAIRRATE_ADMIN_KEY=$(key --role admin --name browser-admin)
export FAIRRATE_INVESTOR_KEY FAIRRATE_COMPANY_KEY FAIRRATE_ANALYST_KEY FAIRRATE_ADMIN_KEY
export FAIRRATE_COMPANY_SLUG="$company"
export FAIRRATE_COMPANY_NAME=$(psql "$DATABASE_URL" -Atq -c "SELECT name FROM companies WHERE slug = '$company'")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --listen "127.0.0.1:$port" --access-log off --public-rate-limit 0 --rate-limit 0 \
  >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "browser tests: the server died"; cat "$out/server.log"; exit 1; }
  sleep 0.1
done
export FAIRRATE_PORTAL_URL="http://127.0.0.1:$port"
export FAIRRATE_SCREENSHOTS="$out"
export FAIRRATE_CHROMIUM=/usr/bin/chromium

rc=0
node --test --test-concurrency=1 tests/browser/*.test.mjs 2>&1 | tee "$out/node-test.log" || rc=$?
echo "browser tests: screenshots in ${out#$root/}"
exit $rc
