//! What the build scripts of `host-tests` and `gateway/tests` share: build a
//! Wasm guest of this workspace exactly as its `scripts/build-*.sh` does
//! before `wasm-opt` (profile `wasm-release`, target wasm32), and hand its
//! path to the tests in a compile-time variable. A variable naming a built
//! file skips the build, so the test scripts can test the shipped artifact.
//!
//! The nested cargo uses its own target directory (`<target>/<dir_name>`):
//! the outer build holds the lock of the main one, and sharing it would
//! deadlock.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One guest module and how its tests find it.
#[derive(Debug)]
pub struct Guest<'a> {
    /// The workspace package to build, e.g. `portcullis-wasm`.
    pub package: &'a str,
    /// The file cargo writes, e.g. `portcullis_wasm.wasm`.
    pub artifact: &'a str,
    /// Set to a built file, it is tested instead of building one.
    pub given_var: &'a str,
    /// The `env!` variable the tests read the module's path from.
    pub path_var: &'a str,
    /// Folders and files of the workspace whose change rebuilds the guest.
    pub inputs: &'a [&'a str],
    /// The nested build's target directory, under the outer one.
    pub dir_name: &'a str,
}

impl Guest<'_> {
    /// Runs in a build script of a crate at `root/<...>`; exits the build
    /// script with a message on failure.
    pub fn build(&self, root: &Path) {
        println!("cargo:rerun-if-env-changed={}", self.given_var);
        if let Some(given) = env::var_os(self.given_var) {
            let path = PathBuf::from(given);
            if !path.is_file() {
                fail(&format!("{}={} is not a file", self.given_var, path.display()));
            }
            println!("cargo:rerun-if-changed={}", path.display());
            println!("cargo:rustc-env={}={}", self.path_var, path.display());
            return;
        }
        for input in self.inputs.iter().chain(&["Cargo.toml", "Cargo.lock"]) {
            println!("cargo:rerun-if-changed={}", root.join(input).display());
        }

        let target_dir = self.target_dir(root);
        let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(root)
            .args(["build", "--quiet", "-p", self.package, "--target", "wasm32-unknown-unknown"])
            .args(["--profile", "wasm-release", "--target-dir"])
            .arg(&target_dir);
        // What cargo sets for the build script must not leak into the
        // guest's build (host rustflags, features, the build-script profile).
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
            Ok(status) => fail(&format!("building {} failed ({status})", self.package)),
            Err(e) => fail(&format!("cannot run cargo to build {}: {e}", self.package)),
        }
        let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release").join(self.artifact);
        if !wasm.is_file() {
            fail(&format!("the guest build did not produce {}", wasm.display()));
        }
        println!("cargo:rustc-env={}={}", self.path_var, wasm.display());
    }

    /// `<target>/<dir_name>`, where `<target>` is the target directory of
    /// this build: OUT_DIR is `<target>/<profile>/build/<package>-<hash>/out`
    /// (or with a `<triple>/` after `<target>` when cross-compiling).
    fn target_dir(&self, root: &Path) -> PathBuf {
        if let Some(dir) = env::var_os("CARGO_TARGET_DIR") {
            let dir = PathBuf::from(dir);
            return if dir.is_absolute() { dir } else { root.join(dir) }.join(self.dir_name);
        }
        let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
        out.ancestors()
            .find(|p| p.join("CACHEDIR.TAG").is_file())
            .map(|target| target.join(self.dir_name))
            .unwrap_or_else(|| root.join("target").join(self.dir_name))
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
