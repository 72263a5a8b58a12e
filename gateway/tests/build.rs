//! Builds the guest: the proxy-wasm filter `portcullis_proxy_wasm.wasm`,
//! exactly as `scripts/build-gateway.sh` does before its `wasm-opt` pass,
//! and exposes its path to the tests as `PORTCULLIS_FILTER_GUEST_WASM`.
//!
//! Setting `PORTCULLIS_PROXY_WASM=/path/to/portcullis-proxy-wasm.wasm` while
//! building skips the build and tests that file instead (test-gateway.sh
//! uses it to test the shipped artifact).
//!
//! The nested cargo uses its own target directory (`<target>/gateway-guest`):
//! the outer build holds the lock of the main one, and sharing it would
//! deadlock.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PORTCULLIS_PROXY_WASM");
    if let Some(given) = env::var_os("PORTCULLIS_PROXY_WASM") {
        let path = PathBuf::from(given);
        if !path.is_file() {
            fail(&format!("PORTCULLIS_PROXY_WASM={} is not a file", path.display()));
        }
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-env=PORTCULLIS_FILTER_GUEST_WASM={}", path.display());
        return;
    }

    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.ancestors().nth(2).map(Path::to_path_buf).unwrap_or_default();
    for input in [
        "core/src",
        "core/Cargo.toml",
        "gateway/map/src",
        "gateway/map/Cargo.toml",
        "gateway/filter/src",
        "gateway/filter/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }

    let target_dir = guest_target_dir(&root);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(&root)
        .args(["build", "--quiet", "-p", "portcullis-proxy-wasm", "--target", "wasm32-unknown-unknown"])
        .args(["--profile", "wasm-release", "--target-dir"])
        .arg(&target_dir);
    // What cargo sets for this build script must not leak into the guest's
    // build (host rustflags, features, the build-script profile).
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        let leaks = key.starts_with("CARGO_FEATURE_")
            || key.starts_with("CARGO_CFG_")
            || key.starts_with("CARGO_PROFILE_")
            || matches!(
                key.as_ref(),
                "CARGO_ENCODED_RUSTFLAGS"
                    | "RUSTFLAGS"
                    | "CARGO_TARGET_DIR"
                    | "CARGO_BUILD_TARGET"
                    | "TARGET"
                    | "HOST"
                    | "OUT_DIR"
                    | "OPT_LEVEL"
                    | "PROFILE"
                    | "DEBUG"
                    | "RUSTC_WRAPPER"
                    | "RUSTC_WORKSPACE_WRAPPER"
            );
        if leaks {
            command.env_remove(key.as_ref());
        }
    }
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!("building the filter module failed ({status})")),
        Err(e) => fail(&format!("cannot run cargo to build the filter module: {e}")),
    }
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release/portcullis_proxy_wasm.wasm");
    if !wasm.is_file() {
        fail(&format!("the guest build did not produce {}", wasm.display()));
    }
    println!("cargo:rustc-env=PORTCULLIS_FILTER_GUEST_WASM={}", wasm.display());
}

/// `<target>/gateway-guest`, where `<target>` is the target directory of
/// this build: OUT_DIR is `<target>/<profile>/build/<package>-<hash>/out`
/// (or with a `<triple>/` after `<target>` when cross-compiling).
fn guest_target_dir(root: &Path) -> PathBuf {
    if let Some(dir) = env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() { dir } else { root.join(dir) }.join("gateway-guest");
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    out.ancestors()
        .find(|p| p.join("CACHEDIR.TAG").is_file())
        .map(|target| target.join("gateway-guest"))
        .unwrap_or_else(|| root.join("target/gateway-guest"))
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
