#!/usr/bin/env bash
# `npm test`: set-up, both builds, then every suite. Each step says what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm puts node_modules/.bin first on PATH, and the pinned node18 and node22 packages (the host
# matrix's other Nodes) each link a `node` there: take the machine's own node back.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)
export PATH
bash scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "native C unit tests (gcc, -Wall -Wextra -Werror)"
[ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build/native -j"$(nproc)" -- --no-print-directory >/dev/null
ctest --test-dir build/native --output-on-failure

step "native C unit tests (clang, ASan + UBSan)"
[ -f build/asan/CMakeCache.txt ] || cmake -S . -B build/asan -DCMAKE_C_COMPILER=clang -DDH_SANITIZE=ON >/dev/null
cmake --build build/asan -j"$(nproc)" -- --no-print-directory >/dev/null
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/asan --output-on-failure

step "native checks: valgrind on the C unit tests, cppcheck, clang-tidy"
bash scripts/check-native.sh

step "fuzz smoke: every libFuzzer target for a few seconds, and its regression inputs"
bash scripts/fuzz.sh 3

step "WASM build (emcc)"
bash scripts/build.sh
ls -l dist/dockerhub_oat.mjs dist/dockerhub_oat.wasm dist/dockerhub_oat.inline.mjs | awk '{print $5, $9}'

step "node --test ($(node --version))"
node --test --test-reporter=spec tests/node/

step "host matrix: the README's examples from the packed tarball on Node 18/20/22, Deno, Bun, workerd (Miniflare), Chromium (esbuild, vite)"
node --test --test-reporter=spec tests/hosts/

step "browser tests (Chromium, playwright-core)"
node --test --test-reporter=spec tests/browser/
