#!/usr/bin/env bash
# The main command: builds the engine's wasm, the npm package and the
# playground (installing what they need; idempotent), then serves the
# playground on http://127.0.0.1:$PORT/ (default 5178) until Ctrl+C.
#
#   scripts/run.sh              build and serve
#   PORT=8080 scripts/run.sh    another port
#
# playground/dist/ is a static site: copy it to any static host, in any folder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-playground.sh
exec node playground/scripts/serve.mjs --port "${PORT:-5178}"
