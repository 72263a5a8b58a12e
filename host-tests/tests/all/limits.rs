//! Limits a host sets on the wasmtime store stop hostile input: fuel and
//! epoch deadlines stop an expensive decision, a memory cap stops a store
//! too big for it. Each stop is a trap the host catches; the instance is then
//! discarded (it refuses further calls) and a fresh one works.

use std::time::Duration;

use portcullis_host_tests::{code, compiled, Guest, Metering};
use wasmtime::{StoreLimitsBuilder, Trap};

/// A store made to be slow to decide: a guardrail with thousands of long
/// wildcard patterns that never match the request's long resource, so every
/// pattern must be tried (Deny statements cannot be skipped), and an Allow
/// statement so that the guardrail lets everything else through.
fn hostile_store() -> String {
    let pattern = format!("acs:ecs:*:*:{}b", "*a".repeat(950));
    let patterns = vec![format!("\"{pattern}\""); 1_000].join(",");
    let mut statements: Vec<String> = (0..7)
        .map(|i| format!(r#"{{"Sid": "S{i}", "Effect": "Deny", "Action": "ecs:*", "Resource": [{patterns}]}}"#))
        .collect();
    statements.push(String::from(r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#));
    format!(
        r#"{{"account": "1234567890123456",
          "policies": {{"Hostile": {{"Version": "1", "Statement": [{}]}},
                        "All": {{"Version": "1", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}}},
          "guardrails": ["Hostile"],
          "users": {{"mallory": {{"policies": ["All"]}}}}}}"#,
        statements.join(",")
    )
}

fn hostile_request() -> String {
    format!(
        r#"{{"principal": "user/mallory", "action": "ecs:StartInstance", "resource": "acs:ecs:cn-hangzhou:1234567890123456:{}"}}"#,
        "a".repeat(1_900)
    )
}

const BENIGN: &str =
    r#"{"principal": "user/mallory", "action": "oss:GetObject", "resource": "acs:oss:*:1234567890123456:x"}"#;

fn trap_of(error: &wasmtime::Error) -> Option<Trap> {
    error.downcast_ref::<Trap>().copied()
}

/// After a trap the instance refuses every call (its state stayed borrowed)
/// instead of running on half-updated state, even with fuel and time again;
/// the result view still shows the answer from before the trap (ABI.md:
/// an instance that trapped updates nothing).
fn refuses_service(g: &mut Guest, answer_before: &str) {
    assert_eq!(g.result().unwrap(), answer_before, "the trapped call changed the answer under the view");
    g.store.set_fuel(u64::MAX).unwrap();
    g.store.set_epoch_deadline(u64::MAX / 2);
    assert_eq!(g.abi_major().unwrap(), 0);
    assert_eq!(g.alloc(16).unwrap(), 0);
    assert_eq!(g.version().unwrap().code, code::INTERNAL);
}

/// Fuel used by one decision.
fn fuel_of(g: &mut Guest, handle: i32, request: &str) -> u64 {
    let before = g.store.get_fuel().unwrap();
    let answer = g.evaluate(handle, request.as_bytes(), None).unwrap();
    assert_eq!(answer.code, code::OK, "{}", answer.json);
    before - g.store.get_fuel().unwrap()
}

#[test]
fn fuel_stops_a_hostile_decision() {
    let mut g = crate::guest();
    let handle = g.load_ok(&hostile_store()).unwrap();
    let benign = fuel_of(&mut g, handle, BENIGN);
    let answer_before = g.result().unwrap();
    // A budget of 200 benign decisions (and at least 5 million units).
    let budget = (benign * 200).max(5_000_000);
    g.store.set_fuel(budget).unwrap();
    let error = g.evaluate(handle, hostile_request().as_bytes(), None).unwrap_err();
    assert_eq!(trap_of(&error), Some(Trap::OutOfFuel), "{error:?}");
    refuses_service(&mut g, &answer_before);
    println!("fuel: a benign decision uses {benign}; the hostile one was stopped at {budget}");

    // A fresh instance with unlimited fuel finishes the same decision: the
    // work is bounded, only more than the host allowed.
    let mut fresh = crate::guest();
    let handle = fresh.load_ok(&hostile_store()).unwrap();
    let hostile = fuel_of(&mut fresh, handle, &hostile_request());
    assert!(hostile > budget, "the hostile decision used {hostile}, within the budget {budget}");
    println!("fuel: the hostile decision, run to the end, uses {hostile}");
}

#[test]
fn an_epoch_deadline_stops_a_hostile_decision() {
    let mut g = crate::guest();
    let handle = g.load_ok(&hostile_store()).unwrap();
    let (engine, _) = compiled(Metering::On);
    g.store.set_epoch_deadline(1);
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    // Repeat until the tick lands inside a decision (the first one usually).
    let request = hostile_request();
    let mut answer_before = g.result().unwrap();
    let error = loop {
        match g.evaluate(handle, request.as_bytes(), None) {
            Ok(answer) => {
                assert_eq!(answer.code, code::OK);
                answer_before = answer.json;
            }
            Err(error) => break error,
        }
    };
    ticker.join().unwrap();
    assert_eq!(trap_of(&error), Some(Trap::Interrupt), "{error:?}");
    refuses_service(&mut g, &answer_before);
}

#[test]
fn a_memory_cap_refuses_allocations_without_trapping() {
    let limits = StoreLimitsBuilder::new().memory_size(8 << 20).build();
    let mut g = Guest::with_limits(Metering::On, limits).unwrap();
    assert_eq!(g.alloc(16 << 20).unwrap(), 0, "a block larger than the cap");
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let answer = g.evaluate(handle, crate::ALICE_STARTS_STAGING.as_bytes(), None).unwrap();
    assert_eq!(answer.value()["decision"], "Allow");
    assert!(g.memory_bytes() <= 8 << 20);
}

#[test]
fn a_memory_cap_stops_a_store_too_big_for_it() {
    // The hostile store is 14 MB of text; compiled it needs more than 24 MiB.
    let store = hostile_store();
    for trap_on_grow_failure in [false, true] {
        let limits = StoreLimitsBuilder::new().memory_size(24 << 20).trap_on_grow_failure(trap_on_grow_failure).build();
        let mut g = Guest::with_limits(Metering::On, limits).unwrap();
        let before = g.load_ok(&crate::governance_store()).unwrap();
        let answer_before = g.result().unwrap();
        let error = match g.load(store.as_bytes()) {
            Ok(answer) => panic!("a 14 MB store loaded in 24 MiB of memory: {}", &answer.json[..200]),
            Err(error) => error,
        };
        // Memory growth refused inside the engine ends in `unreachable` (the
        // module's panic handler), or in the host's own trap if it asked for one.
        if !trap_on_grow_failure {
            assert_eq!(trap_of(&error), Some(Trap::UnreachableCodeReached), "{error:?}");
            refuses_service(&mut g, &answer_before);
        }
        assert!(g.memory_bytes() <= 24 << 20);
        let _ = before;
    }
    // A fresh instance with room loads it.
    let mut fresh = crate::guest();
    let handle = fresh.load_ok(&store).unwrap();
    assert_eq!(fresh.evaluate(handle, BENIGN.as_bytes(), None).unwrap().value()["decision"], "Allow");
}
