//! Thin adapters from WebAssembly hosts to `portcullis-core`: bytes in, core
//! call, bytes out. No policy logic lives here.
//!
//! - Default build (`cargo build -p portcullis-wasm --target wasm32-unknown-unknown`):
//!   the raw ABI of [`ABI.md`](../ABI.md), `pc_*` exports and zero imports, for
//!   any Wasm runtime. See `src/abi.rs`.
//! - Feature `js`: the wasm-bindgen face for the npm package (wasm-pack only).
#![no_std]

extern crate alloc;
// Native builds of the cdylib (clippy, `cargo build --workspace`) need std's
// panic handler and allocator; the raw ABI module brings its own on wasm32.
#[cfg(not(target_arch = "wasm32"))]
extern crate std;

// The allocator of both faces on wasm32: dlmalloc behind a per-decision arena.
#[cfg(target_arch = "wasm32")]
mod arena;
// Natively (clippy on the JS face) there is no arena: calls use the system allocator.
#[cfg(all(not(target_arch = "wasm32"), feature = "js"))]
mod arena {
    pub fn scratch<T, U>(call: impl FnOnce() -> T, copy_out: impl FnOnce(T) -> U) -> U {
        copy_out(call())
    }
}

// The raw ABI is a wasm32 ABI (pointers are 32-bit offsets into the module's
// own memory), so it only exists there, and never next to the `js` face.
#[cfg(all(target_arch = "wasm32", not(feature = "js")))]
mod abi;

// The wasm-bindgen face for the npm package (see `npm/`).
#[cfg(feature = "js")]
mod js;
