//! The Decision JSON written straight into a string: the per-request path of
//! both Wasm faces. It produces exactly what the serde implementation does
//! (a test checks), without serde's per-value machinery.

use alloc::string::String;

use super::{put_u64, Explained, MatchedView, NoteText, Reason, Sink, Summary};

/// Appends JSON string contents, escaping what JSON requires.
struct Escaped<'a>(&'a mut String);

impl Sink for Escaped<'_> {
    #[inline]
    fn put(&mut self, s: &str) {
        if is_clean(s.as_bytes()) {
            self.0.push_str(s);
        } else {
            self.escape(s);
        }
    }

    #[inline]
    fn put_plain(&mut self, s: &'static str) {
        debug_assert!(is_clean(s.as_bytes()), "{s}");
        self.0.push_str(s);
    }

    #[inline]
    fn put_digits(&mut self, s: &str) {
        self.0.push_str(s);
    }

    #[inline]
    fn put_name(&mut self, s: &str, plain: bool) {
        if plain {
            debug_assert!(is_clean(s.as_bytes()), "{s}");
            self.0.push_str(s);
        } else {
            self.put(s);
        }
    }
}

impl Escaped<'_> {
    #[inline(never)]
    fn escape(&mut self, s: &str) {
        crate::json::escape_into(self.0, s);
    }
}

/// Whether `bytes` needs no JSON escaping (no control character, `"` or `\\`).
fn is_clean(bytes: &[u8]) -> bool {
    crate::text::plain_prefix_len(bytes) == bytes.len()
}

/// The contents of a JSON string, escaped, between literals that carry its
/// quotes (fewer appends per value than a quote each side).
fn contents(out: &mut String, write: impl FnOnce(&mut Escaped<'_>)) {
    write(&mut Escaped(out));
}

fn number(out: &mut String, n: u64) {
    // Plain digits, no escaping needed: the sink of a bare string.
    struct Bare<'a>(&'a mut String);
    impl Sink for Bare<'_> {
        fn put(&mut self, s: &str) {
            self.0.push_str(s);
        }
    }
    put_u64(&mut Bare(out), n);
}

/// A list of fixed words (alerts, missing) as JSON strings between the
/// literals `around`, or the literal `none` in place of all when it is empty.
fn words(out: &mut String, mut words: impl Iterator<Item = &'static str>, none: &str, around: [&str; 2]) {
    let Some(first) = words.next() else {
        out.push_str(none);
        return;
    };
    let [open, close] = around;
    out.push_str(open);
    out.push('"');
    out.push_str(first);
    for word in words {
        out.push_str("\",\"");
        out.push_str(word);
    }
    out.push('"');
    out.push_str(close);
}

#[cfg_attr(target_family = "wasm", inline(never))]
fn matched(out: &mut String, m: &MatchedView<'_>) {
    out.push_str("{\"policy\":\"");
    contents(out, |e| e.put_name(m.policy, m.names_plain));
    out.push_str("\",\"via\":\"");
    contents(out, |e| m.via.write_to(e));
    out.push_str("\",\"kind\":\"");
    out.push_str(m.kind);
    out.push_str("\",\"statement\":");
    number(out, u64::from(m.statement));
    if let Some(sid) = m.sid {
        out.push_str(",\"sid\":\"");
        contents(out, |e| e.put_name(sid, m.names_plain));
        out.push_str("\",\"effect\":\"");
    } else {
        out.push_str(",\"effect\":\"");
    }
    out.push_str(m.effect);
    out.push_str("\",\"path\":\"");
    contents(out, |e| m.path.write_to(e));
    match m.span {
        Some(span) => {
            out.push_str("\",\"span\":{\"start\":");
            number(out, span.start as u64);
            out.push_str(",\"end\":");
            number(out, span.end as u64);
            out.push_str("}}");
        }
        None => out.push_str("\"}"),
    }
}

impl Explained<'_> {
    /// Appends the Decision JSON to `out`.
    #[cfg_attr(target_family = "wasm", inline(never))]
    pub fn write_json(&self, out: &mut String) {
        let d = self.decision;
        out.push_str(match d.reason {
            Reason::Allowed => "{\"decision\":\"Allow\",\"reason\":\"Allowed\",\"matched\":[",
            Reason::ExplicitDeny => "{\"decision\":\"Deny\",\"reason\":\"ExplicitDeny\",\"matched\":[",
            Reason::ImplicitDeny => "{\"decision\":\"Deny\",\"reason\":\"ImplicitDeny\",\"matched\":[",
        });
        for (i, m) in self.matched().enumerate() {
            if i > 0 {
                out.push(',');
            }
            matched(out, &m);
        }
        let alerts = d.alerts.iter().map(|a| a.as_str());
        words(out, alerts, "],\"alerts\":[],\"notes\":[", ["],\"alerts\":[", "],\"notes\":["]);
        for (i, note) in d.notes.iter().enumerate() {
            out.push_str(if i > 0 { ",\"" } else { "\"" });
            contents(out, |e| NoteText { explained: *self, note }.write_to(e));
            out.push('"');
        }
        // `missing` is left out when empty.
        let missing = d.missing.iter().map(|m| m.as_str());
        words(out, missing, "],\"summary\":\"", ["],\"missing\":[", "],\"summary\":\""]);
        contents(out, |e| Summary(*self).write_to(e));
        out.push_str("\"}");
    }

    /// The Decision JSON as a new string.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + 200 * self.decision.matched.len());
        self.write_json(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::is_clean;

    #[test]
    fn clean_is_exact() {
        let slow = |b: &[u8]| b.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
        let mut texts: alloc::vec::Vec<alloc::vec::Vec<u8>> = alloc::vec::Vec::new();
        for special in [0u8, 1, 0x1f, 0x20, b'"', b'\\', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa2, 0xff] {
            for len in 0..20 {
                for at in 0..len {
                    let mut t = alloc::vec![b'a'; len];
                    if let Some(b) = t.get_mut(at) {
                        *b = special;
                    }
                    texts.push(t);
                }
            }
        }
        for t in &texts {
            assert_eq!(is_clean(t), slow(t), "{t:?}");
        }
    }
}
