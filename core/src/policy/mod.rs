//! Policy documents: the typed form of the IAM / RAM JSON grammar.

mod parse;

pub use parse::{parse_policy, PolicyKind};

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::arn::{ParsedArn, ResourcePattern};
use crate::condition::{Condition, Lookup};
use crate::diag::Span;
use crate::glob::Glob;
use crate::vars::{Mode, Template};

/// Which grammar a document follows, decided by its `Version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Dialect {
    /// AWS IAM: Version `2012-10-17`, `2008-10-17` or none.
    Aws,
    /// Alibaba Cloud RAM: Version `1`.
    Ram,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A parsed policy document.
#[derive(Debug, Clone)]
pub struct Policy {
    pub dialect: Dialect,
    /// The `Version` text, if any.
    pub version: Option<String>,
    /// Only `2012-10-17` substitutes policy variables.
    pub substitutes: bool,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
    /// `Statement` was one object rather than an array (changes its JSON pointer).
    pub statement_is_object: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: ActionMatch,
    /// Absent only in role trust policies, where the role itself is the resource.
    pub resource: Option<ResourceMatch>,
    /// Present only in resource and trust policies.
    pub principal: Option<PrincipalMatch>,
    pub conditions: Vec<Condition>,
    pub span: Span,
}

impl Statement {
    /// True when the statement tests nothing but the action: no resource
    /// other than `*`, no principal, no condition.
    pub fn tests_only_action(&self) -> bool {
        self.principal.is_none()
            && self.conditions.is_empty()
            && self.resource.as_ref().is_none_or(|r| {
                !r.negated && r.entries.iter().any(|e| matches!(e, ResourceEntry::Fixed(ResourcePattern::Any)))
            })
    }
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone)]
pub struct ActionMatch {
    pub negated: bool,
    pub patterns: Vec<ActionPattern>,
}

#[derive(Debug, Clone)]
pub enum ActionPattern {
    /// `*`
    Any,
    Scoped {
        service: ServicePattern,
        name: Glob,
    },
}

#[derive(Debug, Clone)]
pub enum ServicePattern {
    /// Lowercase service prefix.
    Literal(Box<str>),
    /// RAM allows wildcards in the service (`*:DescribeTags`).
    Glob(Glob),
}

/// A request action split once into its service and name, both lowercase
/// (action patterns are stored lowercase; IAM matches actions without case).
#[derive(Debug, Clone, Copy)]
pub struct ActionRef<'a> {
    pub service: &'a str,
    pub name: &'a str,
}

impl ActionPattern {
    pub fn matches(&self, action: ActionRef<'_>) -> bool {
        match self {
            ActionPattern::Any => true,
            ActionPattern::Scoped { service, name } => {
                let service_ok = match service {
                    ServicePattern::Literal(s) => crate::glob::eq(s.as_bytes(), action.service.as_bytes(), false),
                    ServicePattern::Glob(g) => g.matches(action.service),
                };
                service_ok && name.matches(action.name)
            }
        }
    }

    /// The literal service, or `None` when the pattern spans services.
    pub fn literal_service(&self) -> Option<&str> {
        match self {
            ActionPattern::Scoped { service: ServicePattern::Literal(s), .. } => Some(s),
            _ => None,
        }
    }
}

impl ActionMatch {
    #[cfg_attr(target_family = "wasm", inline(never))]
    pub fn matches(&self, action: ActionRef<'_>) -> bool {
        self.patterns.iter().any(|p| p.matches(action)) != self.negated
    }

    /// The services this statement can apply to, for the index; `None` when
    /// it can apply to any service (`*`, a service wildcard, or `NotAction`).
    pub fn services(&self) -> Option<Vec<&str>> {
        if self.negated {
            return None;
        }
        let mut out: Vec<&str> = Vec::with_capacity(self.patterns.len());
        for p in &self.patterns {
            let s = p.literal_service()?;
            if !out.contains(&s) {
                out.push(s);
            }
        }
        Some(out)
    }
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone)]
pub struct ResourceMatch {
    pub negated: bool,
    pub entries: Vec<ResourceEntry>,
}

#[derive(Debug, Clone)]
pub enum ResourceEntry {
    Fixed(ResourcePattern),
    /// Has policy variables in its resource part; resolved per request.
    Template(Template),
}

/// The request resource, as the matchers need it.
#[derive(Debug, Clone, Copy)]
pub struct ResourceRef<'a> {
    pub text: &'a str,
    pub arn: Option<ParsedArn<'a>>,
}

impl ResourceEntry {
    /// `None` when a variable does not resolve: the entry then matches nothing.
    fn matches(&self, resource: &ResourceRef<'_>, lookup: &dyn Lookup) -> Option<bool> {
        match self {
            ResourceEntry::Fixed(p) => Some(p.matches(resource.arn.as_ref())),
            ResourceEntry::Template(t) => {
                let text = t.resolve(Mode::Glob, &mut |key| lookup.variable(key))?;
                let pattern = ResourcePattern::compile(&text).ok()?;
                Some(pattern.matches(resource.arn.as_ref()))
            }
        }
    }
}

impl ResourceMatch {
    #[cfg_attr(target_family = "wasm", inline(never))]
    pub fn matches(&self, resource: &ResourceRef<'_>, lookup: &dyn Lookup) -> bool {
        // An entry with an unresolvable variable matches nothing, so under
        // NotResource it does not exclude the resource either.
        let any = self.entries.iter().any(|e| e.matches(resource, lookup) == Some(true));
        any != self.negated
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone)]
pub struct PrincipalMatch {
    pub negated: bool,
    pub entries: Vec<PrincipalEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `*`, `{"AWS": "*"}`, `["*"]`.
    Any,
    /// An account ID, or its `:root` ARN: the account delegates to its own policies.
    Account(String),
    /// A user, role, assumed-role session or federated user ARN, compared exactly.
    Arn(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

/// Who is asking, as resource and trust policies see it.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    /// The user ARN, the session ARN of a role session, or an external ARN.
    pub arn: Cow<'a, str>,
    /// For a role session, the role's own ARN.
    pub role_arn: Option<Cow<'a, str>>,
    pub account: Cow<'a, str>,
    /// The caller has a permissions boundary (changes `NotPrincipal`, see iam-semantics 5.1).
    pub has_boundary: bool,
}

/// How a resource policy statement named the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalFit {
    /// Through the caller's account: delegates to the caller's identity policies.
    Account,
    /// Through the role of a role session: limited by boundaries and session policies.
    Role,
    /// `*`: anyone.
    Anyone,
    /// The caller's own ARN (user, session, federated user).
    Direct,
}

impl PrincipalEntry {
    fn fit(&self, caller: &Caller<'_>) -> Option<PrincipalFit> {
        match self {
            PrincipalEntry::Any => Some(PrincipalFit::Anyone),
            PrincipalEntry::Account(account) => (**account == *caller.account).then_some(PrincipalFit::Account),
            PrincipalEntry::Arn(arn) => {
                if **arn == *caller.arn {
                    Some(PrincipalFit::Direct)
                } else if caller.role_arn.as_deref() == Some(arn.as_str()) {
                    Some(PrincipalFit::Role)
                } else {
                    None
                }
            }
            PrincipalEntry::Service(s) | PrincipalEntry::Federated(s) | PrincipalEntry::CanonicalUser(s) => {
                (**s == *caller.arn).then_some(PrincipalFit::Direct)
            }
        }
    }
}

impl PrincipalMatch {
    /// How the statement names the caller; `None` when it does not apply to them.
    pub fn fit(&self, caller: &Caller<'_>) -> Option<PrincipalFit> {
        if self.negated {
            // A Deny with NotPrincipal always applies to principals with a
            // permissions boundary (AWS NotPrincipal documentation; vector X10).
            if caller.has_boundary {
                return Some(PrincipalFit::Anyone);
            }
            let named = self.entries.iter().any(|e| e.fit(caller).is_some());
            return (!named).then_some(PrincipalFit::Anyone);
        }
        self.entries.iter().filter_map(|e| e.fit(caller)).max()
    }
}
