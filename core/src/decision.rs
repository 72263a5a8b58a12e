//! Decisions and their explanation.
//!
//! A [`Decision`] refers to policies and paths by index, so evaluating does
//! not format text; [`Decision::explain`] pairs it with the store and the
//! request for display or serialization (the JSON shape of DESIGN.md).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::diag::Span;
use crate::json::join_pointer;
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

/// One matched statement, resolved to names and places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedView<'a> {
    pub policy: &'a str,
    pub via: String,
    pub kind: &'static str,
    pub statement: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<&'a str>,
    pub effect: &'static str,
    /// JSON pointer to the statement: in the store, or (`/session/...`) in the request.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

impl<'a> Explained<'a> {
    pub fn matched(&self) -> impl Iterator<Item = MatchedView<'a>> + '_ {
        self.decision.matched.iter().map(move |m| self.view(m))
    }

    fn view(&self, m: &Matched) -> MatchedView<'a> {
        let store = self.store;
        let (policy_name, via, doc, base): (&'a str, String, Option<&'a Policy>, String) = match m.source {
            Source::Named { policy, via } => match store.policy(policy) {
                Some(p) => (p.name.as_str(), String::from(store.via(via)), Some(&p.doc), p.path.clone()),
                None => ("", String::new(), None, String::new()),
            },
            Source::Resource { resource } => match store.resource(resource) {
                Some(r) => (
                    r.key.as_str(),
                    format!("resource/{}", r.key),
                    r.policy.as_ref(),
                    join_pointer(&join_pointer("/resources", &r.key), "policy"),
                ),
                None => ("", String::new(), None, String::new()),
            },
            Source::Trust { role } => match store.role(role) {
                Some(r) => (
                    r.name.as_str(),
                    format!("role/{}", r.name),
                    r.trust.as_ref(),
                    join_pointer(&join_pointer("/roles", &r.name), "trust"),
                ),
                None => ("", String::new(), None, String::new()),
            },
            Source::Session => (
                "session",
                format!("session/{}", self.request.session.as_ref().map_or("", |s| s.name.as_str())),
                self.request.session.as_ref().and_then(|s| s.policy.as_ref()),
                String::from("/session/policy"),
            ),
        };
        let statement = doc.and_then(|d| d.statements.get(m.statement as usize));
        let single = doc.is_some_and(|d| d.statement_is_object);
        let path = if single {
            join_pointer(&base, "Statement")
        } else {
            join_pointer(&join_pointer(&base, "Statement"), &format!("{}", m.statement))
        };
        MatchedView {
            policy: policy_name,
            via,
            kind: m.kind.as_str(),
            statement: m.statement,
            sid: statement.and_then(|s| s.sid.as_deref()),
            effect: m.effect.as_str(),
            path,
            span: statement.map(|s| s.span).filter(|s| *s != Span::default() && m.source != Source::Session),
        }
    }

    /// The notes as sentences.
    pub fn notes(&self) -> impl Iterator<Item = String> + '_ {
        self.decision.notes.iter().map(move |n| self.note_text(n))
    }

    fn note_text(&self, note: &Note) -> String {
        let store = self.store;
        let assignment = |id: AssignmentId| {
            let a = store.assignment(id);
            let role = a.and_then(|a| store.role(a.role)).map_or("", |r| r.name.as_str());
            let reason = a.and_then(|a| a.reason.as_deref()).map(|r| format!(" ({r})")).unwrap_or_default();
            (a, role, reason)
        };
        match note {
            Note::AssignmentNotStarted(id) => {
                let (a, role, reason) = assignment(*id);
                let at = a.and_then(|a| a.not_before).map(Instant::to_rfc3339).unwrap_or_default();
                format!("assignment of role {role}{reason} starts at {at}")
            }
            Note::AssignmentEnded(id) => {
                let (a, role, reason) = assignment(*id);
                let at = a.and_then(|a| a.not_after).map(Instant::to_rfc3339).unwrap_or_default();
                format!("assignment of role {role}{reason} ended at {at}")
            }
            Note::AssignmentNeedsTime(id) => {
                let (_, role, reason) = assignment(*id);
                format!("assignment of role {role}{reason} is time-bound and the request has no current time, so it is not in force")
            }
            Note::UnknownPrincipal(p) => {
                format!("principal {p} is not in the store; only resource policies can allow it")
            }
            Note::NoTrustPolicy(role) => {
                format!(
                    "role {} has no trust policy, so nobody can assume it",
                    store.role(*role).map_or("", |r| r.name.as_str())
                )
            }
            Note::SessionExpired { role, at } => format!(
                "the session of role {} expired at {} (maxSessionSeconds)",
                store.role(*role).map_or("", |r| r.name.as_str()),
                at.to_rfc3339()
            ),
            Note::CrossAccount { principal, resource } => {
                format!("cross-account request (principal in {principal}, resource in {resource}): identity and resource policies must both allow")
            }
        }
    }

    /// The decision in one sentence, for logs and the playground.
    pub fn summary(&self) -> String {
        let d = self.decision;
        let name = |m: &MatchedView<'_>| match m.sid {
            Some(sid) => format!("{} {} (statement {sid})", m.kind, m.policy),
            None => format!("{} {} (statement {})", m.kind, m.policy, m.statement),
        };
        match d.reason {
            Reason::ExplicitDeny => {
                let names: Vec<String> = self.matched().map(|m| name(&m)).collect();
                format!("denied by {}", names.join(", "))
            }
            Reason::Allowed => {
                let names: Vec<String> = self
                    .matched()
                    .filter(|m| matches!(m.kind, "identity" | "resource" | "trust"))
                    .map(|m| name(&m))
                    .collect();
                format!("allowed by {}", names.join(", "))
            }
            Reason::ImplicitDeny => {
                let missing: Vec<&str> = d.missing.iter().map(|m| self.missing_text(*m)).collect();
                format!("denied: {}", missing.join("; "))
            }
        }
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
        let notes: Vec<String> = self.notes().collect();
        map.serialize_entry("notes", &notes)?;
        if !d.missing.is_empty() {
            let missing: Vec<&str> = d.missing.iter().map(|m| m.as_str()).collect();
            map.serialize_entry("missing", &missing)?;
        }
        map.serialize_entry("summary", &self.summary())?;
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
