//! Statement index by service prefix and first letter of the action name,
//! over one policy or a whole set of policies (everything attached to a
//! principal, all guardrails), so a decision looks up each set once.

use alloc::boxed::Box;
use alloc::vec::Vec;

use hashbrown::HashMap;

use super::NameMap;
use crate::policy::{ActionPattern, ActionRef, Policy, ServicePattern, Statement};

/// Bucket key for statements whose pattern for a service starts with a
/// wildcard (`ecs:*Tag*`): they can match any action name of the service.
const ANY_FIRST: u8 = 0;

fn key(service: u32, first: u8) -> u64 {
    (u64::from(service) << 8) | u64::from(first)
}

/// Hashes a bucket key with one multiplication. The keys are small numbers
/// made by the store itself (a service id and a letter), so they need
/// spreading, not protection from chosen collisions; foldhash's general
/// mixing costs several 64-bit multiplications on Wasm.
#[derive(Debug, Default, Clone, Copy)]
struct BucketHasher(u64);

impl core::hash::Hasher for BucketHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // High bits of the product into the low half: hashbrown places by
        // the low bits and tags by the top bits of a pointer-sized hash.
        h ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

type Buckets = HashMap<u64, (u32, u32), core::hash::BuildHasherDefault<BucketHasher>>;

/// A statement of a set: the policy's position in the set (high 16 bits) and
/// the statement's index in the policy (low 16 bits; policies have at most
/// 1,000 statements). Ascending order is document order.
pub type At = u32;

pub fn at(part: usize, statement: usize) -> At {
    let part = u32::try_from(part).unwrap_or(u32::from(u16::MAX)).min(u32::from(u16::MAX));
    let statement = u32::try_from(statement).unwrap_or(u32::from(u16::MAX)).min(u32::from(u16::MAX));
    (part << 16) | statement
}

pub fn part_of(at: At) -> usize {
    (at >> 16) as usize
}

pub fn statement_of(at: At) -> usize {
    (at & 0xffff) as usize
}

/// A candidate statement and what is left to test of its `Action` for the
/// actions of the bucket it is listed in (their service and first letter
/// are known), worked out when the index is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub at: At,
    pub action: ActionCheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionCheck {
    /// The statement applies to every request for an action of the bucket:
    /// its action matches them all and it tests nothing else (no resource
    /// but `*`, no principal, no condition). Nothing to test.
    Applies,
    /// Every action of the bucket matches (`*`, `ecs:*`).
    Always,
    /// Only the name pattern of this one entry of `Action` can match: test it alone.
    Name(u16),
    /// As [`ActionCheck::Name`], and the statement tests nothing else.
    NameOnly(u16),
    /// Test the whole `Action` or `NotAction`.
    Full,
}

impl ActionCheck {
    /// For a statement listed under `(service, first)`: which of its action
    /// patterns can match actions of that service starting with that letter
    /// (any letter for [`ANY_FIRST`]).
    fn keyed(statement: &Statement, service: u32, first: u8, services: &NameMap<Box<str>, u32>) -> ActionCheck {
        let mut found = None;
        for (i, pattern) in statement.action.patterns.iter().enumerate() {
            let ActionPattern::Scoped { service: ServicePattern::Literal(name), name: glob } = pattern else {
                return ActionCheck::Full;
            };
            if services.get(name) != Some(&service) {
                continue;
            }
            let letter = glob.literal_first_byte().map(|b| b.to_ascii_lowercase());
            if first != ANY_FIRST && letter.is_some_and(|l| l != first) {
                continue;
            }
            if glob.is_any() {
                return ActionCheck::Always;
            }
            if found.is_some() {
                return ActionCheck::Full;
            }
            found = u16::try_from(i).ok();
        }
        found.map_or(ActionCheck::Full, ActionCheck::Name)
    }

    /// Whether `statement` matches `action`, an action of the bucket this check was made for.
    #[inline]
    pub fn matches(self, statement: &Statement, action: ActionRef<'_>) -> bool {
        match self {
            ActionCheck::Applies | ActionCheck::Always => true,
            ActionCheck::Name(i) | ActionCheck::NameOnly(i) => match statement.action.patterns.get(usize::from(i)) {
                Some(ActionPattern::Scoped { name, .. }) => name.matches(action.name),
                _ => statement.action.matches(action),
            },
            ActionCheck::Full => statement.action.matches(action),
        }
    }

    /// [`ActionCheck::Applies`] or [`ActionCheck::NameOnly`] when an action
    /// match is all the statement tests.
    fn refined(self, statement: &Statement) -> ActionCheck {
        if !statement.tests_only_action() {
            return self;
        }
        match self {
            ActionCheck::Always => ActionCheck::Applies,
            ActionCheck::Name(i) => ActionCheck::NameOnly(i),
            other => other,
        }
    }

    /// For a statement that can match actions of any service.
    fn anywhere(statement: &Statement) -> ActionCheck {
        match statement.action.patterns.as_slice() {
            [ActionPattern::Any] if !statement.action.negated => ActionCheck::Always,
            _ => ActionCheck::Full,
        }
    }
}

/// For each (service, first letter of the action name): every statement that
/// can match, in document order, ready to walk: those of that key, the
/// service's statements that match any name, and (when there are few) those
/// that can match any service. An action whose letter has no bucket uses its
/// service's any-name bucket; an action of a service no statement names
/// literally uses `anywhere` alone.
#[derive(Debug, Default)]
pub struct StatementIndex {
    /// `key -> (start, end)` ranges into `entries`.
    buckets: Buckets,
    entries: Box<[Entry]>,
    anywhere: Box<[Entry]>,
    /// Whether the buckets include `anywhere` (it is merged in when short, so
    /// that the index stays within a small multiple of the statements).
    merged: bool,
}

/// `anywhere` lists up to this long are merged into every bucket.
const MERGE_ANYWHERE: usize = 64;

/// The interned service and lowercase first letter of a request action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionKey {
    pub service: Option<u32>,
    pub first: u8,
}

impl StatementIndex {
    /// Indexes the statements of `policies` (in order), interning services into `services`.
    pub(crate) fn build<'a>(
        policies: impl IntoIterator<Item = &'a Policy>,
        services: &mut NameMap<Box<str>, u32>,
    ) -> StatementIndex {
        Self::build_merging(policies, services, MERGE_ANYWHERE)
    }

    fn build_merging<'a>(
        policies: impl IntoIterator<Item = &'a Policy>,
        services: &mut NameMap<Box<str>, u32>,
        merge_anywhere: usize,
    ) -> StatementIndex {
        let policies: Vec<&Policy> = policies.into_iter().collect();
        let mut keyed: Vec<(u64, At)> = Vec::new();
        let mut anywhere = Vec::new();
        let mut per_service: Vec<(u32, Option<u8>)> = Vec::new();
        for (part, policy) in policies.iter().enumerate() {
            for (i, statement) in policy.statements.iter().enumerate() {
                let e = at(part, i);
                let action = &statement.action;
                let spans_services = action.negated
                    || action
                        .patterns
                        .iter()
                        .any(|p| !matches!(p, ActionPattern::Scoped { service: ServicePattern::Literal(_), .. }));
                if spans_services {
                    anywhere.push(Entry { at: e, action: ActionCheck::anywhere(statement).refined(statement) });
                    continue;
                }
                // Per service: either the any-name bucket, or one bucket per first letter.
                per_service.clear();
                for pattern in &action.patterns {
                    let ActionPattern::Scoped { service: ServicePattern::Literal(name), name: glob } = pattern else {
                        continue;
                    };
                    let next = u32::try_from(services.len()).unwrap_or(u32::MAX);
                    let service = *services.entry(name.clone()).or_insert(next);
                    per_service.push((service, glob.literal_first_byte().map(|b| b.to_ascii_lowercase())));
                }
                for &(service, _) in &per_service {
                    if per_service.iter().any(|&(s, f)| s == service && f.is_none()) {
                        keyed.push((key(service, ANY_FIRST), e));
                    } else {
                        keyed.extend(
                            per_service
                                .iter()
                                .filter(|&&(s, _)| s == service)
                                .filter_map(|&(_, f)| f)
                                .map(|f| (key(service, f), e)),
                        );
                    }
                }
            }
        }
        keyed.sort_unstable();
        keyed.dedup();
        let merged = anywhere.len() <= merge_anywhere;
        let statement = |e: At| policies.get(part_of(e)).and_then(|p| p.statements.get(statement_of(e)));
        // Keys sort by service, then letter, and ANY_FIRST (0) first: each
        // service's any-name run comes just before its letter runs.
        let mut buckets = Buckets::default();
        let mut entries: Vec<Entry> = Vec::with_capacity(keyed.len());
        let mut list: Vec<Entry> = Vec::new();
        let mut any_name: (u64, &[(u64, At)]) = (u64::MAX, &[]);
        let mut i = 0;
        while let Some(&(k, _)) = keyed.get(i) {
            let run = keyed.get(i..).unwrap_or_default().iter().take_while(|(other, _)| *other == k).count();
            let own = keyed.get(i..i + run).unwrap_or_default();
            i += run;
            let service = k >> 8;
            let first = (k & 0xff) as u8;
            if first == ANY_FIRST {
                any_name = (service, own);
            }
            // Three ascending, disjoint lists: merged without sorting.
            let any: &[(u64, At)] = if first != ANY_FIRST && any_name.0 == service { any_name.1 } else { &[] };
            list.clear();
            list.extend(Merge { lists: [own, any] }.map(|(_, e)| Entry {
                at: e,
                action: statement(e).map_or(ActionCheck::Full, |st| {
                    ActionCheck::keyed(st, service as u32, first, services).refined(st)
                }),
            }));
            let start = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            let rest: &[Entry] = if merged { &anywhere } else { &[] };
            entries.extend(Candidates::new(&list, rest));
            let end = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            buckets.entry(k).and_modify(|range| *range = (start, end)).or_insert((start, end));
        }
        StatementIndex { buckets, entries: entries.into_boxed_slice(), anywhere: anywhere.into_boxed_slice(), merged }
    }

    fn bucket(&self, k: u64) -> Option<&[Entry]> {
        self.buckets.get(&k).and_then(|&(start, end)| self.entries.get(start as usize..end as usize))
    }

    /// Statements that may apply to the action, in document order.
    #[cfg_attr(target_family = "wasm", inline(never))]
    pub fn candidates(&self, action: ActionKey) -> Candidates<'_> {
        let found = match action.service {
            Some(s) if !self.buckets.is_empty() => {
                self.bucket(key(s, action.first)).or_else(|| self.bucket(key(s, ANY_FIRST)))
            }
            _ => None,
        };
        match (found, self.merged) {
            (Some(list), true) => Candidates::new(list, &[]),
            (None, true) => Candidates::new(&self.anywhere, &[]),
            (found, false) => Candidates::new(found.unwrap_or_default(), &self.anywhere),
        }
    }
}

/// Merges two disjoint lists of `(key, statement)` ascending by statement.
struct Merge<'a> {
    lists: [&'a [(u64, At)]; 2],
}

impl Iterator for Merge<'_> {
    type Item = (u64, At);

    fn next(&mut self) -> Option<(u64, At)> {
        let [a, b] = self.lists;
        let take_b = match (a.first(), b.first()) {
            (Some(x), Some(y)) => y.1 < x.1,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => return None,
        };
        let list = if take_b { &mut self.lists[1] } else { &mut self.lists[0] };
        let (&head, rest) = list.split_first()?;
        *list = rest;
        Some(head)
    }
}

/// Walks one ascending list, or merges two disjoint ascending lists.
#[derive(Debug)]
pub struct Candidates<'a> {
    first: core::slice::Iter<'a, Entry>,
    /// Empty unless the any-service statements are kept apart (see `merged`).
    second: &'a [Entry],
}

impl<'a> Candidates<'a> {
    fn new(first: &'a [Entry], second: &'a [Entry]) -> Self {
        Candidates { first: first.iter(), second }
    }
}

impl Iterator for Candidates<'_> {
    type Item = Entry;

    #[inline]
    fn next(&mut self) -> Option<Entry> {
        // The common case: one list, walked as it is.
        let Some((&b, rest)) = self.second.split_first() else {
            return self.first.next().copied();
        };
        match self.first.as_slice().first() {
            Some(a) if a.at < b.at => self.first.next().copied(),
            _ => {
                self.second = rest;
                Some(b)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_policy, PolicyKind};
    use alloc::string::String;

    #[test]
    fn merged_and_separate_lists_give_the_same_candidates() {
        let actions = [
            "\"ecs:Describe*\"",
            "\"ecs:*\"",
            "\"*\"",
            "[\"ecs:Start*\", \"oss:Get*\"]",
            "\"oss:*Object\"",
            "\"*:List*\"",
            "\"ecs:DeleteInstance\"",
        ];
        let mut policies = Vec::new();
        for p in 0..4 {
            let statements: Vec<String> = (0..40)
                .map(|i| {
                    let action = actions.get((i * 7 + p * 3) % actions.len()).copied().unwrap_or("\"*\"");
                    let key = if i % 9 == 4 { "NotAction" } else { "Action" };
                    alloc::format!("{{\"Effect\":\"Allow\",\"{key}\":{action},\"Resource\":\"*\"}}")
                })
                .collect();
            let text = alloc::format!("{{\"Version\":\"1\",\"Statement\":[{}]}}", statements.join(","));
            let json = crate::json::parse(&text, crate::json::JsonLimits::default()).unwrap_or_else(|_| unreachable!());
            let mut diags = Vec::new();
            policies.push(parse_policy(&json, PolicyKind::Identity, "", &mut diags).unwrap_or_else(|| unreachable!()));
        }
        let mut services = NameMap::default();
        let merged = StatementIndex::build_merging(&policies, &mut services, usize::MAX);
        let separate = StatementIndex::build_merging(&policies, &mut services, 0);
        assert!(merged.merged && !separate.merged);
        let ids: Vec<Option<u32>> = ["ecs", "oss", "rds"].iter().map(|s| services.get(*s).copied()).collect();
        for service in ids.into_iter().chain([None]) {
            for first in [b'd', b's', b'g', b'l', b'x', ANY_FIRST] {
                let key = ActionKey { service, first };
                let a: Vec<Entry> = merged.candidates(key).collect();
                let b: Vec<Entry> = separate.candidates(key).collect();
                assert_eq!(a, b, "{key:?}");
                assert!(a.windows(2).all(|w| w.first().map(|e| e.at) < w.last().map(|e| e.at)), "{key:?}: {a:?}");
            }
        }
    }
}
