//! Checks shared by the fuzz targets.

use portcullis_core::Diagnostic;

/// Every span (and fix span) lies inside `text`, on character boundaries,
/// and every finding has a message: what an editor needs to underline it.
pub fn assert_spans(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let spans = core::iter::once(d.span).chain(d.fix.iter().map(|f| f.span));
        for span in spans {
            assert!(span.start <= span.end, "span {span:?} is reversed in {d:?}");
            assert!(span.end <= text.len(), "span {span:?} is past the end ({}) in {d:?}", text.len());
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "span {span:?} splits a character in {d:?}"
            );
        }
        assert!(!d.message.is_empty(), "empty message in {d:?}");
        assert!(d.line >= 1 || text.is_empty() || d.span == Default::default(), "no line for {d:?}");
    }
}

/// A store with users, groups, roles, assignments, a boundary, guardrails,
/// resource policies and a trust policy: requests against it reach every
/// evaluation path.
pub const STORE: &str = include_str!("../../testdata/vectors/governance.json");

/// The store object inside [`STORE`] (a test file), as text.
pub fn store_text() -> String {
    let file: serde_json::Value = serde_json::from_str(STORE).expect("the governance vector is JSON");
    file["store"].to_string()
}
