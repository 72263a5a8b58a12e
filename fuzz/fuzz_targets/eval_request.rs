//! Arbitrary request text against a fixed store that has every kind of
//! policy: parsing never panics, the fast reader reads what the rules read
//! wherever it reads at all, and every parsed request gets a decision, as
//! JSON and as a compact record. The same bytes are also read as a value in
//! the transfer form (the npm package's), under the same two promises. A
//! batch of the text twice answers what the text answers alone.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use portcullis_core::{Instant, Request, Store};

static STORE: LazyLock<Store> =
    LazyLock::new(|| Store::from_json_str(&portcullis_fuzz::store_text()).expect("the governance store loads"));

fuzz_target!(|data: &[u8]| {
    assert_ne!(portcullis_core::request::transfer_readers_agree(data), Some(false), "transfer readers disagree");
    if let Ok(request) = Request::from_transfer(data) {
        let decision = STORE.evaluate(&request, None);
        let mut record = Vec::new();
        portcullis_core::decision::CompactWriter::new().write(&decision.explain(&STORE, &request), &mut record);
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    assert_ne!(portcullis_core::request::readers_agree(text), Some(false), "text readers disagree");
    // In a batch, a request is answered as it is alone (the batch reader
    // finds where a request ends with the fast reader when it can).
    let one_value = portcullis_core::json::parse(text, portcullis_core::json::JsonLimits::default()).is_ok();
    let batch = || portcullis_core::api::evaluate_batch_json_str(&STORE, &format!("[{text},{text}]"), None);
    if let (true, Ok(batch)) = (one_value, batch()) {
        // Places in a batch's answers count from where each request starts.
        let trimmed = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        let alone = portcullis_core::api::evaluate_json_str(&STORE, trimmed, None).unwrap_or_else(|f| f.to_json());
        assert_eq!(batch, format!("[{alone},{alone}]"), "a batch answers otherwise than single calls");
    }
    let Ok(request) = Request::from_json_str(text) else { return };
    let decision = STORE.evaluate(&request, None);
    let _ = STORE.evaluate(&request, Instant::parse("2026-11-23T10:00:00Z"));
    let _ = portcullis_core::api::decision_json(&STORE, &request, &decision);
    // The JSON layer the ABI calls.
    let _ = portcullis_core::api::evaluate_json_str(&STORE, text, None);
    let _ = portcullis_core::api::evaluate_batch_json_str(&STORE, text, None);
});
