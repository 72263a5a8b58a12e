#!/usr/bin/env bash
# Builds the npm package in npm/ from a clean checkout (tools: scripts/setup.sh).
#
#   npm/pkg/   generated: wasm-pack --target web from wasm/ with feature `js`,
#              then shrunk by wasm-opt from the `binaryen` npm package
#   npm/dist/  the hand-written TypeScript facade and CLI (npm/src/), by tsc
#
# Both folders are build outputs (never committed) at these fixed places, so
# the playground and other local users can import `npm/` directly.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.sh
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

for tool in wasm-pack wasm-bindgen node npm; do
  command -v "$tool" >/dev/null || { echo "build-npm: \`$tool\` is missing; run scripts/setup.sh" >&2; exit 1; }
done

# npm dev dependencies, exactly as locked; skipped when node_modules is current.
if ! [ -f npm/node_modules/.package-lock.json ] || [ npm/package-lock.json -nt npm/node_modules/.package-lock.json ]; then
  (cd npm && npm ci --no-audit --no-fund)
fi

# The generated bindings. wasm-opt is off in wasm/Cargo.toml (wasm-pack would
# download it); --no-pack: npm/package.json is the package, not a generated one.
# For this build only: strip=false, because wasm-bindgen reads the
# target_features section that the workspace's `strip = true` drops (wasm-opt
# strips below); opt-level z, because the engine must fit the size budget of
# 200 KB gzipped (opt-level 3 is ~25% larger and ~1.3x faster per decision;
# PORTCULLIS_NPM_OPT_LEVEL=3 builds that, e.g. for a Node-only service).
opt_level="${PORTCULLIS_NPM_OPT_LEVEL:-z}"
CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt_level" wasm-pack --quiet build wasm --release --target web --no-pack \
  --out-dir ../npm/pkg --out-name portcullis_wasm -- --features js --locked
rm -f npm/pkg/.gitignore npm/pkg/package.json npm/pkg/README.md

# Optimise and strip with binaryen (the features rustc's wasm32 target enables
# by default, and SIMD: .cargo/config.toml). Skipped when wasm-bindgen's output is unchanged.
wasm="npm/pkg/portcullis_wasm_bg.wasm"
stamp="npm/pkg/.wasm-opt-cache"  # input hash; $stamp.wasm: its optimised output
input_hash="$(sha256sum "$wasm" | cut -d' ' -f1) Oz-converge-simd"  # the options too
if [ -f "$stamp.wasm" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$input_hash" ]; then
  cp "$stamp.wasm" "$wasm"
else
  # -Oz --converge, not -O3: 1.1 KB smaller gzipped (200,493 -> 199,406 bytes),
  # within noise per decision in npm/bench (the budget is 200,000 bytes).
  npm/node_modules/.bin/wasm-opt -Oz --converge \
    --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers --strip-target-features \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  cp "$wasm" "$stamp.wasm"
  echo "$input_hash" >"$stamp"
fi

# The facade and CLI.
rm -rf npm/dist
npm/node_modules/.bin/tsc -p npm/tsconfig.json
chmod +x npm/dist/cli.js
echo "build-npm: npm/pkg and npm/dist are ready ($(wc -c <"$wasm") bytes of wasm, opt-level $opt_level)"
