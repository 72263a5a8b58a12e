//! Decisions and their explanation.
//!
//! A [`Decision`] refers to policies and paths by index, so evaluating does
//! not format text; [`Decision::explain`] pairs it with the store and the
//! request for display or serialization (the JSON shape of DESIGN.md):
//! [`Explained::write_json`] on the request path, serde where a structured
//! serializer is wanted; both give the same JSON.

mod write;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::diag::Span;
use crate::policy::{Effect, Policy, PolicyKind};
use crate::request::Request;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub alerts: Vec<Alert>,
    pub notes: Vec<Note>,
    pub missing: Vec<Missing>,
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
    pub request: &'a Request,
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
}

/// How a policy reached the principal: `group/developers > role/Dev`, `resource/<arn>`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via<'a> {
    prefix: &'static str,
    name: &'a str,
}

impl fmt::Display for Via<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix)?;
        f.write_str(self.name)
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
}

impl fmt::Display for StatementPointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in self.base.iter().filter(|s| !s.is_empty()) {
            f.write_char('/')?;
            if !segment.contains(['~', '/']) {
                f.write_str(segment)?;
                continue;
            }
            for c in segment.chars() {
                match c {
                    '~' => f.write_str("~0")?,
                    '/' => f.write_str("~1")?,
                    c => f.write_char(c)?,
                }
            }
        }
        f.write_str("/Statement")?;
        match self.index {
            Some(i) => write!(f, "/{i}"),
            None => Ok(()),
        }
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

    fn view(&self, m: &Matched) -> MatchedView<'a> {
        let store = self.store;
        let session_name = self.request.session.as_ref().map_or("", |s| s.name.as_str());
        let (policy_name, via, doc, base): (&'a str, Via<'a>, Option<&'a Policy>, [&'a str; 3]) = match m.source {
            Source::Named { policy, via } => match store.policy(policy) {
                Some(p) => {
                    (p.name.as_str(), Via { prefix: "", name: store.via(via) }, Some(&p.doc), ["policies", &p.name, ""])
                }
                None => ("", Via { prefix: "", name: "" }, None, ["", "", ""]),
            },
            Source::Resource { resource } => match store.resource(resource) {
                Some(r) => (
                    r.key.as_str(),
                    Via { prefix: "resource/", name: &r.key },
                    r.policy.as_ref(),
                    ["resources", &r.key, "policy"],
                ),
                None => ("", Via { prefix: "", name: "" }, None, ["", "", ""]),
            },
            Source::Trust { role } => match store.role(role) {
                Some(r) => (
                    r.name.as_str(),
                    Via { prefix: "role/", name: &r.name },
                    r.trust.as_ref(),
                    ["roles", &r.name, "trust"],
                ),
                None => ("", Via { prefix: "", name: "" }, None, ["", "", ""]),
            },
            Source::Session => (
                "session",
                Via { prefix: "session/", name: session_name },
                self.request.session.as_ref().and_then(|s| s.policy.as_ref()),
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
            path: StatementPointer { base, index: (!single).then_some(m.statement) },
            span: statement.map(|s| s.span).filter(|s| *s != Span::default() && m.source != Source::Session),
        }
    }

    /// The notes as sentences.
    pub fn notes(&self) -> impl Iterator<Item = String> + '_ {
        self.decision
            .notes
            .iter()
            .map(move |note| alloc::string::ToString::to_string(&NoteText { explained: *self, note }))
    }

    /// The decision in one sentence, for logs and the playground.
    pub fn summary(&self) -> String {
        alloc::string::ToString::to_string(&Summary(*self))
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

impl fmt::Display for NoteText<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = self.explained.store;
        let role_name = |id: RoleId| store.role(id).map_or("", |r| r.name.as_str());
        let assignment =
            |f: &mut fmt::Formatter<'_>, id: AssignmentId| -> Result<Option<&crate::store::Assignment>, fmt::Error> {
                let a = store.assignment(id);
                write!(f, "assignment of role {}", a.map_or("", |a| role_name(a.role)))?;
                if let Some(reason) = a.and_then(|a| a.reason.as_deref()) {
                    write!(f, " ({reason})")?;
                }
                Ok(a)
            };
        match self.note {
            Note::AssignmentNotStarted(id) => {
                let a = assignment(f, *id)?;
                let at = a.and_then(|a| a.not_before).map(Instant::to_rfc3339).unwrap_or_default();
                write!(f, " starts at {at}")
            }
            Note::AssignmentEnded(id) => {
                let a = assignment(f, *id)?;
                let at = a.and_then(|a| a.not_after).map(Instant::to_rfc3339).unwrap_or_default();
                write!(f, " ended at {at}")
            }
            Note::AssignmentNeedsTime(id) => {
                assignment(f, *id)?;
                f.write_str(" is time-bound and the request has no current time, so it is not in force")
            }
            Note::UnknownPrincipal(p) => {
                write!(f, "principal {p} is not in the store; only resource policies can allow it")
            }
            Note::NoTrustPolicy(role) => {
                write!(f, "role {} has no trust policy, so nobody can assume it", role_name(*role))
            }
            Note::SessionExpired { role, at } => {
                write!(f, "the session of role {} expired at {} (maxSessionSeconds)", role_name(*role), at.to_rfc3339())
            }
            Note::CrossAccount { principal, resource } => write!(
                f,
                "cross-account request (principal in {principal}, resource in {resource}): identity and resource policies must both allow"
            ),
        }
    }
}

/// The one-sentence explanation, written straight into the output.
struct Summary<'a>(Explained<'a>);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        let mut first = true;
        let mut item = |f: &mut fmt::Formatter<'_>, m: &MatchedView<'_>| -> fmt::Result {
            if !core::mem::take(&mut first) {
                f.write_str(", ")?;
            }
            match m.sid {
                Some(sid) => write!(f, "{} {} (statement {sid})", m.kind, m.policy),
                None => write!(f, "{} {} (statement {})", m.kind, m.policy, m.statement),
            }
        };
        match e.decision.reason {
            Reason::ExplicitDeny => {
                f.write_str("denied by ")?;
                for m in e.matched() {
                    item(f, &m)?;
                }
                Ok(())
            }
            Reason::Allowed => {
                f.write_str("allowed by ")?;
                for m in e.matched().filter(|m| matches!(m.kind, "identity" | "resource" | "trust")) {
                    item(f, &m)?;
                }
                Ok(())
            }
            Reason::ImplicitDeny => {
                f.write_str("denied: ")?;
                for (i, m) in e.decision.missing.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    f.write_str(e.missing_text(*m))?;
                }
                Ok(())
            }
        }
    }
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
            seq.serialize_element(match a {
                Alert::BreakGlass => "break-glass",
            })?;
        }
        seq.end()
    }
}
