//! The ABI version functions and the capability/version query.

use portcullis_core::limits;
use portcullis_host_tests::{code, ABI_MAJOR};

#[test]
fn major_is_1_and_minor_is_a_version() {
    let mut g = crate::guest();
    assert_eq!(g.abi_major().unwrap(), ABI_MAJOR);
    assert!(g.abi_minor().unwrap() >= 2, "1.2 added pc_result_view, which this host reads answers through");
}

#[test]
fn version_answer_names_engine_abi_capabilities_and_limits() {
    let mut g = crate::guest();
    let answer = g.version().unwrap();
    assert_eq!(answer.code, code::OK);
    let v = answer.value();
    assert_eq!(v["type"], "success");
    assert_eq!(v["engine"], portcullis_core::VERSION);
    assert_eq!(v["abi"]["major"], g.abi_major().unwrap());
    assert_eq!(v["abi"]["minor"], g.abi_minor().unwrap());
    let capabilities: Vec<&str> = v["capabilities"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for needed in ["store", "evaluate", "evaluate-batch", "check", "now", "result-view"] {
        assert!(capabilities.contains(&needed), "capability `{needed}` missing from {capabilities:?}");
    }
    assert_eq!(v["limits"]["storeBytes"], limits::MAX_STORE_BYTES);
    assert_eq!(v["limits"]["requestBytes"], limits::MAX_REQUEST_BYTES);
    assert_eq!(v["limits"]["batchRequests"], limits::MAX_BATCH);
    assert_eq!(v["limits"]["jsonDepth"], limits::MAX_JSON_DEPTH);
    assert_eq!(v["warnings"], serde_json::json!([]));
}
