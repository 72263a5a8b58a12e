//! Store load and per-decision time on generated governance stores.
//!
//! `cargo bench -p portcullis-core` runs the criterion groups; the
//! `percentiles` group prints p50/p99 per decision over all 10,000 requests of
//! each size (each request timed over many repetitions, so the figure is a
//! per-request median, not a batch average), and the floor: one hash lookup
//! plus one wildcard match.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "benchmark code")]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use portcullis_core::glob::Glob;
use portcullis_core::{Request, Store};
use portcullis_workload::{requests, store, Size};

const SIZES: [Size; 3] = [Size::Small, Size::Medium, Size::Large];

fn workload(size: Size) -> (String, Vec<Request<'static>>) {
    let text = serde_json::to_string(&store(size)).unwrap();
    let reqs =
        requests(size, 10_000).iter().map(|r| Request::from_json_str(&r.to_string()).unwrap().into_owned()).collect();
    (text, reqs)
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for size in SIZES {
        let (text, _) = workload(size);
        group.bench_function(size.name(), |b| b.iter(|| Store::from_json_str(black_box(&text)).unwrap()));
    }
    group.finish();
}

fn decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    for size in SIZES {
        let (text, reqs) = workload(size);
        let store = Store::from_json_str(&text).unwrap();
        let mut i = 0;
        group.bench_function(size.name(), |b| {
            b.iter(|| {
                i = (i + 1) % reqs.len();
                black_box(store.evaluate(black_box(&reqs[i]), None))
            })
        });
    }
    group.bench_function("parse+decide/medium", |b| {
        let (text, _) = workload(Size::Medium);
        let store = Store::from_json_str(&text).unwrap();
        let raw: Vec<String> = requests(Size::Medium, 1_000).iter().map(ToString::to_string).collect();
        let mut i = 0;
        b.iter_batched(
            || {
                i = (i + 1) % raw.len();
                raw[i].clone()
            },
            |r| black_box(store.evaluate(&Request::from_json_str(&r).unwrap(), None)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("json/medium", |b| {
        // Request text in, Decision JSON out: what both Wasm faces do per call.
        let (text, _) = workload(Size::Medium);
        let store = Store::from_json_str(&text).unwrap();
        let raw: Vec<String> = requests(Size::Medium, 10_000).iter().map(ToString::to_string).collect();
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % raw.len();
            black_box(portcullis_core::api::evaluate_json_str(&store, black_box(&raw[i]), None).unwrap())
        })
    });
    group.finish();
}

/// Median of per-request times, each the mean of `reps` evaluations.
fn percentiles(store: &Store, reqs: &[Request], reps: u32) -> (Duration, Duration) {
    let mut times: Vec<Duration> = reqs
        .iter()
        .map(|r| {
            let start = Instant::now();
            for _ in 0..reps {
                black_box(store.evaluate(black_box(r), None));
            }
            start.elapsed() / reps
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn report(_: &mut Criterion) {
    println!("\nper-decision percentiles (each request timed over 50 repetitions):");
    println!("| store | policies | statements | users | p50 | p99 |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for size in SIZES {
        let (text, reqs) = workload(size);
        let store = Store::from_json_str(&text).unwrap();
        let stats = store.stats();
        let (p50, p99) = percentiles(&store, &reqs, 50);
        println!(
            "| {} | {} | {} | {} | {p50:?} | {p99:?} |",
            size.name(),
            stats.policies,
            stats.statements,
            stats.users,
        );
    }
    // The practical floor: find the principal, then match one pattern.
    let map: HashMap<String, u32> = (0..1000).map(|i| (format!("user-{i:05}"), i)).collect();
    let glob = Glob::new("describe*", false);
    let keys: Vec<String> = (0..1000).map(|i| format!("user-{:05}", (i * 7) % 1000)).collect();
    let start = Instant::now();
    let rounds = 2_000;
    for _ in 0..rounds {
        for k in &keys {
            black_box(map.get(black_box(k.as_str())));
            black_box(glob.matches(black_box("describeinstances")));
        }
    }
    let floor = start.elapsed() / (rounds * keys.len() as u32);
    println!("floor (hash lookup + one glob match): {floor:?}");
}

criterion_group!(benches, load, decide, report);
criterion_main!(benches);
