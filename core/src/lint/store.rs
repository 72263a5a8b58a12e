//! Store-level checks, read from the store's JSON so they work whether or
//! not the store loads.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::policy::{lint_document, requires_mfa, shadowed_by, statement_name};
use super::util::items;
use super::{finding, parse_quietly, Budget, CheckOptions, Doc};
use crate::arn::ParsedArn;
use crate::diag::{Diagnostic, Span};
use crate::json::{join_pointer, Json, Member, Value};
use crate::policy::{Effect, Policy, PolicyKind};
use crate::value::Instant;
use hashbrown::HashSet;

/// One role assignment as written: role name and its JSON.
struct Assignment<'a> {
    role: &'a str,
    item: &'a Json,
    path: String,
}

fn field<'a>(json: &'a Json, key: &str) -> Option<&'a Member> {
    json.as_object()?.iter().find(|m| m.key == key)
}

fn names(json: Option<&Member>) -> Vec<&str> {
    json.map(|m| items(&m.value, "").into_iter().map(|i| i.text).collect()).unwrap_or_default()
}

fn assignments<'a>(owner: &'a Json, path: &str) -> Vec<Assignment<'a>> {
    let Some(list) = field(owner, "roles").and_then(|m| m.value.as_array()) else { return Vec::new() };
    let lpath = join_pointer(path, "roles");
    list.iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let role = match &item.value {
                Value::String(s) => s.as_str(),
                Value::Object(_) => field(item, "role")?.value.as_str()?,
                _ => return None,
            };
            Some(Assignment { role, item, path: join_pointer(&lpath, &super::util::itoa(i)) })
        })
        .collect()
}

pub(crate) fn lint_store(json: &Json, options: &CheckOptions, diags: &mut Vec<Diagnostic>) {
    let Some(top) = json.as_object() else { return };
    let get = |key: &str| top.iter().find(|m| m.key == key);
    let empty: &[Member] = &[];
    let members = |key: &str| get(key).and_then(|m| m.value.as_object()).unwrap_or(empty);
    let policies = members("policies");
    let users = members("users");
    let groups = members("groups");
    let roles = members("roles");
    let resources = members("resources");
    let guardrail_names: HashSet<&str> = names(get("guardrails")).into_iter().collect();

    // Who uses each policy, and how.
    let mut identity_use: HashSet<&str> = HashSet::new();
    let mut ceiling_use: HashSet<&str> = guardrail_names.clone();
    for owner in users.iter().chain(groups).chain(roles) {
        identity_use.extend(names(field(&owner.value, "policies")));
        if let Some(b) = field(&owner.value, "boundary").and_then(|m| m.value.as_str()) {
            ceiling_use.insert(b);
        }
    }

    let budget = Budget::new();
    // Every policy document that parses, linted with its use.
    let mut parsed: Vec<(&Member, String, Policy)> = Vec::new();
    for m in policies {
        let path = join_pointer("/policies", &m.key);
        if let Some(policy) = parse_quietly(&m.value, PolicyKind::Identity, &path) {
            parsed.push((m, path, policy));
        }
    }
    let docs: Vec<(&str, Doc<'_>)> = parsed
        .iter()
        .map(|(m, path, policy)| {
            let name = m.key.as_str();
            let grants = identity_use.contains(&name) || !ceiling_use.contains(&name);
            (name, Doc::new(&m.value, policy, PolicyKind::Identity, path.clone(), grants, &budget))
        })
        .collect();
    for (_, doc) in &docs {
        lint_document(doc, diags);
    }
    let guardrails: Vec<&Doc<'_>> =
        docs.iter().filter(|(name, _)| guardrail_names.contains(name)).map(|(_, d)| d).collect();
    for (name, doc) in &docs {
        if identity_use.contains(name) {
            for g in &guardrails {
                if !core::ptr::eq(*g, doc) {
                    shadowed_by(g, doc, diags);
                }
            }
        }
    }

    // Principal ARNs the store defines, for trust and resource policies.
    let account = get("account").and_then(|m| m.value.as_str()).unwrap_or_default();
    let acs = get("partition").and_then(|m| m.value.as_str()) == Some("acs");
    let arn_of = |owner: &Member, kind: &str| -> String {
        if let Some(arn) = field(&owner.value, "arn").and_then(|m| m.value.as_str()) {
            return String::from(arn);
        }
        if acs {
            format!("acs:ram::{account}:{kind}/{}", owner.key)
        } else {
            format!("arn:aws:iam::{account}:{kind}/{}", owner.key)
        }
    };
    let known: HashSet<String> =
        users.iter().map(|u| arn_of(u, "user")).chain(roles.iter().map(|r| arn_of(r, "role"))).collect();

    let mut embedded: Vec<(&Json, String, PolicyKind)> = Vec::new();
    for r in roles {
        if let Some(t) = field(&r.value, "trust") {
            embedded.push((&t.value, join_pointer(&join_pointer("/roles", &r.key), "trust"), PolicyKind::Trust));
        }
    }
    for r in resources {
        if let Some(p) = field(&r.value, "policy") {
            embedded.push((
                &p.value,
                join_pointer(&join_pointer("/resources", &r.key), "policy"),
                PolicyKind::Resource,
            ));
        }
    }
    for (json, path, kind) in embedded {
        let Some(policy) = parse_quietly(json, kind, &path) else { continue };
        let doc = Doc::new(json, &policy, kind, path, true, &budget);
        lint_document(&doc, diags);
        unknown_principals(&doc, account, &known, diags);
    }

    // Assignments, from users and groups.
    let mut all_assignments: Vec<Assignment<'_>> = Vec::new();
    for u in users {
        all_assignments.extend(assignments(&u.value, &join_pointer("/users", &u.key)));
    }
    for g in groups {
        all_assignments.extend(assignments(&g.value, &join_pointer("/groups", &g.key)));
    }
    for a in &all_assignments {
        let Some(fields) = a.item.as_object() else { continue };
        let time = |key: &str| fields.iter().find(|f| f.key == key);
        let (not_before, not_after) = (time("notBefore"), time("notAfter"));
        if (not_before.is_some() || not_after.is_some()) && time("reason").is_none() {
            let span = time("role").map_or(Span::new(a.item.span.start, a.item.span.start + 1), |r| r.value.span);
            diags.push(
                finding("assignment-without-reason", format!("the time-bound assignment of `{}` gives no reason", a.role))
                    .with_help("say why the elevation was granted (a ticket or incident number) for the audit trail: add `\"reason\": \"...\"`")
                    .at(join_pointer(&a.path, "role"), span),
            );
        }
        if let (Some(now), Some(end)) = (options.now, not_after) {
            let ended = end.value.as_str().and_then(Instant::parse).is_some_and(|end| now >= end);
            if ended {
                diags.push(
                    finding("expired-assignment", format!("the assignment of `{}` has ended", a.role))
                        .with_help(format!("it ended before {}; it grants nothing now, so remove it", now.to_rfc3339()))
                        .at(join_pointer(&a.path, "notAfter"), end.value.span),
                );
            }
        }
    }

    let assigned_roles: HashSet<&str> = all_assignments.iter().map(|a| a.role).collect();
    for r in roles {
        let rpath = join_pointer("/roles", &r.key);
        let assigned = assigned_roles.contains(r.key.as_str());
        if !assigned && field(&r.value, "trust").is_none() {
            diags.push(
                finding("unused-role", format!("nobody is assigned the role `{}` and it has no trust policy", r.key))
                    .with_help("no user or group is assigned it and no trust policy lets anyone assume it; assign it or remove it")
                    .at(rpath.clone(), r.key_span),
            );
        }
        if let Some(flag) = field(&r.value, "breakGlass").filter(|f| matches!(f.value.value, Value::Bool(true))) {
            let weak = names(field(&r.value, "policies")).into_iter().find_map(|p| {
                let (_, doc) = docs.iter().find(|(name, _)| *name == p)?; // break-glass roles are few
                let stmt = doc
                    .statements
                    .iter()
                    .find(|s| s.parsed.effect == Effect::Allow && !requires_mfa(&s.parsed.conditions))?;
                Some((p, statement_name(stmt)))
            });
            if let Some((policy, statement)) = weak {
                diags.push(
                    finding("break-glass-without-mfa", format!("break-glass role `{}` can be used without MFA", r.key))
                        .with_help(format!("statement {statement} of policy `{policy}` allows without an MFA condition; emergency access must need a second factor"))
                        .at(join_pointer(&rpath, "breakGlass"), flag.value.span),
                );
            }
        }
    }

    for u in users {
        if let Some(p) = field(&u.value, "policies").filter(|p| p.value.as_array().is_some_and(|a| !a.is_empty())) {
            diags.push(
                finding("user-direct-policy", format!("user `{}` has policies attached directly", u.key))
                    .with_help("give permissions through groups and roles so they can be reviewed and revoked per job function")
                    .at(join_pointer(&join_pointer("/users", &u.key), "policies"), p.key_span),
            );
        }
    }

    let member_of: HashSet<&str> = users.iter().flat_map(|u| names(field(&u.value, "groups"))).collect();
    for g in groups {
        let member = member_of.contains(g.key.as_str());
        if !member {
            diags.push(
                finding("unused-group", format!("group `{}` has no members", g.key))
                    .with_help("its policies and role assignments reach nobody; add members or remove it")
                    .at(join_pointer("/groups", &g.key), g.key_span),
            );
        }
    }

    for p in policies {
        let name = p.key.as_str();
        if !identity_use.contains(&name) && !ceiling_use.contains(&name) {
            diags.push(
                finding("unused-policy", format!("policy `{name}` is not used"))
                    .with_help("no user, group, role, boundary or guardrail refers to it; attach it or remove it")
                    .at(join_pointer("/policies", name), p.key_span),
            );
        }
    }

    match get("guardrails") {
        Some(g) if !guardrail_names.is_empty() => {
            if !protects_audit(&guardrails, acs) {
                let trail = if acs { "actiontrail" } else { "cloudtrail" };
                diags.push(
                    finding("audit-logs-unprotected", "no guardrail denies deleting or stopping the audit trail")
                        .with_help(format!("add a guardrail Deny of `{trail}:DeleteTrail` and `{trail}:StopLogging` so no grant can erase the record of what happened"))
                        .at(String::from("/guardrails"), g.value.span),
                );
            }
        }
        other => {
            let span = other.map_or(Span::new(json.span.start, json.span.start + 1), |g| g.value.span);
            diags.push(
                finding("no-guardrails", "the store has no guardrails")
                    .with_help("guardrails are org-wide ceilings (like SCPs); add one that denies what nobody may do, such as deleting audit trails")
                    .at(String::from(if other.is_some() { "/guardrails" } else { "" }), span),
            );
        }
    }
}

/// Some guardrail denies both deleting and stopping the trail.
fn protects_audit(guardrails: &[&Doc<'_>], acs: bool) -> bool {
    let service = if acs { "actiontrail" } else { "cloudtrail" };
    ["deletetrail", "stoplogging"].iter().all(|name| {
        let action = crate::policy::ActionRef { service, name };
        guardrails.iter().any(|g| {
            g.policy.statements.iter().any(|s| {
                s.effect == Effect::Deny
                    && s.action.matches(action)
                    && s.resource.as_ref().is_some_and(|r| !r.negated && r.entries.iter().any(is_any_entry))
            })
        })
    })
}

fn is_any_entry(e: &crate::policy::ResourceEntry) -> bool {
    matches!(e, crate::policy::ResourceEntry::Fixed(p) if p.is_any())
}

/// Principal ARNs of the store's own account that name no user or role of it.
fn unknown_principals(doc: &Doc<'_>, account: &str, known: &HashSet<String>, diags: &mut Vec<Diagnostic>) {
    if account.is_empty() {
        return;
    }
    for stmt in &doc.statements {
        let Some(m) = stmt.member("Principal") else { continue };
        let ppath = join_pointer(&stmt.path, "Principal");
        let mut list = Vec::new();
        match &m.value.value {
            Value::Object(types) => {
                for t in types.iter().filter(|t| t.key == "AWS" || t.key == "RAM") {
                    list.extend(items(&t.value, &join_pointer(&ppath, &t.key)));
                }
            }
            _ => list.extend(items(&m.value, &ppath)),
        }
        for item in list {
            let Some(arn) = ParsedArn::parse(item.text) else { continue };
            let service = arn.service();
            let is_principal_kind = arn.resource.starts_with("user/") || arn.resource.starts_with("role/");
            if arn.account() != account || !(service == "iam" || service == "ram") || !is_principal_kind {
                continue;
            }
            if item.text.contains(['*', '?', '$']) || known.contains(item.text) {
                continue;
            }
            let kind = if arn.resource.starts_with("user/") { "user" } else { "role" };
            diags.push(
                finding("unknown-principal", format!("`{}` names a {kind} this store does not define", item.text))
                    .with_help(format!(
                        "the statement applies to no {kind} of the store; fix the name or define the {kind}"
                    ))
                    .at(item.path.clone(), item.span),
            );
        }
    }
}
