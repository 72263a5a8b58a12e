//! Statement index by service prefix and first letter of the action name,
//! over one policy or a whole set of policies (everything attached to a
//! principal, all guardrails), so a decision looks up each set once.

use alloc::boxed::Box;
use alloc::vec::Vec;

use hashbrown::HashMap;

use crate::policy::{ActionPattern, Policy, ServicePattern};

/// Bucket key for statements whose pattern for a service starts with a
/// wildcard (`ecs:*Tag*`): they can match any action name of the service.
const ANY_FIRST: u8 = 0;

fn key(service: u32, first: u8) -> u64 {
    (u64::from(service) << 8) | u64::from(first)
}

/// A statement of a set: the policy's position in the set (high 16 bits) and
/// the statement's index in the policy (low 16 bits; policies have at most
/// 1,000 statements). Ascending order is document order.
pub type Entry = u32;

pub fn entry(part: usize, statement: usize) -> Entry {
    let part = u32::try_from(part).unwrap_or(u32::from(u16::MAX)).min(u32::from(u16::MAX));
    let statement = u32::try_from(statement).unwrap_or(u32::from(u16::MAX)).min(u32::from(u16::MAX));
    (part << 16) | statement
}

pub fn part_of(entry: Entry) -> usize {
    (entry >> 16) as usize
}

pub fn statement_of(entry: Entry) -> usize {
    (entry & 0xffff) as usize
}

/// For each (service, first letter of the action name): the statements that
/// can match; per service, those that match any name; and those that can
/// match any service. For one action the three lists are disjoint and
/// ascending, so their merge visits statements in document order.
#[derive(Debug, Default)]
pub struct StatementIndex {
    /// `key -> (start, end)` ranges into `entries`.
    buckets: HashMap<u64, (u32, u32)>,
    entries: Box<[Entry]>,
    anywhere: Box<[Entry]>,
}

/// The interned service and lowercase first letter of a request action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionKey {
    pub service: Option<u32>,
    pub first: u8,
}

impl StatementIndex {
    /// Indexes the statements of `policies` (in order), interning services into `services`.
    pub fn build<'a>(
        policies: impl IntoIterator<Item = &'a Policy>,
        services: &mut HashMap<Box<str>, u32>,
    ) -> StatementIndex {
        let mut keyed: Vec<(u64, Entry)> = Vec::new();
        let mut anywhere = Vec::new();
        let mut per_service: Vec<(u32, Option<u8>)> = Vec::new();
        for (part, policy) in policies.into_iter().enumerate() {
            for (i, statement) in policy.statements.iter().enumerate() {
                let e = entry(part, i);
                let action = &statement.action;
                let spans_services = action.negated
                    || action
                        .patterns
                        .iter()
                        .any(|p| !matches!(p, ActionPattern::Scoped { service: ServicePattern::Literal(_), .. }));
                if spans_services {
                    anywhere.push(e);
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
        let mut buckets: HashMap<u64, (u32, u32)> = HashMap::new();
        let mut entries = Vec::with_capacity(keyed.len());
        for (k, e) in keyed {
            let at = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            buckets.entry(k).and_modify(|range| range.1 = at + 1).or_insert((at, at + 1));
            entries.push(e);
        }
        StatementIndex { buckets, entries: entries.into_boxed_slice(), anywhere: anywhere.into_boxed_slice() }
    }

    fn bucket(&self, k: u64) -> &[Entry] {
        self.buckets
            .get(&k)
            .and_then(|&(start, end)| self.entries.get(start as usize..end as usize))
            .unwrap_or_default()
    }

    /// Statements that may apply to the action, in document order.
    pub fn candidates(&self, action: ActionKey) -> Candidates<'_> {
        let (named, any_name): (&[Entry], &[Entry]) = match action.service {
            Some(s) if !self.buckets.is_empty() => (self.bucket(key(s, action.first)), self.bucket(key(s, ANY_FIRST))),
            _ => (&[], &[]),
        };
        Candidates { lists: [named, any_name, &self.anywhere] }
    }
}

/// Merges three ascending, disjoint lists of entries.
#[derive(Debug)]
pub struct Candidates<'a> {
    lists: [&'a [Entry]; 3],
}

impl Iterator for Candidates<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        let [a, b, c] = self.lists;
        let heads = [a.first(), b.first(), c.first()];
        let mut best: Option<(usize, Entry)> = None;
        for (i, head) in heads.into_iter().enumerate() {
            if let Some(&head) = head {
                if best.is_none_or(|(_, b)| head < b) {
                    best = Some((i, head));
                }
            }
        }
        let (i, head) = best?;
        if let Some(list) = self.lists.get_mut(i) {
            *list = list.get(1..).unwrap_or_default();
        }
        Some(head)
    }
}
