//! Load-time errors, asserted by what a policy author sees: the message, the
//! help, the place (pointer, line:column) and the underlined text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use portcullis_core::{Diagnostic, Severity, Store};

/// Loads `text`, expecting failure; returns the errors with their underlined snippet.
fn errors(text: &str) -> Vec<(Diagnostic, String)> {
    let err = match Store::from_json_str(text) {
        Ok(_) => panic!("the store loaded, but it should not:\n{text}"),
        Err(e) => e,
    };
    err.diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let snippet = text[d.span.start..d.span.end].to_string();
            (d, snippet)
        })
        .collect()
}

fn one(text: &str) -> (Diagnostic, String) {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.remove(0)
}

/// A store with one policy document given as text, so spans point into it.
fn with_policy(policy: &str) -> String {
    format!("{{\n  \"account\": \"1\",\n  \"partition\": \"acs\",\n  \"policies\": {{\n    \"P\": {policy}\n  }},\n  \"users\": {{\"u\": {{\"policies\": [\"P\"]}}}}\n}}")
}

#[test]
fn unknown_operator_in_a_deny_is_an_error_with_a_suggestion() {
    let text = with_policy(
        r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "ecs:*", "Resource": "*",
        "Condition": {"NotIpAdress": {"acs:SourceIp": "203.0.113.0/24"}}}]}"#,
    );
    let (d, snippet) = one(&text);
    assert_eq!(d.code, "unknown-operator");
    assert_eq!(d.message, "unknown condition operator `NotIpAdress`");
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `NotIpAddress`? an unknown operator would never match, so a Deny using it would fail open")
    );
    assert_eq!(d.path, "/policies/P/Statement/0/Condition/NotIpAdress");
    assert_eq!(snippet, "\"NotIpAdress\"");
    assert_eq!((d.line, d.column), (6, 23));
}

#[test]
fn malformed_values_are_errors() {
    for (cond, code, message, snippet) in [
        (
            r#"{"IpAddress": {"acs:SourceIp": "203.0.113.0/33"}}"#,
            "invalid-cidr",
            "`203.0.113.0/33` is not an IP address or CIDR range",
            "\"203.0.113.0/33\"",
        ),
        (
            r#"{"DateLessThan": {"acs:CurrentTime": "2026-13-01"}}"#,
            "invalid-date",
            "`2026-13-01` is not a date",
            "\"2026-13-01\"",
        ),
        (r#"{"NumericLessThan": {"x": ["1", "10abc"]}}"#, "invalid-number", "`10abc` is not a number", "\"10abc\""),
        (r#"{"Bool": {"acs:MFAPresent": "yes"}}"#, "invalid-bool", "`yes` is not a boolean", "\"yes\""),
    ] {
        // In a Deny, a value that never matches would fail open: always an error.
        let text = with_policy(&format!(
            r#"{{"Version": "1", "Statement": [{{"Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {cond}}}]}}"#
        ));
        let (d, got) = one(&text);
        assert_eq!((d.code.as_ref(), d.message.as_str(), got.as_str()), (code, message, snippet));
    }
}

#[test]
fn a_bad_bool_in_an_allow_is_only_a_warning() {
    // AWS accepts it and never matches (vector C34); that can only take access away.
    let text = with_policy(
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": "yes"}}}]}"#,
    );
    let store = Store::from_json_str(&text).unwrap();
    let w = &store.warnings()[0];
    assert_eq!((w.code.as_ref(), w.severity), ("invalid-bool", Severity::Warning));
    assert!(w.help.as_deref().unwrap().ends_with("as written this value never matches"));
}

#[test]
fn grammar_errors_name_the_element() {
    let (d, snippet) = one(&with_policy(
        r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ecs:*", "Resource": "*"}]}"#,
    ));
    assert_eq!(d.message, "`allow` is not an Effect");
    assert_eq!(snippet, "\"allow\"");
    let fix = d.fix.unwrap();
    assert_eq!(
        (
            fix.replacement.as_str(),
            &text_of(
                &with_policy(
                    r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ecs:*", "Resource": "*"}]}"#
                ),
                fix.span
            )[..]
        ),
        ("\"Allow\"", "\"allow\"")
    );

    let (d, snippet) = one(&with_policy(
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Actions": "ecs:*", "Action": "ecs:*", "Resource": "*"}]}"#,
    ));
    assert_eq!(d.message, "unknown element `Actions` in a statement");
    assert_eq!(d.help.as_deref(), Some("did you mean `Action`? element names are case-sensitive"));
    assert_eq!(snippet, "\"Actions\"");

    let (d, _) = one(&with_policy(r#"{"Version": "2012-10-18", "Statement": []}"#));
    assert_eq!((d.code.as_ref(), d.message.as_str()), ("invalid-version", "unknown policy Version `2012-10-18`"));

    let (d, snippet) = one(&with_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s*:Get", "Resource": "*"}]}"#,
    ));
    assert_eq!(d.message, "`s*` is not a valid service prefix in `s*:Get`");
    assert_eq!(snippet, "\"s*:Get\"");

    let (d, snippet) = one(&with_policy(
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "acs:ecs"}]}"#,
    ));
    assert_eq!(d.message, "`acs:ecs` has 2 of the 5 parts of an ARN");
    assert_eq!(snippet, "\"acs:ecs\"");
}

fn text_of(text: &str, span: portcullis_core::Span) -> String {
    text[span.start..span.end].to_string()
}

#[test]
fn duplicate_keys_are_errors() {
    let text = "{\"account\": \"1\", \"policies\": {\"P\": {\"Version\": \"1\", \"Statement\": {\"Effect\": \"Deny\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}}}";
    let (d, snippet) = one(text);
    assert_eq!((d.code.as_ref(), d.message.as_str()), ("json-duplicate-key", "duplicate key `Effect`"));
    assert_eq!(d.path, "/policies/P/Statement/Effect");
    assert_eq!(snippet, "\"Effect\"");
}

#[test]
fn unknown_references_suggest_the_nearest_name() {
    let text = r#"{"account": "1", "policies": {"ReadOnly": {"Version": "1", "Statement": []}},
        "groups": {"devs": {"policies": ["ReadOnyl"]}}, "users": {"u": {"groups": ["dev"]}}}"#;
    let all = errors(text);
    let messages: Vec<(&str, &str, &str)> =
        all.iter().map(|(d, s)| (d.message.as_str(), d.help.as_deref().unwrap_or(""), s.as_str())).collect();
    assert!(
        messages.contains(&("unknown policy `ReadOnyl`", "did you mean `ReadOnly`?", "\"ReadOnyl\"")),
        "{messages:?}"
    );
    assert!(messages.contains(&("unknown group `dev`", "did you mean `devs`?", "\"dev\"")), "{messages:?}");
}

#[test]
fn spans_count_non_ascii_text_as_characters() {
    let text = "{\"account\": \"1\", \"policies\": {\"Équipe-été\": {\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ecs:*\", \"Resource\": \"nöt-an-arn\"}]}}}";
    let (d, snippet) = one(text);
    assert_eq!(snippet, "\"nöt-an-arn\"");
    assert_eq!(d.path, "/policies/Équipe-été/Statement/0/Resource");
    let before = &text[..d.span.start];
    assert_eq!(d.column as usize, before.chars().count() + 1);
}

#[test]
fn json_syntax_errors_have_a_place() {
    let text = "{\n  \"account\": \"1\",\n  \"policies\": {\"P\": {\"Version\": \"1\" \"Statement\": []}}\n}";
    let (d, snippet) = one(text);
    assert_eq!(d.message, "expected `,` or `}`, found `\"`");
    assert_eq!(d.path, "/policies/P");
    assert_eq!((d.line, d.column), (3, 37));
    assert_eq!(snippet, "\"");
}

#[test]
fn a_failed_load_reports_every_problem() {
    let text = with_policy(
        r#"{"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ecs:*"},
        {"Effect": "Allow", "Resource": "*"},
        {"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Principal": "*"}]}"#,
    );
    let codes: Vec<String> = errors(&text).into_iter().map(|(d, _)| d.code.to_string()).collect();
    assert_eq!(codes, ["missing-resource", "missing-action", "principal-not-allowed"]);
}
