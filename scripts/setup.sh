#!/usr/bin/env bash
# Installs everything the tests need, from the package registries only.
# Idempotent and quick when everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh

# Rust: rust-toolchain.toml pins the toolchain; make sure the wasm target is there.
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
