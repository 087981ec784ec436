#!/usr/bin/env bash
# Formats the tree: Prettier (.prettierrc.json, .prettierignore) over everything it knows, and
# clang-format (.clang-format, Debian's clang-format 14) over our C. It also turns on the format
# checks of scripts/lint.sh (FORMAT_CHECKED=1), so that `npm test` refuses unformatted code from
# then on. Run it, look at `git diff`, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)

node node_modules/prettier/bin/prettier.cjs --write --log-level warn .
git ls-files -z -- '*.c' '*.h' | xargs -0 clang-format -i
sed -i 's/^FORMAT_CHECKED=0$/FORMAT_CHECKED=1/' scripts/lint.sh
# A second pass must find nothing to change (clang-format is not always stable on a macro whose
# lines it re-flows: fence such a table with /* clang-format off */ ... /* clang-format on */).
node node_modules/prettier/bin/prettier.cjs --check --log-level warn .
git ls-files -z -- '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror
echo "format: done; scripts/lint.sh now checks the format too"
