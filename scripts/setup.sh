#!/usr/bin/env bash
# Installs everything the tests need, from the package registries only.
# Idempotent and quick when everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh

# Rust: rust-toolchain.toml pins the toolchain; make sure the wasm target is there.
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown

# --- npm package: wasm-bindgen-cli, wasm-pack (crates.io), Debian chromium ---
# Each install is skipped when the pinned version is already there. npm's own
# dependencies (typescript, binaryen's wasm-opt, vite, playwright-core) are
# installed by scripts/build-npm.sh with `npm ci` from npm/package-lock.json.
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  # No --locked: a dependency locked by that release is missing from the index here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! wasm-pack --version 2>/dev/null | grep -qx "wasm-pack $WASM_PACK_VERSION"; then
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi
if ! [ -x /usr/bin/chromium ]; then
  # The browser smoke test drives Debian's chromium (playwright-core, no browser download).
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
# --- end npm package ---

# --- raw ABI: wasm-opt for scripts/build-abi.sh, from the npm package `binaryen` ---
binaryen_dir=target/tools/binaryen
if ! "$binaryen_dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version_${BINARYEN_VERSION%%.*}"; then
  npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$binaryen_dir" "binaryen@$BINARYEN_VERSION"
fi
# --- end raw ABI ---
