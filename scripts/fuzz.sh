#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, clang, ASan + UBSan) into build/fuzz, replays every
# regression input of tests/fuzz/regressions/<target>/, then fuzzes each target for
# SECONDS_PER_TARGET seconds (default 600) over a fresh copy of tests/fuzz/corpus/<target>/.
#
#   bash scripts/fuzz.sh            # 10 minutes per target
#   bash scripts/fuzz.sh 3          # the smoke run `npm test` makes
#   bash scripts/fuzz.sh 60 pager headers        # only these targets
#   FUZZ_JOBS=2 bash scripts/fuzz.sh 600         # two targets at once (one core each)
#
# Prints one line per target (executions, seconds, crashes). Exits 1 when an input crashed,
# leaked, timed out or ran out of memory; it is left in build/fuzz/crashes/<target>/ (the log in
# build/fuzz/logs/<target>.log). A crash worth keeping goes to tests/fuzz/regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-600}
shift || true
case "$secs" in '' | *[!0-9]*) echo "fuzz: SECONDS_PER_TARGET must be a whole number" >&2; exit 2 ;; esac
jobs=${FUZZ_JOBS:-1}
out=build/fuzz

# Configured every time (a second is enough): the target list comes from tests/fuzz/CMakeLists.txt.
if [ -f "$out/CMakeCache.txt" ]; then
  cmake -S . -B "$out" -DDH_FUZZ=ON -DBUILD_TESTING=ON -DDH_WERROR=ON >/dev/null
else
  cmake -S . -B "$out" -DCMAKE_C_COMPILER=clang -DDH_FUZZ=ON -DBUILD_TESTING=ON -DDH_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
mapfile -t all < "$out/fuzz-targets.txt"
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
for t in "${targets[@]}"; do
  printf '%s\n' "${all[@]}" | grep -qx "$t" || { echo "fuzz: no target '$t' (${all[*]})" >&2; exit 2; }
done
cmake --build "$out" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" -- --no-print-directory >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
bin() { echo "$out/tests/fuzz/fuzz_$1"; }
dict() {
  case "$1" in
    headers) echo tests/fuzz/headers.dict ;;
    decode_* | error_response | pager | create_request | update_request | manifest) echo tests/fuzz/json.dict ;;
  esac
}

# 1. Regression inputs: each must run clean, every time.
failed=0
for t in "${targets[@]}"; do
  dir=tests/fuzz/regressions/$t
  [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] || continue
  mkdir -p "$out/logs"
  if ! "$(bin "$t")" -runs=0 "$dir"/* >"$out/logs/$t.regressions.log" 2>&1; then
    echo "fuzz $t: a regression input fails again (see $out/logs/$t.regressions.log)" >&2
    failed=1
  fi
done
[ "$failed" -eq 0 ] || exit 1

# 2. Fuzzing, `jobs` targets at a time.
run_one() {
  local t=$1 corpus=$out/corpus/$1 crashes=$out/crashes/$1 log=$out/logs/$1.log d
  rm -rf "$corpus" "$crashes" && mkdir -p "$corpus" "$crashes" "$out/logs"
  cp tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  [ -d tests/fuzz/regressions/"$t" ] && cp tests/fuzz/regressions/"$t"/* "$corpus"/ 2>/dev/null || true
  d=$(dict "$t")
  local start=$SECONDS rc=0
  "$(bin "$t")" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" ${d:+-dict="$d"} "$corpus" >"$log" 2>&1 || rc=$?
  local took=$((SECONDS - start))
  local execs n
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  n=$(find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
  [ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || n=1 # it failed without leaving an input: still a failure
  printf 'fuzz %-15s %12s executions in %4d s, %d crashes%s\n' "$t" "${execs:-?}" "$took" "$n" \
    "$([ "$n" -gt 0 ] && echo " (see $crashes/, $log)")"
  echo "$n" >"$out/logs/$t.crashes"
}

for t in "${targets[@]}"; do rm -f "$out/logs/$t.crashes"; done
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" &
done
wait
status=0
for t in "${targets[@]}"; do
  [ "$(cat "$out/logs/$t.crashes" 2>/dev/null || echo 1)" = 0 ] || status=1
done
exit "$status"
