//! A small wasmtime host for the raw ABI of `portcullis.wasm` (see
//! `wasm/ABI.md`), shared by the host tests (`tests/all/`) and the benchmark
//! (`benches/abi.rs`). It does what any embedding does: instantiate the
//! module with no imports, copy inputs into blocks from `pc_alloc`, call an
//! export, copy the answer out of the result slot.
//!
//! Calls return `wasmtime::Result`: an `Err` is a trap (or a limit the host
//! set, such as fuel), which the tests treat as a failure unless they provoke
//! it on purpose.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test support: a host that cannot even set up is a failed test"
)]

use std::sync::OnceLock;

use wasmtime::{Config, Engine, Instance, Memory, Module, Result, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};

/// The module built by `build.rs` (or named by `PORTCULLIS_WASM` at build time).
pub const GUEST_WASM: &str = env!("PORTCULLIS_GUEST_WASM");

/// The module under test: `PORTCULLIS_WASM` when set at run time (to try
/// another build without recompiling the tests), else [`GUEST_WASM`].
pub fn guest_path() -> String {
    std::env::var("PORTCULLIS_WASM").unwrap_or_else(|_| GUEST_WASM.to_owned())
}

/// The ABI version this host speaks.
pub const ABI_MAJOR: i32 = 1;

/// Status codes of `wasm/ABI.md`.
pub mod code {
    pub const OK: i32 = 0;
    pub const BAD_POINTER: i32 = -1;
    pub const BAD_UTF8: i32 = -2;
    pub const BAD_HANDLE: i32 = -3;
    pub const BAD_JSON: i32 = -4;
    pub const INVALID: i32 = -5;
    pub const LIMIT: i32 = -6;
    pub const BAD_NOW: i32 = -7;
    pub const INTERNAL: i32 = -8;
}

/// The exports every build has (ABI 1.0, and `pc_result_view` since 1.2)
/// with their (params, results) as Wasm value types.
pub const EXPORTS: &[(&str, &str)] = &[
    ("pc_abi_major", "() -> i32"),
    ("pc_abi_minor", "() -> i32"),
    ("pc_version", "() -> i32"),
    ("pc_alloc", "(i32) -> i32"),
    ("pc_free", "(i32) -> i32"),
    ("pc_store_load", "(i32, i32) -> i32"),
    ("pc_store_free", "(i32) -> i32"),
    ("pc_evaluate", "(i32, i32, i32, i32, i32) -> i32"),
    ("pc_evaluate_batch", "(i32, i32, i32, i32, i32) -> i32"),
    ("pc_check", "(i32, i32) -> i32"),
    ("pc_result_ptr", "() -> i32"),
    ("pc_result_len", "() -> i32"),
    ("pc_result_free", "() -> i32"),
    ("pc_result_view", "() -> i32"),
];

/// The gateway exports of ABI 1.1, present only in the `gateway` build
/// (portcullis-gateway.wasm, capability `check-http`); tested by
/// `tests/all/http.rs`.
pub const EXPORTS_GATEWAY_1_1: &[(&str, &str)] = &[
    ("pc_gateway_load", "(i32, i32) -> i32"),
    ("pc_gateway_free", "(i32) -> i32"),
    ("pc_check_http", "(i32, i32, i32, i32, i32) -> i32"),
];

/// The module bytes.
pub fn module_bytes() -> Vec<u8> {
    let path = guest_path();
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read the guest module {path}: {e}"))
}

/// How an engine runs guest code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metering {
    /// Nothing counted: the configuration of a latency-sensitive gateway.
    Off,
    /// Fuel and epoch interruption compiled in, so a store can be given a
    /// fuel budget or a deadline (generous unless a test sets one).
    On,
}

/// An engine and the compiled module, made once per metering mode per
/// process (compiling takes a moment).
pub fn compiled(metering: Metering) -> &'static (Engine, Module) {
    static OFF: OnceLock<(Engine, Module)> = OnceLock::new();
    static ON: OnceLock<(Engine, Module)> = OnceLock::new();
    let cell = match metering {
        Metering::Off => &OFF,
        Metering::On => &ON,
    };
    cell.get_or_init(|| {
        let mut config = Config::new();
        // For profiling the guest with perf (needs `--features wasmtime/profiling`).
        if std::env::var_os("PORTCULLIS_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        if metering == Metering::On {
            config.consume_fuel(true);
            config.epoch_interruption(true);
        }
        let engine = Engine::new(&config).unwrap_or_else(|e| panic!("wasmtime engine: {e}"));
        let module = Module::new(&engine, module_bytes()).unwrap_or_else(|e| panic!("compiling {}: {e}", guest_path()));
        (engine, module)
    })
}

/// What the host keeps in the wasmtime store.
#[derive(Debug)]
pub struct HostState {
    pub limits: StoreLimits,
}

/// The typed exports.
struct Exports {
    abi_major: TypedFunc<(), i32>,
    abi_minor: TypedFunc<(), i32>,
    version: TypedFunc<(), i32>,
    alloc: TypedFunc<i32, i32>,
    free: TypedFunc<i32, i32>,
    store_load: TypedFunc<(i32, i32), i32>,
    store_free: TypedFunc<i32, i32>,
    evaluate: TypedFunc<(i32, i32, i32, i32, i32), i32>,
    evaluate_batch: TypedFunc<(i32, i32, i32, i32, i32), i32>,
    check: TypedFunc<(i32, i32), i32>,
    result_ptr: TypedFunc<(), i32>,
    result_len: TypedFunc<(), i32>,
    result_free: TypedFunc<(), i32>,
    result_view: TypedFunc<(), i32>,
}

/// An export's return value and the answer it left in the result slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub code: i32,
    pub json: String,
}

impl Answer {
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.json).unwrap_or_else(|e| panic!("the answer is not JSON ({e}): {}", self.json))
    }

    /// The diagnostic codes of a failure answer's errors.
    pub fn error_codes(&self) -> Vec<String> {
        self.value()
            .get("errors")
            .and_then(serde_json::Value::as_array)
            .map(|errors| errors.iter().filter_map(|e| e.get("code")?.as_str().map(String::from)).collect())
            .unwrap_or_default()
    }
}

/// A block of guest memory the host owns (from `pc_alloc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub ptr: i32,
    pub len: i32,
}

/// One instance of the module in its own wasmtime store.
pub struct Guest {
    pub store: Store<HostState>,
    pub instance: Instance,
    pub memory: Memory,
    exports: Exports,
    /// A reusable input block for requests.
    scratch: Option<Block>,
    /// Where the module keeps the current answer's address and length
    /// (`pc_result_view`, fixed for the instance's life).
    view: usize,
}

impl std::fmt::Debug for Guest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guest").field("memory_bytes", &self.memory_bytes()).finish_non_exhaustive()
    }
}

impl Guest {
    /// A fresh instance without limits (metered engines get fuel and a
    /// deadline far away).
    pub fn new(metering: Metering) -> Result<Guest> {
        Guest::with_limits(metering, StoreLimitsBuilder::new().build())
    }

    /// A fresh instance with the given memory (and other) limits.
    pub fn with_limits(metering: Metering, limits: StoreLimits) -> Result<Guest> {
        let (engine, module) = compiled(metering);
        let mut store = Store::new(engine, HostState { limits });
        store.limiter(|state| &mut state.limits);
        if metering == Metering::On {
            store.set_fuel(u64::MAX)?;
            store.set_epoch_deadline(u64::MAX / 2);
        }
        // The ABI has no imports: an empty import list must do.
        let instance = Instance::new(&mut store, module, &[])?;
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| wasmtime::format_err!("the module exports no `memory`"))?;
        let exports = Exports {
            abi_major: instance.get_typed_func(&mut store, "pc_abi_major")?,
            abi_minor: instance.get_typed_func(&mut store, "pc_abi_minor")?,
            version: instance.get_typed_func(&mut store, "pc_version")?,
            alloc: instance.get_typed_func(&mut store, "pc_alloc")?,
            free: instance.get_typed_func(&mut store, "pc_free")?,
            store_load: instance.get_typed_func(&mut store, "pc_store_load")?,
            store_free: instance.get_typed_func(&mut store, "pc_store_free")?,
            evaluate: instance.get_typed_func(&mut store, "pc_evaluate")?,
            evaluate_batch: instance.get_typed_func(&mut store, "pc_evaluate_batch")?,
            check: instance.get_typed_func(&mut store, "pc_check")?,
            result_ptr: instance.get_typed_func(&mut store, "pc_result_ptr")?,
            result_len: instance.get_typed_func(&mut store, "pc_result_len")?,
            result_free: instance.get_typed_func(&mut store, "pc_result_free")?,
            result_view: instance.get_typed_func(&mut store, "pc_result_view")?,
        };
        let view = exports.result_view.call(&mut store, ())?;
        Ok(Guest { store, instance, memory, exports, scratch: None, view: addr(view) })
    }

    /// Linear memory size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.memory.data_size(&self.store)
    }

    pub fn abi_major(&mut self) -> Result<i32> {
        self.exports.abi_major.call(&mut self.store, ())
    }

    pub fn abi_minor(&mut self) -> Result<i32> {
        self.exports.abi_minor.call(&mut self.store, ())
    }

    pub fn version(&mut self) -> Result<Answer> {
        let code = self.exports.version.call(&mut self.store, ())?;
        self.answer(code)
    }

    // ---- memory ----------------------------------------------------------

    pub fn alloc(&mut self, len: i32) -> Result<i32> {
        self.exports.alloc.call(&mut self.store, len)
    }

    pub fn free(&mut self, ptr: i32) -> Result<i32> {
        self.exports.free.call(&mut self.store, ptr)
    }

    /// Copies `bytes` into a new block (panics if `pc_alloc` refuses).
    pub fn write(&mut self, bytes: &[u8]) -> Result<Block> {
        let len = i32::try_from(bytes.len())?;
        let ptr = self.alloc(len)?;
        if ptr == 0 {
            wasmtime::bail!("pc_alloc({len}) returned 0");
        }
        self.memory.write(&mut self.store, addr(ptr), bytes)?;
        Ok(Block { ptr, len })
    }

    /// Copies `bytes` into the reusable scratch block, growing it if needed.
    pub fn write_scratch(&mut self, bytes: &[u8]) -> Result<Block> {
        let len = i32::try_from(bytes.len())?;
        let block = match self.scratch {
            Some(block) if block.len >= len => block,
            old => {
                if let Some(old) = old {
                    self.free(old.ptr)?;
                }
                let block = self.write(&vec![0; bytes.len().max(4096)])?;
                self.scratch = Some(block);
                block
            }
        };
        self.memory.write(&mut self.store, addr(block.ptr), bytes)?;
        Ok(Block { ptr: block.ptr, len })
    }

    /// Frees the scratch block (so a test can count live blocks exactly).
    pub fn drop_scratch(&mut self) -> Result<()> {
        if let Some(block) = self.scratch.take() {
            assert_eq!(self.free(block.ptr)?, code::OK);
        }
        Ok(())
    }

    /// The current answer in the result slot.
    pub fn result(&mut self) -> Result<String> {
        let mut bytes = Vec::new();
        self.result_into(&mut bytes)?;
        Ok(String::from_utf8(bytes)?)
    }

    /// The current answer, copied into `out` (cleared first), found through
    /// the result view (no call into the module).
    pub fn result_into(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let (ptr, len) = self.result_view()?;
        out.clear();
        if len > 0 {
            let start = addr(ptr);
            let data = self.memory.data(&self.store);
            let bytes = data
                .get(start..start + addr(len))
                .ok_or_else(|| wasmtime::format_err!("the result ({ptr}, {len}) is outside memory"))?;
            out.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// The current answer's address and length as the result view holds them.
    pub fn result_view(&mut self) -> Result<(i32, i32)> {
        let (mut ptr, mut len) = ([0u8; 4], [0u8; 4]);
        self.memory.read(&self.store, self.view, &mut ptr)?;
        self.memory.read(&self.store, self.view + 4, &mut len)?;
        Ok((i32::from_le_bytes(ptr), i32::from_le_bytes(len)))
    }

    /// The current answer's address and length as `pc_result_ptr` and
    /// `pc_result_len` answer them.
    pub fn result_ptr_len(&mut self) -> Result<(i32, i32)> {
        let ptr = self.exports.result_ptr.call(&mut self.store, ())?;
        let len = self.exports.result_len.call(&mut self.store, ())?;
        Ok((ptr, len))
    }

    pub fn result_free(&mut self) -> Result<i32> {
        self.exports.result_free.call(&mut self.store, ())
    }

    /// The answer of a call, read through the result view, which must agree
    /// with `pc_result_ptr` and `pc_result_len` (so every test checks both),
    /// except on an instance that trapped: it answers `INTERNAL` and `0` to
    /// every call and updates nothing, the view included.
    fn answer(&mut self, code: i32) -> Result<Answer> {
        let (view, functions) = (self.result_view()?, self.result_ptr_len()?);
        let agree = view.1 == functions.1 && (view.1 == 0 || view.0 == functions.0);
        if !agree && code != code::INTERNAL {
            wasmtime::bail!("the result view says {view:?}, pc_result_ptr and pc_result_len say {functions:?}");
        }
        Ok(Answer { code, json: self.result()? })
    }

    // ---- raw calls (any integers, for malformed-input tests) -------------

    pub fn raw_store_load(&mut self, ptr: i32, len: i32) -> Result<Answer> {
        let code = self.exports.store_load.call(&mut self.store, (ptr, len))?;
        self.answer(code)
    }

    pub fn store_free(&mut self, handle: i32) -> Result<i32> {
        self.exports.store_free.call(&mut self.store, handle)
    }

    pub fn raw_evaluate(&mut self, handle: i32, input: Block, now: Block) -> Result<Answer> {
        let code = self.exports.evaluate.call(&mut self.store, (handle, input.ptr, input.len, now.ptr, now.len))?;
        self.answer(code)
    }

    pub fn raw_evaluate_batch(&mut self, handle: i32, input: Block, now: Block) -> Result<Answer> {
        let code =
            self.exports.evaluate_batch.call(&mut self.store, (handle, input.ptr, input.len, now.ptr, now.len))?;
        self.answer(code)
    }

    pub fn raw_check(&mut self, ptr: i32, len: i32) -> Result<Answer> {
        let code = self.exports.check.call(&mut self.store, (ptr, len))?;
        self.answer(code)
    }

    // ---- convenience: bytes in, answer out -------------------------------

    /// Loads a store; `code` is the handle (> 0) or an error code.
    pub fn load(&mut self, text: &[u8]) -> Result<Answer> {
        let block = self.write(text)?;
        let answer = self.raw_store_load(block.ptr, block.len);
        self.free(block.ptr)?;
        answer
    }

    /// Loads a store that must load; returns its handle.
    pub fn load_ok(&mut self, text: &str) -> Result<i32> {
        let answer = self.load(text.as_bytes())?;
        if answer.code <= 0 {
            wasmtime::bail!("the store did not load ({}): {}", answer.code, answer.json);
        }
        Ok(answer.code)
    }

    /// Decides one request, with "now" if given.
    pub fn evaluate(&mut self, handle: i32, request: &[u8], now: Option<&str>) -> Result<Answer> {
        let now = match now {
            Some(now) => self.write(now.as_bytes())?,
            None => Block { ptr: 0, len: 0 },
        };
        let input = self.write_scratch(request)?;
        let answer = self.raw_evaluate(handle, input, now);
        if now.len > 0 {
            self.free(now.ptr)?;
        }
        answer
    }

    /// The hot path of a host: request into the scratch block, evaluate,
    /// answer copied into `out`. Returns the status.
    pub fn evaluate_into(&mut self, handle: i32, request: &[u8], out: &mut Vec<u8>) -> Result<i32> {
        let input = self.write_scratch(request)?;
        let code = self.exports.evaluate.call(&mut self.store, (handle, input.ptr, input.len, 0, 0))?;
        self.result_into(out)?;
        Ok(code)
    }

    /// Decides a JSON array of requests.
    pub fn evaluate_batch(&mut self, handle: i32, batch: &[u8], now: Option<&str>) -> Result<Answer> {
        let now = match now {
            Some(now) => self.write(now.as_bytes())?,
            None => Block { ptr: 0, len: 0 },
        };
        let input = self.write(batch)?;
        let answer = self.raw_evaluate_batch(handle, input, now);
        self.free(input.ptr)?;
        if now.len > 0 {
            self.free(now.ptr)?;
        }
        answer
    }

    /// Checks a store or policy document.
    pub fn check(&mut self, text: &[u8]) -> Result<Answer> {
        let block = self.write(text)?;
        let answer = self.raw_check(block.ptr, block.len);
        self.free(block.ptr)?;
        answer
    }
}

/// A guest address (an i32 that may be "negative" above 2 GiB) as an offset.
pub fn addr(value: i32) -> usize {
    value as u32 as usize
}
