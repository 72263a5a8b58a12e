//! The raw ABI proven from a real host (wasmtime), one module per topic
//! (STYLE 12). The module under test is built by `build.rs` (or given with
//! `PORTCULLIS_WASM`); see `host-tests/src/lib.rs` for the host itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

mod conformance;
mod exports;
mod http;
mod limits;
mod malformed;
mod memory;
mod soak;
mod stores;
mod version;
mod work;

use std::path::{Path, PathBuf};

use portcullis_host_tests::{Guest, Metering};

/// A fresh instance on the metered engine (fuel and deadline far away).
pub fn guest() -> Guest {
    Guest::new(Metering::On).expect("instantiate the module")
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The governance scenario's store, as text.
pub fn governance_store() -> String {
    let text = std::fs::read_to_string(repo().join("testdata/vectors/governance.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::to_string(&file["store"]).unwrap()
}

/// The governance scenario's first case: alice starts a staging instance.
pub const ALICE_STARTS_STAGING: &str = r#"{"principal": "user/alice", "action": "ecs:StartInstance",
 "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/staging-web-1",
 "context": {"acs:CurrentTime": "2026-11-23T10:00:00Z", "acs:SourceIp": "203.0.113.7"}}"#;

/// A tiny deterministic generator for random inputs (xorshift64*).
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}
