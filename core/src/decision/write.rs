//! The Decision JSON written straight into a string: the per-request path of
//! both Wasm faces. It produces exactly what the serde implementation does
//! (a test checks), without serde's per-value machinery.

use alloc::string::String;
use core::fmt::{self, Write};

use super::{Alert, Explained, MatchedView, NoteText, Summary};

/// Appends JSON string contents, escaping what JSON requires.
struct Escaped<'a>(&'a mut String);

impl Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let clean = s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
        if clean {
            self.0.push_str(s);
            return Ok(());
        }
        for c in s.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                '\t' => self.0.push_str("\\t"),
                '\u{8}' => self.0.push_str("\\b"),
                '\u{c}' => self.0.push_str("\\f"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.0, "\\u{:04x}", c as u32);
                }
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

fn string(out: &mut String, value: impl fmt::Display) {
    out.push('"');
    let _ = write!(Escaped(out), "{value}");
    out.push('"');
}

fn number(out: &mut String, n: impl fmt::Display) {
    let _ = write!(out, "{n}");
}

fn matched(out: &mut String, m: &MatchedView<'_>) {
    out.push_str("{\"policy\":");
    string(out, m.policy);
    out.push_str(",\"via\":");
    string(out, m.via);
    out.push_str(",\"kind\":\"");
    out.push_str(m.kind);
    out.push_str("\",\"statement\":");
    number(out, m.statement);
    if let Some(sid) = m.sid {
        out.push_str(",\"sid\":");
        string(out, sid);
    }
    out.push_str(",\"effect\":\"");
    out.push_str(m.effect);
    out.push_str("\",\"path\":");
    string(out, m.path);
    if let Some(span) = m.span {
        out.push_str(",\"span\":{\"start\":");
        number(out, span.start);
        out.push_str(",\"end\":");
        number(out, span.end);
        out.push('}');
    }
    out.push('}');
}

impl Explained<'_> {
    /// Appends the Decision JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        let d = self.decision;
        out.push_str("{\"decision\":\"");
        out.push_str(d.decision_str());
        out.push_str("\",\"reason\":\"");
        out.push_str(d.reason.as_str());
        out.push_str("\",\"matched\":[");
        for (i, m) in self.matched().enumerate() {
            if i > 0 {
                out.push(',');
            }
            matched(out, &m);
        }
        out.push_str("],\"alerts\":[");
        for (i, a) in d.alerts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(match a {
                Alert::BreakGlass => "\"break-glass\"",
            });
        }
        out.push_str("],\"notes\":[");
        for (i, note) in d.notes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, NoteText { explained: *self, note });
        }
        out.push(']');
        if !d.missing.is_empty() {
            out.push_str(",\"missing\":[");
            for (i, m) in d.missing.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(m.as_str());
                out.push('"');
            }
            out.push(']');
        }
        out.push_str(",\"summary\":");
        string(out, Summary(*self));
        out.push('}');
    }

    /// The Decision JSON as a new string.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + 200 * self.decision.matched.len());
        self.write_json(&mut out);
        out
    }
}
