//! Store handles: several live at once, hot reload, failed loads that change
//! nothing, the load answer, check, and "now" supplied by the host.

use portcullis_host_tests::code;

const ALLOW_ALL: &str = r#"{"account": "1234567890123456", "policies": {"All": {"Version": "1",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
  "users": {"alice": {"policies": ["All"]}}}"#;
const DENY_ALL: &str = r#"{"account": "1234567890123456", "policies": {"None": {"Version": "1",
  "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}},
  "users": {"alice": {"policies": ["None"]}}}"#;
const REQUEST: &str =
    r#"{"principal": "user/alice", "action": "oss:GetObject", "resource": "acs:oss:*:1234567890123456:bucket/x"}"#;

fn decision(g: &mut portcullis_host_tests::Guest, handle: i32) -> String {
    let answer = g.evaluate(handle, REQUEST.as_bytes(), None).unwrap();
    assert_eq!(answer.code, code::OK, "{}", answer.json);
    answer.value()["decision"].as_str().unwrap().to_owned()
}

#[test]
fn several_stores_live_at_once_and_hot_reload_swaps_them() {
    let mut g = crate::guest();
    let allow = g.load_ok(ALLOW_ALL).unwrap();
    let deny = g.load_ok(DENY_ALL).unwrap();
    assert_ne!(allow, deny);
    assert_eq!(decision(&mut g, allow), "Allow");
    assert_eq!(decision(&mut g, deny), "Deny");
    // Hot reload: load the new store, swap, free the old one.
    let mut current = allow;
    for round in 0..10 {
        let next = g.load_ok(if round % 2 == 0 { DENY_ALL } else { ALLOW_ALL }).unwrap();
        assert_eq!(g.store_free(current).unwrap(), code::OK);
        current = next;
        assert_eq!(decision(&mut g, current), if round % 2 == 0 { "Deny" } else { "Allow" });
        assert_eq!(decision(&mut g, deny), "Deny", "an unrelated store is untouched");
    }
}

#[test]
fn a_failed_load_leaves_loaded_stores_untouched() {
    let mut g = crate::guest();
    let handle = g.load_ok(ALLOW_ALL).unwrap();
    let before = g.evaluate(handle, REQUEST.as_bytes(), None).unwrap();
    let typo = ALLOW_ALL.replace("\"Allow\"", "\"Alow\"");
    for bad in [typo.as_str(), "{", "[]", "{\"policies\": 7}", "\u{0}"] {
        let answer = g.load(bad.as_bytes()).unwrap();
        assert!(answer.code < 0, "`{bad}` must not load");
        let v = answer.value();
        assert_eq!(v["type"], "failure");
        assert!(!v["errors"].as_array().unwrap().is_empty(), "a failure carries its diagnostics");
        assert_eq!(g.evaluate(handle, REQUEST.as_bytes(), None).unwrap(), before);
    }
    // The diagnostics point at the typo.
    let answer = g.load(typo.as_bytes()).unwrap();
    assert_eq!(answer.code, code::INVALID);
    let error = &answer.value()["errors"][0];
    assert!(error["path"].as_str().unwrap().ends_with("/Effect"), "{error}");
    assert!(error["line"].as_u64().unwrap() >= 1);
    assert_eq!(g.load(b"{\"policies\": ").unwrap().code, code::BAD_JSON);
}

#[test]
fn freed_and_unknown_handles_are_refused() {
    let mut g = crate::guest();
    let handle = g.load_ok(ALLOW_ALL).unwrap();
    assert_eq!(g.store_free(handle).unwrap(), code::OK);
    assert_eq!(g.store_free(handle).unwrap(), code::BAD_HANDLE, "double free");
    let answer = g.evaluate(handle, REQUEST.as_bytes(), None).unwrap();
    assert_eq!(answer.code, code::BAD_HANDLE);
    assert_eq!(answer.error_codes(), ["abi-bad-handle"]);
    // Handles are not reused: a new store does not answer for the old handle.
    let next = g.load_ok(ALLOW_ALL).unwrap();
    assert_ne!(next, handle);
    assert_eq!(g.evaluate(handle, REQUEST.as_bytes(), None).unwrap().code, code::BAD_HANDLE);
}

#[test]
fn the_load_answer_reports_statistics_and_warnings() {
    let mut g = crate::guest();
    let answer = g.load(crate::governance_store().as_bytes()).unwrap();
    assert!(answer.code > 0);
    let v = answer.value();
    assert_eq!(v["type"], "success");
    assert!(v["stats"].is_object(), "{v}");
    assert!(v["warnings"].is_array(), "{v}");
}

#[test]
fn check_reports_diagnostics_for_stores_and_policies() {
    let mut g = crate::guest();
    let policy = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {"IpAdress": {"acs:SourceIp": "10.0.0.0/8"}}}]}"#;
    let answer = g.check(policy.as_bytes()).unwrap();
    assert_eq!(answer.code, code::OK, "check answers even when it finds errors");
    let v = answer.value();
    assert_eq!(v["kind"], "policy");
    assert_eq!(answer.json, portcullis_core::api::validate_json_str(policy), "same answer as the native core");
    assert_eq!(v["diagnostics"][0]["severity"], "error", "the misspelt operator: {v}");
    assert!(v["diagnostics"][0]["line"].as_u64().unwrap() >= 1);
    // Validation only: a valid but lax policy has no findings here (the
    // policy-authoring checks are the npm package's and the CLI's).
    let lax = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let answer = g.check(lax.as_bytes()).unwrap();
    assert_eq!(answer.json, portcullis_core::api::validate_json_str(lax));
    assert_eq!(answer.value()["diagnostics"], serde_json::json!([]));
    let store = g.check(crate::governance_store().as_bytes()).unwrap();
    assert_eq!(store.value()["kind"], "store");
    let broken = g.check(b"{\"Version\": ").unwrap();
    assert_eq!(broken.code, code::OK);
    assert!(!broken.value()["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn now_from_the_host_applies_when_the_request_has_no_time() {
    // A time-bound assignment: the answer depends on "now".
    let store = r#"{"account": "1234567890123456",
      "policies": {"Admin": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
      "roles": {"Prod_Admin": {"policies": ["Admin"]}},
      "users": {"bob": {"roles": [{"role": "Prod_Admin", "notBefore": "2026-11-23T09:00:00Z", "notAfter": "2026-11-23T13:00:00Z"}]}}}"#;
    let request = r#"{"principal": "user/bob", "action": "ecs:StopInstance", "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1"}"#;
    let mut g = crate::guest();
    let handle = g.load_ok(store).unwrap();
    let at = |g: &mut portcullis_host_tests::Guest, now: Option<&str>| {
        let answer = g.evaluate(handle, request.as_bytes(), now).unwrap();
        assert_eq!(answer.code, code::OK, "{}", answer.json);
        answer.value()["decision"].as_str().unwrap().to_owned()
    };
    assert_eq!(at(&mut g, Some("2026-11-23T10:00:00Z")), "Allow");
    assert_eq!(at(&mut g, Some("1795428000")), "Allow", "epoch seconds: 2026-11-23T10:00:00Z");
    assert_eq!(at(&mut g, Some("2026-11-23T14:00:00Z")), "Deny");
    assert_eq!(at(&mut g, None), "Deny", "no clock, no time-bound elevation");
    for bad in ["yesterday", "2026-13-45T00:00:00Z", " ", "1e999"] {
        let answer = g.evaluate(handle, request.as_bytes(), Some(bad)).unwrap();
        assert_eq!(answer.code, code::BAD_NOW, "`{bad}`");
        assert_eq!(answer.error_codes(), ["abi-invalid-now"]);
    }
    // The batch takes the same "now".
    let batch = format!("[{request},{request}]");
    let answer = g.evaluate_batch(handle, batch.as_bytes(), Some("2026-11-23T10:00:00Z")).unwrap();
    assert_eq!(answer.code, code::OK);
    let v = answer.value();
    assert_eq!(v[0]["decision"], "Allow");
    assert_eq!(v[1]["decision"], "Allow");
}
