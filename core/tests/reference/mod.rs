//! A deliberately simple reference evaluator for the differential tests.
//!
//! Written from `shared/iam-semantics.md` and `shared/DESIGN.md`, not from the
//! engine: every statement of every applicable policy is scanned for every
//! request, with no index, no precomputation and no compiled patterns. Where
//! the sources disagree, it follows the decisions the vectors pin (see the
//! `PINNED` notes below).
//!
//! The model types here are also what the generator builds; [`Model::to_json`]
//! and [`Req::to_json`] give the engine the same input as JSON.

use serde_json::{json, Map, Value};

// ---------------------------------------------------------------- the model

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    Acs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Principal entries by key (`AWS`, `RAM`, ...); `None` is `"*"`.
pub type Principals = Option<Vec<(String, Vec<String>)>>;
/// A Condition block: `operator -> [(key, values)]`, values as JSON scalars.
pub type ConditionBlock = Vec<(String, Vec<(String, Vec<Value>)>)>;

#[derive(Debug, Clone)]
pub struct Statement {
    pub effect: Effect,
    /// Patterns, and whether the element is `NotAction`.
    pub action: (Vec<String>, bool),
    /// Patterns, and whether the element is `NotResource`; `None` in trust policies.
    pub resource: Option<(Vec<String>, bool)>,
    /// Principal entries by key (`AWS`, `RAM`, ...) or `None` for `"*"`;
    /// the flag is `NotPrincipal`.
    pub principal: Option<(Principals, bool)>,
    pub condition: ConditionBlock,
}

#[derive(Debug, Clone)]
pub struct Policy {
    /// `"1"`, `"2012-10-17"`, `"2008-10-17"` or absent.
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub role: String,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct User {
    pub name: String,
    pub groups: Vec<String>,
    pub policies: Vec<String>,
    pub roles: Vec<Assignment>,
    pub boundary: Option<String>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Group {
    pub name: String,
    pub policies: Vec<String>,
    pub roles: Vec<Assignment>,
}

#[derive(Debug, Clone, Default)]
pub struct Role {
    pub name: String,
    pub policies: Vec<String>,
    pub trust: Option<Policy>,
    pub boundary: Option<String>,
    pub break_glass: bool,
    pub max_session_seconds: Option<u32>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// The resource ARN, or an ARN pattern.
    pub key: String,
    pub policy: Option<Policy>,
    pub tags: Vec<(String, String)>,
    pub account: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub partition: Partition,
    pub account: String,
    pub policies: Vec<(String, Policy)>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub guardrails: Vec<String>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone)]
pub enum CtxValue {
    One(Value),
    Many(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Session {
    pub name: Option<String>,
    pub policy: Option<Policy>,
    pub issued_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Req {
    pub principal: String,
    pub session: Option<Session>,
    pub action: String,
    pub resource: String,
    pub resource_account: Option<String>,
    pub context: Vec<(String, CtxValue)>,
}

// ---------------------------------------------------------------- JSON

fn list(items: &[String]) -> Value {
    if items.len() == 1 {
        json!(items[0])
    } else {
        json!(items)
    }
}

fn tags(tags: &[(String, String)]) -> Value {
    Value::Object(tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

impl Policy {
    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        if let Some(v) = &self.version {
            doc.insert("Version".into(), json!(v));
        }
        let statements: Vec<Value> = self.statements.iter().map(Statement::to_json).collect();
        doc.insert("Statement".into(), Value::Array(statements));
        Value::Object(doc)
    }
}

impl Statement {
    fn to_json(&self) -> Value {
        let mut s = Map::new();
        s.insert("Effect".into(), json!(if self.effect == Effect::Allow { "Allow" } else { "Deny" }));
        let (actions, not) = &self.action;
        s.insert(if *not { "NotAction" } else { "Action" }.into(), list(actions));
        if let Some((resources, not)) = &self.resource {
            s.insert(if *not { "NotResource" } else { "Resource" }.into(), list(resources));
        }
        if let Some((entries, not)) = &self.principal {
            let value = match entries {
                None => json!("*"),
                Some(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), list(v))).collect()),
            };
            s.insert(if *not { "NotPrincipal" } else { "Principal" }.into(), value);
        }
        if !self.condition.is_empty() {
            let mut block = Map::new();
            for (op, keys) in &self.condition {
                let mut inner = Map::new();
                for (key, values) in keys {
                    let v = if values.len() == 1 { values[0].clone() } else { Value::Array(values.clone()) };
                    inner.insert(key.clone(), v);
                }
                block.insert(op.clone(), Value::Object(inner));
            }
            s.insert("Condition".into(), Value::Object(block));
        }
        Value::Object(s)
    }
}

fn assignments(list: &[Assignment]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| {
                if a.not_before.is_none() && a.not_after.is_none() {
                    return json!(a.role);
                }
                let mut m = Map::new();
                m.insert("role".into(), json!(a.role));
                if let Some(t) = &a.not_before {
                    m.insert("notBefore".into(), json!(t));
                }
                if let Some(t) = &a.not_after {
                    m.insert("notAfter".into(), json!(t));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

impl Model {
    pub fn to_json(&self) -> Value {
        let mut store = Map::new();
        store.insert("account".into(), json!(self.account));
        store.insert("partition".into(), json!(if self.partition == Partition::Aws { "aws" } else { "acs" }));
        store.insert(
            "policies".into(),
            Value::Object(self.policies.iter().map(|(n, p)| (n.clone(), p.to_json())).collect()),
        );
        let groups = self.groups.iter().map(|g| {
            let mut m = Map::new();
            m.insert("policies".into(), json!(g.policies));
            if !g.roles.is_empty() {
                m.insert("roles".into(), assignments(&g.roles));
            }
            (g.name.clone(), Value::Object(m))
        });
        store.insert("groups".into(), Value::Object(groups.collect()));
        let roles = self.roles.iter().map(|r| {
            let mut m = Map::new();
            m.insert("policies".into(), json!(r.policies));
            if let Some(t) = &r.trust {
                m.insert("trust".into(), t.to_json());
            }
            if let Some(b) = &r.boundary {
                m.insert("boundary".into(), json!(b));
            }
            if r.break_glass {
                m.insert("breakGlass".into(), json!(true));
            }
            if let Some(s) = r.max_session_seconds {
                m.insert("maxSessionSeconds".into(), json!(s));
            }
            if !r.tags.is_empty() {
                m.insert("tags".into(), tags(&r.tags));
            }
            (r.name.clone(), Value::Object(m))
        });
        store.insert("roles".into(), Value::Object(roles.collect()));
        let users = self.users.iter().map(|u| {
            let mut m = Map::new();
            m.insert("groups".into(), json!(u.groups));
            m.insert("policies".into(), json!(u.policies));
            if !u.roles.is_empty() {
                m.insert("roles".into(), assignments(&u.roles));
            }
            if let Some(b) = &u.boundary {
                m.insert("boundary".into(), json!(b));
            }
            if !u.tags.is_empty() {
                m.insert("tags".into(), tags(&u.tags));
            }
            (u.name.clone(), Value::Object(m))
        });
        store.insert("users".into(), Value::Object(users.collect()));
        store.insert("guardrails".into(), json!(self.guardrails));
        let resources = self.resources.iter().map(|r| {
            let mut m = Map::new();
            if let Some(p) = &r.policy {
                m.insert("policy".into(), p.to_json());
            }
            if !r.tags.is_empty() {
                m.insert("tags".into(), tags(&r.tags));
            }
            if let Some(a) = &r.account {
                m.insert("account".into(), json!(a));
            }
            (r.key.clone(), Value::Object(m))
        });
        store.insert("resources".into(), Value::Object(resources.collect()));
        Value::Object(store)
    }
}

impl Req {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("principal".into(), json!(self.principal));
        m.insert("action".into(), json!(self.action));
        m.insert("resource".into(), json!(self.resource));
        if let Some(a) = &self.resource_account {
            m.insert("resourceAccount".into(), json!(a));
        }
        if let Some(s) = &self.session {
            let mut sm = Map::new();
            if let Some(n) = &s.name {
                sm.insert("name".into(), json!(n));
            }
            if let Some(p) = &s.policy {
                sm.insert("policy".into(), p.to_json());
            }
            if let Some(t) = &s.issued_at {
                sm.insert("issuedAt".into(), json!(t));
            }
            m.insert("session".into(), Value::Object(sm));
        }
        if !self.context.is_empty() {
            let ctx = self.context.iter().map(|(k, v)| {
                let v = match v {
                    CtxValue::One(v) => v.clone(),
                    CtxValue::Many(vs) => json!(vs),
                };
                (k.clone(), v)
            });
            m.insert("context".into(), Value::Object(ctx.collect()));
        }
        Value::Object(m)
    }
}

// ---------------------------------------------------------------- primitives

/// `*` matches any run of characters, `?` exactly one; `escaped[i]` marks a
/// literal character. Plain dynamic programming over characters.
pub fn glob(pattern: &[(char, bool)], text: &str, fold: bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| if fold { a.to_lowercase().eq(b.to_lowercase()) } else { a == b };
    // can[j]: pattern prefix matches text prefix of length j.
    let mut can = vec![false; text.len() + 1];
    can[0] = true;
    for &(p, literal) in pattern {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match (p, literal) {
                ('*', false) => can[j] || (j > 0 && next[j - 1]),
                ('?', false) => j > 0 && can[j - 1],
                _ => j > 0 && can[j - 1] && eq(p, text[j - 1]),
            };
        }
        can = next;
    }
    can[text.len()]
}

pub fn wild(pattern: &str) -> Vec<(char, bool)> {
    pattern.chars().map(|c| (c, false)).collect()
}

fn literal(text: &str) -> Vec<(char, bool)> {
    text.chars().map(|c| (c, true)).collect()
}

/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM)` or epoch seconds, as
/// seconds since 1970 (only what the generator writes needs to work).
pub fn parse_time(text: &str) -> Option<i64> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let (yy, m) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    if b.len() == 10 {
        return Some(days * 86_400);
    }
    if b[10] != b'T' || b.len() < 20 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            sign * (rest[1..3].parse::<i64>().ok()? * 3600 + rest[4..6].parse::<i64>().ok()? * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// A decimal as (mantissa, scale 10^-9); enough for the generator's numbers.
pub fn parse_number(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.contains('.') && frac.is_empty() {
        return None;
    }
    if int.len() > 20 || frac.len() > 9 {
        return None;
    }
    let mut v: i128 = int.parse().ok()?;
    let mut f = String::from(frac);
    while f.len() < 9 {
        f.push('0');
    }
    v = v * 1_000_000_000 + f.parse::<i128>().ok()?;
    Some(if neg { -v } else { v })
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// `addr` or `addr/prefix`, IPv4 or IPv6; as (is_v6, bits, prefix).
pub fn parse_cidr(text: &str) -> Option<(bool, u128, u32)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let (v6, bits, max) = match ip {
        std::net::IpAddr::V4(a) => (false, u128::from(u32::from(a)), 32),
        std::net::IpAddr::V6(a) => (true, u128::from(a), 128),
    };
    let prefix = match prefix {
        None => max,
        Some(p) => {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 3 {
                return None;
            }
            let p: u32 = p.parse().ok()?;
            if p > max {
                return None;
            }
            p
        }
    };
    Some((v6, bits, prefix))
}

fn cidr_contains(cidr: (bool, u128, u32), ip: (bool, u128)) -> bool {
    let (v6, net, prefix) = cidr;
    let width = if v6 { 128 } else { 32 };
    if v6 != ip.0 {
        return false;
    }
    let shift = width - prefix;
    if shift >= 128 {
        return true;
    }
    (net >> shift) == (ip.1 >> shift)
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------- evaluation

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub reason: Reason,
    pub break_glass: bool,
}

/// How a principal element names the caller (strongest last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Account,
    Anyone,
    Role,
    Direct,
}

/// What an applicable statement means for the decision.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Deny,
    /// An identity allow; `via` is the role (index) of an assignment it came through.
    Identity {
        via: Option<usize>,
    },
    Boundary(String),
    Session,
    Guardrail,
    Resource(Fit),
    Trust(Fit),
}

struct Caller {
    /// A store user (index), a store role's session (index), or neither.
    user: Option<usize>,
    role: Option<usize>,
    arn: String,
    /// For role sessions: the role's ARN.
    role_arn: Option<String>,
    account: String,
    /// What `aws:PrincipalArn` is: the role ARN for role sessions.
    principal_arn: String,
    tags: Vec<(String, String)>,
    boundary: Option<String>,
}

struct Ctx<'a> {
    model: &'a Model,
    req: &'a Req,
    caller: &'a Caller,
    resource_account: String,
    resource_tags: Vec<(String, String)>,
    /// The clock for the derived `CurrentTime` / `EpochTime` keys.
    derived_now: Option<i64>,
}

/// Switches for engine divergences that are reported but not yet resolved.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// DESIGN.md: the derived time keys come from "now" (the context's
    /// current time, else the host). When false, they come from the host
    /// clock only, as the engine does today (testdata/regressions/pending).
    pub derived_time_from_context: bool,
}

enum Found {
    One(String),
    Many(Vec<String>),
}

fn strip_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

pub fn format_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

impl Ctx<'_> {
    /// A condition key: the request context first, then what the store and
    /// the request imply (DESIGN.md: principal keys and resource tags come
    /// from the store; "now" from the context's current time or the host).
    fn lookup(&self, key: &str) -> Option<Found> {
        for (k, v) in &self.req.context {
            if k.eq_ignore_ascii_case(key) {
                return match v {
                    CtxValue::One(Value::Null) => None,
                    CtxValue::One(v) => Some(Found::One(scalar_text(v))),
                    CtxValue::Many(vs) => Some(Found::Many(vs.clone())),
                };
            }
        }
        let rest = strip_ci(key, "aws:").or_else(|| strip_ci(key, "acs:"))?;
        let one = |s: &str| Some(Found::One(s.to_string()));
        if rest.eq_ignore_ascii_case("PrincipalArn") {
            return one(&self.caller.principal_arn);
        }
        if rest.eq_ignore_ascii_case("PrincipalAccount") && !self.caller.account.is_empty() {
            return one(&self.caller.account);
        }
        if rest.eq_ignore_ascii_case("ResourceAccount") {
            return one(&self.resource_account);
        }
        if let Some(t) = strip_ci(rest, "PrincipalTag/") {
            return self.caller.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)).and_then(|(_, v)| one(v));
        }
        if let Some(t) = strip_ci(rest, "ResourceTag/") {
            return self.resource_tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)).and_then(|(_, v)| one(v));
        }
        // PINNED (V02): `aws:username` and other keys are not derived.
        let now = self.derived_now?;
        if rest.eq_ignore_ascii_case("CurrentTime") {
            return one(&format_time(now));
        }
        if rest.eq_ignore_ascii_case("EpochTime") {
            return one(&now.to_string());
        }
        None
    }

    /// A variable's value: single-valued keys only.
    fn variable(&self, key: &str) -> Option<String> {
        match self.lookup(key)? {
            Found::One(v) => Some(v),
            Found::Many(_) => None,
        }
    }
}

/// Substitutes `${...}`; `None` when a variable cannot be resolved. Pieces
/// are returned with their wildcard/literal flag: written text keeps its
/// wildcards, substituted text and `${*}`-style escapes are literal.
fn substitute(text: &str, ctx: &Ctx<'_>) -> Option<Vec<(char, bool)>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.extend(wild(&rest[..start]));
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let inner = &after[..end];
        match inner {
            "*" | "?" | "$" => out.extend(literal(inner)),
            _ => {
                let (key, default) = match inner.split_once(", '") {
                    Some((k, d)) => (k, Some(d.strip_suffix('\'')?)),
                    None => (inner, None),
                };
                let value = ctx.variable(key.trim()).or_else(|| default.map(String::from))?;
                out.extend(literal(&value));
            }
        }
        rest = &after[end + 1..];
    }
    out.extend(wild(rest));
    Some(out)
}

fn substitutes(policy: &Policy, model: &Model) -> bool {
    // Variables: AWS dialect with Version 2012-10-17 only (RAM: literal text).
    let _ = model;
    policy.version.as_deref() == Some("2012-10-17")
}

fn action_matches(pattern: &str, action: &str, ram: bool) -> bool {
    if pattern.chars().all(|c| c == '*') {
        return true;
    }
    let (Some((ps, pn)), Some((s, n))) = (pattern.split_once(':'), action.split_once(':')) else {
        return false;
    };
    let service = if ram { glob(&wild(ps), s, true) } else { ps.eq_ignore_ascii_case(s) };
    service && glob(&wild(pn), n, true)
}

/// ARN pattern (already substituted into glob pieces for the resource part)
/// against a request resource, segment by segment.
/// Short ARNs are padded in policies, not in store resource keys.
fn short_arns(ctx: Option<(&Ctx<'_>, bool, bool)>) -> bool {
    ctx.is_some()
}

fn arn_matches(pattern: &str, resource: &str, ctx: Option<(&Ctx<'_>, bool, bool)>) -> bool {
    if !pattern.is_empty() && pattern.chars().all(|c| c == '*') {
        return true;
    }
    let segments = if pattern.starts_with("acs:") { 5 } else { 6 };
    let mut p: Vec<&str> = pattern.splitn(segments, ':').collect();
    let r: Vec<&str> = resource.splitn(segments, ':').collect();
    if p.len() < segments && p.len() >= 3 && short_arns(ctx) {
        // A short ARN is padded with `*` segments (iam-semantics 2.2, R09):
        // in identity-like policies always, in resource policies only when
        // it has a wildcard.
        let resource_policy = ctx.is_some_and(|(_, _, resource_policy)| resource_policy);
        if resource_policy && !pattern.contains('*') {
            return false;
        }
        p.resize(segments, "*");
    }
    if p.len() != segments || r.len() != segments {
        return false;
    }
    for i in 0..segments - 1 {
        if !glob(&wild(p[i]), r[i], true) {
            return false;
        }
    }
    let last = p[segments - 1];
    let pieces = match ctx {
        Some((ctx, true, _)) => match substitute(last, ctx) {
            Some(pieces) => pieces,
            None => return false, // an unresolvable variable matches nothing
        },
        _ => wild(last),
    };
    glob(&pieces, r[segments - 1], false)
}

fn caller_fit(entry: &str, caller: &Caller) -> Option<Fit> {
    if entry == "*" {
        return Some(Fit::Anyone);
    }
    if entry == caller.arn {
        return Some(Fit::Direct);
    }
    if caller.role_arn.as_deref() == Some(entry) {
        return Some(Fit::Role);
    }
    let account = entry
        .strip_suffix(":root")
        .and_then(|head| head.strip_prefix("arn:aws:iam::").or_else(|| head.strip_prefix("acs:ram::")))
        .unwrap_or(entry);
    (!account.contains(':') && !caller.account.is_empty() && account == caller.account).then_some(Fit::Account)
}

/// How the statement's principal element names the caller; `Some(None)` when
/// the statement has none.
fn principal_fit(stmt: &Statement, caller: &Caller) -> Option<Option<Fit>> {
    let Some((entries, not)) = &stmt.principal else { return Some(None) };
    let fits: Vec<Fit> = match entries {
        None => vec![Fit::Anyone],
        Some(entries) => entries
            .iter()
            .filter(|(k, _)| k == "AWS" || k == "RAM")
            .flat_map(|(_, vs)| vs.iter())
            .filter_map(|e| caller_fit(e, caller))
            .collect(),
    };
    if *not {
        // PINNED (X10): a NotPrincipal Deny always applies to callers with a boundary.
        if caller.boundary.is_some() || fits.is_empty() {
            return Some(Some(Fit::Anyone));
        }
        return None;
    }
    fits.into_iter().max().map(Some)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    StringFold,
    Like,
    Numeric,
    Date,
    Bool,
    Ip,
    Arn,
}

fn cmp_op(base: &str) -> Option<(&'static str, bool)> {
    // (comparison, negated)
    let l = base.to_ascii_lowercase();
    let tail = |family: &str| l.strip_prefix(family).map(str::to_string);
    for family in ["numeric", "date"] {
        if let Some(rest) = tail(family) {
            return match rest.as_str() {
                "equals" => Some(("eq", false)),
                "notequals" => Some(("eq", true)),
                "lessthan" => Some(("lt", false)),
                "lessthanequals" => Some(("le", false)),
                "greaterthan" => Some(("gt", false)),
                "greaterthanequals" => Some(("ge", false)),
                _ => None,
            };
        }
    }
    None
}

struct Op {
    family: Family,
    cmp: &'static str,
    negated: bool,
    null: bool,
    if_exists: bool,
    set: Option<bool>, // Some(true) = ForAllValues, Some(false) = ForAnyValue
}

fn parse_op(name: &str) -> Op {
    let mut rest = name;
    let mut set = None;
    if let Some(r) = strip_ci(rest, "ForAllValues:") {
        set = Some(true);
        rest = r;
    } else if let Some(r) = strip_ci(rest, "ForAnyValue:") {
        set = Some(false);
        rest = r;
    }
    let mut if_exists = false;
    let lower = rest.to_ascii_lowercase();
    let base = match lower.strip_suffix("ifexists") {
        Some(b) => {
            if_exists = true;
            b.to_string()
        }
        None => lower,
    };
    let mut op = Op { family: Family::String, cmp: "eq", negated: false, null: false, if_exists, set };
    match base.as_str() {
        "stringequals" => {}
        "stringnotequals" => op.negated = true,
        "stringequalsignorecase" => op.family = Family::StringFold,
        "stringnotequalsignorecase" => (op.family, op.negated) = (Family::StringFold, true),
        "stringlike" => op.family = Family::Like,
        "stringnotlike" => (op.family, op.negated) = (Family::Like, true),
        "bool" => op.family = Family::Bool,
        "ipaddress" => op.family = Family::Ip,
        "notipaddress" => (op.family, op.negated) = (Family::Ip, true),
        "arnequals" | "arnlike" => op.family = Family::Arn,
        "arnnotequals" | "arnnotlike" => (op.family, op.negated) = (Family::Arn, true),
        "null" => op.null = true,
        other => {
            let (cmp, negated) = cmp_op(other).unwrap_or_else(|| panic!("reference: unknown operator {name}"));
            op.family = if other.starts_with("numeric") { Family::Numeric } else { Family::Date };
            op.cmp = cmp;
            op.negated = negated;
        }
    }
    op
}

fn ordered(cmp: &str, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match cmp {
        "eq" => ord == Equal,
        "lt" => ord == Less,
        "le" => ord != Greater,
        "gt" => ord == Greater,
        _ => ord != Less,
    }
}

/// The positive form of `op` for one policy value and one request value;
/// `None` when the policy value has an unresolvable variable.
fn positive(op: &Op, policy_value: &Value, request: &str, ctx: &Ctx<'_>, vars: bool) -> Option<bool> {
    let text = scalar_text(policy_value);
    let substitutable = vars && matches!(op.family, Family::String | Family::StringFold | Family::Like | Family::Arn);
    let pieces = if substitutable { substitute(&text, ctx)? } else { wild(&text) };
    let plain: String = pieces.iter().map(|(c, _)| *c).collect();
    Some(match op.family {
        Family::String => plain == request,
        Family::StringFold => plain.to_lowercase() == request.to_lowercase(),
        Family::Like => glob(&pieces, request, false),
        Family::Numeric => match (parse_number(&plain), parse_number(request)) {
            (Some(p), Some(r)) => ordered(op.cmp, r.cmp(&p)),
            _ => false,
        },
        Family::Date => match (parse_time(&plain), parse_time(request)) {
            (Some(p), Some(r)) => ordered(op.cmp, r.cmp(&p)),
            _ => false,
        },
        Family::Bool => match (parse_bool(&plain), parse_bool(request)) {
            (Some(p), Some(r)) => p == r,
            _ => false,
        },
        Family::Ip => match (parse_cidr(&plain), parse_cidr(request)) {
            (Some(c), Some((v6, bits, prefix))) if prefix == if v6 { 128 } else { 32 } && !request.contains('/') => {
                cidr_contains(c, (v6, bits))
            }
            _ => false,
        },
        Family::Arn => {
            // Six colon-separated components, each globbed case-sensitively;
            // `*` stays inside its component.
            let p: Vec<&[(char, bool)]> = pieces.split(|&(c, _)| c == ':').collect();
            let r: Vec<&str> = request.split(':').collect();
            p.len() == 6 && r.len() == 6 && p.iter().zip(&r).all(|(p, r)| glob(p, r, false))
        }
    })
}

fn one_value(op: &Op, values: &[Value], request: &str, ctx: &Ctx<'_>, vars: bool) -> bool {
    let results: Vec<Option<bool>> = values.iter().map(|v| positive(op, v, request, ctx, vars)).collect();
    if op.negated {
        // NOR over the values; PINNED (V10): an unresolvable variable makes
        // the negated operator false as well.
        results.iter().all(|r| *r == Some(false))
    } else {
        results.contains(&Some(true))
    }
}

fn condition_holds(op_name: &str, key: &str, values: &[Value], ctx: &Ctx<'_>, vars: bool) -> bool {
    let op = parse_op(op_name);
    let found = ctx.lookup(key);
    if op.null {
        let absent = found.is_none();
        return values.iter().any(|v| parse_bool(&scalar_text(v)) == Some(absent));
    }
    let Some(found) = found else {
        return match op.set {
            Some(all) => all,
            None => op.if_exists || op.negated,
        };
    };
    match (op.set, found) {
        (None, Found::One(v)) => one_value(&op, values, &v, ctx, vars),
        (None, Found::Many(_)) => false,
        (Some(_), Found::One(v)) => one_value(&op, values, &v, ctx, vars),
        (Some(true), Found::Many(vs)) => vs.iter().all(|v| one_value(&op, values, v, ctx, vars)),
        (Some(false), Found::Many(vs)) => vs.iter().any(|v| one_value(&op, values, v, ctx, vars)),
    }
}

/// Whether `stmt` applies to the request; with the principal fit, if any.
fn applies(stmt: &Statement, policy: &Policy, ctx: &Ctx<'_>, resource_policy: bool) -> Option<Option<Fit>> {
    let ram = ctx.model.partition == Partition::Acs || policy.version.as_deref() == Some("1");
    let vars = substitutes(policy, ctx.model);
    let (actions, not_action) = &stmt.action;
    if actions.iter().any(|a| action_matches(a, &ctx.req.action, ram)) == *not_action {
        return None;
    }
    if let Some((resources, not_resource)) = &stmt.resource {
        let hit = resources.iter().any(|p| arn_matches(p, &ctx.req.resource, Some((ctx, vars, resource_policy))));
        if hit == *not_resource {
            return None;
        }
    }
    let fit = principal_fit(stmt, ctx.caller)?;
    for (op, keys) in &stmt.condition {
        for (key, values) in keys {
            if !condition_holds(op, key, values, ctx, vars) {
                return None;
            }
        }
    }
    Some(fit)
}

fn arn_of(model: &Model, kind: &str, name: &str) -> String {
    match model.partition {
        Partition::Aws => format!("arn:aws:iam::{}:{kind}/{name}", model.account),
        Partition::Acs => format!("acs:ram::{}:{kind}/{name}", model.account),
    }
}

fn session_arn(model: &Model, role: &str, session: &str) -> String {
    match model.partition {
        Partition::Aws => format!("arn:aws:sts::{}:assumed-role/{role}/{session}", model.account),
        Partition::Acs => format!("acs:ram::{}:role/{role}/{session}", model.account),
    }
}

fn resolve(model: &Model, req: &Req) -> Caller {
    let session = req.session.as_ref().and_then(|s| s.name.clone()).filter(|n| !n.is_empty());
    let user = |i: usize| {
        let u = &model.users[i];
        let arn = arn_of(model, "user", &u.name);
        Caller {
            user: Some(i),
            role: None,
            arn: arn.clone(),
            role_arn: None,
            account: model.account.clone(),
            principal_arn: arn,
            tags: u.tags.clone(),
            boundary: u.boundary.clone(),
        }
    };
    let role = |i: usize, session: Option<String>| {
        let r = &model.roles[i];
        let role_arn = arn_of(model, "role", &r.name);
        let (arn, via) = match session {
            Some(s) => (session_arn(model, &r.name, &s), Some(role_arn.clone())),
            None => (role_arn.clone(), None),
        };
        Caller {
            user: None,
            role: Some(i),
            arn,
            role_arn: via,
            account: model.account.clone(),
            principal_arn: role_arn,
            tags: r.tags.clone(),
            boundary: r.boundary.clone(),
        }
    };
    let external = |arn: String, account: String| Caller {
        user: None,
        role: None,
        arn: arn.clone(),
        role_arn: None,
        account,
        principal_arn: arn,
        tags: Vec::new(),
        boundary: None,
    };
    let p = req.principal.as_str();
    if let Some(name) = p.strip_prefix("user/") {
        return match model.users.iter().position(|u| u.name == name) {
            Some(i) => user(i),
            None => external(arn_of(model, "user", name), model.account.clone()),
        };
    }
    if let Some(name) = p.strip_prefix("role/") {
        return match model.roles.iter().position(|r| r.name == name) {
            Some(i) => role(i, session),
            None => external(arn_of(model, "role", name), model.account.clone()),
        };
    }
    if let Some(i) = model.users.iter().position(|u| arn_of(model, "user", &u.name) == p) {
        return user(i);
    }
    if let Some(i) = model.roles.iter().position(|r| arn_of(model, "role", &r.name) == p) {
        return role(i, session);
    }
    for (i, r) in model.roles.iter().enumerate() {
        let prefix = session_arn(model, &r.name, "");
        if let Some(s) = p.strip_prefix(&prefix) {
            if !s.is_empty() && !s.contains('/') {
                return role(i, Some(s.to_string()));
            }
        }
    }
    let parts: Vec<&str> = p.split(':').collect();
    let account =
        if parts.len() >= 5 { parts[if p.starts_with("acs:") { 3 } else { 4 }].to_string() } else { String::new() };
    external(p.to_string(), account)
}

fn active(a: &Assignment, now: Option<i64>) -> bool {
    if a.not_before.is_none() && a.not_after.is_none() {
        return true;
    }
    let Some(now) = now else { return false };
    let nb = a.not_before.as_deref().and_then(parse_time);
    let na = a.not_after.as_deref().and_then(parse_time);
    nb.is_none_or(|t| now >= t) && na.is_none_or(|t| now < t)
}

impl Model {
    fn policy(&self, name: &str) -> &Policy {
        &self.policies.iter().find(|(n, _)| n == name).expect("reference: unknown policy").1
    }

    fn role_index(&self, name: &str) -> usize {
        self.roles.iter().position(|r| r.name == name).expect("reference: unknown role")
    }
}

/// Decides `req` the slow, obvious way. `host_now` is the host clock in epoch seconds.
pub fn evaluate(model: &Model, req: &Req, host_now: Option<i64>, options: Options) -> Outcome {
    let caller = resolve(model, req);
    // "now": the context's current time, else the host's (DESIGN.md). The
    // engine also reads `aws:EpochTime` (after the CurrentTime keys).
    let context_now = ["aws:CurrentTime", "acs:CurrentTime", "aws:EpochTime"].iter().find_map(|key| {
        req.context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).and_then(|(_, v)| match v {
            CtxValue::One(v) => parse_time(&scalar_text(v)),
            CtxValue::Many(_) => None,
        })
    });
    let now = context_now.or(host_now);

    // The store resources the request resource falls under.
    let defs: Vec<&Resource> =
        model.resources.iter().filter(|r| r.key == req.resource || arn_matches(&r.key, &req.resource, None)).collect();
    let arn_account = {
        let parts: Vec<&str> = req.resource.split(':').collect();
        let index = if req.resource.starts_with("acs:") { 3 } else { 4 };
        (parts.len() > index).then(|| parts[index]).filter(|a| !a.is_empty() && !a.contains(['*', '?']))
    };
    let resource_account = req
        .resource_account
        .clone()
        .or_else(|| defs.iter().find_map(|r| r.account.clone()))
        .or_else(|| arn_account.map(String::from))
        .unwrap_or_else(|| model.account.clone());
    let resource_tags = defs.iter().flat_map(|r| r.tags.iter().cloned()).collect();
    let derived_now = if options.derived_time_from_context { now } else { host_now };
    let ctx = Ctx { model, req, caller: &caller, resource_account, resource_tags, derived_now };

    // Every applicable policy, with the part its allows play.
    let mut policies: Vec<(&Policy, Part)> = Vec::new();
    let mut caps: Vec<String> = Vec::new();
    if let Some(u) = caller.user {
        let user = &model.users[u];
        let mut via_roles: Vec<&Assignment> = user.roles.iter().collect();
        for p in &user.policies {
            policies.push((model.policy(p), Part::Identity { via: None }));
        }
        for g in &user.groups {
            let group = model.groups.iter().find(|x| &x.name == g).expect("reference: unknown group");
            for p in &group.policies {
                policies.push((model.policy(p), Part::Identity { via: None }));
            }
            via_roles.extend(group.roles.iter());
        }
        for a in via_roles {
            if !active(a, now) {
                continue;
            }
            let r = model.role_index(&a.role);
            for p in &model.roles[r].policies {
                policies.push((model.policy(p), Part::Identity { via: Some(r) }));
            }
            if let Some(b) = &model.roles[r].boundary {
                caps.push(b.clone());
            }
        }
    }
    if let Some(r) = caller.role {
        for p in &model.roles[r].policies {
            policies.push((model.policy(p), Part::Identity { via: None }));
        }
    }
    for b in caller.boundary.iter().chain(caps.iter()) {
        policies.push((model.policy(b), Part::Boundary(b.clone())));
    }
    let session_policy = req.session.as_ref().and_then(|s| s.policy.as_ref());
    if let Some(p) = session_policy {
        policies.push((p, Part::Session));
    }
    for g in &model.guardrails {
        policies.push((model.policy(g), Part::Guardrail));
    }
    for d in &defs {
        if let Some(p) = &d.policy {
            policies.push((p, Part::Resource(Fit::Anyone)));
        }
    }
    let assume = req.action.eq_ignore_ascii_case("sts:AssumeRole");
    let assumed =
        assume.then(|| model.roles.iter().position(|r| arn_of(model, "role", &r.name) == req.resource)).flatten();
    let mut trust_ram = false;
    if let Some(r) = assumed {
        if let Some(t) = &model.roles[r].trust {
            trust_ram = t.version.as_deref() == Some("1");
            policies.push((t, Part::Trust(Fit::Anyone)));
        }
    }

    // Scan every statement.
    let mut hits: Vec<Part> = Vec::new();
    for (policy, part) in &policies {
        for stmt in &policy.statements {
            let resource_policy = matches!(part, Part::Resource(_));
            let Some(fit) = applies(stmt, policy, &ctx, resource_policy) else { continue };
            hits.push(match (stmt.effect, part) {
                (Effect::Deny, _) => Part::Deny,
                (_, Part::Resource(_)) => Part::Resource(fit.unwrap_or(Fit::Anyone)),
                (_, Part::Trust(_)) => Part::Trust(fit.unwrap_or(Fit::Anyone)),
                (_, other) => other.clone(),
            });
        }
    }

    let deny = Outcome { reason: Reason::ImplicitDeny, break_glass: false };
    if hits.contains(&Part::Deny) {
        return Outcome { reason: Reason::ExplicitDeny, break_glass: false };
    }
    let boundary_allows = |b: &str| hits.contains(&Part::Boundary(b.to_string()));
    // PINNED: guardrails are one level: one of them must allow.
    let guardrails_ok = model.guardrails.is_empty() || hits.contains(&Part::Guardrail);
    let boundary_ok = caller.boundary.as_deref().is_none_or(boundary_allows);
    let session_ok = session_policy.is_none() || hits.contains(&Part::Session);
    let expired = caller.role.is_some_and(|r| {
        let issued = req.session.as_ref().and_then(|s| s.issued_at.as_deref()).and_then(parse_time);
        match (model.roles[r].max_session_seconds, issued, now) {
            (Some(max), Some(issued), Some(now)) => now >= issued + i64::from(max),
            _ => false,
        }
    });
    let caps_ok = boundary_ok && session_ok && !expired;
    // An allow through an assignment also needs that role's boundary.
    let counts = |p: &Part| match p {
        Part::Identity { via: Some(r) } => model.roles[*r].boundary.as_deref().is_none_or(boundary_allows),
        Part::Identity { via: None } => true,
        _ => false,
    };
    let identity = hits.iter().any(counts);
    let resource = |fits: &[Fit]| hits.iter().any(|h| matches!(h, Part::Resource(f) if fits.contains(f)));
    let trust = |fits: &[Fit]| hits.iter().any(|h| matches!(h, Part::Trust(f) if fits.contains(f)));
    let all = [Fit::Account, Fit::Anyone, Fit::Role, Fit::Direct];
    let same_account = caller.account == ctx.resource_account;

    let granted = if let Some(r) = assumed.filter(|_| true) {
        let _ = r;
        // PINNED: RAM needs identity AND trust; AWS needs identity unless the
        // trust policy names the caller directly in the same account.
        let needs_identity = trust_ram || !(same_account && trust(&[Fit::Direct]));
        trust(&all) && (!needs_identity || (identity && caps_ok))
    } else if same_account {
        // PINNED: caps apply to identity grants and to grants naming a role or
        // `*`, not to a resource policy naming the caller's own ARN; an account
        // principal only delegates to identity policies.
        (identity && caps_ok) || resource(&[Fit::Direct]) || (resource(&[Fit::Anyone, Fit::Role]) && caps_ok)
    } else {
        // Cross account: both sides must allow.
        identity && caps_ok && resource(&all)
    };
    if !(granted && guardrails_ok) {
        return deny;
    }
    let break_glass = caller.role.is_some_and(|r| model.roles[r].break_glass)
        || hits
            .iter()
            .any(|h| counts(h) && matches!(h, Part::Identity { via: Some(r) } if model.roles[*r].break_glass));
    Outcome { reason: Reason::Allowed, break_glass }
}
