//! HTTP requests as JSON (what the raw ABI's `pc_check_http` reads): both
//! header forms, errors with pointers, and the answer.

use portcullis_core::Instant;
use portcullis_gateway::HttpInput;

use crate::{governance_config, load};

#[test]
fn both_header_forms_read_the_same() {
    let pairs = HttpInput::from_json_str(
        r#"{"method": "GET", "path": "/a", "scheme": "https", "peer": "203.0.113.7:1",
            "headers": [["x-auth-user", "alice"], ["x-team", "a"], ["x-team", "b"]]}"#,
    )
    .unwrap();
    let object = HttpInput::from_json_str(
        r#"{"method": "GET", "path": "/a", "scheme": "https", "peer": "203.0.113.7:1",
            "headers": {"x-auth-user": "alice", "x-team": ["a", "b"]}}"#,
    )
    .unwrap();
    assert_eq!(pairs, object);
    assert_eq!(pairs.headers.len(), 3);
    let bare = HttpInput::from_json_str(r#"{"method": "GET", "path": "/a", "peer": null}"#).unwrap();
    assert_eq!((bare.scheme, bare.peer, bare.headers.len()), (None, None, 0));
}

#[test]
fn malformed_inputs_say_where() {
    for (text, path) in [
        (r#"{"path": "/a"}"#, ""),
        (r#"{"method": 1, "path": "/a"}"#, "/method"),
        (r#"{"method": "GET", "path": "/a", "headers": [["x"]]}"#, "/headers/0"),
        (r#"{"method": "GET", "path": "/a", "headers": [["x", 1]]}"#, "/headers/0/1"),
        (r#"{"method": "GET", "path": "/a", "headers": {"x": {"y": 1}}}"#, "/headers/x"),
        (r#"{"method": "GET", "path": "/a", "body": ""}"#, "/body"),
        (r#"[1]"#, ""),
    ] {
        let failure = HttpInput::from_json_str(text).err().unwrap_or_else(|| panic!("accepted {text}"));
        assert_eq!(failure.errors[0].code, "invalid-http-request", "{text}");
        assert_eq!(failure.errors[0].path, path, "{text}");
    }
    let failure = HttpInput::from_json_str("{").err().unwrap();
    assert_eq!(failure.errors[0].code, "json-syntax");
}

#[test]
fn check_json_str_answers_the_audit_record() {
    let (g, s) = load(&governance_config());
    let text = r#"{"method": "DELETE", "path": "/ecs/instances/prod-web-1", "scheme": "https",
        "peer": "198.51.100.9:1", "headers": [["x-auth-user", "bob"], ["x-auth-mfa", "true"], ["x-request-id", "r-9"]]}"#;
    let answer = g.check_json_str(&s, text, Instant::parse("2026-11-23T10:00:00Z")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(record["requestId"], "r-9");
    assert_eq!(record["decision"], "Deny");
    assert_eq!(record["reason"], "ExplicitDeny");
    assert_eq!(record["matched"][0]["sid"], "ProdDeletesOnlyFromOffice");
    let answer = g.load_answer_json(&[]);
    assert_eq!(answer, r#"{"type":"success","routes":12,"warnings":[]}"#);
}
