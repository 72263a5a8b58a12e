#!/usr/bin/env bash
# Builds the two gateway modules and checks their size budgets:
#
# 1. The proxy-wasm filter (gateway/filter, proxy-wasm ABI 0.2.1):
#   cargo, profile `wasm-release` (opt-level s, LTO, one codegen unit, panic=abort, strip),
#   target wasm32-unknown-unknown (no WASI: the module imports only the proxy-wasm host functions)
#   -> wasm-opt -O3 from the npm package `binaryen` (installed by scripts/setup.sh)
#   -> target/portcullis-proxy-wasm.wasm ($CARGO_TARGET_DIR/portcullis-proxy-wasm.wasm), the file a
#      gateway loads and that test-gateway.sh tests.
#    Budget: under 500 KB, under 200 KB gzipped (KB = 1000 bytes): the engine
#    (the raw ABI module's budget is 400 KB) plus the route mapping, regex-lite
#    and the proxy-wasm SDK.
# 2. The raw ABI with the gateway exports (wasm/, feature `gateway`: ABI 1.1,
#    `pc_gateway_load` / `pc_check_http`, wasm/ABI.md) -> target/portcullis-gateway.wasm.
#    Its own target directory (target/gateway-abi), so that it never
#    overwrites the default module's cargo output. Budget: under 450 KB,
#    under 185 KB gzipped (the default module's 400/150 plus the mapping,
#    without regex-lite, which needs std).
# Exits 1 when either is over its budget.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh

target_dir="${CARGO_TARGET_DIR:-target}"
wasm_opt=target/tools/binaryen/node_modules/.bin/wasm-opt

# optimize RAW OUT: wasm-opt -O3, reusing its output while cargo's is unchanged.
optimize() {
  local raw="$1" out="$2" stamp="$2.input-sha256" input_hash
  input_hash="$(sha256sum "$raw" | cut -d' ' -f1)"
  if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$input_hash" ]; then
    :
  elif [ -x "$wasm_opt" ]; then
    # The features rustc's wasm32 target enables by default and SIMD (.cargo/config.toml), so wasm-opt keeps them.
    "$wasm_opt" -O3 \
      --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      --strip-debug --strip-producers --strip-target-features \
      "$raw" -o "$out.tmp"
    mv "$out.tmp" "$out"
    echo "$input_hash" >"$stamp"
  else
    echo "build-gateway: wasm-opt $BINARYEN_VERSION is not installed (run scripts/setup.sh); using cargo's output" >&2
    cp "$raw" "$out"
    rm -f "$stamp"
  fi
}

# budget OUT RAW MAX_BYTES MAX_GZIP_BYTES: prints the sizes; returns 1 over budget.
budget() {
  local out="$1" raw="$2" max_bytes="$3" max_gzip_bytes="$4" bytes gzip_bytes
  bytes=$(wc -c <"$out")
  gzip_bytes=$(gzip -9 -c "$out" | wc -c)
  echo "build-gateway: $out: $bytes bytes ($((bytes / 1000)) KB), gzipped $gzip_bytes bytes ($((gzip_bytes / 1000)) KB);" \
    "budget $((max_bytes / 1000)) KB / $((max_gzip_bytes / 1000)) KB gzipped; cargo's output $(wc -c <"$raw") bytes"
  if [ "$bytes" -ge "$max_bytes" ] || [ "$gzip_bytes" -ge "$max_gzip_bytes" ]; then
    echo "build-gateway: $out is over its size budget" >&2
    return 1
  fi
}

# wasm-opt from the npm package `binaryen`, as scripts/setup.sh installs it
# (here too, so that this script works on its own from a clean checkout).
if ! "$wasm_opt" --version 2>/dev/null | grep -q "version_${BINARYEN_VERSION%%.*}"; then
  npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix target/tools/binaryen \
    "binaryen@$BINARYEN_VERSION" || echo "build-gateway: could not install binaryen $BINARYEN_VERSION" >&2
fi

status=0

filter_raw="$target_dir/wasm32-unknown-unknown/wasm-release/portcullis_proxy_wasm.wasm"
filter_out="$target_dir/portcullis-proxy-wasm.wasm"
cargo build --quiet -p portcullis-proxy-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
optimize "$filter_raw" "$filter_out"
budget "$filter_out" "$filter_raw" 500000 200000 || status=1

abi_dir="$target_dir/gateway-abi"
abi_raw="$abi_dir/wasm32-unknown-unknown/wasm-release/portcullis_wasm.wasm"
abi_out="$target_dir/portcullis-gateway.wasm"
cargo build --quiet -p portcullis-wasm --features gateway --target wasm32-unknown-unknown --profile wasm-release \
  --target-dir "$abi_dir" --locked
optimize "$abi_raw" "$abi_out"
budget "$abi_out" "$abi_raw" 450000 185000 || status=1

exit "$status"
