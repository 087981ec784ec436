#!/usr/bin/env bash
# Installs what the build and the tests need and is missing: Debian packages through apt (as root),
# npm packages through npm ci. Fast when everything is there: it only looks.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A NEED=(
  [emcc]=emscripten [cmake]=cmake [cc]=gcc [clang]=clang [dpkg-source]=dpkg-dev [chromium]=chromium
  [valgrind]=valgrind [cppcheck]=cppcheck [clang-tidy]=clang-tidy [clang-format]=clang-format [pkg-config]=pkg-config [openssl]=openssl
)
missing=()
for cmd in "${!NEED[@]}"; do
  # The browser tests launch Debian's /usr/bin/chromium by path: look there, not along PATH.
  if [ "$cmd" = chromium ]; then [ -x /usr/bin/chromium ] || missing+=(chromium); continue; fi
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
# Libraries with no command to look for: the native build's libcurl transport
# (src/transport/transport_curl.c); libuv for examples/libuv.c; Debian's cJSON for the C journey's program
# that brings its own (tests/examples/own_cjson.c).
declare -A NEED_PC=([libcurl]=libcurl4-openssl-dev [libuv]=libuv1-dev [libcjson]=libcjson-dev)
for pc in "${!NEED_PC[@]}"; do
  pkg-config --exists "$pc" 2>/dev/null || missing+=("${NEED_PC[$pc]}")
done
# emcc's optimizer (acorn-optimizer.js) needs Debian's acorn on NODE_PATH; it comes with the emscripten package.
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
  # npm ci only when a locked package is missing or at another version. Worktrees share one
  # node_modules: one whose lockfile lacks a package that another's added must not empty it
  # (npm ci removes node_modules first), and a merge that only adds packages needs no ci.
  if ! node -e '
    const read = (f) => { try { return require(f).packages; } catch { return {}; } };
    const want = read("./package-lock.json"), have = read("./node_modules/.package-lock.json");
    const off = Object.entries(want).filter(([k, v]) => k && have[k]?.version !== v.version && !(v.optional && !have[k]));
    process.exit(off.length ? 1 : 0);'; then
    echo "setup: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi

# The Node 18 and 22 binaries the host tests run (devDependencies node18, node22) each declare a
# `node` bin, and npm puts node_modules/.bin first on PATH in every script: without this, `npm test`
# would run on Node 18. The host tests call them by path (node_modules/node18/bin/node).
link=node_modules/.bin/node
if [ -L "$link" ]; then rm -f "$link"; fi
