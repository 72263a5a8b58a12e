//! Configuration through the proxy-wasm lifecycle: the VM configuration's
//! store set, plugin configurations that are rejected (with diagnostics in
//! the log) while the one in service stays, and failing closed before any
//! configuration is in service.

use portcullis_gateway_tests::{action, level, Filter, Metering, Request};
use serde_json::json;

fn alice_starts_staging() -> Request {
    Request::new("POST", "/ecs/instances/staging-web-1/start").header("x-auth-user", "alice")
}

fn errors(logs: &[(u32, String)]) -> Vec<String> {
    logs.iter().filter(|(l, _)| *l == level::ERROR).map(|(_, m)| m.clone()).collect()
}

#[test]
fn a_bad_configuration_is_rejected_and_the_previous_one_stays() {
    let mut filter = crate::governance_filter();
    assert_eq!(filter.request(&alice_starts_staging()).unwrap().action, action::CONTINUE);

    let mut broken = crate::governance_inline();
    broken["routes"][1]["path"] = json!("/ecs/instances/{instance+}/start");
    broken["unmatched"] = json!("sometimes");
    for bad in [
        broken.to_string().into_bytes(),
        b"{not json".to_vec(),
        vec![0xff, 0xfe],
        Vec::new(),
        json!({"storeRef": "nowhere", "principal": {"header": "x-u"}, "routes": []}).to_string().into_bytes(),
    ] {
        assert!(!filter.configure(&bad).unwrap(), "accepted {:?}", String::from_utf8_lossy(&bad));
        let logs = filter.take_logs();
        let errors = errors(&logs);
        assert_eq!(errors.len(), 1, "{logs:?}");
        assert!(errors[0].contains("configuration rejected (the previous one stays in service)"), "{errors:?}");
        // Still served by the configuration in service.
        let exchange = filter.request(&alice_starts_staging()).unwrap();
        assert_eq!(exchange.action, action::CONTINUE);
        assert_eq!(exchange.upstream_header("x-portcullis-decision"), Some("Allow"));
    }
}

#[test]
fn rejections_name_every_problem_with_its_json_pointer() {
    let mut filter = crate::governance_filter();
    let mut broken = crate::governance_inline();
    broken["routes"][1]["path"] = json!("/ecs/instances/{instance+}/start");
    broken["unmatched"] = json!("sometimes");
    assert!(!filter.configure(broken.to_string().as_bytes()).unwrap());
    let logs = filter.take_logs();
    let line = &errors(&logs)[0];
    let json_start = line.find('{').unwrap();
    let failure: serde_json::Value = serde_json::from_str(&line[json_start..]).unwrap();
    assert_eq!(failure["type"], "failure");
    let paths: Vec<&str> = failure["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/routes/1/path", "/unmatched"], "{failure}");

    let mut bad_store = crate::governance_inline();
    bad_store["store"]["users"]["alice"]["groups"] = json!(["no-such-group"]);
    assert!(!filter.configure(bad_store.to_string().as_bytes()).unwrap());
    let logs = filter.take_logs();
    assert!(errors(&logs)[0].contains("\"path\":\"/store/users/alice/groups/0\""), "{logs:?}");
}

#[test]
fn a_good_configuration_replaces_the_one_in_service() {
    let mut filter = crate::governance_filter();
    let mut narrower = crate::governance_inline();
    narrower["routes"] = json!([]);
    assert!(filter.configure(narrower.to_string().as_bytes()).unwrap());
    let logs = filter.take_logs();
    assert!(logs.iter().any(|(l, m)| *l == level::INFO && m.contains("configuration in service")), "{logs:?}");
    let exchange = filter.request(&alice_starts_staging()).unwrap();
    assert_eq!(exchange.local_response.unwrap().body_json()["reason"], "UnmatchedRoute");
}

#[test]
fn without_a_configuration_every_request_is_denied() {
    let mut filter = Filter::new(Metering::On).unwrap();
    assert!(filter.vm_start(b"").unwrap());
    assert!(!filter.configure(b"{}").unwrap());
    let logs = filter.take_logs();
    assert!(errors(&logs)[0].contains("(none in service)"), "{logs:?}");
    let exchange = filter.request(&alice_starts_staging()).unwrap();
    assert_eq!(exchange.action, action::PAUSE);
    let response = exchange.local_response.as_ref().unwrap();
    assert_eq!(response.status, 403);
    assert_eq!(response.body_json()["reason"], "NotConfigured");
    assert_eq!(exchange.audit_line()["reason"], "NotConfigured");
}

#[test]
fn stores_can_come_from_the_vm_configuration() {
    let mut filter = Filter::new(Metering::On).unwrap();
    let vm = json!({"stores": {"governance": crate::governance_store()}});
    assert!(filter.vm_start(vm.to_string().as_bytes()).unwrap());
    let logs = filter.take_logs();
    assert!(logs.iter().any(|(_, m)| m.contains("VM stores loaded: governance")), "{logs:?}");
    // The routes file as written names the store.
    assert!(filter.configure(crate::governance_routes().to_string().as_bytes()).unwrap(), "{:?}", filter.take_logs());
    assert_eq!(filter.request(&alice_starts_staging()).unwrap().action, action::CONTINUE);
    let denied = filter.request(&Request::new("GET", "/ecs/instances/x").header("x-auth-user", "mallory")).unwrap();
    assert_eq!(denied.local_response.unwrap().status, 403);
}

#[test]
fn a_bad_vm_configuration_fails_the_vm_start() {
    let mut filter = Filter::new(Metering::On).unwrap();
    let vm = json!({"stores": {"governance": {"account": "1", "users": {"u": {"groups": ["none"]}}}}});
    assert!(!filter.vm_start(vm.to_string().as_bytes()).unwrap());
    let logs = filter.take_logs();
    assert!(errors(&logs)[0].contains("/stores/governance/users/u/groups/0"), "{logs:?}");
    let mut filter = Filter::new(Metering::On).unwrap();
    assert!(!filter.vm_start(b"[1, 2]").unwrap());
}
