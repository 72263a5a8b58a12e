//! Hand-written tests of evaluation semantics: one behaviour each, beyond the
//! conformance vectors (which pin the AWS reference cases).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use portcullis_core::{api, Decision, Reason, Request, Store};
use serde_json::{json, Value};

fn store(value: Value) -> Store {
    match Store::from_json_str(&value.to_string()) {
        Ok(store) => store,
        Err(e) => panic!("store did not load: {:#?}", e.diagnostics),
    }
}

fn request(value: Value) -> Request<'static> {
    Request::from_json_str(&value.to_string()).unwrap().into_owned()
}

fn decide(store: &Store, value: Value) -> Decision {
    store.evaluate(&request(value), None)
}

/// A one-user AWS store with `statement` as alice's only identity policy.
fn aws_with(statement: Value) -> Store {
    store(json!({
        "account": "111122223333", "partition": "aws",
        "policies": {"P": {"Version": "2012-10-17", "Statement": [statement]}},
        "users": {"alice": {"policies": ["P"]}}
    }))
}

fn get_object(context: Value) -> Value {
    json!({"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key", "context": context})
}

fn condition(cond: Value, context: Value) -> Reason {
    let s = aws_with(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": cond}));
    decide(&s, get_object(context)).reason
}

const OK: Reason = Reason::Allowed;
const NO: Reason = Reason::ImplicitDeny;

#[test]
fn string_operators() {
    let k = "aws:PrincipalTag/team";
    assert_eq!(condition(json!({"StringEquals": {k: "dev"}}), json!({k: "dev"})), OK);
    assert_eq!(condition(json!({"StringEquals": {k: "dev"}}), json!({k: "Dev"})), NO);
    assert_eq!(condition(json!({"StringNotEquals": {k: ["a", "b"]}}), json!({k: "c"})), OK);
    assert_eq!(condition(json!({"StringNotEquals": {k: ["a", "b"]}}), json!({k: "b"})), NO);
    assert_eq!(condition(json!({"StringEqualsIgnoreCase": {k: "DEV"}}), json!({k: "dev"})), OK);
    assert_eq!(condition(json!({"StringNotEqualsIgnoreCase": {k: "DEV"}}), json!({k: "dev"})), NO);
    assert_eq!(condition(json!({"StringEqualsIgnoreCase": {k: "ÉQUIPE"}}), json!({k: "équipe"})), OK);
    assert_eq!(condition(json!({"StringLike": {k: "d?v-*"}}), json!({k: "dev-1"})), OK);
    assert_eq!(condition(json!({"StringNotLike": {k: "d*"}}), json!({k: "dev"})), NO);
    // Key names ignore case; values do not.
    assert_eq!(condition(json!({"StringEquals": {"AWS:principaltag/TEAM": "dev"}}), json!({k: "dev"})), OK);
}

#[test]
fn numeric_and_date_operators() {
    let n = "aws:MultiFactorAuthAge";
    for (op, value, request, want) in [
        ("NumericEquals", "10", "10.00", OK),
        ("NumericNotEquals", "10", "10.0", NO),
        ("NumericLessThan", "3600", "3599.9", OK),
        ("NumericLessThanEquals", "3600", "3600", OK),
        ("NumericGreaterThan", "-1", "0", OK),
        ("NumericGreaterThanEquals", "1e3", "999", NO),
        ("NumericLessThan", "3600", "1e2", OK),
    ] {
        assert_eq!(condition(json!({op: {n: value}}), json!({n: request})), want, "{op} {value} {request}");
    }
    let t = "aws:CurrentTime";
    for (op, value, request, want) in [
        ("DateEquals", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00+01:00", OK),
        ("DateNotEquals", "2026-11-23", "2026-11-23T00:00:00Z", NO),
        ("DateLessThan", "2026-11-23T10:00:00Z", "1795428000", NO),
        ("DateLessThanEquals", "1795428000", "2026-11-23T10:00:00Z", OK),
        ("DateGreaterThan", "2026-01-01", "2026-11-23T10:00:00.5Z", OK),
        ("DateGreaterThanEquals", "2027-01-01T00:00:00Z", "2026-12-31T23:59:59Z", NO),
    ] {
        assert_eq!(condition(json!({op: {t: value}}), json!({t: request})), want, "{op} {value} {request}");
    }
    // A request value that is not a number or date never matches a positive
    // operator and always matches the negated one (exact negation).
    assert_eq!(condition(json!({"NumericEquals": {n: "1"}}), json!({n: "one"})), NO);
    assert_eq!(condition(json!({"NumericNotEquals": {n: "1"}}), json!({n: "one"})), OK);
    assert_eq!(condition(json!({"DateNotEquals": {t: "2026-01-01"}}), json!({t: "soon"})), OK);
}

#[test]
fn bool_binary_ip_arn_and_null() {
    assert_eq!(condition(json!({"Bool": {"aws:SecureTransport": "true"}}), json!({"aws:SecureTransport": true})), OK);
    assert_eq!(condition(json!({"Bool": {"aws:SecureTransport": false}}), json!({"aws:SecureTransport": "False"})), OK);
    assert_eq!(condition(json!({"BinaryEquals": {"k": "aGVsbG8="}}), json!({"k": "aGVsbG8"})), OK);
    assert_eq!(condition(json!({"BinaryEquals": {"k": "aGVsbG8="}}), json!({"k": "aGVsbA=="})), NO);
    let ip = "aws:SourceIp";
    assert_eq!(condition(json!({"IpAddress": {ip: ["10.0.0.0/8", "2001:db8::/32"]}}), json!({ip: "2001:db8::5"})), OK);
    assert_eq!(condition(json!({"NotIpAddress": {ip: ["10.0.0.0/8"]}}), json!({ip: "10.1.2.3"})), NO);
    assert_eq!(condition(json!({"NotIpAddress": {ip: ["10.0.0.0/8"]}}), json!({ip: "192.0.2.1"})), OK);
    let arn = "aws:SourceArn";
    assert_eq!(
        condition(
            json!({"ArnLike": {arn: "arn:aws:sns:*:111122223333:topic-?"}}),
            json!({arn: "arn:aws:sns:eu-west-1:111122223333:topic-a"})
        ),
        OK
    );
    assert_eq!(
        condition(json!({"ArnNotEquals": {arn: "arn:aws:sns:*:*:*"}}), json!({arn: "arn:aws:sns:eu-west-1:1:t"})),
        NO
    );
    assert_eq!(condition(json!({"Null": {"aws:TokenIssueTime": "false"}}), json!({"aws:TokenIssueTime": "x"})), OK);
    // JSON null in the context means the key is absent.
    assert_eq!(condition(json!({"Null": {"aws:TokenIssueTime": "true"}}), json!({"aws:TokenIssueTime": null})), OK);
}

#[test]
fn missing_keys_follow_the_table() {
    let k = "aws:PrincipalTag/x";
    assert_eq!(condition(json!({"StringLike": {k: "*"}}), json!({})), NO);
    assert_eq!(condition(json!({"StringNotLike": {k: "a"}}), json!({})), OK);
    assert_eq!(condition(json!({"NumericLessThanIfExists": {k: "1"}}), json!({})), OK);
    assert_eq!(condition(json!({"NumericLessThanIfExists": {k: "1"}}), json!({k: "2"})), NO);
    assert_eq!(condition(json!({"ForAllValues:StringLike": {k: "a*"}}), json!({})), OK);
    assert_eq!(condition(json!({"ForAnyValue:StringLike": {k: "a*"}}), json!({})), NO);
    assert_eq!(condition(json!({"ForAnyValue:StringLike": {k: "a*"}}), json!({k: ["b", "ab"]})), OK);
    assert_eq!(condition(json!({"ForAllValues:StringLike": {k: "a*"}}), json!({k: ["b", "ab"]})), NO);
    // Several operators and several keys are ANDed.
    let both =
        json!({"StringEquals": {k: "a", "aws:RequestedRegion": "eu-west-1"}, "Bool": {"aws:SecureTransport": "true"}});
    assert_eq!(
        condition(both.clone(), json!({k: "a", "aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "true"})),
        OK
    );
    assert_eq!(condition(both, json!({k: "a", "aws:RequestedRegion": "eu-west-1"})), NO);
}

#[test]
fn variables_resolve_from_context_and_store() {
    let s = store(json!({
        "account": "111122223333", "partition": "aws",
        "policies": {"Home": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:PrincipalTag/team}/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/team}/${aws:PrincipalTag/missing, 'shared'}"}}}
        ]}},
        "users": {"alice": {"policies": ["Home"], "tags": {"team": "payments"}}}
    }));
    // The principal's tags come from the store.
    let allowed = |resource: &str, context: Value| {
        decide(
            &s,
            json!({"principal": "user/alice", "action": "s3:PutObject", "resource": resource, "context": context}),
        )
        .allowed()
    };
    assert!(allowed("arn:aws:s3:::home/payments/a.txt", json!({})));
    assert!(!allowed("arn:aws:s3:::home/other/a.txt", json!({})));
    // The request overrides a derived key.
    assert!(allowed("arn:aws:s3:::home/other/a.txt", json!({"aws:PrincipalTag/team": "other"})));
    let get = decide(
        &s,
        json!({"principal": "user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::x/y", "context": {"s3:prefix": "payments/shared"}}),
    );
    assert!(get.allowed());
}

#[test]
fn action_and_resource_matching() {
    let s = aws_with(
        json!({"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get?bject"], "Resource": ["arn:aws:ec2:*:111122223333:instance/*", "arn:aws:s3:::b/*"]}),
    );
    let go = |action: &str, resource: &str| {
        decide(&s, json!({"principal": "user/alice", "action": action, "resource": resource})).reason
    };
    assert_eq!(go("EC2:describeinstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1"), OK);
    assert_eq!(go("ec2:DescribeInstances", "arn:aws:ec2:eu-west-1:444455556666:instance/i-1"), NO);
    assert_eq!(go("s3:GetObject", "arn:aws:s3:::b/deep/key"), OK);
    assert_eq!(go("s3:GetObjectAcl", "arn:aws:s3:::b/k"), NO);
    assert_eq!(go("s3:GetObject", "arn:aws:s3:::B/k"), NO);
    // RAM allows wildcards in the service prefix.
    let ram = store(json!({
        "account": "1234567890123456", "partition": "acs",
        "policies": {"Tags": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*:ListTagResources", "Resource": "*"}]}},
        "users": {"u": {"policies": ["Tags"]}}
    }));
    let d = decide(
        &ram,
        json!({"principal": "user/u", "action": "ecs:ListTagResources", "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/i"}),
    );
    assert!(d.allowed());
}

fn governance() -> Store {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/vectors/governance.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    store(file["store"].clone())
}

fn explain(store: &Store, value: Value) -> Value {
    let r = request(value);
    let d = store.evaluate(&r, None);
    serde_json::from_str(&api::decision_json(store, &r, &d)).unwrap()
}

#[test]
fn decisions_explain_themselves() {
    let s = governance();
    let base = json!({"principal": "user/alice", "action": "ecs:StartInstance",
        "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/staging-web-1",
        "context": {"acs:CurrentTime": "2026-11-23T10:00:00Z", "acs:SourceIp": "203.0.113.7"}});
    let d = explain(&s, base);
    assert_eq!(d["decision"], "Allow");
    assert_eq!(d["reason"], "Allowed");
    // The user's own policies come first; the group's role is found among the rest.
    let matched = d["matched"].as_array().unwrap();
    assert_eq!(matched[0]["policy"], "LegacyAdministratorAccess");
    let first = matched.iter().find(|m| m["policy"] == "DevStagingEditor").unwrap();
    assert_eq!(first["policy"], "DevStagingEditor");
    assert_eq!(first["via"], "group/developers > role/Dev_Staging_Editor");
    assert_eq!(first["kind"], "identity");
    assert_eq!(first["sid"], "EditNonProd");
    assert_eq!(first["path"], "/policies/DevStagingEditor/Statement/0");
    let kinds: Vec<&str> = d["matched"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    // On Allow, the granting statements; the caps that let them through are implied.
    assert_eq!(kinds, ["identity", "identity"]);

    // Explicit deny lists the denying statements only.
    let d = explain(
        &s,
        json!({"principal": "user/bob", "action": "ecs:DeleteInstance",
        "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1",
        "context": {"acs:CurrentTime": "2026-11-23T10:00:00Z", "acs:SourceIp": "198.51.100.9", "acs:MFAPresent": true}}),
    );
    assert_eq!(d["reason"], "ExplicitDeny");
    assert_eq!(d["matched"].as_array().unwrap().len(), 1);
    assert_eq!(d["matched"][0]["sid"], "ProdDeletesOnlyFromOffice");
    assert_eq!(d["matched"][0]["kind"], "guardrail");
    assert_eq!(d["matched"][0]["via"], "guardrails");

    // An expired elevation says so.
    let d = explain(
        &s,
        json!({"principal": "user/bob", "action": "ecs:DeleteInstance",
        "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1",
        "context": {"acs:CurrentTime": "2026-11-23T13:00:00Z", "acs:SourceIp": "203.0.113.7", "acs:MFAPresent": true}}),
    );
    assert_eq!(d["reason"], "ImplicitDeny");
    assert_eq!(d["notes"][0], "assignment of role Prod_Admin (INC-4821) ended at 2026-11-23T13:00:00Z");
    assert_eq!(d["missing"], json!(["allow"]));

    // The boundary is named as what was missing.
    let d = explain(
        &s,
        json!({"principal": "user/alice", "action": "ram:CreateUser",
        "resource": "acs:ram::1234567890123456:user/eve", "context": {"acs:CurrentTime": "2026-11-23T10:00:00Z"}}),
    );
    assert_eq!(d["missing"], json!(["boundary"]));
    assert_eq!(d["matched"][0]["policy"], "LegacyAdministratorAccess");
}

#[test]
fn time_bound_assignments_need_a_clock() {
    let s = governance();
    let r = request(json!({"principal": "user/bob", "action": "ecs:DeleteInstance",
        "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1",
        "context": {"acs:SourceIp": "203.0.113.7", "acs:MFAPresent": true}}));
    let without = s.evaluate(&r, None);
    assert_eq!(without.reason, Reason::ImplicitDeny);
    let text = api::decision_json(&s, &r, &without);
    assert!(text.contains("is time-bound and the request has no current time"), "{text}");
    // The host's clock is used when the request carries no time.
    let inside = portcullis_core::Instant::parse("2026-11-23T12:59:59Z");
    assert!(s.evaluate(&r, inside).allowed());
    let after = portcullis_core::Instant::parse("2026-11-23T13:00:00Z");
    assert!(!s.evaluate(&r, after).allowed());
}

#[test]
fn break_glass_raises_an_alert_only_when_it_allows() {
    let s = governance();
    let ctx = json!({"acs:CurrentTime": "2026-11-23T10:00:00Z", "acs:SourceIp": "203.0.113.7", "acs:MFAPresent": true});
    let d = explain(
        &s,
        json!({"principal": "user/erin", "action": "rds:DeleteDBInstance",
        "resource": "acs:rds:cn-hangzhou:1234567890123456:dbinstance/prod-db-1", "context": ctx}),
    );
    assert_eq!(d["alerts"], json!(["break-glass"]));
    let d = explain(
        &s,
        json!({"principal": "user/erin", "action": "actiontrail:StopLogging",
        "resource": "acs:actiontrail:cn-hangzhou:1234567890123456:trail/main", "context": ctx}),
    );
    assert_eq!(d["alerts"], json!([]));
    // A session of the break-glass role itself alerts too.
    let d = explain(
        &s,
        json!({"principal": "role/Break_Glass_Admin", "session": {"name": "oncall"}, "action": "ecs:StopInstance",
        "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1", "context": ctx}),
    );
    assert_eq!((d["decision"].as_str(), d["alerts"].clone()), (Some("Allow"), json!(["break-glass"])));
}

#[test]
fn role_sessions_and_assume_role() {
    let s = governance();
    let ctx = json!({"acs:CurrentTime": "2026-11-23T10:00:00Z"});
    // The session ARN form of a store role works like role/<name>.
    let d = decide(
        &s,
        json!({"principal": "acs:ram::1234567890123456:role/staging-deploy-agent/build-1", "action": "oss:PutObject",
        "resource": "acs:oss:*:1234567890123456:staging-assets/app.js", "context": ctx}),
    );
    assert!(d.allowed());
    // RAM needs the caller's own allow as well as the trust policy.
    let no_identity = store(json!({
        "account": "1", "partition": "acs",
        "roles": {"r": {"trust": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::1:root"]}}]}}},
        "users": {"u": {}}
    }));
    let d = decide(
        &no_identity,
        json!({"principal": "user/u", "action": "sts:AssumeRole", "resource": "acs:ram::1:role/r"}),
    );
    assert_eq!(d.reason, Reason::ImplicitDeny);
    // AWS: a trust policy naming the caller in the same account is enough.
    let aws = store(json!({
        "account": "111122223333", "partition": "aws",
        "roles": {"r": {"trust": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::111122223333:user/u"}}]}}},
        "users": {"u": {}}
    }));
    let d = decide(
        &aws,
        json!({"principal": "user/u", "action": "sts:AssumeRole", "resource": "arn:aws:iam::111122223333:role/r"}),
    );
    assert!(d.allowed());
}

#[test]
fn sessions_expire_after_max_session_seconds() {
    let s = store(json!({
        "account": "1", "partition": "acs",
        "policies": {"P": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}},
        "roles": {"r": {"policies": ["P"], "maxSessionSeconds": 3600}}
    }));
    let at = |now: &str| {
        decide(
            &s,
            json!({"principal": "role/r", "session": {"name": "s", "issuedAt": "2026-11-23T10:00:00Z"},
            "action": "ecs:StartInstance", "resource": "*", "context": {"acs:CurrentTime": now}}),
        )
    };
    assert!(at("2026-11-23T10:59:59Z").allowed());
    let late = at("2026-11-23T11:00:00Z");
    assert_eq!(late.reason, Reason::ImplicitDeny);
}

#[test]
fn resource_tags_and_accounts_come_from_the_store() {
    let s = store(json!({
        "account": "1", "partition": "acs",
        "policies": {"Team": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*",
            "Condition": {"StringEquals": {"acs:ResourceTag/team": "${acs:PrincipalTag/team}"}}}]}},
        "users": {"u": {"policies": ["Team"], "tags": {"team": "blue"}}},
        "resources": {"acs:ecs:*:*:instance/blue-*": {"tags": {"team": "blue"}}}
    }));
    // RAM does not substitute variables, so the literal text never equals `blue`.
    assert!(!decide(&s, json!({"principal": "user/u", "action": "ecs:StopInstance", "resource": "acs:ecs:cn-hangzhou:1:instance/blue-1"})).allowed());
    let s = store(json!({
        "account": "1", "partition": "acs",
        "policies": {"Team": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*",
            "Condition": {"StringEquals": {"acs:ResourceTag/team": "blue"}}}]}},
        "users": {"u": {"policies": ["Team"]}},
        "resources": {"acs:ecs:*:*:instance/blue-*": {"tags": {"team": "blue"}}}
    }));
    assert!(decide(&s, json!({"principal": "user/u", "action": "ecs:StopInstance", "resource": "acs:ecs:cn-hangzhou:1:instance/blue-1"})).allowed());
    assert!(!decide(
        &s,
        json!({"principal": "user/u", "action": "ecs:StopInstance", "resource": "acs:ecs:cn-hangzhou:1:instance/red-1"})
    )
    .allowed());
}

/// Store resources are found by the service of the request's ARN, and those
/// keyed without a literal service (`*`, `acs:*:...`) for every resource;
/// each once. A resource that is not an ARN was once looked up under the
/// unscoped patterns twice, so their statements were listed twice.
#[test]
fn store_resources_are_found_once_by_service() {
    let reader = |effect: &str| json!({"Version": "1", "Statement": [{"Effect": effect, "Principal": {"RAM": ["*"]}, "Action": "oss:GetObject", "Resource": "*"}]});
    let s = store(json!({
        "account": "1", "partition": "acs",
        "users": {"u": {}},
        "resources": {
            "*": {"policy": reader("Allow")},
            "acs:OSS:*:*:bucket/*": {"policy": reader("Allow")},
            "acs:*:*:*:logs/*": {"policy": reader("Allow")},
            "acs:ecs:*:*:instance/*": {"policy": reader("Deny")}
        }
    }));
    let via = |resource: &str| -> Vec<String> {
        let d = explain(&s, json!({"principal": "user/u", "action": "oss:GetObject", "resource": resource}));
        d["matched"].as_array().unwrap().iter().map(|m| m["via"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(via("*"), ["resource/*"]);
    assert_eq!(via("my-bucket"), ["resource/*"]);
    // Another case of the service, and a service no statement names.
    assert_eq!(via("acs:oss:cn-hangzhou:1:bucket/a"), ["resource/acs:OSS:*:*:bucket/*", "resource/*"]);
    assert_eq!(via("acs:Oss:cn-hangzhou:1:bucket/a"), ["resource/acs:OSS:*:*:bucket/*", "resource/*"]);
    assert_eq!(via("acs:sls:cn-hangzhou:1:logs/a"), ["resource/*", "resource/acs:*:*:*:logs/*"]);
    // The action's service differs from the resource's: the ecs resource's Deny still applies.
    let d = explain(
        &s,
        json!({"principal": "user/u", "action": "oss:GetObject", "resource": "acs:ecs:cn-hangzhou:1:instance/i"}),
    );
    assert_eq!(d["reason"], "ExplicitDeny");
    assert_eq!(d["matched"].as_array().unwrap().len(), 1);
}

/// A boundary that is both the user's own and an assigned role's is scanned
/// once: its Deny was once listed twice in `matched` and the summary. An
/// assigned role's boundary is shown with the assignment's path (it once
/// showed the user's).
#[test]
fn a_shared_boundary_is_listed_once() {
    let s = store(json!({
        "account": "1", "partition": "acs",
        "policies": {
            "All": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            "B": {"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "oss:DeleteBucket", "Resource": "*"}
            ]},
            "C": {"Version": "1", "Statement": [
                {"Effect": "Allow", "Action": "oss:Get*", "Resource": "*"},
                {"Effect": "Deny", "Action": "oss:PutBucketAcl", "Resource": "*"}
            ]}
        },
        "roles": {"Admin": {"policies": ["All"], "boundary": "B"}, "Reader": {"policies": ["All"], "boundary": "C"}},
        "users": {"u": {"policies": ["All"], "boundary": "B", "roles": ["Admin", "Reader"]}}
    }));
    let d = explain(&s, json!({"principal": "user/u", "action": "oss:DeleteBucket", "resource": "*"}));
    assert_eq!(d["reason"], "ExplicitDeny");
    assert_eq!(d["matched"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["summary"], "denied by boundary B (statement 1)");
    // The other role's boundary still caps what comes through that role.
    let d = explain(&s, json!({"principal": "user/u", "action": "oss:PutObject", "resource": "*"}));
    assert_eq!(d["reason"], "Allowed", "{d}");
    let kinds: Vec<&str> = d["matched"].as_array().unwrap().iter().map(|m| m["via"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["user/u", "role/Admin"], "{d}");
    // An assigned role's boundary is explained by the assignment that brings it.
    let d = explain(&s, json!({"principal": "user/u", "action": "oss:PutBucketAcl", "resource": "*"}));
    assert_eq!(d["reason"], "ExplicitDeny");
    assert_eq!(d["matched"][0]["via"], "role/Reader", "{d}");
    assert_eq!(d["matched"][0]["kind"], "boundary", "{d}");
}

/// A name repeated in a list of policies, groups or guardrails is a warning
/// and attaches once: its statements were once listed once per repeat.
#[test]
fn repeated_names_in_lists_attach_once() {
    let text = json!({
        "account": "1", "partition": "acs",
        "policies": {
            "P": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:*", "Resource": "*"}]},
            "G": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        },
        "roles": {"R": {"policies": ["P"]}},
        "groups": {"g": {"policies": ["P", "P"], "roles": ["R", "R"]}},
        "guardrails": ["G", "G"],
        "users": {"u": {"policies": ["P", "P"], "groups": ["g", "g"], "roles": [
            "R", {"role": "R", "notAfter": "2030-01-01T00:00:00Z"}, {"role": "R", "notAfter": "2030-01-01T00:00:00Z"}
        ]}}
    })
    .to_string();
    let s = Store::from_json_str(&text).unwrap();
    let repeats: Vec<&str> =
        s.warnings().iter().filter(|d| d.code == "duplicate-name").map(|d| d.path.as_str()).collect();
    assert_eq!(
        repeats,
        [
            "/groups/g/policies/1",
            "/groups/g/roles/1",
            "/guardrails/1",
            "/users/u/policies/1",
            "/users/u/groups/1",
            "/users/u/roles/2"
        ]
    );
    let d = explain(
        &s,
        json!({"principal": "user/u", "action": "oss:GetObject", "resource": "*", "context": {"acs:CurrentTime": "2026-01-01T00:00:00Z"}}),
    );
    let via: Vec<&str> = d["matched"].as_array().unwrap().iter().map(|m| m["via"].as_str().unwrap()).collect();
    // The role with and without a window are two assignments of it, explained once.
    assert_eq!(via, ["user/u", "role/R", "group/g", "group/g > role/R"], "{d}");
}

#[test]
fn unknown_and_external_principals_are_denied_with_a_note() {
    let s = governance();
    let d = explain(&s, json!({"principal": "user/nobody", "action": "ecs:DescribeInstances", "resource": "*"}));
    assert_eq!(d["reason"], "ImplicitDeny");
    assert_eq!(d["notes"][0], "principal user/nobody is not in the store; only resource policies can allow it");
    let d = explain(
        &s,
        json!({"principal": "acs:ram::999:user/x", "action": "ecs:DescribeInstances", "resource": "acs:ecs:cn-hangzhou:1234567890123456:instance/a"}),
    );
    assert_eq!(d["reason"], "ImplicitDeny");
    assert!(d["notes"].to_string().contains("cross-account"), "{d}");
}

#[test]
fn guardrails_are_one_level() {
    // With guardrails, one of them must allow; Deny in any is final.
    let s = store(json!({
        "account": "1", "partition": "acs",
        "policies": {
            "All": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            "OnlyEcs": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]},
            "NoOss": {"Version": "1", "Statement": [{"Effect": "Deny", "Action": "oss:*", "Resource": "*"}]}
        },
        "users": {"u": {"policies": ["All"]}},
        "guardrails": ["OnlyEcs", "NoOss"]
    }));
    let go = |action: &str| decide(&s, json!({"principal": "user/u", "action": action, "resource": "*"}));
    assert_eq!(go("ecs:StartInstance").reason, Reason::Allowed);
    assert_eq!(go("oss:GetObject").reason, Reason::ExplicitDeny);
    let rds = go("rds:DescribeDBInstances");
    assert_eq!(rds.reason, Reason::ImplicitDeny);
    assert_eq!(rds.missing, vec![portcullis_core::decision::Missing::Guardrail]);
}

#[test]
fn assigned_role_boundaries_cap_their_own_grants() {
    let s = store(json!({
        "account": "1", "partition": "acs",
        "policies": {
            "Admin": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            "EcsOnly": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]},
            "Oss": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:*", "Resource": "*"}]}
        },
        "roles": {"capped": {"policies": ["Admin"], "boundary": "EcsOnly"}},
        "users": {"u": {"policies": ["Oss"], "roles": ["capped"]}}
    }));
    let go = |action: &str| decide(&s, json!({"principal": "user/u", "action": action, "resource": "*"})).reason;
    assert_eq!(go("ecs:StartInstance"), Reason::Allowed);
    assert_eq!(go("oss:GetObject"), Reason::Allowed);
    assert_eq!(go("rds:DeleteDBInstance"), Reason::ImplicitDeny);
}

#[test]
fn the_direct_json_writer_matches_serde() {
    // The request path writes Decision JSON by hand; serde consumers get the
    // same text. Cover every kind of entry: workload decisions, notes, sessions.
    let workload = store(portcullis_workload::store(portcullis_workload::Size::Small));
    let mut cases: Vec<(&Store, Request)> = portcullis_workload::requests(portcullis_workload::Size::Small, 300)
        .into_iter()
        .map(|r| (&workload, request(r)))
        .collect();
    let gov = governance();
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/vectors/governance.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    for case in file["cases"].as_array().unwrap() {
        cases.push((&gov, request(case["request"].clone())));
    }
    cases.push((&gov, request(json!({"principal": "user/\"quoted\"\n", "action": "ecs:X", "resource": "*"}))));
    let mut kinds = std::collections::BTreeSet::new();
    let mut lists = std::collections::BTreeSet::new();
    for (s, r) in &cases {
        let d = s.evaluate(r, portcullis_core::Instant::parse("2026-11-23T12:00:00Z"));
        let explained = d.explain(s, r);
        let by_serde = serde_json::to_string(&explained).unwrap();
        assert_eq!(explained.to_json(), by_serde);
        kinds.insert(format!("{:?}/{}/{}", d.reason, d.matched.len().min(2), d.notes.len().min(1)));
        lists.insert((d.alerts.len().min(1), d.missing.len().min(2)));
    }
    assert!(kinds.len() >= 6, "too few kinds of decisions covered: {kinds:?}");
    // The lists of fixed words, empty, with one and with more.
    for shape in [(0, 0), (1, 0), (0, 1), (0, 2)] {
        assert!(lists.contains(&shape), "no decision with (alerts, missing) = {shape:?}: {lists:?}");
    }
}

#[test]
fn store_names_that_need_escaping_are_escaped_wherever_quoted() {
    // The Decision JSON writes store names unchecked when the store found
    // at load that none needs escaping; one such name anywhere must turn
    // that off. Each case puts it in one place an explanation quotes.
    let odd = "odd\"name\\with\u{1}";
    let places = ["none", "policy", "sid", "group", "role", "resource", "resource-sid", "trust-sid"];
    for place in places {
        let name = |here: &str, usual: &str| if place == here { format!("{usual}-{odd}") } else { usual.to_string() };
        let (policy, group, role) = (name("policy", "P"), name("group", "G"), name("role", "R"));
        let resource = name("resource", "acs:oss:*:1:bucket/key");
        let trusted = name("role", "T");
        let s = store(json!({
            "account": "1", "partition": "acs",
            "policies": {policy.clone(): {"Version": "1", "Statement": [
                {"Sid": name("sid", "Mine"), "Effect": "Allow", "Action": ["ecs:*", "sts:AssumeRole"], "Resource": "*"}]}},
            "groups": {group.clone(): {"roles": [role.clone()]}},
            "roles": {
                role.clone(): {"policies": [policy.clone()]},
                trusted.clone(): {"trust": {"Version": "1", "Statement": [{"Sid": name("trust-sid", "Trust"),
                    "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::1:user/u"]}}]}}
            },
            "users": {"u": {"groups": [group.clone()]}},
            "resources": {resource.clone(): {"policy": {"Version": "1", "Statement": [{"Sid": name("resource-sid", "Shared"),
                "Effect": "Allow", "Principal": {"RAM": ["*"]}, "Action": "oss:GetObject", "Resource": "*"}]}}}
        }));
        let role_arn = format!("acs:ram::1:role/{trusted}");
        let requests = [
            json!({"principal": "user/u", "action": "ecs:StartInstance", "resource": "*"}),
            json!({"principal": "user/u", "action": "oss:GetObject", "resource": resource}),
            json!({"principal": "user/u", "action": "sts:AssumeRole", "resource": role_arn}),
        ];
        let mut quoted = false;
        for r in requests {
            let r = request(r);
            let d = s.evaluate(&r, None);
            assert_eq!(d.reason, Reason::Allowed, "{place}: {:?}", r.action());
            let explained = d.explain(&s, &r);
            let written = explained.to_json();
            assert_eq!(written, serde_json::to_string(&explained).unwrap(), "{place}");
            let parsed: Value = serde_json::from_str(&written).unwrap();
            quoted |= parsed.to_string().contains(odd) || written.contains("odd\\\"name\\\\with\\u0001");
        }
        assert_eq!(quoted, place != "none", "{place}: the odd name was not quoted in any decision");
    }
}

#[test]
fn a_backslash_in_a_resource_key_pattern_is_literal() {
    // Wildcards in a pattern key are wildcards; a backslash is just a byte
    // (policy text has no escapes), in store keys as in policy Resources.
    let allow_all = json!({"Version": "1", "Statement": [{"Effect": "Allow", "Principal": {"RAM": ["*"]}, "Action": "oss:GetObject", "Resource": "*"}]});
    let s = store(json!({
        "account": "1", "partition": "acs",
        "users": {"u": {}},
        "resources": {"acs:oss:*:1:bucket/a\\b*": {"policy": allow_all}}
    }));
    let go = |resource: &str| {
        decide(&s, json!({"principal": "user/u", "action": "oss:GetObject", "resource": resource})).reason
    };
    assert_eq!(go("acs:oss:cn-hangzhou:1:bucket/a\\bc"), Reason::Allowed);
    assert_eq!(go("acs:oss:cn-hangzhou:1:bucket/a\\b"), Reason::Allowed);
    assert_eq!(go("acs:oss:cn-hangzhou:1:bucket/abc"), Reason::ImplicitDeny);
    let p = aws_with(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a\\b*"}));
    let go = |resource: &str| {
        decide(&p, json!({"principal": "user/alice", "action": "s3:GetObject", "resource": resource})).reason
    };
    assert_eq!(go("arn:aws:s3:::b/a\\bc"), Reason::Allowed);
    assert_eq!(go("arn:aws:s3:::b/abc"), Reason::ImplicitDeny);
}
