#!/usr/bin/env bash
# The gateway (gateway/README.md), end to end:
#   1. build target/portcullis-proxy-wasm.wasm, the proxy-wasm filter, and
#      check its size budget (build-gateway.sh);
#   2. lint what only compiles for wasm32: the filter, and the route mapping
#      without its `regex` feature (the no_std build the raw ABI would use);
#      the workspace clippy in test-rust.sh lints both for the host target;
#   3. the route mapping's own tests (templates, encodings, trust, config
#      errors, the governance scenario through HTTP), natively;
#   4. the wasmtime proxy-wasm host tests (gateway/tests/tests/all) on that
#      very file, in the optimised `abi-host` profile shared with
#      host-tests (one wasmtime build serves both): lifecycle, 403s and
#      pass-throughs, audit lines, bad configurations, 100,000-request flood;
#   5. a short benchmark run: the latency the filter adds on the medium
#      store (p50/p99), with a generous bound (times are noisy here).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf -- '--> %s\n' "$*"; }

step "build portcullis-proxy-wasm.wasm (size budget)"
scripts/build-gateway.sh
wasm="$(realpath "${CARGO_TARGET_DIR:-target}")/portcullis-proxy-wasm.wasm"

step "clippy: the filter and the no_std route mapping for wasm32"
cargo clippy --quiet -p portcullis-proxy-wasm --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy --quiet -p portcullis-gateway --no-default-features --target wasm32-unknown-unknown --locked -- -D warnings

step "route mapping tests"
cargo test --quiet -p portcullis-gateway --locked

step "wasmtime proxy-wasm host tests on $wasm"
PORTCULLIS_PROXY_WASM="$wasm" cargo test -p portcullis-gateway-tests --profile abi-host --locked -- --nocapture

step "benchmark (quick): latency the filter adds, medium store"
PORTCULLIS_PROXY_WASM="$wasm" cargo bench -p portcullis-gateway-tests --profile abi-host --locked --bench filter -- --quick --check
