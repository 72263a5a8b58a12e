//! Evaluation: which statements apply, and what they decide together.
//!
//! The order is the one iam-semantics.md section 5 documents, shared by both
//! dialects where they agree:
//! 1. an applicable Deny anywhere (identity, boundary, session, guardrail,
//!    resource or trust policy) is an explicit deny;
//! 2. guardrails cap: with guardrails, one of them must allow;
//! 3. identity policies or resource policies allow, by the account rules
//!    (same account: either; cross account: both; an account principal in a
//!    resource policy only delegates to identity policies);
//! 4. permissions boundaries and session policies cap identity grants and
//!    grants to a role; a same-account resource policy naming the caller's
//!    own ARN is not capped by them;
//! 5. `sts:AssumeRole` on a store role needs its trust policy; the RAM
//!    dialect also always needs the caller's identity policies, AWS only when
//!    the trust policy does not name the caller directly in the same account;
//! 6. otherwise, an implicit deny that says what was missing.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::arn::ParsedArn;
use crate::condition::{Lookup, Values};
use crate::decision::{Alert, Decision, Matched, Missing, Note, Reason, Source};
use crate::policy::{ActionRef, Caller, Dialect, Effect, Policy, PolicyKind, PrincipalFit, ResourceRef, Statement};
use crate::request::Request;
use crate::store::{Attachment, PolicyId, PrincipalRef, Role, RoleId, Store, User, Window};
use crate::value::Instant;

/// The principal of a request, resolved against the store.
enum Who<'s> {
    User(&'s User),
    Session(RoleId, &'s Role),
    /// Not in the store (another account, or unknown): no identity policies.
    External,
}

struct Principal<'s> {
    who: Who<'s>,
    caller: Caller<'s>,
    /// What `aws:PrincipalArn` reports: the role ARN for role sessions.
    principal_arn: Cow<'s, str>,
    tags: &'s [(String, String)],
    boundary: Option<PolicyId>,
}

/// Request context plus the keys derived from the store, for conditions and variables.
struct Env<'a> {
    request: &'a Request,
    principal_arn: &'a str,
    principal_account: &'a str,
    principal_tags: &'a [(String, String)],
    resource_tags: Vec<&'a [(String, String)]>,
    resource_account: &'a str,
    now: Option<Instant>,
}

/// The boundary of an assigned role that failed to allow an identity grant.
fn counted_caps_missing(found: &Found) -> Option<PolicyId> {
    found.identity.iter().filter_map(|a| a.cap).find(|c| !found.boundary_allows(*c))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

fn tag<'a>(tags: &'a [(String, String)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
}

impl Lookup for Env<'_> {
    fn values(&self, key: &str) -> Option<Values<'_>> {
        if let Some(v) = self.request.context.values(key) {
            return Some(v);
        }
        // Derived keys, under either prefix, only where the request gave none.
        let rest = strip_prefix_ignore_case(key, "aws:").or_else(|| strip_prefix_ignore_case(key, "acs:"))?;
        let one = |s: &'_ str| Some(Values::One(Cow::Owned(String::from(s))));
        if rest.eq_ignore_ascii_case("PrincipalArn") {
            return Some(Values::One(Cow::Borrowed(self.principal_arn)));
        }
        if rest.eq_ignore_ascii_case("PrincipalAccount") && !self.principal_account.is_empty() {
            return Some(Values::One(Cow::Borrowed(self.principal_account)));
        }
        if rest.eq_ignore_ascii_case("ResourceAccount") {
            return Some(Values::One(Cow::Borrowed(self.resource_account)));
        }
        if let Some(k) = strip_prefix_ignore_case(rest, "PrincipalTag/") {
            return tag(self.principal_tags, k).map(|v| Values::One(Cow::Borrowed(v)));
        }
        if let Some(k) = strip_prefix_ignore_case(rest, "ResourceTag/") {
            return self.resource_tags.iter().find_map(|tags| tag(tags, k)).map(|v| Values::One(Cow::Borrowed(v)));
        }
        let now = self.now?;
        if rest.eq_ignore_ascii_case("CurrentTime") {
            return one(&now.to_rfc3339());
        }
        if rest.eq_ignore_ascii_case("EpochTime") {
            return one(&format!("{}", now.unix_seconds()));
        }
        None
    }
}

/// An identity Allow and what it still needs.
struct IdentityAllow {
    matched: Matched,
    /// The boundary of the role it came through, which must allow too.
    cap: Option<PolicyId>,
    break_glass: bool,
}

#[derive(Default)]
struct Found {
    denies: Vec<Matched>,
    identity: Vec<IdentityAllow>,
    boundary: Vec<(PolicyId, Matched)>,
    session: Vec<Matched>,
    guardrail: Vec<Matched>,
    resource: Vec<(PrincipalFit, Matched)>,
    trust: Vec<(PrincipalFit, Matched)>,
    notes: Vec<Note>,
}

impl Found {
    fn boundary_allows(&self, policy: PolicyId) -> bool {
        self.boundary.iter().any(|(p, _)| *p == policy)
    }
}

struct Scan<'a> {
    action: ActionRef<'a>,
    resource: ResourceRef<'a>,
    env: &'a Env<'a>,
    caller: &'a Caller<'a>,
}

impl Scan<'_> {
    /// Whether `statement` applies, and how it named the caller if it names principals.
    fn applies(&self, statement: &Statement) -> Option<Option<PrincipalFit>> {
        if !statement.action.matches(self.action) {
            return None;
        }
        if let Some(resource) = &statement.resource {
            if !resource.matches(&self.resource, self.env) {
                return None;
            }
        }
        let fit = match &statement.principal {
            Some(p) => Some(p.fit(self.caller)?),
            None => None,
        };
        statement.conditions.iter().all(|c| c.evaluate(self.env)).then_some(fit)
    }

    /// Calls `found` for each applicable statement among `candidates`.
    fn each(
        &self,
        doc: &Policy,
        candidates: impl Iterator<Item = usize>,
        mut found: impl FnMut(u32, Effect, Option<PrincipalFit>),
    ) {
        for i in candidates {
            let Some(statement) = doc.statements.get(i) else { continue };
            if let Some(fit) = self.applies(statement) {
                found(u32::try_from(i).unwrap_or(u32::MAX), statement.effect, fit);
            }
        }
    }
}

impl Store {
    /// Decides `request`. `now` is the host's clock, used when the request
    /// context has no `aws:CurrentTime` / `acs:CurrentTime`.
    pub fn evaluate(&self, request: &Request, now: Option<Instant>) -> Decision {
        let action = request.action_ref();
        let service = self.service_id(action.service);
        let resource = ResourceRef { text: &request.resource, arn: ParsedArn::parse(&request.resource) };
        let mut notes = Vec::new();
        let principal = self.resolve_principal(request, &mut notes);
        let now = request.context_time().or(now);

        let mut resource_defs: Vec<u32> = Vec::new();
        if !self.resources.is_empty() {
            if let Some(ids) = self.resource_exact.get(&request.resource) {
                resource_defs.extend_from_slice(ids);
            }
            for (pattern, id) in &self.resource_patterns {
                if pattern.matches(resource.arn.as_ref()) {
                    resource_defs.push(*id);
                }
            }
        }
        let resource_account: &str = request
            .resource_account
            .as_deref()
            .or_else(|| resource_defs.iter().find_map(|&id| self.resource(id).and_then(|r| r.account.as_deref())))
            .or_else(|| resource.arn.map(|a| a.account()).filter(|a| !a.is_empty() && !a.contains(['*', '?'])))
            .unwrap_or(&self.account);

        let env = Env {
            request,
            principal_arn: &principal.principal_arn,
            principal_account: &principal.caller.account,
            principal_tags: principal.tags,
            resource_tags: resource_defs
                .iter()
                .filter_map(|&id| self.resource(id))
                .map(|r| r.tags.as_slice())
                .filter(|t| !t.is_empty())
                .collect(),
            resource_account,
            now,
        };
        let scan = Scan { action, resource, env: &env, caller: &principal.caller };
        let mut found = Found { notes, ..Found::default() };

        // Identity policies, and the boundaries of roles reached through assignments.
        let mut caps: Vec<PolicyId> = Vec::new();
        match principal.who {
            Who::User(user) => {
                for &aid in &user.assignments {
                    let Some(assignment) = self.assignment(aid) else { continue };
                    match assignment.window(now) {
                        Window::Active => {
                            if let Some(b) = self.role(assignment.role).and_then(|r| r.boundary) {
                                if !caps.contains(&b) {
                                    caps.push(b);
                                }
                            }
                        }
                        Window::NotStarted => found.notes.push(Note::AssignmentNotStarted(aid)),
                        Window::Ended => found.notes.push(Note::AssignmentEnded(aid)),
                        Window::NoClock => found.notes.push(Note::AssignmentNeedsTime(aid)),
                    }
                }
                for attachment in &user.attachments {
                    let (cap, break_glass) = match attachment.assignment {
                        None => (None, false),
                        Some(aid) => {
                            let Some(assignment) = self.assignment(aid) else { continue };
                            if assignment.window(now) != Window::Active {
                                continue;
                            }
                            let role = self.role(assignment.role);
                            (role.and_then(|r| r.boundary), role.is_some_and(|r| r.break_glass))
                        }
                    };
                    self.scan_identity(&scan, attachment, service, cap, break_glass, &mut found);
                }
            }
            Who::Session(_, role) => {
                for &policy in &role.policies {
                    let attachment = Attachment { policy, via: role.via, assignment: None };
                    self.scan_identity(&scan, &attachment, service, None, role.break_glass, &mut found);
                }
            }
            Who::External => {}
        }

        // Boundaries: the principal's own, then those of assigned roles.
        for b in principal.boundary.iter().chain(caps.iter()) {
            let Some(policy) = self.policy(*b) else { continue };
            let via = match principal.who {
                Who::User(u) => u.via,
                Who::Session(_, r) => r.via,
                Who::External => self.guardrail_via,
            };
            scan.each(&policy.doc, policy.index.candidates(service), |i, effect, _| {
                let m = Matched {
                    source: Source::Named { policy: *b, via },
                    kind: PolicyKind::Boundary,
                    statement: i,
                    effect,
                };
                match effect {
                    Effect::Deny => found.denies.push(m),
                    Effect::Allow => found.boundary.push((*b, m)),
                }
            });
        }

        // The session policy.
        let session_policy = request.session.as_ref().and_then(|s| s.policy.as_ref());
        if let Some(doc) = session_policy {
            scan.each(doc, 0..doc.statements.len(), |i, effect, _| {
                let m = Matched { source: Source::Session, kind: PolicyKind::Session, statement: i, effect };
                match effect {
                    Effect::Deny => found.denies.push(m),
                    Effect::Allow => found.session.push(m),
                }
            });
        }

        // Guardrails.
        let guardrail_via = self.guardrail_via;
        for &g in &self.guardrails {
            let Some(policy) = self.policy(g) else { continue };
            scan.each(&policy.doc, policy.index.candidates(service), |i, effect, _| {
                let m = Matched {
                    source: Source::Named { policy: g, via: guardrail_via },
                    kind: PolicyKind::Guardrail,
                    statement: i,
                    effect,
                };
                match effect {
                    Effect::Deny => found.denies.push(m),
                    Effect::Allow => found.guardrail.push(m),
                }
            });
        }

        // Resource policies.
        for &id in &resource_defs {
            let Some(doc) = self.resource(id).and_then(|r| r.policy.as_ref()) else { continue };
            scan.each(doc, 0..doc.statements.len(), |i, effect, fit| {
                let m = Matched {
                    source: Source::Resource { resource: id },
                    kind: PolicyKind::Resource,
                    statement: i,
                    effect,
                };
                match effect {
                    Effect::Deny => found.denies.push(m),
                    Effect::Allow => found.resource.push((fit.unwrap_or(PrincipalFit::Anyone), m)),
                }
            });
        }

        // Role assumption: the role's trust policy.
        let assumed = if action.service == "sts" && action.name.eq_ignore_ascii_case("AssumeRole") {
            self.assumed_role(&request.resource)
        } else {
            None
        };
        let mut trust_dialect = None;
        if let Some((rid, role)) = assumed {
            match &role.trust {
                None => found.notes.push(Note::NoTrustPolicy(rid)),
                Some(doc) => {
                    trust_dialect = Some(doc.dialect);
                    scan.each(doc, 0..doc.statements.len(), |i, effect, fit| {
                        let m = Matched {
                            source: Source::Trust { role: rid },
                            kind: PolicyKind::Trust,
                            statement: i,
                            effect,
                        };
                        match effect {
                            Effect::Deny => found.denies.push(m),
                            Effect::Allow => found.trust.push((fit.unwrap_or(PrincipalFit::Anyone), m)),
                        }
                    });
                }
            }
        }

        self.decide(
            request,
            &principal,
            found,
            session_policy.is_some(),
            assumed.is_some(),
            trust_dialect,
            resource_account,
            now,
        )
    }

    fn scan_identity(
        &self,
        scan: &Scan<'_>,
        attachment: &Attachment,
        service: Option<u32>,
        cap: Option<PolicyId>,
        break_glass: bool,
        found: &mut Found,
    ) {
        let Some(policy) = self.policy(attachment.policy) else { return };
        scan.each(&policy.doc, policy.index.candidates(service), |i, effect, _| {
            let matched = Matched {
                source: Source::Named { policy: attachment.policy, via: attachment.via },
                kind: PolicyKind::Identity,
                statement: i,
                effect,
            };
            match effect {
                Effect::Deny => found.denies.push(matched),
                Effect::Allow => found.identity.push(IdentityAllow { matched, cap, break_glass }),
            }
        });
    }

    #[allow(clippy::too_many_arguments, reason = "the inputs of the final combination, kept explicit")]
    fn decide(
        &self,
        request: &Request,
        principal: &Principal<'_>,
        mut found: Found,
        has_session_policy: bool,
        assume_role: bool,
        trust_dialect: Option<Dialect>,
        resource_account: &str,
        now: Option<Instant>,
    ) -> Decision {
        let mut decision = Decision {
            reason: Reason::ImplicitDeny,
            matched: Vec::new(),
            alerts: Vec::new(),
            notes: core::mem::take(&mut found.notes),
            missing: Vec::new(),
            boundary: None,
        };
        if !found.denies.is_empty() {
            decision.reason = Reason::ExplicitDeny;
            decision.matched = found.denies;
            return decision;
        }

        let guardrails_ok = self.guardrails.is_empty() || !found.guardrail.is_empty();
        let boundary_ok = principal.boundary.is_none_or(|b| found.boundary_allows(b));
        let session_ok = !has_session_policy || !found.session.is_empty();
        let expired = self.session_expired(request, principal, now);
        if let Some((role, at)) = expired {
            decision.notes.push(Note::SessionExpired { role, at });
        }
        let caps_ok = boundary_ok && session_ok && expired.is_none();

        let identity_raw = !found.identity.is_empty();
        let counted: Vec<&IdentityAllow> =
            found.identity.iter().filter(|a| a.cap.is_none_or(|c| found.boundary_allows(c))).collect();
        let identity_allow = !counted.is_empty();

        let fits = |list: &[(PrincipalFit, Matched)], want: &[PrincipalFit]| list.iter().any(|(f, _)| want.contains(f));
        use PrincipalFit::{Account, Anyone, Direct, Role};
        let same_account = *principal.caller.account == *resource_account;

        // Which grants exist, and whether they survive the caps.
        let mut missing: Vec<Missing> = Vec::new();
        let granted = if assume_role {
            let trust_any = !found.trust.is_empty();
            let trust_direct = fits(&found.trust, &[Direct]);
            let needs_identity = trust_dialect == Some(Dialect::Ram) || !(same_account && trust_direct);
            if !trust_any {
                missing.push(Missing::Trust);
            }
            if needs_identity && !identity_raw {
                missing.push(Missing::IdentityAllow);
            }
            trust_any && (!needs_identity || (identity_allow && caps_ok))
        } else if same_account {
            let rp_direct = fits(&found.resource, &[Direct]);
            let rp_capped = fits(&found.resource, &[Anyone, Role]);
            if !identity_raw && !rp_direct && !rp_capped {
                missing.push(Missing::Allow);
            }
            (identity_allow && caps_ok) || rp_direct || (rp_capped && caps_ok)
        } else {
            let rp_any = fits(&found.resource, &[Direct, Anyone, Role, Account]);
            decision.notes.push(Note::CrossAccount {
                principal: String::from(&*principal.caller.account),
                resource: String::from(resource_account),
            });
            if !identity_raw {
                missing.push(Missing::IdentityAllow);
            }
            if !rp_any {
                missing.push(Missing::ResourceAllow);
            }
            identity_allow && caps_ok && rp_any
        };
        let any_grant = identity_raw || !found.resource.is_empty() || !found.trust.is_empty();
        if !guardrails_ok {
            missing.insert(0, Missing::Guardrail);
        }
        if any_grant && (!boundary_ok || (identity_raw && !identity_allow)) {
            missing.push(Missing::Boundary);
            decision.boundary = if boundary_ok { counted_caps_missing(&found) } else { principal.boundary };
        }
        if any_grant && !session_ok {
            missing.push(Missing::Session);
        }
        if expired.is_some() {
            missing.push(Missing::SessionExpired);
        }

        if granted && guardrails_ok {
            // A same-account grant naming the caller directly is not capped,
            // so a failed cap does not matter here.
            decision.reason = Reason::Allowed;
            let break_glass =
                matches!(principal.who, Who::Session(_, r) if r.break_glass) || counted.iter().any(|a| a.break_glass);
            if break_glass {
                decision.alerts.push(Alert::BreakGlass);
            }
            decision.matched.extend(counted.iter().map(|a| a.matched));
            decision.matched.extend(found.resource.iter().map(|(_, m)| *m));
            decision.matched.extend(found.trust.iter().map(|(_, m)| *m));
            decision.matched.extend(found.boundary.iter().map(|(_, m)| *m));
            decision.matched.extend(found.session.iter().copied());
            decision.matched.extend(found.guardrail.iter().copied());
        } else {
            decision.missing = missing;
            decision.matched.extend(found.identity.iter().map(|a| a.matched));
            decision.matched.extend(found.resource.iter().map(|(_, m)| *m));
            decision.matched.extend(found.trust.iter().map(|(_, m)| *m));
        }
        decision
    }

    fn session_expired(
        &self,
        request: &Request,
        principal: &Principal<'_>,
        now: Option<Instant>,
    ) -> Option<(RoleId, Instant)> {
        let Who::Session(rid, role) = principal.who else { return None };
        let max = role.max_session_seconds?;
        let issued = request.session.as_ref()?.issued_at?;
        let end = Instant(issued.0 + i128::from(max) * 1_000_000_000);
        (now? >= end).then_some((rid, end))
    }

    /// The store role whose ARN is `resource`, for `sts:AssumeRole`.
    fn assumed_role(&self, resource: &str) -> Option<(RoleId, &Role)> {
        match self.arns.get(resource)? {
            PrincipalRef::Role(id) => Some((*id, self.role(*id)?)),
            PrincipalRef::User(_) => None,
        }
    }

    fn resolve_principal<'s>(&'s self, request: &'s Request, notes: &mut Vec<Note>) -> Principal<'s> {
        let text = request.principal.as_str();
        let session_name = request.session.as_ref().map(|s| s.name.as_str()).filter(|n| !n.is_empty());
        if let Some(name) = text.strip_prefix("user/") {
            if let Some(user) = self.user_ids.get(name).and_then(|&id| self.user(id)) {
                return self.user_principal(user);
            }
            notes.push(Note::UnknownPrincipal(String::from(text)));
            return self.external(Cow::Owned(self.user_arn(&self.account, name)), Cow::Borrowed(&self.account));
        }
        if let Some(name) = text.strip_prefix("role/") {
            if let Some((id, role)) = self.role_ids.get(name).and_then(|&id| Some((id, self.role(id)?))) {
                return self.session_principal(id, role, session_name);
            }
            notes.push(Note::UnknownPrincipal(String::from(text)));
            return self.external(Cow::Owned(self.role_arn(&self.account, name)), Cow::Borrowed(&self.account));
        }
        match self.arns.get(text) {
            Some(PrincipalRef::User(id)) => {
                if let Some(user) = self.user(*id) {
                    return self.user_principal(user);
                }
            }
            Some(PrincipalRef::Role(id)) => {
                if let Some(role) = self.role(*id) {
                    return self.session_principal(*id, role, session_name);
                }
            }
            None => {}
        }
        // An assumed-role session ARN of a store role.
        if let Some(arn) = ParsedArn::parse(text) {
            let session = arn.resource.strip_prefix("assumed-role/").or_else(|| arn.resource.strip_prefix("role/"));
            if let Some((role_name, session)) = session.and_then(|s| s.split_once('/')) {
                if let Some((id, role)) = self.role_ids.get(role_name).and_then(|&id| Some((id, self.role(id)?))) {
                    if role.account == arn.account() && self.session_arn(&role.account, role_name, session) == text {
                        return self.session_principal(id, role, Some(session));
                    }
                }
            }
            return self.external(Cow::Borrowed(text), Cow::Borrowed(arn.account()));
        }
        notes.push(Note::UnknownPrincipal(String::from(text)));
        self.external(Cow::Borrowed(text), Cow::Borrowed(""))
    }

    fn user_principal<'s>(&'s self, user: &'s User) -> Principal<'s> {
        Principal {
            who: Who::User(user),
            caller: Caller {
                arn: Cow::Borrowed(&user.arn),
                role_arn: None,
                account: Cow::Borrowed(&user.account),
                has_boundary: user.boundary.is_some(),
            },
            principal_arn: Cow::Borrowed(&user.arn),
            tags: &user.tags,
            boundary: user.boundary,
        }
    }

    fn session_principal<'s>(&'s self, id: RoleId, role: &'s Role, session: Option<&str>) -> Principal<'s> {
        let (arn, role_arn) = match session {
            Some(name) => {
                (Cow::Owned(self.session_arn(&role.account, &role.name, name)), Some(Cow::Borrowed(role.arn.as_str())))
            }
            None => (Cow::Borrowed(role.arn.as_str()), None),
        };
        Principal {
            who: Who::Session(id, role),
            caller: Caller {
                arn,
                role_arn,
                account: Cow::Borrowed(&role.account),
                has_boundary: role.boundary.is_some(),
            },
            principal_arn: Cow::Borrowed(&role.arn),
            tags: &role.tags,
            boundary: role.boundary,
        }
    }

    fn external<'s>(&'s self, arn: Cow<'s, str>, account: Cow<'s, str>) -> Principal<'s> {
        Principal {
            who: Who::External,
            principal_arn: arn.clone(),
            caller: Caller { arn, role_arn: None, account, has_boundary: false },
            tags: &[],
            boundary: None,
        }
    }
}
