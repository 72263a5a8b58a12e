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

use crate::arn::{resource_key_of, ParsedArn};
use crate::condition::{Lookup, Values};
use crate::decision::{Alert, Decision, Matched, Missing, Note, Reason, Source};
use crate::glob::same_bytes;
use crate::policy::{ActionRef, Caller, Dialect, Effect, Policy, PolicyKind, PrincipalFit, ResourceRef, Statement};
use crate::request::Request;
use crate::small::{Slot, SmallList};
use crate::store::{
    part_of, statement_of, ActionCheck, ActionKey, AssignmentId, Attachment, AttachmentSet, PolicyId, PrincipalRef,
    Role, RoleId, Store, Text, User, ViaId, Window,
};
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

/// What the final combination needs besides the hits.
struct Outcome<'a, 's> {
    principal: &'a Principal<'s>,
    has_session_policy: bool,
    assume_role: bool,
    trust_dialect: Option<Dialect>,
    resource_account: &'a str,
}

/// "Now", from the request context or the host, parsed at most once and only when asked.
struct Clock<'a> {
    request: &'a Request<'a>,
    host: Option<Instant>,
    cached: core::cell::Cell<Option<Option<Instant>>>,
}

impl Clock<'_> {
    fn now(&self) -> Option<Instant> {
        if let Some(now) = self.cached.get() {
            return now;
        }
        let now = self.request.context_time().or(self.host);
        self.cached.set(Some(now));
        now
    }
}

impl crate::store::Assignment {
    fn window_with(&self, clock: &Clock<'_>) -> Window {
        if self.not_before.is_none() && self.not_after.is_none() {
            return Window::Active;
        }
        self.window(clock.now())
    }
}

/// Request context plus the keys derived from the store, for conditions and variables.
struct Env<'a> {
    request: &'a Request<'a>,
    principal_arn: &'a str,
    principal_account: &'a str,
    principal_tags: &'a [(String, String)],
    store: &'a Store,
    /// Store resources whose key matches the request resource (their tags apply).
    resource_defs: &'a [u32],
    resource_account: &'a str,
    /// Fills CurrentTime/EpochTime keys the context lacks: from the
    /// context's own time under another name, else the host's clock.
    clock: &'a Clock<'a>,
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

fn tag<'a>(tags: &'a [(String, String)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
}

impl Lookup for Env<'_> {
    #[cfg_attr(target_family = "wasm", inline(never))]
    fn values(&self, key: &str) -> Option<Values<'_>> {
        if let Some(v) = self.request.context().values(key) {
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
            return self
                .resource_defs
                .iter()
                .filter_map(|&id| self.store.resource(id))
                .find_map(|r| tag(&r.tags, k))
                .map(|v| Values::One(Cow::Borrowed(v)));
        }
        // The clock is read (and the context's time parsed) only for these two keys.
        if rest.eq_ignore_ascii_case("CurrentTime") {
            return one(&self.clock.now()?.to_rfc3339());
        }
        if rest.eq_ignore_ascii_case("EpochTime") {
            return one(&format!("{}", self.clock.now()?.unix_seconds()));
        }
        None
    }
}

/// The applicable statements of one decision (a handful, kept on the
/// stack) and a summary of them for the final combination.
struct Hits {
    list: SmallList<Hit, 8>,
    seen: Seen,
}

impl Hits {
    fn new() -> Hits {
        Hits { list: SmallList::new(), seen: Seen::default() }
    }

    #[inline]
    fn push(&mut self, hit: Hit) {
        self.seen.note(hit.role);
        self.list.push(hit);
    }
}

impl Slot for Hit {
    const EMPTY: Hit = Hit { matched: Matched::EMPTY, role: Part::Session };
}

/// One applicable statement, with the part it plays.
#[derive(Debug, Clone, Copy)]
struct Hit {
    matched: Matched,
    role: Part,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Deny,
    /// An identity Allow; `cap` is the boundary of the role it came through.
    Identity {
        cap: Option<PolicyId>,
        break_glass: bool,
    },
    Boundary(PolicyId),
    Session,
    Guardrail,
    Resource(PrincipalFit),
    Trust(PrincipalFit),
}

/// What the hits of a decision contain, gathered in one pass.
#[derive(Default)]
struct Seen {
    deny: bool,
    guardrail: bool,
    session: bool,
    /// An identity allow not capped by an assigned role's boundary.
    identity_uncapped: bool,
    identity_capped: bool,
    break_glass: bool,
    /// Bit `fit as u8` set for each way a resource / trust statement named the caller.
    resource: u8,
    trust: u8,
}

impl Seen {
    #[inline]
    fn note(&mut self, part: Part) {
        match part {
            Part::Deny => self.deny = true,
            Part::Identity { cap, break_glass } => {
                if cap.is_some() {
                    self.identity_capped = true;
                } else {
                    self.identity_uncapped = true;
                }
                self.break_glass |= break_glass;
            }
            Part::Boundary(_) => {}
            Part::Session => self.session = true,
            Part::Guardrail => self.guardrail = true,
            Part::Resource(fit) => self.resource |= 1 << fit as u8,
            Part::Trust(fit) => self.trust |= 1 << fit as u8,
        }
    }

    fn resource(&self, fit: PrincipalFit) -> bool {
        self.resource & (1 << fit as u8) != 0
    }

    fn trust(&self, fit: PrincipalFit) -> bool {
        self.trust & (1 << fit as u8) != 0
    }
}

struct Scan<'a> {
    action: ActionRef<'a>,
    key: ActionKey,
    resource: &'a ResourceRef<'a>,
    env: &'a Env<'a>,
    caller: &'a Caller<'a>,
}

impl Scan<'_> {
    /// Whether `statement` applies, and how it named the caller if it names principals.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    #[cfg_attr(target_family = "wasm", inline(never))]
    fn applies(&self, statement: &Statement, action: ActionCheck) -> Option<Option<PrincipalFit>> {
        match action {
            ActionCheck::Applies => Some(None),
            ActionCheck::NameOnly(_) => action.matches(statement, self.action).then_some(None),
            _ => self.tests(statement, action),
        }
    }

    fn tests(&self, statement: &Statement, action: ActionCheck) -> Option<Option<PrincipalFit>> {
        if !action.matches(statement, self.action) {
            return None;
        }
        if let Some(resource) = &statement.resource {
            if !resource.matches(self.resource, self.env) {
                return None;
            }
        }
        let fit = match &statement.principal {
            Some(p) => Some(p.fit(self.caller)?),
            None => None,
        };
        statement.conditions.iter().all(|c| c.evaluate(self.env)).then_some(fit)
    }

    /// Records each applicable statement of a resource, trust or session
    /// policy (no index: every statement is tested in full). An Allow plays
    /// `allowed` with how the principal fits (anyone, when the statement
    /// names none).
    fn whole(
        &self,
        doc: &Policy,
        source: Source,
        kind: PolicyKind,
        allowed: fn(PrincipalFit) -> Part,
        hits: &mut Hits,
    ) {
        let all = (0..doc.statements.len()).map(|i| (i, ActionCheck::Full));
        self.each(doc, all, hits, |statement, effect, fit| Hit {
            matched: Matched { source, kind, statement, effect },
            role: if effect == Effect::Deny { Part::Deny } else { allowed(fit.unwrap_or(PrincipalFit::Anyone)) },
        });
    }

    /// Records each applicable statement among `candidates` of `doc`.
    fn each(
        &self,
        doc: &Policy,
        candidates: impl Iterator<Item = (usize, ActionCheck)>,
        hits: &mut Hits,
        mut describe: impl FnMut(u32, Effect, Option<PrincipalFit>) -> Hit,
    ) {
        for (i, action) in candidates {
            let Some(statement) = doc.statements.get(i) else { continue };
            if let Some(fit) = self.applies(statement, action) {
                hits.push(describe(u32::try_from(i).unwrap_or(u32::MAX), statement.effect, fit));
            }
        }
    }
}

/// The matched statements of the hits that pass `keep`, each once (a
/// statement reached twice the same way, through two assignments of one
/// role say, is explained once).
fn collect(hits: &[Hit], keep: impl Fn(&Hit) -> bool) -> Vec<Matched> {
    let mut out: Vec<Matched> = Vec::with_capacity(hits.iter().filter(|h| keep(h)).count());
    for hit in hits.iter().filter(|h| keep(h)) {
        if !out.contains(&hit.matched) {
            out.push(hit.matched);
        }
    }
    out
}

fn named(policy: PolicyId, via: ViaId, kind: PolicyKind, statement: u32, effect: Effect, part: Part) -> Hit {
    let role = if effect == Effect::Deny { Part::Deny } else { part };
    Hit { matched: Matched { source: Source::Named { policy, via }, kind, statement, effect }, role }
}

impl Store {
    /// Decides `request`. `now` is the host's clock, used when the request
    /// context has no `aws:CurrentTime` / `acs:CurrentTime`.
    // Out of line in Wasm, as are the steps marked so below: inlined into
    // one body they took 2.5% more host instructions per decision in
    // wasmtime (11,276 against 11,002 out of line, with the Decision JSON's
    // writer) and 451 bytes gzipped. Natively the inlining pays, so it stays.
    #[cfg_attr(target_family = "wasm", inline(never))]
    pub fn evaluate(&self, request: &Request, now: Option<Instant>) -> Decision {
        let action = request.action_ref();
        let key = ActionKey {
            service: self.service_id(action.service),
            first: action.name.as_bytes().first().map_or(0, u8::to_ascii_lowercase),
        };
        let resource = request.resource_ref();
        let mut notes = Vec::new();
        let principal = self.resolve_principal(request, &mut notes);
        // Parsed only when something needs the time (assignment windows, session expiry).
        let clock = Clock { request, host: now, cached: core::cell::Cell::new(None) };

        let mut resource_defs: Vec<u32> = Vec::new();
        if !self.resources.is_empty() {
            if let Some(ids) = (!self.resource_exact.is_empty())
                .then(|| self.resource_exact.get(&Text(&resource_key_of(resource.text, resource.arn.as_ref()))))
                .flatten()
            {
                resource_defs.extend_from_slice(ids);
            }
            if !self.resource_patterns.is_empty() {
                // The resource's service is nearly always the action's, whose id is known.
                let service = resource.arn.map_or("", |a| a.service());
                let service_id = if service.is_empty() {
                    None
                } else if service.eq_ignore_ascii_case(action.service) {
                    key.service
                } else {
                    self.service_id(&service.to_ascii_lowercase())
                };
                let scoped = service_id.and_then(|id| self.resource_patterns_by_service.get(id as usize));
                for &position in scoped.into_iter().flatten().chain(&self.resource_patterns_unscoped) {
                    if let Some((pattern, id)) = self.resource_patterns.get(position as usize) {
                        if pattern.matches(resource.arn.as_ref()) {
                            resource_defs.push(*id);
                        }
                    }
                }
            }
        }
        let resource_account: &str = request
            .resource_account()
            .or_else(|| resource_defs.iter().find_map(|&id| self.resource(id).and_then(|r| r.account.as_deref())))
            .or_else(|| {
                resource
                    .arn
                    .map(|a| a.account())
                    .filter(|a| !a.is_empty() && !a.bytes().any(|b| b == b'*' || b == b'?'))
            })
            .unwrap_or(&self.account);

        let env = Env {
            request,
            principal_arn: &principal.principal_arn,
            principal_account: &principal.caller.account,
            principal_tags: principal.tags,
            store: self,
            resource_defs: &resource_defs,
            resource_account,
            clock: &clock,
        };
        let scan = Scan { action, key, resource: &resource, env: &env, caller: &principal.caller };
        let mut hits = Hits::new();

        // Identity policies, and the boundaries of roles reached through assignments.
        // The boundaries of assigned roles, each with the path of the assignment that brings it.
        let mut caps: Vec<(PolicyId, ViaId)> = Vec::new();
        match principal.who {
            Who::User(user) => {
                // Assignments not in force now: their roles' policies do not count.
                let mut inactive: SmallList<AssignmentId, 4> = SmallList::new();
                for &aid in &user.assignments {
                    let Some(assignment) = self.assignment(aid) else { continue };
                    let window = assignment.window_with(&clock);
                    match window {
                        Window::Active => {
                            // Each boundary is scanned once: the user's own is already.
                            if let Some(b) = self.role(assignment.role).and_then(|r| r.boundary) {
                                if !caps.iter().any(|&(c, _)| c == b) && principal.boundary != Some(b) {
                                    caps.push((b, assignment.via));
                                }
                            }
                            continue;
                        }
                        Window::NotStarted => notes.push(Note::AssignmentNotStarted(aid)),
                        Window::Ended => notes.push(Note::AssignmentEnded(aid)),
                        Window::NoClock => notes.push(Note::AssignmentNeedsTime(aid)),
                    }
                    inactive.push(aid);
                }
                let part_for = |attachment: &Attachment| match attachment.assignment {
                    Some(aid) if inactive.contains(&aid) => None,
                    _ => Some(Part::Identity { cap: attachment.cap, break_glass: attachment.break_glass }),
                };
                for set in user.own.iter().chain([&user.set]).filter_map(|&id| self.set(id)) {
                    self.scan_set(&scan, set, PolicyKind::Identity, &mut hits, part_for);
                }
            }
            Who::Session(_, role) => {
                let part = Part::Identity { cap: None, break_glass: role.break_glass };
                if let Some(set) = self.set(role.set) {
                    self.scan_set(&scan, set, PolicyKind::Identity, &mut hits, |_| Some(part));
                }
            }
            Who::External => {}
        }

        // Boundaries: the principal's own, then those of assigned roles.
        let own_via = match principal.who {
            Who::User(u) => u.via,
            Who::Session(_, r) => r.via,
            Who::External => self.guardrail_via,
        };
        for (b, via) in principal.boundary.map(|b| (b, own_via)).into_iter().chain(caps.iter().copied()) {
            self.scan_named(&scan, b, via, PolicyKind::Boundary, Part::Boundary(b), &mut hits);
        }

        // The session policy.
        let session_policy = request.session().and_then(|s| s.policy.as_ref());
        if let Some(doc) = session_policy {
            scan.whole(doc, Source::Session, PolicyKind::Session, |_| Part::Session, &mut hits);
        }

        // Guardrails.
        if let Some(set) = self.set(self.guardrail_set) {
            self.scan_set(&scan, set, PolicyKind::Guardrail, &mut hits, |_| Some(Part::Guardrail));
        }

        // Resource policies.
        for &id in &resource_defs {
            let Some(doc) = self.resource(id).and_then(|r| r.policy.as_ref()) else { continue };
            scan.whole(doc, Source::Resource { resource: id }, PolicyKind::Resource, Part::Resource, &mut hits);
        }

        // Role assumption: the role's trust policy.
        let assumed = if action.service == "sts" && action.name.eq_ignore_ascii_case("AssumeRole") {
            self.assumed_role(request.resource())
        } else {
            None
        };
        let mut trust_dialect = None;
        if let Some((rid, role)) = assumed {
            match &role.trust {
                None => notes.push(Note::NoTrustPolicy(rid)),
                Some(doc) => {
                    trust_dialect = Some(doc.dialect);
                    scan.whole(doc, Source::Trust { role: rid }, PolicyKind::Trust, Part::Trust, &mut hits);
                }
            }
        }

        let outcome = Outcome {
            principal: &principal,
            has_session_policy: session_policy.is_some(),
            assume_role: assumed.is_some(),
            trust_dialect,
            resource_account,
        };
        self.decide(request, &outcome, &hits.list, &hits.seen, notes, &clock)
    }

    /// Scans a set's candidate statements; `part_of` says what an attachment's
    /// statements count as, or `None` to skip it (an inactive assignment).
    #[cfg_attr(target_family = "wasm", inline(never))]
    fn scan_set(
        &self,
        scan: &Scan<'_>,
        set: &AttachmentSet,
        kind: PolicyKind,
        hits: &mut Hits,
        part_for: impl Fn(&Attachment) -> Option<Part>,
    ) {
        for e in set.index.candidates(scan.key) {
            let Some(attachment) = set.attachments.get(part_of(e.at)) else { continue };
            let Some(policy) = self.policy(attachment.policy) else { continue };
            let Some(statement) = policy.doc.statements.get(statement_of(e.at)) else { continue };
            let Some(part) = part_for(attachment) else { continue };
            if scan.applies(statement, e.action).is_some() {
                let index = u32::try_from(statement_of(e.at)).unwrap_or(u32::MAX);
                hits.push(named(attachment.policy, attachment.via, kind, index, statement.effect, part));
            }
        }
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    fn scan_named(&self, scan: &Scan<'_>, policy: PolicyId, via: ViaId, kind: PolicyKind, part: Part, hits: &mut Hits) {
        let Some(named_policy) = self.policy(policy) else { return };
        scan.each(
            &named_policy.doc,
            named_policy.index.candidates(scan.key).map(|e| (statement_of(e.at), e.action)),
            hits,
            |statement, effect, _| named(policy, via, kind, statement, effect, part),
        );
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    fn decide(
        &self,
        request: &Request,
        o: &Outcome<'_, '_>,
        hits: &[Hit],
        seen: &Seen,
        notes: Vec<Note>,
        clock: &Clock<'_>,
    ) -> Decision {
        let mut decision = Decision {
            reason: Reason::ImplicitDeny,
            matched: Vec::new(),
            alerts: SmallList::new(),
            notes,
            missing: SmallList::new(),
            boundary: None,
        };
        if seen.deny {
            decision.reason = Reason::ExplicitDeny;
            decision.matched = collect(hits, |h| h.role == Part::Deny);
            return decision;
        }

        let boundary_allows = |policy: PolicyId| hits.iter().any(|h| h.role == Part::Boundary(policy));
        let guardrails_ok = self.guardrails.is_empty() || seen.guardrail;
        let boundary_ok = o.principal.boundary.is_none_or(boundary_allows);
        let session_ok = !o.has_session_policy || seen.session;
        let expired = self.session_expired(request, o.principal, clock);
        if let Some((role, at)) = expired {
            decision.notes.push(Note::SessionExpired { role, at });
        }
        let caps_ok = boundary_ok && session_ok && expired.is_none();

        // An identity allow counts when the boundary of the role it came through allows too.
        let counts = |h: &Hit| match h.role {
            Part::Identity { cap, .. } => cap.is_none_or(boundary_allows),
            _ => false,
        };
        let identity_raw = seen.identity_capped || seen.identity_uncapped;
        let identity_allow = seen.identity_uncapped || (seen.identity_capped && hits.iter().any(counts));
        use PrincipalFit::{Anyone, Direct, Role};
        let same_account = same_bytes(o.principal.caller.account.as_bytes(), o.resource_account.as_bytes());

        let mut missing: SmallList<Missing, 3> = SmallList::new();
        let granted = if o.assume_role {
            let trust_any = seen.trust != 0;
            let needs_identity = o.trust_dialect == Some(Dialect::Ram) || !(same_account && seen.trust(Direct));
            if !trust_any {
                missing.push(Missing::Trust);
            }
            if needs_identity && !identity_raw {
                missing.push(Missing::IdentityAllow);
            }
            trust_any && (!needs_identity || (identity_allow && caps_ok))
        } else if same_account {
            let rp_direct = seen.resource(Direct);
            let rp_capped = seen.resource(Anyone) || seen.resource(Role);
            if !identity_raw && !rp_direct && !rp_capped {
                missing.push(Missing::Allow);
            }
            (identity_allow && caps_ok) || rp_direct || (rp_capped && caps_ok)
        } else {
            let rp_any = seen.resource != 0;
            decision.notes.push(Note::CrossAccount {
                principal: String::from(&*o.principal.caller.account),
                resource: String::from(o.resource_account),
            });
            if !identity_raw {
                missing.push(Missing::IdentityAllow);
            }
            if !rp_any {
                missing.push(Missing::ResourceAllow);
            }
            identity_allow && caps_ok && rp_any
        };

        if granted && guardrails_ok {
            // A same-account grant naming the caller directly is not capped,
            // so a failed cap does not matter here.
            decision.reason = Reason::Allowed;
            let break_glass = matches!(o.principal.who, Who::Session(_, r) if r.break_glass)
                || (seen.break_glass
                    && hits.iter().any(|h| counts(h) && matches!(h.role, Part::Identity { break_glass: true, .. })));
            if break_glass {
                decision.alerts.push(Alert::BreakGlass);
            }
            // The granting statements; the caps that let them through
            // (boundaries, guardrails, session policy) are implied.
            decision.matched = collect(hits, |h| matches!(h.role, Part::Resource(_) | Part::Trust(_)) || counts(h));
            return decision;
        }

        let any_grant = identity_raw || seen.resource != 0 || seen.trust != 0;
        if !guardrails_ok {
            missing.push_front(Missing::Guardrail);
        }
        if any_grant && (!boundary_ok || (identity_raw && !identity_allow)) {
            missing.push(Missing::Boundary);
            decision.boundary = if boundary_ok {
                hits.iter().find_map(|h| match h.role {
                    Part::Identity { cap: Some(c), .. } if !boundary_allows(c) => Some(c),
                    _ => None,
                })
            } else {
                o.principal.boundary
            };
        }
        if any_grant && !session_ok {
            missing.push(Missing::Session);
        }
        if expired.is_some() {
            missing.push(Missing::SessionExpired);
        }
        decision.missing = missing;
        // The grants that existed, to show what the caps or account rules stopped.
        if any_grant {
            decision.matched =
                collect(hits, |h| matches!(h.role, Part::Identity { .. } | Part::Resource(_) | Part::Trust(_)));
        }
        decision
    }

    fn session_expired(
        &self,
        request: &Request,
        principal: &Principal<'_>,
        clock: &Clock<'_>,
    ) -> Option<(RoleId, Instant)> {
        let Who::Session(rid, role) = principal.who else { return None };
        let max = role.max_session_seconds?;
        let issued = request.session()?.issued_at?;
        let end = Instant(issued.0 + i128::from(max) * 1_000_000_000);
        (clock.now()? >= end).then_some((rid, end))
    }

    /// The store role whose ARN is `resource`, for `sts:AssumeRole`.
    fn assumed_role(&self, resource: &str) -> Option<(RoleId, &Role)> {
        match self.arns.get(&Text(resource))? {
            PrincipalRef::Role(id) => Some((*id, self.role(*id)?)),
            PrincipalRef::User(_) => None,
        }
    }

    #[cfg_attr(target_family = "wasm", inline(never))]
    fn resolve_principal<'s>(&'s self, request: &'s Request, notes: &mut Vec<Note>) -> Principal<'s> {
        let text = request.principal();
        let session_name = request.session().map(|s| s.name.as_str()).filter(|n| !n.is_empty());
        if let Some(name) = text.strip_prefix("user/") {
            if let Some(user) = self.user_ids.get(&Text(name)).and_then(|&id| self.user(id)) {
                return self.user_principal(user);
            }
            notes.push(Note::UnknownPrincipal(String::from(text)));
            return self.external(Cow::Owned(self.user_arn(&self.account, name)), Cow::Borrowed(&self.account));
        }
        if let Some(name) = text.strip_prefix("role/") {
            if let Some((id, role)) = self.role_ids.get(&Text(name)).and_then(|&id| Some((id, self.role(id)?))) {
                return self.session_principal(id, role, session_name);
            }
            notes.push(Note::UnknownPrincipal(String::from(text)));
            return self.external(Cow::Owned(self.role_arn(&self.account, name)), Cow::Borrowed(&self.account));
        }
        match self.arns.get(&Text(text)) {
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
                if let Some((id, role)) = self.role_ids.get(&Text(role_name)).and_then(|&id| Some((id, self.role(id)?)))
                {
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
