//! Loads a generated store repeatedly; run under a profiler.
#![allow(clippy::unwrap_used, reason = "example")]
use portcullis_core::Store;
use portcullis_workload::{store, Size};

fn main() {
    let size = std::env::args().nth(1).and_then(|s| Size::parse(&s)).unwrap_or(Size::Medium);
    let text = serde_json::to_string(&store(size)).unwrap();
    println!("{}", load(&text).stats().statements);
}

/// Kept out of line so a profiler can collect just this (`--toggle-collect=*load*`).
#[inline(never)]
fn load(text: &str) -> Store {
    Store::from_json_str(text).unwrap()
}
