#!/usr/bin/env bash
# `npm run lint`, and an early step of `npm test`: ESLint over our JavaScript (eslint.config.js),
# then, once the tree has been formatted (FORMAT_CHECKED=1, set by scripts/format.sh), Prettier
# and clang-format in check mode. Each is a gate: exit 1 on any finding. No cache: the promise
# rules read types across files, so a change in one file can make a finding in another.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm puts node_modules/.bin first on PATH, where the pinned node18 package links a `node`:
# ESLint needs the machine's own (Node 20 or later).
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)
FORMAT_CHECKED=1

took() { printf '   (%d s)\n' "$((SECONDS - $1))"; }
status=0

t=$SECONDS
echo "lint: eslint $(node node_modules/eslint/bin/eslint.js --version)"
node node_modules/eslint/bin/eslint.js --max-warnings 0 . || status=1
took "$t"

if [ "$FORMAT_CHECKED" = 1 ]; then
  t=$SECONDS
  echo "lint: prettier $(node node_modules/prettier/bin/prettier.cjs --version) --check"
  node node_modules/prettier/bin/prettier.cjs --check --log-level warn . || status=1
  took "$t"

  t=$SECONDS
  echo "lint: $(clang-format --version | sed 's/ *(.*//') --dry-run --Werror"
  git ls-files -z -- '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror || status=1
  took "$t"
fi

[ "$status" -eq 0 ] || echo "lint: FAILED (bash scripts/format.sh rewrites what the format checks refuse)" >&2
exit "$status"
