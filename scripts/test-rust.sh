#!/usr/bin/env bash
# Rust checks for the whole workspace, then the core's own tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
# The fuzz targets and the Cedar comparison are workspaces of their own.
rustfmt --check --edition 2021 fuzz/fuzz_targets/*.rs fuzz/src/lib.rs bench/native/src/lib.rs bench/native/benches/*.rs
cargo clippy --workspace --all-targets --locked -- -D warnings
# Core is no_std + alloc and must build for the browser/gateway target alone.
cargo build -p portcullis-core --no-default-features --target wasm32-unknown-unknown --locked
# `docs`: the generated docs/checks.md is compared with the registry's prose.
cargo test -p portcullis-core --features docs --locked
cargo test -p portcullis-core --test conformance --locked -- --nocapture
cargo test -p portcullis-workload --locked
# Benchmarks must keep compiling; running them is `cargo bench -p portcullis-core`.
cargo bench -p portcullis-core --no-run --locked
