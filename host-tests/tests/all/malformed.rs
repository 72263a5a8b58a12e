//! Malformed input of every kind gives an error value, never a trap: random
//! bytes, truncated JSON, huge inputs, deep nesting, bad UTF-8, invalid
//! handles, out-of-range and foreign pointers, and random integers for every
//! parameter of every export. After each, the instance still answers.

use portcullis_core::limits;
use portcullis_host_tests::{code, Block, Guest};

use crate::Rng;

/// The instance still works: the governance store decides as before.
fn still_works(g: &mut Guest, handle: i32) {
    let answer = g.evaluate(handle, crate::ALICE_STARTS_STAGING.as_bytes(), None).unwrap();
    assert_eq!(answer.code, code::OK, "{}", answer.json);
    assert_eq!(answer.value()["decision"], "Allow");
}

/// Every input-taking export, fed `bytes`: none may trap, and each answer is
/// a failure JSON whenever the code says so.
fn feed_everywhere(g: &mut Guest, handle: i32, bytes: &[u8]) -> Vec<i32> {
    let mut codes = Vec::new();
    let load = g.load(bytes).unwrap();
    if load.code > 0 {
        assert_eq!(g.store_free(load.code).unwrap(), code::OK);
    } else {
        assert_eq!(load.value()["type"], "failure");
    }
    codes.push(load.code);
    for answer in [
        g.evaluate(handle, bytes, None).unwrap(),
        g.evaluate_batch(handle, bytes, None).unwrap(),
        g.check(bytes).unwrap(),
    ] {
        let v = answer.value();
        if answer.code < 0 {
            assert_eq!(v["type"], "failure", "code {} with answer {}", answer.code, answer.json);
            assert!(!v["errors"].as_array().unwrap().is_empty());
        }
        codes.push(answer.code);
    }
    let block = g.write(bytes).unwrap();
    let request = g_request(g);
    let now = g.raw_evaluate(handle, request, block).unwrap();
    assert!(now.code == code::OK || now.code == code::BAD_NOW || now.code == code::BAD_UTF8, "{now:?}");
    assert_eq!(g.free(block.ptr).unwrap(), code::OK);
    codes
}

/// Alice's request in the scratch block.
fn g_request(g: &mut Guest) -> Block {
    g.write_scratch(crate::ALICE_STARTS_STAGING.as_bytes()).unwrap()
}

#[test]
fn random_bytes() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let mut rng = Rng::new(0x5eed);
    for round in 0..300 {
        let len = if round % 10 == 0 { rng.below(100_000) } else { rng.below(300) };
        let bytes = rng.bytes(len);
        let codes = feed_everywhere(&mut g, handle, &bytes);
        assert!(codes[0] < 0, "random bytes loaded as a store");
    }
    still_works(&mut g, handle);
}

#[test]
fn random_json_like_text() {
    // Bytes drawn from JSON's alphabet reach deeper into the parsers.
    const ALPHABET: &[u8] = b"{}[]\":,0123456789.-+eE truefalsn\\u\"abc\"";
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let mut rng = Rng::new(7);
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..rng.below(200)).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect();
        feed_everywhere(&mut g, handle, &bytes);
    }
    still_works(&mut g, handle);
}

#[test]
fn truncated_json_at_every_cut() {
    let mut g = crate::guest();
    let store = crate::governance_store();
    let handle = g.load_ok(&store).unwrap();
    // The store cut at many places, the request at every byte.
    let step = (store.len() / 400).max(1);
    for cut in (0..store.len()).step_by(step) {
        let answer = g.load(&store.as_bytes()[..cut]).unwrap();
        assert!(answer.code < 0, "a store cut at byte {cut} loaded");
        assert!([code::BAD_JSON, code::BAD_UTF8, code::INVALID].contains(&answer.code), "cut {cut}: {}", answer.code);
    }
    let request = crate::ALICE_STARTS_STAGING.as_bytes();
    for cut in 0..request.len() {
        let answer = g.evaluate(handle, &request[..cut], None).unwrap();
        assert!(answer.code < 0, "a request cut at byte {cut} was decided");
        let batch = [b"[".as_slice(), request, b",", &request[..cut]].concat();
        let answer = g.evaluate_batch(handle, &batch, None).unwrap();
        assert!(answer.code < 0, "a batch cut inside its second request was decided");
    }
    still_works(&mut g, handle);
}

#[test]
fn huge_inputs_hit_the_documented_limits() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    // A store over 16 MiB (valid JSON: one long string).
    let mut store = String::from("{\"account\": \"");
    store.push_str(&"1".repeat(limits::MAX_STORE_BYTES));
    store.push_str("\"}");
    let answer = g.load(store.as_bytes()).unwrap();
    assert_eq!(answer.code, code::LIMIT, "{}", &answer.json[..answer.json.len().min(300)]);
    drop(store);
    // A request over 64 KiB.
    let request = crate::ALICE_STARTS_STAGING.replace("staging-web-1", &"x".repeat(limits::MAX_REQUEST_BYTES));
    assert_eq!(g.evaluate(handle, request.as_bytes(), None).unwrap().code, code::LIMIT);
    // A batch over the request count limit.
    let batch = format!("[{}]", vec!["{}"; limits::MAX_BATCH + 1].join(","));
    assert_eq!(g.evaluate_batch(handle, batch.as_bytes(), None).unwrap().code, code::LIMIT);
    // A policy over 16 MiB to check.
    let mut policy = String::from("{\"Version\": \"1\", \"Id\": \"");
    policy.push_str(&"p".repeat(limits::MAX_STORE_BYTES));
    policy.push_str("\"}");
    let answer = g.check(policy.as_bytes()).unwrap();
    assert_eq!(answer.code, code::OK);
    assert!(answer.json.contains("limit-"), "{}", &answer.json[..answer.json.len().min(300)]);
    // A pattern over its length limit in a store.
    let long = format!(
        r#"{{"policies": {{"P": {{"Version": "1", "Statement": [{{"Effect": "Allow", "Action": "ecs:{}", "Resource": "*"}}]}}}}}}"#,
        "a".repeat(limits::MAX_PATTERN_BYTES + 1)
    );
    assert_eq!(g.load(long.as_bytes()).unwrap().code, code::LIMIT);
    still_works(&mut g, handle);
}

#[test]
fn deep_nesting() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    for depth in [65, 1_000, 100_000, 1_000_000] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            let codes = feed_everywhere(&mut g, handle, text.as_bytes());
            // Load and evaluate refuse it; a batch may hold it as one failed
            // item (the array itself is shallow); check reports it.
            assert!(codes[0] < 0 && codes[1] < 0, "depth {depth} accepted: {codes:?}");
            if codes[2] == code::OK {
                let answer = g.evaluate_batch(handle, text.as_bytes(), None).unwrap();
                assert!(answer.value().as_array().unwrap().iter().all(|item| item["type"] == "failure"));
            }
        }
        // Nesting inside an otherwise valid request's context.
        let request = crate::ALICE_STARTS_STAGING
            .replace("\"203.0.113.7\"", &format!("{}1{}", "[".repeat(depth), "]".repeat(depth)));
        assert!(g.evaluate(handle, request.as_bytes(), None).unwrap().code < 0);
    }
    still_works(&mut g, handle);
}

#[test]
fn invalid_utf8() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let cases: [&[u8]; 6] = [
        b"\xff",
        b"{\"a\": \"\xc0\xaf\"}",         // overlong '/'
        b"{\"a\": \"\xed\xa0\x80\"}",     // a UTF-16 surrogate
        b"{\"a\": \"\xf4\x90\x80\x80\"}", // above U+10FFFF
        b"{\"a\": \"\xe2\x82\"}",         // truncated sequence
        b"\"\x80\"",
    ];
    for bytes in cases {
        let load = g.load(bytes).unwrap();
        assert_eq!(load.code, code::BAD_UTF8, "{bytes:?}");
        assert_eq!(load.error_codes(), ["abi-invalid-utf8"]);
        assert_eq!(g.evaluate(handle, bytes, None).unwrap().code, code::BAD_UTF8);
        assert_eq!(g.evaluate_batch(handle, bytes, None).unwrap().code, code::BAD_UTF8);
        assert_eq!(g.check(bytes).unwrap().code, code::BAD_UTF8);
    }
    // The module takes ASCII input sixteen bytes at a time and checks the
    // rest as UTF-8: a stray byte at every offset of a request is refused,
    // a whole character anywhere is read.
    let request = crate::ALICE_STARTS_STAGING.as_bytes();
    let principal = request.windows(5).position(|w| w == b"alice").unwrap();
    for at in 0..request.len() {
        let mut stray = request.to_vec();
        stray[at] = 0xa9;
        assert_eq!(g.evaluate(handle, &stray, None).unwrap().code, code::BAD_UTF8, "0xa9 at {at}");
    }
    for at in principal..principal + 5 {
        let mut accented = request[..at].to_vec();
        accented.extend_from_slice("\u{e9}".as_bytes());
        accented.extend_from_slice(&request[at + 1..]);
        let answer = g.evaluate(handle, &accented, None).unwrap();
        assert_eq!(answer.code, code::OK, "é at {at}: {}", answer.json);
    }
    still_works(&mut g, handle);
}

#[test]
fn invalid_handles() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let request = g.write(crate::ALICE_STARTS_STAGING.as_bytes()).unwrap();
    let none = Block { ptr: 0, len: 0 };
    for bad in [0, -1, handle + 1, 1 << 20, i32::MAX, i32::MIN] {
        let answer = g.raw_evaluate(bad, request, none).unwrap();
        assert_eq!(answer.code, code::BAD_HANDLE, "handle {bad}");
        assert_eq!(answer.value()["type"], "failure");
        assert_eq!(g.raw_evaluate_batch(bad, request, none).unwrap().code, code::BAD_HANDLE);
        assert_eq!(g.store_free(bad).unwrap(), code::BAD_HANDLE);
    }
    still_works(&mut g, handle);
}

#[test]
fn out_of_range_and_foreign_pointers() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let block = g.write(crate::ALICE_STARTS_STAGING.as_bytes()).unwrap();
    let memory = i32::try_from(g.memory_bytes()).unwrap();
    let freed = g.write(b"{}").unwrap();
    assert_eq!(g.free(freed.ptr).unwrap(), code::OK);
    let bad = [
        Block { ptr: block.ptr, len: block.len + 1 }, // one past the block
        Block { ptr: block.ptr - 1, len: block.len }, // one before it
        Block { ptr: block.ptr + 4, len: block.len }, // shifted inside
        Block { ptr: 8, len: 16 },                    // the module's own data
        Block { ptr: memory - 8, len: 8 },            // the top of memory
        Block { ptr: memory, len: 1 },                // just past memory
        Block { ptr: -16, len: 16 },                  // near 4 GiB
        Block { ptr: block.ptr, len: -1 },            // a length of 4 GiB - 1
        Block { ptr: -1, len: 2 },                    // wraps around
        Block { ptr: 0, len: 1 },                     // null
        Block { ptr: freed.ptr, len: 2 },             // freed
    ];
    let none = Block { ptr: 0, len: 0 };
    for input in bad {
        let what = format!("{input:?}");
        let answers = [
            g.raw_store_load(input.ptr, input.len).unwrap(),
            g.raw_evaluate(handle, input, none).unwrap(),
            g.raw_evaluate_batch(handle, input, none).unwrap(),
            g.raw_check(input.ptr, input.len).unwrap(),
            g.raw_evaluate(handle, block, input).unwrap(), // as "now"
        ];
        for answer in answers {
            assert_eq!(answer.code, code::BAD_POINTER, "{what}: {}", answer.json);
            assert_eq!(answer.error_codes(), ["abi-bad-pointer"]);
        }
    }
    // An empty input needs no block: its pointer is ignored.
    let empty = g.raw_evaluate(handle, Block { ptr: -1, len: 0 }, none).unwrap();
    assert!(empty.code < 0 && empty.code != code::BAD_POINTER, "{empty:?}");
    still_works(&mut g, handle);
}

#[test]
fn a_block_is_refused_once_freed_even_right_after_it_was_read() {
    // The module remembers the block it last read (most hosts reuse one);
    // freeing it must forget it, and a neighbour must not be reached through it.
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let request = crate::ALICE_STARTS_STAGING.as_bytes();
    let none = Block { ptr: 0, len: 0 };
    let block = g.write(request).unwrap();
    let next = g.write(request).unwrap();
    for _ in 0..2 {
        assert_eq!(g.raw_evaluate(handle, block, none).unwrap().code, code::OK);
    }
    // Past the end of the block just read, into the next one (or the gap).
    let spanning = Block { ptr: block.ptr + 1, len: next.ptr + next.len - block.ptr - 1 };
    assert_eq!(g.raw_evaluate(handle, spanning, none).unwrap().code, code::BAD_POINTER);
    assert_eq!(g.free(block.ptr).unwrap(), code::OK);
    let answer = g.raw_evaluate(handle, block, none).unwrap();
    assert_eq!(answer.code, code::BAD_POINTER, "{}", answer.json);
    // Freed straight after its allocation, before any read.
    let fresh = g.write(request).unwrap();
    assert_eq!(g.free(fresh.ptr).unwrap(), code::OK);
    assert_eq!(g.raw_evaluate(handle, fresh, none).unwrap().code, code::BAD_POINTER);
    // A new block (perhaps at the same address) is read as usual.
    let again = g.write(request).unwrap();
    assert_eq!(g.raw_evaluate(handle, again, none).unwrap().code, code::OK);
    assert_eq!(g.raw_evaluate(handle, next, none).unwrap().code, code::OK);
    still_works(&mut g, handle);
}

#[test]
fn random_integers_for_every_parameter_of_every_export() {
    let mut g = crate::guest();
    let handle = g.load_ok(&crate::governance_store()).unwrap();
    let instance = g.instance;
    let mut rng = Rng::new(0xabad_1dea);
    let pick = |rng: &mut Rng| -> i32 {
        match rng.below(6) {
            0 => 0,
            1 => -1,
            2 => rng.below(64) as i32,
            3 => i32::MAX - rng.below(64) as i32,
            4 => i32::MIN + rng.below(64) as i32,
            _ => rng.next_u64() as i32,
        }
    };
    let exports: Vec<(String, usize)> = portcullis_host_tests::EXPORTS
        .iter()
        .map(|(name, sig)| (name.to_string(), sig.split("->").next().unwrap().matches("i32").count()))
        .collect();
    for _ in 0..20_000 {
        let (name, arity) = &exports[rng.below(exports.len())];
        if ["pc_store_free", "pc_free", "pc_alloc"].contains(&name.as_str()) {
            // Freeing could hit the test's own store or blocks by luck, and
            // allocating gigabytes proves nothing: memory.rs covers both.
            continue;
        }
        let func = instance.get_func(&mut g.store, name).unwrap();
        let params: Vec<wasmtime::Val> = (0..*arity).map(|_| wasmtime::Val::I32(pick(&mut rng))).collect();
        let mut results = [wasmtime::Val::I32(0)];
        func.call(&mut g.store, &params, &mut results).unwrap_or_else(|e| panic!("{name}{params:?} trapped: {e}"));
    }
    still_works(&mut g, handle);
}
