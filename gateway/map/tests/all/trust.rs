//! What the gateway believes: the principal header (one value, name
//! characters, optionally only from a trusted proxy), forwarded-for and
//! forwarded-proto only from trusted proxies, context from named headers.

use portcullis_core::request::{ContextRef, ContextValue};
use portcullis_gateway::{parse_addr, Refusal};
use serde_json::json;

use crate::{small, Http};

fn gateway(extra: serde_json::Value) -> (portcullis_gateway::Gateway, portcullis_core::Store) {
    let mut config = json!({
        "trustedProxies": ["10.0.0.0/8", "fd00::/8"],
        "contextHeaders": {"acs:MFAPresent": "x-auth-mfa", "acs:RequestTag/team": "x-team"},
        "routes": [{"path": "/things/{id}", "action": "thing:Get", "resource": "thing/${id}"}]
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    small(config)
}

fn context(outcome: &portcullis_gateway::Outcome, key: &str) -> Option<ContextValue> {
    outcome.request.as_ref().and_then(|r| r.context().get(key).map(ContextRef::to_owned))
}

fn one(text: &str) -> Option<ContextValue> {
    Some(ContextValue::One(text.into()))
}

#[test]
fn the_principal_comes_from_its_header_through_the_format() {
    let (g, s) = gateway(json!({}));
    let outcome = Http::new("GET", "/things/1").user("alice").check(&g, &s);
    assert!(outcome.allowed());
    assert_eq!(outcome.request.unwrap().principal(), "user/alice");
    // Header names are not case-sensitive.
    let outcome = Http::new("GET", "/things/1").header("X-Auth-User", "alice").check(&g, &s);
    assert!(outcome.allowed());
}

#[test]
fn a_missing_principal_is_denied() {
    let (g, s) = gateway(json!({}));
    let outcome = Http::new("GET", "/things/1").check(&g, &s);
    assert!(!outcome.allowed());
    assert_eq!(outcome.refusal, Some(Refusal::NoPrincipal));
    assert_eq!(outcome.reason(), "NoPrincipal");
}

#[test]
fn a_repeated_or_malformed_principal_header_is_refused() {
    let (g, s) = gateway(json!({}));
    // A client that adds its own header next to the one the auth step set.
    let spoofed = Http::new("GET", "/things/1").user("mallory").user("alice").check(&g, &s);
    assert_eq!(spoofed.refusal, Some(Refusal::BadPrincipal));
    for bad in ["", "alice bob", "alice\"", "alice;x", "alice*", "a\u{e9}", "alice\tx"] {
        let outcome = Http::new("GET", "/things/1").user(bad).check(&g, &s);
        assert!(!outcome.allowed(), "{bad:?}");
        assert!(matches!(outcome.refusal, Some(Refusal::BadPrincipal)), "{bad:?}: {:?}", outcome.refusal);
    }
    let mut http = Http::new("GET", "/things/1");
    http.headers.push(("x-auth-user".into(), vec![0xff, 0x61]));
    assert_eq!(http.check(&g, &s).refusal, Some(Refusal::BadPrincipal));
    let long = "a".repeat(600);
    assert_eq!(Http::new("GET", "/things/1").user(&long).check(&g, &s).refusal, Some(Refusal::BadPrincipal));
}

#[test]
fn a_principal_header_can_be_required_to_come_through_a_trusted_proxy() {
    let (g, s) = gateway(json!({"principal": {"header": "x-auth-user", "format": "user/${value}",
        "requireTrustedProxy": true}}));
    // Straight from a client: the header is not believed.
    let direct = Http::new("GET", "/things/1").user("alice").check(&g, &s);
    assert_eq!(direct.refusal, Some(Refusal::NoPrincipal));
    // Through the authenticating proxy.
    let proxied = Http::new("GET", "/things/1").user("alice").peer(Some("10.1.2.3:5000")).check(&g, &s);
    assert!(proxied.allowed());
    let no_peer = Http::new("GET", "/things/1").user("alice").peer(None).check(&g, &s);
    assert_eq!(no_peer.refusal, Some(Refusal::NoPrincipal));
}

#[test]
fn the_source_ip_is_the_peer_unless_a_trusted_proxy_forwarded_the_request() {
    let (g, s) = gateway(json!({}));
    let get = || Http::new("GET", "/things/1").user("alice");
    // A client's own X-Forwarded-For is ignored.
    let spoof = get().peer(Some("198.51.100.9:1234")).header("x-forwarded-for", "203.0.113.7").check(&g, &s);
    assert_eq!(context(&spoof, "acs:SourceIp"), one("198.51.100.9"));
    assert_eq!(context(&spoof, "aws:SourceIp"), one("198.51.100.9"));
    // A trusted proxy's is read from the right, past other trusted proxies.
    let proxied = get().peer(Some("10.0.0.1:1234")).header("x-forwarded-for", "203.0.113.7, 10.9.9.9").check(&g, &s);
    assert_eq!(context(&proxied, "acs:SourceIp"), one("203.0.113.7"));
    // A client that prepends a fake hop gets its real address: the rightmost untrusted.
    let prepended =
        get().peer(Some("10.0.0.1:1234")).header("x-forwarded-for", "203.0.113.7, 198.51.100.9").check(&g, &s);
    assert_eq!(context(&prepended, "acs:SourceIp"), one("198.51.100.9"));
    // Several header lines are one list, in order.
    let lines = get()
        .peer(Some("10.0.0.1"))
        .header("x-forwarded-for", "198.51.100.1")
        .header("x-forwarded-for", "192.0.2.5")
        .check(&g, &s);
    assert_eq!(context(&lines, "acs:SourceIp"), one("192.0.2.5"));
    // Only trusted hops: the leftmost is the client.
    let internal = get().peer(Some("10.0.0.1")).header("x-forwarded-for", "10.2.2.2, 10.3.3.3").check(&g, &s);
    assert_eq!(context(&internal, "acs:SourceIp"), one("10.2.2.2"));
    // No header: the proxy itself.
    let bare = get().peer(Some("10.0.0.1:80")).check(&g, &s);
    assert_eq!(context(&bare, "acs:SourceIp"), one("10.0.0.1"));
    // IPv6 peers and hops.
    let v6 = get().peer(Some("[fd00::1]:443")).header("x-forwarded-for", "2001:db8::7").check(&g, &s);
    assert_eq!(context(&v6, "acs:SourceIp"), one("2001:db8::7"));
    // Garbage from a trusted proxy fails closed.
    let garbage = get().peer(Some("10.0.0.1")).header("x-forwarded-for", "unknown").check(&g, &s);
    assert_eq!(garbage.refusal, Some(Refusal::BadForwardedFor));
    assert!(!garbage.allowed());
    // No peer address (a Unix socket): no source IP at all.
    let unix = get().peer(Some("/run/envoy.sock")).check(&g, &s);
    assert_eq!(context(&unix, "acs:SourceIp"), None);
}

#[test]
fn the_forwarded_for_header_name_is_configurable() {
    let (g, s) = gateway(json!({"forwardedFor": "x-real-client"}));
    let outcome = Http::new("GET", "/things/1")
        .user("alice")
        .peer(Some("10.0.0.1"))
        .header("x-forwarded-for", "198.51.100.1")
        .header("x-real-client", "192.0.2.44")
        .check(&g, &s);
    assert_eq!(context(&outcome, "acs:SourceIp"), one("192.0.2.44"));
}

#[test]
fn secure_transport_follows_the_scheme_or_a_trusted_proxy() {
    let (g, s) = gateway(json!({}));
    let get = || Http::new("GET", "/things/1").user("alice");
    assert_eq!(context(&get().check(&g, &s), "acs:SecureTransport"), one("true"));
    assert_eq!(context(&get().scheme(Some("http")).check(&g, &s), "acs:SecureTransport"), one("false"));
    assert_eq!(context(&get().scheme(None).check(&g, &s), "acs:SecureTransport"), None);
    // A client cannot claim TLS it did not use.
    let spoof = get().scheme(Some("http")).header("x-forwarded-proto", "https").check(&g, &s);
    assert_eq!(context(&spoof, "aws:SecureTransport"), one("false"));
    // A TLS-terminating proxy can say so.
    let proxied = get().scheme(Some("http")).peer(Some("10.0.0.2")).header("x-forwarded-proto", "https");
    assert_eq!(context(&proxied.check(&g, &s), "aws:SecureTransport"), one("true"));
}

#[test]
fn named_headers_fill_context_keys() {
    let (g, s) = gateway(json!({}));
    let outcome = Http::new("GET", "/things/1")
        .user("alice")
        .header("x-auth-mfa", "true")
        .header("x-team", "payments")
        .header("x-team", "search")
        .check(&g, &s);
    assert_eq!(context(&outcome, "acs:MFAPresent"), one("true"));
    assert_eq!(
        context(&outcome, "acs:RequestTag/team"),
        Some(ContextValue::Many(vec!["payments".into(), "search".into()]))
    );
    // Absent header: absent key.
    let outcome = Http::new("GET", "/things/1").user("alice").check(&g, &s);
    assert_eq!(context(&outcome, "acs:MFAPresent"), None);
    // Not UTF-8: refused, not skipped.
    let mut http = Http::new("GET", "/things/1").user("alice");
    http.headers.push(("x-auth-mfa".into(), vec![0xc3]));
    assert_eq!(http.check(&g, &s).refusal, Some(Refusal::BadContextHeader));
}

#[test]
fn addresses_parse_as_hosts_write_them() {
    for (text, bare) in [
        ("203.0.113.7", "203.0.113.7"),
        ("203.0.113.7:8080", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        (" 10.0.0.1 ", "10.0.0.1"),
    ] {
        assert_eq!(parse_addr(text).map(|(t, _)| t), Some(bare), "{text}");
    }
    for bad in ["", "unknown", "203.0.113.7:", "203.0.113.7:port", "[2001:db8::1]x", "/tmp/sock", "1.2.3"] {
        assert!(parse_addr(bad).is_none(), "{bad}");
    }
}
