//! Every conformance suite (the repository's `testdata/` plus each folder in
//! `PORTCULLIS_VECTORS`, as in `core/tests/conformance.rs`) through the ABI.
//! Each store must load (or fail) as in the native core, and each case's
//! answer, the whole Decision JSON or failure, must equal the native core's
//! byte for byte, one by one and as a batch. Skip list: none.

use std::path::{Path, PathBuf};

use portcullis_core::api;
use portcullis_core::testfile::{StoreSource, TestFile};
use portcullis_host_tests::{code, Guest};

fn test_files() -> Vec<PathBuf> {
    let mut roots = vec![crate::repo().join("testdata")];
    if let Ok(extra) = std::env::var("PORTCULLIS_VECTORS") {
        roots.extend(extra.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    let mut files = Vec::new();
    for root in roots {
        assert!(root.is_dir(), "test-data folder {} does not exist", root.display());
        collect(&root, &mut files);
    }
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Cases passed and failed, and failed checks of whole suites (store loads,
/// batches), which count as failures but not as cases.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    /// One check of a suite; a failure counts.
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) -> bool {
        if !ok {
            self.failed += 1;
            println!("FAIL {}", what());
        }
        ok
    }

    /// One case: it passes if all its checks did.
    fn case(&mut self, checks: &[bool]) {
        if checks.iter().all(|&ok| ok) {
            self.passed += 1;
        }
    }
}

#[test]
fn every_suite_through_the_abi_equals_the_native_core() {
    let files = test_files();
    assert!(!files.is_empty(), "no test files found");
    let mut g = crate::guest();
    let mut tally = Tally::default();
    let mut suites = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let Ok(parsed) = TestFile::parse(&text) else {
            // Not a test file: core's conformance test reports it.
            continue;
        };
        let dir = file.parent().unwrap();
        for suite in &parsed.suites {
            suites += 1;
            let here = || format!("{} / {}", file.display(), suite.name);
            let store_text = match &suite.store {
                StoreSource::Inline(json) => text[json.span.start..json.span.end].to_owned(),
                StoreSource::File(path) => std::fs::read_to_string(dir.join(path)).unwrap(),
            };
            run_suite(&mut g, &mut tally, &here(), &store_text, suite);
        }
    }
    println!(
        "abi conformance: {} passed, {} failed ({suites} suites, {} files)",
        tally.passed,
        tally.failed,
        files.len()
    );
    assert_eq!(
        tally.failed, 0,
        "{} checks failed: answers differ from the native core or from the expectations",
        tally.failed
    );
    assert!(tally.passed > 0);
}

fn run_suite(g: &mut Guest, tally: &mut Tally, here: &str, store_text: &str, suite: &portcullis_core::testfile::Suite) {
    let native = api::load(store_text);
    let loaded = g.load(store_text.as_bytes()).unwrap();
    let handle = match (&native, loaded.code > 0) {
        (Ok(store), true) => {
            tally.check(loaded.json == api::load_answer_json(store), || format!("{here}: load answers differ"));
            loaded.code
        }
        (Err(failure), false) => {
            let same = loaded.json == failure.to_json();
            let coded = [code::BAD_JSON, code::INVALID, code::LIMIT].contains(&loaded.code);
            tally.check(same && coded, || format!("{here}: load failures differ ({}): {}", loaded.code, loaded.json));
            let expected =
                tally.check(suite.store_error, || format!("{here}: the store failed to load: {}", loaded.json));
            tally.case(&[same && coded, expected]);
            return;
        }
        (Ok(_), false) => {
            tally.check(false, || format!("{here}: the store loads natively but not through the ABI: {}", loaded.json));
            return;
        }
        (Err(_), true) => {
            tally.check(false, || format!("{here}: the store loads through the ABI but not natively"));
            return;
        }
    };
    let store = native.as_ref().unwrap();
    if suite.store_error {
        tally.check(false, || format!("{here}: the store loaded, but the suite expects a load error"));
        return;
    }

    let mut batch = String::from("[");
    for (i, case) in suite.cases.iter().enumerate() {
        if i > 0 {
            batch.push(',');
        }
        batch.push_str(&case.request);
        let here = || format!("{here} / {}", case.name);
        let answer = g.evaluate(handle, case.request.as_bytes(), None).unwrap();
        match api::evaluate_json_str(store, &case.request, None) {
            Ok(native) => {
                let same = tally.check(answer.code == code::OK && answer.json == native, || {
                    format!("{}: ABI answered ({}) {}\n  native: {native}", here(), answer.code, answer.json)
                });
                let v = answer.value();
                let got_alerts: Vec<String> =
                    v["alerts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect();
                let expect = &case.expect;
                let ok = v["decision"] == expect.decision.as_str()
                    && expect.reason.as_ref().is_none_or(|r| v["reason"] == r.as_str())
                    && expect.alerts.as_ref().is_none_or(|a| *a == got_alerts);
                let expected = tally.check(ok, || {
                    format!("{}: expected {:?}, got {} ({})", here(), expect, v["decision"], v["reason"])
                });
                tally.case(&[same, expected]);
            }
            Err(failure) => {
                let same = tally.check(answer.code < 0 && answer.json == failure.to_json(), || {
                    format!("{}: bad request answered differently ({}): {}", here(), answer.code, answer.json)
                });
                // Like the core's runner: a case whose request is bad fails.
                let runs = tally.check(false, || format!("{}: bad request: {}", here(), failure.message()));
                tally.case(&[same, runs]);
            }
        }
    }
    batch.push(']');
    let answer = g.evaluate_batch(handle, batch.as_bytes(), None).unwrap();
    let native = api::evaluate_batch_json_str(store, &batch, None).map_err(|f| f.to_json());
    tally.check(answer.code == code::OK && Ok(&answer.json) == native.as_ref(), || {
        format!("{here}: the batch answered differently ({})", answer.code)
    });
    assert_eq!(g.store_free(handle).unwrap(), code::OK);
}

/// The module scans text sixteen bytes at a time with Wasm SIMD where the
/// native core takes eight-byte words, so the byte the scan stops at is
/// put at every offset of a string: an escape, a quote, a control byte,
/// non-ASCII text, and the colons of a resource ARN; and the Decision JSON
/// writer checks what it writes for bytes to escape the same way. The
/// answers, decisions and failures alike, must equal the native core's.
#[test]
fn the_module_scans_text_as_the_native_core_does() {
    let mut g = crate::guest();
    let store_text = crate::governance_store();
    let store = api::load(&store_text).unwrap_or_else(|f| panic!("{}", f.message()));
    let handle = g.load_ok(&store_text).unwrap();
    let mut texts = Vec::new();
    for len in 0..40 {
        for at in 0..=len {
            for special in ["\\\"", "\\\\", "\\u0041", "\u{1}", "é", "\"", ":"] {
                let mut value = "a".repeat(len);
                value.insert_str(at, special);
                texts.push(format!(
                    r#"{{"principal":"user/alice","action":"ecs:StartInstance","resource":"acs:ecs:cn-hangzhou:1234567890123456:instance/{value}","context":{{"acs:MFAPresent":true,"note":"{value}"}}}}"#
                ));
                // A principal the store lacks is quoted in a note: the value is
                // also written back, escaped where it must be.
                texts.push(format!(r#"{{"principal":"user/{value}","action":"ecs:StartInstance","resource":"*"}}"#));
            }
            // A colon at every offset of every head part of the ARN.
            let part = "x".repeat(len);
            let (left, right) = part.split_at(at);
            texts.push(format!(
                r#"{{"principal":"user/alice","action":"ecs:StartInstance","resource":"acs:ecs{left}:{right}:1234567890123456:instance/dev-1"}}"#
            ));
        }
    }
    let (mut decided, mut refused) = (0, 0);
    for text in &texts {
        let answer = g.evaluate(handle, text.as_bytes(), None).unwrap();
        match api::evaluate_json_str(&store, text, None) {
            Ok(native) => {
                assert_eq!((answer.code, &answer.json), (code::OK, &native), "{text}");
                decided += 1;
            }
            Err(failure) => {
                assert!(answer.code < 0 && answer.json == failure.to_json(), "{text}: {}", answer.json);
                refused += 1;
            }
        }
    }
    // Both paths are taken: plain requests, escaped ones, and refused ones.
    assert!(decided > texts.len() / 2 && refused > 40, "{decided} decided, {refused} refused of {}", texts.len());
}
