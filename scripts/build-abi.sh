#!/usr/bin/env bash
# Builds the raw-ABI module (wasm/ABI.md) and checks its size budget:
#   cargo, profile `wasm-release` (opt-level s, LTO, one codegen unit, panic=abort, strip)
#   -> wasm-opt -O3 from the npm package `binaryen` (installed by scripts/setup.sh)
#   -> target/portcullis.wasm ($CARGO_TARGET_DIR/portcullis.wasm), the artifact that hosts load and that test-abi.sh tests.
# Budget: under 400 KB, under 150 KB gzipped (KB = 1000 bytes). Exits 1 over it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh

target_dir="${CARGO_TARGET_DIR:-target}"
out="$target_dir/portcullis.wasm"
raw="$target_dir/wasm32-unknown-unknown/wasm-release/portcullis_wasm.wasm"
wasm_opt=target/tools/binaryen/node_modules/.bin/wasm-opt
max_bytes=400000
max_gzip_bytes=150000

cargo build --quiet -p portcullis-wasm --target wasm32-unknown-unknown --profile wasm-release --locked

# wasm-opt takes ~20 s: reuse its output while cargo's is unchanged.
stamp="$out.input-sha256"
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
  echo "build-abi: wasm-opt $BINARYEN_VERSION is not installed (run scripts/setup.sh); using cargo's output" >&2
  cp "$raw" "$out"
  rm -f "$stamp"
fi

bytes=$(wc -c <"$out")
gzip_bytes=$(gzip -9 -c "$out" | wc -c)
echo "build-abi: $out: $bytes bytes ($((bytes / 1000)) KB), gzipped $gzip_bytes bytes ($((gzip_bytes / 1000)) KB);" \
  "budget $((max_bytes / 1000)) KB / $((max_gzip_bytes / 1000)) KB gzipped; cargo's output $(wc -c <"$raw") bytes"
if [ "$bytes" -ge "$max_bytes" ] || [ "$gzip_bytes" -ge "$max_gzip_bytes" ]; then
  echo "build-abi: over the size budget" >&2
  exit 1
fi
