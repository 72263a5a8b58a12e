#!/usr/bin/env bash
# Builds the playground (playground/) from a clean checkout: the engine's
# wasm and the npm package from this repository (scripts/build-npm.sh, so
# no published copy and no committed .wasm: STYLE.md item 20), the
# playground's own npm dependencies exactly as locked, then `vite build`
# into playground/dist/ (relative paths: any static host, any folder).
# Idempotent; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wasm-pack >/dev/null || ! command -v wasm-bindgen >/dev/null || ! [ -x /usr/bin/chromium ]; then
  scripts/setup.sh
fi

# The engine and its JavaScript face (npm/pkg, npm/dist).
scripts/build-npm.sh

# The playground's dependencies (CodeMirror, Vite, playwright-core), as locked.
if ! [ -f playground/node_modules/.package-lock.json ] || [ playground/package-lock.json -nt playground/node_modules/.package-lock.json ]; then
  (cd playground && npm ci --no-audit --no-fund)
fi

(cd playground && node_modules/.bin/vite build --logLevel warn)

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9c "$1" | wc -c | tr -d ' '; }
total=0
total_gz=0
for f in playground/dist/index.html playground/dist/assets/*; do
  total=$((total + $(size "$f")))
  total_gz=$((total_gz + $(gz "$f")))
done
echo "build-playground: playground/dist is ready ($((total / 1024)) KiB, $((total_gz / 1024)) KiB gzipped)"
for f in playground/dist/assets/*; do
  printf '  %-48s %8s B  %8s B gzip\n' "${f#playground/dist/}" "$(size "$f")" "$(gz "$f")"
done
