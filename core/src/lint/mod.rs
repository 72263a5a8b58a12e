//! Policy validation beyond the grammar: security warnings, warnings and
//! suggestions for policy authors, in the classes of IAM Access Analyzer.
//!
//! The loader reports everything that stops a document from loading (class
//! `error`); the checks here never do, so a valid policy gets no false error.
//! Every code and its documentation is in [`registry::CHECKS`], from which
//! `docs/checks.md` is generated.
//!
//! Lints read the spanned JSON (for places) and the parsed [`Policy`] (for
//! meaning). A document is linted only when it parsed without errors.

mod catalog;
mod conditions;
mod policy;
pub mod registry;
mod store;
mod util;

use alloc::string::String;
use alloc::vec::Vec;

#[cfg(feature = "docs")]
pub use registry::checks_markdown;
pub use registry::{check_info, Check, Origin, Scope, CHECKS};

use crate::diag::Diagnostic;
use crate::json::{join_pointer, Json, Member};
use crate::policy::{parse_policy, Policy, PolicyKind, Statement};
use crate::value::Instant;

/// Options of [`crate::api::check_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The time that time-dependent checks (expired assignments) compare
    /// against. The core has no clock: without it those checks are skipped.
    pub now: Option<Instant>,
}

/// Lints one standalone policy document that parsed without errors.
pub fn lint_policy(json: &Json, policy: &Policy, kind: PolicyKind, diags: &mut Vec<Diagnostic>) {
    let budget = Budget::new();
    let doc = Doc::new(json, policy, kind, String::new(), true, &budget);
    policy::lint_document(&doc, diags);
}

/// Lints a store given as spanned JSON: every policy document in it that
/// parses, then the store-level checks. Works whether or not the store
/// loads, so an editor keeps its warnings while one policy is broken.
pub fn lint_store(json: &Json, options: &CheckOptions, diags: &mut Vec<Diagnostic>) {
    store::lint_store(json, options, diags);
}

/// A parsed policy with its JSON, for the lints.
pub(crate) struct Doc<'a> {
    pub json: &'a Json,
    pub policy: &'a Policy,
    pub kind: PolicyKind,
    /// JSON pointer of the document.
    pub path: String,
    /// The document grants access (identity or resource use), rather than
    /// only capping it (boundary, guardrail).
    pub grants: bool,
    pub statements: Vec<Stmt<'a>>,
    pub budget: &'a Budget,
}

/// Caps the pairwise comparisons of one `check` call (redundant entries and
/// statements, shadowing) so that a hostile document cannot make it slow;
/// past the cap those checks are skipped.
#[derive(Debug)]
pub(crate) struct Budget(core::cell::Cell<usize>);

impl Budget {
    /// Comparisons per `check` call: far above any real policy (the largest
    /// AWS managed policy uses under 100,000), far below a second of work.
    const COMPARISONS: usize = 2_000_000;

    pub fn new() -> Budget {
        Budget(core::cell::Cell::new(Self::COMPARISONS))
    }

    /// Takes `n` comparisons; `false`, taking nothing, when fewer are left.
    pub fn spend(&self, n: usize) -> bool {
        let left = self.0.get();
        if n > left {
            return false;
        }
        self.0.set(left - n);
        true
    }
}

/// One statement: its JSON object, its parsed form and its pointer.
pub(crate) struct Stmt<'a> {
    pub json: &'a Json,
    pub members: &'a [Member],
    pub parsed: &'a Statement,
    pub path: String,
    /// The texts of `Action` or `NotAction`, and whether it is `NotAction`.
    pub actions: Option<(Vec<&'a str>, bool)>,
    /// The texts of `Resource` or `NotResource`, and whether it is `NotResource`.
    pub resources: Option<(Vec<&'a str>, bool)>,
}

impl<'a> Doc<'a> {
    pub fn new(
        json: &'a Json,
        policy: &'a Policy,
        kind: PolicyKind,
        path: String,
        grants: bool,
        budget: &'a Budget,
    ) -> Doc<'a> {
        let statement_path = join_pointer(&path, "Statement");
        let jsons: Vec<(&'a Json, String)> = match json.get("Statement") {
            Some(s) => match s.as_array() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (item, join_pointer(&statement_path, &util::itoa(i))))
                    .collect(),
                None => alloc::vec![(s, statement_path.clone())],
            },
            None => Vec::new(),
        };
        // A policy that parsed has one statement per JSON statement, in order.
        let statements = if jsons.len() == policy.statements.len() {
            jsons
                .into_iter()
                .zip(policy.statements.iter())
                .filter_map(|((json, path), parsed)| {
                    let members = json.as_object()?;
                    let texts = |positive: &str, negative: &str| {
                        let (m, negated) = match members.iter().find(|m| m.key == positive) {
                            Some(m) => (m, false),
                            None => (members.iter().find(|m| m.key == negative)?, true),
                        };
                        Some((util::items(&m.value, "").into_iter().map(|i| i.text).collect(), negated))
                    };
                    let actions = texts("Action", "NotAction");
                    let resources = texts("Resource", "NotResource");
                    Some(Stmt { json, members, parsed, path, actions, resources })
                })
                .collect()
        } else {
            Vec::new()
        };
        Doc { json, policy, kind, path, grants, statements, budget }
    }
}

impl<'a> Stmt<'a> {
    pub fn member(&self, key: &str) -> Option<&'a Member> {
        self.members.iter().find(|m| m.key == key)
    }
}

/// Parses a document quietly; `Some` only when it has no errors.
pub(crate) fn parse_quietly(json: &Json, kind: PolicyKind, path: &str) -> Option<Policy> {
    let mut scratch = Vec::new();
    parse_policy(json, kind, path, &mut scratch)
}

/// A finding of a lint, its class taken from the registry.
pub(crate) fn finding(code: &'static str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, registry::severity_of(code), message)
}
