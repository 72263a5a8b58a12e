# Pinned tool versions, sourced by the set-up and build scripts.
