#!/usr/bin/env bash
# `cmake --install` of a native build into a temporary prefix, then the example built from that
# prefix by pkg-config alone (no path into the source tree) and run against the sandbox.
#   bash tests/examples/install_test.sh BUILD_DIR C_COMPILER
set -euo pipefail
build=$1 cc=${2:-cc}
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(dirname "$(find "$prefix" -name dockerhub-oat.pc)")
export PKG_CONFIG_PATH=$pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/oat_example" "$here/oat_example.c" $(pkg-config --cflags --libs dockerhub-oat)
echo "built with: $cc oat_example.c \$(pkg-config --cflags --libs dockerhub-oat) [$(pkg-config --libs dockerhub-oat | sed "s|$prefix|PREFIX|g")]"
node "$here/../c/e2e_sandbox.mjs" --check-example "$prefix/oat_example"

# The README's C block (section "The C library, native"), as a user would copy it.
awk '/^## The C library, native/ { on = 1; next } /^## / { on = 0 }
     on && /^```c$/ { inblock = 1; next } inblock && /^```$/ { inblock = 0; exit } inblock' \
  "$here/../../README.md" >"$prefix/list.c"
[ -s "$prefix/list.c" ] || { echo "install_test: no C block in the README's C library section" >&2; exit 1; }
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/list" "$prefix/list.c" $(pkg-config --cflags --libs dockerhub-oat)
out=$(node "$here/../c/e2e_sandbox.mjs" "$prefix/list")
printf '%s\n' "$out"
# Once by the blocking list, once by the select() loop's dh_list_all_tokens.
[ "$(grep -cx 'ci-pull' <<<"$out")" -eq 2 ] || { echo "install_test: the README's program did not list twice" >&2; exit 1; }
# A program that failed says so by its exit status: without DOCKERHUB_ORG every call is refused
# (before any request is made).
if env -u DOCKERHUB_ORG DOCKERHUB_IDENTIFIER=x DOCKERHUB_SECRET=y "$prefix/list" 2>/dev/null; then
  echo "install_test: the README's program exited 0 although every call failed" >&2; exit 1
fi
