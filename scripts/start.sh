#!/usr/bin/env bash
# `npm start`: set-up and build when something is missing, then `dockerhub-oat dashboard` (the
# dashboard on the embedded sandbox; the same code an installed package runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node bindings/cli.js dashboard "$@"
