//! The proxy-wasm filter proven from a host (wasmtime acting as a proxy-wasm
//! 0.2.1 host), one module per topic (STYLE 12). The module under test is
//! built by `build.rs` (or given with `PORTCULLIS_PROXY_WASM`); see
//! `gateway/tests/src/lib.rs` for the host.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

mod configure;
mod flood;
mod governance;
mod malformed;
mod module;

use std::path::{Path, PathBuf};

use portcullis_gateway_tests::{Filter, Metering};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The governance scenario's store, as JSON.
pub fn governance_store() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("testdata/vectors/governance.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["store"].clone()
}

/// `gateway/testdata/governance-routes.json` as written (`storeRef`).
pub fn governance_routes() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("gateway/testdata/governance-routes.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The same with the store inline.
pub fn governance_inline() -> serde_json::Value {
    let mut config = governance_routes();
    let object = config.as_object_mut().unwrap();
    object.remove("storeRef");
    object.insert("store".into(), governance_store());
    config
}

/// A VM with the governance configuration (store inline) in service.
pub fn governance_filter() -> Filter {
    let mut filter = Filter::new(Metering::On).expect("instantiate the filter");
    assert!(filter.vm_start(b"").unwrap());
    assert!(filter.configure(governance_inline().to_string().as_bytes()).unwrap(), "{:?}", filter.take_logs());
    filter.take_logs();
    filter
}
