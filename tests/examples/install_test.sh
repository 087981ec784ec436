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
