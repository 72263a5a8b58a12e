//! Inputs the fuzz targets in `fuzz/` found, each replayed through the same
//! checks the target makes (`fuzz/src/lib.rs`): no panic, and every
//! diagnostic's span inside the text and on character boundaries.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use portcullis_core::{Diagnostic, Store};

#[track_caller]
fn assert_spans(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        for span in std::iter::once(d.span).chain(d.fix.iter().map(|f| f.span)) {
            assert!(span.start <= span.end, "span {span:?} is reversed in {d:?}");
            assert!(span.end <= text.len(), "span {span:?} is past the end ({}) in {d:?}", text.len());
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "span {span:?} splits a character in {d:?}"
            );
        }
        assert!(!d.message.is_empty(), "empty message in {d:?}");
    }
}

fn load(text: &str) {
    match Store::from_json_str(text) {
        Ok(store) => assert_spans(text, store.warnings()),
        Err(e) => {
            assert!(e.errors().next().is_some());
            assert_spans(text, &e.diagnostics);
        }
    }
    assert_spans(text, &portcullis_core::api::check(text).diagnostics);
}

/// store_load crash-06d3ab8c: a bad `\u` escape after non-ASCII text in an
/// unterminated string.
#[test]
fn bad_unicode_escape_after_non_ascii() {
    load("\"s\\u16e\u{1cd}es\\u15e9sew\\u1Ve9");
}

/// Found while fixing the one above: an unknown escape whose character is
/// several bytes long.
#[test]
fn unknown_escape_of_a_multibyte_character() {
    load("{\"account\": \"a\\é\"}");
    load("\"\\😀");
}
