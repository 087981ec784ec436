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

# First, as it is the quickest to fail: eslint (and, once the tree is formatted, prettier and
# clang-format in check mode).
step "lint (scripts/lint.sh: eslint; the format checks once FORMAT_CHECKED=1)"
bash scripts/lint.sh

# Both native builds are configured every time (a second): libcurl may have come since the cache.
step "native C unit tests (gcc, -Wall -Wextra -Werror)"
# The project's own builds: tests on, warnings as errors (a user's build of the library has neither).
native_flags=(-DBUILD_TESTING=ON -DDH_WERROR=ON)
cmake -S . -B build/native -DCMAKE_C_COMPILER=gcc "${native_flags[@]}" >/dev/null
cmake --build build/native -j"$(nproc)" -- --no-print-directory >/dev/null
ctest --test-dir build/native --output-on-failure -LE e2e

# Each e2e group starts its own sandbox (node web/sandbox, loopback port 0) and ends it.
e2e_passed() { awk '/^[0-9]+ passed, [0-9]+ failed$/ { n += $1 } END { print n + 0 }' "$1/Testing/Temporary/LastTest.log"; }
step "native end-to-end tests (gcc, libcurl against the sandbox; the examples; cmake --install + pkg-config)"
ctest --test-dir build/native --output-on-failure --no-tests=error -L e2e
echo "e2e test cases passed (plain): $(e2e_passed build/native)"

step "native C unit tests and end-to-end tests (clang, ASan + UBSan)"
cmake -S . -B build/asan -DCMAKE_C_COMPILER=clang -DDH_SANITIZE=ON "${native_flags[@]}" >/dev/null
cmake --build build/asan -j"$(nproc)" -- --no-print-directory >/dev/null
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/asan --output-on-failure -LE e2e
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/asan --output-on-failure --no-tests=error -L e2e
echo "e2e test cases passed (ASan + UBSan): $(e2e_passed build/asan)"

step "native checks: valgrind on the C unit tests and the e2e tests, cppcheck, clang-tidy"
bash scripts/check-native.sh

step "fuzz smoke: every libFuzzer target for a few seconds, and its regression inputs"
bash scripts/fuzz.sh 3

step "WASM build (emcc)"
bash scripts/build.sh
ls -l dist/dockerhub_oat.mjs dist/dockerhub_oat.wasm dist/dockerhub_oat.inline.mjs | awk '{print $5, $9}'

# The Node suites, one folder per subject (CONTRIBUTING.md's "Where a test goes"), and the bench's smoke run.
step "node --test ($(node --version)): client, cli, sandbox, tools, security, package, the bench smoke"
node --test --test-reporter=spec tests/client/ tests/cli/ tests/sandbox/ tests/tools/ tests/security/ tests/package/ tests/bench/*.test.js

step "host matrix: the README's examples from the packed tarball on Node 18/20/22, Deno, Bun, workerd (Miniflare), Chromium (esbuild, vite)"
node --test --test-reporter=spec tests/hosts/

step "browser tests (Chromium, playwright-core)"
node --test --test-reporter=spec tests/browser/

# A journey packs the package, installs it into a temp project and walks one user's path end to end
# (tests/journeys/README.md).
step "journeys: a user's path from the installed package"
node --test --test-reporter=spec tests/journeys/
