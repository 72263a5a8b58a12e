//! Decisions through the raw ABI in wasmtime next to the native core, on the
//! medium generated store (issue 3's benchmark).
//!
//! `cargo bench -p portcullis-host-tests` (add `-- --quick` for a short run,
//! `-- --profile native|abi` to loop one side for a profiler such as perf,
//! `-- --check` to fail when the ABI's p50 is over 10x the native core's).
//! Guest symbols in perf: `PORTCULLIS_PERFMAP=1 cargo bench -p
//! portcullis-host-tests --features wasmtime/profiling -- --profile abi`.
//! Each ABI decision is timed as a host sees it: copy the request into the
//! module's memory, call `pc_evaluate`, copy the Decision JSON out. Batches
//! are timed per call and divided by their size.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "benchmark")]

use std::time::{Duration, Instant};

use portcullis_core::api;
use portcullis_host_tests::{code, guest_path, Guest, Metering};
use portcullis_workload::{requests, store, Size};

/// Per-decision latencies in nanoseconds and the wall time they took.
struct Run {
    nanos: Vec<f64>,
    decisions: usize,
    wall: Duration,
}

impl Run {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.nanos.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
        sorted[rank]
    }

    fn row(&self, name: &str) -> String {
        format!(
            "{name:<34} {:>9.3} {:>9.3} {:>12.0}",
            self.percentile(0.50) / 1000.0,
            self.percentile(0.99) / 1000.0,
            self.decisions as f64 / self.wall.as_secs_f64()
        )
    }
}

fn time_each(items: usize, per_item: usize, mut call: impl FnMut(usize)) -> Run {
    let mut nanos = Vec::with_capacity(items);
    let started = Instant::now();
    for i in 0..items {
        let t = Instant::now();
        call(i);
        nanos.push(t.elapsed().as_nanos() as f64 / per_item as f64);
    }
    Run { nanos, decisions: items * per_item, wall: started.elapsed() }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let check = args.iter().any(|a| a == "--check");
    let profile = args.iter().position(|a| a == "--profile").and_then(|i| args.get(i + 1)).cloned();
    let rounds = if quick { 20_000 } else { 200_000 };
    let store_text = store(Size::Medium).to_string();
    let requests: Vec<String> = requests(Size::Medium, 10_000).iter().map(|r| r.to_string()).collect();
    let batch_size = 100;
    let batches: Vec<String> = requests.chunks(batch_size).map(|c| format!("[{}]", c.join(","))).collect();
    println!(
        "medium store: {} KiB of JSON; {} distinct requests, {} bytes on average",
        store_text.len() / 1024,
        requests.len(),
        requests.iter().map(String::len).sum::<usize>() / requests.len()
    );

    // Native core, same process.
    let native = api::load(&store_text).unwrap_or_else(|f| panic!("{}", f.message()));
    let mut sink = 0usize;
    for r in &requests {
        sink += api::evaluate_json_str(&native, r, None).unwrap().len();
    }
    if profile.as_deref() == Some("native") {
        for i in 0..2_000_000 {
            sink += api::evaluate_json_str(&native, &requests[i % requests.len()], None).unwrap().len();
        }
        std::hint::black_box(sink);
        return;
    }
    let native_run = time_each(rounds, 1, |i| {
        sink += api::evaluate_json_str(&native, &requests[i % requests.len()], None).unwrap().len();
    });

    let native_batch = time_each((rounds / batch_size).max(batches.len()), batch_size, |i| {
        sink += api::evaluate_batch_json_str(&native, &batches[i % batches.len()], None).unwrap().len();
    });

    // The native decision in its three phases, for whoever optimises core.
    let parsed: Vec<_> = requests.iter().map(|r| api::parse_request(r).unwrap()).collect();
    let parse = time_each(rounds, 1, |i| {
        sink += usize::from(api::parse_request(&requests[i % requests.len()]).is_ok());
    });
    let decided: Vec<_> = parsed.iter().map(|r| native.evaluate(r, None)).collect();
    let evaluate = time_each(rounds, 1, |i| {
        sink += native.evaluate(&parsed[i % parsed.len()], None).matched.len();
    });
    let explain = time_each(rounds, 1, |i| {
        let k = i % parsed.len();
        sink += api::decision_json(&native, &parsed[k], &decided[k]).len();
    });
    let json_bytes: usize =
        parsed.iter().zip(&decided).map(|(r, d)| api::decision_json(&native, r, d).len()).sum::<usize>() / parsed.len();

    // Through the ABI (no fuel, no epochs: a gateway's configuration).
    let started = Instant::now();
    let mut g = Guest::new(Metering::Off).unwrap();
    let instantiate = started.elapsed();
    let started = Instant::now();
    let handle = g.load_ok(&store_text).unwrap();
    let load = started.elapsed();
    let mut out = Vec::with_capacity(4096);
    for r in &requests {
        assert_eq!(g.evaluate_into(handle, r.as_bytes(), &mut out).unwrap(), code::OK);
    }
    if profile.as_deref() == Some("abi") {
        for i in 0..1_000_000 {
            sink += g.evaluate_into(handle, requests[i % requests.len()].as_bytes(), &mut out).unwrap() as usize;
        }
        std::hint::black_box(sink);
        return;
    }
    let single = time_each(rounds, 1, |i| {
        let code = g.evaluate_into(handle, requests[i % requests.len()].as_bytes(), &mut out).unwrap();
        debug_assert_eq!(code, code::OK);
        sink += out.len();
    });
    // What the host's side of a call costs: copy a request in, the last
    // answer out, no evaluation.
    let copies = time_each(rounds, 1, |i| {
        g.write_scratch(requests[i % requests.len()].as_bytes()).unwrap();
        g.result_into(&mut out).unwrap();
        sink += out.len();
    });
    let blocks: Vec<_> = batches.iter().map(|b| g.write(b.as_bytes()).unwrap()).collect();
    let none = portcullis_host_tests::Block { ptr: 0, len: 0 };
    let batch_rounds = (rounds / batch_size).max(batches.len());
    for block in &blocks {
        assert_eq!(g.raw_evaluate_batch(handle, *block, none).unwrap().code, code::OK);
    }
    let batched = time_each(batch_rounds, batch_size, |i| {
        let answer = g.raw_evaluate_batch(handle, blocks[i % blocks.len()], none).unwrap();
        sink += answer.json.len();
    });

    // Work per decision as wasmtime counts it (fuel: about one unit per Wasm
    // operator), which unlike time does not depend on the machine's load.
    let mut metered = Guest::new(Metering::On).unwrap();
    let metered_handle = metered.load_ok(&store_text).unwrap();
    let mut fuel: Vec<u64> = requests
        .iter()
        .map(|r| {
            let before = metered.store.get_fuel().unwrap();
            metered.evaluate_into(metered_handle, r.as_bytes(), &mut out).unwrap();
            before - metered.store.get_fuel().unwrap()
        })
        .collect();
    fuel.sort_unstable();
    let fuel_mean = fuel.iter().sum::<u64>() / fuel.len() as u64;

    // The same decisions come out of both (the tests assert it; here a
    // module built from other sources is only worth a warning).
    let differ = requests
        .iter()
        .take(200)
        .filter(|r| {
            g.evaluate(handle, r.as_bytes(), None).unwrap().json != api::evaluate_json_str(&native, r, None).unwrap()
        })
        .count();
    if differ > 0 {
        println!(
            "warning: {differ} of 200 answers differ from the native core's: was the module built from other sources?"
        );
    }

    let module = std::fs::metadata(guest_path()).map(|m| m.len()).unwrap_or(0);
    println!(
        "module {}: {} KiB; instantiate {instantiate:?}; medium store load through the ABI {load:?}",
        guest_path(),
        module / 1024
    );
    println!("{:<34} {:>9} {:>9} {:>12}", "per decision", "p50 us", "p99 us", "decisions/s");
    println!("{}", native_run.row("native core (evaluate_json_str)"));
    println!("{}", native_batch.row(&format!("native evaluate_batch_json_str ({batch_size})")));
    println!("{}", parse.row("  of which: parse the request"));
    println!("{}", evaluate.row("  of which: evaluate"));
    println!("{}", explain.row(&format!("  of which: Decision JSON ({json_bytes} B)")));
    println!("{}", single.row("ABI pc_evaluate (copy in + out)"));
    println!("{}", copies.row("  of which: host copies in + out"));
    println!("{}", batched.row(&format!("ABI pc_evaluate_batch ({batch_size}/call)")));
    println!(
        "fuel per pc_evaluate (Wasm operators, independent of load): median {}, mean {fuel_mean}",
        fuel[fuel.len() / 2]
    );
    let ratio = single.percentile(0.5) / native_run.percentile(0.5);
    println!(
        "ABI single p50 / native p50 = {ratio:.2}; target p50 < 1.5 us: {}",
        if single.percentile(0.5) < 1500.0 { "met" } else { "NOT met" }
    );
    std::hint::black_box(sink);
    if check && ratio > 10.0 {
        eprintln!("error: a decision through the ABI takes {ratio:.1}x the native core's, more than 10x");
        std::process::exit(1);
    }
}
