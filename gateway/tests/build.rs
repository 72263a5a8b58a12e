//! Builds the guest: the proxy-wasm filter `portcullis_proxy_wasm.wasm`,
//! exactly as `scripts/build-gateway.sh` does before its `wasm-opt` pass,
//! and exposes its path to the tests as `PORTCULLIS_FILTER_GUEST_WASM`.
//!
//! Setting `PORTCULLIS_PROXY_WASM=/path/to/portcullis-proxy-wasm.wasm` while
//! building skips the build and tests that file instead (test-gateway.sh
//! uses it to test the shipped artifact).

use std::path::{Path, PathBuf};

use portcullis_guest_build::Guest;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.ancestors().nth(2).map(Path::to_path_buf).unwrap_or_default();
    Guest {
        package: "portcullis-proxy-wasm",
        artifact: "portcullis_proxy_wasm.wasm",
        given_var: "PORTCULLIS_PROXY_WASM",
        path_var: "PORTCULLIS_FILTER_GUEST_WASM",
        inputs: &[
            "core/src",
            "core/Cargo.toml",
            "gateway/map/src",
            "gateway/map/Cargo.toml",
            "gateway/filter/src",
            "gateway/filter/Cargo.toml",
        ],
        dir_name: "gateway-guest",
    }
    .build(&root);
}
