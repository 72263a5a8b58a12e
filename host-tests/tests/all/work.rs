//! The work of a decision, in wasmtime fuel (about one unit per Wasm
//! operator): unlike time, it does not depend on the machine's load, so it
//! can carry budgets that a slow or busy machine cannot trip.

use portcullis_host_tests::code;

use crate::soak::medium;

/// The work of a decision has a budget that a slow or busy machine cannot
/// trip: wasmtime fuel (about one unit per Wasm operator) per `pc_evaluate`
/// on the medium store, median over 1,000 requests. 17,600 on 2026-12-07;
/// the budget leaves 25% for new features, and a regression of the kind that
/// doubled batch times would cross it.
#[test]
fn the_median_decision_stays_within_its_work_budget() {
    const BUDGET: u64 = 22_000;
    let (mut g, handle, requests) = medium();
    let mut out = Vec::new();
    let mut fuel: Vec<u64> = requests
        .iter()
        .map(|r| {
            let before = g.store.get_fuel().unwrap();
            assert_eq!(g.evaluate_into(handle, r, &mut out).unwrap(), code::OK);
            before - g.store.get_fuel().unwrap()
        })
        .collect();
    fuel.sort_unstable();
    let median = fuel[fuel.len() / 2];
    println!("fuel per decision on the medium store: median {median}, budget {BUDGET}");
    assert!(median <= BUDGET, "the median decision used {median} fuel, over the budget of {BUDGET}");
}

/// A batch amortises the calls: its work per decision is no more than that
/// of single calls (wasmtime fuel, which does not depend on the machine's
/// load; 5% allowed, today it is 0.6% less). Before each decision had its
/// own scratch memory, a batch of 100 overflowed it into the general
/// allocator and took twice as long per decision; before the batch reader
/// used the fast reader to find where a request ends, it did 17% more work.
#[test]
fn a_batch_does_no_more_work_per_decision_than_single_calls() {
    let (mut g, handle, requests) = medium();
    let chunk = &requests[..100];
    let texts: Vec<&str> = chunk.iter().map(|r| std::str::from_utf8(r).unwrap()).collect();
    let batch = format!("[{}]", texts.join(","));
    let mut out = Vec::new();
    for r in chunk {
        g.evaluate_into(handle, r, &mut out).unwrap();
    }
    assert_eq!(g.evaluate_batch(handle, batch.as_bytes(), None).unwrap().code, code::OK);
    let before = g.store.get_fuel().unwrap();
    for r in chunk {
        assert_eq!(g.evaluate_into(handle, r, &mut out).unwrap(), code::OK);
    }
    let single = before - g.store.get_fuel().unwrap();
    let before = g.store.get_fuel().unwrap();
    assert_eq!(g.evaluate_batch(handle, batch.as_bytes(), None).unwrap().code, code::OK);
    let batched = before - g.store.get_fuel().unwrap();
    println!("fuel for 100 decisions: {single} in single calls, {batched} in one batch");
    assert!(batched <= single * 105 / 100, "a batch of 100 used {batched} fuel, single calls {single}");
}
