//! An arbitrary store and an arbitrary request, separated by the first NUL
//! byte: whatever loads and parses gets a decision, without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_core::{Request, Store};

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (store, request) = data.split_at(split);
    let request = request.get(1..).unwrap_or_default();
    let (Ok(store), Ok(request)) = (std::str::from_utf8(store), std::str::from_utf8(request)) else { return };
    let Ok(store) = Store::from_json_str(store) else { return };
    let Ok(request) = Request::from_json_str(request) else { return };
    let decision = store.evaluate(&request, None);
    let _ = portcullis_core::api::decision_json(&store, &request, &decision);
});
