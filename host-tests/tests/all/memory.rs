//! Guest-owned memory: `pc_alloc` / `pc_free` round trips and the result
//! slot's ownership.

use portcullis_host_tests::{addr, code};

#[test]
fn blocks_are_zeroed_distinct_and_hold_what_the_host_writes() {
    let mut g = crate::guest();
    let mut blocks = Vec::new();
    for (i, len) in [0, 1, 7, 8, 100, 4096, 65_536, 1 << 20].into_iter().enumerate() {
        let ptr = g.alloc(len).unwrap();
        assert_ne!(ptr, 0, "pc_alloc({len})");
        assert_eq!(ptr % 8, 0, "blocks are 8-byte aligned");
        let data = g.memory.data(&g.store);
        assert!(data[addr(ptr)..addr(ptr) + len as usize].iter().all(|&b| b == 0), "block of {len} not zeroed");
        let pattern: Vec<u8> = (0..len).map(|j| (j as usize + i) as u8).collect();
        g.memory.write(&mut g.store, addr(ptr), &pattern).unwrap();
        blocks.push((ptr, len, pattern));
    }
    // No two live blocks overlap: every pattern is intact.
    for (ptr, len, pattern) in &blocks {
        let data = g.memory.data(&g.store);
        assert_eq!(&data[addr(*ptr)..addr(*ptr) + *len as usize], &pattern[..]);
    }
    for (ptr, _, _) in &blocks {
        assert_eq!(g.free(*ptr).unwrap(), code::OK);
    }
}

#[test]
fn free_accepts_only_live_block_starts() {
    let mut g = crate::guest();
    let ptr = g.alloc(64).unwrap();
    assert_eq!(g.free(ptr + 8).unwrap(), code::BAD_POINTER, "inside a block");
    assert_eq!(g.free(0).unwrap(), code::BAD_POINTER, "null");
    assert_eq!(g.free(-8).unwrap(), code::BAD_POINTER, "beyond memory");
    assert_eq!(g.free(ptr).unwrap(), code::OK);
    assert_eq!(g.free(ptr).unwrap(), code::BAD_POINTER, "double free");
}

#[test]
fn allocations_beyond_memory_return_zero_and_do_not_trap() {
    let mut g = crate::guest();
    for len in [-1, i32::MIN, i32::MAX, -4096] {
        assert_eq!(g.alloc(len).unwrap(), 0, "pc_alloc({len}) must refuse");
    }
    // And the module is fine afterwards.
    let ptr = g.alloc(16).unwrap();
    assert_ne!(ptr, 0);
    assert_eq!(g.free(ptr).unwrap(), code::OK);
}

#[test]
fn alloc_free_cycles_do_not_grow_memory() {
    let mut g = crate::guest();
    let cycle = |g: &mut portcullis_host_tests::Guest| {
        for len in [10, 1000, 100_000, 33, 5000] {
            let ptrs: Vec<i32> = (0..10).map(|_| g.alloc(len).unwrap()).collect();
            for ptr in ptrs {
                assert_eq!(g.free(ptr).unwrap(), code::OK);
            }
        }
    };
    cycle(&mut g);
    let after_warm_up = g.memory_bytes();
    for _ in 0..2_000 {
        cycle(&mut g);
    }
    assert_eq!(g.memory_bytes(), after_warm_up, "memory grew over 100,000 alloc/free pairs");
}

#[test]
fn the_result_stays_until_the_next_answering_call_or_its_release() {
    let mut g = crate::guest();
    let store = crate::governance_store();
    let handle = g.load_ok(&store).unwrap();
    let decision = g.evaluate(handle, crate::ALICE_STARTS_STAGING.as_bytes(), None).unwrap();
    assert_eq!(decision.code, code::OK);
    // Calls that answer nothing leave the result alone.
    let ptr = g.alloc(100).unwrap();
    assert_eq!(g.free(ptr).unwrap(), code::OK);
    assert_eq!(g.free(ptr).unwrap(), code::BAD_POINTER);
    assert_eq!(g.store_free(12345).unwrap(), code::BAD_HANDLE);
    assert_eq!(g.result().unwrap(), decision.json);
    // Releasing empties it.
    assert_eq!(g.result_free().unwrap(), code::OK);
    assert_eq!(g.result().unwrap(), "");
    assert_eq!(g.result_free().unwrap(), code::OK, "releasing twice is harmless");
    // The next answering call replaces it.
    let version = g.version().unwrap();
    assert!(version.json.contains("\"abi\""));
    assert_eq!(g.store_free(handle).unwrap(), code::OK);
}

/// `pc_result_view` (ABI 1.2): two little-endian words at a fixed address
/// that follow every change of the result slot, so a host needs no call to
/// find an answer. Every `Guest` answer also checks them against
/// `pc_result_ptr` and `pc_result_len`; here the calls that answer nothing,
/// the release and the address are checked as well.
#[test]
fn the_result_view_follows_the_result_slot() {
    let mut g = crate::guest();
    let view = |g: &mut portcullis_host_tests::Guest| {
        let (view, functions) = (g.result_view().unwrap(), g.result_ptr_len().unwrap());
        assert_eq!(view.1, functions.1, "lengths");
        if view.1 > 0 {
            assert_eq!(view.0, functions.0, "addresses");
        }
        view
    };
    assert_eq!(view(&mut g).1, 0, "nothing answered yet");
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let loaded = view(&mut g);
    assert!(loaded.1 > 0);
    let mut out = Vec::new();
    assert_eq!(g.evaluate_into(handle, crate::ALICE_STARTS_STAGING.as_bytes(), &mut out).unwrap(), code::OK);
    let decided = view(&mut g);
    assert_eq!(String::from_utf8(out).unwrap(), g.result().unwrap());
    assert_eq!(g.evaluate(handle, b"{", None).unwrap().code, code::BAD_JSON);
    assert_ne!(view(&mut g), decided, "a failure replaces the decision");
    // Calls that answer nothing leave it; the release empties it.
    let failure = view(&mut g);
    let ptr = g.alloc(64).unwrap();
    assert_eq!(g.free(ptr).unwrap(), code::OK);
    assert_eq!(view(&mut g), failure);
    assert_eq!(g.result_free().unwrap(), code::OK);
    assert_eq!(view(&mut g).1, 0);
    // The view itself stays where it is.
    let result_view = g.instance.get_typed_func::<(), i32>(&mut g.store, "pc_result_view").unwrap();
    let addresses: Vec<i32> = (0..3).map(|_| result_view.call(&mut g.store, ()).unwrap()).collect();
    assert!(addresses.iter().all(|&a| a == addresses[0]), "pc_result_view answered {addresses:?}");
}

/// `pc_evaluate` writes the Decision JSON straight into the answer buffer,
/// kept from the last answer and given room before the decision; an answer
/// longer than that room grows it outside the scratch arena. Long answers
/// after short ones and short after long come out whole, equal to the
/// native core's, while the arena is reused by every following call.
#[test]
fn answers_of_every_length_come_out_whole() {
    let mut g = crate::guest();
    let store_of = |name_len: usize, statements: usize| {
        let name = "P".repeat(name_len);
        let statement = serde_json::json!({"Effect": "Allow", "Action": "ecs:*", "Resource": "*"});
        serde_json::json!({
            "account": "1", "partition": "acs",
            "policies": {name.clone(): {"Version": "1", "Statement": vec![statement; statements]}},
            "users": {"u": {"policies": [name]}}
        })
        .to_string()
    };
    // Requests that allocate differently in the arena (context lists of
    // several sizes, a lowercased action), so that an answer left in the
    // arena would be overwritten by the next call's work.
    let requests: Vec<String> = [0, 40, 3, 120]
        .into_iter()
        .map(|keys| {
            let context: serde_json::Map<String, serde_json::Value> =
                (0..keys).map(|k| (format!("acs:Key{k}"), serde_json::json!(vec!["v"; k % 7 + 1]))).collect();
            let action = if keys % 2 == 0 { "ecs:StartInstance" } else { "ecs:startinstance" };
            serde_json::json!({"principal": "user/u", "action": action, "resource": "*", "context": context})
                .to_string()
        })
        .collect();
    // From a few hundred bytes to about 200 KB of Decision JSON.
    let shapes = [(1, 1), (2_000, 1), (1, 1), (1, 60), (3_000, 40), (10, 2), (2_000, 90), (1, 1)];
    for (name_len, statements) in shapes {
        let text = store_of(name_len, statements);
        let handle = g.load_ok(&text).unwrap();
        let native_store = portcullis_core::api::load(&text).unwrap();
        for request in requests.iter().chain(requests.iter().rev()) {
            let native = portcullis_core::api::evaluate_json_str(&native_store, request, None).unwrap();
            let answer = g.evaluate(handle, request.as_bytes(), None).unwrap();
            assert_eq!(answer.code, code::OK, "{}", answer.json);
            assert!(answer.json == native, "policy name of {name_len} bytes, {statements} statements: {}", answer.json);
        }
        assert_eq!(g.store_free(handle).unwrap(), code::OK);
    }
}
