//! The compact decision record (`decision::CompactWriter`) read back the way
//! the npm package reads it equals the Decision JSON, on the governance
//! vectors and the medium workload, through one writer (so its remembered
//! strings and statements are exercised across decisions).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::collections::HashMap;

use portcullis_core::decision::{CompactWriter, COMPACT_NONE};
use portcullis_core::{Request, Store};
use portcullis_workload::{requests, store, Size};
use serde_json::{json, Map, Value};

/// The reader: `strings` is its table of strings, as the npm package keeps it.
fn read(words: &[u32], strings: &mut HashMap<u32, String>) -> Value {
    let mut at = 0;
    let mut next = || {
        at += 1;
        words[at - 1]
    };
    for _ in 0..next() {
        let id = next();
        let len = next() as usize;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len.div_ceil(4) {
            bytes.extend_from_slice(&next().to_le_bytes());
        }
        bytes.truncate(len);
        strings.insert(id, String::from_utf8(bytes).unwrap());
    }
    let s = |id: u32, strings: &HashMap<u32, String>| Value::String(strings[&id].clone());
    let mut d = Map::new();
    d.insert("decision".into(), s(next(), strings));
    d.insert("reason".into(), s(next(), strings));
    let mut matched = Vec::new();
    for _ in 0..next() {
        let mut m = Map::new();
        m.insert("policy".into(), s(next(), strings));
        m.insert("via".into(), s(next(), strings));
        m.insert("kind".into(), s(next(), strings));
        m.insert("statement".into(), json!(next()));
        let sid = next();
        if sid != COMPACT_NONE {
            m.insert("sid".into(), s(sid, strings));
        }
        m.insert("effect".into(), s(next(), strings));
        m.insert("path".into(), s(next(), strings));
        let (start, end) = (next(), next());
        if start != 0 {
            m.insert("span".into(), json!({"start": start - 1, "end": end}));
        }
        matched.push(Value::Object(m));
    }
    d.insert("matched".into(), Value::Array(matched));
    let list = |count: u32, next: &mut dyn FnMut() -> u32, strings: &HashMap<u32, String>| {
        Value::Array((0..count).map(|_| s(next(), strings)).collect())
    };
    let count = next();
    d.insert("alerts".into(), list(count, &mut next, strings));
    let count = next();
    d.insert("notes".into(), list(count, &mut next, strings));
    let count = next();
    if count > 0 {
        d.insert("missing".into(), list(count, &mut next, strings));
    }
    d.insert("summary".into(), s(next(), strings));
    assert_eq!(at, words.len(), "the record has words left over");
    Value::Object(d)
}

fn check(store: &Store, requests: &[Value], writer: &mut CompactWriter, strings: &mut HashMap<u32, String>) -> usize {
    let mut words = Vec::new();
    let mut checked = 0;
    for r in requests {
        let text = r.to_string();
        let Ok(request) = Request::from_json_str(&text) else { continue };
        let decision = store.evaluate(&request, None);
        let explained = decision.explain(store, &request);
        // The record is appended after what the caller put first.
        words.clear();
        words.push(u32::MAX);
        writer.write(&explained, &mut words);
        assert_eq!(words.first(), Some(&u32::MAX));
        let ours = read(&words[1..], strings);
        let theirs: Value = serde_json::from_str(&explained.to_json()).unwrap();
        assert_eq!(ours, theirs, "{r}");
        checked += 1;
    }
    checked
}

#[test]
fn records_read_back_as_the_decision_json() {
    let vectors: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/vectors/governance.json")).unwrap(),
    )
    .unwrap();
    let store_json = vectors["store"].to_string();
    let governance = Store::from_json_str(&store_json).unwrap();
    let cases: Vec<Value> = vectors["cases"].as_array().unwrap().iter().map(|c| c["request"].clone()).collect();
    let mut writer = CompactWriter::new();
    let mut strings = HashMap::new();
    // Twice: the second time every string and statement is remembered.
    assert!(check(&governance, &cases, &mut writer, &mut strings) > 10);
    assert!(check(&governance, &cases, &mut writer, &mut strings) > 10);

    let medium = Store::from_json_str(&store(Size::Medium).to_string()).unwrap();
    let mut writer = CompactWriter::new();
    let mut strings = HashMap::new();
    assert_eq!(check(&medium, &requests(Size::Medium, 3_000), &mut writer, &mut strings), 3_000);
}
