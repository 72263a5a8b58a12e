//! The wasm-bindgen face (feature `js`), for the npm package in `npm/`.
//!
//! Decode, call the core, encode; no policy logic lives here (STYLE 2).
//!
//! - In: a JavaScript object is read with serde-wasm-bindgen straight into
//!   the core's input types (no JSON text round trip); source text goes to
//!   the core's text entry points, so findings keep line, column and span.
//! - Out: the core's JSON contract (STYLE 3), handed to `JSON.parse` on the
//!   JavaScript side. Measured on a Decision, that is several microseconds
//!   faster than building the object property by property through
//!   serde-wasm-bindgen (npm/bench/evaluate.mjs, npm/README.md).
//! - Errors: the core's failure answer,
//!   `{type: "failure", errors: [Diagnostic], warnings: [Diagnostic]}`, thrown.
//!
//! The hand-written TypeScript facade (`npm/src/`) gives these calls their
//! types, fills in the clock and converts UTF-8 spans to UTF-16 offsets.

use alloc::format;
use alloc::string::String;

use core::cell::Cell;
use portcullis_core::api::{self, Failure, TestAnswer};
use portcullis_core::json::Json;
use portcullis_core::request::{RequestInput, SessionInput};
use portcullis_core::testfile::TestFile;
use portcullis_core::{limits, Diagnostic, Instant, Request, Store};

use serde::de;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Version of the calls below (the JavaScript-to-Wasm ABI of this face).
/// Minor bumps are additive, as for the raw ABI.
const FACE_MAJOR: u32 = 1;
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

/// A request given as JSON text or as an object.
///
/// An object is held to the rules of request text: an unknown or misspelt
/// field (`contxt`, a session's `polcy`) is an error. serde-wasm-bindgen's
/// struct reader only looks up the fields it knows and would drop it silently,
/// which for a session policy would fail open; so the object's own keys are
/// checked first against the fields the core's `RequestInput` and
/// `SessionInput` accept (read from their serde derives, not copied here).
fn request_from_js(value: JsValue) -> Result<Request, Failure> {
    if let Some(text) = value.as_string() {
        return api::parse_request(&text);
    }
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(failure("invalid-request", String::from("the request is not an object"), REQUEST_HELP));
    }
    let invalid =
        |e: &dyn core::fmt::Display| failure("invalid-request", format!("the request is not valid: {e}"), REQUEST_HELP);
    check_keys(&value, field_names::<RequestInput>()).map_err(|e| invalid(&e))?;
    let session = js_sys::Reflect::get(&value, &JsValue::from_str("session")).unwrap_or(JsValue::UNDEFINED);
    if session.is_object() {
        check_keys(&session, field_names::<SessionInput>()).map_err(|e| invalid(&e))?;
    }
    let input: RequestInput = serde_wasm_bindgen::from_value(value).map_err(|e| invalid(&e))?;
    api::request_from_input(input)
}

/// Fails on the first own key of `object` that is not one of `fields`, with
/// serde's own "unknown field" message (the one request text gets).
fn check_keys(object: &JsValue, fields: &'static [&'static str]) -> Result<(), de::value::Error> {
    let keys = js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>());
    for i in 0..keys.length() {
        let key = keys.get(i).as_string().unwrap_or_default();
        if !fields.contains(&key.as_str()) {
            return Err(de::Error::unknown_field(&key, fields));
        }
    }
    Ok(())
}

/// The field names a serde-derived struct accepts, as its `Deserialize` impl
/// announces them to the deserializer.
fn field_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(FieldProbe(&fields));
    fields.get()
}

/// A deserializer that only records the field list of `deserialize_struct`.
struct FieldProbe<'a>(&'a Cell<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for FieldProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field probe"))
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(fields);
        Err(de::Error::custom("field probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// A compiled store: load once, evaluate many.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasmStore {
    store: Store,
}

#[wasm_bindgen]
impl WasmStore {
    /// Loads a store from JSON source text; findings carry line, column and span.
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str) -> Result<WasmStore, JsValue> {
        api::load(text).map(|store| WasmStore { store }).map_err(|f| throw(&f))
    }

    /// Loads a store from a JavaScript object (no text, so findings carry a
    /// JSON pointer but no line or span).
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(value: JsValue) -> Result<WasmStore, JsValue> {
        let json: Json = serde_wasm_bindgen::from_value(value).map_err(|e| {
            throw(&failure(
                "invalid-store",
                format!("the store is not a JSON value: {e}"),
                "a store is an object {account, policies, groups, roles, users, ...} as in DESIGN.md",
            ))
        })?;
        Store::from_json(&json).map(|store| WasmStore { store }).map_err(|e| throw(&Failure::new(e.diagnostics)))
    }

    /// `{type: "success", stats, warnings}`.
    pub fn info(&self) -> JsValue {
        parse(&api::load_answer_json(&self.store))
    }

    /// Decides one request (an object, or JSON text) into the Decision JSON.
    /// `now_ms` is the host clock, used when the request's context carries
    /// no current time.
    pub fn evaluate(&self, request: JsValue, now_ms: Option<f64>) -> Result<JsValue, JsValue> {
        let request = request_from_js(request).map_err(|f| throw(&f))?;
        let decision = self.store.evaluate(&request, instant(now_ms));
        Ok(parse(&api::decision_json(&self.store, &request, &decision)))
    }

    /// Decides an array of requests: per request a Decision or a failure
    /// object, so one bad request does not spoil the others.
    #[wasm_bindgen(js_name = evaluateMany)]
    pub fn evaluate_many(&self, requests: js_sys::Array, now_ms: Option<f64>) -> Result<JsValue, JsValue> {
        let count = requests.length() as usize;
        if count > limits::MAX_BATCH {
            return Err(throw(&failure(
                "limit-batch",
                format!("{count} requests in one batch, more than the limit of {}", limits::MAX_BATCH),
                "split the batch",
            )));
        }
        let now = instant(now_ms);
        let out = js_sys::Array::new();
        // Indexing, not the JS iterator protocol: one call per item, not three.
        for i in 0..requests.length() {
            let answer = match request_from_js(requests.get(i)) {
                Ok(request) => {
                    let decision = self.store.evaluate(&request, now);
                    parse(&api::decision_json(&self.store, &request, &decision))
                }
                Err(f) => throw(&f),
            };
            out.push(&answer);
        }
        Ok(out.into())
    }
}

/// Checks a policy document or a whole store given as source text.
#[wasm_bindgen]
pub fn check(text: &str) -> JsValue {
    parse(&api::check_json_str(text))
}

/// Runs a test file (source text or an object). `read_store(path)` returns
/// the text of a suite's `storeFile` or throws; without it `storeFile`
/// suites fail with a message. No clock is supplied: runs are deterministic.
#[wasm_bindgen(js_name = runTests)]
pub fn run_tests(file: JsValue, read_store: Option<js_sys::Function>) -> Result<JsValue, JsValue> {
    let mut read = |path: &str| -> Result<String, String> {
        let Some(f) = &read_store else {
            return Err(format!("`{path}`: store files cannot be read here; inline the store"));
        };
        match f.call1(&JsValue::NULL, &JsValue::from_str(path)) {
            Ok(text) => text.as_string().ok_or_else(|| String::from("the store reader did not return text")),
            Err(e) => Err(error_text(&e)),
        }
    };
    let result = match file.as_string() {
        Some(text) => api::run_tests(&text, &mut read),
        None => {
            let json: Json = serde_wasm_bindgen::from_value(file).map_err(|e| {
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
