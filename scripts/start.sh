#!/usr/bin/env bash
# `npm start`: set-up and build when something is missing, then the dashboard and the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node web/server.js "$@"
