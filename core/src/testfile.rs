//! The test-file format of DESIGN.md: policy tests, conformance vectors and
//! playground exports are all suites of `{name, store | storeFile,
//! storeError?, cases: [{name, request, expect}]}`.
//!
//! Runs are deterministic: no clock is supplied, so a request that needs
//! "now" must carry `aws:CurrentTime` / `acs:CurrentTime` itself.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use crate::diag::{self, Diagnostic, Span};
use crate::json::{self, join_pointer, Json, JsonLimits, Value};
use crate::request::Request;
use crate::store::Store;

/// A parsed test file: one or more suites.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub suites: Vec<Suite>,
}

#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    pub description: Option<String>,
    pub store: StoreSource,
    /// Loading the store must fail with an error.
    pub store_error: bool,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone)]
pub enum StoreSource {
    /// The store inline, with the text it was read from (for spans).
    Inline(Json),
    /// A path relative to the test file, read by the host.
    File(String),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The request as JSON text, parsed when the case runs so that a bad
    /// request fails that case only.
    pub request: String,
    pub expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expect {
    pub decision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Vec<String>>,
}

/// What one case produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Got {
    pub decision: String,
    pub reason: String,
    pub alerts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub suite: String,
    pub case: String,
    pub passed: bool,
    pub expected: Expect,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub got: Option<Got>,
    /// Why the case could not run (bad request, store failed to load).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl TestFile {
    /// Parses a test file; the error names the place of the first problem.
    pub fn parse(text: &str) -> Result<TestFile, Box<Diagnostic>> {
        let json = json::parse(text, JsonLimits::default()).map_err(|e| {
            let mut d = e.into_diagnostic();
            diag::locate_all(text, core::slice::from_mut(&mut d));
            Box::new(d)
        })?;
        Self::from_json(&json, Some(text)).map_err(|mut d| {
            diag::locate_all(text, core::slice::from_mut(&mut *d));
            d
        })
    }

    /// Reads a test file from JSON; `text` is its source, if any.
    pub fn from_json(json: &Json, text: Option<&str>) -> Result<TestFile, Box<Diagnostic>> {
        let suites = match json.get("suites") {
            Some(list) => {
                let items =
                    list.as_array().ok_or_else(|| bad("`suites` must be a list of suites", "/suites", list.span))?;
                let mut suites = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    suites.push(parse_suite(item, &join_pointer("/suites", &format!("{i}")), text)?);
                }
                suites
            }
            None => alloc::vec![parse_suite(json, "", text)?],
        };
        Ok(TestFile { suites })
    }
}

fn bad(message: &str, path: &str, span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error("invalid-test-file", String::from(message))
            .with_help("a test file is a suite {name, store, cases} or {\"suites\": [...]}, as in DESIGN.md")
            .at(path, span),
    )
}

fn string_field(json: &Json, key: &str, path: &str) -> Result<Option<String>, Box<Diagnostic>> {
    match json.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(|s| Some(String::from(s)))
            .ok_or_else(|| bad(&format!("`{key}` must be a string"), &join_pointer(path, key), v.span)),
    }
}

fn parse_suite(json: &Json, path: &str, text: Option<&str>) -> Result<Suite, Box<Diagnostic>> {
    let members = json.as_object().ok_or_else(|| bad("a suite must be an object", path, json.span))?;
    for m in members {
        if !["name", "description", "note", "store", "storeFile", "storeError", "cases"].contains(&m.key.as_str()) {
            return Err(bad(
                &format!("unknown element `{}` in a suite", m.key),
                &join_pointer(path, &m.key),
                m.key_span,
            ));
        }
    }
    let name = string_field(json, "name", path)?.unwrap_or_default();
    let description = string_field(json, "description", path)?;
    let store = match (json.get("store"), string_field(json, "storeFile", path)?) {
        (Some(store), None) => StoreSource::Inline(store.clone()),
        (None, Some(file)) => StoreSource::File(file),
        _ => return Err(bad("a suite needs exactly one of `store` and `storeFile`", path, json.span)),
    };
    let store_error = match json.get("storeError") {
        None => false,
        Some(Json { value: Value::Bool(b), .. }) => *b,
        Some(v) => return Err(bad("`storeError` must be true or false", &join_pointer(path, "storeError"), v.span)),
    };
    let cases_path = join_pointer(path, "cases");
    let cases = match json.get("cases") {
        None => Vec::new(),
        Some(list) => {
            let items = list.as_array().ok_or_else(|| bad("`cases` must be a list", &cases_path, list.span))?;
            let mut cases = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                cases.push(parse_case(item, &join_pointer(&cases_path, &format!("{i}")), text)?);
            }
            cases
        }
    };
    if cases.is_empty() && !store_error {
        return Err(bad("the suite has no cases", path, json.span));
    }
    Ok(Suite { name, description, store, store_error, cases })
}

fn parse_case(json: &Json, path: &str, text: Option<&str>) -> Result<Case, Box<Diagnostic>> {
    let members = json.as_object().ok_or_else(|| bad("a case must be an object", path, json.span))?;
    for m in members {
        if !["name", "request", "expect", "note", "description"].contains(&m.key.as_str()) {
            return Err(bad(
                &format!("unknown element `{}` in a case", m.key),
                &join_pointer(path, &m.key),
                m.key_span,
            ));
        }
    }
    let name = string_field(json, "name", path)?.ok_or_else(|| bad("the case has no `name`", path, json.span))?;
    let request_json = json.get("request").ok_or_else(|| bad("the case has no `request`", path, json.span))?;
    let request = match text.and_then(|t| t.get(request_json.span.start..request_json.span.end)) {
        Some(slice) if !slice.is_empty() => String::from(slice),
        _ => request_json.to_text(),
    };
    let expect_path = join_pointer(path, "expect");
    let expect_json = json.get("expect").ok_or_else(|| bad("the case has no `expect`", path, json.span))?;
    let decision = string_field(expect_json, "decision", &expect_path)?
        .filter(|d| d == "Allow" || d == "Deny")
        .ok_or_else(|| bad("`expect.decision` must be \"Allow\" or \"Deny\"", &expect_path, expect_json.span))?;
    let reason = string_field(expect_json, "reason", &expect_path)?;
    if let Some(r) = &reason {
        if !["Allowed", "ExplicitDeny", "ImplicitDeny"].contains(&r.as_str()) {
            return Err(bad(
                "`expect.reason` must be Allowed, ExplicitDeny or ImplicitDeny",
                &join_pointer(&expect_path, "reason"),
                expect_json.span,
            ));
        }
    }
    let alerts = match expect_json.get("alerts") {
        None => None,
        Some(list) => {
            let items = list
                .as_array()
                .ok_or_else(|| bad("`expect.alerts` must be a list of strings", &expect_path, list.span))?;
            let mut alerts = Vec::with_capacity(items.len());
            for item in items {
                alerts.push(String::from(
                    item.as_str()
                        .ok_or_else(|| bad("`expect.alerts` must be a list of strings", &expect_path, item.span))?,
                ));
            }
            Some(alerts)
        }
    };
    Ok(Case { name, request, expect: Expect { decision, reason, alerts } })
}

impl Suite {
    /// Runs every case. `read_store` reads a `storeFile` (the core does no
    /// I/O); it returns the file's text or an error message.
    pub fn run(&self, read_store: &mut dyn FnMut(&str) -> Result<String, String>) -> Vec<CaseResult> {
        let loaded: Result<Store, String> = match &self.store {
            StoreSource::Inline(json) => Store::from_json(json).map_err(|e| describe_store_error(&e.diagnostics)),
            StoreSource::File(path) => match read_store(path) {
                Ok(text) => Store::from_json_str(&text).map_err(|e| describe_store_error(&e.diagnostics)),
                Err(message) => Err(format!("cannot read store file `{path}`: {message}")),
            },
        };
        if self.store_error {
            let expected = Expect { decision: String::from("store error"), reason: None, alerts: None };
            return alloc::vec![match loaded {
                Err(_) => CaseResult {
                    suite: self.name.clone(),
                    case: String::from("store fails to load"),
                    passed: true,
                    expected,
                    got: None,
                    error: None
                },
                Ok(_) => CaseResult {
                    suite: self.name.clone(),
                    case: String::from("store fails to load"),
                    passed: false,
                    expected,
                    got: None,
                    error: Some(String::from("the store loaded, but the suite expects a load error")),
                },
            }];
        }
        self.cases
            .iter()
            .map(|case| {
                let mut result = CaseResult {
                    suite: self.name.clone(),
                    case: case.name.clone(),
                    passed: false,
                    expected: case.expect.clone(),
                    got: None,
                    error: None,
                };
                let store = match &loaded {
                    Ok(store) => store,
                    Err(message) => {
                        result.error = Some(message.clone());
                        return result;
                    }
                };
                match Request::from_json_str(&case.request) {
                    Err(e) => result.error = Some(format!("bad request: {}", e.message())),
                    Ok(request) => {
                        let decision = store.evaluate(&request, None);
                        let got = Got {
                            decision: String::from(decision.decision_str()),
                            reason: String::from(decision.reason.as_str()),
                            alerts: decision.alerts.iter().map(|a| String::from(a.as_str())).collect(),
                        };
                        result.passed = case.expect.matches(&got);
                        result.got = Some(got);
                    }
                }
                result
            })
            .collect()
    }
}

fn describe_store_error(diagnostics: &[Diagnostic]) -> String {
    match diagnostics.iter().find(|d| d.is_error()) {
        Some(d) if d.line > 0 => {
            format!("the store failed to load: {} at {} (line {}, column {})", d.message, d.path, d.line, d.column)
        }
        Some(d) => format!("the store failed to load: {} at {}", d.message, d.path),
        None => String::from("the store failed to load"),
    }
}

impl Expect {
    /// The decision must match; the reason and alerts when the case gives them.
    pub fn matches(&self, got: &Got) -> bool {
        self.decision == got.decision
            && self.reason.as_ref().is_none_or(|r| *r == got.reason)
            && self.alerts.as_ref().is_none_or(|a| *a == got.alerts)
    }
}

impl CaseResult {
    /// One line for reports: `suite / case: expected X, got Y`.
    pub fn describe(&self) -> String {
        let expected = match &self.expected.reason {
            Some(r) => format!("{} ({r})", self.expected.decision),
            None => self.expected.decision.clone(),
        };
        let got = match (&self.got, &self.error) {
            (Some(g), _) if g.alerts.is_empty() => format!("{} ({})", g.decision, g.reason),
            (Some(g), _) => format!("{} ({}, alerts {:?})", g.decision, g.reason, g.alerts),
            (None, Some(e)) => e.clone(),
            (None, None) => String::from("nothing"),
        };
        format!("{} / {}: expected {expected}, got {got}", self.suite, self.case)
    }
}

impl TestFile {
    /// Runs every suite; see [`Suite::run`].
    pub fn run(&self, read_store: &mut dyn FnMut(&str) -> Result<String, String>) -> Vec<CaseResult> {
        self.suites.iter().flat_map(|s| s.run(read_store)).collect()
    }
}
