#!/usr/bin/env bash
# Installs what the build and the tests need and is missing: Debian packages through apt (as root),
# npm packages through npm ci. Fast when everything is there: it only looks.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A NEED=(
  [emcc]=emscripten [cmake]=cmake [cc]=gcc [clang]=clang [dpkg-source]=dpkg-dev [chromium]=chromium
  [valgrind]=valgrind [cppcheck]=cppcheck [clang-tidy]=clang-tidy [pkg-config]=pkg-config [openssl]=openssl
)
missing=()
for cmd in "${!NEED[@]}"; do
  # The browser tests launch Debian's /usr/bin/chromium by path: look there, not along PATH.
  if [ "$cmd" = chromium ]; then [ -x /usr/bin/chromium ] || missing+=(chromium); continue; fi
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
# The native build's libcurl transport (src/transport_curl.c) and its headers: no command to look for.
pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
# emcc's optimizer needs Debian's acorn (docs/toolchain.md); it comes with the emscripten package.
[ -d /usr/share/nodejs/acorn ] || missing+=(node-acorn)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${missing[*]}. Run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]} (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ]; then
  stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "setup: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
