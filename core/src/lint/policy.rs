//! Document and statement checks.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::catalog::{Words, AWS_ACTIONS, AWS_SERVICES, RETIRED_AWS_SERVICES};
use super::util::{
    action_covers, all_stars, has_wildcard, items, json_eq, nearest, quoted, removal_span, resource_covers, Item,
};
use super::{conditions, finding, Doc, Stmt};
use crate::arn::{ParsedArn, ResourcePattern, Scheme};
use crate::condition::{BaseOp, CondValue, Condition};
use crate::diag::{Diagnostic, Span};
use crate::glob::Glob;
use crate::json::{join_pointer, Json, Value};
use crate::policy::{Dialect, Effect, PolicyKind, PrincipalEntry};
use alloc::collections::BTreeMap;

/// Actions that let a principal raise its own permissions.
const ESCALATION: &[&str] = &[
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicyVersion",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutGroupPolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
    "ram:AddUserToGroup",
    "ram:AttachPolicyToGroup",
    "ram:AttachPolicyToRole",
    "ram:AttachPolicyToUser",
    "ram:CreateAccessKey",
    "ram:CreateLoginProfile",
    "ram:CreatePolicyVersion",
    "ram:SetDefaultPolicyVersion",
    "ram:UpdateLoginProfile",
    "ram:UpdateRole",
];

const PASS_ROLE: &[&str] = &["iam:PassRole", "ram:PassRole"];

/// Actions that delete or stop audit trails and logs.
pub(crate) const AUDIT_DELETION: &[&str] = &[
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:DeleteEventDataStore",
    "logs:DeleteLogGroup",
    "logs:DeleteLogStream",
    "config:DeleteConfigurationRecorder",
    "config:StopConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "guardduty:DeleteDetector",
    "actiontrail:DeleteTrail",
    "actiontrail:StopLogging",
    "actiontrail:UpdateTrail",
    "sls:DeleteLogStore",
    "sls:DeleteProject",
    "log:DeleteLogStore",
    "log:DeleteProject",
];

/// Administrator-level action patterns.
const ADMIN_PATTERNS: &[&str] = &["*", "*:*", "iam:*", "ram:*"];

pub(crate) fn lint_document(doc: &Doc<'_>, diags: &mut Vec<Diagnostic>) {
    version(doc, diags);
    if doc.kind == PolicyKind::Identity {
        if let Some(id) = doc.json.as_object().and_then(|m| m.iter().find(|m| m.key == "Id")) {
            diags.push(
                finding("id-in-identity-policy", "`Id` has no effect in an identity policy")
                    .with_help("the IAM grammar reserves `Id` for resource policies; remove it")
                    .at(join_pointer(&doc.path, "Id"), id.key_span),
            );
        }
    }
    if let Some(statement) = doc.json.get("Statement") {
        if statement.as_array().is_some_and(<[Json]>::is_empty) {
            diags.push(
                finding("empty-array", "`Statement` is empty: the policy allows and denies nothing")
                    .with_help("add statements, or remove the policy")
                    .at(join_pointer(&doc.path, "Statement"), statement.span),
            );
        }
    }
    duplicate_sids(doc, diags);
    for stmt in &doc.statements {
        lint_statement(doc, stmt, diags);
    }
    redundant_statements(doc, diags);
    shadowed_by(doc, doc, diags);
}

fn version(doc: &Doc<'_>, diags: &mut Vec<Diagnostic>) {
    if doc.policy.dialect != Dialect::Aws {
        return;
    }
    let members = doc.json.as_object().unwrap_or_default();
    match members.iter().find(|m| m.key == "Version") {
        None => {
            let at = doc.json.span.start + 1;
            diags.push(
                finding("missing-version", "the policy has no `Version`")
                    .with_help("without a Version AWS uses the 2008 policy language, which does not substitute policy variables; add `\"Version\": \"2012-10-17\"`")
                    .at(doc.path.clone(), Span::new(doc.json.span.start, at))
                    .with_fix("add `\"Version\": \"2012-10-17\"`", Span::new(at, at), "\"Version\": \"2012-10-17\", "),
            );
        }
        Some(m) if m.value.as_str() == Some("2008-10-17") => {
            diags.push(
                finding("outdated-version", "`2008-10-17` is the old policy language")
                    .with_help("it does not substitute policy variables; use `2012-10-17`")
                    .at(join_pointer(&doc.path, "Version"), m.value.span)
                    .with_fix("use `2012-10-17`", m.value.span, "\"2012-10-17\""),
            );
        }
        Some(_) => {}
    }
}

fn duplicate_sids(doc: &Doc<'_>, diags: &mut Vec<Diagnostic>) {
    let mut seen: alloc::collections::BTreeSet<&str> = alloc::collections::BTreeSet::new();
    for stmt in &doc.statements {
        let Some(sid) = stmt.member("Sid") else { continue };
        let Some(text) = sid.value.as_str() else { continue };
        if text.is_empty() {
            continue;
        }
        if !seen.insert(text) {
            diags.push(
                finding("duplicate-sid", format!("another statement of this policy already has the Sid `{text}`"))
                    .with_help("IAM requires unique Sids within a policy; rename one of them")
                    .at(join_pointer(&stmt.path, "Sid"), sid.value.span),
            );
        }
    }
}

/// The span that stands for a whole statement: its Sid, else its `Effect` key.
pub(crate) fn statement_anchor(stmt: &Stmt<'_>) -> (String, Span) {
    if let Some(sid) = stmt.member("Sid") {
        return (join_pointer(&stmt.path, "Sid"), sid.value.span);
    }
    match stmt.member("Effect") {
        Some(effect) => (join_pointer(&stmt.path, "Effect"), effect.key_span),
        None => (stmt.path.clone(), Span::new(stmt.json.span.start, stmt.json.span.start + 1)),
    }
}

/// A short name for a statement in messages: its Sid or its index.
pub(crate) fn statement_name(stmt: &Stmt<'_>) -> String {
    match stmt.parsed.sid.as_deref() {
        Some(sid) if !sid.is_empty() => format!("`{sid}`"),
        _ => format!("at `{}`", stmt.path),
    }
}

/// The Action or NotAction element: (items, negated, JSON value, pointer).
pub(crate) fn action_items<'a>(stmt: &Stmt<'a>) -> Option<(Vec<Item<'a>>, bool, &'a Json)> {
    let (m, negated) = match stmt.member("Action") {
        Some(m) => (m, false),
        None => (stmt.member("NotAction")?, true),
    };
    Some((items(&m.value, &join_pointer(&stmt.path, &m.key)), negated, &m.value))
}

pub(crate) fn resource_items<'a>(stmt: &Stmt<'a>) -> Option<(Vec<Item<'a>>, bool, &'a Json)> {
    let (m, negated) = match stmt.member("Resource") {
        Some(m) => (m, false),
        None => (stmt.member("NotResource")?, true),
    };
    Some((items(&m.value, &join_pointer(&stmt.path, &m.key)), negated, &m.value))
}

/// The statement applies to every resource.
fn on_all_resources(stmt: &Stmt<'_>) -> bool {
    resource_items(stmt).is_some_and(|(items, negated, _)| !negated && items.iter().any(|i| all_stars(i.text)))
}

/// The statement's conditions require MFA.
pub(crate) fn requires_mfa(conditions: &[Condition]) -> bool {
    conditions.iter().any(|c| {
        let op = c.operator;
        if op.if_exists || op.set.is_some() {
            return false;
        }
        let key = c.key.as_str();
        let present =
            key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent") || key.eq_ignore_ascii_case("acs:MFAPresent");
        (present && op.base == BaseOp::Bool && c.values.iter().all(|v| matches!(v, CondValue::Bool(true))))
            || (key.eq_ignore_ascii_case("aws:MultiFactorAuthAge")
                && matches!(op.base, BaseOp::NumericLessThan | BaseOp::NumericLessThanEquals))
    })
}

fn lint_statement(doc: &Doc<'_>, stmt: &Stmt<'_>, diags: &mut Vec<Diagnostic>) {
    sid(doc, stmt, diags);
    let allow = stmt.parsed.effect == Effect::Allow;
    if let Some((list, negated, value)) = action_items(stmt) {
        let element = if negated { "NotAction" } else { "Action" };
        if value.as_array().is_some_and(<[Json]>::is_empty) {
            let meaning = if negated {
                "with `NotAction` the statement applies to every action"
            } else {
                "the statement applies to no action"
            };
            diags.push(
                finding("empty-array", format!("`{element}` is empty: {meaning}"))
                    .with_help("list the actions, or remove the statement")
                    .at(join_pointer(&stmt.path, element), value.span),
            );
        }
        for item in &list {
            action_names(doc, item, diags);
        }
        redundant_entries(doc, &list, value, "redundant-action", "action", false, diags);
        if allow && negated {
            if let Some(m) = stmt.member("NotAction") {
                diags.push(
                    finding("allow-not-action", "`NotAction` in an Allow allows every other action of every service")
                        .with_help("this includes actions added later and IAM/RAM actions that grant more; list the allowed actions in `Action` instead")
                        .at(join_pointer(&stmt.path, "NotAction"), m.key_span),
                );
            }
        }
        if allow && !negated && matches!(doc.kind, PolicyKind::Identity | PolicyKind::Session) && doc.grants {
            grants(doc, stmt, &list, diags);
        }
    }
    if let Some((list, negated, value)) = resource_items(stmt) {
        let element = if negated { "NotResource" } else { "Resource" };
        if value.as_array().is_some_and(<[Json]>::is_empty) {
            let meaning = if negated {
                "with `NotResource` the statement applies to every resource"
            } else {
                "the statement applies to no resource"
            };
            diags.push(
                finding("empty-array", format!("`{element}` is empty: {meaning}"))
                    .with_help("list the resources, or remove the statement")
                    .at(join_pointer(&stmt.path, element), value.span),
            );
        }
        for item in &list {
            arn_shape(doc, item, diags);
            if !doc.policy.substitutes && item.text.contains("${") {
                diags.push(conditions::not_substituted(doc, item.text, &item.path, item.span));
            }
        }
        redundant_entries(doc, &list, value, "redundant-resource", "resource", true, diags);
        if negated {
            if let Some(m) = stmt.member("NotResource") {
                if allow {
                    diags.push(
                        finding("allow-not-resource", "`NotResource` in an Allow allows every other resource")
                            .with_help("this includes resources created later; list the allowed resources in `Resource` instead")
                            .at(join_pointer(&stmt.path, "NotResource"), m.key_span),
                    );
                }
                if doc.policy.dialect == Dialect::Ram {
                    diags.push(
                        finding("not-resource-in-ram", "`NotResource` may not be supported by Alibaba Cloud RAM")
                            .with_help("RAM documents `NotResource` only in some pages; use `Resource` to be safe")
                            .at(join_pointer(&stmt.path, "NotResource"), m.key_span),
                    );
                }
            }
        }
    }
    principal(doc, stmt, diags);
    conditions::lint_conditions(doc, stmt, diags);
}

fn sid(doc: &Doc<'_>, stmt: &Stmt<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(m) = stmt.member("Sid") else { return };
    let Some(text) = m.value.as_str() else { return };
    let path = join_pointer(&stmt.path, "Sid");
    if text.is_empty() {
        diags.push(
            finding("empty-sid", "the Sid is empty")
                .with_help("name the statement, or remove the Sid")
                .at(path, m.value.span),
        );
    } else if doc.policy.dialect == Dialect::Aws && !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let cleaned: String = text.chars().filter(char::is_ascii_alphanumeric).collect();
        let mut d =
            finding("sid-not-alphanumeric", format!("the Sid `{text}` has characters other than letters and digits"))
                .with_help("IAM policies accept only `A-Z`, `a-z` and `0-9` in a Sid")
                .at(path, m.value.span);
        if !cleaned.is_empty() {
            d = d.with_fix(format!("write `{cleaned}`"), m.value.span, quoted(&cleaned));
        }
        diags.push(d);
    }
}

fn catalog_actions(service: &str) -> Option<Words> {
    AWS_ACTIONS.iter().find(|(s, _)| *s == service).map(|(_, names)| *names)
}

fn action_names(doc: &Doc<'_>, item: &Item<'_>, diags: &mut Vec<Diagnostic>) {
    let Some((service, name)) = item.text.split_once(':') else { return };
    if has_wildcard(service) {
        if doc.policy.dialect == Dialect::Ram {
            diags.push(
                finding("service-wildcard", format!("`{}` applies to every service", item.text))
                    .with_help("a wildcard in the service part covers every service, including ones added later; list the services")
                    .at(item.path.clone(), item.span),
            );
        }
        return;
    }
    if doc.policy.dialect != Dialect::Aws {
        return;
    }
    let service_lower = service.to_ascii_lowercase();
    if !AWS_SERVICES.contains(&service_lower) && !RETIRED_AWS_SERVICES.contains(&service_lower) {
        let mut d = finding("unknown-service", format!("`{service}` is not an AWS service prefix"))
            .at(item.path.clone(), item.span);
        let near = if doc.budget.spend(AWS_SERVICES.iter().count()) {
            nearest(&service_lower, AWS_SERVICES.iter(), 2)
        } else {
            None
        };
        match near {
            Some(near) => {
                let fixed = format!("{near}:{name}");
                d = d
                    .with_help(format!("did you mean `{near}`? an unknown service matches no request"))
                    .with_fix(format!("write `{fixed}`"), item.span, quoted(&fixed));
            }
            None => d = d.with_help("an unknown service matches no request; check the service prefix in the AWS Service Authorization Reference"),
        }
        diags.push(d);
        return;
    }
    if has_wildcard(name) {
        return;
    }
    let Some(names) = catalog_actions(&service_lower) else { return };
    if names.contains(name) {
        return;
    }
    let mut d = finding("unknown-action", format!("`{name}` is not an action of `{service_lower}`"))
        .at(item.path.clone(), item.span);
    let near = if doc.budget.spend(names.iter().count()) { nearest(name, names.iter(), 3) } else { None };
    match near {
        Some(near) => {
            let fixed = format!("{service}:{near}");
            d = d.with_help(format!("did you mean `{near}`? an unknown action matches no request")).with_fix(
                format!("write `{fixed}`"),
                item.span,
                quoted(&fixed),
            );
        }
        None => d = d.with_help("an unknown action matches no request; check the spelling"),
    }
    diags.push(d);
}

/// A list entry prepared once for the coverage tests.
struct Entry<'t> {
    text: &'t str,
    /// Has a wildcard and no variable, so it can cover other entries.
    wild: bool,
    glob: Option<Glob>,
    pattern: Option<ResourcePattern>,
}

impl Entry<'_> {
    /// Everything `other` matches, this entry matches too.
    fn covers(&self, other: &Entry<'_>, resources: bool) -> bool {
        let literal = !other.wild && !other.text.contains("${");
        match (resources, literal) {
            (false, true) => {
                self.glob.as_ref().map_or(self.text.eq_ignore_ascii_case(other.text), |g| g.matches(other.text))
            }
            (true, true) => match &self.pattern {
                Some(p) => p.matches(ParsedArn::parse(other.text).as_ref()),
                None => self.text == other.text,
            },
            (false, false) => action_covers(self.text, other.text),
            (true, false) => resource_covers(self.text, other.text),
        }
    }
}

/// The lowercase service an action or resource pattern is limited to;
/// `None` when it may match several services.
fn service_of(text: &str, resources: bool) -> Option<String> {
    let service = if resources {
        let scheme = Scheme::of(text)?;
        let skip = if scheme == Scheme::Arn { 2 } else { 1 };
        text.split(':').nth(skip)?
    } else {
        text.split_once(':')?.0
    };
    (!service.is_empty() && !has_wildcard(service)).then(|| service.to_ascii_lowercase())
}

/// Entries another entry of the same list already covers. Duplicates are
/// found through a map and only wildcard entries of the same service (or
/// spanning services) are tried as covers.
fn redundant_entries(
    doc: &Doc<'_>,
    list: &[Item<'_>],
    value: &Json,
    code: &'static str,
    what: &str,
    resources: bool,
    diags: &mut Vec<Diagnostic>,
) {
    if list.len() < 2 {
        return;
    }
    let entries: Vec<Entry<'_>> = list
        .iter()
        .map(|item| {
            let wild = has_wildcard(item.text) && !item.text.contains("${");
            let glob = (wild && !resources).then(|| Glob::new(item.text, true));
            let pattern = if wild && resources {
                let mut escaped = String::with_capacity(item.text.len());
                for c in item.text.chars() {
                    if c == '\\' {
                        escaped.push('\\');
                    }
                    escaped.push(c);
                }
                ResourcePattern::compile(&escaped).ok()
            } else {
                None
            };
            Entry { text: item.text, wild, glob, pattern }
        })
        .collect();
    // Wildcard entries by the service they can match; `None` for entries
    // that span services (`*`, `*:Describe*`, `arn:aws:*:...`).
    let mut wild: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.wild) {
        wild.entry(service_of(e.text, resources)).or_default().push(i);
    }
    let spanning = wild.get(&None).map_or(0, Vec::len);
    let widest = wild.values().map(Vec::len).max().unwrap_or(0);
    if !doc.budget.spend(list.len().saturating_mul(widest + spanning + 1)) {
        return;
    }
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    for ((i, item), entry) in list.iter().enumerate().zip(&entries) {
        let key = if resources { String::from(item.text) } else { item.text.to_ascii_lowercase() };
        let by = match first.get(&key) {
            Some(&j) => Some(j),
            None => {
                first.insert(key, i);
                let own = service_of(item.text, resources);
                let same = own.is_some().then(|| wild.get(&own)).flatten().into_iter().flatten();
                let candidates = same.chain(wild.get(&None).into_iter().flatten());
                candidates.copied().find(|&j| {
                    j != i
                        && entries.get(j).is_some_and(|other| {
                            other.covers(entry, resources) && (j < i || !entry.covers(other, resources))
                        })
                })
            }
        };
        let Some(other) = by.and_then(|j| list.get(j)) else { continue };
        let message = if other.text == item.text {
            format!("`{}` is listed twice", item.text)
        } else {
            format!("`{}` already covers `{}`", other.text, item.text)
        };
        let mut d = finding(code, message)
            .with_help(format!("this {what} adds nothing to the list; remove it"))
            .at(item.path.clone(), item.span);
        if let Some(span) = removal_span(value, i) {
            d = d.with_fix(format!("remove `{}`", item.text), span, "");
        }
        diags.push(d);
    }
}

fn is_admin_pattern(text: &str) -> bool {
    ADMIN_PATTERNS.iter().any(|p| p.eq_ignore_ascii_case(text)) || all_stars(text)
}

/// Checks of what an identity Allow grants.
fn grants(doc: &Doc<'_>, stmt: &Stmt<'_>, list: &[Item<'_>], diags: &mut Vec<Diagnostic>) {
    let all_resources = on_all_resources(stmt);
    let unconditional = stmt.member("Condition").is_none();
    let mut admin = false;
    if all_resources {
        if let Some(item) = list.iter().find(|i| all_stars(i.text)).filter(|_| unconditional) {
            admin = true;
            diags.push(
                finding("allow-all", "this statement allows every action on every resource")
                    .with_help("this is full administrator access; grant what the job needs, and keep administrator access in a time-bound role that requires MFA")
                    .at(item.path.clone(), item.span),
            );
        } else if let Some(item) = list.iter().find(|i| is_admin_pattern(i.text)) {
            admin = true;
            if !requires_mfa(&stmt.parsed.conditions) {
                let key =
                    if doc.policy.dialect == Dialect::Ram { "acs:MFAPresent" } else { "aws:MultiFactorAuthPresent" };
                diags.push(
                    finding("admin-without-mfa", format!("`{}` on every resource does not require MFA", item.text))
                        .with_help(format!("administrator access should need a second factor: add `\"Bool\": {{\"{key}\": \"true\"}}` to the Condition"))
                        .at(item.path.clone(), item.span),
                );
            }
        }
    }
    for item in list {
        if all_stars(item.text) || item.text == "*:*" {
            continue;
        }
        let pattern = Glob::new(item.text, true);
        let matched = |catalog: &'static [&'static str]| -> Vec<&'static str> {
            catalog.iter().copied().filter(|a| pattern.matches(a)).collect()
        };
        if !admin && all_resources && unconditional {
            let escalation = matched(ESCALATION);
            if !escalation.is_empty() {
                diags.push(
                    finding(
                        "privilege-escalation",
                        format!("`{}` on every resource lets the holder raise their own permissions", item.text),
                    )
                    .with_help(format!(
                        "it includes {}; name the principals and policies it is meant for, or add conditions",
                        some(&escalation)
                    ))
                    .at(item.path.clone(), item.span),
                );
            }
        }
        if !admin && all_resources && !passed_to_service(&stmt.parsed.conditions) {
            let pass = matched(PASS_ROLE);
            if !pass.is_empty() {
                diags.push(
                    finding("pass-role-on-all", format!("`{}` on every resource lets the holder pass any role to a service", item.text))
                        .with_help("the service then acts with that role's permissions; name the roles in `Resource` and add an `iam:PassedToService` condition")
                        .at(item.path.clone(), item.span),
                );
            }
        }
        let audit = matched(AUDIT_DELETION);
        if !audit.is_empty() {
            diags.push(
                finding("audit-log-deletion", format!("`{}` allows deleting or stopping audit logs", item.text))
                    .with_help(format!("it includes {}; protect audit trails with a guardrail Deny and grant this only to a break-glass role", some(&audit)))
                    .at(item.path.clone(), item.span),
            );
        }
    }
}

fn passed_to_service(conditions: &[Condition]) -> bool {
    conditions.iter().any(|c| {
        c.key.eq_ignore_ascii_case("iam:PassedToService") || c.key.eq_ignore_ascii_case("iam:AssociatedResourceArn")
    })
}

/// Up to three names in backticks.
fn some(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, n) in names.iter().take(3).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(n);
        out.push('`');
    }
    if names.len() > 3 {
        out.push_str(&format!(" and {} more", names.len() - 3));
    }
    out
}

const AWS_PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

fn arn_shape(doc: &Doc<'_>, item: &Item<'_>, diags: &mut Vec<Diagnostic>) {
    let text = item.text;
    let Some(scheme) = Scheme::of(text) else { return };
    let mismatch = match (scheme, doc.policy.dialect) {
        (Scheme::Acs, Dialect::Aws) => Some("an Alibaba Cloud (`acs:`) ARN in an AWS policy"),
        (Scheme::Arn, Dialect::Ram) => Some("an AWS (`arn:`) ARN in a RAM (Version `1`) policy"),
        _ => None,
    };
    if let Some(what) = mismatch {
        diags.push(
            finding("arn-dialect-mismatch", format!("`{text}` is {what}"))
                .with_help("requests in the policy's cloud never carry such ARNs; use the ARN format of the dialect")
                .at(item.path.clone(), item.span),
        );
        return;
    }
    let parts: Vec<&str> = text.splitn(scheme.parts(), ':').collect();
    let head_len = scheme.parts() - 1;
    let complete = parts.len() == scheme.parts();
    // Parts before the resource part: [partition,] service, region, account.
    let head: &[&str] = parts.get(1..head_len.min(parts.len())).unwrap_or_default();
    let problem = arn_head_problem(scheme, head, complete);
    if let Some(problem) = problem {
        diags.push(
            finding("invalid-arn-part", format!("`{text}`: {problem}"))
                .with_help(match scheme {
                    Scheme::Arn => "AWS ARNs are `arn:partition:service:region:account-id:resource`; such an ARN never matches a real resource",
                    Scheme::Acs => "Alibaba Cloud ARNs are `acs:service:region:account-id:relative-id`; such an ARN never matches a real resource",
                })
                .at(item.path.clone(), item.span),
        );
        return;
    }
    // A wildcard in the resource type (before the first `/` or `:` of the
    // resource part) when the ARN has a region or account: never matches.
    if scheme == Scheme::Arn && complete && !text.contains("${") {
        let region = head.get(2).copied().unwrap_or_default();
        let account = head.get(3).copied().unwrap_or_default();
        let resource = parts.last().copied().unwrap_or_default();
        if !(region.is_empty() && account.is_empty()) {
            if let Some(i) = resource.find(['/', ':']) {
                let kind = resource.get(..i).unwrap_or_default();
                if has_wildcard(kind) && !kind.bytes().all(|b| b == b'*') {
                    diags.push(
                        finding("arn-wildcard-in-resource-type", format!("`{kind}` in `{text}` is a wildcard in the resource type: this entry never matches"))
                            .with_help("the resource type before the first `/` or `:` is compared literally (AWS documents wildcards there as invalid, and its reference simulator never matches them); write the type out, like `user/*`")
                            .at(item.path.clone(), item.span),
                    );
                }
            }
        }
    }
}

fn arn_head_problem(scheme: Scheme, head: &[&str], complete: bool) -> Option<String> {
    let wild = |p: &str| has_wildcard(p);
    if let Some(p) = head.iter().find(|p| p.contains('/')) {
        return Some(format!(
            "`{p}` sits where {} belongs; a part is missing before it",
            if complete { "an ARN part" } else { "the region or account" }
        ));
    }
    let (partition, rest) = match scheme {
        Scheme::Arn => (head.first().copied(), head.get(1..).unwrap_or_default()),
        Scheme::Acs => (None, head),
    };
    if let Some(p) = partition {
        if !wild(p) && !AWS_PARTITIONS.contains(&p) {
            return Some(format!("`{p}` is not an AWS partition"));
        }
    }
    let service = rest.first().copied().unwrap_or_default();
    if !service.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'*' | b'?' | b'.')) {
        return Some(format!("`{service}` is not a service name"));
    }
    if let Some(region) = rest.get(1) {
        if !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'*' | b'?')) {
            return Some(format!("`{region}` is not a region"));
        }
    }
    if let Some(account) = rest.get(2) {
        let digits = account.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'*' | b'?'));
        if !digits && *account != "aws" {
            return Some(format!("`{account}` is not an account ID"));
        }
    }
    None
}

fn principal(doc: &Doc<'_>, stmt: &Stmt<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(m) = stmt.member("Principal").or_else(|| stmt.member("NotPrincipal")) else { return };
    let ppath = join_pointer(&stmt.path, &m.key);
    let allow = stmt.parsed.effect == Effect::Allow;
    let unconditional = stmt.member("Condition").is_none();
    let mut all: Vec<(Option<&str>, Item<'_>)> = Vec::new();
    match &m.value.value {
        Value::Object(types) => {
            for t in types {
                let tpath = join_pointer(&ppath, &t.key);
                if t.value.as_array().is_some_and(<[Json]>::is_empty) {
                    diags.push(
                        finding("empty-array", format!("the `{}` principal list is empty", t.key))
                            .with_help("list the principals, or remove the entry")
                            .at(tpath.clone(), t.value.span),
                    );
                }
                all.extend(items(&t.value, &tpath).into_iter().map(|i| (Some(t.key.as_str()), i)));
            }
        }
        _ => all.extend(items(&m.value, &ppath).into_iter().map(|i| (None, i))),
    }
    for (_, item) in &all {
        if item.text.contains("${") {
            diags.push(
                finding("variable-not-allowed-here", format!("`{}` uses a policy variable in a principal", item.text))
                    .with_help("policy variables are not substituted in `Principal`; the text is compared literally")
                    .at(item.path.clone(), item.span),
            );
        }
    }
    let Some(parsed) = &stmt.parsed.principal else { return };
    if allow && !parsed.negated && unconditional && parsed.entries.contains(&PrincipalEntry::Any) {
        let what = if doc.kind == PolicyKind::Trust {
            "anyone can assume this role"
        } else {
            "anyone, anonymous callers included, gets this access"
        };
        diags.push(
            finding("public-principal", format!("`*` as the principal with no condition: {what}"))
                .with_help("name the principals, or restrict the statement with a condition such as `aws:PrincipalOrgID` or `aws:SourceAccount`")
                .at(ppath.clone(), m.value.span),
        );
    }
    if !allow {
        return;
    }
    if doc.kind == PolicyKind::Resource && doc.policy.dialect == Dialect::Aws {
        let sourced = stmt.parsed.conditions.iter().any(|c| {
            ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths"]
                .iter()
                .any(|k| c.key.eq_ignore_ascii_case(k))
        });
        if let Some((_, item)) = all.iter().find(|(t, _)| *t == Some("Service")).filter(|_| !sourced) {
            diags.push(
                finding("service-principal-without-source", format!("`{}` may act on this resource for any account", item.text))
                    .with_help("add an `aws:SourceAccount` or `aws:SourceArn` condition so the service acts only for your own resources (the confused deputy problem)")
                    .at(item.path.clone(), item.span),
            );
        }
    }
    for (_, item) in all.iter().filter(|(t, _)| *t == Some("Federated")) {
        let text = item.text;
        if text.contains("saml-provider") {
            continue;
        }
        let provider = text.rsplit("oidc-provider/").next().unwrap_or(text);
        let cognito = provider.starts_with("cognito-identity.amazonaws.com");
        let pinned = stmt.parsed.conditions.iter().any(|c| {
            let key = c.key.to_ascii_lowercase();
            !c.operator.base.negated() && (key.ends_with(":sub") || (cognito && key.ends_with(":aud")))
        });
        if !pinned {
            diags.push(
                finding("oidc-trust-without-subject", format!("any identity of `{provider}` can assume this role"))
                    .with_help(format!(
                        "add a condition on `{provider}:sub` naming the identities (for GitHub: `repo:<org>/<repo>:*`)"
                    ))
                    .at(item.path.clone(), item.span),
            );
        }
    }
}

/// What statement `a` applies to covers everything `b` applies to, ignoring
/// conditions. Sound but not complete.
pub(crate) fn statement_covers(a: &Stmt<'_>, b: &Stmt<'_>) -> bool {
    let (Some((a_actions, false)), Some((b_actions, false))) = (&a.actions, &b.actions) else {
        return false;
    };
    if b_actions.is_empty() || !b_actions.iter().all(|x| a_actions.iter().any(|y| action_covers(y, x))) {
        return false;
    }
    match (&a.resources, &b.resources) {
        (None, None) => {}
        (Some((a_res, false)), Some((b_res, false))) => {
            if b_res.is_empty() || !b_res.iter().all(|x| a_res.iter().any(|y| resource_covers(y, x))) {
                return false;
            }
        }
        _ => return false,
    }
    match (a.member("Principal"), b.member("Principal"), a.member("NotPrincipal"), b.member("NotPrincipal")) {
        (None, None, None, None) => true,
        (Some(x), Some(y), None, None) => {
            json_eq(&x.value, &y.value)
                || a.parsed.principal.as_ref().is_some_and(|p| p.entries.contains(&PrincipalEntry::Any))
        }
        _ => false,
    }
}

fn same_conditions(a: &Stmt<'_>, b: &Stmt<'_>) -> bool {
    match (a.member("Condition"), b.member("Condition")) {
        (None, _) => true,
        (Some(x), Some(y)) => json_eq(&x.value, &y.value),
        (Some(_), None) => false,
    }
}

/// The comparisons [`statement_covers`] may make between two documents.
fn cost(a: &Doc<'_>, b: &Doc<'_>) -> usize {
    let sum = |d: &Doc<'_>, f: fn(&super::Stmt<'_>) -> usize| d.statements.iter().map(f).sum::<usize>();
    let actions = |s: &super::Stmt<'_>| s.actions.as_ref().map_or(0, |(l, _)| l.len());
    let resources = |s: &super::Stmt<'_>| s.resources.as_ref().map_or(0, |(l, _)| l.len());
    let statements = a.statements.len().saturating_mul(b.statements.len());
    sum(a, actions)
        .saturating_mul(sum(b, actions))
        .saturating_add(sum(a, resources).saturating_mul(sum(b, resources)))
        .saturating_add(statements)
}

fn redundant_statements(doc: &Doc<'_>, diags: &mut Vec<Diagnostic>) {
    if doc.statements.len() < 2 || !doc.budget.spend(cost(doc, doc)) {
        return;
    }
    for (i, b) in doc.statements.iter().enumerate() {
        let by = doc.statements.iter().enumerate().find(|(j, a)| {
            *j != i
                && a.parsed.effect == b.parsed.effect
                && same_conditions(a, b)
                && statement_covers(a, b)
                && (*j < i || !(same_conditions(b, a) && statement_covers(b, a)))
        });
        let Some((_, a)) = by else { continue };
        let (path, span) = statement_anchor(b);
        diags.push(
            finding("redundant-statement", format!("statement {} already covers this statement", statement_name(a)))
                .with_help("it has the same effect and conditions and applies to at least the same actions and resources; remove this one")
                .at(path, span),
        );
    }
}

/// Allow statements of `allows` that an unconditional Deny of `denies` fully covers.
pub(crate) fn shadowed_by(denies: &Doc<'_>, allows: &Doc<'_>, diags: &mut Vec<Diagnostic>) {
    let any = |d: &Doc<'_>, effect: Effect| d.statements.iter().any(|s| s.parsed.effect == effect);
    if !any(denies, Effect::Deny) || !any(allows, Effect::Allow) || !allows.budget.spend(cost(denies, allows)) {
        return;
    }
    let same_doc = core::ptr::eq(denies, allows);
    for b in allows.statements.iter().filter(|s| s.parsed.effect == Effect::Allow) {
        let by = denies
            .statements
            .iter()
            .find(|a| a.parsed.effect == Effect::Deny && a.member("Condition").is_none() && statement_covers(a, b));
        let Some(a) = by else { continue };
        let (path, span) = statement_anchor(b);
        let source = if same_doc { "the Deny statement " } else { "the guardrail's Deny statement " };
        diags.push(
            finding(
                "shadowed-by-deny",
                format!("this Allow never takes effect: {source}{} denies everything it allows", statement_name(a)),
            )
            .with_help("an explicit Deny always wins; remove the Allow or narrow the Deny")
            .at(path, span),
        );
    }
}
