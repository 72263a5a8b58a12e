//! Translations of a generated workload for the peer engines of the benchmark
//! (issue 8): Cedar (policies + entities + requests), Casbin (model + policy
//! lines + requests) and per-request IAM inputs for `@cloud-copilot/iam-simulate`.
//!
//! The translators read the Portcullis store JSON (not the generator's
//! internals) into a small intermediate [`Model`], so they follow whatever the
//! generator writes and fail loudly on a construct they cannot translate
//! exactly. Every place where a translation is not exact is listed in
//! [`CAVEATS`] (and in `bench/README.md`); the benchmark checks that the
//! engines agree on every decision.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{json, Map, Value};

/// Where the translations are not exact, as published with the results.
pub const CAVEATS: &[&str] = &[
    "All engines: only Allow/Deny is compared; Portcullis's reason (explicit or implicit deny), matched statements, notes and break-glass alerts have no peer equivalent.",
    "Action wildcards (Cedar, iam-simulate for RAM's `*:Verb*`): expanded over the actions the requests use (the workload's vocabulary); an action outside it would need its action-group memberships added, as a Cedar schema lists actions.",
    "Case: IAM actions and the ARN head (service, region, account) match without regard to case; the translations lowercase both sides for Cedar and Casbin. Condition keys are lowercased names without the `acs:` prefix.",
    "Time-bound assignments: Cedar and Casbin check the window in the policy (`context.now`, epoch seconds from `acs:CurrentTime`); for iam-simulate the window is resolved when its per-request input is built (it has no assignments).",
    "Derived keys (principal tags from the store, resource tags from the store's resource patterns): Cedar reads them from entity attributes; Casbin and iam-simulate get them in the request context, looked up when the request is translated.",
    "Boundaries and guardrail ceilings: a Cedar `forbid ... unless { any allow of the boundary }` and a Casbin deny line with the negated allow; both give Deny where Portcullis gives an implicit deny (same Allow/Deny). A guardrail set with an unconditional `Allow *` on `*` has no ceiling line.",
    "Resource ARNs: Cedar matches each ARN part as an entity attribute (`resource.service == ...`, `resource.path like ...`); Casbin uses an anchored regular expression per pattern (`*` is `[^:]*` in the head, `.*` in the resource part), which is IAM's per-part rule.",
    "iam-simulate is an AWS simulator: policies are given in the AWS dialect (`Version 2012-10-17`, `arn:aws:` ARNs, `aws:` keys: MFAPresent -> aws:MultiFactorAuthPresent) and run with `runUnsafeSimulation` (no validation of the invented service actions against AWS's catalogue); it re-reads every policy on each call, having no compile-once API.",
    "iam-simulate reads a request on resource `*` as a wildcard query (allowed on some resource the patterns cover); Portcullis matches a resource that is not an ARN only with `*` patterns, so iam-simulate's input names such a request's resource `arn:aws:none:::not-an-arn`, which only `*` patterns cover.",
    "Role sessions are Cedar principals of type Role (the session name plays no part in this workload); trust policies and session expiry are not translated because no request exercises them (the translator refuses requests for sts:AssumeRole and session policies).",
];

/// A translation problem: the store or a request uses something the peers cannot express exactly here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot translate: {}", self.0)
    }
}

fn bail<T>(msg: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported(msg.into()))
}

// ---------------------------------------------------------------------------
// The intermediate model.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Bool,
    IpAddress,
    NotIpAddress,
    StringEquals,
    StringNotEquals,
}

impl Op {
    fn negated(self) -> bool {
        matches!(self, Op::NotIpAddress | Op::StringNotEquals)
    }
}

/// Where a condition key's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// A request context key: lowercase, without its `acs:`/`aws:` prefix.
    Context(String),
    /// `acs:PrincipalTag/<tag>` (tag lowercased), from the store.
    PrincipalTag(String),
    /// `acs:ResourceTag/<tag>` (tag lowercased), from the store's resources.
    ResourceTag(String),
}

#[derive(Debug, Clone)]
pub struct Cond {
    pub op: Op,
    pub key: Key,
    /// The key as written, for the IAM translation.
    pub written_key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Stmt {
    pub effect: Effect,
    /// Lowercase patterns; `*` means every action.
    pub actions: Vec<String>,
    /// As written; `*` means every resource.
    pub resources: Vec<String>,
    pub conds: Vec<Cond>,
    /// The statement as written (for the IAM translation).
    pub source: Value,
}

impl Stmt {
    fn any_action(&self) -> bool {
        self.actions.iter().any(|a| a == "*")
    }
    fn any_resource(&self) -> bool {
        self.resources.iter().any(|r| is_all_stars(r))
    }
    /// An unconditional Allow of everything.
    fn allows_all(&self) -> bool {
        self.effect == Effect::Allow && self.any_action() && self.any_resource() && self.conds.is_empty()
    }
}

/// `[not_before, not_after)` in epoch seconds; `None` bounds are open.
pub type Window = (Option<i64>, Option<i64>);

#[derive(Debug, Clone)]
pub struct Assign {
    pub role: String,
    pub window: Option<Window>,
}

#[derive(Debug, Clone, Default)]
pub struct Holder {
    pub policies: Vec<String>,
    pub groups: Vec<String>,
    pub roles: Vec<Assign>,
    pub boundary: Option<String>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub account: String,
    pub policies: BTreeMap<String, Vec<Stmt>>,
    pub roles: BTreeMap<String, Holder>,
    pub groups: BTreeMap<String, Holder>,
    pub users: BTreeMap<String, Holder>,
    pub guardrails: Vec<String>,
    /// Store resource patterns and their tags (keys lowercased).
    pub resources: Vec<(String, BTreeMap<String, String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    User(String),
    /// A role session: role name, session name.
    Session(String, String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ctx {
    Bool(bool),
    Str(String),
}

#[derive(Debug, Clone)]
pub struct Req {
    pub who: Who,
    /// As written.
    pub action: String,
    pub resource: String,
    /// Lowercase key without prefix -> value.
    pub context: BTreeMap<String, Ctx>,
    /// `acs:CurrentTime` in epoch seconds.
    pub now: Option<i64>,
}

fn strs(v: Option<&Value>) -> Result<Vec<String>, Unsupported> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(String::from).ok_or_else(|| Unsupported(format!("not a string: {i}"))))
            .collect(),
        Some(other) => bail(format!("not a string or list: {other}")),
    }
}

fn scalar(v: &Value) -> Result<String, Unsupported> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => bail(format!("condition value {other}")),
    }
}

fn parse_key(key: &str) -> Result<Key, Unsupported> {
    let lower = key.to_ascii_lowercase();
    let rest = lower.strip_prefix("acs:").or_else(|| lower.strip_prefix("aws:")).unwrap_or(&lower);
    if let Some(tag) = rest.strip_prefix("principaltag/") {
        return Ok(Key::PrincipalTag(ident(tag)?));
    }
    if let Some(tag) = rest.strip_prefix("resourcetag/") {
        return Ok(Key::ResourceTag(ident(tag)?));
    }
    Ok(Key::Context(ident(rest)?))
}

/// Keys become identifiers in Cedar and Casbin expressions.
fn ident(text: &str) -> Result<String, Unsupported> {
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !text.as_bytes()[0].is_ascii_digit()
    {
        Ok(text.to_string())
    } else {
        bail(format!("condition key `{text}` is not a plain name"))
    }
}

fn parse_statement(s: &Value) -> Result<Stmt, Unsupported> {
    for key in ["NotAction", "NotResource", "Principal", "NotPrincipal"] {
        if s.get(key).is_some() {
            return bail(format!("{key} in a statement"));
        }
    }
    let effect = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        other => return bail(format!("Effect {other:?}")),
    };
    let actions: Vec<String> = strs(s.get("Action"))?.iter().map(|a| a.to_ascii_lowercase()).collect();
    for a in &actions {
        if a != "*" && !a.contains(':') {
            return bail(format!("action pattern `{a}`"));
        }
        if a.contains('?') {
            return bail(format!("`?` in action pattern `{a}`"));
        }
    }
    let resources = strs(s.get("Resource"))?;
    for r in &resources {
        if !is_all_stars(r) && (!r.starts_with("acs:") || r.contains(['?', '$', '\\'])) {
            return bail(format!("resource pattern `{r}` (only `*` and acs: ARNs with `*`)"));
        }
    }
    let mut conds = Vec::new();
    if let Some(block) = s.get("Condition") {
        let Some(block) = block.as_object() else { return bail("Condition is not an object") };
        for (op, keys) in block {
            let op = match op.as_str() {
                "Bool" => Op::Bool,
                "IpAddress" => Op::IpAddress,
                "NotIpAddress" => Op::NotIpAddress,
                "StringEquals" => Op::StringEquals,
                "StringNotEquals" => Op::StringNotEquals,
                other => return bail(format!("condition operator {other}")),
            };
            let Some(keys) = keys.as_object() else { return bail("condition block is not an object") };
            for (key, values) in keys {
                let values = match values {
                    Value::Array(items) => items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?,
                    v => vec![scalar(v)?],
                };
                conds.push(Cond { op, key: parse_key(key)?, written_key: key.clone(), values });
            }
        }
    }
    Ok(Stmt { effect, actions, resources, conds, source: s.clone() })
}

fn parse_time(text: &str) -> Option<i64> {
    // RFC 3339 in UTC: YYYY-MM-DDTHH:MM:SSZ (what the workload writes).
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn parse_assign(v: &Value) -> Result<Assign, Unsupported> {
    match v {
        Value::String(role) => Ok(Assign { role: role.clone(), window: None }),
        Value::Object(o) => {
            let role =
                o.get("role").and_then(Value::as_str).ok_or_else(|| Unsupported("assignment without role".into()))?;
            let time = |k: &str| -> Result<Option<i64>, Unsupported> {
                match o.get(k).and_then(Value::as_str) {
                    None => Ok(None),
                    Some(t) => parse_time(t).map(Some).ok_or_else(|| Unsupported(format!("time `{t}`"))),
                }
            };
            let window = (time("notBefore")?, time("notAfter")?);
            Ok(Assign { role: role.to_string(), window: (window != (None, None)).then_some(window) })
        }
        other => bail(format!("assignment {other}")),
    }
}

fn holder(v: &Value, what: &str) -> Result<Holder, Unsupported> {
    let Some(o) = v.as_object() else { return bail(format!("{what} is not an object")) };
    for key in o.keys() {
        if !matches!(
            key.as_str(),
            "policies" | "groups" | "roles" | "boundary" | "tags" | "breakGlass" | "trust" | "maxSessionSeconds"
        ) {
            return bail(format!("`{key}` in {what}"));
        }
    }
    let roles = match o.get("roles") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(parse_assign).collect::<Result<_, _>>()?,
        Some(other) => return bail(format!("roles {other}")),
    };
    let mut tags = BTreeMap::new();
    if let Some(t) = o.get("tags").and_then(Value::as_object) {
        for (k, v) in t {
            tags.insert(ident(&k.to_ascii_lowercase())?, scalar(v)?);
        }
    }
    Ok(Holder {
        policies: strs(o.get("policies"))?,
        groups: strs(o.get("groups"))?,
        roles,
        boundary: o.get("boundary").and_then(Value::as_str).map(String::from),
        tags,
    })
}

impl Model {
    /// Reads a Portcullis store (the subset the workload generator writes).
    pub fn from_store(store: &Value) -> Result<Model, Unsupported> {
        let account = store.get("account").and_then(Value::as_str).unwrap_or_default().to_string();
        if store.get("partition").and_then(Value::as_str).unwrap_or("acs") != "acs" {
            return bail("partition other than acs");
        }
        let mut policies = BTreeMap::new();
        for (name, doc) in store.get("policies").and_then(Value::as_object).into_iter().flatten() {
            let statements = match doc.get("Statement") {
                Some(Value::Array(items)) => items.clone(),
                Some(one @ Value::Object(_)) => vec![one.clone()],
                _ => return bail(format!("policy {name} has no Statement")),
            };
            if doc.get("Version").and_then(Value::as_str) != Some("1") {
                return bail(format!("policy {name} is not in the RAM dialect"));
            }
            policies.insert(name.clone(), statements.iter().map(parse_statement).collect::<Result<_, _>>()?);
        }
        let section = |name: &str| -> Result<BTreeMap<String, Holder>, Unsupported> {
            let mut out = BTreeMap::new();
            for (k, v) in store.get(name).and_then(Value::as_object).into_iter().flatten() {
                out.insert(k.clone(), holder(v, name)?);
            }
            Ok(out)
        };
        let roles = section("roles")?;
        for (name, role) in &roles {
            if role.boundary.is_some() || !role.roles.is_empty() || !role.groups.is_empty() {
                return bail(format!("role {name} has a boundary, roles or groups"));
            }
        }
        let groups = section("groups")?;
        let users = section("users")?;
        let mut resources = Vec::new();
        for (pattern, def) in store.get("resources").and_then(Value::as_object).into_iter().flatten() {
            if def.get("policy").is_some() || def.get("account").is_some() {
                return bail(format!("resource {pattern} has a policy or an account"));
            }
            let mut tags = BTreeMap::new();
            for (k, v) in def.get("tags").and_then(Value::as_object).into_iter().flatten() {
                tags.insert(k.to_ascii_lowercase(), scalar(v)?);
            }
            resources.push((pattern.clone(), tags));
        }
        let guardrails = strs(store.get("guardrails"))?;
        let model = Model { account, policies, roles, groups, users, guardrails, resources };
        for name in model.attached().chain(model.guardrails.iter()) {
            if !model.policies.contains_key(name) {
                return bail(format!("policy {name} is missing"));
            }
        }
        Ok(model)
    }

    /// Every policy name that users, groups and roles attach (with repeats).
    fn attached(&self) -> impl Iterator<Item = &String> {
        self.roles
            .values()
            .chain(self.groups.values())
            .chain(self.users.values())
            .flat_map(|h| h.policies.iter().chain(h.boundary.iter()))
    }

    /// The boundaries users carry.
    fn boundaries(&self) -> BTreeSet<&String> {
        self.users.values().filter_map(|u| u.boundary.as_ref()).collect()
    }

    /// Tags of a request resource: those of the first store resource pattern that matches it and has the key.
    pub fn resource_tags(&self, resource: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (pattern, tags) in &self.resources {
            if arn_matches(pattern, resource) {
                for (k, v) in tags {
                    out.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        out
    }

    fn tags_of(&self, who: &Who) -> BTreeMap<String, String> {
        match who {
            Who::User(u) => self.users.get(u).map(|h| h.tags.clone()).unwrap_or_default(),
            Who::Session(r, _) => self.roles.get(r).map(|h| h.tags.clone()).unwrap_or_default(),
        }
    }

    /// Every (role, window) pair reached through a time-bound assignment.
    fn windows(&self) -> BTreeSet<(String, Window)> {
        let mut out = BTreeSet::new();
        for h in self.groups.values().chain(self.users.values()) {
            for a in &h.roles {
                if let Some(w) = a.window {
                    out.insert((a.role.clone(), w));
                }
            }
        }
        out
    }

    /// The identity policies in force for `who` at `now` (iam-simulate's per-request input).
    pub fn identity_policies(&self, who: &Who, now: Option<i64>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |p: &String| {
            if !out.contains(p) {
                out.push(p.clone());
            }
        };
        let active = |a: &Assign| match a.window {
            None => true,
            Some((nb, na)) => now.is_some_and(|t| nb.is_none_or(|s| t >= s) && na.is_none_or(|e| t < e)),
        };
        match who {
            Who::Session(role, _) => self.roles.get(role).into_iter().flat_map(|r| &r.policies).for_each(&mut add),
            Who::User(u) => {
                let Some(user) = self.users.get(u) else { return out };
                let holders = std::iter::once(user).chain(user.groups.iter().filter_map(|g| self.groups.get(g)));
                for h in holders {
                    h.policies.iter().for_each(&mut add);
                    for a in h.roles.iter().filter(|a| active(a)) {
                        self.roles.get(&a.role).into_iter().flat_map(|r| &r.policies).for_each(&mut add);
                    }
                }
            }
        }
        out
    }
}

fn window_name(role: &str, (nb, na): Window) -> String {
    format!("{role}@{}..{}", nb.map_or(String::new(), |t| t.to_string()), na.map_or(String::new(), |t| t.to_string()))
}

/// Reads a Portcullis request (the subset the workload generator writes).
pub fn parse_request(r: &Value) -> Result<Req, Unsupported> {
    let principal = r.get("principal").and_then(Value::as_str).unwrap_or_default();
    let session = r.get("session");
    if session.is_some_and(|s| s.get("policy").is_some() || s.get("issuedAt").is_some()) {
        return bail("session policies and session times");
    }
    let who = if let Some(u) = principal.strip_prefix("user/") {
        Who::User(u.to_string())
    } else if let Some(role) = principal.strip_prefix("role/") {
        let name = session.and_then(|s| s.get("name")).and_then(Value::as_str).unwrap_or_default();
        Who::Session(role.to_string(), name.to_string())
    } else {
        return bail(format!("principal `{principal}`"));
    };
    let action = r.get("action").and_then(Value::as_str).unwrap_or_default().to_string();
    if action.eq_ignore_ascii_case("sts:AssumeRole") {
        return bail("sts:AssumeRole requests (trust policies are not translated)");
    }
    if r.get("resourceAccount").is_some() {
        return bail("resourceAccount");
    }
    let resource = r.get("resource").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut context = BTreeMap::new();
    let mut now = None;
    for (k, v) in r.get("context").and_then(Value::as_object).into_iter().flatten() {
        let Key::Context(name) = parse_key(k)? else { return bail(format!("context key {k}")) };
        let value = match v {
            Value::Bool(b) => Ctx::Bool(*b),
            Value::String(s) => Ctx::Str(s.clone()),
            other => return bail(format!("context value {other}")),
        };
        if name == "currenttime" {
            if let Ctx::Str(s) = &value {
                now = parse_time(s);
            }
        }
        context.insert(name, value);
    }
    Ok(Req { who, action, resource, context, now })
}

// ---------------------------------------------------------------------------
// Matching, as IAM does it (for action groups and resource tags).

fn is_all_stars(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == b'*')
}

/// `*` (any run) and `?` (one byte), linear time.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let eq = |a: u8, b: u8| if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b };
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || (p[pi] != b'*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

/// IAM action matching (RAM allows a wildcard in the service).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match (pattern.split_once(':'), action.split_once(':')) {
        (Some((ps, pn)), Some((s, n))) => glob(ps, s, true) && glob(pn, n, true),
        _ => false,
    }
}

/// The parts of an `acs:` ARN: service, region, account, resource part.
fn acs_parts(text: &str) -> Option<[&str; 4]> {
    let rest = text.strip_prefix("acs:")?;
    let mut it = rest.splitn(4, ':');
    Some([it.next()?, it.next()?, it.next()?, it.next()?])
}

/// Pads a short `acs:` pattern ending in `*` as IAM does.
fn padded(pattern: &str) -> String {
    let parts = pattern.split(':').count();
    if parts < 5 && pattern.ends_with('*') {
        format!("{pattern}{}", ":*".repeat(5 - parts))
    } else {
        pattern.to_string()
    }
}

/// IAM resource matching for `acs:` patterns (iam-semantics.md 2.3).
pub fn arn_matches(pattern: &str, resource: &str) -> bool {
    if is_all_stars(pattern) {
        return true;
    }
    let pattern = padded(pattern);
    match (acs_parts(&pattern), acs_parts(resource)) {
        (Some(p), Some(r)) => (0..3).all(|i| glob(p[i], r[i], true)) && glob(p[3], r[3], false),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Cedar.

/// Cedar policies (text), entities (JSON) and requests (JSON), as both
/// `@cedar-policy/cedar-wasm` and the `cedar-policy` crate read them.
#[derive(Debug, Clone)]
pub struct Cedar {
    pub policies: String,
    pub entities: Value,
    pub requests: Vec<Value>,
}

fn cedar_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn uid(kind: &str, id: &str) -> Value {
    json!({"type": kind, "id": id})
}

fn cedar_like(pattern: &str) -> String {
    // Only `*` is special in both IAM and Cedar patterns (`?` was refused at parse time).
    let mut out = String::from("\"");
    for c in pattern.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One IAM segment as a Cedar test on an attribute (`None` when it matches anything).
fn cedar_part(attr: &str, pattern: &str, lower: bool) -> Option<String> {
    let pattern = if lower { pattern.to_ascii_lowercase() } else { pattern.to_string() };
    if is_all_stars(&pattern) {
        None
    } else if pattern.contains('*') {
        Some(format!("resource.{attr} like {}", cedar_like(&pattern)))
    } else {
        Some(format!("resource.{attr} == {}", cedar_str(&pattern)))
    }
}

fn cedar_resource(patterns: &[String]) -> Option<String> {
    if patterns.iter().any(|p| is_all_stars(p)) {
        return None;
    }
    let alternatives: Vec<String> = patterns
        .iter()
        .map(|p| {
            let padded = padded(p);
            let parts = acs_parts(&padded).unwrap_or(["", "", "", ""]);
            let mut tests = vec![String::from("resource has path")];
            for (attr, part, lower) in [
                ("service", parts[0], true),
                ("region", parts[1], true),
                ("account", parts[2], true),
                ("path", parts[3], false),
            ] {
                tests.extend(cedar_part(attr, part, lower));
            }
            format!("({})", tests.join(" && "))
        })
        .collect();
    Some(format!("({})", alternatives.join(" || ")))
}

fn cedar_value_of(key: &Key) -> (String, String) {
    // (presence test, value expression)
    match key {
        Key::Context(k) => (format!("context has {k}"), format!("context.{k}")),
        Key::PrincipalTag(k) => (format!("principal.tags has {k}"), format!("principal.tags.{k}")),
        Key::ResourceTag(k) => (format!("resource.tags has {k}"), format!("resource.tags.{k}")),
    }
}

fn cedar_cond(c: &Cond) -> Result<String, Unsupported> {
    let (has, value) = cedar_value_of(&c.key);
    let tests: Vec<String> = c
        .values
        .iter()
        .map(|v| match c.op {
            Op::Bool => match v.to_ascii_lowercase().as_str() {
                "true" => Ok(format!("{value} == true")),
                "false" => Ok(format!("{value} == false")),
                _ => bail(format!("Bool value {v}")),
            },
            Op::IpAddress | Op::NotIpAddress => Ok(format!("{value}.isInRange(ip({}))", cedar_str(v))),
            Op::StringEquals | Op::StringNotEquals => Ok(format!("{value} == {}", cedar_str(v))),
        })
        .collect::<Result<_, _>>()?;
    let any = format!("({})", tests.join(" || "));
    // A missing key: positive operators fail, negated ones hold (iam-semantics.md 3.3).
    Ok(if c.op.negated() { format!("(!({has}) || !{any})") } else { format!("({has} && {any})") })
}

fn cedar_actions(actions: &[String]) -> Option<String> {
    if actions.iter().any(|a| a == "*") {
        return None;
    }
    let list: Vec<String> = actions.iter().map(|a| format!("Action::{}", cedar_str(a))).collect();
    Some(format!("[{}]", list.join(", ")))
}

/// The `when` body of a statement (resource and conditions), `None` when always true.
fn cedar_body(s: &Stmt) -> Result<Option<String>, Unsupported> {
    let mut parts: Vec<String> = cedar_resource(&s.resources).into_iter().collect();
    for c in &s.conds {
        parts.push(cedar_cond(c)?);
    }
    Ok((!parts.is_empty()).then(|| parts.join(" && ")))
}

/// Who holds `policy` as an identity policy, as a Cedar expression.
fn cedar_holders(policy: &str, timed: &BTreeMap<String, Vec<Window>>, model: &Model) -> String {
    let mut alternatives = vec![format!("principal in Policy::{}", cedar_str(policy))];
    for (role, holder) in &model.roles {
        if !holder.policies.iter().any(|p| p == policy) {
            continue;
        }
        for &w in timed.get(role).into_iter().flatten() {
            let mut test = vec![format!("principal in Window::{}", cedar_str(&window_name(role, w)))];
            if w.0.is_some() || w.1.is_some() {
                test.push(String::from("context has now"));
            }
            if let Some(nb) = w.0 {
                test.push(format!("{nb} <= context.now"));
            }
            if let Some(na) = w.1 {
                test.push(format!("context.now < {na}"));
            }
            alternatives.push(format!("({})", test.join(" && ")));
        }
    }
    if alternatives.len() == 1 {
        alternatives.remove(0)
    } else {
        format!("({})", alternatives.join(" || "))
    }
}

fn cedar_rule(id: &str, effect: Effect, principal: &str, actions: Option<String>, when: &[String]) -> String {
    let keyword = match effect {
        Effect::Allow => "permit",
        Effect::Deny => "forbid",
    };
    let action = actions.map_or(String::from("action"), |a| format!("action in {a}"));
    let mut text = format!("@id({})\n{keyword} ({principal}, {action}, resource)", cedar_str(id));
    if !when.is_empty() {
        let _ = write!(text, "\nwhen {{ {} }}", when.join(" && "));
    }
    text.push_str(";\n\n");
    text
}

/// A ceiling (boundary or guardrails): a forbid unless one of the allows applies.
fn cedar_ceiling(id: &str, principal: &str, allows: &[&Stmt]) -> Result<Option<String>, Unsupported> {
    if allows.iter().any(|s| s.allows_all()) {
        return Ok(None);
    }
    let mut alternatives = Vec::new();
    for s in allows {
        let mut parts: Vec<String> = cedar_actions(&s.actions).map(|a| format!("action in {a}")).into_iter().collect();
        parts.extend(cedar_body(s)?);
        alternatives.push(if parts.is_empty() { String::from("true") } else { format!("({})", parts.join(" && ")) });
    }
    let unless = if alternatives.is_empty() { String::from("false") } else { alternatives.join(" || ") };
    Ok(Some(format!("@id({})\nforbid ({principal}, action, resource)\nunless {{ {unless} }};\n\n", cedar_str(id))))
}

fn cedar_context(req: &Req) -> Value {
    let mut ctx = Map::new();
    for (k, v) in &req.context {
        let value = match v {
            Ctx::Bool(b) => json!(b),
            Ctx::Str(s) if k == "sourceip" => json!({"__extn": {"fn": "ip", "arg": s}}),
            Ctx::Str(s) => json!(s),
        };
        ctx.insert(k.clone(), value);
    }
    if let Some(now) = req.now {
        ctx.insert("now".into(), json!(now));
    }
    Value::Object(ctx)
}

fn tags_value(tags: &BTreeMap<String, String>) -> Value {
    Value::Object(tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

impl Model {
    /// Translates the model and `requests` for Cedar.
    pub fn cedar(&self, requests: &[Req]) -> Result<Cedar, Unsupported> {
        let mut timed: BTreeMap<String, Vec<Window>> = BTreeMap::new();
        for (role, w) in self.windows() {
            timed.entry(role).or_default().push(w);
        }
        let boundaries = self.boundaries();
        let guardrails: BTreeSet<&String> = self.guardrails.iter().collect();
        let identity: BTreeSet<&String> = self
            .roles
            .values()
            .chain(self.groups.values())
            .chain(self.users.values())
            .flat_map(|h| &h.policies)
            .collect();

        let mut text = String::new();
        for name in &identity {
            let holders = cedar_holders(name, &timed, self);
            // Without time-bound paths the holder test is the scope, as Cedar users write it.
            let (scope, extra) =
                if holders.starts_with('(') { ("principal", Some(holders)) } else { (holders.as_str(), None) };
            for (i, s) in self.policies[*name].iter().enumerate() {
                let mut when: Vec<String> = extra.iter().cloned().collect();
                when.extend(cedar_body(s)?);
                text.push_str(&cedar_rule(&format!("{name}/{i}"), s.effect, scope, cedar_actions(&s.actions), &when));
            }
        }
        for name in &boundaries {
            let principal = format!("principal in Boundary::{}", cedar_str(name));
            let statements = &self.policies[*name];
            for (i, s) in statements.iter().enumerate().filter(|(_, s)| s.effect == Effect::Deny) {
                let when: Vec<String> = cedar_body(s)?.into_iter().collect();
                text.push_str(&cedar_rule(
                    &format!("{name}/{i}"),
                    Effect::Deny,
                    &principal,
                    cedar_actions(&s.actions),
                    &when,
                ));
            }
            let allows: Vec<&Stmt> = statements.iter().filter(|s| s.effect == Effect::Allow).collect();
            text.extend(cedar_ceiling(&format!("{name}/ceiling"), &principal, &allows)?);
        }
        let mut guardrail_allows = Vec::new();
        for name in &guardrails {
            for (i, s) in self.policies[*name].iter().enumerate() {
                if s.effect == Effect::Allow {
                    guardrail_allows.push(s);
                    continue;
                }
                let when: Vec<String> = cedar_body(s)?.into_iter().collect();
                text.push_str(&cedar_rule(
                    &format!("{name}/{i}"),
                    Effect::Deny,
                    "principal",
                    cedar_actions(&s.actions),
                    &when,
                ));
            }
        }
        if !guardrails.is_empty() {
            text.extend(cedar_ceiling("guardrails/ceiling", "principal", &guardrail_allows)?);
        }

        // Entities.
        let mut entities = Vec::new();
        for name in &identity {
            entities.push(json!({"uid": uid("Policy", name), "attrs": {}, "parents": []}));
        }
        for name in &boundaries {
            entities.push(json!({"uid": uid("Boundary", name), "attrs": {}, "parents": []}));
        }
        for (role, w) in self.windows() {
            entities.push(json!({"uid": uid("Window", &window_name(&role, w)), "attrs": {}, "parents": []}));
        }
        let parents = |h: &Holder| -> Vec<Value> {
            let mut out: Vec<Value> = h.policies.iter().map(|p| uid("Policy", p)).collect();
            out.extend(h.groups.iter().map(|g| uid("Group", g)));
            for a in &h.roles {
                out.push(match a.window {
                    None => uid("Role", &a.role),
                    Some(w) => uid("Window", &window_name(&a.role, w)),
                });
            }
            out.extend(h.boundary.iter().map(|b| uid("Boundary", b)));
            out
        };
        for (kind, map) in [("Role", &self.roles), ("Group", &self.groups), ("User", &self.users)] {
            for (name, h) in map {
                let attrs = if kind == "Group" { json!({}) } else { json!({"tags": tags_value(&h.tags)}) };
                entities.push(json!({"uid": uid(kind, name), "attrs": attrs, "parents": parents(h)}));
            }
        }
        // Actions the requests use, with the patterns (action groups) they fall under.
        let patterns: BTreeSet<&String> =
            self.policies.values().flatten().flat_map(|s| &s.actions).filter(|a| *a != "*").collect();
        let actions: BTreeSet<String> = requests.iter().map(|r| r.action.to_ascii_lowercase()).collect();
        for p in patterns.iter().filter(|p| p.contains('*') && !actions.contains(**p)) {
            entities.push(json!({"uid": uid("Action", p), "attrs": {}, "parents": []}));
        }
        for a in &actions {
            let groups: Vec<Value> = patterns
                .iter()
                .filter(|p| p.contains('*') && *p != &a && action_matches(p, a))
                .map(|p| uid("Action", p))
                .collect();
            entities.push(json!({"uid": uid("Action", a), "attrs": {}, "parents": groups}));
        }
        let resources: BTreeSet<&String> = requests.iter().map(|r| &r.resource).collect();
        for r in resources {
            let mut attrs = Map::new();
            attrs.insert("tags".into(), tags_value(&self.resource_tags(r)));
            if let Some(parts) = acs_parts(r) {
                for (attr, part, lower) in [
                    ("service", parts[0], true),
                    ("region", parts[1], true),
                    ("account", parts[2], true),
                    ("path", parts[3], false),
                ] {
                    attrs.insert(attr.into(), json!(if lower { part.to_ascii_lowercase() } else { part.to_string() }));
                }
            }
            entities.push(json!({"uid": uid("Resource", r), "attrs": attrs, "parents": []}));
        }

        let requests = requests
            .iter()
            .map(|r| {
                let principal = match &r.who {
                    Who::User(u) => uid("User", u),
                    Who::Session(role, _) => uid("Role", role),
                };
                json!({"principal": principal, "action": uid("Action", &r.action.to_ascii_lowercase()),
                       "resource": uid("Resource", &r.resource), "context": cedar_context(r)})
            })
            .collect();
        Ok(Cedar { policies: text, entities: Value::Array(entities), requests })
    }
}

// ---------------------------------------------------------------------------
// Casbin.

/// The Casbin model (PERM text), policy lines, role links and requests.
pub const CASBIN_MODEL: &str = "[request_definition]
r = sub, act, obj, ctx

[policy_definition]
p = sub, act, obj, via, cond, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (g(r.sub, p.sub) || eval(p.via)) && regexMatch(r.act, p.act) && regexMatch(r.obj, p.obj) && eval(p.cond)
";

#[derive(Debug, Clone)]
pub struct Casbin {
    pub model: &'static str,
    /// `p` lines: sub, act, obj, via, cond, eft.
    pub policies: Vec<[String; 6]>,
    /// `g` lines: member, role.
    pub links: Vec<[String; 2]>,
    /// sub, act, obj, ctx (an object).
    pub requests: Vec<Value>,
}

fn regex_escape(text: &str, out: &mut String) {
    for c in text.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

fn regex_glob(pattern: &str, star: &str, out: &mut String) {
    for (i, piece) in pattern.split('*').enumerate() {
        if i > 0 {
            out.push_str(star);
        }
        regex_escape(piece, out);
    }
}

fn casbin_action_regex(actions: &[String]) -> String {
    if actions.iter().any(|a| a == "*") {
        return String::from("^.*$");
    }
    let alternatives: Vec<String> = actions
        .iter()
        .map(|a| {
            let mut out = String::new();
            regex_glob(a, ".*", &mut out);
            out
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

fn casbin_resource_regex(resources: &[String]) -> String {
    if resources.iter().any(|r| is_all_stars(r)) {
        return String::from("^.*$");
    }
    let alternatives: Vec<String> = resources
        .iter()
        .map(|r| {
            let padded = padded(r);
            let parts = acs_parts(&padded).unwrap_or(["", "", "", ""]);
            let mut out = String::from("acs:");
            for head in &parts[..3] {
                regex_glob(&head.to_ascii_lowercase(), "[^:]*", &mut out);
                out.push(':');
            }
            regex_glob(parts[3], ".*", &mut out);
            out
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

fn casbin_field(key: &Key) -> String {
    match key {
        Key::Context(k) => format!("r.ctx.c_{k}"),
        Key::PrincipalTag(k) => format!("r.ctx.ptag_{k}"),
        Key::ResourceTag(k) => format!("r.ctx.rtag_{k}"),
    }
}

fn js_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn casbin_cond(c: &Cond) -> Result<String, Unsupported> {
    let value = casbin_field(&c.key);
    let tests: Vec<String> = c
        .values
        .iter()
        .map(|v| match c.op {
            Op::Bool => match v.to_ascii_lowercase().as_str() {
                "true" => Ok(format!("{value} === true")),
                "false" => Ok(format!("{value} === false")),
                _ => bail(format!("Bool value {v}")),
            },
            Op::IpAddress | Op::NotIpAddress => Ok(format!("ipMatch({value}, {})", js_str(v))),
            Op::StringEquals | Op::StringNotEquals => Ok(format!("{value} === {}", js_str(v))),
        })
        .collect::<Result<_, _>>()?;
    let any = format!("({})", tests.join(" || "));
    Ok(if c.op.negated() { format!("({value} === null || !{any})") } else { format!("({value} !== null && {any})") })
}

fn casbin_conds(s: &Stmt) -> Result<String, Unsupported> {
    if s.conds.is_empty() {
        return Ok(String::from("true"));
    }
    Ok(s.conds.iter().map(casbin_cond).collect::<Result<Vec<_>, _>>()?.join(" && "))
}

fn lower_arn_head(resource: &str) -> String {
    match acs_parts(resource) {
        Some(p) => format!(
            "acs:{}:{}:{}:{}",
            p[0].to_ascii_lowercase(),
            p[1].to_ascii_lowercase(),
            p[2].to_ascii_lowercase(),
            p[3]
        ),
        None => resource.to_string(),
    }
}

impl Model {
    /// Every condition key the policies read (so that Casbin requests carry them all, `null` when absent).
    fn keys(&self) -> BTreeSet<Key> {
        self.policies.values().flatten().flat_map(|s| s.conds.iter().map(|c| c.key.clone())).collect()
    }

    /// Translates the model and `requests` for Casbin.
    pub fn casbin(&self, requests: &[Req]) -> Result<Casbin, Unsupported> {
        let eft = |e: Effect| String::from(if e == Effect::Allow { "allow" } else { "deny" });
        let mut timed: BTreeMap<String, Vec<Window>> = BTreeMap::new();
        for (role, w) in self.windows() {
            timed.entry(role).or_default().push(w);
        }
        let mut policies = Vec::new();
        let identity: BTreeSet<&String> = self
            .roles
            .values()
            .chain(self.groups.values())
            .chain(self.users.values())
            .flat_map(|h| &h.policies)
            .collect();
        for name in &identity {
            // Timed paths to this policy: membership of a window entity while the window is open.
            let mut via = Vec::new();
            for (role, holder) in &self.roles {
                if holder.policies.contains(name) {
                    for &w in timed.get(role).into_iter().flatten() {
                        let mut test =
                            vec![format!("g(r.sub, {})", js_str(&format!("window:{}", window_name(role, w))))];
                        if let Some(nb) = w.0 {
                            test.push(format!("r.ctx.now !== null && r.ctx.now >= {nb}"));
                        }
                        if let Some(na) = w.1 {
                            test.push(format!("r.ctx.now !== null && r.ctx.now < {na}"));
                        }
                        via.push(format!("({})", test.join(" && ")));
                    }
                }
            }
            let via = if via.is_empty() { String::from("false") } else { via.join(" || ") };
            for s in &self.policies[*name] {
                policies.push([
                    format!("policy:{name}"),
                    casbin_action_regex(&s.actions),
                    casbin_resource_regex(&s.resources),
                    via.clone(),
                    casbin_conds(s)?,
                    eft(s.effect),
                ]);
            }
        }
        let ceiling = |subject: String, via: &str, allows: &[&Stmt]| -> Result<Option<[String; 6]>, Unsupported> {
            if allows.iter().any(|s| s.allows_all()) {
                return Ok(None);
            }
            let mut alternatives = Vec::new();
            for s in allows {
                alternatives.push(format!(
                    "(regexMatch(r.act, {}) && regexMatch(r.obj, {}) && {})",
                    js_str(&casbin_action_regex(&s.actions)),
                    js_str(&casbin_resource_regex(&s.resources)),
                    casbin_conds(s)?
                ));
            }
            let any = if alternatives.is_empty() { String::from("false") } else { alternatives.join(" || ") };
            Ok(Some([subject, "^.*$".into(), "^.*$".into(), via.into(), format!("!({any})"), "deny".into()]))
        };
        for name in self.boundaries() {
            let statements = &self.policies[name];
            for s in statements.iter().filter(|s| s.effect == Effect::Deny) {
                policies.push([
                    format!("boundary:{name}"),
                    casbin_action_regex(&s.actions),
                    casbin_resource_regex(&s.resources),
                    "false".into(),
                    casbin_conds(s)?,
                    "deny".into(),
                ]);
            }
            let allows: Vec<&Stmt> = statements.iter().filter(|s| s.effect == Effect::Allow).collect();
            policies.extend(ceiling(format!("boundary:{name}"), "false", &allows)?);
        }
        let mut guardrail_allows = Vec::new();
        for name in &self.guardrails {
            for s in &self.policies[name] {
                if s.effect == Effect::Allow {
                    guardrail_allows.push(s);
                    continue;
                }
                policies.push([
                    String::new(),
                    casbin_action_regex(&s.actions),
                    casbin_resource_regex(&s.resources),
                    "true".into(),
                    casbin_conds(s)?,
                    "deny".into(),
                ]);
            }
        }
        if !self.guardrails.is_empty() {
            policies.extend(ceiling(String::new(), "true", &guardrail_allows)?);
        }

        let mut links = Vec::new();
        for (kind, map) in [("role", &self.roles), ("group", &self.groups), ("user", &self.users)] {
            for (name, h) in map {
                let me = format!("{kind}:{name}");
                links.extend(h.policies.iter().map(|p| [me.clone(), format!("policy:{p}")]));
                links.extend(h.groups.iter().map(|g| [me.clone(), format!("group:{g}")]));
                for a in &h.roles {
                    links.push([
                        me.clone(),
                        match a.window {
                            None => format!("role:{}", a.role),
                            Some(w) => format!("window:{}", window_name(&a.role, w)),
                        },
                    ]);
                }
                links.extend(h.boundary.iter().map(|b| [me.clone(), format!("boundary:{b}")]));
            }
        }

        let keys = self.keys();
        let requests = requests
            .iter()
            .map(|r| {
                let sub = match &r.who {
                    Who::User(u) => format!("user:{u}"),
                    Who::Session(role, _) => format!("role:{role}"),
                };
                let ptags = self.tags_of(&r.who);
                let rtags = self.resource_tags(&r.resource);
                let mut ctx = Map::new();
                for key in &keys {
                    let (field, value) = match key {
                        Key::Context(k) => (
                            format!("c_{k}"),
                            match r.context.get(k) {
                                Some(Ctx::Bool(b)) => json!(b),
                                Some(Ctx::Str(s)) => json!(s),
                                None => Value::Null,
                            },
                        ),
                        Key::PrincipalTag(k) => (format!("ptag_{k}"), ptags.get(k).map_or(Value::Null, |v| json!(v))),
                        Key::ResourceTag(k) => (format!("rtag_{k}"), rtags.get(k).map_or(Value::Null, |v| json!(v))),
                    };
                    ctx.insert(field, value);
                }
                ctx.insert("now".into(), r.now.map_or(Value::Null, |t| json!(t)));
                json!([sub, r.action.to_ascii_lowercase(), lower_arn_head(&r.resource), ctx])
            })
            .collect();
        Ok(Casbin { model: CASBIN_MODEL, policies, links, requests })
    }
}

// ---------------------------------------------------------------------------
// iam-simulate: per-request IAM inputs in the AWS dialect.

fn aws_key(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    let rest = lower.strip_prefix("acs:").or_else(|| lower.strip_prefix("aws:")).unwrap_or(&lower);
    let original_rest = key.get(key.len() - rest.len()..).unwrap_or(rest);
    match rest {
        "mfapresent" => String::from("aws:MultiFactorAuthPresent"),
        "sourceip" => String::from("aws:SourceIp"),
        "currenttime" => String::from("aws:CurrentTime"),
        _ => format!("aws:{original_rest}"),
    }
}

/// The iam-simulate stand-in for a request resource that is not an ARN (`*`).
pub const NOT_AN_ARN: &str = "arn:aws:none:::not-an-arn";

fn aws_arn(text: &str) -> String {
    match text.strip_prefix("acs:") {
        Some(rest) => format!("arn:aws:{rest}"),
        None => text.to_string(),
    }
}

impl Model {
    /// The services of the requested actions, to expand RAM's service wildcards for AWS.
    fn aws_statement(&self, s: &Stmt, services: &BTreeSet<String>) -> Value {
        let mut out = s.source.clone();
        let mut actions = Vec::new();
        for a in &s.actions {
            match a.split_once(':') {
                Some((service, name)) if service.contains('*') => {
                    for svc in services.iter().filter(|svc| glob(service, svc, true)) {
                        actions.push(json!(format!("{svc}:{name}")));
                    }
                }
                _ => actions.push(json!(a)),
            }
        }
        if actions.is_empty() {
            actions.push(json!("none:NoAction"));
        }
        out["Action"] = Value::Array(actions);
        out["Resource"] = Value::Array(s.resources.iter().map(|r| json!(aws_arn(r))).collect());
        if let Some(block) = out.get_mut("Condition").and_then(Value::as_object_mut) {
            for keys in block.values_mut() {
                if let Some(keys) = keys.as_object_mut() {
                    let renamed: Map<String, Value> = keys.iter().map(|(k, v)| (aws_key(k), v.clone())).collect();
                    *keys = renamed;
                }
            }
        }
        out
    }

    /// Policies (AWS dialect), guardrails (SCPs of one level) and one input per request.
    pub fn iam(&self, requests: &[Req]) -> Value {
        let services: BTreeSet<String> =
            requests.iter().filter_map(|r| r.action.split_once(':').map(|(s, _)| s.to_ascii_lowercase())).collect();
        let policies: Map<String, Value> = self
            .policies
            .iter()
            .map(|(name, statements)| {
                let statements: Vec<Value> = statements.iter().map(|s| self.aws_statement(s, &services)).collect();
                (name.clone(), json!({"Version": "2012-10-17", "Statement": statements}))
            })
            .collect();
        let inputs: Vec<Value> = requests
            .iter()
            .map(|r| {
                let principal = match &r.who {
                    Who::User(u) => format!("arn:aws:iam::{}:user/{u}", self.account),
                    Who::Session(role, session) => format!("arn:aws:sts::{}:assumed-role/{role}/{session}", self.account),
                };
                let boundary = match &r.who {
                    Who::User(u) => self.users.get(u).and_then(|h| h.boundary.clone()),
                    Who::Session(..) => None,
                };
                let mut ctx = Map::new();
                for (k, v) in &r.context {
                    let value = match v {
                        Ctx::Bool(b) => b.to_string(),
                        Ctx::Str(s) => s.clone(),
                    };
                    ctx.insert(aws_key(k), json!(value));
                }
                for (k, v) in self.tags_of(&r.who) {
                    ctx.insert(format!("aws:PrincipalTag/{k}"), json!(v));
                }
                for (k, v) in self.resource_tags(&r.resource) {
                    ctx.insert(format!("aws:ResourceTag/{k}"), json!(v));
                }
                let account = acs_parts(&r.resource).map_or(self.account.as_str(), |p| p[2]).to_string();
                json!({
                    "principal": principal,
                    "action": r.action,
                    // iam-simulate reads a request on `*` as a wildcard query ("allowed on some
                    // resource the patterns cover?"); in Portcullis a resource that is not an ARN
                    // matches only `*` patterns, which an ARN no workload pattern covers reproduces.
                    "resource": if acs_parts(&r.resource).is_some() { aws_arn(&r.resource) } else { String::from(NOT_AN_ARN) },
                    "accountId": if account.is_empty() || account.contains('*') { self.account.clone() } else { account },
                    "identity": self.identity_policies(&r.who, r.now),
                    "boundary": boundary.into_iter().collect::<Vec<_>>(),
                    "context": ctx,
                })
            })
            .collect();
        json!({"policies": policies, "guardrails": self.guardrails, "requests": inputs})
    }
}

/// Reads a store and its requests for translation.
pub fn model_and_requests(store: &Value, requests: &[Value]) -> Result<(Model, Vec<Req>), Unsupported> {
    let model = Model::from_store(store)?;
    let reqs = requests.iter().map(parse_request).collect::<Result<Vec<_>, _>>()?;
    Ok((model, reqs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{requests, store, Size};

    #[test]
    fn matching() {
        assert!(glob("describe*", "DescribeInstances", true));
        assert!(!glob("describe*", "DescribeInstances", false));
        assert!(glob("*tag*", "describetag", true));
        assert!(glob("a*b*c", "axxbyyc", false));
        assert!(!glob("a*b*c", "axxbyy", false));
        assert!(action_matches("*:describe*", "ecs:DescribeInstances"));
        assert!(!action_matches("ecs:describe*", "oss:DescribeInstances"));
        assert!(arn_matches("acs:ecs:*:*:instance/dev-*", "acs:ecs:cn-hangzhou:1:instance/dev-app-1"));
        assert!(!arn_matches("acs:ecs:*:*:instance/dev-*", "acs:ecs:cn-hangzhou:1:instance/prod-app-1"));
        assert!(!arn_matches("acs:ecs:*:*:instance/dev-*", "*"));
        assert!(arn_matches("*", "*"));
        assert!(arn_matches("acs:*:us-*:*:*", "acs:ecs:us-east-1:1:instance/x"));
        assert!(!arn_matches("acs:*:us-*:*:*", "acs:ecs:cn-hangzhou:1:instance/x"));
        assert_eq!(parse_time("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(parse_time("2026-11-23T09:00:00Z"), Some(1_795_424_400));
    }

    #[test]
    fn every_size_translates() {
        for size in [Size::Small, Size::Medium] {
            let (model, reqs) = model_and_requests(&store(size), &requests(size, 500)).unwrap();
            let cedar = model.cedar(&reqs).unwrap();
            assert!(cedar.policies.contains("permit"));
            assert_eq!(cedar.requests.len(), 500);
            let casbin = model.casbin(&reqs).unwrap();
            assert!(!casbin.policies.is_empty());
            let iam = model.iam(&reqs);
            assert_eq!(iam["requests"].as_array().map(Vec::len), Some(500));
        }
    }

    #[test]
    fn unsupported_constructs_are_refused() {
        let store = json!({"account": "1", "policies": {"P": {"Version": "1", "Statement": [
            {"Effect": "Allow", "NotAction": "ecs:*", "Resource": "*"}]}}});
        assert!(Model::from_store(&store).is_err());
        let store = json!({"account": "1", "policies": {"P": {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {"DateLessThan": {"acs:CurrentTime": "x"}}}]}}});
        assert!(Model::from_store(&store).is_err());
        assert!(parse_request(&json!({"principal": "user/a", "action": "sts:AssumeRole", "resource": "*"})).is_err());
    }
}
