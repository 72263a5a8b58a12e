//! Evaluates the medium workload repeatedly; run under a profiler.
#![allow(clippy::unwrap_used, reason = "example")]
use portcullis_core::{Request, Store};
use portcullis_workload::{requests, store, Size};

fn main() {
    let size = std::env::args().nth(1).and_then(|s| Size::parse(&s)).unwrap_or(Size::Medium);
    let rounds: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let s = Store::from_json_str(&serde_json::to_string(&store(size)).unwrap()).unwrap();
    let reqs: Vec<Request> =
        requests(size, 10_000).iter().map(|r| Request::from_json_str(&r.to_string()).unwrap()).collect();
    println!("{}", hot_loop(&s, &reqs, rounds));
}

/// Kept out of line so a profiler can collect just this (`--toggle-collect=*hot_loop*`).
#[inline(never)]
fn hot_loop(store: &Store, reqs: &[Request], rounds: usize) -> usize {
    let mut allowed = 0;
    for _ in 0..rounds {
        for r in reqs {
            allowed += usize::from(store.evaluate(r, None).allowed());
        }
    }
    allowed
}
