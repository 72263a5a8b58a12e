//! The wasm-bindgen face (feature `js`), for the npm package in `npm/`.
//!
//! Decode, call the core, encode; no policy logic lives here (STYLE 2).
//!
//! - In: a JavaScript object (a request, a store, a test file) arrives in the
//!   core's transfer form (`portcullis_core::transfer`), written by the
//!   facade into this module's memory in one piece (no JSON text round trip,
//!   and one call across the boundary per value rather than one per
//!   property, as serde-wasm-bindgen made it); source text goes to the
//!   core's text entry points, so findings keep line, column and span.
//! - Out: a decision as the core's compact record
//!   (`portcullis_core::decision::CompactWriter`), which the facade reads from
//!   memory into the Decision object; other answers as the core's JSON
//!   contract (STYLE 3), handed to `JSON.parse`.
//! - Per decision, everything is allocated in the scratch arena and dropped
//!   at once (`src/arena.rs`).
//! - Errors: the core's failure answer,
//!   `{type: "failure", errors: [Diagnostic], warnings: [Diagnostic]}`, thrown.
//!
//! The hand-written TypeScript facade (`npm/src/`) gives these calls their
//! types, fills in the clock and converts UTF-8 spans to UTF-16 offsets.

use crate::arena::scratch;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use portcullis_core::api::{self, Failure, TestAnswer};
use portcullis_core::decision::CompactWriter;
use portcullis_core::testfile::TestFile;
use portcullis_core::{limits, Decision, Diagnostic, Instant, Request, Store};

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Version of the calls below (the JavaScript-to-Wasm ABI of this face).
/// Minor bumps are additive, as for the raw ABI. 2: values in the transfer
/// form, decisions as compact records.
const FACE_MAJOR: u32 = 2;
const FACE_MINOR: u32 = 0;

/// An answer of the core's JSON contract, as a JavaScript value.
fn parse(json: &str) -> JsValue {
    // The text is our own serde_json output, so parsing cannot fail; if it
    // ever did, the caller sees JSON.parse's exception as the value.
    js_sys::JSON::parse(json).unwrap_or_else(|e| e)
}

fn answer<T: Serialize + ?Sized>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(json) => parse(&json),
        Err(e) => JsValue::from_str(&format!("portcullis: cannot encode the answer: {e}")),
    }
}

fn failure(code: &'static str, message: String, help: &str) -> Failure {
    Failure::new(alloc::vec![Diagnostic::error(code, message).with_help(help)])
}

fn throw(failure: &Failure) -> JsValue {
    parse(&failure.to_json())
}

/// `now` arrives as milliseconds since the Unix epoch (`Date.now()`);
/// absent or not finite means "no clock".
fn instant(now_ms: Option<f64>) -> Option<Instant> {
    let ms = now_ms.filter(|ms| ms.is_finite())?;
    #[expect(clippy::cast_possible_truncation, reason = "whole milliseconds; JavaScript times fit in i64")]
    let ms = ms.floor() as i64;
    Some(Instant(i128::from(ms) * 1_000_000))
}

const REQUEST_HELP: &str =
    "a request is {principal: \"user/alice\", action: \"ecs:StartInstance\", resource: \"acs:ecs:...\", context: {...}}";

/// A compiled store: load once, evaluate many.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasmStore {
    store: Store,
    /// Where the facade writes transferred request values (`transfer.rs`).
    transfer: Vec<u8>,
    /// The last decision: its length in words, then its compact record
    /// (`portcullis_core::decision::CompactWriter`).
    record: Vec<u32>,
    /// The last batch's answers (`evaluateManyTransferred`).
    batch: Vec<u32>,
    writer: CompactWriter,
    /// Why the last decision call failed: the core's failure answer.
    failure: String,
}

impl WasmStore {
    fn new(store: Store) -> Self {
        WasmStore {
            store,
            transfer: Vec::new(),
            record: Vec::new(),
            batch: Vec::new(),
            writer: CompactWriter::new(),
            failure: String::new(),
        }
    }
}

/// The module's memory, for the facade to write transferred values into.
#[wasm_bindgen(js_name = moduleMemory)]
pub fn module_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A Decision JSON made in the scratch arena, copied out of it; or the
/// failure thrown. Runs after the arena closes.
fn owned_answer(answer: Result<String, Failure>) -> Result<String, JsValue> {
    answer.map(|json| String::from(json.as_str())).map_err(|f| throw(&f))
}

/// Decides the request `read` gives; runs in the scratch arena.
fn decide<'a>(
    store: &Store,
    now: Option<Instant>,
    read: impl FnOnce() -> Result<Request<'a>, Failure>,
) -> Result<(Request<'a>, Decision), Failure> {
    let request = read()?;
    let decision = store.evaluate(&request, now);
    Ok((request, decision))
}

/// Writes a decision (made in the scratch arena) into `record` as its length
/// in words, then its compact record, and returns the address; or keeps the
/// failure answer and returns 0.
fn write_record(
    store: &Store,
    decided: Result<(Request<'_>, Decision), Failure>,
    writer: &mut CompactWriter,
    record: &mut Vec<u32>,
    failure: &mut String,
) -> usize {
    record.clear();
    match append_record(store, decided, writer, record) {
        Ok(()) => record.as_ptr() as usize,
        Err(f) => {
            *failure = f.to_json();
            0
        }
    }
}

/// Appends a decision (made in the scratch arena) to `out`: its length in
/// words, then its compact record. Runs after the arena closes: the writer's
/// tables outlive the call, so they must not grow from the arena.
fn append_record(
    store: &Store,
    decided: Result<(Request<'_>, Decision), Failure>,
    writer: &mut CompactWriter,
    out: &mut Vec<u32>,
) -> Result<(), Failure> {
    let (request, decision) = decided?;
    let length_at = out.len();
    out.push(0);
    writer.write(&decision.explain(store, &request), out);
    let length = words(out.len() - length_at - 1);
    if let Some(slot) = out.get_mut(length_at) {
        *slot = length;
    }
    Ok(())
}

/// A request value the facade wrote with `npm/src/transfer.ts`.
fn request_from_transfer(bytes: &[u8]) -> Result<Request<'_>, Failure> {
    Request::from_transfer(bytes).map_err(Failure::from)
}

fn invalid_transfer(what: &str, e: &str) -> Failure {
    failure("invalid-request", format!("the {what} is not valid: {e}"), REQUEST_HELP)
}

#[wasm_bindgen]
impl WasmStore {
    /// Loads a store from JSON source text; findings carry line, column and span.
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str) -> Result<WasmStore, JsValue> {
        api::load(text).map(WasmStore::new).map_err(|f| throw(&f))
    }

    /// Loads a store from a JavaScript object the facade transferred (no
    /// text, so findings carry a JSON pointer but no line or span).
    #[wasm_bindgen(js_name = fromTransferred)]
    pub fn from_transferred(bytes: &[u8]) -> Result<WasmStore, JsValue> {
        let json = portcullis_core::transfer::Reader::new(bytes).json().map_err(|e| {
            throw(&failure(
                "invalid-store",
                format!("the store is not a JSON value: {e}"),
                "a store is an object {account, policies, groups, roles, users, ...} as in DESIGN.md",
            ))
        })?;
        Store::from_json(&json).map(WasmStore::new).map_err(|e| throw(&Failure::new(e.diagnostics)))
    }

    /// `{type: "success", stats, warnings}`.
    pub fn info(&self) -> JsValue {
        parse(&api::load_answer_json(&self.store))
    }

    /// Decides one request given as JSON text. Returns the address in
    /// `moduleMemory()` of the decision: a word with the record's length in
    /// words, then the compact record; or 0 when the request is not valid
    /// (`takeFailure` says why). `now_ms` is the host clock, used when the
    /// request's context carries no current time.
    pub fn evaluate(&mut self, request: &str, now_ms: Option<f64>) -> usize {
        let WasmStore { store, record, writer, failure, .. } = self;
        let now = instant(now_ms);
        scratch(
            || decide(store, now, || api::parse_request(request)),
            |decided| write_record(store, decided, writer, record, failure),
        )
    }

    /// Decides one request given as JSON text; the answer is the core's
    /// Decision JSON (what the raw ABI answers), or the failure thrown.
    #[wasm_bindgen(js_name = evaluateJson)]
    pub fn evaluate_json(&self, request: &str, now_ms: Option<f64>) -> Result<String, JsValue> {
        let now = instant(now_ms);
        let store = &self.store;
        scratch(|| api::evaluate_json_str(store, request, now), owned_answer)
    }

    /// Like `evaluateJson`, for the request object the facade transferred.
    #[wasm_bindgen(js_name = evaluateTransferredJson)]
    pub fn evaluate_transferred_json(&self, len: usize, now_ms: Option<f64>) -> Result<String, JsValue> {
        let now = instant(now_ms);
        let (store, bytes) = (&self.store, self.transfer.get(..len).unwrap_or_default());
        let decide = || {
            let request = request_from_transfer(bytes)?;
            Ok(api::decision_json(store, &request, &store.evaluate(&request, now)))
        };
        scratch(decide, owned_answer)
    }

    /// The failure answer of the last decision call that returned 0.
    #[wasm_bindgen(js_name = takeFailure)]
    pub fn take_failure(&mut self) -> JsValue {
        parse(&core::mem::take(&mut self.failure))
    }

    /// Room for a transferred value of at least `len` bytes; returns its
    /// address in `moduleMemory()`. It stays there, as large, until a larger
    /// one is asked for.
    #[wasm_bindgen(js_name = transferBuffer)]
    pub fn transfer_buffer(&mut self, len: usize) -> usize {
        if self.transfer.len() < len {
            self.transfer.resize(len, 0);
        }
        self.transfer.as_ptr() as usize
    }

    /// Decides the request object the facade transferred (its first `len`
    /// bytes in the transfer buffer), like `evaluate`.
    #[wasm_bindgen(js_name = evaluateTransferred)]
    pub fn evaluate_transferred(&mut self, len: usize, now_ms: Option<f64>) -> usize {
        let WasmStore { store, transfer, record, writer, failure, .. } = self;
        let bytes = transfer.get(..len).unwrap_or_default();
        let now = instant(now_ms);
        scratch(
            || decide(store, now, || request_from_transfer(bytes)),
            |decided| write_record(store, decided, writer, record, failure),
        )
    }

    /// Decides a transferred array of requests (objects, or JSON texts).
    /// Returns the address in `moduleMemory()` of the answers: a word with
    /// their length in words, the number of requests, the number of them
    /// that are not valid, then per request the length of its compact record
    /// and the record, or 0 for a request that is not valid (its failure
    /// answer is the next one in the array `takeFailure` gives). 0 when the
    /// batch as a whole is refused (`takeFailure` says why).
    #[wasm_bindgen(js_name = evaluateManyTransferred)]
    pub fn evaluate_many_transferred(&mut self, len: usize, now_ms: Option<f64>) -> usize {
        let WasmStore { store, transfer, batch, writer, failure, .. } = self;
        let now = instant(now_ms);
        let mut reader = portcullis_core::transfer::Reader::new(transfer.get(..len).unwrap_or_default());
        let count = match batch_count(&mut reader) {
            Ok(count) => count,
            Err(f) => {
                *failure = f.to_json();
                return 0;
            }
        };
        batch.clear();
        batch.extend_from_slice(&[0, words(count), 0]);
        let mut failures = String::new();
        let mut failed = 0;
        for _ in 0..count {
            let item = match reader.next_bytes() {
                Ok(item) => item,
                Err(e) => {
                    *failure = invalid_transfer("requests", &e).to_json();
                    return 0;
                }
            };
            let decided = scratch(
                || decide(store, now, || request_from_item(item)),
                |decided| append_record(store, decided, writer, batch),
            );
            if let Err(f) = decided {
                batch.push(0);
                failures.push(if failed == 0 { '[' } else { ',' });
                failures.push_str(&f.to_json());
                failed += 1;
            }
        }
        if failed > 0 {
            failures.push(']');
        }
        *failure = failures;
        let length = words(batch.len() - 1);
        if let Some([total, _, invalid]) = batch.first_chunk_mut() {
            (*total, *invalid) = (length, failed);
        }
        batch.as_ptr() as usize
    }
}

/// The number of requests in a transferred batch, the cursor left on the first.
fn batch_count(reader: &mut portcullis_core::transfer::Reader<'_>) -> Result<usize, Failure> {
    let not_array = || failure("invalid-request", String::from("the requests are not an array"), REQUEST_HELP);
    let count = reader.array().map_err(|_| not_array())?.ok_or_else(not_array)?;
    if count > limits::MAX_BATCH {
        return Err(failure(
            "limit-batch",
            format!("{count} requests in one batch, more than the limit of {}", limits::MAX_BATCH),
            "split the batch",
        ));
    }
    Ok(count)
}

/// One request of a transferred batch: an object, or a request's JSON text.
fn request_from_item(item: &[u8]) -> Result<Request<'_>, Failure> {
    match portcullis_core::transfer::Reader::new(item).as_text() {
        Some(text) => api::parse_request(text),
        None => request_from_transfer(item),
    }
}

/// A count or length as a record word (all are bounded far below `u32::MAX`).
fn words(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Checks a policy document or a whole store given as source text.
#[wasm_bindgen]
pub fn check(text: &str) -> JsValue {
    parse(&api::check_json_str(text))
}

/// Runs a test file: source text, or an object the facade transferred
/// (`transferred`, when `text` is absent). `read_store(path)` returns the
/// text of a suite's `storeFile` or throws; without it `storeFile` suites
/// fail with a message. No clock is supplied: runs are deterministic.
#[wasm_bindgen(js_name = runTests)]
pub fn run_tests(
    text: Option<String>,
    transferred: Option<Vec<u8>>,
    read_store: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let mut read = |path: &str| -> Result<String, String> {
        let Some(f) = &read_store else {
            return Err(format!("`{path}`: store files cannot be read here; inline the store"));
        };
        match f.call1(&JsValue::NULL, &JsValue::from_str(path)) {
            Ok(text) => text.as_string().ok_or_else(|| String::from("the store reader did not return text")),
            Err(e) => Err(error_text(&e)),
        }
    };
    let result = match text {
        Some(text) => api::run_tests(&text, &mut read),
        None => {
            let json = portcullis_core::transfer::Reader::new(transferred.as_deref().unwrap_or_default())
                .json()
                .map_err(|e| {
                    throw(&failure(
                        "invalid-test-file",
                        format!("the test file is not a JSON value: {e}"),
                        "a test file is a suite {name, store, cases} or {suites: [...]}, as in DESIGN.md",
                    ))
                })?;
            TestFile::from_json(&json, None).map_err(|d| Failure::new(alloc::vec![*d])).map(|file| {
                let results = file.run(&mut read);
                let passed = results.iter().filter(|r| r.passed).count();
                TestAnswer { tag: "success", passed, failed: results.len() - passed, results }
            })
        }
    };
    result.map(|a| answer(&a)).map_err(|f| throw(&f))
}

/// The message of a thrown JavaScript value (an `Error`'s message, or its text).
fn error_text(e: &JsValue) -> String {
    if let Some(error) = e.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    e.as_string().unwrap_or_else(|| String::from("the store reader failed"))
}

#[derive(Serialize)]
struct FaceVersion {
    major: u32,
    minor: u32,
}

#[derive(Serialize)]
struct VersionAnswer {
    engine: &'static str,
    abi: FaceVersion,
}

/// `{engine, abi: {major, minor}}`: the core's version and this face's.
#[wasm_bindgen]
pub fn version() -> JsValue {
    answer(&VersionAnswer {
        engine: portcullis_core::VERSION,
        abi: FaceVersion { major: FACE_MAJOR, minor: FACE_MINOR },
    })
}
