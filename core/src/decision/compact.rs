//! The Decision in a compact form for a host that builds the Decision object
//! itself (the npm package): numbers and ids of strings, each distinct string
//! sent once. It holds exactly what the Decision JSON holds, in the same
//! order (a test checks the object a reader builds from it against the
//! JSON); the reader needs no knowledge of decisions beyond that order.
//!
//! A [`CompactWriter`] belongs to one reader: the ids it hands out are the
//! reader's table of strings. The record is a list of `u32` words:
//!
//! ```text
//! new strings:  count, then per string: id, UTF-8 length, the bytes (four to a word, little-endian)
//! decision, reason:  string ids
//! matched:      count, then per statement: policy, via, kind (string ids), statement index,
//!               sid (string id, or NONE), effect, path (string ids), span start + 1 (0: no span), span end
//! alerts:       count, string ids
//! notes:        count, string ids
//! missing:      count (0: the Decision JSON has no `missing`), string ids
//! summary:      string id
//! ```
//!
//! Strings are remembered up to [`MAX_REMEMBERED`]; past that, new strings
//! get ids from a range the next record reuses, so neither side grows
//! without bound.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use hashbrown::HashMap;

use super::{Explained, Matched, Source};

/// The id of an absent string (a statement without a `Sid`).
pub const NONE: u32 = u32::MAX;

/// Strings remembered across records (per writer).
pub const MAX_REMEMBERED: u32 = 1 << 16;

/// Turns decisions into compact records for one reader.
#[derive(Debug, Default)]
pub struct CompactWriter {
    ids: HashMap<Box<str>, u32>,
    /// The strings (and span) of a matched statement that depend only on the store.
    matched: HashMap<(Source, u32, u8, u8), [u32; 8]>,
    /// Ids handed out past [`MAX_REMEMBERED`] in the current record.
    one_off: u32,
    /// Reused from record to record: the new-strings section, the rest, a text.
    fresh: Vec<u32>,
    fresh_count: u32,
    body: Vec<u32>,
    text: String,
}

impl CompactWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the record of `explained` to `out`.
    pub fn write(&mut self, explained: &Explained<'_>, out: &mut Vec<u32>) {
        self.one_off = 0;
        self.fresh.clear();
        self.fresh_count = 0;
        let mut body = core::mem::take(&mut self.body);
        body.clear();
        let d = explained.decision;
        body.push(self.id(d.decision_str()));
        body.push(self.id(d.reason.as_str()));
        body.push(count(d.matched.len()));
        for m in d.matched.iter() {
            let key = memo_key(m);
            let strings = match key.and_then(|k| self.matched.get(&k)) {
                Some(strings) => *strings,
                None => self.matched_strings(explained, m, key),
            };
            let [policy, via, kind, sid, effect, path, start, end] = strings;
            body.extend_from_slice(&[policy, via, kind, m.statement, sid, effect, path, start, end]);
        }
        body.push(count(d.alerts.len()));
        for alert in d.alerts.iter() {
            body.push(self.id(alert.as_str()));
        }
        let mut text = core::mem::take(&mut self.text);
        body.push(count(d.notes.len()));
        for i in 0..d.notes.len() {
            text.clear();
            explained.write_note(i, &mut text);
            body.push(self.id(&text));
        }
        body.push(count(d.missing.len()));
        for m in d.missing.iter() {
            body.push(self.id(m.as_str()));
        }
        text.clear();
        explained.write_summary(&mut text);
        body.push(self.id(&text));
        self.text = text;
        out.reserve(1 + self.fresh.len() + body.len());
        out.push(self.fresh_count);
        out.extend_from_slice(&self.fresh);
        out.extend_from_slice(&body);
        self.body = body;
    }

    /// The strings of a matched statement, remembered when they depend only
    /// on the store and the reader remembers each of them.
    fn matched_strings(
        &mut self,
        explained: &Explained<'_>,
        m: &Matched,
        key: Option<(Source, u32, u8, u8)>,
    ) -> [u32; 8] {
        let view = explained.view(m);
        let mut text = core::mem::take(&mut self.text);
        let policy = self.id(view.policy);
        text.clear();
        push_display(&mut text, &view.via);
        let via = self.id(&text);
        let kind = self.id(view.kind);
        let sid = view.sid.map_or(NONE, |sid| self.id(sid));
        let effect = self.id(view.effect);
        text.clear();
        push_display(&mut text, &view.path);
        let path = self.id(&text);
        self.text = text;
        let (start, end) = view.span.map_or((0, 0), |s| {
            (u32::try_from(s.start).map_or(0, |s| s.saturating_add(1)), u32::try_from(s.end).unwrap_or(0))
        });
        let strings = [policy, via, kind, sid, effect, path, start, end];
        let remembered = [policy, via, kind, sid, effect, path].iter().all(|&id| id == NONE || id < MAX_REMEMBERED);
        if let (Some(k), true) = (key, remembered) {
            self.matched.insert(k, strings);
        }
        strings
    }

    /// The id of `text`, announcing it in the new-strings section when the
    /// reader has not seen it.
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let remembered = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        let id = if remembered < MAX_REMEMBERED {
            self.ids.insert(Box::from(text), remembered);
            remembered
        } else {
            self.one_off += 1;
            MAX_REMEMBERED + self.one_off
        };
        self.fresh_count += 1;
        self.fresh.push(id);
        self.fresh.push(count(text.len()));
        for chunk in text.as_bytes().chunks(4) {
            let mut word = [0u8; 4];
            for (slot, b) in word.iter_mut().zip(chunk) {
                *slot = *b;
            }
            self.fresh.push(u32::from_le_bytes(word));
        }
        id
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What identifies a matched statement's strings, when they depend only on
/// the store (a session policy's depend on the request).
fn memo_key(m: &Matched) -> Option<(Source, u32, u8, u8)> {
    match m.source {
        Source::Session => None,
        source => Some((source, m.statement, m.kind as u8, m.effect as u8)),
    }
}

fn push_display(out: &mut String, value: &dyn core::fmt::Display) {
    use core::fmt::Write;
    let _ = write!(out, "{value}");
}
