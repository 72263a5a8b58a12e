//! Store loading on arbitrary text: never a panic; errors carry spans inside
//! the text; a store that loads answers an arbitrary fixed request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_core::{Request, Store};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Store::from_json_str(text) {
        Ok(store) => {
            portcullis_fuzz::assert_spans(text, store.warnings());
            let request = Request::from_json_str(
                r#"{"principal":"user/alice","action":"ecs:StartInstance","resource":"acs:ecs:cn-hangzhou:1234567890123456:instance/staging-web-1","context":{"acs:CurrentTime":"2026-11-23T10:00:00Z"}}"#,
            )
            .expect("the fixed request parses");
            let _ = store.evaluate(&request, None);
        }
        Err(e) => {
            assert!(e.errors().next().is_some(), "a failed load without an error: {e:?}");
            portcullis_fuzz::assert_spans(text, &e.diagnostics);
        }
    }
});
