//! The JSON contract both Wasm faces call: typed calls in, tagged answers out.
//!
//! Every answer is an object with `"type": "success"` or `"type": "failure"`;
//! failures carry `errors` (diagnostics), successes carry what was asked for.
//! A decision itself is the Decision JSON of DESIGN.md.

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

impl From<crate::request::RequestError> for Failure {
    fn from(e: crate::request::RequestError) -> Failure {
        Failure::new(e.diagnostics)
    }
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
pub fn parse_request(text: &str) -> Result<Request<'_>, Failure> {
    Request::from_json_str(text).map_err(Failure::from)
}

/// Parses a request from structured input (a JavaScript object, say).
pub fn request_from_input(input: RequestInput) -> Result<Request<'static>, Failure> {
    Request::new(input).map_err(Failure::from)
}

/// The Decision JSON of DESIGN.md.
#[cfg_attr(target_family = "wasm", inline(never))]
pub fn decision_json(store: &Store, request: &Request, decision: &Decision) -> String {
    decision.explain(store, request).to_json()
}

/// Parses `text` as a request, decides it, and returns the Decision JSON.
pub fn evaluate_json_str(store: &Store, text: &str, now: Option<Instant>) -> Result<String, Failure> {
    parse_request(text).map(|request| decide_json(store, &request, now))
}

/// [`evaluate_json_str`], appending the Decision JSON to `out` (a host's
/// reused answer buffer); on a failure `out` is left as it was.
pub fn evaluate_json_into(store: &Store, text: &str, now: Option<Instant>, out: &mut String) -> Result<(), Failure> {
    let request = parse_request(text)?;
    decide_into(store, &request, now, out);
    Ok(())
}

/// Decides a read request and appends the Decision JSON to `out`.
fn decide_into(store: &Store, request: &Request, now: Option<Instant>, out: &mut String) {
    store.evaluate(request, now).explain(store, request).write_json(out);
}

/// Decides a read request and returns the Decision JSON.
fn decide_json(store: &Store, request: &Request, now: Option<Instant>) -> String {
    decision_json(store, request, &store.evaluate(request, now))
}

/// Decides a JSON array of requests. The answer is a JSON array with, per
/// request, its Decision JSON or a failure object; one bad request does not
/// spoil the others.
pub fn evaluate_batch_json_str(store: &Store, text: &str, now: Option<Instant>) -> Result<String, Failure> {
    evaluate_batch_json_with(store, text, now, |decide, out| decide(out))
}

/// [`evaluate_batch_json_str`], with each request's decision run by `each`:
/// it calls `decide` with `out`, which appends what it answers (the
/// Decision JSON or failure object of one request, or nothing). A host with
/// a scratch allocator runs every `decide` in it, so that a batch reuses the
/// scratch memory of one decision instead of holding all of them at once;
/// `out` is made outside, with room, before the first.
///
/// The array must be well-formed JSON (a request in it may still be invalid,
/// which only its answer says). Most requests are read by the fast reader,
/// which also finds where they end; the others are first stepped over by the
/// JSON reader (which says where the array is broken) and then read alone.
pub fn evaluate_batch_json_with(
    store: &Store,
    text: &str,
    now: Option<Instant>,
    mut each: impl FnMut(&dyn Fn(&mut String), &mut String),
) -> Result<String, Failure> {
    if text.len() > limits::MAX_BATCH_BYTES {
        return Err(Failure::new(alloc::vec![Diagnostic::error(
            "limit-batch",
            alloc::format!("the batch is {} bytes, more than the limit of {}", text.len(), limits::MAX_BATCH_BYTES)
        )
        .with_help("split the batch")]));
    }
    let mut r =
        json::Reader::new(text, JsonLimits { max_bytes: limits::MAX_BATCH_BYTES, max_depth: limits::MAX_JSON_DEPTH });
    let failed = |mut d: Diagnostic| {
        diag::locate_all(text, core::slice::from_mut(&mut d));
        Failure::new(alloc::vec![d])
    };
    r.skip_ws();
    if r.peek() != Some(b'[') {
        let span = crate::diag::Span::new(r.pos(), r.pos() + 1);
        return Err(failed(
            Diagnostic::error("invalid-request", "the batch is not a JSON array of requests")
                .with_help("pass `[{\"principal\": ..., \"action\": ..., \"resource\": ...}, ...]`")
                .at("", span),
        ));
    }
    r.bump();
    // A Decision JSON is about as long as its request; a huge batch grows
    // its answer as it goes rather than reserving it all up front.
    let mut out = String::with_capacity(text.len().min(64 * 1024) + 2);
    out.push('[');
    r.skip_ws();
    if r.peek() == Some(b']') {
        r.bump();
    } else {
        for index in 0.. {
            r.skip_ws();
            if index >= limits::MAX_BATCH {
                return Err(failed(
                    Diagnostic::error(
                        "limit-batch",
                        alloc::format!("more than {} requests in one batch", limits::MAX_BATCH),
                    )
                    .with_help("split the batch"),
                ));
            }
            if index > 0 {
                out.push(',');
            }
            let start = r.pos();
            let read_len = core::cell::Cell::new(None);
            let fast = |out: &mut String| {
                if let Some((request, len)) = Request::from_json_prefix(text.get(start..).unwrap_or_default()) {
                    read_len.set(Some(len));
                    answer_into(store, request.map_err(Failure::from), now, out);
                }
            };
            each(&fast, &mut out);
            match read_len.get() {
                Some(len) => r.skip_bytes(len),
                None => {
                    r.enter_index(index);
                    r.skip_value().map_err(|e| failed(e.into_diagnostic()))?;
                    r.leave();
                    let item = r.since(start);
                    each(&|out: &mut String| answer_into(store, parse_request(item), now, out), &mut out);
                }
            }
            r.skip_ws();
            match r.peek() {
                Some(b',') => r.bump(),
                Some(b']') => {
                    r.bump();
                    break;
                }
                _ => return Err(failed(r.unexpected("`,` or `]`").into_diagnostic())),
            }
        }
    }
    r.finish().map_err(|e| failed(e.into_diagnostic()))?;
    out.push(']');
    Ok(out)
}

/// Appends the Decision JSON of a read request, or the failure object of one that was not.
fn answer_into(store: &Store, request: Result<Request, Failure>, now: Option<Instant>, out: &mut String) {
    match request {
        Ok(request) => decide_into(store, &request, now, out),
        Err(failure) => out.push_str(&failure.to_json()),
    }
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
    use alloc::format;
    use alloc::vec::Vec;

    use super::{check, evaluate_batch_json_str, evaluate_json_str, load, validate, CheckedKind};

    /// A batch answers for each request what a single call answers, whether
    /// the fast reader takes the request (and finds its end) or not.
    #[test]
    fn a_batch_answers_each_request_as_a_single_call_would() {
        let store = load(
            r#"{"account": "111122223333", "policies": {"P": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}},
                "users": {"alice": {"policies": ["P"]}}}"#,
        )
        .unwrap_or_else(|f| panic!("{}", f.to_json()));
        let items = [
            // Plain: the fast reader's.
            r#"{"principal":"user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:MultiFactorAuthPresent":true}}"#,
            r#" { "principal" : "user/alice", "action": "s3:GetObject", "resource": "*", "context": {"aws:TagKeys": ["a", "b"]} } "#,
            // An escape, a null and a nested value: the careful path.
            r#"{"principal":"user/alice","action":"s3:GetObject","resource":"*","context":{"aws:MultiFactorAuthPresent":"true"}}"#,
            r#"{"principal":"user/alice","action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":null}}"#,
            r#"{"principal":"user/alice","action":"s3:GetObject","resource":"*","context":{"a":{"b":[1]}}}"#,
            // Invalid requests, on either path: a failure object for each.
            r#"{"principal":"user/alice","action":"s3GetObject","resource":"*"}"#,
            r#"{"principal":"user/alice","action":"s3:GetObject","resource":"*","session":{"issuedAt":"yesterday"}}"#,
            r#"{"principal":"user/alice","action":"s3:GetObject","resource":"*","extra":1}"#,
            r#"[1, 2]"#,
            r#""text""#,
        ];
        let singles: Vec<_> = items
            .iter()
            .map(|item| evaluate_json_str(&store, item, None).unwrap_or_else(|failure| failure.to_json()))
            .collect();
        assert!(singles[0].contains(r#""decision":"Allow""#), "{}", singles[0]);
        assert!(singles[5].contains(r#""type":"failure""#), "{}", singles[5]);
        let batch = format!("[\n{}\n]", items.join(",\n"));
        let answer = evaluate_batch_json_str(&store, &batch, None).unwrap_or_else(|f| panic!("{}", f.to_json()));
        assert_eq!(answer, format!("[{}]", singles.join(",")));
        assert_eq!(evaluate_batch_json_str(&store, " [ ] ", None).ok().as_deref(), Some("[]"));

        // A broken array fails as a whole, at its place, even after good requests.
        for (broken, at) in [
            (format!("[{},]", items[0]), "/1"),
            (format!("[{} {}]", items[0], items[1]), ""),
            (format!("[{},{{\"principal\":}}]", items[0]), "/1"),
            (format!("[{}", items[0]), ""),
            (format!("[{}] x", items[0]), ""),
            (format!("{{\"requests\": [{}]}}", items[0]), ""),
        ] {
            let failure = evaluate_batch_json_str(&store, &broken, None).expect_err(&broken);
            let first = failure.errors.first().unwrap_or_else(|| panic!("{broken}: no error"));
            assert_eq!(first.path, at, "{broken}: {first:?}");
            assert!(first.line > 0, "{broken}: {first:?}");
        }
    }

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
