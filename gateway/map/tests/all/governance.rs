//! The governance scenario (testdata/vectors/governance.json) through its
//! REST face (gateway/testdata/governance-routes.json): the engine's
//! decisions, reached from HTTP, and the audit record.

use portcullis_gateway::Refusal;

use crate::{governance_config, load, Http};

fn scenario() -> (portcullis_gateway::Gateway, portcullis_core::Store) {
    load(&governance_config())
}

/// (method, path, user, peer, extra headers, decision, reason)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

const CASES: &[Case] = &[
    ("POST", "/ecs/instances/staging-web-1/start", "alice", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("POST", "/ecs/instances/prod-web-1/stop", "alice", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("GET", "/ecs/instances/prod-web-1", "bob", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("POST", "/ecs/instances/prod-web-1/stop", "bob", "203.0.113.7:1", &[], "Deny", "ImplicitDeny"),
    ("DELETE", "/ecs/instances/prod-web-1", "bob", "203.0.113.7:1", &[("x-auth-mfa", "true")], "Allow", "Allowed"),
    ("DELETE", "/ecs/instances/prod-web-1", "bob", "203.0.113.7:1", &[("x-auth-mfa", "false")], "Deny", "ImplicitDeny"),
    ("DELETE", "/ecs/instances/prod-web-1", "bob", "203.0.113.7:1", &[], "Deny", "ImplicitDeny"),
    ("DELETE", "/ecs/instances/prod-web-1", "bob", "198.51.100.9:1", &[("x-auth-mfa", "true")], "Deny", "ExplicitDeny"),
    // A spoofed X-Forwarded-For from an untrusted peer changes nothing.
    (
        "DELETE",
        "/ecs/instances/prod-web-1",
        "bob",
        "198.51.100.9:1",
        &[("x-auth-mfa", "true"), ("x-forwarded-for", "203.0.113.7")],
        "Deny",
        "ExplicitDeny",
    ),
    // The same header from the trusted load balancer is believed.
    (
        "DELETE",
        "/ecs/instances/prod-web-1",
        "bob",
        "10.0.0.5:1",
        &[("x-auth-mfa", "true"), ("x-forwarded-for", "203.0.113.7")],
        "Allow",
        "Allowed",
    ),
    ("GET", "/actiontrail/trails/main/events", "carol", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("DELETE", "/actiontrail/trails/main", "carol", "203.0.113.7:1", &[], "Deny", "ExplicitDeny"),
    ("POST", "/bss/DescribeBill", "dave", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("POST", "/bss/PayOrder", "dave", "203.0.113.7:1", &[], "Deny", "ExplicitDeny"),
    ("DELETE", "/rds/instances/prod-db-1", "erin", "203.0.113.7:1", &[("x-auth-mfa", "true")], "Allow", "Allowed"),
    (
        "POST",
        "/actiontrail/trails/main/stop",
        "erin",
        "203.0.113.7:1",
        &[("x-auth-mfa", "true")],
        "Deny",
        "ExplicitDeny",
    ),
    ("POST", "/sts/roles/staging-deploy-agent/assume", "ci-pipeline", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("POST", "/sts/roles/staging-deploy-agent/assume", "alice", "203.0.113.7:1", &[], "Deny", "ImplicitDeny"),
    ("GET", "/ecs/instances/prod-web-1", "mallory", "203.0.113.7:1", &[], "Deny", "ImplicitDeny"),
    ("GET", "/ecs/instances/prod-web-1", "nobody", "203.0.113.7:1", &[], "Deny", "ImplicitDeny"),
    ("GET", "/v1/buckets/staging-assets/objects/img/logo.png", "alice", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("GET", "/v1/buckets/prod-assets/objects/img/logo.png", "bob", "203.0.113.7:1", &[], "Allow", "Allowed"),
    ("PUT", "/v1/buckets/prod-assets/objects/img/logo.png", "bob", "203.0.113.7:1", &[], "Deny", "ImplicitDeny"),
    ("GET", "/unknown/api", "alice", "203.0.113.7:1", &[], "Deny", "UnmatchedRoute"),
];

#[test]
fn the_scenario_through_http() {
    let (g, s) = scenario();
    let mut failures = Vec::new();
    for &(method, path, user, peer, headers, decision, reason) in CASES {
        let mut http = Http::new(method, path).user(user).peer(Some(peer));
        for (name, value) in headers {
            http = http.header(name, value);
        }
        let outcome = http.check(&g, &s);
        if outcome.decision_str() != decision || outcome.reason() != reason {
            failures.push(format!(
                "{method} {path} as {user} from {peer} {headers:?}: expected {decision}/{reason}, got {}/{} ({:?})",
                outcome.decision_str(),
                outcome.reason(),
                outcome.refusal
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn time_bound_elevation_follows_the_host_clock() {
    let (g, s) = scenario();
    let delete = Http::new("DELETE", "/ecs/instances/prod-web-1").user("bob").header("x-auth-mfa", "true");
    assert!(delete.check_at(&g, &s, "2026-11-23T10:00:00Z").allowed());
    assert_eq!(delete.check_at(&g, &s, "2026-11-23T13:00:01Z").reason(), "ImplicitDeny");
    assert_eq!(delete.check_at(&g, &s, "2026-11-23T08:59:59Z").reason(), "ImplicitDeny");
}

#[test]
fn the_audit_record_names_the_deciding_statement() {
    let (g, s) = scenario();
    let record = Http::new("DELETE", "/ecs/instances/prod-web-1?force=1")
        .user("bob")
        .peer(Some("198.51.100.9:4000"))
        .header("x-auth-mfa", "true")
        .record(&g, &s);
    assert_eq!(record["requestId"], "req-1");
    assert_eq!(record["decision"], "Deny");
    assert_eq!(record["reason"], "ExplicitDeny");
    assert_eq!(record["route"], "DELETE /ecs/instances/{instance}");
    assert_eq!(record["method"], "DELETE");
    assert_eq!(record["path"], "/ecs/instances/prod-web-1?force=1");
    assert_eq!(record["principal"], "user/bob");
    assert_eq!(record["action"], "ecs:DeleteInstance");
    assert_eq!(record["resource"], "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1");
    assert_eq!(record["sourceIp"], "198.51.100.9");
    assert_eq!(record["matched"][0]["policy"], "Baseline");
    assert_eq!(record["matched"][0]["sid"], "ProdDeletesOnlyFromOffice");
    assert_eq!(record["matched"][0]["kind"], "guardrail");
    assert_eq!(record["matched"][0]["effect"], "Deny");
    assert_eq!(record["alerts"], serde_json::json!([]));

    let glass =
        Http::new("DELETE", "/rds/instances/prod-db-1").user("erin").header("x-auth-mfa", "true").record(&g, &s);
    assert_eq!(glass["decision"], "Allow");
    assert_eq!(glass["alerts"], serde_json::json!(["break-glass"]));
    assert!(glass["matched"].as_array().unwrap().iter().any(|m| m["sid"] == "AdminOnlyWithMfa"), "{glass}");

    let refused = Http::new("GET", "/ecs/instances/../admin").user("alice").record(&g, &s);
    assert_eq!(refused["reason"], "BadRequest");
    assert_eq!(refused["detail"], "the path has a `.` or `..` segment");
    assert_eq!(refused["route"], serde_json::Value::Null);
    assert!(refused.get("principal").is_none());
}

#[test]
fn the_deny_body_tells_the_client_only_the_reason() {
    let (g, s) = scenario();
    let outcome = Http::new("DELETE", "/actiontrail/trails/main").user("carol").check(&g, &s);
    let mut body = String::new();
    outcome.write_body("abc\"1", &mut body);
    assert_eq!(body, r#"{"decision":"Deny","reason":"ExplicitDeny","requestId":"abc\"1"}"#);
    let outcome = Http::new("GET", "/ecs/instances/x").check(&g, &s);
    assert_eq!(outcome.refusal, Some(Refusal::NoPrincipal));
}
