//! Loading a store: checking every element and reference, then compiling.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use hashbrown::HashMap;

use super::{
    Assignment, AssignmentId, AssignmentSpec, Attachment, AttachmentSet, Group, NameMap, NamedPolicy, Partition,
    PolicyId, PrincipalRef, ResourceDef, Role, RoleId, SetId, StatementIndex, Store, User, ViaId,
};
use crate::arn::{resource_key, ParsedArn, ResourcePattern};
use crate::diag::{self, Diagnostic, Severity, Span};
use crate::json::{self, join_pointer, Json, JsonLimits, Member, Value};
use crate::limits;
use crate::policy::{parse_policy, PolicyKind};
use crate::text::edit_distance;
use crate::value::Instant;

/// Why a store could not be loaded: at least one error-level finding (and
/// whatever warnings were found on the way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub diagnostics: Vec<Diagnostic>,
}

impl StoreError {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors().next() {
            Some(d) => write!(f, "{}:{}: {} ({})", d.line, d.column, d.message, d.path),
            None => f.write_str("the store could not be loaded"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StoreError {}

const STORE_KEYS: &[&str] =
    &["$schema", "account", "partition", "policies", "groups", "roles", "users", "guardrails", "resources"];
const USER_KEYS: &[&str] = &["groups", "policies", "roles", "boundary", "tags", "arn"];
const GROUP_KEYS: &[&str] = &["policies", "roles"];
const ROLE_KEYS: &[&str] = &["policies", "trust", "boundary", "breakGlass", "maxSessionSeconds", "tags", "arn"];
const ASSIGNMENT_KEYS: &[&str] = &["role", "notBefore", "notAfter", "reason"];
const RESOURCE_KEYS: &[&str] = &["policy", "tags", "account"];

impl Store {
    /// Loads a store from JSON text. Findings carry line and column.
    pub fn from_json_str(text: &str) -> Result<Store, StoreError> {
        let json = json::parse(text, JsonLimits::default()).map_err(|e| {
            let mut diagnostics = alloc::vec![e.into_diagnostic()];
            diag::locate_all(text, &mut diagnostics);
            StoreError { diagnostics }
        })?;
        let mut result = Store::from_json(&json);
        match &mut result {
            Ok(store) => diag::locate_all(text, &mut store.warnings),
            Err(err) => diag::locate_all(text, &mut err.diagnostics),
        }
        result
    }

    /// Loads a store from an already-read JSON value.
    pub fn from_json(json: &Json) -> Result<Store, StoreError> {
        let mut loader = Loader::default();
        let store = loader.load(json);
        let mut diagnostics = loader.diags;
        diag::sort(&mut diagnostics);
        match store {
            Some(mut store) if !diagnostics.iter().any(Diagnostic::is_error) => {
                store.warnings = diagnostics;
                Ok(store)
            }
            _ => Err(StoreError { diagnostics }),
        }
    }
}

#[derive(Default)]
struct Loader {
    diags: Vec<Diagnostic>,
    vias: Vec<String>,
    via_ids: NameMap<String, ViaId>,
}

fn itoa(n: usize) -> String {
    format!("{n}")
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Loader {
    fn error(&mut self, code: &'static str, message: String, help: &str, path: &str, span: Span) {
        self.diags.push(Diagnostic::error(code, message).with_help(help).at(path, span));
    }

    /// A repeated entry of a list: a warning, and the entry is left out.
    fn repeated(&mut self, message: String, path: &str, span: Span) {
        let d = Diagnostic::new("duplicate-name", Severity::Warning, message);
        self.diags.push(d.with_help("remove the repeat; it adds nothing").at(path, span));
    }

    fn via(&mut self, text: String) -> ViaId {
        if let Some(&id) = self.via_ids.get(&text) {
            return id;
        }
        let id = to_u32(self.vias.len());
        self.vias.push(text.clone());
        self.via_ids.insert(text, id);
        id
    }

    /// A top-level section (`/policies`, `/roles`, ...): an object of at most
    /// `limit` entries. `Err` when over the limit (reported): loading stops,
    /// since every later section may refer to this one.
    fn section<'a>(
        &mut self,
        json: &'a Json,
        name: &str,
        code: &'static str,
        limit: usize,
    ) -> Result<Option<&'a [Member]>, ()> {
        let path = format!("/{name}");
        let Some(members) = self.map(json, &format!("`{name}`"), &path) else { return Ok(None) };
        if members.len() > limit {
            let message = format!("{} {name}, more than the limit of {limit}", members.len());
            self.error(code, message, "split the store", &path, json.span);
            return Err(());
        }
        Ok(Some(members))
    }

    /// The `policies` of a user, group or role: the ids of the named policies
    /// (unknown names are reported and left out).
    fn policy_list(
        &mut self,
        list: Option<&Json>,
        owner: &str,
        policy_ids: &NameMap<String, PolicyId>,
    ) -> Vec<PolicyId> {
        let Some(list) = list else { return Vec::new() };
        let mut ids = Vec::new();
        for (name, span, path) in self.names(list, "`policies`", &join_pointer(owner, "policies")) {
            if let Some(id) = self.reference(policy_ids, "policy", name, span, &path) {
                ids.push(id);
            }
        }
        ids
    }

    /// The `boundary` of a user or role: the id of the named policy.
    fn boundary(&mut self, json: &Json, owner: &str, policy_ids: &NameMap<String, PolicyId>) -> Option<PolicyId> {
        let path = join_pointer(owner, "boundary");
        let name = self.string(json, "`boundary`", &path)?;
        self.reference(policy_ids, "policy", name, json.span, &path)
    }

    /// An object whose keys are names (policies, users, ...).
    fn map<'a>(&mut self, json: &'a Json, what: &str, path: &str) -> Option<&'a [Member]> {
        let members = json.as_object();
        if members.is_none() {
            self.error(
                "invalid-type",
                format!("{what} must be an object, found {}", json.kind_name()),
                "see the store format in DESIGN.md",
                path,
                json.span,
            );
        }
        members
    }

    /// An object with a fixed set of keys; others are reported.
    fn object<'a>(&mut self, json: &'a Json, what: &str, allowed: &[&str], path: &str) -> Option<&'a [Member]> {
        let members = self.map(json, what, path)?;
        for m in members {
            if !allowed.contains(&m.key.as_str()) {
                let nearest = allowed
                    .iter()
                    .copied()
                    .min_by_key(|k| edit_distance(&m.key.to_ascii_lowercase(), &k.to_ascii_lowercase()));
                let help = match nearest {
                    Some(k) if edit_distance(&m.key.to_ascii_lowercase(), &k.to_ascii_lowercase()) <= 2 => {
                        format!("did you mean `{k}`?")
                    }
                    _ => format!("{what} may contain {}", allowed.join(", ")),
                };
                self.error(
                    "unknown-element",
                    format!("unknown element `{}` in {what}", m.key),
                    &help,
                    &join_pointer(path, &m.key),
                    m.key_span,
                );
            }
        }
        Some(members)
    }

    fn string<'a>(&mut self, json: &'a Json, what: &str, path: &str) -> Option<&'a str> {
        match json.as_str() {
            Some(s) => Some(s),
            None => {
                self.error(
                    "invalid-type",
                    format!("{what} must be a string, found {}", json.kind_name()),
                    "write a JSON string",
                    path,
                    json.span,
                );
                None
            }
        }
    }

    /// A list of names; each entry with its span and pointer.
    fn names<'a>(&mut self, json: &'a Json, what: &str, path: &str) -> Vec<(&'a str, Span, String)> {
        let Some(items) = json.as_array() else {
            self.error(
                "invalid-type",
                format!("{what} must be a list of names, found {}", json.kind_name()),
                "write `[\"name\", ...]`",
                path,
                json.span,
            );
            return Vec::new();
        };
        let mut out: Vec<(&'a str, Span, String)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = join_pointer(path, &itoa(i));
            let Some(s) = self.string(item, what, &item_path) else { continue };
            // A repeat attaches nothing more, but its statements would be listed twice in explanations.
            if out.iter().any(|(seen, _, _)| *seen == s) {
                self.repeated(format!("`{s}` is listed twice in {what}"), &item_path, item.span);
                continue;
            }
            out.push((s, item.span, item_path));
        }
        out
    }

    fn tags(&mut self, json: &Json, path: &str) -> Vec<(String, String)> {
        let Some(members) = json.as_object() else {
            self.error(
                "invalid-type",
                format!("`tags` must be an object of strings, found {}", json.kind_name()),
                "write `{\"team\": \"payments\"}`",
                path,
                json.span,
            );
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = Vec::with_capacity(members.len());
        for m in members {
            let tag_path = join_pointer(path, &m.key);
            if out.iter().any(|(k, _)| k.eq_ignore_ascii_case(&m.key)) {
                self.error(
                    "duplicate-tag",
                    format!("tag `{}` is given twice (tag keys ignore case in conditions)", m.key),
                    "keep one spelling",
                    &tag_path,
                    m.key_span,
                );
                continue;
            }
            if let Some(v) = self.string(&m.value, "a tag value", &tag_path) {
                out.push((m.key.clone(), String::from(v)));
            }
        }
        out
    }

    /// Resolves a name against `ids`, reporting unknown names with the nearest known one.
    fn reference(&mut self, ids: &NameMap<String, u32>, kind: &str, name: &str, span: Span, path: &str) -> Option<u32> {
        if let Some(&id) = ids.get(name) {
            return Some(id);
        }
        let nearest = ids.keys().map(|k| (edit_distance(name, k), k)).min();
        let mut d = Diagnostic::error("unknown-reference", format!("unknown {kind} `{name}`")).at(path, span);
        d = match nearest {
            Some((distance, k)) if distance <= 3 => d.with_help(format!("did you mean `{k}`?")).with_fix(
                format!("use `{k}`"),
                span,
                serde_json::to_string(k).unwrap_or_default(),
            ),
            _ => d.with_help(format!("define the {kind} in the store's `{kind}s`, or remove the reference")),
        };
        self.diags.push(d);
        None
    }

    fn arn_override(&mut self, json: &Json, path: &str) -> Option<(String, String)> {
        let text = self.string(json, "`arn`", path)?;
        match ParsedArn::parse(text) {
            Some(arn) if !arn.account().is_empty() => Some((String::from(text), String::from(arn.account()))),
            _ => {
                self.error(
                    "invalid-arn",
                    format!("`{text}` is not a principal ARN with an account"),
                    "write `arn:aws:iam::<account>:user/<name>` or `acs:ram::<account>:user/<name>`",
                    path,
                    json.span,
                );
                None
            }
        }
    }

    fn load(&mut self, json: &Json) -> Option<Store> {
        let top = self.object(json, "a store", STORE_KEYS, "")?;
        let get = |key: &str| top.iter().find(|m| m.key == key).map(|m| &m.value);

        let account = match get("account") {
            Some(a) => self.string(a, "`account`", "/account").map(String::from).unwrap_or_default(),
            None => {
                self.error(
                    "missing-account",
                    String::from("the store has no `account`"),
                    "add `\"account\": \"<account ID>\"`: the default account of principals and resources",
                    "",
                    Span::new(json.span.start, json.span.start + 1),
                );
                String::new()
            }
        };
        if account.contains([':', '/']) {
            let span = get("account").map_or(Span::default(), |a| a.span);
            self.error(
                "invalid-account",
                format!("`{account}` is not an account ID"),
                "an account ID has no `:` or `/`",
                "/account",
                span,
            );
        }
        let partition = match get("partition") {
            None => Partition::Aws,
            Some(p) => match p.as_str() {
                Some("aws") => Partition::Aws,
                Some("acs") => Partition::Acs,
                _ => {
                    self.error(
                        "invalid-partition",
                        String::from("`partition` must be `aws` or `acs`"),
                        "`aws` writes principals as `arn:aws:iam::...`, `acs` as `acs:ram::...`",
                        "/partition",
                        p.span,
                    );
                    Partition::Aws
                }
            },
        };

        let mut services = NameMap::default();
        let mut statement_count = 0usize;

        // Policies.
        let mut policies: Vec<NamedPolicy> = Vec::new();
        let mut policy_ids: NameMap<String, PolicyId> = NameMap::default();
        if let Some(p) = get("policies") {
            if let Some(members) = self.section(p, "policies", "limit-policies", limits::MAX_POLICIES).ok()? {
                for m in members {
                    let path = join_pointer("/policies", &m.key);
                    if m.key.is_empty() {
                        self.error(
                            "invalid-name",
                            String::from("a policy name cannot be empty"),
                            "name the policy",
                            &path,
                            m.key_span,
                        );
                        continue;
                    }
                    if let Some(doc) = parse_policy(&m.value, PolicyKind::Identity, &path, &mut self.diags) {
                        statement_count += doc.statements.len();
                        let index = StatementIndex::build([&doc], &mut services);
                        policy_ids.insert(m.key.clone(), to_u32(policies.len()));
                        policies.push(NamedPolicy { name: m.key.clone(), doc, index });
                    } else {
                        // Keep references to it from cascading into "unknown policy".
                        policy_ids.insert(m.key.clone(), u32::MAX);
                    }
                }
            }
        }

        let mut sets = SetInterner::default();

        // Roles.
        let mut roles: Vec<Role> = Vec::new();
        let mut role_spans: Vec<Span> = Vec::new();
        let mut role_ids: NameMap<String, RoleId> = NameMap::default();
        if let Some(r) = get("roles") {
            if let Some(members) = self.section(r, "roles", "limit-roles", limits::MAX_ROLES).ok()? {
                for m in members {
                    let path = join_pointer("/roles", &m.key);
                    let Some(fields) = self.object(&m.value, "a role", ROLE_KEYS, &path) else { continue };
                    let field = |key: &str| fields.iter().find(|f| f.key == key).map(|f| &f.value);
                    let role_policies = self.policy_list(field("policies"), &path, &policy_ids);
                    let boundary = field("boundary").and_then(|b| self.boundary(b, &path, &policy_ids));
                    let trust = field("trust").and_then(|t| {
                        let doc = parse_policy(t, PolicyKind::Trust, &join_pointer(&path, "trust"), &mut self.diags)?;
                        statement_count += doc.statements.len();
                        Some(doc)
                    });
                    let break_glass = match field("breakGlass") {
                        None => false,
                        Some(Json { value: Value::Bool(b), .. }) => *b,
                        Some(other) => {
                            self.error(
                                "invalid-type",
                                format!("`breakGlass` must be true or false, found {}", other.kind_name()),
                                "write `\"breakGlass\": true`",
                                &join_pointer(&path, "breakGlass"),
                                other.span,
                            );
                            false
                        }
                    };
                    let max_session_seconds = field("maxSessionSeconds").and_then(|v| {
                        let seconds = match &v.value {
                            Value::Number(n) => n.parse::<u32>().ok().filter(|s| (1..=43_200).contains(s)),
                            _ => None,
                        };
                        if seconds.is_none() {
                            self.error(
                                "invalid-session-duration",
                                String::from("`maxSessionSeconds` must be a whole number of seconds from 1 to 43200"),
                                "role sessions last at most 12 hours",
                                &join_pointer(&path, "maxSessionSeconds"),
                                v.span,
                            );
                        }
                        seconds
                    });
                    let tags = field("tags").map(|t| self.tags(t, &join_pointer(&path, "tags"))).unwrap_or_default();
                    let (arn, role_account) =
                        match field("arn").and_then(|a| self.arn_override(a, &join_pointer(&path, "arn"))) {
                            Some(pair) => pair,
                            None => (role_arn(partition, &account, &m.key), account.clone()),
                        };
                    let via = self.via(format!("role/{}", m.key));
                    let attachments = role_policies.iter().map(|&policy| Attachment::direct(policy, via)).collect();
                    let set = sets.intern(attachments, &policies, &mut services);
                    role_ids.insert(m.key.clone(), to_u32(roles.len()));
                    role_spans.push(m.key_span);
                    roles.push(Role {
                        name: m.key.clone(),
                        arn,
                        account: role_account,
                        tags,
                        boundary,
                        trust,
                        break_glass,
                        max_session_seconds,
                        policies: role_policies,
                        via,
                        set,
                    });
                }
            }
        }

        let mut assignments: Vec<Assignment> = Vec::new();

        // Groups.
        let mut groups: Vec<Group> = Vec::new();
        let mut group_ids: NameMap<String, u32> = NameMap::default();
        if let Some(g) = get("groups") {
            if let Some(members) = self.section(g, "groups", "limit-groups", limits::MAX_GROUPS).ok()? {
                for m in members {
                    let path = join_pointer("/groups", &m.key);
                    let Some(fields) = self.object(&m.value, "a group", GROUP_KEYS, &path) else { continue };
                    let field = |key: &str| fields.iter().find(|f| f.key == key).map(|f| &f.value);
                    let group_policies = self.policy_list(field("policies"), &path, &policy_ids);
                    let specs = field("roles")
                        .map(|r| self.assignments(r, &role_ids, &join_pointer(&path, "roles")))
                        .unwrap_or_default();
                    group_ids.insert(m.key.clone(), to_u32(groups.len()));
                    groups.push(Group { name: m.key.clone(), policies: group_policies, assignments: specs });
                }
            }
        }
        // One shared assignment per group entry, reused by every member.
        let mut group_assignments: Vec<Vec<AssignmentId>> = Vec::with_capacity(groups.len());
        for group in &groups {
            let mut ids = Vec::with_capacity(group.assignments.len());
            for spec in &group.assignments {
                let role_name = roles.get(spec.role as usize).map_or("", |r| r.name.as_str());
                let via = self.via(format!("group/{} > role/{role_name}", group.name));
                ids.push(to_u32(assignments.len()));
                assignments.push(Assignment {
                    role: spec.role,
                    not_before: spec.not_before,
                    not_after: spec.not_after,
                    reason: spec.reason.clone(),
                    via,
                });
            }
            group_assignments.push(ids);
        }

        // Users.
        let mut users: Vec<User> = Vec::new();
        let mut user_spans: Vec<Span> = Vec::new();
        let mut user_ids: NameMap<String, u32> = NameMap::default();
        if let Some(u) = get("users") {
            if let Some(members) = self.section(u, "users", "limit-users", limits::MAX_USERS).ok()? {
                for m in members {
                    let path = join_pointer("/users", &m.key);
                    let Some(fields) = self.object(&m.value, "a user", USER_KEYS, &path) else { continue };
                    let field = |key: &str| fields.iter().find(|f| f.key == key).map(|f| &f.value);
                    // Group-derived attachments are shared by every user in the same
                    // groups; the user's own (direct policies, direct roles) are apart.
                    let mut shared = Vec::new();
                    let mut own = Vec::new();
                    let mut user_assignments = Vec::new();
                    let user_via = self.via(format!("user/{}", m.key));
                    for policy in self.policy_list(field("policies"), &path, &policy_ids) {
                        own.push(Attachment::direct(policy, user_via));
                    }
                    if let Some(list) = field("groups") {
                        for (name, span, gpath) in self.names(list, "`groups`", &join_pointer(&path, "groups")) {
                            let Some(gid) = self.reference(&group_ids, "group", name, span, &gpath) else { continue };
                            let Some(group) = groups.get(gid as usize) else { continue };
                            let via = self.via(format!("group/{}", group.name));
                            shared.extend(group.policies.iter().map(|&policy| Attachment::direct(policy, via)));
                            for &aid in group_assignments.get(gid as usize).map_or(&[][..], Vec::as_slice) {
                                user_assignments.push(aid);
                                let Some(a) = assignments.get(aid as usize) else { continue };
                                let Some(role) = roles.get(a.role as usize) else { continue };
                                shared.extend(
                                    role.policies.iter().map(|&policy| Attachment::assigned(policy, a.via, aid, role)),
                                );
                            }
                        }
                    }
                    if let Some(list) = field("roles") {
                        for spec in self.assignments(list, &role_ids, &join_pointer(&path, "roles")) {
                            let Some(role) = roles.get(spec.role as usize) else { continue };
                            let via = self.via(format!("role/{}", role.name));
                            let aid = to_u32(assignments.len());
                            user_assignments.push(aid);
                            own.extend(
                                role.policies.iter().map(|&policy| Attachment::assigned(policy, via, aid, role)),
                            );
                            assignments.push(Assignment {
                                role: spec.role,
                                not_before: spec.not_before,
                                not_after: spec.not_after,
                                reason: spec.reason,
                                via,
                            });
                        }
                    }
                    let boundary = field("boundary").and_then(|b| self.boundary(b, &path, &policy_ids));
                    let tags = field("tags").map(|t| self.tags(t, &join_pointer(&path, "tags"))).unwrap_or_default();
                    let (arn, user_account) =
                        match field("arn").and_then(|a| self.arn_override(a, &join_pointer(&path, "arn"))) {
                            Some(pair) => pair,
                            None => (user_arn(partition, &account, &m.key), account.clone()),
                        };
                    user_ids.insert(m.key.clone(), to_u32(users.len()));
                    user_spans.push(m.key_span);
                    users.push(User {
                        name: m.key.clone(),
                        arn,
                        account: user_account,
                        tags,
                        boundary,
                        via: user_via,
                        set: sets.intern(shared, &policies, &mut services),
                        own: (!own.is_empty()).then(|| sets.intern(own, &policies, &mut services)),
                        assignments: user_assignments,
                    });
                }
            }
        }

        // Guardrails.
        let mut guardrails = Vec::new();
        if let Some(g) = get("guardrails") {
            for (name, span, gpath) in self.names(g, "`guardrails`", "/guardrails") {
                if let Some(id) = self.reference(&policy_ids, "policy", name, span, &gpath) {
                    if !guardrails.contains(&id) {
                        guardrails.push(id);
                    }
                }
            }
        }

        // Resources.
        let mut resources = Vec::new();
        let mut resource_exact: NameMap<String, Vec<u32>> = NameMap::default();
        let mut resource_patterns = Vec::new();
        if let Some(r) = get("resources") {
            if let Some(members) = self.map(r, "`resources`", "/resources") {
                for m in members {
                    let path = join_pointer("/resources", &m.key);
                    let Some(fields) = self.object(&m.value, "a resource", RESOURCE_KEYS, &path) else { continue };
                    let field = |key: &str| fields.iter().find(|f| f.key == key).map(|f| &f.value);
                    let policy = field("policy").and_then(|p| {
                        let doc =
                            parse_policy(p, PolicyKind::Resource, &join_pointer(&path, "policy"), &mut self.diags)?;
                        statement_count += doc.statements.len();
                        Some(doc)
                    });
                    let tags = field("tags").map(|t| self.tags(t, &join_pointer(&path, "tags"))).unwrap_or_default();
                    let resource_account = field("account")
                        .and_then(|a| self.string(a, "`account`", &join_pointer(&path, "account")))
                        .map(String::from);
                    let id = to_u32(resources.len());
                    let is_pattern = m.key.contains(['*', '?']);
                    // A pattern key's wildcards stay wildcards; any other key is
                    // literal throughout. Backslashes are literal in both.
                    let escaped = if is_pattern {
                        crate::glob::escape_backslashes(&m.key)
                    } else {
                        let mut all = String::with_capacity(m.key.len());
                        crate::glob::escape_into(&mut all, &m.key);
                        all
                    };
                    let compiled = ResourcePattern::compile(&escaped);
                    match compiled {
                        Ok(pattern) if is_pattern => resource_patterns.push((pattern, id)),
                        Ok(_) => resource_exact.entry(String::from(resource_key(&m.key))).or_default().push(id),
                        Err(_) => {
                            self.error(
                                "invalid-arn",
                                format!("resource key `{}` is not an ARN or ARN pattern", m.key),
                                "key resources by their ARN, e.g. `arn:aws:s3:::bucket/*` or `acs:oss:*:*:bucket/*`",
                                &path,
                                m.key_span,
                            );
                            continue;
                        }
                    }
                    resources.push(ResourceDef { key: m.key.clone(), policy, tags, account: resource_account });
                }
            }
        }

        if statement_count > limits::MAX_STATEMENTS {
            self.error(
                "limit-statements",
                format!("{statement_count} statements, more than the limit of {}", limits::MAX_STATEMENTS),
                "split the store",
                "",
                Span::new(json.span.start, json.span.start + 1),
            );
        }

        let mut arns: NameMap<String, PrincipalRef> = NameMap::default();
        for (i, user) in users.iter().enumerate() {
            if arns.insert(user.arn.clone(), PrincipalRef::User(to_u32(i))).is_some() {
                self.diags.push(
                    Diagnostic::error("duplicate-arn", format!("two principals have the ARN `{}`", user.arn))
                        .with_help("principal ARNs must be unique")
                        .at(join_pointer("/users", &user.name), user_spans.get(i).copied().unwrap_or_default()),
                );
            }
        }
        for (i, role) in roles.iter().enumerate() {
            if arns.insert(role.arn.clone(), PrincipalRef::Role(to_u32(i))).is_some() {
                self.diags.push(
                    Diagnostic::error("duplicate-arn", format!("two principals have the ARN `{}`", role.arn))
                        .with_help("principal ARNs must be unique")
                        .at(join_pointer("/roles", &role.name), role_spans.get(i).copied().unwrap_or_default()),
                );
            }
        }

        let guardrail_via = self.via(String::from("guardrails"));
        let guardrail_attachments =
            guardrails.iter().map(|&policy| Attachment::direct(policy, guardrail_via)).collect();
        let guardrail_set = sets.intern(guardrail_attachments, &policies, &mut services);
        let (resource_patterns_by_service, resource_patterns_unscoped) =
            index_patterns_by_service(&resource_patterns, &mut services);
        Some(
            Store {
                account,
                partition,
                policies,
                services,
                users,
                user_ids,
                roles,
                role_ids,
                groups,
                arns,
                assignments,
                guardrails,
                guardrail_set,
                sets: sets.sets,
                resources,
                resource_exact,
                resource_patterns_by_service,
                resource_patterns_unscoped,
                resource_patterns,
                vias: core::mem::take(&mut self.vias),
                guardrail_via,
                statement_count,
                warnings: Vec::new(),
                names_json_plain: false,
            }
            .with_names_checked(),
        )
    }

    /// A list of role assignments: names or `{role, notBefore, notAfter, reason}`.
    fn assignments(&mut self, json: &Json, role_ids: &NameMap<String, RoleId>, path: &str) -> Vec<AssignmentSpec> {
        let Some(items) = json.as_array() else {
            self.error(
                "invalid-type",
                format!("`roles` must be a list of role assignments, found {}", json.kind_name()),
                "write `[\"RoleName\", {\"role\": \"RoleName\", \"notAfter\": \"...\"}]`",
                path,
                json.span,
            );
            return Vec::new();
        };
        let mut out: Vec<AssignmentSpec> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = join_pointer(path, &itoa(i));
            let (spec, name) = match &item.value {
                Value::String(name) => {
                    let Some(role) = self.reference(role_ids, "role", name, item.span, &item_path) else { continue };
                    (AssignmentSpec { role, not_before: None, not_after: None, reason: None }, name.as_str())
                }
                Value::Object(_) => {
                    let Some(fields) = self.object(item, "a role assignment", ASSIGNMENT_KEYS, &item_path) else {
                        continue;
                    };
                    let field = |key: &str| fields.iter().find(|f| f.key == key).map(|f| &f.value);
                    let Some(role_json) = field("role") else {
                        self.error(
                            "missing-role",
                            String::from("the assignment names no `role`"),
                            "add `\"role\": \"RoleName\"`",
                            &item_path,
                            Span::new(item.span.start, item.span.start + 1),
                        );
                        continue;
                    };
                    let rpath = join_pointer(&item_path, "role");
                    let Some(name) = self.string(role_json, "`role`", &rpath) else { continue };
                    let Some(role) = self.reference(role_ids, "role", name, role_json.span, &rpath) else { continue };
                    let mut time = |key: &str| -> Option<Instant> {
                        let v = field(key)?;
                        let tpath = join_pointer(&item_path, key);
                        let text = self.string(v, key, &tpath)?;
                        let parsed = Instant::parse(text);
                        if parsed.is_none() {
                            self.error(
                                "invalid-date",
                                format!("`{text}` is not a time"),
                                "write RFC 3339 with a zone, e.g. `2026-11-23T13:00:00Z`",
                                &tpath,
                                v.span,
                            );
                        }
                        parsed
                    };
                    let not_before = time("notBefore");
                    let not_after = time("notAfter");
                    if let (Some(start), Some(end)) = (not_before, not_after) {
                        if start >= end {
                            let span = field("notAfter").map_or(item.span, |v| v.span);
                            self.error(
                                "empty-window",
                                String::from("`notAfter` is not later than `notBefore`"),
                                "the assignment would never be active",
                                &join_pointer(&item_path, "notAfter"),
                                span,
                            );
                            continue;
                        }
                    }
                    let reason = field("reason")
                        .and_then(|r| self.string(r, "`reason`", &join_pointer(&item_path, "reason")))
                        .map(String::from);
                    (AssignmentSpec { role, not_before, not_after, reason }, name)
                }
                _ => {
                    self.error(
                        "invalid-type",
                        format!("a role assignment must be a role name or an object, found {}", item.kind_name()),
                        "write `\"RoleName\"` or `{\"role\": \"RoleName\", \"notBefore\": \"...\", \"notAfter\": \"...\"}`",
                        &item_path,
                        item.span,
                    );
                    continue;
                }
            };
            // As in `names`: a repeat grants nothing more but would be explained twice.
            if out.contains(&spec) {
                self.repeated(
                    format!("the same assignment of role `{name}` is listed twice in `roles`"),
                    &item_path,
                    item.span,
                );
                continue;
            }
            out.push(spec);
        }
        out
    }
}

pub(crate) fn user_arn(partition: Partition, account: &str, name: &str) -> String {
    match partition {
        Partition::Aws => format!("arn:aws:iam::{account}:user/{name}"),
        Partition::Acs => format!("acs:ram::{account}:user/{name}"),
    }
}

pub(crate) fn role_arn(partition: Partition, account: &str, name: &str) -> String {
    match partition {
        Partition::Aws => format!("arn:aws:iam::{account}:role/{name}"),
        Partition::Acs => format!("acs:ram::{account}:role/{name}"),
    }
}

impl Severity {
    /// For callers that filter findings.
    pub fn is_error(self) -> bool {
        self == Severity::Error
    }
}

/// Deduplicates attachment sets: users attached alike share one index.
#[derive(Default)]
struct SetInterner {
    sets: Vec<AttachmentSet>,
    ids: HashMap<Vec<Attachment>, SetId>,
}

impl SetInterner {
    fn intern(
        &mut self,
        attachments: Vec<Attachment>,
        policies: &[NamedPolicy],
        services: &mut NameMap<alloc::boxed::Box<str>, u32>,
    ) -> SetId {
        // Attachments to policies that failed to parse only exist in stores that
        // will not load; dropping them keeps set positions aligned with the index.
        let attachments: Vec<Attachment> =
            attachments.into_iter().filter(|a| policies.get(a.policy as usize).is_some()).collect();
        if let Some(&id) = self.ids.get(&attachments) {
            return id;
        }
        let docs = attachments.iter().filter_map(|a| policies.get(a.policy as usize)).map(|p| &p.doc);
        let index = StatementIndex::build(docs, services);
        let id = to_u32(self.sets.len());
        self.ids.insert(attachments.clone(), id);
        self.sets.push(AttachmentSet { attachments, index });
        id
    }
}

/// Positions in `patterns` by the interned id of each pattern's literal
/// service (interned here when no statement names it), and the positions of
/// the patterns without one.
fn index_patterns_by_service(
    patterns: &[(ResourcePattern, u32)],
    services: &mut NameMap<alloc::boxed::Box<str>, u32>,
) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut by_service: Vec<Vec<u32>> = Vec::new();
    let mut unscoped = Vec::new();
    for (i, (pattern, _)) in patterns.iter().enumerate() {
        let service = match pattern {
            ResourcePattern::Arn(p) => p.literal_service().filter(|s| !s.is_empty()),
            ResourcePattern::Any => None,
        };
        let Some(service) = service else {
            unscoped.push(to_u32(i));
            continue;
        };
        let next = to_u32(services.len());
        let id = *services.entry(alloc::boxed::Box::from(service)).or_insert(next);
        let slot = id as usize;
        if by_service.len() <= slot {
            by_service.resize_with(slot + 1, Vec::new);
        }
        if let Some(list) = by_service.get_mut(slot) {
            list.push(to_u32(i));
        }
    }
    (by_service, unscoped)
}
