//! The governance scenario through the filter: 403 local responses with a
//! JSON body on deny, pass-through with the decision header on allow, and one
//! audit line per decision naming the deciding statement and the alerts.

use portcullis_gateway_tests::{action, Request};

fn user(method: &str, path: &str, name: &str) -> Request {
    Request::new(method, path).header("x-auth-user", name).header("x-request-id", "req-7")
}

#[test]
fn an_allowed_request_passes_with_the_decision_header() {
    let mut filter = crate::governance_filter();
    let exchange = filter.request(&user("POST", "/ecs/instances/staging-web-1/start", "alice")).unwrap();
    assert_eq!(exchange.action, action::CONTINUE);
    assert!(exchange.local_response.is_none());
    assert_eq!(exchange.upstream_header("x-portcullis-decision"), Some("Allow"));
    // The original headers go on untouched.
    assert_eq!(exchange.upstream_header("x-auth-user"), Some("alice"));
    let audit = exchange.audit_line();
    assert_eq!(audit["decision"], "Allow");
    assert_eq!(audit["requestId"], "req-7");
    assert_eq!(audit["principal"], "user/alice");
    assert_eq!(audit["action"], "ecs:StartInstance");
    assert_eq!(audit["resource"], "acs:ecs:cn-hangzhou:1234567890123456:instance/staging-web-1");
    let sids: Vec<&str> = audit["matched"].as_array().unwrap().iter().filter_map(|m| m["sid"].as_str()).collect();
    assert!(sids.contains(&"EditNonProd"), "{audit}");
    assert_eq!(audit["alerts"], serde_json::json!([]));
}

#[test]
fn a_client_cannot_forge_the_decision_header() {
    let mut filter = crate::governance_filter();
    let forged = user("POST", "/ecs/instances/staging-web-1/start", "alice").header("x-portcullis-decision", "Deny");
    let exchange = filter.request(&forged).unwrap();
    let values: Vec<_> = exchange.upstream_headers.iter().filter(|(n, _)| n == "x-portcullis-decision").collect();
    assert_eq!(values.len(), 1, "{values:?}");
    assert_eq!(exchange.upstream_header("x-portcullis-decision"), Some("Allow"));
}

#[test]
fn a_denied_request_gets_403_with_a_json_body() {
    let mut filter = crate::governance_filter();
    let exchange = filter.request(&user("DELETE", "/actiontrail/trails/main", "carol")).unwrap();
    assert_eq!(exchange.action, action::PAUSE);
    let response = exchange.local_response.as_ref().expect("a local response");
    assert_eq!(response.status, 403);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("x-portcullis-decision"), Some("Deny"));
    assert_eq!(
        response.body_json(),
        serde_json::json!({"decision": "Deny", "reason": "ExplicitDeny", "requestId": "req-7"})
    );
    let audit = exchange.audit_line();
    assert_eq!(audit["decision"], "Deny");
    assert_eq!(audit["reason"], "ExplicitDeny");
    assert_eq!(audit["matched"][0]["policy"], "Baseline");
    assert_eq!(audit["matched"][0]["sid"], "ProtectAuditLogs");
    assert_eq!(audit["matched"][0]["kind"], "guardrail");
}

/// (request, status or 0 for pass, reason, sid of the first matched statement, alerts)
#[test]
fn the_scenario() {
    let mut filter = crate::governance_filter();
    let office = "203.0.113.7:5100";
    let home = "198.51.100.9:5100";
    let cases: Vec<(Request, u32, &str, Option<&str>, serde_json::Value)> = vec![
        (user("POST", "/ecs/instances/staging-web-1/start", "alice"), 0, "Allowed", Some("EditNonProd"), json!([])),
        (user("GET", "/ecs/instances/prod-web-1", "bob"), 0, "Allowed", Some("ReadEverything"), json!([])),
        (user("POST", "/ecs/instances/prod-web-1/stop", "bob"), 403, "ImplicitDeny", None, json!([])),
        (
            user("DELETE", "/ecs/instances/prod-web-1", "bob").header("x-auth-mfa", "true").peer(Some(office)),
            0,
            "Allowed",
            Some("AdminOnlyWithMfa"),
            json!([]),
        ),
        (
            user("DELETE", "/ecs/instances/prod-web-1", "bob").header("x-auth-mfa", "true").peer(Some(home)),
            403,
            "ExplicitDeny",
            Some("ProdDeletesOnlyFromOffice"),
            json!([]),
        ),
        (
            // A forged X-Forwarded-For from an untrusted client changes nothing.
            user("DELETE", "/ecs/instances/prod-web-1", "bob")
                .header("x-auth-mfa", "true")
                .header("x-forwarded-for", "203.0.113.7")
                .peer(Some(home)),
            403,
            "ExplicitDeny",
            Some("ProdDeletesOnlyFromOffice"),
            json!([]),
        ),
        (
            // The trusted load balancer's is believed.
            user("DELETE", "/ecs/instances/prod-web-1", "bob")
                .header("x-auth-mfa", "true")
                .header("x-forwarded-for", "203.0.113.7")
                .peer(Some("10.0.0.5:443")),
            0,
            "Allowed",
            Some("AdminOnlyWithMfa"),
            json!([]),
        ),
        (user("POST", "/bss/PayOrder", "dave"), 403, "ExplicitDeny", Some("NeverTouchPayment"), json!([])),
        (user("POST", "/bss/DescribeBill", "dave"), 0, "Allowed", Some("ViewBilling"), json!([])),
        (
            user("DELETE", "/rds/instances/prod-db-1", "erin").header("x-auth-mfa", "true"),
            0,
            "Allowed",
            Some("AdminOnlyWithMfa"),
            json!(["break-glass"]),
        ),
        (
            user("POST", "/actiontrail/trails/main/stop", "erin").header("x-auth-mfa", "true"),
            403,
            "ExplicitDeny",
            Some("ProtectAuditLogs"),
            json!([]),
        ),
        (user("POST", "/sts/roles/staging-deploy-agent/assume", "ci-pipeline"), 0, "Allowed", None, json!([])),
        (user("GET", "/ecs/instances/prod-web-1", "mallory"), 403, "ImplicitDeny", None, json!([])),
        (user("GET", "/unknown", "alice"), 403, "UnmatchedRoute", None, json!([])),
        (Request::new("GET", "/ecs/instances/prod-web-1"), 403, "NoPrincipal", None, json!([])),
        (
            // A principal header added by the client next to the real one.
            user("GET", "/ecs/instances/prod-web-1", "bob").header("x-auth-user", "erin"),
            403,
            "BadPrincipal",
            None,
            json!([]),
        ),
        (user("GET", "/v1/buckets/staging-x/objects/a/../../prod-x/k", "alice"), 403, "BadRequest", None, json!([])),
    ];
    for (request, status, reason, sid, alerts) in cases {
        let exchange = filter.request(&request).unwrap();
        let label = format!("{request:?}");
        match status {
            0 => {
                assert_eq!(exchange.action, action::CONTINUE, "{label}");
                assert!(exchange.local_response.is_none(), "{label}");
                assert_eq!(exchange.upstream_header("x-portcullis-decision"), Some("Allow"), "{label}");
            }
            _ => {
                assert_eq!(exchange.action, action::PAUSE, "{label}");
                let response = exchange.local_response.as_ref().unwrap_or_else(|| panic!("{label}: no response"));
                assert_eq!(response.status, status, "{label}");
                assert_eq!(response.body_json()["reason"], reason, "{label}");
            }
        }
        let audit = exchange.audit_line();
        assert_eq!(audit["reason"], reason, "{label}: {audit}");
        if let Some(sid) = sid {
            assert!(audit["matched"].as_array().unwrap().iter().any(|m| m["sid"] == sid), "{label}: {audit}");
        }
        assert_eq!(audit["alerts"], alerts, "{label}");
    }
}

#[test]
fn time_bound_elevation_follows_the_host_clock() {
    let mut filter = crate::governance_filter();
    let delete = || user("DELETE", "/ecs/instances/prod-web-1", "bob").header("x-auth-mfa", "true");
    filter.set_time("2026-11-23T12:59:59Z");
    assert!(filter.request(&delete()).unwrap().local_response.is_none());
    filter.set_time("2026-11-23T13:00:01Z");
    let late = filter.request(&delete()).unwrap();
    assert_eq!(late.local_response.unwrap().body_json()["reason"], "ImplicitDeny");
}

#[test]
fn a_request_without_an_id_gets_one() {
    let mut filter = crate::governance_filter();
    let exchange = filter.request(&Request::new("GET", "/unknown").header("x-auth-user", "alice")).unwrap();
    let id = exchange.local_response.as_ref().unwrap().body_json()["requestId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("portcullis-"), "{id}");
    assert_eq!(exchange.audit_line()["requestId"], id.as_str());
}

use serde_json::json;
