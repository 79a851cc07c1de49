#!/usr/bin/env bash
# Scanner benchmark (make bench-scan). 2,000 host names served on loopback by nginx
# (one wildcard certificate of a CA made here, security headers, HTTP redirecting to
# HTTPS); fairrate scan --once does every web check (HTTPS with certificate
# verification and header checks, plus the HTTP redirect check) and writes the
# evidence to PostgreSQL; then curl --parallel --parallel-max 64 fetches the same
# https:// URLs to /dev/null. Prints hosts/s of both, the ratio (fairrate / curl) and
# fairrate's peak RSS. Only 127.0.0.1 is ever contacted. Needs nginx (nginx-light).
#   BIN=path/to/fairrate scripts/bench-scan.sh [HOSTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
  echo "bench: nginx is needed (apt-get install nginx-light)" >&2; exit 1; }
hosts=${1:-2000}
dbname=fairrate_bench_scan
export FAIRRATE_SHARE_DIR="$root"

base="${DATABASE_URL:-$(scripts/db.sh url)}"
with_db() {
  case "$base" in
    *://*\?*) echo "$base&dbname=$1" ;;
    *://*) echo "$base?dbname=$1" ;;
    *) echo "$base dbname=$1" ;;
  esac
}
admin=$(with_db postgres)
export DATABASE_URL="$(with_db "$dbname")"
work=$(mktemp -d /tmp/fairrate-bench-scan-XXXXXX)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A port of 127.0.0.1 that nothing answers on.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
  done
}
https_port=$(free_port); http_port=$(free_port)
while [ "$http_port" = "$https_port" ]; do http_port=$(free_port); done

# A CA and one wildcard certificate for *.bench.test.
(cd "$work"
 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
   -out ca.pem -days 30 -subj /CN=fairrate-bench-ca \
   -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign >/dev/null 2>&1
 openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout site.key \
   -out site.csr -subj /CN=bench.test >/dev/null 2>&1
 printf 'subjectAltName=DNS:*.bench.test\nextendedKeyUsage=serverAuth\n' > site.ext
 openssl x509 -req -in site.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
   -out site.pem -extfile site.ext >/dev/null 2>&1
 mkdir -p tmp)
cat > "$work/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
error_log $work/error.log; pid $work/nginx.pid;
events { worker_connections 4096; }
http { access_log off; default_type text/plain; server_tokens off;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$https_port ssl backlog=4096; server_name _;
    ssl_certificate $work/site.pem; ssl_certificate_key $work/site.key;
    add_header Strict-Transport-Security "max-age=31536000";
    add_header Content-Security-Policy "default-src 'self'";
    add_header X-Content-Type-Options nosniff;
    add_header Set-Cookie "sid=1; Secure; HttpOnly; SameSite=Lax";
    location / { return 200 "bench\n"; } }
  server { listen 127.0.0.1:$http_port backlog=4096; server_name _;
    return 301 https://\$host/; }
}
CONF
/usr/sbin/nginx -p "$work/" -c "$work/nginx.conf" </dev/null >/dev/null 2>&1 &
nginx_pid=$!
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/$https_port) 2>/dev/null && break
  sleep 0.1
done

psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO companies (slug, name, sector, size_band, country)
  SELECT format('bench-%s', c), format('Bench %s', c), 'retail', 'small', 'DE'
  FROM generate_series(1, ($hosts + 9) / 10) c;
INSERT INTO assets (company_id, kind, value, source)
  SELECT (SELECT id FROM companies WHERE slug = format('bench-%s', (h - 1) / 10 + 1)),
    'domain', format('h%s.bench.test', lpad(h::text, 5, '0')), 'bench'
  FROM generate_series(1, $hosts) h;
SQL

echo "bench-scan: $hosts host names on 127.0.0.1 (nginx, one worker)"
/usr/bin/time -f '%M %e' -o "$work/time.txt" "$bin" scan --once --json --no-mail \
  --concurrency 64 --allow 127.0.0.0/8 --ca-file "$work/ca.pem" \
  --connect-to ":443:127.0.0.1:$https_port" --connect-to ":80:127.0.0.1:$http_port" \
  > "$work/scan.json"
read -r rss_kb scan_s < "$work/time.txt"
scanned=$(sed -n 's/.*"domains":\([0-9]*\).*/\1/p' "$work/scan.json")
rows=$(psql "$DATABASE_URL" -qAtc "SELECT count(*) FROM evidence WHERE source = 'fairrate-scan'")
[ "$scanned" = "$hosts" ] || { echo "bench: scanned $scanned of $hosts" >&2; cat "$work/scan.json"; exit 1; }

: > "$work/curl.cfg"
for h in $(seq -f '%05g' 1 "$hosts"); do
  printf 'url = "https://h%s.bench.test/"\noutput = "/dev/null"\n' "$h" >> "$work/curl.cfg"
done
start=$(date +%s.%N)
curl --parallel --parallel-max 64 --silent --no-progress-meter --cacert "$work/ca.pem" \
  --connect-to "::127.0.0.1:$https_port" -K "$work/curl.cfg" 2>/dev/null
end=$(date +%s.%N)
curl_s=$(echo "$end - $start" | bc -l)

awk -v n="$hosts" -v s="$scan_s" -v c="$curl_s" -v rss="$rss_kb" -v rows="$rows" 'BEGIN {
  ours = n / s; theirs = n / c;
  printf "fairrate scan (all web checks, evidence written): %.2f s, %.0f hosts/s, %d evidence rows\n", s, ours, rows;
  printf "curl --parallel --parallel-max 64 (bare https fetch): %.2f s, %.0f hosts/s\n", c, theirs;
  printf "ratio (fairrate / curl): %.2f   target >= 1.0\n", ours / theirs;
  printf "fairrate peak RSS: %.1f MB   target <= 128 MB\n", rss / 1024;
}'
