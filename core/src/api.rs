//! The JSON contract both Wasm faces call: typed calls in, tagged answers out.
//!
//! Every answer is an object with `"type": "success"` or `"type": "failure"`;
//! failures carry `errors` (diagnostics), successes carry what was asked for.
//! A decision itself is the Decision JSON of DESIGN.md.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use crate::decision::Decision;
use crate::diag::{self, Diagnostic};
use crate::json::{self, JsonLimits};
use crate::limits;
use crate::lint;
pub use crate::lint::CheckOptions;
use crate::policy::{parse_policy, PolicyKind};
use crate::request::{Request, RequestInput};
use crate::store::Store;
use crate::testfile::{CaseResult, TestFile};
use crate::value::Instant;

/// A call that did not produce its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    #[serde(rename = "type")]
    pub tag: &'static str,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Failure {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Failure {
        let (errors, warnings) = diagnostics.into_iter().partition(Diagnostic::is_error);
        Failure { tag: "failure", errors, warnings }
    }

    pub fn to_json(&self) -> String {
        to_json(self)
    }

    /// The first error's message, for one-line reports.
    pub fn message(&self) -> String {
        self.errors.first().map(|d| d.message.clone()).unwrap_or_default()
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing our own types into a String cannot fail; fall back to a
    // fixed failure rather than panic if it ever did.
    serde_json::to_string(value).unwrap_or_else(|_| String::from(r#"{"type":"failure","errors":[],"warnings":[]}"#))
}

/// Loads a store from JSON text.
pub fn load(text: &str) -> Result<Store, Failure> {
    Store::from_json_str(text).map_err(|e| Failure::new(e.diagnostics))
}

/// The answer of a successful load: the store's warnings and size.
#[derive(Debug, Serialize)]
pub struct LoadAnswer<'a> {
    #[serde(rename = "type")]
    pub tag: &'static str,
    pub stats: crate::store::StoreStats,
    pub warnings: &'a [Diagnostic],
}

pub fn load_answer_json(store: &Store) -> String {
    to_json(&LoadAnswer { tag: "success", stats: store.stats(), warnings: store.warnings() })
}

/// Parses a request from JSON text.
pub fn parse_request(text: &str) -> Result<Request, Failure> {
    Request::from_json_str(text).map_err(|e| Failure::new(e.diagnostics))
}

/// Parses a request from structured input (a JavaScript object, say).
pub fn request_from_input(input: RequestInput) -> Result<Request, Failure> {
    Request::new(input).map_err(|e| Failure::new(e.diagnostics))
}

/// The Decision JSON of DESIGN.md.
pub fn decision_json(store: &Store, request: &Request, decision: &Decision) -> String {
    decision.explain(store, request).to_json()
}

/// Parses `text` as a request, decides it, and returns the Decision JSON.
pub fn evaluate_json_str(store: &Store, text: &str, now: Option<Instant>) -> Result<String, Failure> {
    let request = parse_request(text)?;
    let decision = store.evaluate(&request, now);
    Ok(decision_json(store, &request, &decision))
}

/// Decides a JSON array of requests. The answer is a JSON array with, per
/// request, its Decision JSON or a failure object; one bad request does not
/// spoil the others.
pub fn evaluate_batch_json_str(store: &Store, text: &str, now: Option<Instant>) -> Result<String, Failure> {
    if text.len() > limits::MAX_BATCH_BYTES {
        return Err(Failure::new(alloc::vec![Diagnostic::error(
            "limit-batch",
            alloc::format!("the batch is {} bytes, more than the limit of {}", text.len(), limits::MAX_BATCH_BYTES)
        )
        .with_help("split the batch")]));
    }
    let items = batch_items(text).map_err(|d| Failure::new(alloc::vec![*d]))?;
    let mut out = String::with_capacity(items.len() * 256 + 2);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match evaluate_json_str(store, item, now) {
            Ok(decision) => out.push_str(&decision),
            Err(failure) => out.push_str(&failure.to_json()),
        }
    }
    out.push(']');
    Ok(out)
}

/// The texts of the requests in a JSON array; the array must be well-formed
/// JSON (a request in it may still be invalid, which only its answer says).
fn batch_items(text: &str) -> Result<Vec<&str>, Box<Diagnostic>> {
    let help = "pass `[{\"principal\": ..., \"action\": ..., \"resource\": ...}, ...]`";
    let mut r =
        json::Reader::new(text, JsonLimits { max_bytes: limits::MAX_BATCH_BYTES, max_depth: limits::MAX_JSON_DEPTH });
    let located = |mut d: Diagnostic| {
        diag::locate_all(text, core::slice::from_mut(&mut d));
        Box::new(d)
    };
    r.skip_ws();
    if r.peek() != Some(b'[') {
        let span = crate::diag::Span::new(r.pos(), r.pos() + 1);
        return Err(located(
            Diagnostic::error("invalid-request", "the batch is not a JSON array of requests")
                .with_help(help)
                .at("", span),
        ));
    }
    let mut items = Vec::new();
    r.bump();
    r.skip_ws();
    if r.peek() == Some(b']') {
        r.bump();
    } else {
        loop {
            r.skip_ws();
            if items.len() >= limits::MAX_BATCH {
                return Err(located(
                    Diagnostic::error(
                        "limit-batch",
                        alloc::format!("more than {} requests in one batch", limits::MAX_BATCH),
                    )
                    .with_help("split the batch"),
                ));
            }
            let start = r.pos();
            r.enter_index(items.len());
            r.skip_value().map_err(|e| located(e.into_diagnostic()))?;
            r.leave();
            items.push(r.since(start));
            r.skip_ws();
            match r.peek() {
                Some(b',') => r.bump(),
                Some(b']') => {
                    r.bump();
                    break;
                }
                _ => return Err(located(r.unexpected("`,` or `]`").into_diagnostic())),
            }
        }
    }
    r.finish().map_err(|e| located(e.into_diagnostic()))?;
    Ok(items)
}

/// What a checked text turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckedKind {
    Store,
    Policy,
    /// Not even JSON, or not an object.
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckAnswer {
    #[serde(rename = "type")]
    pub tag: &'static str,
    pub kind: CheckedKind,
    /// Every finding, errors first by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks source text that is a whole store or one policy document, and
/// reports every finding with its place. A store is recognised by its
/// store-level keys; anything with a `Statement` is a policy. Time-dependent
/// checks are skipped; [`check_with`] takes the time.
pub fn check(text: &str) -> CheckAnswer {
    check_with(text, &CheckOptions::default())
}

/// [`check`] with options: `now` enables the checks that depend on the time
/// (expired role assignments). The registry of every finding and its
/// documentation is [`crate::lint::CHECKS`] (`docs/checks.md`).
pub fn check_with(text: &str, options: &CheckOptions) -> CheckAnswer {
    check_then(text, |json, parsed, diagnostics| match parsed {
        Parsed::Policy(policy, kind) => lint::lint_policy(json, policy, kind, diagnostics),
        Parsed::Store => lint::lint_store(json, options, diagnostics),
    })
}

/// The findings that decide whether a store or policy document loads: its
/// errors and the warnings of loading, without the policy checks of
/// [`check`]. For builds that leave the checks out: the raw Wasm ABI, whose
/// size budget the checks' catalog and messages would exceed. Nothing of
/// [`crate::lint`] is reachable from here, so the linker drops it.
pub fn validate(text: &str) -> CheckAnswer {
    check_then(text, |_, _, _| {})
}

pub fn validate_json_str(text: &str) -> String {
    to_json(&validate(text))
}

/// What [`check_then`] parsed, for the checks that follow.
enum Parsed<'a> {
    Policy(&'a crate::policy::Policy, PolicyKind),
    Store,
}

/// Parses and loads `text` as a store or a policy, then runs `more` (the
/// linter, or nothing) over what loaded.
fn check_then(text: &str, more: impl FnOnce(&json::Json, Parsed<'_>, &mut Vec<Diagnostic>)) -> CheckAnswer {
    let json = match json::parse(text, JsonLimits::default()) {
        Ok(json) => json,
        Err(e) => {
            let mut diagnostics = alloc::vec![e.into_diagnostic()];
            diag::locate_all(text, &mut diagnostics);
            return CheckAnswer { tag: "success", kind: CheckedKind::Unknown, diagnostics };
        }
    };
    let is_policy = json.get("Statement").is_some() || json.get("Version").is_some();
    let (kind, mut diagnostics) = if is_policy {
        let mut diagnostics = Vec::new();
        let policy_kind = guess_policy_kind(&json);
        if let Some(policy) = parse_policy(&json, policy_kind, "", &mut diagnostics) {
            more(&json, Parsed::Policy(&policy, policy_kind), &mut diagnostics);
        }
        (CheckedKind::Policy, diagnostics)
    } else {
        let mut diagnostics = match Store::from_json(&json) {
            Ok(store) => store.warnings().to_vec(),
            Err(e) => e.diagnostics,
        };
        more(&json, Parsed::Store, &mut diagnostics);
        (CheckedKind::Store, diagnostics)
    };
    diag::sort(&mut diagnostics);
    diag::locate_all(text, &mut diagnostics);
    CheckAnswer { tag: "success", kind, diagnostics }
}

/// A standalone policy names principals only when it is a resource policy
/// (with Resource) or a trust policy (without).
fn guess_policy_kind(json: &json::Json) -> PolicyKind {
    let statements: Vec<&json::Json> = match json.get("Statement") {
        Some(s) => match s.as_array() {
            Some(items) => items.iter().collect(),
            None => alloc::vec![s],
        },
        None => Vec::new(),
    };
    let names_principal = statements.iter().any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    let has_resource = statements.iter().any(|s| s.get("Resource").is_some() || s.get("NotResource").is_some());
    match (names_principal, has_resource) {
        (true, true) => PolicyKind::Resource,
        (true, false) => PolicyKind::Trust,
        _ => PolicyKind::Identity,
    }
}

pub fn check_json_str(text: &str) -> String {
    to_json(&check(text))
}

#[derive(Debug, Clone, Serialize)]
pub struct TestAnswer {
    #[serde(rename = "type")]
    pub tag: &'static str,
    pub passed: usize,
    pub failed: usize,
    pub results: Vec<CaseResult>,
}

/// Runs a test file given as text. `storeFile` references cannot be read
/// here (no I/O); hosts that support them use [`TestFile`] directly.
pub fn run_tests(
    text: &str,
    read_store: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<TestAnswer, Failure> {
    let file = TestFile::parse(text).map_err(|d| Failure::new(alloc::vec![*d]))?;
    let results = file.run(read_store);
    let passed = results.iter().filter(|r| r.passed).count();
    Ok(TestAnswer { tag: "success", passed, failed: results.len() - passed, results })
}

pub fn run_tests_json_str(text: &str) -> String {
    let mut no_files = |path: &str| Err(alloc::format!("`{path}`: store files cannot be read here; inline the store"));
    match run_tests(text, &mut no_files) {
        Ok(answer) => to_json(&answer),
        Err(failure) => failure.to_json(),
    }
}

#[derive(Debug, Serialize)]
struct VersionAnswer {
    #[serde(rename = "type")]
    tag: &'static str,
    engine: &'static str,
}

pub fn version_json() -> String {
    to_json(&VersionAnswer { tag: "success", engine: crate::VERSION })
}

#[cfg(test)]
mod tests {
    use super::{check, validate, CheckedKind};

    #[test]
    fn validate_is_check_without_the_policy_checks() {
        // A valid policy with a lint finding (a wildcard action with `*` resource).
        let lax = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
        assert!(!check(lax).diagnostics.is_empty());
        let validated = validate(lax);
        assert_eq!(validated.kind, CheckedKind::Policy);
        assert!(validated.diagnostics.is_empty());
        // Errors are the same findings, in the same places.
        let typo = r#"{"Version": "1", "Statement": [{"Effect": "Alow", "Action": "ecs:*", "Resource": "*"}]}"#;
        let errors = |answer: super::CheckAnswer| -> alloc::vec::Vec<_> {
            answer.diagnostics.into_iter().filter(|d| d.is_error()).collect()
        };
        assert!(!errors(validate(typo)).is_empty());
        assert_eq!(errors(validate(typo)), errors(check(typo)));
        let store = r#"{"policies": {"P": {"Version": "1", "Statement": []}}, "users": {"a": {"policies": ["Q"]}}}"#;
        assert_eq!(validate(store).kind, CheckedKind::Store);
        assert_eq!(errors(validate(store)), errors(check(store)));
        assert_eq!(validate("{").kind, CheckedKind::Unknown);
    }
}
