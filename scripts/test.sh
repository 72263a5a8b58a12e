#!/usr/bin/env bash
# The one test command. `.ci/run` calls exactly this; every step runs in order
# and any failure stops the run. Each area owns one script; none is optional.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "set-up: toolchains and dependencies (idempotent)"
scripts/setup.sh

step "rust: format, lints, no_std wasm32 build, core tests and conformance"
scripts/test-rust.sh

step "policy findings over the AWS managed policies corpus"
scripts/test-lint-corpus.sh

step "raw ABI: build portcullis.wasm, wasmtime host tests, second host"
scripts/test-abi.sh

step "npm package and CLI (node --test, types, browser smoke)"
scripts/test-npm.sh

step "playground in Debian chromium"
scripts/test-playground.sh

step "gateway: route mapping and proxy-wasm filter in wasmtime"
scripts/test-gateway.sh

step "budgets: artifact sizes and speed against peers"
scripts/test-budgets.sh

printf '\nall tests passed in %ss\n' "$((SECONDS - started))"
