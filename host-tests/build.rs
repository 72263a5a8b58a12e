//! Builds the guest: the raw-ABI module `portcullis_wasm.wasm`, exactly as
//! `scripts/build-abi.sh` does before its optional `wasm-opt` pass, and
//! exposes its path to the tests as `PORTCULLIS_GUEST_WASM`.
//!
//! Setting `PORTCULLIS_WASM=/path/to/portcullis.wasm` while building skips
//! the build and tests that file instead (test-abi.sh uses it to test the
//! shipped artifact).

use std::path::{Path, PathBuf};

use portcullis_guest_build::Guest;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    Guest {
        package: "portcullis-wasm",
        artifact: "portcullis_wasm.wasm",
        given_var: "PORTCULLIS_WASM",
        path_var: "PORTCULLIS_GUEST_WASM",
        inputs: &["core/src", "core/Cargo.toml", "wasm/src", "wasm/Cargo.toml"],
        dir_name: "abi-guest",
    }
    .build(&root);
}
