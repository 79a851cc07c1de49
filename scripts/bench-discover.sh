#!/usr/bin/env bash
# Asset discovery benchmark (make bench-discover). 1,000 companies, each with one seed
# domain bench-N.test, served by a local DNS server (tests/bench/dns_zone.c on
# 127.0.0.1: MX, SPF include, www/mx/vpn hosts, a CDN CNAME; everything else
# NXDOMAIN). fairrate discover runs with the shipped wordlist (data/discovery-words.txt)
# and writes every company's names to PostgreSQL. Prints companies (seed domains) per
# second, the DNS queries it asked and their rate, and fairrate's peak RSS (target at
# most 64 MB, /usr/bin/time). The baseline, measured in the same run, is the DNS
# server's own rate for the same queries: how close discovery comes to the cost of
# its lookups alone (the resolver waits for each answer: one query at a time).
# Only 127.0.0.1 is contacted. Needs cc and GNU time.
#   BIN=path/to/fairrate scripts/bench-discover.sh [COMPANIES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="${BIN:-fairrate}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "bench: no fairrate binary at $bin (run make first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed (apt-get install time)" >&2; exit 1; }
companies=${1:-1000}
dbname=fairrate_bench_discover
export FAIRRATE_SHARE_DIR="$root"
admin=$(scripts/db.sh url-for postgres)
export DATABASE_URL="$(scripts/db.sh url-for "$dbname")"
work=$(mktemp -d /tmp/fairrate-bench-discover-XXXXXX)
dns_pid=
cleanup() {
  [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null && { wait "$dns_pid" 2>/dev/null || true; }
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/dns_zone" tests/bench/dns_zone.c
port=$(( 20000 + RANDOM % 20000 ))
"$work/dns_zone" "$port" "$companies" > "$work/queries.txt" &
dns_pid=$!

psql "$admin" -qAtc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $dbname" >/dev/null
"$bin" migrate >/dev/null
psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO companies (slug, name, sector, size_band, country)
  SELECT format('bench-%s', n), format('Bench %s', n), 'retail', 'small', 'DE'
  FROM generate_series(1, $companies) n;
INSERT INTO assets (company_id, kind, value, source)
  SELECT id, 'domain', slug || '.test', 'bench' FROM companies;
SQL

echo "bench-discover: $companies seed domains, DNS on 127.0.0.1:$port, wordlist of" \
  "$(grep -cv '^#' data/discovery-words.txt) labels"
/usr/bin/time -f '%M %e %U %S' -o "$work/time.txt" "$bin" discover \
  --nameserver "127.0.0.1:$port" > "$work/out.txt"
kill -TERM "$dns_pid"; wait "$dns_pid" || true; dns_pid=
read -r rss_kb secs user sys < "$work/time.txt"
queries=$(cat "$work/queries.txt")
cat "$work/out.txt"
names=$(psql "$DATABASE_URL" -qAtc "SELECT count(*) FROM asset_candidates")

# The baseline: the same number of queries, one at a time, by a plain resolver loop.
"$work/dns_zone" "$port" "$companies" > /dev/null &
dns_pid=$!
cat > "$work/loop.c" <<'C'
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
int main(int argc, char **argv) {
	struct __res_state res; unsigned char ans[4096]; char name[64];
	long n = atol(argv[2]), companies = atol(argv[3]), i;
	res_ninit(&res); res.nscount = 1; res.nsaddr_list[0].sin_family = AF_INET;
	res.nsaddr_list[0].sin_port = htons((unsigned short)atoi(argv[1]));
	inet_pton(AF_INET, "127.0.0.1", &res.nsaddr_list[0].sin_addr);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "w%ld.bench-%ld.test", i, 1 + i % companies);
		res_nquery(&res, name, ns_c_in, ns_t_a, ans, sizeof(ans));
	}
	return 0;
}
C
cc -O2 -o "$work/loop" "$work/loop.c" -lresolv
start=$(date +%s.%N)
"$work/loop" "$port" "$queries" "$companies"
end=$(date +%s.%N)
base=$(echo "$end - $start" | bc -l)

awk -v c="$companies" -v s="$secs" -v q="$queries" -v b="$base" -v rss="$rss_kb" \
  -v n="$names" -v cpu="$(echo "$user + $sys" | bc -l)" 'BEGIN {
  printf "fairrate discover: %.2f s, %.0f seed domains/s, %d names recorded, %d DNS queries (%.0f/s), %.2f CPU s\n", s, c / s, n, q, q / s, cpu;
  printf "baseline (the same number of queries, one at a time, by a bare resolver loop): %.2f s, %.0f queries/s\n", b, q / b;
  printf "ratio (fairrate queries/s / baseline): %.2f\n", (q / s) / (q / b);
  printf "fairrate peak RSS: %.1f MB   target <= 64 MB\n", rss / 1024;
}'
[ "$rss_kb" -le $((64 * 1024)) ]
