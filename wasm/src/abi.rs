//! The raw ABI, version 1.2: `pc_*` exports over the module's own memory, no
//! imports. `wasm/ABI.md` is the reference (tables of exports, ownership,
//! error codes, versions); this file is its implementation.
//!
//! Every export is defined by [`exports!`], which routes it through one guard:
//! the `pc_` prefix, the single-threaded state, the status codes and the
//! result slot are handled there and nowhere else. Inputs are read only
//! through [`mem::Blocks::input`], which accepts nothing outside a live block
//! from `pc_alloc`.

mod mem;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use portcullis_core::api::{self, Failure};
use portcullis_core::{limits, Diagnostic, Instant, Store};

use mem::{Blocks, Global};

/// Incompatible changes bump the major version (a host refuses a major it
/// does not know); additions bump the minor.
const ABI_MAJOR: i32 = 1;
/// 1.1 added the gateway exports (gateway build only); 1.2 the result view.
const ABI_MINOR: i32 = 2;

/// What an export returns when it did not do its job. Answering calls also
/// leave a failure JSON in the result slot that says why (with diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
enum Code {
    /// `(ptr, len)` is not inside one live block from `pc_alloc`, or `pc_free`
    /// was given an address that is not the start of a live block.
    BadPointer = -1,
    /// An input is not UTF-8.
    BadUtf8 = -2,
    /// No live store has this handle (never issued, or already freed).
    BadHandle = -3,
    /// The input is not well-formed JSON (diagnostic codes `json-*`).
    BadJson = -4,
    /// Well-formed JSON that the engine rejects: the diagnostics say where.
    Invalid = -5,
    /// A documented input limit was exceeded (diagnostic codes `limit-*`).
    Limit = -6,
    /// "now" is neither RFC 3339 nor epoch seconds.
    BadNow = -7,
    /// The module could not serve the call (a re-entrant call, which cannot
    /// happen without imports). Nothing was done; the result is untouched.
    Internal = -8,
}

/// The module's state: host blocks, live stores, the result slot.
#[derive(Debug)]
struct State {
    blocks: Blocks,
    stores: Vec<(i32, Store)>,
    last_handle: i32,
    /// The answer of the last answering call, read with `pc_result_ptr` and
    /// `pc_result_len`; the module owns it. Each call's answer goes in through
    /// `set_result`.
    result: String,
    /// The answer before it, emptied: `pc_evaluate` writes the next Decision
    /// JSON into its memory (one allocation and one copy fewer per decision).
    spare: String,
    /// Where the answer is and its length, as two little-endian `u32` at a
    /// fixed address (`pc_result_view`): a host reads them from memory
    /// instead of making two more calls per decision.
    view: [u32; 2],
}

static STATE: Global<State> = Global::new(State {
    blocks: Blocks::new(),
    stores: Vec::new(),
    last_handle: 0,
    result: String::new(),
    spare: String::new(),
    view: [0; 2],
});

/// A successful answering call: what it returns (0, or a store handle) and
/// the JSON it leaves in the result slot.
struct Answer {
    value: i32,
    json: String,
}

impl Answer {
    fn json(json: String) -> Answer {
        Answer { value: 0, json }
    }
}

/// A failed answering call: its code and the failure JSON it leaves.
struct Fail {
    code: Code,
    json: String,
}

impl Fail {
    /// A failure found by the engine; the code follows its diagnostics.
    fn engine(failure: Failure) -> Fail {
        let has = |prefix: &str| failure.errors.iter().any(|d| d.code.starts_with(prefix));
        let code = if has("limit-") {
            Code::Limit
        } else if has("json-") {
            Code::BadJson
        } else {
            Code::Invalid
        };
        Fail { code, json: failure.to_json() }
    }

    /// A failure found at the boundary, before the engine was called.
    fn boundary(code: Code, diagnostic: &'static str, message: String, help: &str) -> Fail {
        let failure = Failure::new(alloc::vec![Diagnostic::error(diagnostic, message).with_help(help)]);
        Fail { code, json: failure.to_json() }
    }
}

/// The one guard every export goes through, in three shapes.
mod guard {
    use super::{Answer, Code, Fail, State, STATE};

    /// Answering calls: the answer or the failure goes to the result slot;
    /// the call returns the answer's value or the failure's (negative) code.
    pub fn answer(call: impl FnOnce(&mut State) -> Result<Answer, Fail>) -> i32 {
        let Some(mut state) = STATE.enter() else {
            return Code::Internal as i32;
        };
        match call(&mut state) {
            Ok(Answer { value, json }) => {
                state.set_result(json);
                value
            }
            Err(Fail { code, json }) => {
                state.set_result(json);
                code as i32
            }
        }
    }

    /// Calls that only succeed or fail: 0 or a negative code, result untouched.
    pub fn status(call: impl FnOnce(&mut State) -> Result<(), Code>) -> i32 {
        let Some(mut state) = STATE.enter() else {
            return Code::Internal as i32;
        };
        match call(&mut state) {
            Ok(()) => 0,
            Err(code) => code as i32,
        }
    }

    /// Calls that return a number (an address, a length, a version), 0 when
    /// they cannot serve.
    pub fn value<T: Default>(call: impl FnOnce(&mut State) -> T) -> T {
        match STATE.enter() {
            Some(mut state) => call(&mut state),
            None => T::default(),
        }
    }
}

/// Defines the exports: `kind fn name(state, args) -> ret { body }` becomes
/// `pc_name`, with `body` run inside `guard::kind`.
macro_rules! exports {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident fn $name:ident($state:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {$(
        $(#[doc = $doc])*
        #[expect(
            unsafe_code,
            reason = "exporting a symbol by name is how a Wasm module offers a function; this macro is the only place that does"
        )]
        #[export_name = concat!("pc_", stringify!($name))]
        pub extern "C" fn $name($($arg: $ty),*) -> $ret {
            guard::$kind(|$state: &mut State| $body)
        }
    )*};
}

// The gateway exports (ABI 1.1: `pc_gateway_load`, `pc_gateway_free`,
// `pc_check_http`), in their own file, defined with the macro above. Only in
// the `gateway` build (portcullis-gateway.wasm): the route mapping does not
// fit the default module's size budget.
#[cfg(feature = "gateway")]
mod http;

exports! {
    /// The ABI major version (1).
    value fn abi_major(_state) -> i32 {
        ABI_MAJOR
    }

    /// The ABI minor version.
    value fn abi_minor(_state) -> i32 {
        ABI_MINOR
    }

    /// Result: engine and ABI versions, capabilities and input limits.
    answer fn version(_state) -> i32 {
        Ok(Answer::json(version_json()))
    }

    /// A zeroed block of `len` bytes for the host to write inputs into;
    /// 0 when memory cannot grow. The host owns it until `pc_free`.
    value fn alloc(state, len: usize) -> usize {
        state.blocks.alloc(len).unwrap_or(0)
    }

    /// Frees a block from `pc_alloc`, given its start address.
    status fn free(state, ptr: usize) -> i32 {
        if state.blocks.free(ptr) {
            Ok(())
        } else {
            Err(Code::BadPointer)
        }
    }

    /// Loads a store; returns its handle (> 0). Result: the load answer
    /// (statistics, warnings) or the failure with its diagnostics. A failed
    /// load changes no other store.
    answer fn store_load(state, ptr: usize, len: usize) -> i32 {
        let text = state.text(ptr, len, "store")?;
        let store = api::load(text).map_err(Fail::engine)?;
        let json = api::load_answer_json(&store);
        Ok(Answer { value: state.insert(store), json })
    }

    /// Frees a store; its handle is never valid again.
    status fn store_free(state, handle: i32) -> i32 {
        let index = state.stores.iter().position(|(h, _)| *h == handle).ok_or(Code::BadHandle)?;
        drop(state.stores.swap_remove(index));
        Ok(())
    }

    /// Decides one request. Result: the Decision JSON.
    answer fn evaluate(state, handle: i32, ptr: usize, len: usize, now_ptr: usize, now_len: usize) -> i32 {
        // The spare answer buffer, not the current answer: the view keeps
        // pointing at that, untouched, should the host stop this call.
        let mut buffer = core::mem::take(&mut state.spare);
        let store = state.store(handle)?;
        let text = state.text(ptr, len, "request")?;
        let now = state.now(now_ptr, now_len)?;
        // The Decision JSON goes straight into the answer buffer, made here,
        // outside the scratch arena, with room: it grows (if it must) by
        // `realloc`, which leaves a block from outside the arena outside it.
        buffer.clear();
        buffer.reserve(ANSWER_START_BYTES);
        let decide = || api::evaluate_json_into(store, text, now, &mut buffer).map_err(Fail::engine);
        // A failure's JSON is made in the arena: copied out before it is reclaimed.
        crate::arena::scratch(decide, |result| result.map_err(|f| Fail { code: f.code, json: f.json.as_str().into() }))?;
        Ok(Answer::json(buffer))
    }

    /// Decides a JSON array of requests. Result: an array with a Decision or a
    /// failure object per request.
    answer fn evaluate_batch(state, handle: i32, ptr: usize, len: usize, now_ptr: usize, now_len: usize) -> i32 {
        let store = state.store(handle)?;
        let text = state.text(ptr, len, "batch")?;
        let now = state.now(now_ptr, now_len)?;
        // Each decision in the scratch arena (reclaimed before the next one),
        // writing into the answer array `out`, made before outside the arena
        // with room: it grows (if it must) by `realloc`, which leaves it outside.
        let each = |decide: &dyn Fn(&mut String), out: &mut String| {
            crate::arena::scratch(|| decide(out), |()| ());
        };
        api::evaluate_batch_json_with(store, text, now, each).map(Answer::json).map_err(Fail::engine)
    }

    /// Checks a store or one policy document given as source text. Result:
    /// the check answer with every diagnostic (0 even when it finds errors).
    answer fn check(state, ptr: usize, len: usize) -> i32 {
        let text = state.text(ptr, len, "text")?;
        Ok(Answer::json(api::validate_json_str(text)))
    }

    /// Where the last answer starts (meaningless when its length is 0).
    value fn result_ptr(state) -> usize {
        state.result.as_ptr() as usize
    }

    /// The last answer's length in bytes (UTF-8 JSON).
    value fn result_len(state) -> usize {
        state.result.len()
    }

    /// Releases the last answer now rather than at the next answering call.
    status fn result_free(state) -> i32 {
        state.set_result(String::new());
        Ok(())
    }

    /// The address of the result view: the current answer's address and
    /// length as two little-endian `u32`, kept up to date by every call that
    /// changes the answer. The address stays the same for the instance's life.
    value fn result_view(state) -> usize {
        core::ptr::addr_of!(state.view) as usize
    }
}

/// Room for a usual Decision JSON (a few hundred bytes), reserved before a
/// decision so that writing it does not start a new block in the arena.
const ANSWER_START_BYTES: usize = 1024;

impl State {
    /// Puts `json` in the result slot and the view. The answer it replaces
    /// becomes the spare buffer for the next decision, unless it is large
    /// (from a batch, say): that memory is let go.
    fn set_result(&mut self, json: String) {
        const KEEP_BYTES: usize = 16 * 1024;
        // Addresses and lengths fit: wasm32 memory is at most 4 GiB.
        self.view = [json.as_ptr() as u32, json.len() as u32];
        let old = core::mem::replace(&mut self.result, json);
        if old.capacity() <= KEEP_BYTES && old.capacity() >= self.spare.capacity() {
            self.spare = old;
        }
    }

    fn text(&self, ptr: usize, len: usize, what: &str) -> Result<&str, Fail> {
        let bytes = self.blocks.input(ptr, len).ok_or_else(|| {
            Fail::boundary(
                Code::BadPointer,
                "abi-bad-pointer",
                format!("the {what} at address {ptr} ({len} bytes) is not inside a block from `pc_alloc`"),
                "write inputs into memory returned by `pc_alloc` and pass a length that stays inside that block",
            )
        })?;
        mem::utf8(bytes).map_err(|e| {
            Fail::boundary(
                Code::BadUtf8,
                "abi-invalid-utf8",
                format!("the {what} is not UTF-8 text: invalid byte at offset {}", e.valid_up_to()),
                "encode JSON text as UTF-8",
            )
        })
    }

    fn now(&self, ptr: usize, len: usize) -> Result<Option<Instant>, Fail> {
        if len == 0 {
            return Ok(None);
        }
        let text = self.text(ptr, len, "time")?;
        Instant::parse(text).map(Some).ok_or_else(|| {
            let shown = if text.len() <= 64 { format!("`{text}`") } else { format!("the {} bytes given", text.len()) };
            Fail::boundary(
                Code::BadNow,
                "abi-invalid-now",
                format!("{shown} is not a time"),
                "pass RFC 3339 (`2026-11-23T10:00:00Z`) or epoch seconds (`1795428000`), or length 0 for none",
            )
        })
    }

    fn store(&self, handle: i32) -> Result<&Store, Fail> {
        self.stores.iter().find(|(h, _)| *h == handle).map(|(_, store)| store).ok_or_else(|| {
            Fail::boundary(
                Code::BadHandle,
                "abi-bad-handle",
                format!("no live store has handle {handle}"),
                "use a handle returned by `pc_store_load` that has not been passed to `pc_store_free`",
            )
        })
    }

    /// Handles count up from 1 and are not reused while live; after
    /// `i32::MAX` loads they wrap around, skipping live ones.
    fn insert(&mut self, store: Store) -> i32 {
        loop {
            self.last_handle = self.last_handle.checked_add(1).unwrap_or(1);
            let taken = self.stores.iter().any(|(h, _)| *h == self.last_handle);
            if !taken {
                break;
            }
        }
        self.stores.push((self.last_handle, store));
        self.last_handle
    }
}

fn version_json() -> String {
    format!(
        concat!(
            r#"{{"type":"success","engine":"{engine}","abi":{{"major":{major},"minor":{minor}}},"#,
            r#""capabilities":["store","evaluate","evaluate-batch","check","now","result-view"{gateway}],"#,
            r#""limits":{{"storeBytes":{store},"requestBytes":{request},"batchRequests":{batch},"jsonDepth":{depth}}},"#,
            r#""warnings":[]}}"#
        ),
        engine = portcullis_core::VERSION,
        major = ABI_MAJOR,
        minor = ABI_MINOR,
        gateway = if cfg!(feature = "gateway") { r#","check-http""# } else { "" },
        store = limits::MAX_STORE_BYTES,
        request = limits::MAX_REQUEST_BYTES,
        batch = limits::MAX_BATCH,
        depth = limits::MAX_JSON_DEPTH,
    )
}
