//! HTTP requests given as JSON text, for hosts that speak JSON (the raw Wasm
//! ABI's `pc_check_http`):
//!
//! ```json
//! {"method": "GET", "path": "/v1/buckets/b/objects/k", "scheme": "https",
//!  "peer": "203.0.113.7:51000",
//!  "headers": [["x-auth-user", "alice"], ["x-forwarded-for", "198.51.100.1"]]}
//! ```
//!
//! `headers` is a list of `[name, value]` pairs (order and repeats kept) or
//! an object whose values are a string or a list of strings. `scheme` and
//! `peer` may be absent or `null`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use portcullis_core::api::Failure;
use portcullis_core::diag::{self, Diagnostic};
use portcullis_core::json::{self, Json, JsonLimits, Value};
use portcullis_core::{Instant, Store};

use crate::check::{Gateway, HttpRequest};
use crate::limits;

/// An HTTP request read from JSON, owning its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpInput {
    pub method: String,
    pub path: String,
    pub scheme: Option<String>,
    pub peer: Option<String>,
    pub headers: Vec<(String, String)>,
}

const FIELDS: &[&str] = &["method", "path", "scheme", "peer", "headers"];
const HELP: &str = "an HTTP request is {\"method\": \"GET\", \"path\": \"/...\", \"scheme\": \"https\", \"peer\": \"203.0.113.7:51000\", \"headers\": [[\"x-auth-user\", \"alice\"]]}";

fn problem(message: String, path: &str, json: &Json) -> Diagnostic {
    Diagnostic::error("invalid-http-request", message).with_help(HELP).at(path, json.span)
}

impl HttpInput {
    pub fn from_json_str(text: &str) -> Result<HttpInput, Failure> {
        let json_limits = JsonLimits { max_bytes: limits::MAX_HTTP_INPUT_BYTES, max_depth: 4 };
        let mut diags = Vec::new();
        let input = match json::parse(text, json_limits) {
            Ok(root) => read(&root, &mut diags),
            Err(e) => {
                diags.push(e.into_diagnostic());
                None
            }
        };
        diag::locate_all(text, &mut diags);
        match input {
            Some(input) if diags.is_empty() => Ok(input),
            _ => Err(Failure::new(diags)),
        }
    }

    /// The request as [`Gateway::check`] takes it; `pairs` is scratch space
    /// for the header list.
    pub fn as_request<'a>(&'a self, pairs: &'a mut Vec<(&'a str, &'a [u8])>) -> HttpRequest<'a> {
        pairs.clear();
        pairs.extend(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        HttpRequest {
            method: &self.method,
            path: &self.path,
            scheme: self.scheme.as_deref(),
            peer: self.peer.as_deref(),
            headers: pairs,
        }
    }
}

fn read(root: &Json, diags: &mut Vec<Diagnostic>) -> Option<HttpInput> {
    let Some(members) = root.as_object() else {
        diags.push(problem(format!("the HTTP request must be an object, not {}", root.kind_name()), "", root));
        return None;
    };
    let mut input = HttpInput::default();
    for member in members {
        let path = json::join_pointer("", &member.key);
        let value = &member.value;
        let text = |diags: &mut Vec<Diagnostic>| -> Option<String> {
            match &value.value {
                Value::String(s) => Some(s.clone()),
                _ => {
                    diags.push(problem(
                        format!("`{}` must be a string, not {}", member.key, value.kind_name()),
                        &path,
                        value,
                    ));
                    None
                }
            }
        };
        match member.key.as_str() {
            "method" => input.method = text(diags).unwrap_or_default(),
            "path" => input.path = text(diags).unwrap_or_default(),
            "scheme" if value.value == Value::Null => {}
            "scheme" => input.scheme = text(diags),
            "peer" if value.value == Value::Null => {}
            "peer" => input.peer = text(diags),
            "headers" => headers(value, &path, &mut input.headers, diags),
            other => diags.push(
                Diagnostic::error("invalid-http-request", format!("unknown field `{other}`"))
                    .with_help(format!("the fields are {}", FIELDS.join(", ")))
                    .at(path, member.key_span),
            ),
        }
    }
    for required in ["method", "path"] {
        if !members.iter().any(|m| m.key == required) {
            diags.push(problem(format!("the HTTP request has no `{required}`"), "", root));
        }
    }
    Some(input)
}

fn headers(json: &Json, path: &str, out: &mut Vec<(String, String)>, diags: &mut Vec<Diagnostic>) {
    let string = |item: &Json, at: &str, diags: &mut Vec<Diagnostic>| -> Option<String> {
        match item.as_str() {
            Some(s) => Some(String::from(s)),
            None => {
                diags.push(problem(
                    format!("a header name or value must be a string, not {}", item.kind_name()),
                    at,
                    item,
                ));
                None
            }
        }
    };
    match &json.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}/{i}");
                match item.as_array() {
                    Some([name, value]) => {
                        if let (Some(n), Some(v)) =
                            (string(name, &format!("{at}/0"), diags), string(value, &format!("{at}/1"), diags))
                        {
                            out.push((n, v));
                        }
                    }
                    _ => diags.push(problem(String::from("a header must be a `[name, value]` pair"), &at, item)),
                }
            }
        }
        Value::Object(members) => {
            for member in members {
                let at = json::join_pointer(path, &member.key);
                match &member.value.value {
                    Value::String(v) => out.push((member.key.clone(), v.clone())),
                    Value::Array(values) => {
                        for (i, value) in values.iter().enumerate() {
                            if let Some(v) = string(value, &format!("{at}/{i}"), diags) {
                                out.push((member.key.clone(), v));
                            }
                        }
                    }
                    _ => diags.push(problem(
                        format!("the header `{}` must be a string or a list of strings", member.key),
                        &at,
                        &member.value,
                    )),
                }
            }
        }
        _ => diags.push(problem(
            format!("`headers` must be a list of `[name, value]` pairs or an object, not {}", json.kind_name()),
            path,
            json,
        )),
    }
}

impl Gateway {
    /// Decides an HTTP request given as JSON text ([`HttpInput`]) and returns
    /// its audit record (the request id from the configured header).
    pub fn check_json_str(&self, store: &Store, text: &str, now: Option<Instant>) -> Result<String, Failure> {
        let input = HttpInput::from_json_str(text)?;
        let mut pairs = Vec::new();
        let http = input.as_request(&mut pairs);
        let request_id =
            http.header(&self.request_id_header, crate::Refusal::BadRequest).ok().flatten().unwrap_or_default();
        let outcome = self.check(store, &http, now);
        let mut out = String::with_capacity(512);
        outcome.write_record(self, store, &http, request_id, &mut out);
        Ok(out)
    }

    /// The answer of a successful configuration load in the raw ABI's style:
    /// `{"type":"success","routes":N,"warnings":[...]}`.
    pub fn load_answer_json(&self, warnings: &[Diagnostic]) -> String {
        let warnings = serde_json::to_string(warnings).unwrap_or_else(|_| String::from("[]"));
        format!("{{\"type\":\"success\",\"routes\":{},\"warnings\":{warnings}}}", self.route_count())
    }
}
