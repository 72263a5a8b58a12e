//! Whatever a client sends, the filter answers (fails closed) and does not
//! trap: missing pseudo-headers, bytes that are not UTF-8, huge paths and
//! header lists, hostile paths.

use portcullis_gateway_tests::{action, Request};

fn assert_denied(request: &Request, reason: &str) {
    let mut filter = crate::governance_filter();
    let exchange = filter.request(request).unwrap_or_else(|e| panic!("trap on {request:?}: {e}"));
    assert_eq!(exchange.action, action::PAUSE, "{request:?}");
    let response = exchange.local_response.as_ref().unwrap();
    assert_eq!(response.status, 403);
    assert_eq!(response.body_json()["reason"], reason, "{request:?}");
    assert_eq!(exchange.audit_line()["reason"], reason);
}

#[test]
fn requests_without_method_or_path_are_denied() {
    let mut request = Request::new("GET", "/ecs/instances/x").header("x-auth-user", "alice");
    request.headers.retain(|(n, _)| n != ":path");
    assert_denied(&request, "BadRequest");
    let mut request = Request::new("GET", "/ecs/instances/x").header("x-auth-user", "alice");
    request.headers.retain(|(n, _)| n != ":method");
    assert_denied(&request, "BadRequest");
}

#[test]
fn bytes_that_are_not_utf8_are_denied() {
    let mut request = Request::new("GET", "/ecs/instances/x");
    request.headers.push(("x-auth-user".into(), vec![0xc3, 0x28]));
    assert_denied(&request, "BadPrincipal");
    let mut request = Request::new("GET", "/ecs/instances/x").header("x-auth-user", "alice");
    request.headers[1].1 = b"/ecs/instances/\xff".to_vec();
    assert_denied(&request, "BadRequest");
    let mut request = Request::new("GET", "/ecs/instances/x").header("x-auth-user", "alice").peer(Some("10.0.0.1:1"));
    request.headers.push(("x-forwarded-for".into(), vec![0xff]));
    assert_denied(&request, "BadRequest");
}

#[test]
fn huge_and_hostile_requests_are_denied_without_a_trap() {
    let long_path = format!("/v1/buckets/b/objects/{}", "a".repeat(100_000));
    assert_denied(&Request::new("GET", &long_path).header("x-auth-user", "alice"), "BadRequest");
    let deep = format!("/v1/buckets/b/objects/{}", "a/".repeat(5_000));
    assert_denied(&Request::new("GET", &deep).header("x-auth-user", "alice"), "BadRequest");
    let mut many = Request::new("GET", "/unknown").header("x-auth-user", "alice");
    for i in 0..5_000 {
        many = many.header(&format!("x-h-{i}"), "v");
    }
    assert_denied(&many, "UnmatchedRoute");
    let long_user = "a".repeat(100_000);
    assert_denied(&Request::new("GET", "/ecs/instances/x").header("x-auth-user", &long_user), "BadPrincipal");
    for path in ["/ecs/instances/%", "/ecs/instances/%00", "/ecs/instances/..", "*", "", "?", "/ecs/instances/a%2Fb"] {
        let mut filter = crate::governance_filter();
        let exchange = filter.request(&Request::new("GET", path).header("x-auth-user", "alice")).unwrap();
        assert_eq!(exchange.action, action::PAUSE, "{path:?}");
        assert_eq!(exchange.local_response.unwrap().status, 403, "{path:?}");
    }
}

#[test]
fn a_host_that_cannot_say_the_peer_gets_decisions_without_a_source_address() {
    let mut filter = crate::governance_filter();
    filter.store.data_mut().fail_properties = true;
    let allowed = Request::new("POST", "/ecs/instances/staging-web-1/start").header("x-auth-user", "alice");
    let exchange = filter.request(&allowed).unwrap();
    assert_eq!(exchange.action, action::CONTINUE);
    assert!(exchange.audit_line().get("sourceIp").is_none());
    // A guardrail that needs the office range denies (NotIpAddress on a missing key).
    let delete =
        Request::new("DELETE", "/ecs/instances/prod-web-1").header("x-auth-user", "bob").header("x-auth-mfa", "true");
    let exchange = filter.request(&delete).unwrap();
    assert_eq!(exchange.local_response.unwrap().body_json()["reason"], "ExplicitDeny");
}
