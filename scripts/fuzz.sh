#!/usr/bin/env bash
# Runs the libFuzzer harnesses built under ${B:-build}/fuzz (make fuzz-build), one at a
# time (the machine is shared), each on its corpus tests/fuzz/corpus/NAME.
#   fuzz.sh fuzz      each harness FUZZ_SECONDS (240); inputs that add coverage are
#                     merged into its corpus; crashes are copied to
#                     tests/fuzz/crashes-open/NAME/ to be fixed (then moved to the corpus)
#   fuzz.sh regress   each harness FUZZ_REGRESS_SECONDS (6) on its corpus, which is left
#                     as it is: every corpus input is run first, then mutations of them
# FUZZ_ONLY="csv utf8" runs only those harnesses. Any crash, leak, timeout, sanitizer
# report or failed invariant fails the harness; the last line counts them.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-regress}
case "$mode" in
  fuzz) secs=${FUZZ_SECONDS:-240} ;;
  regress) secs=${FUZZ_REGRESS_SECONDS:-6} ;;
  *) echo "usage: $0 fuzz|regress" >&2; exit 2 ;;
esac
bdir="${B:-build}/fuzz"
work="$bdir/work"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"

names=${FUZZ_ONLY:-$(for f in tests/fuzz/fuzz_*.c; do n=${f##*/fuzz_}; echo "${n%.c}"; done)}
passed=0
failed=0
for name in $names; do
  bin="$bdir/fuzz_$name"
  corpus="tests/fuzz/corpus/$name"
  new="$work/$name/new"
  art="$work/$name/artifacts"
  log="$work/$name/$mode.log"
  if [ ! -x "$bin" ]; then
    echo "fuzz_$name: FAILED: $bin is not built (make fuzz-build)"
    failed=$((failed + 1))
    continue
  fi
  rm -rf "$new" "$art"
  mkdir -p "$new" "$art" "$corpus"
  dict=()
  [ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
  # New inputs go to $new (the first folder); the corpus is only read.
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" "$new" "$corpus" \
    >"$log" 2>&1
  rc=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  cov=$(grep -oE '(INITED|DONE|#[0-9]+).* cov: [0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+' || true)
  if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant failed' "$log"; then
    echo "fuzz_$name: FAILED (exit $rc); log: $log"
    grep -m1 -A 25 -E 'ERROR: |runtime error:|invariant failed' "$log" | head -n 30
    for a in "$art"/*; do
      [ -f "$a" ] || continue
      echo "fuzz_$name: input: $a"
      if [ "$mode" = fuzz ]; then
        mkdir -p "tests/fuzz/crashes-open/$name"
        cp "$a" "tests/fuzz/crashes-open/$name/"
        echo "fuzz_$name: kept as tests/fuzz/crashes-open/$name/${a##*/}"
      fi
    done
    failed=$((failed + 1))
    continue
  fi
  added=0
  if [ "$mode" = fuzz ]; then
    before=$(ls "$corpus" | wc -l)
    "$bin" -merge=1 -max_len=65536 "$corpus" "$new" >>"$log" 2>&1
    added=$(( $(ls "$corpus" | wc -l) - before ))
  fi
  echo "fuzz_$name: ok: ${secs}s, ${runs:-?} runs, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l)$( [ "$mode" = fuzz ] && echo " (+$added)")"
  passed=$((passed + 1))
done
echo "fuzz ($mode): $passed passed, $failed failed"
[ $failed -eq 0 ]
