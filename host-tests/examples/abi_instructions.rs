//! Decides the medium workload's requests through the raw ABI in a loop,
//! for counting the host CPU's instructions per `pc_evaluate` under
//! callgrind, which unlike time does not swing with the machine's load and,
//! unlike fuel, sees the code wasmtime generates (memory copies, calls,
//! the host's side of a call):
//!
//! ```sh
//! cargo build --profile abi-host -p portcullis-host-tests --example abi_instructions
//! valgrind --tool=callgrind --toggle-collect='*decide_loop*' \
//!   target/abi-host/examples/abi_instructions [ROUNDS] [--fixed-memory]
//! ```
//!
//! Instructions per decision = collected / (ROUNDS × 10,000) (compiling the
//! module under valgrind takes a few minutes). `--fixed-memory` tells
//! wasmtime the linear memory never moves (`Config::memory_may_move(false)`);
//! `--map FILE` writes where each compiled function is (`start end name`,
//! hexadecimal), to name the addresses of callgrind's output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "profiling tool")]

use portcullis_host_tests::guest_path;
use portcullis_workload::{requests, store, Size};
use wasmtime::{Config, Engine, Instance, Memory, Module, Store, TypedFunc};

struct Abi {
    store: Store<()>,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    evaluate: TypedFunc<(i32, i32, i32, i32, i32), i32>,
    /// Where the answer's address and length are (`pc_result_view`).
    view: usize,
}

impl Abi {
    fn write(&mut self, bytes: &[u8]) -> (i32, i32) {
        let len = i32::try_from(bytes.len()).unwrap();
        let ptr = self.alloc.call(&mut self.store, len).unwrap();
        assert_ne!(ptr, 0, "pc_alloc refused {len} bytes");
        self.memory.write(&mut self.store, ptr as usize, bytes).unwrap();
        (ptr, len)
    }

    /// What a host does per request: copy it in, decide, find the answer
    /// through the result view and copy it out.
    fn decide(&mut self, handle: i32, scratch: i32, request: &[u8], out: &mut Vec<u8>) -> i32 {
        self.memory.write(&mut self.store, scratch as usize, request).unwrap();
        let len = i32::try_from(request.len()).unwrap();
        let code = self.evaluate.call(&mut self.store, (handle, scratch, len, 0, 0)).unwrap();
        let data = self.memory.data(&self.store);
        let word = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let (ptr, len) = (word(self.view), word(self.view + 4));
        out.clear();
        out.extend_from_slice(&self.memory.data(&self.store)[ptr..ptr + len]);
        code
    }
}

#[inline(never)]
fn decide_loop(abi: &mut Abi, handle: i32, scratch: i32, requests: &[String], rounds: usize) -> usize {
    let mut out = Vec::with_capacity(4096);
    let mut bytes = 0;
    for _ in 0..rounds {
        for r in requests {
            assert_eq!(abi.decide(handle, scratch, r.as_bytes(), &mut out), 0);
            bytes += out.len();
        }
    }
    bytes
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let fixed = args.iter().any(|a| a == "--fixed-memory");
    let mut config = Config::new();
    config.memory_may_move(!fixed);
    let engine = Engine::new(&config).unwrap();
    let module = Module::from_file(&engine, guest_path()).unwrap();
    if let Some(path) = args.iter().position(|a| a == "--map").and_then(|i| args.get(i + 1)) {
        // Where each compiled function is, so that a profile's addresses can
        // be named (a module built with its name section names them).
        let text = module.text().as_ptr() as usize;
        let lines: Vec<String> = module
            .functions()
            .map(|f| {
                format!("{:x} {:x} {}", text + f.offset, text + f.offset + f.len, f.name.as_deref().unwrap_or("?"))
            })
            .collect();
        std::fs::write(path, lines.join("\n")).unwrap();
    }
    let mut wasm_store = Store::new(&engine, ());
    let instance = Instance::new(&mut wasm_store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut wasm_store, "memory").unwrap();
    let mut abi = Abi {
        alloc: instance.get_typed_func(&mut wasm_store, "pc_alloc").unwrap(),
        evaluate: instance.get_typed_func(&mut wasm_store, "pc_evaluate").unwrap(),
        view: {
            let view: TypedFunc<(), i32> = instance.get_typed_func(&mut wasm_store, "pc_result_view").unwrap();
            view.call(&mut wasm_store, ()).unwrap() as usize
        },
        store: wasm_store,
        memory,
    };
    let store_load: TypedFunc<(i32, i32), i32> = instance.get_typed_func(&mut abi.store, "pc_store_load").unwrap();
    let (ptr, len) = abi.write(store(Size::Medium).to_string().as_bytes());
    let handle = store_load.call(&mut abi.store, (ptr, len)).unwrap();
    assert!(handle > 0, "pc_store_load: {handle}");
    let requests: Vec<String> = requests(Size::Medium, 10_000).iter().map(ToString::to_string).collect();
    let (scratch, _) = abi.write(&vec![0; 4096]);
    // Once outside the collected loop, so that the loop sees warm state.
    decide_loop(&mut abi, handle, scratch, &requests, 1);
    let bytes = decide_loop(&mut abi, handle, scratch, &requests, rounds);
    println!("{} decisions, {bytes} bytes of answers", rounds * requests.len());
}
