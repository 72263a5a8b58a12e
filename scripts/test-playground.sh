#!/usr/bin/env bash
# The playground (playground/): build it, type-check it, then drive the
# built page in headless Debian chromium (playwright-core, no browser
# download). Called by scripts/test.sh; runs alone too, from a clean
# checkout. Screenshots of every test land in playground/test-output/screens/
# (git-ignored); the measured timings in playground/test-output/timings.json.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf -- '--> playground: %s\n' "$*"; }
started=$SECONDS

if ! command -v wasm-pack >/dev/null || ! command -v wasm-bindgen >/dev/null || ! [ -x /usr/bin/chromium ]; then
  scripts/setup.sh
fi

step "build (engine, npm package, page)"
scripts/build-playground.sh

step "type check"
playground/node_modules/.bin/tsc -p playground/tsconfig.json

step "browser tests (headless chromium)"
(cd playground && node --test --test-concurrency=1 test/*.test.mjs)

echo "playground: all passed in $((SECONDS - started))s"
