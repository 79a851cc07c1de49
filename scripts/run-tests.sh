#!/usr/bin/env bash
# Runs the test binaries of one build (rel or san) against the database of
# $DATABASE_URL: unit tests first, then integration tests, each integration test on its
# own clone of a freshly migrated template database.
#   run-tests.sh rel|san [unit|integration]
# Under the sanitizer build, any AddressSanitizer, UBSan or LeakSanitizer report fails
# the run, even one that Criterion would not count as a failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
kind=${1:-rel}
only=${2:-}
bdir="${B:-build}/$kind"
outdir="$root/test-output/${FAIRRATE_TEST_TAG:-main}/$kind"
mkdir -p "$outdir"
export FAIRRATE_TEST_OUTPUT="$outdir"
# Every answer the integration tests get, for the contract check
# (scripts/check-contract.sh); a fresh log each run.
export FAIRRATE_CONTRACT_LOG="$outdir/contract.jsonl"
[ "$only" = unit ] || : >"$FAIRRATE_CONTRACT_LOG"
: "${DATABASE_URL:=$(scripts/db.sh url)}"
export DATABASE_URL
export FAIRRATE_SHARE_DIR="$root"
bin=$( [ "$kind" = san ] && echo "$bdir/fairrate" || echo "${BIN:-fairrate}" )
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
export FAIRRATE_BIN="$bin"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"

template="fairrate_test_template_${kind}_${FAIRRATE_TEST_TAG:-main}"
export FAIRRATE_TEST_TEMPLATE="$template"

failed=0
passed=0

sanitizer_report() {
  grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$1"
}

run_one() {
  local bin=$1 jobs=$2 log
  log="$outdir/$(basename "$bin").log"
  if "$bin" --jobs="$jobs" --short-filename >"$log" 2>&1; then rc=0; else rc=$?; fi
  tail -n 1 "$log" | sed "s|^|$(basename "$bin"): |"
  if [ $rc -ne 0 ]; then
    echo "FAILED: $bin (exit $rc); log: $log"
    grep -E '\[(FAIL|----)\]|Assertion|Warning|signal' "$log" | head -n 40
    failed=$((failed + 1))
  elif [ "$kind" = san ] && sanitizer_report "$log"; then
    echo "FAILED: $bin: sanitizer report in $log"
    grep -A 12 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log" | head -n 40
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}

if [ -z "$only" ] || [ "$only" = unit ]; then
  for t in "$bdir"/tests/unit/test_*; do
    [ -x "$t" ] || continue
    run_one "$t" 2
  done
fi

if [ -z "$only" ] || [ "$only" = integration ]; then
  # A template database migrated afresh from migrations/ on every run.
  with_db() { scripts/db.sh url-for "$1"; }
  psql "$(with_db postgres)" -v ON_ERROR_STOP=1 -Atq \
    -c "DROP DATABASE IF EXISTS $template WITH (FORCE)" -c "CREATE DATABASE $template" || exit 1
  DATABASE_URL="$(with_db "$template")" "$FAIRRATE_BIN" migrate >"$outdir/migrate.log" 2>&1 || {
    echo "FAILED: migrating the template database"; cat "$outdir/migrate.log"; exit 1; }
  for t in "$bdir"/tests/integration/test_*; do
    [ -x "$t" ] || continue
    run_one "$t" 2
  done
fi

echo "test binaries ($kind): $passed passed, $failed failed"
[ $failed -eq 0 ]
