//! Decisions and their explanation.
//!
//! A [`Decision`] refers to policies and paths by index, so evaluating does
//! not format text; [`Decision::explain`] pairs it with the store and the
//! request for display or serialization (the JSON shape of DESIGN.md):
//! [`Explained::write_json`] on the request path, serde where a structured
//! serializer is wanted; both give the same JSON.

mod compact;
mod write;

pub use compact::{CompactWriter, NONE as COMPACT_NONE};

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::diag::Span;
use crate::policy::{Effect, Policy, PolicyKind};
use crate::request::Request;
use crate::small::{Slot, SmallList};
use crate::store::{AssignmentId, PolicyId, RoleId, Store, ViaId};
use crate::value::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Reason {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Allowed => "Allowed",
            Reason::ExplicitDeny => "ExplicitDeny",
            Reason::ImplicitDeny => "ImplicitDeny",
        }
    }
}

/// Where a matched statement lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// A policy of the store's `policies`, reaching the principal by `via`.
    Named { policy: PolicyId, via: ViaId },
    /// The policy of a store resource.
    Resource { resource: u32 },
    /// A role's trust policy.
    Trust { role: RoleId },
    /// The request's session policy.
    Session,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    pub source: Source,
    pub kind: PolicyKind,
    pub statement: u32,
    pub effect: Effect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alert {
    /// A break-glass role took part in an allow.
    BreakGlass,
}

impl Alert {
    pub fn as_str(self) -> &'static str {
        match self {
            Alert::BreakGlass => "break-glass",
        }
    }
}

impl Slot for Matched {
    const EMPTY: Matched =
        Matched { source: Source::Session, kind: PolicyKind::Session, statement: 0, effect: Effect::Allow };
}

impl Slot for Alert {
    const EMPTY: Alert = Alert::BreakGlass;
}

impl Slot for Missing {
    const EMPTY: Missing = Missing::Allow;
}

/// Facts worth telling the reader of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    AssignmentNotStarted(AssignmentId),
    AssignmentEnded(AssignmentId),
    /// A time-bound assignment, but the request carried no time.
    AssignmentNeedsTime(AssignmentId),
    /// The principal is not in the store; only resource policies can allow it.
    UnknownPrincipal(String),
    /// The role has no trust policy, so nobody can assume it.
    NoTrustPolicy(RoleId),
    SessionExpired {
        role: RoleId,
        at: Instant,
    },
    /// Principal and resource are in different accounts: both sides must allow.
    CrossAccount {
        principal: String,
        resource: String,
    },
}

/// What an implicit deny lacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Missing {
    /// No identity or resource policy allows the request.
    Allow,
    /// Cross-account or role assumption: the caller's identity policies must allow too.
    IdentityAllow,
    /// Cross-account: the resource's policy must allow too.
    ResourceAllow,
    /// The permissions boundary does not allow it.
    Boundary,
    /// No guardrail allows it.
    Guardrail,
    /// The session policy does not allow it.
    Session,
    /// The role's trust policy does not allow the caller.
    Trust,
    /// The role session has outlived its role's `maxSessionSeconds`.
    SessionExpired,
}

impl Missing {
    pub fn as_str(self) -> &'static str {
        match self {
            Missing::Allow => "allow",
            Missing::IdentityAllow => "identity",
            Missing::ResourceAllow => "resource",
            Missing::Boundary => "boundary",
            Missing::Guardrail => "guardrail",
            Missing::Session => "session",
            Missing::Trust => "trust",
            Missing::SessionExpired => "session-expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub reason: Reason,
    pub matched: Vec<Matched>,
    pub alerts: SmallList<Alert, 1>,
    pub notes: Vec<Note>,
    pub missing: SmallList<Missing, 3>,
    /// The boundary whose absence of an allow decided, for the explanation.
    pub boundary: Option<PolicyId>,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        self.reason == Reason::Allowed
    }

    pub fn decision_str(&self) -> &'static str {
        if self.allowed() {
            "Allow"
        } else {
            "Deny"
        }
    }

    /// Pairs the decision with what it refers to, for display and serialization.
    pub fn explain<'a>(&'a self, store: &'a Store, request: &'a Request) -> Explained<'a> {
        Explained { decision: self, store, request }
    }
}

/// A decision with its store and request: serializes to the Decision JSON.
#[derive(Debug, Clone, Copy)]
pub struct Explained<'a> {
    pub decision: &'a Decision,
    pub store: &'a Store,
    pub request: &'a Request<'a>,
}

/// One matched statement, resolved to names and places. Its text fields
/// write themselves into the output (no intermediate strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedView<'a> {
    pub policy: &'a str,
    pub via: Via<'a>,
    pub kind: &'static str,
    pub statement: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<&'a str>,
    pub effect: &'static str,
    /// JSON pointer to the statement: in the store, or (`/session/...`) in the request.
    pub path: StatementPointer<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The store said its names need no JSON escaping (never for the
    /// request's session policy, whose names come with each request).
    #[serde(skip)]
    pub names_plain: bool,
}

/// How a policy reached the principal: `group/developers > role/Dev`, `resource/<arn>`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via<'a> {
    prefix: &'static str,
    name: &'a str,
    /// `name` needs no JSON escaping (see [`MatchedView::names_plain`]).
    plain: bool,
}

impl Via<'_> {
    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put_plain(self.prefix);
        out.put_name(self.name, self.plain);
    }
}

impl fmt::Display for Via<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FmtSink::run(f, |out| self.write_to(out))
    }
}

impl Serialize for Via<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `/policies/<name>/Statement/<i>` and the like, escaped as RFC 6901 asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementPointer<'a> {
    /// Pointer segments before `Statement`, the first a fixed word.
    base: [&'a str; 3],
    /// `None` when `Statement` is a single object rather than an array.
    index: Option<u32>,
    /// The segments need no JSON escaping (see [`MatchedView::names_plain`]).
    plain: bool,
}

impl StatementPointer<'_> {
    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        for segment in self.base.iter().filter(|s| !s.is_empty()) {
            out.put_plain("/");
            let mut rest: &str = segment;
            while let Some(at) = crate::text::find_either(rest.as_bytes(), b'~', b'/') {
                out.put_name(rest.get(..at).unwrap_or_default(), self.plain);
                out.put_plain(if rest.as_bytes().get(at) == Some(&b'~') { "~0" } else { "~1" });
                rest = rest.get(at + 1..).unwrap_or_default();
            }
            out.put_name(rest, self.plain);
        }
        out.put_plain("/Statement");
        if let Some(i) = self.index {
            out.put_plain("/");
            put_u64(out, u64::from(i));
        }
    }
}

impl fmt::Display for StatementPointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FmtSink::run(f, |out| self.write_to(out))
    }
}

impl Serialize for StatementPointer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'a> Explained<'a> {
    pub fn matched(&self) -> impl Iterator<Item = MatchedView<'a>> + '_ {
        self.decision.matched.iter().map(move |m| self.view(m))
    }

    pub(crate) fn view(&self, m: &Matched) -> MatchedView<'a> {
        let store = self.store;
        let session_name = self.request.session().map_or("", |s| s.name.as_str());
        let plain = store.names_json_plain && m.source != Source::Session;
        let (policy_name, via, doc, base): (&'a str, Via<'a>, Option<&'a Policy>, [&'a str; 3]) = match m.source {
            Source::Named { policy, via } => match store.policy(policy) {
                Some(p) => (
                    p.name.as_str(),
                    Via { prefix: "", name: store.via(via), plain },
                    Some(&p.doc),
                    ["policies", &p.name, ""],
                ),
                None => ("", Via { prefix: "", name: "", plain }, None, ["", "", ""]),
            },
            Source::Resource { resource } => match store.resource(resource) {
                Some(r) => (
                    r.key.as_str(),
                    Via { prefix: "resource/", name: &r.key, plain },
                    r.policy.as_ref(),
                    ["resources", &r.key, "policy"],
                ),
                None => ("", Via { prefix: "", name: "", plain }, None, ["", "", ""]),
            },
            Source::Trust { role } => match store.role(role) {
                Some(r) => (
                    r.name.as_str(),
                    Via { prefix: "role/", name: &r.name, plain },
                    r.trust.as_ref(),
                    ["roles", &r.name, "trust"],
                ),
                None => ("", Via { prefix: "", name: "", plain }, None, ["", "", ""]),
            },
            Source::Session => (
                "session",
                Via { prefix: "session/", name: session_name, plain },
                self.request.session().and_then(|s| s.policy.as_ref()),
                ["session", "policy", ""],
            ),
        };
        let statement = doc.and_then(|d| d.statements.get(m.statement as usize));
        let single = doc.is_some_and(|d| d.statement_is_object);
        MatchedView {
            policy: policy_name,
            via,
            kind: m.kind.as_str(),
            statement: m.statement,
            sid: statement.and_then(|s| s.sid.as_deref()),
            effect: m.effect.as_str(),
            path: StatementPointer { base, index: (!single).then_some(m.statement), plain },
            span: statement.map(|s| s.span).filter(|s| *s != Span::default() && m.source != Source::Session),
            names_plain: plain,
        }
    }

    /// The notes as sentences.
    pub fn notes(&self) -> impl Iterator<Item = String> + '_ {
        self.decision.notes.iter().map(move |note| {
            let mut text = String::new();
            NoteText { explained: *self, note }.write_to(&mut Plain(&mut text));
            text
        })
    }

    /// Appends note `i` to `out`, as [`Explained::notes`] writes it.
    pub fn write_note(&self, i: usize, out: &mut String) {
        if let Some(note) = self.decision.notes.get(i) {
            NoteText { explained: *self, note }.write_to(&mut Plain(out));
        }
    }

    /// The decision in one sentence, for logs and the playground.
    pub fn summary(&self) -> String {
        let mut text = String::new();
        self.write_summary(&mut text);
        text
    }

    /// Appends the summary to `out`.
    pub fn write_summary(&self, out: &mut String) {
        Summary(*self).write_to(&mut Plain(out));
    }

    fn missing_text(&self, m: Missing) -> &'static str {
        match m {
            Missing::Allow => "no policy allows this request",
            Missing::IdentityAllow => "the caller's own policies do not allow it",
            Missing::ResourceAllow => "the resource's policy does not allow this caller",
            Missing::Boundary => "the permissions boundary does not allow it",
            Missing::Guardrail => "no guardrail allows it",
            Missing::Session => "the session policy does not allow it",
            Missing::Trust => "the role's trust policy does not allow this caller",
            Missing::SessionExpired => "the role session has expired",
        }
    }
}

impl Serialize for Explained<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.decision;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("decision", d.decision_str())?;
        map.serialize_entry("reason", d.reason.as_str())?;
        map.serialize_entry("matched", &MatchedList(self))?;
        map.serialize_entry("alerts", &AlertList(&d.alerts))?;
        map.serialize_entry("notes", &NoteList(self))?;
        if !d.missing.is_empty() {
            let missing: Vec<&str> = d.missing.iter().map(|m| m.as_str()).collect();
            map.serialize_entry("missing", &missing)?;
        }
        map.serialize_entry("summary", &Summary(*self))?;
        map.end()
    }
}

struct MatchedList<'a, 'b>(&'b Explained<'a>);

impl Serialize for MatchedList<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.decision.matched.len()))?;
        for m in self.0.matched() {
            seq.serialize_element(&m)?;
        }
        seq.end()
    }
}

/// One note as a sentence, written straight into the output.
struct NoteText<'a, 'b> {
    explained: Explained<'a>,
    note: &'b Note,
}

impl NoteText<'_, '_> {
    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        let store = self.explained.store;
        let role_name = |id: RoleId| store.role(id).map_or("", |r| r.name.as_str());
        let assignment = |out: &mut S, id: AssignmentId| -> Option<&crate::store::Assignment> {
            let a = store.assignment(id);
            out.put_plain("assignment of role ");
            out.put(a.map_or("", |a| role_name(a.role)));
            if let Some(reason) = a.and_then(|a| a.reason.as_deref()) {
                out.put_plain(" (");
                out.put(reason);
                out.put_plain(")");
            }
            a
        };
        match self.note {
            Note::AssignmentNotStarted(id) => {
                let a = assignment(out, *id);
                out.put_plain(" starts at ");
                if let Some(at) = a.and_then(|a| a.not_before) {
                    put_rfc3339(out, at);
                }
            }
            Note::AssignmentEnded(id) => {
                let a = assignment(out, *id);
                out.put_plain(" ended at ");
                if let Some(at) = a.and_then(|a| a.not_after) {
                    put_rfc3339(out, at);
                }
            }
            Note::AssignmentNeedsTime(id) => {
                assignment(out, *id);
                out.put_plain(" is time-bound and the request has no current time, so it is not in force");
            }
            Note::UnknownPrincipal(p) => {
                out.put_plain("principal ");
                out.put(p);
                out.put_plain(" is not in the store; only resource policies can allow it");
            }
            Note::NoTrustPolicy(role) => {
                out.put_plain("role ");
                out.put(role_name(*role));
                out.put_plain(" has no trust policy, so nobody can assume it");
            }
            Note::SessionExpired { role, at } => {
                out.put_plain("the session of role ");
                out.put(role_name(*role));
                out.put_plain(" expired at ");
                put_rfc3339(out, *at);
                out.put_plain(" (maxSessionSeconds)");
            }
            Note::CrossAccount { principal, resource } => {
                out.put_plain("cross-account request (principal in ");
                out.put(principal);
                out.put_plain(", resource in ");
                out.put(resource);
                out.put_plain("): identity and resource policies must both allow");
            }
        }
    }
}

impl fmt::Display for NoteText<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FmtSink::run(f, |out| self.write_to(out))
    }
}

/// The one-sentence explanation, written straight into the output.
struct Summary<'a>(Explained<'a>);

impl Summary<'_> {
    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        let e = &self.0;
        let mut first = true;
        let mut item = |out: &mut S, m: &MatchedView<'_>| {
            if !core::mem::take(&mut first) {
                out.put_plain(", ");
            }
            out.put_plain(m.kind);
            out.put_plain(" ");
            out.put_name(m.policy, m.names_plain);
            out.put_plain(" (statement ");
            match m.sid {
                Some(sid) => out.put_name(sid, m.names_plain),
                None => put_u64(out, u64::from(m.statement)),
            }
            out.put_plain(")");
        };
        match e.decision.reason {
            Reason::ExplicitDeny => {
                out.put_plain("denied by ");
                for m in e.matched() {
                    item(out, &m);
                }
            }
            Reason::Allowed => {
                out.put_plain("allowed by ");
                for m in e.matched().filter(|m| matches!(m.kind, "identity" | "resource" | "trust")) {
                    item(out, &m);
                }
            }
            Reason::ImplicitDeny => {
                out.put_plain("denied: ");
                for (i, m) in e.decision.missing.iter().enumerate() {
                    if i > 0 {
                        out.put_plain("; ");
                    }
                    out.put_plain(e.missing_text(*m));
                }
            }
        }
    }
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FmtSink::run(f, |out| self.write_to(out))
    }
}

/// Where explanation text goes: a `fmt::Formatter` (Display, serde) or the
/// Decision JSON being written (escaped as it goes, `write.rs`). The text is
/// produced once, by the `write_to` functions, for both.
pub(crate) trait Sink {
    fn put(&mut self, s: &str);

    /// Text of ours that needs no escaping: the fixed words of explanations.
    fn put_plain(&mut self, s: &'static str) {
        self.put(s);
    }

    /// Digits, dashes and colons (numbers, times): never escaped either.
    fn put_digits(&mut self, s: &str) {
        self.put(s);
    }

    /// A name from the store; `plain` when the store found at load that
    /// none of its names needs escaping.
    fn put_name(&mut self, s: &str, plain: bool) {
        let _ = plain;
        self.put(s);
    }
}

/// Writes `n` in decimal.
fn put_u64<S: Sink + ?Sized>(out: &mut S, n: u64) {
    out.put_digits(itoa::Buffer::new().format(n));
}

/// A `Sink` that appends the text as it is.
struct Plain<'a>(&'a mut String);

impl Sink for Plain<'_> {
    #[inline]
    fn put(&mut self, s: &str) {
        self.0.push_str(s);
    }
}

/// A `Sink` over a formatter, keeping its first error.
struct FmtSink<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    result: fmt::Result,
}

impl<'a, 'b> FmtSink<'a, 'b> {
    fn run(f: &'a mut fmt::Formatter<'b>, write: impl FnOnce(&mut Self)) -> fmt::Result {
        let mut sink = FmtSink { f, result: Ok(()) };
        write(&mut sink);
        sink.result
    }
}

impl Sink for FmtSink<'_, '_> {
    fn put(&mut self, s: &str) {
        if self.result.is_ok() {
            self.result = self.f.write_str(s);
        }
    }
}

/// [`Instant::to_rfc3339`] without the intermediate string (same text).
fn put_rfc3339<S: Sink + ?Sized>(out: &mut S, at: Instant) {
    let secs = at.unix_seconds();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::value::civil_from_days(days);
    if !(0..=9999).contains(&y) {
        out.put(&at.to_rfc3339());
        return;
    }
    let mut text = *b"0000-00-00T00:00:00Z";
    let mut two = |at: usize, v: i64| {
        if let Some(slot) = text.get_mut(at..at + 2) {
            slot.copy_from_slice(&[b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8]);
        }
    };
    two(0, y / 100);
    two(2, y % 100);
    two(5, m);
    two(8, d);
    two(11, rem / 3600);
    two(14, rem % 3600 / 60);
    two(17, rem % 60);
    out.put_digits(core::str::from_utf8(&text).unwrap_or_default());
}

impl Serialize for Summary<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Serializes any `Display` as a string.
struct DisplayStr<T>(T);

impl<T: fmt::Display> Serialize for DisplayStr<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

struct NoteList<'a, 'b>(&'b Explained<'a>);

impl Serialize for NoteList<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.decision.notes.len()))?;
        for note in &self.0.decision.notes {
            seq.serialize_element(&DisplayStr(NoteText { explained: *self.0, note }))?;
        }
        seq.end()
    }
}

struct AlertList<'a>(&'a [Alert]);

impl Serialize for AlertList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for a in self.0 {
            seq.serialize_element(a.as_str())?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Text(String);
    impl Sink for Text {
        fn put(&mut self, s: &str) {
            self.0.push_str(s);
        }
    }

    #[test]
    fn pointers_escape_as_rfc6901_asks() {
        let reference =
            |name: &str| alloc::format!("/policies/{}/Statement/3", name.replace('~', "~0").replace('/', "~1"));
        // Empty segments are left out of a pointer; every other length is tried.
        for len in 1..40 {
            for at in 0..=len {
                for (first, second) in [('~', '/'), ('/', '~'), ('/', '/'), ('~', '~')] {
                    let mut name: Vec<char> = "p".repeat(len).chars().collect();
                    if let Some(c) = name.get_mut(at) {
                        *c = first;
                    }
                    if let Some(c) = name.get_mut(at + 5) {
                        *c = second;
                    }
                    let name: String = name.into_iter().collect();
                    for plain in [false, true] {
                        let pointer = StatementPointer { base: ["policies", &name, ""], index: Some(3), plain };
                        let mut text = Text(String::new());
                        pointer.write_to(&mut text);
                        assert_eq!(text.0, reference(&name));
                    }
                }
            }
        }
    }

    #[test]
    fn times_and_numbers_are_written_as_before() {
        let mut secs: i64 = -62_135_596_800 - 86_400 * 400; // before year 0 (falls back)
        while secs < 253_402_300_800 + 86_400 * 400 {
            let at = Instant(i128::from(secs) * 1_000_000_000 + 123);
            let mut text = Text(String::new());
            put_rfc3339(&mut text, at);
            assert_eq!(text.0, at.to_rfc3339(), "{secs}");
            secs += 86_400 * 37 + 3_671;
        }
        for n in [0u64, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
            let mut text = Text(String::new());
            put_u64(&mut text, n);
            assert_eq!(text.0, alloc::format!("{n}"));
        }
    }
}
