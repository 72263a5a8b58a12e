//! The editor's entry point on arbitrary (half-typed) text: never a panic,
//! every diagnostic's span inside the text and on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let answer = portcullis_core::api::check(text);
    portcullis_fuzz::assert_spans(text, &answer.diagnostics);
    // The JSON face must serialise whatever was found.
    let json = portcullis_core::api::check_json_str(text);
    assert!(json.starts_with('{'));
});
