# Pinned tool versions, sourced by the set-up and build scripts.

# --- npm package (setup.sh npm block, build-npm.sh, test-npm.sh) ---
# wasm-bindgen-cli must equal the `wasm-bindgen = "=X"` pin in wasm/Cargo.toml
# (test-npm.sh checks); npm tools are pinned in npm/package.json + lock file.
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
# --- end npm package ---

# --- raw ABI (setup.sh raw-ABI block, build-abi.sh) ---
# wasm-opt comes from the npm package `binaryen` (JavaScript + Wasm, nothing
# prebuilt is downloaded), installed under target/tools/binaryen.
BINARYEN_VERSION=132.0.0
# --- end raw ABI ---
