//! Reading a policy document from spanned JSON, reporting every problem.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{
    ActionMatch, ActionPattern, Dialect, Effect, Policy, PrincipalEntry, PrincipalMatch, ResourceEntry, ResourceMatch,
    ServicePattern, Statement,
};
use crate::arn::{ArnError, ResourcePattern, Scheme};
use crate::condition::{compile_condition_block, CompileContext};
use crate::diag::{Diagnostic, Span};
use crate::glob::Glob;
use crate::json::{join_pointer, Json, Member, Value};
use crate::limits;
use crate::text::edit_distance;
use crate::vars::Template;

/// What a document is used as, which decides the elements it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// Attached to a user, group or role.
    Identity,
    /// Attached to a resource; names principals.
    Resource,
    /// A role's trust policy; names who may assume the role.
    Trust,
    /// A permissions boundary: caps identity policies.
    Boundary,
    /// A session policy passed when a role session is created.
    Session,
    /// An org-wide guardrail (SCP / control policy).
    Guardrail,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Guardrail => "guardrail",
        }
    }

    fn names_principals(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::Trust)
    }

    fn described(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an identity policy",
            PolicyKind::Resource => "a resource policy",
            PolicyKind::Trust => "a role trust policy",
            PolicyKind::Boundary => "a permissions boundary",
            PolicyKind::Session => "a session policy",
            PolicyKind::Guardrail => "a guardrail",
        }
    }
}

const TOP_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] =
    &["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];

/// Parses one policy document found at `path` (a JSON pointer) and used as
/// `kind`. Every problem is pushed to `diags`; `None` when any is an error.
pub fn parse_policy(json: &Json, kind: PolicyKind, path: &str, diags: &mut Vec<Diagnostic>) -> Option<Policy> {
    let errors_before = count_errors(diags);
    let Some(members) = json.as_object() else {
        diags.push(
            Diagnostic::error(
                "invalid-policy",
                format!("a policy document must be an object, found {}", json.kind_name()),
            )
            .with_help("write `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`")
            .at(path, json.span),
        );
        return None;
    };
    unknown_keys(members, TOP_KEYS, "policy document", path, diags);

    let (dialect, version, substitutes) = match json.get("Version") {
        None => (Dialect::Aws, None, false),
        Some(v) => match v.as_str() {
            Some("2012-10-17") => (Dialect::Aws, Some(String::from("2012-10-17")), true),
            Some("2008-10-17") => (Dialect::Aws, Some(String::from("2008-10-17")), false),
            Some("1") => (Dialect::Ram, Some(String::from("1")), false),
            Some(other) => {
                diags.push(
                    Diagnostic::error("invalid-version", format!("unknown policy Version `{other}`"))
                        .with_help("use `2012-10-17` (AWS IAM) or `1` (Alibaba Cloud RAM)")
                        .at(join_pointer(path, "Version"), v.span),
                );
                (Dialect::Aws, None, false)
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "invalid-version",
                        format!("`Version` must be a string, found {}", v.kind_name()),
                    )
                    .with_help("write `\"Version\": \"2012-10-17\"` or `\"Version\": \"1\"`")
                    .at(join_pointer(path, "Version"), v.span),
                );
                (Dialect::Aws, None, false)
            }
        },
    };

    let id = match json.get("Id") {
        None => None,
        Some(v) => match v.as_str() {
            Some(s) => Some(String::from(s)),
            None => {
                diags.push(type_error("Id", "a string", v, &join_pointer(path, "Id")));
                None
            }
        },
    };

    let statement_path = join_pointer(path, "Statement");
    let statements = match json.get("Statement") {
        None => {
            diags.push(
                Diagnostic::error("missing-statement", "the policy has no `Statement`")
                    .with_help("add `\"Statement\": [{\"Effect\": \"Allow\", \"Action\": ..., \"Resource\": ...}]`")
                    .at(path, first_line(json.span)),
            );
            Vec::new()
        }
        Some(s) => match &s.value {
            Value::Object(_) => {
                parse_statement(s, kind, dialect, substitutes, &statement_path, diags).into_iter().collect()
            }
            Value::Array(items) => {
                if items.len() > limits::MAX_STATEMENTS_PER_POLICY {
                    diags.push(
                        Diagnostic::error(
                            "limit-statements",
                            format!(
                                "{} statements, more than the limit of {} per policy",
                                items.len(),
                                limits::MAX_STATEMENTS_PER_POLICY
                            ),
                        )
                        .with_help("split the policy")
                        .at(statement_path.clone(), s.span),
                    );
                    return None;
                }
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        parse_statement(
                            item,
                            kind,
                            dialect,
                            substitutes,
                            &join_pointer(&statement_path, &itoa(i)),
                            diags,
                        )
                    })
                    .collect()
            }
            _ => {
                diags.push(type_error("Statement", "an object or an array of objects", s, &statement_path));
                Vec::new()
            }
        },
    };

    let statement_is_object = json.get("Statement").is_some_and(|s| s.as_object().is_some());
    (count_errors(diags) == errors_before).then_some(Policy {
        dialect,
        version,
        substitutes,
        id,
        statements,
        statement_is_object,
        span: json.span,
    })
}

fn count_errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// A span covering just the opening brace, for "missing element" findings.
fn first_line(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}

fn itoa(n: usize) -> String {
    format!("{n}")
}

fn type_error(element: &str, expected: &str, found: &Json, path: &str) -> Diagnostic {
    Diagnostic::error("invalid-type", format!("`{element}` must be {expected}, found {}", found.kind_name()))
        .with_help("see the IAM JSON policy grammar")
        .at(path, found.span)
}

fn unknown_keys(members: &[Member], allowed: &[&str], what: &str, path: &str, diags: &mut Vec<Diagnostic>) {
    for m in members {
        if allowed.contains(&m.key.as_str()) {
            continue;
        }
        let nearest =
            allowed.iter().min_by_key(|k| edit_distance(&m.key.to_ascii_lowercase(), &k.to_ascii_lowercase()));
        let mut d = Diagnostic::error("unknown-element", format!("unknown element `{}` in a {what}", m.key))
            .at(join_pointer(path, &m.key), m.key_span);
        d = match nearest {
            Some(k) if edit_distance(&m.key.to_ascii_lowercase(), &k.to_ascii_lowercase()) <= 2 => d
                .with_help(format!("did you mean `{k}`? element names are case-sensitive"))
                .with_fix(format!("rename to `{k}`"), m.key_span, format!("\"{k}\"")),
            _ => d.with_help(format!("a {what} may only contain {}", allowed.join(", "))),
        };
        diags.push(d);
    }
}

/// The JSON pointer of a list entry, built only when a finding needs it
/// (loading builds no strings for places that are fine).
#[derive(Debug, Clone, Copy)]
struct ItemPath<'p> {
    base: &'p str,
    index: Option<usize>,
}

impl From<ItemPath<'_>> for String {
    fn from(p: ItemPath<'_>) -> String {
        match p.index {
            Some(i) => join_pointer(p.base, &itoa(i)),
            None => String::from(p.base),
        }
    }
}

/// Reads a string or a list of strings; reports anything else.
fn string_list<'a, 'p>(
    value: &'a Json,
    element: &str,
    path: &'p str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(&'a str, Span, ItemPath<'p>)>> {
    match &value.value {
        Value::String(s) => Some(alloc::vec![(s.as_str(), value.span, ItemPath { base: path, index: None })]),
        Value::Array(items) => {
            if items.len() > limits::MAX_LIST_ENTRIES {
                diags.push(
                    Diagnostic::error(
                        "limit-list-entries",
                        format!(
                            "`{element}` has {} entries, more than the limit of {}",
                            items.len(),
                            limits::MAX_LIST_ENTRIES
                        ),
                    )
                    .with_help("use wildcards or split the statement")
                    .at(path, value.span),
                );
                return None;
            }
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push((s, item.span, ItemPath { base: path, index: Some(i) })),
                    None => {
                        diags.push(type_error(
                            element,
                            "a string or a list of strings",
                            item,
                            &join_pointer(path, &itoa(i)),
                        ));
                        ok = false;
                    }
                }
            }
            ok.then_some(out)
        }
        _ => {
            diags.push(type_error(element, "a string or a list of strings", value, path));
            None
        }
    }
}

fn too_long(text: &str, span: Span, path: ItemPath<'_>, diags: &mut Vec<Diagnostic>) -> bool {
    if text.len() > limits::MAX_PATTERN_BYTES {
        diags.push(
            Diagnostic::error(
                "limit-pattern-length",
                format!("this entry is {} bytes, more than the limit of {}", text.len(), limits::MAX_PATTERN_BYTES),
            )
            .with_help("see the limits in the crate documentation")
            .at(path, span),
        );
        return true;
    }
    false
}

/// Exactly one of `positive` / `negative`; reports both-or-neither.
fn one_of<'a>(
    statement: &'a Json,
    positive: &str,
    negative: &str,
    required: bool,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'a Json, bool, String)> {
    match (statement.get(positive), statement.get(negative)) {
        (Some(_), Some(n)) => {
            let key_span =
                statement.as_object().and_then(|m| m.iter().find(|m| m.key == negative)).map_or(n.span, |m| m.key_span);
            diags.push(
                Diagnostic::error(
                    "conflicting-elements",
                    format!("a statement cannot have both `{positive}` and `{negative}`"),
                )
                .with_help(format!("keep one of them; `{negative}` matches everything the list does not name"))
                .at(join_pointer(path, negative), key_span),
            );
            None
        }
        (Some(p), None) => Some((p, false, join_pointer(path, positive))),
        (None, Some(n)) => Some((n, true, join_pointer(path, negative))),
        (None, None) => {
            if required {
                diags.push(
                    Diagnostic::error(
                        if positive == "Action" { "missing-action" } else { "missing-resource" },
                        format!("the statement has neither `{positive}` nor `{negative}`"),
                    )
                    .with_help(format!("add `\"{positive}\": ...`; use `\"*\"` to mean all"))
                    .at(path, first_line(statement.span)),
                );
            }
            None
        }
    }
}

fn parse_statement(
    json: &Json,
    kind: PolicyKind,
    dialect: Dialect,
    substitutes: bool,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let errors_before = count_errors(diags);
    let Some(members) = json.as_object() else {
        diags.push(type_error("a statement", "an object", json, path));
        return None;
    };
    unknown_keys(members, STATEMENT_KEYS, "statement", path, diags);

    let sid = match json.get("Sid") {
        None => None,
        Some(v) => match v.as_str() {
            Some(s) => Some(String::from(s)),
            None => {
                diags.push(type_error("Sid", "a string", v, &join_pointer(path, "Sid")));
                None
            }
        },
    };

    let effect = match json.get("Effect") {
        None => {
            diags.push(
                Diagnostic::error("missing-effect", "the statement has no `Effect`")
                    .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`")
                    .at(path, first_line(json.span)),
            );
            None
        }
        Some(v) => match v.as_str() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            Some(other) => {
                let fix = if other.eq_ignore_ascii_case("allow") {
                    Some("Allow")
                } else if other.eq_ignore_ascii_case("deny") {
                    Some("Deny")
                } else {
                    None
                };
                let mut d = Diagnostic::error("invalid-effect", format!("`{other}` is not an Effect"))
                    .with_help("Effect is `Allow` or `Deny`, spelled exactly so")
                    .at(join_pointer(path, "Effect"), v.span);
                if let Some(fixed) = fix {
                    d = d.with_fix(format!("write `{fixed}`"), v.span, format!("\"{fixed}\""));
                }
                diags.push(d);
                None
            }
            None => {
                diags.push(type_error("Effect", "a string", v, &join_pointer(path, "Effect")));
                None
            }
        },
    };

    let action = one_of(json, "Action", "NotAction", true, path, diags)
        .and_then(|(value, negated, apath)| parse_actions(value, negated, dialect, &apath, diags));

    let resource = match one_of(json, "Resource", "NotResource", kind != PolicyKind::Trust, path, diags) {
        Some((value, negated, rpath)) => {
            if kind == PolicyKind::Trust {
                let element = if negated { "NotResource" } else { "Resource" };
                let key_span = members.iter().find(|m| m.key == element).map_or(value.span, |m| m.key_span);
                diags.push(
                    Diagnostic::error(
                        "resource-in-trust-policy",
                        format!("a role trust policy cannot have `{element}`"),
                    )
                    .with_help("the role itself is the resource of its trust policy; remove the element")
                    .at(rpath, key_span),
                );
                None
            } else {
                parse_resources(value, negated, substitutes, &rpath, diags)
            }
        }
        None => None,
    };

    let principal = match (json.get("Principal"), json.get("NotPrincipal")) {
        (None, None) => {
            if kind.names_principals() {
                diags.push(
                    Diagnostic::error("missing-principal", format!("a statement in {} needs a `Principal`", kind.described()))
                        .with_help("name who the statement applies to, e.g. `\"Principal\": {\"RAM\": [\"acs:ram::<account>:root\"]}` or `\"*\"`")
                        .at(path, first_line(json.span)),
                );
            }
            None
        }
        (Some(_), Some(n)) => {
            diags.push(
                Diagnostic::error(
                    "conflicting-elements",
                    "a statement cannot have both `Principal` and `NotPrincipal`",
                )
                .with_help("keep one of them")
                .at(join_pointer(path, "NotPrincipal"), n.span),
            );
            None
        }
        (p, n) => {
            let (value, negated, element) = match (p, n) {
                (Some(p), _) => (p, false, "Principal"),
                (_, Some(n)) => (n, true, "NotPrincipal"),
                _ => return None,
            };
            let ppath = join_pointer(path, element);
            let key_span = members.iter().find(|m| m.key == element).map_or(value.span, |m| m.key_span);
            if !kind.names_principals() {
                diags.push(
                    Diagnostic::error("principal-not-allowed", format!("{} cannot have `{element}`", kind.described()))
                        .with_help(
                            "the principal of an identity policy is whoever it is attached to; remove the element",
                        )
                        .at(ppath, key_span),
                );
                None
            } else if negated && kind == PolicyKind::Trust {
                diags.push(
                    Diagnostic::error("principal-not-allowed", "a role trust policy cannot have `NotPrincipal`")
                        .with_help("name the principals that may assume the role in `Principal`")
                        .at(ppath, key_span),
                );
                None
            } else if negated && effect == Some(Effect::Allow) {
                diags.push(
                    Diagnostic::error(
                        "not-principal-with-allow",
                        "`NotPrincipal` can only be used with `\"Effect\": \"Deny\"`",
                    )
                    .with_help(
                        "Allow with NotPrincipal would grant access to everyone else, anonymous callers included",
                    )
                    .at(ppath, key_span),
                );
                None
            } else {
                parse_principals(value, negated, dialect, &ppath, diags)
            }
        }
    };

    let conditions = match (json.get("Condition"), effect) {
        (Some(block), Some(effect)) => {
            let cpath = join_pointer(path, "Condition");
            compile_condition_block(block, CompileContext { dialect, substitutes, effect, path: &cpath }, diags)
        }
        _ => Vec::new(),
    };

    if count_errors(diags) != errors_before {
        return None;
    }
    Some(Statement { sid, effect: effect?, action: action?, resource, principal, conditions, span: json.span })
}

fn parse_actions(
    value: &Json,
    negated: bool,
    dialect: Dialect,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ActionMatch> {
    let items = string_list(value, if negated { "NotAction" } else { "Action" }, path, diags)?;
    let mut patterns = Vec::with_capacity(items.len());
    let mut ok = true;
    for (text, span, item_path) in items {
        if too_long(text, span, item_path, diags) {
            ok = false;
            continue;
        }
        match parse_action(text, dialect) {
            Ok(p) => patterns.push(p),
            Err((message, help)) => {
                diags.push(Diagnostic::error("invalid-action", message).with_help(help).at(item_path, span));
                ok = false;
            }
        }
    }
    ok.then_some(ActionMatch { negated, patterns })
}

fn parse_action(text: &str, dialect: Dialect) -> Result<ActionPattern, (String, String)> {
    if text == "*" {
        return Ok(ActionPattern::Any);
    }
    let Some((service, name)) = text.split_once(':') else {
        return Err((
            format!("`{text}` is not an action"),
            String::from("actions are written `service:ActionName` (wildcards allowed in the name), or `*` for all"),
        ));
    };
    let service_wild = service.contains(['*', '?']);
    let service_ok = !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || (dialect == Dialect::Ram && (b == b'*' || b == b'?')));
    if !service_ok {
        let help = if service_wild {
            "AWS does not allow wildcards in the service prefix; list the services, or use the RAM dialect (Version \"1\"), which does"
        } else {
            "a service prefix has only letters, digits and `-` (like `s3`, `ecs`, `ram`)"
        };
        return Err((format!("`{service}` is not a valid service prefix in `{text}`"), String::from(help)));
    }
    let name_ok = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'?' | b'-' | b'_' | b'.'));
    if !name_ok {
        return Err((
            format!("`{name}` is not a valid action name in `{text}`"),
            String::from("action names have letters and digits, with `*` and `?` as wildcards"),
        ));
    }
    let service = if service_wild {
        ServicePattern::Glob(Glob::new(&service.to_ascii_lowercase(), false))
    } else {
        ServicePattern::Literal(service.to_ascii_lowercase().into_boxed_str())
    };
    // Requests carry their action in lowercase, so patterns are lowered once here.
    Ok(ActionPattern::Scoped { service, name: Glob::new(&name.to_ascii_lowercase(), false) })
}

fn parse_resources(
    value: &Json,
    negated: bool,
    substitutes: bool,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ResourceMatch> {
    let element = if negated { "NotResource" } else { "Resource" };
    let items = string_list(value, element, path, diags)?;
    let mut entries = Vec::with_capacity(items.len());
    let mut ok = true;
    for (text, span, item_path) in items {
        if too_long(text, span, item_path, diags) {
            ok = false;
            continue;
        }
        match parse_resource(text, substitutes) {
            Ok(entry) => entries.push(entry),
            Err((code, message, help)) => {
                diags.push(Diagnostic::error(code, message).with_help(help).at(item_path, span));
                ok = false;
            }
        }
    }
    ok.then_some(ResourceMatch { negated, entries })
}

fn parse_resource(text: &str, substitutes: bool) -> Result<ResourceEntry, (&'static str, String, String)> {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let arn_error = |e: ArnError| {
        match e {
        ArnError::NotAnArn => (
            "invalid-arn",
            format!("`{text}` is not an ARN"),
            String::from("resources are `*` or ARNs: `arn:partition:service:region:account:resource` (AWS) or `acs:service:region:account:resource` (RAM)"),
        ),
        ArnError::TooFewParts { found, needed } => (
            "invalid-arn",
            format!("`{text}` has {found} of the {needed} parts of an ARN"),
            String::from("write every part (empty parts are fine, as in `arn:aws:s3:::bucket`), or end the text with `*` to cover the rest"),
        ),
    }
    };
    if substitutes && text.contains("${") {
        let template = Template::parse(text).map_err(|e| {
            (
                "invalid-variable",
                format!("bad policy variable in `{text}`: {}", e.message),
                String::from("variables look like `${aws:username}`"),
            )
        })?;
        if let Some(template) = template {
            // AWS documents variables only in the resource part, but its own
            // managed policies use them in the account (`${aws:PrincipalAccount}`);
            // any part may hold one. The text must still be an ARN.
            if Scheme::of(text).is_none() {
                return Err(arn_error(ArnError::NotAnArn));
            }
            return Ok(ResourceEntry::Template(template));
        }
    }
    ResourcePattern::compile(&escaped).map(ResourceEntry::Fixed).map_err(arn_error)
}

fn parse_principals(
    value: &Json,
    negated: bool,
    dialect: Dialect,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<PrincipalMatch> {
    let mut entries = Vec::new();
    let errors_before = count_errors(diags);
    match &value.value {
        Value::String(s) if s == "*" => entries.push(PrincipalEntry::Any),
        Value::Array(_) if dialect == Dialect::Ram => {
            // OSS bucket policies list principals as a bare array.
            for (text, span, item_path) in string_list(value, "Principal", path, diags)? {
                push_account_or_arn(text, span, item_path, &mut entries, diags);
            }
        }
        Value::Object(members) => {
            let allowed: &[&str] = match dialect {
                Dialect::Aws => &["AWS", "Service", "Federated", "CanonicalUser"],
                Dialect::Ram => &["RAM", "Service", "Federated"],
            };
            for m in members {
                let mpath = join_pointer(path, &m.key);
                if !allowed.contains(&m.key.as_str()) {
                    diags.push(
                        Diagnostic::error("invalid-principal", format!("unknown principal type `{}`", m.key))
                            .with_help(format!("principal types here are {}", allowed.join(", ")))
                            .at(mpath, m.key_span),
                    );
                    continue;
                }
                let Some(items) = string_list(&m.value, "Principal", &mpath, diags) else { continue };
                for (text, span, item_path) in items {
                    match m.key.as_str() {
                        "AWS" | "RAM" => push_account_or_arn(text, span, item_path, &mut entries, diags),
                        "Service" => entries.push(PrincipalEntry::Service(String::from(text))),
                        "Federated" => entries.push(PrincipalEntry::Federated(String::from(text))),
                        _ => entries.push(PrincipalEntry::CanonicalUser(String::from(text))),
                    }
                }
            }
            if members.is_empty() {
                diags.push(
                    Diagnostic::error("invalid-principal", "this principal names nobody")
                        .with_help("list at least one principal, or use `\"*\"`")
                        .at(path, value.span),
                );
            }
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "invalid-principal",
                    format!("a principal must be `\"*\"` or an object, found {}", value.kind_name()),
                )
                .with_help(match dialect {
                    Dialect::Aws => "write `{\"AWS\": \"arn:aws:iam::<account>:user/<name>\"}` or `\"*\"`",
                    Dialect::Ram => "write `{\"RAM\": [\"acs:ram::<account>:user/<name>\"]}`, `[\"*\"]` or `\"*\"`",
                })
                .at(path, value.span),
            );
        }
    }
    (count_errors(diags) == errors_before).then_some(PrincipalMatch { negated, entries })
}

fn push_account_or_arn(
    text: &str,
    span: Span,
    path: ItemPath<'_>,
    entries: &mut Vec<PrincipalEntry>,
    diags: &mut Vec<Diagnostic>,
) {
    if text == "*" {
        entries.push(PrincipalEntry::Any);
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        entries.push(PrincipalEntry::Account(String::from(text)));
    } else if Scheme::of(text).is_some() {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let account = if text.starts_with("arn:") { parts.get(4) } else { parts.get(3) };
        let resource = parts.last().copied().unwrap_or_default();
        match account {
            Some(account) if resource == "root" || text.ends_with(":root") => {
                entries.push(PrincipalEntry::Account(String::from(*account)));
            }
            Some(_) => entries.push(PrincipalEntry::Arn(String::from(text))),
            None => diags.push(
                Diagnostic::error("invalid-principal", format!("`{text}` is not a principal ARN"))
                    .with_help("principal ARNs look like `arn:aws:iam::<account>:user/<name>` or `acs:ram::<account>:role/<name>`")
                    .at(path, span),
            ),
        }
    } else {
        diags.push(
            Diagnostic::error("invalid-principal", format!("`{text}` is not an account ID or a principal ARN"))
                .with_help("use an account ID, `arn:aws:iam::<account>:root`, or the ARN of a user or role")
                .at(path, span),
        );
    }
}
