//! The raw ABI (wasm/ABI.md) driven from a wasmtime host with arbitrary
//! calls: arbitrary bytes written to blocks, arbitrary pointers and lengths
//! (inside, across and outside blocks), arbitrary handles, double frees, and
//! stores, requests and "now" values that are partly valid and partly not.
//!
//! Each input runs on a fresh instance, so a crash replays alone. What must
//! hold: no call traps (a trap here is a crash), every export returns a value
//! its table allows, and every answer in the result slot is UTF-8 JSON of the
//! documented `type`.
//!
//! The module is `$PORTCULLIS_WASM` (scripts/fuzz.sh builds it with
//! scripts/build-abi.sh and sets it).
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wasmtime::{Config, Engine, Instance, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};

/// Far above what any input of `-max_len` bytes needs (a decision takes
/// thousands of instructions, a 128 KiB store load millions): running out is
/// a hang, reported as a crash.
const FUEL: u64 = 20_000_000_000;
const MEMORY_CAP: usize = 512 << 20;

/// A request that decides against the governance store.
const GOOD_REQUEST: &str = r#"{"principal":"user/alice","action":"ecs:StartInstance","resource":"acs:ecs:cn-hangzhou:1234567890123456:instance/staging-web-1","context":{"acs:CurrentTime":"2026-11-23T10:00:00Z","acs:SourceIp":"203.0.113.7"}}"#;

/// The governance store, so that arbitrary requests meet a real index.
fn governance_store() -> &'static str {
    static STORE: OnceLock<String> = OnceLock::new();
    STORE.get_or_init(portcullis_fuzz::store_text)
}

/// `PORTCULLIS_FUZZ_TRACE=1`: one stderr line per answering call with its
/// status (handles as 1), to see what a corpus reaches:
/// `cargo +nightly fuzz run -O abi corpus/abi -- -runs=0 2>&1 | grep ^abi-trace | sort | uniq -c`.
fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("PORTCULLIS_FUZZ_TRACE").is_some())
}

fn module() -> &'static (Engine, Module) {
    static MODULE: OnceLock<(Engine, Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let path = std::env::var("PORTCULLIS_WASM").unwrap_or_else(|_| "../target/portcullis.wasm".into());
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("read the module {path}: {e} (set PORTCULLIS_WASM)"));
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).expect("engine");
        let module = Module::new(&engine, bytes).expect("compile the module");
        (engine, module)
    })
}

/// Where an input comes from.
#[derive(Arbitrary, Debug)]
enum Bytes {
    /// Arbitrary bytes.
    Raw(Vec<u8>),
    /// The governance store, cut at a point or with one byte changed.
    Store { cut: u32, flip: Option<(u32, u8)> },
    /// A request that decides, cut or changed the same way.
    Request { cut: u32, flip: Option<(u32, u8)> },
    /// A batch of the good request and arbitrary text.
    Batch(u8, String),
    /// Arbitrary text (more often UTF-8 than `Raw`).
    Text(String),
}

impl Bytes {
    fn render(&self) -> Vec<u8> {
        fn edit(text: &str, cut: u32, flip: Option<(u32, u8)>) -> Vec<u8> {
            let mut bytes = text.as_bytes().to_vec();
            if let Some((at, byte)) = flip {
                let len = bytes.len();
                bytes[at as usize % len] = byte;
            }
            // Most of the time keep it whole.
            if cut % 4 == 0 {
                bytes.truncate((cut / 4) as usize % (bytes.len() + 1));
            }
            bytes
        }
        match self {
            Bytes::Raw(bytes) => bytes.clone(),
            Bytes::Store { cut, flip } => edit(governance_store(), *cut, *flip),
            Bytes::Request { cut, flip } => edit(GOOD_REQUEST, *cut, *flip),
            Bytes::Batch(n, extra) => {
                let mut items: Vec<String> = (0..*n % 8).map(|_| GOOD_REQUEST.to_owned()).collect();
                items.push(extra.clone());
                format!("[{}]", items.join(",")).into_bytes()
            }
            Bytes::Text(text) => text.clone().into_bytes(),
        }
    }
}

/// How an export is told where its input is.
#[derive(Arbitrary, Debug)]
enum Place {
    /// Write these bytes into a fresh block and point at all of it.
    Fresh(Bytes),
    /// A window of a block allocated earlier (possibly freed since, possibly
    /// running past its end).
    Window { block: u8, offset: u32, len: u32 },
    /// Any pointer and length.
    Anywhere { ptr: u32, len: u32 },
    /// Nothing (length 0).
    Empty,
}

#[derive(Arbitrary, Debug)]
enum Call {
    Alloc(u32),
    Write { block: u8, offset: u32, bytes: Vec<u8> },
    Free { block: u8 },
    FreeAnywhere(u32),
    Load(Place),
    StoreFree { handle: Handle },
    Evaluate { handle: Handle, request: Place, now: Now },
    EvaluateBatch { handle: Handle, requests: Place, now: Now },
    Check(Place),
    Version,
    ResultFree,
}

/// The host's clock for a call.
#[derive(Arbitrary, Debug)]
enum Now {
    None,
    /// Epoch seconds, as text.
    Epoch(u32),
    /// RFC 3339 on some day of 2026.
    Day(u8),
    /// Anything.
    Place(Place),
}

#[derive(Arbitrary, Debug)]
enum Handle {
    /// One returned by a load (the governance store's at first; possibly freed since).
    Loaded(u8),
    Any(i32),
}

struct Guest {
    store: Store<StoreLimits>,
    instance: Instance,
    /// Every block `pc_alloc` gave, freed or not (windows may point into freed ones).
    blocks: Vec<(u32, u32)>,
    /// The blocks not freed yet: the only ones the host writes to (writing a
    /// freed block would be the host's use-after-free, not the module's bug).
    live: Vec<(u32, u32)>,
    handles: Vec<i32>,
}

impl Guest {
    fn new() -> Guest {
        let (engine, module) = module();
        let limits = StoreLimitsBuilder::new().memory_size(MEMORY_CAP).build();
        let mut store = Store::new(engine, limits);
        store.limiter(|limits| limits);
        store.set_fuel(FUEL).expect("fuel");
        let instance =
            Linker::new(engine).instantiate(&mut store, module).expect("instantiate (the module has no imports)");
        let mut guest = Guest { store, instance, blocks: Vec::new(), live: Vec::new(), handles: Vec::new() };
        // Most calls then have a real store to decide against.
        let (ptr, len) = guest.place(&Place::Fresh(Bytes::Text(governance_store().to_owned())));
        let handle = guest.call::<(i32, i32), i32>("pc_store_load", (ptr, len));
        assert_eq!(handle, 1, "the governance store loads");
        guest.handles.push(handle);
        guest
    }

    fn now(&mut self, now: &Now) -> (i32, i32) {
        let text = match now {
            Now::None => return (0, 0),
            Now::Epoch(seconds) => seconds.to_string(),
            Now::Day(day) => format!("2026-{:02}-{:02}T10:00:00Z", 1 + day % 12, 1 + day % 28),
            Now::Place(place) => return self.place(place),
        };
        self.place(&Place::Fresh(Bytes::Text(text)))
    }

    fn func<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(&mut self, name: &str) -> TypedFunc<P, R> {
        self.instance.get_typed_func(&mut self.store, name).unwrap_or_else(|e| panic!("export {name}: {e}"))
    }

    /// Calls an export; a trap is the bug this target looks for.
    fn call<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(&mut self, name: &str, params: P) -> R {
        let f = self.func::<P, R>(name);
        f.call(&mut self.store, params).unwrap_or_else(|trap| panic!("{name} trapped: {trap:?}"))
    }

    fn memory_len(&mut self) -> usize {
        let memory = self.instance.get_memory(&mut self.store, "memory").expect("memory export");
        memory.data_size(&self.store)
    }

    fn alloc(&mut self, len: u32) -> u32 {
        let ptr = self.call::<i32, i32>("pc_alloc", len as i32) as u32;
        if ptr != 0 {
            assert!(ptr as usize + len as usize <= self.memory_len(), "pc_alloc({len}) = {ptr} runs past memory");
            self.blocks.push((ptr, len));
            self.live.push((ptr, len));
        }
        ptr
    }

    fn write(&mut self, at: u32, bytes: &[u8]) {
        let memory = self.instance.get_memory(&mut self.store, "memory").expect("memory export");
        memory.write(&mut self.store, at as usize, bytes).expect("host writes inside its block");
    }

    fn place(&mut self, place: &Place) -> (i32, i32) {
        match place {
            Place::Fresh(bytes) => {
                let bytes = bytes.render();
                let len = bytes.len() as u32;
                let ptr = self.alloc(len);
                if ptr == 0 {
                    return (0, 0);
                }
                self.write(ptr, &bytes);
                (ptr as i32, len as i32)
            }
            Place::Window { block, offset, len } => match self.pick_block(*block) {
                Some((ptr, size)) => {
                    let offset = offset % (size + 1);
                    (ptr.wrapping_add(offset) as i32, (*len % (size + 16)) as i32)
                }
                None => (*offset as i32, *len as i32),
            },
            Place::Anywhere { ptr, len } => (*ptr as i32, *len as i32),
            Place::Empty => (0, 0),
        }
    }

    fn pick_block(&self, index: u8) -> Option<(u32, u32)> {
        if self.blocks.is_empty() {
            None
        } else {
            Some(self.blocks[index as usize % self.blocks.len()])
        }
    }

    fn handle(&self, handle: &Handle) -> i32 {
        match handle {
            Handle::Loaded(i) => self.handles[*i as usize % self.handles.len()],
            Handle::Any(h) => *h,
        }
    }

    /// The result slot after an answering call: UTF-8 JSON, and its `type`
    /// says success exactly when the call returned success.
    fn check_result(&mut self, name: &str, status: i32, array_on_success: bool) {
        if trace() {
            eprintln!("abi-trace {name} {}", if status > 0 { 1 } else { status });
        }
        let ptr = self.call::<(), i32>("pc_result_ptr", ()) as u32 as usize;
        let len = self.call::<(), i32>("pc_result_len", ()) as u32 as usize;
        if status == -8 {
            return; // INTERNAL: the result is untouched by definition.
        }
        let memory = self.instance.get_memory(&mut self.store, "memory").expect("memory export");
        let data = memory.data(&self.store);
        let end = ptr.checked_add(len).expect("result end overflows");
        assert!(end <= data.len(), "{name}: result [{ptr}, {end}) outside memory of {}", data.len());
        let text = std::str::from_utf8(&data[ptr..end]).unwrap_or_else(|e| panic!("{name}: result is not UTF-8: {e}"));
        let value: serde_json::Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: result is not JSON: {e}: {text:.200}"));
        if status < 0 {
            assert_eq!(value["type"], "failure", "{name}: returned {status} but answered {text:.200}");
        } else if array_on_success {
            assert!(value.is_array(), "{name}: success but not an array: {text:.200}");
        } else if name == "pc_evaluate" {
            assert!(
                matches!(value["decision"].as_str(), Some("Allow" | "Deny")),
                "{name}: success but no decision: {text:.200}"
            );
        } else {
            assert_eq!(value["type"], "success", "{name}: returned {status} but answered {text:.200}");
        }
    }

    fn run(&mut self, call: &Call) {
        match call {
            Call::Alloc(len) => {
                self.alloc(len % (1 << 20));
            }
            Call::Write { block, offset, bytes } => {
                if let Some(&(ptr, size)) = self.live.get(*block as usize % self.live.len().max(1)) {
                    // The host only writes inside its own block.
                    let offset = offset % (size + 1);
                    let room = (size - offset) as usize;
                    let bytes = &bytes[..bytes.len().min(room)];
                    self.write(ptr + offset, bytes);
                }
            }
            Call::Free { block } => {
                if let Some((ptr, _)) = self.pick_block(*block) {
                    let status = self.call::<i32, i32>("pc_free", ptr as i32);
                    let was_live = self.live.iter().any(|&(p, _)| p == ptr);
                    assert_eq!(
                        status,
                        if was_live { 0 } else { -1 },
                        "pc_free({ptr}) of a block that was live: {was_live}"
                    );
                    self.live.retain(|&(p, _)| p != ptr);
                }
            }
            Call::FreeAnywhere(ptr) => {
                let status = self.call::<i32, i32>("pc_free", *ptr as i32);
                let was_live = self.live.iter().any(|&(p, _)| p == *ptr);
                assert_eq!(
                    status,
                    if was_live { 0 } else { -1 },
                    "pc_free({ptr}) of a block that was live: {was_live}"
                );
                self.live.retain(|&(p, _)| p != *ptr);
            }
            Call::Load(place) => {
                let (ptr, len) = self.place(place);
                let status = self.call::<(i32, i32), i32>("pc_store_load", (ptr, len));
                assert!(status > 0 || (-7..=-1).contains(&status) && status != -3, "pc_store_load returned {status}");
                if status > 0 {
                    assert!(!self.handles.contains(&status), "pc_store_load reissued handle {status}");
                    self.handles.push(status);
                }
                self.check_result("pc_store_load", status, false);
            }
            Call::StoreFree { handle } => {
                let handle = self.handle(handle);
                let status = self.call::<i32, i32>("pc_store_free", handle);
                assert!(status == 0 || status == -3, "pc_store_free returned {status}");
            }
            Call::Evaluate { handle, request, now } => {
                let handle = self.handle(handle);
                let (rp, rl) = self.place(request);
                let (np, nl) = self.now(now);
                let status = self.call::<(i32, i32, i32, i32, i32), i32>("pc_evaluate", (handle, rp, rl, np, nl));
                assert!(status == 0 || (-7..=-1).contains(&status), "pc_evaluate returned {status}");
                self.check_result("pc_evaluate", status, false);
            }
            Call::EvaluateBatch { handle, requests, now } => {
                let handle = self.handle(handle);
                let (rp, rl) = self.place(requests);
                let (np, nl) = self.now(now);
                let status = self.call::<(i32, i32, i32, i32, i32), i32>("pc_evaluate_batch", (handle, rp, rl, np, nl));
                assert!(status == 0 || (-7..=-1).contains(&status), "pc_evaluate_batch returned {status}");
                self.check_result("pc_evaluate_batch", status, true);
            }
            Call::Check(place) => {
                let (ptr, len) = self.place(place);
                let status = self.call::<(i32, i32), i32>("pc_check", (ptr, len));
                assert!(matches!(status, 0 | -1 | -2 | -6), "pc_check returned {status}");
                self.check_result("pc_check", status, false);
            }
            Call::Version => {
                let status = self.call::<(), i32>("pc_version", ());
                assert_eq!(status, 0);
                self.check_result("pc_version", status, false);
            }
            Call::ResultFree => {
                assert_eq!(self.call::<(), i32>("pc_result_free", ()), 0);
                assert_eq!(self.call::<(), i32>("pc_result_len", ()), 0);
            }
        }
    }
}

// Compiling the module takes seconds in this instrumented build: done once
// before fuzzing, so it does not count against the first input's timeout.
fuzz_target!(
    init: {
        module();
        governance_store();
    },
    |calls: Vec<Call>| {
        let mut guest = Guest::new();
        for call in calls.iter().take(64) {
            guest.run(call);
        }
    }
);
