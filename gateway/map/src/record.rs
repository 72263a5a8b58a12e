//! What an outcome looks like as JSON: the client's deny body and the audit
//! record (one line, the same record the raw ABI's `check_http` answers).

use alloc::string::String;
use core::fmt::{self, Write};

use portcullis_core::decision::Alert;
use portcullis_core::Store;

use crate::check::{Gateway, HttpRequest, Outcome};
use crate::limits;

/// Appends JSON string contents, escaping what JSON requires.
struct Escaped<'a>(&'a mut String);

impl Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                '\t' => self.0.push_str("\\t"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    let _ = write!(self.0, "\\u{:04x}", c as u32);
                }
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

/// `"text"`, escaped, cut to `max` bytes (on a character boundary).
fn string(out: &mut String, text: &str, max: usize) {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    out.push('"');
    let _ = Escaped(out).write_str(text.get(..end).unwrap_or_default());
    out.push('"');
}

fn field(out: &mut String, name: &str, text: &str) {
    out.push_str(",\"");
    out.push_str(name);
    out.push_str("\":");
    string(out, text, limits::MAX_LOGGED_BYTES);
}

impl Outcome {
    /// The body of a deny response: `{"decision":"Deny","reason":...,"requestId":...}`.
    /// It tells the client no more than the reason: no policy names.
    pub fn write_body(&self, request_id: &str, out: &mut String) {
        out.push_str("{\"decision\":\"");
        out.push_str(self.decision_str());
        out.push_str("\",\"reason\":\"");
        out.push_str(self.reason());
        out.push('"');
        field(out, "requestId", request_id);
        out.push('}');
    }

    /// The audit record, one line of JSON: request id, decision, reason (and
    /// what exactly was refused), route, method, path, principal, action,
    /// resource, source address, the deciding statements and the alerts.
    pub fn write_record(
        &self,
        gateway: &Gateway,
        store: &Store,
        http: &HttpRequest<'_>,
        request_id: &str,
        out: &mut String,
    ) {
        out.push_str("{\"requestId\":");
        string(out, request_id, limits::MAX_LOGGED_BYTES);
        field(out, "decision", self.decision_str());
        field(out, "reason", self.reason());
        if let Some(refusal) = self.refusal {
            field(out, "detail", refusal.detail());
        }
        match self.route.and_then(|i| gateway.route_name(i)) {
            Some(name) => field(out, "route", name),
            None => out.push_str(",\"route\":null"),
        }
        field(out, "method", http.method);
        field(out, "path", http.path);
        if let Some(request) = &self.request {
            field(out, "principal", request.principal());
            field(out, "action", request.action());
            field(out, "resource", request.resource());
            if let Some(portcullis_core::request::ContextRef::One(ip)) = request.context().get("acs:SourceIp") {
                field(out, "sourceIp", ip);
            }
        }
        out.push_str(",\"matched\":[");
        if let (Some(request), Some(decision)) = (&self.request, &self.decision) {
            for (i, m) in decision.explain(store, request).matched().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"policy\":");
                string(out, m.policy, limits::MAX_LOGGED_BYTES);
                if let Some(sid) = m.sid {
                    field(out, "sid", sid);
                }
                let _ = write!(out, ",\"statement\":{}", m.statement);
                field(out, "kind", m.kind);
                field(out, "effect", m.effect);
                let _ = write!(out, ",\"via\":");
                let via = alloc::format!("{}", m.via);
                string(out, &via, limits::MAX_LOGGED_BYTES);
                out.push('}');
            }
        }
        out.push_str("],\"alerts\":[");
        if let Some(decision) = &self.decision {
            for (i, alert) in decision.alerts.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(match alert {
                    Alert::BreakGlass => "\"break-glass\"",
                });
            }
        }
        out.push_str("]}");
    }
}
