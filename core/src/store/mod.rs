//! The compiled store: principals, policies and resources, indexed so that a
//! decision touches only the statements that can apply to it.

mod index;
mod load;

pub(crate) use index::{part_of, statement_of};
pub use index::{ActionCheck, ActionKey, Entry, StatementIndex};
pub use load::StoreError;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use hashbrown::HashMap;

use crate::arn::ResourcePattern;
use crate::diag::Diagnostic;
use crate::policy::Policy;
use crate::value::Instant;

/// How principal ARNs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// `arn:aws:iam::<account>:user/<name>`
    Aws,
    /// `acs:ram::<account>:user/<name>`
    Acs,
}

pub type PolicyId = u32;
pub type ViaId = u32;
pub type RoleId = u32;
pub type UserId = u32;
pub type AssignmentId = u32;

/// A string looked up in a map with string keys. Compares with
/// [`same_bytes`](crate::glob::same_bytes), a word at a time, where `str`'s
/// own equality calls `memcmp` (a byte loop on Wasm, about 6% of a decision's
/// time there); hashes as `str` does, so it finds what a `&str` finds.
pub(crate) struct Text<'a>(pub &'a str);

impl core::hash::Hash for Text<'_> {
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<K: core::borrow::Borrow<str>> hashbrown::Equivalent<K> for Text<'_> {
    // Out of line: inlined into every lookup, it cost the raw ABI 242 bytes
    // gzipped for 0.3% less fuel.
    #[inline(never)]
    fn equivalent(&self, key: &K) -> bool {
        crate::glob::same_bytes(self.0.as_bytes(), key.borrow().as_bytes())
    }
}

/// Hashes the store's names (users, roles, services, ARNs) for its maps.
///
/// A word at a time with one multiplication each (FxHash's step) and a
/// final mix, where foldhash spends several 64-bit multiplications and
/// folds on every string (about 4% of a decision in Wasm). The names come
/// from the store; a request only looks them up, so it cannot lengthen a
/// probe chain, and the store's author controls its size anyway.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

const NAME_HASH_K: u64 = 0xf135_7aea_2e62_a9c5;

impl core::hash::Hasher for NameHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown places by the low bits and tags by the top bits of a
        // pointer-sized hash: bring the product's high bits down.
        let h = self.0.wrapping_mul(NAME_HASH_K);
        h ^ (h >> 32) ^ (h >> 47)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            h = (h.rotate_left(23) ^ u64::from_le_bytes(*word)).wrapping_mul(NAME_HASH_K);
            rest = tail;
        }
        // The last 0-7 bytes as one word: two overlapping halves from 4 bytes,
        // else first, middle and last byte, with the length to tell them apart.
        let last = match (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
            (Some(first), Some(end)) => {
                u64::from(u32::from_le_bytes(*first)) | u64::from(u32::from_le_bytes(*end)) << 32
            }
            _ => match (rest.first(), rest.get(rest.len() / 2), rest.last()) {
                (Some(&a), Some(&m), Some(&z)) => u64::from(a) | u64::from(m) << 8 | u64::from(z) << 16,
                _ => 0,
            },
        };
        self.0 = (h.rotate_left(23) ^ last ^ (rest.len() as u64) << 59).wrapping_mul(NAME_HASH_K);
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        // `str` ends its bytes with 0xff; the length in `write` already
        // separates strings, so this needs no multiplication of its own.
        self.0 ^= u64::from(byte);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(23) ^ n as u64).wrapping_mul(NAME_HASH_K);
    }
}

/// A map keyed by names, hashed with [`NameHasher`].
pub(crate) type NameMap<K, V> = HashMap<K, V, core::hash::BuildHasherDefault<NameHasher>>;

/// A compiled store. Immutable once loaded: evaluate from as many threads as you like.
#[derive(Debug)]
pub struct Store {
    pub(crate) account: String,
    pub(crate) partition: Partition,
    pub(crate) policies: Vec<NamedPolicy>,
    /// Interned lowercase service prefixes that some statement or resource pattern names literally.
    pub(crate) services: NameMap<Box<str>, u32>,
    pub(crate) users: Vec<User>,
    pub(crate) user_ids: NameMap<String, UserId>,
    pub(crate) roles: Vec<Role>,
    pub(crate) role_ids: NameMap<String, RoleId>,
    pub(crate) groups: Vec<Group>,
    /// Principal ARN of every user and role.
    pub(crate) arns: NameMap<String, PrincipalRef>,
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) guardrails: Vec<PolicyId>,
    pub(crate) guardrail_set: SetId,
    pub(crate) sets: Vec<AttachmentSet>,
    pub(crate) resources: Vec<ResourceDef>,
    pub(crate) resource_exact: NameMap<String, Vec<u32>>,
    /// Resources keyed by a pattern rather than one ARN.
    pub(crate) resource_patterns: Vec<(ResourcePattern, u32)>,
    /// Positions in `resource_patterns` by the interned id (in `services`)
    /// of the pattern's literal (lowercase) service.
    pub(crate) resource_patterns_by_service: Vec<Vec<u32>>,
    /// Positions in `resource_patterns` of the patterns without a literal service.
    pub(crate) resource_patterns_unscoped: Vec<u32>,
    pub(crate) vias: Vec<String>,
    /// The `via` shown for guardrail statements.
    pub(crate) guardrail_via: ViaId,
    pub(crate) statement_count: usize,
    pub(crate) warnings: Vec<Diagnostic>,
    /// Every name a matched statement's explanation quotes from the store
    /// (policy, role and resource names, vias, Sids) needs no JSON
    /// escaping, so the Decision JSON writes them without checking each time.
    pub(crate) names_json_plain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrincipalRef {
    User(UserId),
    Role(RoleId),
}

#[derive(Debug)]
pub(crate) struct NamedPolicy {
    pub name: String,
    pub doc: Policy,
    pub index: StatementIndex,
}

/// A policy reaching a principal, and by which path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Attachment {
    pub policy: PolicyId,
    pub via: ViaId,
    /// Set when the policy arrives through a role assignment.
    pub assignment: Option<AssignmentId>,
    /// For a policy of an assigned role: the role's boundary, which caps it.
    pub cap: Option<PolicyId>,
    /// For a policy of an assigned role: the role is a break-glass role.
    pub break_glass: bool,
}

impl Attachment {
    /// A policy attached directly (to a user, group or role, or as a guardrail).
    pub fn direct(policy: PolicyId, via: ViaId) -> Attachment {
        Attachment { policy, via, assignment: None, cap: None, break_glass: false }
    }

    /// A policy of a role that reaches a user through an assignment.
    pub fn assigned(policy: PolicyId, via: ViaId, assignment: AssignmentId, role: &Role) -> Attachment {
        Attachment { policy, via, assignment: Some(assignment), cap: role.boundary, break_glass: role.break_glass }
    }
}

#[derive(Debug)]
pub(crate) struct User {
    pub name: String,
    pub arn: String,
    pub account: String,
    pub tags: Vec<(String, String)>,
    pub boundary: Option<PolicyId>,
    /// `user/<name>`, for the user's own policies and boundary.
    pub via: ViaId,
    /// What the user's groups attach, shared with users in the same groups.
    pub set: SetId,
    /// The user's direct policies and direct role assignments.
    pub own: Option<SetId>,
    /// Every role assignment reaching the user (directly or through groups).
    pub assignments: Vec<AssignmentId>,
}

#[derive(Debug)]
pub(crate) struct Role {
    pub name: String,
    pub arn: String,
    pub account: String,
    pub tags: Vec<(String, String)>,
    pub boundary: Option<PolicyId>,
    pub trust: Option<Policy>,
    pub break_glass: bool,
    pub max_session_seconds: Option<u32>,
    pub policies: Vec<PolicyId>,
    pub via: ViaId,
    /// The role's policies, for its sessions.
    pub set: SetId,
}

pub type SetId = u32;

/// Policies attached together (to a user, a role, or as the guardrails),
/// indexed as one so a decision looks the set up once.
#[derive(Debug)]
pub(crate) struct AttachmentSet {
    pub attachments: Vec<Attachment>,
    pub index: StatementIndex,
}

#[derive(Debug)]
pub(crate) struct Group {
    pub name: String,
    pub policies: Vec<PolicyId>,
    pub assignments: Vec<AssignmentSpec>,
}

/// A role assignment as written in a group or user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssignmentSpec {
    pub role: RoleId,
    pub not_before: Option<Instant>,
    pub not_after: Option<Instant>,
    pub reason: Option<String>,
}

/// A role assignment reaching one user, with its path for explanations.
#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub role: RoleId,
    pub not_before: Option<Instant>,
    pub not_after: Option<Instant>,
    pub reason: Option<String>,
    pub via: ViaId,
}

/// Whether a role assignment is in force at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    Active,
    NotStarted,
    Ended,
    /// Time-bound, but no time is known: treated as inactive.
    NoClock,
}

impl Assignment {
    pub fn window(&self, now: Option<Instant>) -> Window {
        if self.not_before.is_none() && self.not_after.is_none() {
            return Window::Active;
        }
        let Some(now) = now else { return Window::NoClock };
        if self.not_before.is_some_and(|start| now < start) {
            Window::NotStarted
        } else if self.not_after.is_some_and(|end| now >= end) {
            Window::Ended
        } else {
            Window::Active
        }
    }
}

#[derive(Debug)]
pub(crate) struct ResourceDef {
    /// The key in the store's `resources` (an ARN or an ARN pattern).
    pub key: String,
    pub policy: Option<Policy>,
    pub tags: Vec<(String, String)>,
    pub account: Option<String>,
}

/// Counts, for reports and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    pub policies: usize,
    pub statements: usize,
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub resources: usize,
    pub guardrails: usize,
}

impl Store {
    /// Findings below error level from loading (warnings, suggestions).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    pub fn stats(&self) -> StoreStats {
        StoreStats {
            policies: self.policies.len(),
            statements: self.statement_count,
            users: self.users.len(),
            groups: self.groups.len(),
            roles: self.roles.len(),
            resources: self.resources.len(),
            guardrails: self.guardrails.len(),
        }
    }

    /// The store's default account.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Names of users, in store order (for pickers and generators).
    pub fn user_names(&self) -> impl Iterator<Item = &str> {
        self.users.iter().map(|u| u.name.as_str())
    }

    /// Names of roles, in store order.
    pub fn role_names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|r| r.name.as_str())
    }

    /// Computes [`Store::names_json_plain`] over every name an explanation
    /// of a store statement can quote.
    pub(crate) fn with_names_checked(mut self) -> Store {
        let plain = |s: &str| crate::text::plain_prefix_len(s.as_bytes()) == s.len();
        let sids_plain = |doc: Option<&Policy>| {
            doc.is_none_or(|d| d.statements.iter().all(|st| st.sid.as_deref().is_none_or(plain)))
        };
        self.names_json_plain = self.policies.iter().all(|p| plain(&p.name) && sids_plain(Some(&p.doc)))
            && self.roles.iter().all(|r| plain(&r.name) && sids_plain(r.trust.as_ref()))
            && self.resources.iter().all(|r| plain(&r.key) && sids_plain(r.policy.as_ref()))
            && self.vias.iter().all(|v| plain(v));
        self
    }

    pub(crate) fn via(&self, id: ViaId) -> &str {
        self.vias.get(id as usize).map_or("", String::as_str)
    }

    pub(crate) fn policy(&self, id: PolicyId) -> Option<&NamedPolicy> {
        self.policies.get(id as usize)
    }

    pub(crate) fn role(&self, id: RoleId) -> Option<&Role> {
        self.roles.get(id as usize)
    }

    pub(crate) fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(id as usize)
    }

    pub(crate) fn set(&self, id: SetId) -> Option<&AttachmentSet> {
        self.sets.get(id as usize)
    }

    pub(crate) fn assignment(&self, id: AssignmentId) -> Option<&Assignment> {
        self.assignments.get(id as usize)
    }

    pub(crate) fn resource(&self, id: u32) -> Option<&ResourceDef> {
        self.resources.get(id as usize)
    }

    pub(crate) fn service_id(&self, service: &str) -> Option<u32> {
        self.services.get(&Text(service)).copied()
    }

    pub(crate) fn user_arn(&self, account: &str, name: &str) -> String {
        load::user_arn(self.partition, account, name)
    }

    pub(crate) fn role_arn(&self, account: &str, name: &str) -> String {
        load::role_arn(self.partition, account, name)
    }

    /// ARN of a role session: `arn:aws:sts::<account>:assumed-role/<role>/<session>`
    /// or, as Alibaba Cloud STS writes it, `acs:ram::<account>:role/<role>/<session>`.
    pub(crate) fn session_arn(&self, account: &str, role: &str, session: &str) -> String {
        // Built by hand: this runs for every role-session request.
        let (head, middle) = match self.partition {
            Partition::Aws => ("arn:aws:sts::", ":assumed-role/"),
            Partition::Acs => ("acs:ram::", ":role/"),
        };
        let mut arn = String::with_capacity(head.len() + account.len() + middle.len() + role.len() + session.len() + 1);
        for part in [head, account, middle, role, "/", session] {
            arn.push_str(part);
        }
        arn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_hashes_spread_over_buckets_and_tags() {
        use core::hash::BuildHasher;
        let build = core::hash::BuildHasherDefault::<NameHasher>::default();
        // Names alike but for a digit or two, of every length from 1 to 40:
        // hashbrown places by the low bits and tags by bits 25-31 on Wasm
        // (57-63 natively); both must spread like random numbers would.
        let mut names: Vec<String> = Vec::new();
        for len in 1..=40usize {
            for n in 0..1_000u32 {
                let full = alloc::format!("user/u-0000000000000000000000000000000000{n:03}");
                names.push(full.get(full.len() - len..).unwrap_or_default().into());
            }
        }
        names.sort();
        names.dedup();
        let buckets = 1usize << 12;
        let mut used = alloc::vec![false; buckets];
        let mut tags32 = [0usize; 128];
        let mut tags64 = [0usize; 128];
        for name in &names {
            let h = build.hash_one(name.as_str());
            if let Some(slot) = used.get_mut(h as usize & (buckets - 1)) {
                *slot = true;
            }
            if let Some(t) = tags32.get_mut((h as u32 >> 25) as usize) {
                *t += 1;
            }
            if let Some(t) = tags64.get_mut((h >> 57) as usize) {
                *t += 1;
            }
        }
        // 15k+ names into 4,096 buckets: random placement leaves about 2% empty.
        let empty = used.iter().filter(|u| !**u).count();
        assert!(
            names.len() > 15_000 && empty < buckets / 20,
            "{empty} of {buckets} buckets empty for {} names",
            names.len()
        );
        let fair = names.len() / 128;
        for tags in [tags32, tags64] {
            let (low, high) = (tags.iter().min().copied().unwrap_or(0), tags.iter().max().copied().unwrap_or(0));
            assert!(low > fair / 2 && high < fair * 2, "tags from {low} to {high}, {fair} each would be fair");
        }
    }

    #[test]
    fn text_keys_find_what_str_keys_find() {
        let keys: Vec<String> =
            (0..24).map(|n| "abcdefghijklmnopqrstuvwxyz".get(..n).unwrap_or_default().into()).collect();
        let map: NameMap<String, usize> = keys.iter().cloned().enumerate().map(|(i, k)| (k, i)).collect();
        let boxed: NameMap<Box<str>, usize> = keys.iter().map(|k| (k.as_str().into(), k.len())).collect();
        for key in &keys {
            // The key itself, and the key changed at each position (a miss unless the hash collides).
            let mut probes = alloc::vec![key.clone()];
            for at in 0..key.len() {
                let mut bytes = key.clone().into_bytes();
                if let Some(b) = bytes.get_mut(at) {
                    *b = b'#';
                }
                probes.push(String::from_utf8(bytes).unwrap_or_default());
            }
            for probe in &probes {
                assert_eq!(map.get(&Text(probe)), map.get(probe.as_str()), "{probe}");
                assert_eq!(boxed.get(&Text(probe)), boxed.get(probe.as_str()), "{probe}");
            }
        }
    }
}
