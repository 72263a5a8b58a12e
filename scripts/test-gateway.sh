#!/usr/bin/env bash
# The gateway (gateway/README.md), end to end:
#   1. build target/portcullis-proxy-wasm.wasm (the proxy-wasm filter) and
#      target/portcullis-gateway.wasm (the raw ABI with the gateway exports,
#      ABI 1.1) and check their size budgets (build-gateway.sh);
#   2. lint what only compiles for wasm32: the filter, the route mapping
#      without its `regex` feature, and the raw ABI's gateway exports; the
#      workspace clippy in test-rust.sh lints the first two for the host;
#   3. the route mapping's own tests (templates, encodings, trust, config
#      errors, the governance scenario through HTTP), natively;
#   4. the wasmtime proxy-wasm host tests (gateway/tests/tests/all) on that
#      very file, in the optimised `abi-host` profile shared with
#      host-tests (one wasmtime build serves both): lifecycle, 403s and
#      pass-throughs, audit lines, bad configurations, 100,000-request flood;
#   5. the raw ABI's gateway exports in wasmtime: host-tests' `http` topic
#      (with the interface topics `exports` and `version`) on
#      portcullis-gateway.wasm; test-abi.sh runs them on the default module,
#      where they check that it has no gateway exports;
#   6. a short benchmark run: the latency the filter adds on the medium
#      store (p50/p99), with a generous bound (times are noisy here).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf -- '--> %s\n' "$*"; }

step "build portcullis-proxy-wasm.wasm and portcullis-gateway.wasm (size budgets)"
scripts/build-gateway.sh
wasm="$(realpath "${CARGO_TARGET_DIR:-target}")/portcullis-proxy-wasm.wasm"
abi_wasm="$(realpath "${CARGO_TARGET_DIR:-target}")/portcullis-gateway.wasm"

step "clippy: the filter and the no_std route mapping for wasm32"
cargo clippy --quiet -p portcullis-proxy-wasm --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy --quiet -p portcullis-gateway --no-default-features --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy --quiet -p portcullis-wasm --features gateway --target wasm32-unknown-unknown --target-dir \
  "${CARGO_TARGET_DIR:-target}/gateway-abi" --locked -- -D warnings

step "route mapping tests"
cargo test --quiet -p portcullis-gateway --locked

step "wasmtime proxy-wasm host tests on $wasm"
PORTCULLIS_PROXY_WASM="$wasm" cargo test -p portcullis-gateway-tests --profile abi-host --locked -- --nocapture

step "raw ABI gateway exports (host-tests http, exports, version) on $abi_wasm"
# PORTCULLIS_WASM is read at run time by host-tests (its build script would
# also take it at build time and rebuild the test binary around it, so it is
# given to the test binary only).
test_binary="$(cargo test -p portcullis-host-tests --profile abi-host --locked --test all --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)"
PORTCULLIS_WASM="$abi_wasm" "$test_binary" http:: exports:: version::

step "benchmark (quick): latency the filter adds, medium store"
PORTCULLIS_PROXY_WASM="$wasm" cargo bench -p portcullis-gateway-tests --profile abi-host --locked --bench filter -- --quick --check
