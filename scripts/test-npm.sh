#!/usr/bin/env bash
# The npm package (npm/): build it, then run every npm test. Called by
# scripts/test.sh; runs alone too, from a clean checkout.
#
#   1. tool pins agree (wasm-bindgen-cli == the wasm-bindgen crate pin)
#   2. clippy on the wasm-bindgen face (feature `js`, wasm32), warnings denied
#   3. build: scripts/build-npm.sh (quick when nothing changed)
#   4. node --test: the API on the governance store; every conformance suite
#      (testdata/ and PORTCULLIS_VECTORS) through the JS face; diagnostics and
#      UTF-16 offsets on non-ASCII text; the CLI; README examples; pack
#      contents; the browser smoke test (Vite bundle in headless Debian
#      chromium, screenshot in npm/test-output/browser/smoke.png)
#   5. TypeScript type tests: tsc --noEmit on a usage example
#   6. the benchmark script runs (a short run; numbers printed, not asserted)
#   7. the size budget: the .wasm under 200 KiB gzipped
# Steps 4-7 all run; the script fails at the end if any of them failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf -- '--> npm: %s\n' "$*"; }

if ! command -v wasm-pack >/dev/null || ! command -v wasm-bindgen >/dev/null || ! [ -x /usr/bin/chromium ]; then
  scripts/setup.sh
fi

step "tool pins"
pin="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' wasm/Cargo.toml)"
if [ "$pin" != "$WASM_BINDGEN_VERSION" ]; then
  echo "wasm/Cargo.toml pins wasm-bindgen =$pin but scripts/versions.sh installs wasm-bindgen-cli $WASM_BINDGEN_VERSION" >&2
  exit 1
fi
wasm-bindgen --version | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION" || {
  echo "wasm-bindgen-cli is not $WASM_BINDGEN_VERSION; run scripts/setup.sh" >&2
  exit 1
}

step "clippy: wasm-bindgen face"
cargo clippy -p portcullis-wasm --features js --target wasm32-unknown-unknown --locked -- -D warnings

step "build"
scripts/build-npm.sh

failed=()
step "node tests"
(cd npm && node --test test/*.test.mjs) || failed+=("node tests")

step "type tests"
npm/node_modules/.bin/tsc -p npm/types-test/tsconfig.json || failed+=("type tests")

step "bench (short run)"
node npm/bench/evaluate.mjs --size small --seconds 0.2 || failed+=("bench")

step "size budget"
node npm/test/budget.mjs || failed+=("size budget")

if [ "${#failed[@]}" -gt 0 ]; then
  echo "npm: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "npm: all passed"
