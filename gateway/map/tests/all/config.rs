//! Configuration errors: each with its code, a message for the author, and
//! the JSON pointer, line and column of the offending value.

use portcullis_gateway::{Config, StoreSource};
use serde_json::json;

/// Loads `config` (text) expecting failure; returns (code, path, message, line).
fn errors(text: &str) -> Vec<(String, String, String, u32)> {
    let failure = Config::from_json_str(text).err().unwrap_or_else(|| panic!("expected errors for {text}"));
    failure.errors.iter().map(|d| (d.code.to_string(), d.path.clone(), d.message.clone(), d.line)).collect()
}

fn base() -> serde_json::Value {
    json!({
        "storeRef": "main",
        "principal": {"header": "x-auth-user"},
        "routes": [{"method": "GET", "path": "/v1/buckets/{bucket}/objects/{key+}", "action": "oss:GetObject",
                    "resource": "acs:oss:*:${account}:${bucket}/${key}"}]
    })
}

fn with(pointer: &str, value: serde_json::Value) -> String {
    let mut config = base();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = config.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"));
    match parent {
        serde_json::Value::Object(map) => {
            map.insert(key.into(), value);
        }
        serde_json::Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer}"),
    }
    serde_json::to_string_pretty(&config).unwrap()
}

fn one_error(text: &str) -> (String, String, String) {
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (code, path, message, _) = errors.into_iter().next().unwrap();
    (code, path, message)
}

#[test]
fn a_good_configuration_loads() {
    let config = Config::from_json_str(&base().to_string()).unwrap();
    assert!(matches!(config.store, StoreSource::Ref(ref name) if name == "main"));
    assert_eq!(config.gateway.route_count(), 1);
    assert_eq!(config.gateway.route_name(0), Some("GET /v1/buckets/{bucket}/objects/{key+}"));
    assert_eq!(config.gateway.decision_header, "x-portcullis-decision");
    assert_eq!(config.gateway.request_id_header, "x-request-id");
}

#[test]
fn route_errors_point_at_the_route() {
    let (code, path, message) = one_error(&with("/routes/0/path", json!("/v1/{key+}/tail")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-path", "/routes/0/path"));
    assert_eq!(message, "the greedy capture `{key+}` must be the last part of the path");

    let (code, path, message) = one_error(&with("/routes/0/resource", json!("acs:oss:*:${account}:${bucket}/${name}")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-template", "/routes/0/resource"));
    assert_eq!(message, "`${name}` is neither a capture of this route nor a known variable");

    let (code, path, _) = one_error(&with("/routes/0/action", json!("oss:Get*")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-action", "/routes/0/action"));

    let (code, path, _) = one_error(&with("/routes/0/method", json!("GET POST")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-method", "/routes/0/method"));

    let (code, path, _) = one_error(&with("/routes/0/path", json!("/a/b{c}")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-path", "/routes/0/path"));

    let (code, path, _) = one_error(&with("/routes/0/path", json!("/a/{x}/{x}")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-path", "/routes/0/path"));

    let (code, path, _) = one_error(&with("/routes/0/path", json!("/a?b=1")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-path", "/routes/0/path"));

    let (code, path, message) = one_error(&with("/routes/0/allowEncodedSlash", json!("yes")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-expected-boolean", "/routes/0/allowEncodedSlash"));
    assert_eq!(message, "`allowEncodedSlash` must be `true` or `false`, not a string");
}

#[test]
fn unknown_fields_are_errors_not_ignored() {
    let (code, path, message) = one_error(&with("/routes/0/resouce", json!("x")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-unknown-field", "/routes/0/resouce"));
    assert_eq!(message, "unknown field `resouce` in a route");
    let (code, path, _) = one_error(&with("/unmatchd", json!("allow")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-unknown-field", "/unmatchd"));
}

#[test]
fn several_errors_are_reported_together_with_lines() {
    let mut config = base();
    config["routes"] = json!([
        {"path": "/ok/{x}", "action": "s:A", "resource": "r/${x}"},
        {"path": "no-slash", "action": "s:A", "resource": "r"},
        {"regex": "(unclosed", "action": "s:A", "resource": "r"}
    ]);
    config["unmatched"] = json!("maybe");
    let text = serde_json::to_string_pretty(&config).unwrap();
    let errors = errors(&text);
    let paths: Vec<&str> = errors.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(paths, ["/routes/1/path", "/routes/2/regex", "/unmatched"], "{errors:?}");
    // Lines point into the text as written.
    for (_, path, _, line) in &errors {
        let key = path.rsplit('/').next().unwrap();
        let written = text.lines().nth(*line as usize - 1).unwrap();
        assert!(written.contains(&format!("\"{key}\"")), "{path} -> line {line}: {written}");
    }
}

#[test]
fn regex_errors_and_group_names() {
    let mut config = base();
    config["routes"][0] = json!({"regex": "/a/(?P<x>[a-z]+", "action": "s:A", "resource": "r"});
    let (code, path, message) = one_error(&config.to_string());
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-regex", "/routes/0/regex"));
    assert!(message.starts_with("the regular expression does not compile"), "{message}");
    assert!(!message.contains('\n'));
    // Variables must be groups of the regex.
    config["routes"][0] = json!({"regex": "/a/(?P<x>[a-z]+)", "action": "s:A", "resource": "r/${y}"});
    let (code, path, _) = one_error(&config.to_string());
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-template", "/routes/0/resource"));
}

#[test]
fn store_errors_are_reported_under_store() {
    let config = json!({
        "store": {"account": "1234567890123456", "policies": {"P": {"Version": "1", "Statement": [{"Effect": "Alow", "Action": "*", "Resource": "*"}]}}},
        "principal": {"header": "x-auth-user"},
        "routes": []
    });
    let text = serde_json::to_string_pretty(&config).unwrap();
    let errors = errors(&text);
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e.1.starts_with("/store/policies/P/Statement/0")), "{errors:?}");
    assert!(errors.iter().any(|e| text.lines().nth(e.3 as usize - 1).unwrap().contains("Alow")), "{errors:?}");
}

#[test]
fn store_and_principal_are_required_and_checked() {
    let (code, _, _) = one_error(r#"{"principal": {"header": "x-u"}, "routes": []}"#);
    assert_eq!(code, "gateway-missing-store");
    let (code, path, _) = one_error(r#"{"store": {}, "storeRef": "x", "principal": {"header": "x-u"}, "routes": []}"#);
    assert_eq!((code.as_str(), path.as_str()), ("gateway-store-twice", "/storeRef"));
    let (code, _, _) = one_error(r#"{"storeRef": "x", "routes": []}"#);
    assert_eq!(code, "gateway-missing-principal");
    let (code, path, _) = one_error(&with("/principal/header", json!(":authority")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-header", "/principal/header"));
    let (code, path, _) = one_error(&with("/principal/format", json!("user/alice")));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-template", "/principal/format"));
    let (code, path, _) = one_error(&with("/principal/requireTrustedProxy", json!(true)));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-no-trusted-proxies", "/principal/requireTrustedProxy"));
}

#[test]
fn context_headers_cannot_set_what_the_gateway_or_the_store_decides() {
    for key in [
        "acs:SourceIp",
        "aws:sourceip",
        "acs:CurrentTime",
        "aws:SecureTransport",
        "acs:PrincipalTag/team",
        "aws:ResourceTag/env",
        "acs:PrincipalArn",
    ] {
        let (code, path, _) = one_error(&with("/contextHeaders", json!({key: "x-h"})));
        assert_eq!(code, "gateway-reserved-context-key", "{key}");
        assert_eq!(path, format!("/contextHeaders/{}", key.replace('/', "~1")));
    }
    let (code, _, _) = one_error(&with("/contextHeaders", json!({"MFAPresent": "x-h"})));
    assert_eq!(code, "gateway-invalid-context-key");
    let config = Config::from_json_str(&with("/contextHeaders", json!({"acs:MFAPresent": "X-Auth-MFA"}))).unwrap();
    assert_eq!(config.gateway.route_count(), 1);
}

#[test]
fn trusted_proxies_are_ranges() {
    let (code, path, _) = one_error(&with("/trustedProxies", json!(["10.0.0.0/8", "10.0.0.0/33"])));
    assert_eq!((code.as_str(), path.as_str()), ("gateway-invalid-cidr", "/trustedProxies/1"));
}

#[test]
fn json_syntax_errors_have_a_place() {
    let failure = Config::from_json_str("{\n  \"routes\": [,]\n}").err().unwrap();
    let error = &failure.errors[0];
    assert_eq!(error.code, "json-syntax");
    assert_eq!(error.line, 2);
    let failure = Config::from_json_str(r#"{"storeRef": "a", "storeRef": "b"}"#).err().unwrap();
    assert_eq!(failure.errors[0].code, "json-duplicate-key");
}

#[test]
fn store_sets_name_their_stores() {
    let store = crate::governance_store();
    let text =
        serde_json::to_string_pretty(&json!({"stores": {"governance": store, "empty": {"account": "1"}}})).unwrap();
    let stores = portcullis_gateway::stores_from_json_str(&text).unwrap();
    let mut names: Vec<&str> = stores.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["empty", "governance"]);
    let bad = json!({"stores": {"a/b": {"account": "1", "users": {"u": {"groups": ["missing"]}}}}});
    let failure = portcullis_gateway::stores_from_json_str(&bad.to_string()).err().unwrap();
    assert!(failure.errors.iter().all(|d| d.path.starts_with("/stores/a~1b/users/u")), "{}", failure.to_json());
    let failure = portcullis_gateway::stores_from_json_str(r#"{"store": {}}"#).err().unwrap();
    assert!(failure.errors.iter().any(|d| d.code == "gateway-unknown-field" && d.path == "/store"));
}
