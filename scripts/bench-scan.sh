#!/usr/bin/env bash
# Scanner benchmark (make bench-scan). 2,000 host names served on loopback by nginx
# (one wildcard certificate of a CA made here, security headers, HTTP redirecting to
# HTTPS, TLS 1.0 to 1.3 with OpenSSL's default suites); fairrate scan --once does every
# web check (HTTPS with certificate verification and header checks, the TLS
# enumeration of versions and weak suites, the HTTP redirect check) and writes the
# evidence to PostgreSQL; then curl --parallel --parallel-max 64 fetches the same
# https:// URLs to /dev/null. Prints hosts/s of both, the ratio (fairrate / curl),
# fairrate's peak RSS and, on the private cluster of scripts/db.sh, PostgreSQL's CPU
# seconds in each run of the web checks. Then sslscan enumerates a sample of the same
# hosts (BENCH_SSLSCAN_HOSTS, 20; one after another, as it works): its hosts/s, the
# ratio fairrate / sslscan, and whether every sampled host got the same protocol and
# suite verdicts from both (scripts/sslscan-verdicts.sh). Only 127.0.0.1 is ever
# contacted.
# Needs nginx (nginx-light) and sslscan.
#   BIN=path/to/fairrate scripts/bench-scan.sh [HOSTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
  echo "bench: nginx is needed (apt-get install nginx-light)" >&2; exit 1; }
command -v sslscan >/dev/null || { echo "bench: sslscan is needed (apt-get install sslscan)" >&2; exit 1; }
hosts=${1:-2000}
dbname=fairrate_bench_scan
export FAIRRATE_SHARE_DIR="$root"

with_db() { scripts/db.sh url-for "$1"; }
# PostgreSQL's CPU seconds so far (the postmaster, its processes, those it reaped), when
# the bench runs on the private cluster of scripts/db.sh; empty otherwise.
pg_pid=
[ -z "${DATABASE_URL:-}" ] && [ -r "$root/var/pg/data/postmaster.pid" ] &&
  pg_pid=$(head -n 1 "$root/var/pg/data/postmaster.pid")
pg_cpu() {
  [ -n "$pg_pid" ] && [ -r "/proc/$pg_pid/stat" ] || return 0
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$pg_pid/stat"
    for c in $(ps -o pid= --ppid "$pg_pid"); do
      awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true   # it may have ended
    done; } | awk -v t="$(getconf CLK_TCK)" '{s += $1} END {printf "%.2f", s / t}'
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
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ssl_ciphers "DEFAULT:@SECLEVEL=0";
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

runs=${BENCH_RUNS:-3}
echo "bench-scan: $hosts host names on 127.0.0.1 (nginx, one worker); best of $runs runs each, alternating"
: > "$work/curl.cfg"
for h in $(seq -f '%05g' 1 "$hosts"); do
  printf 'url = "https://h%s.bench.test/"\noutput = "/dev/null"\n' "$h" >> "$work/curl.cfg"
done
# One fairrate scan --once from no evidence and every job due; extra arguments are
# passed on. Sets s_e, s_u, s_s (seconds), rss_kb and pg_s (PostgreSQL's CPU seconds
# during the scan, "" when not known).
run_scan() {
  # Vacuumed at once: autovacuum of the last run's deleted rows would otherwise land in
  # some later scan (up to 1.5 CPU s of PostgreSQL's).
  psql "$DATABASE_URL" -qAtc "DELETE FROM evidence" -c "VACUUM evidence" -c \
    "UPDATE scan_jobs SET due_at = now() - interval '1 second'" >/dev/null 2>&1 || true
  p0=$(pg_cpu)
  /usr/bin/time -f '%M %e %U %S' -o "$work/time.txt" "$bin" scan --once --json --no-mail \
    --concurrency 64 --allow 127.0.0.0/8 --ca-file "$work/ca.pem" \
    --connect-to ":443:127.0.0.1:$https_port" --connect-to ":80:127.0.0.1:$http_port" \
    "$@" > "$work/scan.json"
  read -r rss_kb s_e s_u s_s < "$work/time.txt"
  sleep 0.2                              # the scan's backends exit and are reaped
  p1=$(pg_cpu)
  pg_s=; [ -n "$p0" ] && pg_s=$(echo "$p1 - $p0" | bc -l)
  scanned=$(sed -n 's/.*"domains":\([0-9]*\).*/\1/p' "$work/scan.json")
  [ "$scanned" = "$hosts" ] || { echo "bench: scanned $scanned of $hosts" >&2; cat "$work/scan.json"; exit 1; }
  [ "$rss_kb" -gt "${peak_rss:-0}" ] && peak_rss=$rss_kb
  return 0
}
better() { [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; }

# Each run: the web checks alone (the work curl's fetch is compared with), curl, then
# the whole scan with the TLS enumeration (the work sslscan is compared with, below).
web_s=; curl_s=; full_s=
for run in $(seq "$runs"); do
  run_scan --no-tls-enum
  if better "$web_s" "$s_e"; then web_s=$s_e; web_cpu=$(echo "$s_u + $s_s" | bc -l); fi
  web_line=$(printf 'web checks %.2f s (%.2f CPU s, %.1f MB%s)' "$s_e" "$(echo "$s_u + $s_s" | bc -l)" \
    "$(echo "$rss_kb / 1024" | bc -l)" "${pg_s:+$(printf ', PostgreSQL %.2f CPU s' "$pg_s")}")
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$work/curl-time.txt" curl --parallel --parallel-max 64 \
    --silent --no-progress-meter --cacert "$work/ca.pem" \
    --connect-to "::127.0.0.1:$https_port" -K "$work/curl.cfg" 2>/dev/null
  end=$(date +%s.%N)
  c_e=$(echo "$end - $start" | bc -l)
  read -r c_u c_s < "$work/curl-time.txt"
  if better "$curl_s" "$c_e"; then curl_s=$c_e; curl_cpu=$(echo "$c_u + $c_s" | bc -l); fi
  run_scan
  rows=$(psql "$DATABASE_URL" -qAtc "SELECT count(*) FROM evidence WHERE source = 'fairrate-scan'")
  if better "$full_s" "$s_e"; then full_s=$s_e; fi
  printf '  run %s: fairrate %s, with TLS enumeration %.2f s (%.2f CPU s, %.1f MB); curl %.2f s (%.2f CPU s)\n' \
    "$run" "$web_line" "$s_e" "$(echo "$s_u + $s_s" | bc -l)" "$(echo "$rss_kb / 1024" | bc -l)" \
    "$c_e" "$(echo "$c_u + $c_s" | bc -l)"
done

awk -v n="$hosts" -v w="$web_s" -v f="$full_s" -v c="$curl_s" -v rss="$peak_rss" -v rows="$rows" \
  -v wc="$web_cpu" -v cc="$curl_cpu" 'BEGIN {
  printf "fairrate scan --no-tls-enum (web checks, evidence written): %.2f s, %.0f hosts/s\n", w, n / w;
  printf "curl --parallel --parallel-max 64 (bare https fetch): %.2f s, %.0f hosts/s\n", c, n / c;
  printf "ratio (fairrate web checks / curl): %.2f   target >= 1.0\n", c / w;
  printf "fairrate scan with the TLS enumeration: %.2f s, %.0f hosts/s, %d evidence rows; ratio to curl %.2f\n", f, n / f, rows, c / f;
  printf "fairrate peak RSS (either scan): %.1f MB   target <= 128 MB\n", rss / 1024;
  printf "CPU seconds (user+sys) of the web checks: fairrate %.2f, curl %.2f\n", wc, cc;
}'
scan_s=$full_s

# sslscan on a sample of the same hosts, and the verdicts compared host by host.
sample=${BENCH_SSLSCAN_HOSTS:-20}
[ "$sample" -gt "$hosts" ] && sample=$hosts
step=$(( hosts / sample ))
start=$(date +%s.%N)
for i in $(seq 1 "$sample"); do
  h=$(printf 'h%05d.bench.test' $(( (i - 1) * step + 1 )))
  scripts/sslscan-verdicts.sh "127.0.0.1:$https_port" "$h" > "$work/sslscan-$h.txt"
done
end=$(date +%s.%N)
sslscan_s=$(echo "$end - $start" | bc -l)
same=0
for f in "$work"/sslscan-*.txt; do
  h=${f#"$work"/sslscan-}; h=${h%.txt}
  ours=$(psql "$DATABASE_URL" -qAt -v host="$h" <<'SQL'
SELECT 'versions=' || coalesce((SELECT string_agg(v, ',' ORDER BY o)
    FROM evidence e JOIN assets a ON a.id = e.asset_id,
    jsonb_array_elements_text(e.details->'accepted') WITH ORDINALITY AS x(v, o)
    WHERE a.value = :'host' AND e.check_code = 'tls.legacy_protocol'), '')
  || (SELECT string_agg(format(' %s=%s', c, (c IN (SELECT x->>'class'
      FROM evidence e JOIN assets a ON a.id = e.asset_id,
      jsonb_array_elements(e.details->'accepted') AS x
      WHERE a.value = :'host' AND e.check_code IN ('tls.cipher_insecure',
        'tls.cipher_3des', 'tls.cipher_cbc_sha1', 'tls.no_forward_secrecy')))::int), ''
      ORDER BY n)
    FROM unnest(ARRAY['null', 'anonymous', 'export', 'rc4', '3des', 'cbc_sha1',
      'no_forward_secrecy']) WITH ORDINALITY AS k(c, n))
SQL
)
  theirs=$(cat "$f")
  if [ "$ours" = "$theirs" ]; then same=$((same + 1))
  else echo "  $h: fairrate '$ours', sslscan '$theirs'"; fi
done
awk -v n="$hosts" -v s="$scan_s" -v m="$sample" -v t="$sslscan_s" -v same="$same" 'BEGIN {
  printf "sslscan (%d of the hosts, one after another): %.2f s, %.1f hosts/s\n", m, t, m / t;
  printf "ratio (fairrate with the TLS enumeration / sslscan): %.1f   target >= 5\n", (n / s) / (m / t);
  printf "same protocol and suite verdicts: %d of %d hosts\n", same, m;
}'
[ "$same" = "$sample" ]
