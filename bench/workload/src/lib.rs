//! Deterministic workloads in the governance model: job-function roles over
//! dev/staging/prod resources of many services, groups that assign them,
//! permissions boundaries, guardrails with Deny statements, MFA and
//! source-IP conditions, time-bound role assignments and CI role sessions.
//!
//! The same seed always gives the same store and requests, so benchmarks and
//! cross-engine comparisons run on identical inputs.

#![allow(clippy::indexing_slicing, reason = "indices come from modulo arithmetic on non-empty tables")]

pub mod peers;

use serde_json::{json, Map, Value};

/// Workload sizes of issue 2 / issue 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 10 roles, 100 users.
    Small,
    /// 50 roles, 1,000 users, about 1,000 statements.
    Medium,
    /// 200 roles, 10,000 users, about 10,000 statements.
    Large,
}

impl Size {
    pub fn parse(text: &str) -> Option<Size> {
        match text {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "large" => Some(Size::Large),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        }
    }

    /// (roles, users, statements per role policy)
    fn shape(self) -> (usize, usize, usize) {
        match self {
            Size::Small => (10, 100, 8),
            Size::Medium => (50, 1_000, 18),
            Size::Large => (200, 10_000, 45),
        }
    }
}

pub const ACCOUNT: &str = "1234567890123456";
pub const OFFICE_CIDR: &str = "203.0.113.0/24";
/// All requests carry a time on this day; assignments open and close around it.
pub const DAY: &str = "2026-11-23";

pub const SERVICES: &[&str] = &[
    "ecs", "oss", "rds", "slb", "vpc", "sls", "kms", "cms", "fc", "cs", "redis", "nas", "cdn", "dns", "waf", "ots",
    "mq", "es", "ack", "cr",
];
pub const ENVS: &[&str] = &["dev", "staging", "prod"];
const READ_VERBS: &[&str] = &["Describe", "List", "Get", "Query"];
const WRITE_VERBS: &[&str] = &["Create", "Modify", "Start", "Stop", "Update", "Put"];
const DELETE_VERBS: &[&str] = &["Delete", "Release"];
const NOUNS: &[&str] =
    &["Instance", "Instances", "Object", "Bucket", "Cluster", "Rule", "Key", "Config", "Snapshot", "Tag"];

/// A small deterministic PRNG (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % (n.max(1) as u64)) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

fn resource_arn(service: &str, env: &str, suffix: &str) -> String {
    format!("acs:{service}:cn-hangzhou:{ACCOUNT}:instance/{env}-{suffix}")
}

fn role_name(i: usize) -> String {
    format!("role-{i:03}")
}

fn group_name(i: usize) -> String {
    format!("group-{i:03}")
}

fn user_name(i: usize) -> String {
    format!("user-{i:05}")
}

/// The services a role works with and the environments it may change.
fn role_scope(i: usize) -> (Vec<&'static str>, &'static str) {
    let services = (0..3).map(|k| SERVICES[(i * 7 + k * 3) % SERVICES.len()]).collect();
    (services, ENVS[i % 2]) // dev or staging for writes; prod is read-only except via elevation
}

/// Generates the store JSON.
pub fn store(size: Size) -> Value {
    let (roles, users, per_role) = size.shape();
    let mut rng = Rng::new(0x5eed_0000 + roles as u64);
    let mut policies = Map::new();
    let mut role_map = Map::new();

    for i in 0..roles {
        let (services, env) = role_scope(i);
        let mut statements = Vec::with_capacity(per_role);
        for s in 0..per_role {
            let service = services[s % services.len()];
            let statement = match s % 6 {
                0 => json!({"Sid": format!("Read{s}"), "Effect": "Allow",
                    "Action": [format!("{service}:Describe*"), format!("{service}:List*"), format!("{service}:Get*")],
                    "Resource": "*"}),
                1 => json!({"Sid": format!("Write{s}"), "Effect": "Allow",
                    "Action": [format!("{service}:{}*", rng.pick(WRITE_VERBS)), format!("{service}:{}*", rng.pick(WRITE_VERBS))],
                    "Resource": [format!("acs:{service}:*:*:instance/{env}-*"), format!("acs:{service}:*:*:instance/dev-*")]}),
                2 => json!({"Sid": format!("DeleteWithMfa{s}"), "Effect": "Allow",
                    "Action": format!("{service}:{}{}", rng.pick(DELETE_VERBS), rng.pick(NOUNS)),
                    "Resource": format!("acs:{service}:*:*:instance/{env}-*"),
                    "Condition": {"Bool": {"acs:MFAPresent": "true"}}}),
                3 => json!({"Sid": format!("FromOffice{s}"), "Effect": "Allow",
                    "Action": format!("{service}:{}*", rng.pick(WRITE_VERBS)),
                    "Resource": format!("acs:{service}:*:*:instance/*"),
                    "Condition": {"IpAddress": {"acs:SourceIp": [OFFICE_CIDR, "198.51.100.0/24"]}}}),
                4 => json!({"Sid": format!("NoProdWrites{s}"), "Effect": "Deny",
                    "Action": [format!("{service}:{}*", rng.pick(WRITE_VERBS)), format!("{service}:{}*", rng.pick(DELETE_VERBS))],
                    "Resource": format!("acs:{service}:*:*:instance/prod-*"),
                    "Condition": {"StringNotEquals": {"acs:PrincipalTag/oncall": "true"}}}),
                _ => json!({"Sid": format!("Tagged{s}"), "Effect": "Allow",
                    "Action": format!("{service}:*Tag*"),
                    "Resource": format!("acs:{service}:*:*:instance/{env}-*"),
                    "Condition": {"StringEquals": {"acs:ResourceTag/team": format!("team-{}", i % 10)}}}),
            };
            statements.push(statement);
        }
        let policy = format!("Role{i:03}Policy");
        policies.insert(policy.clone(), json!({"Version": "1", "Statement": statements}));
        let mut role = json!({"policies": [policy]});
        if i % 10 == 9 {
            role["breakGlass"] = json!(true);
        }
        if i % 5 == 4 {
            // CI agent roles, assumed by pipeline users.
            role["trust"] = json!({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"RAM": [format!("acs:ram::{ACCOUNT}:user/{}", user_name(i % users))]}}]});
            role["maxSessionSeconds"] = json!(3600);
        }
        role_map.insert(role_name(i), role);
    }

    // Boundaries: one per environment family.
    for (b, env) in ENVS.iter().enumerate() {
        let services: Vec<String> = SERVICES.iter().skip(b).step_by(2).map(|s| format!("{s}:*")).collect();
        policies.insert(
            format!("Boundary-{env}"),
            json!({"Version": "1", "Statement": [
            {"Sid": "Ceiling", "Effect": "Allow", "Action": services, "Resource": "*"},
            {"Sid": "NoKeyDeletion", "Effect": "Deny", "Action": "kms:Delete*", "Resource": "*"}]}),
        );
    }
    // Guardrails.
    policies.insert("Baseline".into(), json!({"Version": "1", "Statement": [
        {"Sid": "AllowByDefault", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "ProtectAuditLogs", "Effect": "Deny", "Action": ["actiontrail:DeleteTrail", "actiontrail:StopLogging", "sls:DeleteLogStore"], "Resource": "*"},
        {"Sid": "ProdDeletesOnlyFromOffice", "Effect": "Deny", "Action": ["ecs:Delete*", "rds:Delete*", "oss:Delete*"],
         "Resource": ["acs:ecs:*:*:instance/prod-*", "acs:rds:*:*:instance/prod-*", "acs:oss:*:*:instance/prod-*"],
         "Condition": {"NotIpAddress": {"acs:SourceIp": OFFICE_CIDR}}}]}));
    policies.insert("RegionLock".into(), json!({"Version": "1", "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NoOtherRegions", "Effect": "Deny", "Action": ["ecs:Create*", "rds:Create*"], "Resource": "acs:*:us-*:*:*"}]}));
    // A legacy direct grant some users still have.
    policies.insert(
        "LegacyReadOnly".into(),
        json!({"Version": "1", "Statement": [
        {"Sid": "ReadAll", "Effect": "Allow", "Action": ["*:Describe*", "*:List*"], "Resource": "*"}]}),
    );

    // Groups: each assigns two roles; every fourth has a time-bound third.
    let group_count = (roles / 2).max(1);
    let mut group_map = Map::new();
    for g in 0..group_count {
        let mut assigned = vec![json!(role_name((g * 2) % roles)), json!(role_name((g * 2 + 1) % roles))];
        if g % 4 == 3 {
            assigned.push(json!({"role": role_name((g * 3 + 7) % roles), "notBefore": format!("{DAY}T09:00:00Z"),
                "notAfter": format!("{DAY}T13:00:00Z"), "reason": format!("CHG-{g:04}")}));
        }
        group_map.insert(group_name(g), json!({"roles": assigned}));
    }

    let mut user_map = Map::new();
    for u in 0..users {
        let mut user = json!({"groups": [group_name(u % group_count)]});
        if u % 3 == 0 {
            if let Some(list) = user["groups"].as_array_mut() {
                list.push(json!(group_name((u / 3 + 1) % group_count)));
            }
        }
        if u % 7 == 0 {
            user["policies"] = json!(["LegacyReadOnly"]);
        }
        if u % 4 == 0 {
            user["boundary"] = json!(format!("Boundary-{}", ENVS[u % 3]));
        }
        if u % 11 == 0 {
            user["roles"] = json!([{"role": role_name(u % roles), "notBefore": format!("{DAY}T10:00:00Z"), "notAfter": format!("{DAY}T12:00:00Z")}]);
        }
        user["tags"] = json!({"team": format!("team-{}", u % 10), "oncall": if u % 5 == 0 { "true" } else { "false" }});
        user_map.insert(user_name(u), user);
    }

    let mut resources = Map::new();
    for t in 0..10 {
        resources.insert(format!("acs:ecs:*:*:instance/dev-team{t}-*"), json!({"tags": {"team": format!("team-{t}")}}));
    }

    json!({
        "account": ACCOUNT,
        "partition": "acs",
        "policies": policies,
        "groups": group_map,
        "roles": role_map,
        "users": user_map,
        "guardrails": ["Baseline", "RegionLock"],
        "resources": resources,
    })
}

/// Generates `count` requests against [`store`] of the same size. Most name
/// a service and environment the principal works with, so many match.
pub fn requests(size: Size, count: usize) -> Vec<Value> {
    let (roles, users, _) = size.shape();
    let mut rng = Rng::new(0x00de_c1de + users as u64);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let role = rng.below(roles);
        let (services, _) = role_scope(role);
        let service = if rng.chance(85) { *rng.pick(&services) } else { *rng.pick(SERVICES) };
        let verb = match rng.below(10) {
            0..=4 => *rng.pick(READ_VERBS),
            5..=7 => *rng.pick(WRITE_VERBS),
            _ => *rng.pick(DELETE_VERBS),
        };
        let action = format!("{service}:{verb}{}", rng.pick(NOUNS));
        let env = *rng.pick(ENVS);
        let resource = if rng.chance(10) {
            String::from("*")
        } else {
            resource_arn(service, env, &format!("app-{}", rng.below(50)))
        };
        let hour = 6 + rng.below(12);
        let mut context = Map::new();
        context.insert("acs:CurrentTime".into(), json!(format!("{DAY}T{hour:02}:{:02}:00Z", rng.below(60))));
        context.insert(
            "acs:SourceIp".into(),
            json!(if rng.chance(70) {
                format!("203.0.113.{}", rng.below(250))
            } else {
                format!("192.0.2.{}", rng.below(250))
            }),
        );
        if rng.chance(60) {
            context.insert("acs:MFAPresent".into(), json!(rng.chance(70)));
        }
        let request = if rng.chance(10) {
            // A CI role session (roles with a trust policy are every fifth).
            let agent = (role / 5) * 5 + 4;
            json!({"principal": format!("role/{}", role_name(agent % roles)), "session": {"name": format!("build-{}", rng.below(10_000))},
                "action": action, "resource": resource, "context": context})
        } else {
            // Users are spread over groups, so pick one whose group assigns `role`.
            let group_count = (roles / 2).max(1);
            let group = (role / 2) % group_count;
            let user = group + group_count * rng.below((users / group_count).max(1));
            json!({"principal": format!("user/{}", user_name(user % users)), "action": action, "resource": resource, "context": context})
        };
        out.push(request);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic() {
        assert_eq!(store(Size::Small), store(Size::Small));
        assert_eq!(requests(Size::Small, 50), requests(Size::Small, 50));
    }

    #[test]
    fn statement_counts_follow_the_sizes() {
        for (size, low, high) in [(Size::Medium, 900, 1_100), (Size::Large, 9_000, 10_500)] {
            let store = store(size);
            let statements: usize = store["policies"]
                .as_object()
                .unwrap()
                .values()
                .map(|p| p["Statement"].as_array().map_or(1, Vec::len))
                .sum();
            assert!((low..=high).contains(&statements), "{} has {statements} statements", size.name());
        }
    }
}
