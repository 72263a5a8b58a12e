#!/usr/bin/env bash
# The one benchmark command (issue 8): Portcullis next to Cedar, Casbin and
# iam-simulate on the same generated workload, one process per runtime, and a
# Markdown table with ratios against Portcullis.
#
#   scripts/bench.sh [--quick] [--write]
#
#   1. peers: bench/node/node_modules from the npm registry (`npm ci`, pinned in
#      bench/node/package-lock.json; gitignored, never committed);
#   2. builds: the npm package (scripts/build-npm.sh) and the raw ABI module
#      (scripts/build-abi.sh);
#   3. workload: the medium store, 10,000 requests and their translations for
#      each peer (`gen-workload --peers`, into target/bench-data);
#   4. Node: one process, every JS/Wasm engine (bench/node/run.mjs);
#   5. wasmtime: the raw ABI module (host-tests' benchmark);
#   6. native: portcullis-core and the cedar-policy crate (bench/native, criterion);
#   7. the table (bench/report.mjs); `--write` also rewrites bench/RESULTS.md and the README's table.
#
# --quick: shorter timing loops and a 1,000-request agreement sample for the
# slow engines (about 3 minutes instead of about 10). Environment:
# BENCH_SECONDS (per engine timing loop in Node, default 3), BENCH_AGREE_LIMIT.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf -- '--> %s\n' "$*" >&2; }

quick=0 write=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --write) write=1 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--write]" >&2; exit 2 ;;
  esac
done
target="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
data="$target/bench-data"
out="$target/bench-results"
mkdir -p "$data" "$out"
seconds="${BENCH_SECONDS:-3}"
agree="${BENCH_AGREE_LIMIT:-10000}"
native_args=()
if [ "$quick" = 1 ]; then
  seconds="${BENCH_SECONDS:-1}"
  agree="${BENCH_AGREE_LIMIT:-1000}"
  native_args=(--quick)
fi

step "peers from the npm registry (bench/node/node_modules)"
bench/peers.sh

step "build the npm package and the raw ABI module"
scripts/setup.sh >/dev/null
scripts/build-npm.sh >&2
scripts/build-abi.sh >&2

step "workload and its translations (target/bench-data)"
cargo run --quiet --release --locked -p portcullis-workload --bin gen-workload -- medium "$data" --peers >/dev/null

step "Node: Portcullis, cedar-wasm, Casbin, iam-simulate (one process)"
node --expose-gc bench/node/run.mjs --data "$data" --size medium --seconds "$seconds" --agree-limit "$agree" \
  --abi "$target/portcullis.wasm" --json "$out/node.json" >/dev/null

step "wasmtime: the raw ABI module (host-tests benchmark)"
PORTCULLIS_WASM="$target/portcullis.wasm" cargo bench --quiet -p portcullis-host-tests --profile abi-host --locked \
  --bench abi -- ${native_args[@]+"${native_args[@]}"} | tee "$out/wasmtime.txt" >&2
node bench/wasmtime.mjs "$target/portcullis.wasm" "$out/wasmtime.json" <"$out/wasmtime.txt"

step "native: portcullis-core and the cedar-policy crate (criterion)"
(cd bench/native && BENCH_NATIVE_JSON="$out/native.json" CARGO_TARGET_DIR="$target/bench-native" \
  cargo bench --quiet --locked --bench vs_cedar -- ${native_args[@]+"${native_args[@]}"} >&2)

step "results"
cp "$data/medium-caveats.json" "$out/caveats.json"
report=(node bench/report.mjs --node "$out/node.json" --native "$out/native.json" --wasmtime "$out/wasmtime.json"
  --caveats "$out/caveats.json")
if [ "$write" = 1 ]; then
  report+=(--results bench/RESULTS.md --readme README.md)
fi
"${report[@]}" | tee "$out/table.md"
