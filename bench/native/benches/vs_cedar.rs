//! portcullis-core against the cedar-policy crate on the same generated
//! workload (Cedar's input is `portcullis_workload::peers`'s translation).
//!
//! `cargo bench` (in bench/native) first checks that both engines decide every
//! request alike, then prints per-request percentiles, load times, heap bytes
//! and the floor (one hash lookup + one glob match), and writes them as JSON to
//! `$BENCH_NATIVE_JSON` when set (scripts/bench.sh reads it); then the
//! criterion groups `native/<size>/...` run. Sizes: `$BENCH_SIZES` (default
//! `medium`); `-- --quick` shortens everything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "benchmark")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::str::FromStr;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request as CedarRequest};
use criterion::Criterion;
use portcullis_core::glob::Glob;
use portcullis_core::{api, Request, Store};
use portcullis_workload::{peers, requests, store, Size};
use serde_json::{json, Value};

/// Counts live heap bytes, to report what each engine's loaded state holds.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

struct Workload {
    size: Size,
    store_text: String,
    request_texts: Vec<String>,
    requests: Vec<Request<'static>>,
    cedar_policies: String,
    cedar_entities: Value,
    cedar_requests: Vec<Value>,
}

fn workload(size: Size) -> Workload {
    let store_json = store(size);
    let reqs = requests(size, 10_000);
    let (model, parsed) = peers::model_and_requests(&store_json, &reqs).unwrap();
    let cedar = model.cedar(&parsed).unwrap();
    let request_texts: Vec<String> = reqs.iter().map(ToString::to_string).collect();
    Workload {
        size,
        store_text: store_json.to_string(),
        requests: request_texts.iter().map(|r| Request::from_json_str(r).unwrap().into_owned()).collect(),
        request_texts,
        cedar_policies: cedar.policies,
        cedar_entities: cedar.entities,
        cedar_requests: cedar.requests,
    }
}

struct CedarEngine {
    policies: PolicySet,
    entities: Entities,
    authorizer: Authorizer,
}

fn cedar_load(w: &Workload) -> CedarEngine {
    CedarEngine {
        policies: PolicySet::from_str(&w.cedar_policies).unwrap(),
        entities: Entities::from_json_value(w.cedar_entities.clone(), None).unwrap(),
        authorizer: Authorizer::new(),
    }
}

fn cedar_request(r: &Value) -> CedarRequest {
    let uid = |v: &Value| EntityUid::from_json(json!({"__entity": v})).unwrap();
    CedarRequest::new(
        uid(&r["principal"]),
        uid(&r["action"]),
        uid(&r["resource"]),
        Context::from_json_value(r["context"].clone(), None).unwrap(),
        None,
    )
    .unwrap()
}

/// Per-request medians of `reps` calls each: (p50, p99).
fn percentiles(n: usize, reps: u32, mut call: impl FnMut(usize)) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..n)
        .map(|i| {
            let start = Instant::now();
            for _ in 0..reps {
                call(i);
            }
            start.elapsed() / reps
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn time_load<T>(rounds: u32, mut load: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..rounds {
        let t = Instant::now();
        let value = load();
        best = best.min(t.elapsed());
        last = Some(value);
    }
    (best, last.unwrap())
}

/// One hash lookup of a user name plus one glob match of an action name.
fn floor(reps: u32) -> Duration {
    let map: HashMap<String, u32> = (0..1000).map(|i| (format!("user-{i:05}"), i)).collect();
    let glob = Glob::new("describe*", false);
    let keys: Vec<String> = (0..1000).map(|i| format!("user-{:05}", (i * 7) % 1000)).collect();
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..reps {
            for k in &keys {
                black_box(map.get(black_box(k.as_str())));
                black_box(glob.matches(black_box("describeinstances")));
            }
        }
        best = best.min(start.elapsed() / (reps * keys.len() as u32));
    }
    best
}

fn report(w: &Workload, quick: bool) -> Value {
    let before = live();
    let (portcullis_load, native) =
        time_load(if quick { 3 } else { 10 }, || Store::from_json_str(&w.store_text).unwrap());
    let portcullis_heap = live() - before;
    let before = live();
    let (cedar_load_time, cedar) = time_load(if quick { 2 } else { 5 }, || cedar_load(w));
    let cedar_heap = live() - before;
    let cedar_requests: Vec<CedarRequest> = w.cedar_requests.iter().map(cedar_request).collect();

    // Agreement on every request.
    let mut agree = 0;
    let mut disagreements = Vec::new();
    let mut allowed = 0;
    for (i, (r, c)) in w.requests.iter().zip(&cedar_requests).enumerate() {
        let ours = native.evaluate(r, None).allowed();
        let answer = cedar.authorizer.is_authorized(c, &cedar.policies, &cedar.entities);
        let theirs = answer.decision() == Decision::Allow;
        allowed += usize::from(ours);
        if ours == theirs {
            agree += 1;
        } else if disagreements.len() < 5 {
            disagreements.push(json!({"index": i, "request": w.request_texts[i], "portcullis": ours,
                "errors": answer.diagnostics().errors().map(ToString::to_string).collect::<Vec<_>>()}));
        }
    }
    let n = w.requests.len();
    eprintln!("{}: portcullis and cedar-policy agree on {agree} of {n} requests", w.size.name());
    for d in &disagreements {
        eprintln!("  disagrees: {d}");
    }

    let reps = if quick { 5 } else { 20 };
    let sample = if quick { 2_000 } else { n };
    let (p50, p99) = percentiles(sample, reps, |i| {
        black_box(native.evaluate(black_box(&w.requests[i]), None));
    });
    let (json_p50, json_p99) = percentiles(sample, reps, |i| {
        black_box(api::evaluate_json_str(&native, black_box(&w.request_texts[i]), None).unwrap());
    });
    let cedar_sample = if quick { 300 } else { 2_000 }.min(n);
    let (cedar_p50, cedar_p99) = percentiles(cedar_sample, if quick { 1 } else { 3 }, |i| {
        black_box(cedar.authorizer.is_authorized(&cedar_requests[i], &cedar.policies, &cedar.entities));
    });
    let floor = floor(if quick { 50 } else { 500 });
    let ns = |d: Duration| d.as_nanos() as u64;
    let result = json!({
        "size": w.size.name(),
        "requests": n,
        "allowShare": allowed as f64 / n as f64,
        "agreement": {"compared": n, "agree": agree, "rate": agree as f64 / n as f64, "disagreements": disagreements},
        "floorNs": ns(floor),
        "portcullis": {"loadNs": ns(portcullis_load), "heapBytes": portcullis_heap, "p50Ns": ns(p50), "p99Ns": ns(p99),
                       "jsonP50Ns": ns(json_p50), "jsonP99Ns": ns(json_p99)},
        "cedar": {"loadNs": ns(cedar_load_time), "heapBytes": cedar_heap, "p50Ns": ns(cedar_p50), "p99Ns": ns(cedar_p99),
                  "policies": cedar.policies.policies().count(), "sampled": cedar_sample},
    });
    println!(
        "{}: portcullis p50 {p50:?} p99 {p99:?} (json in/out p50 {json_p50:?}), load {portcullis_load:?}, heap {} KiB; \
         cedar-policy p50 {cedar_p50:?} p99 {cedar_p99:?}, load {cedar_load_time:?}, heap {} KiB; floor {floor:?} \
         (p50 / floor = {:.1}x)",
        w.size.name(),
        portcullis_heap / 1024,
        cedar_heap / 1024,
        p50.as_secs_f64() / floor.as_secs_f64()
    );
    result
}

fn criterion(c: &mut Criterion, w: &Workload) {
    let native = Store::from_json_str(&w.store_text).unwrap();
    let cedar = cedar_load(w);
    let cedar_requests: Vec<CedarRequest> = w.cedar_requests.iter().map(cedar_request).collect();
    let mut group = c.benchmark_group(format!("native/{}", w.size.name()));
    let mut i = 0;
    group.bench_function("portcullis", |b| {
        b.iter(|| {
            i = (i + 1) % w.requests.len();
            black_box(native.evaluate(black_box(&w.requests[i]), None))
        })
    });
    group.bench_function("portcullis-json", |b| {
        b.iter(|| {
            i = (i + 1) % w.request_texts.len();
            black_box(api::evaluate_json_str(&native, black_box(&w.request_texts[i]), None).unwrap())
        })
    });
    group.bench_function("cedar-policy", |b| {
        b.iter(|| {
            i = (i + 1) % cedar_requests.len();
            black_box(cedar.authorizer.is_authorized(&cedar_requests[i], &cedar.policies, &cedar.entities))
        })
    });
    group.sample_size(10);
    group.bench_function("load/portcullis", |b| b.iter(|| Store::from_json_str(black_box(&w.store_text)).unwrap()));
    group.bench_function("load/cedar-policy", |b| b.iter(|| cedar_load(black_box(w))));
    group.finish();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: Vec<Size> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| String::from("medium"))
        .split(',')
        .filter_map(Size::parse)
        .collect();
    let workloads: Vec<Workload> = sizes.into_iter().map(workload).collect();
    let reports: Vec<Value> = workloads.iter().map(|w| report(w, quick)).collect();
    if let Ok(path) = std::env::var("BENCH_NATIVE_JSON") {
        std::fs::write(&path, serde_json::to_string_pretty(&json!({"results": reports})).unwrap()).unwrap();
    }
    if args.iter().any(|a| a == "--no-criterion") {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    if quick {
        c = c.warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    }
    for w in &workloads {
        criterion(&mut c, w);
    }
    c.final_summary();
}
