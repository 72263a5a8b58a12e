#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ (or the ones named) for a bounded time.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]     default: 60 s, all targets
#
# Needs the nightly toolchain (libFuzzer, sanitizers) and cargo-fuzz; installs
# cargo-fuzz from crates.io when it is missing. Each target starts from the
# committed seeds in fuzz/seeds/<target> plus the local, git-ignored corpus in
# fuzz/corpus/<target>; a crash leaves its input in fuzz/artifacts/<target>
# and stops the script. Turn every crash into a named regression test
# (testdata/regressions/ or core/tests/) before fixing it.
# Not part of scripts/test.sh: fuzzing is open-ended and needs nightly.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
toolchain="${PORTCULLIS_FUZZ_TOOLCHAIN:-nightly}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo "+$toolchain" fuzz list)
fi
# The `abi` target drives the raw ABI module in wasmtime: build it first.
(cd .. && scripts/build-abi.sh >/dev/null)
export PORTCULLIS_WASM="$PWD/../target/portcullis.wasm"
cargo "+$toolchain" fuzz build -O
for target in "${targets[@]}"; do
    printf '\n==> fuzz %s for %ss\n' "$target" "$seconds"
    mkdir -p "corpus/$target"
    # -timeout: one input taking more than 10 s is a hang; -rss_limit_mb: a
    # leak or blow-up; -max_len: room for stores, beyond the request limit.
    status=0
    cargo "+$toolchain" fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
        -dict=policy.dict -print_final_stats=1 2>&1 \
        | { grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|==|SUMMARY|Done|No such|.*(panicked|ERROR|crash|timeout))' || true; } \
        || status=$?
    if [ -n "$(ls -A "artifacts/$target" 2>/dev/null)" ]; then
        echo "fuzz: $target left crash inputs in fuzz/artifacts/$target" >&2
        exit 1
    fi
    # Without a crash input, a failure is the fuzzer not running at all (a
    # missing seed folder, a build error): never report that as a clean run.
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $target did not run (exit status $status)" >&2
        exit 1
    fi
done
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
