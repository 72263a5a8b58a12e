//! Evaluates a generated workload repeatedly; run under a profiler:
//! `profile_decide <small|medium|large> <rounds> [json]` (`json`: request text
//! in, Decision JSON out, as the Wasm faces do).
#![allow(clippy::unwrap_used, reason = "example")]
use portcullis_core::{Request, Store};
use portcullis_workload::{requests, store, Size};

fn main() {
    let size = std::env::args().nth(1).and_then(|s| Size::parse(&s)).unwrap_or(Size::Medium);
    let rounds: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let s = Store::from_json_str(&serde_json::to_string(&store(size)).unwrap()).unwrap();
    let raw: Vec<String> = requests(size, 10_000).iter().map(ToString::to_string).collect();
    if std::env::args().nth(3).as_deref() == Some("json") {
        println!("{}", json_loop(&s, &raw, rounds));
        return;
    }
    let reqs: Vec<Request> = raw.iter().map(|r| Request::from_json_str(r).unwrap()).collect();
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

/// Request text in, Decision JSON out (`--toggle-collect=*json_loop*`).
#[inline(never)]
fn json_loop(store: &Store, raw: &[String], rounds: usize) -> usize {
    let mut bytes = 0;
    for _ in 0..rounds {
        for r in raw {
            bytes += portcullis_core::api::evaluate_json_str(store, r, None).map_or(0, |d| d.len());
        }
    }
    bytes
}
