#!/usr/bin/env bash
# The raw ABI (wasm/ABI.md), end to end:
#   1. build target/portcullis.wasm and check its size budget (build-abi.sh);
#   2. lint the ABI code, which only compiles for wasm32 (the workspace clippy
#      in test-rust.sh runs for the host target and does not see it);
#   3. the wasmtime host tests (host-tests/tests/all) on that very file, in the
#      optimised `abi-host` profile (Cranelift compiles the module in ~1 s
#      instead of ~20 s, and the million-decision soak takes seconds);
#   4. a second, independent host: Node's own WebAssembly API, no glue;
#   5. a short benchmark run: numbers for the log, and a generous ratio check
#      (ABI p50 within 10x of the native core's; times are noisy here).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf -- '--> %s\n' "$*"; }

step "build portcullis.wasm (size budget)"
scripts/build-abi.sh
wasm="$(realpath "${CARGO_TARGET_DIR:-target}")/portcullis.wasm"

step "clippy: the raw ABI for wasm32"
cargo clippy --quiet -p portcullis-wasm --target wasm32-unknown-unknown --locked -- -D warnings

step "wasmtime host tests on $wasm"
PORTCULLIS_WASM="$wasm" cargo test -p portcullis-host-tests --profile abi-host --locked -- --nocapture

step "second host: node, WebAssembly API only"
node host-tests/node/host.mjs "$wasm" testdata/vectors/governance.json

step "without SIMD, for runtimes that lack it (wasm/ABI.md): builds, decides, has no vector code"
no_simd_dir="$(realpath "${CARGO_TARGET_DIR:-target}")/no-simd"
CARGO_TARGET_DIR="$no_simd_dir" RUSTFLAGS="-C target-feature=-simd128" scripts/build-abi.sh
node host-tests/node/host.mjs "$no_simd_dir/portcullis.wasm" testdata/vectors/governance.json
vector_ops() { target/tools/binaryen/node_modules/.bin/wasm-opt --all-features --print "$1" | grep -c 'v128\.' || true; }
default_ops="$(vector_ops "$wasm")"
no_simd_ops="$(vector_ops "$no_simd_dir/portcullis.wasm")"
echo "v128 instructions: $default_ops in the default module, $no_simd_ops without SIMD"
if [ "$default_ops" -eq 0 ] || [ "$no_simd_ops" -ne 0 ]; then
  echo "test-abi: expected vector code in the default module only" >&2
  exit 1
fi

step "benchmark (quick): decisions through the ABI vs native"
PORTCULLIS_WASM="$wasm" cargo bench -p portcullis-host-tests --profile abi-host --locked --bench abi -- --quick --check
