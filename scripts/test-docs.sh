#!/usr/bin/env bash
# Runs the shell examples of README.md and docs/*.md (their ```sh blocks, in order, one
# bash per file) against a demo world of their own, as a reader would paste them,
# so that the docs cannot drift from the program. A block after the line
# "<!-- docs-test: skip (why) -->" is not run. In the examples, curl fails on any HTTP
# error (a wrapper adds --fail-with-body), every command must succeed, and
# http://127.0.0.1:8080 is this run's server. make test runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tag=${FAIRRATE_TEST_TAG:-main}
db="fairrate_docs_$tag"
admin=$(scripts/db.sh url-for postgres)
export DATABASE_URL=$(scripts/db.sh url-for "$db") FAIRRATE_SHARE_DIR="$root"
out="$root/test-output/$tag/docs"
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"; wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
  psql "$admin" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
mkdir -p "$out"
psql "$admin" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql "$admin" -qAtc "CREATE DATABASE $db" >/dev/null
{
  ./fairrate migrate
  ./fairrate demo --companies 300 --seed 2026 --history-months 12
  ./fairrate score
  ./fairrate validate --version 2026.1
} >"$out/setup.log" 2>&1 || { echo "docs examples: setting up failed"; cat "$out/setup.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FAIRRATE_RATE_LIMIT=0 FAIRRATE_PUBLIC_RATE_LIMIT=0 FAIRRATE_ACCESS_LOG=off \
  ./fairrate serve --listen "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# The blocks of each file as one script: ./fairrate is the checkout's, files the
# examples write go to a scratch folder.
ln -s "$root/fairrate" "$work/fairrate"
failed=0
for f in README.md docs/*.md; do
  python3 - "$f" "$port" >"$work/script.sh" <<'PY'
import re, sys
path, port = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\n")
blocks, skip, i = [], False, 0
while i < len(lines):
    l = lines[i]
    if "<!-- docs-test: skip" in l:
        skip = True
    m = re.match(r"^(\s*)```sh\s*$", l)
    if m:
        indent, body = len(m.group(1)), []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        if not skip:
            blocks.append((path, body))
        skip = False
    i += 1
print("set -euo pipefail")
print('curl() { command curl --fail-with-body -sS "$@"; }')
for n, (p, body) in enumerate(blocks, 1):
    print(f'echo "== {p} example {n}" >&2')
    for b in body:
        print(b.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{port}"))
PY
  grep -q '^echo "== ' "$work/script.sh" || continue
  log="$out/$(basename "$f").log"
  if (cd "$work" && bash "$work/script.sh") >"$log" 2>&1; then
    echo "docs examples: $f ok"
  else
    echo "docs examples: $f FAILED (log: $log)"; tail -n 15 "$log"; failed=1
  fi
done
exit "$failed"
