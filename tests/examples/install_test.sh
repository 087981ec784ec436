#!/usr/bin/env bash
# `cmake --install` of a native build into a temporary prefix, then what a C programmer builds
# from that prefix alone (no path into the source tree), each run against the sandbox:
#   - the installed libraries export dh_* names and nothing else (nm);
#   - tests/examples/oat_example.c and the README's C block, by pkg-config, shared library;
#   - tests/examples/own_cjson.c (its own fail(), Debian's libcjson with its own hooks), against
#     the shared library and against the static archive.
#   bash tests/examples/install_test.sh BUILD_DIR C_COMPILER
set -euo pipefail
build=$1 cc=${2:-cc}
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(dirname "$(find "$prefix" -name dockerhub-oat.pc)")
libdir=$(dirname "$pc")
export PKG_CONFIG_PATH=$pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
sandbox() { node "$here/../c/e2e_sandbox.mjs" "$@"; }

bash "$here/exports_only_dh.sh" "$libdir"

# shellcheck disable=SC2046 # pkg-config's flags are meant to split
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/oat_example" "$here/oat_example.c" \
  $(pkg-config --cflags --libs dockerhub-oat) -Wl,-rpath,"$libdir"
echo "built with: $cc oat_example.c \$(pkg-config --cflags --libs dockerhub-oat) [$(pkg-config --libs dockerhub-oat | sed "s|$prefix|PREFIX|g")]"
sandbox --check-example "$prefix/oat_example"

# The README's C block (section "The C library, native"), as a user would copy it.
awk '/^## The C library, native/ { on = 1; next } /^## / { on = 0 }
     on && /^```c$/ { inblock = 1; next } inblock && /^```$/ { inblock = 0; exit } inblock' \
  "$here/../../README.md" >"$prefix/list.c"
[ -s "$prefix/list.c" ] || { echo "install_test: no C block in the README's C library section" >&2; exit 1; }
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/list" "$prefix/list.c" $(pkg-config --cflags --libs dockerhub-oat) \
  -Wl,-rpath,"$libdir"
out=$(sandbox "$prefix/list")
printf '%s\n' "$out"
# Once by the blocking list, once by the select() loop's dh_list_all_tokens.
[ "$(grep -cx 'ci-pull' <<<"$out")" -eq 2 ] || { echo "install_test: the README's program did not list twice" >&2; exit 1; }
# A program that failed says so by its exit status: without DOCKERHUB_ORG every call is refused
# (before any request is made).
if env -u DOCKERHUB_ORG DOCKERHUB_IDENTIFIER=x DOCKERHUB_SECRET=y "$prefix/list" 2>/dev/null; then
  echo "install_test: the README's program exited 0 although every call failed" >&2; exit 1
fi

# Its own fail() and its own cJSON: with the shared library, then with the archive.
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/own_shared" "$here/own_cjson.c" \
  $(pkg-config --cflags --libs dockerhub-oat libcjson) -Wl,-rpath,"$libdir"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/own_static" "$here/own_cjson.c" \
  $(pkg-config --cflags dockerhub-oat libcjson) "$libdir/libdockerhub_oat.a" $(pkg-config --libs libcurl libcjson) -lm
for p in own_shared own_static; do sandbox --expect-line ci-pull "$prefix/$p"; done
