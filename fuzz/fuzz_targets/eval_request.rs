//! Arbitrary request text against a fixed store that has every kind of
//! policy: parsing never panics, and every parsed request gets a decision.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use portcullis_core::{Instant, Request, Store};

static STORE: LazyLock<Store> =
    LazyLock::new(|| Store::from_json_str(&portcullis_fuzz::store_text()).expect("the governance store loads"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(request) = Request::from_json_str(text) else { return };
    let decision = STORE.evaluate(&request, None);
    let _ = STORE.evaluate(&request, Instant::parse("2026-11-23T10:00:00Z"));
    let _ = portcullis_core::api::decision_json(&STORE, &request, &decision);
    // The JSON layer the ABI calls.
    let _ = portcullis_core::api::evaluate_json_str(&STORE, text, None);
    let _ = portcullis_core::api::evaluate_batch_json_str(&STORE, text, None);
});
