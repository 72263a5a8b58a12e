//! Every documented limit (`portcullis_core::limits`) at its boundary: at the
//! limit the input is accepted, one past it is refused with a clear error
//! naming the limit. Then the pathological inputs of issue 9, each of which
//! must be answered (with an error or a decision) well within a second.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::time::{Duration, Instant as Clock};

use portcullis_core::limits::*;
use portcullis_core::{api, Request, Store};
use serde_json::{json, Value};

/// Generous: these run in debug builds on a shared two-core machine.
const QUICK: Duration = Duration::from_secs(1);

fn store_codes(text: &str) -> Vec<String> {
    match Store::from_json_str(text) {
        Ok(_) => Vec::new(),
        Err(e) => e.errors().map(|d| format!("{}: {}", d.code, d.message)).collect(),
    }
}

fn request_codes(text: &str) -> Vec<String> {
    match Request::from_json_str(text) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code, d.message)).collect(),
    }
}

#[track_caller]
fn accepted(codes: &[String]) {
    assert!(codes.is_empty(), "refused at the limit: {codes:?}");
}

/// Refused, with an error that names the limit (its code) and says so in words.
#[track_caller]
fn refused(codes: &[String], code: &str) {
    assert!(
        codes.iter().any(|c| c.starts_with(&format!("{code}: ")) && c.contains("limit")
            || c.starts_with(code) && c.contains("more than")),
        "one past the limit, wanted a `{code}` error, got {codes:?}"
    );
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn store_with(policies: Value) -> String {
    json!({"account": "111122223333", "partition": "aws", "policies": policies}).to_string()
}

fn one_policy(p: Value) -> String {
    store_with(json!({ "P": p }))
}

#[test]
fn store_text_size() {
    let base = store_with(json!({}));
    let pad = |n: usize| format!("{base}{}", " ".repeat(n - base.len()));
    accepted(&store_codes(&pad(MAX_STORE_BYTES)));
    refused(&store_codes(&pad(MAX_STORE_BYTES + 1)), "limit-input-size");
}

/// A store whose deepest value sits `depth` arrays and objects deep.
fn nested_store(depth: usize) -> String {
    // Levels: the store object, `policies`, `P`, `Statement` array, the
    // statement, `Condition`, the operator, then arrays around the value.
    let arrays = depth - 7;
    let value = format!("{}\"x\"{}", "[".repeat(arrays), "]".repeat(arrays));
    format!(
        r#"{{"account":"111122223333","policies":{{"P":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"StringEquals":{{"k":{value}}}}}}}]}}}}}}"#
    )
}

#[test]
fn json_nesting() {
    // At the limit the JSON reader accepts it (the policy may still be wrong
    // for other reasons: nested arrays are not condition values).
    let at = store_codes(&nested_store(MAX_JSON_DEPTH));
    assert!(!at.iter().any(|c| c.starts_with("limit-json-depth")), "{at:?}");
    refused(&store_codes(&nested_store(MAX_JSON_DEPTH + 1)), "limit-json-depth");
    // The same limit for a session policy inside a request.
    let deep = |depth: usize| {
        format!(
            r#"{{"principal":"role/r","action":"s3:GetObject","resource":"*","session":{{"policy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"StringEquals":{{"k":{}"x"{}}}}}}}]}}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    accepted(&request_codes(&deep(1)));
    assert!(!request_codes(&deep(2)).is_empty(), "nested condition values are refused");
    assert!(!request_codes(&deep(200)).is_empty());
}

#[test]
fn policies_in_a_store() {
    let policies = |n: usize| {
        Value::Object(
            (0..n).map(|i| (format!("P{i}"), policy(vec![allow(json!("s3:GetObject"), json!("*"))]))).collect(),
        )
    };
    accepted(&store_codes(&store_with(policies(MAX_POLICIES))));
    refused(&store_codes(&store_with(policies(MAX_POLICIES + 1))), "limit-policies");
}

#[test]
fn statements_in_a_policy() {
    let statements = |n: usize| policy((0..n).map(|_| allow(json!("s3:GetObject"), json!("*"))).collect());
    accepted(&store_codes(&one_policy(statements(MAX_STATEMENTS_PER_POLICY))));
    refused(&store_codes(&one_policy(statements(MAX_STATEMENTS_PER_POLICY + 1))), "limit-statements");
}

#[test]
fn statements_in_a_store() {
    let full = MAX_STATEMENTS / MAX_STATEMENTS_PER_POLICY;
    let store = |extra: usize| {
        let mut policies: serde_json::Map<String, Value> = (0..full)
            .map(|i| {
                let statements =
                    (0..MAX_STATEMENTS_PER_POLICY).map(|_| allow(json!("s3:GetObject"), json!("*"))).collect();
                (format!("P{i}"), policy(statements))
            })
            .collect();
        if extra > 0 {
            policies
                .insert("Extra".into(), policy((0..extra).map(|_| allow(json!("s3:GetObject"), json!("*"))).collect()));
        }
        store_with(Value::Object(policies))
    };
    accepted(&store_codes(&store(0)));
    refused(&store_codes(&store(1)), "limit-statements");
}

#[test]
fn users_roles_groups() {
    let named = |n: usize| Value::Object((0..n).map(|i| (format!("n{i}"), json!({}))).collect());
    for (key, max, code) in [
        ("users", MAX_USERS, "limit-users"),
        ("roles", MAX_ROLES, "limit-roles"),
        ("groups", MAX_GROUPS, "limit-groups"),
    ] {
        let store = |n: usize| json!({"account": "111122223333", key: named(n)}).to_string();
        accepted(&store_codes(&store(max)));
        refused(&store_codes(&store(max + 1)), code);
    }
}

#[test]
fn entries_in_one_list() {
    let actions = |n: usize| json!((0..n).map(|i| format!("s3:Get{i}")).collect::<Vec<_>>());
    accepted(&store_codes(&one_policy(policy(vec![allow(actions(MAX_LIST_ENTRIES), json!("*"))]))));
    refused(
        &store_codes(&one_policy(policy(vec![allow(actions(MAX_LIST_ENTRIES + 1), json!("*"))]))),
        "limit-list-entries",
    );
    let resources = |n: usize| json!((0..n).map(|i| format!("arn:aws:s3:::b/{i}")).collect::<Vec<_>>());
    accepted(&store_codes(&one_policy(policy(vec![allow(json!("*"), resources(MAX_LIST_ENTRIES))]))));
    refused(
        &store_codes(&one_policy(policy(vec![allow(json!("*"), resources(MAX_LIST_ENTRIES + 1))]))),
        "limit-list-entries",
    );
    let principals = |n: usize| {
        let arns: Vec<String> = (0..n).map(|i| format!("arn:aws:iam::111122223333:user/u{i}")).collect();
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": arns}}]});
        json!({"account": "111122223333", "partition": "aws", "roles": {"r": {"trust": trust}}}).to_string()
    };
    accepted(&store_codes(&principals(MAX_LIST_ENTRIES)));
    refused(&store_codes(&principals(MAX_LIST_ENTRIES + 1)), "limit-list-entries");
}

fn with_condition(condition: Value) -> String {
    let mut statement = allow(json!("*"), json!("*"));
    statement["Condition"] = condition;
    one_policy(policy(vec![statement]))
}

#[test]
fn condition_operators_keys_values() {
    const OPS: [&str; 6] = [
        "StringEquals",
        "StringLike",
        "StringNotEquals",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
    ];
    // Distinct operator names: the base operators, with IfExists and set prefixes.
    let names: Vec<String> = ["", "ForAllValues:", "ForAnyValue:"]
        .iter()
        .flat_map(|set| OPS.iter().flat_map(move |op| [format!("{set}{op}"), format!("{set}{op}IfExists")]))
        .chain(
            [
                "NumericEquals",
                "NumericLessThan",
                "NumericGreaterThan",
                "DateEquals",
                "DateLessThan",
                "DateGreaterThan",
                "Bool",
                "IpAddress",
                "NotIpAddress",
                "ArnLike",
                "ArnNotLike",
                "Null",
                "NumericNotEquals",
                "NumericLessThanEquals",
                "NumericGreaterThanEquals",
                "DateNotEquals",
                "DateLessThanEquals",
                "DateGreaterThanEquals",
                "ArnEquals",
                "ArnNotEquals",
                "BoolIfExists",
                "IpAddressIfExists",
                "NotIpAddressIfExists",
                "NumericEqualsIfExists",
                "DateEqualsIfExists",
                "ArnLikeIfExists",
                "ArnEqualsIfExists",
                "ArnNotLikeIfExists",
                "ArnNotEqualsIfExists",
            ]
            .map(String::from),
        )
        .collect();
    assert!(names.len() > MAX_CONDITION_OPERATORS, "{}", names.len());
    let value_for = |op: &str| -> Value {
        let base = op.rsplit(':').next().unwrap().trim_end_matches("IfExists");
        match base {
            b if b.starts_with("Numeric") => json!("1"),
            b if b.starts_with("Date") => json!("2026-01-01T00:00:00Z"),
            "Bool" | "Null" => json!("true"),
            b if b.contains("IpAddress") => json!("10.0.0.0/8"),
            b if b.starts_with("Arn") => json!("arn:aws:iam::111122223333:user/*"),
            _ => json!("x"),
        }
    };
    let ops =
        |n: usize| Value::Object(names[..n].iter().map(|op| (op.clone(), json!({ "aws:k": value_for(op) }))).collect());
    accepted(&store_codes(&with_condition(ops(MAX_CONDITION_OPERATORS))));
    refused(&store_codes(&with_condition(ops(MAX_CONDITION_OPERATORS + 1))), "limit-condition-operators");

    let keys = |n: usize| json!({ "StringEquals": Value::Object((0..n).map(|i| (format!("aws:PrincipalTag/k{i}"), json!("v"))).collect()) });
    accepted(&store_codes(&with_condition(keys(MAX_CONDITION_KEYS))));
    refused(&store_codes(&with_condition(keys(MAX_CONDITION_KEYS + 1))), "limit-condition-keys");

    let values = |n: usize| json!({ "StringEquals": { "aws:PrincipalTag/team": (0..n).map(|i| format!("v{i}")).collect::<Vec<_>>() } });
    accepted(&store_codes(&with_condition(values(MAX_CONDITION_VALUES))));
    refused(&store_codes(&with_condition(values(MAX_CONDITION_VALUES + 1))), "limit-condition-values");
}

#[test]
fn pattern_length() {
    let resource = |n: usize| {
        let head = "arn:aws:s3:::b/";
        json!(format!("{head}{}", "k".repeat(n - head.len())))
    };
    accepted(&store_codes(&one_policy(policy(vec![allow(json!("*"), resource(MAX_PATTERN_BYTES))]))));
    refused(
        &store_codes(&one_policy(policy(vec![allow(json!("*"), resource(MAX_PATTERN_BYTES + 1))]))),
        "limit-pattern-length",
    );
    let action = |n: usize| json!(format!("s3:{}", "G".repeat(n - 3)));
    accepted(&store_codes(&one_policy(policy(vec![allow(action(MAX_PATTERN_BYTES), json!("*"))]))));
    refused(
        &store_codes(&one_policy(policy(vec![allow(action(MAX_PATTERN_BYTES + 1), json!("*"))]))),
        "limit-pattern-length",
    );
    let value = |n: usize| json!({ "StringLike": { "aws:PrincipalTag/team": "*".repeat(n) } });
    accepted(&store_codes(&with_condition(value(MAX_PATTERN_BYTES))));
    refused(&store_codes(&with_condition(value(MAX_PATTERN_BYTES + 1))), "limit-pattern-length");
}

fn request(extra: Value) -> Value {
    let mut r = json!({"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"});
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

#[test]
fn request_text_size() {
    let base = request(json!({})).to_string();
    let pad = |n: usize| format!("{base}{}", " ".repeat(n - base.len()));
    accepted(&request_codes(&pad(MAX_REQUEST_BYTES)));
    refused(&request_codes(&pad(MAX_REQUEST_BYTES + 1)), "limit-request-size");
}

/// Request errors from serde carry the limit in the message only.
#[track_caller]
fn refused_saying(codes: &[String], words: &str) {
    assert!(codes.iter().any(|c| c.contains(words)), "wanted an error saying `{words}`, got {codes:?}");
}

#[test]
fn request_context() {
    let keys = |n: usize| {
        request(json!({ "context": Value::Object((0..n).map(|i| (format!("k{i}"), json!("v"))).collect()) }))
            .to_string()
    };
    accepted(&request_codes(&keys(MAX_CONTEXT_KEYS)));
    refused_saying(&request_codes(&keys(MAX_CONTEXT_KEYS + 1)), &format!("more than {MAX_CONTEXT_KEYS} context keys"));

    let values = |n: usize| {
        request(json!({ "context": { "aws:TagKeys": (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>() } }))
            .to_string()
    };
    accepted(&request_codes(&values(MAX_CONTEXT_VALUES)));
    refused_saying(&request_codes(&values(MAX_CONTEXT_VALUES + 1)), &format!("{MAX_CONTEXT_VALUES}"));

    let long = |n: usize| request(json!({ "context": { "k": "v".repeat(n) } })).to_string();
    accepted(&request_codes(&long(MAX_PATTERN_BYTES)));
    refused_saying(&request_codes(&long(MAX_PATTERN_BYTES + 1)), &format!("longer than {MAX_PATTERN_BYTES} bytes"));

    let resource = |n: usize| request(json!({ "resource": "r".repeat(n) })).to_string();
    accepted(&request_codes(&resource(MAX_PATTERN_BYTES)));
    refused(&request_codes(&resource(MAX_PATTERN_BYTES + 1)), "limit-pattern-length");
}

#[test]
fn batch_size() {
    let store = Store::from_json_str(&one_policy(policy(vec![allow(json!("s3:*"), json!("*"))]))).unwrap();
    let one = request(json!({})).to_string();
    let batch = |n: usize| format!("[{}]", vec![one.as_str(); n].join(","));
    assert!(api::evaluate_batch_json_str(&store, &batch(MAX_BATCH), None).is_ok());
    let err = api::evaluate_batch_json_str(&store, &batch(MAX_BATCH + 1), None).unwrap_err();
    assert!(err.errors.iter().any(|d| d.code == "limit-batch"), "{err:?}");
    // The text is measured before it is read.
    let padded = |n: usize| format!("[{one}{}]", " ".repeat(n - one.len() - 2));
    assert!(api::evaluate_batch_json_str(&store, &padded(MAX_BATCH_BYTES), None).is_ok());
    let err = api::evaluate_batch_json_str(&store, &padded(MAX_BATCH_BYTES + 1), None).unwrap_err();
    assert!(err.errors.iter().any(|d| d.code == "limit-batch" && d.message.contains("bytes")), "{err:?}");
}

// ---------------------------------------------------------------- pathological inputs

#[track_caller]
fn quick<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Clock::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < QUICK, "{what} took {took:?}");
    out
}

#[test]
fn many_stars_match_in_linear_time() {
    // The longest allowed patterns of the worst shapes against the longest
    // allowed inputs that almost match.
    let stars = "*".repeat(MAX_PATTERN_BYTES - 1) + "b";
    let alternating = "a*".repeat(MAX_PATTERN_BYTES / 2 - 1) + "b";
    let input = "a".repeat(MAX_PATTERN_BYTES);
    for pattern in [&stars, &alternating] {
        let deny = json!({"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalTag/team": pattern}}});
        let mut resource = allow(json!("*"), json!(format!("arn:aws:s3:::{}", &pattern[..MAX_PATTERN_BYTES - 13])));
        resource["Sid"] = json!("R");
        let store = json!({"account": "111122223333", "partition": "aws",
            "policies": {"P": policy(vec![deny, resource, allow(json!(format!("s3:{}", &pattern[..MAX_PATTERN_BYTES - 3])), json!("*"))])},
            "users": {"alice": {"policies": ["P"], "tags": {"team": input.clone()}}}});
        let store =
            quick("loading a store of worst-case patterns", || Store::from_json_str(&store.to_string()).unwrap());
        let req = request(json!({
            "action": format!("s3:{}", &input[..MAX_PATTERN_BYTES - 3]),
            "resource": format!("arn:aws:s3:::{}", &input[..MAX_PATTERN_BYTES - 13]),
        }));
        let req = Request::from_json_str(&req.to_string()).unwrap().into_owned();
        let decision = quick("deciding against worst-case patterns", || {
            for _ in 0..9 {
                store.evaluate(&req, None);
            }
            store.evaluate(&req, None)
        });
        // The Deny's pattern ends in `b`, so only the allows apply.
        assert_eq!(decision.reason, portcullis_core::Reason::Allowed);
    }
    // Far past the pattern limit: refused, quickly.
    let codes = quick("refusing 100,000 stars", || {
        store_codes(&one_policy(policy(vec![allow(json!("*"), json!("*".repeat(100_000)))])))
    });
    refused(&codes, "limit-pattern-length");
}

#[test]
fn huge_arrays_are_refused_quickly() {
    let values: Vec<String> = (0..100_000).map(|i| format!("v{i}")).collect();
    let text = with_condition(json!({"StringEquals": {"aws:PrincipalTag/team": values}}));
    refused(&quick("a 100,000-value condition", || store_codes(&text)), "limit-condition-values");
    let actions: Vec<String> = (0..100_000).map(|i| format!("s3:A{i}")).collect();
    let text = one_policy(policy(vec![allow(json!(actions), json!("*"))]));
    refused(&quick("a 100,000-entry Action list", || store_codes(&text)), "limit-list-entries");
    let tags: Vec<String> = (0..100_000).map(|i| format!("t{i}")).collect();
    let text = request(json!({"context": {"aws:TagKeys": tags}})).to_string();
    assert!(!quick("a 100,000-value context key", || request_codes(&text)).is_empty());
    let statements: Vec<Value> = (0..100_000).map(|_| json!({})).collect();
    let text = one_policy(policy(statements));
    refused(&quick("100,000 statements in one policy", || store_codes(&text)), "limit-statements");
}

#[test]
fn deep_nesting_is_refused_quickly() {
    for depth in [1_000, 100_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        refused(&quick("deeply nested arrays", || store_codes(&arrays)), "limit-json-depth");
        let unclosed = "{\"a\":".repeat(depth);
        refused(&quick("deeply nested, unclosed objects", || store_codes(&unclosed)), "limit-json-depth");
        assert!(!quick("a deeply nested request", || request_codes(&arrays)).is_empty());
        let context =
            format!(r#"{{"principal":"user/a","action":"s3:GetObject","resource":"*","context":{{"k":{arrays}}}}}"#);
        assert!(!quick("a deeply nested context value", || request_codes(&context)).is_empty());
        let check = quick("checking deeply nested text", || api::check(&arrays));
        assert!(check.diagnostics.iter().any(|d| d.code == "limit-json-depth"));
    }
}

#[test]
fn huge_numbers_and_overlong_dates() {
    let long_number = "9".repeat(MAX_PATTERN_BYTES);
    let overlong_date = format!("2026-01-01T00:00:00.{}Z", "0".repeat(MAX_PATTERN_BYTES - 30));
    let cases = [
        ("NumericEquals", "aws:MultiFactorAuthAge", json!("1e999999999")),
        ("NumericEquals", "aws:MultiFactorAuthAge", json!(long_number)),
        ("DateLessThan", "aws:CurrentTime", json!(overlong_date)),
        ("DateLessThan", "aws:CurrentTime", json!("99999999999999999999-01-01T00:00:00Z")),
    ];
    for (op, key, value) in cases {
        // As a policy value: an error at load time, never a silent non-match.
        let text = with_condition(json!({ op: { key: value } }));
        let codes = quick("loading a pathological typed value", || store_codes(&text));
        assert!(!codes.is_empty(), "{op} {value} was accepted");
    }
    // As request values: evaluation answers quickly (the value just does not parse).
    let store = Store::from_json_str(&with_condition(json!({
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        "DateLessThan": {"aws:EpochTime": "2000000000"},
    })))
    .unwrap();
    for (key, value) in [
        ("aws:MultiFactorAuthAge", long_number.clone()),
        ("aws:MultiFactorAuthAge", String::from("1e999999999999")),
        ("aws:MultiFactorAuthAge", format!("0.{}1", "0".repeat(MAX_PATTERN_BYTES - 3))),
        ("aws:EpochTime", overlong_date.clone()),
        ("aws:EpochTime", "9".repeat(MAX_PATTERN_BYTES)),
        ("aws:CurrentTime", "9".repeat(MAX_PATTERN_BYTES)),
    ] {
        let req = request(json!({"context": {key: value, "aws:CurrentTime": "2026-01-01T00:00:00Z"}}));
        let req = Request::from_json_str(&req.to_string()).unwrap().into_owned();
        let decision = quick("deciding with a pathological request value", || store.evaluate(&req, None));
        assert_eq!(decision.reason, portcullis_core::Reason::ImplicitDeny, "{key}");
    }
    let huge = format!("{{\"account\": {}}}", "9".repeat(100_000));
    assert!(!quick("a 100,000-digit JSON number", || store_codes(&huge)).is_empty());
}

/// The worst decision a store within every limit can ask for: the whole
/// store text spent on wildcard patterns of the slowest shape, all tested
/// against the longest request resource. Run in release to measure:
/// `cargo test --release -p portcullis-core --test limits worst_case -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement; slow in debug builds"]
fn worst_case_decision() {
    // Shapes that defeat the prefix and suffix checks: the matcher has to
    // walk the input once per literal piece.
    let unit = std::env::var("PORTCULLIS_WORST_UNIT").unwrap_or_else(|_| String::from("*a"));
    let pattern = format!("arn:aws:s3:::{}*b*", unit.repeat((MAX_PATTERN_BYTES - 17) / unit.len()));
    let per_statement = 8;
    let statements = (MAX_STORE_BYTES - 4096) / ((pattern.len() + 3) * per_statement + 64);
    let statement = allow(json!("s3:GetObject"), json!(vec![pattern.as_str(); per_statement]));
    let policies: serde_json::Map<String, Value> = (0..statements.div_ceil(MAX_STATEMENTS_PER_POLICY))
        .map(|p| {
            let n = (statements - p * MAX_STATEMENTS_PER_POLICY).min(MAX_STATEMENTS_PER_POLICY);
            (format!("P{p}"), policy(vec![statement.clone(); n]))
        })
        .collect();
    let names: Vec<String> = policies.keys().cloned().collect();
    let text = json!({"account": "111122223333", "partition": "aws", "policies": policies,
        "users": {"alice": {"policies": names}}})
    .to_string();
    println!("store: {} bytes, {statements} statements, {} patterns", text.len(), statements * per_statement);
    let start = Clock::now();
    let store = Store::from_json_str(&text).unwrap();
    println!("load: {:?}", start.elapsed());
    let req = request(json!({"resource": format!("arn:aws:s3:::{}", "a".repeat(MAX_PATTERN_BYTES - 13))}));
    let req = Request::from_json_str(&req.to_string()).unwrap().into_owned();
    let start = Clock::now();
    let decision = store.evaluate(&req, None);
    println!("decision: {:?} in {:?}", decision.reason, start.elapsed());
}
