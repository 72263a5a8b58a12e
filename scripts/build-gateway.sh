#!/usr/bin/env bash
# Builds the proxy-wasm filter (gateway/filter, proxy-wasm ABI 0.2.1) and
# checks its size budget:
#   cargo, profile `wasm-release` (opt-level s, LTO, one codegen unit, panic=abort, strip),
#   target wasm32-unknown-unknown (no WASI: the module imports only the proxy-wasm host functions)
#   -> wasm-opt -O3 from the npm package `binaryen` (installed by scripts/setup.sh)
#   -> target/portcullis-proxy-wasm.wasm ($CARGO_TARGET_DIR/portcullis-proxy-wasm.wasm), the file a
#      gateway loads and that test-gateway.sh tests.
# Budget: under 500 KB, under 200 KB gzipped (KB = 1000 bytes): the engine
# (the raw ABI module's budget is 400 KB) plus the route mapping, regex-lite
# and the proxy-wasm SDK. Exits 1 over it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh

target_dir="${CARGO_TARGET_DIR:-target}"
out="$target_dir/portcullis-proxy-wasm.wasm"
raw="$target_dir/wasm32-unknown-unknown/wasm-release/portcullis_proxy_wasm.wasm"
wasm_opt=target/tools/binaryen/node_modules/.bin/wasm-opt
max_bytes=500000
max_gzip_bytes=200000

cargo build --quiet -p portcullis-proxy-wasm --target wasm32-unknown-unknown --profile wasm-release --locked

# wasm-opt takes a while: reuse its output while cargo's is unchanged.
stamp="$out.input-sha256"
input_hash="$(sha256sum "$raw" | cut -d' ' -f1)"
if [ -f "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$input_hash" ]; then
  :
elif [ -x "$wasm_opt" ]; then
  "$wasm_opt" -O3 \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
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

bytes=$(wc -c <"$out")
gzip_bytes=$(gzip -9 -c "$out" | wc -c)
echo "build-gateway: $out: $bytes bytes ($((bytes / 1000)) KB), gzipped $gzip_bytes bytes ($((gzip_bytes / 1000)) KB);" \
  "budget $((max_bytes / 1000)) KB / $((max_gzip_bytes / 1000)) KB gzipped; cargo's output $(wc -c <"$raw") bytes"
if [ "$bytes" -ge "$max_bytes" ] || [ "$gzip_bytes" -ge "$max_gzip_bytes" ]; then
  echo "build-gateway: over the size budget" >&2
  exit 1
fi
