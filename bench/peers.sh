#!/usr/bin/env bash
# Installs the benchmark's peer engines into bench/node/node_modules from the
# npm registry, exactly as bench/node/package-lock.json pins them (gitignored,
# never committed; iam-simulate is AGPL-3.0 and only ever runs as a peer).
# Idempotent: skipped while node_modules matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")/node"
if ! [ -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
