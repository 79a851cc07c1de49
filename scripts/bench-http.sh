# shellcheck shell=bash
# What the HTTP benchmarks share (scripts/bench-api.sh, scripts/bench-api-scale.sh,
# scripts/bench-report.sh source this file; it runs nothing by itself):
#   stop_server PID        TERM a server started in the background and wait for it
#   wait_up PORT LOG       until http://127.0.0.1:PORT/healthz answers, or print the
#                          server's LOG and exit
#   wrk_field FILE WHAT    from wrk --latency output: rps, p50 or p99 (ms), non2xx,
#                          socket (the sum of its socket errors)
#   rss_mb PID             the process's peak resident set (VmHWM) in MB

stop_server() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1"; wait "$1" 2>/dev/null || true
  fi
}

wait_up() {
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: the server did not start"; cat "$2"; exit 1
}

wrk_field() {
  awk -v what="$2" '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    what == "rps" && /^Requests\/sec:/ { print $2 }
    what == "p50" && $1 == "50%" { print ms($2) }
    what == "p99" && $1 == "99%" { print ms($2) }
    what == "non2xx" && /Non-2xx or 3xx responses:/ { n = $NF }
    what == "socket" && /Socket errors:/ {
      gsub(",", ""); s = $4 + $6 + $8 + $10 }
    END { if (what == "non2xx") print n + 0; if (what == "socket") print s + 0 }
  ' "$1"
}

rss_mb() {
  awk '/^VmHWM:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"
}
