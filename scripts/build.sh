#!/usr/bin/env bash
# Builds what `npm pack` ships: dist/dockerhub_oat.mjs, dist/dockerhub_oat.wasm (WASM, through
# emcmake) and dist/dockerhub_oat.inline.mjs. Incremental: make rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # emcc's acorn-optimizer.js needs Debian's acorn
if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=MinSizeRel -DDH_WERROR=ON >/dev/null
fi
cmake --build build/wasm -j"$(nproc)" -- --no-print-directory >/dev/null

# The same bytes as a module, for the entries that cannot read or fetch a file (bindings/index.inline.js).
node scripts/inline-wasm.mjs dist/dockerhub_oat.wasm dist/dockerhub_oat.inline.mjs
