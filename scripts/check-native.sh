#!/usr/bin/env bash
# Native checks of the C core, each one a gate (exit 1 on any finding):
#   (a) the C unit tests (build/native/dh_tests, one process per test group) under valgrind:
#       memory errors, and definite, indirect or possible leaks;
#   (a2) the native end-to-end tests (ctest label e2e: libcurl against the sandbox, and the example
#       program) under valgrind, with the same checks; prints their pass count;
#   (b) cppcheck (warning, style, performance, portability) over src/core, src/tools,
#       src/transport and src/wasm/request_json.c;
#   (c) clang-tidy over the same C files with the repository's .clang-tidy, every warning an error
#       (not src/transport/transport_fetch.c: it needs Emscripten's headers).
# Tools: valgrind, cppcheck, clang-tidy, node (scripts/setup.sh installs them). About a minute and a half on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

for cmd in valgrind cppcheck clang-tidy cmake ctest; do
  command -v "$cmd" >/dev/null || { echo "check-native: $cmd is missing (bash scripts/setup.sh)" >&2; exit 1; }
done
jobs=$(nproc)
out=build/native
status=0
step() { printf '\n== %s\n' "$*"; }
took() { printf '   (%d s)\n' "$((SECONDS - $1))"; }

# A narrow exclusion for a finding in a file this script's owner may not edit, to be dropped
# when it is fixed there (file, the one check, why):
#  - src/core/client.c, clang-analyzer-unix.Malloc: dh_cancel and dh_client_free loop over cl->calls,
#    calling fail(c), which frees c and unlinks it through c->client; the analyzer does not know
#    that c->client == cl, so it believes cl->calls may still point at the freed call. A false
#    positive as the code stands (`assert(cl->calls->client == cl)` before fail() silences it in
#    dh_client_free; dh_cancel's restart-from-head loop is still flagged with such an assert).
declare -A TIDY_EXTRA=([src/core/client.c]='-clang-analyzer-unix.Malloc')

t=$SECONDS
step "build $out (compile_commands.json for clang-tidy)"
if [ -f "$out/CMakeCache.txt" ]; then
  cmake -S . -B "$out" -DBUILD_TESTING=ON -DDH_WERROR=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
else
  cmake -S . -B "$out" -DCMAKE_C_COMPILER=gcc -DBUILD_TESTING=ON -DDH_WERROR=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi
cmake --build "$out" -j"$jobs" -- --no-print-directory >/dev/null
took "$t"

t=$SECONDS
step "(a) C unit tests under valgrind (memcheck, leak kinds definite,indirect,possible)"
mapfile -t groups < <(ctest --test-dir "$out" -N | sed -n 's/^ *Test *#[0-9]*: c\.//p')
[ ${#groups[@]} -gt 0 ] || { echo "no test groups found in $out" >&2; exit 1; }
mkdir -p "$out/valgrind"
vg() {
  local g=$1 log=build/native/valgrind/$1.log
  if valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
       --track-origins=yes build/native/dh_tests "$g" >"$log" 2>&1; then
    echo "   ok   $g"
  else
    echo "   FAIL $g (log: $log)"
    grep -E '^==[0-9]+== ' "$log" | head -40
    return 1
  fi
}
export -f vg
printf '%s\n' "${groups[@]}" | xargs -P "$jobs" -I{} bash -c 'vg "$1"' _ {} || status=1
took "$t"

t=$SECONDS
step "(a2) native end-to-end tests under valgrind (libcurl, the sandbox on loopback)"
# The commands ctest would run (label e2e), with the program under valgrind (tests/c/e2e_sandbox.mjs
# puts DH_E2E_WRAP in front of it); not e2e.install, which builds rather than runs the library.
ctest --test-dir "$out" -L e2e --show-only=json-v1 |
  node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const t of j.tests) if (t.name !== "e2e.install") console.log(`${t.name}\t${t.command.join(" ")}`);' \
  >"$out/valgrind/e2e-commands.txt"
if [ ! -s "$out/valgrind/e2e-commands.txt" ]; then
  echo "   no e2e tests in $out (was libcurl found? DH_CURL)" >&2
  status=1
fi
vg_e2e() {
  local name=$1 cmd=$2 log=build/native/valgrind/$1.log
  if DH_E2E_WRAP="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes" \
       $cmd >"$log" 2>&1; then
    local n
    n=$(sed -n 's/^\([0-9]*\) passed, 0 failed$/\1 passed/p' "$log" | tail -1)
    echo "   ok   $name${n:+ ($n)}"
  else
    echo "   FAIL $name (log: $log)"
    grep -E '^==[0-9]+== |CHECK|FAIL' "$log" | head -40
    return 1
  fi
}
export -f vg_e2e
xargs -P "$jobs" -d '\n' -I{} bash -c 'IFS=$'"'\t'"' read -r n c <<<"$1"; vg_e2e "$n" "$c"' _ {} \
  <"$out/valgrind/e2e-commands.txt" || status=1
passed=$(cat "$out"/valgrind/e2e.*.log 2>/dev/null | awk '/^[0-9]+ passed, [0-9]+ failed$/ { n += $1 } END { print n + 0 }')
echo "   e2e test cases passed under valgrind: ${passed:-0}"
took "$t"

t=$SECONDS
step "(b) cppcheck"
if cppcheck --enable=warning,style,performance,portability --error-exitcode=1 --inline-suppr --std=c11 \
     --quiet --library=scripts/cppcheck-emscripten.cfg -I src/core -I src/transport -I src/wasm -I src/include \
     src/core src/tools src/transport src/wasm/request_json.c; then
  echo "   clean"
else
  status=1
fi
took "$t"

t=$SECONDS
step "(c) clang-tidy ($(clang-tidy --version | sed -n 's/.*LLVM version \([0-9.]*\).*/\1/p'), .clang-tidy)"
mapfile -t files < <(ls src/core/*.c src/tools/*.c src/transport/*.c src/wasm/request_json.c |
                     grep -v '^src/transport/transport_fetch\.c$')
tidy() {
  local f=$1 extra=$2 log
  log=build/native/clang-tidy/$(basename "$f").log
  if clang-tidy -p build/native --quiet --warnings-as-errors='*' ${extra:+--checks="$extra"} "$f" >"$log" 2>&1; then
    echo "   ok   $f${extra:+ (minus ${extra#-})}"
  else
    echo "   FAIL $f"
    grep -E '(warning|error):' "$log" | grep -v 'warnings generated' | head -40
    return 1
  fi
}
export -f tidy
mkdir -p "$out/clang-tidy"
for f in "${files[@]}"; do printf '%s\t%s\n' "$f" "${TIDY_EXTRA[$f]:-}"; done |
  xargs -P "$jobs" -d '\n' -I{} bash -c 'IFS=$'"'\t'"' read -r f e <<<"$1"; tidy "$f" "$e"' _ {} || status=1
took "$t"

echo
[ "$status" -eq 0 ] && echo "check-native: all clean" || echo "check-native: FAILED" >&2
exit "$status"
