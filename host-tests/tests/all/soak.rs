//! Memory stays flat: 1,000,000 decisions and 1,000 store load/free cycles
//! (hot-reload style, with failed loads mixed in) grow the module's memory
//! not at all after a warm-up.

use portcullis_host_tests::{code, Guest};
use portcullis_workload::{requests, store, Size};

/// The medium generated store loaded, and 1,000 of its requests.
pub fn medium() -> (Guest, i32, Vec<Vec<u8>>) {
    let mut g = crate::guest();
    let handle = g.load_ok(&store(Size::Medium).to_string()).unwrap();
    let requests = requests(Size::Medium, 1_000).iter().map(|r| r.to_string().into_bytes()).collect();
    (g, handle, requests)
}

#[test]
fn a_million_decisions_do_not_grow_memory() {
    let (mut g, handle, requests) = medium();
    let mut out = Vec::new();
    let mut decide = |g: &mut Guest, n: usize| {
        let mut allowed = 0usize;
        for i in 0..n {
            assert_eq!(g.evaluate_into(handle, &requests[i % requests.len()], &mut out).unwrap(), code::OK);
            allowed += usize::from(out.starts_with(b"{\"decision\":\"Allow\""));
        }
        allowed
    };
    let warm_up = 20_000;
    let allowed = decide(&mut g, warm_up);
    assert!(allowed > 0 && allowed < warm_up, "the workload mixes allows and denies ({allowed} of {warm_up})");
    let after_warm_up = g.memory_bytes();
    let started = std::time::Instant::now();
    decide(&mut g, 1_000_000 - warm_up);
    let elapsed = started.elapsed();
    assert_eq!(g.memory_bytes(), after_warm_up, "memory grew over 1,000,000 decisions");
    println!(
        "soak: 1,000,000 decisions, memory {} KiB throughout, {:.2} us per decision in this build",
        after_warm_up / 1024,
        elapsed.as_secs_f64() * 1e6 / (1_000_000 - warm_up) as f64
    );
}

#[test]
fn batches_do_not_grow_memory() {
    let (mut g, handle, requests) = medium();
    let batches: Vec<String> = requests
        .chunks(100)
        .map(|chunk| {
            let items: Vec<&str> = chunk.iter().map(|r| std::str::from_utf8(r).unwrap()).collect();
            format!("[{}]", items.join(","))
        })
        .collect();
    let run = |g: &mut Guest, n: usize| {
        for i in 0..n {
            let answer = g.evaluate_batch(handle, batches[i % batches.len()].as_bytes(), None).unwrap();
            assert_eq!(answer.code, code::OK);
        }
    };
    run(&mut g, 20);
    let after_warm_up = g.memory_bytes();
    run(&mut g, 1_000);
    assert_eq!(g.memory_bytes(), after_warm_up, "memory grew over 100,000 decisions in batches");
}

#[test]
fn a_thousand_load_free_cycles_do_not_grow_memory() {
    let mut g = crate::guest();
    let text = crate::governance_store();
    let broken = text.replace("\"Allow\"", "\"Alow\"");
    let mut current = g.load_ok(&text).unwrap();
    let mut cycle = |g: &mut Guest, i: usize| {
        // Hot reload: load the next store, swap, free the old one.
        let next = g.load_ok(&text).unwrap();
        assert_eq!(g.store_free(current).unwrap(), code::OK);
        current = next;
        if i.is_multiple_of(10) {
            assert_eq!(g.load(broken.as_bytes()).unwrap().code, code::INVALID);
        }
        let answer = g.evaluate(current, crate::ALICE_STARTS_STAGING.as_bytes(), None).unwrap();
        assert_eq!(answer.code, code::OK);
    };
    for i in 0..20 {
        cycle(&mut g, i);
    }
    let after_warm_up = g.memory_bytes();
    for i in 20..1_000 {
        cycle(&mut g, i);
    }
    assert_eq!(g.memory_bytes(), after_warm_up, "memory grew over 1,000 load/free cycles");
}

#[test]
fn medium_store_load_free_cycles_do_not_grow_memory() {
    let mut g = crate::guest();
    let text = store(Size::Medium).to_string();
    let cycle = |g: &mut Guest| {
        let handle = g.load_ok(&text).unwrap();
        assert_eq!(g.store_free(handle).unwrap(), code::OK);
    };
    for _ in 0..3 {
        cycle(&mut g);
    }
    let after_warm_up = g.memory_bytes();
    for _ in 0..30 {
        cycle(&mut g);
    }
    assert_eq!(g.memory_bytes(), after_warm_up, "memory grew over medium-store load/free cycles");
}

/// Decisions allocate from a scratch arena that a large batch outgrows (it
/// then falls back to the general allocator): answers stay byte-for-byte the
/// native core's across the overflow and in the single calls that follow it.
#[test]
fn batches_larger_than_the_scratch_arena_answer_as_the_native_core() {
    let (mut g, handle, requests) = medium();
    let native = portcullis_core::api::load(&store(Size::Medium).to_string()).unwrap();
    let texts: Vec<&str> = requests.iter().map(|r| std::str::from_utf8(r).unwrap()).collect();
    let batch = format!("[{}]", texts.join(","));
    let answer = g.evaluate_batch(handle, batch.as_bytes(), None).unwrap();
    assert_eq!(answer.code, code::OK);
    assert!(answer.json.len() > 256 * 1024, "the batch's answer ({} bytes) outgrows the arena", answer.json.len());
    assert_eq!(answer.json, portcullis_core::api::evaluate_batch_json_str(&native, &batch, None).unwrap());
    for text in texts.iter().take(200) {
        let single = g.evaluate(handle, text.as_bytes(), None).unwrap();
        assert_eq!(single.json, portcullis_core::api::evaluate_json_str(&native, text, None).unwrap());
    }
}
