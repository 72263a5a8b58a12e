//! One test per check of `check` (docs/checks.md): a document that triggers it
//! and one that does not, asserting the code, the class and the underlined
//! text (STYLE 8). Every quick fix a finding offers is applied and must give
//! JSON that no longer has that finding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use portcullis_core::api::{check, check_with, CheckOptions};
use portcullis_core::lint::CHECKS;
use portcullis_core::{Diagnostic, Instant, Severity};

/// An AWS policy around the given statements.
fn aws(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

/// A RAM policy around the given statements.
fn ram(statements: &str) -> String {
    format!(r#"{{"Version":"1","Statement":[{statements}]}}"#)
}

/// An Allow of `s3:GetObject` with the given Condition.
fn cond(condition: &str) -> String {
    aws(&format!(
        r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}"#
    ))
}

/// A Deny of `s3:GetObject` with the given Condition.
fn deny_cond(condition: &str) -> String {
    aws(&format!(
        r#"{{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}"#
    ))
}

const READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
const GUARD: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["cloudtrail:DeleteTrail","cloudtrail:StopLogging"],"Resource":"*"}]}"#;

/// A clean store with extra members for policies, roles, groups and users,
/// and extra top-level fields.
fn store(policies: &str, roles: &str, groups: &str, users: &str, rest: &str) -> String {
    format!(
        r#"{{"account":"111122223333","policies":{{"Read":{READ},"Guard":{GUARD}{policies}}},"roles":{{"Reader":{{"policies":["Read"]}}{roles}}},"groups":{{"readers":{{"roles":["Reader"]}}{groups}}},"users":{{"alice":{{"groups":["readers"]}}{users}}},"guardrails":["Guard"]{rest}}}"#
    )
}

fn clean_store() -> String {
    store("", "", "", "", "")
}

const OK: &str = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;

fn options(now: Option<&str>) -> CheckOptions {
    CheckOptions { now: now.map(|t| Instant::parse(t).expect("a valid time")) }
}

fn findings(text: &str, now: Option<&str>) -> Vec<Diagnostic> {
    check_with(text, &options(now)).diagnostics
}

fn snippet<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    text.get(d.span.start..d.span.end).unwrap_or_else(|| panic!("span of {} is not in the text", d.code))
}

fn describe(text: &str, all: &[Diagnostic]) -> String {
    all.iter()
        .map(|d| format!("\n  {} {} {:?} `{}`", d.severity.as_str(), d.code, d.message, snippet(text, d)))
        .collect()
}

/// STYLE 6: lowercase (acronyms aside), no final period, one line, no Rust
/// type names outside the quoted user input.
fn assert_style(d: &Diagnostic) {
    let m = &d.message;
    assert!(!m.ends_with('.'), "{}: message ends with a period: {m}", d.code);
    assert!(!m.contains('\n'), "{}: message has a line break: {m}", d.code);
    let first = m.split(' ').next().unwrap_or_default();
    let acronym = first.chars().all(|c| !c.is_ascii_lowercase());
    assert!(acronym || !m.starts_with(|c: char| c.is_ascii_uppercase()), "{}: message starts upper-case: {m}", d.code);
    let prose: String = m.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    for word in prose.split(|c: char| !c.is_ascii_alphanumeric() && c != '<') {
        assert!(
            !["Option", "Some", "None", "Vec", "String", "Json", "Diagnostic", "Policy", "Statement"].contains(&word),
            "{}: message names a Rust type: {m}",
            d.code
        );
    }
    assert!(d.help.as_ref().is_some_and(|h| !h.is_empty()), "{}: no help", d.code);
}

fn expect(code: &str, severity: Severity, bad: &str, at: &str, good: &str, now: Option<&str>) {
    let info = CHECKS.iter().find(|c| c.code == code).unwrap_or_else(|| panic!("`{code}` is not in the registry"));
    assert_eq!(info.severity, severity, "`{code}`: the registry says {:?}", info.severity);

    let all = findings(bad, now);
    let hits: Vec<&Diagnostic> = all.iter().filter(|d| d.code == code).collect();
    assert!(!hits.is_empty(), "`{code}` not reported for\n{bad}\nfound:{}", describe(bad, &all));
    let wanted = |d: &&&Diagnostic| match at.strip_suffix('…') {
        Some(prefix) => snippet(bad, d).starts_with(prefix),
        None => snippet(bad, d) == at,
    };
    let hit = hits.iter().find(wanted).unwrap_or_else(|| {
        panic!("`{code}` not reported at `{at}`; found:{}", describe(bad, &all));
    });
    assert_eq!(hit.severity, severity, "`{code}` reported as {:?}", hit.severity);
    assert!(hit.line > 0 && hit.column > 0, "`{code}` has no line/column");
    for d in &all {
        assert_style(d);
    }
    // Quick fixes give JSON that no longer has the finding there.
    for d in &hits {
        let Some(fix) = &d.fix else { continue };
        let mut fixed = String::from(bad);
        fixed.replace_range(fix.span.start..fix.span.end, &fix.replacement);
        let after = findings(&fixed, now);
        assert!(
            !after.iter().any(|e| e.code.starts_with("json-")),
            "`{code}` fix `{}` breaks the JSON:\n{fixed}",
            fix.title
        );
        assert!(
            after.iter().filter(|e| e.code == code).count() < hits.len(),
            "`{code}` fix `{}` does not remove the finding:\n{fixed}",
            fix.title
        );
    }

    let clean = findings(good, now);
    assert!(
        !clean.iter().any(|d| d.code == code),
        "`{code}` reported for the document that should not have it:\n{good}{}",
        describe(good, &clean)
    );
}

/// Generated inputs for the limits.
fn many(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(",")
}

macro_rules! checks {
    ($($name:ident: $code:literal $sev:ident { bad: $bad:expr, at: $at:expr, good: $good:expr $(, now: $now:expr)? $(,)? })*) => {
        /// Every code with a test below.
        const TESTED: &[&str] = &[$($code),*];
        $(
            #[test]
            fn $name() {
                #[allow(unused_mut, unused_assignments)]
                let mut now: Option<&str> = None;
                $(now = Some($now);)?
                let bad: String = String::from($bad);
                let good: String = String::from($good);
                expect($code, Severity::$sev, &bad, $at, &good, now);
            }
        )*
    };
}

checks! {
    // ---- JSON ----
    json_syntax: "json-syntax" Error { bad: r#"{"Version":"2012-10-17","Statement":[}"#, at: "}", good: aws(OK) }
    json_duplicate_key: "json-duplicate-key" Error {
        bad: r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}"#, at: "\"Version\"", good: aws(OK) }
    limit_json_depth: "limit-json-depth" Error {
        bad: format!(r#"{{"Version":"2012-10-17","Statement":{}{}}}"#, "[".repeat(70), "]".repeat(70)), at: "[…", good: aws(OK) }
    limit_input_size: "limit-input-size" Error {
        bad: format!(r#"{{"Version":"2012-10-17","Id":"{}","Statement":[]}}"#, "x".repeat(17 * 1024 * 1024)), at: "", good: aws(OK) }
    // ---- policy grammar ----
    invalid_policy: "invalid-policy" Error {
        bad: store(r#","Broken":[]"#, "", "", "", ""), at: "[]", good: clean_store() }
    invalid_version: "invalid-version" Error {
        bad: r#"{"Version":"2012-10-18","Statement":[]}"#, at: "\"2012-10-18\"", good: aws(OK) }
    invalid_type: "invalid-type" Error {
        bad: aws(r#"{"Sid":5,"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#), at: "5", good: aws(OK) }
    missing_statement: "missing-statement" Error { bad: r#"{"Version":"2012-10-17"}"#, at: "{", good: aws(OK) }
    unknown_element: "unknown-element" Error {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condtion":{}}"#), at: "\"Condtion\"", good: aws(OK) }
    missing_effect: "missing-effect" Error {
        bad: aws(r#"{"Action":"s3:GetObject","Resource":"*"}"#), at: "{", good: aws(OK) }
    invalid_effect: "invalid-effect" Error {
        bad: aws(r#"{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}"#), at: "\"allow\"", good: aws(OK) }
    missing_action: "missing-action" Error { bad: aws(r#"{"Effect":"Allow","Resource":"*"}"#), at: "{", good: aws(OK) }
    missing_resource: "missing-resource" Error {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject"}"#), at: "{", good: aws(OK) }
    conflicting_elements: "conflicting-elements" Error {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}"#),
        at: "\"NotAction\"", good: aws(OK) }
    resource_in_trust_policy: "resource-in-trust-policy" Error {
        bad: store("", r#","Assumed":{"trust":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Resource":"*"}]}}"#, "", "", ""),
        at: "\"Resource\"",
        good: store("", r#","Assumed":{"trust":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}}"#, "", "", "") }
    missing_principal: "missing-principal" Error {
        bad: store("", "", "", "", r#","resources":{"arn:aws:s3:::b":{"policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}}"#),
        at: "{",
        good: store("", "", "", "", r#","resources":{"arn:aws:s3:::b":{"policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]}}}"#) }
    principal_not_allowed: "principal-not-allowed" Error {
        bad: store(r#","Named":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#, "", "", "", ""),
        at: "\"Principal\"", good: clean_store() }
    not_principal_with_allow: "not-principal-with-allow" Error {
        bad: aws(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}"#),
        at: "\"NotPrincipal\"",
        good: aws(r#"{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}"#) }
    invalid_principal: "invalid-principal" Error {
        bad: aws(r#"{"Effect":"Allow","Principal":{"Bogus":"x"},"Action":"s3:GetObject","Resource":"*"}"#), at: "\"Bogus\"",
        good: aws(r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}"#) }
    invalid_action: "invalid-action" Error {
        bad: aws(r#"{"Effect":"Allow","Action":"s3*:GetObject","Resource":"*"}"#), at: "\"s3*:GetObject\"",
        good: ram(r#"{"Effect":"Allow","Action":"oss*:GetObject","Resource":"*"}"#) }
    invalid_arn: "invalid-arn" Error {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket"}"#), at: "\"bucket\"", good: aws(OK) }
    invalid_variable: "invalid-variable" Error {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"}"#),
        at: "\"arn:aws:s3:::b/${aws:username\"",
        good: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}"#) }
    invalid_condition: "invalid-condition" Error { bad: cond("[]"), at: "[]", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    unknown_operator: "unknown-operator" Error {
        bad: cond(r#"{"StringEqual":{"aws:username":"a"}}"#), at: "\"StringEqual\"", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    operator_not_in_dialect: "operator-not-in-dialect" Error {
        bad: ram(r#"{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/*","Condition":{"Null":{"acs:SourceIp":"true"}}}"#),
        at: "\"Null\"",
        good: ram(r#"{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/*","Condition":{"IpAddress":{"acs:SourceIp":"203.0.113.0/24"}}}"#) }
    duplicate_condition_key: "duplicate-condition-key" Error {
        bad: cond(r#"{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}"#), at: "\"AWS:UserName\"",
        good: cond(r#"{"StringEquals":{"aws:username":["a","b"]}}"#) }
    invalid_condition_key: "invalid-condition-key" Error {
        bad: cond(r#"{"StringEquals":{"aws user":"a"}}"#), at: "\"aws user\"", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    invalid_condition_value: "invalid-condition-value" Error {
        bad: cond(r#"{"StringEquals":{"aws:username":{"a":1}}}"#), at: r#"{"a":1}"#, good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    invalid_number: "invalid-number" Error {
        bad: cond(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"soon"}}"#), at: "\"soon\"",
        good: cond(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}"#) }
    invalid_date: "invalid-date" Error {
        bad: cond(r#"{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}"#), at: "\"tomorrow\"",
        good: cond(r#"{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#) }
    invalid_bool: "invalid-bool" Error {
        bad: deny_cond(r#"{"Bool":{"aws:SecureTransport":"maybe"}}"#), at: "\"maybe\"",
        good: deny_cond(r#"{"Bool":{"aws:SecureTransport":"false"}}"#) }
    invalid_base64: "invalid-base64" Error {
        bad: cond(r#"{"BinaryEquals":{"s3:x-amz-key":"!!"}}"#), at: "\"!!\"", good: cond(r#"{"BinaryEquals":{"s3:x-amz-key":"QUJD"}}"#) }
    invalid_cidr: "invalid-cidr" Error {
        bad: cond(r#"{"IpAddress":{"aws:SourceIp":"300.1.1.1"}}"#), at: "\"300.1.1.1\"",
        good: cond(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#) }
    invalid_null_value: "invalid-null-value" Error {
        bad: cond(r#"{"Null":{"aws:username":"maybe"}}"#), at: "\"maybe\"", good: cond(r#"{"Null":{"aws:username":"false"}}"#) }
    null_with_if_exists: "null-with-if-exists" Warning {
        bad: cond(r#"{"NullIfExists":{"aws:username":"false"}}"#), at: "\"NullIfExists\"", good: cond(r#"{"Null":{"aws:username":"false"}}"#) }
    limit_statements: "limit-statements" Error { bad: aws(&many(1001, |_| String::from(OK))), at: "[…", good: aws(OK) }
    limit_list_entries: "limit-list-entries" Error {
        bad: aws(&format!(r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#, many(5001, |i| format!("\"s3:A{i}\"")))),
        at: "[…", good: aws(OK) }
    limit_pattern_length: "limit-pattern-length" Error {
        bad: aws(&format!(r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}"#, "x".repeat(2100))),
        at: "\"arn:aws:s3:::xxx…", good: aws(OK) }
    limit_condition_operators: "limit-condition-operators" Error {
        bad: cond(&format!("{{{}}}", many(65, |i| {
            let ops = portcullis_core::condition::BASE_OPERATORS;
            let base = ops[i % ops.len()].name();
            let prefix = ["", "ForAnyValue:", "ForAllValues:"][i / ops.len()];
            format!(r#""{prefix}{base}":{{"k:k":"1"}}"#)
        }))),
        at: "{…", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    limit_condition_keys: "limit-condition-keys" Error {
        bad: cond(&format!(r#"{{"StringEquals":{{{}}}}}"#, many(65, |i| format!(r#""k:k{i}":"v""#)))),
        at: "{…", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    limit_condition_values: "limit-condition-values" Error {
        bad: cond(&format!(r#"{{"StringEquals":{{"aws:username":[{}]}}}}"#, many(1001, |i| format!("\"u{i}\"")))),
        at: "[…", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    // ---- store ----
    missing_account: "missing-account" Error { bad: r#"{"policies":{},"guardrails":[]}"#, at: "{", good: clean_store() }
    invalid_account: "invalid-account" Error { bad: r#"{"account":"1:2"}"#, at: "\"1:2\"", good: clean_store() }
    invalid_partition: "invalid-partition" Error { bad: r#"{"account":"1","partition":"gcp"}"#, at: "\"gcp\"", good: clean_store() }
    invalid_name: "invalid-name" Error { bad: store(&format!(r#","":{READ}"#), "", "", "", ""), at: "\"\"", good: clean_store() }
    unknown_reference: "unknown-reference" Error {
        bad: store("", "", "", r#","bob":{"policies":["Nope"]}"#, ""), at: "\"Nope\"", good: clean_store() }
    duplicate_tag: "duplicate-tag" Error {
        bad: store("", "", "", r#","bob":{"groups":["readers"],"tags":{"team":"a","Team":"b"}}"#, ""), at: "\"Team\"",
        good: store("", "", "", r#","bob":{"groups":["readers"],"tags":{"team":"a"}}"#, "") }
    duplicate_name: "duplicate-name" Warning {
        bad: store("", "", "", r#","bob":{"groups":["readers","readers"]}"#, ""), at: "\"readers\"",
        good: store("", "", "", r#","bob":{"groups":["readers"]}"#, "") }
    missing_role: "missing-role" Error {
        bad: store("", "", "", r#","bob":{"roles":[{"notAfter":"2026-01-01T00:00:00Z","reason":"x"}]}"#, ""), at: "{", good: clean_store() }
    empty_window: "empty-window" Error {
        bad: store("", "", "", r#","bob":{"roles":[{"role":"Reader","notBefore":"2026-02-01T00:00:00Z","notAfter":"2026-01-01T00:00:00Z","reason":"x"}]}"#, ""),
        at: "\"2026-01-01T00:00:00Z\"",
        good: store("", "", "", r#","bob":{"roles":[{"role":"Reader","notBefore":"2026-01-01T00:00:00Z","notAfter":"2026-02-01T00:00:00Z","reason":"x"}]}"#, "") }
    invalid_session_duration: "invalid-session-duration" Error {
        bad: store("", r#","Short":{"policies":["Read"],"maxSessionSeconds":0}"#, r#","short":{"roles":["Short"]}"#, r#","bob":{"groups":["short"]}"#, ""),
        at: "0",
        good: store("", r#","Short":{"policies":["Read"],"maxSessionSeconds":900}"#, r#","short":{"roles":["Short"]}"#, r#","bob":{"groups":["short"]}"#, "") }
    duplicate_arn: "duplicate-arn" Error {
        bad: store("", "", "", r#","bob":{"groups":["readers"],"arn":"arn:aws:iam::111122223333:user/alice"}"#, ""), at: "\"bob\"",
        good: store("", "", "", r#","bob":{"groups":["readers"],"arn":"arn:aws:iam::111122223333:user/bob"}"#, "") }
    limit_policies: "limit-policies" Error {
        bad: format!(r#"{{"account":"1","policies":{{{}}}}}"#, many(20_001, |i| format!(r#""p{i}":{{}}"#))), at: "{…", good: clean_store() }
    limit_roles: "limit-roles" Error {
        bad: format!(r#"{{"account":"1","roles":{{{}}}}}"#, many(20_001, |i| format!(r#""r{i}":{{}}"#))), at: "{…", good: clean_store() }
    limit_groups: "limit-groups" Error {
        bad: format!(r#"{{"account":"1","groups":{{{}}}}}"#, many(20_001, |i| format!(r#""g{i}":{{}}"#))), at: "{…", good: clean_store() }
    limit_users: "limit-users" Error {
        bad: format!(r#"{{"account":"1","users":{{{}}}}}"#, many(100_001, |i| format!(r#""u{i}":{{}}"#))), at: "{…", good: clean_store() }
    // ---- security warnings ----
    allow_all: "allow-all" Security {
        bad: aws(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#), at: "\"*\"",
        good: aws(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#) }
    admin_without_mfa: "admin-without-mfa" Security {
        bad: aws(r#"{"Effect":"Allow","Action":"iam:*","Resource":"*"}"#), at: "\"iam:*\"",
        good: aws(r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#) }
    allow_not_action: "allow-not-action" Security {
        bad: aws(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#), at: "\"NotAction\"",
        good: aws(r#"{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}"#) }
    allow_not_resource: "allow-not-resource" Security {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#), at: "\"NotResource\"",
        good: aws(r#"{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::public/*"}"#) }
    privilege_escalation: "privilege-escalation" Security {
        bad: aws(r#"{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*"}"#), at: "\"iam:AttachUserPolicy\"",
        good: aws(r#"{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"arn:aws:iam::111122223333:user/intern"}"#) }
    pass_role_on_all: "pass-role-on-all" Security {
        bad: aws(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#), at: "\"iam:PassRole\"",
        good: aws(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#) }
    audit_log_deletion: "audit-log-deletion" Security {
        bad: aws(r#"{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:Delete*"],"Resource":"*"}"#), at: "\"cloudtrail:Delete*\"",
        good: aws(r#"{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:LookupEvents"],"Resource":"*"}"#) }
    public_principal: "public-principal" Security {
        bad: aws(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#), at: "\"*\"",
        good: aws(r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}"#) }
    service_principal_without_source: "service-principal-without-source" Security {
        bad: aws(r#"{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}"#),
        at: "\"sns.amazonaws.com\"",
        good: aws(r#"{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#) }
    oidc_trust_without_subject: "oidc-trust-without-subject" Security {
        bad: aws(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}"#),
        at: "\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"",
        good: aws(r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}"#) }
    for_all_values_single_valued_key: "for-all-values-single-valued-key" Security {
        bad: cond(r#"{"ForAllValues:StringEquals":{"aws:username":"a"}}"#), at: "\"aws:username\"",
        good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    for_all_values_without_null: "for-all-values-without-null" Security {
        bad: cond(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}"#), at: "\"aws:TagKeys\"",
        good: cond(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]},"Null":{"aws:TagKeys":"false"}}"#) }
    break_glass_without_mfa: "break-glass-without-mfa" Security {
        bad: store(r#","Admin":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, r#","Glass":{"policies":["Admin"],"breakGlass":true}"#, "", r#","erin":{"roles":["Glass"]}"#, ""),
        at: "true",
        good: store(r#","Admin":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#, r#","Glass":{"policies":["Admin"],"breakGlass":true}"#, "", r#","erin":{"roles":["Glass"]}"#, "") }
    // ---- warnings ----
    unknown_service: "unknown-service" Warning {
        bad: aws(r#"{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}"#), at: "\"s4:GetObject\"", good: aws(OK) }
    unknown_action: "unknown-action" Warning {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}"#), at: "\"s3:GetObjects\"", good: aws(OK) }
    not_resource_in_ram: "not-resource-in-ram" Warning {
        bad: ram(r#"{"Effect":"Deny","Action":"oss:*","NotResource":"acs:oss:*:*:public/*"}"#), at: "\"NotResource\"",
        good: ram(r#"{"Effect":"Deny","Action":"oss:*","Resource":"acs:oss:*:*:secret/*"}"#) }
    shadowed_by_deny: "shadowed-by-deny" Warning {
        bad: aws(r#"{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}"#),
        at: "\"Read\"",
        good: aws(r#"{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#) }
    unreachable_statement: "unreachable-statement" Warning {
        bad: cond(r#"{"Null":{"aws:PrincipalTag/team":"true"},"StringEquals":{"aws:PrincipalTag/team":"dev"}}"#), at: "\"aws:PrincipalTag/team\"",
        good: cond(r#"{"Null":{"aws:PrincipalTag/team":"false"},"StringEquals":{"aws:PrincipalTag/team":"dev"}}"#) }
    empty_array: "empty-array" Warning {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}"#), at: "[]", good: aws(OK) }
    duplicate_sid: "duplicate-sid" Warning {
        bad: aws(r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}"#),
        at: "\"A\"",
        good: aws(r#"{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}"#) }
    missing_version: "missing-version" Warning { bad: format!(r#"{{"Statement":[{OK}]}}"#), at: "{", good: aws(OK) }
    outdated_version: "outdated-version" Warning {
        bad: format!(r#"{{"Version":"2008-10-17","Statement":[{OK}]}}"#), at: "\"2008-10-17\"", good: aws(OK) }
    variables_not_substituted: "variables-not-substituted" Warning {
        bad: r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#,
        at: "\"arn:aws:s3:::b/${aws:username}/*\"",
        good: aws(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#) }
    variable_not_allowed_here: "variable-not-allowed-here" Warning {
        bad: aws(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/${aws:username}"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#),
        at: "\"arn:aws:iam::111122223333:user/${aws:username}\"",
        good: aws(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#) }
    wildcard_without_like: "wildcard-without-like" Warning {
        bad: cond(r#"{"StringEquals":{"aws:PrincipalTag/team":"dev*"}}"#), at: "\"dev*\"",
        good: cond(r#"{"StringLike":{"aws:PrincipalTag/team":"dev*"}}"#) }
    missing_set_operator: "missing-set-operator" Warning {
        bad: deny_cond(r#"{"StringEquals":{"aws:TagKeys":"secret"}}"#), at: "\"aws:TagKeys\"",
        good: deny_cond(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"secret"}}"#) }
    negated_if_exists_in_deny: "negated-if-exists-in-deny" Warning {
        bad: deny_cond(r#"{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"admin"}}"#), at: "\"StringNotEqualsIfExists\"",
        good: deny_cond(r#"{"StringNotEquals":{"aws:PrincipalTag/team":"admin"}}"#) }
    negated_operator_in_allow: "negated-operator-in-allow" Warning {
        bad: cond(r#"{"StringNotEquals":{"aws:PrincipalTag/team":"intern"}}"#), at: "\"aws:PrincipalTag/team\"",
        good: cond(r#"{"StringNotEquals":{"aws:PrincipalTag/team":"intern"},"Null":{"aws:PrincipalTag/team":"false"}}"#) }
    for_any_value_negated: "for-any-value-negated" Warning {
        bad: deny_cond(r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"secret"}}"#), at: "\"aws:TagKeys\"",
        good: deny_cond(r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":"secret"}}"#) }
    arn_wildcard_in_resource_type: "arn-wildcard-in-resource-type" Warning {
        bad: aws(r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:u*/bob"}"#),
        at: "\"arn:aws:iam::111122223333:u*/bob\"",
        good: aws(r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/b*"}"#) }
    arn_dialect_mismatch: "arn-dialect-mismatch" Warning {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"acs:oss:*:*:b/*"}"#), at: "\"acs:oss:*:*:b/*\"", good: aws(OK) }
    invalid_arn_part: "invalid-arn-part" Warning {
        bad: aws(r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:US-EAST-1:111122223333:instance/*"}"#),
        at: "\"arn:aws:ec2:US-EAST-1:111122223333:instance/*\"",
        good: aws(r#"{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:us-east-1:111122223333:instance/*"}"#) }
    unused_role: "unused-role" Warning {
        bad: store("", r#","Orphan":{"policies":["Read"]}"#, "", "", ""), at: "\"Orphan\"", good: clean_store() }
    expired_assignment: "expired-assignment" Warning {
        bad: store("", "", "", r#","bob":{"roles":[{"role":"Reader","notAfter":"2026-01-01T00:00:00Z","reason":"INC-1"}]}"#, ""),
        at: "\"2026-01-01T00:00:00Z\"",
        good: store("", "", "", r#","bob":{"roles":[{"role":"Reader","notAfter":"2026-12-01T00:00:00Z","reason":"INC-1"}]}"#, ""),
        now: "2026-06-01T00:00:00Z" }
    user_direct_policy: "user-direct-policy" Warning {
        bad: store("", "", "", r#","bob":{"groups":["readers"],"policies":["Read"]}"#, ""), at: "\"policies\"", good: clean_store() }
    no_guardrails: "no-guardrails" Warning {
        bad: format!(r#"{{"account":"111122223333","policies":{{"Read":{READ}}},"users":{{"alice":{{"policies":[]}}}}}}"#), at: "{",
        good: clean_store() }
    audit_logs_unprotected: "audit-logs-unprotected" Warning {
        bad: r#"{"account":"111122223333","policies":{"G":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}},"guardrails":["G"]}"#,
        at: "[\"G\"]", good: clean_store() }
    unknown_principal: "unknown-principal" Warning {
        bad: store("", r#","Assumed":{"trust":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alicia"},"Action":"sts:AssumeRole"}]}}"#, "", "", ""),
        at: "\"arn:aws:iam::111122223333:user/alicia\"",
        good: store("", r#","Assumed":{"trust":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}]}}"#, "", "", "") }
    // ---- suggestions ----
    service_wildcard: "service-wildcard" Suggestion {
        bad: ram(r#"{"Effect":"Allow","Action":"*:DescribeTags","Resource":"*"}"#), at: "\"*:DescribeTags\"",
        good: ram(r#"{"Effect":"Allow","Action":"ecs:DescribeTags","Resource":"*"}"#) }
    redundant_action: "redundant-action" Suggestion {
        bad: aws(r#"{"Effect":"Allow","Action":["s3:*","s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}"#), at: "\"s3:GetObject\"",
        good: aws(r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}"#) }
    redundant_resource: "redundant-resource" Suggestion {
        bad: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/docs/*","arn:aws:s3:::b/*"]}"#),
        at: "\"arn:aws:s3:::b/docs/*\"",
        good: aws(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/docs/*","arn:aws:s3:::c/*"]}"#) }
    redundant_statement: "redundant-statement" Suggestion {
        bad: aws(r#"{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#),
        at: "\"B\"",
        good: aws(r#"{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#) }
    empty_object: "empty-object" Suggestion { bad: cond("{}"), at: "{}", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    empty_sid: "empty-sid" Suggestion {
        bad: aws(r#"{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#), at: "\"\"",
        good: aws(r#"{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#) }
    sid_not_alphanumeric: "sid-not-alphanumeric" Suggestion {
        bad: aws(r#"{"Sid":"read-only","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#), at: "\"read-only\"",
        good: ram(r#"{"Sid":"read only","Effect":"Allow","Action":"oss:GetObject","Resource":"*"}"#) }
    id_in_identity_policy: "id-in-identity-policy" Suggestion {
        bad: format!(r#"{{"Version":"2012-10-17","Id":"x","Statement":[{OK}]}}"#), at: "\"Id\"",
        good: format!(r#"{{"Version":"2012-10-17","Id":"x","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-1"}}}}}}]}}"#) }
    operator_case: "operator-case" Suggestion {
        bad: cond(r#"{"stringequals":{"aws:username":"a"}}"#), at: "\"stringequals\"", good: cond(r#"{"StringEquals":{"aws:username":"a"}}"#) }
    string_operator_on_arn_key: "string-operator-on-arn-key" Suggestion {
        bad: cond(r#"{"StringLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}"#), at: "\"aws:SourceArn\"",
        good: cond(r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}"#) }
    for_any_value_single_valued_key: "for-any-value-single-valued-key" Suggestion {
        bad: cond(r#"{"ForAnyValue:StringEquals":{"aws:username":"a"}}"#), at: "\"aws:username\"",
        good: cond(r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"cloudformation.amazonaws.com"}}"#) }
    null_with_set_operator: "null-with-set-operator" Suggestion {
        bad: cond(r#"{"ForAllValues:Null":{"aws:TagKeys":"false"}}"#), at: "\"ForAllValues:Null\"", good: cond(r#"{"Null":{"aws:TagKeys":"false"}}"#) }
    cidr_host_bits: "cidr-host-bits" Suggestion {
        bad: cond(r#"{"IpAddress":{"aws:SourceIp":["203.0.113.9/24","2001:db8::1/32"]}}"#), at: "\"203.0.113.9/24\"",
        good: cond(r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#) }
    private_ip_in_source_ip: "private-ip-in-source-ip" Suggestion {
        bad: cond(r#"{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}"#), at: "\"10.1.0.0/16\"",
        good: cond(r#"{"IpAddress":{"aws:VpcSourceIp":"10.1.0.0/16"}}"#) }
    unused_policy: "unused-policy" Suggestion { bad: store(&format!(r#","Spare":{READ}"#), "", "", "", ""), at: "\"Spare\"", good: clean_store() }
    unused_group: "unused-group" Suggestion {
        bad: store("", "", r#","empty":{"roles":["Reader"]}"#, "", ""), at: "\"empty\"", good: clean_store() }
    assignment_without_reason: "assignment-without-reason" Suggestion {
        bad: store("", "", "", r#","bob":{"roles":[{"role":"Reader","notAfter":"2030-01-01T00:00:00Z"}]}"#, ""), at: "\"Reader\"",
        good: store("", "", "", r#","bob":{"roles":[{"role":"Reader","notAfter":"2030-01-01T00:00:00Z","reason":"INC-7"}]}"#, "") }
}

#[test]
fn every_check_has_a_test_and_every_test_a_check() {
    let untested: Vec<&str> = CHECKS.iter().map(|c| c.code).filter(|c| !TESTED.contains(c)).collect();
    assert!(untested.is_empty(), "checks without a test in core/tests/lints.rs: {untested:?}");
    for code in TESTED {
        assert!(CHECKS.iter().any(|c| c.code == *code), "`{code}` is tested but not in the registry");
    }
    let mut codes: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), CHECKS.len(), "a code is in the registry twice");
}

#[test]
fn the_clean_documents_have_no_findings_at_all() {
    for text in [aws(OK), clean_store()] {
        let all = findings(&text, Some("2026-06-01T00:00:00Z"));
        assert!(all.is_empty(), "{text}{}", describe(&text, &all));
    }
}

#[test]
fn keys_every_request_carries_are_never_absent() {
    let allow = cond(r#"{"StringNotEquals":{"aws:ResourceAccount":"444455556666"}}"#);
    let deny = deny_cond(r#"{"StringNotEqualsIfExists":{"aws:ResourceAccount":"111122223333"}}"#);
    for (text, code) in [(allow, "negated-operator-in-allow"), (deny, "negated-if-exists-in-deny")] {
        let all = findings(&text, None);
        assert!(!all.iter().any(|d| d.code == code), "{text}{}", describe(&text, &all));
    }
}

#[test]
fn pairwise_checks_are_bounded_on_hostile_input() {
    // 300 statements of 300 wildcard actions: comparing every pair would take
    // billions of steps; the budget skips the pairwise checks instead.
    let statement = |i: usize| {
        let actions = many(300, |j| format!("\"s3:A{i}x{j}*\""));
        format!(
            r#"{{"Effect":"Allow","Action":[{actions}],"Resource":["arn:aws:s3:::b{i}/*","arn:aws:s3:::b{i}/x/*"]}}"#
        )
    };
    let text = aws(&many(300, statement));
    let started = std::time::Instant::now();
    let all = findings(&text, None);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(20), "check took {took:?}");
    assert!(all.iter().all(|d| d.severity != Severity::Error), "{}", describe(&text, &all[..all.len().min(5)]));
}

#[test]
fn check_is_check_with_default_options() {
    let text =
        store("", "", "", r#","bob":{"roles":[{"role":"Reader","notAfter":"2026-01-01T00:00:00Z","reason":"x"}]}"#, "");
    assert_eq!(check(&text).diagnostics, check_with(&text, &CheckOptions::default()).diagnostics);
    // Without a time the expiry check is skipped.
    assert!(!check(&text).diagnostics.iter().any(|d| d.code == "expired-assignment"));
}

#[test]
fn spans_are_bytes_and_columns_are_characters() {
    // `é` is two bytes but one column (STYLE 7).
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Café\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\n\"Resource\":\"*\"},{\"Sid\":\"Café\",\"Effect\":\"Deny\",\"Action\":\"s4:PutObject\",\"Resource\":\"*\"}]}";
    let all = findings(text, None);
    let d = all.iter().find(|d| d.code == "unknown-service").expect("found");
    assert_eq!(snippet(text, d), "\"s4:PutObject\"");
    assert_eq!((d.line, d.column), (2, 56));
    let sid = all.iter().find(|d| d.code == "sid-not-alphanumeric").expect("found");
    assert_eq!(snippet(text, sid), "\"Café\"");
}

#[test]
fn fixes_say_what_they_write() {
    let text = aws(r#"{"Effect":"Allow","Action":["s3:GetObject","s4:PutObject"],"Resource":"*"}"#);
    let d = findings(&text, None).into_iter().find(|d| d.code == "unknown-service").expect("found");
    let fix = d.fix.expect("a fix");
    assert_eq!(fix.title, "write `s3:PutObject`");
    assert_eq!(fix.replacement, "\"s3:PutObject\"");
    assert_eq!(d.help.as_deref(), Some("did you mean `s3`? an unknown service matches no request"));

    let text = cond(r#"{"IpAddress":{"aws:SourceIp":"2001:db8::1/32"}}"#);
    let d = findings(&text, None).into_iter().find(|d| d.code == "cidr-host-bits").expect("found");
    assert_eq!(d.fix.expect("a fix").replacement, "\"2001:db8::/32\"");
}

#[test]
fn findings_serialize_with_the_documented_shape() {
    let text = cond(r#"{"StringEquals":{"aws:PrincipalTag/team":"dev*"}}"#);
    let answer = check(&text);
    let json = serde_json::to_value(&answer).expect("serializes");
    let d = json["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["code"] == "wildcard-without-like")
        .expect("found");
    for key in ["code", "severity", "message", "help", "path", "span", "line", "column", "fix"] {
        assert!(d.get(key).is_some(), "no `{key}` in {d}");
    }
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team");
    assert_eq!(d["fix"]["replacement"], "\"StringLike\"");
}

/// The findings of a text, one per line, for snapshots.
fn render(text: &str, all: &[Diagnostic]) -> String {
    all.iter()
        .map(|d| {
            format!(
                "{}:{} {} {} {} `{}`: {}\n",
                d.line,
                d.column,
                d.severity.as_str(),
                d.code,
                d.path,
                snippet(text, d),
                d.message
            )
        })
        .collect()
}

#[test]
fn governance_store_is_checked_quickly_without_errors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/vectors/governance.json");
    let suite: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("json");
    let text = serde_json::to_string_pretty(&suite["store"]).expect("serializes");
    let answer = check_with(&text, &options(Some("2026-11-24T00:00:00Z")));
    let errors: Vec<&Diagnostic> = answer.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{}", describe(&text, &answer.diagnostics));

    // Snapshot (STYLE 10); `UPDATE_SNAPSHOTS=1` rewrites it.
    let snapshot = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lints/governance.snap");
    let rendered = render(&text, &answer.diagnostics);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(snapshot, &rendered).expect("writable");
    } else {
        let expected = std::fs::read_to_string(snapshot).unwrap_or_default();
        assert_eq!(
            rendered, expected,
            "findings on the governance store changed; if that is intended run\n  UPDATE_SNAPSHOTS=1 cargo test -p portcullis-core --test lints governance"
        );
    }

    let runs = 50;
    let started = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(check(std::hint::black_box(&text)));
    }
    let each = started.elapsed() / runs;
    println!("check() on the governance store ({} bytes): {each:?} per call", text.len());
}
