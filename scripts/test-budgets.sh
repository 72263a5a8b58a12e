#!/usr/bin/env bash
# Size and speed budgets (issue 8), as bounds a noisy shared machine does not trip:
#   - the raw ABI module (target/portcullis.wasm): under 150 KB gzipped;
#   - the npm package's engine (npm/pkg/portcullis_wasm_bg.wasm): under 200 KB gzipped
#     (both measured as their own build scripts and tests measure them);
#   - in one Node process on the medium workload: Portcullis's documented call
#     (`store.evaluate(object)`) is faster per decision (p50) than cedar-wasm's
#     `statefulIsAuthorized` with a preparsed policy set, and both decide a
#     sample of requests alike (a translation check).
# Builds what is missing (the test command builds both modules earlier) and
# installs the peers when absent (bench/peers.sh, from the npm registry).
# Idempotent; about a minute when everything is built.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf -- '--> %s\n' "$*"; }
target="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
failures=0
fail() { echo "budget: FAILED: $*" >&2; failures=$((failures + 1)); }

step "modules"
if ! [ -f npm/pkg/portcullis_wasm_bg.wasm ] || ! [ -f npm/dist/node.js ]; then
  scripts/build-npm.sh
fi
scripts/build-abi.sh

# Each budget as its owner measures it: build-abi.sh with `gzip -9`,
# npm/test/budget.mjs with Node's zlib at level 9.
gzip_cli() { gzip -9 -c "$1" | wc -c; }
gzip_zlib() { node -e 'process.stdout.write(String(require("zlib").gzipSync(require("fs").readFileSync(process.argv[1]), { level: 9 }).length))' "$1"; }
check_size() { # name file budget-bytes budget-text measure
  local bytes
  bytes=$("$5" "$2")
  if [ "$bytes" -lt "$3" ]; then
    echo "budget: $1 $(wc -c <"$2") bytes, $bytes gzipped: within $4"
  else
    fail "$1 is $bytes bytes gzipped, over $4"
  fi
}
step "sizes"
check_size "raw ABI module" "$target/portcullis.wasm" 150000 "150 KB (gzip -9)" gzip_cli
check_size "npm engine" npm/pkg/portcullis_wasm_bg.wasm 200000 "200 KB (zlib level 9)" gzip_zlib

step "speed against cedar-wasm (same Node process, medium workload)"
bench/peers.sh
data="$target/bench-data/budget"
cargo run --quiet --release --locked -p portcullis-workload --bin gen-workload -- medium "$data" 2000 --peers >/dev/null
result="$target/bench-results/budget-node.json"
mkdir -p "$(dirname "$result")"
node bench/node/run.mjs --data "$data" --size medium --seconds 1 --agree-limit 400 \
  --engines portcullis,cedar-wasm --json "$result" >/dev/null
node - "$result" <<'JS' || failures=$((failures + 1))
const { results } = JSON.parse(require("node:fs").readFileSync(process.argv[2], "utf8"));
const [ours, cedar] = ["portcullis", "cedar-wasm"].map((e) => results.find((r) => r.engine === e));
const ratio = cedar.p50Ns / ours.p50Ns;
console.log(`budget: p50 per decision: Portcullis ${(ours.p50Ns / 1000).toFixed(2)} us, cedar-wasm ${(cedar.p50Ns / 1000).toFixed(2)} us (${ratio.toFixed(0)}x)`);
console.log(`budget: cedar-wasm agrees with Portcullis on ${cedar.agreement.agree} of ${cedar.agreement.compared} requests`);
let ok = true;
if (!(ratio > 1)) { console.error("budget: FAILED: Portcullis is not faster than cedar-wasm per decision"); ok = false; }
if (cedar.agreement.agree !== cedar.agreement.compared) { console.error("budget: FAILED: the Cedar translation disagrees (bench/workload/src/peers.rs)"); ok = false; }
process.exit(ok ? 0 : 1);
JS

if [ "$failures" -gt 0 ]; then
  echo "budgets: $failures failed" >&2
  exit 1
fi
echo "budgets: all within"
