//! Per-policy statement index by service prefix.

use alloc::boxed::Box;
use alloc::vec::Vec;

use hashbrown::HashMap;

use crate::policy::Policy;

/// For one policy: the statements that name each (interned) service, and the
/// statements that can apply to any service. Both lists are ascending, so
/// their merge visits statements in document order.
#[derive(Debug, Default)]
pub struct PolicyIndex {
    /// `(service, start, end)` ranges into `entries`, sorted by service.
    buckets: Box<[(u32, u32, u32)]>,
    entries: Box<[u32]>,
    anywhere: Box<[u32]>,
}

impl PolicyIndex {
    /// Builds the index, interning services into `services`.
    pub fn build(policy: &Policy, services: &mut HashMap<Box<str>, u32>) -> PolicyIndex {
        let mut by_service: Vec<(u32, u32)> = Vec::new();
        let mut anywhere = Vec::new();
        for (i, statement) in policy.statements.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            match statement.action.services() {
                None => anywhere.push(i),
                Some(names) => {
                    for name in names {
                        let next = u32::try_from(services.len()).unwrap_or(u32::MAX);
                        let id = *services.entry(Box::from(name)).or_insert(next);
                        by_service.push((id, i));
                    }
                }
            }
        }
        by_service.sort_unstable();
        by_service.dedup();
        let mut buckets = Vec::new();
        let mut entries = Vec::with_capacity(by_service.len());
        for (service, statement) in by_service {
            let at = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            match buckets.last_mut() {
                Some((s, _, end)) if *s == service => *end = at + 1,
                _ => buckets.push((service, at, at + 1)),
            }
            entries.push(statement);
        }
        PolicyIndex {
            buckets: buckets.into_boxed_slice(),
            entries: entries.into_boxed_slice(),
            anywhere: anywhere.into_boxed_slice(),
        }
    }

    /// Statements that may apply to an action of `service` (`None`: a service
    /// no statement names literally), in document order.
    pub fn candidates(&self, service: Option<u32>) -> Candidates<'_> {
        let named: &[u32] = match service {
            Some(s) => match self.buckets.binary_search_by_key(&s, |b| b.0) {
                Ok(i) => self
                    .buckets
                    .get(i)
                    .and_then(|&(_, start, end)| self.entries.get(start as usize..end as usize))
                    .unwrap_or_default(),
                Err(_) => &[],
            },
            None => &[],
        };
        Candidates { a: named, b: &self.anywhere }
    }
}

/// Merges two ascending lists of statement indices.
#[derive(Debug)]
pub struct Candidates<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let list = if take_a { &mut self.a } else { &mut self.b };
        let (&first, rest) = list.split_first()?;
        *list = rest;
        Some(first as usize)
    }
}
