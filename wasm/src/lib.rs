//! Thin adapters from WebAssembly hosts to `portcullis-core`: bytes in, core
//! call, bytes out. No policy logic lives here.
#![no_std]

extern crate alloc;

// The wasm-bindgen face for the npm package (see `npm/`).
#[cfg(feature = "js")]
mod js;
